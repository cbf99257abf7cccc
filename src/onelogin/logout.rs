//! Back-channel logout tokens: the docs' "Validate your logout token" checks.
//!
//! One Login signs logout tokens with ES256 even for clients whose ID tokens are RS256, so
//! only ES256 is accepted. The docs' last step, refusing a `jti` seen in the last three
//! minutes, needs state this crate does not keep: the verified `jti` is returned for the
//! caller's replay cache.

use super::environment::Environment;
use super::{non_empty, required_string};
use crate::alg::{Algorithm, Algorithms};
use crate::claims::{self};
use crate::error::{Error, Reason, Result};
use crate::jwk::KeySet;
use crate::jwt::{self};
use serde_json::{Map, Value};

/// The event a back-channel logout token must carry.
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// The claims every logout token must have.
pub const REQUIRED_CLAIMS: [&str; 7] = ["iss", "aud", "iat", "exp", "sub", "jti", "events"];

/// How long the docs say to remember a logout token's `jti`, in seconds.
pub const JTI_REPLAY_WINDOW: u64 = 180;

/// What a logout token must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct LogoutOptions {
    /// The OIDC issuer, e.g. [`Environment::issuer`].
    pub issuer: String,
    /// Your client ID.
    pub client_id: String,
    /// The current time, Unix seconds.
    pub now: f64,
    /// Allowed clock skew in seconds.
    pub clock_tolerance: f64,
}

impl LogoutOptions {
    /// Options for `environment` with the default clock tolerance.
    pub fn new(environment: &Environment, client_id: &str, now: f64) -> Self {
        LogoutOptions {
            issuer: environment.issuer().to_owned(),
            client_id: client_id.to_owned(),
            now,
            clock_tolerance: claims::DEFAULT_CLOCK_TOLERANCE,
        }
    }
}

/// A verified logout token.
#[derive(Debug, Clone, PartialEq)]
pub struct LogoutTokenClaims {
    /// The user whose sessions to end.
    pub sub: String,
    /// The token's unique id: refuse it if seen within [`JTI_REPLAY_WINDOW`].
    pub jti: String,
    /// `sid`, if present (One Login does not send it).
    pub sid: Option<String>,
    /// `exp`: how long the `jti` needs remembering at most.
    pub exp: f64,
    /// Every claim.
    pub claims: Map<String, Value>,
}

/// Verify a back-channel logout token.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for unusable options; `ERR_JOSE_ALG_NOT_ALLOWED` for anything but
/// ES256; the core's key and signature errors; `ERR_JWT_EXPIRED`;
/// `ERR_JWT_CLAIM_VALIDATION_FAILED` naming `typ` (a header `typ` other than `logout+jwt`),
/// `iss`, `aud`, `iat`, `sub`, `jti`, `events` or `nonce` (which must be absent).
pub fn verify_logout_token(
    token: &str,
    keys: &KeySet,
    options: &LogoutOptions,
) -> Result<LogoutTokenClaims> {
    non_empty("issuer", &options.issuer)?;
    non_empty("clientId", &options.client_id)?;
    let verify_options = super::token_verify_options(
        Algorithms::only(Algorithm::Es256),
        &options.issuer,
        &options.client_id,
        &REQUIRED_CLAIMS,
        options.now,
        options.clock_tolerance,
    );
    let verified = jwt::verify(token, keys, &verify_options)?;
    if let Some(typ) = verified.header.typ.as_deref() {
        if !is_logout_typ(typ) {
            return Err(Error::claim_with_message(
                "typ",
                Reason::CheckFailed,
                "unexpected \"typ\" JWT header value: expected logout+jwt",
            ));
        }
    }
    let c = &verified.claims;
    let sub = required_string(c, "sub")?.to_owned();
    let jti = required_string(c, "jti")?.to_owned();
    if jti.is_empty() {
        return Err(Error::claim("jti", Reason::Invalid));
    }
    check_events(c)?;
    // OIDC Back-Channel Logout §2.4: a nonce would let a logout token pass as an ID token.
    if c.contains_key("nonce") {
        return Err(Error::claim_with_message(
            "nonce",
            Reason::CheckFailed,
            "a logout token must not contain a \"nonce\" claim",
        ));
    }
    let sid = claims::string_claim(c, "sid")?.map(str::to_owned);
    let exp = claims::numeric_claim(c, "exp")?.unwrap_or_default();
    Ok(LogoutTokenClaims {
        sub,
        jti,
        sid,
        exp,
        claims: verified.claims,
    })
}

// `typ` is a media type: case-insensitive, and `application/` may be left out (RFC 7515
// §4.1.9). One Login sends exactly `logout+jwt`.
fn is_logout_typ(typ: &str) -> bool {
    let lower = typ.to_ascii_lowercase();
    lower.strip_prefix("application/").unwrap_or(&lower) == "logout+jwt"
}

fn check_events(c: &Map<String, Value>) -> Result<()> {
    let Some(Value::Object(events)) = c.get("events") else {
        return Err(Error::claim_with_message(
            "events",
            Reason::Invalid,
            "\"events\" claim must be a JSON object",
        ));
    };
    let only_logout = events.len() == 1
        && matches!(events.get(BACKCHANNEL_LOGOUT_EVENT), Some(Value::Object(e)) if e.is_empty());
    if !only_logout {
        return Err(Error::claim_with_message(
            "events",
            Reason::CheckFailed,
            "\"events\" claim must hold exactly the back-channel logout event with an empty object",
        ));
    }
    Ok(())
}
