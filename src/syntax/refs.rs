//! Finding `@`-references and qualified references in text.
//!
//! The grammar is aiwg-format §2.1, tokenized generously and then classified (§8.3):
//! - `@` starts a reference unless preceded by a letter, digit or one of `_@.+/-\` (that keeps
//!   out e-mail addresses and `pkg@1.2`);
//! - the path runs to whitespace or one of `` ` ' " ( ) [ ] < > , ; | \ ``, except that a
//!   `[name]` or `<name>` placeholder glued inside the path is kept;
//! - trailing `.,:;!?*_` is punctuation, then `:42` / `:42-50` is a line suffix and `#x` an anchor;
//! - the path is kept only if its first segment is a known root (`.aiwg`, `.claude`, `agentic`,
//!   `docs`, `~`, `...`, the other provider folders…), or it is `./`/`../`-relative, or it ends
//!   in a known file extension. That is a superset of aiwg's own `mention-lint` pattern
//!   (`@[\w./-]+\.(md|ts|…)`) and drops JSDoc tags, npm scopes, `@/` aliases and agent handles.
//!
//! Qualified references (§2.6) put a qualifier before the target: `@implements @.aiwg/x.md`,
//! `@tests .aiwg/testing/plan.md` (a bare path) and `@implements UC-001, UC-002` (IDs).

use std::sync::Arc;

use crate::model::{LineSuffix, Qualifier};
use crate::text::TextRange;

/// First path segments that make an `@`-token a reference (aiwg-format §2.1, §7 census roots).
const ROOTS: &[&str] = &[
    ".aiwg",
    ".claude",
    ".claude-plugin",
    ".codex",
    ".cursor",
    ".factory",
    ".github",
    ".gitea",
    ".opencode",
    ".warp",
    ".windsurf",
    "agentic",
    "docs",
    "src",
    "lib",
    "test",
    "tests",
    "tools",
    "plugins",
    "templates",
    "examples",
    "bin",
    "man",
    "~",
    "...",
    "$AIWG_ROOT",
    "${AIWG_ROOT}",
    "{AIWG_ROOT}",
];

/// Extensions that make any `@`-token with a path shape a reference.
/// Longest token taken for a reference: four times Linux's PATH_MAX.
const MAX_REFERENCE_BYTES: usize = 16 * 1024;

const EXTENSIONS: &[&str] = &[
    "md", "mdc", "ts", "tsx", "js", "mjs", "cjs", "jsx", "json", "jsonc", "yaml", "yml", "py", "go", "rs", "java",
    "sh", "txt", "toml", "html", "css", "csv",
];

/// A reference token found in text, before context is known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RawReference {
    pub(crate) range: TextRange,
    pub(crate) path: Arc<str>,
    pub(crate) anchor: Option<Box<str>>,
    pub(crate) line: Option<LineSuffix>,
    pub(crate) qualifier: Option<Qualifier>,
    pub(crate) bare: bool,
    /// A markdown link's destination (resolved against the containing file).
    pub(crate) link: bool,
}

impl RawReference {
    /// The reference, once the outline says where it stands.
    pub(crate) fn with_context(self, context: crate::model::RefContext) -> crate::model::Reference {
        crate::model::Reference {
            range: self.range,
            path: self.path,
            anchor: self.anchor,
            line: self.line,
            context,
            qualifier: self.qualifier,
            bare: self.bare,
            link: self.link,
            planned: false,
        }
    }
}

/// An ID list introduced by a qualifier: `@implements UC-001, UC-002`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct QualifiedIds {
    pub(crate) qualifier: Qualifier,
    /// The text after the qualifier in which IDs are read.
    pub(crate) range: TextRange,
}

fn is_stop(b: u8) -> bool {
    b.is_ascii_whitespace()
        || matches!(b, b'`' | b'\'' | b'"' | b'(' | b')' | b'[' | b']' | b'<' | b'>' | b',' | b';' | b'|' | b'\\')
}

fn is_start_blocker(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'@' | b'.' | b'+' | b'/' | b'-' | b'\\')
}

