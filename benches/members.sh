#!/bin/sh
# Members streamed beside a register (issue 18's target: 1,000,000 enterprises with about
# 3,000,000 contracts, grouped by owner, in at most 3 s and 64 MiB on the 2-core machine).
# `gen` writes the register and its members (`--members 3`: 0 to 6 contracts each, 3 on average);
# then `eval --format csv --out` is timed RUNS times, with its peak resident memory.
#
#   sh benches/members.sh [ROWS] [RUNS]
set -eu
rows=${1:-1000000}
runs=${2:-3}
bin=target/release/zhengce
dir=${TMPDIR:-/tmp}/zhengce-members-bench
mkdir -p "$dir"
cargo build --release --quiet
"$bin" gen tests/members/member.zc --kind 企业 --rows "$rows" --members 3 --out "$dir/r.企业.csv"
echo "owners: $(($(wc -l < "$dir/r.企业.csv") - 1)), contracts: $(($(wc -l < "$dir/r.合同.csv") - 1))"
i=0
while [ "$i" -lt "$runs" ]; do
    /usr/bin/time -f "eval: %e s wall, %U s user, %M KB peak" \
        "$bin" eval tests/members/member.zc --data "$dir/r.企业.csv" --format csv \
        --out "$dir/out.csv" 2>&1 >/dev/null | grep '^eval:'
    i=$((i + 1))
done
