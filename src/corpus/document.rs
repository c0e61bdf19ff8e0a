//! Open documents: a change spliced into the last summary, and what changed noted for the
//! analysis.

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax;
use crate::syntax::header::Date;
use crate::text::LineIndex;

use super::index::runs_by_id;
use super::{
    Changed, Content, Corpus, DocChanges, FileData, FileId, LastDocument, LineSummary, MentionSummary, Occurrence,
    Recover, SeedSummary, Sym, diagnostic_order, next_stamp, occurrence_order, summarize_line_into, title,
};

impl Corpus {
    /// [`Corpus::set_text`] for an open document, whose line index the editor side keeps.
    /// With `changed`, what changed since the text of the last call, only the lines it touched
    /// are parsed again (when the document's last summary allows; else the whole text is).
    pub fn set_document(
        &mut self,
        path: &Path,
        text: &str,
        line_index: &LineIndex,
        changed: Option<Changed>,
    ) -> Option<FileId> {
        if let Some(changed) = changed
            && let Some(id) = self.splice_document(path, text, line_index, changed)
        {
            return Some(id);
        }
        self.replace(path, text.as_bytes(), Some((text, line_index)))
    }

    /// Applies a change to an open seed document's last summary: the lines it touched are
    /// parsed again, their mentions, diagnostics and occurrences put in place of the old ones,
    /// and what follows moves. `None` when the summary cannot be spliced (nothing to splice
    /// into, or a change to line 1, whose header the whole file depends on): the caller then
    /// summarises the whole text.
    fn splice_document(&mut self, path: &Path, text: &str, line_index: &LineIndex, ch: Changed) -> Option<FileId> {
        let id = self.file_id(path)?;
        let last = self.line_memos.get(path)?.last.as_ref()?;
        self.files[id.0 as usize].as_ref()?.seed()?;
        let lines = touched_lines(text, last.len, ch)?;
        let new = self.summarize_lines(text, lines);

        let mut memo = self.line_memos.remove(path)?;
        let (
            Some(last),
            Some(FileData { content: Content::Seed(seed), syntax_diagnostics, line_index: kept_index, .. }),
        ) = (memo.last.take(), self.files[id.0 as usize].as_mut())
        else {
            self.line_memos.insert(path.to_path_buf(), memo);
            return None;
        };
        let mentions = splice_mentions(seed.mentions.to_mut(), lines, new.mentions);
        // T002 and the title read the first lines of the body: when the change reached them,
        // they are computed again (before anything moves: T002 points at earlier lines). So
        // they are while the text has a conflict marker: a block hides the T002 inside it.
        let retop = lines.start <= last.top || syntax::conflict::has_markers(text) || had_conflicts(syntax_diagnostics);
        let diags = syntax_diagnostics.to_mut();
        splice_diagnostics(diags, lines, new.diagnostics, retop);
        let top = if retop { top_again(text, self.today, seed, diags) } else { last.top };
        conflicts_again(text, diags);
        *kept_index = Some(Box::new(line_index.clone()));

        let spliced = splice_occurrences(last.occurrences, lines, &new.occurrences);
        // Only the affected ids' runs in the index are rewritten, each looked for where it was.
        let runs = runs_of(&spliced.list, &spliced.affected);
        for (sym, group) in runs_by_id(&spliced.affected, &runs) {
            let hint = memo.runs.get(&sym).copied();
            if let Some((from, _)) = self.replace_run(id, sym, group, hint) {
                memo.runs.insert(sym, from);
            }
        }
        memo.last = Some(LastDocument { len: text.len() as u32, top, occurrences: spliced.list });
        memo.report.get_mut().recover().changes.splice(lines, mentions);
        self.line_memos.insert(path.to_path_buf(), memo);
        self.note_changed_ids(&spliced.retyped);
        Some(id)
    }

    /// The summary of the lines `lines` covers in the new text, in offsets of the text.
    fn summarize_lines(&self, text: &str, lines: Changed) -> LineSummary {
        let Changed { start, new_end, .. } = lines;
        let mut s = LineSummary::default();
        let len = text.len() as u32;
        let upto = if new_end < len { new_end + 1 } else { len };
        let touched =
            crate::text::lines(&text[start as usize..upto as usize]).take_while(|l| start + l.start <= new_end);
        for line in touched {
            let mut acc = (&mut s.mentions, &mut s.diagnostics, &mut s.occurrences);
            // Lines after the first have no header part: their prose starts at 0.
            summarize_line_into(&self.interner, &text[line.shift(start)], 0, start + line.start, &mut acc);
        }
        s.diagnostics.sort_by_key(diagnostic_order);
        s.occurrences.sort_unstable_by_key(occurrence_order);
        s
    }

