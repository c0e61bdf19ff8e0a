//! Exports of annotated articles: brat standoff, doccano-style JSONL, CoNLL-2003-style BIO and
//! PLOVER event records. (The `text` export is [`super::Article::text`] itself.)
//!
//! Offsets are in Unicode scalar values, end exclusive: into the whole exported text (header
//! line included) for PLOVER, into it with line ends as brat reads them for brat, into the
//! article body for JSONL.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Article, Registry, Span};
use crate::corpus::is_date_shaped;
use crate::syntax::schema::{Allowed, Card, Class, Schema};

/// The span a role value `id` of event `event` points at: a mention with that id inside the
/// event, else the first other mention with that id in the article.
fn mention_of(article: &Article, event: usize, id: &str) -> Option<usize> {
    let e = &article.spans[event];
    let with_id = |(i, s): &(usize, &Span)| *i != event && s.id.as_deref() == Some(id) && s.end > s.start;
    let mut others = article.spans.iter().enumerate().filter(with_id);
    let inside = others.clone().find(|(_, s)| e.bytes.contains_range(s.bytes) && s.bytes != e.bytes);
    inside.or_else(|| others.next()).map(|(i, _)| i)
}

/// The text of a brat `.txt`: the article with its line ends as brat reads them. brat opens
/// text with universal newlines (`\r\n` and a lone `\r` each read as `\n`), as Python readers
/// do by default; writing the text that way gives every reader, Python or not, the same
/// offsets.
pub fn brat_text(text: &str) -> Cow<'_, str> {
    if text.contains('\r') { Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n")) } else { Cow::Borrowed(text) }
}

/// A role name as brat can read it: brat takes trailing digits for the number of a repeated
/// role (`where2`), so a role whose name ends in a digit gets a `_`.
pub fn brat_role(role: &str) -> Cow<'_, str> {
    if role.ends_with(|c: char| c.is_ascii_digit()) { Cow::Owned(format!("{role}_")) } else { Cow::Borrowed(role) }
}

/// The pieces of `text[range]` between line breaks (`\r`, `\n`), as byte ranges: what brat
/// can show of a span, since brat reads a line break inside a span as the end of its `.ann`
/// line. A span without a line break is one piece.
fn fragments(text: &str, range: std::ops::Range<usize>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = range.start;
    for (i, c) in text[range.clone()].char_indices() {
        if matches!(c, '\r' | '\n') {
            if range.start + i > from {
                out.push((from, range.start + i));
            }
            from = range.start + i + 1;
        }
    }
    if range.end > from {
        out.push((from, range.end));
    }
    out
}

/// Offsets in [`brat_text`] of the sorted byte offsets `at` of `text`, in one pass. No offset
/// lies between the two characters of a `\r\n` (a fragment never starts or ends there).
fn brat_offsets(text: &str, at: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(at.len());
    let (mut byte, mut n) = (0usize, 0u32);
    for &b in at {
        let piece = &text[byte..b];
        n += (piece.chars().count() - piece.matches("\r\n").count()) as u32;
        byte = b;
        out.push(n);
    }
    out
}

