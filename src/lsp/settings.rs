//! Server settings: the raw `aiwg` section from `initializationOptions` and from
//! `workspace/configuration`, resolved once per change into typed values. Every key is validated
//! on its own, so a bad key costs that key and one warning naming it; paths get `~` and `$VAR`
//! expanded; and every value remembers where it came from, so features that run programs can
//! take them only from the user's own configuration. Every key is documented in the README's
//! "Settings" table.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Map, Value};

use crate::agent::backend::Backend;
use crate::analysis::{Code, Severity};
use crate::model::adr::AdrTemplate;

/// Where a value came from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Source {
    /// Nothing set it.
    #[default]
    Default,
    /// `initializationOptions`: written in the user's own editor setup (VS Code passes its
    /// user-level settings here), so trusted.
    InitializationOptions,
    /// `workspace/configuration` or `didChangeConfiguration`: may come from settings files inside
    /// the workspace (`.vscode/settings.json`, a project-local Neovim config), so not trusted.
    Configuration,
}

impl Source {
    /// Whether a value from here may choose a program to run or a place to read.
    pub fn is_trusted(self) -> bool {
        self != Source::Configuration
    }
}

/// A resolved value and its origin.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Setting<T> {
    pub(crate) value: T,
    pub(crate) source: Source,
}

/// The aiwg root the user asked for, checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) enum AiwgRootSetting {
    /// Not set: discovered (`$AIWG_ROOT`, `~/.local/share/ai-writing-guide`, …).
    #[default]
    Discover,
    /// Set, expanded and absolute.
    Path(PathBuf),
    /// Set to something unusable; the text says what and why.
    Invalid(String),
}

/// The settings as features use them. Built by [`Settings::resolve`] when they change, never
/// re-parsed on the way to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Settings {
    pub(crate) aiwg_root: Setting<AiwgRootSetting>,
    /// Globs (relative to each workspace folder) of files and folders not to index.
    pub(crate) exclude: Setting<Vec<String>>,
    /// Severity per code; `None` turns a code off. Codes left out keep their defaults.
    pub(crate) severities: Setting<HashMap<Code, Option<Severity>>>,
    /// How long to wait after a change before publishing diagnostics.
    pub(crate) diagnostics_delay: Setting<Duration>,
    /// Offer pull diagnostics instead of pushing them, when the client supports both. Off by
    /// default: every client handles pushed diagnostics, and a server that does both shows each
    /// diagnostic twice in some clients.
    pub(crate) pull_diagnostics: Setting<bool>,
    /// Show an ADR's title and status after each mention of its ID.
    pub(crate) inlay_hints: Setting<bool>,
    /// Push every workspace document's diagnostics, not only open documents' (for clients that
    /// do not pull `workspace/diagnostic`).
    pub(crate) workspace_diagnostics: Setting<bool>,
    /// The template of a new ADR when the workspace's ADRs do not decide it; `None` for "auto".
    pub(crate) adr_template: Setting<Option<AdrTemplate>>,
    pub(crate) agent: AgentSettings,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            aiwg_root: Setting::default(),
            exclude: Setting::default(),
            severities: Setting::default(),
            diagnostics_delay: Setting { value: DEFAULT_DIAGNOSTICS_DELAY, source: Source::Default },
            pull_diagnostics: Setting::default(),
            inlay_hints: Setting { value: true, source: Source::Default },
            workspace_diagnostics: Setting::default(),
            adr_template: Setting::default(),
            agent: AgentSettings::default(),
        }
    }
}

const DEFAULT_DIAGNOSTICS_DELAY: Duration = Duration::from_millis(100);
const MAX_DIAGNOSTICS_DELAY_MS: u64 = 5_000;

/// The keys of the `aiwg` section, as the README documents them.
pub const KEYS: [&str; 9] = [
    "aiwgRoot",
    "exclude",
    "diagnostics",
    "diagnosticsDelayMs",
    "pullDiagnostics",
    "workspaceDiagnostics",
    "inlayHints",
    "adrTemplate",
    "agent",
];

/// The keys of `aiwg.agent`.
pub const AGENT_KEYS: [&str; 6] =
    ["backend", "command", "timeoutSeconds", "maxOutputBytes", "promptBudgetBytes", "agents"];

