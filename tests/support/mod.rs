//! Shared helpers for integration tests and benchmarks: access to the real aiwg corpus and to
//! the eight provider deployments (the tarballs in `../shared/corpus`), extracted once into
//! `target/corpus/aiwg-head` and `target/corpus/deploy` for all test and bench binaries, and ([`lsp`]) a JSON-RPC client for the server binary.

// Each integration test binary compiles this module and uses only some of its helpers.
#![allow(dead_code)]

pub mod framing_property;
pub mod lsp;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Overrides the tarball location, for checkouts where `../shared` is elsewhere.
pub const CORPUS_TARBALL_ENV: &str = "AIWG_CORPUS_TARBALL";

/// Written last into a finished extraction; its content is the tarball's size, so that a
/// half-extracted tree or one from a different tarball is extracted again.
const MARKER: &str = ".aiwg-corpus-extracted";

/// The tarball: `$AIWG_CORPUS_TARBALL`, or `shared/corpus/aiwg-head-docs.tar.gz` beside the
/// repository.
pub fn corpus_tarball() -> PathBuf {
    match std::env::var_os(CORPUS_TARBALL_ENV) {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/aiwg-head-docs.tar.gz"),
    }
}

/// Overrides the deployments tarball location.
pub const DEPLOYMENTS_TARBALL_ENV: &str = "AIWG_DEPLOYMENTS_TARBALL";

/// The eight provider projects made by aiwg's own CLI: `$AIWG_DEPLOYMENTS_TARBALL`, or
/// `shared/corpus/aiwg-deployments.tar.gz` beside the repository.
pub fn deployments_tarball() -> PathBuf {
    match std::env::var_os(DEPLOYMENTS_TARBALL_ENV) {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/aiwg-deployments.tar.gz"),
    }
}

/// The extracted deployments, one folder per provider (`claude`, `copilot`, …). Panics when the
/// tarball is missing, like [`corpus_dir`].
pub fn deployments_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| extract(&deployments_tarball(), DEPLOYMENTS_TARBALL_ENV, "deploy")).clone()
}

/// The extracted corpus root. Panics, naming the expected path, when the tarball is missing:
/// a test that needs the corpus must fail loudly rather than pass without it.
pub fn corpus_dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| extract(&corpus_tarball(), CORPUS_TARBALL_ENV, "aiwg-head")).clone()
}

/// Every `.md` file of the corpus, sorted so that failures are reported in a stable order.
pub fn corpus_markdown_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect_files(&corpus_dir(), "md", &mut files);
    files.sort();
    files
}

fn collect_files(dir: &Path, extension: &str, files: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    for entry in entries {
        let path = entry.expect("readable directory entry").path();
        if path.is_dir() {
            collect_files(&path, extension, files);
        } else if path.extension().is_some_and(|ext| ext == extension) {
            files.push(path);
        }
    }
}

/// Extracts `tarball` once into `target/corpus/<name>`.
fn extract(tarball: &Path, env: &str, name: &str) -> PathBuf {
    let Ok(metadata) = fs::metadata(tarball) else {
        panic!(
            "the tarball {name} is extracted from is missing: expected {} (set {env} to its path)",
            tarball.display()
        );
    };
    let stamp = metadata.len().to_string();
    // Integration tests get CARGO_TARGET_TMPDIR = <target>/tmp; the corpus lives beside it.
    let corpus_root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../corpus");
    let destination = corpus_root.join(name);
    let is_complete = |dir: &Path| fs::read_to_string(dir.join(MARKER)).is_ok_and(|found| found == stamp);
    if is_complete(&destination) {
        return destination;
    }
    fs::create_dir_all(&corpus_root).expect("cannot create target/corpus");
    // Extract into a private directory and rename it into place, so that test binaries running
    // in parallel never see a partial tree: rename onto a non-empty directory fails, and the
    // loser of the race discards its copy.
    let staging = corpus_root.join(format!(".{name}.{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let file = fs::File::open(tarball).unwrap_or_else(|error| panic!("cannot open {}: {error}", tarball.display()));
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(&staging)
        .unwrap_or_else(|error| panic!("cannot extract {}: {error}", tarball.display()));
    fs::write(staging.join(MARKER), &stamp).expect("cannot write the extraction marker");
    for _ in 0..10 {
        if fs::rename(&staging, &destination).is_ok() {
            return destination;
        }
        if is_complete(&destination) {
            let _ = fs::remove_dir_all(&staging);
            return destination;
        }
        // A stale or foreign tree: move it aside atomically before deleting it, so that another
        // process never deletes a tree that was just renamed into place.
        let discarded = corpus_root.join(format!(".{name}.stale.{}", std::process::id()));
        if fs::rename(&destination, &discarded).is_ok() {
            let _ = fs::remove_dir_all(&discarded);
        }
    }
    panic!("cannot move the extracted corpus into {}", destination.display());
}
