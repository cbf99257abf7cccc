#!/usr/bin/env bash
# The package with the test-only exports (`--features test-exports`, e.g. __verifySignatureForTests)
# in tests/artifacts/pkg-test/: the installed package's files with its wasm/ rebuilt from that
# feature set by scripts/build.sh, in its own target dir (node.mjs imports wasm/bytes.js from there).
# The released .wasm never has these exports; only the JS tests load this copy. Needs `make build` and `scripts/pack.sh tests` first.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SRC=tests/node_modules/govuk-one-login-tokens
OUT=tests/artifacts/pkg-test

rm -rf "$OUT"
mkdir -p "$OUT"
cp -r "$SRC"/. "$OUT"/
rm -rf "$OUT/wasm"
# wasm-opt -O0: this copy is only run by tests/js/wycheproof-node.test.mjs (its signatures are
# answered by Node), so the 16 s of -O3 buy it nothing.
CARGO_TARGET_DIR="$ROOT/target/test-exports" WASM_FEATURES=test-exports,flow WASM_OUT="$OUT/wasm" WASM_ONLY=1 \
    WASM_OPT_FLAGS=-O0 bash scripts/build.sh
echo "test variant -> $OUT"
