#!/usr/bin/env bash
# Build the npm package in pkg/:
#   cargo (wasm32, feature js) -> wasm-bindgen --target web -> npm binaryen wasm-opt -> esbuild CJS entry.
# Outputs (gitignored, never committed): pkg/wasm/ (glue + .wasm), pkg/index.cjs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

# wasm-opt level. Measured 2026-11-21 on this crate (2-core box, Node 20, best-of-3 per run, median
# of 5 runs, RFC 7515 A.3/A.2 tokens with a reused KeySet; µs per verify, raw/gzip -9 bytes):
#   no wasm-opt  ES256 ~1110  RS256 ~640   338,668 / 128,563
#   -O           ES256  1074  RS256  649   273,254 / 111,880
#   -O3          ES256  1059  RS256  650   275,273 / 112,131
#   -Oz          ES256  1096  RS256  653   271,992 / 111,856
# The differences are within noise (the box was shared), but -O3 had the best ES256 median, and verify
# speed matters more to this package than ~2 KB (+0.2 % gzip). Override: WASM_OPT_FLAGS=-O.
WASM_OPT_FLAGS="${WASM_OPT_FLAGS:--O3}"

CARGO_WASM="${CARGO_TARGET_DIR:-target}/$WASM_TARGET/release/$CRATE_FILE.wasm"
OUT=pkg/wasm
GLUE="$OUT/$CRATE_FILE.js"
BG="$OUT/${CRATE_FILE}_bg.wasm"

step "cargo build --release --lib --target $WASM_TARGET --features js  ($WASM_STD_ROUTE route)"
wasm_cargo build --release --lib --features js

# wasm-bindgen + wasm-opt take ~7 s; skip them when their input (cargo's .wasm), the flags and this
# script are exactly what produced pkg/wasm/ last time.
STAMP="$OUT/.inputs"
inputs="$(sha256sum "$CARGO_WASM" "${BASH_SOURCE[0]}" | cut -d' ' -f1 | tr '\n' ' ')$WASM_OPT_FLAGS"
if [ -f "$BG" ] && [ -f "$GLUE" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$inputs" ]; then
    step "wasm-bindgen + wasm-opt: up to date"
else
    step "wasm-bindgen --target web -> $OUT/"
    rm -rf "$OUT"
    wasm-bindgen --target web --out-dir "$OUT" --out-name "$CRATE_FILE" "$CARGO_WASM"
    step "wasm-opt $WASM_OPT_FLAGS (npm binaryen $("$NODE_BIN/wasm-opt" --version | awk '{print $3}'))"
    "$NODE_BIN/wasm-opt" $WASM_OPT_FLAGS "$BG" -o "$BG.opt"
    mv "$BG.opt" "$BG"
    echo "$inputs" >"$STAMP"
fi

# CommonJS entry for require() in Node >= 18: bundles the web glue, errors.js and index.js into one
# file that instantiates the same .wasm synchronously. import.meta.url (only used by the glue's
# async init, which is then a no-op) is mapped to this file's URL.
step "esbuild pkg/src/cjs.js -> pkg/index.cjs"
"$NODE_BIN/esbuild" pkg/src/cjs.js --bundle --format=cjs --platform=node --target=node18 \
    --log-level=warning \
    --define:import.meta.url=__import_meta_url \
    "--banner:js=const __import_meta_url = require('node:url').pathToFileURL(__filename).href;" \
    --outfile=pkg/index.cjs

raw=$(wc -c <"$BG")
gz=$(gzip -9 -c "$BG" | wc -c)
step "done: $BG  raw $raw bytes, gzip -9 $gz bytes"
