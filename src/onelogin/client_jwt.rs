//! The service's own JWTs as One Login checks them: client assertions (`private_key_jwt`, at
//! the token endpoint) and request objects (JAR, at the authorize endpoint), for the
//! inspector, with what One Login answers when a check fails.
//!
//! The rules are those One Login's docs give and this crate's signer keeps
//! ([`client_assertion`](super::client_assertion)): an RSA algorithm, a `kid` when the keys come
//! from a JWKS, `iss` = `sub` = the client ID, `aud` the endpoint, a lifetime of at most an
//! hour, a `jti`; for a request object the authorization parameters as claims.

use super::environment::Environment;
use super::inspect::TokenKind;
use crate::alg::{Algorithm, Algorithms, SigningAlgorithm};
use crate::base64url;
use crate::checks::{CheckId, CheckResult, Input, Run, Skip, Status};
use crate::claims::{self, audience_claim, numeric_claim, string_claim, ClaimRules};
use crate::error::{shown, Error, ErrorCode, Reason, Result};
use crate::json;
use crate::jwk::{Jwk, KeySet};
use crate::jws::{self, Header, DEFAULT_MAX_TOKEN_SIZE};
use crate::jwt;
use serde_json::{Map, Value};

/// The longest lifetime (`exp - iat`) of an assertion or request object, in seconds: the most
/// this crate signs (One Login recommends five minutes).
pub const MAX_LIFETIME: u64 = 3600;

/// The private members of an RSA JWK: never in a published key.
pub const PRIVATE_RSA_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// The rules a public JWK of the service keeps (its key policy is [`Jwk::from_map`]'s): an RSA
/// key, no private member, `use` absent or `sig`, an `alg` One Login accepts here.
///
/// # Errors
/// `ERR_JOSE_NOT_SUPPORTED` for a key that is not RSA or an `alg` One Login refuses here,
/// `ERR_JWK_INVALID` for private members or another `use`.
pub fn service_jwk_rules(map: &Map<String, Value>) -> Result<Option<SigningAlgorithm>> {
    if map.get("kty").and_then(Value::as_str) != Some("RSA") {
        return Err(Error::new(
            ErrorCode::NotSupported,
            "One Login takes only RSA keys for client assertions and request objects: the JWK must have \"kty\": \"RSA\"",
        ));
    }
    if PRIVATE_RSA_MEMBERS.iter().any(|m| map.contains_key(*m)) {
        return Err(Error::jwk(
            "private key material in a public key: give only kty, n, e (and kid, alg, use)",
        ));
    }
    if map.get("use").is_some_and(|u| u.as_str() != Some("sig")) {
        return Err(Error::jwk(
            "a signing key's \"use\" must be \"sig\" (or absent)",
        ));
    }
    match map.get("alg") {
        None => Ok(None),
        Some(Value::String(alg)) => SigningAlgorithm::from_name(alg).map(Some),
        Some(_) => Err(Error::jwk("a JWK's \"alg\" must be a string")),
    }
}

/// The service's public keys as given to the inspector: a JWKS (then a token's `kid` must name
/// one), or one key (a JWK or an SPKI PEM), which One Login uses whatever the `kid`, as it
/// does a statically registered key.
#[derive(Debug, Clone)]
pub struct ServiceKeys {
    keys: KeySet,
    from_jwks: bool,
}

