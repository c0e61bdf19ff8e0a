//! Times what one keystroke in a large open document costs in the core: re-indexing the
//! document, then its diagnostics. `cargo run --release --example edit_cycle -- CORPUS DOC`.
//! A development tool for profiling the edit path (`perf record`, callgrind). `ROUNDS` sets the
//! number of keystrokes (20); `LINE` types at the start of that line (by default, the line in
//! the middle of the document; line 1 is the header, whose changes parse the whole text).

use std::path::PathBuf;
use std::time::Instant;

use seedls::analysis::{Caches, file_diagnostics};
use seedls::corpus::{Changed, Corpus};
use seedls::syntax::header::Date;
use seedls::text::{LineIndex, TextRange};

fn main() {
    let mut args = std::env::args().skip(1).map(PathBuf::from);
    let (root, doc) = (args.next().expect("CORPUS"), args.next().expect("DOC"));
    let (mut corpus, _) = Corpus::load(vec![root], Date::today(), None);
    let mut text = std::fs::read_to_string(&doc).unwrap();
    let mut line_index = LineIndex::new(&text);
    corpus.keep_line_memo(&doc, true);
    corpus.set_document(&doc, &text, &line_index, None);
    let at = match std::env::var("LINE").ok().and_then(|l| l.parse::<u32>().ok()) {
        Some(line) => line_index.line_start(line.saturating_sub(1)).expect("LINE past the end") as usize,
        None => text.as_bytes()[..text.len() / 2].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1),
    };
    let rounds: usize = std::env::var("ROUNDS").ok().and_then(|r| r.parse().ok()).unwrap_or(20);
    let (mut index, mut diags, mut count) = (0.0, 0.0, 0);
    let caches = Caches::default();
    for _ in 0..rounds {
        text.insert(at, 'x');
        // As the server does: the line index is spliced, the change passed on.
        let edit = TextRange::empty(at as u32);
        line_index.splice(edit, "x");
        let t = Instant::now();
        let file = corpus.set_document(&doc, &text, &line_index, Some(Changed::new(edit, 1))).unwrap();
        index += t.elapsed().as_secs_f64();
        let t = Instant::now();
        count = file_diagnostics(&corpus, &caches, file, Some(&text)).len();
        diags += t.elapsed().as_secs_f64();
    }
    let ms = |s: f64| s * 1000.0 / rounds as f64;
    println!("{} bytes: re-index {:.2} ms, diagnostics {:.2} ms ({count})", text.len(), ms(index), ms(diags));
}
