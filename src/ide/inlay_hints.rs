//! Inlay hints: the registry's canonical name after a surface that says it differently
//! (`[président]{person:kz.tokayev}` shows `Kassym-Jomart Tokaïev`).

use crate::analysis::registry_entry;
use crate::corpus::{Corpus, FileId};
use crate::syntax::annotation;
use crate::text::TextRange;
use crate::text::matching::fold;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InlayHint {
    /// Where the hint goes: the end of the surface.
    pub offset: u32,
    /// Plain text from the registry, never interpreted.
    pub label: String,
    pub tooltip: String,
}

/// Hints for the mentions of `file` on the lines `range` touches. `text` is the file's current
/// text (the summary has no surfaces); mentions lie on one line, so a binary search over the
/// mentions finds those of the range.
pub fn inlay_hints(corpus: &Corpus, file: FileId, text: &str, range: TextRange) -> Vec<InlayHint> {
    let data = corpus.full(file);
    let Some(seed) = data.seed() else { return Vec::new() };
    let index = data.line_index();
    let from = index.line_start(index.line_of(range.start)).unwrap_or(0);
    let mentions = seed.mentions.get();
    let first = mentions.partition_point(|m| m.range.start < from);
    let mut out = Vec::new();
    for m in mentions[first..].iter().take_while(|m| m.range.start <= range.end) {
        let Some(id) = m.id else { continue };
        let Some((_, entry)) = registry_entry(corpus, id) else { continue };
        let name = entry.name.text.as_str();
        let Some(surface) = text.get(m.surface.to_usize()) else { continue };
        if name.is_empty() || !range.touches(m.surface.end) {
            continue;
        }
        let surface = if surface.contains(['[', '\\']) { annotation::strip(surface) } else { surface.to_string() };
        if same_name(&surface, name) {
            continue;
        }
        out.push(InlayHint {
            offset: m.surface.end,
            label: name.to_string(),
            tooltip: format!("Registry name of {}", entry.id.text),
        });
    }
    out
}

/// Equal up to case, Unicode normalisation, apostrophes and spacing.
fn same_name(a: &str, b: &str) -> bool {
    let words = |s: &str| fold(s).split_whitespace().collect::<Vec<_>>().join(" ");
    words(a) == words(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;
    use std::path::Path;

    #[test]
    fn canonical_names_after_surfaces_that_differ() {
        let registry = "id\ttype\tname\naz.x\tperson\tKassym-Jomart Tokaïev\nkz.e\tcoerce\tL’état d’urgence\n";
        let text = " date 2022-01\n\nLe [président]{person:az.x} et [KASSYM-JOMART  TOKAÏEV]{person:az.x}\n\
            [L'état d'urgence]{coerce:kz.e} [[Tokaïev]{person:az.x} parle]{concede} [y]{person:nowhere}\n";
        let mut corpus = Corpus::new(Vec::new(), Date { year: 2024, month: 6, day: Some(15) });
        corpus.set_text(Path::new("/ws/entities.tsv"), registry.as_bytes());
        let file = corpus.set_text(Path::new("/ws/a.txt"), text.as_bytes()).unwrap();
        let all = TextRange::new(0, text.len() as u32);
        let hints = inlay_hints(&corpus, file, text, all);
        let got: Vec<(&str, &str)> =
            hints.iter().map(|h| (text[..h.offset as usize].rsplit('[').next().unwrap(), h.label.as_str())).collect();
        assert_eq!(got, [("président", "Kassym-Jomart Tokaïev"), ("Tokaïev", "Kassym-Jomart Tokaïev")]);
        assert_eq!(hints[0].tooltip, "Registry name of az.x");
        // Only the lines of the range.
        let line4 = text.find("[L'état").unwrap() as u32;
        let hints = inlay_hints(&corpus, file, text, TextRange::new(line4, text.len() as u32));
        assert_eq!(hints.len(), 1);
        assert_eq!(hints[0].offset, (text.find("Tokaïev]").unwrap() + "Tokaïev".len()) as u32);
    }
}
