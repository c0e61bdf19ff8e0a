//! `entities.tsv` / `*.entities.tsv`: the corpus's entity and event registry (SPEC §4).
//! The parser checks what one file can tell (R001); duplicates across files, types and usage
//! are checked by the analysis, which sees every registry and the schema.

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::tsv::{self, is_id};
use crate::text::TextRange;

/// A value with the range of the cell it came from.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Cell {
    pub text: String,
    pub range: TextRange,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Entry {
    pub id: Cell,
    pub ty: Cell,
    pub name: Cell,
    pub aliases: Vec<Cell>,
    /// The `aliases` cell, trimmed (empty when the row has none): where an alias is added.
    /// `None` when the registry has no such column or the row stops before it.
    pub aliases_cell: Option<TextRange>,
    pub description: Option<Cell>,
    pub wikidata: Option<Cell>,
    pub cameo: Option<Cell>,
    /// Further columns: (column name, value), shown in hover.
    pub extra: Vec<(String, Cell)>,
    /// The whole row, without its line break.
    pub range: TextRange,
    pub line: u32,
}

impl Entry {
    /// The name then every alias.
    pub fn names(&self) -> impl Iterator<Item = &Cell> {
        std::iter::once(&self.name).chain(&self.aliases)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Registry {
    pub entries: Vec<Entry>,
    pub columns: Vec<String>,
    /// Rows end with CRLF: rows a fix adds must too.
    pub crlf: bool,
    /// The end of the last line that is not empty, before its line break: where a row is
    /// appended (after a line break), whatever follows it.
    pub end: u32,
}

const REQUIRED: [&str; 3] = ["id", "type", "name"];

pub fn parse_registry(text: &str) -> (Registry, Vec<Diagnostic>) {
    let crlf = text.find('\n').is_some_and(|i| text[..i].ends_with('\r'));
    let end = text.trim_end_matches(['\r', '\n']).len() as u32;
    let mut registry = Registry { crlf, end, ..Registry::default() };
    let mut diags = Vec::new();
    let mut rows = tsv::rows(text);
    let Some(header) = rows.next() else {
        diags.push(Diagnostic::new(
            Code::R001,
            TextRange::empty(0),
            "registry has no header row; the first row must name the columns, at least: id, type, name",
        ));
        return (registry, diags);
    };
    registry.columns = header.cells.iter().map(|&c| text[c].trim().to_string()).collect();
    let col = |name: &str| registry.columns.iter().position(|c| c == name);
    let missing: Vec<&str> = REQUIRED.into_iter().filter(|c| col(c).is_none()).collect();
    if !missing.is_empty() {
        let looks_like_data = header.cells.first().is_some_and(|&c| is_id(&text[c]) && text[c].contains('.'));
        let mut msg = format!("registry header row lacks the column(s) {}", missing.join(", "));
        if looks_like_data {
            msg.push_str("; the first row looks like data: add a header row `id\ttype\tname` above it");
        }
        diags.push(Diagnostic::new(Code::R001, header.range, msg));
        return (registry, diags);
    }
    let (id_col, type_col, name_col) = (col("id").unwrap(), col("type").unwrap(), col("name").unwrap());
    let (aliases_col, desc_col, wd_col, cameo_col) =
        (col("aliases"), col("description"), col("wikidata"), col("cameo"));
    let width = registry.columns.len();
    for row in rows {
        if row.cells.len() != width {
            diags.push(Diagnostic::new(
                Code::R001,
                row.range,
                format!("registry row has {} column(s), the header has {width}", row.cells.len()),
            ));
        }
        let cell = |i: usize| {
            row.cells.get(i).map(|&r| {
                // Keep the range of the trimmed value so edits (rename) touch only the value.
                let raw = &text[r];
                let lead = (raw.len() - raw.trim_start().len()) as u32;
                let value = raw.trim();
                Cell { text: value.to_string(), range: TextRange::at(r.start + lead, value.len() as u32) }
            })
        };
        let optional = |i: Option<usize>| i.and_then(cell).filter(|c| !c.text.is_empty());
        let Some(id) = cell(id_col) else { continue };
        if !is_id(&id.text) {
            let msg = if id.text.is_empty() {
                "registry row has an empty id".to_string()
            } else {
                format!(
                    "`{}` is not a valid id (letters, digits, `.`, `_`, `-`, starting with a letter or digit)",
                    id.text
                )
            };
            diags.push(Diagnostic::new(Code::R001, if id.range.is_empty() { row.range } else { id.range }, msg));
            continue;
        }
        let ty = cell(type_col).unwrap_or(Cell { text: String::new(), range: TextRange::empty(row.range.end) });
        let name = cell(name_col).unwrap_or(Cell { text: String::new(), range: TextRange::empty(row.range.end) });
        let mut aliases = Vec::new();
        let aliases_cell = aliases_col.and_then(cell).map(|a| a.range);
        if let Some(a) = aliases_col.and_then(cell) {
            let mut start = a.range.start;
            for part in a.text.split('|') {
                let trimmed = part.trim();
                let lead = (part.len() - part.trim_start().len()) as u32;
                if !trimmed.is_empty() {
                    aliases.push(Cell {
                        text: trimmed.to_string(),
                        range: TextRange::at(start + lead, trimmed.len() as u32),
                    });
                }
                start += part.len() as u32 + 1;
            }
        }
        let known = [Some(id_col), Some(type_col), Some(name_col), aliases_col, desc_col, wd_col, cameo_col];
        let extra = (0..width)
            .filter(|i| !known.contains(&Some(*i)))
            .filter_map(|i| optional(Some(i)).map(|c| (registry.columns[i].clone(), c)))
            .collect();
        registry.entries.push(Entry {
            id,
            ty,
            name,
            aliases,
            aliases_cell,
            description: optional(desc_col),
            wikidata: optional(wd_col),
            cameo: optional(cameo_col),
            extra,
            range: row.range,
            line: row.line,
        });
    }
    (registry, diags)
}

/// Whether a file name is a registry (`entities.tsv` or `*.entities.tsv`).
pub fn is_registry_file_name(name: &str) -> bool {
    name == "entities.tsv" || name.ends_with(".entities.tsv")
}
