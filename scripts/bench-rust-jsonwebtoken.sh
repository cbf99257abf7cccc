#!/usr/bin/env bash
# Build benches/rust-jsonwebtoken (the Rust `jsonwebtoken` crate, pure-Rust backend) for wasm32 and
# run wasm-bindgen --target nodejs into target/bench-rust-jsonwebtoken/pkg/. Quick no-op when the
# output is newer than the crate's sources. On failure it writes the reason to
# target/bench-rust-jsonwebtoken/FAILED (the bench prints the row as n/a with it) and exits 0:
# a peer that cannot build here must not stop the rest of `make bench`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

CRATE=benches/rust-jsonwebtoken
OUT=target/bench-rust-jsonwebtoken
JS="$OUT/pkg/bench_rust_jsonwebtoken.js"
mkdir -p "$OUT"
if [ -f "$JS" ] && [ -z "$(find "$CRATE" -newer "$JS" -type f -not -path '*/target/*' | head -1)" ]; then
    echo "rust jsonwebtoken peer: up to date ($JS)"
    exit 0
fi
rm -f "$OUT/FAILED"
echo "rust jsonwebtoken peer: building $CRATE for $WASM_TARGET (log: $OUT/build.log)"
if (cd "$CRATE" && CARGO_TARGET_DIR="$ROOT/$OUT/cargo" wasm_cargo build --release --lib) >"$OUT/build.log" 2>&1 &&
    wasm-bindgen --target nodejs --out-dir "$OUT/pkg" "$OUT/cargo/$WASM_TARGET/release/bench_rust_jsonwebtoken.wasm" >>"$OUT/build.log" 2>&1; then
    # wasm-bindgen --target nodejs writes CommonJS; the repository's package.json says "module".
    echo '{ "type": "commonjs" }' >"$OUT/pkg/package.json"
    echo "rust jsonwebtoken peer: built ($(wc -c <"$OUT/pkg/bench_rust_jsonwebtoken_bg.wasm") bytes of wasm)"
else
    reason="$(grep -m1 -E '^error' "$OUT/build.log" || tail -1 "$OUT/build.log")"
    rm -rf "$OUT/pkg" # never bench a stale build
    echo "$reason" >"$OUT/FAILED"
    echo "rust jsonwebtoken peer: build FAILED: $reason (the bench prints its row as n/a)" >&2
fi
