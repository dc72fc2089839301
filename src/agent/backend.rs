//! The programs that run an agent, as argv arrays (aiwg-format §5.2): Claude Code's
//! `claude -p --agent <name> --output-format json`, `codex exec --sandbox read-only`,
//! `cursor-agent -p --output-format text`, `droid exec`, or the user's own command with
//! placeholders. The prompt goes to the program's stdin (and, for CLIs that take it only as an
//! argument, as the last argument). No flag that lets an agent write files or skip its
//! permission prompts is ever added.

/// How a draft is produced (`aiwg.agent.backend`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Backend {
    /// The built-in offline drafter.
    #[default]
    Builtin,
    Claude,
    Codex,
    Cursor,
    Droid,
    /// `aiwg.agent.command`.
    Command,
}

impl Backend {
    pub const NAMES: &[&str] = &["builtin", "claude", "codex", "cursor", "droid", "command"];

    pub fn from_name(name: &str) -> Option<Backend> {
        Some(match name {
            "builtin" => Backend::Builtin,
            "claude" => Backend::Claude,
            "codex" => Backend::Codex,
            "cursor" => Backend::Cursor,
            "droid" => Backend::Droid,
            "command" => Backend::Command,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        Backend::NAMES[self as usize]
    }
}

/// What a command's placeholders stand for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholders<'a> {
    /// `{agent}`: the agent's basename.
    pub agent: &'a str,
    /// `{agentFile}`: its definition's absolute path, or empty.
    pub agent_file: &'a str,
    /// `{section}`: the section's heading text.
    pub section: &'a str,
    /// `{document}`: the document's absolute path.
    pub document: &'a str,
    /// `{promptFile}`: a file holding the prompt.
    pub prompt_file: &'a str,
}

/// The argv that runs `backend`; `command` is the user's argv for [`Backend::Command`]. `None`
/// for the built-in drafter, or a command backend with no command.
pub fn argv(backend: Backend, command: &[String], values: &Placeholders<'_>, prompt: &str) -> Option<Vec<String>> {
    let strings = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    Some(match backend {
        Backend::Builtin => return None,
        Backend::Claude => strings(&["claude", "-p", "--agent", values.agent, "--output-format", "json"]),
        Backend::Codex => strings(&["codex", "exec", "--sandbox", "read-only", "-"]),
        Backend::Cursor => strings(&["cursor-agent", "-p", "--output-format", "text", prompt]),
        Backend::Droid => strings(&["droid", "exec", prompt]),
        Backend::Command => {
            if command.is_empty() {
                return None;
            }
            command.iter().map(|arg| substitute(arg, values)).collect()
        }
    })
}

/// `{agent}`, `{agentFile}`, `{section}`, `{document}` and `{promptFile}` replaced in one argument.
fn substitute(arg: &str, values: &Placeholders<'_>) -> String {
    arg.replace("{agentFile}", values.agent_file)
        .replace("{agent}", values.agent)
        .replace("{section}", values.section)
        .replace("{document}", values.document)
        .replace("{promptFile}", values.prompt_file)
}

/// Whether an argv needs the prompt written to a file.
pub fn wants_prompt_file(argv: &[String]) -> bool {
    argv.iter().any(|a| a.contains("{promptFile}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_argv_with_placeholders_and_no_permission_flags() {
        let values = Placeholders {
            agent: "architecture-designer",
            agent_file: "/p/.claude/agents/architecture-designer.md",
            section: "Context",
            document: "/p/.aiwg/adr.md",
            prompt_file: "/p/.aiwg/working/prompt.md",
        };
        let claude = argv(Backend::Claude, &[], &values, "P").unwrap();
        assert_eq!(claude, ["claude", "-p", "--agent", "architecture-designer", "--output-format", "json"]);
        let custom = vec![
            "my-agent".to_string(),
            "--file={document}".to_string(),
            "{agentFile}".to_string(),
            "{promptFile}".to_string(),
        ];
        assert_eq!(
            argv(Backend::Command, &custom, &values, "P").unwrap(),
            [
                "my-agent",
                "--file=/p/.aiwg/adr.md",
                "/p/.claude/agents/architecture-designer.md",
                "/p/.aiwg/working/prompt.md"
            ]
        );
        assert_eq!(argv(Backend::Command, &[], &values, "P"), None);
        assert_eq!(argv(Backend::Builtin, &custom, &values, "P"), None);
        for backend in [Backend::Claude, Backend::Codex, Backend::Cursor, Backend::Droid] {
            let line = argv(backend, &[], &values, "P").unwrap().join(" ");
            assert!(
                !line.contains("dangerously") && !line.contains("--force") && !line.contains("full-auto"),
                "{line}"
            );
        }
        assert_eq!(Backend::from_name("codex").map(Backend::name), Some("codex"));
    }
}
