//! Diagnostics that need more than one file: the schema, the registries and the reverse index.
//! Each function works from summaries; text is optional and only makes fixes richer (A011 is
//! the one check that needs it).

use rustc_hash::FxHashMap;

use crate::corpus::{
    Changed, Content, Corpus, DocChanges, FileId, FileKind, LineMemo, MentionSummary, OccurrenceKind, Recover,
    SeedSummary, Sym, is_date_shaped,
};
use crate::diagnostic::{Code, Diagnostic, Edit, Fix};
use crate::syntax::header::parse_date_literal;
use crate::syntax::registry::Entry;
use crate::syntax::schema::{Class, Role, TypeDef};
use crate::text::matching::{closest, fold, fold_with_offsets};
use crate::text::{TextRange, lines};

mod caches;

pub use caches::Caches;
use caches::{DocChecks, LineNames};

/// Every diagnostic of one file: its syntax diagnostics plus the corpus-level checks. With
/// `text`, hints that need the text (A011) are included and fixes can quote it. What is worth
/// keeping between two runs goes to `caches`, which must be the corpus's (see [`Caches`]).
pub fn file_diagnostics(corpus: &Corpus, caches: &Caches, file: FileId, text: Option<&str>) -> Vec<Diagnostic> {
    let data = corpus.full(file);
    let mut out = data.syntax_diagnostics.get().into_owned();
    match data.kind {
        FileKind::Seed if let Content::Seed(seed) = &data.content => match text.filter(|_| corpus.keeps_lines(file)) {
            Some(text) => {
                let entry = caches.doc(corpus, file);
                // A panic in the middle of a run leaves nothing to trust.
                let mut checks = entry.lock().unwrap_or_else(|e| {
                    let mut checks = e.into_inner();
                    *checks = DocChecks::default();
                    checks
                });
                let (mut changes, seen) = corpus.take_changes(file, checks.seen).expect("an open document");
                checks.seen = seen;
                if checks.generation != corpus.generation() {
                    changes.stale = true;
                    checks.generation = corpus.generation();
                }
                open_seed_diagnostics(corpus, caches, file, seed, text, changes, &mut checks, &mut out)
            }
            None => {
                seed_diagnostics(corpus, caches, file, seed, text, &mut out);
                if let Some(text) = text {
                    untagged_aliases(corpus, file, text, &mut out);
                }
            }
        },
        FileKind::Registry => registry_diagnostics(corpus, file, &mut out),
        _ => {}
    }
    out.sort_by_key(|d| (d.range.start, d.range.end, d.code));
    out
}

/// Registry ids close to `id`, best first; remembered until the registry changes, since every
/// keystroke re-checks the same unknown ids.
pub fn registry_suggestions<'c>(corpus: &'c Corpus, caches: &Caches, id: &str) -> Vec<&'c str> {
    let entities = corpus.entities();
    let mut cache = caches.suggestions.lock().recover();
    let syms = cache.of(corpus).entry(id.to_string()).or_insert_with(|| {
        let ids = entities.by_id.keys().map(|&s| corpus.resolve(s));
        closest(id, ids, 3).into_iter().filter_map(|s| corpus.sym(s)).collect()
    });
    syms.iter().map(|&s| corpus.resolve(s)).collect()
}

/// The type an id has: its registry row's, else the type of its first tagged mention.
pub fn id_type(corpus: &Corpus, id: Sym) -> Option<Sym> {
    // The registry view answers by hash; only ad-hoc ids look at their occurrences, and the
    // first tagged one is near the front.
    if let Some((_, entry)) = registry_entry(corpus, id) {
        return corpus.sym(&entry.ty.text);
    }
    corpus.occurrences(id).iter().find(|o| o.kind() == OccurrenceKind::Mention).and_then(|o| o.ty)
}

pub fn registry_entry(corpus: &Corpus, id: Sym) -> Option<(FileId, &Entry)> {
    let &(file, i) = corpus.entities().by_id.get(&id)?.first()?;
    Some((file, &corpus.file(file).registry()?.entries[i as usize]))
}

fn seed_diagnostics(
    corpus: &Corpus,
    caches: &Caches,
    file: FileId,
    seed: &SeedSummary,
    text: Option<&str>,
    out: &mut Vec<Diagnostic>,
) {
    let mut types = Types::default();
    for m in seed.mentions.get().iter() {
        mention_diagnostics(corpus, caches, file, text, m, &mut types, out);
    }
    url_diagnostics(corpus, file, seed, out);
}

/// A file has thousands of mentions of a dozen types: each type is resolved once.
type Types<'c> = FxHashMap<Sym, (&'c str, Option<&'c TypeDef>)>;

