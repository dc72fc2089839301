//! The differential test of the two parsing paths: the bulk scanner ([`scan::outline`]) must
//! find exactly the outline tree-sitter-md finds ([`tree::outline`]), on hand-written edge cases
//! and on every markdown file of the real aiwg corpus.

mod support;

use aiwg_lsp::syntax::outline::render;
use aiwg_lsp::syntax::{scan, tree};

/// Edge cases of each construct the outline covers, with the name a failure reports.
const FIXTURES: &[(&str, &str)] = &[
    ("empty", ""),
    ("atx basics", "# One\n## Two ##\n### Three ###   \n#No\n####### seven\n   # three spaces\n    # code\n"),
    ("atx empty", "#\n# \n## ##\n#\t#\n"),
    ("atx closing hashes", "# a #b\n# a \\#\n# #a\n# a#\n"),
    ("setext", "Title\n=====\n\nSub\ntitle\n---\n\n  Indented  \n  ===  \n"),
    ("setext after list", "- item\n---\n\n> quote\n---\n"),
    ("thematic break not setext", "\n---\n\n***\n"),
    ("front matter", "---\ntitle: x\nlist:\n  - a\n---\n# After\n"),
    ("front matter crlf", "---\r\na: 1\r\n---\r\n# H\r\n"),
    ("front matter unclosed", "---\na: 1\n# Not closed\n"),
    ("front matter not at start", "\n---\na: 1\n---\n"),
    ("fences", "```rust\nfn main() {}\n```\n\n~~~\n# not heading\n~~~~\n\n````md\n```\n````\n"),
    ("fence unclosed", "text\n```yaml\na: 1\n\n\n"),
    ("fence indented", "   ```\n   x\n  ```\n    ```\n    not fence\n"),
    ("fence backtick info with backtick", "``` a`b\nx\n```\n"),
    ("fence in list", "- item\n  ```sh\n  ls\n  ```\n- two\n\n1. ```\n   x\n   ```\n"),
    ("fence in blockquote", "> ```\n> x\n> ```\n\n> ```\n> unclosed\n\nafter\n"),
    ("fence info spaces", "```   python   extra\nx\n```\n"),
    ("code spans", "a `b` c ``d ` e`` `` ` `` \\`no` `unclosed\n\n`multi\nline` ok\n"),
    ("code span backslash", "`a\\`b` \\\\`c`\n"),
    ("code span in heading", "# Use `x` here\n\nT `y`\n===\n"),
    ("code span not in code", "    `indented`\n\n```\n`fenced`\n```\n"),
    ("html block", "<div>\n`x` # h\n</div>\n\n`y`\n<!-- `z`\n-->\n"),
    ("tables", "| a | b |\n|---|:-:|\n| `c` | d |\nlazy row\n\nno | table\n"),
    ("table without outer pipes", "a | b\n--|--\n1 | `2`\n"),
    ("table escaped pipe", "| a | b |\n|---|---|\n| `x\\|y` | z |\n"),
    ("table in list", "- | a | b |\n  |---|---|\n  | 1 | 2 |\n"),
    ("crlf", "# Title\r\n\r\nText `x`\r\n```\r\ncode\r\n```\r\n"),
    ("blockquote heading", "> # Quoted\n> text `q`\n"),
    ("nested lists", "- a\n  - b\n    # heading in list\n\n      indented code\n"),
    ("no trailing newline", "# End"),
    ("no trailing newline setext and table", "T\n===\n\n| a |\n|---|"),
    ("front matter closed at end of text", "---\na: 1\n---"),
    ("latex hides code spans", "cost $5 and `x` $ more\n\na $$ `x` $ b $$ `y`\n\n\\$ `z` $\n"),
    ("html tags hide code spans", "a <span title=\"`x`\">b</span> `y`\n\n<http://x.y/`a`> `b`\n"),
    ("code span wins over later html", "`a <b` c>\n"),
    (
        "containers end blocks",
        "> # Quoted `q`\n> ```sh\n> ls\n\n- item\n  ~~~\n  # not a heading\nlazy\n\n    # indented code\n\n<div>\n# html `x`\n</div>\n",
    ),
    ("ordered item from 2 interrupts a paragraph", "para with `open\n2) two\ntext `code` more\n"),
    ("empty item ends at a blank line", "-\n\n    indented `c`\n"),
    ("empty item continues one column after its marker", "1.\n  ```\n* star\n"),
    ("table rows may look like other blocks", "| a | b |\n|---|---|\n\tcode `x`\n<a href=\"`y`\">\n1.\n===\n"),
    ("empty minus item interrupts a table", "| a | b |\n--|--\n-\n  ```\npara with `open\n"),
    ("a table starts inside a table", "| `c` | d |\n--|--\n|---|---|\n--|--\n"),
    ("table header first characters", "1|2\n-|-\n\n| Title\n|---|\n\nTitle |\n|---|\n\n*a*|b\n-|-\n"),
    ("code span closes on a longer run", "para with `open\n``double ` tick``\n"),
    (
        "html tags inside code spans",
        "close` here\n<a href=\"`y`\">\n<a href=\"`y`\">\n\n\\`escaped` `ok`\n<a href=\"`y`\">\n",
    ),
    (
        "link destinations hide code spans",
        "[l](`u`) [a `b`](c) [a](b `c`) [a](<`b`>) [a](b \"`t`\") ![i](`x`) a](`z`)\n",
    ),
    ("tab on the line after front matter", "---\nab\n---\n\t# tab\n"),
    ("empty item after a quote is not lazy", "   > spaced quote\n-\n\t# tab\n"),
    ("fence closed by its container", "> ```\n    - deeper\n\n1. ```\n  - nested\n"),
    ("multi-digit ordered items do not interrupt", "p `a\n10. x`\n\np\n9. y\n"),
    ("indented block starts end a paragraph", "Title\n    > x\n\nT2\n    ```\n\nT3\n    ===\n\nT4\n    # para `p`\n"),
    ("quote continues at any indentation", "> ```\n    > x\n> ```\n\n> # a\n    > # b\n"),
    ("item indent is relative to its quote", "> - ```\n   > spaced quote\n\n> - ```\n  > `q2`\n"),
    ("task paragraphs are never setext", "- [ ] task `t`\n  ===\n\n* [x] done\n===\n---\n\n- [ ] a\n  -\n"),
    (
        "link reference definitions",
        "[ref]: `dest`\n===\n\n[r2]: /url \"`t`\"\n    indented `c`\n\n[r3]: /u\n\"`title`\"\n\n[r4]:\n/url `x`\n",
    ),
    ("html block of kind 4", "<!DOCTYPE html>\n# inside\n\n# still\n\n> <!X>\n> # out\n"),
    ("lone carriage returns end lines", "# One\rtext `x`\r```\rcode\r```\r~~~\r"),
    ("reference link labels hide code spans", "see [x][a `b`] and [y][`z`] ok, [a `b`][c] `d`\n"),
    ("inline html hides code spans", "a <!-- `x` --> b <?php `y` ?> <!X `z` > <![CDATA[ `w` ]]> `v`\n"),
    ("front matter opening line indented", "  ---\ntitle: x\n---\n# H\n"),
    ("nested items share a tab", "-\n  - ```\n\tcode\n\t# still code\n"),
    ("table cells split code spans", "| a | `b` |\n|---|---|\n| `c|d` | `e\\|f` |\nlazy `row`\n\nafter\n"),
];

