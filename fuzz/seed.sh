#!/usr/bin/env bash
# Seeds each fuzz target's corpus (fuzz/corpus/TARGET) from the bundled policies and the test
# inputs. The corpora grow as the fuzzer runs; they are not kept in the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
seed() { # seed TARGET FILE...
  local dir="fuzz/corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do [ -f "$f" ] && cp "$f" "$dir/$(echo "$f" | tr '/' '_')"; done
}
shopt -s nullglob globstar
seed parse_check policies/*.zc tests/fixtures/*.zc tests/stack/*.zc tests/check/**/*.zc tests/eval/**/*.zc
seed fmt_roundtrip policies/*.zc benches/*.zc tests/fixtures/*.zc tests/stack/*.zc tests/check/**/*.zc tests/eval/**/*.zc
seed load_csv tests/**/*.csv policies/*.csv
seed load_toml policies/*.toml tests/**/*.toml
seed load_json tests/**/*.json policies/*.json
seed load_xlsx tests/**/*.xlsx policies/*.xlsx
seed load_parquet tests/**/*.parquet
# eval_data: a first byte choosing the format and subject kind, then the file.
mkdir -p fuzz/corpus/eval_data
for f in policies/zezhou.*.toml; do
  kind=${f#policies/zezhou.}; kind=${kind%.toml}
  case "$kind" in 企业) k=0 ;; 担保业务) k=1 ;; 担保机构) k=2 ;; 县) k=3 ;; *) continue ;; esac
  # selector = 3 * k + 1: TOML, subject kind k in declaration order
  printf "\\$(printf '%03o' $((3 * k + 1)))" | cat - "$f" > "fuzz/corpus/eval_data/zezhou_$kind.toml"
done