/// The checks of one mention (A004–A009): they depend on the mention, the schema, the
/// registries and the types of the ids its roles name, nothing else of its file.
fn mention_diagnostics<'c>(
    corpus: &'c Corpus,
    caches: &Caches,
    file: FileId,
    text: Option<&str>,
    m: &MentionSummary,
    types: &mut Types<'c>,
    out: &mut Vec<Diagnostic>,
) {
    let schema = corpus.schema();
    // A005 needs a registry that could be read: an undecodable one (F001) says nothing about
    // which ids it holds, and flagging every id would bury that one error.
    let has_registry = corpus.has_registry();
    let Some(ty_sym) = m.ty else { return };
    let (ty, def) = *types.entry(ty_sym).or_insert_with(|| {
        let ty = corpus.resolve(ty_sym);
        (ty, schema.get(ty))
    });
    let ty_range = TextRange::at(m.tag_start(), ty.len() as u32);
    let Some(def) = def else {
        let suggestions = closest(ty, schema.names(), 3);
        let mut msg = format!("unknown type `{ty}`");
        if let Some(best) = suggestions.first() {
            msg.push_str(&format!("; did you mean `{best}`?"));
        }
        out.push(
            Diagnostic::new(Code::A004, ty_range, msg)
                .with_fixes(suggestions.iter().map(|s| Fix::replace(format!("Change to `{s}`"), ty_range, *s))),
        );
        return;
    };
    if let Some(mode_sym) = m.mode {
        let mode = corpus.resolve(mode_sym);
        if !def.modes.iter().any(|x| x == mode) {
            let range = TextRange::at(ty_range.end + 1, mode.len() as u32);
            let suggestions = closest(mode, def.modes.iter().map(String::as_str), 3);
            let msg = if def.modes.is_empty() {
                format!("type `{ty}` has no modes")
            } else {
                format!("unknown mode `{mode}` for `{ty}` (modes: {})", def.modes.join(", "))
            };
            let fixes = if def.modes.is_empty() {
                vec![Fix::replace("Remove the mode", TextRange::new(ty_range.end, range.end), "")]
            } else {
                suggestions.iter().map(|s| Fix::replace(format!("Change to `{s}`"), range, *s)).collect()
            };
            out.push(Diagnostic::new(Code::A004, range, msg).with_fixes(fixes));
        }
    }
    if let Some(id_sym) = m.id {
        check_mention_id(corpus, caches, file, text, m, ty, id_sym, has_registry, out);
    }
    match def.class {
        Class::Entity => {
            if let (Some(first), Some(last)) = (m.args.first(), m.args.last()) {
                let range =
                    TextRange::new(first.role_range.start, last.values.last().map_or(last.role_range.end, |v| v.1.end));
                out.push(
                    Diagnostic::new(Code::A007, range, format!("`{ty}` is an entity type: only events take arguments"))
                        .with_fix(Fix::replace(
                            "Remove the arguments",
                            TextRange::new(first.role_range.start - 1, range.end),
                            "",
                        )),
                );
            }
        }
        Class::Event => check_args(corpus, caches, m, def, out),
    }
}

/// H007: other seed files with the same source URL.
fn url_diagnostics(corpus: &Corpus, file: FileId, seed: &SeedSummary, out: &mut Vec<Diagnostic>) {
    if let (Some(url), Some(url_range)) = (&seed.url, seed.url_range) {
        let mut others = corpus.files_with_url(url);
        others.retain(|&f| f != file);
        if !others.is_empty() {
            let first = shown_path(corpus, &corpus.file(others[0]).path);
            let msg = match others.len() {
                1 => format!("this source URL also heads {first}"),
                n => format!("this source URL also heads {n} other seed files, e.g. {first}"),
            };
            let mut d = Diagnostic::new(Code::H007, url_range, msg);
            for &o in others.iter().take(8) {
                let r = corpus.file(o).seed().and_then(|s| s.url_range).unwrap_or_default();
                d = d.with_related(Some(corpus.file(o).path.clone()), r, "same URL here");
            }
            out.push(d);
        }
    }
}

