//! Code actions (SPEC §8): the diagnostics' quick fixes, plus the edits an annotator reaches
//! for without a diagnostic: tag the selection (registry matches first, then another name of a
//! registered entity added to its aliases, then a new entity of each type with its id and
//! registry row), tag every registered name of the file, add an unregistered id to the
//! registry, remove a tag keeping its text.

use crate::analysis::{Caches, add_to_registry, file_diagnostics, id_type, registry_entry};
use crate::corpus::{Corpus, FileId, OccurrenceKind, SeedSummary, Sym};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::ide::change::{SourceChange, TextEdit};
use crate::ide::fixes::quick_fixes;
use crate::ide::matching::{Tier, match_surface};
use crate::ide::target::{Target, mention_at, target_at};
use crate::syntax::schema::Class;
use crate::text::TextRange;
use crate::text::matching::{fold, loosen};
use rustc_hash::FxHashMap;

/// How many registry matches "Tag selection as …" offers.
const MAX_MATCHES: usize = 5;

/// The LSP code action kinds, as the core knows them.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ActionKind {
    /// `quickfix`: repairs a diagnostic.
    QuickFix,
    /// `refactor`: a change beyond the text at hand (a row added to the registry).
    Refactor,
    /// `refactor.rewrite`: rewrites the markup in place (tag, untag).
    RefactorRewrite,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Action {
    pub title: String,
    pub kind: ActionKind,
    pub change: SourceChange,
    /// The single obvious action: safe to apply without choosing.
    pub preferred: bool,
    /// The diagnostic a quick fix repairs.
    pub diagnostic: Option<Diagnostic>,
}

/// Every action at `range` of `file` whose kind `wanted` admits; kinds not wanted are not
/// computed. `text` is the file's current text (actions that quote it need it). An action
/// making the same change as an earlier one (a quick fix) is left out.
pub fn code_actions(
    corpus: &Corpus,
    caches: &Caches,
    file: FileId,
    text: Option<&str>,
    range: TextRange,
    wanted: &dyn Fn(ActionKind) -> bool,
) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::new();
    if wanted(ActionKind::QuickFix) {
        let fixes = quick_fixes(corpus, caches, file, text, range);
        let on_name = fixes.iter().any(|q| q.diagnostic.code == Code::A011);
        for q in fixes {
            let Some(change) = SourceChange::from_fix(corpus, file, &q.fix) else { continue };
            out.push(Action {
                title: q.fix.title,
                kind: ActionKind::QuickFix,
                change,
                preferred: q.preferred,
                diagnostic: Some(q.diagnostic),
            });
        }
        if on_name {
            out.extend(tag_every_name(corpus, caches, file, text));
        }
    }
    let data = corpus.full(file);
    let seed = data.seed();
    let mut more = Vec::new();
    if wanted(ActionKind::RefactorRewrite)
        && let (Some(seed), Some(text)) = (seed, text)
    {
        tag_selection(corpus, file, seed, text, range, &mut more);
    }
    if wanted(ActionKind::Refactor) {
        more.extend(add_id_to_registry(corpus, file, text, range.start));
    }
    if wanted(ActionKind::RefactorRewrite)
        && let Some(seed) = seed
    {
        remove_tag(corpus, file, seed, text, range.start, &mut more);
    }
    out.extend(more);
    let whole = text.and_then(|t| trim(t, range));
    dedup(out, whole)
}

/// `actions` without repeats: an action making the same change as an earlier one (a quick fix
/// and the refactoring that tags the same text, the fix of two hints under one selection), and
/// of the actions that wrap text in the same tag, all but one: the one wrapping the whole
/// selection `whole` if there is one, else the first. A selection over several hints of one
/// name offers one "Tag as" it.
fn dedup(actions: Vec<Action>, whole: Option<TextRange>) -> Vec<Action> {
    let mut out: Vec<Action> = Vec::with_capacity(actions.len());
    let whole_tags: Vec<&str> =
        actions.iter().filter_map(wrapped).filter(|&(_, r)| Some(r) == whole).map(|(tag, _)| tag).collect();
    let mut seen_tags: Vec<String> = Vec::new();
    for action in &actions {
        if out.iter().any(|a| a.change == action.change) {
            continue;
        }
        if let Some((tag, r)) = wrapped(action) {
            let keep = if whole_tags.contains(&tag) { Some(r) == whole } else { !seen_tags.iter().any(|t| t == tag) };
            if !keep || seen_tags.iter().any(|t| t == tag) {
                continue;
            }
            seen_tags.push(tag.to_string());
        }
        out.push(action.clone());
    }
    out
}

/// The tag an action wraps one range of one file in, with that range: `[` at its start and
/// `]{…}` at its end, nothing else.
fn wrapped(action: &Action) -> Option<(&str, TextRange)> {
    let [fe] = action.change.files.as_slice() else { return None };
    let [open, close] = fe.edits.as_slice() else { return None };
    let tag = close.insert.as_str();
    (open.insert == "[" && open.range.is_empty() && close.range.is_empty() && tag.starts_with("]{"))
        .then(|| (tag, TextRange::new(open.range.start, close.range.start)))
}

