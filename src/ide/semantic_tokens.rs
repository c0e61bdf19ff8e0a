//! Colouring (SPEC §8 semantic tokens): what every piece of a file is, as a standard LSP token
//! type name, from the file's summary alone (no text, so closed files and huge ones cost the
//! same: one pass over the mentions of the lines asked for).
//!
//! The schema's `token` column already speaks in LSP token types (SPEC §5), so this module
//! does too, limited to the standard types so that stock themes colour every one. The mapping:
//!
//! | what | token type |
//! |---|---|
//! | a mention's surface | its type's `token` (default schema: person `class`, group `parameter`, org `enumMember`, gov `type`, place `string`, events `function`); an unknown type or token is left plain |
//! | markup: `[`, `]{`, the type and mode, `:`, `=`, `,`, `}` | `comment` (dim in every theme) |
//! | ids (after `:`, and role values that are ids) | `variable` |
//! | role names | `property` |
//! | the header date, and date role values | `number` |
//! | the header URL | `macro` |
//! | registry rows: the id cell / the name and aliases | `variable` / the row type's `token` |
//! | merge conflict markers (`<<<<<<<`, `=======`, `>>>>>>>` lines, F002) | `keyword` |
//!
//! Tokens never overlap and never span lines (mentions are on one line): the surface of an
//! event that contains other mentions is split around them, each inner surface taking its own
//! type's colour.

use rustc_hash::FxHashMap;

use crate::corpus::{Content, Corpus, FileId, MentionSummary, SeedSummary, Sym, is_date_shaped};
use crate::syntax::registry::Registry;
use crate::text::TextRange;

/// The standard semantic token types of LSP 3.17, in the order of the legend the server
/// advertises: a schema may name any of them.
pub const TOKEN_TYPES: [&str; 23] = [
    "namespace",
    "type",
    "class",
    "enum",
    "interface",
    "struct",
    "typeParameter",
    "parameter",
    "variable",
    "property",
    "enumMember",
    "event",
    "function",
    "method",
    "macro",
    "keyword",
    "modifier",
    "comment",
    "string",
    "number",
    "regexp",
    "operator",
    "decorator",
];

/// One of [`TOKEN_TYPES`], by its index.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TokenType(u8);

impl std::fmt::Debug for TokenType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl TokenType {
    /// `[`, `]{…}` and everything in a tag that is not an id, a role name or a value.
    pub const MARKUP: TokenType = TokenType::named("comment");
    /// Ids: distinct from every surface colour of the default schema.
    pub const ID: TokenType = TokenType::named("variable");
    pub const ROLE: TokenType = TokenType::named("property");
    pub const DATE: TokenType = TokenType::named("number");
    /// `string` would be the natural choice, but places use it.
    pub const URL: TokenType = TokenType::named("macro");
    /// A merge conflict's marker lines: loud in every theme.
    pub const CONFLICT: TokenType = TokenType::named("keyword");

    /// The token type a schema's `token` cell names, if it is a standard one.
    pub fn from_name(name: &str) -> Option<TokenType> {
        TOKEN_TYPES.iter().position(|t| *t == name).map(|i| TokenType(i as u8))
    }

    const fn named(name: &str) -> TokenType {
        let mut i = 0;
        while i < TOKEN_TYPES.len() {
            if eq(TOKEN_TYPES[i].as_bytes(), name.as_bytes()) {
                return TokenType(i as u8);
            }
            i += 1;
        }
        panic!("not a standard token type")
    }

    pub fn name(self) -> &'static str {
        TOKEN_TYPES[self.0 as usize]
    }

    /// Position in [`TOKEN_TYPES`] (the legend).
    pub fn index(self) -> u32 {
        u32::from(self.0)
    }
}

const fn eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Highlight {
    pub range: TextRange,
    pub ty: TokenType,
}

/// The highlights of `file`, sorted, disjoint, each on one line. With `range`, only those of
/// the lines it touches (a client asking for the visible part of a long file).
pub fn semantic_tokens(corpus: &Corpus, file: FileId, range: Option<TextRange>) -> Vec<Highlight> {
    let data = corpus.full(file);
    // Mentions and registry rows lie on one line: whole lines are the unit of work.
    let window = range.map_or(TextRange::new(0, u32::MAX), |r| {
        let index = data.line_index();
        let start = index.line_start(index.line_of(r.start)).unwrap_or(0);
        let end = index.line_start(index.line_of(r.end) + 1).unwrap_or(index.len());
        TextRange::new(start, end)
    });
    let mut out = Builder::default();
    match &data.content {
        Content::Seed(seed) => seed_tokens(corpus, seed, window, &mut out),
        Content::Registry(registry) => registry_tokens(corpus, registry, window, &mut out),
        _ => {}
    }
    let mut tokens = out.tokens;
    if let Content::Seed(_) = &data.content {
        conflict_markers(&data.syntax_diagnostics.get(), window, &mut tokens);
    }
    if let Some(r) = range {
        tokens.retain(|h| h.range.intersects(r) || (r.is_empty() && h.range.contains(r.start)));
    }
    tokens
}

