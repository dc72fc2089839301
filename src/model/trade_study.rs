//! The trade study of an ADR that follows aiwg's Tree-of-Thoughts template
//! (`templates/architecture/adr-with-tot.md`, aiwg-format §4.3): weighted evaluation criteria,
//! the alternatives considered, the options comparison matrix with each option's weighted
//! scores, total and Pass/Fail, the **Minimum Acceptable Score**, and the option selected.
//!
//! The numbers are kept as written, with where each is written; the arithmetic that checks them
//! and the recomputation that repairs them both live here, so a diagnostic and its fix never
//! disagree. `syntax::trade_study` reads the study from a document.

use crate::text::TextRange;

/// The template's "k=3 minimum" ("Create 3-5 distinct alternatives", adr-with-tot.md).
pub(crate) const MINIMUM_ALTERNATIVES: usize = 3;

/// A number as written in the document.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Number {
    pub(crate) value: f64,
    /// Digits after the decimal point, which say how precisely it was rounded.
    pub(crate) decimals: u8,
    pub(crate) range: TextRange,
}

impl Number {
    /// Whether `exact` rounds to this number at the precision it is written with.
    fn agrees_with(&self, exact: f64) -> bool {
        let tolerance = 0.5 * 10f64.powi(-i32::from(self.decimals)) + 1e-9;
        (self.value - exact).abs() <= tolerance
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Criterion {
    pub(crate) name: String,
    /// The weight as a fraction of the whole (`30%` is 0.3); `None` for a placeholder.
    pub(crate) weight: Option<f64>,
}

/// One criterion's cell of a comparison-matrix row: `8 (2.4)` is a score of 8 whose weighted
/// contribution is written as 2.4.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ScoreCell {
    /// The column's criterion weight, from its header or the criteria table.
    pub(crate) weight: Option<f64>,
    /// `None` when the cell holds a placeholder (`X (X.X)`).
    pub(crate) score: Option<f64>,
    pub(crate) weighted: Option<Number>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct MatrixRow {
    /// The option as the first cell names it (`Option 1`, `Option 2: Kafka`).
    pub(crate) option: String,
    pub(crate) option_range: TextRange,
    pub(crate) cells: Vec<ScoreCell>,
    pub(crate) total: Option<Number>,
    /// Whether the total is out of 100 (the template's scale) rather than out of 10.
    pub(crate) total_out_of_100: bool,
    /// `Some(true)` for Pass, `Some(false)` for Fail, with where it is written.
    pub(crate) verdict: Option<(bool, TextRange)>,
}

impl MatrixRow {
    /// The total the row's scores make, on the row's own scale: the sum of score × weight, or
    /// of the written contributions when the weights are unknown. `None` while any score is a
    /// placeholder.
    pub(crate) fn computed_total(&self) -> Option<f64> {
        if self.cells.is_empty() {
            return None;
        }
        let mut sum = 0.0;
        for cell in &self.cells {
            sum += match (cell.score, cell.weight, &cell.weighted) {
                (Some(score), Some(weight), _) => score * weight,
                (Some(_), None, Some(weighted)) => weighted.value,
                _ => return None,
            };
        }
        Some(if self.total_out_of_100 { sum * 10.0 } else { sum })
    }

    /// Written contributions that are not score × weight, with the exact value of each.
    fn wrong_contributions(&self) -> impl Iterator<Item = (&Number, f64, f64, f64)> {
        self.cells.iter().filter_map(|cell| match (cell.score, cell.weight, &cell.weighted) {
            (Some(score), Some(weight), Some(weighted)) if !weighted.agrees_with(score * weight) => {
                Some((weighted, score, weight, score * weight))
            }
            _ => None,
        })
    }

    /// The written total and the computed one, when they differ by more than the rounding of the
    /// parts a writer may have summed.
    fn wrong_total(&self) -> Option<(&Number, f64)> {
        let (total, computed) = (self.total.as_ref()?, self.computed_total()?);
        let rounding_of_parts = if self.total_out_of_100 { 0.5 } else { 0.05 };
        (!total.agrees_with(computed) && (total.value - computed).abs() > rounding_of_parts + 1e-9)
            .then_some((total, computed))
    }

    /// The score that decides between options: the computed total, else the written one.
    fn standing(&self) -> Option<f64> {
        self.computed_total().or(self.total.as_ref().map(|t| t.value))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Selection {
    /// The selected option as written after `**Selected Option:**`.
    pub(crate) text: String,
    pub(crate) range: TextRange,
    /// The matrix row it names, if any.
    pub(crate) row: Option<usize>,
    /// Matrix rows the Decision section names besides the selected one.
    pub(crate) rows_discussed: Vec<usize>,
    /// The Decision section argues against the scores ("despite", "although", "rather than"…).
    pub(crate) contrasts: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct TradeStudy {
    /// Whether the document declares `template_id: adr-with-tot`, whose minimum of alternatives
    /// then applies.
    pub(crate) follows_tot_template: bool,
    pub(crate) criteria: Vec<Criterion>,
    /// The criteria table's Weight header, where a wrong sum is reported.
    pub(crate) weights_at: Option<TextRange>,
    /// The minimum acceptable score out of 100.
    pub(crate) minimum: Option<(f64, TextRange)>,
    /// How many alternatives the document considers, and the heading that lists them.
    pub(crate) alternatives: usize,
    pub(crate) alternatives_at: Option<TextRange>,
    pub(crate) matrix: Vec<MatrixRow>,
    pub(crate) selection: Option<Selection>,
}

// Numbers are parsed from digits, so never NaN: equality is an equivalence.
impl Eq for TradeStudy {}

/// One thing wrong with a trade study.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Finding {
    pub(crate) range: Option<TextRange>,
    pub(crate) message: String,
    /// The comparison matrix's arithmetic is off, so recomputing it repairs this.
    pub(crate) recomputable: bool,
    /// Not necessarily wrong (a Fail above the minimum can come from a critical criterion).
    pub(crate) doubtful: bool,
}

impl TradeStudy {
    /// Every range the study holds, for the facts' boundary checks.
    pub(crate) fn ranges(&self) -> Vec<TextRange> {
        let numbers = self.matrix.iter().flat_map(|row| {
            let weighted = row.cells.iter().filter_map(|c| c.weighted.as_ref().map(|w| w.range));
            let total = row.total.iter().map(|t| t.range);
            let verdict = row.verdict.iter().map(|v| v.1);
            std::iter::once(row.option_range).chain(weighted).chain(total).chain(verdict).collect::<Vec<_>>()
        });
        let singles = [
            self.weights_at,
            self.minimum.map(|m| m.1),
            self.alternatives_at,
            self.selection.as_ref().map(|s| s.range),
        ];
        singles.into_iter().flatten().chain(numbers).collect()
    }

    /// Moves every range through `moved`.
    pub(crate) fn remap(&mut self, moved: &dyn Fn(TextRange) -> TextRange) {
        for range in [&mut self.weights_at, &mut self.alternatives_at].into_iter().flatten() {
            *range = moved(*range);
        }
        if let Some((_, range)) = &mut self.minimum {
            *range = moved(*range);
        }
        if let Some(selection) = &mut self.selection {
            selection.range = moved(selection.range);
        }
        for row in &mut self.matrix {
            row.option_range = moved(row.option_range);
            for weighted in row.cells.iter_mut().filter_map(|c| c.weighted.as_mut()) {
                weighted.range = moved(weighted.range);
            }
            if let Some(total) = &mut row.total {
                total.range = moved(total.range);
            }
            if let Some((_, range)) = &mut row.verdict {
                *range = moved(*range);
            }
        }
    }

    pub(crate) fn findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        let finding = |range, message, recomputable| Finding { range, message, recomputable, doubtful: false };
        if self.follows_tot_template && self.alternatives < MINIMUM_ALTERNATIVES {
            out.push(finding(
                self.alternatives_at,
                format!(
                    "{} considered; the Tree-of-Thoughts template asks for at least {MINIMUM_ALTERNATIVES}",
                    count(self.alternatives, "alternative is", "alternatives are")
                ),
                false,
            ));
        }
        let weights: Option<Vec<f64>> = self.criteria.iter().map(|c| c.weight).collect();
        if let Some(weights) = weights.filter(|w| !w.is_empty()) {
            let sum: f64 = weights.iter().sum();
            if (sum - 1.0).abs() > 0.005 {
                out.push(finding(
                    self.weights_at,
                    format!("the criteria weights sum to {}%, not 100%", format_number(sum * 100.0, 2)),
                    false,
                ));
            }
        }
        for row in &self.matrix {
            for (weighted, score, weight, exact) in row.wrong_contributions() {
                out.push(finding(
                    Some(weighted.range),
                    format!(
                        "{}: {} × {}% is {}, not {}",
                        row.option,
                        format_number(score, 2),
                        format_number(weight * 100.0, 2),
                        format_number(exact, 2),
                        format_number(weighted.value, 2)
                    ),
                    true,
                ));
            }
            if let Some((total, computed)) = row.wrong_total() {
                out.push(finding(
                    Some(total.range),
                    format!(
                        "{}'s total is {}, but its weighted scores sum to {}",
                        row.option,
                        format_number(total.value, 2),
                        format_number(computed, 2)
                    ),
                    true,
                ));
            }
            if let (Some((minimum, _)), Some((pass, at))) = (self.minimum, row.verdict)
                && let Some(score) = row.standing()
            {
                let score100 = if row.total_out_of_100 { score } else { score * 10.0 };
                let minimum_text = format_number(minimum, 1);
                if pass && score100 + 1e-9 < minimum {
                    out.push(finding(
                        Some(at),
                        format!(
                            "{} passes with {} of 100, below the Minimum Acceptable Score of {minimum_text}",
                            row.option,
                            format_number(score100, 1)
                        ),
                        false,
                    ));
                } else if !pass && score100 + 1e-9 >= minimum {
                    out.push(Finding {
                        range: Some(at),
                        message: format!(
                            "{} fails with {} of 100, at or above the Minimum Acceptable Score of {minimum_text}: \
                             name the critical criterion it fails",
                            row.option,
                            format_number(score100, 1)
                        ),
                        recomputable: false,
                        doubtful: true,
                    });
                }
            }
        }
        if let Some(selection) = &self.selection
            && let Some(chosen) = selection.row
            && let Some(chosen_score) = self.matrix[chosen].standing()
            && let Some((best, best_score)) = self
                .matrix
                .iter()
                .enumerate()
                .filter_map(|(i, row)| row.standing().map(|s| (i, s)))
                .max_by(|a, b| a.1.total_cmp(&b.1))
            && best_score > chosen_score + 1e-9
            && !selection.contrasts
            && !selection.rows_discussed.contains(&best)
        {
            out.push(finding(
                Some(selection.range),
                format!(
                    "{} scores {}, below {} ({}), and the Decision does not say why it was chosen anyway",
                    self.matrix[chosen].option,
                    format_number(chosen_score, 2),
                    self.matrix[best].option,
                    format_number(best_score, 2)
                ),
                false,
            ));
        }
        out
    }

    /// The edits that make every weighted contribution and total of the comparison matrix
    /// agree with its scores and weights, each written with the precision already used.
    pub(crate) fn recomputed(&self) -> Vec<(TextRange, String)> {
        let mut edits = Vec::new();
        for row in &self.matrix {
            for (weighted, _, _, exact) in row.wrong_contributions() {
                edits.push((weighted.range, format_number(exact, weighted.decimals.max(2))));
            }
            if let Some((total, computed)) = row.wrong_total() {
                edits.push((total.range, format_number(computed, total.decimals)));
            }
        }
        edits
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

/// `value` rounded to at most `decimals` places, without trailing zeros (`2.40` is `2.4`).
pub(crate) fn format_number(value: f64, decimals: u8) -> String {
    let text = format!("{value:.*}", usize::from(decimals));
    if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_string() } else { text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_and_agree_at_their_precision() {
        assert_eq!(format_number(1.75, 2), "1.75");
        assert_eq!(format_number(2.4000001, 2), "2.4");
        assert_eq!(format_number(72.0, 0), "72");
        let written = |value, decimals| Number { value, decimals, range: TextRange::empty(0) };
        assert!(written(1.8, 1).agrees_with(1.75));
        assert!(!written(1.6, 1).agrees_with(1.75));
        assert!(!written(71.0, 0).agrees_with(72.0));
    }
}