/// [`seed_diagnostics`] and [`untagged_aliases`] of an open document, from what the last run
/// kept ([`DocChecks`]): only the mentions and lines changed since (`changes`) are checked
/// again, and the mentions whose roles name an id whose occurrences changed.
#[allow(clippy::too_many_arguments)]
fn open_seed_diagnostics(
    corpus: &Corpus,
    caches: &Caches,
    file: FileId,
    seed: &SeedSummary,
    text: &str,
    mut changes: DocChanges,
    checks: &mut DocChecks,
    out: &mut Vec<Diagnostic>,
) {
    let header_end = header_end(corpus, seed, text);
    let list = seed.mentions.get();
    let (len, count) = (text.len() as u32, list.len() as u32);
    let pending = changes.pending.take();
    // What was kept must be of the text before the pending change.
    let follows = |c: Changed, before: u32, after: u32| {
        c.old_end <= before && c.new_end <= after && before - c.old_end == after - c.new_end
    };
    let follows = match pending {
        Some((bytes, mentions)) => follows(bytes, checks.len, len) && follows(mentions, checks.mention_count, count),
        None => checks.len == len && checks.mention_count == count,
    };
    let mut types = Types::default();
    let mut buf = Vec::new();
    let mut check = |i: u32, into: &mut Vec<(u32, Diagnostic)>| {
        mention_diagnostics(corpus, caches, file, Some(text), &list[i as usize], &mut types, &mut buf);
        into.extend(buf.drain(..).map(|d| (i, d)));
    };
    // Names never span lines (folding keeps line breaks), so the scan goes line by line, and
    // the lines of an open document are remembered until they change.
    let scan = || caches.with_lines(corpus, file, |memo| untagged_names(corpus, Some(memo), &list, text, header_end));
    if changes.stale || !follows {
        checks.whole_runs += 1;
        checks.mentions.clear();
        for i in 0..count {
            check(i, &mut checks.mentions);
        }
        checks.names = scan();
    } else {
        // Mentions after the change move; those the change made are checked, and so are those
        // whose roles name an id whose occurrences changed (its type may have).
        let (bytes, mentions) = match pending {
            Some((bytes, mentions)) => (Some(bytes), mentions),
            None => (None, Changed { start: count, old_end: count, new_end: count }),
        };
        let dirty = std::mem::take(&mut changes.dirty);
        let made = mentions.start..mentions.new_end;
        let redo: Vec<u32> = if dirty.is_empty() {
            made.collect()
        } else {
            let names_dirty = |m: &MentionSummary| m.args.iter().any(|a| a.values.iter().any(|v| dirty.contains(&v.0)));
            (0..count).filter(|&i| made.contains(&i) || names_dirty(&list[i as usize])).collect()
        };
        let (delta, moved) = (bytes.map_or(0, Changed::delta), mentions.delta());
        let mut kept = Vec::with_capacity(checks.mentions.len());
        let mut skip = redo.iter().copied().peekable();
        for (i, mut d) in checks.mentions.drain(..) {
            let i = if i < mentions.start {
                i
            } else if i < mentions.old_end {
                continue;
            } else {
                d.move_by(delta);
                (i64::from(i) + moved) as u32
            };
            while skip.next_if(|&r| r < i).is_some() {}
            if skip.peek() != Some(&i) {
                kept.push((i, d));
            }
        }
        let mut fresh = Vec::new();
        for &i in &redo {
            check(i, &mut fresh);
        }
        checks.mentions = merge_by_key(kept, fresh, |(i, _)| *i);
        if header_end != checks.header_end {
            checks.names = scan();
        } else if let Some(bytes) = bytes {
            let names = std::mem::take(&mut checks.names);
            checks.names = splice_names(corpus, &list, text, header_end, names, bytes);
        }
    }
    (checks.header_end, checks.len, checks.mention_count) = (header_end, len, count);
    out.extend(checks.mentions.iter().map(|(_, d)| d.clone()));
    url_diagnostics(corpus, file, seed, out);
    alias_diagnostics(corpus, text, &checks.names, out);
}

/// Two lists sorted by `key` as one, `a`'s first among equals.
fn merge_by_key<T, K: Ord>(a: Vec<T>, b: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    if b.is_empty() {
        return a;
    }
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.into_iter().peekable();
    for x in a {
        while let Some(y) = b.next_if(|y| key(y) < key(&x)) {
            out.push(y);
        }
        out.push(x);
    }
    out.extend(b);
    out
}

/// A path as the curator knows it: relative to the workspace root that holds it.
pub fn shown_path(corpus: &Corpus, path: &std::path::Path) -> String {
    let rel = corpus.roots.iter().find_map(|r| path.strip_prefix(r).ok().filter(|p| !p.as_os_str().is_empty()));
    rel.unwrap_or(path).display().to_string()
}

