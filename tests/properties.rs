//! Property tests of the syntax layer, the positions and the corpus index (SPEC §11: the
//! parsers never panic; every position is right for accents, ’, emoji and CRLF).

use std::collections::BTreeMap;
use std::path::PathBuf;

use proptest::prelude::*;
use seedls::analysis::{Caches, file_diagnostics};
use seedls::corpus::{Changed, Corpus, FileKind};
use seedls::diagnostic::Diagnostic;
use seedls::syntax::annotation::{Stripped, parse_annotations, strip};
use seedls::syntax::header::{Date, parse_header};
use seedls::syntax::registry::parse_registry;
use seedls::syntax::schema::parse_schema;
use seedls::syntax::{decode, parse_seed};
use seedls::text::matching::{fold, fold_with_offsets};
use seedls::text::{Encoding, LineCol, LineIndex, TextRange};

const TODAY: Date = Date { year: 2024, month: 6, day: Some(15) };

/// Pieces that make the parsers' life hard: every markup character, both line breaks,
/// multi-byte characters of every UTF-8 length, and the header keyword.
const MARKUP: &[&str] = &[
    "[", "]", "{", "}", "\\", ":", ".", "=", ",", " ", "\n", "\r\n", "é", "’", "«", "»", "😀", "a", "z", "0", "9", "-",
    "date ", "\t", "\r", "#", "<<<<<<< ", "=======", ">>>>>>> ",
];

/// Text over the markup alphabet.
fn markup_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(MARKUP), 0..80).prop_map(|v| v.concat())
}

/// A tag's content: `type.mode:id role=value,value`, sometimes with blanks around it or broken.
fn tag() -> impl Strategy<Value = String> {
    let pick = |v: &'static [&'static str]| prop::sample::select(v);
    (
        pick(&["", "", " ", "  ", "\t"]),
        pick(&["person", "place", "protest", "gov", "persn", "Person", ""]),
        pick(&["", "", ".demo", ".riot", ".", ".bad"]),
        pick(&["", ":kz.a", ":kz.b", ":kz.c", ":kz.a", ":", ":é"]),
        prop::collection::vec(
            (
                pick(&[" actor=", " where=", " when=", "  recipient=", " =", " x"]),
                pick(&["kz.a", "kz.b", "kz.a,kz.b", "2022-01", "", "kz.c,"]),
            ),
            0..3,
        ),
        pick(&["", "", " "]),
    )
        .prop_map(|(lead, ty, mode, id, args, trail)| {
            let args: String = args.into_iter().map(|(r, v)| format!("{r}{v}")).collect();
            format!("{lead}{ty}{mode}{id}{args}{trail}")
        })
}

/// What `str::trim` removes: ASCII and Unicode blanks, one and several bytes long.
const BLANKS: &[&str] = &["", "", " ", "\u{c}", "\u{a0}", "\u{3000}", "\u{85}", "  "];

/// Well-formed contents of each schema column, and of each registry column.
const COLUMN: [&[&str]; 6] = [
    &["person", "meet", "riot"],
    &["entity", "event"],
    &["", "actor:person*", "actor:person|gov+ when:date?", "where:*"],
    &["", "visit", "visit demo", "a b"],
    &["type", "event", "class"],
    &["", "A thing", "Été"],
];
const REGISTRY_COLUMN: [&[&str]; 6] = [
    &["kz.a", "kz.b"],
    &["person", "place"],
    &["Tokaïev", "Almaty"],
    &["", "Alma-Ata|Almaty", "x"],
    &["", "Q42"],
    &["", "Desc"],
];

/// What may follow a cell's good content: nothing, more words, multi-byte junk.
fn cell_text() -> impl Strategy<Value = String> {
    const WORDS: &[&str] =
        &["", "", "", " demo", " Bad", "é", "😀", "’", " ", "|x", ":", "?", "+", "\u{6}\u{83}", " x"];
    prop::collection::vec(prop::sample::select(WORDS), 0..3).prop_map(|v| v.concat())
}