/// How sections are drafted (`aiwg.agent`). `backend` and `command` choose a program to run, so
/// they are taken only from a trusted source ([`Source::is_trusted`]): a workspace layer never
/// sets them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AgentSettings {
    pub(crate) backend: Setting<Backend>,
    pub(crate) command: Setting<Vec<String>>,
    pub(crate) timeout: Duration,
    pub(crate) max_output: usize,
    pub(crate) prompt_budget: usize,
    /// Artifact kind (`adr`, `test`…) → agent basename.
    pub(crate) agents: HashMap<String, String>,
}

impl Default for AgentSettings {
    fn default() -> Self {
        AgentSettings {
            backend: Setting::default(),
            command: Setting::default(),
            timeout: Duration::from_secs(300),
            max_output: 256 * 1024,
            prompt_budget: crate::agent::prompt::DEFAULT_BUDGET,
            agents: HashMap::new(),
        }
    }
}

/// The raw sections settings are resolved from, kept so that a change to one layer resolves
/// again with the other.
#[derive(Clone, Debug, Default)]
pub(crate) struct RawSettings {
    pub(crate) initialization_options: Option<Value>,
    pub(crate) configuration: Option<Value>,
}

/// Resolved settings and the warnings resolving them produced, one per bad key.
#[derive(Clone, Debug, Default)]
pub(crate) struct Resolved {
    pub(crate) settings: Settings,
    pub(crate) warnings: Vec<String>,
}

impl Settings {
    /// Resolves both layers, the configuration's keys over the initialization options'. `vars`
    /// looks up environment variables for `~` and `$VAR` in paths (the caller passes the real
    /// environment; tests pass their own).
    pub(crate) fn resolve(raw: &RawSettings, vars: &dyn Fn(&str) -> Option<String>) -> Resolved {
        let mut resolved = Resolved::default();
        let layers = [
            (Source::InitializationOptions, raw.initialization_options.as_ref()),
            (Source::Configuration, raw.configuration.as_ref()),
        ];
        for (source, value) in layers {
            let Some(value) = value else { continue };
            let Some(section) = section(value) else {
                if !value.is_null() {
                    resolved.warnings.push(format!("the aiwg settings must be an object, not {}", type_name(value)));
                }
                continue;
            };
            resolved.apply_layer(section, source, vars);
        }
        resolved
    }

    pub(crate) fn severity_overrides(&self) -> &HashMap<Code, Option<Severity>> {
        &self.severities.value
    }

    pub(crate) fn diagnostics_delay(&self) -> Duration {
        self.diagnostics_delay.value
    }

    /// Whether a change from `self` to `next` needs the folders indexed again.
    pub(crate) fn needs_reindex(&self, next: &Settings) -> bool {
        self.aiwg_root.value != next.aiwg_root.value || self.exclude.value != next.exclude.value
    }
}

/// The `aiwg` section: either the value itself or `{"aiwg": {...}}` (how `initializationOptions`
/// are often written).
fn section(value: &Value) -> Option<&Map<String, Value>> {
    let object = value.as_object()?;
    match object.get("aiwg") {
        Some(inner) => inner.as_object(),
        None => Some(object),
    }
}