impl ServiceKeys {
    /// A JWKS (`{"keys":[…]}`), one public JWK, or an SPKI PEM (`BEGIN PUBLIC KEY`).
    ///
    /// # Errors
    /// `ERR_JWKS_INVALID`, `ERR_JWK_INVALID` or `ERR_JOSE_NOT_SUPPORTED` for anything else, a
    /// key breaking [`service_jwk_rules`] or the key policy, or a `kid` listed twice.
    pub fn parse(text: &str) -> Result<ServiceKeys> {
        crate::limits::refuse_oversized(
            text,
            crate::limits::MAX_DOCUMENT_SIZE,
            ErrorCode::JwksInvalid,
            "the service's keys",
        )?;
        if !text.trim_start().starts_with('{') {
            let jwk = spki_pem_to_jwk(text)?;
            return ServiceKeys::from_maps(std::slice::from_ref(&jwk), false);
        }
        let map = json::parse_object(text).map_err(|e| Error::jwks(format!("JWKS is {e}")))?;
        match map.get("keys") {
            None => ServiceKeys::from_maps(std::slice::from_ref(&map), false),
            Some(Value::Array(entries)) => {
                let maps = entries
                    .iter()
                    .map(|entry| match entry {
                        Value::Object(jwk) => Ok(jwk.clone()),
                        _ => Err(Error::jwks("JSON Web Key Set members must be objects")),
                    })
                    .collect::<Result<Vec<_>>>()?;
                ServiceKeys::from_maps(&maps, true)
            }
            Some(_) => Err(Error::jwks(
                "JSON Web Key Set malformed: \"keys\" must be an array",
            )),
        }
    }

    fn from_maps(maps: &[Map<String, Value>], from_jwks: bool) -> Result<ServiceKeys> {
        let mut keys: Vec<Jwk> = Vec::with_capacity(maps.len());
        for map in maps {
            service_jwk_rules(map)?;
            let key = Jwk::from_map(map)?;
            if key.kid().is_some() && keys.iter().any(|k| k.kid() == key.kid()) {
                return Err(Error::jwks(format!(
                    "two keys have the kid {}: One Login requires each key in a JWKS to have a unique kid",
                    shown(key.kid().unwrap_or_default())
                )));
            }
            keys.push(key);
        }
        if keys.is_empty() {
            return Err(Error::jwks("the JWKS has no keys"));
        }
        Ok(ServiceKeys {
            keys: KeySet::from_keys(keys),
            from_jwks,
        })
    }
}

/// An RSA SPKI PEM as a public JWK (`kty`, `n`, `e`).
fn spki_pem_to_jwk(pem: &str) -> Result<Map<String, Value>> {
    if pem.contains("PRIVATE KEY") {
        return Err(Error::jwk(
            "a private key where a public key belongs: give the SPKI PEM (BEGIN PUBLIC KEY) or the JWKS",
        ));
    }
    let not_spki =
        || Error::jwk("not a JWKS, a public JWK or an SPKI PEM RSA public key (BEGIN PUBLIC KEY)");
    let body = pem
        .trim()
        .strip_prefix("-----BEGIN PUBLIC KEY-----")
        .and_then(|rest| rest.strip_suffix("-----END PUBLIC KEY-----"))
        .ok_or_else(not_spki)?;
    // The PEM's base64 read as base64url (the same alphabet but two characters, and padding).
    let body: String = body
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && *c != '=')
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            '-' | '_' => '!',
            c => c,
        })
        .collect();
    let der = base64url::decode(&body).map_err(|_| not_spki())?;
    // SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { OID rsaEncryption, NULL }, BIT STRING
    // { RSAPublicKey ::= SEQUENCE { INTEGER n, INTEGER e } } }
    const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (spki, rest) = der_item(&der, 0x30).ok_or_else(not_spki)?;
    let (algorithm, spki) = der_item(spki, 0x30).ok_or_else(not_spki)?;
    let (oid, _) = der_item(algorithm, 0x06).ok_or_else(not_spki)?;
    let (bits, spki) = der_item(spki, 0x03).ok_or_else(not_spki)?;
    let (rsa, _) = bits
        .split_first()
        .filter(|(unused, _)| **unused == 0)
        .and_then(|(_, key)| der_item(key, 0x30))
        .ok_or_else(not_spki)?;
    let (n, rsa) = der_item(rsa, 0x02).ok_or_else(not_spki)?;
    let (e, rsa) = der_item(rsa, 0x02).ok_or_else(not_spki)?;
    if oid != RSA_ENCRYPTION || !rest.is_empty() || !spki.is_empty() || !rsa.is_empty() {
        return Err(not_spki());
    }
    let unsigned = |int: &[u8]| base64url::encode(int.strip_prefix(&[0]).unwrap_or(int));
    let mut jwk = Map::new();
    jwk.insert("kty".into(), "RSA".into());
    jwk.insert("n".into(), unsigned(n).into());
    jwk.insert("e".into(), unsigned(e).into());
    Ok(jwk)
}

