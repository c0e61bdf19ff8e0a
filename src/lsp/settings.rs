//! User settings (SPEC §8) from `initializationOptions`, `workspace/didChangeConfiguration` and
//! `workspace/configuration`. Clients send either `{"seedls": {...}}` or the bare section.
//!
//! A section is complete: a key left out takes its default, so removing a setting in the
//! editor turns it back to the default rather than keeping the last value.

use std::sync::{Arc, RwLock};

use serde_json::{Map, Value};
use tokio::sync::Notify;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{ConfigurationItem, MessageType};

use crate::diagnostic::Code;
use crate::lsp::learning;
use crate::lsp::refresh::{Refresh, refresh};
use crate::lsp::state::{Settings, State, read_state, write_state};

pub const SECTION: &str = "seedls";

/// The keys of the section, as editors spell them.
const KEYS: [&str; 3] = ["untaggedAliasHints", "inlayHints", "suggestions"];

/// Our section of a settings object: under `seedls`, or the object itself when it carries our
/// keys. None when there is nothing for us (null, `{}`, another tool's settings).
pub fn section(value: &Value) -> Option<&Map<String, Value>> {
    let object = value.as_object()?;
    match object.get(SECTION) {
        Some(inner) => inner.as_object(),
        None => (KEYS.iter().any(|k| object.contains_key(*k)) || object.keys().any(|k| k.starts_with("suggestions.")))
            .then_some(object),
    }
}

/// Settings from a complete section. A value of the wrong type is reported and left at its
/// default; unknown keys are ignored (the editor's section also holds client-side settings,
/// such as the server's path).
pub fn parse(section: &Map<String, Value>) -> (Settings, Vec<String>) {
    let mut settings = Settings::default();
    let mut warnings = Vec::new();
    // `suggestions` is an object (`{"enabled": …, "minScore": …}`), or its keys come dotted.
    let nested = section.get("suggestions").and_then(Value::as_object);
    let suggestions = nested.into_iter().flatten().map(|(k, v)| (format!("suggestions.{k}"), v));
    let keys = section.iter().map(|(k, v)| (k.clone(), v)).chain(suggestions);
    for (key, value) in keys {
        let slot = match key.as_str() {
            "untaggedAliasHints" => &mut settings.untagged_alias_hints,
            "inlayHints" => &mut settings.inlay_hints,
            "suggestions.enabled" => &mut settings.suggestions,
            "suggestions.minScore" => {
                match value.as_f64().filter(|x| (0.0..=1.0).contains(x)) {
                    Some(x) => settings.thresholds.min_score = x,
                    None if value.is_null() => {}
                    None => warnings
                        .push(format!("seedls: setting `{SECTION}.{key}` must be a number from 0 to 1, not {value}")),
                }
                continue;
            }
            "suggestions.minCount" => {
                match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
                    Some(n) => settings.thresholds.min_count = n,
                    None if value.is_null() => {}
                    None => {
                        warnings.push(format!("seedls: setting `{SECTION}.{key}` must be a whole number, not {value}"))
                    }
                }
                continue;
            }
            _ => continue,
        };
        match value {
            Value::Bool(b) => *slot = *b,
            Value::Null => {}
            other => warnings.push(format!("seedls: setting `{SECTION}.{key}` must be true or false, not {other}")),
        }
    }
    (settings, warnings)
}

/// The settings `initializationOptions` give, with warnings to log once the client listens.
pub fn initial(options: Option<&Value>) -> (Settings, Vec<String>) {
    options.and_then(section).map(parse).unwrap_or_default()
}

/// Whether diagnostics with this code are shown under the settings.
pub fn shows(settings: &Settings, code: Code) -> bool {
    code != Code::A011 || settings.untagged_alias_hints
}

/// Installs new settings and says what the client must ask for again.
pub fn apply(st: &mut State, settings: Settings) -> Refresh {
    let what = Refresh {
        diagnostics: st.settings.untagged_alias_hints != settings.untagged_alias_hints
            || st.settings.suggestions != settings.suggestions
            || st.settings.thresholds != settings.thresholds,
        inlay_hints: st.settings.inlay_hints != settings.inlay_hints,
        ..Refresh::default()
    };
    if what.diagnostics {
        // Pushed diagnostics are recomputed for every open document at a new generation.
        st.generation += 1;
    }
    st.settings = settings;
    what
}

/// What a `workspace/didChangeConfiguration` asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Change {
    /// New settings were installed.
    Applied(Refresh, Vec<String>),
    /// The notification carried nothing for us: pull the section (change number given).
    Pull(u64),
    /// Nothing for us, and the client cannot be asked.
    Nothing,
}

pub fn changed_configuration(st: &mut State, settings: &Value) -> Change {
    match section(settings) {
        Some(section) => {
            // Any pull still in flight answers an older question.
            st.tracking.settings_changes += 1;
            let (settings, warnings) = parse(section);
            Change::Applied(apply(st, settings), warnings)
        }
        None if st.session.workspace.configuration => {
            st.tracking.settings_changes += 1;
            Change::Pull(st.tracking.settings_changes)
        }
        None => Change::Nothing,
    }
}

