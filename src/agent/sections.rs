//! Sections a draft can fill: a heading whose section is empty or holds only template guidance
//! (placeholders, `[…]` prompts, `<!-- EXAMPLE -->` comments, `TBD`), and in an ADR a required
//! section the document lacks (`model::adr`). Each is found again by its heading text when a
//! draft returns, so edits made while an agent runs survive.

use crate::model::{DocFacts, Heading, adr};
use crate::text::TextRange;

/// A section to draft.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DraftSection {
    /// The heading text (`Context`, `Phase 1: Core Decision (ESSENTIAL)`).
    pub name: String,
    /// The heading's level; a missing section gets level 2.
    pub level: u8,
    /// The heading, or `None` for a missing section.
    pub heading: Option<TextRange>,
    /// The body: from the end of the heading's line to the end of its section (subsections
    /// included); for a missing section, the empty range where it would be inserted.
    pub body: TextRange,
    /// The template's guidance for the section (its current guidance-only text, or the ADR
    /// template's when it is missing).
    pub guidance: String,
}

impl DraftSection {
    pub fn is_missing(&self) -> bool {
        self.heading.is_none()
    }
}

/// Every section of `text` (whose facts are `facts`) that can be drafted, in document order, then
/// the missing ADR sections in their template's order.
pub fn draftable_sections(facts: &DocFacts, text: &str) -> Vec<DraftSection> {
    let mut out: Vec<DraftSection> =
        facts.headings.iter().enumerate().filter_map(|(i, heading)| present_section(i, heading, text)).collect();
    // A section under a guidance-only parent is drafted with it.
    let parents: Vec<TextRange> = out.iter().map(|s| s.body).collect();
    out.retain(|s| !parents.iter().any(|p| s.heading.is_some_and(|h| p.start <= h.start && h.end <= p.end)));
    out.extend(missing_sections(facts, text));
    out
}

/// The section under `heading` (the `index`-th heading), when it can be drafted: not the
/// title, and its body empty or guidance only.
fn present_section(index: usize, heading: &Heading, text: &str) -> Option<DraftSection> {
    if heading.level < 2 && index == 0 {
        return None;
    }
    let body = body_of(text, heading)?;
    let content = body.slice(text);
    is_guidance_only(content).then(|| DraftSection {
        name: heading.text.to_string(),
        level: heading.level,
        heading: Some(heading.range),
        body,
        guidance: content.trim().to_string(),
    })
}

/// The required sections an ADR lacks (not its Status, which is a line), each at the place its
/// template gives it.
fn missing_sections(facts: &DocFacts, text: &str) -> Vec<DraftSection> {
    let Some(record) = adr::adr(facts) else { return Vec::new() };
    record
        .missing_sections
        .iter()
        .filter(|n| **n != "Status")
        .map(|name| {
            let guidance = record
                .template
                .sections()
                .iter()
                .chain(adr::AdrTemplate::Nygard.sections())
                .find(|(section, _)| section == name)
                .map_or("", |(_, g)| *g);
            DraftSection {
                name: name.to_string(),
                level: 2,
                heading: None,
                body: TextRange::empty(insertion_point(facts, text, record.template, name)),
                guidance: guidance.to_string(),
            }
        })
        .collect()
}

/// The sections to offer drafting for at `range`: the one whose heading it touches, and the
/// missing ones when it touches the title (where `adr-section` reports them). Only those
/// sections are read: code actions are asked on every cursor move.
pub fn offers_at(facts: &DocFacts, text: &str, range: TextRange) -> Vec<DraftSection> {
    let touches = |r: TextRange| r.start <= range.end && range.start <= r.end;
    let mut out: Vec<DraftSection> = facts
        .headings
        .iter()
        .enumerate()
        .filter(|(_, heading)| touches(heading.range))
        .filter_map(|(i, heading)| present_section(i, heading, text))
        .collect();
    if facts.headings.first().is_some_and(|title| touches(title.range)) {
        out.extend(missing_sections(facts, text));
    }
    out
}

/// The draftable section named `name` (ignoring case and surrounding blanks), as `text` is now:
/// the first heading of that name whose section can be drafted (a subsection too), else a
/// missing ADR section of that name.
pub fn find_section(facts: &DocFacts, text: &str, name: &str) -> Option<DraftSection> {
    let wanted = name.trim();
    facts
        .headings
        .iter()
        .enumerate()
        .filter(|(_, heading)| heading.text.eq_ignore_ascii_case(wanted))
        .find_map(|(i, heading)| present_section(i, heading, text))
        .or_else(|| missing_sections(facts, text).into_iter().find(|s| s.name.eq_ignore_ascii_case(wanted)))
}

/// From the end of the heading's line to the end of its section, without trailing blank lines.
/// `None` when the heading does not fit `text` (facts of another version of it).
fn body_of(text: &str, heading: &Heading) -> Option<TextRange> {
    let line_end = text.get(heading.range.end..)?.find('\n').map_or(text.len(), |i| heading.range.end + i + 1);
    let end = heading.section.end.max(line_end).min(text.len());
    let start = line_end.min(end);
    let trimmed_end = start + text.get(start..end)?.trim_end().len();
    Some(TextRange::new(start, trimmed_end.max(start)))
}

