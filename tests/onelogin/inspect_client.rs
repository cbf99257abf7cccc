//! Inspection of the service's own JWTs: client assertions and request objects made by this
//! crate's signer pass every check; each broken rule fails exactly its own check, with what
//! One Login answers in the message.

use crate::fixtures::*;
use govuk_one_login_tokens::checks::{Input, Skip, Status};
use govuk_one_login_tokens::onelogin::client_jwt::ServiceKeys;
use govuk_one_login_tokens::onelogin::inspect::{
    inspect_token, InspectOptions, Inspection, TokenKind, Verdict,
};
use govuk_one_login_tokens::onelogin::{
    sign_client_assertion, sign_request_object, AuthorizationRequest, ClientAssertionOptions,
    Environment, RequestObjectOptions, RsaSigningKey, SigningAlgorithm,
};
use govuk_one_login_tokens::ErrorCode;
use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
use serde_json::{json, Value};

const KID: &str = "service-key-1";
const TOKEN_URL: &str = "https://oidc.integration.account.gov.uk/token";
const AUTHORIZE_URL: &str = "https://oidc.integration.account.gov.uk/authorize";
const SECS: u64 = NOW as u64;

fn signing_key() -> Result<RsaSigningKey, Box<dyn std::error::Error>> {
    let pem = RsaKey::shared().private.to_pkcs8_pem(LineEnding::LF)?;
    Ok(RsaSigningKey::from_pkcs8_pem(&pem)?)
}

/// The service's JWKS, as it publishes it.
fn service_jwks() -> Result<ServiceKeys, govuk_one_login_tokens::Error> {
    let key = with(
        RsaKey::shared().jwk(Some(KID)),
        json!({"alg": "RS256", "use": "sig"}),
    );
    ServiceKeys::parse(&json!({ "keys": [key] }).to_string())
}

fn options(keys: Option<&ServiceKeys>) -> InspectOptions<'_> {
    InspectOptions {
        service_keys: keys,
        environment: Some(Environment::Integration),
        client_id: Some(CLIENT_ID.into()),
        ..InspectOptions::at(NOW)
    }
}

fn assertion_options() -> ClientAssertionOptions {
    let mut o = ClientAssertionOptions::new(CLIENT_ID, TOKEN_URL, SECS);
    o.kid = Some(KID.into());
    o
}

fn authorization_request() -> AuthorizationRequest {
    AuthorizationRequest {
        client_id: CLIENT_ID.into(),
        redirect_uri: "https://rp.example/callback".into(),
        scope: "openid email".into(),
        state: "af0ifjsldkj".into(),
        nonce: NONCE.into(),
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        vtr: Some("Cl.Cm".into()),
        claims: None,
        ui_locales: None,
        prompt: None,
        response_mode: None,
        id_token_hint: None,
        max_age: None,
    }
}

fn request_options(audience: &str) -> RequestObjectOptions {
    RequestObjectOptions {
        audience: audience.into(),
        now: SECS,
        lifetime: 300,
        kid: Some(KID.into()),
        alg: SigningAlgorithm::Rs256,
    }
}

/// An assertion's claims as the signer makes them, for tokens no signer would make.
fn assertion_claims() -> Value {
    json!({"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": TOKEN_URL, "jti": "jti-1", "iat": SECS, "exp": SECS + 300})
}

fn request_claims() -> Value {
    json!({
        "iss": CLIENT_ID, "aud": AUTHORIZE_URL, "client_id": CLIENT_ID, "response_type": "code",
        "redirect_uri": "https://rp.example/callback", "scope": "openid", "state": "s-1",
        "nonce": NONCE, "iat": SECS, "nbf": SECS, "exp": SECS + 300, "jti": "jti-2"
    })
}

fn sign(claims: &Value) -> String {
    RsaKey::shared().sign(&json!({"alg": "RS256", "kid": KID}), claims)
}

/// The failing checks: `(id, message)`.
fn failures(inspection: &Inspection) -> Vec<(&'static str, String)> {
    inspection
        .checks
        .iter()
        .filter_map(|c| match &c.status {
            Status::Fail(e) => Some((c.id.as_str(), e.message().to_owned())),
            _ => None,
        })
        .collect()
}

fn status(inspection: &Inspection, id: &str) -> Option<Status> {
    inspection
        .checks
        .iter()
        .find(|c| c.id.as_str() == id)
        .map(|c| c.status.clone())
}