#[allow(clippy::too_many_arguments)]
fn check_mention_id(
    corpus: &Corpus,
    caches: &Caches,
    file: FileId,
    text: Option<&str>,
    m: &MentionSummary,
    ty: &str,
    id_sym: Sym,
    has_registry: bool,
    out: &mut Vec<Diagnostic>,
) {
    let id = corpus.resolve(id_sym);
    let mode_len = m.mode.map_or(0, |md| corpus.resolve(md).len() as u32 + 1);
    let id_range = TextRange::at(m.tag_start() + ty.len() as u32 + mode_len + 1, id.len() as u32);
    match registry_entry(corpus, id_sym) {
        Some((reg_file, entry)) if entry.ty.text != ty && !entry.ty.text.is_empty() => {
            let ty_range = TextRange::at(m.tag_start(), ty.len() as u32);
            out.push(
                Diagnostic::new(
                    Code::A006,
                    ty_range,
                    format!("`{id}` is a `{}` in the registry, but tagged `{ty}` here", entry.ty.text),
                )
                .with_related(Some(corpus.file(reg_file).path.clone()), entry.ty.range, "registry type")
                .with_fix(Fix::replace(
                    format!("Change the type to `{}`", entry.ty.text),
                    ty_range,
                    entry.ty.text.clone(),
                )),
            );
        }
        Some(_) => {}
        None if has_registry => {
            let suggestions = registry_suggestions(corpus, caches, id);
            let mut msg = format!("`{id}` is not in the registry");
            if let Some(best) = suggestions.first() {
                msg.push_str(&format!("; did you mean `{best}`?"));
            }
            let mut fixes: Vec<Fix> =
                suggestions.iter().map(|s| Fix::replace(format!("Change to `{s}`"), id_range, *s)).collect();
            let surface = text.map(|t| t[m.surface].to_string());
            fixes.extend(add_to_registry(corpus, file, id, ty, surface.as_deref()));
            out.push(Diagnostic::new(Code::A005, id_range, msg).with_fixes(fixes));
        }
        None => {}
    }
}

/// The fix that appends a row for `id` to the registry nearest the seed file (of those whose
/// header names the columns a row needs).
pub fn add_to_registry(corpus: &Corpus, file: FileId, id: &str, ty: &str, surface: Option<&str>) -> Option<Fix> {
    let seed_path = &corpus.file(file).path;
    // The registry sharing the longest path prefix with the seed file.
    let (_, data, registry) = corpus
        .registries()
        .filter(|(_, _, r)| ["id", "type", "name"].iter().all(|c| r.columns.iter().any(|col| col == c)))
        .max_by_key(|(_, f, _)| {
            let shared =
                f.path.parent().map_or(0, |dir| if seed_path.starts_with(dir) { dir.components().count() } else { 0 });
            (shared, std::cmp::Reverse(f.path.clone()))
        })?;
    let name = surface
        .map(|s| crate::syntax::annotation::strip(s).trim().replace(['\t', '\n', '\r'], " "))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| id.to_string());
    let cells: Vec<&str> = registry
        .columns
        .iter()
        .map(|c| match c.as_str() {
            "id" => id,
            "type" => ty,
            "name" => name.as_str(),
            _ => "",
        })
        .collect();
    // Just after the last row, before its line break (or the end of a file without one): not
    // at the end of the text, which after a final line break is a line past the file's last
    // (editors add an empty line to reach it), and a second row lands after the first.
    let eol = if registry.crlf { "\r\n" } else { "\n" };
    let row = format!("{eol}{}", cells.join("\t"));
    let name_file = data.path.file_name().map_or_else(|| "the registry".into(), |n| n.to_string_lossy().into_owned());
    Some(Fix::new(
        format!("Add `{id}` to {name_file}"),
        vec![Edit { file: Some(data.path.clone()), range: TextRange::empty(registry.end), insert: row }],
    ))
}