/// One DER item with tag `tag` at the start of `der`: its contents and what follows it.
fn der_item(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&found, rest) = der.split_first()?;
    let (&first, mut rest) = rest.split_first()?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 3 {
            return None;
        }
        let (bytes, after) = (rest.get(..count)?, rest.get(count..)?);
        rest = after;
        bytes.iter().fold(0, |len, b| len << 8 | usize::from(*b))
    };
    if found != tag {
        return None;
    }
    Some((rest.get(..len)?, rest.get(len..)?))
}

/// What the service's JWT is checked against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rules<'a> {
    /// Client assertion or request object.
    pub(crate) kind: TokenKind,
    /// The client ID.
    pub(crate) client_id: Option<&'a str>,
    /// One Login's endpoints.
    pub(crate) environment: Option<&'a Environment>,
    /// The service's public keys.
    pub(crate) keys: Option<&'a ServiceKeys>,
    /// The time to check at and the skew allowed.
    pub(crate) now: f64,
    pub(crate) clock_tolerance: f64,
}

/// Every check One Login makes on a client assertion or request object, in order.
///
/// # Errors
/// None in an inspection run (failures are recorded).
pub(crate) fn steps(run: &mut Run, token: &str, rules: &Rules<'_>) -> Result<()> {
    let request = rules.kind == TokenKind::RequestObject;
    let parts = run.check(CheckId::Format, || {
        jws::split(token, DEFAULT_MAX_TOKEN_SIZE)
    })?;
    let header = run.check_with(CheckId::Format, parts, |p| jws::decode_header(p.header))?;
    let alg = run.check_with(CheckId::Alg, header.as_ref(), |h| {
        let alg = SigningAlgorithm::named(&h.alg).ok_or_else(|| {
            Error::new(
                ErrorCode::AlgNotAllowed,
                format!(
                    "\"alg\" {} is not one One Login accepts here: {}",
                    shown(&h.alg),
                    crate::lists::in_words(SigningAlgorithm::NAMES)
                ),
            )
        })?;
        // `crit` and `b64` are judged as for any JWS (the RSA algorithm makes no difference).
        let as_rs256 = Header {
            alg: Algorithm::Rs256.as_str().to_owned(),
            ..h.clone()
        };
        jws::check_header_policy(&as_rs256, Algorithms::only(Algorithm::Rs256))?;
        Ok(alg)
    })?;
    let kid = header.as_ref().and_then(|h| h.kid.as_deref());
    let one_static_key = rules.keys.is_some_and(|k| !k.from_jwks);
    if one_static_key {
        // A statically registered key is used whatever the kid.
        run.skip(CheckId::Kid, Skip::NotRequested(Input::Kid));
    } else {
        run.check_with(CheckId::Kid, header.as_ref(), |h| match h.kid {
            Some(_) => Ok(()),
            None => Err(Error::jws(
                "JWS \"kid\" Header Parameter is required: One Login needs it to find the key in your JWKS",
            )),
        })?;
    }
    let signature = run.check_with(CheckId::Format, parts, |p| {
        base64url::decode(p.signature)
            .map_err(|_| Error::jws("Failed to base64url decode the signature"))
    })?;
    match rules.keys {
        None => {
            for id in [
                CheckId::KidFound,
                CheckId::AlgMatchesKey,
                CheckId::Signature,
            ] {
                run.skip(id, Skip::MissingInput(Input::ServiceKeys));
            }
        }
        Some(service) => {
            let set = &service.keys;
            let key = if one_static_key {
                run.skip(CheckId::KidFound, Skip::NotRequested(Input::Kid));
                set.keys().first()
            } else {
                match kid {
                    Some(kid) => run
                        .check(CheckId::KidFound, || set.check_kid(kid))?
                        .and_then(|()| set.keys().iter().find(|k| k.kid() == Some(kid))),
                    None => {
                        run.skip(CheckId::KidFound, Skip::Prerequisite);
                        None
                    }
                }
            };
            let key = run.check_with(
                CheckId::AlgMatchesKey,
                key.zip(alg),
                |(key, alg)| match key.alg() {
                    Some(own) if own != alg.as_str() => Err(Error::new(
                        ErrorCode::JwksNoMatchingKey,
                        format!(
                            "the key is for {} and the JWT says {}",
                            shown(own),
                            alg.as_str()
                        ),
                    )),
                    _ => Ok(key),
                },
            )?;
            match (key, alg, parts, signature.as_deref()) {
                (Some(key), Some(SigningAlgorithm::Rs256), Some(p), Some(sig)) => {
                    run.check(CheckId::Signature, || {
                        set.verify_signature(key, Algorithm::Rs256, p.signing_input.as_bytes(), sig)
                    })?;
                }
                // This library verifies RS256 (its signer's default) and nothing else of the
                // RSA family One Login accepts.
                (Some(_), Some(_), Some(_), Some(_)) => {
                    run.skip(CheckId::Signature, Skip::Unsupported)
                }
                _ => run.skip(CheckId::Signature, Skip::Prerequisite),
            }
        }
    }
    let claims = run.check_with(CheckId::Format, parts, |p| jwt::decode_payload(p.payload))?;
    let claims = claims.map(|(claims, _)| claims);
    claim_steps(run, claims.as_ref(), rules, request)
}

