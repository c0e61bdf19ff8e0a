//! doccano-style JSONL into seed files: the inverse of [`crate::curation::export::jsonl`].
//!
//! One record a line: `text`, and spans as `label: [[start, end, type], …]` (doccano's
//! sequence labelling and our export) or `entities: [{start_offset, end_offset, label}, …]`
//! (doccano's relation extraction), offsets in characters of `text`, end exclusive. `ids`,
//! `modes` and `args` (our export) give each label's id, mode and role arguments, in the same
//! order. The header is the `header` key when
//! it is a seed header, else made from `date` and `url` (also under `meta`), else the month of
//! the import. `relations` are reported; so are labels that are not spans (text
//! classification).

use serde_json::Value;

use super::{Bad, Doc, Issue, Kind, Mention, has_header, id_of, made_header, name_of, place};
use crate::corpus::is_date_shaped;
use crate::syntax::header::{Date, parse_header};
use crate::syntax::tsv::{is_id, is_name};

/// One imported record: the name of its file (without `.txt`) and its document.
#[derive(Debug)]
pub struct Record {
    pub name: String,
    pub doc: Doc,
    pub issues: Vec<Issue>,
}

/// A string field of the record, or of its `meta`.
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).or_else(|| v.get("meta").and_then(|m| m.get(key)).and_then(Value::as_str))
}

/// `[[role, [value, …]], …]`, role names and values as our export writes them.
fn role_args(list: &[Value]) -> Option<Vec<(String, Vec<String>)>> {
    list.iter()
        .map(|pair| {
            let [role, values] = pair.as_array()?.as_slice() else { return None };
            let values =
                values.as_array()?.iter().map(|v| v.as_str().map(str::to_string)).collect::<Option<Vec<_>>>()?;
            let role = role.as_str()?;
            (is_name(role) && values.iter().all(|v| is_id(v) || is_date_shaped(v))).then(|| (role.to_string(), values))
        })
        .collect()
}

/// Imports the record on line `n` (1-based) of the file. `index` numbers records without an
/// `id` key.
pub fn import(line: &str, n: usize, index: usize, today: Date) -> Result<Record, Bad> {
    let v: Value = serde_json::from_str(line).map_err(|e| Bad::new(n, format!("not a JSON record: {e}")))?;
    let Some(body) = v.get("text").and_then(Value::as_str) else {
        return Err(Bad::new(n, "the record has no `text` string"));
    };
    let name = match v.get("id") {
        Some(Value::String(s)) if !s.is_empty() => id_of(s),
        Some(Value::Number(k)) => id_of(&k.to_string()),
        _ => format!("{index:03}_{:016x}", crate::curation::naming::fnv1a(body.as_bytes())),
    };
    let mut issues = Vec::new();
    // The header line and what separates it from the text.
    let prefix = if has_header(body, today) {
        String::new()
    } else if let Some(h) = field(&v, "header").filter(|h| !h.contains('\n') && has_header(h, today)) {
        // A legacy header carries the first words of the text: the text follows on its line.
        let legacy = parse_header(h, today).0.is_some_and(|p| p.body.is_some()) || h.ends_with([' ', '\t']);
        let eol = if body.contains("\r\n") { "\r\n" } else { "\n" };
        if legacy { h.to_string() } else { format!("{h}{eol}{eol}") }
    } else {
        made_header(field(&v, "date"), field(&v, "url").filter(|u| crate::syntax::header::is_url(u)), today)
    };
    let shift = prefix.chars().count();
    let len = body.chars().count();
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let bad_span = |what: &Value| Bad::new(n, format!("`{what}` is not a span `[start, end, label]` of the text"));
    let offset = |x: &Value| x.as_u64().map(|x| x as usize);
    if let Some(labels) = v.get("label").and_then(Value::as_array) {
        for l in labels {
            match l {
                Value::Array(a) if a.len() == 3 => {
                    let (Some(s), Some(e), Some(t)) = (offset(&a[0]), offset(&a[1]), a[2].as_str()) else {
                        return Err(bad_span(l));
                    };
                    spans.push((s, e, t.to_string()));
                }
                Value::String(s) => issues.push(Issue::new(n, Kind::Dropped, format!("label «{s}» of the whole text"))),
                _ => return Err(bad_span(l)),
            }
        }
    }
    if let Some(entities) = v.get("entities").and_then(Value::as_array) {
        for l in entities {
            let (Some(s), Some(e), Some(t)) = (
                l.get("start_offset").and_then(offset),
                l.get("end_offset").and_then(offset),
                l.get("label").and_then(Value::as_str),
            ) else {
                return Err(Bad::new(n, format!("`{l}` is not an entity {{start_offset, end_offset, label}}")));
            };
            spans.push((s, e, t.to_string()));
        }
    }
    for r in v.get("relations").and_then(Value::as_array).into_iter().flatten() {
        issues.push(Issue::new(n, Kind::Relation, format!("relation {r}")));
    }
    let ids: Vec<Option<&str>> =
        v.get("ids").and_then(Value::as_array).map(|a| a.iter().map(Value::as_str).collect()).unwrap_or_default();
    let modes: Vec<Option<&str>> =
        v.get("modes").and_then(Value::as_array).map(|a| a.iter().map(Value::as_str).collect()).unwrap_or_default();
    let args: Vec<Option<&Vec<Value>>> =
        v.get("args").and_then(Value::as_array).map(|a| a.iter().map(Value::as_array).collect()).unwrap_or_default();
    let mut mentions = Vec::new();
    for (k, (s, e, t)) in spans.into_iter().enumerate() {
        if s > e || e > len {
            // doccano's older front-end counted UTF-16 units: past the end by as many as the
            // text has characters outside the BMP.
            let astral = body.chars().filter(|c| c.len_utf16() == 2).count();
            let hint = if astral > 0 && e <= len + astral {
                format!(
                    "; the text has {astral} character{} outside the BMP (emoji …): were the offsets counted in UTF-16 units, as doccano's older front-end did?",
                    if astral == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            return Err(Bad::new(
                n,
                format!(
                    "span {s}–{e} ({t}) is not in the text, which has {len} characters (offsets count characters){hint}"
                ),
            ));
        }
        let id = ids.get(k).copied().flatten();
        if let Some(bad) = id.filter(|i| !is_id(i)) {
            issues.push(Issue::new(n, Kind::Dropped, format!("id «{bad}» of span {s}–{e} is not a valid id")));
        }
        mentions.push(Mention {
            start: s + shift,
            end: e + shift,
            ty: name_of(&t),
            id: id.filter(|i| is_id(i)).map(str::to_string),
            mode: modes.get(k).copied().flatten().map(name_of),
            args: match args.get(k).copied().flatten() {
                Some(list) => role_args(list).ok_or_else(|| {
                    Bad::new(n, format!("the args of span {s}–{e} are not `[[role, [value, …]], …]`"))
                })?,
                None => Vec::new(),
            },
            line: n,
        });
    }
    let text = prefix + body;
    let kept = place(&text, &mentions, &mut issues);
    let mentions = mentions.into_iter().zip(kept).filter(|(_, k)| *k).map(|(m, _)| m).collect();
    Ok(Record { name, doc: Doc { text, mentions }, issues })
}
