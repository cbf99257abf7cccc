//! Decoding without verification. Nothing a function here returns can be trusted: use it to
//! display or debug a token, never to decide anything about a user.
//!
//! ```
//! let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2ln";
//! let decoded = govuk_one_login_tokens::dangerous::decode(token, 65536)?;
//! assert_eq!(decoded.claims["sub"], "user"); // unverified
//! # Ok::<(), govuk_one_login_tokens::Error>(())
//! ```

use crate::base64url;
use crate::error::{Error, Result};
use crate::jws::{self, Header};
use crate::jwt::decode_payload;
use serde_json::{Map, Value};

/// A JWT decoded **without any verification**. Nothing in it can be trusted.
#[derive(Debug, Clone)]
pub struct UnverifiedJwt {
    /// The header.
    pub header: Header,
    /// The claims.
    pub claims: Map<String, Value>,
    /// The payload JSON text.
    pub payload_json: String,
    /// The signature segment as it appeared (base64url, validated as such).
    pub signature: String,
}

impl UnverifiedJwt {
    /// `{"header":…,"payload":…,"signature":…}` as JSON text, the payload exactly as it was
    /// (member order kept).
    pub fn to_json(&self) -> String {
        let header = serde_json::to_string(&self.header.members).unwrap_or_else(|_| "{}".into());
        // The signature segment is validated base64url: no character needs escaping.
        format!(
            "{{\"header\":{header},\"payload\":{},\"signature\":\"{}\"}}",
            self.payload_json, self.signature
        )
    }
}

/// Decode a JWT without verifying it, for inspectors and debugging. Strict about form (the
/// same size cap, base64url, JSON and segment rules as verification) but checks no
/// signature and no claim.
///
/// # Errors
/// `ERR_JWS_INVALID` or `ERR_JWT_INVALID` for malformed input.
pub fn decode(token: &str, max_token_size: usize) -> Result<UnverifiedJwt> {
    let parts = jws::split(token, max_token_size)?;
    let header = jws::decode_header(parts.header)?;
    base64url::decode(parts.signature)
        .map_err(|_| Error::jws("Failed to base64url decode the signature"))?;
    let (claims, payload_json) = decode_payload(parts.payload)?;
    Ok(UnverifiedJwt {
        header,
        claims,
        payload_json,
        signature: parts.signature.to_owned(),
    })
}
