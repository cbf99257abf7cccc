//! wasm-bindgen boundary (in progress)