/// "Tag every registered name in this file": every untagged name or alias of a single
/// registered entity (the A011 hints whose fixes all give one tag) tagged in one edit.
fn tag_every_name(corpus: &Corpus, caches: &Caches, file: FileId, text: Option<&str>) -> Option<Action> {
    let mut edits = Vec::new();
    let mut count = 0;
    for d in file_diagnostics(corpus, caches, file, text) {
        if d.code != Code::A011 {
            continue;
        }
        let tag = |f: &Fix| f.edits.last().map(|e| e.insert.clone());
        let Some(first) = d.fixes.first() else { continue };
        if d.fixes.iter().all(|f| tag(f) == tag(first)) {
            edits.extend(first.edits.iter().cloned());
            count += 1;
        }
    }
    // One name is its own quick fix already.
    if count < 2 {
        return None;
    }
    let title = format!("Tag every registered name in this file ({count})");
    let change = SourceChange::from_fix(corpus, file, &Fix::new(title.clone(), edits))?;
    Some(Action { title, kind: ActionKind::QuickFix, change, preferred: false, diagnostic: None })
}

/// "Tag as type:id" for the registry entries (and ids of this article) that name the
/// selection, best first, then "Tag as new type" for each entity type. Only for a selection on one line that
/// nests properly with the mentions around it.
fn tag_selection(
    corpus: &Corpus,
    file: FileId,
    seed: &SeedSummary,
    text: &str,
    range: TextRange,
    out: &mut Vec<Action>,
) {
    let Some(range) = trim(text, range) else { return };
    let selected = &text[range];
    let on_header = !text[..range.start as usize].contains('\n');
    // A `\` just before would turn the inserted `[` into an escape.
    let after_backslash = text[..range.start as usize].ends_with('\\');
    if on_header || after_backslash || selected.contains(['\n', '\r']) || !balanced(selected) {
        return;
    }
    let nests = seed
        .mentions
        .get()
        .iter()
        .all(|m| !m.range.intersects(range) || m.surface.contains_range(range) || range.contains_range(m.range));
    if !nests {
        return;
    }
    let wrap = |tag: String| {
        SourceChange::single(
            file,
            vec![TextEdit::new(TextRange::empty(range.start), "["), TextEdit::new(TextRange::empty(range.end), tag)],
        )
    };
    // Only entries that name the whole selection: a name or alias equal to it (but for case,
    // accents, spacing) or a typo of it. A name inside the selection (`Noursoultan` in
    // `Noursoultan Nazarbaïev`), or one the selection is a word of (`Almaty` in «assaut sur la
    // mairie d’Almaty»), names something else.
    let all = match_surface(corpus, file, Some(text), selected);
    let matches: Vec<_> =
        all.iter().filter(|m| matches!(m.tier, Tier::Exact | Tier::Accents | Tier::Fuzzy)).take(MAX_MATCHES).collect();
    let obvious = matches.len() == 1 && matches[0].tier == Tier::Exact;
    for m in &matches {
        let Some(ty) = m.ty else { continue };
        let (ty, id) = (corpus.resolve(ty), corpus.resolve(m.id));
        let title = match registry_entry(corpus, m.id) {
            Some((_, entry)) => format!("Tag as {ty}:{id} ({})", entry.name.text),
            None => format!("Tag as {ty}:{id}"),
        };
        out.push(Action {
            title,
            kind: ActionKind::RefactorRewrite,
            change: wrap(format!("]{{{ty}:{id}}}")),
            preferred: obvious,
            diagnostic: None,
        });
    }
    // The selection names a registered entity by another name (a surname, a spelling): add it
    // to that row's aliases while tagging, when it is not a registered name already.
    let named = matches.iter().any(|m| matches!(m.tier, Tier::Exact | Tier::Accents));
    let name = crate::syntax::annotation::strip(selected).trim().to_string();
    if !named {
        let schema = corpus.schema();
        let entity = |ty: Sym| schema.get(corpus.resolve(ty)).is_some_and(|d| d.class == Class::Entity);
        let close = all
            .iter()
            .filter(|m| m.matched.as_ref().is_some_and(|n| close_name(&name, n, m.tier)))
            .filter(|m| m.ty.is_some_and(entity))
            .take(MAX_ALIASES);
        for m in close {
            let Some(ty) = m.ty else { continue };
            let Some(change) = tag_as_alias(corpus, file, m.id, corpus.resolve(ty), &name, range) else { continue };
            let id = corpus.resolve(m.id);
            out.push(Action {
                title: format!("Tag as {}:{id}, «{name}» added to its aliases", corpus.resolve(ty)),
                kind: ActionKind::RefactorRewrite,
                change,
                preferred: false,
                diagnostic: None,
            });
        }
    }
    // A new entity in one step: the tag with an id made from the surface, in the corpus's
    // style, and its registry row (in ad-hoc mode the tag alone defines the id).
    let style = IdStyle::of(corpus);
    for def in corpus.schema().entity_types() {
        let id = style.new_id(corpus, &def.name, &name);
        let tag = Edit::here(TextRange::empty(range.start), "[");
        let close = Edit::here(TextRange::empty(range.end), format!("]{{{}:{id}}}", def.name));
        let row = add_to_registry(corpus, file, &id, &def.name, Some(&name));
        let title = match &row {
            Some(fix) => format!("Tag as new {} {id}, added to {}", def.name, registry_name(fix)),
            None => format!("Tag as new {} {id}", def.name),
        };
        let edits = [tag, close].into_iter().chain(row.into_iter().flat_map(|f| f.edits)).collect();
        let Some(change) = SourceChange::from_fix(corpus, file, &Fix::new(title.clone(), edits)) else { continue };
        out.push(Action { title, kind: ActionKind::RefactorRewrite, change, preferred: false, diagnostic: None });
    }
    // A type alone, for what has no id of its own (`[puissances régionales]{gov}`).
    for def in corpus.schema().entity_types() {
        out.push(Action {
            title: format!("Tag as {} (no id)", def.name),
            kind: ActionKind::RefactorRewrite,
            change: wrap(format!("]{{{}}}", def.name)),
            preferred: false,
            diagnostic: None,
        });
    }
}

