//! The built-in offline drafter: a deterministic first draft of a section from what the
//! workspace already says, for when no agent program is configured (the default backend). It
//! writes from the documents the ADR or artifact references (their titles, summaries and
//! `@`-paths), the options the document already names and its trade study; where the workspace
//! says nothing it says so plainly and names what to link, never filler text.

use crate::agent::prompt::related_documents;
use crate::agent::sections::DraftSection;
use crate::analysis::FilePath;
use crate::model::ArtifactKind;
use crate::workspace::{DocId, Document, Snapshot};

/// A draft and the documents it was written from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfflineDraft {
    pub body: String,
    pub sources: Vec<FilePath>,
}

/// The offline draft of `section` of document `doc_id`.
pub fn offline_draft(snapshot: &Snapshot, doc_id: DocId, section: &DraftSection) -> OfflineDraft {
    let doc = snapshot.doc(doc_id);
    let related = related_documents(snapshot, doc_id, section);
    let of_kind = |kinds: &[ArtifactKind]| -> Vec<&Document> {
        related.iter().copied().filter(|d| kinds.contains(&d.facts.kind)).collect()
    };
    let drivers = of_kind(&[ArtifactKind::UseCase, ArtifactKind::ResearchRef, ArtifactKind::Risk]);
    let qualities = of_kind(&[ArtifactKind::Nfr]);
    let decisions = of_kind(&[ArtifactKind::Adr]);
    let options = named_options(doc);
    let name = section.name.to_ascii_lowercase();
    let name = name.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let mut used: Vec<&Document> = Vec::new();
    let body = if name.starts_with("context") || name.starts_with("phase 1") || name.contains("problem") {
        used.extend(drivers.iter().chain(&qualities).chain(&decisions));
        context(doc, &drivers, &qualities, &decisions)
    } else if name.contains("alternative") || name.contains("option") {
        alternatives(&options)
    } else if name.starts_with("reference") || name.starts_with("related") {
        used.extend(related.iter().copied());
        references(&related)
    } else if name.starts_with("decision") || name.starts_with("phase 2") {
        decision(doc, &options)
    } else if name.starts_with("consequence") || name.starts_with("phase 3") || name.contains("impact") {
        used.extend(&qualities);
        consequences(&qualities, &options)
    } else if name.starts_with("reasoning") {
        used.extend(drivers.iter().chain(&qualities));
        reasoning(doc, &drivers, &qualities, &options)
    } else if name == "status" {
        "Proposed\n".to_string()
    } else {
        used.extend(related.iter().copied());
        generic(section, &related)
    };
    OfflineDraft { body, sources: used.iter().map(|d| FilePath { root: d.root, path: d.path.clone() }).collect() }
}

/// `- @path — Title: summary`.
fn cite(doc: &Document) -> String {
    let title = doc.facts.title.as_deref().unwrap_or("");
    let summary = doc.facts.summary.as_deref().map(|s| format!(": {s}")).unwrap_or_default();
    if title.is_empty() { format!("- @{}{summary}", doc.path) } else { format!("- @{} — {title}{summary}", doc.path) }
}

