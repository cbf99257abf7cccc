//! Back-channel logout tokens: the docs' "Validate your logout token" checks.
//!
//! One Login signs logout tokens with ES256 even for clients whose ID tokens are RS256, so
//! only ES256 is accepted. The docs' last step, refusing a `jti` seen in the last three
//! minutes, needs state this crate does not keep: the verified `jti` is returned for the
//! caller's replay cache.

use super::environment::Environment;
use super::expected::{expected_from_options, required_string, Expected};
use crate::alg::{Algorithm, Algorithms};
use crate::checks::{fail_fast, CheckId, Run};
use crate::claims::{self};
use crate::error::{quoted, Error, Reason, Result};
use crate::jwk::KeySet;
use crate::jws::KeyInput;
use crate::jwt::{self};
use crate::limits;
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

expected_from_options!(LogoutOptions);

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
    /// The payload exactly as signed and validated (strict JSON, UTF-8), for hosts that parse
    /// it themselves.
    pub payload_json: String,
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
    let rules = Rules {
        expected: options.expected()?,
    };
    fail_fast(|run| steps(run, token, KeyInput::Keys(keys), &rules))
}

/// What a logout token is checked against (`None`: an input an inspection was not given).
#[derive(Debug, Clone)]
pub(crate) struct Rules<'a> {
    pub(crate) expected: Expected<'a>,
}

/// The logout token checks: the core's signature and claim checks (ES256 only), then `typ`,
/// `sub`, `jti`, `events`, no `nonce`, and `sid`'s type. Returns the claims only when every
/// check ran and passed.
///
/// # Errors
/// The first failure, when `run` fails fast.
pub(crate) fn steps(
    run: &mut Run,
    token: &str,
    keys: KeyInput<'_>,
    rules: &Rules<'_>,
) -> Result<Option<LogoutTokenClaims>> {
    let verify_options = rules
        .expected
        .verify_options(Algorithms::only(Algorithm::Es256), &REQUIRED_CLAIMS);
    let checked = jwt::steps(run, token, keys, &verify_options)?;
    run.check_with(CheckId::Typ, checked.header.as_ref(), |h| {
        match h.typ.as_deref() {
            Some(typ) if !is_logout_typ(typ) => Err(Error::claim_with_message(
                "typ",
                Reason::CheckFailed,
                "unexpected \"typ\" JWT header value: expected logout+jwt",
            )),
            _ => Ok(()),
        }
    })?;
    let c = checked.claims.as_ref();
    let sub = run.check_with(CheckId::Sub, c, |c| required_string(c, "sub"))?;
    let jti = run.check_with(CheckId::Jti, c, |c| {
        let jti = required_string(c, "jti")?;
        if jti.is_empty() {
            return Err(Error::claim("jti", Reason::Invalid));
        }
        // Refused here, as a claim, before a replay store is asked (the stores refuse longer
        // ones with a TypeError of their own).
        if jti.chars().count() > limits::MAX_JTI_LENGTH {
            return Err(Error::claim_with_message(
                "jti",
                Reason::Invalid,
                format!(
                    "\"jti\" claim is longer than {} characters",
                    limits::MAX_JTI_LENGTH
                ),
            ));
        }
        Ok(jti)
    })?;
    run.check_with(CheckId::Events, c, check_events)?;
    // OIDC Back-Channel Logout §2.4: a nonce would let a logout token pass as an ID token.
    run.check_with(CheckId::NoNonce, c, |c| {
        if c.contains_key("nonce") {
            return Err(Error::claim_with_message(
                "nonce",
                Reason::CheckFailed,
                "a logout token must not contain a \"nonce\" claim",
            ));
        }
        Ok(())
    })?;
    run.check_with(CheckId::NoIdTokenClaims, c, check_no_id_token_claims)?;
    run.check_with(CheckId::Lifetime, c, check_lifetime)?;
    let sid = run.check_with(CheckId::Sid, c, |c| claims::string_claim(c, "sid"))?;

    let (Some(_key), Some(c), Some(sub), Some(jti), Some(sid)) = (checked.key, c, sub, jti, sid)
    else {
        return Ok(None);
    };
    let verified = LogoutTokenClaims {
        sub: sub.to_owned(),
        jti: jti.to_owned(),
        sid: sid.map(str::to_owned),
        exp: claims::numeric_claim(c, "exp")
            .ok()
            .flatten()
            .unwrap_or_default(),
        claims: Map::new(),
        payload_json: String::new(),
    };
    // The claims map is moved in last, once nothing borrows from it.
    let Some(payload_json) = checked.payload_json else {
        return Ok(None);
    };
    Ok(checked.claims.map(|claims| LogoutTokenClaims {
        claims,
        payload_json,
        ..verified
    }))
}