/// Whether a section body holds no prose of its own: nothing but blanks, headings, HTML comments,
/// bracketed prompts, placeholders, bold labels (`**Pros:**`, `1. **Context Analysis**:`), table
/// headers and list markers around them.
pub(crate) fn is_guidance_only(body: &str) -> bool {
    let lines: Vec<String> = without_comments(body).lines().map(|l| strip_brackets(l.trim())).collect();
    let is_delimiter = |line: &str| line.starts_with('|') && line.contains("---");
    let mut words = 0;
    for (i, line) in lines.iter().enumerate() {
        let line = line.trim();
        if line.starts_with('#') || is_delimiter(line) || is_label(line) {
            continue;
        }
        // A table's header row (the row above its delimiter) is skeleton; its other rows are not.
        if line.starts_with('|') && lines.get(i + 1).is_some_and(|next| is_delimiter(next.trim())) {
            continue;
        }
        words += line
            .split(|c: char| c.is_whitespace() || "|*_-:.,;()`>+#".contains(c))
            .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
            .filter(|w| !PLACEHOLDER_WORDS.contains(&w.to_ascii_lowercase().as_str()))
            .count();
    }
    words == 0
}

/// Words that stand for text not written yet.
const PLACEHOLDER_WORDS: &[&str] = &["tbd", "todo", "n/a", "xxx", "yyyy", "mm", "dd", "x", "xx", "..."];

/// A bold label with nothing after it: `**Pros:**`, `- **Status**:`, `2. **Force Identification**:`.
fn is_label(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let line = if digits > 0 { line[digits..].strip_prefix(". ").unwrap_or(line) } else { line };
    let line = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")).unwrap_or(line);
    let Some(inner) = line.strip_prefix("**") else { return false };
    inner.find("**").is_some_and(|close| inner[close + 2..].trim().trim_start_matches(':').trim().is_empty())
}

/// The text without `<!-- … -->` comments (which may span lines).
fn without_comments(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        match rest[start..].find("-->") {
            Some(end) => rest = &rest[start + end + 3..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// `[…]` prompts removed.
fn strip_brackets(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut depth = 0usize;
    for c in line.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Where a missing ADR section goes: after the last present section that comes before it in
/// the template's order, else at the end of the document.
fn insertion_point(facts: &DocFacts, text: &str, template: adr::AdrTemplate, name: &str) -> usize {
    let names = |t: adr::AdrTemplate| t.sections().iter().map(|(n, _)| *n).collect::<Vec<&str>>();
    let order = if names(template).contains(&name) { names(template) } else { names(adr::AdrTemplate::Nygard) };
    let Some(position) = order.iter().position(|n| *n == name) else { return text.len() };
    let later: Vec<&str> = order[position + 1..].to_vec();
    // Before the first present section that the template puts after it.
    facts
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .find(|h| later.iter().any(|n| h.text.eq_ignore_ascii_case(n)))
        .map_or(text.len(), |h| h.range.start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections(path: &str, text: &str) -> Vec<String> {
        let facts = crate::syntax::facts_from_text(path, text);
        draftable_sections(&facts, text)
            .iter()
            .map(|s| format!("{} {:?} body {:?}", s.name, s.is_missing(), s.body.slice(text)))
            .collect()
    }

    #[test]
    fn empty_and_guidance_only_sections_and_missing_ones() {
        let text = "# ADR-004: Queue\n\n**Status**: Proposed\n\n## Context\n\n[Describe the forces.]\n\
                    <!-- EXAMPLE: Our queue is slow. -->\n\n## Decision\n\nWe use NATS because it is small.\n\n\
                    ## References\n\n- TBD\n";
        assert_eq!(
            sections(".aiwg/architecture/decisions/ADR-004-queue.md", text),
            [
                r#"Context false body "\n[Describe the forces.]\n<!-- EXAMPLE: Our queue is slow. -->""#,
                r#"References false body "\n- TBD""#,
                r#"Consequences true body """#,
            ]
        );
        let facts = crate::syntax::facts_from_text(".aiwg/architecture/decisions/ADR-004-queue.md", text);
        let missing = find_section(&facts, text, "consequences").unwrap();
        assert_eq!(&text[missing.body.start..], "## References\n\n- TBD\n", "inserted before References");
    }

    #[test]
    fn skeletons_are_guidance_and_prose_is_not() {
        assert!(is_guidance_only("**Pros:**\n- \n\n**Cons:**\n-\n"));
        assert!(is_guidance_only("| Date | Reviewer | Outcome |\n|---|---|---|\n"));
        assert!(is_guidance_only("1. **Context Analysis**: [What concern?]\n2. **Force Identification**: [...]"));
        assert!(!is_guidance_only("Redis is already deployed for sessions."));
        assert!(!is_guidance_only("| Date | Reviewer |\n|---|---|\n| 2026-01-01 | Ana |"));
    }
}