/// Seed-like text: a header, then prose and mentions (nested, escaped, broken) over a few ids.
fn seed_text() -> impl Strategy<Value = String> {
    const WORDS: &[&str] = &[
        "Été ", "l’", "«", "»", "😀", " ", " ", "\n", "\r\n", "\\[", "\\]", "[", "]", "]{", "}", "{", "=", ":", "kz.a",
        ".",
    ];
    let prose = prop::collection::vec(prop::sample::select(WORDS), 0..4).prop_map(|v| v.concat());
    let text = prose.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.concat()),
            (inner, tag()).prop_map(|(surface, tag)| format!("[{surface}]{{{tag}}}")),
        ]
    });
    let header = prop::sample::select(
        &[
            " date 2022-01 https://example.org/a\n",
            " date 2022-01 https://example.org/b\n",
            "date 2022-01-05 Légende ",
            "",
        ][..],
    );
    (header, prop::collection::vec(text, 0..6)).prop_map(|(h, v)| format!("{h}{}", v.concat()))
}

/// Long lines dense in non-ASCII characters of every length, past the line index's blocks.
fn wide_text() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(&["é", "’", "😀", "a", "«", "z", "ß", "😀😀", "é’"][..]);
    let line = prop::collection::vec(piece, 0..400).prop_map(|v| v.concat());
    prop::collection::vec(line, 1..4).prop_map(|lines| lines.join("\r\n"))
}

/// Texts around the length below which the line index keeps two bytes an offset (16 KB): wide
/// text at both ends of ASCII lines.
fn threshold_text() -> impl Strategy<Value = String> {
    (wide_text(), 16_000usize..16_800).prop_map(|(w, n)| {
        let filler = "ab cd\n".repeat(n / 6 + 1);
        let fill = n.saturating_sub(2 * w.len()).min(filler.len());
        format!("{w}{}{w}", &filler[..fill])
    })
}

/// Arbitrary text or markup-heavy text.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), markup_text(), seed_text()]
}

fn assert_range(text: &str, r: TextRange, what: &str) {
    assert!(r.start <= r.end && r.end as usize <= text.len(), "{what} {r:?} outside a text of {} bytes", text.len());
    assert!(
        text.is_char_boundary(r.start as usize) && text.is_char_boundary(r.end as usize),
        "{what} {r:?} not on char boundaries of {text:?}"
    );
}

