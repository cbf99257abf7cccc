//! Inspection: every check One Login's rules make on a token, each with its own result, for
//! the token inspector page.
//!
//! [`inspect_token`] recognises the token's kind and runs that kind's verifier — the very
//! checks `verify_id_token`, `verify_core_identity` and `verify_logout_token` run (see
//! [`crate::checks`]) — without stopping at the first failure. Inputs the caller did not give
//! (keys, a nonce, the ID token's `sub`…) make their checks "skipped", never "passed".
//!
//! Claims are checked even when the signature failed or could not be checked, because a
//! developer debugging a sign-in wants to see both problems at once; such results carry
//! `unverified`, so a pass there only says what the token claims.

use super::client_jwt::{self, ServiceKeys};
use super::core_identity::{self, credential_subject, Identity};
use super::did::DidDocument;
use super::environment::Environment;
use super::expected::{non_empty, Expected};
use super::id_token::{self, NonceCheck};
use super::logout::{self, is_logout_typ};
use super::vtr::{LevelOfConfidence, Vtr};
use crate::alg::Algorithms;
use crate::checks::{CheckResult, Run, Skip, Status};
use crate::claims::{self, ClaimRules};
use crate::error::{Error, Result};
use crate::jwk::KeySet;
use crate::jws::{self, KeyInput, DEFAULT_MAX_TOKEN_SIZE};
use crate::jwt::{self, VerifyOptions};
use serde_json::{Map, Value};

crate::lists::named_list! {
    /// What a token is, as far as One Login is concerned.
    pub enum TokenKind as "TokenKind", "What a token is, as far as One Login is concerned." {
        /// An OIDC ID token.
        IdToken = "id_token" { label: "ID token" },
        /// A core identity credential (`https://vocab.account.gov.uk/v1/coreIdentityJWT`).
        CoreIdentity = "core_identity" { label: "Core identity credential" },
        /// A back-channel logout token.
        LogoutToken = "logout_token" { label: "Back-channel logout token" },
        /// One Login's access token (a JWT in practice, though documented as opaque).
        AccessToken = "access_token" { label: "Access token" },
        /// A `private_key_jwt` client assertion made by the service for the token endpoint.
        ClientAssertion = "client_assertion" { label: "Client assertion (private_key_jwt) made by your service" },
        /// A request object (JAR) made by the service for the authorize endpoint.
        RequestObject = "request_object" { label: "Request object (JAR) made by your service" },
        /// Any other JWS.
        Jwt = "jwt" { label: "JWT (no One Login kind recognised)" },
    }
    struct TokenKindFacts {
        /// The kind in words, e.g. `"ID token"`.
        label: &'static str,
    }
}

impl TokenKind {
    /// The kind named by [`TokenKind::as_str`].
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for any other name.
    pub fn from_name(name: &str) -> Result<TokenKind> {
        TokenKind::named(name).ok_or_else(|| {
            Error::option(
                "kind",
                format!(
                    "\"kind\" must be {}",
                    crate::lists::in_words(TokenKind::NAMES)
                ),
            )
        })
    }
}

