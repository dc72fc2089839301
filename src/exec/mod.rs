//! Running an agent program: the only place the server starts a process. There is no shell:
//! the program and its arguments are an argv array. It runs in the project root with the prompt
//! on stdin; its stdout is read up to a bound, its stderr kept for the log; after the timeout, or
//! when the caller cancels, its whole process group is killed (an agent CLI starts helpers of
//! its own), and every failure comes back as a sentence a user can act on.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A program to run and how.
#[derive(Clone, Debug)]
pub struct AgentCommand {
    /// `argv[0]` and the arguments, passed as they are.
    pub argv: Vec<String>,
    pub cwd: PathBuf,
    pub stdin: String,
    pub timeout: Duration,
    /// Most bytes of stdout accepted.
    pub max_output: usize,
}

/// What the program wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentOutput {
    pub stdout: String,
    pub stderr: String,
}

/// Why a run produced no draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    NotFound(String),
    Failed { status: String, stderr_tail: String },
    TimedOut(Duration),
    Cancelled,
    Empty,
    TooLarge(usize),
    Io(String),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::NotFound(program) => write!(f, "`{program}` was not found (is it installed and on PATH?)"),
            RunError::Failed { status, stderr_tail } if stderr_tail.is_empty() => write!(f, "the agent {status}"),
            RunError::Failed { status, stderr_tail } => write!(f, "the agent {status}: {stderr_tail}"),
            RunError::TimedOut(after) => {
                write!(f, "the agent did not answer within {} s and was stopped", after.as_secs())
            }
            RunError::Cancelled => write!(f, "cancelled; the agent was stopped and nothing was changed"),
            RunError::Empty => write!(f, "the agent answered nothing"),
            RunError::TooLarge(max) => write!(f, "the agent wrote more than {max} bytes and was stopped"),
            RunError::Io(why) => write!(f, "could not run the agent: {why}"),
        }
    }
}

/// Lines of stderr quoted in a failure.
const STDERR_TAIL_LINES: usize = 5;

/// Runs `command` until it exits, times out, overflows, or `cancel` completes.
pub async fn run(
    command: AgentCommand,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<AgentOutput, RunError> {
    let Some((program, args)) = command.argv.split_first() else {
        return Err(RunError::Io("no program configured".to_string()));
    };
    let mut process = tokio::process::Command::new(program);
    process
        .args(args)
        .current_dir(&command.cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    #[cfg(unix)]
    process.process_group(0);
    let mut child = match process.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(RunError::NotFound(program.clone())),
        Err(e) => return Err(RunError::Io(format!("{program}: {e}"))),
    };
    let group = child.id();
    let mut stdin = child.stdin.take();
    let prompt = command.stdin.into_bytes();
    let feed = async move {
        if let Some(stdin) = stdin.as_mut() {
            // A program that does not read its stdin closes it: that is not a failure.
            let _ = stdin.write_all(&prompt).await;
            let _ = stdin.shutdown().await;
        }
        drop(stdin);
    };
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let max = command.max_output;
    let read_out = async move {
        let mut out = Vec::new();
        let mut chunk = [0u8; 8192];
        loop {
            match stdout.read(&mut chunk).await {
                Ok(0) => return Ok(out),
                Ok(n) => {
                    if out.len() + n > max {
                        return Err(RunError::TooLarge(max));
                    }
                    out.extend_from_slice(&chunk[..n]);
                }
                Err(e) => return Err(RunError::Io(e.to_string())),
            }
        }
    };
    let read_err = async move {
        let mut err = Vec::new();
        let _ = (&mut stderr).take(1 << 20).read_to_end(&mut err).await;
        err
    };
    let work = async {
        let ((), out, err) = tokio::join!(feed, read_out, read_err);
        let status = child.wait().await.map_err(|e| RunError::Io(e.to_string()))?;
        Ok::<_, RunError>((status, out, err))
    };
    let outcome = tokio::select! {
        result = work => result,
        () = tokio::time::sleep(command.timeout) => Err(RunError::TimedOut(command.timeout)),
        () = cancel => Err(RunError::Cancelled),
    };
    let (status, out, err) = match outcome {
        Ok(done) => done,
        Err(error) => {
            kill_group(group);
            return Err(error);
        }
    };
    let stderr = String::from_utf8_lossy(&err).into_owned();
    let stdout = match out {
        Ok(bytes) => bytes,
        Err(error) => {
            kill_group(group);
            return Err(error);
        }
    };
    if !status.success() {
        let status = match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => "was killed by a signal".to_string(),
        };
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        let stderr_tail = lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join(" / ");
        return Err(RunError::Failed { status, stderr_tail });
    }
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    if stdout.trim().is_empty() {
        return Err(RunError::Empty);
    }
    Ok(AgentOutput { stdout, stderr })
}

