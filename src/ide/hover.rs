//! Hover cards (SPEC §8): an id's registry row and usage, an event's type, mode and roles, the
//! header's date and URL. Built from summaries and the reverse index: no file is read.

use crate::analysis::{id_type, registry_entry};
use crate::corpus::{Corpus, FIRST_ARTICLES, FileId, MentionSummary, Sym, is_date_shaped};
use crate::ide::markup::Markup;
use crate::ide::navigation::first_mention;
use crate::ide::target::{Target, target_at};
use crate::syntax::schema::Class;
use crate::text::TextRange;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HoverResult {
    /// What the card is about (the editor highlights it).
    pub range: TextRange,
    pub markup: Markup,
}

pub fn hover(corpus: &Corpus, file: FileId, offset: u32) -> Option<HoverResult> {
    let target = target_at(corpus, file, offset)?;
    let data = corpus.full(file);
    let seed = data.seed();
    let mut md = Markup::new();
    let range = match target {
        Target::Mention { index, .. } => {
            let m = &seed?.mentions.get()[index];
            mention_card(corpus, m, &mut md);
            m.range
        }
        Target::RoleValue { id, range, .. } => {
            id_card(corpus, id, &mut md);
            range
        }
        Target::Header { range } => {
            header_card(corpus, file, &mut md);
            range
        }
        Target::RegistryRow { entry, id } => {
            let registry = corpus.file(file).registry()?;
            let e = registry.entries.get(entry)?;
            match id {
                Some((sym, _)) => id_card(corpus, sym, &mut md),
                None => {
                    // The id was never interned: no file mentions it.
                    md.code(&e.id.text).paragraph().text("Never mentioned in the corpus.");
                }
            }
            e.range
        }
    };
    (!md.is_empty()).then_some(HoverResult { range, markup: md })
}

fn mention_card(corpus: &Corpus, m: &MentionSummary, md: &mut Markup) {
    let Some(ty_sym) = m.ty else {
        md.text("Malformed tag: see the diagnostics.");
        return;
    };
    let ty = corpus.resolve(ty_sym);
    let Some(def) = corpus.schema().get(ty) else {
        md.text("Unknown type ").code(ty).text(".");
        if let Some(id) = m.id {
            md.rule();
            id_card(corpus, id, md);
        }
        return;
    };
    match def.class {
        Class::Entity => match m.id {
            Some(id) => id_card(corpus, id, md),
            None => {
                md.code(ty);
                if !def.description.is_empty() {
                    md.text(" — ").text(&def.description);
                }
                md.paragraph()
                    .text("No id: write ")
                    .code(&format!("{{{ty}:some.id}}"))
                    .text(" to link this mention across articles.");
            }
        },
        Class::Event => {
            md.bold(ty);
            if let Some(mode) = m.mode {
                md.text(" · mode ").code(corpus.resolve(mode));
            }
            md.text(" (event)");
            if !def.description.is_empty() {
                md.paragraph().text(&def.description);
            }
            if !m.args.is_empty() {
                md.paragraph();
                for arg in m.args.iter() {
                    md.bullet().code(corpus.resolve(arg.role)).text(": ");
                    for (i, &(value, _)) in arg.values.iter().enumerate() {
                        if i > 0 {
                            md.text(", ");
                        }
                        value_name(corpus, value, md);
                    }
                    md.end_bullet();
                }
            }
            if let Some(id) = m.id {
                md.rule();
                id_card(corpus, id, md);
            }
        }
    }
}

/// A role value: its registered name and id, a date as written, or an id nothing defines.
fn value_name(corpus: &Corpus, value: Sym, md: &mut Markup) {
    let text = corpus.resolve(value);
    if is_date_shaped(text) {
        md.text(text);
        return;
    }
    match registry_entry(corpus, value) {
        Some((_, entry)) if !entry.name.text.is_empty() => {
            md.text(&entry.name.text).text(" (").code(text).text(")");
        }
        _ => {
            md.code(text);
            if id_type(corpus, value).is_none() {
                md.text(" (unknown id)");
            }
        }
    }
}

