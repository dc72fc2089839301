//! What stands at a byte offset of a document: a reference, an ID mention, an ID declaration or
//! a heading. Shared by definition, hover and references so that they agree on what the cursor
//! is on.
//!
//! A token counts when the offset lies inside it or right after its last byte, since editors
//! place the cursor after the word just typed or clicked. When two tokens touch the offset (one
//! ends where the next starts), the one the offset lies strictly inside wins.

use crate::model::{DocFacts, Heading, IdDeclaration, IdMention, Reference};
use crate::text::TextRange;

/// The token under the cursor; a reference also carries its index in `DocFacts::references`,
/// which is how its resolution is found.
#[derive(Clone, Copy, Debug)]
pub(crate) enum CursorTarget<'a> {
    Reference { index: usize, reference: &'a Reference },
    IdMention { mention: &'a IdMention },
    IdDeclaration { declaration: &'a IdDeclaration },
    Heading { heading: &'a Heading },
}

impl CursorTarget<'_> {
    /// The range of the token itself.
    pub(crate) fn range(&self) -> TextRange {
        match self {
            CursorTarget::Reference { reference, .. } => reference.range,
            CursorTarget::IdMention { mention, .. } => mention.range,
            CursorTarget::IdDeclaration { declaration, .. } => declaration.range,
            CursorTarget::Heading { heading, .. } => heading.range,
        }
    }
}

/// The most specific token at `offset`: a reference or ID before the heading that holds it.
pub(crate) fn target_at(facts: &DocFacts, offset: usize) -> Option<CursorTarget<'_>> {
    // Two passes: strictly inside first, then touching at the end.
    for strict in [true, false] {
        let hit = |range: TextRange| {
            !range.is_empty() && if strict { range.start <= offset && offset < range.end } else { range.end == offset }
        };
        if let Some(index) = facts.references.iter().position(|r| hit(r.range)) {
            return Some(CursorTarget::Reference { index, reference: &facts.references[index] });
        }
        if let Some(mention) = facts.id_mentions.iter().find(|m| hit(m.range)) {
            return Some(CursorTarget::IdMention { mention });
        }
        // File-name declarations have an empty range at 0 and are never under a cursor.
        if let Some(declaration) = facts.declared_ids.iter().find(|d| hit(d.range)) {
            return Some(CursorTarget::IdDeclaration { declaration });
        }
    }
    for strict in [true, false] {
        let hit =
            |range: TextRange| if strict { range.start <= offset && offset < range.end } else { range.end == offset };
        if let Some(heading) = facts.headings.iter().find(|h| hit(h.range)) {
            return Some(CursorTarget::Heading { heading });
        }
    }
    None
}

/// Where a declaration is best shown: its own range, or for a file-name declaration (an empty
/// range at 0) the document's H1, which names the artifact to a reader.
pub(crate) fn declaration_range(facts: &DocFacts, declaration: &IdDeclaration) -> TextRange {
    if declaration.range.is_empty()
        && let Some(h1) = facts.headings.iter().find(|h| h.level == 1)
    {
        return h1.range;
    }
    declaration.range
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::facts_from_text;

    fn kind_at(text: &str, offset: usize) -> String {
        let facts = facts_from_text(".aiwg/requirements/UC-001-x.md", text);
        match target_at(&facts, offset) {
            Some(CursorTarget::Reference { reference, .. }) => format!("reference {}", reference.path),
            Some(CursorTarget::IdMention { mention, .. }) => format!("mention {}", mention.id),
            Some(CursorTarget::IdDeclaration { declaration, .. }) => format!("declaration {}", declaration.id),
            Some(CursorTarget::Heading { heading, .. }) => format!("heading {}", heading.slug),
            None => "nothing".to_string(),
        }
    }

    #[test]
    fn end_of_a_token_counts_and_inside_beats_touching() {
        let text = "See @docs/a.md ADR-002 now\n";
        assert_eq!(kind_at(text, 4), "reference docs/a.md");
        assert_eq!(kind_at(text, 14), "reference docs/a.md");
        assert_eq!(kind_at(text, 15), "mention ADR-002");
        assert_eq!(kind_at(text, 22), "mention ADR-002");
        assert_eq!(kind_at(text, 2), "nothing");
        assert_eq!(kind_at(text, 23), "nothing");
    }

    #[test]
    fn ids_and_references_win_over_the_heading_holding_them() {
        let text = "# Notes\n\n## See ADR-002 and @docs/a.md\n";
        assert_eq!(kind_at(text, 2), "heading notes");
        assert_eq!(kind_at(text, 7), "heading notes");
        assert_eq!(kind_at(text, 13), "heading see-adr-002-and-docsamd");
        assert_eq!(kind_at(text, 18), "mention ADR-002");
        assert_eq!(kind_at(text, 30), "reference docs/a.md");
    }
}
