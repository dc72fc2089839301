//! Facts of a YAML or JSON file: the `@`-references in its strings and comments (aiwg's flow
//! schemas point at agents and templates this way: `"@agentic/code/…/writing-validator.md"`),
//! and the markdown that YAML block scalars carry. Copilot's deployed agents are YAML whose
//! `instructions: |` block is the agent's whole markdown body (aiwg-format §2.4), so a block
//! scalar is read as markdown, with fences and code spans, headings and IDs, and its ranges
//! mapped back to the file. The rest of the file is read line by line: a reference there is
//! a value or a comment, [`RefContext::Data`]. Under an `example`, `examples` or `default` key
//! a path illustrates the schema, [`RefContext::DataExample`].
//!
//! Like every parser here this never fails: malformed YAML is only text with fewer blocks.

use crate::model::{ArtifactKind, DocFacts, RefContext, Reference};
use crate::syntax::refs::find_references;
use crate::text::TextRange;

/// Longest value kept as a title or summary, in bytes.
const SCALAR_MAX: usize = 280;

pub(crate) fn data_facts(path: &str, text: &str) -> DocFacts {
    let kind = ArtifactKind::from_path(path);
    let is_yaml = {
        let lower = path.to_ascii_lowercase();
        lower.ends_with(".yaml") || lower.ends_with(".yml")
    };
    let blocks = if is_yaml { block_scalars(text) } else { Vec::new() };
    let mut facts = DocFacts { kind, ..DocFacts::default() };
    let mut references: Vec<Reference> = Vec::new();

    for block in &blocks {
        let body = block.dedented(text);
        let mut inner = crate::syntax::facts_from_text(path, &body.text);
        inner.remap(&|offset| body.original(offset));
        facts.title = facts.title.or(inner.title);
        facts.headings.extend(inner.headings);
        references.extend(inner.references);
        facts.declared_ids.extend(inner.declared_ids.into_iter().filter(|d| !d.range.is_empty()));
        facts.id_mentions.extend(inner.id_mentions);
    }

    // Everything outside the blocks: values and comments.
    let mut outside_start = 0;
    let gaps = blocks.iter().map(|b| b.range).chain(std::iter::once(TextRange::new(text.len(), text.len())));
    for block in gaps {
        let gap = TextRange::new(outside_start, block.start);
        let (raw, _) = find_references(gap.slice(text));
        references.extend(raw.into_iter().map(|r| {
            let mut reference = r.with_context(RefContext::Data);
            reference.range = reference.range.shifted(gap.start);
            reference
        }));
        outside_start = block.end;
    }
    references.sort_by_key(|r| r.range.start);
    if is_yaml {
        let examples = example_ranges(text, &blocks);
        for reference in &mut references {
            let offset = reference.range.start;
            if examples.iter().any(|e| e.start <= offset && offset < e.end) {
                reference.context = RefContext::DataExample;
            }
        }
    }
    facts.references = references;

    if is_yaml {
        // `name:` and `description:` of an agent definition name it in hovers and symbols.
        facts.title = top_level_scalar(text, "name").or(facts.title);
        facts.summary = top_level_scalar(text, "description").or(facts.summary);
    }
    facts
}

/// A YAML literal or folded block scalar (`key: |`, `key: >-`, `- |`): its content lines.
struct BlockScalar {
    /// From the first content line's start to the end of the last content line.
    range: TextRange,
    /// The block's indentation, removed from each content line.
    indent: usize,
}

/// A block's content with the indentation removed, and where each line came from.
struct Dedented {
    text: String,
    /// `(offset in text, offset in the file)` of each line start.
    lines: Vec<(usize, usize)>,
}

impl Dedented {
    /// The file offset of `offset` in the dedented text.
    fn original(&self, offset: usize) -> usize {
        let i = self.lines.partition_point(|&(start, _)| start <= offset).saturating_sub(1);
        let (start, file_start) = self.lines.get(i).copied().unwrap_or((0, 0));
        file_start + (offset - start)
    }
}

impl BlockScalar {
    fn dedented(&self, text: &str) -> Dedented {
        let mut out = String::with_capacity(self.range.end - self.range.start);
        let mut lines = Vec::new();
        let mut file_offset = self.range.start;
        for line in self.range.slice(text).split_inclusive('\n') {
            let strip = line.bytes().take(self.indent).take_while(|&b| b == b' ').count();
            lines.push((out.len(), file_offset + strip));
            out.push_str(&line[strip..]);
            file_offset += line.len();
        }
        Dedented { text: out, lines }
    }
}

