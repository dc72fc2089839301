//! Helpers shared by the benchmarks: the workspace generator, generated workspaces cached under
//! `target/bench/` (reused while their count and seed match), and timing statistics.

// Each bench binary uses only some of these helpers.
#![allow(dead_code)]

pub mod generate;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The seed of every generated benchmark workspace, so that figures compare across runs.
pub const SEED: u64 = 0x00A1_96B3;

/// `target/bench`, beside the corpus extraction (`CARGO_TARGET_TMPDIR` is `<target>/tmp`).
pub fn bench_dir() -> PathBuf {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("..");
    target.canonicalize().unwrap_or(target).join("bench")
}

/// A generated workspace of `count` documents at `target/bench/ws-<count>`, written only when
/// it is missing or was written with another count or seed.
pub fn generated_workspace(count: usize) -> PathBuf {
    let dir = bench_dir().join(format!("ws-{count}"));
    ensure_generated(&dir, count, SEED);
    dir.canonicalize().expect("the generated workspace exists")
}

/// A workspace of `count` documents from the second, independent generator
/// (`../shared/tools/gencorpus.py`, seed 7) at `target/bench/gc-<count>`, written only when it is
/// missing or was written with another count. Its shape differs from ours: about 11 KB and 19
/// references per document, `@` decoys in fences, W3C-PROV records.
pub fn second_generator_workspace(count: usize) -> PathBuf {
    let tool = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/gencorpus.py");
    assert!(tool.is_file(), "{} is missing: the benchmarks need ../shared beside the clone", tool.display());
    let dir = bench_dir().join(format!("gc-{count}"));
    let marker = dir.with_extension("generated");
    let stamp = format!("gencorpus count={count} seed=7\n");
    if !(dir.is_dir() && std::fs::read_to_string(&marker).is_ok_and(|m| m == stamp)) {
        let _ = std::fs::remove_file(&marker);
        let _ = std::fs::remove_dir_all(&dir);
        let started = Instant::now();
        let status = std::process::Command::new("python3")
            .arg(&tool)
            .args([
                "--out".as_ref(),
                dir.as_os_str(),
                "--docs".as_ref(),
                count.to_string().as_ref(),
                "--seed".as_ref(),
                "7".as_ref(),
            ])
            .stdout(std::process::Stdio::null())
            .status()
            .expect("python3 runs gencorpus.py");
        assert!(status.success(), "gencorpus.py failed: {status}");
        eprintln!(
            "gencorpus.py wrote {count} documents in {} in {:.1} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
        std::fs::write(&marker, stamp).expect("cannot write the generation marker");
    }
    dir.canonicalize().expect("the generated workspace exists")
}

/// Writes the workspace at `dir` unless the marker beside it says it holds `count` documents
/// from `seed`. The marker is written last and lives outside the workspace, so an interrupted
/// generation is redone and the marker is never indexed.
pub fn ensure_generated(dir: &Path, count: usize, seed: u64) {
    let marker = dir.with_extension("generated");
    let stamp = format!("count={count} seed={seed}\n");
    if dir.is_dir() && std::fs::read_to_string(&marker).is_ok_and(|m| m == stamp) {
        return;
    }
    let _ = std::fs::remove_file(&marker);
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("cannot create the workspace folder");
    let started = Instant::now();
    let bytes = generate::generate(dir, count, seed).expect("cannot write the generated workspace");
    // An `.aiwg/` folder makes it a project root, as in a real aiwg project.
    std::fs::create_dir_all(dir.join(".aiwg")).expect("cannot create .aiwg");
    eprintln!(
        "generated {count} documents ({:.1} MB) in {} in {:.1} s",
        bytes as f64 / 1e6,
        dir.display(),
        started.elapsed().as_secs_f64()
    );
    std::fs::write(&marker, stamp).expect("cannot write the generation marker");
}

/// Durations of repeated runs, summarised by percentiles.
#[derive(Clone, Debug, Default)]
pub struct Samples(pub Vec<Duration>);

impl Samples {
    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    /// The `p`-th percentile (nearest rank), in milliseconds.
    pub fn pct_ms(&self, p: f64) -> f64 {
        if self.0.is_empty() {
            return f64::NAN;
        }
        let mut sorted = self.0.clone();
        sorted.sort();
        let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize - 1;
        sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1e3
    }

    pub fn median_ms(&self) -> f64 {
        self.pct_ms(50.0)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }
}

/// Runs `f` `warmup` times untimed, then `runs` times timed.
pub fn time_runs(warmup: usize, runs: usize, mut f: impl FnMut()) -> Samples {
    for _ in 0..warmup {
        f();
    }
    let mut samples = Samples::default();
    for _ in 0..runs {
        let started = Instant::now();
        f();
        samples.push(started.elapsed());
    }
    samples
}

/// Whether cargo asked for a benchmark run: `cargo bench` passes `--bench`, while `cargo test
/// --benches` does not, and then the binaries only check that they start.
pub fn is_bench_run(args: &[String]) -> bool {
    args.iter().any(|a| a == "--bench")
}