/// Every range a diagnostic carries into its own file: its own, related locations and edits.
fn assert_diagnostics(text: &str, diags: &[Diagnostic]) {
    for d in diags {
        let what = format!("{} {:?}", d.code, d.message);
        assert_range(text, d.range, &what);
        for rel in d.related.iter().filter(|r| r.file.is_none()) {
            assert_range(text, rel.range, &format!("related of {what}"));
        }
        for edit in d.fixes.iter().flat_map(|f| &f.edits).filter(|e| e.file.is_none()) {
            assert_range(text, edit.range, &format!("fix edit of {what}"));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn parsers_never_panic_and_ranges_are_in_the_text(text in any_text()) {
        let seed = parse_seed(&text, TODAY);
        assert_diagnostics(&text, &seed.diagnostics);
        if let Some(h) = &seed.header {
            for r in [Some(h.range), h.date_range, h.url, h.body].into_iter().flatten() {
                assert_range(&text, r, "header part");
            }
        }
        let (_, diags) = parse_header(&text, TODAY);
        assert_diagnostics(&text, &diags);
        let (_, diags) = parse_annotations(&text);
        assert_diagnostics(&text, &diags);
        let (registry, diags) = parse_registry(&text);
        assert_diagnostics(&text, &diags);
        for e in &registry.entries {
            let cells = [&e.id, &e.ty, &e.name].into_iter().chain(&e.aliases).chain(e.extra.iter().map(|(_, c)| c));
            for c in cells.chain(e.description.iter()).chain(e.wikidata.iter()).chain(e.cameo.iter()) {
                assert_range(&text, c.range, "registry cell");
                prop_assert_eq!(&text[c.range.to_usize()], c.text.as_str());
            }
            assert_range(&text, e.range, "registry row");
        }
        let (schema, diags) = parse_schema(&text);
        assert_diagnostics(&text, &diags);
        for t in &schema.types {
            if let Some(r) = t.range {
                assert_range(&text, r, "schema row");
            }
        }
    }

    #[test]
    fn registry_and_schema_rows_never_panic(rows in prop::collection::vec(markup_text(), 0..6), registry in any::<bool>()) {
        // Tab-separated rows under a plausible header, so that rows are parsed rather than the
        // header rejected.
        let header = if registry { "id\ttype\tname\taliases\twikidata\tx\n" } else { "type\tclass\troles\tmodes\ttoken\tdescription\n" };
        let text = format!("{header}{}", rows.join("\t"));
        let (_, diags) = parse_registry(&text);
        assert_diagnostics(&text, &diags);
        let (_, diags) = parse_schema(&text);
        assert_diagnostics(&text, &diags);
    }

    #[test]
    fn rows_of_the_right_width_with_blank_padded_cells_keep_their_ranges(
        rows in prop::collection::vec(prop::collection::vec((prop::sample::select(BLANKS), 0..COLUMN.len(), cell_text(), prop::sample::select(BLANKS)), 6), 1..4),
        registry in any::<bool>(),
    ) {
        // Rows as wide as the header and mostly well-formed, column by column, so that every
        // cell gets parsed; Unicode blanks around cells are trimmed by the parsers, and the
        // ranges must follow.
        let header = if registry { "id\ttype\tname\taliases\twikidata\tdescription\n" } else { "type\tclass\troles\tmodes\ttoken\tdescription\n" };
        let body: Vec<String> = rows
            .iter()
            .map(|cells| {
                let cells = cells.iter().enumerate().map(|(col, (a, pick, junk, b))| {
                    let good = if registry { REGISTRY_COLUMN[col] } else { COLUMN[col] };
                    format!("{a}{}{junk}{b}", good[pick % good.len()])
                });
                cells.collect::<Vec<_>>().join("\t")
            })
            .collect();
        let text = format!("{header}{}\n", body.join("\n"));
        let (registry, diags) = parse_registry(&text);
        assert_diagnostics(&text, &diags);
        for e in &registry.entries {
            for c in [&e.id, &e.ty, &e.name].into_iter().chain(&e.aliases) {
                prop_assert_eq!(&text[c.range.to_usize()], c.text.as_str());
            }
        }
        let (_, diags) = parse_schema(&text);
        assert_diagnostics(&text, &diags);
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..64), text in markup_text(), at in any::<prop::sample::Index>(), bad in 0x80u8..) {
        // F001's range is in the text as front ends show it: decoded lossily.
        match decode(&bytes) {
            Ok(s) => prop_assert_eq!(s.as_bytes(), &bytes[..]),
            Err(d) => assert_range(&String::from_utf8_lossy(&bytes), d.range, "F001"),
        }
        // A stray high byte in otherwise good text: F001 is there and names it.
        let mut bytes = text.into_bytes();
        let at = at.index(bytes.len() + 1);
        bytes.insert(at, bad);
        if let Err(d) = decode(&bytes) {
            let lossy = String::from_utf8_lossy(&bytes);
            assert_range(&lossy, d.range, "F001");
            // Inside a multi-byte character the bad byte may complete a
            // character (C3 80, E2 80 80) and leave the rest of it stray, up to 3 bytes on.
            prop_assert!(!d.range.is_empty() && d.range.start as usize <= at + 3);
            prop_assert!(d.message.contains(&format!("0x{:02X}", bytes[d.range.start as usize])), "{}", d.message);
        }
    }

    #[test]
    fn mentions_lie_in_the_text_and_strip_agrees_with_their_offsets(text in prop_oneof![markup_text(), seed_text()]) {
        let (annotations, _) = parse_annotations(&text);
        let stripped = Stripped::new(&text, &annotations);
        prop_assert_eq!(&stripped.text, &strip(&text));
        let removed: u32 = annotations.markup().iter().map(|r| r.len()).sum();
        prop_assert_eq!(stripped.text.len() as u32, text.len() as u32 - removed);
        for (i, m) in annotations.mentions.iter().enumerate() {
            for r in [m.range, m.surface, m.tag] {
                assert_range(&text, r, "mention part");
            }
            if let Some(h) = m.head {
                for r in [Some(h.ty), h.mode, h.id].into_iter().flatten() {
                    assert_range(&text, r, "mention head");
                    prop_assert!(m.tag.contains_range(r));
                }
            }
            for a in &m.args {
                for r in std::iter::once(a.role).chain(a.values.iter().copied()) {
                    assert_range(&text, r, "mention argument");
                    prop_assert!(m.tag.contains_range(r));
                }
            }
            prop_assert!(m.range.contains_range(m.surface) && m.range.contains_range(m.tag));
            prop_assert_eq!(&text[TextRange::at(m.range.start, 1).to_usize()], "[");
            if let Some(p) = m.parent {
                let parent = &annotations.mentions[p as usize];
                prop_assert!((p as usize) < i && parent.surface.contains_range(m.range), "parent of {:?}", m);
            }
            // The surface, stripped on its own, is what the stripped text holds at its place.
            let (start, end) = (stripped.map(m.surface.start), stripped.map(m.surface.end));
            prop_assert!(start <= end && end as usize <= stripped.text.len());
            prop_assert_eq!(&stripped.text[start as usize..end as usize], strip(&text[m.surface.to_usize()]), "mention {:?} of {:?}", m, text);
        }
    }

    #[test]
    fn unmap_takes_every_stripped_boundary_back_outside_the_markup(text in prop_oneof![markup_text(), seed_text()]) {
        let (annotations, _) = parse_annotations(&text);
        let stripped = Stripped::new(&text, &annotations);
        let markup = annotations.markup();
        let ends = stripped.text.char_indices().map(|(o, _)| o).chain([stripped.text.len()]);
        for o in ends {
            let back = stripped.unmap(o as u32);
            prop_assert!(text.is_char_boundary(back as usize), "unmap({}) = {} in {:?}", o, back, text);
            prop_assert_eq!(stripped.map(back), o as u32);
            // Just after any markup there, never inside it.
            prop_assert!(!markup.iter().any(|r| r.start < back && back < r.end), "unmap({}) = {} inside markup", o, back);
            // The character there is the stripped text's.
            prop_assert_eq!(text[back as usize..].chars().next(), stripped.text[o..].chars().next());
        }
        for m in &annotations.mentions {
            prop_assert!(!text[m.range.to_usize()].contains('\n'), "mention {:?} spans lines", m);
        }
    }

    #[test]
    fn line_index_round_trips_every_char_boundary(text in prop_oneof![any_text(), wide_text()]) {
        let index = LineIndex::new(&text);
        prop_assert_eq!(index.len() as usize, text.len());
        let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        prop_assert_eq!(index.line_count() as usize, starts.len());
        let offsets = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        for offset in offsets {
            let line = starts.partition_point(|&s| s <= offset) - 1;
            let before = &text[starts[line]..offset];
            for (enc, col) in [
                (Encoding::Utf8, before.len()),
                (Encoding::Utf16, before.encode_utf16().count()),
                (Encoding::Char, before.chars().count()),
            ] {
                let lc = index.line_col(offset as u32, enc);
                prop_assert_eq!(lc, LineCol { line: line as u32, col: col as u32 }, "{:?} at {}", enc, offset);
                prop_assert_eq!(index.offset(lc, enc, None), Some(offset as u32), "{:?} back from {:?}", enc, lc);
            }
        }
    }

    #[test]
    fn line_index_never_panics(text in prop_oneof![any_text(), wide_text()], offset in any::<u32>(), line in prop_oneof![0u32..8, any::<u32>()], col in prop_oneof![0u32..64, 0u32..2000, any::<u32>()], end in prop::option::of(any::<u32>())) {
        let index = LineIndex::new(&text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Char] {
            let lc = index.line_col(offset, enc);
            prop_assert!(lc.line < index.line_count());
            let near = offset.min(text.len() as u32);
            prop_assert!(index.line_col(near, enc) == lc);
            match index.offset(LineCol { line, col }, enc, end) {
                None => prop_assert!(line >= index.line_count()),
                Some(o) => {
                    prop_assert!(o as usize <= text.len() && text.is_char_boundary(o as usize));
                    prop_assert_eq!(index.line_of(o), line, "offset {} for {}:{}", o, line, col);
                }
            }
        }
        let _ = index.line_range_with_break(line);
    }

    #[test]
    fn fold_with_offsets_agrees_with_fold_and_maps_to_char_boundaries(text in prop_oneof![any_text(), "[a-zA-Zéèêëïİß’'\u{301}\u{308}\u{323}\u{302}\u{130}\u{212B}\u{FB2A}\u{1100}\u{1161}\u{11A8}\u{AC00} ]{0,40}"]) {
        // Untagged-alias hints match in the folded text and report ranges of the original.
        let (folded, map) = fold_with_offsets(&text);
        prop_assert_eq!(map.len(), folded.len() + 1);
        prop_assert_eq!(*map.last().unwrap() as usize, text.len());
        prop_assert!(map.windows(2).all(|w| w[0] <= w[1]), "{:?}", map);
        prop_assert!(map.iter().all(|&o| text.is_char_boundary(o as usize)));
        // The text folds as the names and aliases do, or they would not match it.
        prop_assert_eq!(&folded, &fold(&text));
    }

    #[test]
    fn set_text_with_the_same_text_leaves_the_index_as_a_fresh_load(
        seeds in prop::collection::vec(seed_text(), 1..5),
        other in seed_text(),
        order in prop::collection::vec(any::<u32>(), 8),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut files: Vec<(PathBuf, String)> = seeds.iter().enumerate().map(|(i, s)| (dir.path().join(format!("{i:03}.txt")), s.clone())).collect();
        files.push((dir.path().join("entities.tsv"), "id\ttype\tname\taliases\nkz.a\tperson\tA\tAa\nkz.b\tplace\tB\t\n".into()));
        for (path, text) in &files {
            std::fs::write(path, text).unwrap();
        }
        let (mut corpus, errors) = Corpus::load(vec![dir.path().to_path_buf()], TODAY, None);
        prop_assert!(errors.is_empty());
        let fresh = snapshot(&corpus, &files);
        // Every occurrence is where its id is written.
        for (path, text) in &files {
            let id = corpus.file_id(path).unwrap();
            for (sym, occs) in corpus.interner.iter().map(|(s, _)| (s, corpus.occurrences(s))) {
                for o in occs.iter().filter(|o| o.file == id) {
                    prop_assert_eq!(&text[corpus.range(sym, o).to_usize()], corpus.resolve(sym), "{:?} in {:?}", o, text);
                }
            }
        }
        // The corpus-level diagnostics keep to the texts too, wherever they point.
        let text_of = |p: &std::path::Path| files.iter().find(|(q, _)| q == p).map(|(_, t)| t.as_str()).unwrap();
        for (path, text) in &files {
            let diags = file_diagnostics(&corpus, &Caches::default(), corpus.file_id(path).unwrap(), Some(text));
            assert_diagnostics(text, &diags);
            for d in &diags {
                for rel in d.related.iter().filter_map(|r| Some((r.file.as_deref()?, r.range))) {
                    assert_range(text_of(rel.0), rel.1, &format!("related of {} in another file", d.code));
                }
                for e in d.fixes.iter().flat_map(|f| &f.edits).filter_map(|e| Some((e.file.as_deref()?, e.range))) {
                    assert_range(text_of(e.0), e.1, &format!("edit of {} in another file", d.code));
                }
            }
        }
        // Change every file (to another seed text), then put every text back, in shuffled
        // orders: the index must be the fresh one again, order of occurrences included.
        let mut shuffled: Vec<usize> = (0..files.len()).collect();
        let shuffle = |v: &mut Vec<usize>, salt: usize| v.sort_by_key(|&i| order[(i + salt) % order.len()].wrapping_mul(i as u32 + 1));
        shuffle(&mut shuffled, 0);
        for &i in &shuffled {
            let path = &files[i].0;
            let changed = if FileKind::of(path) == Some(FileKind::Registry) { "id\ttype\tname\nkz.z\tgov\tZ\n" } else { other.as_str() };
            corpus.set_text(path, changed.as_bytes());
        }
        shuffle(&mut shuffled, 3);
        for &i in &shuffled {
            corpus.set_text(&files[i].0, files[i].1.as_bytes());
        }
        prop_assert_eq!(snapshot(&corpus, &files), fresh.clone());
        // The same text again, once more: nothing moves.
        for (path, text) in &files {
            corpus.set_text(path, text.as_bytes());
        }
        prop_assert_eq!(snapshot(&corpus, &files), fresh);
    }

    #[test]
    fn a_spliced_line_index_is_the_index_of_the_new_text(
        start in prop_oneof![any_text(), wide_text()],
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0usize..16, prop_oneof![any_text(), wide_text()]), 1..8),
    ) {
        let mut text = start;
        let mut index = LineIndex::new(&text);
        for (at, delete, insert) in edits {
            let replaced = edit(&mut text, at, delete, &insert);
            index.splice(replaced, &insert);
            prop_assert_eq!(&index, &LineIndex::new(&text));
        }
    }

    #[test]
    fn a_document_edited_with_its_line_memo_is_indexed_and_checked_as_without(
        start in document_text(),
        batches in prop::collection::vec(edit_batch(), 1..10),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("000.txt");
        // Another article, listed before the document: its changes move the document's runs of
        // occurrences in the index, which the document's memo must notice, and give the ids
        // the document's roles name their types.
        let other = dir.path().join("0.txt");
        let (registry, schema) = (dir.path().join("entities.tsv"), dir.path().join("schema.tsv"));
        std::fs::write(&doc, &start).unwrap();
        std::fs::write(&other, OTHERS[0]).unwrap();
        std::fs::write(&registry, REGISTRIES[0]).unwrap();
        let load = || Corpus::load(vec![dir.path().to_path_buf()], TODAY, None).0;
        // One corpus is told each batch's change as an editor's server is; the other parses
        // every version afresh.
        let (mut memo, mut plain) = (load(), load());
        // The memo's caches, kept over the edits as the server keeps its own.
        let caches = Caches::default();
        let plain_diagnostics = |corpus: &Corpus, file, text: &str| file_diagnostics(corpus, &Caches::default(), file, Some(text));
        memo.keep_line_memo(&doc, true);
        let mut text = start;
        let mut index = LineIndex::new(&text);
        memo.set_document(&doc, &text, &index, None).unwrap();
        let mut disk: Vec<(PathBuf, String)> = Vec::new();
        for batch in batches {
            let mut changed: Option<Changed> = None;
            for (at, delete, insert) in &batch.edits {
                let replaced = edit(&mut text, *at, *delete, insert);
                index.splice(replaced, insert);
                let step = Changed::new(replaced, insert.len() as u32);
                changed = Some(changed.map_or(step, |c| c.then(step)));
            }
            let a = memo.set_document(&doc, &text, &index, changed.filter(|_| !batch.whole)).unwrap();
            let b = plain.set_text(&doc, text.as_bytes()).unwrap();
            let files = [(doc.clone(), text.clone())];
            prop_assert_eq!(snapshot(&memo, &files), snapshot(&plain, &files));
            // Changes pile up between two runs of the checks, as while the server is busy.
            if batch.check {
                prop_assert_eq!(file_diagnostics(&memo, &caches, a, Some(&text)), plain_diagnostics(&plain, b, &text));
            }
            let (path, content) = match batch.then {
                Then::Nothing => continue,
                Then::Other(i) => (&other, OTHERS[i]),
                Then::Registry(i) => (&registry, REGISTRIES[i]),
                Then::Schema(i) => (&schema, SCHEMAS[i]),
            };
            memo.set_text(path, content.as_bytes());
            plain.set_text(path, content.as_bytes());
            disk.retain(|(p, _)| p != path);
            disk.push((path.clone(), content.to_string()));
        }
        let (a, b) = (memo.file_id(&doc).unwrap(), plain.file_id(&doc).unwrap());
        prop_assert_eq!(file_diagnostics(&memo, &caches, a, Some(&text)), plain_diagnostics(&plain, b, &text));
        // And both are what a fresh load of the last texts gives.
        std::fs::write(&doc, &text).unwrap();
        for (path, content) in &disk {
            std::fs::write(path, content).unwrap();
        }
        let files = [(doc.clone(), text.clone())];
        let fresh = load();
        prop_assert_eq!(snapshot(&memo, &files), snapshot(&fresh, &files));
        let c = fresh.file_id(&doc).unwrap();
        prop_assert_eq!(file_diagnostics(&memo, &caches, a, Some(&text)), plain_diagnostics(&fresh, c, &text));
    }
}

