//! Folding ranges of a markdown document: each heading's section, the front matter or the `---`
//! block after the title, `<details>` blocks (aiwg's adr-template wraps its phases 2 and 3 in
//! them, aiwg-format §4.1), fenced code blocks and tables of more than one line, as the bulk
//! scanner's outline finds them, and list items that go on over several lines.

use crate::model::DocFacts;
use crate::text::TextRange;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Section,
    Metadata,
    Details,
    Code,
    Table,
    List,
}

/// Every fold of a document, as byte ranges from the first line's start to the last line's end
/// (trailing blank lines of a section left out). `text` is the document `facts` came from.
pub fn folding_ranges(facts: &DocFacts, text: &str) -> Vec<(TextRange, FoldKind)> {
    let mut folds = Vec::new();
    for heading in &facts.headings {
        let end = heading.section.end.min(text.len());
        let body = text.get(heading.section.start..end).unwrap_or("");
        let trimmed = body.trim_end();
        if trimmed.contains('\n') {
            folds.push((
                TextRange::new(heading.section.start, heading.section.start + trimmed.len()),
                FoldKind::Section,
            ));
        }
    }
    // Front matter at the start, or the `---` block right after the H1.
    let mut open_block: Option<usize> = None;
    let mut details: Vec<usize> = Vec::new();
    let mut seen_content = false;
    let mut after_title = false;
    for (start, line) in lines(text) {
        let trimmed = line.trim();
        if trimmed == "---" {
            match open_block {
                Some(block_start) => {
                    folds.push((TextRange::new(block_start, start + line.trim_end().len()), FoldKind::Metadata));
                    open_block = None;
                }
                None if !seen_content || after_title => open_block = Some(start),
                None => {}
            }
            seen_content = true;
            after_title = false;
            continue;
        }
        if !trimmed.is_empty() {
            seen_content = true;
            // Only a block right after the H1 (the previous non-blank line) is metadata.
            after_title = trimmed.starts_with("# ") && open_block.is_none();
        }
        let starts_with =
            |prefix: &str| trimmed.get(..prefix.len()).is_some_and(|head| head.eq_ignore_ascii_case(prefix));
        if starts_with("<details") {
            details.push(start);
        } else if starts_with("</details>")
            && let Some(open) = details.pop()
        {
            folds.push((TextRange::new(open, start + line.trim_end().len()), FoldKind::Details));
        }
    }
    // Fences and tables: the blocks are the scanner's (fast enough per request without the
    // code spans, and the same as tree-sitter's by the differential contract).
    let outline = crate::syntax::scan::blocks(text);
    let fences_and_tables = outline
        .fenced_code
        .iter()
        .map(|f| (f.range, FoldKind::Code))
        .chain(outline.tables.iter().map(|t| (*t, FoldKind::Table)));
    for (range, kind) in fences_and_tables {
        let trimmed_end = range.start + range.slice(text).trim_end().len();
        if range.slice(text).trim_end().contains('\n') {
            folds.push((TextRange::new(range.start, trimmed_end), kind));
        }
    }
    list_item_folds(text, &outline.fenced_code, &mut folds);
    // The `---` closing a block after the title makes its last line a setext heading: no section.
    let blocks: Vec<TextRange> = folds.iter().filter(|(_, k)| *k == FoldKind::Metadata).map(|(r, _)| *r).collect();
    folds.retain(|(range, kind)| {
        *kind != FoldKind::Section || !blocks.iter().any(|b| b.start < range.start && range.start < b.end)
    });
    folds.sort_by_key(|(range, _)| (range.start, std::cmp::Reverse(range.end)));
    folds
}

/// The lines of `text` with their offsets, each with its line ending (as `split_inclusive`
/// gives them), from one SIMD search for the line feeds: a 1 MB document has tens of thousands
/// of short lines, and a search per line cost more than the folds themselves.
fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    let mut line_feeds = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = line_feeds.next().map_or(text.len(), |at| at + 1);
        let line = (start, &text[start..end]);
        start = end;
        Some(line)
    })
}