/// The end of a path token starting at `start`: stop characters end it, except a `[…]` or `<…>`
/// group glued to the path, which is a placeholder (`UC-[name].md`, `<slug>.md`).
/// Where the path of the reference being typed starts, for a cursor at the end of `before`: the
/// byte after an `@` that starts a reference by the rules above, with no stop character
/// between it and the cursor. Completion uses it, so that it offers paths exactly where
/// [`find_references`] will see one.
pub(crate) fn typed_path_start(before: &str) -> Option<usize> {
    let bytes = before.as_bytes();
    let at = bytes.iter().rposition(|&b| b == b'@' || is_stop(b))?;
    if bytes[at] != b'@' || (at > 0 && is_start_blocker(bytes[at - 1])) {
        return None;
    }
    Some(at + 1)
}

fn token_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'[' || b == b'<' {
            let close = if b == b'[' { b']' } else { b'>' };
            let group_end = bytes[i + 1..].iter().position(|&c| c == close || c.is_ascii_whitespace() || c == b'`');
            match group_end {
                Some(n) if bytes[i + 1 + n] == close && n > 0 => {
                    i += n + 2;
                    continue;
                }
                _ => break,
            }
        }
        if is_stop(b) {
            break;
        }
        i += 1;
    }
    i
}

/// A token split into its parts.
struct TokenParts<'a> {
    /// Length of the token once trailing punctuation is dropped.
    kept: usize,
    path: &'a str,
    anchor: Option<&'a str>,
    line: Option<LineSuffix>,
}

/// Splits `token` into the path, `#anchor` and `:line` parts after dropping trailing
/// punctuation.
fn split_token(token: &str) -> TokenParts<'_> {
    let kept = token.trim_end_matches(['.', ',', ':', ';', '!', '?', '*', '_']);
    // `@.../x` keeps its leading dots; only a token made of punctuation alone is empty.
    let kept = if kept.is_empty() && token.starts_with("...") { "..." } else { kept };
    let mut core = kept;
    let mut line = None;
    if let Some(colon) = core.rfind(':') {
        let suffix = &core[colon + 1..];
        let (first, second) = match suffix.split_once('-') {
            Some((a, b)) => (a, Some(b)),
            None => (suffix, None),
        };
        let all_digits = |s: &str| !s.is_empty() && s.len() <= 7 && s.bytes().all(|b| b.is_ascii_digit());
        if all_digits(first) && second.is_none_or(all_digits) {
            line = LineSuffix::new(first.parse().unwrap_or(0), second.and_then(|s| s.parse().ok()));
            core = &core[..colon];
        }
    }
    let (path, anchor) = match core.split_once('#') {
        Some((path, anchor)) => (path, Some(anchor)),
        None => (core, None),
    };
    TokenParts { kept: kept.len(), path, anchor, line }
}

pub(crate) fn has_known_extension(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or(path);
    match file.rsplit_once('.') {
        Some((stem, ext)) => !stem.is_empty() && EXTENSIONS.contains(&ext),
        None => false,
    }
}

/// Whether an `@`-token's path is a file reference rather than a JSDoc tag, a package scope
/// or an agent handle.
/// Whether the path's first segment is a known root, `.` or `..`.
fn starts_at_known_root(path: &str) -> bool {
    let first = path.split('/').next().unwrap_or(path);
    ROOTS.contains(&first) || first == "." || first == ".."
}

fn is_reference_path(path: &str) -> bool {
    if path.is_empty() {
        return false;
    }
    let first = path.split('/').next().unwrap_or(path);
    if ROOTS.contains(&first) || first == "." || first == ".." {
        return true;
    }
    if first.starts_with('$') || first.starts_with('{') {
        return false;
    }
    has_known_extension(path) && !path.contains("://")
}

/// A bare path after a qualifier (`@tests .aiwg/testing/plan.md`): it must look like a file
/// path, not like prose.
fn is_bare_path(path: &str) -> bool {
    if path.starts_with('#') || path.contains("://") {
        return false;
    }
    let first = path.split('/').next().unwrap_or(path);
    (path.contains('/') && (ROOTS.contains(&first) || has_known_extension(path)))
        || (has_known_extension(path) && first.len() > 3)
}

/// The qualifier ending right before `at` (`@implements ` or `@implements: `), if any.
fn qualifier_before(text: &str, at: usize) -> Option<Qualifier> {
    let before = text[..at].trim_end_matches([' ', '\t']);
    if before.len() == at {
        return None;
    }
    let before = before.strip_suffix(':').unwrap_or(before);
    let word_start = before.rfind(|c: char| !(c.is_ascii_lowercase() || c == '-'))?;
    if before.as_bytes()[word_start] != b'@' {
        return None;
    }
    known_qualifier(&before[word_start + 1..])
}

