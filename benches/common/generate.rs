//! A deterministic generator of aiwg-shaped workspaces for benchmarks: N documents laid out as
//! real aiwg projects lay them out (ADRs in three directory layouts and two filename schemes,
//! use cases with and without categories, NFR modules, research findings, provenance records,
//! deployed agents and rules, notes), about 8 KB each on average, with headings, tables, code
//! fences, metadata blocks and about 20 references per document, of which about 3% dangle and
//! some sit in code spans and fences. The same seed always writes the same bytes.

use std::fmt::Write as _;
use std::path::Path;

/// SplitMix64: tiny, fast and reproducible on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "service", "latency", "tenant", "gateway", "queue", "token", "schema", "replica", "cache", "budget", "release",
    "migration", "contract", "payload", "session", "audit", "policy", "index", "shard", "retry", "window", "quota",
    "endpoint", "consumer", "producer", "snapshot", "rollout", "baseline", "threshold", "incident", "observability",
    "throughput", "availability", "constraint", "stakeholder", "decision", "tradeoff", "requirement", "the", "a", "of",
    "and", "to", "for", "with", "under", "when", "every", "each", "must", "should", "within", "across",
];

const SECTIONS: &[&str] = &[
    "Context",
    "Decision",
    "Consequences",
    "Alternatives Considered",
    "Implementation Notes",
    "Risks",
    "References",
];

/// One document of the generated workspace.
struct Planned {
    path: String,
    id: Option<String>,
    title: String,
}

fn plan(count: usize, rng: &mut Rng) -> Vec<Planned> {
    let mut docs = Vec::with_capacity(count);
    let (mut adr, mut uc, mut uc_ap, mut nfr, mut refn, mut note) = (0, 0, 0, 0, 0, 0);
    for i in 0..count {
        let topic = format!("{}-{}", rng.pick(WORDS), rng.pick(WORDS)).replace(' ', "-");
        let roll = i % 20;
        let doc = match roll {
            0..=2 => {
                adr += 1;
                let layout = match adr % 3 {
                    0 => ".aiwg/architecture/decisions",
                    1 => ".aiwg/architecture/adrs",
                    _ => ".aiwg/architecture/adr",
                };
                let id = format!("ADR-{adr:03}");
                let file = if adr % 5 == 0 { format!("adr-{adr:03}-{topic}.md") } else { format!("{id}-{topic}.md") };
                Planned { path: format!("{layout}/{file}"), id: Some(id), title: format!("Adopt {topic}") }
            }
            3..=6 => {
                if i % 7 == 0 {
                    uc_ap += 1;
                    let id = format!("UC-AP-{uc_ap:03}");
                    Planned { path: format!(".aiwg/requirements/use-cases/{id}-{topic}.md"), id: Some(id), title: format!("Handle {topic}") }
                } else {
                    uc += 1;
                    let id = format!("UC-{uc:03}");
                    Planned { path: format!(".aiwg/requirements/use-cases/{id}-{topic}.md"), id: Some(id), title: format!("Handle {topic}") }
                }
            }
            7 => {
                nfr += 1;
                Planned { path: format!(".aiwg/requirements/nfr-modules/module-{nfr:04}.md"), id: None, title: format!("NFR module {nfr}") }
            }
            8..=10 => {
                refn += 1;
                let id = format!("REF-{refn:03}");
                Planned { path: format!(".aiwg/research/findings/{id}-{topic}.md"), id: Some(id), title: format!("Study of {topic}") }
            }
            11..=12 => Planned {
                path: format!(".aiwg/research/provenance/records/record-{i:05}.prov.yaml"),
                id: None,
                title: String::new(),
            },
            13 => Planned { path: format!(".claude/agents/agent-{i:05}.md"), id: None, title: format!("Agent {topic}") },
            14 => Planned { path: format!(".claude/rules/rule-{i:05}.md"), id: None, title: format!("Rule {topic}") },
            _ => {
                note += 1;
                Planned { path: format!("docs/notes/note-{note:05}.md"), id: None, title: format!("Notes on {topic}") }
            }
        };
        docs.push(doc);
    }
    docs
}

fn sentence(rng: &mut Rng, out: &mut String) {
    let words = 8 + rng.below(14);
    for w in 0..words {
        let word = rng.pick(WORDS);
        if w == 0 {
            let mut chars = word.chars();
            if let Some(first) = chars.next() {
                out.extend(first.to_uppercase());
                out.push_str(chars.as_str());
            }
        } else {
            out.push(' ');
            out.push_str(word);
        }
    }
    out.push_str(". ");
}

/// A reference to another planned document (sometimes with an anchor), or a dangling one.
fn reference(rng: &mut Rng, docs: &[Planned], markdown: &[usize]) -> String {
    if rng.chance(3) {
        return format!("@.aiwg/missing/gone-{}.md", rng.below(10_000));
    }
    let target = &docs[*rng.pick(markdown)];
    if rng.chance(20) {
        let section = rng.pick(SECTIONS).to_lowercase().replace(' ', "-");
        format!("@{}#{section}", target.path)
    } else {
        format!("@{}", target.path)
    }
}

