//! Document symbols (the outline of a seed file: header, events with their roles, entities;
//! of a registry: its rows) and workspace symbols (registry names, aliases and ids, ad-hoc ids,
//! article titles). Built from summaries and the registry view; workspace symbols never read a
//! file.

use crate::analysis::id_type;
use crate::corpus::{Content, Corpus, FileId, MentionSummary, SeedSummary, Sym};
use crate::ide::hover::display_path;
use crate::ide::navigation::first_mention;
use crate::ide::semantic_tokens::{TokenType, type_token};
use crate::syntax::annotation;
use crate::syntax::registry::{Entry, Registry};
use crate::syntax::schema::Class;
use crate::text::TextRange;
use crate::text::matching::fuzzy::Pattern;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SymbolKind {
    /// Line 1: date and source.
    Header,
    Date,
    Url,
    /// A seed file, by its title (workspace symbols).
    Article,
    Event,
    Role,
    /// An entity mention or registry row, with its type's token (the outline's icon can match
    /// the colour); `None` for an unknown type.
    Entity(Option<TokenType>),
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Symbol {
    pub name: String,
    pub detail: Option<String>,
    pub kind: SymbolKind,
    pub range: TextRange,
    /// What to select: the surface, the date, a role name, a registry id.
    pub focus_range: TextRange,
    pub children: Vec<Symbol>,
}

/// How long a name taken from the text may be before it is cut.
const NAME_CHARS: usize = 80;

/// The outline of `file`. `text` is its current text when known (open documents): mention
/// symbols are named after their surface then, and after their tag otherwise.
pub fn document_symbols(corpus: &Corpus, file: FileId, text: Option<&str>) -> Vec<Symbol> {
    match &corpus.full(file).content {
        Content::Seed(seed) => seed_symbols(corpus, seed, text),
        Content::Registry(registry) => registry_symbols(corpus, registry),
        _ => Vec::new(),
    }
}

fn seed_symbols(corpus: &Corpus, seed: &SeedSummary, text: Option<&str>) -> Vec<Symbol> {
    let mut out = Vec::new();
    if let Some(header) = seed.header {
        let date = match (seed.date, seed.date_range) {
            (Some(d), _) => Some(d.to_string()),
            (None, Some(r)) => text.and_then(|t| t.get(r.to_usize())).map(clean),
            _ => None,
        };
        let mut children = Vec::new();
        if let (Some(name), Some(r)) = (&date, seed.date_range) {
            children.push(leaf(name.clone(), None, SymbolKind::Date, r, r));
        }
        if let (Some(url), Some(r)) = (&seed.url, seed.url_range) {
            children.push(leaf(clean(url), None, SymbolKind::Url, r, r));
        }
        out.push(Symbol {
            name: date.unwrap_or_else(|| "header".to_string()),
            detail: Some(seed.url.as_deref().map_or_else(|| "no source URL".to_string(), clean)),
            kind: SymbolKind::Header,
            range: header,
            focus_range: seed.date_range.unwrap_or(header),
            children,
        });
    }
    // Mentions come outer first, a parent before its children: build bottom-up, so that every
    // mention's nested mentions are complete when it is taken.
    let mentions = seed.mentions.get();
    let n = mentions.len();
    let mut nested: Vec<Vec<Symbol>> = vec![Vec::new(); n];
    let mut top = Vec::new();
    for i in (0..n).rev() {
        let m = &mentions[i];
        let mut children = std::mem::take(&mut nested[i]);
        children.reverse();
        children.extend(role_symbols(corpus, m));
        let sym = mention_symbol(corpus, m, text, children);
        match m.parent.map(|p| p as usize) {
            Some(p) if p < i => nested[p].push(sym),
            _ => top.push(sym),
        }
    }
    top.reverse();
    out.extend(top);
    out
}

fn mention_symbol(corpus: &Corpus, m: &MentionSummary, text: Option<&str>, children: Vec<Symbol>) -> Symbol {
    let ty = m.ty.map(|t| corpus.resolve(t));
    let kind = match ty.and_then(|t| corpus.schema().get(t)) {
        Some(def) if def.class == Class::Event => SymbolKind::Event,
        Some(def) => SymbolKind::Entity(TokenType::from_name(&def.token)),
        None => SymbolKind::Entity(None),
    };
    let mut head = String::new();
    if let Some(t) = ty {
        head.push_str(t);
    }
    if let Some(md) = m.mode {
        head.push('.');
        head.push_str(corpus.resolve(md));
    }
    if let Some(id) = m.id {
        head.push(':');
        head.push_str(corpus.resolve(id));
    }
    let surface = text.and_then(|t| t.get(m.surface.to_usize())).map(|s| {
        // An event's surface holds its inner mentions' markup.
        if s.contains(['[', '\\']) { clean(&annotation::strip(s)) } else { clean(s) }
    });
    // Names must not be empty (clients reject the whole answer).
    let name = match surface.filter(|s| !s.is_empty()) {
        Some(s) => s,
        None if !head.is_empty() => format!("[…]{{{head}}}"),
        None => "[…]".to_string(),
    };
    let focus = if m.surface.is_empty() { m.range } else { m.surface };
    Symbol { name, detail: (!head.is_empty()).then_some(head), kind, range: m.range, focus_range: focus, children }
}

fn role_symbols<'a>(corpus: &'a Corpus, m: &'a MentionSummary) -> impl Iterator<Item = Symbol> + 'a {
    m.args.iter().map(|arg| {
        let values: Vec<&str> = arg.values.iter().map(|&(v, _)| corpus.resolve(v)).collect();
        let end = arg.values.last().map_or(arg.role_range.end, |&(_, r)| r.end);
        Symbol {
            name: corpus.resolve(arg.role).to_string(),
            detail: (!values.is_empty()).then(|| values.join(", ")),
            kind: SymbolKind::Role,
            range: TextRange::new(arg.role_range.start, end),
            focus_range: arg.role_range,
            children: Vec::new(),
        }
    })
}

fn registry_symbols(corpus: &Corpus, registry: &Registry) -> Vec<Symbol> {
    registry
        .entries
        .iter()
        .map(|e| {
            let name = if e.name.text.is_empty() { e.id.text.clone() } else { clean(&e.name.text) };
            let detail =
                if e.ty.text.is_empty() { e.id.text.clone() } else { format!("{} · {}", e.id.text, e.ty.text) };
            leaf(name, Some(detail), entry_kind(corpus, e), e.range, e.id.range)
        })
        .collect()
}

fn entry_kind(corpus: &Corpus, e: &Entry) -> SymbolKind {
    kind_of_type(corpus, &e.ty.text)
}

fn kind_of_type(corpus: &Corpus, ty: &str) -> SymbolKind {
    match corpus.schema().get(ty) {
        Some(def) if def.class == Class::Event => SymbolKind::Event,
        _ => SymbolKind::Entity(type_token(corpus, ty)),
    }
}

fn leaf(name: String, detail: Option<String>, kind: SymbolKind, range: TextRange, focus_range: TextRange) -> Symbol {
    Symbol { name, detail, kind, range, focus_range, children: Vec::new() }
}

/// Text from a file as a one-line name: blanks collapsed, control characters dropped, cut at
/// [`NAME_CHARS`] characters.
fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(4 * NAME_CHARS));
    for (i, word) in s.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    match out.char_indices().nth(NAME_CHARS) {
        Some((i, _)) => {
            out.truncate(i);
            out.push('…');
            out
        }
        None => out,
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: SymbolKind,
    pub file: FileId,
    pub range: TextRange,
    /// Where the symbol comes from: the id and type of a registry row (and the alias that
    /// matched), an ad-hoc id's type, an article's path.
    pub container: Option<String>,
}