impl Resolved {
    fn apply_layer(&mut self, section: &Map<String, Value>, source: Source, vars: &dyn Fn(&str) -> Option<String>) {
        for (key, value) in section {
            if value.is_null() {
                continue; // Unset in this layer.
            }
            let outcome = match key.as_str() {
                "aiwgRoot" => aiwg_root(value, vars).map(|v| self.settings.aiwg_root = Setting { value: v, source }),
                "exclude" => exclude(value).map(|v| self.settings.exclude = Setting { value: v, source }),
                "diagnostics" => severities(value).map(|(v, unknown)| {
                    self.settings.severities = Setting { value: v, source };
                    self.warnings.extend(unknown);
                }),
                "diagnosticsDelayMs" => value
                    .as_u64()
                    .map(|ms| {
                        let value = Duration::from_millis(ms.min(MAX_DIAGNOSTICS_DELAY_MS));
                        self.settings.diagnostics_delay = Setting { value, source };
                    })
                    .ok_or_else(|| format!("expected a number of milliseconds, not {}", type_name(value))),
                "pullDiagnostics" => value
                    .as_bool()
                    .map(|v| self.settings.pull_diagnostics = Setting { value: v, source })
                    .ok_or_else(|| format!("expected true or false, not {}", type_name(value))),
                "workspaceDiagnostics" => value
                    .as_bool()
                    .map(|v| self.settings.workspace_diagnostics = Setting { value: v, source })
                    .ok_or_else(|| format!("expected true or false, not {}", type_name(value))),
                "inlayHints" => value
                    .as_bool()
                    .map(|v| self.settings.inlay_hints = Setting { value: v, source })
                    .ok_or_else(|| format!("expected true or false, not {}", type_name(value))),
                "adrTemplate" => value
                    .as_str()
                    .and_then(|name| if name == "auto" { Some(None) } else { AdrTemplate::from_name(name).map(Some) })
                    .map(|v| self.settings.adr_template = Setting { value: v, source })
                    .ok_or_else(|| format!("expected auto, aiwg, tot, madr or nygard, not {value}")),
                "agent" => match value.as_object() {
                    Some(agent) => {
                        self.apply_agent(agent, source);
                        Ok(())
                    }
                    None => Err(format!("expected an object, not {}", type_name(value))),
                },
                _ => {
                    self.warnings.push(format!("unknown setting aiwg.{key} (known: {})", KEYS.join(", ")));
                    continue;
                }
            };
            if let Err(why) = outcome {
                self.warnings.push(format!("ignoring aiwg.{key}: {why}"));
            }
        }
    }
}

impl Resolved {
    /// `aiwg.agent`. A backend or command from workspace configuration is kept with its source,
    /// which makes features ignore it, and the user is told.
    fn apply_agent(&mut self, section: &Map<String, Value>, source: Source) {
        for (key, value) in section {
            if value.is_null() {
                continue;
            }
            if !source.is_trusted() && (key == "backend" || key == "command") {
                // Never from the workspace; the same value repeated from the user's own settings
                // (VS Code sends both layers merged) needs no warning.
                let same = match key.as_str() {
                    "backend" => value.as_str() == Some(self.settings.agent.backend.value.name()),
                    _ => value.as_array().is_some_and(|items| {
                        items.iter().map(Value::as_str).collect::<Vec<_>>()
                            == self.settings.agent.command.value.iter().map(|s| Some(s.as_str())).collect::<Vec<_>>()
                    }),
                };
                if !same {
                    self.warnings.push(format!(
                        "aiwg.agent.{key} from workspace settings is ignored: an agent program is taken only from your \
                         own editor or user settings"
                    ));
                }
                continue;
            }
            let positive = |value: &Value| {
                value.as_u64().filter(|n| *n > 0).ok_or_else(|| format!("expected a positive number, not {value}"))
            };
            let outcome: Result<(), String> = match key.as_str() {
                "backend" => value
                    .as_str()
                    .and_then(Backend::from_name)
                    .map(|b| self.settings.agent.backend = Setting { value: b, source })
                    .ok_or_else(|| format!("expected one of {}, not {value}", Backend::NAMES.join(", "))),
                "command" => match value
                    .as_array()
                    .map(|items| items.iter().map(|i| i.as_str().map(str::to_string)).collect::<Option<Vec<_>>>())
                {
                    Some(Some(argv)) if !argv.is_empty() => {
                        self.settings.agent.command = Setting { value: argv, source };
                        Ok(())
                    }
                    _ => Err("expected a non-empty list of strings (the program, then its arguments)".to_string()),
                },
                "timeoutSeconds" => {
                    positive(value).map(|n| self.settings.agent.timeout = Duration::from_secs(n.min(3600)))
                }
                "maxOutputBytes" => positive(value).map(|n| self.settings.agent.max_output = n.min(16 << 20) as usize),
                "promptBudgetBytes" => {
                    positive(value).map(|n| self.settings.agent.prompt_budget = n.min(4 << 20) as usize)
                }
                "agents" => match value.as_object() {
                    Some(map) => {
                        for (kind, agent) in map {
                            match agent.as_str() {
                                Some(name) if crate::agent::roster::KINDS.contains(&kind.as_str()) => {
                                    self.settings.agent.agents.insert(kind.clone(), name.to_string());
                                }
                                _ => self.warnings.push(format!(
                                    "ignoring aiwg.agent.agents.{kind}: kinds are {} and agents are names",
                                    crate::agent::roster::KINDS.join(", ")
                                )),
                            }
                        }
                        Ok(())
                    }
                    None => Err(format!("expected an object of kind → agent, not {}", type_name(value))),
                },
                _ => Err(format!("unknown key (known: {})", AGENT_KEYS.join(", "))),
            };
            if let Err(why) = outcome {
                self.warnings.push(format!("ignoring aiwg.agent.{key}: {why}"));
            }
        }
    }
}

