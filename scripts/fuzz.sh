#!/usr/bin/env bash
# Fuzz the JOSE core with cargo fuzz (libFuzzer), one target after another.
#
#   scripts/fuzz.sh [seconds-per-target] [target ...]
#
# Targets: decode, jwks, did, verify, and the sign-in flow's parsers: options, callback,
# token_response, userinfo, discovery, logout_body, form (all by default); 60 seconds each by default.
# The seed corpora are regenerated from fixed keys on every run (fuzz/examples/seeds.rs) and
# grow in fuzz/corpus/; both that and fuzz/artifacts/ are git-ignored. A crash stops the run
# with libFuzzer's reproducer path; replay it with
#   RUSTC_BOOTSTRAP=1 cargo fuzz run -O -a <target> fuzz/artifacts/<target>/crash-…
# (for verify: -O -s none --target-dir target/nosan)
set -euo pipefail

seconds="${1:-60}"
shift || true
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=(decode jwks did verify options callback token_response userinfo discovery logout_body form); fi

cd "$(dirname "$0")/../fuzz"

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi

# cargo fuzz passes nightly-only flags (-Z sanitizer, sancov). Only a stable toolchain is
# available here, and RUSTC_BOOTSTRAP lets stable accept them; it changes nothing else.
export RUSTC_BOOTSTRAP=1
# -O: optimised, as a fuzzer should be; -a: debug assertions and overflow checks on, so
# arithmetic mistakes panic instead of wrapping. AddressSanitizer (the default) watches the
# dependencies' unsafe code; the crate itself forbids unsafe.
# `verify` is the exception: under AddressSanitizer one RSA signature (the fixture re-signs
# fuzzed tokens) takes seconds, which made the run time out on its first inputs. It runs
# without a sanitizer or debug assertions, in its own target directory so the two builds do
# not keep rebuilding each other; the parsing it shares with the other targets is covered
# with both by them.
flags_for() {
  case "$1" in
    verify) echo "-O -s none --target-dir target/nosan" ;;
    *) echo "-O -a" ;;
  esac
}

# The parsers with a size cap get inputs long enough to cross it (libFuzzer's default is 4 KiB):
# the callback's 16 KiB, the logout body's 65 KiB (src/limits.rs).
max_len_for() {
  case "$1" in
    callback | form) echo "-max_len=20000" ;;
    logout_body) echo "-max_len=70000" ;;
    *) echo "" ;;
  esac
}

cargo run --quiet --release --example seeds -- corpus

mkdir -p artifacts/logs
status=0
for target in "${targets[@]}"; do
  log="artifacts/logs/${target}.log"
  echo "== ${target}: ${seconds}s (log: fuzz/${log})"
  # One process (no -jobs/-workers): the machine is shared, so be nice as well.
  # shellcheck disable=SC2046 # the flags are words on purpose
  if ! nice -n 10 cargo fuzz run $(flags_for "${target}") "${target}" "corpus/${target}" -- \
      -max_total_time="${seconds}" $(max_len_for "${target}") -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 \
      >"${log}" 2>&1; then
    echo "!! ${target}: libFuzzer reported a failure:"
    grep -E "ERROR|panicked|Test unit written|SUMMARY" "${log}" || tail -n 30 "${log}"
    status=1
    continue
  fi
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "${log}" | grep -Eo '[0-9]+$' || echo '?')
  last=$(grep -E '^#[0-9]+' "${log}" | tail -n 1 || true)
  echo "   ${target}: ${runs} executions; last status: ${last}"
done
exit "${status}"
