//! Reads an ADR's trade study ([`TradeStudy`]) from its text and outline: the weight table of
//! the Evaluation Criteria section, the **Minimum Acceptable Score** line, the alternatives under
//! Options Considered, the Options Comparison Matrix and the Decision's **Selected Option**, in
//! the shapes of aiwg's `templates/architecture/adr-with-tot.md` (aiwg-format §4.1). Headers
//! are matched by meaning, not position, so columns may come in any order.

use crate::model::Heading;
use crate::model::trade_study::{Criterion, MatrixRow, Number, ScoreCell, Selection, TradeStudy};
use crate::syntax::Outline;
use crate::text::TextRange;

/// Words with which a Decision argues for an option the scores do not favour.
const CONTRASTS: &[&str] = &[
    "despite",
    "although",
    "even though",
    "in spite",
    "rather than",
    "instead of",
    "outweigh",
    "lower score",
    "lower-scoring",
    "higher score",
    "higher-scoring",
];

/// The trade study of an ADR, or `None` when it has no criteria table, matrix or selection and
/// does not follow the Tree-of-Thoughts template.
pub(crate) fn read(
    text: &str,
    outline: &Outline,
    headings: &[Heading],
    follows_tot_template: bool,
) -> Option<TradeStudy> {
    let criteria_section = section(headings, &["evaluation criteria", "decision criteria", "criteria"]);
    let matrix_section =
        section(headings, &["options comparison", "comparison matrix", "decision matrix", "scoring matrix"]);
    let decision_section = section(headings, &["decision outcome", "decision"]).filter(|h| {
        let name = normalized(&h.text);
        name == "decision" || name.starts_with("decision outcome") || name.starts_with("decision:")
    });
    if !follows_tot_template && criteria_section.is_none() && matrix_section.is_none() {
        return None;
    }
    let mut study = TradeStudy { follows_tot_template, ..TradeStudy::default() };

    if let Some(table) = criteria_section.and_then(|s| first_table(outline, s)) {
        let rows = rows(text, table);
        if let Some((header, body)) = rows.split_first()
            && let Some(weight_column) = header.iter().position(|c| c.text.to_ascii_lowercase().contains("weight"))
        {
            study.weights_at = Some(header[weight_column].range);
            let name_column = usize::from(weight_column == 0);
            for row in body {
                let Some(name) = row.get(name_column) else { continue };
                let weight = row.get(weight_column).and_then(|c| weight(c.text));
                study.criteria.push(Criterion { name: plain(name.text).to_string(), weight });
            }
        }
    }
    study.minimum = minimum_score(text);

    let options = headings.iter().filter(|h| h.level >= 2).find(|h| {
        let name = normalized(&h.text);
        ["options considered", "alternatives considered", "considered options"].iter().any(|n| name.starts_with(n))
            || name == "options"
            || name == "alternatives"
    });
    if let Some(options) = options {
        study.alternatives_at = Some(options.range);
        study.alternatives = headings
            .iter()
            .filter(|h| h.level > options.level && options.section.contains_range(h.range))
            .filter(|h| {
                let name = normalized(&h.text);
                name.starts_with("option") || name.starts_with("alternative")
            })
            .count();
        if study.alternatives == 0 {
            study.alternatives = list_items(options.section.slice(text));
        }
    }

    if let Some(table) = matrix_section.and_then(|s| first_table(outline, s)) {
        study.matrix = matrix(text, table, &study.criteria);
        if options.is_none() {
            study.alternatives = study.matrix.len();
        }
    }

    if let Some(decision) = decision_section {
        study.selection = selection(text, decision.section, &study.matrix);
    }
    Some(study)
}

/// The first heading below the title whose text starts with one of `names` (numbering such as
/// `3.` or `Phase 2:` aside).
fn section<'a>(headings: &'a [Heading], names: &[&str]) -> Option<&'a Heading> {
    headings.iter().filter(|h| h.level >= 2).find(|h| {
        let text = normalized(&h.text);
        names.iter().any(|n| text.starts_with(n))
    })
}

fn normalized(heading: &str) -> String {
    heading.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ').to_ascii_lowercase()
}

fn first_table(outline: &Outline, heading: &Heading) -> Option<TextRange> {
    outline.tables.iter().copied().find(|t| heading.section.contains_range(*t))
}

