//! GitHub heading anchors ("slugs"), the form aiwg's `#anchor` references use
//! (aiwg-format §2.1: `#ralph-commands`, `#9-model-catalog-system`).
//!
//! GitHub lowercases the rendered heading text, drops every character that is not a letter, a
//! digit, a space, `-` or `_`, turns each space into `-`, and suffixes repeats with `-1`, `-2`…

use std::collections::HashMap;

/// The slug of one heading's rendered text.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.trim().chars() {
        if ch.is_alphanumeric() || ch == '-' || ch == '_' {
            out.extend(ch.to_lowercase());
        } else if ch == ' ' {
            out.push('-');
        }
    }
    out
}

/// Assigns unique slugs to headings in document order, as GitHub does.
#[derive(Default)]
pub(crate) struct SlugCounter {
    /// How many headings so far had each slug.
    seen: HashMap<String, u32, foldhash::fast::RandomState>,
}

impl SlugCounter {
    pub(crate) fn unique(&mut self, text: &str) -> String {
        let base = slug(text);
        // Every document's headings pass here on a cold load: a slug met for the first time,
        // as most are, costs one copy for the count's key and none more.
        match self.seen.get_mut(&base) {
            Some(count) => {
                let repeated = format!("{base}-{count}");
                *count += 1;
                repeated
            }
            None => {
                self.seen.insert(base.clone(), 1);
                base
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs() {
        assert_eq!(slug("Rule 7: Context Budget Estimation"), "rule-7-context-budget-estimation");
        assert_eq!(slug("9. Model Catalog System"), "9-model-catalog-system");
        assert_eq!(slug("What \"wired\" means"), "what-wired-means");
        assert_eq!(slug("Ünïcode & Co."), "ünïcode--co");
        assert_eq!(slug("snake_case-and-dash"), "snake_case-and-dash");
    }

    #[test]
    fn repeated_headings_get_suffixes() {
        let mut counter = SlugCounter::default();
        assert_eq!(counter.unique("Notes"), "notes");
        assert_eq!(counter.unique("Notes"), "notes-1");
        assert_eq!(counter.unique("Notes"), "notes-2");
    }
}
