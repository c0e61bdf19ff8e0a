//! The refresh requests that make the client ask again (`workspace/diagnostic/refresh`,
//! `workspace/inlayHint/refresh`, …) after the corpus or the settings changed.

use tower_lsp_server::Client;
use tower_lsp_server::ls_types::ServerCapabilities;

use crate::lsp::caps::{self, Session};

/// What the client should ask for again after the corpus or the settings changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Refresh {
    pub diagnostics: bool,
    pub inlay_hints: bool,
    pub semantic_tokens: bool,
    pub code_lens: bool,
}

impl Refresh {
    /// A change to the corpus: any of these can depend on another file (the registry gives
    /// names and counts, the schema gives token types).
    pub const CORPUS: Refresh =
        Refresh { diagnostics: true, inlay_hints: true, semantic_tokens: true, code_lens: true };

    pub fn any(self) -> bool {
        self.diagnostics || self.inlay_hints || self.semantic_tokens || self.code_lens
    }
}

/// The refresh requests to send: only those the client supports, for features the server
/// advertises (a refresh of a feature the client never asked for is noise).
pub fn refresh_requests(session: &Session, advertised: &ServerCapabilities, what: Refresh) -> Vec<&'static str> {
    let caps = &session.workspace;
    let mut out = Vec::new();
    if what.diagnostics && session.workspace_diagnostic_refresh && advertised.diagnostic_provider.is_some() {
        out.push("workspace/diagnostic/refresh");
    }
    if what.inlay_hints && caps.inlay_hint_refresh && advertised.inlay_hint_provider.is_some() {
        out.push("workspace/inlayHint/refresh");
    }
    if what.semantic_tokens && caps.semantic_tokens_refresh && advertised.semantic_tokens_provider.is_some() {
        out.push("workspace/semanticTokens/refresh");
    }
    if what.code_lens && caps.code_lens_refresh && advertised.code_lens_provider.is_some() {
        out.push("workspace/codeLens/refresh");
    }
    out
}

/// Sends the refresh requests from a task of their own: a client slow to answer them must not
/// hold up anything else.
pub fn refresh(client: &Client, session: &Session, what: Refresh) {
    if !what.any() {
        return;
    }
    let requests = refresh_requests(session, &caps::server_capabilities(session), what);
    if requests.is_empty() {
        return;
    }
    // A task each: one the client answers late or never must not hold back the others.
    for method in requests {
        let client = client.clone();
        tokio::spawn(async move {
            // The answer carries nothing; an error only means the client will not refresh.
            let _ = match method {
                "workspace/diagnostic/refresh" => client.workspace_diagnostic_refresh().await,
                "workspace/inlayHint/refresh" => client.inlay_hint_refresh().await,
                "workspace/semanticTokens/refresh" => client.semantic_tokens_refresh().await,
                _ => client.code_lens_refresh().await,
            };
        });
    }
}

#[cfg(test)]
mod tests {
    use tower_lsp_server::ls_types::OneOf;

    use super::*;

    #[test]
    fn refreshes_only_what_the_client_supports_and_the_server_advertises() {
        let mut session = Session::default();
        let mut advertised = caps::server_capabilities(&session);
        // Whatever the server advertises today, this test decides.
        advertised.inlay_hint_provider = None;
        assert!(refresh_requests(&session, &advertised, Refresh::CORPUS).is_empty());
        session.workspace_diagnostic_refresh = true;
        session.workspace.inlay_hint_refresh = true;
        assert_eq!(refresh_requests(&session, &advertised, Refresh::CORPUS), ["workspace/diagnostic/refresh"]);
        advertised.inlay_hint_provider = Some(OneOf::Left(true));
        assert_eq!(
            refresh_requests(&session, &advertised, Refresh::CORPUS),
            ["workspace/diagnostic/refresh", "workspace/inlayHint/refresh"]
        );
        let settings_only = Refresh { inlay_hints: true, ..Refresh::default() };
        assert_eq!(refresh_requests(&session, &advertised, settings_only), ["workspace/inlayHint/refresh"]);
    }
}