fn check_args(corpus: &Corpus, caches: &Caches, m: &MentionSummary, def: &TypeDef, out: &mut Vec<Diagnostic>) {
    let schema = corpus.schema();
    let mut counts: FxHashMap<&str, (usize, TextRange)> = FxHashMap::default();
    for arg in m.args.iter() {
        let role_name = corpus.resolve(arg.role);
        let arg_range = TextRange::new(arg.role_range.start, arg.values.last().map_or(arg.role_range.end, |v| v.1.end));
        let Some(role) = def.role(role_name) else {
            let names = def.roles.iter().map(|r| r.name.as_str());
            let suggestions = closest(role_name, names, 3);
            let roles: Vec<&str> = def.roles.iter().map(|r| r.name.as_str()).collect();
            out.push(
                Diagnostic::new(
                    Code::A007,
                    arg.role_range,
                    format!("`{}` has no role `{role_name}` (roles: {})", def.name, roles.join(", ")),
                )
                .with_fixes(suggestions.iter().map(|s| Fix::replace(format!("Change to `{s}`"), arg.role_range, *s))),
            );
            continue;
        };
        let entry = counts.entry(role.name.as_str()).or_insert((0, arg_range));
        entry.0 += arg.values.len();
        entry.1 = entry.1.cover(arg_range);
        for &(v, range) in arg.values.iter() {
            check_value(corpus, caches, role, corpus.resolve(v), v, range, out);
        }
    }
    for role in &def.roles {
        let (n, range) = counts.get(role.name.as_str()).copied().unwrap_or((0, TextRange::default()));
        if n < role.card.min() {
            let tag = TextRange::new(m.tag_start(), m.range.end - 1);
            out.push(Diagnostic::new(
                Code::A009,
                tag,
                format!("`{}` requires a `{}` role ({})", def.name, role.name, role.spec()),
            ));
        } else if let Some(max) = role.card.max()
            && n > max
        {
            out.push(Diagnostic::new(
                Code::A009,
                range,
                format!("role `{}` takes at most {max} value(s), found {n}", role.name),
            ));
        }
    }
    let _ = schema;
}

fn check_value(
    corpus: &Corpus,
    caches: &Caches,
    role: &Role,
    value: &str,
    sym: Sym,
    range: TextRange,
    out: &mut Vec<Diagnostic>,
) {
    let schema = corpus.schema();
    if is_date_shaped(value) {
        if !role.allows_date() {
            out.push(Diagnostic::new(
                Code::A008,
                range,
                format!("role `{}` takes ids ({}), not a date", role.name, allowed_list(role)),
            ));
        } else if value.len() > 4 && parse_date_literal(value).is_err() {
            out.push(Diagnostic::new(Code::A008, range, format!("`{value}` is not a real date")));
        }
        return;
    }
    if role.allowed.iter().all(|a| matches!(a, crate::syntax::schema::Allowed::Date)) {
        out.push(Diagnostic::new(
            Code::A008,
            range,
            format!("role `{}` takes a date (YYYY, YYYY-MM or YYYY-MM-DD), not `{value}`", role.name),
        ));
        return;
    }
    match id_type(corpus, sym) {
        None => {
            let suggestions = registry_suggestions(corpus, caches, value);
            let mut msg = if corpus.has_registry() {
                format!("unknown id `{value}`: it is not in the registry and no mention is tagged with it")
            } else {
                format!("unknown id `{value}`: no mention in the corpus is tagged with it")
            };
            if let Some(best) = suggestions.first() {
                msg.push_str(&format!("; did you mean `{best}`?"));
            }
            out.push(
                Diagnostic::new(Code::A008, range, msg)
                    .with_fixes(suggestions.iter().map(|s| Fix::replace(format!("Change to `{s}`"), range, *s))),
            );
        }
        Some(t) => {
            let t = corpus.resolve(t);
            // An unknown type is reported where it is written (A004, R003), not at every use.
            if schema.get(t).is_some() && !role.allows_type(schema, t) {
                out.push(Diagnostic::new(
                    Code::A008,
                    range,
                    format!("`{value}` is a `{t}`, but role `{}` takes {}", role.name, allowed_list(role)),
                ));
            }
        }
    }
}

fn allowed_list(role: &Role) -> String {
    use crate::syntax::schema::Allowed;
    let names: Vec<&str> = role
        .allowed
        .iter()
        .map(|a| match a {
            Allowed::Type(t) => t.as_str(),
            Allowed::Date => "date",
            Allowed::AnyEntity => "any entity",
        })
        .collect();
    names.join(", ")
}

/// A011: untagged text equal to a registered name or alias, outside entity mentions and markup.
pub fn untagged_aliases(corpus: &Corpus, file: FileId, text: &str, out: &mut Vec<Diagnostic>) {
    let data = corpus.full(file);
    let Some(seed) = data.seed() else { return };
    let names = untagged_names(corpus, None, &seed.mentions.get(), text, header_end(corpus, seed, text));
    alias_diagnostics(corpus, text, &names, out);
}

/// Where an untagged name is fine on line 1: the header up to its legacy body text (a broken
/// URL is not prose either). Re-parsing one line is cheaper than keeping the body offset in
/// every summary.
fn header_end(corpus: &Corpus, seed: &SeedSummary, text: &str) -> u32 {
    match (seed.header, crate::syntax::header::parse_header(text, corpus.today).0) {
        (Some(h), Some(header)) => header.body.map_or(h.end, |b| b.start),
        _ => 0,
    }
}