    /// Notes in the open documents' reports that the occurrences of `ids` changed.
    pub(super) fn note_changed_ids(&mut self, ids: &[Sym]) {
        if !ids.is_empty() {
            for memo in self.line_memos.values_mut() {
                memo.report.get_mut().recover().changes.note_ids(ids);
            }
        }
    }

    /// What changed in an open document since the call that returned the stamp `seen`, and the
    /// stamp to show next time; `None` for other files. The changes are taken: the next call
    /// gets those made after this one. A `seen` that is not the last stamp given (a reader
    /// that missed changes, or a first call) gets the changes stale.
    pub fn take_changes(&self, file: FileId, seen: u64) -> Option<(DocChanges, u64)> {
        let memo = self.line_memos.get(&self.file(file).path)?;
        // A panic in the middle of an update leaves nothing to trust.
        let mut report = memo.report.lock().unwrap_or_else(|e| {
            let mut report = e.into_inner();
            report.changes.invalidate();
            report
        });
        let mut changes = std::mem::replace(&mut report.changes, DocChanges::none());
        if report.stamp != seen {
            changes.invalidate();
        }
        report.stamp = next_stamp();
        Some((changes, report.stamp))
    }

    /// Whether [`Corpus::set_text`] remembers the lines of this file: worth it for a document
    /// being edited, where each change touches a line or two of thousands.
    pub fn keep_line_memo(&mut self, path: &Path, keep: bool) {
        if keep {
            self.line_memos.entry(path.to_path_buf()).or_default();
        } else {
            self.line_memos.remove(path);
        }
    }

    /// Whether the lines of a file are remembered ([`Corpus::keep_line_memo`]): an open
    /// document. False for a file taken out.
    pub fn keeps_lines(&self, file: FileId) -> bool {
        self.files.get(file.0 as usize).and_then(Option::as_ref).is_some_and(|f| self.line_memos.contains_key(&f.path))
    }
}

/// The lines a change touched, whole: `start..old_end` of the old text (`old_len` bytes) became
/// `start..new_end` of `text`, each ending at a line break or the end of the text. `None` when
/// the change does not fit the two texts, or touches line 1 (the header, which the whole file
/// depends on).
fn touched_lines(text: &str, old_len: u32, ch: Changed) -> Option<Changed> {
    let len = text.len() as u32;
    let follows = ch.start <= ch.old_end.min(ch.new_end)
        && ch.old_end <= old_len
        && ch.new_end <= len
        && old_len - ch.old_end == len - ch.new_end;
    if !follows {
        return None;
    }
    let bytes = text.as_bytes();
    let start = memchr::memrchr(b'\n', &bytes[..ch.start as usize]).map_or(0, |i| i as u32 + 1);
    // Line 1, with its line break: the header.
    if start == 0 {
        return None;
    }
    let new_end = memchr::memchr(b'\n', &bytes[ch.new_end as usize..]).map_or(len, |i| ch.new_end + i as u32);
    Some(Changed { start, old_end: new_end - ch.new_end + ch.old_end, new_end })
}

/// Puts the touched lines' mentions (`new`, in offsets of the text) in place of the old ones;
/// those after move, and so do their parents' indices (a mention's parent is on its line).
/// Returns the change as indices into the list.
fn splice_mentions(list: &mut Vec<MentionSummary>, lines: Changed, new: Vec<MentionSummary>) -> Changed {
    let m0 = list.partition_point(|m| m.range.start < lines.start);
    let m1 = m0 + list[m0..].partition_point(|m| m.range.start <= lines.old_end);
    let added = new.len() as u32;
    let parents = i64::from(added) - (m1 - m0) as i64;
    for m in &mut list[m1..] {
        m.move_by(lines.delta(), parents);
    }
    list.splice(m0..m1, new.into_iter().map(|m| m.shift(0, m0 as u32)));
    Changed { start: m0 as u32, old_end: m1 as u32, new_end: m0 as u32 + added }
}

