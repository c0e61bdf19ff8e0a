//! `schema.tsv`: the annotation types, their roles, modes and colours (SPEC §5).
//! A corpus without one uses the built-in PLOVER default, which is itself a schema file
//! (`default_schema.tsv`), so `seedls schema` prints exactly what is in effect.

use rustc_hash::FxHashMap;

use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::tsv::{self, is_name};
use crate::text::TextRange;

pub const DEFAULT_SCHEMA: &str = include_str!("default_schema.tsv");

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Class {
    Entity,
    Event,
}

/// How many values a role takes, as in brat's annotation.conf.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Card {
    /// nothing: exactly one
    One,
    /// `?`: zero or one
    Optional,
    /// `*`: zero or more
    Many,
    /// `+`: one or more
    OneOrMore,
}

impl Card {
    pub fn min(self) -> usize {
        matches!(self, Card::One | Card::OneOrMore) as usize
    }

    pub fn max(self) -> Option<usize> {
        match self {
            Card::One | Card::Optional => Some(1),
            Card::Many | Card::OneOrMore => None,
        }
    }

    pub fn suffix(self) -> &'static str {
        match self {
            Card::One => "",
            Card::Optional => "?",
            Card::Many => "*",
            Card::OneOrMore => "+",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Allowed {
    Type(String),
    Date,
    /// `*`: any entity type.
    AnyEntity,
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Role {
    pub name: String,
    pub allowed: Vec<Allowed>,
    pub card: Card,
}

impl Role {
    pub fn allows_date(&self) -> bool {
        self.allowed.contains(&Allowed::Date)
    }

    /// Whether an id of entity type `ty` may fill this role.
    pub fn allows_type(&self, schema: &Schema, ty: &str) -> bool {
        self.allowed.iter().any(|a| match a {
            Allowed::Type(t) => t == ty,
            Allowed::Date => false,
            Allowed::AnyEntity => schema.get(ty).is_some_and(|d| d.class == Class::Entity),
        })
    }

    /// `actor:person|group*` as written in a schema file.
    pub fn spec(&self) -> String {
        let allowed: Vec<&str> = self
            .allowed
            .iter()
            .map(|a| match a {
                Allowed::Type(t) => t.as_str(),
                Allowed::Date => "date",
                Allowed::AnyEntity => "*",
            })
            .collect();
        format!("{}:{}{}", self.name, allowed.join("|"), self.card.suffix())
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TypeDef {
    pub name: String,
    pub class: Class,
    pub roles: Vec<Role>,
    pub modes: Vec<String>,
    /// LSP semantic token type used to colour mentions of this type.
    pub token: String,
    pub description: String,
    /// The row in `schema.tsv` (`None` for the built-in default).
    pub range: Option<TextRange>,
}

impl TypeDef {
    pub fn role(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }
}

#[derive(Clone, Debug, Default)]
pub struct Schema {
    pub types: Vec<TypeDef>,
    by_name: FxHashMap<String, usize>,
}

impl Schema {
    /// The built-in PLOVER schema of SPEC §5.
    pub fn builtin() -> Schema {
        let (mut schema, diagnostics) = parse_schema(DEFAULT_SCHEMA);
        debug_assert!(diagnostics.is_empty(), "{diagnostics:?}");
        for t in &mut schema.types {
            t.range = None;
        }
        schema
    }

    pub fn get(&self, name: &str) -> Option<&TypeDef> {
        self.by_name.get(name).map(|&i| &self.types[i])
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.types.iter().map(|t| t.name.as_str())
    }

    pub fn entity_types(&self) -> impl Iterator<Item = &TypeDef> {
        self.types.iter().filter(|t| t.class == Class::Entity)
    }

    fn push(&mut self, def: TypeDef) {
        self.by_name.insert(def.name.clone(), self.types.len());
        self.types.push(def);
    }
}

const COLUMNS: [&str; 6] = ["type", "class", "roles", "modes", "token", "description"];

/// Parses a schema file. Rows with errors are skipped (and reported as S001); the rest is kept.
pub fn parse_schema(text: &str) -> (Schema, Vec<Diagnostic>) {
    let mut schema = Schema::default();
    let mut diags = Vec::new();
    let mut rows = tsv::rows(text);
    let Some(header) = rows.next() else {
        diags.push(Diagnostic::new(
            Code::S001,
            TextRange::empty(0),
            "schema file has no header row; expected the columns: type, class, roles, modes, token, description",
        ));
        return (schema, diags);
    };
    let names: Vec<&str> = header.cells.iter().map(|&c| text[c].trim()).collect();
    let col = |name: &str| names.iter().position(|n| *n == name);
    let (Some(type_col), Some(class_col)) = (col("type"), col("class")) else {
        diags.push(Diagnostic::new(
            Code::S001,
            header.range,
            format!(
                "schema header row must name the columns `type` and `class` (known columns: {})",
                COLUMNS.join(", ")
            ),
        ));
        return (schema, diags);
    };
    for (i, name) in names.iter().enumerate() {
        if !COLUMNS.contains(name) {
            diags.push(Diagnostic::new(
                Code::S001,
                header.cells[i],
                format!("unknown schema column `{name}` (known columns: {})", COLUMNS.join(", ")),
            ));
        }
    }
    let (roles_col, modes_col, token_col, desc_col) = (col("roles"), col("modes"), col("token"), col("description"));
    // Role types are checked once every row is known, since a role may name a later type.
    let mut role_refs: Vec<(String, TextRange)> = Vec::new();
    for row in rows {
        if row.cells.len() != names.len() {
            diags.push(Diagnostic::new(
                Code::S001,
                row.range,
                format!("schema row has {} columns, the header has {}", row.cells.len(), names.len()),
            ));
            continue;
        }
        // The trimmed text with its own range: word offsets are counted from its start.
        let cell = |c: Option<usize>| {
            c.map(|c| {
                let raw = &text[row.cells[c]];
                let lead = (raw.len() - raw.trim_start().len()) as u32;
                let trimmed = raw.trim();
                (trimmed, TextRange::at(row.cells[c].start + lead, trimmed.len() as u32))
            })
        };
        let (name, name_range) = cell(Some(type_col)).unwrap();
        if !is_name(name) {
            diags.push(Diagnostic::new(
                Code::S001,
                name_range,
                format!(
                    "`{name}` is not a valid type name (lower-case letters, digits, `_` or `-`, starting with a letter)"
                ),
            ));
            continue;
        }
        if let Some(prev) = schema.get(name) {
            let d = Diagnostic::new(Code::S001, name_range, format!("type `{name}` is defined twice"));
            diags.push(match prev.range {
                Some(r) => d.with_related(None, r, "first defined here"),
                None => d,
            });
            continue;
        }
        let (class_text, class_range) = cell(Some(class_col)).unwrap();
        let class = match class_text {
            "entity" => Class::Entity,
            "event" => Class::Event,
            other => {
                diags.push(Diagnostic::new(
                    Code::S001,
                    class_range,
                    format!("class `{other}` must be `entity` or `event`"),
                ));
                continue;
            }
        };
        let mut roles = Vec::new();
        let mut ok = true;
        if let Some((roles_text, roles_range)) = cell(roles_col) {
            for (word, range) in words(roles_text, roles_range.start) {
                match parse_role(word) {
                    Ok(role) => {
                        if roles.iter().any(|r: &Role| r.name == role.name) {
                            diags.push(Diagnostic::new(
                                Code::S001,
                                range,
                                format!("role `{}` is declared twice", role.name),
                            ));
                            ok = false;
                        }
                        for a in &role.allowed {
                            if let Allowed::Type(t) = a {
                                role_refs.push((t.clone(), range));
                            }
                        }
                        roles.push(role);
                    }
                    Err(msg) => {
                        diags.push(Diagnostic::new(Code::S001, range, msg));
                        ok = false;
                    }
                }
            }
        }
        if class == Class::Entity && !roles.is_empty() {
            diags.push(Diagnostic::new(
                Code::S001,
                cell(roles_col).unwrap().1,
                "entity types take no roles; only events have roles",
            ));
            ok = false;
        }
        let mut modes = Vec::new();
        if let Some((modes_text, modes_range)) = cell(modes_col) {
            for (word, range) in words(modes_text, modes_range.start) {
                if !is_name(word) {
                    diags.push(Diagnostic::new(Code::S001, range, format!("`{word}` is not a valid mode name")));
                    ok = false;
                } else {
                    modes.push(word.to_string());
                }
            }
        }
        if !ok {
            continue;
        }
        let token = match cell(token_col) {
            Some((t, _)) if !t.is_empty() => t.to_string(),
            _ => match class {
                Class::Entity => "variable".to_string(),
                Class::Event => "function".to_string(),
            },
        };
        let description = cell(desc_col).map(|(d, _)| d.to_string()).unwrap_or_default();
        schema.push(TypeDef {
            name: name.to_string(),
            class,
            roles,
            modes,
            token,
            description,
            range: Some(row.range),
        });
    }
    for (t, range) in role_refs {
        match schema.get(&t) {
            None => diags.push(Diagnostic::new(Code::S001, range, format!("role names unknown type `{t}`"))),
            Some(def) if def.class == Class::Event => diags.push(Diagnostic::new(
                Code::S001,
                range,
                format!("role names event type `{t}`; role values are entities or dates"),
            )),
            Some(_) => {}
        }
    }
    (schema, diags)
}

/// `name:allowed|allowed{card}`.
fn parse_role(word: &str) -> Result<Role, String> {
    let Some((name, rest)) = word.split_once(':') else {
        return Err(format!("role `{word}` must be written `name:type|type` with an optional `?`, `*` or `+`"));
    };
    if !is_name(name) {
        return Err(format!("`{name}` is not a valid role name"));
    }
    let (allowed_text, card) = match rest.as_bytes().last() {
        Some(b'?') => (&rest[..rest.len() - 1], Card::Optional),
        Some(b'*') if rest.len() > 1 => (&rest[..rest.len() - 1], Card::Many),
        Some(b'+') => (&rest[..rest.len() - 1], Card::OneOrMore),
        _ => (rest, Card::One),
    };
    let mut allowed = Vec::new();
    for a in allowed_text.split('|') {
        allowed.push(match a {
            "date" => Allowed::Date,
            "*" => Allowed::AnyEntity,
            t if is_name(t) => Allowed::Type(t.to_string()),
            "" => return Err(format!("role `{name}` has an empty allowed type")),
            t => return Err(format!("`{t}` in role `{name}` is not a type name, `date` or `*`")),
        });
    }
    Ok(Role { name: name.to_string(), allowed, card })
}

/// Space-separated words of a cell with their ranges.
fn words(cell: &str, base: u32) -> impl Iterator<Item = (&str, TextRange)> {
    cell.split(' ')
        .scan(0u32, move |pos, w| {
            let start = *pos;
            *pos += w.len() as u32 + 1;
            Some((w, TextRange::at(base + start, w.len() as u32)))
        })
        .filter(|(w, _)| !w.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_schema_has_the_plover_categories() {
        let schema = Schema::builtin();
        let events: Vec<&str> =
            schema.types.iter().filter(|t| t.class == Class::Event).map(|t| t.name.as_str()).collect();
        assert_eq!(
            events.join(" "),
            "agree consult support concede cooperate aid retreat request accuse reject threaten protest sanction mobilize coerce assault"
        );
        let entities: Vec<&str> = schema.entity_types().map(|t| t.name.as_str()).collect();
        assert_eq!(entities, ["person", "group", "org", "gov", "place"]);
        let aid = schema.get("aid").unwrap();
        assert_eq!(aid.role("recipient").unwrap().card, Card::OneOrMore);
        assert_eq!(schema.get("protest").unwrap().role("recipient").unwrap().card, Card::Many);
        assert_eq!(schema.get("coerce").unwrap().modes.len(), 10);
        assert!(schema.get("assault").unwrap().modes.contains(&"crowd-control".to_string()));
        let when = schema.get("agree").unwrap().role("when").unwrap();
        assert!(when.allows_date() && when.card == Card::Optional);
        assert_eq!(when.spec(), "when:date?");
    }

    #[test]
    fn words_of_a_cell_with_leading_whitespace_keep_their_ranges() {
        // A form feed (Unicode whitespace, trimmed) before the modes, a two-byte character
        // after a bad one: found by fuzzing, the range was one byte off, inside the character.
        let text =
            "type\tclass\troles\tmodes\ttoken\tdescription\nmeet\tevent\t\t\u{c}visit bad\u{6}\u{83} x\tevent\t\n";
        let (_, diags) = parse_schema(text);
        let bad = diags.iter().find(|d| d.message.contains("valid mode name")).unwrap();
        assert_eq!(&text[bad.range.to_usize()], "bad\u{6}\u{83}");
        let text = text.replace("\u{c}visit", "  Visit");
        let (_, diags) = parse_schema(&text);
        let bad: Vec<&str> = diags.iter().map(|d| &text[d.range.to_usize()]).collect();
        assert_eq!(bad, ["Visit", "bad\u{6}\u{83}"]);
    }
}
