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
use crate::jwt::{check_payload, decode_payload};
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

/// [`decode`]'s result as `{"header":…,"payload":…,"signature":…}` JSON text, with the same
/// checks, without building the claims: the header and payload appear exactly as signed, which
/// a strict parse has shown to be the same JSON values (no duplicate members, no lone
/// surrogates), so a host's `JSON.parse` reads what [`decode`] would have returned.
///
/// # Errors
/// As [`decode`].
pub fn decode_to_json(token: &str, max_token_size: usize) -> Result<String> {
    let parts = jws::split(token, max_token_size)?;
    let (_, header) = jws::decode_header_with_text(parts.header)?;
    base64url::decode(parts.signature)
        .map_err(|_| Error::jws("Failed to base64url decode the signature"))?;
    let payload = check_payload(parts.payload)?;
    // The signature segment is validated base64url: no character needs escaping.
    Ok(format!(
        "{{\"header\":{header},\"payload\":{payload},\"signature\":\"{}\"}}",
        parts.signature
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base64url;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn token(header: &str, payload: &str) -> String {
        format!(
            "{}.{}.c2ln",
            base64url::encode(header.as_bytes()),
            base64url::encode(payload.as_bytes())
        )
    }

    /// The JSON fast path and the full decode agree: the same value, or the same error.
    #[test]
    fn decode_to_json_agrees_with_decode() {
        let cases = [
            token(
                r#"{"alg":"ES256","kid":"k"}"#,
                r#"{"sub":"u","n":[1,2.5,{"x":null}]}"#,
            ),
            token(r#" {"alg":"RS256"} "#, r#" {"a":"\u00e9\ud83d\ude00"} "#),
            token(r#"{"alg":"ES256"}"#, r#"{"a":1,"a":2}"#),
            token(r#"{"alg":"ES256","alg":"none"}"#, "{}"),
            token(r#"{"alg":7}"#, "{}"),
            token(r#"{"alg":"ES256"}"#, "[]"),
            token(r#"{"alg":"ES256"}"#, r#"{"a":"\ud800"}"#),
            token(r#"{"alg":"ES256"}"#, r#"{"exp":1e999}"#),
            "a.b".to_owned(),
            "e30.e30.!!".to_owned(),
        ];
        for case in &cases {
            let fast = decode_to_json(case, 65536);
            let full = decode(case, 65536);
            match (fast, full) {
                (Ok(text), Ok(full)) => {
                    let fast: serde_json::Value =
                        serde_json::from_str(&text).unwrap_or_else(|e| unreachable!("{case}: {e}"));
                    let full: serde_json::Value = serde_json::from_str(&full.to_json())
                        .unwrap_or_else(|e| unreachable!("{case}: {e}"));
                    assert_eq!(fast, full, "{case}");
                }
                (Err(a), Err(b)) => {
                    assert_eq!((a.code(), a.message()), (b.code(), b.message()), "{case}");
                }
                (a, b) => unreachable!("{case}: fast {a:?}, full {:?}", b.map(|d| d.to_json())),
            }
        }
    }
}