fn aiwg_root(value: &Value, vars: &dyn Fn(&str) -> Option<String>) -> Result<AiwgRootSetting, String> {
    let written = value.as_str().ok_or_else(|| format!("expected a path, not {}", type_name(value)))?;
    if written.trim().is_empty() {
        return Ok(AiwgRootSetting::Discover);
    }
    let expanded = match expand_path(written, vars) {
        Ok(path) => path,
        Err(why) => return Ok(AiwgRootSetting::Invalid(format!("the aiwgRoot setting `{written}` {why}"))),
    };
    if !expanded.is_absolute() {
        return Ok(AiwgRootSetting::Invalid(format!("the aiwgRoot setting `{written}` is not an absolute path")));
    }
    Ok(AiwgRootSetting::Path(expanded))
}

fn exclude(value: &Value) -> Result<Vec<String>, String> {
    let Some(items) = value.as_array() else {
        return Err(format!("expected a list of globs, not {}", type_name(value)));
    };
    items
        .iter()
        .map(|item| item.as_str().map(str::to_string).ok_or_else(|| format!("a glob is {}", type_name(item))))
        .collect()
}

/// `diagnostics`: code → `error` | `warning` | `info` | `hint` | `off`. An empty list counts as
/// an empty object, because Lua has one kind of table and Neovim encodes `{}` as `[]`. Unknown
/// codes and levels cost that entry only.
#[allow(clippy::type_complexity)]
fn severities(value: &Value) -> Result<(HashMap<Code, Option<Severity>>, Vec<String>), String> {
    if value.as_array().is_some_and(Vec::is_empty) {
        return Ok((HashMap::new(), Vec::new()));
    }
    let Some(entries) = value.as_object() else {
        return Err(format!("expected an object of diagnostic code → severity, not {}", type_name(value)));
    };
    let mut overrides = HashMap::new();
    let mut warnings = Vec::new();
    for (name, level) in entries {
        let Some(code) = Code::from_name(name) else {
            warnings.push(format!("ignoring aiwg.diagnostics.{name}: no diagnostic has that code"));
            continue;
        };
        let severity = match level.as_str() {
            Some("error") => Some(Severity::Error),
            Some("warning") => Some(Severity::Warning),
            Some("info" | "information") => Some(Severity::Information),
            Some("hint") => Some(Severity::Hint),
            Some("off" | "none") => None,
            _ => {
                warnings.push(format!(
                    "ignoring aiwg.diagnostics.{name}: expected error, warning, info, hint or off, not {level}"
                ));
                continue;
            }
        };
        overrides.insert(code, severity);
    }
    Ok((overrides, warnings))
}