fn known_qualifier(word: &str) -> Option<Qualifier> {
    Qualifier::named(word)
}

/// Every `@`-reference and qualified bare path in `text`, in order, plus the spans where a
/// qualifier introduces IDs instead of paths.
pub(crate) fn find_references(text: &str) -> (Vec<RawReference>, Vec<QualifiedIds>) {
    let bytes = text.as_bytes();
    let mut refs = Vec::new();
    let mut qualified_ids = Vec::new();
    for at in memchr::memchr_iter(b'@', bytes) {
        if at > 0 && is_start_blocker(bytes[at - 1]) {
            continue;
        }
        let start = at + 1;
        let Some(&first) = bytes.get(start) else { continue };
        if !(first.is_ascii_alphanumeric() || matches!(first, b'~' | b'$' | b'.' | b'_' | b'{')) {
            continue;
        }
        let end = token_end(bytes, start);
        if end - start > MAX_REFERENCE_BYTES {
            continue; // No real path is this long; later stages (globs above all) need a bound.
        }
        let token = &text[start..end];
        let TokenParts { kept, path, anchor, line } = split_token(token);
        let word = token.trim_end_matches(':');
        // `@tests` is a qualifier even though `tests/` is also a project root.
        let qualifier = known_qualifier(word);
        // `from '@modelcontextprotocol/sdk/types.js'`: a quoted `@scope/…` is a package import,
        // not a path, unless it starts at a known root.
        let quoted = at > 0 && matches!(bytes[at - 1], b'\'' | b'"');
        if quoted && !starts_at_known_root(path) {
            continue;
        }
        if qualifier.is_none() && is_reference_path(path) {
            refs.push(RawReference {
                range: TextRange::new(at, start + kept),
                path: path.into(),
                anchor: anchor.map(Into::into),
                line,
                qualifier: qualifier_before(text, at),
                bare: false,
                link: false,
            });
            continue;
        }
        // A qualifier: look at what follows it on the same line.
        let Some(qualifier) = qualifier else { continue };
        let rest_start = start + word.len() + usize::from(token.len() > word.len());
        let line_end = memchr::memchr(b'\n', &bytes[rest_start..]).map_or(bytes.len(), |n| rest_start + n);
        let target_start =
            rest_start + (text[rest_start..line_end].len() - text[rest_start..line_end].trim_start().len());
        if target_start == rest_start || target_start >= line_end {
            continue;
        }
        match bytes[target_start] {
            b'@' => {} // An `@`-reference: found by the main loop, which records the qualifier.
            b if b.is_ascii_uppercase() => {
                qualified_ids.push(QualifiedIds { qualifier, range: TextRange::new(target_start, line_end) });
            }
            _ => {
                let target_end = token_end(bytes, target_start);
                if target_end - target_start > MAX_REFERENCE_BYTES {
                    continue;
                }
                let TokenParts { kept, path, anchor, line } = split_token(&text[target_start..target_end]);
                if is_bare_path(path) {
                    refs.push(RawReference {
                        range: TextRange::new(target_start, target_start + kept),
                        path: path.into(),
                        anchor: anchor.map(Into::into),
                        line,
                        qualifier: Some(qualifier),
                        bare: true,
                        link: false,
                    });
                }
            }
        }
    }
    refs.sort_by_key(|r| r.range.start);
    (refs, qualified_ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{Expect, expect};

    fn check(text: &str, expect: Expect) {
        let (refs, ids) = find_references(text);
        let mut out = String::new();
        for r in refs {
            out.push_str(&format!("{:?} {:?}", r.range, r.path));
            if let Some(a) = r.anchor {
                out.push_str(&format!(" #{a}"));
            }
            if let Some((a, b)) = r.line.map(LineSuffix::get) {
                out.push_str(&format!(" :{a}{}", b.map(|b| format!("-{b}")).unwrap_or_default()));
            }
            if let Some(q) = r.qualifier {
                out.push_str(&format!(" q={q}"));
            }
            if r.bare {
                out.push_str(" bare");
            }
            out.push('\n');
        }
        for q in ids {
            out.push_str(&format!("ids q={} {:?}\n", q.qualifier, &text[q.range.start..q.range.end]));
        }
        expect.assert_eq(&out);
    }

    #[test]
    fn quoted_package_imports_are_not_references() {
        let text = "import { x } from '@modelcontextprotocol/sdk/types.js';\n\
                    const y = require(\"@aiwg/smiths/skillsmith.js\");\n\
                    load('@.aiwg/requirements/UC-001.md'); see \"@docs/guide.md\" and @lib/x.ts\n";
        let paths: Vec<String> = find_references(text).0.into_iter().map(|r| r.path.to_string()).collect();
        assert_eq!(paths, [".aiwg/requirements/UC-001.md", "docs/guide.md", "lib/x.ts"]);
    }

    #[test]
    fn the_path_being_typed_starts_where_find_references_would_start_it() {
        fn start(before: &str) -> Option<&str> {
            typed_path_start(before).map(|i| &before[i..])
        }
        assert_eq!(start("See @.aiwg/requ"), Some(".aiwg/requ"));
        assert_eq!(start("See @"), Some(""));
        assert_eq!(start("(`@docs/a.md#sec"), Some("docs/a.md#sec"));
        assert_eq!(start("mail ada@example"), None, "glued to a word");
        assert_eq!(start("pkg @scope/x@1"), None, "glued to a path");
        assert_eq!(start("See @.aiwg/x.md and"), None, "past the reference");
        assert_eq!(start("no at sign"), None);
        // Wherever it starts a path, the scanner finds a reference starting there too.
        for line in ["See @.aiwg/requirements/x.md", "- `@docs/a.md`", "@~/.local/share/ai-writing-guide/x.md"] {
            let at = line.find('@').unwrap();
            let before = &line[..line.len() - 1];
            assert_eq!(typed_path_start(before), Some(at + 1), "{line}");
            assert_eq!(find_references(line).0[0].range.start, at, "{line}");
        }
    }

    #[test]
    fn references_in_prose_with_punctuation_anchor_and_line() {
        check(
            "See @.aiwg/requirements/UC-001.md, then **@docs/cli.md#ralph-commands**: and @src/auth/login.ts:42.",
            expect![[r#"
                4..33 ".aiwg/requirements/UC-001.md"
                42..69 "docs/cli.md" #ralph-commands
                77..98 "src/auth/login.ts" :42
            "#]],
        );
    }

    #[test]
    fn not_references() {
        check(
            "mail me@example.com, npm pkg@1.2, @param x, @types/node, @/utils/auth, @security-architect, \
             @${VAR}/x, @https://example.com/x.md, @aiwg/smiths/skillsmith",
            expect![[""]],
        );
    }

    #[test]
    fn roots_directories_globs_home_and_elided() {
        check(
            "@.aiwg/research/sources/ @CLAUDE.md @~/.local/share/ai-writing-guide/agentic/x.md \
             @.aiwg/requirements/UC-*.md @.../prompts/core/orchestrator.md @./sibling.md",
            expect![[r#"
                0..24 ".aiwg/research/sources/"
                25..35 "CLAUDE.md"
                36..81 "~/.local/share/ai-writing-guide/agentic/x.md"
                82..109 ".aiwg/requirements/UC-*.md"
                110..143 ".../prompts/core/orchestrator.md"
                144..157 "./sibling.md"
            "#]],
        );
    }

    #[test]
    fn table_pipes_and_placeholders() {
        check(
            "| @.aiwg/a.md|x| @.aiwg/requirements/UC-{NNN}-<slug>.md | @.aiwg/[name].md |",
            expect![[r#"
                2..13 ".aiwg/a.md"
                17..55 ".aiwg/requirements/UC-{NNN}-<slug>.md"
                58..74 ".aiwg/[name].md"
            "#]],
        );
    }

    #[test]
    fn qualified_references() {
        check(
            "// @implements @.aiwg/requirements/UC-001.md\n\
             // @tests .aiwg/testing/test-strategy.md\n\
             // @security .aiwg/security/threat-model.md#tampering\n\
             // @implements UC-001, UC-002\n\
             // @implements: @.aiwg/x.md\n\
             // @see the docs",
            expect![[r#"
                15..44 ".aiwg/requirements/UC-001.md" q=implements
                55..85 ".aiwg/testing/test-strategy.md" q=tests bare
                99..139 ".aiwg/security/threat-model.md" #tampering q=security bare
                186..197 ".aiwg/x.md" q=implements
                ids q=implements "UC-001, UC-002"
            "#]],
        );
    }

    #[test]
    fn markdown_link_around_a_reference() {
        check(
            "[@.aiwg/x.md](../x.md) and (@docs/y.md)",
            expect![[r#"
                1..12 ".aiwg/x.md"
                28..38 "docs/y.md"
            "#]],
        );
    }
}
