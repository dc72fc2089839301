//! Rendering a check report as it is produced: `human` (`path:line:col: severity[code]: message`
//! with the source line), `json` (one object whose `diagnostics` array is written item by item,
//! the summary after it; LSP ranges: 0-based lines, UTF-16 columns) and `github` (workflow
//! commands that annotate a pull request).

use std::io::{self, Write};
use std::path::Path;

use serde_json::{Value, json};

use crate::analysis::{Diagnostic, Severity};
use crate::cli::{FileReport, Summary};
use crate::loader::AiwgRootChoice;
use crate::text::{LineCol, PositionEncoding};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

impl Format {
    /// Hints are many and quiet: people and annotations see them on request, machines always.
    pub(crate) fn default_min_severity(self) -> Severity {
        match self {
            Format::Human | Format::Github => Severity::Information,
            Format::Json => Severity::Hint,
        }
    }
}

/// Writes a check report as the diagnostics come, one document at a time, for one format; the
/// summary comes last. With a budget (`--max-diagnostics`), diagnostics past it are counted, not
/// written.
pub(crate) struct Writer<'a> {
    format: Format,
    min: Severity,
    budget: Option<usize>,
    written: usize,
    omitted: usize,
    out: &'a mut dyn Write,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(format: Format, min: Severity, budget: Option<usize>, out: &'a mut dyn Write) -> Writer<'a> {
        Writer { format, min, budget, written: 0, omitted: 0, out }
    }

    /// JSON opens its object and the diagnostics array (pretty-printed as serde_json does).
    pub(crate) fn begin(&mut self, root: &Path, aiwg_root: Option<&AiwgRootChoice>) -> io::Result<()> {
        if self.format != Format::Json {
            return Ok(());
        }
        let aiwg = aiwg_root.map(|c| json!({ "path": c.path.display().to_string(), "source": c.source }));
        writeln!(self.out, "{{")?;
        writeln!(self.out, "  \"root\": {},", Value::String(root.display().to_string()))?;
        writeln!(self.out, "  \"aiwg_root\": {},", indented(&aiwg.unwrap_or(Value::Null), "  "))?;
        write!(self.out, "  \"diagnostics\": [")
    }

    /// Whether any of a document's diagnostics will be written (its text is read only then);
    /// those past the budget are counted as omitted here.
    pub(crate) fn wants(&mut self, diagnostics: &[Diagnostic]) -> bool {
        let shown = diagnostics.iter().filter(|d| d.severity <= self.min).count();
        let room = self.budget.map_or(usize::MAX, |b| b.saturating_sub(self.written));
        if room == 0 {
            self.omitted += shown;
            return false;
        }
        shown > 0
    }

    pub(crate) fn file(&mut self, file: &FileReport) -> io::Result<()> {
        for d in file.diagnostics.iter().filter(|d| d.severity <= self.min) {
            if self.budget.is_some_and(|b| self.written >= b) {
                self.omitted += 1;
                continue;
            }
            match self.format {
                Format::Human => human_diagnostic(file, d, self.out)?,
                Format::Github => github_diagnostic(file, d, self.out)?,
                Format::Json => {
                    let separator = if self.written == 0 { "" } else { "," };
                    write!(self.out, "{separator}\n    {}", indented(&json_diagnostic(file, d), "    "))?;
                }
            }
            self.written += 1;
        }
        Ok(())
    }

    pub(crate) fn finish(
        &mut self,
        summary: &Summary,
        root: &Path,
        aiwg_root: Option<&AiwgRootChoice>,
    ) -> io::Result<()> {
        let omitted = self.omitted;
        let more = |budget: usize| format!("{omitted} more diagnostics not shown (--max-diagnostics {budget})");
        match self.format {
            Format::Human => {
                if let Some(budget) = self.budget.filter(|_| omitted > 0) {
                    writeln!(self.out, "… {}", more(budget))?;
                }
                human_summary(summary, root, aiwg_root, self.min, self.out)
            }
            Format::Github => match self.budget.filter(|_| omitted > 0) {
                Some(budget) => writeln!(self.out, "::notice title=aiwg-lsp::{}", escape_data(&more(budget))),
                None => Ok(()),
            },
            Format::Json => {
                let closing = if self.written == 0 { "]" } else { "\n  ]" };
                writeln!(self.out, "{closing},")?;
                writeln!(self.out, "  \"omitted\": {omitted},")?;
                writeln!(self.out, "  \"summary\": {}", indented(&json_summary(summary), "  "))?;
                writeln!(self.out, "}}")
            }
        }
    }
}

/// `value` pretty-printed, its lines after the first indented by `indent`.
fn indented(value: &Value, indent: &str) -> String {
    let pretty = serde_json::to_string_pretty(value).unwrap_or_default();
    pretty.replace('\n', &format!("\n{indent}"))
}

/// 1-based line and character (Unicode scalar) column, as compilers print them.
fn human_position(file: &FileReport, offset: usize) -> LineCol {
    let lc = file.line_index.line_col(offset, PositionEncoding::Utf32);
    LineCol { line: lc.line + 1, col: lc.col + 1 }
}