/// Whether a name found at `range` of the line starting at `line_start` is covered: by the
/// header, an entity surface or tag markup (where an untagged name is fine).
fn covered(corpus: &Corpus, mentions: &[MentionSummary], header_end: u32, line_start: u32, range: TextRange) -> bool {
    // Names are rare and mentions sorted by start: only the mentions of a name's line that
    // start before it can cover it.
    let from = mentions.partition_point(|m| m.range.start < line_start);
    let to = mentions.partition_point(|m| m.range.start < range.end);
    range.start < header_end
        || mentions[from..to].iter().any(|m| {
            // The markup lies within the mention: most mentions of the line are ruled out
            // before their type is looked up.
            if !m.range.intersects(range) {
                return false;
            }
            let schema = corpus.schema();
            let entity = m.ty.and_then(|t| schema.get(corpus.resolve(t))).is_none_or(|d| d.class == Class::Entity);
            let markup = if entity { m.range } else { TextRange::new(m.surface.end, m.range.end) };
            markup.intersects(range) || TextRange::at(m.range.start, 1).intersects(range)
        })
}

/// The registered names of a line that no mention covers, pushed to `found` with the line's
/// offset `at` added.
fn line_names(
    corpus: &Corpus,
    mentions: &[MentionSummary],
    header_end: u32,
    at: u32,
    hits: &[(TextRange, u32)],
    found: &mut Vec<(TextRange, u32)>,
) {
    for &(r, pattern) in hits {
        let range = r.shift(at);
        if !covered(corpus, mentions, header_end, at, range) {
            found.push((range, pattern));
        }
    }
}

/// Every untagged registered name of a file (range, pattern index), in text order; the names of
/// each line taken from `memo` when the line is there.
fn untagged_names(
    corpus: &Corpus,
    mut memo: Option<&mut LineMemo<LineNames>>,
    mentions: &[MentionSummary],
    text: &str,
    header_end: u32,
) -> Vec<(TextRange, u32)> {
    let entities = corpus.entities();
    let Some(matcher) = entities.matcher() else { return Vec::new() };
    if let Some(m) = memo.as_deref_mut() {
        m.start();
    }
    let mut found = Vec::new();
    for line in lines(text) {
        let content = &text[line];
        if content.is_empty() {
            continue;
        }
        let fresh;
        let hits = match memo.as_deref_mut() {
            Some(m) => m.get(content, || alias_occurrences(matcher, content)),
            None => {
                fresh = alias_occurrences(matcher, content);
                &fresh
            }
        };
        line_names(corpus, mentions, header_end, line.start, hits, &mut found);
    }
    if let Some(m) = memo {
        m.finish();
    }
    found
}

/// `names` of the text before `changed` (whole lines), updated to the text after it: the
/// changed lines are scanned again, the names after them move.
fn splice_names(
    corpus: &Corpus,
    mentions: &[MentionSummary],
    text: &str,
    header_end: u32,
    names: Vec<(TextRange, u32)>,
    changed: Changed,
) -> Vec<(TextRange, u32)> {
    let Some(matcher) = corpus.entities().matcher() else { return Vec::new() };
    let delta = changed.delta();
    let mut out = Vec::with_capacity(names.len());
    let mut names = names.into_iter().peekable();
    while let Some(n) = names.next_if(|(r, _)| r.start < changed.start) {
        out.push(n);
    }
    let end = (changed.new_end as usize + 1).min(text.len());
    let touched = &text[changed.start as usize..end];
    for line in lines(touched).take_while(|l| changed.start + l.start <= changed.new_end) {
        let content = &touched[line];
        if !content.is_empty() {
            let hits = alias_occurrences(matcher, content);
            line_names(corpus, mentions, header_end, changed.start + line.start, &hits, &mut out);
        }
    }
    out.extend(names.filter(|(r, _)| r.start > changed.old_end).map(|(r, p)| (r.moved(delta), p)));
    out
}

