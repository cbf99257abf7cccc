//! Core identity credentials (`https://vocab.account.gov.uk/v1/coreIdentityJWT`): the docs'
//! "Validate your user's identity credential" checks, and a typed view of the name and date of
//! birth.
//!
//! ES256 only, key from the DID document by the full `kid`. `vc.type` is deliberately not
//! checked: the docs show `VerifiableIdentityCredential`, while the real service and the
//! simulator send `IdentityCheckCredential`.

use super::did::DidDocument;
use super::environment::Environment;
use super::expected::{expected_from_options, non_empty, required_string, Expected};
use super::vtr::LevelOfConfidence;
use crate::alg::{Algorithm, Algorithms};
use crate::checks::{fail_fast, CheckId, Input, Run, Skip};
use crate::claims::{self};
use crate::error::{Error, ErrorCode, Reason, Result};
use crate::jws::{self, KeyInput, DEFAULT_MAX_TOKEN_SIZE};
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

expected_from_options!(CoreIdentityOptions);

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

/// The person in a credential, as one view for every caller (the verifier's result and the
/// inspector's name card): current name, names held before, dates of birth.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    /// The first name without `validUntil`, or `null`.
    #[cfg_attr(feature = "js", tsify(type = "NameView | null"))]
    pub current_name: Option<NameView>,
    /// Names with a `validUntil`, in the credential's order.
    pub historic_names: Vec<NameView>,
    /// Every date of birth, most confident first.
    pub birth_dates: Vec<String>,
    /// The most confident date of birth, or `null`.
    #[cfg_attr(feature = "js", tsify(type = "string | null"))]
    pub birth_date: Option<String>,
    /// The `vot` reached (`P1`–`P3`), or `null` when it is not readable.
    #[cfg_attr(feature = "js", tsify(type = "LevelOfConfidence | null"))]
    pub level_of_confidence: Option<&'static str>,
}

/// One name, as [`Identity`] shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct NameView {
    /// The `GivenName` parts, in order.
    pub given_names: Vec<String>,
    /// The `FamilyName` parts, in order.
    pub family_names: Vec<String>,
    /// Every part, in order, joined by spaces.
    pub full_name: String,
    /// `validFrom`, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub valid_from: Option<String>,
    /// `validUntil`, if given.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub valid_until: Option<String>,
}

impl NameView {
    fn of(name: &Name) -> NameView {
        let owned = |parts: Vec<&str>| parts.into_iter().map(str::to_owned).collect();
        NameView {
            given_names: owned(name.given_names()),
            family_names: owned(name.family_names()),
            full_name: name
                .parts
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            valid_from: name.valid_from.clone(),
            valid_until: name.valid_until.clone(),
        }
    }
}

