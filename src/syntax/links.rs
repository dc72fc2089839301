//! Markdown links to local files: inline links and images (`[t](path.md#anchor)`,
//! `![alt](img.png)`), link reference definitions (`[label]: path.md`, which reference-style
//! links `[t][label]` use), and `<path.md>` written as an autolink. aiwg's own READMEs and
//! indexes link this way, and CommonMark resolves them against the file that contains them.
//!
//! Only destinations that name a local file count: URLs with a scheme (`https:`, `mailto:`), a
//! bare `#anchor`, and `@`-paths (found by [`crate::syntax::refs`]) are left out. The caller
//! drops links that stand in code, where CommonMark has no links.

use crate::syntax::refs::{RawReference, has_known_extension};
use crate::text::TextRange;

/// Every local link destination in `text`, in order, as a reference whose range covers the
/// destination as written (without `<>`).
pub(crate) fn find_links(text: &str) -> Vec<RawReference> {
    let bytes = text.as_bytes();
    let mut links = Vec::new();
    // Inline links and images: `](` then the destination.
    for close in memchr::memmem::find_iter(bytes, b"](") {
        let line_start = line_start(text, close);
        if !text[line_start..close].contains('[') {
            continue;
        }
        let start = close + 2;
        let rest = &text[start..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
        let start = start + skipped;
        let destination = if bytes.get(start) == Some(&b'<') {
            let inner = &text[start + 1..];
            let Some(end) = inner.find(['>', '\n']).filter(|&e| inner.as_bytes()[e] == b'>') else { continue };
            TextRange::new(start + 1, start + 1 + end)
        } else {
            TextRange::new(start, start + bare_destination_len(&text[start..]))
        };
        push_link(text, destination, &mut links);
    }
    // Link reference definitions: `[label]: destination` at the start of a line. Found from
    // their rare `]:` rather than by visiting every line.
    for colon in memchr::memmem::find_iter(bytes, b"]:") {
        let line_start = line_start(text, colon);
        let line = &text[line_start..colon];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let label = &line[indent..];
        if indent > 3 || !label.starts_with('[') || label.starts_with("[^") || label.len() < 2 {
            continue;
        }
        if label[1..].contains(['[', ']']) {
            continue;
        }
        let after = &text[colon + 2..];
        let skipped = after.len() - after.trim_start_matches([' ', '\t']).len();
        let start = colon + 2 + skipped;
        let destination = if bytes.get(start) == Some(&b'<') {
            let inner = &text[start + 1..];
            let Some(end) = inner.find(['>', '\n']).filter(|&e| inner.as_bytes()[e] == b'>') else { continue };
            TextRange::new(start + 1, start + 1 + end)
        } else {
            let mut end = text.len().min(start + MAX_DESTINATION_BYTES);
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let window = &text[start..end];
            let len = window.find(|c: char| c.is_whitespace()).unwrap_or(window.len());
            TextRange::new(start, start + len)
        };
        push_link(text, destination, &mut links);
    }
    // `<docs/guide.md>`: a path in angle brackets that names a file (not an HTML tag, not a
    // placeholder glued to a word, not an inline link's `(<…>)` destination).
    for open in memchr::memchr_iter(b'<', bytes) {
        let before = open.checked_sub(1).map(|i| bytes[i]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'(' || b == b'/') {
            continue;
        }
        let inner = &text[open + 1..];
        let Some(end) = inner.find(|c: char| c == '>' || c == '<' || c.is_whitespace()) else { continue };
        if inner.as_bytes()[end] != b'>' || end == 0 {
            continue;
        }
        let path = &inner[..end];
        let file = path.split(['#', '?']).next().unwrap_or(path);
        if has_known_extension(file) && (path.contains('/') || path.contains('.')) {
            push_link(text, TextRange::new(open + 1, open + 1 + end), &mut links);
        }
    }
    links.sort_by_key(|l| l.range.start);
    links.dedup_by_key(|l| l.range.start);
    links
}

/// How far back a link's line is looked for: a link label is short, and an unbounded search
/// on every `](` of a huge one-line file would be quadratic.
const LOOKBACK: usize = 4096;
/// Longest destination taken: Linux's PATH_MAX.
const MAX_DESTINATION_BYTES: usize = 4096;

/// The start of the line holding `at`, or a point at most [`LOOKBACK`] bytes before it.
fn line_start(text: &str, at: usize) -> usize {
    let mut floor = at.saturating_sub(LOOKBACK);
    while !text.is_char_boundary(floor) {
        floor += 1;
    }
    text[floor..at].rfind('\n').map_or(floor, |n| floor + n + 1)
}

/// Length of an unbracketed destination: up to whitespace or the `)` that closes the link
/// (parentheses inside must balance, as CommonMark requires).
fn bare_destination_len(rest: &str) -> usize {
    let mut depth = 0usize;
    for (i, c) in rest.char_indices() {
        if i > MAX_DESTINATION_BYTES {
            return 0; // No real path is this long; scanning on would be quadratic.
        }
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return i,
            ')' => depth -= 1,
            c if c.is_whitespace() => return i,
            _ => {}
        }
    }
    rest.len()
}

