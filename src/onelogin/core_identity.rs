//! Core identity credentials (`https://vocab.account.gov.uk/v1/coreIdentityJWT`): the docs'
//! "Validate your user's identity credential" checks, and a typed view of the name and date of
//! birth.
//!
//! ES256 only, key from the DID document by the full `kid`. `vc.type` is deliberately not
//! checked: the docs show `VerifiableIdentityCredential`, while the real service and the
//! simulator send `IdentityCheckCredential`.

use super::did::DidDocument;
use super::environment::Environment;
use super::vtr::LevelOfConfidence;
use super::{non_empty, required_string};
use crate::alg::{Algorithm, Algorithms};
use crate::claims::{self};
use crate::error::{Error, ErrorCode, Reason, Result};
use crate::jws::{self, DEFAULT_MAX_TOKEN_SIZE};
use crate::jwt::{self};
use serde_json::{Map, Value};

/// The claims every core identity credential must have.
pub const REQUIRED_CLAIMS: [&str; 7] = ["iss", "aud", "sub", "nbf", "exp", "vot", "vc"];

/// What a core identity credential must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreIdentityOptions {
    /// The identity issuer, e.g. [`Environment::identity_issuer`]; compared exactly.
    pub issuer: String,
    /// Your client ID.
    pub client_id: String,
    /// The `sub` of the verified ID token from the same sign-in.
    pub sub: String,
    /// The levels of confidence you requested; `vot` must be one of them (default `[P2]`;
    /// [`Vtr::levels_of_confidence`](super::Vtr::levels_of_confidence) gives them from your `vtr`).
    pub levels_of_confidence: Vec<LevelOfConfidence>,
    /// The current time, Unix seconds.
    pub now: f64,
    /// Allowed clock skew in seconds.
    pub clock_tolerance: f64,
}

impl CoreIdentityOptions {
    /// Options for `environment`, expecting `P2` with the default clock tolerance.
    pub fn new(environment: &Environment, client_id: &str, sub: &str, now: f64) -> Self {
        CoreIdentityOptions {
            issuer: environment.identity_issuer().to_owned(),
            client_id: client_id.to_owned(),
            sub: sub.to_owned(),
            levels_of_confidence: vec![LevelOfConfidence::P2],
            now,
            clock_tolerance: claims::DEFAULT_CLOCK_TOLERANCE,
        }
    }
}

/// One name from the credential: its parts in the order given, and its validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// `validFrom` (an ISO date), if given; absent may mean "since birth".
    pub valid_from: Option<String>,
    /// `validUntil`; absent (or `null`) means this is the current name.
    pub valid_until: Option<String>,
    /// `(type, value)` pairs, e.g. `("GivenName", "Alice")`, in the credential's order.
    pub parts: Vec<(String, String)>,
}

impl Name {
    /// Whether this is a current name (no `validUntil`).
    pub fn is_current(&self) -> bool {
        self.valid_until.is_none()
    }

    /// The `GivenName` parts, in order.
    pub fn given_names(&self) -> Vec<&str> {
        self.parts_of("GivenName")
    }

    /// The `FamilyName` parts, in order.
    pub fn family_names(&self) -> Vec<&str> {
        self.parts_of("FamilyName")
    }