/// Recognise a token's kind from its decoded header and claims, with the reason in words.
pub fn detect_kind(
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
) -> (TokenKind, &'static str) {
    let has = |name: &str| claims.is_some_and(|c| c.contains_key(name));
    let header_str = |name: &str| header.and_then(|h| h.get(name)).and_then(Value::as_str);
    if has("events") || header_str("typ").is_some_and(is_logout_typ) {
        return (
            TokenKind::LogoutToken,
            "it has an events claim (or typ logout+jwt)",
        );
    }
    if has("vc") || header_str("kid").is_some_and(|k| k.starts_with("did:")) {
        return (
            TokenKind::CoreIdentity,
            "it has a vc claim (or a kid that is a DID URL)",
        );
    }
    if has("aud") && (has("response_type") || has("redirect_uri")) {
        return (
            TokenKind::RequestObject,
            "it has an aud and response_type or redirect_uri (authorization parameters)",
        );
    }
    // A client assertion carries only these claims (the signer's, and a tolerated nbf).
    const ASSERTION_CLAIMS: [&str; 7] = ["iss", "sub", "aud", "jti", "iat", "exp", "nbf"];
    let only_assertion_claims =
        claims.is_some_and(|c| c.keys().all(|k| ASSERTION_CLAIMS.contains(&k.as_str())));
    if only_assertion_claims && ["iss", "sub", "aud", "jti"].iter().all(|c| has(c)) {
        return (
            TokenKind::ClientAssertion,
            "it has iss, sub, aud and jti and no other claim than iat, exp and nbf",
        );
    }
    if has("aud")
        && ["nonce", "at_hash", "vot", "auth_time"]
            .iter()
            .any(|c| has(c))
    {
        return (
            TokenKind::IdToken,
            "it has an aud and nonce, at_hash, vot or auth_time",
        );
    }
    if !has("aud") && (has("scope") || has("client_id")) {
        return (
            TokenKind::AccessToken,
            "it has scope or client_id and no aud",
        );
    }
    (TokenKind::Jwt, "it has none of the One Login token claims")
}

/// What to inspect a token against. Everything is optional: a missing input skips the
/// checks that need it.
#[derive(Debug, Clone, Default)]
pub struct InspectOptions<'a> {
    /// Inspect as this kind instead of the recognised one.
    pub kind: Option<TokenKind>,
    /// The JWKS (ID, logout and access tokens).
    pub keys: Option<&'a KeySet>,
    /// The DID document (core identity credentials).
    pub did: Option<&'a DidDocument>,
    /// The service's public keys (client assertions and request objects).
    pub service_keys: Option<&'a ServiceKeys>,
    /// The environment, for the expected issuer.
    pub environment: Option<Environment>,
    /// The expected `iss`, overriding the environment's.
    pub issuer: Option<String>,
    /// Your client ID.
    pub client_id: Option<String>,
    /// The nonce rule for ID tokens.
    pub nonce: Option<NonceCheck>,
    /// The `vtr` sent (default `Cl.Cm`, and `P2` for core identity).
    pub vtr: Option<String>,
    /// The `max_age` sent.
    pub max_age: Option<u64>,
    /// The access token from the same response.
    pub access_token: Option<String>,
    /// The ID token's `sub`, for a core identity credential.
    pub sub: Option<String>,
    /// The time to check at, Unix seconds.
    pub now: f64,
    /// Allowed clock skew in seconds.
    pub clock_tolerance: f64,
}

impl InspectOptions<'_> {
    /// The shared expectations, with the issuer of the kind inspected.
    fn expected<'a>(&'a self, issuer: Option<&'a str>) -> Expected<'a> {
        Expected {
            issuer,
            client_id: self.client_id.as_deref(),
            now: self.now,
            clock_tolerance: self.clock_tolerance,
        }
    }

    /// No inputs, at `now`, with the default clock tolerance.
    pub fn at(now: f64) -> Self {
        InspectOptions {
            now,
            clock_tolerance: claims::DEFAULT_CLOCK_TOLERANCE,
            ..InspectOptions::default()
        }
    }
}

/// An inspection as the inspector shows it (and as JavaScript receives it).
#[derive(Debug, Clone, serde::Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct InspectionView<'a> {
    /// The kind inspected as.
    #[cfg_attr(feature = "js", tsify(type = "TokenKind"))]
    pub kind: &'static str,
    /// That kind in words.
    pub kind_label: &'static str,
    /// Why that kind was recognised (or that the caller chose it).
    pub kind_reason: &'static str,
    /// Valid, invalid or incomplete.
    #[cfg_attr(
        feature = "js",
        tsify(type = "\"valid\" | \"invalid\" | \"incomplete\"")
    )]
    pub verdict: &'static str,
    /// Whether the signature verified.
    pub signature_verified: bool,
    /// The decoded header, if it decodes.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "JwtHeader"))]
    pub header: Option<&'a Map<String, Value>>,
    /// The decoded claims, if they decode (unverified unless the verdict is valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "JwtPayload"))]
    pub claims: Option<&'a Map<String, Value>>,
    /// Every check in order.
    pub checks: Vec<crate::checks::CheckView<'a>>,
    /// For a core identity credential: the person (unverified unless the verdict is valid).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub identity: Option<&'a Identity>,
}

