#!/usr/bin/env bash
# Runs each fuzz target for a bounded time, one after the other (one process at a time), from
# a corpus seeded with the bundled policies and test inputs (seed.sh). Works on the stable
# toolchain: cargo-fuzz's instrumentation needs nightly flags, which RUSTC_BOOTSTRAP allows, and
# no sanitizer (the code has no unsafe; panics, aborts, hangs and memory blow-ups are what is
# looked for).
#
#   fuzz/run.sh SECONDS [TARGET...]     default: every target
#
# A crash stops the run with a non-zero status and leaves the input in fuzz/artifacts/TARGET/.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:?seconds per target}; shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_check policy_grammar fmt_roundtrip eval_data load_csv load_xlsx load_toml load_json)
# load_parquet is run by name only: the parquet crate's footer decoder can spend more than the
# 10 s limit per input on a tiny malformed file (SECURITY.md).
./seed.sh
export RUSTC_BOOTSTRAP=1
# One build of every target (building them one by one would build the library each time).
cargo fuzz build --sanitizer none -O
mkdir -p logs
for t in "${targets[@]}"; do
  echo "== fuzz $t for ${secs}s"
  cargo fuzz run --sanitizer none -O "$t" -- \
    -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    >"logs/$t.log" 2>&1 || true
  grep -E '^(Done|stat::number_of_executed_units|stat::average_exec_per_sec)' "logs/$t.log" || true
  if compgen -G "artifacts/$t/*" >/dev/null; then
    tail -n 40 "logs/$t.log" >&2
    echo "fuzz $t: crash input(s) in fuzz/artifacts/$t/" >&2
    exit 1
  fi
done