fn markdown(doc: &Planned, docs: &[Planned], markdown_docs: &[usize], rng: &mut Rng) -> String {
    let mut out = String::with_capacity(9_000);
    match &doc.id {
        Some(id) => writeln!(out, "# {id}: {}\n", doc.title).unwrap(),
        None => writeln!(out, "# {}\n", doc.title).unwrap(),
    }
    let status = *rng.pick(&["Accepted", "Proposed", "Superseded by ADR-001", "approved", "draft"]);
    writeln!(out, "**Status**: {status}\n**Date**: 2026-0{}-1{}\n**Owner**: team-{}\n", 1 + rng.below(9), rng.below(10), rng.below(40)).unwrap();
    let target_bytes = 4_000 + rng.below(8_000);
    let mut refs = 0;
    let mut section = 0;
    while out.len() < target_bytes || refs < 20 {
        let heading = SECTIONS[section % SECTIONS.len()];
        section += 1;
        writeln!(out, "## {heading}\n").unwrap();
        for _ in 0..2 {
            for _ in 0..3 + rng.below(4) {
                sentence(rng, &mut out);
            }
            let r = reference(rng, docs, markdown_docs);
            write!(out, "See {r} for the details").unwrap();
            if rng.chance(30) {
                write!(out, ", and `{}` for the raw form", reference(rng, docs, markdown_docs)).unwrap();
                refs += 1;
            }
            if rng.chance(25) {
                let id = docs[*rng.pick(markdown_docs)].id.clone().unwrap_or_else(|| "ADR-001".into());
                write!(out, " (related to {id})").unwrap();
            }
            out.push_str(".\n\n");
            refs += 1;
        }
        if section % 3 == 0 {
            out.push_str("| Item | Reference | Notes |\n|---|---|---|\n");
            for row in 0..3 {
                writeln!(out, "| item {row} | {} | {} |", reference(rng, docs, markdown_docs), rng.pick(WORDS)).unwrap();
                refs += 1;
            }
            out.push('\n');
        }
        if section % 4 == 0 {
            out.push_str("```text\n");
            writeln!(out, "load {}", reference(rng, docs, markdown_docs)).unwrap();
            out.push_str("run --all\n```\n\n");
            refs += 1;
        }
        if section > 40 {
            break;
        }
    }
    out
}

fn provenance(doc: &Planned, docs: &[Planned], markdown_docs: &[usize], rng: &mut Rng) -> String {
    let entity = &docs[*rng.pick(markdown_docs)];
    let source = &docs[*rng.pick(markdown_docs)];
    format!(
        "entity:\n  id: urn:aiwg:artifact:{}\n  type: document\n  created_at: 2026-03-0{}T10:00:00Z\n  checksum: sha256:{:064x}\n\
activity:\n  id: urn:aiwg:activity:generation:{}:001\n  type: generation\n  started_at: 2026-03-01T09:00:00Z\n  ended_at: 2026-03-01T09:05:00Z\n\
agent:\n  id: urn:aiwg:agent:architecture-designer\n  type: aiwg_agent\n  tool: opus\n\
relationships:\n  wasGeneratedBy:\n    entity: urn:aiwg:artifact:{}\n    activity: urn:aiwg:activity:generation:{}:001\n\
  wasAttributedTo:\n    entity: urn:aiwg:artifact:{}\n    agent: urn:aiwg:agent:architecture-designer\n\
  wasDerivedFrom:\n    - entity: urn:aiwg:artifact:{}\n      source: urn:aiwg:artifact:{}\n      derivation_type: refines\n",
        entity.path,
        1 + rng.below(9),
        rng.next_u64(),
        doc.path.replace('/', "-"),
        entity.path,
        doc.path.replace('/', "-"),
        entity.path,
        entity.path,
        source.path,
    )
}

/// Writes a workspace of `count` documents under `root` (which must not exist or be empty)
/// and returns the number of bytes written.
pub fn generate(root: &Path, count: usize, seed: u64) -> std::io::Result<u64> {
    let mut rng = Rng::new(seed);
    let docs = plan(count, &mut rng);
    let markdown_docs: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].path.ends_with(".md")).collect();
    let mut written = 0u64;
    for doc in &docs {
        let text = if doc.path.ends_with(".md") {
            markdown(doc, &docs, &markdown_docs, &mut rng)
        } else {
            provenance(doc, &docs, &markdown_docs, &mut rng)
        };
        let path = root.join(&doc.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, &text)?;
        written += text.len() as u64;
    }
    Ok(written)
}

/// One large document of about `bytes` bytes, for keystroke benchmarks.
pub fn large_document(bytes: usize, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::from("# ADR-999: A very long decision record\n\n**Status**: Proposed\n\n");
    let mut section = 0;
    while out.len() < bytes {
        writeln!(out, "## Section {section}\n").unwrap();
        for _ in 0..6 {
            sentence(&mut rng, &mut out);
        }
        writeln!(out, "See @.aiwg/architecture/decisions/ADR-001-missing.md and `code {section}`.\n").unwrap();
        section += 1;
    }
    out
}