/// The overall outcome of an inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every check ran and passed: the matching `verify_*` would accept the token.
    Valid,
    /// At least one check failed.
    Invalid,
    /// Nothing failed, but some checks could not run for want of input.
    Incomplete,
}

impl Verdict {
    /// `"valid"`, `"invalid"` or `"incomplete"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Verdict::Valid => "valid",
            Verdict::Invalid => "invalid",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// The result of [`inspect_token`].
#[derive(Debug, Clone)]
pub struct Inspection {
    /// The kind inspected as.
    pub kind: TokenKind,
    /// Why that kind was recognised (or that the caller chose it).
    pub kind_reason: &'static str,
    /// The decoded header, if it decodes.
    pub header: Option<Map<String, Value>>,
    /// The decoded claims, if they decode. Unverified unless [`Inspection::verdict`] is valid.
    pub claims: Option<Map<String, Value>>,
    /// Every check in order.
    pub checks: Vec<CheckResult>,
    /// For a core identity credential whose `vc` is readable: the person (unverified unless
    /// the verdict is valid).
    pub identity: Option<Identity>,
}

impl Inspection {
    /// Valid, invalid or incomplete.
    pub fn verdict(&self) -> Verdict {
        let mut verdict = Verdict::Valid;
        for check in &self.checks {
            match check.status {
                Status::Fail(_) => return Verdict::Invalid,
                Status::Skipped(Skip::Prerequisite | Skip::MissingInput(_) | Skip::Unsupported) => {
                    verdict = Verdict::Incomplete;
                }
                Status::Skipped(Skip::NotRequested(_)) | Status::Pass => {}
            }
        }
        verdict
    }

    /// The inspection as the inspector shows it.
    pub fn view(&self) -> InspectionView<'_> {
        InspectionView {
            kind: self.kind.as_str(),
            kind_label: self.kind.label(),
            kind_reason: self.kind_reason,
            verdict: self.verdict().as_str(),
            signature_verified: self.signature_verified(),
            header: self.header.as_ref(),
            claims: self.claims.as_ref(),
            checks: self.checks.iter().map(CheckResult::view).collect(),
            identity: self.identity.as_ref(),
        }
    }

    /// Whether the signature verified with one of the given keys.
    pub fn signature_verified(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.id == crate::checks::CheckId::Signature && c.status == Status::Pass)
    }
}