#[derive(Clone, Copy, Debug)]
struct Cell<'a> {
    /// Without surrounding blanks.
    text: &'a str,
    range: TextRange,
}

/// The cells of a pipe table's rows, header first, the delimiter row left out. Cells split at
/// pipes that are not escaped (GFM splits inside code spans too).
fn rows(text: &str, table: TextRange) -> Vec<Vec<Cell<'_>>> {
    let mut out = Vec::new();
    let mut line_start = table.start;
    for (index, line) in table.slice(text).split_inclusive('\n').enumerate() {
        let start = line_start;
        line_start += line.len();
        if index == 1 {
            continue;
        }
        let content = line.trim_end();
        let mut cells = Vec::new();
        let mut cell_start = 0;
        let bytes = content.as_bytes();
        let mut boundaries = Vec::new();
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'|' && (i == 0 || bytes[i - 1] != b'\\') {
                boundaries.push(i);
            }
        }
        boundaries.push(content.len());
        for end in boundaries {
            let raw = &content[cell_start..end];
            let lead = raw.len() - raw.trim_start().len();
            let trimmed = raw.trim();
            let at = start + cell_start + lead;
            cells.push(Cell { text: trimmed, range: TextRange::new(at, at + trimmed.len()) });
            cell_start = (end + 1).min(content.len());
        }
        // A leading pipe opens no cell, and a trailing one closes the last.
        if content.trim_start().starts_with('|') {
            cells.remove(0);
        }
        if content.ends_with('|') && cells.last().is_some_and(|c| c.text.is_empty()) {
            cells.pop();
        }
        out.push(cells);
    }
    out
}

/// Cell text without emphasis markers.
fn plain(text: &str) -> &str {
    text.trim_matches(|c: char| c == '*' || c == '_' || c == ' ')
}

/// The number `text` starts with (after emphasis markers), with its range in the document
/// (`text` starts at `offset`).
fn leading_number(text: &str, offset: usize) -> Option<Number> {
    let skipped = text.len() - text.trim_start_matches(['*', '_', ' ']).len();
    let rest = &text[skipped..];
    let integer = rest.bytes().take_while(u8::is_ascii_digit).count();
    if integer == 0 {
        return None;
    }
    let mut len = integer;
    let mut decimals = 0u8;
    if rest[len..].starts_with('.') {
        let fraction = rest[len + 1..].bytes().take_while(u8::is_ascii_digit).count();
        if fraction > 0 {
            len += 1 + fraction;
            decimals = u8::try_from(fraction).unwrap_or(u8::MAX);
        }
    }
    let value: f64 = rest[..len].parse().ok()?;
    Some(Number { value, decimals, range: TextRange::new(offset + skipped, offset + skipped + len) })
}

/// A weight as a fraction: `30%`, `0.30` or `30`.
fn weight(text: &str) -> Option<f64> {
    let number = leading_number(text, 0)?;
    let percent = text[number.range.end..].trim_start().starts_with('%') || number.value > 1.0;
    Some(if percent { number.value / 100.0 } else { number.value })
}

/// A weight written in a column header: `Performance (30%)`, `Cost 10%`.
fn header_weight(header: &str) -> Option<f64> {
    let percent = header.find('%')?;
    let digits_start = header[..percent].rfind(|c: char| !(c.is_ascii_digit() || c == '.')).map_or(0, |i| i + 1);
    weight(&header[digits_start..])
}

/// The criterion name of a matrix column header, without its weight.
fn header_name(header: &str) -> String {
    let name = header.split(['(', '[']).next().unwrap_or(header);
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit() || c == '%' || c == '.' || c == ' ');
    plain(name).to_ascii_lowercase()
}

/// `**Minimum Acceptable Score:** 65/100`, out of 100 (`6.5/10` is 65).
fn minimum_score(text: &str) -> Option<(f64, TextRange)> {
    let phrase = "minimum acceptable score";
    let at = memchr::memmem::find_iter(text.as_bytes(), b"inimum ")
        .find(|&i| i > 0 && text.get(i - 1..i - 1 + phrase.len()).is_some_and(|s| s.eq_ignore_ascii_case(phrase)))?
        - 1;
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let colon = text[at..line_end].find(':')? + at + 1;
    let number = leading_number(&text[colon..line_end], colon)?;
    let after = &text[number.range.end..line_end];
    let out_of_10 = after.starts_with("/10") && !after.starts_with("/100");
    let value = if out_of_10 || (!after.starts_with("/100") && number.value <= 10.0) {
        number.value * 10.0
    } else {
        number.value
    };
    Some((value, number.range))
}