/// Puts the touched lines' diagnostics (`new`, sorted) in place of the old ones; those after
/// move. With `retop`, T002 goes too (see [`top_again`]).
fn splice_diagnostics(diags: &mut Vec<Diagnostic>, lines: Changed, new: Vec<Diagnostic>, retop: bool) {
    // A conflict block spans lines, which the splice does not follow: see [`conflicts_again`].
    diags.retain(|d| d.code != Code::F002 && !(retop && d.code == Code::T002));
    let d0 = diags.partition_point(|d| d.range.start < lines.start);
    let d1 = d0 + diags[d0..].partition_point(|d| d.range.start <= lines.old_end);
    for d in &mut diags[d1..] {
        d.move_by(lines.delta());
    }
    diags.splice(d0..d1, new);
}

/// F002 computed again on the whole text: a change anywhere may open or close a block (one
/// search of the text when it has no marker).
fn conflicts_again(text: &str, diags: &mut Vec<Diagnostic>) {
    if syntax::conflict::has_markers(text) {
        syntax::conflict::diagnostics(text, diags);
        diags.sort_by_key(diagnostic_order);
    }
}

fn had_conflicts(diags: &super::Diagnostics) -> bool {
    diags.get().iter().any(|d| d.code == Code::F002)
}

/// T002 and the title computed again from the first lines of the body; returns where the last
/// line T002 read starts.
fn top_again(text: &str, today: Date, seed: &mut SeedSummary, diags: &mut Vec<Diagnostic>) -> u32 {
    let body_start = syntax::body_start(syntax::header::parse_header(text, today).0.as_ref());
    let mut repeated = Vec::new();
    let top = syntax::prose::repeated_lines(text, body_start, &[], &mut repeated);
    diags.extend(repeated);
    diags.sort_by_key(diagnostic_order);
    (seed.title, seed.title_range) = title(text);
    top
}

/// A document's occurrences after a change (see [`splice_occurrences`]).
struct SplicedOccurrences {
    /// All of them, sorted by (id, offset).
    list: Vec<(Sym, Occurrence)>,
    /// The ids with an occurrence from the touched lines on (sorted): their runs in the index
    /// are rewritten.
    affected: Vec<Sym>,
    /// The ids whose occurrences in the touched lines differ in more than place (sorted).
    retyped: Vec<Sym>,
}

/// The document's occurrences `list`: the touched lines' replaced by `new` (sorted by id,
/// then offset), those after moved.
fn splice_occurrences(
    mut list: Vec<(Sym, Occurrence)>,
    lines: Changed,
    new: &[(Sym, Occurrence)],
) -> SplicedOccurrences {
    let (mut affected, mut removed) = (Vec::new(), Vec::new());
    list.retain_mut(|(sym, o)| {
        if o.start < lines.start {
            return true;
        }
        if affected.last() != Some(sym) {
            affected.push(*sym);
        }
        if o.start <= lines.old_end {
            removed.push((*sym, *o));
            return false;
        }
        o.start = (i64::from(o.start) + lines.delta()) as u32;
        true
    });
    for &n in new {
        list.insert(list.partition_point(|o| occurrence_order(o) < occurrence_order(&n)), n);
    }
    let kind_of = |&(sym, o): &(Sym, Occurrence)| (sym, o.kind(), o.ty);
    let mut retyped: Vec<Sym> = Vec::new();
    if !removed.iter().map(kind_of).eq(new.iter().map(kind_of)) {
        retyped.extend(removed.iter().chain(new).map(|o| o.0));
        retyped.sort_unstable();
        retyped.dedup();
    }
    affected.extend(new.iter().map(|o| o.0));
    affected.sort_unstable();
    affected.dedup();
    SplicedOccurrences { list, affected, retyped }
}

/// The occurrences of `list` (sorted by id) whose id is in `ids` (sorted).
fn runs_of(list: &[(Sym, Occurrence)], ids: &[Sym]) -> Vec<(Sym, Occurrence)> {
    let mut runs = Vec::new();
    let mut wanted = ids.iter().copied().peekable();
    for group in list.chunk_by(|a, b| a.0 == b.0) {
        while wanted.next_if(|&s| s < group[0].0).is_some() {}
        if wanted.peek() == Some(&group[0].0) {
            runs.extend_from_slice(group);
        }
    }
    runs
}