/// Where a `{promptFile}` placeholder's file goes: inside the project, under
/// `.aiwg/working/aiwg-lsp/` (which aiwg's auto-provenance skips), one per server process.
pub fn prompt_file_in(project_dir: &std::path::Path) -> PathBuf {
    project_dir.join(".aiwg/working/aiwg-lsp").join(format!("prompt-{}.md", std::process::id()))
}

/// A whole draft run, as both the server and `aiwg-lsp draft` do it: the prompt written to
/// `prompt_file` first when the command names it (and removed after), the program run, and its
/// version asked when `ask_version` (the platform CLIs). Returns the draft and the version.
pub async fn run_drafting(
    command: AgentCommand,
    prompt_file: Option<&std::path::Path>,
    ask_version: bool,
    cancel: impl std::future::Future<Output = ()>,
) -> Result<(String, Option<String>), String> {
    if let Some(file) = prompt_file {
        let written =
            file.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| std::fs::write(file, &command.stdin));
        written.map_err(|e| format!("could not write the prompt file: {e}"))?;
    }
    let (program, cwd) = (command.argv.first().cloned().unwrap_or_default(), command.cwd.clone());
    let result = run(command, cancel).await;
    if let Some(file) = prompt_file {
        let _ = std::fs::remove_file(file);
    }
    let output = result.map_err(|e| e.to_string())?;
    if !output.stderr.trim().is_empty() {
        tracing::info!("{program} wrote on stderr: {}", output.stderr.trim());
    }
    let version = if ask_version { version(&program, cwd).await } else { None };
    Ok((draft_of(&output.stdout), version))
}

/// What `program --version` prints first, for the provenance record of a draft; `None` when it
/// says nothing within a few seconds. Only for the platform CLIs, whose `--version` is known to
/// be harmless.
pub async fn version(program: &str, cwd: PathBuf) -> Option<String> {
    let command = AgentCommand {
        argv: vec![program.to_string(), "--version".to_string()],
        cwd,
        stdin: String::new(),
        timeout: Duration::from_secs(5),
        max_output: 4096,
    };
    let output = run(command, std::future::pending()).await.ok()?;
    let first = output.stdout.lines().map(str::trim).find(|l| !l.is_empty())?;
    Some(first.chars().take(80).collect())
}

/// Kills the process group the child leads (its helpers too).
fn kill_group(group: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = group.and_then(|p| i32::try_from(p).ok()) {
        // SAFETY: kill(2) with a negative pid signals the process group; no memory is touched.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = group;
}

/// The draft in an agent's stdout: the `result` string of a JSON answer (`claude
/// --output-format json`), else the text itself.
pub fn draft_of(stdout: &str) -> String {
    let trimmed = stdout.trim();
    if trimmed.starts_with('{')
        && let Ok(value) = serde_json::from_str::<serde_json::Value>(trimmed)
        && let Some(result) = value.get("result").and_then(|r| r.as_str())
    {
        return result.to_string();
    }
    trimmed.to_string()
}