/// Top-level list items in a section (MADR lists its Considered Options as bullets).
fn list_items(section: &str) -> usize {
    section
        .lines()
        .filter(|line| {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            line.starts_with("- ") || line.starts_with("* ") || (digits > 0 && line[digits..].starts_with(". "))
        })
        .count()
}

fn matrix(text: &str, table: TextRange, criteria: &[Criterion]) -> Vec<MatrixRow> {
    let rows = rows(text, table);
    let Some((header, body)) = rows.split_first() else { return Vec::new() };
    enum Column {
        Option,
        Criterion(Option<f64>),
        Total(bool),
        Verdict,
        Other,
    }
    let columns: Vec<Column> = header
        .iter()
        .enumerate()
        .map(|(i, cell)| {
            let lower = cell.text.to_ascii_lowercase();
            if i == 0 {
                Column::Option
            } else if lower.contains("total") || lower.contains("weighted") || plain(&lower) == "score" {
                Column::Total(lower.contains("/100") || lower.contains("100"))
            } else if lower.contains("pass") || lower.contains("fail") || lower.contains("verdict") {
                Column::Verdict
            } else if lower.contains("rank") || lower.contains("note") || lower.contains("rationale") {
                Column::Other
            } else {
                let name = header_name(cell.text);
                let from_criteria = || {
                    criteria
                        .iter()
                        .find(|c| {
                            let c = c.name.to_ascii_lowercase();
                            !c.is_empty()
                                && !name.is_empty()
                                && (c == name || c.starts_with(&name) || name.starts_with(&c))
                        })
                        .and_then(|c| c.weight)
                };
                Column::Criterion(header_weight(cell.text).or_else(from_criteria))
            }
        })
        .collect();
    body.iter()
        .filter(|row| row.first().is_some_and(|c| !plain(c.text).is_empty()))
        .map(|row| {
            let option = &row[0];
            let mut out = MatrixRow {
                option: plain(option.text).to_string(),
                option_range: option.range,
                cells: Vec::new(),
                total: None,
                total_out_of_100: false,
                verdict: None,
            };
            for (cell, column) in row.iter().zip(&columns) {
                match column {
                    Column::Criterion(weight) => out.cells.push(score_cell(text, *cell, *weight)),
                    Column::Total(header_says_100) => {
                        if let Some(total) = leading_number(cell.text, cell.range.start) {
                            let after = &text[total.range.end..cell.range.end];
                            out.total_out_of_100 = *header_says_100
                                || after.starts_with("/100")
                                || (!after.starts_with("/10") && total.value > 10.0);
                            out.total = Some(total);
                        }
                    }
                    Column::Verdict => {
                        let verdict = plain(cell.text).to_ascii_lowercase();
                        let mark = verdict.trim_start_matches(['✅', '❌', ' ']);
                        if !verdict.contains('/') {
                            if mark.starts_with("pass") || verdict.starts_with('✅') {
                                out.verdict = Some((true, cell.range));
                            } else if mark.starts_with("fail") || verdict.starts_with('❌') {
                                out.verdict = Some((false, cell.range));
                            }
                        }
                    }
                    Column::Option | Column::Other => {}
                }
            }
            out
        })
        .collect()
}

/// `8 (2.4)`: a score and its weighted contribution; a placeholder (`X (X.X)`) has no score.
fn score_cell(text: &str, cell: Cell<'_>, weight: Option<f64>) -> ScoreCell {
    let score = leading_number(cell.text, cell.range.start);
    let weighted = cell.text.find('(').and_then(|open| {
        let inside = &cell.text[open + 1..];
        let number = leading_number(inside, cell.range.start + open + 1)?;
        text[number.range.end..cell.range.end].trim_start().starts_with(')').then_some(number)
    });
    ScoreCell { weight, score: score.map(|s| s.value), weighted }
}

