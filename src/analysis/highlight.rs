//! Semantic highlighting: the spans of a document that mean something to aiwg, classified so an
//! editor can colour them. `@`-references (resolved, broken, ambiguous, into the aiwg root, to a
//! superseded decision), their qualifiers (`@implements`), artifact IDs (declared here, mentioned,
//! unknown) and template placeholders (`{NNN}`, `ADR-XXX`, aiwg-format §2.1). The LSP layer maps
//! the kinds to standard token types so default themes colour them without configuration.
//!
//! Everything here is classified the way diagnostics are: a reference is broken when its
//! resolution is dangling, an ID unknown when diagnostics would report it.

use crate::model::adr::AdrStatus;
use crate::model::{ArtifactKind, DocFacts, RefContext, Reference};
use crate::resolve::{Resolution, RootKind, Stage};
use crate::text::TextRange;
use crate::workspace::{DocId, Document, Snapshot};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TokenKind {
    /// An `@`-reference or markdown link to a file, from the `@` to the end of its anchor.
    Reference,
    /// `@implements`, `@tests`…: the word that says how a reference or ID relates.
    Qualifier,
    /// An artifact ID (`ADR-007`, `UC-AP-003`).
    Id,
    /// Template text that stands for a value still to be chosen (`{NNN}`, `ADR-XXX`).
    Placeholder,
}

/// Facts about a token beside its kind; a set of these is a bit mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenModifier {
    /// The ID is declared here (the document's own ID).
    Declaration = 1,
    /// The target is a superseded or deprecated decision.
    Deprecated = 2,
    /// The target is in the aiwg install root.
    Framework = 4,
    /// The reference resolves to nothing, or the ID to no document of the project.
    Broken = 8,
    /// The reference matches more than one file.
    Ambiguous = 16,
}

