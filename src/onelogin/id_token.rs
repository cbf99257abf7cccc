//! ID tokens: the docs' "Validate your ID token" checks, in the docs' order.
//!
//! Signature first (ES256 or RS256, key chosen by `kid` from the caller's JWKS, the header
//! `alg` must fit the key and equal the key's own `alg`), then `iss`, `aud`, `exp` and `iat`
//! (the core's one claims function), then `azp` (OIDC Core's rule for several audiences, which
//! the docs do not mention), `nonce`, `vot`, `auth_time` (with `max_age`) and `at_hash` (with
//! an access token).

use super::environment::Environment;
use super::expected::{expected_from_options, non_empty, required_string, Expected};
use super::vtr::Vtr;
use crate::alg::{Algorithm, Algorithms};
use crate::base64url;
use crate::checks::{fail_fast, CheckId, Input, Run, Skip};
use crate::claims::{self};
use crate::error::{quoted, Error, Reason, Result};
use crate::jwk::KeySet;
use crate::jws::KeyInput;
use crate::jwt::{self};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

/// The claims every One Login ID token has.
pub const REQUIRED_CLAIMS: [&str; 5] = ["iss", "aud", "exp", "iat", "sub"];

/// What to do about `nonce`. There is no default: the docs require a nonce in every
/// authorization request, and a client allowed to omit it (One Login's `PermitMissingNonce`)
/// must say so explicitly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NonceCheck {
    /// The `nonce` sent in the authorization request; the token's must equal it.
    Expected(String),
    /// No `nonce` was sent; a token carrying one is refused, since it belongs to another
    /// request.
    NotRequested,
}

impl NonceCheck {
    /// The rule from the `nonce` option: `null` means none was sent; any string is the nonce.
    pub fn from_nullable(nonce: Option<String>) -> NonceCheck {
        nonce.map_or(NonceCheck::NotRequested, NonceCheck::Expected)
    }