#[test]
fn an_assertion_the_client_made_passes_every_check() -> TestResult {
    let keys = service_jwks()?;
    let assertion = sign_client_assertion(&signing_key()?, &assertion_options())?;
    let inspection = inspect_token(&assertion, &options(Some(&keys)))?;
    assert_eq!(inspection.kind, TokenKind::ClientAssertion);
    assert_eq!(failures(&inspection), []);
    assert_eq!(inspection.verdict(), Verdict::Valid);
    assert!(inspection.signature_verified());
    let ids: Vec<_> = inspection.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "format",
            "alg",
            "kid",
            "kid_found",
            "alg_matches_key",
            "signature",
            "required",
            "iss",
            "sub_is_iss",
            "endpoint_aud",
            "iat",
            "nbf",
            "exp",
            "client_lifetime",
            "client_jti"
        ]
    );
    // The issuer is an accepted audience too.
    let mut to_issuer = assertion_options();
    to_issuer.audience = "https://oidc.integration.account.gov.uk/".into();
    let assertion = sign_client_assertion(&signing_key()?, &to_issuer)?;
    let inspection = inspect_token(&assertion, &options(Some(&keys)))?;
    assert_eq!(inspection.verdict(), Verdict::Valid);
    Ok(())
}

#[test]
fn a_request_object_the_client_made_passes_every_check() -> TestResult {
    let keys = service_jwks()?;
    let jar = sign_request_object(
        &signing_key()?,
        &authorization_request(),
        &request_options(AUTHORIZE_URL),
    )?;
    let inspection = inspect_token(&jar, &options(Some(&keys)))?;
    assert_eq!(inspection.kind, TokenKind::RequestObject);
    assert_eq!(failures(&inspection), []);
    assert_eq!(inspection.verdict(), Verdict::Valid);
    let ids: Vec<_> = inspection.checks.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "format",
            "alg",
            "kid",
            "kid_found",
            "alg_matches_key",
            "signature",
            "required",
            "iss",
            "client_id",
            "sub_not_client_id",
            "endpoint_aud",
            "response_type",
            "scope",
            "no_nested_request",
            "iat",
            "nbf",
            "exp",
            "client_lifetime"
        ]
    );
    Ok(())
}

#[test]
fn each_broken_assertion_rule_fails_its_own_check_with_one_logins_answer() -> TestResult {
    let keys = service_jwks()?;
    let key = signing_key()?;
    let signed = |change: &dyn Fn(&mut ClientAssertionOptions)| {
        let mut o = assertion_options();
        change(&mut o);
        sign_client_assertion(&key, &o)
    };
    let valid = signed(&|_| {})?;
    let other = signed(&|_| {})?;
    // Another assertion's signature: well-formed, not over this payload.
    let (input, _) = valid.rsplit_once('.').ok_or("dots")?;
    let (_, other_signature) = other.rsplit_once('.').ok_or("dots")?;
    let bad_signature = format!("{input}.{other_signature}");
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "wrong aud",
            signed(&|o| o.audience = AUTHORIZE_URL.into())?,
            "endpoint_aud",
            "invalid_client \"Invalid signature in private_key_jwt\"",
        ),
        (
            "another client's",
            signed(&|o| o.client_id = "another-client".into())?,
            "iss",
            "invalid_client \"Invalid signature in private_key_jwt\"",
        ),
        (
            "expired",
            signed(&|o| o.now = SECS - 1000)?,
            "exp",
            "invalid_grant \"private_key_jwt has expired\"",
        ),
        (
            "kid not in the JWKS",
            signed(&|o| o.kid = Some("retired-key".into()))?,
            "kid_found",
            "invalid_client",
        ),
        (
            "bad signature",
            bad_signature,
            "signature",
            "invalid_client \"Invalid signature in private_key_jwt\"",
        ),
        (
            "sub is not iss",
            sign(&patch(&assertion_claims(), json!({"sub": "someone"}))),
            "sub_is_iss",
            "invalid_client",
        ),
        (
            "a two-hour lifetime",
            sign(&patch(&assertion_claims(), json!({"exp": SECS + 7200}))),
            "client_lifetime",
            "recommends 5 minutes",
        ),
        (
            "an empty jti",
            sign(&patch(&assertion_claims(), json!({"jti": ""}))),
            "client_jti",
            "single-use jti",
        ),
        (
            "no exp",
            sign(&patch(&assertion_claims(), json!({"exp": null}))),
            "required",
            "invalid_request \"Invalid private_key_jwt\"",
        ),
        (
            "an EC alg",
            RsaKey::shared().sign(&json!({"alg": "ES256", "kid": KID}), &assertion_claims()),
            "alg",
            "invalid_client",
        ),
        (
            "no kid with a JWKS",
            RsaKey::shared().sign(&json!({"alg": "RS256"}), &assertion_claims()),
            "kid",
            "invalid_client",
        ),
        (
            "a future iat",
            sign(&patch(
                &assertion_claims(),
                json!({"iat": SECS + 100, "exp": SECS + 300}),
            )),
            "iat",
            "clock is ahead",
        ),
    ];
    for (name, token, check, answer) in cases {
        let inspection = inspect_token(&token, &options(Some(&keys)))?;
        assert_eq!(inspection.kind, TokenKind::ClientAssertion, "{name}");
        let failed = failures(&inspection);
        assert_eq!(failed.len(), 1, "{name}: {failed:?}");
        let (id, message) = failed.first().ok_or("one failure")?;
        assert_eq!(*id, check, "{name}");
        assert!(message.contains(answer), "{name}: {message}");
        assert_eq!(inspection.verdict(), Verdict::Invalid, "{name}");
    }
    Ok(())
}