/// The A011 diagnostics of a file's untagged names, with fixes that tag one or all of a name.
fn alias_diagnostics(corpus: &Corpus, text: &str, found: &[(TextRange, u32)], out: &mut Vec<Diagnostic>) {
    let entities = corpus.entities();
    for &(range, pattern) in found {
        let rows = &entities.by_alias[&entities.patterns[pattern as usize]];
        let same: Vec<TextRange> = found.iter().filter(|(_, p)| *p == pattern).map(|(r, _)| *r).collect();
        let surface = &text[range];
        let mut fixes = Vec::new();
        let mut names = Vec::new();
        for &(reg, i) in rows {
            let Some(entry) = corpus.file(reg).registry().map(|r| &r.entries[i as usize]) else { continue };
            let tag = format!("]{{{}:{}}}", entry.ty.text, entry.id.text);
            names.push(format!("`{}` ({})", entry.id.text, entry.ty.text));
            fixes.push(Fix::new(format!("Tag as {}:{}", entry.ty.text, entry.id.text), wrap(range, &tag)));
            if same.len() > 1 {
                let edits = same.iter().flat_map(|&r| wrap(r, &tag)).collect();
                fixes.push(Fix::new(
                    format!(
                        "Tag all {} untagged «{surface}» in this file as {}:{}",
                        same.len(),
                        entry.ty.text,
                        entry.id.text
                    ),
                    edits,
                ));
            }
        }
        out.push(
            Diagnostic::new(
                Code::A011,
                range,
                format!("untagged «{surface}» is a registered name of {}", names.join(", ")),
            )
            .with_fixes(fixes),
        );
    }
}

/// Whole-word occurrences in `line` of the registered names and aliases `matcher` finds
/// ([`crate::corpus::Entities::matcher`]: the longest name at the leftmost place), with the
/// index of the pattern, except those inside a longer proper name ([`inside_longer_name`]):
/// what A011 and the alias coverage of `seedls stats` look at. Names never span lines.
pub fn alias_occurrences(matcher: &aho_corasick::AhoCorasick, line: &str) -> Vec<(TextRange, u32)> {
    let (folded, map) = fold_with_offsets(line);
    let mut out = Vec::new();
    for hit in matcher.find_iter(&folded) {
        let range = TextRange::new(map[hit.start()], map[hit.end()]);
        let before = line[..range.start as usize].chars().next_back();
        let after = line[range.end as usize..].chars().next();
        let whole_words = !(before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric));
        if whole_words && !inside_longer_name(line, range) {
            out.push((range, hit.pattern().as_usize() as u32));
        }
    }
    out
}

/// What joins the words of a name: one space or hyphen.
const JOINERS: [char; 4] = [' ', '\u{a0}', '-', '\u{2011}'];

/// Whether the name at `range` of `text`, written with a capital, is part of a longer proper
/// name: the word joined to it by one space or hyphen, after or before it, has a capital too
/// (`Noursoultan` in `Noursoultan Nazarbaïev`, `Tokaïev` in `Kassym-Jomart Tokaïev`, `Astana` in
/// `Air Astana`), so that tagging the name alone would tag the wrong thing. A capital that says
/// nothing does not count: the first word of a sentence before the name (`Hier Almaty`), an
/// article, preposition, title, month or weekday (`Le Kazakhstan`, `Président Tokaïev`, `In
/// Almaty`), a word in capitals next to a name in capitals (a headline set in capitals).
fn inside_longer_name(text: &str, range: TextRange) -> bool {
    let name = &text[range.to_usize()];
    if !name.starts_with(char::is_uppercase) {
        return false;
    }
    let in_capitals = |w: &str| !w.chars().any(char::is_lowercase);
    let name_in_capitals = in_capitals(name);
    let lengthens = |word: &str| {
        word.starts_with(char::is_uppercase)
            && !(name_in_capitals && in_capitals(word))
            && !NOT_NAME_WORDS.contains(&fold(word).as_str())
    };
    let after = &text[range.end as usize..];
    if let Some(rest) = after.strip_prefix(JOINERS) {
        // A mention may start there: `Noursoultan [Nazarbaïev]{person}`.
        let rest = rest.strip_prefix('[').unwrap_or(rest);
        let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
        if lengthens(&rest[..end]) {
            return true;
        }
    }
    let before = &text[..range.start as usize];
    if let Some(rest) = before.strip_suffix(JOINERS) {
        let start =
            rest.char_indices().rev().take_while(|(_, c)| c.is_alphanumeric()).last().map_or(rest.len(), |(i, _)| i);
        if lengthens(&rest[start..]) && !sentence_start(&rest[..start]) {
            return true;
        }
    }
    false
}

/// Whether a word after `before` starts a sentence (or a line, a quotation, a parenthesis).
fn sentence_start(before: &str) -> bool {
    let before = before.trim_end_matches([' ', '\u{a0}', '\u{202f}', '\t']);
    before.is_empty() || before.ends_with(['\n', '\r', '.', '!', '?', '…', ':', '«', '"', '“', '„', '(', '—', '–'])
}

