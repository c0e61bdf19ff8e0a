//! brat standoff (`.txt` + `.ann`, and `annotation.conf`) into seed files: the inverse of
//! [`crate::curation::export::brat_ann`] and [`crate::curation::export::annotation_conf`].
//!
//! - `T` lines are spans (offsets in characters of the `.txt`, end exclusive); each line's text
//!   is checked against the document, as brat's `verify_annotations.py` does. A `T` that is the
//!   trigger of an `E` is that event's mention; the others are entity mentions.
//! - `E` lines are event mentions with their role arguments; an argument naming a `T` or an `E`
//!   gives that mention's id (made `<document>.T3` when it has none); a numbered repeat
//!   (`Org-Arg2`) is the role `Org-Arg` again.
//! - `A`/`M` lines with the attribute `Mode` give an event's mode; other attributes are
//!   reported. `N` lines `seedls:<id>` give ids; `Wikidata:<QID>` gives the registry's
//!   `wikidata` column (and the id, when there is no `seedls:` one).
//! - `#` AnnotatorNotes of the form `role=value …` on an `E` are its arguments that brat could
//!   not link (dates, ids without a mention: what the export writes there); other notes are
//!   reported, with `R` relations, `*` equivalences and discontinuous spans.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{Bad, Doc, Issue, Kind, Mention, group_args, has_header, id_of, made_header, name_of, place};
use crate::corpus::is_date_shaped;
use crate::curation::export::annotation_conf;
use crate::syntax::header::Date;
use crate::syntax::schema::Schema;
use crate::syntax::tsv::{is_id, is_name};

/// One imported brat document.
#[derive(Debug, Default)]
pub struct Imported {
    pub doc: Doc,
    pub issues: Vec<Issue>,
    /// A registry row for every id: its type, name and the Wikidata QID of its `N` line.
    pub rows: Vec<Row>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub id: String,
    pub ty: String,
    pub name: String,
    pub wikidata: Option<String>,
}

struct Span {
    name: String,
    ty: String,
    line: usize,
    /// Character ranges, in order.
    pieces: Vec<(usize, usize)>,
}

struct Event {
    name: String,
    ty: String,
    trigger: String,
    line: usize,
    /// Role (numbering removed) and the annotation it names.
    args: Vec<(String, String)>,
}

/// A role as brat writes it, without the number of a repeat: `Org-Arg2` → `Org-Arg`, and the
/// `_` the export adds to a role ending in a digit removed (`r1_2` → `r1`).
pub fn role_base(role: &str) -> &str {
    let base = role.trim_end_matches(|c: char| c.is_ascii_digit());
    let base = if base.is_empty() { role } else { base };
    match base.strip_suffix('_') {
        Some(b) if b.ends_with(|c: char| c.is_ascii_digit()) => b,
        _ => base,
    }
}

/// The characters of `text` as brat reads it (universal newlines), and for each the index of
/// its character in `text`, then the length of `text` in characters.
fn universal(text: &str) -> (Vec<char>, Vec<usize>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut original = Vec::with_capacity(text.len() + 1);
    let mut it = text.chars().enumerate().peekable();
    let mut len = 0;
    while let Some((i, c)) = it.next() {
        original.push(i);
        len = i + 1;
        if c == '\r' {
            chars.push('\n');
            if it.next_if(|&(_, n)| n == '\n').is_some() {
                len = i + 2;
            }
        } else {
            chars.push(c);
        }
    }
    original.push(len);
    (chars, original)
}