// `typ` is a media type: case-insensitive, and `application/` may be left out (RFC 7515
// §4.1.9). One Login sends exactly `logout+jwt`.
pub(crate) fn is_logout_typ(typ: &str) -> bool {
    let lower = typ.to_ascii_lowercase();
    lower.strip_prefix("application/").unwrap_or(&lower) == "logout+jwt"
}

/// Claims defined only for ID tokens, each of which an ID-token verifier relies on: `auth_time`
/// (OIDC Core §2, checked against `max_age`), `at_hash` and `c_hash` (OIDC Core §3.1.3.6 and
/// §3.3.2.11, binding an access token or code to the ID token), and One Login's `vot` and `vtm`
/// (the level of confidence and its trustmark). OIDC Back-Channel Logout §2.4 lists a logout
/// token's claims (`iss`, `sub`, `aud`, `iat`, `exp`, `jti`, `events`, `sid`) and forbids
/// `nonce` (checked on its own, [`CheckId::NoNonce`]) so that one cannot pass as an ID token;
/// One Login's logout tokens carry none of these either. A token carrying one was made to pass
/// as an ID token, and is refused. (`acr`/`amr` are left alone: other JWTs use them too.)
pub const ID_TOKEN_ONLY_CLAIMS: [&str; 5] = ["vot", "vtm", "at_hash", "c_hash", "auth_time"];

fn check_no_id_token_claims(c: &Map<String, Value>) -> Result<()> {
    match ID_TOKEN_ONLY_CLAIMS
        .iter()
        .find(|name| c.contains_key(**name))
    {
        Some(name) => Err(Error::claim_with_message(
            *name,
            Reason::CheckFailed,
            format!(
                "a logout token must not contain an {} claim (it belongs to ID tokens)",
                quoted(name)
            ),
        )),
        None => Ok(()),
    }
}

/// `exp − iat` at most [`limits::MAX_LOGOUT_TOKEN_LIFETIME`]: since `iat` may not be in the
/// future (beyond the clock tolerance), `exp` is then at most that far ahead, and the replay
/// store, which remembers a `jti` until `exp` plus the tolerance
/// ([`super::back_channel::replay_ttl_seconds`]), covers the whole time the token is accepted.
/// A token claiming to live longer (ten years, say) would be accepted again once the store
/// forgot it. The core has checked that both are numbers.
fn check_lifetime(c: &Map<String, Value>) -> Result<()> {
    let exp = claims::numeric_claim(c, "exp")?;
    let iat = claims::numeric_claim(c, "iat")?;
    let (Some(exp), Some(iat)) = (exp, iat) else {
        return Err(Error::claim("exp", Reason::Missing));
    };
    // Only a difference that is a number within the bound passes (NaN is refused too).
    let within = (exp - iat)
        .partial_cmp(&(limits::MAX_LOGOUT_TOKEN_LIFETIME as f64))
        .is_some_and(|order| order.is_le());
    if !within {
        return Err(Error::claim_with_message(
            "exp",
            Reason::CheckFailed,
            format!(
                "\"exp\" claim is more than {} seconds after \"iat\": a logout token must be short-lived (the replay window covers {} seconds)",
                limits::MAX_LOGOUT_TOKEN_LIFETIME,
                limits::MAX_LOGOUT_TOKEN_LIFETIME
            ),
        ));
    }
    Ok(())
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