#[test]
fn each_broken_request_object_rule_fails_its_own_check_with_one_logins_answer() -> TestResult {
    let keys = service_jwks()?;
    let claims = request_claims();
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "aud is the token URL",
            sign_request_object(
                &signing_key()?,
                &authorization_request(),
                &request_options(TOKEN_URL),
            )?,
            "endpoint_aud",
            "error=access_denied",
        ),
        (
            "aud with a trailing slash",
            sign(&patch(&claims, json!({"aud": format!("{AUTHORIZE_URL}/")}))),
            "endpoint_aud",
            "error=access_denied",
        ),
        (
            "another client_id",
            sign(&patch(&claims, json!({"client_id": "another-client"}))),
            "client_id",
            "error=unauthorized_client",
        ),
        (
            "iss is not the client",
            sign(&patch(&claims, json!({"iss": "another-client"}))),
            "iss",
            "error=unauthorized_client",
        ),
        (
            "response_type token",
            sign(&patch(&claims, json!({"response_type": "token"}))),
            "response_type",
            "error=unsupported_response_type",
        ),
        (
            "no openid scope",
            sign(&patch(&claims, json!({"scope": "email"}))),
            "scope",
            "error=invalid_request",
        ),
        (
            "sub is the client ID",
            sign(&patch(&claims, json!({"sub": CLIENT_ID}))),
            "sub_not_client_id",
            "error=invalid_request",
        ),
        (
            "a nested request_uri",
            sign(&patch(
                &claims,
                json!({"request_uri": "https://rp.example/r"}),
            )),
            "no_nested_request",
            "error=invalid_request",
        ),
        (
            "no state",
            sign(&patch(&claims, json!({"state": null}))),
            "required",
            "\"Request is missing state parameter\"",
        ),
        (
            "expired",
            sign(&patch(
                &claims,
                json!({"iat": SECS - 1000, "nbf": SECS - 1000, "exp": SECS - 700}),
            )),
            "exp",
            "HTTP 400 \"Invalid request\"",
        ),
        (
            "bad signature",
            {
                let token = sign(&claims);
                let other = sign(&patch(&claims, json!({"state": "s-2"})));
                let (input, _) = token.rsplit_once('.').ok_or("dots")?;
                let (_, signature) = other.rsplit_once('.').ok_or("dots")?;
                format!("{input}.{signature}")
            },
            "signature",
            "\"Trust chain validation failed\"",
        ),
    ];
    for (name, token, check, answer) in cases {
        let inspection = inspect_token(&token, &options(Some(&keys)))?;
        assert_eq!(inspection.kind, TokenKind::RequestObject, "{name}");
        let failed = failures(&inspection);
        assert_eq!(failed.len(), 1, "{name}: {failed:?}");
        let (id, message) = failed.first().ok_or("one failure")?;
        assert_eq!(*id, check, "{name}");
        assert!(message.contains(answer), "{name}: {message}");
    }
    Ok(())
}

