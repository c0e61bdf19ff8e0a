//! Parsing one file into its summary, syntax diagnostics and occurrences, line by line.

use crate::diagnostic::Diagnostic;
use crate::syntax;
use crate::syntax::header::Date;
use crate::syntax::registry::parse_registry;
use crate::syntax::schema::parse_schema;
use crate::text::{LineCol, LineIndex, TextRange};

use super::{
    ArgSummary, Content, Diagnostics, FileId, FileKind, Interner, LineMemo, MentionSummary, Occurrence, OccurrenceKind,
    SeedSummary, Sym, is_date_shaped,
};

/// The result of parsing one file, before it joins the corpus.
pub(super) struct Parsed {
    pub(super) kind: FileKind,
    /// `None` once lean.
    pub(super) line_index: Option<Box<LineIndex>>,
    pub(super) diagnostics: Diagnostics,
    pub(super) content: Content,
    /// What the file adds to the index, sorted by (id, offset); `file` is filled in by
    /// [`Corpus::insert`](super::Corpus::insert). Computed by the parsing thread, where the text is at hand, so that
    /// the serial merge only appends.
    pub(super) occurrences: Vec<(Sym, Occurrence)>,
    /// Places of a lean file's occurrences that do not fit in them, by offset.
    pub(super) far: Vec<(u32, LineCol)>,
}

/// A placeholder file id for occurrences not yet inserted.
const NO_FILE: FileId = FileId(u32::MAX);

/// What is known of a file's new text before it is parsed (see [`parse_known`]).
#[derive(Default)]
pub(super) struct Known<'a> {
    /// The summaries of the lines of a document being edited, by line text.
    pub(super) lines: Option<&'a mut LineMemo<LineSummary>>,
    /// The line index the editor side keeps for an open document.
    pub(super) line_index: Option<LineIndex>,
}

/// One file's text parsed, as a load reads it.
pub(super) fn parse_file(interner: &Interner, kind: FileKind, bytes: &[u8], today: Date) -> Parsed {
    parse_known(interner, kind, bytes, today, Known::default())
}

/// [`parse_file`] reusing what is `known` of the text.
pub(super) fn parse_known(interner: &Interner, kind: FileKind, bytes: &[u8], today: Date, known: Known) -> Parsed {
    let Known { lines: memo, line_index } = known;
    let text = match syntax::decode(bytes) {
        Ok(text) => text,
        Err(diag) => {
            let lossy = String::from_utf8_lossy(bytes);
            return Parsed {
                kind,
                line_index: Some(Box::new(LineIndex::new(&lossy))),
                diagnostics: vec![diag].into(),
                content: Content::Invalid,
                occurrences: Vec::new(),
                far: Vec::new(),
            };
        }
    };
    let line_index = line_index.unwrap_or_else(|| LineIndex::new(text));
    let mut occurrences = Vec::new();
    let (diagnostics, content) = match kind {
        FileKind::Seed => {
            let (summary, diagnostics, occs) = summarize_seed(interner, text, today, memo);
            occurrences = occs;
            (diagnostics, Content::Seed(summary))
        }
        FileKind::Registry => {
            let (registry, diags) = parse_registry(text);
            for e in &registry.entries {
                let id = interner.get_or_intern(&e.id.text);
                let ty = Some(interner.get_or_intern(&e.ty.text));
                let kind = OccurrenceKind::RegistryRow;
                occurrences.push((id, Occurrence::new(NO_FILE, e.id.range, kind, ty)));
            }
            (diags, Content::Registry(registry))
        }
        FileKind::Schema => {
            let (schema, diags) = parse_schema(text);
            (diags, Content::Schema(schema))
        }
    };
    // Keep every list sorted by (file, offset), so that replacing a file (`set_text`) gives
    // the same index as a fresh load, and removing one is a binary search, not a scan.
    // No two occurrences start at the same offset: one packed key orders them.
    occurrences.sort_unstable_by_key(occurrence_order);
    let diagnostics = diagnostics.into();
    Parsed { kind, line_index: Some(Box::new(line_index)), diagnostics, content, occurrences, far: Vec::new() }
}

/// One line's share of a seed file's summary, in offsets from the line's start.
#[derive(Clone, Debug, Default)]
pub(super) struct LineSummary {
    pub(super) mentions: Vec<MentionSummary>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) occurrences: Vec<(Sym, Occurrence)>,
}