fn human_diagnostic(file: &FileReport, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    let start = human_position(file, d.range.start);
    writeln!(
        out,
        "{}:{}:{}: {}[{}]: {}",
        file.path,
        start.line,
        start.col,
        d.severity.as_str(),
        d.code.as_str(),
        d.message
    )?;
    if let Some(line_range) = file.line_index.line_range(start.line - 1) {
        let line = line_range.slice(&file.text);
        let end = file.line_index.line_col(d.range.end.min(line_range.end), PositionEncoding::Utf32);
        let width = if end.line == start.line - 1 { (end.col + 1).saturating_sub(start.col).max(1) } else { 1 };
        let gutter = start.line.to_string();
        writeln!(out, "{gutter} | {line}")?;
        let pad = " ".repeat(gutter.len());
        let lead: String =
            line.chars().take(start.col as usize - 1).map(|c| if c == '\t' { '\t' } else { ' ' }).collect();
        writeln!(out, "{pad} | {lead}{}", "^".repeat(width as usize))?;
    }
    Ok(())
}

fn human_summary(
    s: &Summary,
    root: &Path,
    aiwg_root: Option<&AiwgRootChoice>,
    min: Severity,
    out: &mut dyn Write,
) -> io::Result<()> {
    let stages: Vec<String> = s.by_stage.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let count = |sev: Severity| s.by_severity.get(sev.as_str()).copied().unwrap_or(0);
    let aiwg = match aiwg_root {
        Some(choice) => format!("{} ({})", choice.path.display(), choice.source),
        None => "none found".to_string(),
    };
    writeln!(out)?;
    writeln!(
        out,
        "checked {}, {} and {} under {}",
        plural(s.documents, "document"),
        plural(s.data_files, "data file"),
        plural(s.source_files, "source file"),
        root.display()
    )?;
    writeln!(out, "aiwg root: {aiwg}")?;
    writeln!(
        out,
        "references: {} ({} resolved, {} dangling); by stage: {}",
        s.references,
        s.resolved,
        s.dangling,
        stages.join(", ")
    )?;
    let hidden: Vec<String> = [Severity::Warning, Severity::Information, Severity::Hint]
        .into_iter()
        .filter(|&sev| sev > min && count(sev) > 0)
        .map(|sev| sev.as_str().to_string() + "s")
        .collect();
    let hidden =
        if hidden.is_empty() { String::new() } else { format!(" ({} not shown; use --severity)", hidden.join(", ")) };
    writeln!(
        out,
        "diagnostics: {}, {}, {}, {}{hidden}",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        plural(count(Severity::Information), "info"),
        plural(count(Severity::Hint), "hint")
    )
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn lsp_position(file: &FileReport, offset: usize) -> Value {
    let lc = file.line_index.line_col(offset, PositionEncoding::Utf16);
    json!({ "line": lc.line, "character": lc.col })
}

fn json_diagnostic(file: &FileReport, d: &Diagnostic) -> Value {
    json!({
        "path": file.path,
        "range": { "start": lsp_position(file, d.range.start), "end": lsp_position(file, d.range.end) },
        "severity": d.severity.as_str(),
        "code": d.code.as_str(),
        "message": d.message,
    })
}

fn json_summary(s: &Summary) -> Value {
    json!({
        "documents": s.documents,
        "source_files": s.source_files,
        "data_files": s.data_files,
        "references": s.references,
        "resolved": s.resolved,
        "dangling": s.dangling,
        "by_stage": s.by_stage,
        "by_context": s.by_context,
        "markdown": { "references": s.markdown_references, "resolved": s.markdown_resolved },
        "declared_ids": s.declared_ids,
        "id_mentions": s.id_mentions,
        "diagnostics": s.by_severity,
        "skipped_files": s.skipped_files,
    })
}

/// GitHub workflow commands: data escapes `%`, CR and LF; properties also `:` and `,`.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn github_diagnostic(file: &FileReport, d: &Diagnostic, out: &mut dyn Write) -> io::Result<()> {
    let start = human_position(file, d.range.start);
    let end = human_position(file, d.range.end);
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Information | Severity::Hint => "notice",
    };
    writeln!(
        out,
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&file.path),
        start.line,
        start.col,
        end.line,
        end.col,
        escape_property(&format!("aiwg-lsp {}", d.code.as_str())),
        escape_data(&d.message)
    )
}

/// The ADR list as an aligned table: decisions, then templates; supersession as `→ ADR-N`
/// (superseded by) and `← ADR-M` (supersedes).
pub(crate) fn adr_table(rows: &[crate::analysis::adrs::AdrRow], out: &mut dyn Write) -> std::io::Result<()> {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|r| {
            let mut chain: Vec<String> = r.superseded_by.iter().map(|id| format!("→ {id}")).collect();
            chain.extend(r.supersedes.iter().map(|id| format!("← {id}")));
            let id = if r.template {
                format!("{} (template)", if r.id.is_empty() { "-" } else { &r.id })
            } else {
                r.id.clone()
            };
            [id, r.status.clone(), r.date.clone(), chain.join(" "), r.title.clone(), r.path.clone()]
        })
        .collect();
    let header = ["ID", "STATUS", "DATE", "SUPERSESSION", "TITLE", "PATH"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let line = |cells: &[&str]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .enumerate()
            .map(|(i, (cell, width))| if i + 1 == cells.len() { cell.to_string() } else { format!("{cell:width$}") })
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&header))?;
    for row in &cells {
        let refs: Vec<&str> = row.iter().map(String::as_str).collect();
        writeln!(out, "{}", line(&refs))?;
    }
    let decisions = rows.iter().filter(|r| !r.template).count();
    let templates = rows.len() - decisions;
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(out, "\n{}, {}", plural(decisions, "ADR", "ADRs"), plural(templates, "template", "templates"))
}