fn context(doc: &Document, drivers: &[&Document], qualities: &[&Document], decisions: &[&Document]) -> String {
    let mut out = String::new();
    let subject =
        doc.facts.title.as_deref().map(|t| t.split_once(": ").map_or(t, |(_, rest)| rest)).unwrap_or("this decision");
    if drivers.is_empty() && qualities.is_empty() && decisions.is_empty() {
        out.push_str(&format!(
            "{subject} is not yet tied to any use case, requirement or finding. Reference the use cases it serves \
             (`@.aiwg/requirements/use-cases/…`) and the NFR modules it must meet (`@.aiwg/requirements/nfr-modules/…`), \
             then draft this section again.\n"
        ));
        return out;
    }
    if !drivers.is_empty() {
        out.push_str(&format!("{subject} is needed by:\n\n"));
        for d in drivers {
            out.push_str(&format!("{}\n", cite(d)));
        }
        out.push('\n');
    }
    if !qualities.is_empty() {
        out.push_str("It must meet these quality requirements:\n\n");
        for d in qualities {
            out.push_str(&format!("{}\n", cite(d)));
        }
        out.push('\n');
    }
    if !decisions.is_empty() {
        out.push_str("It builds on these decisions:\n\n");
        for d in decisions {
            let status = d.facts.status().map(|s| format!(" ({s})")).unwrap_or_default();
            out.push_str(&format!("- @{} — {}{status}\n", d.path, d.facts.title.as_deref().unwrap_or("")));
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The options the document already names: its trade study's matrix rows, else its
/// `Option N` / `Alternative N` headings.
fn named_options(doc: &Document) -> Vec<String> {
    if let Some(study) = doc.facts.trade_study.as_deref()
        && !study.matrix.is_empty()
    {
        return study.matrix.iter().map(|row| row.option.clone()).collect();
    }
    doc.facts
        .headings
        .iter()
        .filter(|h| h.level >= 3 && (h.text.starts_with("Option ") || h.text.starts_with("Alternative ")))
        .map(|h| h.text.to_string())
        .collect()
}

fn alternatives(options: &[String]) -> String {
    if options.is_empty() {
        return "No alternative is named in this document yet. List each option weighed, at least three, as \
                `### Option N: Name` with its pros, cons and why it was not chosen.\n"
            .to_string();
    }
    let mut out = String::new();
    for (i, option) in options.iter().enumerate() {
        let heading = if option.starts_with("Option ") || option.starts_with("Alternative ") {
            option.clone()
        } else {
            format!("Option {}: {option}", i + 1)
        };
        out.push_str(&format!("### {heading}\n\n**Pros:**\n- \n\n**Cons:**\n- \n\n**Why Not Chosen:** \n\n"));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn references(related: &[&Document]) -> String {
    if related.is_empty() {
        return "This document references no other document yet.\n".to_string();
    }
    related.iter().map(|d| format!("{}\n", cite(d))).collect()
}

fn decision(doc: &Document, options: &[String]) -> String {
    if let Some(study) = doc.facts.trade_study.as_deref() {
        let scored: Vec<(&str, f64)> = study
            .matrix
            .iter()
            .filter_map(|row| {
                Some((row.option.as_str(), row.computed_total().or(row.total.as_ref().map(|t| t.value))?))
            })
            .collect();
        if let Some((best, score)) = scored.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1)) {
            let others: Vec<String> = scored
                .iter()
                .filter(|(o, _)| *o != best)
                .map(|(o, s)| format!("{o} ({})", crate::model::trade_study::format_number(*s, 1)))
                .collect();
            let mut out = format!(
                "**Selected Option:** {best}\n\nIt scores {} in the Options Comparison Matrix",
                crate::model::trade_study::format_number(score, 1)
            );
            if !others.is_empty() {
                out.push_str(&format!(", ahead of {}", others.join(", ")));
            }
            if let Some((minimum, _)) = study.minimum {
                out.push_str(&format!(
                    ", against a Minimum Acceptable Score of {}",
                    crate::model::trade_study::format_number(minimum, 1)
                ));
            }
            out.push_str(".\n");
            return out;
        }
    }
    match options {
        [] => "No option is named in this document yet: state the chosen option and the forces that decide it.\n"
            .to_string(),
        _ => format!(
            "Choose one of the options considered — {} — and state why it best meets the requirements in Context.\n",
            options.join(", ")
        ),
    }
}

fn consequences(qualities: &[&Document], options: &[String]) -> String {
    let mut out = String::from("### Positive\n\n- \n\n### Negative\n\n- \n");
    if !qualities.is_empty() {
        out.push_str("\n### Requirements to verify\n\n");
        for d in qualities {
            out.push_str(&format!("- @{} — {}\n", d.path, d.facts.title.as_deref().unwrap_or("")));
        }
    }
    if options.len() > 1 {
        out.push_str(&format!(
            "\n### Options set aside\n\n{}\n",
            options.iter().map(|o| format!("- {o}")).collect::<Vec<_>>().join("\n")
        ));
    }
    out
}

fn reasoning(doc: &Document, drivers: &[&Document], qualities: &[&Document], options: &[String]) -> String {
    let titles = |docs: &[&Document]| docs.iter().filter_map(|d| d.facts.title.clone()).collect::<Vec<_>>().join("; ");
    let subject = doc.facts.title.as_deref().unwrap_or("this decision");
    let or_none = |text: String, none: &str| if text.is_empty() { none.to_string() } else { text };
    format!(
        "1. **Context Analysis**: {subject}; needed by {}.\n\
         2. **Force Identification**: {}.\n\
         3. **Option Evaluation**: {}.\n\
         4. **Decision Justification**: see Decision; it must satisfy the forces above.\n\
         5. **Consequence Assessment**: see Consequences.\n",
        or_none(titles(drivers), "no referenced use case yet"),
        or_none(titles(qualities), "no referenced NFR module yet"),
        or_none(options.join(", "), "no options named yet"),
    )
}

fn generic(section: &DraftSection, related: &[&Document]) -> String {
    let mut out = String::new();
    if !section.guidance.is_empty() {
        out.push_str(&format!("<!-- Template guidance: {} -->\n\n", section.guidance.replace("-->", "")));
    }
    if related.is_empty() {
        out.push_str("Nothing in the workspace informs this section yet.\n");
    } else {
        out.push_str("Drawn from:\n\n");
        for d in related {
            out.push_str(&format!("{}\n", cite(d)));
        }
    }
    out
}