/// Expands a leading `~` or `~/` and every `$VAR` or `${VAR}` in a path. An unset variable is an
/// error rather than an empty string, so `$AIWG_HOME/x` never silently becomes `/x`.
pub(crate) fn expand_path(written: &str, vars: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, String> {
    let mut out = String::new();
    let rest = if written == "~" || written.starts_with("~/") {
        out.push_str(&vars("HOME").ok_or("starts with `~` but HOME is not set")?);
        &written[1..]
    } else {
        written
    };
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        let braced = chars.peek().is_some_and(|&(_, c)| c == '{');
        let start = if braced { i + 2 } else { i + 1 };
        let end = if braced {
            match rest[start..].find('}') {
                Some(close) => start + close,
                None => return Err("has an unclosed `${`".into()),
            }
        } else {
            rest[start..].find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).map_or(rest.len(), |n| start + n)
        };
        let name = &rest[start..end];
        if name.is_empty() {
            out.push('$');
            continue;
        }
        out.push_str(&vars(name).ok_or_else(|| format!("names ${name}, which is not set"))?);
        let resume = if braced { end + 1 } else { end };
        while chars.peek().is_some_and(|&(j, _)| j < resume) {
            chars.next();
        }
    }
    Ok(PathBuf::from(out))
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars(name: &str) -> Option<String> {
        match name {
            "HOME" => Some("/home/ada".into()),
            "AIWG_HOME" => Some("/opt/aiwg".into()),
            _ => None,
        }
    }

    fn resolve(init: Option<Value>, configuration: Option<Value>) -> Resolved {
        Settings::resolve(&RawSettings { initialization_options: init, configuration }, &vars)
    }

    #[test]
    fn one_bad_key_costs_only_that_key() {
        // Neovim sends `diagnostics = {}` as `[]`, and a typo elsewhere must not drop aiwgRoot.
        let resolved = resolve(
            Some(json!({"aiwg": {"aiwgRoot": "~/aiwg", "diagnostics": [], "exclude": "dist", "colour": 1}})),
            None,
        );
        let settings = &resolved.settings;
        assert_eq!(settings.aiwg_root.value, AiwgRootSetting::Path("/home/ada/aiwg".into()));
        assert_eq!(settings.aiwg_root.source, Source::InitializationOptions);
        assert!(settings.severities.value.is_empty());
        assert!(settings.exclude.value.is_empty());
        assert_eq!(
            resolved.warnings,
            [
                "unknown setting aiwg.colour (known: aiwgRoot, exclude, diagnostics, diagnosticsDelayMs, pullDiagnostics, workspaceDiagnostics, inlayHints, adrTemplate, agent)",
                "ignoring aiwg.exclude: expected a list of globs, not a string",
            ]
        );
    }

    #[test]
    fn configuration_wins_key_by_key_and_is_not_trusted() {
        let resolved = resolve(
            Some(json!({"aiwgRoot": "/opt/a", "diagnosticsDelayMs": 7})),
            Some(json!({"aiwgRoot": "${AIWG_HOME}/b", "diagnostics": {"broken-anchor": "off", "nope": "error"}})),
        );
        let settings = &resolved.settings;
        assert_eq!(settings.aiwg_root.value, AiwgRootSetting::Path("/opt/aiwg/b".into()));
        assert!(!settings.aiwg_root.source.is_trusted());
        assert_eq!(settings.diagnostics_delay.value, Duration::from_millis(7));
        assert!(settings.diagnostics_delay.source.is_trusted());
        assert_eq!(settings.severities.value.get(&Code::BrokenAnchor), Some(&None));
        assert_eq!(resolved.warnings, ["ignoring aiwg.diagnostics.nope: no diagnostic has that code"]);
    }

    #[test]
    fn an_unusable_root_is_invalid_not_missing() {
        let invalid = |written: &str| resolve(Some(json!({"aiwgRoot": written})), None).settings.aiwg_root.value;
        assert_eq!(
            invalid("$NOPE/aiwg"),
            AiwgRootSetting::Invalid("the aiwgRoot setting `$NOPE/aiwg` names $NOPE, which is not set".into())
        );
        assert_eq!(
            invalid("relative/aiwg"),
            AiwgRootSetting::Invalid("the aiwgRoot setting `relative/aiwg` is not an absolute path".into())
        );
        assert_eq!(invalid(""), AiwgRootSetting::Discover);
    }

    #[test]
    fn expands_home_and_variables() {
        let expand = |s: &str| expand_path(s, &vars).map(|p| p.display().to_string());
        assert_eq!(expand("~").as_deref(), Ok("/home/ada"));
        assert_eq!(expand("~/x/$AIWG_HOME-y").as_deref(), Ok("/home/ada/x//opt/aiwg-y"));
        assert_eq!(expand("/a/${AIWG_HOME}/c").as_deref(), Ok("/a//opt/aiwg/c"));
        assert_eq!(expand("/cost/$5"), Err("names $5, which is not set".to_string()));
        assert_eq!(expand("/a/$").as_deref(), Ok("/a/$"));
        assert_eq!(expand("~ada/x").as_deref(), Ok("~ada/x"));
        assert!(expand("${HOME").is_err());
    }

    #[test]
    fn non_object_sections_are_a_warning() {
        let resolved = resolve(Some(json!([1])), Some(Value::Null));
        assert_eq!(resolved.settings, Settings::default());
        assert_eq!(resolved.warnings, ["the aiwg settings must be an object, not a list"]);
    }
}