#[test]
fn scanner_matches_tree_sitter_on_fixtures() {
    let failures: Vec<String> =
        FIXTURES.iter().filter_map(|(name, text)| compare(&format!("fixture {name:?}"), text)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n\n{}",
        failures.len(),
        FIXTURES.len(),
        failures.join("\n")
    );
}

#[test]
fn scanner_matches_tree_sitter_on_the_aiwg_corpus() {
    let files = support::corpus_markdown_files();
    assert!(!files.is_empty(), "no markdown file in {}", support::corpus_dir().display());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let name = path.strip_prefix(support::corpus_dir()).unwrap_or(path).display().to_string();
        failures.extend(compare(&name, &text));
    }
    // Show the first few in full; the count says how far there is to go.
    let shown: Vec<&String> = failures.iter().take(8).collect();
    assert!(
        failures.is_empty(),
        "{} of {} corpus files differ; the first ones:\n\n{}",
        failures.len(),
        files.len(),
        shown.iter().map(|failure| failure.as_str()).collect::<Vec<_>>().join("\n")
    );
}

/// `None` when both paths agree, else a report naming the document, the first differing
/// element of each path and the source lines around it.
fn compare(name: &str, text: &str) -> Option<String> {
    let expected = match blank_table_rows_filled(text) {
        Some(filled) => tree::outline(&filled),
        None => tree::outline(text),
    };
    let actual = scan::outline(text);
    // The blocks-only scan (folding's) is the full one without code spans.
    let blocks = scan::blocks(text);
    if blocks != actual.clone().without_code_spans() {
        return Some(format!("{name}\n  the blocks-only scan differs from the full one beyond its code spans"));
    }
    if expected == actual {
        // Facts are one shared function of the outline; check the contract end to end anyway,
        // so a future path-specific shortcut in extraction cannot slip in unnoticed.
        let path = format!("docs/{name}");
        let from_tree = aiwg_lsp::syntax::extract::facts(&path, text, &expected);
        if from_tree != aiwg_lsp::syntax::facts_from_text(&path, text) {
            return Some(format!("{name}\n  the outlines agree but the DocFacts differ"));
        }
        return None;
    }
    let expected_lines: Vec<String> = render(text, &expected).lines().map(str::to_owned).collect();
    let actual_lines: Vec<String> = render(text, &actual).lines().map(str::to_owned).collect();
    let first_difference = (0..expected_lines.len().max(actual_lines.len()))
        .find(|&index| expected_lines.get(index) != actual_lines.get(index))
        .unwrap_or(0);
    let tree_line = expected_lines.get(first_difference).map_or("(nothing)", String::as_str);
    let scan_line = actual_lines.get(first_difference).map_or("(nothing)", String::as_str);
    Some(format!(
        "{name}\n  tree-sitter: {tree_line}\n  scanner:     {scan_line}\n{}",
        context(text, first_offset(tree_line).or(first_offset(scan_line)).unwrap_or(0))
    ))
}

