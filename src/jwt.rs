//! JWTs (RFC 7519): verification of signature and claims together, and a clearly separate
//! decode-without-verification for inspectors.

use crate::alg::{Algorithm, Algorithms};
use crate::base64url;
use crate::checks::{finish, CheckId, Run};
use crate::claims::{self, ClaimRules};
use crate::error::{Error, ErrorCode, Result};
use crate::json;
use crate::jwk::{Jwk, KeySet};
use crate::jws::{self, Header, JwsOptions, KeyInput};
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
    let mut run = Run::fail_fast();
    let checked = steps(&mut run, token, KeyInput::Keys(keys), options)?;
    Ok(VerifiedJwt {
        header: finish(checked.header)?,
        alg: finish(checked.alg)?,
        key: finish(checked.key)?,
        claims: finish(checked.claims)?,
        payload_json: finish(checked.payload_json)?,
    })
}

/// What the JWT steps found; each part is `None` when its check failed or was skipped.
#[derive(Debug)]
pub(crate) struct Checked<'k> {
    pub(crate) header: Option<Header>,
    pub(crate) alg: Option<Algorithm>,
    /// The key that verified the signature.
    pub(crate) key: Option<&'k Jwk>,
    pub(crate) claims: Option<Map<String, Value>>,
    pub(crate) payload_json: Option<String>,
}

/// The JWT checks in order: the JWS steps, the payload, then the registered claims. The
/// options' `now` and tolerance must have been checked already.
///
/// # Errors
/// The first failure, when `run` fails fast.
pub(crate) fn steps<'k>(
    run: &mut Run,
    token: &str,
    keys: KeyInput<'k>,
    options: &VerifyOptions,
) -> Result<Checked<'k>> {
    let jws_options = JwsOptions {
        algorithms: options.algorithms,
        max_token_size: options.max_token_size,
        require_kid: options.require_kid,
    };
    let checked = jws::steps(run, token, keys, &jws_options)?;
    let payload = run.check_with(CheckId::Format, checked.parts, |p| {
        decode_payload(p.payload)
    })?;
    let (claims, payload_json) = payload.unzip();
    claims::steps(run, claims.as_ref(), &options.claims)?;
    Ok(Checked {
        header: checked.header,
        alg: checked.alg,
        key: checked.key,
        claims,
        payload_json,
    })
}

pub(crate) fn decode_payload(segment: &str) -> Result<(Map<String, Value>, String)> {
    let text = payload_text(segment)?;
    let claims = json::parse_object(&text).map_err(claims_set_error)?;
    Ok((claims, text))
}

/// The payload's text after the same checks as [`decode_payload`], without building the claims.
pub(crate) fn check_payload(segment: &str) -> Result<String> {
    let text = payload_text(segment)?;
    json::check_object(&text).map_err(claims_set_error)?;
    Ok(text)
}

fn payload_text(segment: &str) -> Result<String> {
    let bytes = base64url::decode(segment)
        .map_err(|_| Error::jws("Failed to base64url decode the payload"))?;
    String::from_utf8(bytes).map_err(|_| Error::jwt("JWT Claims Set is not valid UTF-8"))
}

fn claims_set_error(e: json::JsonError) -> Error {
    Error::new(
        ErrorCode::JwtInvalid,
        match e {
            json::JsonError::NotAnObject => {
                "JWT Claims Set must be a top-level JSON object".to_owned()
            }
            other => format!("JWT Claims Set is invalid: {other}"),
        },
    )
}
