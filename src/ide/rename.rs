//! Rename of an id (SPEC §8): from a mention's id or surface, a role value or a registry row's
//! id cell; the change touches every occurrence in the reverse index (every seed file, open or
//! closed, and every registry) and only the id text.

use crate::analysis::{registry_entry, shown_path};
use crate::corpus::MentionSummary;
use crate::corpus::{Corpus, FileId, OccurrenceKind, Sym, is_date_shaped};
use crate::ide::change::{FileEdits, SourceChange, TextEdit};
use crate::ide::target::{Target, target_at};
use crate::syntax::schema::Class;
use crate::text::TextRange;

/// The id a rename at the cursor would change, and where it is written there.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct RenameTarget {
    pub id: Sym,
    pub range: TextRange,
}

/// Why a rename cannot be done, in words a curator understands.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RenameError {
    /// The cursor is on something that is not an id (a type, a role, a mention without id).
    NotAnId(String),
    /// The new id is not valid id syntax.
    Invalid(String),
    /// The new id is already in use: the rename would merge two entities.
    Taken(String),
}

impl RenameError {
    pub fn message(&self) -> &str {
        match self {
            RenameError::NotAnId(m) | RenameError::Invalid(m) | RenameError::Taken(m) => m,
        }
    }
}

const ONLY_IDS: &str = "only ids can be renamed: put the cursor on an id in a tag `{type:id}`, a role value, or the id column of entities.tsv";

/// The id under the cursor. `Ok(None)` where there is nothing at all (prose, the header);
/// an error, with the reason, on a near miss (a type name, a mention without an id).
pub fn prepare_rename(corpus: &Corpus, file: FileId, offset: u32) -> Result<Option<RenameTarget>, RenameError> {
    let Some(target) = target_at(corpus, file, offset) else { return Ok(None) };
    match target {
        Target::RoleValue { id, range, .. } => Ok(Some(RenameTarget { id, range })),
        Target::Mention { index, id } => {
            let data = corpus.full(file);
            let mentions = data.seed().map(|s| s.mentions.get()).unwrap_or_default();
            let Some(m) = mentions.get(index) else { return Ok(None) };
            match id {
                // The surface stands for the id: renaming from it (or its brackets, or just
                // after the tag) is what a curator expects, and the id is on the same line,
                // where the editor shows the new name.
                Some((id, range)) if range.touches(offset) || offset <= m.surface.end || offset == m.range.end => {
                    Ok(Some(RenameTarget { id, range }))
                }
                Some(_) => {
                    Err(RenameError::NotAnId(format!("{ONLY_IDS}; types, modes and roles come from the schema")))
                }
                None if is_entity(corpus, m) => Err(RenameError::NotAnId(
                    "this mention has no id to rename; give it one first, e.g. `{person:kz.tokayev}`".into(),
                )),
                None => Err(RenameError::NotAnId(ONLY_IDS.into())),
            }
        }
        Target::Header { .. } => Ok(None),
        Target::RegistryRow { id, .. } => match id {
            Some((id, range)) if range.touches(offset) => Ok(Some(RenameTarget { id, range })),
            _ => Err(RenameError::NotAnId(
                "put the cursor on the id (the `id` column) to rename it; names and aliases are plain text".into(),
            )),
        },
    }
}

/// Renames the id under the cursor to `new_id` everywhere. Renaming an id to itself is an
/// empty change.
pub fn rename(corpus: &Corpus, file: FileId, offset: u32, new_id: &str) -> Result<SourceChange, RenameError> {
    let target = prepare_rename(corpus, file, offset)?.ok_or_else(|| RenameError::NotAnId(ONLY_IDS.into()))?;
    let old = corpus.resolve(target.id);
    // Pasted names often carry a stray space or line break at either end.
    let new = new_id.trim();
    if new == old {
        return Ok(SourceChange::default());
    }
    check_new_id(corpus, old, new)?;
    let (occurrences, len) = (corpus.occurrences(target.id), corpus.id_len(target.id));
    // The index keeps occurrences sorted by (file, offset): each run is one file's edits, in
    // order, with no sorting or path comparison for ids used thousands of times.
    let files = occurrences
        .chunk_by(|a, b| a.file == b.file)
        .map(|run| FileEdits {
            file: run[0].file,
            edits: run
                .iter()
                .map(|o| TextEdit { place: corpus.place(target.id, o), ..TextEdit::new(o.range(len), new) })
                .collect(),
        })
        .collect();
    Ok(SourceChange { files })
}

/// "once", "3 times".
pub(crate) fn times(n: usize) -> String {
    if n == 1 { "once".into() } else { format!("{n} times") }
}

/// An entity mention (or one of an unknown type, which is most likely a misspelt entity).
fn is_entity(corpus: &Corpus, m: &MentionSummary) -> bool {
    m.ty.is_some_and(|t| corpus.schema().get(corpus.resolve(t)).is_none_or(|d| d.class == Class::Entity))
}

