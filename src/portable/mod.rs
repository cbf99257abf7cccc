//! The signature arithmetic of this crate itself (pure Rust, the same natively and in
//! wasm32): what a verification runs when no host backend ([`crate::SignatureBackend`]) is
//! set or the backend declines, as in browsers and edge runtimes.
//!
//! Both verifiers precompute per key what every verification with that key would otherwise
//! recompute: Montgomery constants for RSA, a fixed-base table for P-256.

pub(crate) mod ecdsa;
pub(crate) mod rsa;