/// Words written with a capital that do not make a name longer, folded: French and English
/// articles and prepositions (capitalised in titles), titles before a name, and the months and
/// weekdays English capitalises.
#[rustfmt::skip]
const NOT_NAME_WORDS: &[&str] = &[
    // Articles, contractions, prepositions, conjunctions.
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "à", "en", "dans", "par", "pour", "sur",
    "sous", "vers", "chez", "avec", "selon", "depuis", "et", "ou", "the", "a", "an", "in", "at", "on", "of", "to",
    "from", "for", "by", "with", "and", "or", "i",
    // Titles.
    "président", "présidente", "president", "premier", "ministre", "minister", "général", "general", "m", "mme",
    "mlle", "mr", "mrs", "ms", "dr", "pr", "me", "sir", "roi", "reine", "king", "queen", "prince", "princesse",
    "princess", "pape", "pope", "maire", "mayor", "gouverneur", "governor", "sénateur", "senator", "chancelier",
    "chancellor", "colonel", "capitaine", "captain", "lieutenant", "sergent", "sergeant", "cheikh", "sheikh", "émir",
    "emir", "imam", "ayatollah", "patriarche", "patriarch", "ambassadeur", "ambassador", "spokesman", "spokeswoman",
    // Months and weekdays.
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
];

fn wrap(range: TextRange, tag: &str) -> Vec<Edit> {
    vec![Edit::here(TextRange::empty(range.start), "["), Edit::here(TextRange::empty(range.end), tag)]
}

fn registry_diagnostics(corpus: &Corpus, file: FileId, out: &mut Vec<Diagnostic>) {
    let Some(registry) = corpus.file(file).registry() else { return };
    let entities = corpus.entities();
    let schema = corpus.schema();
    for (i, entry) in registry.entries.iter().enumerate() {
        let me = (file, i as u32);
        let sym = corpus.sym(&entry.id.text);
        // R002: report every row after the first one of an id.
        if let Some(rows) = sym.and_then(|s| entities.by_id.get(&s))
            && let Some(pos) = rows.iter().position(|r| *r == me)
            && pos > 0
        {
            let (f, j) = rows[0];
            let first = &corpus.file(f).registry().unwrap().entries[j as usize];
            out.push(
                Diagnostic::new(
                    Code::R002,
                    entry.id.range,
                    format!("duplicate id `{}`: it already has a row", entry.id.text),
                )
                .with_related(
                    Some(corpus.file(f).path.clone()),
                    first.id.range,
                    "first row of this id",
                ),
            );
        }
        if entry.ty.text.is_empty() {
            out.push(Diagnostic::new(
                Code::R003,
                TextRange::empty(entry.ty.range.start),
                format!("`{}` has no type", entry.id.text),
            ));
        } else if schema.get(&entry.ty.text).is_none() {
            let suggestions = closest(&entry.ty.text, schema.names(), 3);
            out.push(
                Diagnostic::new(Code::R003, entry.ty.range, format!("unknown type `{}`", entry.ty.text)).with_fixes(
                    suggestions.iter().map(|s| Fix::replace(format!("Change to `{s}`"), entry.ty.range, *s)),
                ),
            );
        }
        if let Some(wd) = &entry.wikidata
            && !(wd.text.len() > 1 && wd.text.starts_with('Q') && wd.text[1..].bytes().all(|b| b.is_ascii_digit()))
        {
            out.push(Diagnostic::new(Code::R001, wd.range, format!("wikidata `{}` is not a QID like `Q232`", wd.text)));
        }
        // R004: an alias (or name) another id already carries.
        for alias in &entry.aliases {
            let folded = fold(&alias.text);
            let Some(rows) = entities.by_alias.get(&folded) else { continue };
            let other = rows.iter().find(|&&(f, j)| {
                let e = &corpus.file(f).registry().unwrap().entries[j as usize];
                e.id.text != entry.id.text && ((f, j) < me || fold(&e.name.text) == folded)
            });
            if let Some(&(f, j)) = other {
                let e = &corpus.file(f).registry().unwrap().entries[j as usize];
                out.push(
                    Diagnostic::new(
                        Code::R004,
                        alias.range,
                        format!(
                            "alias «{}» also names `{}`; an untagged «{}» cannot be resolved",
                            alias.text, e.id.text, alias.text
                        ),
                    )
                    .with_related(
                        Some(corpus.file(f).path.clone()),
                        e.range,
                        format!("row of `{}`", e.id.text),
                    ),
                );
            }
        }
        // R005: registered but never used in any seed file.
        let used = sym.is_some_and(|s| corpus.occurrences(s).iter().any(|o| o.kind() != OccurrenceKind::RegistryRow));
        if !used {
            out.push(Diagnostic::new(
                Code::R005,
                entry.id.range,
                format!("`{}` is never mentioned in the corpus", entry.id.text),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