/// What the other article says over the edits: the first tags of kz.c and kz.d, whose types
/// the document's role values take, come and go.
const OTHERS: &[&str] = &[
    " date 2022-01\n\n[A]{person:kz.a} [B]{place:kz.b}\n",
    " date 2022-01\n\n[C]{gov:kz.c} [D]{place:kz.d}\n",
    " date 2022-01\n\n[C]{place:kz.c} et [A]{person:kz.a}\n",
];

/// Registries over the edits: kz.c comes in, kz.a changes type, aliases change.
const REGISTRIES: &[&str] = &[
    "id\ttype\tname\taliases\nkz.a\tperson\tA\tAa\nkz.b\tplace\tB\t\n",
    "id\ttype\tname\taliases\nkz.a\tperson\tA\tAa\nkz.b\tplace\tB\t\nkz.c\tgov\tCc\tUn titre\n",
    "id\ttype\tname\taliases\nkz.a\tplace\tA\tB\nkz.b\tplace\tBb\t\n",
];

/// A schema of its own: `protest` takes other roles, `place` is gone, `person` has modes.
const SCHEMAS: &[&str] = &[
    "type\tclass\troles\tmodes\ttoken\tdescription\nperson\tentity\t\tx\tclass\t\ngov\tentity\t\t\ttype\t\nprotest\tevent\tactor:person* where:gov?\tdemo\tfunction\t\n",
    "type\tclass\troles\tmodes\ttoken\tdescription\nperson\tentity\t\t\tclass\t\nplace\tevent\tactor:*\t\tfunction\t\n",
];