/// The marker lines of conflict blocks (F002 keeps them as its related ranges) put among the
/// other tokens, which give way to them (a label could hold brackets).
fn conflict_markers(diagnostics: &[crate::diagnostic::Diagnostic], window: TextRange, tokens: &mut Vec<Highlight>) {
    let markers: Vec<TextRange> = diagnostics
        .iter()
        .filter(|d| d.code == crate::diagnostic::Code::F002)
        .flat_map(|d| d.related.iter().filter(|r| r.file.is_none()).map(|r| r.range))
        .chain(
            diagnostics
                .iter()
                .filter(|d| d.code == crate::diagnostic::Code::F002 && d.related.is_empty())
                .map(|d| d.range),
        )
        .filter(|r| r.intersects(window) && !r.is_empty())
        .collect();
    if markers.is_empty() {
        return;
    }
    tokens.retain(|t| !markers.iter().any(|m| m.intersects(t.range)));
    tokens.extend(markers.into_iter().map(|range| Highlight { range, ty: TokenType::CONFLICT }));
    tokens.sort_by_key(|t| t.range.start);
}

/// Collects highlights in order, dropping empty ones and clipping any that would overlap the
/// previous one (the parser cannot produce overlapping mentions; this keeps the guarantee
/// local rather than trusted). Touching pieces of the same type become one (`[[`, `}]{`):
/// every token costs the client, and the protocol layer, a few integers.
#[derive(Default)]
struct Builder {
    tokens: Vec<Highlight>,
    end: u32,
}

impl Builder {
    fn push(&mut self, range: TextRange, ty: TokenType) {
        let start = range.start.max(self.end);
        if start >= range.end {
            return;
        }
        self.end = range.end;
        match self.tokens.last_mut() {
            // Mentions and registry rows lie on one line, so merging never joins two lines.
            Some(last) if last.range.end == start && last.ty == ty => last.range.end = range.end,
            _ => self.tokens.push(Highlight { range: TextRange::new(start, range.end), ty }),
        }
    }
}

/// Interned strings looked up once per pass: the interner's lookup is a concurrent map.
struct Lookups<'a> {
    corpus: &'a Corpus,
    len: FxHashMap<Sym, (u32, bool)>,
    token: FxHashMap<Sym, Option<TokenType>>,
}