impl TokenModifier {
    pub const ALL: [TokenModifier; 5] = [
        TokenModifier::Declaration,
        TokenModifier::Deprecated,
        TokenModifier::Framework,
        TokenModifier::Broken,
        TokenModifier::Ambiguous,
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub range: TextRange,
    pub kind: TokenKind,
    /// [`TokenModifier`]s or-ed together.
    pub modifiers: u32,
}

impl Token {
    pub fn has(&self, modifier: TokenModifier) -> bool {
        self.modifiers & modifier as u32 != 0
    }
}

/// The tokens of `doc` that overlap `range`, sorted by position and never overlapping one
/// another. `text` is the document's text. Tokens never span a line break.
pub fn semantic_tokens(snapshot: &Snapshot, doc_id: DocId, text: &str, range: TextRange) -> Vec<Token> {
    let doc = snapshot.doc(doc_id);
    let facts = &doc.facts;
    let wanted = |r: TextRange| r.start < range.end && range.start < r.end && r.end <= text.len();
    let mut tokens = Vec::new();

    for (reference, resolution) in facts.references.iter().zip(snapshot.resolutions(doc_id)) {
        if matches!(reference.context, RefContext::FencedCode | RefContext::DataExample) {
            continue;
        }
        let qualifier = reference.qualifier.and_then(|q| qualifier_before(text, reference.range.start, q.as_str()));
        tokens.extend(qualifier.filter(|q| wanted(q.range)));
        if !wanted(reference.range) {
            continue;
        }
        let (kind, modifiers) = reference_class(snapshot, reference, resolution);
        tokens.push(Token { range: reference.range, kind, modifiers });
    }

    let project = snapshot.roots().project_dir(doc.root, &doc.path);
    for declaration in &facts.declared_ids {
        if declaration.range.is_empty() || !wanted(declaration.range) {
            continue;
        }
        let modifiers = TokenModifier::Declaration as u32 | deprecated_if_superseded(facts);
        tokens.push(Token { range: declaration.range, kind: TokenKind::Id, modifiers });
    }
    let framework = doc.is_framework_text();
    for mention in &facts.id_mentions {
        if mention.context.is_code() {
            continue;
        }
        let qualifier = mention.relation.as_deref().and_then(|r| qualifier_before(text, mention.range.start, r));
        tokens.extend(qualifier.filter(|q| wanted(q.range)));
        if !wanted(mention.range) {
            continue;
        }
        let declaring: Vec<&Document> = snapshot
            .declaring(&mention.id.key)
            .iter()
            .map(|&id| snapshot.doc(id))
            .filter(|other| other.root == doc.root && snapshot.roots().project_dir(other.root, &other.path) == project)
            .collect();
        let modifiers = if let Some(target) = declaring.first() {
            deprecated_if_superseded(&target.facts)
        } else if framework || doc.is_framework_at(mention.range.start) {
            0 // aiwg's own text cites example IDs by design.
        } else if mention.relation.is_some() || snapshot.tracks_prefix(mention.id.key.prefix) {
            TokenModifier::Broken as u32
        } else {
            continue; // Not an ID this project uses: just text.
        };
        tokens.push(Token { range: mention.range, kind: TokenKind::Id, modifiers });
    }

    if doc.is_markdown() {
        placeholders(text, range, &mut tokens);
    }

    tokens.sort_by_key(|t| (t.range.start, std::cmp::Reverse(t.range.end)));
    // Clients take no overlapping tokens: the first (outermost) one wins, and a token is cut at
    // its first line break.
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for mut token in tokens {
        if out.last().is_some_and(|last| token.range.start < last.range.end) {
            continue;
        }
        if let Some(newline) = token.range.slice(text).find('\n') {
            token.range = TextRange::new(token.range.start, token.range.start + newline);
        }
        if !token.range.is_empty() {
            out.push(token);
        }
    }
    out
}

fn reference_class(snapshot: &Snapshot, reference: &Reference, resolution: &Resolution) -> (TokenKind, u32) {
    match resolution {
        Resolution::Placeholder => (TokenKind::Placeholder, 0),
        Resolution::UserHome => (TokenKind::Reference, 0),
        Resolution::Dangling { .. } => (TokenKind::Reference, TokenModifier::Broken as u32),
        Resolution::Resolved { stage, targets } => {
            let mut modifiers = 0;
            if targets.len() > 1 && *stage != Stage::Glob {
                modifiers |= TokenModifier::Ambiguous as u32;
            }
            if targets.iter().all(|t| t.root == RootKind::Aiwg) {
                modifiers |= TokenModifier::Framework as u32;
            }
            let target_docs = targets.iter().filter_map(|t| snapshot.target_doc(t)).map(|id| snapshot.doc(id));
            let mut superseded = target_docs.map(|d| deprecated_if_superseded(&d.facts)).peekable();
            if superseded.peek().is_some() && superseded.all(|m| m != 0) {
                modifiers |= TokenModifier::Deprecated as u32;
            }
            if let Some(anchor) = reference.anchor.as_deref().filter(|a| !a.is_empty()) {
                let checkable: Vec<&DocFacts> = targets
                    .iter()
                    .filter_map(|t| snapshot.target_doc(t))
                    .map(|id| &snapshot.doc(id).facts)
                    .filter(|f| !f.headings.is_empty())
                    .collect();
                if !crate::resolve::is_placeholder(anchor)
                    && !checkable.is_empty()
                    && checkable.iter().all(|f| f.heading_for_anchor(anchor).is_none())
                {
                    modifiers |= TokenModifier::Broken as u32;
                }
            }
            (TokenKind::Reference, modifiers)
        }
    }
}

/// [`TokenModifier::Deprecated`] for a decision whose status says it no longer stands.
fn deprecated_if_superseded(facts: &DocFacts) -> u32 {
    let gone = facts.kind == ArtifactKind::Adr
        && facts.status().and_then(AdrStatus::parse).is_some_and(AdrStatus::no_longer_stands);
    if gone { TokenModifier::Deprecated as u32 } else { 0 }
}

/// The `@word` right before `at` (blanks between), when `word` is what is written there.
fn qualifier_before(text: &str, at: usize, word: &str) -> Option<Token> {
    let before = text.get(..at)?.trim_end_matches([' ', '\t']);
    let start = before.len().checked_sub(word.len() + 1)?;
    (before.ends_with(word) && before.as_bytes()[start] == b'@').then(|| Token {
        range: TextRange::new(start, before.len()),
        kind: TokenKind::Qualifier,
        modifiers: 0,
    })
}

/// Template placeholders in prose: `{NNN}`, `{project-name}`, `{AIWG_ROOT}` and ID-shaped ones
/// (`ADR-XXX`, `UC-NNN`), outside code.
fn placeholders(text: &str, range: TextRange, tokens: &mut Vec<Token>) {
    let outline = crate::syntax::scan::outline(text);
    let mut code: Vec<TextRange> = outline.code_spans.clone();
    code.extend(outline.fenced_code.iter().map(|f| f.range));
    code.extend(outline.front_matter.iter().map(|f| f.range));
    let in_code = |at: usize| code.iter().any(|c| c.start <= at && at < c.end);
    let bytes = text.as_bytes();
    let end = range.end.min(bytes.len());
    // Start a little early so a placeholder that straddles the range's start is found.
    let mut i = floor_char_boundary(text, range.start.saturating_sub(64));
    while i < end {
        let found = match bytes[i] {
            b'{' => brace_placeholder(bytes, i),
            b'A'..=b'Z' if i == 0 || !is_word_byte(bytes[i - 1]) => id_placeholder(bytes, i),
            _ => None,
        };
        match found {
            Some(len) => {
                let token = TextRange::new(i, i + len);
                if token.end > range.start && !in_code(i) {
                    tokens.push(Token { range: token, kind: TokenKind::Placeholder, modifiers: 0 });
                }
                i += len;
            }
            None => i += 1,
        }
    }
}

/// `{name}`: letters, digits, `_`, `-` and spaces, at most 40 bytes, starting with a letter.
fn brace_placeholder(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = &bytes[at + 1..];
    let close = rest.iter().take(41).position(|&b| b == b'}')?;
    let inner = &rest[..close];
    let ok = inner.first().is_some_and(|b| b.is_ascii_alphabetic())
        && inner.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b' '));
    // `${VAR}` is shell, `{{x}}` a template engine's: not aiwg's placeholders.
    let shell = at > 0 && matches!(bytes[at - 1], b'$' | b'{');
    (ok && !shell).then_some(close + 2)
}