/// What happens after a batch of edits, elsewhere in the corpus.
#[derive(Clone, Debug)]
enum Then {
    Nothing,
    Other(usize),
    Registry(usize),
    Schema(usize),
}

/// One `didChange`: edits applied in order, then the document indexed once (`whole`: without
/// telling what changed), and its diagnostics checked or not.
#[derive(Clone, Debug)]
struct Batch {
    edits: Vec<(prop::sample::Index, usize, String)>,
    whole: bool,
    check: bool,
    then: Then,
}

/// Lines a document is made of: seed-like text, a title worth repeating (T002), nested tags
/// whose roles name ids with and without a registry row.
fn document_line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => seed_text(),
        1 => Just(String::new()),
        1 => Just("Un titre assez long".to_string()),
        1 => Just("[Aa]{person:kz.a} parle à [B]{place:kz.b}.Puis".to_string()),
        1 => Just("[[Cc]{gov:kz.c} manifeste à [B]{place}]{protest.demo actor=kz.c,kz.d where=kz.b}".to_string()),
    ]
}

/// A header (or none) and up to 24 lines: long enough for edits below the lines T002 reads.
fn document_text() -> impl Strategy<Value = String> {
    (seed_text(), prop::collection::vec(document_line(), 0..24)).prop_map(|(first, lines)| {
        let mut text = first;
        for line in lines {
            text.push('\n');
            text.push_str(&line);
        }
        text
    })
}