/// What follows a `workspace/didChangeConfiguration`: refreshes and warnings for settings
/// installed, or the pull, each in a task of its own.
pub fn follow_up(client: &Client, state: &Arc<RwLock<State>>, wake: &Arc<Notify>, change: Change) {
    match change {
        Change::Applied(what, warnings) => {
            let session = read_state(state).session.clone();
            learning::toggled(client, state, wake);
            refresh(client, &session, what);
            if !warnings.is_empty() {
                let client = client.clone();
                tokio::spawn(async move {
                    for w in warnings {
                        client.log_message(MessageType::WARNING, w).await;
                    }
                });
            }
        }
        Change::Pull(change) => {
            tokio::spawn(pull(client.clone(), state.clone(), wake.clone(), change));
        }
        Change::Nothing => {}
    }
}

/// Pulls our section with `workspace/configuration` and installs it, unless a newer change
/// arrived meanwhile. Runs in a task of its own: the client may take its time, or never answer.
pub async fn pull(client: Client, state: Arc<RwLock<State>>, wake: Arc<Notify>, change: u64) {
    let item = ConfigurationItem { scope_uri: None, section: Some(SECTION.to_string()) };
    let value = match client.configuration(vec![item]).await {
        Ok(mut values) if !values.is_empty() => values.swap_remove(0),
        Ok(_) => return,
        Err(err) => {
            let message = format!("seedls: could not read the settings: {}", err.message);
            client.log_message(MessageType::WARNING, message).await;
            return;
        }
    };
    // Null: the client has no settings for us, so ours stand. An object is the whole section
    // (`{}`: every default); some clients answer with the enclosing object.
    let Some(object) = value.as_object() else { return };
    let section = object.get(SECTION).and_then(Value::as_object).unwrap_or(object);
    let (settings, warnings) = parse(section);
    let applied = {
        let mut st = write_state(&state);
        (st.tracking.settings_changes == change).then(|| (apply(&mut st, settings), st.session.clone()))
    };
    let Some((what, session)) = applied else { return };
    learning::toggled(&client, &state, &wake);
    wake.notify_one();
    refresh(&client, &session, what);
    for w in warnings {
        client.log_message(MessageType::WARNING, w).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings(value: Value) -> Option<(Settings, Vec<String>)> {
        section(&value).map(parse)
    }

    #[test]
    fn nested_and_flat_sections_and_defaults_for_missing_keys() {
        let off = Settings { untagged_alias_hints: false, ..Settings::default() };
        assert_eq!(settings(json!({"seedls": {"untaggedAliasHints": false}})), Some((off.clone(), vec![])));
        assert_eq!(settings(json!({"untaggedAliasHints": false})), Some((off, vec![])));
        let both = Settings { untagged_alias_hints: false, inlay_hints: false, ..Settings::default() };
        assert_eq!(settings(json!({"seedls": {"untaggedAliasHints": false, "inlayHints": false}})).unwrap().0, both);
        // An explicit empty section is every default.
        assert_eq!(settings(json!({"seedls": {}})), Some((Settings::default(), vec![])));
        // Client-side keys of the section are not ours to judge.
        assert_eq!(settings(json!({"seedls": {"path": "/bin/seedls", "inlayHints": true}})).unwrap().1, [""; 0]);
    }

    #[test]
    fn suggestions_nested_or_dotted() {
        let (s, warnings) =
            settings(json!({"seedls": {"suggestions": {"enabled": false, "minScore": 0.75, "minCount": 3}}})).unwrap();
        assert_eq!(
            (s.suggestions, s.thresholds.min_score, s.thresholds.min_count, warnings.len()),
            (false, 0.75, 3, 0)
        );
        let (s, _) = settings(json!({"suggestions.minScore": 0.25})).unwrap();
        assert_eq!((s.suggestions, s.thresholds.min_score), (false, 0.25));
        let (s, warnings) = settings(json!({"seedls": {"suggestions": {"minScore": 2, "minCount": -1}}})).unwrap();
        assert_eq!(s.thresholds, crate::learn::Thresholds::default());
        assert_eq!(warnings.len(), 2);
    }

    #[test]
    fn nothing_for_us_means_pull() {
        for value in [json!(null), json!({}), json!([]), json!({"other": {"x": 1}}), json!({"seedls": null})] {
            assert_eq!(section(&value), None, "{value}");
        }
    }

    #[test]
    fn wrong_types_warn_and_keep_the_default() {
        let (s, warnings) = settings(json!({"untaggedAliasHints": "no", "inlayHints": false})).unwrap();
        assert_eq!(s, Settings { inlay_hints: false, ..Settings::default() });
        assert_eq!(warnings, ["seedls: setting `seedls.untaggedAliasHints` must be true or false, not \"no\""]);
        assert_eq!(initial(None), (Settings::default(), vec![]));
        assert!(!initial(Some(&json!({"inlayHints": false}))).0.inlay_hints);
    }

    #[test]
    fn only_the_a011_setting_hides_a011() {
        let off = Settings { untagged_alias_hints: false, ..Settings::default() };
        assert!(!shows(&off, Code::A011));
        assert!(shows(&off, Code::A005));
        assert!(shows(&Settings::default(), Code::A011));
    }
}