/// Imports one document: `stem` names it (for made ids), `txt` and `ann` are its two files.
/// `today` gives the header of a text without one.
pub fn import(stem: &str, txt: &str, ann: &str, today: Date) -> Result<Imported, Bad> {
    let mut issues = Vec::new();
    let prefix = if has_header(txt, today) { String::new() } else { made_header(None, None, today) };
    let shift = prefix.chars().count();
    // brat reads the text with universal newlines (`\r\n` and `\r` as one `\n`) and counts
    // offsets in that: `chars` is what brat sees, `original[k]` the character of the text kept
    // at its `k`th (and the text's length at its end).
    let (chars, original) = universal(txt);
    let mut spans: Vec<Span> = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut modes: HashMap<String, (String, usize)> = HashMap::new();
    let mut seedls_ids: HashMap<String, (String, String)> = HashMap::new();
    let mut wikidata: HashMap<String, (String, String)> = HashMap::new();
    let mut notes: Vec<(String, String, usize)> = Vec::new();
    for (i, raw) in ann.lines().enumerate() {
        let n = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        let mut fields = line.splitn(3, '\t');
        let name = fields.next().unwrap_or_default();
        let body = fields.next().ok_or_else(|| Bad::new(n, format!("`{name}` has no tab-separated fields")))?;
        let rest = fields.next();
        match name.chars().next() {
            Some('T') => {
                let (ty, places) =
                    body.split_once(' ').ok_or_else(|| Bad::new(n, "a T line needs a type and offsets"))?;
                let mut pieces = Vec::new();
                for piece in places.split(';') {
                    let mut it = piece.split(' ');
                    let (Some(s), Some(e), None) = (it.next(), it.next(), it.next()) else {
                        return Err(Bad::new(n, format!("`{piece}` is not a pair of offsets `start end`")));
                    };
                    let (Ok(s), Ok(e)) = (s.parse::<usize>(), e.parse::<usize>()) else {
                        return Err(Bad::new(n, format!("`{piece}` is not a pair of offsets `start end`")));
                    };
                    if s > e || e > chars.len() {
                        return Err(Bad::new(
                            n,
                            format!("offsets {s} {e} are not a span of the text, which has {} characters", chars.len()),
                        ));
                    }
                    pieces.push((s, e));
                }
                let written: String =
                    pieces.iter().map(|&(s, e)| chars[s..e].iter().collect::<String>()).collect::<Vec<_>>().join(" ");
                if let Some(given) = rest
                    && given != written
                {
                    issues.push(Issue::new(
                        n,
                        Kind::Mismatch,
                        format!(
                            "{name}: the line says «{}», the text at {places} is «{}»",
                            given.escape_debug(),
                            written.escape_debug()
                        ),
                    ));
                }
                spans.push(Span { name: name.to_string(), ty: ty.to_string(), line: n, pieces });
            }
            Some('E') => {
                let mut words = body.split_whitespace();
                let head = words.next().ok_or_else(|| Bad::new(n, "an E line needs `type:trigger`"))?;
                let (ty, trigger) =
                    head.split_once(':').ok_or_else(|| Bad::new(n, format!("`{head}` is not `type:trigger`")))?;
                let mut args = Vec::new();
                for w in words {
                    let (role, target) =
                        w.split_once(':').ok_or_else(|| Bad::new(n, format!("`{w}` is not `role:annotation`")))?;
                    args.push((role_base(role).to_string(), target.to_string()));
                }
                events.push(Event { name: name.into(), ty: ty.into(), trigger: trigger.into(), line: n, args });
            }
            Some('A' | 'M') => {
                let mut words = body.split_whitespace();
                let (attr, target, value) = (words.next(), words.next(), words.next());
                let (Some(attr), Some(target)) = (attr, target) else {
                    return Err(Bad::new(n, "an attribute line needs a name and an annotation"));
                };
                match value.filter(|_| attr == "Mode") {
                    Some(v) if target.starts_with('E') => {
                        modes.insert(target.to_string(), (name_of(v), n));
                    }
                    _ => issues.push(Issue::new(
                        n,
                        Kind::Attribute,
                        format!("attribute {attr}{} on {target}", value.map(|v| format!("={v}")).unwrap_or_default()),
                    )),
                }
            }
            Some('N') => {
                let mut words = body.split_whitespace();
                let (_, target, reference) = (words.next(), words.next(), words.next());
                let (Some(target), Some((db, key))) = (target, reference.and_then(|r| r.split_once(':'))) else {
                    return Err(Bad::new(n, "a normalization line needs `Reference annotation db:key`"));
                };
                let text = rest.unwrap_or_default().to_string();
                match db {
                    "seedls" if is_id(key) => {
                        seedls_ids.insert(target.to_string(), (key.to_string(), text));
                    }
                    "Wikidata" | "wikidata" if is_id(key) => {
                        wikidata.insert(target.to_string(), (key.to_string(), text));
                    }
                    _ => issues.push(Issue::new(n, Kind::Dropped, format!("normalization {db}:{key} of {target}"))),
                }
            }
            Some('#') => {
                let mut words = body.split_whitespace();
                let target = words.nth(1).unwrap_or_default().to_string();
                notes.push((target, rest.unwrap_or_default().to_string(), n));
            }
            Some('R') => issues.push(Issue::new(n, Kind::Relation, format!("relation {body}"))),
            Some('*') => issues.push(Issue::new(n, Kind::Equivalence, format!("equivalence {body}"))),
            _ => return Err(Bad::new(n, format!("`{name}` is not a brat annotation (T, E, R, A, M, N, *, #)"))),
        }
    }

    // Spans inline markup can hold: one piece, on one line, nested or apart.
    let as_mention = |s: &Span| {
        let (a, b) = (original[s.pieces[0].0], original[s.pieces[s.pieces.len() - 1].1]);
        Mention { start: a + shift, end: b + shift, ty: name_of(&s.ty), line: s.line, ..Mention::default() }
    };
    let text = prefix + txt;
    let mut whole: Vec<&Span> = Vec::new();
    for s in &spans {
        if s.pieces.len() == 1 {
            whole.push(s);
        } else {
            let places: Vec<String> = s.pieces.iter().map(|(a, b)| format!("{a} {b}")).collect();
            issues.push(Issue::new(
                s.line,
                Kind::Discontinuous,
                format!("{} {} at {}", s.name, s.ty, places.join(";")),
            ));
        }
    }
    let candidates: Vec<Mention> = whole.iter().map(|s| as_mention(s)).collect();
    let kept = place(&text, &candidates, &mut issues);
    let span_of: HashMap<&str, usize> =
        whole.iter().zip(&kept).enumerate().filter(|(_, (_, k))| **k).map(|(i, (s, _))| (s.name.as_str(), i)).collect();
    let mut trigger_of: HashMap<&str, &str> = HashMap::new();
    for e in &events {
        trigger_of.entry(e.trigger.as_str()).or_insert(e.name.as_str());
    }

    // Ids: `seedls:`, else a Wikidata QID; an annotation an argument names gets one made.
    // Those of a trigger's `T` go to its event.
    let mut ids: HashMap<String, String> = HashMap::new();
    let wikidata: HashMap<String, (String, String)> =
        wikidata.into_iter().map(|(t, w)| (trigger_of.get(t.as_str()).map_or(t, |e| e.to_string()), w)).collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for (target, (id, name)) in seedls_ids {
        let target = trigger_of.get(target.as_str()).map_or(target, |e| e.to_string());
        names.insert(target.clone(), name);
        ids.insert(target, id);
    }
    for (target, (q, _)) in &wikidata {
        ids.entry(target.clone()).or_insert_with(|| q.clone());
    }
    let stem = id_of(stem);
    let id_for = |target: &str, ids: &mut HashMap<String, String>| {
        ids.entry(target.to_string()).or_insert_with(|| format!("{stem}.{target}")).clone()
    };
    // Event mentions whose trigger is kept, and each event's arguments as `role=id`.
    let mut mentions: Vec<(usize, Mention, String)> = Vec::new();
    for e in &events {
        let Some(&t) = span_of.get(e.trigger.as_str()) else {
            issues.push(Issue::new(
                e.line,
                Kind::Dropped,
                format!("event {} {}: its trigger {} is not a span inline markup can hold", e.name, e.ty, e.trigger),
            ));
            continue;
        };
        let mut pairs = Vec::new();
        for (role, target) in &e.args {
            // Seed roles take entities (and dates): an event as an argument is reported.
            if target.starts_with('E') || trigger_of.contains_key(target.as_str()) {
                issues.push(Issue::new(
                    e.line,
                    Kind::Dropped,
                    format!(
                        "event {}: argument {role}:{target} is an event; seed roles take entities or dates",
                        e.name
                    ),
                ));
                continue;
            }
            let alive = target.starts_with('T') && span_of.contains_key(target.as_str());
            if !alive {
                issues.push(Issue::new(
                    e.line,
                    Kind::Dropped,
                    format!("event {}: argument {role}:{target} names no mention inline markup can hold", e.name),
                ));
                continue;
            }
            pairs.push((name_of(role), id_for(target, &mut ids)));
        }
        let mut m = as_mention(whole[t]);
        m.ty = name_of(&e.ty);
        m.line = e.line;
        m.mode = modes.get(&e.name).map(|(v, _)| v.clone());
        mentions.push((t, m, e.name.clone()));
        // Arguments from the notes are added below, once every note is read.
        mentions.last_mut().expect("pushed").1.args = pairs.into_iter().map(|(r, v)| (r, vec![v])).collect();
    }
    for (i, s) in whole.iter().enumerate() {
        if kept[i] && !trigger_of.contains_key(s.name.as_str()) {
            mentions.push((i, as_mention(s), s.name.clone()));
        }
    }
    // Notes: `role=value …` on an event are its unlinked arguments; the others are reported.
    for (target, text, line) in &notes {
        let as_args: Option<Vec<(String, String)>> = text
            .split_whitespace()
            .map(|w| {
                let (r, v) = w.split_once('=')?;
                (is_name(r) && (is_id(v) || is_date_shaped(v))).then(|| (r.to_string(), v.to_string()))
            })
            .collect();
        let on = mentions.iter_mut().find(|(_, _, n)| n == target);
        match (as_args, on) {
            (Some(args), Some((_, m, _))) if !args.is_empty() && target.starts_with('E') => {
                let mut all: Vec<(String, String)> =
                    m.args.drain(..).flat_map(|(r, vs)| vs.into_iter().map(move |v| (r.clone(), v))).collect();
                all.extend(args);
                m.args = group_args(all);
            }
            _ => issues.push(Issue::new(*line, Kind::Note, format!("note on {target}: {text}"))),
        }
    }
    for (_, m, _) in &mut mentions {
        let all: Vec<(String, String)> =
            m.args.drain(..).flat_map(|(r, vs)| vs.into_iter().map(move |v| (r.clone(), v))).collect();
        m.args = group_args(all);
    }
    for (_, m, name) in &mut mentions {
        m.id = ids.get(name.as_str()).cloned();
    }
    // The order of the `T` lines, events after the span they are on (as the export writes).
    mentions.sort_by_key(|(t, m, _)| (*t, m.line));
    // A row for every id: named by its `N` line (the export writes the registry name there),
    // else by its first surface.
    let mut rows: Vec<Row> = Vec::new();
    for (_, m, name) in &mentions {
        let Some(id) = &m.id else { continue };
        let q = wikidata.get(name.as_str());
        if let Some(row) = rows.iter_mut().find(|r| r.id == *id) {
            row.wikidata = row.wikidata.take().or_else(|| q.map(|(q, _)| q.clone()));
            continue;
        }
        let named = q.map(|(_, t)| t).or(names.get(name.as_str())).filter(|t| !t.is_empty() && *t != id);
        let surface = || text.chars().skip(m.start).take(m.end - m.start).collect();
        rows.push(Row {
            id: id.clone(),
            ty: m.ty.clone(),
            name: named.cloned().unwrap_or_else(surface),
            wikidata: q.map(|(q, _)| q.clone()),
        });
    }
    let doc = Doc { text, mentions: mentions.into_iter().map(|(_, m, _)| m).collect() };
    issues.sort_by_key(|i| i.line);
    Ok(Imported { doc, issues, rows })
}

