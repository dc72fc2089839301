//! Drafting a section with an aiwg agent, the pure half: which sections can be drafted and
//! where their body lies ([`sections`]), which agent writes which artifact and where its
//! definition is ([`roster`]), the prompt sent to it ([`prompt`]), the built-in offline drafter
//! ([`drafter`]), and the edit and provenance record a draft becomes ([`apply`]). Running a
//! program is the edges' (`exec/`, called from `lsp/` and `cli/`); nothing here does I/O: file
//! contents come in through a reader the edge supplies.

pub mod apply;
pub mod backend;
pub mod drafter;
pub mod prompt;
pub mod roster;
pub mod sections;

pub use apply::{AppliedDraft, DraftOrigin, DraftTimes, apply_draft};
pub use drafter::{OfflineDraft, offline_draft};
pub use prompt::{Prompt, build_prompt};
pub use roster::{AgentChoice, choose_agent};
pub use sections::{DraftSection, draftable_sections, find_section, offers_at};

use crate::analysis::FilePath;

/// Reads a file of the snapshot's trees (workspace or aiwg root), `None` when it cannot.
pub type Reader<'a> = &'a dyn Fn(&FilePath) -> Option<String>;