impl Identity {
    /// The view of a credential subject's names and dates of birth.
    pub fn new(
        names: &[Name],
        birth_dates: &[String],
        level: Option<LevelOfConfidence>,
    ) -> Identity {
        Identity {
            current_name: names.iter().find(|n| n.is_current()).map(NameView::of),
            historic_names: names
                .iter()
                .filter(|n| !n.is_current())
                .map(NameView::of)
                .collect(),
            birth_dates: birth_dates.to_vec(),
            birth_date: birth_dates.first().cloned(),
            level_of_confidence: level.map(LevelOfConfidence::as_str),
        }
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

    /// The person, as one view.
    pub fn identity(&self) -> Identity {
        Identity::new(&self.names, &self.birth_dates, Some(self.vot))
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
    let expected = options.expected()?;
    non_empty("sub", &options.sub)?;
    if options.levels_of_confidence.is_empty() {
        return Err(Error::option(
            "levelsOfConfidence",
            "\"levelsOfConfidence\" must name at least one level",
        ));
    }
    let rules = Rules {
        expected,
        sub: Some(&options.sub),
        levels_of_confidence: &options.levels_of_confidence,
    };
    fail_fast(|run| steps(run, token, Some(did), &rules))
}

/// What a core identity credential is checked against (`None`: an input an inspection was not given).
#[derive(Debug, Clone)]
pub(crate) struct Rules<'a> {
    pub(crate) expected: Expected<'a>,
    pub(crate) sub: Option<&'a str>,
    pub(crate) levels_of_confidence: &'a [LevelOfConfidence],
}

/// The core identity checks: header, the `kid` against the DID document (controller, then
/// `assertionMethod`), then the core's signature and claim checks with that document's keys,
/// then `sub`, `vot` and `vc`. Returns the credential only when every check ran and passed.
///
/// # Errors
/// The first failure, when `run` fails fast.
pub(crate) fn steps(
    run: &mut Run,
    token: &str,
    did: Option<&DidDocument>,
    rules: &Rules<'_>,
) -> Result<Option<CoreIdentityClaims>> {
    let algorithms = Algorithms::only(Algorithm::Es256);
    // The kid decides which part of the DID document applies, so read the header first, with
    // the same checks and in the same order as the core's verification that follows (which
    // repeats them: an inspection shows each as one line).
    let parts = run.check(CheckId::Format, || {
        jws::split(token, DEFAULT_MAX_TOKEN_SIZE)
    })?;
    let header = run.check_with(CheckId::Format, parts, |p| jws::decode_header(p.header))?;
    run.check_with(CheckId::Alg, header.as_ref(), |h| {
        jws::check_header_policy(h, algorithms)
    })?;
    let kid = run.check_with(CheckId::Kid, header.as_ref(), |h| {
        h.kid.clone().ok_or_else(|| {
            Error::new(
                ErrorCode::JwsInvalid,
                "JWS \"kid\" Header Parameter is required",
            )
        })
    })?;
    let keys = match did {
        Some(did) => {
            let controller = run.check_with(CheckId::DidController, kid.as_deref(), |kid| {
                did.check_controller(kid)
            })?;
            let method = run.check_with(
                CheckId::AssertionMethod,
                controller.and(kid.as_deref()),
                |kid| did.check_assertion_method(kid),
            )?;
            match method {
                Some(()) => KeyInput::Keys(did.keys()),
                None => KeyInput::Unavailable,
            }
        }
        None => {
            for id in [CheckId::DidController, CheckId::AssertionMethod] {
                run.skip(id, Skip::MissingInput(Input::DidDocument));
            }
            KeyInput::Missing
        }
    };

    let verify_options = rules.expected.verify_options(algorithms, &REQUIRED_CLAIMS);
    let checked = jwt::steps(run, token, keys, &verify_options)?;
    let c = checked.claims.as_ref();
    let sub = run.check_with(CheckId::Sub, c, |c| required_string(c, "sub"))?;
    let no_sub = Skip::MissingInput(Input::Sub);
    run.check_against(CheckId::Sub, sub, rules.sub, no_sub, |sub, expected| {
        if sub != expected {
            return Err(Error::claim_with_message(
                "sub",
                Reason::CheckFailed,
                "\"sub\" claim does not match the ID token's \"sub\"",
            ));
        }
        Ok(())
    })?;
    let level = run.check_with(CheckId::Vot, c, |c| {
        let vot = required_string(c, "vot")?;
        LevelOfConfidence::from_name(vot)
            .ok()
            .filter(|l| rules.levels_of_confidence.contains(l))
            .ok_or_else(|| {
                Error::claim_with_message(
                    "vot",
                    Reason::CheckFailed,
                    "unexpected \"vot\" claim value: not a requested level of confidence",
                )
            })
    })?;
    let subject = run.check_with(CheckId::Vc, c, credential_subject)?;

    let (Some(kid), Some(_key), Some(sub), Some(level), Some((names, birth_dates))) =
        (kid, checked.key, rules.sub, level, subject)
    else {
        return Ok(None);
    };
    Ok(checked.claims.map(|claims| CoreIdentityClaims {
        kid,
        sub: sub.to_owned(),
        vot: level,
        names,
        birth_dates,
        claims,
    }))
}

fn invalid_vc(what: &str) -> Error {
    Error::claim_with_message("vc", Reason::Invalid, format!("\"vc\" claim: {what}"))
}

// Only the parts we read are type-checked; anything else in `vc` (its `type` above all) is
// left alone so that new One Login fields do not break verification.
pub(crate) fn credential_subject(c: &Map<String, Value>) -> Result<(Vec<Name>, Vec<String>)> {
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