/// A brat `.ann` file for `article`, whose `.txt` is [`brat_text`] of `article.text`. What
/// brat's own reader (`annotation.py`) and checker (`verify_annotations.py`) accept:
///
/// - `T` for every mention brat can show (empty ones cannot), typed by its type; events get
///   theirs as the trigger. Offsets are in characters of the `.txt`; a surface with a line
///   break is a discontinuous span of its pieces (`T1\tgov 0 5;6 9\tpiece piece`).
/// - `E` for every event mention, with a `role:T` argument for each role value that names an
///   id tagged in the same article (the mention inside the event if there is one, else the
///   first; an event mention is named by its `E`); a role repeated is numbered (`where`,
///   `where2`), as brat does.
/// - `A` with the `Mode` attribute on an event's `E` for its mode.
/// - `N` normalizations: `seedls:<id>` for every id, and `Wikidata:<QID>` when the registry
///   has one; the text is the registry name (else the id). An event's go on its `E`: brat
///   refuses any annotation but an event that points at a trigger.
/// - `#` AnnotatorNotes on an event's `E` for what brat cannot link: date values
///   (`when=2022-01-05`) and ids with no mention in the article.
pub fn brat_ann(article: &Article, registry: &Registry) -> String {
    let text = &article.text;
    let pieces: Vec<Vec<(usize, usize)>> =
        article.spans.iter().map(|s| fragments(text, s.bytes.start as usize..s.bytes.end as usize)).collect();
    let mut bounds: Vec<usize> = pieces.iter().flatten().flat_map(|&(s, e)| [s, e]).collect();
    bounds.sort_unstable();
    bounds.dedup();
    let offsets = brat_offsets(text, &bounds);
    let offset = |b: usize| offsets[bounds.binary_search(&b).expect("bound was collected")];

    let mut out = String::new();
    // The `T` and, for events, the `E` of each span (none for one brat cannot show).
    let mut t_of: Vec<Option<usize>> = vec![None; article.spans.len()];
    let mut e_of: Vec<Option<usize>> = vec![None; article.spans.len()];
    let (mut t, mut e) = (0, 0);
    for (i, s) in article.spans.iter().enumerate() {
        if pieces[i].is_empty() {
            continue;
        }
        t += 1;
        t_of[i] = Some(t);
        if s.is_event() {
            e += 1;
            e_of[i] = Some(e);
        }
        let places: Vec<String> = pieces[i].iter().map(|&(a, b)| format!("{} {}", offset(a), offset(b))).collect();
        let surface: Vec<&str> = pieces[i].iter().map(|&(a, b)| &text[a..b]).collect();
        let _ = writeln!(out, "T{t}\t{} {}\t{}", s.ty, places.join(";"), surface.join(" "));
    }
    let name_of = |m: usize| match (e_of[m], t_of[m]) {
        (Some(e), _) => Some(format!("E{e}")),
        (None, Some(t)) => Some(format!("T{t}")),
        (None, None) => None,
    };
    let (mut a, mut n, mut note) = (0, 0, 0);
    for (i, s) in article.spans.iter().enumerate() {
        let Some(me) = name_of(i) else { continue };
        if let Some(ei) = e_of[i] {
            let mut line = format!("E{ei}\t{}:T{}", s.ty, t_of[i].expect("an event with an E has a T"));
            let mut unlinked = Vec::new();
            // Numbered per role name over the whole tag, as brat numbers them.
            let mut seen: Vec<(&str, usize)> = Vec::new();
            for (role, values) in &s.args {
                for v in values {
                    let target = (!is_date_shaped(v)).then(|| mention_of(article, i, v)).flatten().and_then(name_of);
                    let Some(target) = target else {
                        unlinked.push(format!("{role}={v}"));
                        continue;
                    };
                    let k = match seen.iter_mut().find(|(r, _)| r == role) {
                        Some((_, k)) => {
                            *k += 1;
                            *k
                        }
                        None => {
                            seen.push((role, 1));
                            1
                        }
                    };
                    let suffix = if k == 1 { String::new() } else { k.to_string() };
                    let _ = write!(line, " {}{suffix}:{target}", brat_role(role));
                }
            }
            let _ = writeln!(out, "{line}");
            if let Some(mode) = &s.mode {
                a += 1;
                let _ = writeln!(out, "A{a}\tMode E{ei} {mode}");
            }
            if !unlinked.is_empty() {
                note += 1;
                let _ = writeln!(out, "#{note}\tAnnotatorNotes E{ei}\t{}", unlinked.join(" "));
            }
        }
        if let Some(id) = &s.id {
            let row = registry.get(id);
            let name = row.map_or(id.as_str(), |r| r.name.as_str());
            n += 1;
            let _ = writeln!(out, "N{n}\tReference {me} seedls:{id}\t{name}");
            if let Some(q) = row.and_then(|r| r.wikidata.as_deref()) {
                n += 1;
                let _ = writeln!(out, "N{n}\tReference {me} Wikidata:{q}\t{name}");
            }
        }
    }
    out
}