impl<'a> Lookups<'a> {
    fn new(corpus: &'a Corpus) -> Lookups<'a> {
        Lookups { corpus, len: FxHashMap::default(), token: FxHashMap::default() }
    }

    /// Length of an interned string, and whether it is a date literal.
    fn len(&mut self, sym: Sym) -> (u32, bool) {
        let corpus = self.corpus;
        *self.len.entry(sym).or_insert_with(|| {
            let s = corpus.resolve(sym);
            (s.len() as u32, is_date_shaped(s))
        })
    }

    /// The token of a type name: its schema row's `token`, when that is a standard type.
    fn token(&mut self, ty: Sym) -> Option<TokenType> {
        let corpus = self.corpus;
        *self.token.entry(ty).or_insert_with(|| type_token(corpus, corpus.resolve(ty)))
    }
}

/// The token type mentions of schema type `ty` are coloured with.
pub fn type_token(corpus: &Corpus, ty: &str) -> Option<TokenType> {
    corpus.schema().get(ty).and_then(|def| TokenType::from_name(&def.token))
}

fn seed_tokens(corpus: &Corpus, seed: &SeedSummary, window: TextRange, out: &mut Builder) {
    let mut lookups = Lookups::new(corpus);
    if let Some(header) = seed.header
        && window.intersects(header)
    {
        if let Some(date) = seed.date_range {
            out.push(date, TokenType::DATE);
        }
        if let Some(url) = seed.url_range {
            out.push(url, TokenType::URL);
        }
    }
    let mentions = seed.mentions.get();
    let first = mentions.partition_point(|m| m.range.start < window.start);
    let last = first + mentions[first..].partition_point(|m| m.range.start < window.end);
    // Mentions come outer first and nest without overlapping. Each open mention remembers how
    // far its surface has been coloured; an inner mention colours the gap before it, and a
    // mention's rest and tag are coloured once everything inside it is done.
    let mut open: Vec<(&MentionSummary, u32)> = Vec::new();
    for m in &mentions[first..last] {
        while let Some(&(top, _)) = open.last() {
            if top.range.contains(m.range.start) && m.range.end <= top.range.end {
                break;
            }
            close(&mut lookups, &mut open, out);
        }
        if let Some((parent, done)) = open.last_mut() {
            let parent_token = parent.ty.and_then(|t| lookups.token(t));
            if let Some(t) = parent_token {
                out.push(TextRange::new(*done, m.range.start), t);
            }
            *done = m.range.end;
        }
        out.push(TextRange::at(m.range.start, 1), TokenType::MARKUP);
        open.push((m, m.surface.start));
    }
    while !open.is_empty() {
        close(&mut lookups, &mut open, out);
    }
}

/// Colours the rest of the innermost open mention's surface, then its tag.
fn close(lookups: &mut Lookups, open: &mut Vec<(&MentionSummary, u32)>, out: &mut Builder) {
    let Some((m, done)) = open.pop() else { return };
    if let Some(t) = m.ty.and_then(|t| lookups.token(t)) {
        out.push(TextRange::new(done, m.surface.end), t);
    }
    // The tag: ids, role names and values stand out; everything between them is markup.
    let mut at = m.surface.end;
    let mut piece = |range: TextRange, ty: TokenType, out: &mut Builder| {
        out.push(TextRange::new(at, range.start), TokenType::MARKUP);
        out.push(range, ty);
        at = range.end;
    };
    if let Some(id) = m.id {
        // `type[.mode]:id`, counted from where the type starts.
        let mut start = m.tag_start();
        if let Some(t) = m.ty {
            start += lookups.len(t).0 + 1;
        }
        if let Some(md) = m.mode {
            start += lookups.len(md).0 + 1;
        }
        piece(TextRange::at(start, lookups.len(id).0), TokenType::ID, out);
    }
    for arg in m.args.iter() {
        piece(arg.role_range, TokenType::ROLE, out);
        for &(value, range) in arg.values.iter() {
            let ty = if lookups.len(value).1 { TokenType::DATE } else { TokenType::ID };
            piece(range, ty, out);
        }
    }
    out.push(TextRange::new(at, m.range.end), TokenType::MARKUP);
}

fn registry_tokens(corpus: &Corpus, registry: &Registry, window: TextRange, out: &mut Builder) {
    let entries = &registry.entries;
    let first = entries.partition_point(|e| e.range.end < window.start);
    for e in entries[first..].iter().take_while(|e| e.range.start < window.end) {
        // Cells are in column order, which is not always id, type, name: sort the pieces.
        let token = type_token(corpus, &e.ty.text);
        let mut pieces: Vec<Highlight> =
            e.names().filter_map(|c| Some(Highlight { range: c.range, ty: token? })).collect();
        pieces.push(Highlight { range: e.id.range, ty: TokenType::ID });
        pieces.sort_by_key(|h| h.range.start);
        for h in pieces {
            out.push(h.range, h.ty);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;
    use expect_test::{Expect, expect};
    use std::path::Path;

    const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

    /// Every highlight as `text: type`, one a line.
    fn check(files: &[(&str, &str)], path: &str, range: Option<(&str, &str)>, expect: Expect) {
        let mut corpus = Corpus::new(Vec::new(), TODAY);
        for (p, text) in files {
            corpus.set_text(Path::new(p), text.as_bytes());
        }
        let text = files.iter().find(|(p, _)| *p == path).unwrap().1;
        let file = corpus.file_id(Path::new(path)).unwrap();
        let range = range.map(|(from, to)| {
            TextRange::new(text.find(from).unwrap() as u32, (text.find(to).unwrap() + to.len()) as u32)
        });
        let tokens = semantic_tokens(&corpus, file, range);
        for w in tokens.windows(2) {
            assert!(w[0].range.end <= w[1].range.start, "overlap: {w:?}");
        }
        let got: String = tokens.iter().map(|h| format!("{:?}: {}\n", &text[h.range], h.ty.name())).collect();
        expect.assert_eq(&got);
    }

    #[test]
    fn nested_mentions_split_the_event_surface() {
        let text = " date 2022-01-05 https://example.org/a\n\nT\n\n[[Tokaïev]{person:kz.tokayev} a limogé [le gouvernement]{gov}]{concede.change:kz.ev actor=kz.tokayev recipient=kz.gov when=2022-01} fin\n";
        check(
            &[("/ws/a.txt", text)],
            "/ws/a.txt",
            None,
            expect![[r#"
                "2022-01-05": number
                "https://example.org/a": macro
                "[[": comment
                "Tokaïev": class
                "]{person:": comment
                "kz.tokayev": variable
                "}": comment
                " a limogé ": function
                "[": comment
                "le gouvernement": type
                "]{gov}]{concede.change:": comment
                "kz.ev": variable
                " ": comment
                "actor": property
                "=": comment
                "kz.tokayev": variable
                " ": comment
                "recipient": property
                "=": comment
                "kz.gov": variable
                " ": comment
                "when": property
                "=": comment
                "2022-01": number
                "}": comment
            "#]],
        );
    }

    #[test]
    fn unknown_types_and_custom_tokens() {
        let schema = "type\tclass\troles\tmodes\ttoken\tdescription\nperson\tentity\t\t\tstruct\t\nplace\tentity\t\t\tnotAType\t\nriot\tevent\tactor:person*\t\t\t\n";
        let text = " date 2022-01\n\n[A]{person:x} [B]{place} [C]{persn:y} [D]{riot actor=x,y}\n";
        check(
            &[("/ws/schema.tsv", schema), ("/ws/a.txt", text)],
            "/ws/a.txt",
            None,
            expect![[r#"
                "2022-01": number
                "[": comment
                "A": struct
                "]{person:": comment
                "x": variable
                "}": comment
                "[": comment
                "]{place}": comment
                "[": comment
                "]{persn:": comment
                "y": variable
                "}": comment
                "[": comment
                "D": function
                "]{riot ": comment
                "actor": property
                "=": comment
                "x": variable
                ",": comment
                "y": variable
                "}": comment
            "#]],
        );
    }

    #[test]
    fn conflict_markers_are_keywords_and_both_sides_keep_their_colours() {
        let text = " date 2022-01\n\n<<<<<<< ours\n[A]{person:x} b\n=======\na [b]{place}\n>>>>>>> theirs\n";
        check(
            &[("/ws/a.txt", text)],
            "/ws/a.txt",
            None,
            expect![[r#"
                "2022-01": number
                "<<<<<<< ours": keyword
                "[": comment
                "A": class
                "]{person:": comment
                "x": variable
                "}": comment
                "=======": keyword
                "[": comment
                "b": string
                "]{place}": comment
                ">>>>>>> theirs": keyword
            "#]],
        );
    }

    #[test]
    fn a_range_gets_the_tokens_of_the_lines_it_touches() {
        let text = " date 2022-01\n\n[A]{person:x}\n[B]{place:y} and [C]{place:z}\n[D]{person:w}\n";
        check(
            &[("/ws/a.txt", text)],
            "/ws/a.txt",
            Some(("B]", "and")),
            expect![[r#"
                "B": string
                "]{place:": comment
                "y": variable
                "}": comment
            "#]],
        );
    }

    /// Seed-like text dense in markup, nesting, escapes, multi-byte characters and line breaks.
    fn seed_like() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        const PIECES: &[&str] = &[
            "[",
            "]",
            "]{",
            "}",
            "{",
            "\\[",
            "a",
            "é",
            "😀",
            " ",
            "\n",
            "\r\n",
            "person",
            "place",
            "concede",
            ":kz.a",
            ".demo",
            " actor=",
            "kz.b",
            ",",
            "2022-01",
            "=",
            "\n<<<<<<< o\n",
            "\n=======\n",
            "\n>>>>>>> t\n",
        ];
        prop::collection::vec(prop::sample::select(PIECES), 0..60)
            .prop_map(|v| format!(" date 2022-01 https://example.org/x\n{}", v.concat()))
    }

    proptest::proptest! {
        #[test]
        fn tokens_are_sorted_disjoint_and_on_one_line(text in seed_like(), cut in 0usize..200) {
            let mut corpus = Corpus::new(Vec::new(), TODAY);
            let file = corpus.set_text(Path::new("/ws/a.txt"), text.as_bytes()).unwrap();
            let full = semantic_tokens(&corpus, file, None);
            for h in &full {
                assert!(!h.range.is_empty() && text.is_char_boundary(h.range.start as usize));
                assert!(text.is_char_boundary(h.range.end as usize));
                assert!(!text[h.range.to_usize()].contains('\n'), "{h:?} in {text:?}");
            }
            for w in full.windows(2) {
                assert!(w[0].range.end <= w[1].range.start, "{w:?} in {text:?}");
            }
            // A range's tokens are the full tokens it intersects; an empty range (a cursor) gets
            // the token it lies strictly inside.
            let at = text.char_indices().map(|(i, _)| i as u32).nth(cut).unwrap_or(text.len() as u32);
            let range = TextRange::new(at, text.len() as u32);
            let part = semantic_tokens(&corpus, file, Some(range));
            let expected: Vec<Highlight> = full
                .iter()
                .copied()
                .filter(|h| h.range.intersects(range) || (range.is_empty() && h.range.contains(range.start)))
                .collect();
            assert_eq!(part, expected);
        }
    }

    #[test]
    fn registry_rows_colour_ids_and_names() {
        let registry = "name\tid\ttype\taliases\nTokaïev\tkz.tokayev\tperson\tPrésident|Kassym\n";
        check(
            &[("/ws/entities.tsv", registry)],
            "/ws/entities.tsv",
            None,
            expect![[r#"
                "Tokaïev": class
                "kz.tokayev": variable
                "Président": class
                "Kassym": class
            "#]],
        );
    }
}