/// What a workspace symbol is, before it is ranked.
enum Candidate<'a> {
    /// A registry row; the alias that matched best, when it beat the name and the id.
    Entry {
        file: FileId,
        entry: &'a Entry,
        alias: Option<&'a str>,
    },
    /// An id with no registry row.
    AdHoc(Sym),
    Title(FileId),
}

/// Symbols whose name, id, alias or title fuzzily matches `query`, best first, at most
/// `limit`. Scans the registry view, the index's ids and the summaries' titles (in memory);
/// the locations of ad-hoc ids are looked up only for the answers kept.
pub fn workspace_symbols(corpus: &Corpus, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let pattern = Pattern::new(query);
    // (score, kind rank, name) orders the answers.
    let mut found: Vec<(u32, u8, &str, Candidate)> = Vec::new();
    for (file, _, registry) in corpus.registries() {
        for entry in &registry.entries {
            // The name, then the id, then the aliases: a later key must do strictly better.
            let keys = [(&entry.name.text, None), (&entry.id.text, None)]
                .into_iter()
                .chain(entry.aliases.iter().map(|a| (&a.text, Some(a.text.as_str()))));
            let mut best: Option<(u32, Option<&str>)> = None;
            for (key, alias) in keys {
                if let Some(s) = pattern.score(key)
                    && best.is_none_or(|(b, _)| s > b)
                {
                    best = Some((s, alias));
                }
            }
            if let Some((score, alias)) = best {
                let name = if entry.name.text.is_empty() { &entry.id.text } else { &entry.name.text };
                found.push((score, 0, name, Candidate::Entry { file, entry, alias }));
            }
        }
    }
    let entities = corpus.entities();
    // Walk the interned strings rather than look each indexed id up in the interner (a
    // concurrent map): match first, and only then ask whether the string is an indexed id.
    for (id, name) in corpus.interner.iter() {
        if let Some(score) = pattern.score(name)
            && !corpus.occurrences(id).is_empty()
            && !entities.by_id.contains_key(&id)
        {
            found.push((score, 1, name, Candidate::AdHoc(id)));
        }
    }
    for (file, _, seed) in corpus.seeds() {
        if let Some(title) = seed.title.as_deref()
            && let Some(score) = pattern.score(title)
        {
            found.push((score, 2, title, Candidate::Title(file)));
        }
    }
    let order = |a: &(u32, u8, &str, Candidate), b: &(u32, u8, &str, Candidate)| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.cmp(b.2))
    };
    if found.len() > limit && limit > 0 {
        found.select_nth_unstable_by(limit - 1, order);
    }
    found.truncate(limit);
    found.sort_by(order);
    found.into_iter().filter_map(|(_, _, name, c)| to_symbol(corpus, name, c)).collect()
}

