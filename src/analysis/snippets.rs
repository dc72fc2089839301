//! ADR snippets for completion at the start of an empty line (aiwg-format §4.4): the Reasoning
//! block of `rules/reasoning-sections.md`, the next `Alternative N:` block, the evaluation
//! criteria table, the options comparison matrix, a References list and a Review History row.
//!
//! Snippets are filled from the workspace instead of the template's placeholders wherever the
//! workspace knows better: the References list names the project's real use cases, software
//! architecture document and NFR modules, the criteria table takes its rows from the NFR
//! modules, and the matrix takes its columns and rows from the document's own criteria and
//! options. Their text uses LSP snippet syntax (`${1:placeholder}`, `$0`); the edge turns it
//! into plain text for a client without snippet support.

use crate::analysis::completion::{CompletionItem, CompletionKind};
use crate::model::{ArtifactKind, adr};
use crate::text::TextRange;
use crate::workspace::{Document, Snapshot};

/// Most documents of one kind a generated list or table names.
const MAX_LISTED: usize = 8;

/// The five items `rules/reasoning-sections.md` asks of an ADR ("Architecture Decisions (ADR)").
const REASONING_ITEMS: &[(&str, &str)] = &[
    ("Context Analysis", "What architectural concern does this address?"),
    ("Force Identification", "What forces are in tension?"),
    ("Option Evaluation", "What alternatives were considered with trade-offs?"),
    ("Decision Justification", "Why is this the best choice given constraints?"),
    ("Consequence Assessment", "What are the positive and negative impacts?"),
];

/// Criteria of aiwg's adr-with-tot template, for a project without NFR modules.
const DEFAULT_CRITERIA: &[(&str, u32)] =
    &[("Performance", 30), ("Scalability", 25), ("Maintainability", 20), ("Security", 15), ("Cost", 10)];

/// Snippets for the line the cursor ends, when it holds at most one word typed to filter them
/// and nothing follows the cursor. `None` outside ADRs and elsewhere on a line.
pub(crate) fn adr_snippet_items(
    snapshot: &Snapshot,
    doc: &Document,
    text: &str,
    offset: usize,
    today: Option<&str>,
) -> Option<Vec<CompletionItem>> {
    let adr = adr::adr(&doc.facts)?;
    let line_start = text[..offset].rfind('\n').map_or(0, |n| n + 1);
    let typed = &text[line_start..offset];
    let rest_of_line = text[offset..].split('\n').next().unwrap_or("");
    if !typed.bytes().all(|b| b.is_ascii_alphabetic()) || !rest_of_line.trim().is_empty() {
        return None;
    }
    let replace = TextRange::new(line_start, offset);
    let has_heading = |name: &str| doc.facts.headings.iter().any(|h| h.text.eq_ignore_ascii_case(name));
    let project = Project::of(snapshot, doc);
    let mut snippets: Vec<(&str, &str, String)> = Vec::new();
    if !has_heading("Reasoning") {
        snippets.push(("Reasoning block", "the five numbered items of rules/reasoning-sections.md", reasoning()));
    }
    let (alternative_label, alternative) = next_alternative(doc, adr.template);
    snippets.push(("Alternative block", "Pros, Cons and Why Not Chosen", alternative));
    snippets.push((
        "Evaluation criteria table",
        "weighted criteria from the project's NFR modules",
        criteria_table(&project),
    ));
    snippets.push(("Options comparison matrix", "score × weight for each option", comparison_matrix(doc, &project)));
    snippets.push((
        "References list",
        "the project's use cases, architecture document and NFR modules",
        references(doc, &project),
    ));
    snippets.push(("Review History row", "date, reviewer, outcome", review_row(doc, today)));
    let items = snippets
        .into_iter()
        .enumerate()
        .map(|(position, (label, detail, body))| {
            let label = if label == "Alternative block" { alternative_label.clone() } else { label.to_string() };
            CompletionItem {
                filter_text: Some(label.clone()),
                documentation: Some(format!("```markdown\n{}\n```", plain_text(&body))),
                label,
                kind: CompletionKind::Snippet,
                detail: Some(format!("ADR snippet: {detail}")),
                insert_text: body,
                replace,
                sort_text: format!("{position:04}"),
            }
        })
        .collect();
    Some(items)
}

/// The documents of the ADR's project a snippet may name, as `@`-paths from the project root.
struct Project {
    use_cases: Vec<(String, String)>,
    architecture: Vec<(String, String)>,
    nfr_modules: Vec<(String, String)>,
}

