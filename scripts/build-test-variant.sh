#!/usr/bin/env bash
# The package with the test-only exports (`--features test-exports`, e.g. __verifySignatureForTests)
# in tests/artifacts/pkg-test/: the installed package's files with its wasm/ rebuilt from that
# feature set. The released .wasm never has these exports; only the JS tests load this copy.
# Needs `make build` and `scripts/pack.sh tests` first. No wasm-opt: speed does not matter here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SRC=tests/node_modules/govuk-one-login-tokens
OUT=tests/artifacts/pkg-test
CARGO_WASM="${CARGO_TARGET_DIR:-target}/$WASM_TARGET/release/$CRATE_FILE.wasm"

wasm_cargo build --release --lib --features test-exports
rm -rf "$OUT"
mkdir -p "$OUT"
cp -r "$SRC"/. "$OUT"/
rm -rf "$OUT/wasm"
wasm-bindgen --target web --out-dir "$OUT/wasm" --out-name "$CRATE_FILE" "$CARGO_WASM"
echo "test variant -> $OUT"
