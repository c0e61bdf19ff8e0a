//! One seed file as the curation commands see it: the article's plain text (markup stripped)
//! and every well-formed mention as a span of that text, in bytes and in characters.

use rustc_hash::FxHashMap;

use crate::syntax::annotation::Stripped;
use crate::syntax::header::Date;
use crate::syntax::schema::{Class, Schema};
use crate::syntax::{SeedFile, parse_seed};
use crate::text::TextRange;

/// A mention with a well-formed `type…` head, located in the stripped text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Span {
    /// Byte range in [`Article::text`].
    pub bytes: TextRange,
    /// Start and end (exclusive) in Unicode scalar values in [`Article::text`].
    pub start: u32,
    pub end: u32,
    pub ty: String,
    pub mode: Option<String>,
    pub id: Option<String>,
    /// `role=value,value` in tag order.
    pub args: Vec<(String, Vec<String>)>,
    /// The schema class of the type; `None` for a type the schema does not know.
    pub class: Option<Class>,
    /// Index in [`Article::spans`] of the innermost span this one is nested in.
    pub parent: Option<usize>,
}

impl Span {
    pub fn is_event(&self) -> bool {
        self.class == Some(Class::Event)
    }

    /// Entity mentions, and mentions of unknown types (which are not events either).
    pub fn is_entity(&self) -> bool {
        !self.is_event()
    }
}

#[derive(Clone, Debug)]
pub struct Article {
    /// The file with all markup removed: the original article, header line included.
    pub text: String,
    pub date: Option<Date>,
    pub url: Option<String>,
    /// Byte offset in `text` where the article proper starts: after the header line and the
    /// blank lines that follow it, or at the body text a legacy header carries.
    pub body_start: u32,
    /// Spans in document order (outer before inner).
    pub spans: Vec<Span>,
}

impl Article {
    pub fn parse(text: &str, schema: &Schema, today: Date) -> Article {
        Article::from_parse(text, &parse_seed(text, today), schema)
    }

    pub fn from_parse(text: &str, parse: &SeedFile, schema: &Schema) -> Article {
        let stripped = Stripped::new(text, &parse.annotations);
        let header = parse.header.as_ref();
        let body_start = match header {
            Some(h) => match h.body {
                Some(b) => stripped.map(b.start),
                None => {
                    // Past the header's line break and the blank lines after it.
                    let s = &stripped.text;
                    let mut at = stripped.map(h.range.end) as usize;
                    while let Some(rest) = s.get(at..) {
                        let skip = rest.len() - rest.trim_start_matches(['\r', '\n']).len();
                        if skip == 0 {
                            break;
                        }
                        at += skip;
                    }
                    at as u32
                }
            },
            None => 0,
        };
        // Parents are indices among all mentions; only mentions with a head become spans.
        let mut index_of: Vec<Option<usize>> = Vec::with_capacity(parse.annotations.mentions.len());
        let mut spans = Vec::new();
        for m in &parse.annotations.mentions {
            let Some(head) = m.head else {
                index_of.push(None);
                continue;
            };
            index_of.push(Some(spans.len()));
            let ty = text[head.ty].to_string();
            let class = schema.get(&ty).map(|d| d.class);
            let parent = m.parent.and_then(|p| index_of.get(p as usize).copied().flatten());
            let bytes = TextRange::new(stripped.map(m.surface.start), stripped.map(m.surface.end));
            spans.push(Span {
                bytes,
                start: 0,
                end: 0,
                ty,
                mode: head.mode.map(|r| text[r].to_string()),
                id: head.id.map(|r| text[r].to_string()),
                args: m
                    .args
                    .iter()
                    .map(|a| (text[a.role].to_string(), a.values.iter().map(|&v| text[v].to_string()).collect()))
                    .collect(),
                class,
                parent,
            });
        }
        let url = header.and_then(|h| h.url).map(|u| text[u].to_string());
        let text = stripped.text;
        let mut offsets: Vec<u32> = spans.iter().flat_map(|s| [s.bytes.start, s.bytes.end]).collect();
        offsets.sort_unstable();
        offsets.dedup();
        let chars = char_offsets(&text, &offsets);
        let char_of = |b: u32| chars[offsets.binary_search(&b).expect("offset was collected")];
        for s in &mut spans {
            s.start = char_of(s.bytes.start);
            s.end = char_of(s.bytes.end);
        }
        Article { text, date: header.and_then(|h| h.date), url, body_start, spans }
    }

    /// The article without its header line: what annotation tools show.
    pub fn body(&self) -> &str {
        &self.text[self.body_start as usize..]
    }

    /// The character offset in `text` of the body's start.
    pub fn body_start_char(&self) -> u32 {
        self.text[..self.body_start as usize].chars().count() as u32
    }
}

/// Character offsets of the sorted byte offsets `at` (each on a character boundary), in one
/// pass over the text.
pub fn char_offsets(text: &str, at: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(at.len());
    let (mut byte, mut chars) = (0usize, 0u32);
    for &b in at {
        let b = b as usize;
        chars += text[byte..b].chars().count() as u32;
        byte = b;
        out.push(chars);
    }
    out
}

/// Registry rows by id, for exports and tables: the first row of an id wins, as in the index.
#[derive(Clone, Debug, Default)]
pub struct Registry {
    pub rows: FxHashMap<String, Row>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub ty: String,
    pub name: String,
    pub wikidata: Option<String>,
    pub cameo: Option<String>,
}

impl Registry {
    pub fn from_registries<'a>(
        registries: impl IntoIterator<Item = &'a crate::syntax::registry::Registry>,
    ) -> Registry {
        let mut rows = FxHashMap::default();
        for r in registries {
            for e in &r.entries {
                rows.entry(e.id.text.clone()).or_insert_with(|| Row {
                    ty: e.ty.text.clone(),
                    name: e.name.text.clone(),
                    wikidata: e.wikidata.as_ref().map(|c| c.text.clone()),
                    cameo: e.cameo.as_ref().map(|c| c.text.clone()),
                });
            }
        }
        Registry { rows }
    }

    pub fn get(&self, id: &str) -> Option<&Row> {
        self.rows.get(id)
    }
}
