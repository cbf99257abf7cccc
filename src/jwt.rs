//! JWTs (RFC 7519): verification of signature and claims together, and a clearly separate
//! decode-without-verification for inspectors.

use crate::alg::{Algorithm, Algorithms};
use crate::base64url;
use crate::claims::{self, ClaimRules};
use crate::error::{Error, ErrorCode, Result};
use crate::json;
use crate::jwk::{Jwk, KeySet};
use crate::jws::{self, Header, JwsOptions};
use serde_json::{Map, Value};

/// Options for [`verify`].
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyOptions {
    /// Accepted algorithms (default: ES256 and RS256).
    pub algorithms: Algorithms,
    /// Cap on the token size in bytes, checked before decoding (default 64 KiB).
    pub max_token_size: usize,
    /// Require a header `kid`.
    pub require_kid: bool,
    /// The claim rules.
    pub claims: ClaimRules,
}

impl VerifyOptions {
    /// Defaults at time `now` (Unix seconds).
    pub fn at(now: f64) -> VerifyOptions {
        VerifyOptions {
            algorithms: Algorithms::ALL,
            max_token_size: jws::DEFAULT_MAX_TOKEN_SIZE,
            require_kid: false,
            claims: ClaimRules::at(now),
        }
    }
}

/// A JWT whose signature and claims have been verified.
#[derive(Debug, Clone)]
pub struct VerifiedJwt<'k> {
    /// The protected header.
    pub header: Header,
    /// The algorithm used.
    pub alg: Algorithm,
    /// The key that verified the signature.
    pub key: &'k Jwk,
    /// The claims.
    pub claims: Map<String, Value>,
    /// The payload exactly as signed (UTF-8 JSON text), for hosts that parse it themselves.
    pub payload_json: String,
}

/// Verify a JWT's signature with a key from `keys`, then its claims.
///
/// # Errors
/// Every [`ErrorCode`] of the JWS and claims layers; `ERR_JWT_INVALID` if the payload is not
/// a UTF-8 JSON object.
pub fn verify<'k>(
    token: &str,
    keys: &'k KeySet,
    options: &VerifyOptions,
) -> Result<VerifiedJwt<'k>> {
    // Reject bad arguments before looking at the token, so a caller's mistake is never
    // reported as a token problem.
    claims::check_now(options.claims.now)?;
    claims::check_clock_tolerance(options.claims.clock_tolerance)?;
    let jws_options = JwsOptions {
        algorithms: options.algorithms,
        max_token_size: options.max_token_size,
        require_kid: options.require_kid,
    };
    let verified = jws::verify_compact(token, keys, &jws_options)?;
    let (claims, payload_json) = decode_payload(verified.payload_segment)?;
    claims::validate(&claims, &options.claims)?;
    Ok(VerifiedJwt {
        header: verified.header,
        alg: verified.alg,
        key: verified.key,
        claims,
        payload_json,
    })
}

fn decode_payload(segment: &str) -> Result<(Map<String, Value>, String)> {
    let bytes = base64url::decode(segment)
        .map_err(|_| Error::jws("Failed to base64url decode the payload"))?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::jwt("JWT Claims Set is not valid UTF-8"))?;
    let claims = json::parse_object(&text).map_err(|e| {
        Error::new(
            ErrorCode::JwtInvalid,
            match e {
                json::JsonError::NotAnObject => {
                    "JWT Claims Set must be a top-level JSON object".to_owned()
                }
                other => format!("JWT Claims Set is invalid: {other}"),
            },
        )
    })?;
    Ok((claims, text))
}

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

/// Decode a JWT without verifying it, for inspectors and debugging. Strict about form (the
/// same size cap, base64url, JSON and segment rules as verification) but checks no
/// signature and no claim.
///
/// # Errors
/// `ERR_JWS_INVALID` or `ERR_JWT_INVALID` for malformed input.
pub fn decode_unverified(token: &str, max_token_size: usize) -> Result<UnverifiedJwt> {
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