/// Every block scalar of a YAML text, in order, found line by line: a line whose value is `|`
/// or `>` (with chomping and indentation indicators) opens one, and its content is every
/// following line that is blank or indented deeper than the line that opened it and at least as
/// deep as the block's first line.
fn block_scalars(text: &str) -> Vec<BlockScalar> {
    let mut blocks = Vec::new();
    let mut lines = text.split_inclusive('\n').scan(0usize, |offset, line| {
        let start = *offset;
        *offset += line.len();
        Some((start, line))
    });
    let mut pending: Option<(usize, usize)> = None; // (indent of the opening line, content start)
    let mut block_indent: Option<usize> = None;
    let mut last_content_end = 0;
    let close = |blocks: &mut Vec<BlockScalar>, start: usize, end: usize, indent: Option<usize>| {
        if let Some(indent) = indent
            && end > start
        {
            blocks.push(BlockScalar { range: TextRange::new(start, end), indent });
        }
    };
    loop {
        let next = lines.next();
        if let Some((opener_indent, content_start)) = pending {
            let inside = next.is_some_and(|(_, line)| {
                let content = line.trim_end_matches(['\n', '\r']);
                let indent = content.len() - content.trim_start_matches(' ').len();
                // The first content line sets the block's indentation (YAML 1.2 §8.1.1.1).
                content.trim().is_empty() || (indent > opener_indent && block_indent.is_none_or(|b| indent >= b))
            });
            if inside {
                let (start, line) = next.unwrap_or_default();
                let content = line.trim_end_matches(['\n', '\r']);
                if !content.trim().is_empty() {
                    let indent = content.len() - content.trim_start_matches(' ').len();
                    block_indent.get_or_insert(indent);
                    last_content_end = start + content.len();
                }
                continue;
            }
            close(&mut blocks, content_start, last_content_end, block_indent.take());
            pending = None;
        }
        let Some((start, line)) = next else { break };
        let content = line.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim_end();
        let indent = content.len() - content.trim_start_matches(' ').len();
        let value = trimmed.rsplit_once(": ").map(|(_, v)| v).or_else(|| trimmed.trim_start().strip_prefix("- "));
        let opens = value.is_some_and(|v| {
            let v = v.trim();
            (v.starts_with('|') || v.starts_with('>')) && v[1..].bytes().all(|b| matches!(b, b'+' | b'-' | b'0'..=b'9'))
        });
        if opens && !trimmed.trim_start().starts_with('#') {
            pending = Some((indent, start + line.len()));
            last_content_end = start + line.len();
        }
    }
    blocks
}

/// Keys whose values illustrate rather than point: a schema's `example: "@src/auth/login.ts"`,
/// `example_retrieval_output: |`, `default:` values.
const EXAMPLE_KEYS: &[&str] = &["example", "examples", "default", "sample", "samples"];

/// The lines that lie under an example key (at any depth), as ranges of the text.
fn example_ranges(text: &str, blocks: &[BlockScalar]) -> Vec<TextRange> {
    let mut ranges: Vec<TextRange> = Vec::new();
    let mut keys: Vec<(usize, bool)> = Vec::new(); // (indent, is an example key) of open mappings
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let body = content.trim_start_matches(' ');
        if body.is_empty() || body.starts_with('#') {
            continue;
        }
        let indent = content.len() - body.len();
        let in_block = blocks.iter().any(|b| b.range.start <= start && start < b.range.end);
        if !in_block {
            while keys.last().is_some_and(|&(open, _)| open >= indent) {
                keys.pop();
            }
            let entry = body.strip_prefix("- ").unwrap_or(body);
            if let Some((key, _)) = entry.split_once(':') {
                let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
                // `example_retrieval_output`, `qualified_examples`: any `_`-separated word.
                let example = key.split(['_', '-']).any(|word| EXAMPLE_KEYS.contains(&word));
                keys.push((indent, example));
            }
        }
        if keys.iter().any(|&(_, example)| example) {
            match ranges.last_mut() {
                Some(last) if last.end == start => last.end = offset,
                _ => ranges.push(TextRange::new(start, offset)),
            }
        }
    }
    ranges
}