/// A list item whose text goes on over more lines (continuations, nested items): from its
/// marker to its last non-blank line. Items end at a line indented no deeper than their marker.
fn list_item_folds(text: &str, fences: &[crate::syntax::outline::FencedCode], folds: &mut Vec<(TextRange, FoldKind)>) {
    // Lines come in order, and so do the fences: one cursor walks both (a large document has
    // thousands of each).
    let mut fences = fences.iter().peekable();
    let mut in_fence = |offset: usize| {
        while fences.next_if(|f| f.range.end <= offset).is_some() {}
        fences.peek().is_some_and(|f| f.range.start <= offset)
    };
    // Open items: (indent of the marker, start offset, end of the last non-blank line so far).
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let close =
        |open: &mut Vec<(usize, usize, usize)>, deeper_than: Option<usize>, folds: &mut Vec<(TextRange, FoldKind)>| {
            while let Some(&(indent, start, end)) = open.last() {
                if deeper_than.is_some_and(|limit| indent < limit) {
                    break;
                }
                open.pop();
                if text.get(start..end).is_some_and(|item| item.contains('\n')) {
                    folds.push((TextRange::new(start, end), FoldKind::List));
                }
            }
        };
    for (start, line) in lines(text) {
        let content = line.trim_end();
        if content.trim().is_empty() {
            continue;
        }
        let indent = content.len() - content.trim_start().len();
        let body = content.trim_start();
        let digits = body.bytes().take_while(u8::is_ascii_digit).count();
        let is_item = !in_fence(start + indent)
            && (body.starts_with("- ")
                || body.starts_with("* ")
                || body.starts_with("+ ")
                || (digits > 0 && (body[digits..].starts_with(". ") || body[digits..].starts_with(") "))));
        if is_item {
            // A new item closes the open items at its indent or deeper.
            close(&mut open, Some(indent), folds);
            open.push((indent, start + indent, start + content.len()));
        } else if open.last().is_some_and(|&(item_indent, _, _)| indent > item_indent) || in_fence(start) {
            for item in open.iter_mut().filter(|(item_indent, _, _)| indent > *item_indent || in_fence(start)) {
                item.2 = start + content.len();
            }
        } else {
            close(&mut open, None, folds);
        }
    }
    close(&mut open, None, folds);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_split_inclusive_with_offsets() {
        for text in ["", "\n", "a", "a\nb", "a\r\nb\n", "\n\nx\n", "é\nü"] {
            let ours: Vec<&str> = lines(text).map(|(_, line)| line).collect();
            assert_eq!(ours, text.split_inclusive('\n').collect::<Vec<_>>(), "{text:?}");
            assert!(lines(text).all(|(at, line)| text[at..].starts_with(line)), "{text:?}");
        }
    }

    #[test]
    fn sections_metadata_blocks_and_details() {
        let text = "# ADR-001: X\n\n---\ntemplate_id: adr-with-tot\n---\n\n## Context\n\nWhy.\n\n\
                    <details>\n<summary>Phase 2</summary>\n\n### Decision\n\nThis.\n</details>\n\n## Empty\n\n\
                    ```yaml\na: 1\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |\n\n`one line`\n\n\
                    - one\n- two\n  goes on\n  - nested\n    more\n- three\n";
        let facts = crate::syntax::facts_from_text(".aiwg/architecture/decisions/ADR-001-x.md", text);
        let folds: Vec<String> =
            folding_ranges(&facts, text).iter().map(|(r, k)| format!("{k:?} {:?}", r.slice(text))).collect();
        // Items inside any of several fences are code, not lists; the one after them is.
        let fenced = "```\n- a\n  b\n```\n\n~~~\n- c\n  d\n~~~\n\n- e\n  f\n";
        let fenced_facts = crate::syntax::facts_from_text("docs/fenced.md", fenced);
        let kinds: Vec<String> =
            folding_ranges(&fenced_facts, fenced).iter().map(|(r, k)| format!("{k:?} {:?}", r.slice(fenced))).collect();
        assert_eq!(kinds, ["Code \"```\\n- a\\n  b\\n```\"", "Code \"~~~\\n- c\\n  d\\n~~~\"", "List \"- e\\n  f\""]);
        // Many rules and details tags stay linear and never panic.
        let many = "---\n<details>\n# x\n".repeat(20_000);
        let many_facts = crate::syntax::facts_from_text("docs/many.md", &many);
        assert!(!folding_ranges(&many_facts, &many).is_empty());
        expect_test::expect![[r####"
            [
                "Section \"# ADR-001: X\\n\\n---\\ntemplate_id: adr-with-tot\\n---\\n\\n## Context\\n\\nWhy.\\n\\n<details>\\n<summary>Phase 2</summary>\\n\\n### Decision\\n\\nThis.\\n</details>\\n\\n## Empty\\n\\n```yaml\\na: 1\\n```\\n\\n| A | B |\\n|---|---|\\n| 1 | 2 |\\n\\n`one line`\\n\\n- one\\n- two\\n  goes on\\n  - nested\\n    more\\n- three\"",
                "Metadata \"---\\ntemplate_id: adr-with-tot\\n---\"",
                "Section \"## Context\\n\\nWhy.\\n\\n<details>\\n<summary>Phase 2</summary>\\n\\n### Decision\\n\\nThis.\\n</details>\"",
                "Details \"<details>\\n<summary>Phase 2</summary>\\n\\n### Decision\\n\\nThis.\\n</details>\"",
                "Section \"### Decision\\n\\nThis.\\n</details>\"",
                "Section \"## Empty\\n\\n```yaml\\na: 1\\n```\\n\\n| A | B |\\n|---|---|\\n| 1 | 2 |\\n\\n`one line`\\n\\n- one\\n- two\\n  goes on\\n  - nested\\n    more\\n- three\"",
                "Code \"```yaml\\na: 1\\n```\"",
                "Table \"| A | B |\\n|---|---|\\n| 1 | 2 |\"",
                "List \"- two\\n  goes on\\n  - nested\\n    more\"",
                "List \"- nested\\n    more\"",
            ]
        "####]].assert_debug_eq(&folds);
    }
}