    /// The rule from a `nonce` option that must be given (absent is a mistake, not an opt-out:
    /// the caller says `null` to opt out).
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` (option `nonce`) when absent.
    pub fn from_option(nonce: Option<Option<String>>) -> Result<NonceCheck> {
        nonce.map(NonceCheck::from_nullable).ok_or_else(|| {
            Error::option(
                "nonce",
                "option \"nonce\" is required: pass the nonce you sent, or null if you sent none",
            )
        })
    }
}

/// What an ID token must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct IdTokenOptions {
    /// The OIDC issuer, e.g. [`Environment::issuer`]; compared exactly.
    pub issuer: String,
    /// Your client ID.
    pub client_id: String,
    /// The nonce rule.
    pub nonce: NonceCheck,
    /// The `vtr` you sent, as sent (`["Cl.Cm.P2"]`) or as one vector; `None` means you sent
    /// none, so `vot` must be One Login's default `Cl.Cm`.
    pub vtr: Option<String>,
    /// The `max_age` you sent, in seconds; makes `auth_time` required and checked.
    pub max_age: Option<u64>,
    /// The access token from the same token response; makes `at_hash` required and checked.
    pub access_token: Option<String>,
    /// The current time, Unix seconds.
    pub now: f64,
    /// Allowed clock skew in seconds.
    pub clock_tolerance: f64,
}

expected_from_options!(IdTokenOptions);

impl IdTokenOptions {
    /// Options for `environment` with the default `vtr`, no `max_age`, no access token and the
    /// default clock tolerance.
    pub fn new(environment: &Environment, client_id: &str, nonce: NonceCheck, now: f64) -> Self {
        IdTokenOptions {
            issuer: environment.issuer().to_owned(),
            client_id: client_id.to_owned(),
            nonce,
            vtr: None,
            max_age: None,
            access_token: None,
            now,
            clock_tolerance: claims::DEFAULT_CLOCK_TOLERANCE,
        }
    }
}

/// A verified ID token.
#[derive(Debug, Clone, PartialEq)]
pub struct IdTokenClaims {
    /// The algorithm it was signed with.
    pub alg: Algorithm,
    /// The `kid` of the key that verified it.
    pub kid: String,
    /// `sub`: the user's pairwise identifier for your service.
    pub sub: String,
    /// `iss`.
    pub iss: String,
    /// `aud`, as a list.
    pub aud: Vec<String>,
    /// `exp`.
    pub exp: f64,
    /// `iat`.
    pub iat: f64,
    /// `vot`: `Cl` or `Cl.Cm`.
    pub vot: String,
    /// `nonce`, if present.
    pub nonce: Option<String>,
    /// `sid`: One Login's journey id, if present.
    pub sid: Option<String>,
    /// `auth_time`, if present (older tokens lack it).
    pub auth_time: Option<f64>,
    /// `vtm`: the trustmark URL, if present.
    pub vtm: Option<String>,
    /// Every claim.
    pub claims: Map<String, Value>,
    /// The payload exactly as signed and validated (strict JSON, UTF-8): a host that parses it
    /// itself reads the same claims without the map being serialised again.
    pub payload_json: String,
}

/// `at_hash` of an access token: base64url of the left half of its SHA-256 (One Login uses
/// SHA-256 for both ES256 and RS256 tokens).
pub fn at_hash(access_token: &str) -> String {
    let digest = Sha256::digest(access_token.as_bytes());
    base64url::encode(digest.get(..16).unwrap_or_default())
}

/// Verify an ID token.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for unusable options (checked before the token); the JWS errors of
/// the core (`ERR_JOSE_ALG_NOT_ALLOWED`, `ERR_JWKS_NO_MATCHING_KEY`,
/// `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`, …; a missing `kid` is `ERR_JWS_INVALID`);
/// `ERR_JWT_EXPIRED` for `exp`; `ERR_JWT_CLAIM_VALIDATION_FAILED` naming `iss`, `aud`,
/// `azp`, `iat`, `sub`, `nonce`, `vot`, `auth_time` or `at_hash` otherwise.
pub fn verify_id_token(
    token: &str,
    keys: &KeySet,
    options: &IdTokenOptions,
) -> Result<IdTokenClaims> {
    let expected = options.expected()?;
    let checks = Checks::new(options)?;
    let rules = Rules {
        expected,
        nonce: Some(&options.nonce),
        vot: checks.vot,
        max_age: options.max_age,
        access_token: options.access_token.as_deref(),
    };
    fail_fast(|run| steps(run, token, KeyInput::Keys(keys), &rules))
}

/// What an ID token is checked against (`None`: an input an inspection was not given).
#[derive(Debug, Clone)]
pub(crate) struct Rules<'a> {
    pub(crate) expected: Expected<'a>,
    pub(crate) nonce: Option<&'a NonceCheck>,
    pub(crate) vot: &'static str,
    pub(crate) max_age: Option<u64>,
    pub(crate) access_token: Option<&'a str>,
}

/// The ID token checks in the docs' order: signature, then `iss`, `aud`, `exp` and `iat` (the
/// core's), then `azp`, `sub`, `nonce`, `vot`, `auth_time`, `at_hash`, `sid` and `vtm`.
/// Returns the claims only when every check ran and passed.
///
/// # Errors
/// The first failure, when `run` fails fast.
pub(crate) fn steps(
    run: &mut Run,
    token: &str,
    keys: KeyInput<'_>,
    rules: &Rules<'_>,
) -> Result<Option<IdTokenClaims>> {
    let verify_options = rules
        .expected
        .verify_options(Algorithms::ALL, &REQUIRED_CLAIMS);
    let checked = jwt::steps(run, token, keys, &verify_options)?;
    let c = checked.claims.as_ref();
    run.check_with(
        CheckId::NotLogoutToken,
        checked.header.as_ref().zip(c),
        |(header, c)| check_not_logout_token(header.typ.as_deref(), c),
    )?;
    // `aud`'s type was checked by the core; if it failed, azp has nothing to go by.
    let aud = c.and_then(|c| claims::audience_claim(c).ok());
    let claims_and_aud = c.zip(aud.as_ref());
    if claims_and_aud.is_none() {
        run.skip(CheckId::Azp, Skip::Prerequisite);
    }
    let no_client_id = Skip::MissingInput(Input::ClientId);
    let client_id = rules.expected.client_id;
    run.check_against(
        CheckId::Azp,
        claims_and_aud,
        client_id,
        no_client_id,
        |(c, aud), client_id| check_azp(c, aud.as_deref().unwrap_or_default(), client_id),
    )?;
    let sub = run.check_with(CheckId::Sub, c, |c| required_string(c, "sub"))?;
    let nonce = match rules.nonce {
        Some(rule) => run.check_with(CheckId::Nonce, c, |c| check_nonce(c, rule))?,
        None => {
            run.skip(CheckId::Nonce, Skip::MissingInput(Input::Nonce));
            None
        }
    };
    let vot = run.check_with(CheckId::Vot, c, |c| {
        let vot = required_string(c, "vot")?;
        if vot != rules.vot {
            return Err(Error::claim_with_message(
                "vot",
                Reason::CheckFailed,
                format!(
                    "unexpected \"vot\" claim value: expected {}",
                    quoted(rules.vot)
                ),
            ));
        }
        Ok(vot)
    })?;
    let auth_time = run.check_with(CheckId::AuthTime, c, |c| {
        claims::numeric_claim(c, "auth_time")
    })?;
    let (now, tolerance) = (rules.expected.now, rules.expected.clock_tolerance);
    let not_requested = Skip::NotRequested(Input::MaxAge);
    run.check_against(
        CheckId::AuthTime,
        auth_time,
        rules.max_age,
        not_requested,
        |auth_time, max_age| {
            let Some(auth_time) = auth_time else {
                return Err(Error::claim("auth_time", Reason::Missing));
            };
            // max_age is an integer of seconds; as f64 it is exact far beyond any real value.
            if auth_time < now - max_age as f64 - tolerance {
                return Err(Error::claim_with_message(
                    "auth_time",
                    Reason::CheckFailed,
                    "\"auth_time\" claim is older than \"max_age\" allows: authenticate again",
                ));
            }
            Ok(())
        },
    )?;
    let hash = run.check_with(CheckId::AtHash, c, |c| claims::string_claim(c, "at_hash"))?;
    let not_requested = Skip::NotRequested(Input::AccessToken);
    run.check_against(
        CheckId::AtHash,
        hash,
        rules.access_token,
        not_requested,
        |hash, access_token| {
            let Some(hash) = hash else {
                return Err(Error::claim("at_hash", Reason::Missing));
            };
            if hash != at_hash(access_token) {
                return Err(Error::claim_with_message(
                    "at_hash",
                    Reason::CheckFailed,
                    "\"at_hash\" claim does not match the access token",
                ));
            }
            Ok(())
        },
    )?;
    let sid = run.check_with(CheckId::Sid, c, |c| claims::string_claim(c, "sid"))?;
    let vtm = run.check_with(CheckId::Vtm, c, |c| claims::string_claim(c, "vtm"))?;

    let (Some(header), Some(alg), Some(_key), Some(c)) =
        (&checked.header, checked.alg, checked.key, c)
    else {
        return Ok(None);
    };
    let (Some(sub), Some(nonce), Some(vot), Some(auth_time), Some(sid), Some(vtm)) =
        (sub, nonce, vot, auth_time, sid, vtm)
    else {
        return Ok(None);
    };
    let number = |name| claims::numeric_claim(c, name).ok().flatten();
    let verified = IdTokenClaims {
        alg,
        kid: header.kid.clone().unwrap_or_default(),
        sub: sub.to_owned(),
        iss: claims::string_claim(c, "iss")
            .ok()
            .flatten()
            .unwrap_or_default()
            .to_owned(),
        aud: aud
            .flatten()
            .unwrap_or_default()
            .iter()
            .map(|a| (*a).to_owned())
            .collect(),
        exp: number("exp").unwrap_or_default(),
        iat: number("iat").unwrap_or_default(),
        vot: vot.to_owned(),
        nonce: nonce.map(str::to_owned),
        sid: sid.map(str::to_owned),
        auth_time,
        vtm: vtm.map(str::to_owned),
        claims: Map::new(),
        payload_json: String::new(),
    };
    // The claims map is moved in last, once nothing borrows from it.
    let Some(payload_json) = checked.payload_json else {
        return Ok(None);
    };
    Ok(checked.claims.map(|claims| IdTokenClaims {
        claims,
        payload_json,
        ..verified
    }))
}

/// The options, checked and derived once before the token is looked at.
struct Checks {
    vot: &'static str,
}

impl Checks {
    fn new(options: &IdTokenOptions) -> Result<Checks> {
        if let NonceCheck::Expected(nonce) = &options.nonce {
            non_empty("nonce", nonce)?;
        }
        if let Some(token) = options.access_token.as_deref() {
            if token.is_empty() || !token.is_ascii() {
                return Err(Error::option(
                    "accessToken",
                    "\"accessToken\" must be the non-empty ASCII access token",
                ));
            }
        }
        let vtr = match options.vtr.as_deref() {
            Some(text) => Vtr::parse(text)?,
            None => Vtr::default(),
        };
        Ok(Checks {
            vot: vtr.expected_vot().as_str(),
        })
    }
}

/// A logout token signed by the same keys for the same audience must never pass as an ID token
/// (OIDC Back-Channel Logout §2.4 relies on the verifier telling them apart): a header `typ`
/// that is a logout token's (`logout+jwt`, any case, with or without `application/`) and an
/// `events` claim (a Security Event Token's, RFC 8417 §2.2; ID tokens have none) are refused.
pub(crate) fn check_not_logout_token(typ: Option<&str>, c: &Map<String, Value>) -> Result<()> {
    if typ.is_some_and(super::logout::is_logout_typ) {
        return Err(Error::claim_with_message(
            "typ",
            Reason::CheckFailed,
            "unexpected \"typ\" JWT header value: logout+jwt is a logout token, not an ID token",
        ));
    }
    if c.contains_key("events") {
        return Err(Error::claim_with_message(
            "events",
            Reason::CheckFailed,
            "an ID token must not contain an \"events\" claim (it belongs to logout tokens)",
        ));
    }
    Ok(())
}

// OIDC Core §3.1.3.7: with several audiences, `azp` must name this client; when `azp` is
// present at all, it must be this client. One Login sends a single audience and no `azp`.
// The core has already checked that `aud` contains the client.
fn check_azp(c: &Map<String, Value>, aud: &[&str], client_id: &str) -> Result<()> {
    let azp = claims::string_claim(c, "azp")?;
    match azp {
        Some(azp) if azp != client_id => Err(Error::claim_with_message(
            "azp",
            Reason::CheckFailed,
            "unexpected \"azp\" claim value",
        )),
        None if aud.len() > 1 => Err(Error::claim_with_message(
            "azp",
            Reason::Missing,
            "missing \"azp\" claim: required with several audiences",
        )),
        _ => Ok(()),
    }
}

fn check_nonce<'c>(c: &'c Map<String, Value>, rule: &NonceCheck) -> Result<Option<&'c str>> {
    let nonce = claims::string_claim(c, "nonce")?;
    match (rule, nonce) {
        (NonceCheck::Expected(_), None) => Err(Error::claim("nonce", Reason::Missing)),
        (NonceCheck::Expected(expected), Some(actual)) if actual != expected => {
            Err(Error::claim_with_message(
                "nonce",
                Reason::CheckFailed,
                "unexpected \"nonce\" claim value",
            ))
        }
        (NonceCheck::NotRequested, Some(_)) => Err(Error::claim_with_message(
            "nonce",
            Reason::CheckFailed,
            "unexpected \"nonce\" claim: none was requested",
        )),
        _ => Ok(nonce),
    }
}