/// Documented exception, the only one: tree-sitter-md 0.5.4 fails on a table row made only of
/// pipes and blanks (`| | | |`, a common "fill me in" row of templates, 21 files of the corpus)
/// when it follows another data row. Its external scanner takes the blank row for the delimiter
/// row of a new table headed by the row before (it counts cells without requiring dashes), the
/// grammar then rejects that delimiter row, and the error recovery drops the table's last rows,
/// can turn the headings and paragraphs after it into table rows, and invents tables (see
/// `blank_table_row_exception_is_narrow`). Mimicking that recovery would be unreasonable, so for
/// a document whose tree-sitter parse has errors, the scanner's outline of the text is compared
/// with tree-sitter's outline of the same text with those rows' blanks replaced by `x`: same
/// length and offsets, same structure, and a parse without errors.
fn blank_table_rows_filled(text: &str) -> Option<String> {
    let mut parser = tree_sitter_md::MarkdownParser::default();
    let tree = parser.parse(text.as_bytes(), None)?;
    if !tree.block_tree().root_node().has_error() {
        return None;
    }
    let mut filled = String::with_capacity(text.len());
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        if is_blank_table_row(body) {
            let first = body.find('|').unwrap_or(0);
            let last = body.rfind('|').unwrap_or(0);
            filled.push_str(&body[..first]);
            filled.extend(body[first..last].chars().map(|c| if c == '|' { '|' } else { 'x' }));
            filled.push_str(&line[last..]);
            changed = true;
        } else {
            filled.push_str(line);
        }
    }
    changed.then_some(filled)
}

/// `| | |`: at least two cells, every one of them blank but not empty.
fn is_blank_table_row(line: &str) -> bool {
    let cells = line.trim();
    let Some(inner) = cells.strip_prefix('|').and_then(|rest| rest.strip_suffix('|')) else {
        return false;
    };
    let blanks: Vec<&str> = inner.split('|').collect();
    blanks.len() >= 2 && blanks.iter().all(|cell| !cell.is_empty() && cell.trim().is_empty())
}

#[test]
fn blank_table_row_exception_is_narrow() {
    let text = "| a | b |\n|---|---|\n| 1 | `2` |\n| | |\n\n# After\n";
    // tree-sitter-md loses the heading and the table's last rows: the bug the exception covers.
    let broken = render(text, &tree::outline(text));
    assert!(!broken.contains("h1"), "tree-sitter-md now parses blank rows, drop the exception:\n{broken}");
    let filled = blank_table_rows_filled(text).expect("the exception applies");
    assert_eq!(filled, "| a | b |\n|---|---|\n| 1 | `2` |\n|x|x|\n\n# After\n");
    assert_eq!(render(text, &scan::outline(text)), render(text, &tree::outline(&filled)));
    // Documents that tree-sitter parses without error, blank rows or not, are compared as is.
    assert_eq!(blank_table_rows_filled("| a | b |\n|---|---|\n| | |\n"), None);
    assert_eq!(blank_table_rows_filled("# Title\n"), None);
}

/// The start offset of a rendered element such as `h2 12..30 "Context"`.
fn first_offset(rendered: &str) -> Option<usize> {
    let range = rendered.split(' ').nth(1)?;
    range.split("..").next()?.parse().ok()
}

/// Up to two lines either side of the line holding `offset`, numbered from 1.
fn context(text: &str, offset: usize) -> String {
    let line_of_offset = text.as_bytes()[..offset.min(text.len())].iter().filter(|&&byte| byte == b'\n').count();
    let first = line_of_offset.saturating_sub(2);
    text.split('\n')
        .enumerate()
        .skip(first)
        .take(5)
        .map(|(index, line)| {
            let pointer = if index == line_of_offset { '>' } else { ' ' };
            format!("  {pointer}{:>5} | {line:?}\n", index + 1)
        })
        .collect()
}