fn edit_batch() -> impl Strategy<Value = Batch> {
    let insert = prop_oneof![
        4 => seed_text(),
        2 => prop::sample::select(&["", "\n", "\r\n", "x", " ", "]", "{", "\n\n"][..]).prop_map(String::from),
        1 => Just("Aa B ".to_string()),
        1 => Just("\n[Aa]{person:kz.a} B.Cc\n".to_string()),
        1 => Just("[x [Cc]{person:kz.d} z]{protest actor=kz.c,kz.d where=kz.b}".to_string()),
        1 => Just("]{gov:kz.c}".to_string()),
        1 => Just("Un titre assez long\n".to_string()),
        1 => Just(" date 2022-02 https://example.org/c\n".to_string()),
        // Conflict markers: F002 spans lines, so a change anywhere may open or close a block.
        2 => prop::sample::select(&["\n<<<<<<< ours\n", "\n=======\n", "\n>>>>>>> theirs\n"][..]).prop_map(String::from),
    ];
    let then = prop_oneof![
        6 => Just(Then::Nothing),
        1 => (0..OTHERS.len()).prop_map(Then::Other),
        1 => (0..REGISTRIES.len()).prop_map(Then::Registry),
        1 => (0..SCHEMAS.len()).prop_map(Then::Schema),
    ];
    (
        prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![0usize..3, 0usize..40], insert), 1..4),
        prop::bool::weighted(0.1),
        prop::bool::weighted(0.7),
        then,
    )
        .prop_map(|(edits, whole, check, then)| Batch { edits, whole, check, then })
}