impl Project {
    fn of(snapshot: &Snapshot, doc: &Document) -> Project {
        let roots = snapshot.roots();
        let project = roots.project_dir(doc.root, &doc.path);
        let mut found = Project { use_cases: Vec::new(), architecture: Vec::new(), nfr_modules: Vec::new() };
        for (_, other) in snapshot.workspace_documents() {
            if other.root != doc.root || roots.project_dir(other.root, &other.path) != project || !other.is_markdown() {
                continue;
            }
            let relative = other.path.strip_prefix(project).map_or(other.path.as_str(), |p| p.trim_start_matches('/'));
            if !relative.starts_with(".aiwg/") || relative.contains("/templates/") {
                continue;
            }
            let title = other.facts.title.clone().unwrap_or_default();
            let entry = (relative.to_string(), title);
            let file = relative.rsplit('/').next().unwrap_or(relative);
            if other.facts.kind == ArtifactKind::UseCase {
                found.use_cases.push(entry);
            } else if other.facts.kind == ArtifactKind::Nfr && relative.contains("nfr-modules/") {
                found.nfr_modules.push(entry);
            } else if file.starts_with("software-architecture") || file == "sad.md" || file.starts_with("sad-") {
                found.architecture.push(entry);
            }
        }
        for list in [&mut found.use_cases, &mut found.architecture, &mut found.nfr_modules] {
            list.sort();
        }
        found
    }
}

fn reasoning() -> String {
    let mut out = String::from("## Reasoning\n\n");
    for (i, (item, question)) in REASONING_ITEMS.iter().enumerate() {
        out.push_str(&format!("{}. **{item}**: ${{{}:{}}}\n", i + 1, i + 1, escape(question)));
    }
    out.push_str("$0");
    out
}

/// The block after the document's last `Alternative N` / `Option N` heading, at its level and
/// with its word; aiwg's adr-template writes `#### Alternative N:`, adr-with-tot `### Option N:`.
fn next_alternative(doc: &Document, template: adr::AdrTemplate) -> (String, String) {
    let (mut word, mut level) = match template {
        adr::AdrTemplate::TreeOfThoughts => ("Option", 3),
        _ => ("Alternative", 4),
    };
    let mut last = 0;
    for heading in &doc.facts.headings {
        for candidate in ["Alternative", "Option"] {
            let Some(rest) = heading.text.strip_prefix(candidate) else { continue };
            let digits: String = rest.trim_start().chars().take_while(char::is_ascii_digit).collect();
            if let Ok(number) = digits.parse::<u32>() {
                (word, level, last) = (candidate, heading.level, number.max(last));
            }
        }
    }
    let number = last + 1;
    let hashes = "#".repeat(usize::from(level));
    let body = format!(
        "{hashes} {word} {number}: ${{1:Name}}\n\n${{2:What this option is.}}\n\n**Pros:**\n- ${{3}}\n\n**Cons:**\n- ${{4}}\n\n\
         **Why Not Chosen:** ${{5}}\n$0"
    );
    (format!("{word} {number} block"), body)
}

/// Weights that sum to 100, spread evenly, the remainder on the first rows.
fn even_weights(count: usize) -> Vec<u32> {
    let count_u32 = u32::try_from(count.max(1)).unwrap_or(1);
    (0..count_u32).map(|i| 100 / count_u32 + u32::from(i < 100 % count_u32)).collect()
}

fn criteria_table(project: &Project) -> String {
    let mut out = String::from(
        "## Evaluation Criteria\n\n| Criterion | Weight | Description | Source NFR |\n|-----------|--------|-------------|------------|\n",
    );
    let mut stop = 1;
    if project.nfr_modules.is_empty() {
        for (name, weight) in DEFAULT_CRITERIA {
            out.push_str(&format!("| {name} | ${{{stop}:{weight}}}% | ${{{}}} | |\n", stop + 1));
            stop += 2;
        }
    } else {
        let modules = &project.nfr_modules[..project.nfr_modules.len().min(MAX_LISTED)];
        for ((path, title), weight) in modules.iter().zip(even_weights(modules.len())) {
            let name = criterion_name(path, title);
            out.push_str(&format!(
                "| {} | ${{{stop}:{weight}}}% | ${{{}}} | @{} |\n",
                escape(&name),
                stop + 1,
                escape(path)
            ));
            stop += 2;
        }
    }
    out.push_str(&format!("\n**Minimum Acceptable Score:** ${{{stop}:65}}/100\n$0"));
    out
}

/// `Performance` from `nfr-modules/performance.md` or its title `NFR Module: Performance`.
fn criterion_name(path: &str, title: &str) -> String {
    let from_title = title.rsplit([':', '—', '-']).next().unwrap_or("").trim();
    if !from_title.is_empty() && from_title.len() <= 40 {
        return from_title.to_string();
    }
    let stem = path.rsplit('/').next().unwrap_or(path).trim_end_matches(".md");
    let mut name: String = stem.replace(['-', '_'], " ");
    if let Some(first) = name.get(..1) {
        name.replace_range(..1, &first.to_ascii_uppercase());
    }
    name
}