    fn parts_of(&self, kind: &str) -> Vec<&str> {
        self.parts
            .iter()
            .filter(|(t, _)| t == kind)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// A verified core identity credential.
#[derive(Debug, Clone, PartialEq)]
pub struct CoreIdentityClaims {
    /// The full `kid` of the DID key that verified it.
    pub kid: String,
    /// `sub` (equal to the ID token's).
    pub sub: String,
    /// `vot`: the level of confidence reached.
    pub vot: LevelOfConfidence,
    /// Every name in `vc.credentialSubject.name`, in order.
    pub names: Vec<Name>,
    /// Every `vc.credentialSubject.birthDate[].value`, in order: the first is the most
    /// confident.
    pub birth_dates: Vec<String>,
    /// Every claim. Do not store the credential itself; keep what you need from it.
    pub claims: Map<String, Value>,
}

impl CoreIdentityClaims {
    /// The current name: the first without `validUntil`.
    pub fn current_name(&self) -> Option<&Name> {
        self.names.iter().find(|n| n.is_current())
    }

    /// The current name's given names, in order.
    pub fn given_names(&self) -> Vec<&str> {
        self.current_name()
            .map(Name::given_names)
            .unwrap_or_default()
    }

    /// The current name's family name parts, in order.
    pub fn family_names(&self) -> Vec<&str> {
        self.current_name()
            .map(Name::family_names)
            .unwrap_or_default()
    }

    /// Names with a `validUntil`: names the user had before.
    pub fn historic_names(&self) -> Vec<&Name> {
        self.names.iter().filter(|n| !n.is_current()).collect()
    }

    /// The most confident date of birth.
    pub fn birth_date(&self) -> Option<&str> {
        self.birth_dates.first().map(String::as_str)
    }
}

/// Verify a core identity credential against One Login's DID document.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for unusable options; `ERR_JOSE_ALG_NOT_ALLOWED` for anything but
/// ES256; `ERR_JWS_INVALID` without a `kid`; `ERR_JWKS_NO_MATCHING_KEY` when the `kid` is not
/// a key the document controls; `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`; `ERR_JWT_EXPIRED`;
/// `ERR_JWT_CLAIM_VALIDATION_FAILED` naming `iss`, `aud`, `nbf`, `iat`, `sub`, `vot` or `vc`.
pub fn verify_core_identity(
    token: &str,
    did: &DidDocument,
    options: &CoreIdentityOptions,
) -> Result<CoreIdentityClaims> {
    non_empty("issuer", &options.issuer)?;
    non_empty("clientId", &options.client_id)?;
    non_empty("sub", &options.sub)?;
    if options.levels_of_confidence.is_empty() {
        return Err(Error::argument(
            "\"levelsOfConfidence\" must name at least one level",
        ));
    }
    claims::check_now(options.now)?;
    claims::check_clock_tolerance(options.clock_tolerance)?;

    let algorithms = Algorithms::only(Algorithm::Es256);
    // The kid decides which part of the DID document applies, so read the header first, with
    // the same checks and in the same order as the core's verification that follows.
    let parts = jws::split(token, DEFAULT_MAX_TOKEN_SIZE)?;
    let header = jws::decode_header(parts.header)?;
    jws::check_header_policy(&header, algorithms)?;
    let Some(kid) = header.kid.as_deref() else {
        return Err(Error::new(
            ErrorCode::JwsInvalid,
            "JWS \"kid\" Header Parameter is required",
        ));
    };
    let keys = did.keys_for_kid(kid)?;

    let verify_options = super::token_verify_options(
        algorithms,
        &options.issuer,
        &options.client_id,
        &REQUIRED_CLAIMS,
        options.now,
        options.clock_tolerance,
    );
    let verified = jwt::verify(token, keys, &verify_options)?;
    let c = &verified.claims;
    if required_string(c, "sub")? != options.sub {
        return Err(Error::claim_with_message(
            "sub",
            Reason::CheckFailed,
            "\"sub\" claim does not match the ID token's \"sub\"",
        ));
    }
    let vot = required_string(c, "vot")?;
    let level = LevelOfConfidence::from_name(vot)
        .ok()
        .filter(|l| options.levels_of_confidence.contains(l))
        .ok_or_else(|| {
            Error::claim_with_message(
                "vot",
                Reason::CheckFailed,
                "unexpected \"vot\" claim value: not a requested level of confidence",
            )
        })?;
    let (names, birth_dates) = credential_subject(c)?;
    Ok(CoreIdentityClaims {
        kid: kid.to_owned(),
        sub: options.sub.clone(),
        vot: level,
        names,
        birth_dates,
        claims: verified.claims,
    })
}

fn invalid_vc(what: &str) -> Error {
    Error::claim_with_message("vc", Reason::Invalid, format!("\"vc\" claim: {what}"))
}

// Only the parts we read are type-checked; anything else in `vc` (its `type` above all) is
// left alone so that new One Login fields do not break verification.
fn credential_subject(c: &Map<String, Value>) -> Result<(Vec<Name>, Vec<String>)> {
    let Some(Value::Object(vc)) = c.get("vc") else {
        return Err(invalid_vc("must be an object"));
    };
    let subject = match vc.get("credentialSubject") {
        Some(Value::Object(s)) => s,
        _ => return Err(invalid_vc("\"credentialSubject\" must be an object")),
    };
    let names = match subject.get("name") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(parse_name).collect::<Result<_>>()?,
        Some(_) => return Err(invalid_vc("\"name\" must be an array")),
    };
    let birth_dates = match subject.get("birthDate") {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item.get("value") {
                Some(Value::String(v)) => Ok(v.clone()),
                _ => Err(invalid_vc("each \"birthDate\" needs a string \"value\"")),
            })
            .collect::<Result<_>>()?,
        Some(_) => return Err(invalid_vc("\"birthDate\" must be an array")),
    };
    Ok((names, birth_dates))
}

fn parse_name(item: &Value) -> Result<Name> {
    let Value::Object(name) = item else {
        return Err(invalid_vc("each \"name\" must be an object"));
    };
    let date = |field: &str| match name.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid_vc(
            "\"validFrom\" and \"validUntil\" must be strings",
        )),
    };
    let Some(Value::Array(parts)) = name.get("nameParts") else {
        return Err(invalid_vc("each \"name\" needs a \"nameParts\" array"));
    };
    let parts = parts
        .iter()
        .map(|part| match (part.get("type"), part.get("value")) {
            (Some(Value::String(t)), Some(Value::String(v))) => Ok((t.clone(), v.clone())),
            _ => Err(invalid_vc(
                "each name part needs string \"type\" and \"value\"",
            )),
        })
        .collect::<Result<_>>()?;
    Ok(Name {
        valid_from: date("validFrom")?,
        valid_until: date("validUntil")?,
        parts,
    })
}