/// Replaces up to `delete` bytes at `at` (moved to character boundaries) with `insert`, as an
/// editor would; returns the range replaced.
fn edit(text: &mut String, at: prop::sample::Index, delete: usize, insert: &str) -> TextRange {
    let mut from = at.index(text.len() + 1);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + delete).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    text.replace_range(from..to, insert);
    TextRange::from_usize(from..to)
}

/// A summary's `Debug` with interned symbols written as their names, so that corpora that
/// interned in another order (parallel loads) compare equal.
fn resolved(corpus: &Corpus, debug: String) -> String {
    let mut out = String::new();
    let mut rest = debug.as_str();
    while let Some(at) = rest.find("Spur(") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 5..];
        let end = after.find(')').unwrap();
        let n: usize = after[..end].parse().unwrap();
        let sym = <seedls::corpus::Sym as lasso::Key>::try_from_usize(n - 1).unwrap();
        out.push_str(&format!("{:?}", corpus.resolve(sym)));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Everything the index says, by name rather than by interned symbol or file id: every id's
/// occurrences (in order), the files heading each URL, and every file's own data.
fn snapshot(corpus: &Corpus, files: &[(PathBuf, String)]) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    let path = |id| corpus.file(id).path.display().to_string();
    for (sym, name) in corpus.interner.iter() {
        let occs: Vec<String> = corpus
            .occurrences(sym)
            .iter()
            .map(|o| {
                format!(
                    "{} {:?} {:?} {:?}",
                    path(o.file),
                    corpus.range(sym, o),
                    o.kind(),
                    o.ty.map(|t| corpus.resolve(t))
                )
            })
            .collect();
        if !occs.is_empty() {
            out.insert(format!("id {name}"), occs);
        }
    }
    for (p, _) in files {
        let id = corpus.file_id(p).unwrap();
        let data = corpus.file(id);
        out.insert(
            format!("file {}", p.display()),
            vec![
                format!("{:?}", data.syntax_diagnostics),
                resolved(corpus, format!("{:?}", data.content)),
                format!("{:?}", data.line_index()),
            ],
        );
        if let Some(url) = data.seed().and_then(|s| s.url.as_deref()) {
            out.insert(format!("url {url}"), corpus.files_with_url(url).into_iter().map(path).collect());
        }
    }
    out
}