fn check_new_id(corpus: &Corpus, old: &str, new: &str) -> Result<(), RenameError> {
    if new.is_empty() {
        return Err(RenameError::Invalid("the new id is empty".into()));
    }
    if let Some(bad) =
        new.chars().enumerate().find(|&(i, c)| !(c.is_ascii_alphanumeric() || (i > 0 && matches!(c, '.' | '_' | '-'))))
    {
        let what = match bad.1 {
            ' ' => "a space".to_string(),
            '\t' => "a tab".to_string(),
            c if bad.0 == 0 && matches!(c, '.' | '_' | '-') => format!("`{c}` at the start"),
            c => format!("`{c}`"),
        };
        return Err(RenameError::Invalid(format!(
            "`{new}` is not a valid id: it contains {what}. An id is ASCII letters, digits, `.`, `_` and `-`, \
             starting with a letter or digit, e.g. `kz.tokayev`"
        )));
    }
    if is_date_shaped(new) {
        return Err(RenameError::Invalid(format!(
            "`{new}` looks like a date: as a role value it would be read as one. Pick an id with a letter in it"
        )));
    }
    let Some(sym) = corpus.sym(new) else { return Ok(()) };
    if let Some((reg, entry)) = registry_entry(corpus, sym) {
        return Err(RenameError::Taken(format!(
            "`{new}` is already the id of «{}» ({}) in {}: renaming `{old}` to it would merge two entities. \
             Pick another id",
            entry.name.text,
            entry.ty.text,
            shown_path(corpus, &corpus.file(reg).path)
        )));
    }
    let uses = corpus.occurrences(sym);
    if let Some(first) = uses.iter().find(|o| o.kind() != OccurrenceKind::RegistryRow) {
        return Err(RenameError::Taken(format!(
            "`{new}` is already used in the corpus ({}, first in {}): renaming `{old}` to it would merge two \
             entities. Pick another id",
            times(uses.len()),
            shown_path(corpus, &corpus.file(first.file).path)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::fixture::Fixture;

    const CORPUS: &str = r#"
//- entities.tsv
id\ttype\tname\taliases
kz.tokayev\tperson\tKassym-Jomart Tokaïev\tTokaïev
kz.almaty\tplace\tAlmaty\t
//- a.txt
 date 2022-01-05 https://example.org/a

Le [président]{person:kz.tokayev} à [Almaty]{place:kz.almaty}.
[[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede actor=kz.tokayev where=kz.almaty when=2022-01}
Un [chef]{person:adhoc.chef} et [un lieu]{place}.
//- b.txt
 date 2022-01-06 https://example.org/b

Le chef de l’État [Kassym-Jomart Tokaïev]{person:kz.tokayev} a parlé.
"#;

    /// Every file of the fixture after the change, the changed ones only.
    fn render(f: &Fixture, change: &SourceChange) -> String {
        let mut out = String::new();
        for fe in &change.files {
            out.push_str(&format!("//- {}\n{}", f.path_of(fe.file), change.apply(fe.file, f.text_of(fe.file))));
        }
        out
    }

    fn rename_at(fixture: &str, new: &str) -> Result<String, RenameError> {
        let f = Fixture::parse(fixture);
        let (file, offset) = f.cursor();
        rename(&f.corpus, file, offset, new).map(|c| render(&f, &c))
    }

    fn prepare_at(fixture: &str) -> Result<Option<String>, RenameError> {
        let f = Fixture::parse(fixture);
        let (file, offset) = f.cursor();
        let text = f.text_of(file);
        prepare_rename(&f.corpus, file, offset).map(|t| t.map(|t| text[t.range].to_string()))
    }

    #[test]
    fn rename_touches_every_file_and_only_the_id() {
        let fixture = CORPUS.replace("Le [président]{person:kz.tok", "Le [président]{person:kz.t$0ok");
        expect_test::expect![[r#"
            //- entities.tsv
            id	type	name	aliases
            kz.tokaiev	person	Kassym-Jomart Tokaïev	Tokaïev
            kz.almaty	place	Almaty	
            //- a.txt
             date 2022-01-05 https://example.org/a

            Le [président]{person:kz.tokaiev} à [Almaty]{place:kz.almaty}.
            [[Tokaïev]{person:kz.tokaiev} a limogé le gouvernement]{concede actor=kz.tokaiev where=kz.almaty when=2022-01}
            Un [chef]{person:adhoc.chef} et [un lieu]{place}.
            //- b.txt
             date 2022-01-06 https://example.org/b

            Le chef de l’État [Kassym-Jomart Tokaïev]{person:kz.tokaiev} a parlé.
        "#]]
        .assert_eq(&rename_at(&fixture, " kz.tokaiev\n").unwrap());
    }

    #[test]
    fn rename_from_a_role_value_the_registry_and_an_ad_hoc_id() {
        let fixture = CORPUS.replace("where=kz.almaty", "where=$0kz.almaty");
        let out = rename_at(&fixture, "kz.almaty-city").unwrap();
        assert_eq!(out.matches("kz.almaty-city").count(), 3, "{out}");
        let fixture = CORPUS.replace("\nkz.almaty\\tplace", "\nkz.alm$0aty\\tplace");
        assert_eq!(rename_at(&fixture, "kz.almaty-city").unwrap(), out);
        let fixture = CORPUS.replace("adhoc.chef", "adhoc.chef$0");
        expect_test::expect![[r#"
            //- a.txt
             date 2022-01-05 https://example.org/a

            Le [président]{person:kz.tokayev} à [Almaty]{place:kz.almaty}.
            [[Tokaïev]{person:kz.tokayev} a limogé le gouvernement]{concede actor=kz.tokayev where=kz.almaty when=2022-01}
            Un [chef]{person:kz.chef} et [un lieu]{place}.
        "#]]
        .assert_eq(&rename_at(&fixture, "kz.chef").unwrap());
        // Renaming to itself changes nothing.
        assert_eq!(rename_at(&fixture, "adhoc.chef").unwrap(), "");
    }

    #[test]
    fn prepare_rename_finds_the_id_from_surfaces_and_refuses_near_misses() {
        let at = |from: &str, to: &str| prepare_at(&CORPUS.replacen(from, to, 1));
        assert_eq!(at("[président]", "[pré$0sident]"), Ok(Some("kz.tokayev".into())));
        assert_eq!(at("[Tokaïev]", "[Tokaïev$0]"), Ok(Some("kz.tokayev".into())));
        assert_eq!(at("Le [président]", "Le $0[président]"), Ok(Some("kz.tokayev".into())));
        assert_eq!(at("kz.tokayev} à", "kz.tokayev}$0 à"), Ok(Some("kz.tokayev".into())));
        assert_eq!(at("actor=kz", "actor=$0kz"), Ok(Some("kz.tokayev".into())));
        assert_eq!(at("kz.almaty\\tplace", "kz.almaty$0\\tplace"), Ok(Some("kz.almaty".into())));
        // Nothing to rename: prose and the header.
        assert_eq!(at("Le chef de", "Le c$0hef de"), Ok(None));
        assert_eq!(at(" date 2022-01-05", " da$0te 2022-01-05"), Ok(None));
        // Near misses say why.
        for (from, to, says) in [
            ("{person:kz.tokayev} à", "{pers$0on:kz.tokayev} à", "types, modes and roles come from the schema"),
            ("{place}", "{pl$0ace}", "this mention has no id to rename"),
            ("[un lieu]", "[un $0lieu]", "this mention has no id to rename"),
            ("concede actor", "con$0cede actor", "only ids can be renamed"),
            ("when=2022", "when=20$022", "only ids can be renamed"),
            ("\\tAlmaty\\t", "\\tAlm$0aty\\t", "put the cursor on the id"),
        ] {
            let err = at(from, to).unwrap_err();
            assert!(matches!(err, RenameError::NotAnId(_)), "{to}: {err:?}");
            assert!(err.message().contains(says), "{to}: {err:?}");
        }
    }

    #[test]
    fn invalid_and_taken_ids_are_refused_with_reasons() {
        let fixture = CORPUS.replace("adhoc.chef", "adhoc.chef$0");
        let refuse = |new: &str| rename_at(&fixture, new).unwrap_err();
        expect_test::expect![[r#"
            Invalid(
                "`kz chef` is not a valid id: it contains a space. An id is ASCII letters, digits, `.`, `_` and `-`, starting with a letter or digit, e.g. `kz.tokayev`",
            )
        "#]]
        .assert_debug_eq(&refuse("kz chef"));
        assert!(refuse("kz.chéf").message().contains("it contains `é`"));
        assert!(refuse(".chef").message().contains("`.` at the start"));
        assert_eq!(refuse("  "), RenameError::Invalid("the new id is empty".into()));
        assert!(refuse("2022-01").message().contains("looks like a date"));
        expect_test::expect![[r#"
            Taken(
                "`kz.almaty` is already the id of «Almaty» (place) in entities.tsv: renaming `adhoc.chef` to it would merge two entities. Pick another id",
            )
        "#]]
        .assert_debug_eq(&refuse("kz.almaty"));
        // An ad-hoc id used only in another article, and one used only as a role value.
        let fixture = fixture.replace("Le chef de", "Un [x]{person:adhoc.other}. Le chef de");
        let err = rename_at(&fixture, "adhoc.other").unwrap_err();
        assert!(err.message().contains("`adhoc.other` is already used in the corpus (once, first in b.txt)"));
        let fixture = fixture.replace("when=2022-01}", "when=2022-01 recipient=adhoc.role}");
        assert!(matches!(rename_at(&fixture, "adhoc.role"), Err(RenameError::Taken(_))));
        // A type or role name is not an id: taking it is fine.
        assert!(rename_at(&fixture, "person").is_ok());
    }
}