/// A rule on the claims. Every claim check goes through this one signature, so the browser
/// build carries one copy of the check machinery for all of them.
type ClaimRule<'r> = &'r dyn Fn(&Map<String, Value>) -> Result<()>;

/// A rule comparing the claims with a value the caller gives.
type ClaimRuleAgainst<'r, E> = &'r dyn Fn(&Map<String, Value>, E) -> Result<()>;

/// An authorization parameter with a fixed rule: its check, the claim, the rule and it in words.
type ParameterRule = (CheckId, &'static str, fn(&str) -> bool, &'static str);

fn claim_check(
    run: &mut Run,
    id: CheckId,
    claims: Option<&Map<String, Value>>,
    rule: ClaimRule<'_>,
) -> Result<()> {
    run.check_with(id, claims, rule).map(drop)
}

/// A rule comparing the claims with a value the caller gives: skipped, asking for `input`,
/// without it.
fn claim_check_against<E: Copy>(
    run: &mut Run,
    id: CheckId,
    claims: Option<&Map<String, Value>>,
    expected: Option<E>,
    input: Input,
    rule: ClaimRuleAgainst<'_, E>,
) -> Result<()> {
    match (claims, expected) {
        (Some(_), None) => {
            run.skip(id, Skip::MissingInput(input));
            Ok(())
        }
        (_, Some(expected)) => claim_check(run, id, claims, &|c| rule(c, expected)),
        (None, None) => claim_check(run, id, claims, &|_| Ok(())),
    }
}

fn mismatch(claim: &'static str, message: String) -> Error {
    Error::claim_with_message(claim, Reason::CheckFailed, message)
}

