//! Capability negotiation: what the client can do (read once at `initialize`, kept as the
//! [`Session`]) and what the server advertises. Only implemented features are advertised; the
//! end-to-end tests check each.

use std::path::PathBuf;

use serde_json::Value;
use tower_lsp_server::ls_types::{
    ClientCapabilities, CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CodeLensOptions,
    CompletionOptions, DeclarationCapability, DiagnosticOptions, DiagnosticServerCapabilities, DocumentLinkOptions,
    HoverProviderCapability, InitializeParams, MarkupKind, OneOf, PositionEncodingKind, RenameOptions,
    SemanticTokenType, SemanticTokensFullOptions, SemanticTokensLegend, SemanticTokensOptions,
    SemanticTokensServerCapabilities, ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};

use crate::ide::semantic_tokens::TOKEN_TYPES;
use crate::text::Encoding;

/// Client facts fixed at `initialize`, and the workspace folders (which change with
/// `workspace/didChangeWorkspaceFolders`).
#[derive(Clone, Debug)]
pub struct Session {
    pub encoding: Encoding,
    pub roots: Vec<PathBuf>,
    /// `window.workDoneProgress`: `$/progress` tokens may be created.
    pub work_done_progress: bool,
    /// The client pulls diagnostics (`textDocument/diagnostic`), so pushing them too would
    /// show every problem twice.
    pub pull_diagnostics: bool,
    pub workspace_diagnostic_refresh: bool,
    /// Registrations, configuration pulls and refreshes the client supports.
    pub workspace: WorkspaceCaps,
    pub definition_links: bool,
    pub declaration_links: bool,
    pub document_changes: bool,
    pub markdown: bool,
    /// `completionItem.snippetSupport`: completions may insert `${1:…}` placeholders.
    pub snippets: bool,
    /// `completionItem.insertReplaceSupport`: an item may say what it overwrites when inserted
    /// and what when replacing (`InsertReplaceEdit`), and the editor chooses.
    pub insert_replace: bool,
    /// `rename.prepareSupport`: only then may `prepareProvider` be advertised.
    pub prepare_rename: bool,
    pub view: ViewCaps,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            encoding: Encoding::Utf16,
            roots: Vec::new(),
            work_done_progress: false,
            pull_diagnostics: false,
            workspace_diagnostic_refresh: false,
            workspace: WorkspaceCaps::default(),
            definition_links: false,
            declaration_links: false,
            document_changes: false,
            markdown: true,
            snippets: false,
            insert_replace: false,
            prepare_rename: false,
            view: Default::default(),
        }
    }
}

/// Client facts about the workspace features, fixed at `initialize`.
#[derive(Clone, Debug, Default)]
pub struct WorkspaceCaps {
    /// `workspace.didChangeWatchedFiles.dynamicRegistration`: the only way to ask for file
    /// events; a client without it watches nothing for us.
    pub watch_registration: bool,
    /// `workspace.didChangeConfiguration.dynamicRegistration`: VS Code sends configuration
    /// changes only for sections a server registered.
    pub configuration_registration: bool,
    /// `workspace.configuration`: settings can be pulled.
    pub configuration: bool,
    pub inlay_hint_refresh: bool,
    pub semantic_tokens_refresh: bool,
    pub code_lens_refresh: bool,
}

/// What the client can do with the features that show the corpus (see `view`).
#[derive(Clone, Copy, Debug, Default)]
pub struct ViewCaps {
    /// `documentSymbol.hierarchicalDocumentSymbolSupport`: else a flat list.
    pub hierarchical_symbols: bool,
    /// The client runs [`SHOW_REFERENCES`] with protocol-typed arguments (declared in
    /// `experimental.commands.commands`, as rust-analyzer's clients do): VS Code's own command
    /// wants VS Code objects, so a stock client would fail on the JSON ones.
    pub show_references: bool,
}

/// The command a code lens runs to list an id's uses, for clients that declare it.
pub const SHOW_REFERENCES: &str = "editor.action.showReferences";

/// `]{` opens a tag, `:` starts an id, `=` and `,` a role value, a space the next role.
pub const TRIGGER_CHARACTERS: [char; 5] = ['{', ':', '=', ',', ' '];