/// Adds the link at `destination` when it names a local file.
fn push_link(text: &str, destination: TextRange, links: &mut Vec<RawReference>) {
    let written = destination.slice(text);
    if written.is_empty() || written.starts_with(['#', '@', '?']) || has_scheme(written) || written.starts_with("//") {
        return;
    }
    let without_query = match written.split_once('?') {
        Some((path, after)) => match after.split_once('#') {
            Some((_, anchor)) => format!("{path}#{anchor}"),
            None => path.to_string(),
        },
        None => written.to_string(),
    };
    let (path, anchor) = match without_query.split_once('#') {
        Some((path, anchor)) => (path.to_string(), Some(percent_decode(anchor))),
        None => (without_query, None),
    };
    // A file or folder path: `[0](y)` in prose is more likely not a link to a file named `y`.
    if path.is_empty() || !(path.contains('/') || path.contains('.')) {
        return;
    }
    links.push(RawReference {
        range: destination,
        path: percent_decode(&path).into(),
        anchor: anchor.map(Into::into),
        line: None,
        qualifier: None,
        bare: false,
        link: true,
    });
}

/// `https:`, `mailto:`, `vscode:`… (a scheme is a letter then letters, digits, `+.-`, then `:`).
fn has_scheme(destination: &str) -> bool {
    let Some((scheme, _)) = destination.split_once(':') else { return false };
    scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
}

/// `%20` → space; invalid escapes and non-UTF-8 results are kept as written.
fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b)))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let mut out = String::new();
        for link in super::find_links(text) {
            let anchor = link.anchor.map(|a| format!(" #{a}")).unwrap_or_default();
            out.push_str(&format!("{:?} {:?}{anchor}\n", link.range.slice(text), link.path));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn inline_links_images_definitions_and_autolinks() {
        check(
            "See [the guide](docs/guide.md#setup \"Setup\"), ![arch](../img/arch%20v2.png) and [x](<a b.md>).\n\
             [web](https://example.com) [mail](mailto:a@b.c) [here](#local) [at](@docs/x.md) [q](x.md?plain=1#L3)\n\
             Call f(x)[0](y) and [wiki](Page_(disambiguation).md).\n\
             [ref]: ./REFERENCES.md 'title'\n\
             [^note]: not a link\n\
             Autolink <docs/autolink.md>, not <br> nor <https://x.y> nor a<b.md>.\n",
            expect![[r#"
                "docs/guide.md#setup" "docs/guide.md" #setup
                "../img/arch%20v2.png" "../img/arch v2.png"
                "a b.md" "a b.md"
                "x.md?plain=1#L3" "x.md" #L3
                "Page_(disambiguation).md" "Page_(disambiguation).md"
                "./REFERENCES.md" "./REFERENCES.md"
                "docs/autolink.md" "docs/autolink.md"
            "#]],
        );
    }

    #[test]
    fn unclosed_and_odd_input_never_panics() {
        let long = format!("[a]: {}", "é".repeat(20_000));
        let many = "[x](".repeat(50_000);
        for text in ["](", "[a](", "[a](<x", "[a]: ", "<", "<>", "[a](%", "[a](%e9%)", "[é](é.md)", &long, &many] {
            for link in super::find_links(text) {
                assert!(text.is_char_boundary(link.range.start) && text.is_char_boundary(link.range.end));
            }
        }
    }
}
