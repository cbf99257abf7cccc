//! The size caps on every input from outside, defined once. The JavaScript wrapper reads them
//! through `limits()` (`src/bindings/lists.rs`) and refuses an oversized input before it is
//! copied into wasm memory (`pkg/limits.js`), since wasm memory grows to hold it and never
//! shrinks; the bindings refuse it again before copying, and the core refuses it by its UTF-8
//! length wherever it is parsed, so a Rust caller (and a fuzzer) meets the same caps.
//!
//! One Login's documents are about 2 KB and its tokens about 1 KB: every cap is far above
//! anything it sends, and far below what would cost a service memory.

use crate::error::{Error, ErrorCode};

/// A token (ID, logout, core identity, access token), in UTF-8 bytes.
pub const MAX_TOKEN_SIZE: usize = 64 * 1024;

/// A back-channel logout request body (`logout_token=<token>`): a token and room for the name
/// and a few other parameters.
pub const MAX_LOGOUT_BODY_SIZE: usize = MAX_TOKEN_SIZE + 1024;

/// An authorization callback (its URL, path and query, or query string): a code, a `state`
/// and One Login's `error_description` need a few hundred bytes.
pub const MAX_CALLBACK_SIZE: usize = 16 * 1024;

/// A JWKS, DID document or discovery document, fetched or passed directly.
pub const MAX_DOCUMENT_SIZE: usize = 256 * 1024;

/// A token endpoint or userinfo response body.
pub const MAX_RESPONSE_SIZE: usize = 64 * 1024;

/// One string member of an options object (the largest legitimate one is a document given
/// inline, as `inspectToken`'s `keys`).
pub const MAX_OPTION_STRING_SIZE: usize = MAX_DOCUMENT_SIZE;

/// A logout token's `jti` (One Login's are UUIDs, 36 characters); the replay stores refuse
/// longer ones too (`pkg/replay-store.js` `MAX_JTI_LENGTH`).
pub const MAX_JTI_LENGTH: usize = 1024;

/// The longest a logout token may claim to live (`exp − iat`), in seconds. One Login issues
/// them for two minutes; with `iat` not in the future, `exp` is then at most this (plus the
/// clock tolerance) ahead, and the replay store remembers every `jti` that long
/// (`back_channel::replay_ttl_seconds`).
pub const MAX_LOGOUT_TOKEN_LIFETIME: u64 = 600;

/// `Err` with `code` when `text` is longer than `cap` bytes.
///
/// # Errors
/// `code`, with a message naming `what` and the cap.
pub fn refuse_oversized(
    text: &str,
    cap: usize,
    code: ErrorCode,
    what: &'static str,
) -> Result<(), Error> {
    if text.len() > cap {
        return Err(too_large(cap, code, what));
    }
    Ok(())
}

/// The refusal of an input over its cap.
pub fn too_large(cap: usize, code: ErrorCode, what: &'static str) -> Error {
    Error::new(code, format!("{what} is larger than {cap} bytes"))
}
