#!/usr/bin/env bash
# rustfmt check + clippy with warnings as errors, natively (all targets, all features) and for
# wasm32 with the `js` feature (the code that only compiles there: src/bindings/, getrandom js); the
# library also without the `flow` feature, as the browser build compiles it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets --all-features -- -D warnings"
cargo clippy --quiet --all-targets --all-features -- -D warnings

step "cargo clippy --lib --no-default-features -- -D warnings  (the core without the flow feature)"
cargo clippy --quiet --lib --no-default-features -- -D warnings

if [ "$WASM_STD_ROUTE" = rustup ]; then
    step "cargo clippy --target $WASM_TARGET --all-targets --features js-full -- -D warnings"
    wasm_cargo clippy --quiet --all-targets --features js-full -- -D warnings
    step "cargo clippy --target $WASM_TARGET --lib --no-default-features --features js -- -D warnings  (the browser build)"
    wasm_cargo clippy --quiet --lib --no-default-features --features js -- -D warnings
    step "cargo clippy --target $WASM_TARGET --lib --no-default-features --features js-full -- -D warnings  (the full browser build)"
    wasm_cargo clippy --quiet --lib --no-default-features --features js-full -- -D warnings
else
    # rustup's clippy cannot lint against Debian's build-std sysroot; native clippy above still ran.
    step "wasm32 clippy skipped: no prebuilt wasm32 std (build-std route)"
fi