/// A seed file's summary, syntax diagnostics and occurrences, from its lines' summaries (see
/// [`syntax::LineSyntax`]): the memo, when given, supplies the lines it has already seen.
pub(super) fn summarize_seed(
    interner: &Interner,
    text: &str,
    today: Date,
    mut memo: Option<&mut LineMemo<LineSummary>>,
) -> (SeedSummary, Vec<Diagnostic>, Vec<(Sym, Occurrence)>) {
    let (header, mut diagnostics) = syntax::header::parse_header(text, today);
    let body_start = syntax::body_start(header.as_ref());
    let mut mentions: Vec<MentionSummary> = Vec::new();
    let mut occurrences = Vec::new();
    if let Some(memo) = memo.as_deref_mut() {
        memo.start();
    }
    let mut top = Vec::new();
    for (i, line) in crate::text::lines(text).enumerate() {
        let (content, from) = (&text[line], body_start.saturating_sub(line.start));
        let mut acc = (&mut mentions, &mut diagnostics, &mut occurrences);
        // Only lines with markup are worth remembering: the others cost a glance.
        match memo.as_deref_mut() {
            Some(memo) if from == 0 && syntax::annotation::has_markup(content) => {
                let s = memo.get(content, || summarize_line(interner, content, 0).0);
                let (m, d, o) =
                    (s.mentions.iter().cloned(), s.diagnostics.iter().cloned(), s.occurrences.iter().copied());
                append_line(&mut acc, line.start, m, d, o);
            }
            _ => {
                let plain = summarize_line_into(interner, content, from, line.start, &mut acc);
                if let Some(plain) = plain.filter(|_| i < syntax::prose::TOP_KNOWN) {
                    top.push((line.start, plain));
                }
            }
        }
    }
    if let Some(memo) = memo {
        memo.finish();
    }
    syntax::prose::repeated_lines(text, body_start, &top, &mut diagnostics);
    syntax::conflict::diagnostics(text, &mut diagnostics);
    diagnostics.sort_by_key(diagnostic_order);
    let header = header.as_ref();
    let (title, title_range) = title(text);
    let summary = SeedSummary {
        header: header.map(|h| h.range),
        date: header.and_then(|h| h.date),
        date_range: header.and_then(|h| h.date_range),
        url: header.and_then(|h| h.url).map(|u| text[u].into()),
        url_range: header.and_then(|h| h.url),
        title,
        title_range,
        mentions: mentions.into(),
    };
    (summary, diagnostics, occurrences)
}

/// The order of a file's diagnostics.
pub(super) fn diagnostic_order(d: &Diagnostic) -> (u32, u32, crate::diagnostic::Code) {
    (d.range.start, d.range.end, d.code)
}

/// The order of a file's occurrences: by id, then offset (no two start at the same offset).
pub(super) fn occurrence_order((sym, o): &(Sym, Occurrence)) -> u64 {
    (lasso::Key::into_usize(*sym) as u64) << 32 | u64::from(o.start)
}

/// The first non-empty line of the body, markup stripped, and where it is.
pub(super) fn title(text: &str) -> (Option<Box<str>>, Option<TextRange>) {
    let line = crate::text::lines(text).skip(1).find(|l| !text[*l].trim().is_empty());
    let title = line.map(|l| {
        let stripped = syntax::annotation::strip(&text[l]);
        stripped.trim().chars().take(200).collect::<String>().into_boxed_str()
    });
    (title, line)
}

type Summaries<'a> = (&'a mut Vec<MentionSummary>, &'a mut Vec<Diagnostic>, &'a mut Vec<(Sym, Occurrence)>);

/// Appends a line's summary, in offsets from the line's start `at`, to the file's.
fn append_line(
    (mentions, diagnostics, occurrences): &mut Summaries,
    at: u32,
    m: impl IntoIterator<Item = MentionSummary>,
    d: impl IntoIterator<Item = Diagnostic>,
    o: impl IntoIterator<Item = (Sym, Occurrence)>,
) {
    let base = mentions.len() as u32;
    mentions.extend(m.into_iter().map(|m| m.shift(at, base)));
    diagnostics.extend(d.into_iter().map(|d| d.shift(at)));
    occurrences.extend(o.into_iter().map(|(s, o)| (s, Occurrence { start: o.start + at, ..o })));
}

/// A line's summary, and the line with its markup stripped when it has any.
fn summarize_line(interner: &Interner, line: &str, prose_from: u32) -> (LineSummary, Option<String>) {
    let mut s = LineSummary::default();
    let plain = summarize_line_into(
        interner,
        line,
        prose_from,
        0,
        &mut (&mut s.mentions, &mut s.diagnostics, &mut s.occurrences),
    );
    (s, plain)
}

/// Appends a line's summary, the line starting at `at`, to a file's (no copy of its own on
/// the way: the cold load is mostly this). Returns the line with its markup stripped.
pub(super) fn summarize_line_into(
    interner: &Interner,
    line: &str,
    prose_from: u32,
    at: u32,
    (mentions, diagnostics, occurrences): &mut Summaries,
) -> Option<String> {
    let parse = syntax::parse_line(line, prose_from);
    let intern = |r: TextRange| interner.get_or_intern(&line[r]);
    let base = mentions.len() as u32;
    for m in &parse.annotations.mentions {
        let summary = MentionSummary {
            range: m.range,
            surface: m.surface,
            head_start: m.head.map_or(m.tag.start, |h| h.ty.start),
            ty: m.head.map(|h| intern(h.ty)),
            mode: m.head.and_then(|h| h.mode).map(intern),
            id: m.head.and_then(|h| h.id).map(intern),
            args: m
                .args
                .iter()
                .map(|a| ArgSummary {
                    role: intern(a.role),
                    role_range: a.role,
                    values: a.values.iter().map(|&v| (intern(v), v)).collect(),
                })
                .collect(),
            parent: m.parent,
        };
        // The occurrences are taken from the parse's ranges here, where the text is at hand.
        if let (Some(id), Some(range)) = (summary.id, m.head.and_then(|h| h.id)) {
            let kind = OccurrenceKind::Mention;
            occurrences.push((id, Occurrence::new(NO_FILE, range.shift(at), kind, summary.ty)));
        }
        for &(v, range) in summary.args.iter().flat_map(|a| a.values.iter()) {
            if !is_date_shaped(&line[range]) {
                let kind = OccurrenceKind::RoleValue;
                occurrences.push((v, Occurrence::new(NO_FILE, range.shift(at), kind, None)));
            }
        }
        mentions.push(summary.shift(at, base));
    }
    diagnostics.extend(parse.diagnostics.into_iter().map(|d| d.shift(at)));
    parse.plain
}