/// The session `initialize` negotiates, over the workspace folders `roots`.
pub fn session(params: &InitializeParams, roots: Vec<PathBuf>) -> Session {
    let caps = &params.capabilities;
    let text = caps.text_document.as_ref();
    let workspace = caps.workspace.as_ref();
    let completion_item = text.and_then(|t| t.completion.as_ref()).and_then(|c| c.completion_item.as_ref());
    Session {
        encoding: negotiate_encoding(caps),
        roots,
        work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        pull_diagnostics: text.and_then(|t| t.diagnostic.as_ref()).is_some(),
        workspace_diagnostic_refresh: workspace
            .and_then(|w| w.diagnostics.as_ref())
            .and_then(|d| d.refresh_support)
            .unwrap_or(false),
        workspace: workspace_caps(params),
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
        view: view_caps(caps),
    }
}

/// utf-8 when the client offers it (no conversion work at all), else the mandatory utf-16.
pub fn negotiate_encoding(caps: &ClientCapabilities) -> Encoding {
    let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|encs| encs.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

pub fn encoding_kind(enc: Encoding) -> PositionEncodingKind {
    match enc {
        Encoding::Utf8 => PositionEncodingKind::UTF8,
        Encoding::Utf16 => PositionEncodingKind::UTF16,
        Encoding::Char => PositionEncodingKind::UTF32,
    }
}

fn workspace_caps(params: &InitializeParams) -> WorkspaceCaps {
    let Some(w) = params.capabilities.workspace.as_ref() else { return WorkspaceCaps::default() };
    WorkspaceCaps {
        watch_registration: w.did_change_watched_files.as_ref().and_then(|c| c.dynamic_registration).unwrap_or(false),
        configuration_registration: w
            .did_change_configuration
            .as_ref()
            .and_then(|c| c.dynamic_registration)
            .unwrap_or(false),
        configuration: w.configuration.unwrap_or(false),
        inlay_hint_refresh: w.inlay_hint.as_ref().and_then(|c| c.refresh_support).unwrap_or(false),
        semantic_tokens_refresh: w.semantic_tokens.as_ref().and_then(|c| c.refresh_support).unwrap_or(false),
        code_lens_refresh: w.code_lens.as_ref().and_then(|c| c.refresh_support).unwrap_or(false),
    }
}

fn view_caps(caps: &ClientCapabilities) -> ViewCaps {
    let text = caps.text_document.as_ref();
    let commands = caps.experimental.as_ref().and_then(|e| e.pointer("/commands/commands")).and_then(Value::as_array);
    ViewCaps {
        hierarchical_symbols: text
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|d| d.hierarchical_document_symbol_support)
            .unwrap_or(false),
        show_references: commands.is_some_and(|c| c.iter().any(|c| c.as_str() == Some(SHOW_REFERENCES))),
    }
}

pub fn server_capabilities(session: &Session) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(encoding_kind(session.encoding)),
        // Folders may come and go while the server runs.
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
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
            OneOf::Right(RenameOptions { prepare_provider: Some(true), work_done_progress_options: Default::default() })
        } else {
            OneOf::Left(true)
        }),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(TRIGGER_CHARACTERS.iter().map(|c| c.to_string()).collect()),
            ..Default::default()
        }),
        diagnostic_provider: Some(DiagnosticServerCapabilities::Options(DiagnosticOptions {
            identifier: Some("seedls".to_string()),
            // A registry edit changes the diagnostics of every article mentioning its ids.
            inter_file_dependencies: true,
            workspace_diagnostics: true,
            ..Default::default()
        })),
        semantic_tokens_provider: Some(semantic_tokens()),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        document_link_provider: Some(DocumentLinkOptions {
            resolve_provider: Some(false),
            work_done_progress_options: Default::default(),
        }),
        inlay_hint_provider: Some(OneOf::Left(true)),
        // Resolved lazily: counting every row's uses would make a large registry slow to open.
        code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(true) }),
        ..Default::default()
    }
}

/// Every standard token type, in [`TOKEN_TYPES`] order (a highlight's index is its legend
/// index): a custom schema may name any of them, and the legend is fixed at `initialize`.
fn semantic_tokens() -> SemanticTokensServerCapabilities {
    SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
        legend: SemanticTokensLegend {
            token_types: TOKEN_TYPES.iter().map(|&t| SemanticTokenType::new(t)).collect(),
            token_modifiers: Vec::new(),
        },
        range: Some(true),
        full: Some(SemanticTokensFullOptions::Delta { delta: Some(true) }),
        ..Default::default()
    })
}
