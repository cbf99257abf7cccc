#!/usr/bin/env bash
# rustfmt check + clippy with warnings as errors, for every feature set the crate is built with:
#   all targets, all features   the tests, examples and benches; flow, js (src/bindings/) and
#                               test-exports together;
#   --lib, no default features  the core alone, as a Rust dependency without the flow;
#   --lib, js                   the browser entry's small module (scripts/build.sh);
#   --lib, js-full without flow the full browser module (the inspector's).
# All four run natively: src/bindings/ compiles for the host too (wasm-bindgen's non-wasm stubs),
# and the crate's only wasm32-only lines are the tests' `use wasm_bindgen_test::wasm_bindgen_test
# as test;`, which the wasm32 test run compiles. Checking the same code again for wasm32 re-checked
# js-sys and the proc macros for a second target: two to four minutes of a fresh `make test` for
# no lint the native runs miss.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets --all-features -- -D warnings"
cargo clippy --quiet --all-targets --all-features -- -D warnings

step "cargo clippy --lib --no-default-features -- -D warnings  (the core without the flow feature)"
cargo clippy --quiet --lib --no-default-features -- -D warnings

step "cargo clippy --lib --no-default-features --features js -- -D warnings  (the browser build's features)"
cargo clippy --quiet --lib --no-default-features --features js -- -D warnings

step "cargo clippy --lib --no-default-features --features js-full -- -D warnings  (the full browser build's features)"
cargo clippy --quiet --lib --no-default-features --features js-full -- -D warnings