fn claim_steps(
    run: &mut Run,
    claims: Option<&Map<String, Value>>,
    rules: &Rules<'_>,
    request: bool,
) -> Result<()> {
    let required: &[&'static str] = if request {
        &[
            "iss",
            "aud",
            "client_id",
            "response_type",
            "redirect_uri",
            "scope",
            "state",
            "nonce",
        ]
    } else {
        &["iss", "sub", "aud", "exp", "jti"]
    };
    claim_check(run, CheckId::Required, claims, &|c| match required
        .iter()
        .find(|name| !c.contains_key(**name))
    {
        Some(name) => Err(Error::claim(*name, Reason::Missing)),
        None => Ok(()),
    })?;
    // A claim that must equal the client ID.
    let is_client_id = |claim: &'static str| {
        move |c: &Map<String, Value>, client_id: &str| match string_claim(c, claim)? {
            Some(value) if value != client_id => Err(mismatch(
                claim,
                format!("\"{claim}\" must be the client ID"),
            )),
            _ => Ok(()),
        }
    };
    let (client_id, by_client_id) = (rules.client_id, Input::ClientId);
    claim_check_against(
        run,
        CheckId::Iss,
        claims,
        client_id,
        by_client_id,
        &is_client_id("iss"),
    )?;
    if request {
        let rule = is_client_id("client_id");
        claim_check_against(
            run,
            CheckId::ClientIdClaim,
            claims,
            client_id,
            by_client_id,
            &rule,
        )?;
        claim_check(run, CheckId::SubNotClientId, claims, &|c| {
            let sub = string_claim(c, "sub")?;
            if sub.is_some() && sub == string_claim(c, "client_id")? {
                return Err(mismatch("sub", "\"sub\" must not be the client ID".into()));
            }
            Ok(())
        })?;
    } else {
        claim_check(run, CheckId::SubIsIss, claims, &|c| {
            let sub = string_claim(c, "sub")?;
            if sub.is_none() || sub != string_claim(c, "iss")? {
                return Err(mismatch("sub", "\"sub\" must equal \"iss\"".into()));
            }
            Ok(())
        })?;
    }
    // The endpoint the JWT is sent to: the authorize URL exactly, or the token URL or issuer.
    let endpoints = rules.environment.map(|e| {
        if request {
            vec![e.authorize_url()]
        } else {
            vec![e.token_url(), e.issuer()]
        }
    });
    let rule = |c: &Map<String, Value>, endpoints: &[&str]| match audience_claim(c)? {
        Some(aud) if !aud.iter().any(|a| endpoints.contains(a)) => Err(mismatch(
            "aud",
            format!("\"aud\" must be {}", endpoints.join(" or ")),
        )),
        _ => Ok(()),
    };
    let aud = CheckId::EndpointAud;
    claim_check_against(run, aud, claims, endpoints.as_deref(), Input::Issuer, &rule)?;
    if request {
        // Each authorization parameter with a fixed rule: (claim, check, the rule in words).
        let parameters: [ParameterRule; 2] = [
            (
                CheckId::ResponseType,
                "response_type",
                |v| v == "code",
                "must be code",
            ),
            (
                CheckId::Scope,
                "scope",
                |v| v.split(' ').any(|s| s == "openid"),
                "must include openid",
            ),
        ];
        for (id, claim, keeps, rule) in parameters {
            claim_check(run, id, claims, &|c| match string_claim(c, claim)? {
                Some(value) if !keeps(value) => Err(mismatch(claim, format!("\"{claim}\" {rule}"))),
                _ => Ok(()),
            })?;
        }
        claim_check(
            run,
            CheckId::NoNestedRequest,
            claims,
            &|c| match ["request", "request_uri"]
                .into_iter()
                .find(|n| c.contains_key(*n))
            {
                Some(name) => Err(mismatch(
                    name,
                    format!("a request object must not carry \"{name}\""),
                )),
                None => Ok(()),
            },
        )?;
    }
    claims::time_steps(
        run,
        claims,
        &ClaimRules {
            clock_tolerance: rules.clock_tolerance,
            ..ClaimRules::at(rules.now)
        },
    )?;
    claim_check(run, CheckId::ClientLifetime, claims, &|c| {
        let time = |name| numeric_claim(c, name).ok().flatten();
        match (time("iat"), time("exp")) {
            (Some(iat), Some(exp)) if !(exp > iat && exp - iat <= MAX_LIFETIME as f64) => Err(
                mismatch("exp", format!("\"exp\" is {} s after \"iat\"", exp - iat)),
            ),
            _ => Ok(()),
        }
    })?;
    if !request {
        claim_check(run, CheckId::ClientJti, claims, &|c| match c.get("jti") {
            None => Ok(()),
            Some(Value::String(jti)) if !jti.is_empty() => Ok(()),
            Some(_) => Err(Error::claim_with_message(
                "jti",
                Reason::Invalid,
                "\"jti\" must be a non-empty string",
            )),
        })?;
    }
    Ok(())
}