fn comparison_matrix(doc: &Document, project: &Project) -> String {
    let study = doc.facts.trade_study.as_deref();
    let mut columns: Vec<(String, Option<f64>)> =
        study.map(|s| s.criteria.iter().map(|c| (c.name.clone(), c.weight)).collect()).unwrap_or_default();
    if columns.is_empty() {
        columns = if project.nfr_modules.is_empty() {
            DEFAULT_CRITERIA.iter().map(|(n, w)| (n.to_string(), Some(f64::from(*w) / 100.0))).collect()
        } else {
            let modules = &project.nfr_modules[..project.nfr_modules.len().min(MAX_LISTED)];
            modules
                .iter()
                .zip(even_weights(modules.len()))
                .map(|((path, title), w)| (criterion_name(path, title), Some(f64::from(w) / 100.0)))
                .collect()
        };
    }
    let mut options: Vec<String> = doc
        .facts
        .headings
        .iter()
        .filter(|h| h.text.starts_with("Option ") || h.text.starts_with("Alternative "))
        .filter(|h| h.text.split_whitespace().nth(1).is_some_and(|n| n.starts_with(|c: char| c.is_ascii_digit())))
        .map(|h| h.text.split(':').next().unwrap_or(&h.text).trim().to_string())
        .collect();
    if options.is_empty() {
        options = (1..=3).map(|n| format!("Option {n}")).collect();
    }
    let header: String = columns
        .iter()
        .map(|(name, weight)| match weight {
            Some(w) => format!(" {} ({}%) |", escape(name), crate::model::trade_study::format_number(w * 100.0, 1)),
            None => format!(" {} |", escape(name)),
        })
        .collect();
    let mut out = format!("## Options Comparison Matrix\n\n| Option |{header} **Total** | Pass/Fail? |\n|--------|");
    out.push_str(&"---|".repeat(columns.len()));
    out.push_str("-----------|------------|\n");
    let mut stop = 1;
    for option in options {
        out.push_str(&format!("| {} |", escape(&option)));
        for _ in &columns {
            out.push_str(&format!(" ${{{stop}}} |"));
            stop += 1;
        }
        out.push_str(&format!(" ${{{stop}}} | ${{{}}} |\n", stop + 1));
        stop += 2;
    }
    out.push_str(
        "\n*Score (0-10) with its weighted contribution in parentheses: `8 (2.4)`. Totals are out of 100.*\n$0",
    );
    out
}

fn references(doc: &Document, project: &Project) -> String {
    let has_section = doc.facts.headings.iter().any(|h| h.text.eq_ignore_ascii_case("References"));
    let mut out = if has_section { String::new() } else { String::from("## References\n\n") };
    // Use cases the ADR already mentions by ID come first.
    let mentioned = |path: &str| {
        doc.facts.id_mentions.iter().any(|m| path.rsplit('/').next().is_some_and(|f| f.starts_with(&m.id.text)))
    };
    let mut use_cases: Vec<&(String, String)> = project.use_cases.iter().collect();
    use_cases.sort_by_key(|(path, _)| !mentioned(path));
    let listed = use_cases
        .into_iter()
        .take(MAX_LISTED)
        .chain(project.architecture.iter().take(2))
        .chain(project.nfr_modules.iter().take(MAX_LISTED));
    let mut any = false;
    for (path, title) in listed {
        any = true;
        let title = if title.is_empty() { String::new() } else { format!(" — {}", escape(title)) };
        out.push_str(&format!("- @{}{title}\n", escape(path)));
    }
    if !any {
        out.push_str("- @${1:.aiwg/requirements/use-cases/}\n");
    }
    out.push_str("$0");
    out
}

fn review_row(doc: &Document, today: Option<&str>) -> String {
    let date = today.map_or_else(|| "${1:YYYY-MM-DD}".to_string(), |d| format!("${{1:{d}}}"));
    let row = format!("| {date} | ${{2:Reviewer}} | ${{3:Approved}} | ${{4:Notes}} |\n$0");
    if doc.facts.headings.iter().any(|h| h.text.eq_ignore_ascii_case("Review History")) {
        row
    } else {
        format!(
            "## Review History\n\n| Date | Reviewer | Outcome | Notes |\n|------|----------|---------|-------|\n{row}"
        )
    }
}

/// Escapes text for LSP snippet syntax: `$`, `}` and `\` are literal only when escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '$' | '}' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A snippet as the plain text it inserts with every placeholder at its default: for clients
/// without snippet support, and for documentation.
pub(crate) fn plain_text(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len());
    let mut chars = snippet.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            '$' if chars.peek() == Some(&'{') => {
                chars.next();
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                if chars.peek() == Some(&':') {
                    chars.next();
                }
            }
            '$' if chars.peek().is_some_and(char::is_ascii_digit) => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            '}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_keeps_defaults_and_literals() {
        assert_eq!(plain_text("a ${1:b} ${2} c\\$d\\} $0"), "a b  c$d} ");
        assert_eq!(plain_text(&escape("cost $5 {x}")), "cost $5 {x}");
    }

    #[test]
    fn weights_always_sum_to_100() {
        assert_eq!(even_weights(3), [34, 33, 33]);
        assert_eq!(even_weights(6).iter().sum::<u32>(), 100);
    }
}