proptest! {
    // Texts of 16 KB, converted at many offsets: fewer cases.
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_spliced_line_index_is_the_index_of_the_new_text_across_two_byte_offsets(
        start in threshold_text(),
        edits in prop::collection::vec((any::<prop::sample::Index>(), prop_oneof![0usize..16, 0usize..2000], prop_oneof![wide_text(), "[a\n]{0,1500}"]), 1..6),
    ) {
        // Edits that take the text across 16 KB, either way: the offsets change width.
        let mut text = start;
        let mut index = LineIndex::new(&text);
        for (at, delete, insert) in edits {
            let replaced = edit(&mut text, at, delete, &insert);
            index.splice(replaced, &insert);
            prop_assert_eq!(&index, &LineIndex::new(&text));
            let mut cursors = [Encoding::Utf8, Encoding::Utf16, Encoding::Char].map(|enc| index.cursor(enc));
            for (i, _) in text.char_indices().step_by(97).chain([(text.len(), ' ')]) {
                let offset = i as u32;
                for (enc, cursor) in [Encoding::Utf8, Encoding::Utf16, Encoding::Char].into_iter().zip(&mut cursors) {
                    let lc = index.line_col(offset, enc);
                    prop_assert_eq!(cursor.line_col(offset), lc);
                    let before = &text[text[..i].rfind('\n').map_or(0, |n| n + 1)..i];
                    let col = match enc {
                        Encoding::Utf8 => before.len(),
                        Encoding::Utf16 => before.encode_utf16().count(),
                        Encoding::Char => before.chars().count(),
                    };
                    prop_assert_eq!(lc, LineCol { line: text[..i].matches('\n').count() as u32, col: col as u32 });
                    prop_assert_eq!(index.offset(lc, enc, None), Some(offset));
                }
            }
        }
    }
}