/// `ADR-XXX`, `UC-NNN`, `REQ-###`, `UC-AP-XXX`: an ID prefix then `X`, `N` or `#` repeated.
fn id_placeholder(bytes: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    let mut segments = 0;
    loop {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_uppercase() {
            i += 1;
        }
        if i - start < 2 || i >= bytes.len() || bytes[i] != b'-' {
            return None;
        }
        segments += 1;
        i += 1;
        let fill = bytes.get(i).copied()?;
        if matches!(fill, b'X' | b'N' | b'#') {
            let run = bytes[i..].iter().take_while(|&&b| b == fill).count();
            let after = bytes.get(i + run).copied().unwrap_or(b' ');
            if run >= 2 && !is_word_byte(after) && segments <= 3 {
                return Some(i + run - at);
            }
        }
        if segments >= 3 {
            return None;
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::fixture::Fixture;

    fn render(fixture: &str, path: &str) -> String {
        let fixture = Fixture::parse(fixture);
        let (doc, _) = fixture.snapshot.documents().find(|(_, d)| d.path == path).unwrap();
        let text = fixture.text(doc);
        let tokens = semantic_tokens(&fixture.snapshot, doc, text, TextRange::new(0, text.len()));
        tokens
            .iter()
            .map(|t| {
                let modifiers: Vec<String> =
                    TokenModifier::ALL.iter().filter(|&&m| t.has(m)).map(|m| format!("{m:?}")).collect();
                format!("{:?} {:?} {}\n", t.range.slice(text), t.kind, modifiers.join(","))
            })
            .collect()
    }

    #[test]
    fn references_ids_qualifiers_and_placeholders() {
        let actual = render(
            r#"
            //- /.aiwg/architecture/decisions/ADR-001-postgres.md
            # ADR-001: Use PostgreSQL

            **Status**: Superseded by ADR-002
            //- /.aiwg/architecture/decisions/ADR-002-cockroach.md
            # ADR-002: Use CockroachDB

            **Status**: Accepted
            **Supersedes**: ADR-001
            //- /.aiwg/requirements/use-cases/UC-001-login.md
            # UC-001: Log in

            @implements @.aiwg/architecture/decisions/ADR-002-cockroach.md and see
            @.aiwg/architecture/decisions/ADR-001-postgres.md, @.aiwg/missing.md,
            @.aiwg/architecture/decisions/ADR-002-cockroach.md#nowhere and @docs/*.md.

            Builds on ADR-002, replaces ADR-001, never UC-404; `ADR-002` in code.
            Next: ADR-XXX for {project-name}, @.aiwg/requirements/UC-{NNN}.md, but not ${HOME}.

            ```
            @.aiwg/missing-in-code.md ADR-XXX
            ```
            //- /docs/a.md
            # A
            //- /docs/b.md
            # B
            "#,
            ".aiwg/requirements/use-cases/UC-001-login.md",
        );
        expect_test::expect![[r#"
            "UC-001" Id Declaration
            "@implements" Qualifier 
            "@.aiwg/architecture/decisions/ADR-002-cockroach.md" Reference 
            "@.aiwg/architecture/decisions/ADR-001-postgres.md" Reference Deprecated
            "@.aiwg/missing.md" Reference Broken
            "@.aiwg/architecture/decisions/ADR-002-cockroach.md#nowhere" Reference Broken
            "@docs/*.md" Reference 
            "ADR-002" Id 
            "ADR-001" Id Deprecated
            "UC-404" Id Broken
            "ADR-XXX" Placeholder 
            "{project-name}" Placeholder 
            "@.aiwg/requirements/UC-{NNN}.md" Placeholder 
        "#]]
        .assert_eq(&actual);
    }

    #[test]
    fn ambiguous_references_and_the_aiwg_root() {
        let actual = render(
            r#"
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/research-before-decision.md
            # Research first
            //- /aiwg-root/agentic/code/addons/aiwg-utils/rules/research-before-decision.md
            # Research first (utils)
            //- /aiwg-root/agentic/code/frameworks/sdlc-complete/rules/tone.md
            # Tone
            //- /.aiwg/notes.md
            # Notes
            See @.claude/rules/research-before-decision.md, @.claude/rules/tone.md and @docs/*.md.
            //- /docs/a.md
            # A
            "#,
            ".aiwg/notes.md",
        );
        expect_test::expect![[r#"
            "@.claude/rules/research-before-decision.md" Reference Framework,Ambiguous
            "@.claude/rules/tone.md" Reference Framework
            "@docs/*.md" Reference 
        "#]]
        .assert_eq(&actual);
    }

    #[test]
    fn a_range_request_gets_only_the_tokens_it_overlaps() {
        let fixture = Fixture::parse(
            r#"
            //- /notes.md
            # Notes
            @a.md first
            @b.md second
            //- /a.md
            //- /b.md
            "#,
        );
        let (doc, _) = fixture.snapshot.documents().find(|(_, d)| d.path == "notes.md").unwrap();
        let text = fixture.text(doc);
        let second_line = text.find("@b.md").unwrap();
        let tokens = semantic_tokens(&fixture.snapshot, doc, text, TextRange::new(second_line, text.len()));
        let shown: Vec<&str> = tokens.iter().map(|t| t.range.slice(text)).collect();
        assert_eq!(shown, ["@b.md"]);
    }
}