/// Inspect a token: recognise its kind and run every check of that kind's verifier.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for unusable options (a bad `now`, tolerance or `vtr`, an empty
/// string). Problems with the token itself are never errors here: they are failed checks.
pub fn inspect_token(token: &str, options: &InspectOptions<'_>) -> Result<Inspection> {
    options.expected(options.issuer.as_deref()).validate()?;
    for (name, value) in [
        ("accessToken", &options.access_token),
        ("sub", &options.sub),
    ] {
        if let Some(value) = value {
            non_empty(name, value)?;
        }
    }
    if let Some(NonceCheck::Expected(nonce)) = &options.nonce {
        non_empty("nonce", nonce)?;
    }
    let vtr = match options.vtr.as_deref() {
        Some(text) => Vtr::parse(text)?,
        None => Vtr::default(),
    };

    // Decoded leniently, for display and recognition: a bad signature segment should not hide
    // a readable header and payload.
    let parts = jws::split(token, DEFAULT_MAX_TOKEN_SIZE).ok();
    let header = parts
        .and_then(|p| jws::decode_header(p.header).ok())
        .map(|h| h.members);
    let claims = parts
        .and_then(|p| jwt::decode_payload(p.payload).ok())
        .map(|(c, _)| c);
    let (kind, kind_reason) = match options.kind {
        Some(kind) => (kind, "chosen by you"),
        None => detect_kind(header.as_ref(), claims.as_ref()),
    };

    let keys = options.keys.map_or(KeyInput::Missing, KeyInput::Keys);
    let oidc_issuer = options
        .issuer
        .clone()
        .or_else(|| options.environment.as_ref().map(|e| e.issuer().to_owned()));
    if let TokenKind::ClientAssertion | TokenKind::RequestObject = kind {
        let rules = client_jwt::Rules {
            kind,
            client_id: options.client_id.as_deref(),
            environment: options.environment.as_ref(),
            keys: options.service_keys,
            now: options.now,
            clock_tolerance: options.clock_tolerance,
        };
        let mut run = Run::inspect();
        client_jwt::steps(&mut run, token, &rules)?;
        return Ok(Inspection {
            kind,
            kind_reason,
            header,
            claims,
            checks: client_jwt::explain(kind, run.results()),
            identity: None,
        });
    }
    let mut run = match kind {
        TokenKind::AccessToken | TokenKind::Jwt => Run::inspect_generic(),
        _ => Run::inspect(),
    };
    match kind {
        TokenKind::IdToken => {
            let rules = id_token::Rules {
                expected: options.expected(oidc_issuer.as_deref()),
                nonce: options.nonce.as_ref(),
                vot: vtr.expected_vot().as_str(),
                max_age: options.max_age,
                access_token: options.access_token.as_deref(),
            };
            id_token::steps(&mut run, token, keys, &rules)?;
        }
        TokenKind::CoreIdentity => {
            let issuer = options.issuer.clone().or_else(|| {
                options
                    .environment
                    .as_ref()
                    .map(|e| e.identity_issuer().to_owned())
            });
            let levels = LevelOfConfidence::requested(options.vtr.as_deref())?;
            let rules = core_identity::Rules {
                expected: options.expected(issuer.as_deref()),
                sub: options.sub.as_deref(),
                levels_of_confidence: &levels,
            };
            core_identity::steps(&mut run, token, options.did, &rules)?;
        }
        TokenKind::LogoutToken => {
            let rules = logout::Rules {
                expected: options.expected(oidc_issuer.as_deref()),
            };
            logout::steps(&mut run, token, keys, &rules)?;
        }
        // Inspected above, by their own steps.
        TokenKind::ClientAssertion | TokenKind::RequestObject => {}
        TokenKind::AccessToken | TokenKind::Jwt => {
            // No One Login rule covers these beyond the core's: signature and the
            // registered claims. One Login's access tokens carry a kid and no aud.
            let access = kind == TokenKind::AccessToken;
            let verify_options = VerifyOptions {
                algorithms: Algorithms::ALL,
                max_token_size: DEFAULT_MAX_TOKEN_SIZE,
                require_kid: access,
                claims: ClaimRules {
                    issuer: oidc_issuer,
                    audience: if access {
                        None
                    } else {
                        options.client_id.clone()
                    },
                    clock_tolerance: options.clock_tolerance,
                    ..ClaimRules::at(options.now)
                },
            };
            jwt::steps(&mut run, token, keys, &verify_options)?;
        }
    }

    let identity = match (kind, claims.as_ref()) {
        (TokenKind::CoreIdentity, Some(c)) => credential_subject(c).ok().map(|(names, births)| {
            let vot = c.get("vot").and_then(Value::as_str);
            let level = vot.and_then(|v| LevelOfConfidence::from_name(v).ok());
            Identity::new(&names, &births, level)
        }),
        _ => None,
    };
    Ok(Inspection {
        kind,
        kind_reason,
        header,
        claims,
        checks: run.results(),
        identity,
    })
}