/// brat's `annotation.conf` for a schema: entity types, event types with their roles
/// (`role{card}:type|type`, named by [`brat_role`]; `*` roles take any entity; date-only roles
/// are left out, as dates go to notes), `<OVERLAP>` so nested mentions are allowed, and a
/// `Mode` attribute on events with every mode of the schema.
pub fn annotation_conf(schema: &Schema) -> String {
    let mut out = String::from("# brat configuration generated by seedls from the schema in effect.\n\n[entities]\n");
    for t in schema.entity_types() {
        let _ = writeln!(out, "{}", t.name);
    }
    out.push_str("\n[relations]\n<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>\n\n[events]\n");
    let mut modes: Vec<&str> = Vec::new();
    for t in schema.types.iter().filter(|t| t.class == Class::Event) {
        let roles: Vec<String> = t
            .roles
            .iter()
            .filter_map(|r| {
                let allowed: Vec<&str> = r
                    .allowed
                    .iter()
                    .filter_map(|a| match a {
                        Allowed::Type(ty) => Some(ty.as_str()),
                        Allowed::AnyEntity => Some("<ENTITY>"),
                        Allowed::Date => None,
                    })
                    .collect();
                let card = match r.card {
                    Card::One => "",
                    Card::Optional => "?",
                    Card::Many => "*",
                    Card::OneOrMore => "+",
                };
                (!allowed.is_empty()).then(|| format!("{}{card}:{}", brat_role(&r.name), allowed.join("|")))
            })
            .collect();
        if roles.is_empty() {
            let _ = writeln!(out, "{}", t.name);
        } else {
            let _ = writeln!(out, "{}\t{}", t.name, roles.join(", "));
        }
        for m in &t.modes {
            if !modes.contains(&m.as_str()) {
                modes.push(m);
            }
        }
    }
    out.push_str("\n[attributes]\n");
    if !modes.is_empty() {
        let _ = writeln!(out, "Mode\tArg:<EVENT>, Value:{}", modes.join("|"));
    }
    out
}

/// One doccano-style JSONL record: `text` is the article body (the header line is in `date`,
/// `url` and `header`), `label` is `[[start, end, type], …]` in characters of `text`, and
/// `ids`, `modes` and `args` give, in the same order, each label's registry id, its mode (or
/// `null`) and its role arguments (`[[role, [value, …]], …]`, in tag order): doccano imports
/// `label` as is and keeps the other keys as metadata; `seedls import` reads them all back.
/// Empty mentions are left out.
pub fn jsonl(article: &Article, key: &str) -> Value {
    let base = article.body_start_char();
    // doccano refuses a label that does not end after its start.
    let spans: Vec<&Span> =
        article.spans.iter().filter(|s| s.bytes.start >= article.body_start && s.end > s.start).collect();
    let label: Vec<Value> = spans.iter().map(|s| json!([s.start - base, s.end - base, s.ty])).collect();
    let ids: Vec<Value> = spans.iter().map(|s| json!(s.id)).collect();
    let modes: Vec<Value> = spans.iter().map(|s| json!(s.mode)).collect();
    let args: Vec<Value> = spans.iter().map(|s| json!(s.args)).collect();
    let header = article.text[..article.body_start as usize].trim_end_matches(['\r', '\n']);
    json!({
        "id": key,
        "text": article.body(),
        "label": label,
        "ids": ids,
        "modes": modes,
        "args": args,
        "date": article.date.map(|d| d.to_string()),
        "url": article.url,
        "header": header,
    })
}