fn to_symbol(corpus: &Corpus, name: &str, candidate: Candidate) -> Option<WorkspaceSymbol> {
    Some(match candidate {
        Candidate::Entry { file, entry, alias } => {
            let mut container = entry.id.text.clone();
            if !entry.ty.text.is_empty() {
                container.push_str(" · ");
                container.push_str(&entry.ty.text);
            }
            if let Some(a) = alias {
                container.push_str(&format!(" · alias “{}”", clean(a)));
            }
            WorkspaceSymbol {
                name: clean(name),
                kind: entry_kind(corpus, entry),
                file,
                range: entry.range,
                container: Some(container),
            }
        }
        Candidate::AdHoc(id) => {
            let first = first_mention(corpus, id)?;
            let ty = id_type(corpus, id).map(|t| corpus.resolve(t));
            WorkspaceSymbol {
                name: name.to_string(),
                kind: ty.map_or(SymbolKind::Entity(None), |t| kind_of_type(corpus, t)),
                file: first.file,
                range: corpus.range(id, &first),
                container: ty.map(str::to_string),
            }
        }
        Candidate::Title(file) => {
            let seed = corpus.file(file).seed()?;
            WorkspaceSymbol {
                name: clean(name),
                kind: SymbolKind::Article,
                file,
                range: seed.title_range.or(seed.header).unwrap_or_default(),
                container: Some(display_path(corpus, file)),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;
    use expect_test::{Expect, expect};
    use std::fmt::Write;
    use std::path::Path;

    fn corpus(files: &[(&str, &str)]) -> Corpus {
        let mut corpus = Corpus::new(vec!["/ws".into()], Date { year: 2024, month: 6, day: Some(15) });
        for (p, text) in files {
            corpus.set_text(Path::new(p), text.as_bytes());
        }
        corpus
    }

    fn render(text: &str, symbols: &[Symbol], depth: usize, out: &mut String) {
        for s in symbols {
            let detail = s.detail.as_deref().map(|d| format!(" ({d})")).unwrap_or_default();
            let focus = &text[s.focus_range];
            writeln!(out, "{}{:?} {}{detail} @{focus:?}", "  ".repeat(depth), s.kind, s.name).unwrap();
            assert!(s.range.contains_range(s.focus_range), "{s:?}");
            for c in &s.children {
                assert!(s.range.contains_range(c.range), "{c:?} outside {s:?}");
            }
            render(text, &s.children, depth + 1, out);
        }
    }

    fn check_outline(files: &[(&str, &str)], path: &str, with_text: bool, expect: Expect) {
        let corpus = corpus(files);
        let text = files.iter().find(|(p, _)| *p == path).unwrap().1;
        let file = corpus.file_id(Path::new(path)).unwrap();
        let mut out = String::new();
        render(text, &document_symbols(&corpus, file, with_text.then_some(text)), 0, &mut out);
        expect.assert_eq(&out);
    }

    const A: &str = " date 2022-01-05 https://example.org/a\n\nCrise au Kazakhstan\n\n[[Tokaïev]{person:kz.tokayev} a   limogé le gouvernement]{concede actor=kz.tokayev recipient=kz.gov,kz.x when=2022-01-05} à [Alma-Ata]{place:kz.almaty}. []{group}\n";

    #[test]
    fn outline_of_a_seed_file() {
        check_outline(
            &[("/ws/a.txt", A)],
            "/ws/a.txt",
            true,
            expect![[r#"
                Header 2022-01-05 (https://example.org/a) @"2022-01-05"
                  Date 2022-01-05 @"2022-01-05"
                  Url https://example.org/a @"https://example.org/a"
                Event Tokaïev a limogé le gouvernement (concede) @"[Tokaïev]{person:kz.tokayev} a   limogé le gouvernement"
                  Entity(Some(class)) Tokaïev (person:kz.tokayev) @"Tokaïev"
                  Role actor (kz.tokayev) @"actor"
                  Role recipient (kz.gov, kz.x) @"recipient"
                  Role when (2022-01-05) @"when"
                Entity(Some(string)) Alma-Ata (place:kz.almaty) @"Alma-Ata"
                Entity(Some(parameter)) […]{group} (group) @"[]{group}"
            "#]],
        );
        // Without the text (a closed file), mentions are named after their tags.
        check_outline(
            &[("/ws/a.txt", A)],
            "/ws/a.txt",
            false,
            expect![[r#"
                Header 2022-01-05 (https://example.org/a) @"2022-01-05"
                  Date 2022-01-05 @"2022-01-05"
                  Url https://example.org/a @"https://example.org/a"
                Event […]{concede} (concede) @"[Tokaïev]{person:kz.tokayev} a   limogé le gouvernement"
                  Entity(Some(class)) […]{person:kz.tokayev} (person:kz.tokayev) @"Tokaïev"
                  Role actor (kz.tokayev) @"actor"
                  Role recipient (kz.gov, kz.x) @"recipient"
                  Role when (2022-01-05) @"when"
                Entity(Some(string)) […]{place:kz.almaty} (place:kz.almaty) @"Alma-Ata"
                Entity(Some(parameter)) […]{group} (group) @"[]{group}"
            "#]],
        );
    }

    const REGISTRY: &str = "id\ttype\tname\taliases\n\
        kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh\n\
        kz.almaty\tplace\tAlmaty\tAlma-Ata\n\
        kz.gov\tgov\tGouvernement du Kazakhstan\t\n";

    #[test]
    fn outline_of_a_registry() {
        check_outline(
            &[("/ws/entities.tsv", REGISTRY)],
            "/ws/entities.tsv",
            false,
            expect![[r#"
                Entity(Some(class)) Kassym-Jomart Tokaïev (kz.tokayev · person) @"kz.tokayev"
                Entity(Some(string)) Almaty (kz.almaty · place) @"kz.almaty"
                Entity(Some(type)) Gouvernement du Kazakhstan (kz.gov · gov) @"kz.gov"
            "#]],
        );
    }

    fn search(corpus: &Corpus, query: &str, limit: usize) -> String {
        let mut out = String::new();
        for s in workspace_symbols(corpus, query, limit) {
            let path = corpus.file(s.file).path.display().to_string();
            let container = s.container.unwrap_or_default();
            writeln!(out, "{:?} {} [{container}] {path}@{:?}", s.kind, s.name, s.range).unwrap();
        }
        out
    }

    #[test]
    fn workspace_symbols_match_names_aliases_ids_and_titles() {
        let b = " date 2022-01-06\n\nTokaïev parle à la télé\n\n[x]{person:adhoc.tokaiev-fan} [y]{concede actor=kz.tokayev}\n";
        let corpus = corpus(&[("/ws/entities.tsv", REGISTRY), ("/ws/a.txt", A), ("/ws/b.txt", b)]);
        // Accent- and case-insensitive: the registry row (its alias is an exact match), the title
        // (a prefix match), the ad-hoc id (a match at a word start).
        expect![[r#"
            Entity(Some(class)) Kassym-Jomart Tokaïev [kz.tokayev · person · alias “Tokaïev”] /ws/entities.tsv@21..88
            Article Tokaïev parle à la télé [b.txt] /ws/b.txt@18..45
            Entity(Some(class)) adhoc.tokaiev-fan [person] /ws/b.txt@58..75
        "#]]
        .assert_eq(&search(&corpus, "TOKAIEV", 10));
        // Fuzzy: word starts.
        expect![[r#"
            Entity(Some(type)) Gouvernement du Kazakhstan [kz.gov · gov] /ws/entities.tsv@121..159
        "#]]
        .assert_eq(&search(&corpus, "gdk", 10));
        expect![[r#"
            Entity(Some(string)) Almaty [kz.almaty · place · alias “Alma-Ata”] /ws/entities.tsv@89..120
        "#]]
        .assert_eq(&search(&corpus, "alma ata", 10));
        // Capped; `kz.x`, a role value nothing defines, is an ad-hoc id too.
        assert_eq!(workspace_symbols(&corpus, "", 2).len(), 2);
        assert_eq!(workspace_symbols(&corpus, "", 100).len(), 7);
    }
}
