#!/usr/bin/env bash
# Coverage-guided fuzzing of aiwg-lsp with libFuzzer, on the stable toolchain.
#
#   scripts/fuzz.sh all SECONDS         every target for SECONDS each, one after another
#   scripts/fuzz.sh TARGET SECONDS      one target
#   scripts/fuzz.sh list                the targets
#
# Corpora grow in target/fuzz/corpus/<target> (seeded from examples/ on the first run) and
# crashes are written to target/fuzz/artifacts/<target>/; the script exits non-zero on a crash.
# It builds fuzz/ with the sanitizer-coverage instrumentation libFuzzer needs, passed through
# RUSTFLAGS with an explicit --target so that build scripts are not instrumented.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(scanner_facts tree_sitter_facts resolver positions provenance framing)
if [ "${1:-}" = list ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
what=${1:?usage: scripts/fuzz.sh all|TARGET|list SECONDS}
seconds=${2:?usage: scripts/fuzz.sh all|TARGET|list SECONDS}

triple=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
export CARGO_TARGET_DIR=target/fuzz/build
cargo build --release --locked --manifest-path fuzz/Cargo.toml --target "$triple" --bins

run() {
  local target=$1 corpus=target/fuzz/corpus/$1 artifacts=target/fuzz/artifacts/$1/
  mkdir -p "$corpus" "$artifacts"
  if [ -z "$(ls -A "$corpus")" ]; then
    case $target in
      positions|scanner_facts|tree_sitter_facts|resolver)
        find examples -name '*.md' -size -32k | head -n 40 | while read -r f; do cp "$f" "$corpus/"; done ;;
      provenance) find examples -name '*.prov.yaml' -exec cp {} "$corpus/" \; ;;
      framing) printf 'Content-Length: 2\r\n\r\n{}' > "$corpus/seed" ;;
    esac
  fi
  echo "== $target for ${seconds}s"
  "$CARGO_TARGET_DIR/$triple/release/$target" "$corpus" -artifact_prefix="$artifacts" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 2>&1 \
    | grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Done)' || true
  # libFuzzer exits non-zero and writes crash-*/timeout-*/oom-* files on a failure.
  if ls "$artifacts" | grep -qE '^(crash|timeout|oom|leak)-'; then
    echo "fuzz: $target found a failure; see $artifacts" >&2
    return 1
  fi
}

if [ "$what" = all ]; then
  for target in "${targets[@]}"; do run "$target"; done
else
  run "$what"
fi