/// Tokens of `text[from..]` as byte ranges, with a flag for the last token of a sentence.
/// Words are runs of letters and digits, joined by inner hyphens and by a dot or comma between
/// digits (`3.000`); an elided article or pronoun keeps its apostrophe (`l’`, `qu’`); any other
/// character is a token of its own. Sentences end at line breaks and after `.`, `!`, `?` or
/// `…` followed by an upper-case word. Whitespace, and U+001C–U+001F (Python splits at
/// them), only separates tokens.
pub fn tokens(text: &str, from: usize) -> Vec<(usize, usize, bool)> {
    let chars: Vec<(usize, char)> = text[from..].char_indices().map(|(i, c)| (i + from, c)).collect();
    let at = |k: usize| chars.get(k).map(|&(_, c)| c);
    let end_of = |k: usize| chars.get(k).map_or(text.len(), |&(i, _)| i);
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    // The last token was `.`, `!`, `?` or `…`: an upper-case word next starts a sentence.
    let mut pending = false;
    let mut k = 0;
    while k < chars.len() {
        let c = chars[k].1;
        if c == '\n' {
            if let Some(last) = out.last_mut() {
                last.2 = true;
            }
            pending = false;
            k += 1;
            continue;
        }
        // U+001C–U+001F too: Python's `str.split()`, which CoNLL readers use, splits at them.
        if c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c) {
            k += 1;
            continue;
        }
        let start = k;
        if c.is_alphanumeric() {
            k += 1;
            loop {
                match at(k) {
                    Some(c) if c.is_alphanumeric() => k += 1,
                    Some('-') if at(k + 1).is_some_and(char::is_alphanumeric) => k += 2,
                    Some('.' | ',')
                        if at(k - 1).is_some_and(|c| c.is_ascii_digit())
                            && at(k + 1).is_some_and(|c| c.is_ascii_digit()) =>
                    {
                        k += 2
                    }
                    Some('’' | '\'')
                        if at(k - 1).is_some_and(char::is_alphabetic) && at(k + 1).is_some_and(char::is_alphabetic) =>
                    {
                        k += 1;
                        break;
                    }
                    _ => break,
                }
            }
        } else {
            k += 1;
        }
        if pending
            && c.is_uppercase()
            && let Some(last) = out.last_mut()
        {
            last.2 = true;
        }
        pending = k == start + 1 && matches!(c, '.' | '!' | '?' | '…');
        out.push((chars[start].0, end_of(k), false));
    }
    if let Some(last) = out.last_mut() {
        last.2 = true;
    }
    out
}

/// The article body in CoNLL-2003 style: `-DOCSTART- O` and a blank line, then one `token
/// label` line per token (BIO over entity types, the outermost entity mention winning; events
/// are not named entities), a blank line after every sentence.
pub fn conll(article: &Article) -> String {
    let text = &article.text;
    // Outermost entity spans: entity mentions not inside another entity mention.
    let mut outer: Vec<&Span> = Vec::new();
    let mut entities: Vec<&Span> = article.spans.iter().filter(|s| s.is_entity() && s.end > s.start).collect();
    entities.sort_by_key(|s| (s.bytes.start, std::cmp::Reverse(s.bytes.end)));
    for s in entities {
        if outer.last().is_none_or(|o| o.bytes.end <= s.bytes.start) {
            outer.push(s);
        }
    }
    let mut out = String::from("-DOCSTART- O\n\n");
    let mut j = 0;
    let mut prev_in: Option<usize> = None;
    let toks = tokens(text, article.body_start as usize);
    for (start, end, last) in &toks {
        while j < outer.len() && outer[j].bytes.end as usize <= *start {
            j += 1;
        }
        let inside = outer.get(j).filter(|s| (s.bytes.start as usize) < *end && *start < s.bytes.end as usize);
        let label = match inside {
            Some(s) if prev_in == Some(j) => format!("I-{}", s.ty),
            Some(s) => format!("B-{}", s.ty),
            None => "O".to_string(),
        };
        prev_in = inside.map(|_| j);
        let _ = writeln!(out, "{} {label}", &text[*start..*end]);
        if *last {
            out.push('\n');
            prev_in = None;
        }
    }
    out
}