/// A schema for brat's `annotation.conf`, as `schema.tsv` text, and what it cannot say.
/// `None` for the configuration the export writes for the built-in schema: the corpus then
/// needs no schema file. Entity types and event types (abstract `!` types left out, macros
/// `<NAME>=…` expanded, `<ENTITY>` and `<ANY>` as `*`); roles with their cardinality (`?`,
/// `*`, `+`; `{n}` and `{n-m}` as `+`, reported); a `Mode` attribute's values are every event
/// type's modes. Seed roles take entities or dates: event types allowed in a role are left out
/// (a role left with none is left out) and reported, as are relations and other attributes.
///
/// `dates` are roles the documents give date values (from their notes) that the configuration
/// cannot declare (the export leaves date-only roles out of it): `(event type, role, several
/// values)`, declared `role:date?` (`date*` when several).
pub fn schema_of_conf(conf: &str, dates: &[(String, String, bool)]) -> (Option<String>, Vec<Issue>) {
    if conf == annotation_conf(&Schema::builtin()) {
        return (None, Vec::new());
    }
    let mut issues = Vec::new();
    let mut section = "";
    let mut macros: HashMap<String, String> = HashMap::new();
    let mut entities: Vec<String> = Vec::new();
    let mut events: Vec<(String, String, usize)> = Vec::new();
    let mut modes: Vec<String> = Vec::new();
    for (i, raw) in conf.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            section = match &line[1..line.len() - 1] {
                "entities" => "entities",
                "relations" => "relations",
                "events" => "events",
                "attributes" => "attributes",
                _ => "",
            };
            continue;
        }
        if line.starts_with('<') {
            if let Some((name, value)) = line.split_once('=')
                && name.ends_with('>')
            {
                macros.insert(name.to_string(), value.trim().to_string());
            }
            continue;
        }
        let (name, rest) = line.split_once(char::is_whitespace).map_or((line, ""), |(a, b)| (a, b.trim()));
        if name.starts_with('!') {
            continue;
        }
        match section {
            "entities" => entities.push(name.to_string()),
            "events" => events.push((name.to_string(), rest.to_string(), n)),
            "relations" => issues.push(Issue::new(n, Kind::Relation, format!("relation type {name}: {rest}"))),
            "attributes" if name == "Mode" => {
                if let Some(values) = rest.split(',').find_map(|kv| kv.trim().strip_prefix("Value:")) {
                    modes.extend(values.split('|').map(name_of));
                }
            }
            "attributes" => issues.push(Issue::new(n, Kind::Attribute, format!("attribute {name}: {rest}"))),
            _ => {}
        }
    }
    let event_types: Vec<String> = events.iter().map(|(name, _, _)| name_of(name)).collect();
    let mut out = String::from("type\tclass\troles\tmodes\ttoken\tdescription\n");
    // Entity types coloured differently, with the built-in's token types.
    const TOKENS: [&str; 7] = ["class", "parameter", "enumMember", "type", "string", "namespace", "variable"];
    for (i, e) in entities.iter().enumerate() {
        let _ = writeln!(out, "{}\tentity\t\t\t{}\tbrat entity type {e}", name_of(e), TOKENS[i % TOKENS.len()]);
    }
    for (name, rest, n) in &events {
        let mut roles: Vec<String> = Vec::new();
        let mut events_left: Vec<String> = Vec::new();
        for arg in rest.split(',').map(str::trim).filter(|a| !a.is_empty()) {
            let Some((role, types)) = arg.split_once(':') else {
                issues.push(Issue::new(*n, Kind::Schema, format!("event {name}: `{arg}` is not `Role:Type`")));
                continue;
            };
            let (role, card) = match role.find(['?', '*', '+', '{']) {
                Some(at) => {
                    let card = &role[at..];
                    let mapped = match card {
                        "?" | "*" | "+" => card,
                        _ => {
                            let low = card.trim_matches(['{', '}']).split('-').next().unwrap_or("1");
                            let many = if low == "0" { "*" } else { "+" };
                            issues.push(Issue::new(
                                *n,
                                Kind::Schema,
                                format!("event {name}: role {} takes {card} arguments; written `{many}`", &role[..at]),
                            ));
                            many
                        }
                    };
                    (&role[..at], mapped)
                }
                None => (role, ""),
            };
            let mut allowed: Vec<String> = Vec::new();
            for t in types.split('|').map(str::trim) {
                let expanded = macros.get(t).map_or(t, String::as_str);
                for t in expanded.split('|').map(str::trim) {
                    // Seed roles take entities: event types are left out, and reported.
                    let add: Vec<String> = match t {
                        "<ENTITY>" | "<ANY>" => vec!["*".into()],
                        t if t == "<EVENT>" || event_types.contains(&name_of(t)) => {
                            events_left.push(t.to_string());
                            continue;
                        }
                        t => vec![name_of(t)],
                    };
                    for a in add {
                        if !allowed.contains(&a) {
                            allowed.push(a);
                        }
                    }
                }
            }
            if !events_left.is_empty() {
                let what = if allowed.is_empty() { "left out" } else { "kept for its other types" };
                issues.push(Issue::new(
                    *n,
                    Kind::Schema,
                    format!(
                        "event {name}: role {role} takes {}, which seed roles cannot (they take entities or dates); {what}",
                        events_left.join("|")
                    ),
                ));
                events_left.clear();
            }
            if !allowed.is_empty() {
                roles.push(format!("{}:{}{card}", name_of(role), allowed.join("|")));
            }
        }
        for (_, role, many) in dates.iter().filter(|(ty, _, _)| *ty == name_of(name)) {
            if !roles.iter().any(|r| r.split(':').next() == Some(role.as_str())) {
                roles.push(format!("{role}:date{}", if *many { "*" } else { "?" }));
            }
        }
        let _ = writeln!(
            out,
            "{}\tevent\t{}\t{}\tfunction\tbrat event type {name}",
            name_of(name),
            roles.join(" "),
            modes.join(" ")
        );
    }
    issues.sort_by_key(|i| i.line);
    (Some(out), issues)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_line_ends_as_brat_reads_them() {
        let today = Date::new(2026, 1, None).unwrap();
        let txt = " date 2022-01\r\n\r\nLe Kremlin\rà Almaty\r\n";
        // brat: `\r\n` and `\r` are one character each.
        let got = import("a", txt, "T1\tgov 18 25\tKremlin\nT2\tplace 28 34\tAlmaty\n", today).unwrap();
        assert!(got.issues.is_empty(), "{:?}", got.issues);
        let mut issues = Vec::new();
        let seed = crate::curation::import::render(&got.doc, &mut issues);
        assert_eq!(seed, " date 2022-01\r\n\r\nLe [Kremlin]{gov}\rà [Almaty]{place}\r\n");
    }

    #[test]
    fn numbered_roles_are_the_role_repeated() {
        assert_eq!(role_base("Org-Arg2"), "Org-Arg");
        assert_eq!(role_base("Org-Arg"), "Org-Arg");
        assert_eq!(role_base("where2"), "where");
        assert_eq!(role_base("r1_"), "r1");
        assert_eq!(role_base("r1_2"), "r1");
        assert_eq!(role_base("Theme"), "Theme");
    }
}