/// The value of a top-level `key: value` line, unquoted and bounded; `None` for block values.
fn top_level_scalar(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let value = line.strip_prefix(key)?.strip_prefix(':')?.trim();
        let value = value.trim_matches(|c| c == '"' || c == '\'');
        if value.is_empty() || value.starts_with(['|', '>']) {
            return None;
        }
        let mut end = value.len().min(SCALAR_MAX);
        while !value.is_char_boundary(end) {
            end -= 1;
        }
        Some(value[..end].to_string())
    })
}

#[cfg(test)]
mod tests {
    use expect_test::{Expect, expect};

    fn check(path: &str, text: &str, expect: Expect) {
        let facts = super::data_facts(path, text);
        let mut ranges_ok = true;
        for (start, end) in facts.ranges() {
            ranges_ok &=
                start <= end && end <= text.len() && text.is_char_boundary(start) && text.is_char_boundary(end);
        }
        assert!(ranges_ok, "every range lies in the text");
        expect.assert_eq(&facts.render(text));
    }

    #[test]
    fn a_copilot_agent_is_yaml_with_a_markdown_body() {
        check(
            ".github/agents/architecture-designer.yaml",
            "name: Architecture Designer\ndescription: Designs systems\ntools: [\"search\"]\ninstructions: |\n  \
             # Your Process\n  \n  Write @.aiwg/architecture/sad.md, per @agentic/code/x.md.\n  \n  ```text\n  \
             @src/in-fence.ts\n  ```\n  See `@docs/quoted.md`.\nmodel:\n  name: gpt-4\n",
            expect![[r#"
                kind Agent
                title Some("Architecture Designer")
                heading h1 "Your Process" #your-process section 93..233
                ref prose "@.aiwg/architecture/sad.md" path ".aiwg/architecture/sad.md"
                ref prose "@agentic/code/x.md" path "agentic/code/x.md"
                ref fenced-code "@src/in-fence.ts" path "src/in-fence.ts"
                ref quoted-pointer "@docs/quoted.md" path "docs/quoted.md"
                summary "Designs systems"
            "#]],
        );
    }

    #[test]
    fn values_and_comments_of_schemas_and_json() {
        check(
            "agentic/code/frameworks/sdlc-complete/schemas/flows/citation-integrity.yaml",
            "# Checked by @agentic/code/agents/writing-validator.md\nsteps:\n  - agent: \"@agentic/code/agents/citation.md\"\n    \
             notes: >-\n      folded text naming @docs/guide.md\n  - import: '@scope/pkg/x.js'\n",
            expect![[r#"
                kind Other
                title None
                ref data "@agentic/code/agents/writing-validator.md" path "agentic/code/agents/writing-validator.md"
                ref data "@agentic/code/agents/citation.md" path "agentic/code/agents/citation.md"
                ref prose "@docs/guide.md" path "docs/guide.md"
            "#]],
        );
        check(
            "agentic/code/frameworks/sdlc-complete/schemas/flows/fair-extensions.yaml",
            "example_output: |\n  see @docs/sample.md\nproperties:\n  examples:\n    default:\n      - \"@extends @src/auth/base-auth.ts\"\n    example: |\n      \
             @implemented-by src/auth/login.ts\n  related:\n    - \"@src/utils/mention-parser.ts\"\n",
            expect![[r#"
                kind Other
                title None
                ref data-example "@docs/sample.md" path "docs/sample.md"
                ref data-example "@src/auth/base-auth.ts" path "src/auth/base-auth.ts" @extends
                ref data-example "src/auth/login.ts" path "src/auth/login.ts" @implemented-by bare
                ref data "@src/utils/mention-parser.ts" path "src/utils/mention-parser.ts"
            "#]],
        );
        check(
            "package.json",
            "{\"name\": \"x\", \"dependencies\": {\"@types/node\": \"^20\"}, \"docs\": \"@docs/setup.md\"}\n",
            expect![[r#"
                kind Other
                title None
                ref data "@docs/setup.md" path "docs/setup.md"
            "#]],
        );
    }

    #[test]
    fn malformed_yaml_is_text() {
        check(
            "x.yaml",
            "a: |\n",
            expect![[r#"
            kind Other
            title None
        "#]],
        );
        check(
            "x.yaml",
            "a: |\n  @docs/x.md\n b: [\n\t@docs/y.md",
            expect![[r#"
            kind Other
            title None
            ref prose "@docs/x.md" path "docs/x.md"
            ref data "@docs/y.md" path "docs/y.md"
        "#]],
        );
    }
}