/// PLOVER's quad category of a PLOVER (POLECAT) event type: 1 verbal cooperation, 2 material
/// cooperation, 3 verbal conflict, 4 material conflict.
pub fn quad_code(event: &str) -> Option<u8> {
    Some(match event {
        "agree" | "consult" | "support" | "concede" => 1,
        "cooperate" | "aid" | "retreat" | "investigate" => 2,
        "request" | "demand" | "accuse" | "reject" | "threaten" | "sanction" => 3,
        "protest" | "mobilize" | "coerce" | "assault" => 4,
        _ => return None,
    })
}

/// One PLOVER record per event mention of `article`, with the field names of the PLOVER
/// manual's JSON table: `id` (`<key>-<n>`), `date` (the `when` value, else the header date,
/// at the precision known), `actor` and `recipient` (actor objects: `actor_text` the tagged
/// surface, `identifier_id` the Wikidata QID, `identifier_text` the registry name, `code` and
/// `sector` split from the CAMEO actor code, plus the seedls `id`), `event` (the category in
/// upper case), `mode`, `quad_code`, `event_loc` (the first `where` place, as a location object
/// with `name`), `event_text`, `text_info` (`start`/`end` in characters of the exported text),
/// `link` (PLOVER's common reference across related events: the event's id) and `cite_info`
/// (`url`, `title`). Every further `where` place is in `event_locs`.
pub fn plover(article: &Article, key: &str, registry: &Registry) -> Vec<Value> {
    let title = article.body().lines().map(str::trim).find(|l| !l.is_empty());
    let mut out = Vec::new();
    for (i, s) in article.spans.iter().enumerate().filter(|(_, s)| s.is_event()) {
        let values = |role: &str| -> Vec<&str> {
            s.args.iter().filter(|(r, _)| r == role).flat_map(|(_, v)| v.iter().map(String::as_str)).collect()
        };
        let surface_of =
            |id: &str| mention_of(article, i, id).map(|m| &article.text[article.spans[m].bytes.to_usize()]);
        let actor = |id: &str| {
            let row = registry.get(id);
            let cameo = row.and_then(|r| r.cameo.as_deref());
            json!({
                "id": id,
                "actor_text": surface_of(id),
                "identifier_id": row.and_then(|r| r.wikidata.as_deref()),
                "identifier_text": row.map(|r| r.name.as_str()),
                "code": cameo.map(|c| c.get(..3).unwrap_or(c)),
                "sector": cameo.and_then(|c| c.get(3..)).filter(|s| !s.is_empty()),
            })
        };
        let place = |id: &str| {
            let row = registry.get(id);
            json!({
                "id": id,
                "name": row.map(|r| r.name.as_str()).or(surface_of(id)),
                "text": surface_of(id),
                "identifier_id": row.and_then(|r| r.wikidata.as_deref()),
            })
        };
        let ids = |role: &str| values(role).into_iter().filter(|v| !is_date_shaped(v)).collect::<Vec<_>>();
        let date = values("when").into_iter().find(|v| is_date_shaped(v)).map(str::to_string);
        let date = date.or_else(|| article.date.map(|d| d.to_string()));
        let places = ids("where");
        out.push(json!({
            "id": format!("{key}-{}", out.len() + 1),
            "date": date,
            "actor": ids("actor").into_iter().map(actor).collect::<Vec<_>>(),
            "recipient": ids("recipient").into_iter().map(actor).collect::<Vec<_>>(),
            "event": [s.ty.to_uppercase()],
            "mode": s.mode,
            "quad_code": quad_code(&s.ty),
            "event_loc": places.first().map(|p| place(p)),
            "event_locs": places.iter().skip(1).map(|p| place(p)).collect::<Vec<_>>(),
            "event_text": [&article.text[s.bytes.to_usize()]],
            "text_info": { "start": s.start, "end": s.end },
            "link": s.id,
            "cite_info": { "url": article.url, "title": title },
        }));
    }
    out
}