/// The Decision's `**Selected Option:** Option 2 - Kafka` (or MADR's `Chosen option: "…"`).
fn selection(text: &str, decision: TextRange, matrix: &[MatrixRow]) -> Option<Selection> {
    let body = decision.slice(text);
    let lower = body.to_ascii_lowercase();
    let key = ["selected option", "chosen option", "selected alternative", "chosen alternative"]
        .iter()
        .filter_map(|k| lower.find(k))
        .min()?;
    let line_end = body[key..].find('\n').map_or(body.len(), |i| key + i);
    let colon = body[key..line_end].find(':')? + key + 1;
    let raw = &body[colon..line_end];
    let value = raw.trim_start_matches(['*', ' ']);
    let value = match value.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or(quoted),
        None => value.trim_end_matches(['*', ' ']),
    };
    if value.is_empty() || value.contains('[') {
        return None;
    }
    let start = decision.start + colon + (raw.len() - raw.trim_start_matches(['*', ' ', '"']).len());
    let range = TextRange::new(start, start + value.len());
    let chosen = value.to_ascii_lowercase();
    let row = matrix.iter().position(|r| names_option(&chosen, &r.option));
    let discussed = |text: &str| -> Vec<usize> {
        (0..matrix.len()).filter(|&i| Some(i) != row && names_option(text, &matrix[i].option)).collect()
    };
    // The rest of the section, the selected option's own name left out.
    let mut elsewhere = lower.clone();
    elsewhere.replace_range(range.start - decision.start..range.end - decision.start, "");
    Some(Selection {
        text: value.to_string(),
        range,
        row,
        rows_discussed: discussed(&elsewhere),
        contrasts: CONTRASTS.iter().any(|c| elsewhere.contains(c)),
    })
}

/// Whether lowercase `text` names the option a matrix row calls `option`: by its number
/// (`Option 2`) or by its name (`Kafka`).
fn names_option(text: &str, option: &str) -> bool {
    let option = option.to_ascii_lowercase();
    let (label, name) = match option.split_once([':', '–', '—']).or_else(|| option.split_once(" - ")) {
        Some((label, name)) => (label.trim().to_string(), name.trim().to_string()),
        None if option.starts_with("option") || option.starts_with("alternative") => (option.clone(), String::new()),
        None => (String::new(), option.clone()),
    };
    let by_label = !label.is_empty()
        && text
            .match_indices(label.as_str())
            .any(|(i, _)| !text[i + label.len()..].starts_with(|c: char| c.is_ascii_digit()));
    by_label || (name.len() >= 3 && text.contains(name.as_str()))
}

#[cfg(test)]
mod tests {
    use crate::model::trade_study::format_number;

    fn study(text: &str) -> String {
        let facts = crate::syntax::facts_from_text(".aiwg/architecture/decisions/ADR-010-queue.md", text);
        let Some(study) = facts.trade_study.as_deref() else { return "no trade study".to_string() };
        let mut out = format!(
            "alternatives {} criteria {:?} minimum {:?}\n",
            study.alternatives,
            study
                .criteria
                .iter()
                .map(|c| format!("{}={:?}", c.name, c.weight.map(|w| format_number(w, 2))))
                .collect::<Vec<_>>(),
            study.minimum.map(|m| m.0)
        );
        for row in &study.matrix {
            out.push_str(&format!(
                "row {:?} cells {:?} total {:?} /100 {} verdict {:?}\n",
                row.option,
                row.cells.iter().map(|c| (c.score, c.weighted.as_ref().map(|w| w.value))).collect::<Vec<_>>(),
                row.total.as_ref().map(|t| t.value),
                row.total_out_of_100,
                row.verdict.map(|v| v.0)
            ));
        }
        if let Some(s) = &study.selection {
            out.push_str(&format!(
                "selected {:?} row {:?} discussed {:?} contrasts {}\n",
                s.text, s.row, s.rows_discussed, s.contrasts
            ));
        }
        for finding in study.findings() {
            let at = finding.range.map_or("-".to_string(), |r| r.slice(text).to_string());
            out.push_str(&format!("finding {at:?}: {}\n", finding.message));
        }
        out
    }

