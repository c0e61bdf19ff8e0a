//! Diagnostics in the protocol: conversion, the push worker for open documents, and the
//! reports of the pull requests.

use std::hash::Hasher;
use std::sync::{Arc, RwLock};

use rustc_hash::FxHasher;
use tokio::sync::Notify;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString, Uri,
};

use crate::analysis::file_diagnostics;
use crate::corpus::{FileData, FileId};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::lsp::parked::{Parked, PublishDiagnostics};
use crate::lsp::state::{State, catch, read_state, write_state};
use crate::lsp::{convert, settings};

pub fn to_lsp(st: &State, file: FileId, d: &Diagnostic) -> lsp::Diagnostic {
    converted(st, file, &st.corpus.full(file), d)
}

/// [`to_lsp`] with the file's data at hand (a lean file's is read from disk).
fn converted(st: &State, file: FileId, data: &FileData, d: &Diagnostic) -> lsp::Diagnostic {
    let enc = st.session.encoding;
    let related = d
        .related
        .iter()
        .filter_map(|r| {
            let path = r.file.as_deref().unwrap_or(&data.path);
            let other = st.corpus.file_id(path)?;
            let other = if other == file { None } else { Some(st.corpus.full(other)) };
            let index = other.as_ref().map_or(data.line_index(), |o| o.line_index());
            Some(DiagnosticRelatedInformation {
                location: Location { uri: convert::uri(st, path)?, range: convert::range(index, r.range, enc) },
                message: r.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    lsp::Diagnostic {
        range: convert::range(data.line_index(), d.range, enc),
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Information => DiagnosticSeverity::INFORMATION,
            Severity::Hint => DiagnosticSeverity::HINT,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("seedls".to_string()),
        message: d.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        // An unused registry row fades like dead code.
        tags: (d.code == Code::R005).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

/// Every diagnostic of a file, from the open document's text when it is open. Closed files are
/// analysed without their text (a lean one is read again, `Corpus::full`): the text-only hints
/// (untagged aliases) are left to open documents and the CLI. The settings filter the result,
/// so that the text still makes the other diagnostics' fixes complete.
pub fn file_report(st: &State, file: FileId) -> Vec<lsp::Diagnostic> {
    let data = st.corpus.full(file);
    let text = st.docs.get(&data.path).map(|d| d.text.as_str());
    let mut found = file_diagnostics(&st.corpus, &st.caches, file, text);
    if let Some(text) = text {
        crate::learn::with_hints(&mut found, super::learning::hints(st, &data.path, text));
    }
    found.iter().filter(|d| settings::shows(&st.settings, d.code)).map(|d| converted(st, file, &data, d)).collect()
}

/// A result id that changes exactly when the report does (positions included), so a client
/// re-pulling an unchanged file gets "unchanged" without bookkeeping on our side.
pub fn result_id(items: &[lsp::Diagnostic]) -> String {
    let mut h = FxHasher::default();
    h.write(&serde_json::to_vec(items).unwrap_or_default());
    format!("{:016x}", h.finish())
}

struct Publish {
    uri: Uri,
    items: Vec<lsp::Diagnostic>,
    version: Option<i32>,
}

/// Pushes diagnostics of open documents after changes. One task does all publishing, so
/// notifications leave in the order they were computed; a result computed at a generation
/// that a later change superseded is dropped, never sent.
///
/// No timer: the worker computes as soon as it is woken, and wake-ups that arrive while it
/// computes coalesce into one (`Notify` keeps a single permit), so a burst of keystrokes costs
/// one analysis per analysis time, and a lone edit is answered at once.
pub async fn push_worker(client: Client, state: Arc<RwLock<State>>, wake: Arc<Notify>, parked: Arc<Parked>) {
    loop {
        wake.notified().await;
        let batch = match catch(|| collect(&state)) {
            Ok(batch) => batch,
            Err(panic) => {
                client.log_message(lsp::MessageType::ERROR, format!("seedls: diagnostics failed: {panic}")).await;
                continue;
            }
        };
        for p in batch {
            let params = lsp::PublishDiagnosticsParams { uri: p.uri, diagnostics: p.items, version: p.version };
            match parked.park(&params) {
                Ok(placeholder) => client.send_notification::<PublishDiagnostics>(placeholder).await,
                Err(_) => client.publish_diagnostics(params.uri, params.diagnostics, params.version).await,
            }
        }
    }
}

fn collect(state: &RwLock<State>) -> Vec<Publish> {
    let (generation, computed) = {
        let st = read_state(state);
        if !st.loaded || st.session.pull_diagnostics {
            (st.generation, Vec::new())
        } else {
            let computed: Vec<_> = st
                .docs
                .iter()
                .filter(|(path, _)| st.published.get(*path) != Some(&st.generation))
                .filter_map(|(path, doc)| {
                    let file = st.corpus.file_id(path)?;
                    let items = file_report(&st, file);
                    Some((path.clone(), Publish { uri: doc.uri.clone(), items, version: Some(doc.version) }))
                })
                .collect();
            (st.generation, computed)
        }
    };
    let mut st = write_state(state);
    let mut out: Vec<Publish> = std::mem::take(&mut st.to_clear)
        .into_iter()
        .map(|uri| Publish { uri, items: Vec::new(), version: None })
        .collect();
    // A change landed while we computed: these results are stale. That change woke the worker
    // again, so the next round publishes fresh ones.
    if st.generation == generation {
        for (path, publish) in computed {
            st.published.insert(path, generation);
            out.push(publish);
        }
    }
    out
}
