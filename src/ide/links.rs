//! Document links: a seed file's source URL, and the Wikidata cells of registry rows. Only
//! `http:`/`https:` targets are ever produced: file text must not be able to make the editor
//! run a `command:` or `javascript:` link.

use crate::corpus::{Content, Corpus, FileId};
use crate::text::TextRange;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Link {
    pub range: TextRange,
    pub target: String,
    pub tooltip: String,
}

pub fn document_links(corpus: &Corpus, file: FileId) -> Vec<Link> {
    match &corpus.file(file).content {
        Content::Seed(seed) => match (&seed.url, seed.url_range) {
            (Some(url), Some(range)) if is_web_url(url) => {
                vec![Link { range, target: url.to_string(), tooltip: "Open the source article".to_string() }]
            }
            _ => Vec::new(),
        },
        Content::Registry(registry) => registry
            .entries
            .iter()
            .filter_map(|e| {
                let cell = e.wikidata.as_ref().filter(|c| is_qid(&c.text))?;
                Some(Link {
                    range: cell.range,
                    target: format!("https://www.wikidata.org/wiki/{}", cell.text),
                    tooltip: format!("Open {} on Wikidata", cell.text),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A Wikidata item id: `Q` and digits.
pub fn is_qid(s: &str) -> bool {
    s.len() > 1 && s.starts_with('Q') && s[1..].bytes().all(|b| b.is_ascii_digit())
}

/// An `http:` or `https:` URL made only of characters that need no escaping, so that what the
/// editor opens is exactly what the file shows.
pub fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.bytes().all(|b| {
            b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'"' | b'\\' | b'`' | b'{' | b'}' | b'|' | b'^')
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::header::Date;
    use std::path::Path;

    #[test]
    fn source_urls_and_wikidata_cells_and_nothing_else() {
        let mut corpus = Corpus::new(Vec::new(), Date { year: 2024, month: 6, day: Some(15) });
        let registry = "id\ttype\tname\twikidata\nkz.a\tperson\tA\tQ42\nkz.b\tperson\tB\tjavascript:alert(1)\nkz.c\tperson\tC\tcommand:x\n";
        let reg = corpus.set_text(Path::new("/ws/entities.tsv"), registry.as_bytes()).unwrap();
        let links = document_links(&corpus, reg);
        assert_eq!(links.len(), 1);
        assert_eq!(links[0].target, "https://www.wikidata.org/wiki/Q42");
        assert_eq!(&registry[links[0].range], "Q42");
        let seed = " date 2022-01 https://example.org/a?b=1\n";
        let a = corpus.set_text(Path::new("/ws/a.txt"), seed.as_bytes()).unwrap();
        let links = document_links(&corpus, a);
        assert_eq!(links.iter().map(|l| &seed[l.range]).collect::<Vec<_>>(), ["https://example.org/a?b=1"]);
        for bad in [" date 2022-01 command:seedls.run\n", " date 2022-01 javascript:alert(1)\n"] {
            let f = corpus.set_text(Path::new("/ws/bad.txt"), bad.as_bytes()).unwrap();
            assert_eq!(document_links(&corpus, f), []);
        }
        assert!(!is_web_url("javascript://%0aalert(1)"));
        assert!(!is_web_url("https://example.org/a\"onclick"));
        assert!(is_web_url("HTTPS://example.org/"));
    }
}