/// How many "…added to its aliases" actions a selection gets.
const MAX_ALIASES: usize = 3;

/// Whether `name` (a selection that is no registered name) is another name of the entity
/// registered as `registered`: a word or the start of it (`Nazarbaïev`, `Kassym-Jomart` of
/// «Kassym-Jomart Tokaïev»), or a spelling a few typos away (`Tokayev`). A selection that holds
/// the registered name and more names something else (`assaut sur la mairie d’Almaty`).
fn close_name(name: &str, registered: &str, tier: Tier) -> bool {
    match tier {
        Tier::Fuzzy => true,
        // Whole words only: `Ala` is no name of Alatau.
        Tier::Prefix => loosen(&fold(registered)).starts_with(&format!("{} ", loosen(&fold(name)))),
        Tier::Substring => fold(registered).chars().count() > fold(name).chars().count(),
        Tier::Exact | Tier::Accents => false,
    }
}

/// The selection tagged with `id` and `name` appended to the aliases of `id`'s registry row.
fn tag_as_alias(
    corpus: &Corpus,
    file: FileId,
    id: Sym,
    ty: &str,
    name: &str,
    range: TextRange,
) -> Option<SourceChange> {
    if name.is_empty() || name.contains(['|', '\t', '\n', '\r']) {
        return None;
    }
    let (reg, entry) = registry_entry(corpus, id)?;
    let cell = entry.aliases_cell?;
    let insert = if entry.aliases.is_empty() { name.to_string() } else { format!("|{name}") };
    let at = if entry.aliases.is_empty() { cell.start } else { cell.end };
    let edits = vec![
        Edit::here(TextRange::empty(range.start), "["),
        Edit::here(TextRange::empty(range.end), format!("]{{{ty}:{}}}", corpus.resolve(id))),
        Edit { file: Some(corpus.file(reg).path.clone()), range: TextRange::empty(at), insert },
    ];
    SourceChange::from_fix(corpus, file, &Fix::new(String::new(), edits))
}

/// The registry file a row is added to, as the fix names it.
fn registry_name(fix: &Fix) -> String {
    fix.edits
        .iter()
        .find_map(|e| e.file.as_ref()?.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "the registry".to_string())
}

/// How the corpus writes its ids: most with a dotted prefix (`kz.tokayev`) or not, and the
/// prefix most used for each type.
struct IdStyle {
    dotted: bool,
    /// (type, prefix) with the most ids, per type; `None` for the type: over all types.
    prefixes: FxHashMap<Option<String>, String>,
}

impl IdStyle {
    /// From the registry's ids when there is one (the rows a new one joins), else from the ids
    /// the articles use.
    fn of(corpus: &Corpus) -> IdStyle {
        // Borrowed, not copied: a selection asks for this, and a registry may hold many rows.
        let mut ids: Vec<(&str, &str)> = Vec::new();
        for (_, _, registry) in corpus.registries() {
            ids.extend(registry.entries.iter().map(|e| (e.id.text.as_str(), e.ty.text.as_str())));
        }
        if ids.is_empty() {
            for (id, occs) in corpus.ids() {
                let Some(ty) = occs.iter().find_map(|o| o.ty) else { continue };
                ids.push((corpus.resolve(id), corpus.resolve(ty)));
            }
        }
        let mut counts: FxHashMap<(Option<&str>, &str), usize> = FxHashMap::default();
        let mut dotted = 0;
        for &(id, ty) in &ids {
            let Some((prefix, _)) = id.split_once('.') else { continue };
            dotted += 1;
            *counts.entry((Some(ty), prefix)).or_default() += 1;
            *counts.entry((None, prefix)).or_default() += 1;
        }
        let mut best: FxHashMap<Option<&str>, (usize, &str)> = FxHashMap::default();
        for ((ty, prefix), n) in counts {
            let b = best.entry(ty).or_insert((0, ""));
            // Most used first, then the first in alphabetical order: the same answer every time.
            if n > b.0 || (n == b.0 && prefix < b.1) {
                *b = (n, prefix);
            }
        }
        IdStyle {
            dotted: dotted * 2 > ids.len(),
            prefixes: best.into_iter().map(|(ty, (_, prefix))| (ty.map(str::to_string), prefix.to_string())).collect(),
        }
    }