    #[test]
    fn reads_and_checks_a_tree_of_thoughts_study() {
        let text = "# ADR-010: Queue\n\n---\ntemplate_id: adr-with-tot\n---\n\n## Evaluation Criteria\n\n\
            | Criterion | Weight | Source |\n|---|---|---|\n| **Performance** | 30% | x |\n| Scalability | 25% | x |\n\
            | Maintainability | 20% | x |\n| Security | 15% | x |\n| Cost | 5% | x |\n\n\
            **Minimum Acceptable Score:** 65/100\n\n## Options Considered\n\n### Option 1: Redis\n\n### Option 2: Kafka\n\n\
            ## Options Comparison Matrix\n\n\
            | Option | Performance | Scalability | Maintainability | Security | Cost | **Total** | Pass/Fail? |\n\
            |---|---|---|---|---|---|---|---|\n\
            | Option 1 | 8 (2.4) | 7 (1.75) | 6 (1.2) | 9 (1.35) | 5 (0.5) | **71** | Pass |\n\
            | Option 2 | 9 (2.7) | 9 (2.25) | 7 (1.4) | 8 (1.2) | 4 (0.2) | **77.5** | Pass |\n\
            | Option 3 | 3 (0.9) | 4 (1) | 5 (1) | 6 (0.9) | 7 (0.35) | **41.5** | Pass |\n\n\
            ## Decision\n\n**Selected Option:** Option 1 - Redis\n\nIt is what we know.\n";
        expect_test::expect![[r###"
            alternatives 2 criteria ["Performance=Some(\"0.3\")", "Scalability=Some(\"0.25\")", "Maintainability=Some(\"0.2\")", "Security=Some(\"0.15\")", "Cost=Some(\"0.05\")"] minimum Some(65.0)
            row "Option 1" cells [(Some(8.0), Some(2.4)), (Some(7.0), Some(1.75)), (Some(6.0), Some(1.2)), (Some(9.0), Some(1.35)), (Some(5.0), Some(0.5))] total Some(71.0) /100 true verdict Some(true)
            row "Option 2" cells [(Some(9.0), Some(2.7)), (Some(9.0), Some(2.25)), (Some(7.0), Some(1.4)), (Some(8.0), Some(1.2)), (Some(4.0), Some(0.2))] total Some(77.5) /100 true verdict Some(true)
            row "Option 3" cells [(Some(3.0), Some(0.9)), (Some(4.0), Some(1.0)), (Some(5.0), Some(1.0)), (Some(6.0), Some(0.9)), (Some(7.0), Some(0.35))] total Some(41.5) /100 true verdict Some(true)
            selected "Option 1 - Redis" row Some(0) discussed [] contrasts false
            finding "## Options Considered": 2 alternatives are considered; the Tree-of-Thoughts template asks for at least 3
            finding "Weight": the criteria weights sum to 95%, not 100%
            finding "0.5": Option 1: 5 × 5% is 0.25, not 0.5
            finding "71": Option 1's total is 71, but its weighted scores sum to 69.5
            finding "Pass": Option 3 passes with 41.5 of 100, below the Minimum Acceptable Score of 65
            finding "Option 1 - Redis": Option 1 scores 69.5, below Option 2 (77.5), and the Decision does not say why it was chosen anyway
        "###]]
        .assert_eq(&study(text));
    }

    #[test]
    fn a_stated_reason_and_placeholders_are_respected() {
        let text = "# ADR-011: Cache\n\n## Options Comparison Matrix\n\n\
            | Option | Speed (60%) | Cost (40%) | Total |\n|---|---|---|---|\n\
            | Option 1: Redis | 8 | 5 | 6.8 |\n| Option 2: Memcached | 9 | 6 | 7.8 |\n| Option 3: [Name] | X | X | XX |\n\n\
            ## Decision\n\nChosen option: \"Option 1: Redis\", because the team runs it today, despite Memcached's higher score.\n";
        expect_test::expect![[r#"
            alternatives 3 criteria [] minimum None
            row "Option 1: Redis" cells [(Some(8.0), None), (Some(5.0), None)] total Some(6.8) /100 false verdict None
            row "Option 2: Memcached" cells [(Some(9.0), None), (Some(6.0), None)] total Some(7.8) /100 false verdict None
            row "Option 3: [Name]" cells [(None, None), (None, None)] total None /100 false verdict None
            selected "Option 1: Redis" row Some(0) discussed [1] contrasts true
        "#]]
        .assert_eq(&study(text));
        assert_eq!(study("# ADR-012: Plain\n\n## Context\n\nx\n"), "no trade study");
    }
}
