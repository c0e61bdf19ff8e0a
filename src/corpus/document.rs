//! Open documents: a change spliced into the last summary, and the analysis's checks kept.

use std::path::Path;

use crate::syntax;
use crate::text::LineIndex;

use super::{
    Changed, Content, Corpus, DocChecks, FileData, FileId, LastDocument, Occurrence, Sym, diagnostic_order,
    occurrence_order, summarize_line_into, title,
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
        let len = text.len() as u32;
        let follows = ch.start <= ch.old_end.min(ch.new_end)
            && ch.old_end <= last.len
            && ch.new_end <= len
            && last.len - ch.old_end == len - ch.new_end;
        if !follows || self.files[id.0 as usize].as_ref()?.seed().is_none() {
            return None;
        }
        // The lines touched, whole: `start..old_end` of the old text became `start..new_end`
        // (each ends at a line break or the end of the text).
        let bytes = text.as_bytes();
        let start = memchr::memrchr(b'\n', &bytes[..ch.start as usize]).map_or(0, |i| i as u32 + 1);
        // Line 1, with its line break: the header.
        if start == 0 {
            return None;
        }
        let new_end = memchr::memchr(b'\n', &bytes[ch.new_end as usize..]).map_or(len, |i| ch.new_end + i as u32);
        let old_end = new_end - ch.new_end + ch.old_end;
        let delta = ch.delta();

        let (mut mentions, mut diagnostics, mut occurrences) = (Vec::new(), Vec::new(), Vec::new());
        let upto = if new_end < len { new_end + 1 } else { len };
        let touched =
            crate::text::lines(&text[start as usize..upto as usize]).take_while(|l| start + l.start <= new_end);
        for line in touched {
            let mut acc = (&mut mentions, &mut diagnostics, &mut occurrences);
            // Lines after the first have no header part: their prose starts at 0.
            summarize_line_into(&self.interner, &text[line.shift(start)], 0, start + line.start, &mut acc);
        }
        diagnostics.sort_by_key(diagnostic_order);
        occurrences.sort_unstable_by_key(occurrence_order);

        let mut memo = self.line_memos.remove(path)?;
        let (
            Some(last),
            Some(FileData { content: Content::Seed(seed), syntax_diagnostics, line_index: kept_index, .. }),
        ) = (memo.last.take(), self.files[id.0 as usize].as_mut())
        else {
            self.line_memos.insert(path.to_path_buf(), memo);
            return None;
        };
        // Mentions of the touched lines are replaced; those after move, and so do their parents'
        // indices (a mention's parent is on its line).
        let list = seed.mentions.to_mut();
        let m0 = list.partition_point(|m| m.range.start < start);
        let m1 = m0 + list[m0..].partition_point(|m| m.range.start <= old_end);
        let added = mentions.len() as u32;
        let parents = i64::from(added) - (m1 - m0) as i64;
        for m in &mut list[m1..] {
            m.move_by(delta, parents);
        }
        list.splice(m0..m1, mentions.into_iter().map(|m| m.shift(0, m0 as u32)));
        // T002 and the title read the first lines of the body: when the change reached them,
        // they are computed again (before anything moves: T002 points at earlier lines).
        let retop = start <= last.top;
        let diags = syntax_diagnostics.to_mut();
        if retop {
            diags.retain(|d| d.code != crate::diagnostic::Code::T002);
        }
        let d0 = diags.partition_point(|d| d.range.start < start);
        let d1 = d0 + diags[d0..].partition_point(|d| d.range.start <= old_end);
        for d in &mut diags[d1..] {
            d.move_by(delta);
        }
        diags.splice(d0..d1, diagnostics);
        let mut top = last.top;
        if retop {
            let body_start = syntax::body_start(syntax::header::parse_header(text, self.today).0.as_ref());
            let mut repeated = Vec::new();
            top = syntax::prose::repeated_lines(text, body_start, &[], &mut repeated);
            diags.extend(repeated);
            diags.sort_by_key(diagnostic_order);
            (seed.title, seed.title_range) = title(text);
        }
        *kept_index = Some(Box::new(line_index.clone()));

        // The document's occurrences: the touched lines' replaced, those after moved. Only ids
        // with an occurrence from the touched lines on have their runs in the index rewritten;
        // those whose occurrences in the touched lines differ (not just moved) are noted.
        let mut list = last.occurrences;
        let (mut affected, mut removed) = (Vec::new(), Vec::new());
        list.retain_mut(|(sym, o)| {
            if o.start < start {
                return true;
            }
            if affected.last() != Some(sym) {
                affected.push(*sym);
            }
            if o.start <= old_end {
                removed.push((*sym, *o));
                return false;
            }
            o.start = (i64::from(o.start) + delta) as u32;
            true
        });
        for &n in &occurrences {
            list.insert(list.partition_point(|o| occurrence_order(o) < occurrence_order(&n)), n);
        }
        let kind_of = |&(sym, o): &(Sym, Occurrence)| (sym, o.kind(), o.ty);
        let mut ids: Vec<Sym> = Vec::new();
        if !removed.iter().map(kind_of).eq(occurrences.iter().map(kind_of)) {
            ids.extend(removed.iter().chain(&occurrences).map(|o| o.0));
            ids.sort_unstable();
            ids.dedup();
        }
        affected.extend(occurrences.iter().map(|o| o.0));
        affected.sort_unstable();
        affected.dedup();
        let mut runs = Vec::new();
        let mut wanted = affected.iter().copied().peekable();
        for group in list.chunk_by(|a, b| a.0 == b.0) {
            while wanted.next_if(|&s| s < group[0].0).is_some() {}
            if wanted.peek() == Some(&group[0].0) {
                runs.extend_from_slice(group);
            }
        }
        self.replace_occurrences(id, &affected, &runs, Some(&mut memo.runs), None);
        memo.last = Some(LastDocument { len, top, occurrences: list });
        let checks = memo.checks.get_mut().unwrap_or_else(|e| e.into_inner());
        checks.splice(
            Changed { start, old_end, new_end },
            Changed { start: m0 as u32, old_end: m1 as u32, new_end: m0 as u32 + added },
        );
        self.line_memos.insert(path.to_path_buf(), memo);
        self.note_changed_ids(&ids);
        Some(id)
    }

    /// Tells the open documents' checks that the occurrences of `ids` changed.
    pub(super) fn note_changed_ids(&mut self, ids: &[Sym]) {
        if !ids.is_empty() {
            for memo in self.line_memos.values_mut() {
                memo.checks.get_mut().unwrap_or_else(|e| e.into_inner()).note_ids(ids);
            }
        }
    }

    /// After a registry or the schema changed: everything derived from them is computed again.
    pub(super) fn invalidate_checks(&mut self) {
        for memo in self.line_memos.values_mut() {
            memo.checks.get_mut().unwrap_or_else(|e| e.into_inner()).invalidate();
        }
    }

    /// What the analysis keeps of an open document ([`DocChecks`]); `None` for other files.
    pub fn doc_checks(&self, file: FileId) -> Option<std::sync::MutexGuard<'_, DocChecks>> {
        let memo = self.line_memos.get(&self.file(file).path)?;
        // A panic in the middle of an update leaves nothing to trust.
        Some(memo.checks.lock().unwrap_or_else(|e| {
            let mut checks = e.into_inner();
            checks.invalidate();
            checks
        }))
    }

    /// Whether [`Corpus::set_text`] remembers the lines of this file: worth it for a document
    /// being edited, where each change touches a line or two of thousands.
    pub fn keep_line_memo(&mut self, path: &Path, keep: bool) {
        if keep {
            self.line_memos.entry(path.to_path_buf()).or_default();
        } else {
            self.line_memos.remove(path);
            if let Some(entities) = self.entities.get() {
                entities.forget_lines(self.file_id(path));
            }
        }
    }

    /// Whether the lines of a file are remembered ([`Corpus::keep_line_memo`]).
    pub fn keeps_lines(&self, file: FileId) -> bool {
        self.line_memos.contains_key(&self.file(file).path)
    }
}