    /// A new id for `name` of type `ty`: its slug (ASCII, lower case, words joined by `-`; a
    /// person's surname alone), after the prefix of the type (else the corpus's) when most ids
    /// have one, and `-2`, `-3`, … while it is taken.
    fn new_id(&self, corpus: &Corpus, ty: &str, name: &str) -> String {
        let mut slug = slug(name, ty == "person");
        if slug.is_empty() {
            slug = ty.to_string();
        }
        let prefix = self.prefixes.get(&Some(ty.to_string())).or_else(|| self.prefixes.get(&None));
        let base = match prefix {
            Some(p) if self.dotted => format!("{p}.{slug}"),
            _ => slug,
        };
        let taken = |id: &str| corpus.sym(id).is_some_and(|s| !corpus.occurrences(s).is_empty());
        let mut id = base.clone();
        let mut n = 2;
        while taken(&id) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

/// Words that start a name without being part of it.
const LEADING_ARTICLES: &[&str] = &["le", "la", "les", "l", "the", "un", "une", "des", "a", "an"];
/// The longest slug, in words.
const SLUG_WORDS: usize = 5;

/// `name` as the last part of an id: ASCII letters and digits in lower case, accents left out,
/// words joined by `-`, a leading article dropped, at most [`SLUG_WORDS`] words. `surname`: a
/// name written as capitalised words (a person's) gives its last word (`Kassym-Jomart Tokaïev`
/// → `tokaiev`), the corpus's convention.
fn slug(name: &str, surname: bool) -> String {
    let mut ascii = String::with_capacity(name.len());
    crate::text::matching::fold_with(name, crate::text::matching::Accents::Drop, &mut |c| match c {
        'a'..='z' | '0'..='9' => ascii.push(c),
        'æ' => ascii.push_str("ae"),
        'œ' => ascii.push_str("oe"),
        'ß' => ascii.push_str("ss"),
        'ø' => ascii.push('o'),
        'ð' | 'đ' => ascii.push('d'),
        'þ' => ascii.push_str("th"),
        'ł' => ascii.push('l'),
        _ => ascii.push(' '),
    });
    let mut words: Vec<&str> = ascii.split(' ').filter(|w| !w.is_empty()).collect();
    if words.len() > 1 && LEADING_ARTICLES.contains(&words[0]) {
        words.remove(0);
    }
    let capitalised =
        name.split_whitespace().count() > 1 && name.split_whitespace().all(|w| w.starts_with(char::is_uppercase));
    if surname
        && capitalised
        && let Some(last) = name.split_whitespace().last()
    {
        return slug(last, false);
    }
    words.truncate(SLUG_WORDS);
    words.join("-")
}

/// Prose brackets (`[sic]`) in the text pair up: else the inserted `[` would pair with one of
/// them instead of the inserted `]{…}`.
fn balanced(text: &str) -> bool {
    let b = text.as_bytes();
    let mut depth = 0i32;
    for (i, &c) in b.iter().enumerate() {
        let escaped = i > 0 && b[i - 1] == b'\\';
        match c {
            b'[' if !escaped => depth += 1,
            b']' if !escaped => depth -= 1,
            _ => {}
        }
        if depth < 0 {
            return false;
        }
    }
    depth == 0
}

/// The range without surrounding white space (a double-click or line selection takes some).
fn trim(text: &str, range: TextRange) -> Option<TextRange> {
    let s = text.get(range.to_usize())?;
    let start = range.start + (s.len() - s.trim_start().len()) as u32;
    let end = range.end - (s.len() - s.trim_end().len()) as u32;
    (start < end).then(|| TextRange::new(start, end))
}

/// "Add `id` to entities.tsv" on a mention or role value whose id has no registry row, with
/// the row prefilled from the mention (the first of this article, for a role value).
fn add_id_to_registry(corpus: &Corpus, file: FileId, text: Option<&str>, offset: u32) -> Option<Action> {
    let data = corpus.full(file);
    let seed = data.seed()?;
    let (id, ty, surface) = match target_at(corpus, file, offset)? {
        Target::Mention { index, id: Some((id, _)) } => {
            let m = &seed.mentions.get()[index];
            (id, m.ty?, Some(m.surface))
        }
        Target::RoleValue { id, .. } => (id, id_type(corpus, id)?, first_surface_here(corpus, file, seed, id)),
        _ => return None,
    };
    if registry_entry(corpus, id).is_some() {
        return None;
    }
    let surface = surface.and_then(|s| text?.get(s.to_usize()));
    let fix = add_to_registry(corpus, file, corpus.resolve(id), corpus.resolve(ty), surface)?;
    Some(Action {
        title: fix.title.clone(),
        kind: ActionKind::Refactor,
        change: SourceChange::from_fix(corpus, file, &fix)?,
        preferred: false,
        diagnostic: None,
    })
}

/// The surface of the first mention of `id` in this article.
fn first_surface_here(corpus: &Corpus, file: FileId, seed: &SeedSummary, id: Sym) -> Option<TextRange> {
    let o = corpus.occurrences(id).iter().find(|o| o.file == file && o.kind() == OccurrenceKind::Mention)?;
    let mentions = seed.mentions.get();
    let m = mentions.iter().find(|m| m.range.contains_range(corpus.range(id, o)) && m.id == Some(id))?;
    Some(m.surface)
}

/// "Remove tag" for the mention at the cursor and each mention around it: deletes its `[` and
/// its `]{…}`, keeping the surface (and any mention nested in it).
fn remove_tag(
    corpus: &Corpus,
    file: FileId,
    seed: &SeedSummary,
    text: Option<&str>,
    offset: u32,
    out: &mut Vec<Action>,
) {
    let mentions = seed.mentions.get();
    let mut at = mention_at(&mentions, offset);
    while let Some(i) = at {
        let m = &mentions[i];
        let tag = match text.and_then(|t| t.get(m.surface.end as usize + 1..m.range.end as usize)) {
            Some(tag) => shorten(tag),
            None => {
                let name = |s: Option<Sym>| s.map(|s| corpus.resolve(s));
                format!("{{{}}}", [name(m.ty), name(m.id)].into_iter().flatten().collect::<Vec<_>>().join(":"))
            }
        };
        let edits = vec![
            TextEdit::new(TextRange::at(m.range.start, 1), ""),
            TextEdit::new(TextRange::new(m.surface.end, m.range.end), ""),
        ];
        out.push(Action {
            title: format!("Remove tag {tag}"),
            kind: ActionKind::RefactorRewrite,
            change: SourceChange::single(file, edits),
            preferred: false,
            diagnostic: None,
        });
        at = m.parent.map(|p| p as usize).filter(|&p| p < i);
    }
}

/// A tag for a title: long argument lists cut.
fn shorten(tag: &str) -> String {
    const MAX: usize = 48;
    if tag.chars().count() <= MAX {
        return tag.to_string();
    }
    let cut: String = tag.chars().take(MAX - 2).collect();
    format!("{cut}…}}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    const REGISTRY: &str = r#"
//- entities.tsv
id\ttype\tname\taliases
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev|président kazakh
kz.almaty\tplace\tAlmaty\tAlma-Ata
kz.alatau\tplace\tAlatau\t
kz.nursultan\tplace\tNoursoultan\t
kz.cityhall-assault\tassault\tassaut sur la mairie d’Almaty\t
"#;

    /// Every action with the lines it adds or changes, file by file.
    fn check_with(article: &str, wanted: &dyn Fn(ActionKind) -> bool) -> String {
        let f = Fixture::parse(&format!("{REGISTRY}//- a.txt\n date 2022-01-05 https://example.org/a\n\n{article}"));
        let (file, range) = f.selection();
        let mut out = String::new();
        for a in code_actions(&f.corpus, &Caches::default(), file, Some(f.text_of(file)), range, wanted) {
            let star = if a.preferred { " (preferred)" } else { "" };
            out.push_str(&format!("{:?} {}{star}\n", a.kind, a.title));
            for fe in &a.change.files {
                let old = f.text_of(fe.file);
                let new = a.change.apply(fe.file, old);
                for line in new.lines().filter(|l| !old.lines().any(|o| o == *l)) {
                    out.push_str(&format!("    {}: {line}\n", f.path_of(fe.file)));
                }
            }
        }
        out
    }

    fn check(article: &str) -> String {
        check_with(article, &|_| true)
    }

    #[test]
    fn tag_selection_offers_registry_matches_then_new_entities() {
        expect_test::expect![[r#"
            QuickFix Tag as place:kz.almaty (preferred)
                a.txt: Les habitants d’ [ALMA-ATA]{place:kz.almaty}  ont manifesté.
            RefactorRewrite Tag as new person kz.alma-ata, added to entities.tsv
                a.txt: Les habitants d’ [ALMA-ATA]{person:kz.alma-ata}  ont manifesté.
                entities.tsv: kz.alma-ata	person	ALMA-ATA	
            RefactorRewrite Tag as new group kz.alma-ata, added to entities.tsv
                a.txt: Les habitants d’ [ALMA-ATA]{group:kz.alma-ata}  ont manifesté.
                entities.tsv: kz.alma-ata	group	ALMA-ATA	
            RefactorRewrite Tag as new org kz.alma-ata, added to entities.tsv
                a.txt: Les habitants d’ [ALMA-ATA]{org:kz.alma-ata}  ont manifesté.
                entities.tsv: kz.alma-ata	org	ALMA-ATA	
            RefactorRewrite Tag as new gov kz.alma-ata, added to entities.tsv
                a.txt: Les habitants d’ [ALMA-ATA]{gov:kz.alma-ata}  ont manifesté.
                entities.tsv: kz.alma-ata	gov	ALMA-ATA	
            RefactorRewrite Tag as new place kz.alma-ata, added to entities.tsv
                a.txt: Les habitants d’ [ALMA-ATA]{place:kz.alma-ata}  ont manifesté.
                entities.tsv: kz.alma-ata	place	ALMA-ATA	
            RefactorRewrite Tag as person (no id)
                a.txt: Les habitants d’ [ALMA-ATA]{person}  ont manifesté.
            RefactorRewrite Tag as group (no id)
                a.txt: Les habitants d’ [ALMA-ATA]{group}  ont manifesté.
            RefactorRewrite Tag as org (no id)
                a.txt: Les habitants d’ [ALMA-ATA]{org}  ont manifesté.
            RefactorRewrite Tag as gov (no id)
                a.txt: Les habitants d’ [ALMA-ATA]{gov}  ont manifesté.
            RefactorRewrite Tag as place (no id)
                a.txt: Les habitants d’ [ALMA-ATA]{place}  ont manifesté.
        "#]]
        .assert_eq(&check("Les habitants d’$0 ALMA-ATA $0 ont manifesté.\n"));
        // A typo of a whole name is offered, not preferred.
        let titles = |article: &str| -> String {
            check(article)
                .lines()
                .filter(|l| l.starts_with(|c: char| c.is_alphabetic()))
                .map(|l| format!("{l}\n"))
                .collect()
        };
        expect_test::expect![[r#"
            RefactorRewrite Tag as person:kz.tokayev (Kassym-Jomart Tokaïev)
            RefactorRewrite Tag as person:kz.tokayev, «Tokayev» added to its aliases
            RefactorRewrite Tag as new person kz.tokayev-2, added to entities.tsv
            RefactorRewrite Tag as new group kz.tokayev-2, added to entities.tsv
            RefactorRewrite Tag as new org kz.tokayev-2, added to entities.tsv
            RefactorRewrite Tag as new gov kz.tokayev-2, added to entities.tsv
            RefactorRewrite Tag as new place kz.tokayev-2, added to entities.tsv
            RefactorRewrite Tag as person (no id)
            RefactorRewrite Tag as group (no id)
            RefactorRewrite Tag as org (no id)
            RefactorRewrite Tag as gov (no id)
            RefactorRewrite Tag as place (no id)
        "#]]
        .assert_eq(&titles("Le président $0Tokayev$0 a parlé.\n"));
        // A selection that would overlap a mention, span lines or sit on the header: nothing.
        assert_eq!(check("Le [pré$0sident]{person:kz.tokayev} a$0 parlé.\n").matches("Tag as").count(), 0);
        assert_eq!(check("Le $0président\nkazakh$0.\n").matches("Tag as").count(), 0);
        assert_eq!(check("Le [$0sic] président$0.\n").matches("Tag as").count(), 0);
        assert!(check("Le $0[sic] président$0.\n").contains("Tag as new person"));
        // Around a whole mention (an event over it) and inside a surface are fine.
        assert!(check("$0Le [président]{person:kz.tokayev} a parlé$0.\n").contains("Tag as new person"));
    }

    #[test]
    fn tag_selection_offers_only_entries_naming_the_whole_selection() {
        let titles = |article: &str| -> Vec<String> {
            check_with(article, &|k| k == ActionKind::RefactorRewrite)
                .lines()
                .filter_map(|l| l.strip_prefix("RefactorRewrite Tag as "))
                .filter(|t| !t.starts_with("new ") && !t.ends_with(" (no id)"))
                .map(str::to_string)
                .collect()
        };
        // A registered name inside the selection names only part of it.
        assert_eq!(titles("$0Noursoultan Nazarbaïev$0 a démissionné.\n"), Vec::<String>::new());
        // A name that merely contains the selected word (an event's) is no match for it.
        assert_eq!(titles("Les habitants d’$0Almaty$0 ont manifesté.\n"), ["place:kz.almaty (Almaty) (preferred)"]);
        // Nor the start of a name.
        assert_eq!(titles("Les habitants d’$0Ala$0 ont manifesté.\n"), Vec::<String>::new());
        // A typo of the whole name is one, offered without being preferred; so is adding the
        // spelling to the row's aliases.
        assert_eq!(
            titles("À $0Almati$0.\n"),
            ["place:kz.almaty (Almaty)", "place:kz.almaty, «Almati» added to its aliases"]
        );
    }

    /// The "Tag as new …" and "…added to its aliases" actions only.
    fn one_step(fixture: &str, wanted_type: &str) -> String {
        let f = Fixture::parse(fixture);
        let (file, range) = f.selection();
        let mut out = String::new();
        for a in code_actions(&f.corpus, &Caches::default(), file, Some(f.text_of(file)), range, &|k| {
            k == ActionKind::RefactorRewrite
        }) {
            let new = a.title.starts_with(&format!("Tag as new {wanted_type} "));
            if !(new || a.title.contains("added to its aliases")) {
                continue;
            }
            out.push_str(&format!("{}\n", a.title));
            for fe in &a.change.files {
                let old = f.text_of(fe.file);
                let new = a.change.apply(fe.file, old);
                for line in new.lines().filter(|l| !old.lines().any(|o| o == *l)) {
                    out.push_str(&format!("    {}: {line}\n", f.path_of(fe.file)));
                }
            }
        }
        out
    }

    #[test]
    fn tag_as_new_writes_a_generated_id_and_its_registry_row_in_one_edit() {
        // Most ids have a dotted prefix: the type's own (`org.`), else the most used (`kz.`);
        // the slug is ASCII, without a leading article; a person's is the surname.
        let corpus = format!(
            "{REGISTRY}org.ots\torg\tOTS\t\norg.sputnik\torg\tSputnik\t\n//- a.txt\n date 2022-01-05 https://example.org/a\n\n"
        );
        expect_test::expect![[r#"
            Tag as new org org.agence-de-presse-economique, added to entities.tsv
                a.txt: Selon [l’Agence de presse économique]{org:org.agence-de-presse-economique} du Kazakhstan.
                entities.tsv: org.agence-de-presse-economique	org	l’Agence de presse économique	
        "#]]
        .assert_eq(
            &one_step(&format!("{corpus}Selon $0l’Agence de presse économique$0 du Kazakhstan.\n"), "org")
                .replace("$0", ""),
        );
        expect_test::expect![[r#"
            Tag as new person kz.karimov, added to entities.tsv
                a.txt: Le ministre [Ærlan Karïmov]{person:kz.karimov} a parlé.
                entities.tsv: kz.karimov	person	Ærlan Karïmov	
        "#]]
        .assert_eq(&one_step(&format!("{corpus}Le ministre $0Ærlan Karïmov$0 a parlé.\n"), "person"));
        // A taken id gets `-2`, `-3`, …: `kz.almaty` is registered, `kz.almaty-2` used.
        expect_test::expect![[r#"
            Tag as new place kz.almaty-3, added to entities.tsv
                a.txt: [x]{place:kz.almaty-2} à [Almaty]{place:kz.almaty-3}.
                entities.tsv: kz.almaty-3	place	Almaty	
        "#]]
        .assert_eq(&one_step(&format!("{corpus}[x]{{place:kz.almaty-2}} à $0Almaty$0.\n"), "place"));
        // Ids without prefixes, and no registry (ad-hoc mode): the tag alone.
        let adhoc = "//- b.txt\n date 2022-01-05\n\n[A]{person:tokayev} [B]{place:astana} [C]{gov:kz.gov}\n\
                     //- a.txt\n date 2022-01-05 https://example.org/a\n\nLa $0Garde nationale$0.\n";
        expect_test::expect![[r#"
            Tag as new gov garde-nationale
                a.txt: La [Garde nationale]{gov:garde-nationale}.
        "#]]
        .assert_eq(&one_step(adhoc, "gov"));
    }

    #[test]
    fn another_name_of_a_registered_entity_is_added_to_its_aliases() {
        let corpus = format!("{REGISTRY}//- a.txt\n date 2022-01-05 https://example.org/a\n\n");
        // A surname alone (the row has aliases: appended) and a first name.
        expect_test::expect![[r#"
            Tag as person:kz.tokayev, «Jomart Tokaïev» added to its aliases
                a.txt: Le président [Jomart Tokaïev]{person:kz.tokayev} a parlé.
                entities.tsv: kz.tokayev	person	Kassym-Jomart Tokaïev	Tokaïev|président kazakh|Jomart Tokaïev
        "#]]
        .assert_eq(&one_step(&format!("{corpus}Le président $0Jomart Tokaïev$0 a parlé.\n"), "-"));
        // Another spelling, the row without aliases: the cell is filled.
        expect_test::expect![[r#"
            Tag as place:kz.nursultan, «Noursoultane» added to its aliases
                a.txt: À [Noursoultane]{place:kz.nursultan}.
                entities.tsv: kz.nursultan	place	Noursoultan	Noursoultane
        "#]]
        .assert_eq(&one_step(&format!("{corpus}À $0Noursoultane$0.\n"), "-"));
        // A registered name is tagged, not added again; a longer text is not another name
        // of the one it holds; the start of a word is no name.
        for article in ["À $0Alma-Ata$0.\n", "$0L’assaut sur la mairie d’Almaty et Alatau$0.\n", "À $0Ala$0.\n"] {
            assert_eq!(one_step(&format!("{corpus}{article}"), "-"), "", "{article}");
        }
    }

    #[test]
    fn untagged_aliases_are_quick_fixes_for_every_only_filter() {
        let article = "Tokaïev a parlé. Puis $0Tokaïev$0 est parti.\n";
        let out = check(article);
        expect_test::expect![[r#"
            QuickFix Tag as person:kz.tokayev (preferred)
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{person:kz.tokayev} est parti.
            QuickFix Tag all 2 untagged «Tokaïev» in this file as person:kz.tokayev
                a.txt: [Tokaïev]{person:kz.tokayev} a parlé. Puis [Tokaïev]{person:kz.tokayev} est parti.
            RefactorRewrite Tag as new person kz.tokaiev, added to entities.tsv
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{person:kz.tokaiev} est parti.
                entities.tsv: kz.tokaiev	person	Tokaïev	
            RefactorRewrite Tag as new group kz.tokaiev, added to entities.tsv
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{group:kz.tokaiev} est parti.
                entities.tsv: kz.tokaiev	group	Tokaïev	
            RefactorRewrite Tag as new org kz.tokaiev, added to entities.tsv
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{org:kz.tokaiev} est parti.
                entities.tsv: kz.tokaiev	org	Tokaïev	
            RefactorRewrite Tag as new gov kz.tokaiev, added to entities.tsv
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{gov:kz.tokaiev} est parti.
                entities.tsv: kz.tokaiev	gov	Tokaïev	
            RefactorRewrite Tag as new place kz.tokaiev, added to entities.tsv
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{place:kz.tokaiev} est parti.
                entities.tsv: kz.tokaiev	place	Tokaïev	
            RefactorRewrite Tag as person (no id)
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{person} est parti.
            RefactorRewrite Tag as group (no id)
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{group} est parti.
            RefactorRewrite Tag as org (no id)
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{org} est parti.
            RefactorRewrite Tag as gov (no id)
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{gov} est parti.
            RefactorRewrite Tag as place (no id)
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{place} est parti.
        "#]]
        .assert_eq(&out);
        let quick = check_with(article, &|k| k == ActionKind::QuickFix);
        assert_eq!(quick.lines().filter(|l| l.starts_with("QuickFix")).count(), 2, "{quick}");
        assert!(!quick.contains("Refactor"));
        // Asked for refactorings only, the selection is tagged by the refactoring instead.
        let refactor = check_with(article, &|k| k != ActionKind::QuickFix);
        assert!(refactor.starts_with("RefactorRewrite Tag as person:kz.tokayev (Kassym-Jomart Tokaïev) (preferred)\n"));
    }

    #[test]
    fn tag_every_registered_name_in_the_file_in_one_action() {
        // Three hints of single entities (an alias twice), one ambiguous name left out.
        let article = "Tokaïev à Almaty. Puis $0Tokaïev est parti, vers Alatau.\n";
        let fixture = format!(
            "{REGISTRY}kz.alatau2\tplace\tAlatau\t\n//- a.txt\n date 2022-01-05 https://example.org/a\n\n{article}"
        );
        let f = Fixture::parse(&fixture);
        let (file, range) = f.selection();
        let actions = code_actions(&f.corpus, &Caches::default(), file, Some(f.text_of(file)), range, &|_| true);
        let every: Vec<&Action> = actions.iter().filter(|a| a.title.starts_with("Tag every")).collect();
        let [every] = every.as_slice() else { panic!("{actions:#?}") };
        assert_eq!(every.title, "Tag every registered name in this file (3)");
        assert_eq!(every.kind, ActionKind::QuickFix);
        expect_test::expect![[r#"
            [Tokaïev]{person:kz.tokayev} à [Almaty]{place:kz.almaty}. Puis [Tokaïev]{person:kz.tokayev} est parti, vers Alatau.
        "#]]
        .assert_eq(every.change.apply(file, f.text_of(file)).lines().last().map(|l| format!("{l}\n")).as_deref().unwrap());
        // Away from the hints, and with a single name in the file: not offered.
        assert!(!check("Le $0président$0 Tokaïev.\n").contains("Tag every"));
        assert!(!check("Le président $0Tokaïev$0.\n").contains("Tag every"));
    }

    #[test]
    fn a_selection_over_several_hints_offers_each_tag_once() {
        let titles = |article: &str| -> Vec<String> {
            check(article).lines().filter(|l| !l.starts_with(' ')).map(str::to_string).collect()
        };
        // Two hints of one name: one "Tag as", one "Tag all".
        let out = titles("Puis $0Tokaïev, Tokaïev$0 et Almaty.\n");
        assert_eq!(out.iter().filter(|t| t.contains("Tag as person:kz.tokayev")).count(), 1, "{out:#?}");
        assert_eq!(out.iter().filter(|t| t.contains("Tag all 2 untagged")).count(), 1, "{out:#?}");
        // A hint inside the selection, and the selection tagged so earlier in the article: the
        // whole selection is tagged, once.
        let out = check("[Le président kazakh]{person:kz.tokayev}. Selon $0le président kazakh$0, rien.\n");
        assert_eq!(out.matches("Selon [le président kazakh]{person:kz.tokayev}").count(), 1, "{out}");
        assert!(!out.contains("Selon le [président kazakh]"), "{out}");
    }

    #[test]
    fn add_an_unregistered_id_to_the_registry() {
        let article = "Le [chef de l’$0opposition]{person:kz.opposition-chief} et [Tokaïev]{person:kz.tokayev}.\n";
        expect_test::expect![[r#"
            Refactor Add `kz.opposition-chief` to entities.tsv
                entities.tsv: kz.opposition-chief	person	chef de l’opposition	
            RefactorRewrite Remove tag {person:kz.opposition-chief}
                a.txt: Le chef de l’opposition et [Tokaïev]{person:kz.tokayev}.
        "#]]
        .assert_eq(&check(article));
        // Only the refactoring when quick fixes are not asked for.
        expect_test::expect![[r#"
            Refactor Add `kz.opposition-chief` to entities.tsv
                entities.tsv: kz.opposition-chief	person	chef de l’opposition	
        "#]]
        .assert_eq(&check_with(article, &|k| k == ActionKind::Refactor));
        // On the id, the diagnostic's quick fix makes the same change: offered once.
        let on_id = check(&article.replace("$0", "").replace("kz.opposition", "kz.opp$0osition"));
        assert_eq!(on_id.matches("Add `kz.opposition-chief`").count(), 1, "{on_id}");
        assert!(on_id.starts_with("QuickFix Add `kz.opposition-chief` to entities.tsv (preferred)\n"), "{on_id}");
        // From a role value; not for a registered id.
        let article = "[Il]{person:kz.opposition-chief} [manifeste]{protest actor=kz.opp$0osition-chief}.\n";
        assert!(
            check_with(article, &|k| k == ActionKind::Refactor)
                .contains("    entities.tsv: kz.opposition-chief\tperson\tIl\t")
        );
        assert_eq!(check_with("[Tokaïev]{person:kz.to$0kayev}\n", &|k| k == ActionKind::Refactor), "");
    }

    #[test]
    fn rows_added_to_the_registry_follow_its_last_row_in_order() {
        let article = "[X]{person:kz.x} et [Y]{person:kz.y}.\n";
        let mut f =
            Fixture::parse(&format!("{REGISTRY}//- a.txt\n date 2022-01-05 https://example.org/a\n\n{article}"));
        let (seed, registry) = (f.file("a.txt"), f.file("entities.tsv"));
        let seed_text = f.text_of(seed).to_string();
        let path = std::path::PathBuf::from("/ws/entities.tsv");
        let add = |f: &Fixture, id: &str, text: &str| -> String {
            let at = seed_text.find(id).unwrap() as u32;
            let actions =
                code_actions(&f.corpus, &Caches::default(), seed, Some(&seed_text), TextRange::empty(at), &|k| {
                    k == ActionKind::Refactor
                });
            let [action] = actions.as_slice() else { panic!("{actions:?}") };
            let edits = action.change.edits_of(registry);
            // Never past the last line: an editor would add an empty line to reach it.
            assert!(edits.iter().all(|e| text[e.range.end as usize..].chars().all(|c| c == '\r' || c == '\n')));
            assert!(edits.iter().all(|e| !text[..e.range.start as usize].ends_with('\n')), "{edits:?}");
            action.change.apply(registry, text)
        };
        let header = "id\ttype\tname\taliases\nkz.a\tplace\tA\tAa";
        for (text, expected) in [
            // With a final line break, without one, with CRLF, with blank lines after the rows.
            (format!("{header}\n"), format!("{header}\nkz.x\tperson\tX\t\nkz.y\tperson\tY\t\n")),
            (header.to_string(), format!("{header}\nkz.x\tperson\tX\t\nkz.y\tperson\tY\t")),
            (
                format!("{}\r\n", header.replace('\n', "\r\n")),
                format!("{}\r\nkz.x\tperson\tX\t\r\nkz.y\tperson\tY\t\r\n", header.replace('\n', "\r\n")),
            ),
            (format!("{header}\n\n\n"), format!("{header}\nkz.x\tperson\tX\t\nkz.y\tperson\tY\t\n\n\n")),
        ] {
            f.corpus.set_text(&path, text.as_bytes());
            // The first row applied (the registry open in the editor: the corpus has its
            // text), then the second computed from it.
            let once = add(&f, "kz.x", &text);
            f.corpus.set_text(&path, once.as_bytes());
            let twice = add(&f, "kz.y", &once);
            assert_eq!(twice, expected, "{text:?}");
        }
    }

    #[test]
    fn remove_tag_keeps_the_text_also_of_nested_mentions() {
        let article =
            "[[Tok$0aïev]{person:kz.tokayev} a limogé le gouvernement]{concede actor=kz.tokayev when=2022-01}.\n";
        expect_test::expect![[r#"
            RefactorRewrite Remove tag {person:kz.tokayev}
                a.txt: [Tokaïev a limogé le gouvernement]{concede actor=kz.tokayev when=2022-01}.
            RefactorRewrite Remove tag {concede actor=kz.tokayev when=2022-01}
                a.txt: [Tokaïev]{person:kz.tokayev} a limogé le gouvernement.
        "#]]
        .assert_eq(&check_with(article, &|k| k == ActionKind::RefactorRewrite));
    }
}
