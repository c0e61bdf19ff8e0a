//! Semantic tokens in the protocol: the relative encoding in the negotiated position unit (the
//! legend, which a token's type indexes, is advertised by `caps`), and `full/delta` edits
//! against the previous result of each document.
//!
//! Tokens never overlap and never span lines whatever the client offers
//! (`overlappingTokenSupport`, `multilineTokenSupport`): the core splits nested surfaces and
//! every token lies on one line, and the encoder cuts anything that would not.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashMap;
use tower_lsp_server::ls_types::{SemanticToken, SemanticTokensEdit};

use crate::ide::semantic_tokens::Highlight;
use crate::text::{Encoding, LineIndex};

/// Encodes sorted, disjoint highlights relative to each other (line delta, start delta,
/// length), columns and lengths in `enc` units. One forward pass of a [`LineIndex`] cursor.
pub fn encode(index: &LineIndex, highlights: &[Highlight], enc: Encoding) -> Vec<SemanticToken> {
    let mut cursor = index.cursor(enc);
    let mut out = Vec::with_capacity(highlights.len());
    let (mut line, mut col) = (0, 0);
    for h in highlights {
        let start = cursor.line_col(h.range.start);
        let mut end = cursor.line_col(h.range.end);
        if end.line != start.line {
            // Never multi-line: keep the part on the first line (before its `\n`).
            let Some(next) = index.line_start(start.line + 1) else { continue };
            end = index.line_col(next - 1, enc);
        }
        if end.col <= start.col {
            continue;
        }
        let delta_line = start.line - line;
        let delta_start = if delta_line == 0 { start.col - col } else { start.col };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: end.col - start.col,
            token_type: h.ty.index(),
            token_modifiers_bitset: 0,
        });
        (line, col) = (start.line, start.col);
    }
    out
}

/// One edit turning `old` into `new`: everything between their common prefix and suffix.
/// Relative encoding keeps a typical edit's change to a few tokens, so this is small.
/// Offsets count integers of the flat array (five per token).
pub fn diff(old: &[SemanticToken], new: &[SemanticToken]) -> Vec<SemanticTokensEdit> {
    let prefix = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let (old_rest, new_rest) = (&old[prefix..], &new[prefix..]);
    let suffix = old_rest.iter().rev().zip(new_rest.iter().rev()).take_while(|(a, b)| a == b).count();
    let (removed, inserted) = (&old_rest[..old_rest.len() - suffix], &new_rest[..new_rest.len() - suffix]);
    if removed.is_empty() && inserted.is_empty() {
        return Vec::new();
    }
    vec![SemanticTokensEdit {
        start: 5 * prefix as u32,
        delete_count: 5 * removed.len() as u32,
        data: (!inserted.is_empty()).then(|| inserted.to_vec()),
    }]
}

/// The last full result sent for each document, so that `full/delta` can answer with an edit.
#[derive(Default)]
pub struct Cache {
    results: Mutex<FxHashMap<PathBuf, (String, Vec<SemanticToken>)>>,
    next_id: AtomicU64,
}

impl Cache {
    /// Records `tokens` as the latest result for `path` and returns its new result id, with
    /// the tokens of the result named `previous` when that is the one remembered. Results of
    /// documents no longer `open` are dropped on the way: the cache does not outlive them.
    pub fn replace(
        &self,
        path: &Path,
        tokens: &[SemanticToken],
        previous: Option<&str>,
        open: impl Fn(&Path) -> bool,
    ) -> (String, Option<Vec<SemanticToken>>) {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed).to_string();
        let mut results = self.results.lock().unwrap_or_else(PoisonError::into_inner);
        results.retain(|p, _| p == path || open(p));
        let old = results.insert(path.to_path_buf(), (id.clone(), tokens.to_vec()));
        let old = old.filter(|(old_id, _)| Some(old_id.as_str()) == previous).map(|(_, t)| t);
        (id, old)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ide::semantic_tokens::TokenType;
    use crate::text::TextRange;

    fn token(delta_line: u32, delta_start: u32, length: u32, ty: TokenType) -> SemanticToken {
        SemanticToken { delta_line, delta_start, length, token_type: ty.index(), token_modifiers_bitset: 0 }
    }

    #[test]
    fn relative_positions_in_each_unit_and_no_multi_line_token() {
        let text = "a😀[é]{x}\nnext\r\nline";
        let index = LineIndex::new(text);
        let at = |s: &str| text.find(s).unwrap() as u32;
        let hs = [
            Highlight { range: TextRange::at(at("["), 1), ty: TokenType::MARKUP },
            Highlight { range: TextRange::at(at("é"), 2), ty: TokenType::ID },
            Highlight { range: TextRange::new(at("]"), at("]") + 4), ty: TokenType::MARKUP },
            // Spans the `\r\n`: cut at the end of its line.
            Highlight { range: TextRange::new(at("xt"), at("line") + 2), ty: TokenType::DATE },
        ];
        assert_eq!(
            encode(&index, &hs, Encoding::Utf16),
            [
                token(0, 3, 1, TokenType::MARKUP),
                token(0, 1, 1, TokenType::ID),
                token(0, 1, 4, TokenType::MARKUP),
                token(1, 2, 3, TokenType::DATE),
            ]
        );
        assert_eq!(
            encode(&index, &hs, Encoding::Utf8),
            [
                token(0, 5, 1, TokenType::MARKUP),
                token(0, 1, 2, TokenType::ID),
                token(0, 2, 4, TokenType::MARKUP),
                token(1, 2, 3, TokenType::DATE),
            ]
        );
    }

    #[test]
    fn deltas_replace_the_middle() {
        let t = |n: u32| token(0, n, 1, TokenType::ID);
        let old = [t(1), t(2), t(3), t(4)];
        assert_eq!(diff(&old, &old), []);
        let edits = diff(&old, &[t(1), t(9), t(8), t(4)]);
        assert_eq!(edits, [SemanticTokensEdit { start: 5, delete_count: 10, data: Some(vec![t(9), t(8)]) }]);
        let edits = diff(&old, &[t(1), t(4)]);
        assert_eq!(edits, [SemanticTokensEdit { start: 5, delete_count: 10, data: None }]);
        let edits = diff(&old, &[t(1), t(2), t(3), t(4), t(5)]);
        assert_eq!(edits, [SemanticTokensEdit { start: 20, delete_count: 0, data: Some(vec![t(5)]) }]);
    }

    #[test]
    fn the_cache_answers_only_for_the_result_it_holds_and_forgets_closed_documents() {
        let cache = Cache::default();
        let (a, b) = (Path::new("/a.txt"), Path::new("/b.txt"));
        let t = [token(0, 1, 1, TokenType::ID)];
        let (id1, old) = cache.replace(a, &t, None, |_| true);
        assert_eq!(old, None);
        let (id2, old) = cache.replace(a, &[], Some(&id1), |_| true);
        assert_eq!(old.as_deref(), Some(&t[..]));
        // A stale id gets no previous result.
        let (_, old) = cache.replace(a, &t, Some(&id1), |_| true);
        assert_eq!(old, None);
        assert_ne!(id1, id2);
        cache.replace(b, &t, None, |_| false);
        assert_eq!(cache.results.lock().unwrap().len(), 1, "a.txt is no longer open");
    }
}
