//! The `aiwg-lsp` binary: with no arguments (or `serve`) a language server over stdio; with
//! `check` the same analysis from the command line, for CI.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use aiwg_lsp::analysis::Severity;
use aiwg_lsp::cli::{self, CheckArgs, Format};
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(name = "aiwg-lsp", version, about = "Language server and checker for aiwg architecture and SDLC documents")]
struct Args {
    /// Log level for stderr (error, warn, info, debug, trace); `AIWG_LSP_LOG` also sets it.
    #[arg(long, global = true)]
    log_level: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the Language Server Protocol over stdin/stdout (the default).
    Serve,
    /// Check a workspace's references and IDs, as CI would.
    Check {
        /// A workspace folder, a folder inside it, or one document.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The aiwg install root (else $AIWG_ROOT, ~/.local/share/ai-writing-guide, ...).
        #[arg(long)]
        aiwg_root: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Least severe diagnostics to print (default: info, or hint for json).
        #[arg(long, value_enum)]
        severity: Option<SeverityArg>,
        /// Glob of files or folders to leave out, relative to the root (repeatable).
        #[arg(long = "exclude")]
        excludes: Vec<String>,
        /// Print at most N diagnostics (the rest are counted, and errors among them still fail).
        #[arg(long, value_name = "N")]
        max_diagnostics: Option<usize>,
    },
    /// Architecture decision records: list them with status and supersession
    Adr {
        #[command(subcommand)]
        command: AdrCommand,
    },
    /// Draft an empty or missing section of a document, offline or with an aiwg agent
    Draft {
        /// The document
        path: PathBuf,
        /// The section's heading text ("Context")
        #[arg(long)]
        section: String,
        /// builtin (offline), claude, codex, cursor, droid, or command (the program after `--`)
        #[arg(long, default_value = "builtin")]
        backend: String,
        #[arg(long)]
        aiwg_root: Option<PathBuf>,
        /// Write the draft into the document and its provenance record (else print it)
        #[arg(long)]
        write: bool,
        /// Seconds before the agent is stopped
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// Most bytes of agent output accepted
        #[arg(long, default_value_t = 256 * 1024)]
        max_output: usize,
        /// Bytes of prompt (the agent's instructions and the document always go in)
        #[arg(long, default_value_t = aiwg_lsp::agent::prompt::DEFAULT_BUDGET)]
        prompt_budget: usize,
        /// The command backend's program and arguments ({agent}, {agentFile}, {section},
        /// {document}, {promptFile} are substituted)
        #[arg(last = true)]
        command: Vec<String>,
    },
    /// Print every reference and its resolution as JSON lines (a debugging aid).
    #[command(hide = true)]
    DumpRefs {
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long)]
        aiwg_root: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AdrCommand {
    /// Every ADR of the project (then its ADR templates): number, status, date, supersession
    List {
        /// A workspace folder, or a folder inside it
        #[arg(default_value = ".")]
        path: PathBuf,
        /// The aiwg install root (else $AIWG_ROOT, ~/.local/share/ai-writing-guide, ...)
        #[arg(long)]
        aiwg_root: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = cli::AdrFormat::Table)]
        format: cli::AdrFormat,
    },
    /// Write the project's next ADR (number, folder, file name and template as its ADRs have them)
    New {
        /// The decision's title
        title: String,
        /// A workspace folder, or a folder inside it
        #[arg(default_value = ".")]
        path: PathBuf,
        #[arg(long)]
        aiwg_root: Option<PathBuf>,
        /// The template (default: the one the project's ADRs follow, else aiwg's adr-template)
        #[arg(long, value_enum)]
        template: Option<cli::AdrTemplateArg>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SeverityArg {
    Error,
    Warning,
    Info,
    Hint,
}

impl From<SeverityArg> for Severity {
    fn from(arg: SeverityArg) -> Severity {
        match arg {
            SeverityArg::Error => Severity::Error,
            SeverityArg::Warning => Severity::Warning,
            SeverityArg::Info => Severity::Information,
            SeverityArg::Hint => Severity::Hint,
        }
    }
}

fn init_logging(level: Option<&str>) {
    let filter =
        level.map(str::to_string).or_else(|| std::env::var("AIWG_LSP_LOG").ok()).unwrap_or_else(|| "warn".to_string());
    let filter =
        tracing_subscriber::EnvFilter::try_new(&filter).unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(false).init();
}

/// glibc gives each thread that allocates its own malloc arena (up to eight per core), and an
/// arena keeps what is freed in it. The server's blocking threads each build and drop copies of
/// large open documents, so per-thread arenas held 10-20 MB more at 10,000 documents
/// (`cargo bench --bench e2e`, peak RSS after editing a 200 KB and a 1 MB document: 152 MB,
/// 133 MB with two arenas). Two arenas keep allocation parallel on this 2-core target.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // glibc's `<malloc.h>`: `#define M_ARENA_MAX -8`.
    const M_ARENA_MAX: i32 = -8;
    unsafe extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    // SAFETY: `mallopt` only changes allocator tuning; it is called first thing in `main`,
    // before any other thread exists.
    unsafe {
        mallopt(M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(err) => {
            let _ = err.print();
            // Help and version go to stdout and succeed; usage errors exit with 2.
            return if err.use_stderr() { ExitCode::from(cli::exit::USAGE) } else { ExitCode::SUCCESS };
        }
    };
    init_logging(args.log_level.as_deref());
    match args.command.unwrap_or(Command::Serve) {
        Command::Serve => aiwg_lsp::lsp::serve_stdio(),
        Command::Check { path, aiwg_root, format, severity, excludes, max_diagnostics } => {
            let check = CheckArgs {
                path,
                aiwg_root,
                format,
                min_severity: severity.map(Into::into),
                excludes,
                max_diagnostics,
            };
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let status = cli::run_check(&check, &mut out);
            let _ = out.flush();
            ExitCode::from(status)
        }
        Command::Adr { command: AdrCommand::List { path, aiwg_root, format } } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            let status = cli::run_adr_list(&path, aiwg_root.as_deref(), format, &mut out);
            let _ = out.flush();
            ExitCode::from(status)
        }
        Command::Adr { command: AdrCommand::New { title, path, aiwg_root, template } } => {
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            ExitCode::from(cli::run_adr_new(&title, &path, aiwg_root.as_deref(), template, &mut out))
        }
        Command::Draft { path, section, backend, aiwg_root, write, timeout, max_output, prompt_budget, command } => {
            let args = cli::DraftArgs {
                path,
                section,
                backend,
                command,
                aiwg_root,
                write,
                timeout: std::time::Duration::from_secs(timeout),
                max_output,
                prompt_budget,
            };
            let stdout = std::io::stdout();
            let mut out = stdout.lock();
            ExitCode::from(cli::run_draft(&args, &mut out))
        }
        Command::DumpRefs { path, aiwg_root } => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            match cli::dump_references(&path, aiwg_root.as_deref(), &mut out) {
                Ok(()) => ExitCode::SUCCESS,
                Err(err) => {
                    eprintln!("aiwg-lsp dump-refs: {err}");
                    ExitCode::from(cli::exit::USAGE)
                }
            }
        }
    }
}
