//! Code actions (SPEC §8): the diagnostics' quick fixes, plus the edits an annotator reaches
//! for without a diagnostic: tag the selection (registry matches first, then a new entity of
//! each type), add an unregistered id to the registry, remove a tag keeping its text.

use crate::analysis::Caches;
use crate::analysis::{add_to_registry, id_type, registry_entry};
use crate::corpus::{Corpus, FileId, OccurrenceKind, SeedSummary, Sym};
use crate::diagnostic::Diagnostic;
use crate::ide::change::{SourceChange, TextEdit};
use crate::ide::fixes::quick_fixes;
use crate::ide::matching::{Tier, match_surface};
use crate::ide::target::{Target, mention_at, target_at};
use crate::text::TextRange;

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
        for q in quick_fixes(corpus, caches, file, text, range) {
            let Some(change) = SourceChange::from_fix(corpus, file, &q.fix) else { continue };
            out.push(Action {
                title: q.fix.title,
                kind: ActionKind::QuickFix,
                change,
                preferred: q.preferred,
                diagnostic: Some(q.diagnostic),
            });
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
    for action in more {
        if !out.iter().any(|a| a.change == action.change) {
            out.push(action);
        }
    }
    out
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
    let matches: Vec<_> = match_surface(corpus, file, Some(text), selected)
        .into_iter()
        .filter(|m| matches!(m.tier, Tier::Exact | Tier::Accents | Tier::Fuzzy))
        .take(MAX_MATCHES)
        .collect();
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
    for def in corpus.schema().entity_types() {
        out.push(Action {
            title: format!("Tag as new {}", def.name),
            kind: ActionKind::RefactorRewrite,
            change: wrap(format!("]{{{}}}", def.name)),
            preferred: false,
            diagnostic: None,
        });
    }
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
            RefactorRewrite Tag as new person
                a.txt: Les habitants d’ [ALMA-ATA]{person}  ont manifesté.
            RefactorRewrite Tag as new group
                a.txt: Les habitants d’ [ALMA-ATA]{group}  ont manifesté.
            RefactorRewrite Tag as new org
                a.txt: Les habitants d’ [ALMA-ATA]{org}  ont manifesté.
            RefactorRewrite Tag as new gov
                a.txt: Les habitants d’ [ALMA-ATA]{gov}  ont manifesté.
            RefactorRewrite Tag as new place
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
            RefactorRewrite Tag as new person
            RefactorRewrite Tag as new group
            RefactorRewrite Tag as new org
            RefactorRewrite Tag as new gov
            RefactorRewrite Tag as new place
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
                .filter(|t| !t.starts_with("new "))
                .map(str::to_string)
                .collect()
        };
        // A registered name inside the selection names only part of it.
        assert_eq!(titles("$0Noursoultan Nazarbaïev$0 a démissionné.\n"), Vec::<String>::new());
        // A name that merely contains the selected word (an event's) is no match for it.
        assert_eq!(titles("Les habitants d’$0Almaty$0 ont manifesté.\n"), ["place:kz.almaty (Almaty) (preferred)"]);
        // Nor the start of a name.
        assert_eq!(titles("Les habitants d’$0Ala$0 ont manifesté.\n"), Vec::<String>::new());
        // A typo of the whole name is one, offered without being preferred.
        assert_eq!(titles("À $0Almati$0.\n"), ["place:kz.almaty (Almaty)"]);
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
            RefactorRewrite Tag as new person
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{person} est parti.
            RefactorRewrite Tag as new group
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{group} est parti.
            RefactorRewrite Tag as new org
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{org} est parti.
            RefactorRewrite Tag as new gov
                a.txt: Tokaïev a parlé. Puis [Tokaïev]{gov} est parti.
            RefactorRewrite Tag as new place
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
