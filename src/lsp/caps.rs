//! Capability negotiation: what the client can do (read once at `initialize`) and what the
//! server advertises. Only implemented features are advertised; the end-to-end tests check each.

use std::path::PathBuf;

use tower_lsp_server::ls_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, DeclarationCapability, DiagnosticOptions,
    DiagnosticServerCapabilities, HoverProviderCapability, InitializeParams, MarkupKind, OneOf, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
};

use crate::lsp::state::Session;
use crate::lsp::{convert, workspace};

pub fn session(params: &InitializeParams) -> Session {
    let caps = &params.capabilities;
    let text = caps.text_document.as_ref();
    let workspace = caps.workspace.as_ref();
    let completion_item = text.and_then(|t| t.completion.as_ref()).and_then(|c| c.completion_item.as_ref());
    Session {
        encoding: convert::negotiate_encoding(caps),
        roots: roots(params),
        work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        pull_diagnostics: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
        workspace_diagnostic_refresh: workspace
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
        workspace: workspace::client_caps(params),
        definition_links: text.and_then(|t| t.definition.as_ref()).and_then(|d| d.link_support).unwrap_or(false),
        declaration_links: text.and_then(|t| t.declaration.as_ref()).and_then(|d| d.link_support).unwrap_or(false),
        document_changes: workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|e| e.document_changes)
            .unwrap_or(false),
        // The client lists formats by preference; we can write either.
        markdown: text
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .and_then(|formats| formats.first())
            .is_none_or(|first| *first == MarkupKind::Markdown),
        snippets: completion_item.and_then(|i| i.snippet_support).unwrap_or(false),
        insert_replace: completion_item.and_then(|i| i.insert_replace_support).unwrap_or(false),
        prepare_rename: text.and_then(|t| t.rename.as_ref()).and_then(|r| r.prepare_support).unwrap_or(false),
        view: super::view::client_caps(caps),
    }
}

/// Workspace folders, else the deprecated root URI, else the root path.
#[allow(deprecated)]
fn roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders.iter().filter_map(|f| convert::uri_to_path(&f.uri)).collect();
    }
    if let Some(uri) = &params.root_uri {
        return convert::uri_to_path(uri).into_iter().collect();
    }
    params.root_path.iter().map(PathBuf::from).collect()
}

pub fn server_capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(convert::encoding_kind(session.encoding)),
        workspace: Some(workspace::server_caps()),
        text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..Default::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        declaration_provider: Some(DeclarationCapability::Simple(true)),
        references_provider: Some(OneOf::Left(true)),
        document_highlight_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            // What `lsp::edit::action_kind` produces.
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::REFACTOR,
                CodeActionKind::REFACTOR_REWRITE,
            ]),
            ..Default::default()
        })),
        // `prepareProvider` only for clients that said they send `prepareRename` (LSP 3.12).
        rename_provider: Some(if session.prepare_rename {
            OneOf::Right(tower_lsp_server::ls_types::RenameOptions {
                prepare_provider: Some(true),
                work_done_progress_options: Default::default(),
            })
        } else {
            OneOf::Left(true)
        }),
        completion_provider: Some(tower_lsp_server::ls_types::CompletionOptions {
            trigger_characters: Some(
                crate::lsp::completion::TRIGGER_CHARACTERS.iter().map(|c| c.to_string()).collect(),
            ),
            ..Default::default()
        }),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("seedls".to_string()),
            // A registry edit changes the diagnostics of every article mentioning its ids.
            inter_file_dependencies: true,
            workspace_diagnostics: true,
            ..Default::default()
        })),
        semantic_tokens_provider: Some(super::semantic_tokens::capability()),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(super::view::document_link_capability()),
        inlay_hint_provider: Some(OneOf::Left(true)),
        code_lens_provider: Some(super::view::code_lens_capability()),
        ..Default::default()
    }
}
