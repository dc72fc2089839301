//! Server settings, from `initializationOptions` and `workspace/configuration` (section `aiwg`).
//! Every key is documented in the README's "Settings" table.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Deserialize;

use crate::analysis::{Code, Severity};

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The aiwg install root; else `$AIWG_ROOT`, `~/.local/share/ai-writing-guide`, …
    pub aiwg_root: Option<PathBuf>,
    /// Globs (relative to each workspace folder) of files and folders not to index.
    pub exclude: Vec<String>,
    /// Per-code severity: `error`, `warning`, `info`, `hint` or `off`.
    pub diagnostics: HashMap<String, String>,
    /// Milliseconds to wait after a change before publishing diagnostics.
    pub diagnostics_delay_ms: Option<u64>,
    /// Offer pull diagnostics (`textDocument/diagnostic`) instead of pushing them, when the
    /// client supports both. Off by default: every client handles pushed diagnostics, and a
    /// server that does both shows each diagnostic twice in some clients.
    pub pull_diagnostics: bool,
}

impl Settings {
    /// Reads settings from a JSON value that is either the `aiwg` section itself or an object
    /// holding it (`{"aiwg": {...}}`, as `initializationOptions` often are). Unknown keys and
    /// ill-typed values are ignored rather than rejected, so one typo does not lose the rest.
    pub fn from_json(value: &serde_json::Value) -> Settings {
        let section = value.get("aiwg").unwrap_or(value);
        match serde_json::from_value::<Settings>(section.clone()) {
            Ok(settings) => settings,
            Err(err) => {
                tracing::warn!("ignoring malformed aiwg settings: {err}");
                Settings::default()
            }
        }
    }

    /// Severity overrides by code; `None` turns a code off. Unknown codes are logged.
    pub fn severity_overrides(&self) -> HashMap<Code, Option<Severity>> {
        let mut overrides = HashMap::new();
        for (name, level) in &self.diagnostics {
            let Some(code) = Code::from_name(name) else {
                tracing::warn!("unknown diagnostic code in settings: {name}");
                continue;
            };
            let severity = match level.as_str() {
                "error" => Some(Severity::Error),
                "warning" => Some(Severity::Warning),
                "info" | "information" => Some(Severity::Information),
                "hint" => Some(Severity::Hint),
                "off" | "none" => None,
                other => {
                    tracing::warn!("unknown severity {other:?} for {name}");
                    continue;
                }
            };
            overrides.insert(code, severity);
        }
        overrides
    }

    pub fn diagnostics_delay(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.diagnostics_delay_ms.unwrap_or(100).min(5_000))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_nested_or_bare_sections_and_tolerates_junk() {
        let nested =
            Settings::from_json(&serde_json::json!({"aiwg": {"aiwgRoot": "/opt/aiwg", "exclude": ["dist/**"]}}));
        assert_eq!(nested.aiwg_root, Some(PathBuf::from("/opt/aiwg")));
        assert_eq!(nested.exclude, ["dist/**"]);
        let bare = Settings::from_json(&serde_json::json!({"diagnostics": {"broken-anchor": "off", "nope": "error"}}));
        let overrides = bare.severity_overrides();
        assert_eq!(overrides.get(&Code::BrokenAnchor), Some(&None));
        assert_eq!(overrides.len(), 1);
        assert_eq!(Settings::from_json(&serde_json::json!({"exclude": 3})), Settings::default());
        assert_eq!(Settings::from_json(&serde_json::Value::Null), Settings::default());
    }
}