/// What One Login answers when `check` fails on a JWT of `kind` (the failure's `claim`, if any,
/// for a missing claim).
fn one_login_answer(kind: TokenKind, check: CheckId, claim: Option<&str>) -> &'static str {
    const BAD_SIGNATURE: &str =
        "One Login answers invalid_client \"Invalid signature in private_key_jwt\" (HTTP 400)";
    const UNPARSEABLE: &str =
        "One Login answers invalid_request \"Invalid private_key_jwt\" (HTTP 400)";
    const BAD_REQUEST: &str = "One Login shows HTTP 400 \"Invalid request\" (no redirect)";
    const TRUST_CHAIN: &str =
        "One Login shows HTTP 400 \"Trust chain validation failed\" (no redirect)";
    const UNAUTHORIZED: &str = "One Login redirects with error=unauthorized_client";
    const IAT: &str =
        "One Login does not check iat, but a future one means the signing server's clock is ahead";
    const LIFETIME: &str =
        "One Login recommends 5 minutes and this library never signs for longer than an hour";
    if kind == TokenKind::ClientAssertion {
        return match check {
            CheckId::Format => UNPARSEABLE,
            CheckId::Required => match claim {
                Some("jti") => {
                    "One Login's docs require a single-use jti (the simulator only warns)"
                }
                _ => UNPARSEABLE,
            },
            CheckId::Exp => {
                "One Login answers invalid_grant \"private_key_jwt has expired\" (HTTP 400)"
            }
            CheckId::Iat => IAT,
            CheckId::ClientLifetime => LIFETIME,
            CheckId::ClientJti => "One Login's docs require a single-use jti",
            _ => BAD_SIGNATURE,
        };
    }
    match check {
        CheckId::Format | CheckId::Alg | CheckId::Exp | CheckId::Nbf => BAD_REQUEST,
        CheckId::Kid | CheckId::KidFound | CheckId::AlgMatchesKey | CheckId::Signature => TRUST_CHAIN,
        CheckId::Iss | CheckId::ClientIdClaim => UNAUTHORIZED,
        CheckId::EndpointAud => "One Login redirects with error=access_denied (\"Access denied by resource owner or authorization server\")",
        CheckId::ResponseType => "One Login redirects with error=unsupported_response_type",
        CheckId::Iat => IAT,
        CheckId::ClientLifetime => LIFETIME,
        CheckId::Required => match claim {
            Some("redirect_uri") => BAD_REQUEST,
            Some("state") => "One Login redirects with error=invalid_request \"Request is missing state parameter\"",
            Some("nonce") => "One Login redirects with error=invalid_request \"Request is missing nonce parameter\"",
            Some("iss" | "client_id") => UNAUTHORIZED,
            Some("aud") => "One Login redirects with error=access_denied",
            Some("response_type") => "One Login redirects with error=unsupported_response_type",
            _ => "One Login redirects with error=invalid_request",
        },
        _ => "One Login redirects with error=invalid_request",
    }
}

/// Each failure of an inspection of the service's JWT, with what One Login answers added to
/// its message.
pub(crate) fn explain(kind: TokenKind, results: Vec<CheckResult>) -> Vec<CheckResult> {
    results
        .into_iter()
        .map(|mut line| {
            if let Status::Fail(error) = line.status {
                let answer = one_login_answer(kind, line.id, error.claim_name());
                line.status = Status::Fail(error.explained(answer));
            }
            line
        })
        .collect()
}