/// An id's card: its registry row (name, type, description, aliases, CAMEO code, further
/// columns, Wikidata link), then how the corpus uses it.
pub fn id_card(corpus: &Corpus, id: Sym, md: &mut Markup) {
    let id_text = corpus.resolve(id);
    match registry_entry(corpus, id) {
        Some((_, entry)) => {
            if entry.name.text.is_empty() {
                md.code(id_text);
            } else {
                md.bold(&entry.name.text).text(" · ").code(id_text);
            }
            if !entry.ty.text.is_empty() {
                md.text(" · ").code(&entry.ty.text);
            }
            if let Some(d) = &entry.description {
                md.paragraph().text(&d.text);
            }
            md.paragraph();
            if !entry.aliases.is_empty() {
                let aliases: Vec<&str> = entry.aliases.iter().map(|a| a.text.as_str()).collect();
                md.italic("Aliases:").text(" ").text(&aliases.join(", ")).line();
            }
            if let Some(c) = &entry.cameo {
                md.italic("CAMEO:").text(" ").text(&c.text).line();
            }
            for (column, cell) in &entry.extra {
                md.italic(&format!("{column}:")).text(" ").text(&cell.text).line();
            }
            if let Some(wd) = &entry.wikidata {
                md.italic("Wikidata:").text(" ");
                if is_qid(&wd.text) {
                    md.link(&wd.text, &format!("https://www.wikidata.org/wiki/{}", wd.text));
                } else {
                    md.text(&wd.text);
                }
                md.line();
            }
        }
        None => {
            md.code(id_text);
            if let Some(ty) = id_type(corpus, id) {
                md.text(" · ").code(corpus.resolve(ty));
            }
            md.paragraph();
            if corpus.has_registry() {
                md.italic("Not in the registry.");
            } else if let Some(first) = first_mention(corpus, id) {
                md.italic("Defined by its first mention, in")
                    .text(" ")
                    .text(&display_path(corpus, first.file))
                    .text(".");
            }
        }
    }
    md.rule();
    usage(corpus, id, md);
}

/// "Mentioned N times in M articles", then the first articles by date.
fn usage(corpus: &Corpus, id: Sym, md: &mut Markup) {
    let usage = corpus.usage(id);
    let (mentions, roles) = (usage.mentions, usage.roles);
    if usage.files == 0 {
        md.text("Never mentioned in the corpus.");
        return;
    }
    md.text(&format!(
        "Mentioned {mentions} {} in {} {}",
        plural(mentions, "time", "times"),
        usage.files,
        plural(usage.files, "article", "articles")
    ));
    if roles > 0 {
        md.text(&format!(", and in {roles} event {}", plural(roles, "role", "roles")));
    }
    md.text(".").paragraph();
    for &f in &usage.first_files {
        let seed = corpus.file(f).seed();
        md.bullet();
        match seed.and_then(|s| s.date) {
            Some(date) => md.text(&date.to_string()),
            None => md.text("undated"),
        };
        md.text(" · ");
        if let Some(title) = seed.and_then(|s| s.title.as_deref()) {
            md.text(&truncate(title, 80)).text(" · ");
        }
        md.text(&display_path(corpus, f)).end_bullet();
    }
    if usage.files > usage.first_files.len() {
        md.bullet().text(&format!("… and {} more", usage.files - usage.first_files.len())).end_bullet();
    }
}

fn header_card(corpus: &Corpus, file: FileId, md: &mut Markup) {
    let Some(seed) = corpus.file(file).seed() else { return };
    match seed.date {
        Some(date) => {
            md.bold("Date:").text(" ").text(&long_date(date));
        }
        None => {
            md.bold("Date:").text(" none (see the diagnostics)");
        }
    };
    md.line();
    match &seed.url {
        Some(url) => {
            md.bold("Source:").text(" ");
            if is_safe_url(url) {
                md.link(url, url);
            } else {
                md.text(url);
            }
            let mut others = corpus.files_with_url(url);
            others.retain(|&f| f != file);
            if !others.is_empty() {
                md.paragraph().text("The same URL heads:").paragraph();
                for &f in others.iter().take(FIRST_ARTICLES) {
                    md.bullet().text(&display_path(corpus, f)).end_bullet();
                }
                if others.len() > FIRST_ARTICLES {
                    md.bullet().text(&format!("… and {} more", others.len() - FIRST_ARTICLES)).end_bullet();
                }
            }
        }
        None => {
            md.bold("Source:").text(" no URL");
        }
    }
    if let Some(title) = &seed.title {
        md.paragraph().italic(&truncate(title, 200));
    }
}

/// `5 January 2022`, `January 2022`.
fn long_date(date: crate::syntax::header::Date) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(date.month as usize - 1).copied().unwrap_or("?");
    match date.day {
        Some(d) => format!("{d} {month} {} ({date})", date.year),
        None => format!("{month} {} ({date})", date.year),
    }
}

fn is_qid(s: &str) -> bool {
    s.len() > 1 && s.starts_with('Q') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// A URL that can be a Markdown link target: http(s), and only characters that are unambiguous
/// inside `<…>` (no spaces, angle brackets, quotes or backslashes).
fn is_safe_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\' | b'`'))
}

/// A file's path relative to the workspace root that contains it.
pub fn display_path(corpus: &Corpus, file: FileId) -> String {
    let path = &corpus.file(file).path;
    corpus
        .roots
        .iter()
        .filter_map(|r| path.strip_prefix(r).ok())
        .min_by_key(|p| p.components().count())
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