#[test]
fn one_static_key_is_used_whatever_the_kid_and_a_pem_is_read_as_one() -> TestResult {
    let pem = RsaKey::shared().public.to_public_key_pem(LineEnding::LF)?;
    let keys = ServiceKeys::parse(&pem)?;
    let no_kid = RsaKey::shared().sign(&json!({"alg": "RS256"}), &assertion_claims());
    let inspection = inspect_token(&no_kid, &options(Some(&keys)))?;
    assert_eq!(failures(&inspection), []);
    assert_eq!(
        status(&inspection, "kid"),
        Some(Status::Skipped(Skip::NotRequested(Input::Kid)))
    );
    assert_eq!(inspection.verdict(), Verdict::Valid);
    // The same key as one JWK (with another kid) says the same.
    let jwk = ServiceKeys::parse(&RsaKey::shared().jwk(Some("elsewhere")).to_string())?;
    let inspection = inspect_token(&sign(&assertion_claims()), &options(Some(&jwk)))?;
    assert_eq!(inspection.verdict(), Verdict::Valid);
    Ok(())
}

#[test]
fn without_the_service_keys_or_with_an_alg_not_verified_here_it_is_incomplete() -> TestResult {
    let assertion = sign_client_assertion(&signing_key()?, &assertion_options())?;
    let inspection = inspect_token(&assertion, &options(None))?;
    assert_eq!(inspection.verdict(), Verdict::Incomplete);
    assert_eq!(
        status(&inspection, "signature"),
        Some(Status::Skipped(Skip::MissingInput(Input::ServiceKeys)))
    );
    let view = inspection.view();
    let signature = view.checks.iter().find(|c| c.id == "signature");
    assert_eq!(signature.and_then(|c| c.input), Some("serviceKeys"));

    let keys = service_jwks()?;
    let mut ps256 = assertion_options();
    ps256.alg = SigningAlgorithm::Ps256;
    let ps256 = sign_client_assertion(&signing_key()?, &ps256)?;
    // The published key says RS256: a PS256 assertion names the wrong key.
    let inspection = inspect_token(&ps256, &options(Some(&keys)))?;
    assert_eq!(
        failures(&inspection).first().map(|f| f.0),
        Some("alg_matches_key")
    );
    let unrestricted =
        ServiceKeys::parse(&json!({"keys": [RsaKey::shared().jwk(Some(KID))]}).to_string())?;
    let inspection = inspect_token(&ps256, &options(Some(&unrestricted)))?;
    assert_eq!(failures(&inspection), []);
    assert_eq!(
        status(&inspection, "signature"),
        Some(Status::Skipped(Skip::Unsupported))
    );
    assert_eq!(inspection.verdict(), Verdict::Incomplete);

    // Without a client ID or an environment, their checks wait for them.
    let bare = InspectOptions {
        service_keys: Some(&keys),
        ..InspectOptions::at(NOW)
    };
    let inspection = inspect_token(&assertion, &bare)?;
    assert_eq!(
        status(&inspection, "iss"),
        Some(Status::Skipped(Skip::MissingInput(Input::ClientId)))
    );
    assert_eq!(
        status(&inspection, "endpoint_aud"),
        Some(Status::Skipped(Skip::MissingInput(Input::Issuer)))
    );
    Ok(())
}

#[test]
fn the_service_keys_keep_the_service_key_rules() {
    let key = RsaKey::shared();
    let code = |text: String| ServiceKeys::parse(&text).err().map(|e| e.code());
    let private = with(key.jwk(Some(KID)), json!({"d": "AQAB"}));
    assert_eq!(code(private.to_string()), Some(ErrorCode::JwkInvalid));
    let twice = json!({"keys": [key.jwk(Some(KID)), key.jwk(Some(KID))]});
    assert_eq!(code(twice.to_string()), Some(ErrorCode::JwksInvalid));
    let ec = EcKey::generate().jwk(Some(KID));
    assert_eq!(code(ec.to_string()), Some(ErrorCode::NotSupported));
    let es_alg = with(key.jwk(None), json!({"alg": "ES256"}));
    assert_eq!(code(es_alg.to_string()), Some(ErrorCode::NotSupported));
    assert_eq!(
        code("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into()),
        Some(ErrorCode::JwkInvalid)
    );
    assert_eq!(code("{\"keys\": []}".into()), Some(ErrorCode::JwksInvalid));
}

#[test]
fn an_id_token_is_still_an_id_token() -> TestResult {
    let issuer = Issuer::new()?;
    let inspection = inspect_token(&issuer.es256(&id_token_claims()), &InspectOptions::at(NOW))?;
    assert_eq!(inspection.kind, TokenKind::IdToken);
    Ok(())
}
