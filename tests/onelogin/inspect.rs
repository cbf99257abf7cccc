//! Inspection: each check's status, and agreement with the verifiers it shares its checks with.

use crate::fixtures::*;
use govuk_one_login_tokens::checks::{CheckResult, Input, Skip, Status};
use govuk_one_login_tokens::onelogin::inspect::{
    detect_kind, inspect_token, InspectOptions, Inspection, TokenKind, Verdict,
};
use govuk_one_login_tokens::onelogin::{
    verify_id_token, verify_logout_token, Environment, IdTokenOptions, LogoutOptions, NonceCheck,
};
use govuk_one_login_tokens::{Error, ErrorCode, KeySet};
use serde_json::{json, Value};

const SUB: &str = "urn:fdc:gov.uk:2022:VtcZjnU4Sif2oyJZola3OkN0e3Jeku1cIMN38rFlhU4";

fn id_options(keys: &KeySet) -> InspectOptions<'_> {
    InspectOptions {
        keys: Some(keys),
        environment: Some(Environment::Integration),
        client_id: Some(CLIENT_ID.into()),
        nonce: Some(NonceCheck::Expected(NONCE.into())),
        access_token: Some(ACCESS_TOKEN.into()),
        max_age: Some(300),
        ..InspectOptions::at(NOW)
    }
}

fn verify_options() -> IdTokenOptions {
    let mut o = IdTokenOptions::new(
        &Environment::Integration,
        CLIENT_ID,
        NonceCheck::Expected(NONCE.into()),
        NOW,
    );
    o.access_token = Some(ACCESS_TOKEN.into());
    o.max_age = Some(300);
    o
}

/// `id -> short status` for every line: "pass", "skip", or the failure's error code.
fn statuses(inspection: &Inspection) -> Vec<(&'static str, String)> {
    inspection
        .checks
        .iter()
        .map(|c| (c.id.as_str(), short(c)))
        .collect()
}

fn short(c: &CheckResult) -> String {
    match &c.status {
        Status::Pass => "pass".into(),
        Status::Skipped(_) => "skip".into(),
        Status::Fail(e) => e.code().as_str().into(),
    }
}

fn status_of(inspection: &Inspection, id: &str) -> Option<String> {
    inspection
        .checks
        .iter()
        .find(|c| c.id.as_str() == id)
        .map(short)
}

fn first_failure(inspection: &Inspection) -> Option<&Error> {
    inspection.checks.iter().find_map(|c| match &c.status {
        Status::Fail(e) => Some(e),
        _ => None,
    })
}

#[test]
fn a_valid_id_token_passes_every_check() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&id_token_claims());
    let inspection = inspect_token(&token, &id_options(&issuer.keys))?;
    assert_eq!(inspection.kind, TokenKind::IdToken);
    assert_eq!(inspection.verdict(), Verdict::Valid);
    assert!(inspection.signature_verified());
    let ids: Vec<_> = statuses(&inspection)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
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
            "aud",
            "iat",
            "nbf",
            "exp",
            "not_logout_token",
            "azp",
            "sub",
            "nonce",
            "vot",
            "auth_time",
            "at_hash",
            "sid",
            "vtm"
        ]
    );
    for (id, status) in statuses(&inspection) {
        assert_eq!(status, "pass", "{id}");
    }
    assert!(inspection.checks.iter().all(|c| !c.unverified));
    Ok(())
}

#[test]
fn a_tampered_signature_fails_only_the_signature_and_marks_claims_unverified() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&id_token_claims());
    // Same header and signature, another payload: the signature no longer covers it.
    let other = issuer.es256(&patch(&id_token_claims(), json!({"sub": "someone-else"})));
    let mut parts: Vec<&str> = token.split('.').collect();
    let other_payload = other.split('.').nth(1).ok_or("payload")?;
    if let Some(p) = parts.get_mut(1) {
        *p = other_payload;
    }
    let tampered = parts.join(".");
    let inspection = inspect_token(&tampered, &id_options(&issuer.keys))?;
    assert_eq!(inspection.verdict(), Verdict::Invalid);
    assert!(!inspection.signature_verified());
    assert_eq!(
        status_of(&inspection, "signature").as_deref(),
        Some("ERR_JWS_SIGNATURE_VERIFICATION_FAILED")
    );
    assert_eq!(status_of(&inspection, "exp").as_deref(), Some("pass"));
    assert_eq!(status_of(&inspection, "kid_found").as_deref(), Some("pass"));
    for check in &inspection.checks {
        assert_eq!(check.unverified, check.id.reads_content(), "{:?}", check.id);
    }
    Ok(())
}

#[test]
fn an_expired_token_fails_exp_and_nothing_else() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&patch(
        &id_token_claims(),
        json!({"iat": NOW - 4000.0, "exp": NOW - 3880.0}),
    ));
    let inspection = inspect_token(&token, &id_options(&issuer.keys))?;
    for (id, status) in statuses(&inspection) {
        let want = if id == "exp" {
            "ERR_JWT_EXPIRED"
        } else {
            "pass"
        };
        assert_eq!(status, want, "{id}");
    }
    Ok(())
}

#[test]
fn a_wrong_nonce_fails_nonce_with_its_claim() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&patch(&id_token_claims(), json!({"nonce": "another"})));
    let inspection = inspect_token(&token, &id_options(&issuer.keys))?;
    let nonce = inspection
        .checks
        .iter()
        .find(|c| c.id.as_str() == "nonce")
        .ok_or("nonce line")?;
    assert_eq!(nonce.claim(), Some("nonce"));
    assert_eq!(short(nonce), "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert_eq!(
        inspection
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Fail(_)))
            .count(),
        1
    );
    Ok(())
}

#[test]
fn missing_inputs_skip_their_checks_and_never_pass() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&id_token_claims());
    let bare = InspectOptions::at(NOW);
    let inspection = inspect_token(&token, &bare)?;
    assert_eq!(inspection.verdict(), Verdict::Incomplete);
    for id in [
        "kid_found",
        "alg_matches_key",
        "signature",
        "iss",
        "aud",
        "nonce",
        "azp",
    ] {
        assert_eq!(status_of(&inspection, id).as_deref(), Some("skip"), "{id}");
    }
    // Optional checks nobody asked for do not make the result incomplete.
    let line = |id: &str| inspection.checks.iter().find(|c| c.id.as_str() == id);
    assert!(matches!(
        line("at_hash").map(|c| &c.status),
        Some(Status::Skipped(Skip::NotRequested(Input::AccessToken)))
    ));
    assert!(matches!(
        line("signature").map(|c| &c.status),
        Some(Status::Skipped(Skip::MissingInput(Input::Keys)))
    ));
    Ok(())
}

#[test]
fn an_unknown_kid_fails_kid_found_and_skips_the_signature() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es.sign(
        &json!({"alg": "ES256", "kid": "unknown"}),
        &id_token_claims(),
    );
    let inspection = inspect_token(&token, &id_options(&issuer.keys))?;
    assert_eq!(
        status_of(&inspection, "kid_found").as_deref(),
        Some("ERR_JWKS_NO_MATCHING_KEY")
    );
    assert_eq!(
        status_of(&inspection, "alg_matches_key").as_deref(),
        Some("skip")
    );
    assert_eq!(status_of(&inspection, "signature").as_deref(), Some("skip"));
    Ok(())
}

#[test]
fn garbage_fails_format_and_skips_the_rest() -> TestResult {
    let inspection = inspect_token("not a token", &InspectOptions::at(NOW))?;
    assert_eq!(inspection.kind, TokenKind::Jwt);
    assert_eq!(
        status_of(&inspection, "format").as_deref(),
        Some("ERR_JWS_INVALID")
    );
    assert!(inspection
        .checks
        .iter()
        .filter(|c| c.id.as_str() != "format")
        .all(|c| matches!(c.status, Status::Skipped(_))));
    Ok(())
}

/// Inspection runs the verifier's own checks, so its first failure is the verifier's error,
/// and it is valid exactly when the verifier accepts the token.
#[test]
fn inspection_agrees_with_verify_id_token() -> TestResult {
    let issuer = Issuer::new()?;
    let c = id_token_claims();
    let es = &issuer.es;
    let tokens = [
        issuer.es256(&c),
        issuer.rs256(&c),
        issuer.es256(&patch(&c, json!({"iss": "https://example.com/"}))),
        issuer.es256(&patch(&c, json!({"aud": "other"}))),
        issuer.es256(&patch(&c, json!({"aud": ["other", CLIENT_ID]}))),
        issuer.es256(&patch(&c, json!({"exp": NOW - 100.0}))),
        issuer.es256(&patch(&c, json!({"iat": NOW + 100.0}))),
        issuer.es256(&patch(&c, json!({"iat": "soon", "exp": NOW - 100.0}))),
        issuer.es256(&patch(&c, json!({"nbf": NOW + 100.0}))),
        issuer.es256(&patch(&c, json!({"sub": null, "iss": "x"}))),
        issuer.es256(&patch(&c, json!({"nonce": null}))),
        issuer.es256(&patch(&c, json!({"vot": "Cl"}))),
        issuer.es256(&patch(&c, json!({"auth_time": NOW - 1000.0}))),
        issuer.es256(&patch(&c, json!({"at_hash": "AAAA"}))),
        issuer.es256(&patch(&c, json!({"sid": 7}))),
        issuer.es256(&patch(&c, json!({"azp": "other"}))),
        es.sign(&json!({"alg": "ES256"}), &c),
        es.sign(&json!({"alg": "RS256", "kid": ES_KID}), &c),
        es.sign(&json!({"alg": "none", "kid": ES_KID}), &c),
        es.sign(&json!({"alg": "ES256", "kid": "nope"}), &c),
        format!("{}x", issuer.es256(&c)),
        "a.b".to_owned(),
    ];
    for token in &tokens {
        let verified = verify_id_token(token, &issuer.keys, &verify_options());
        let options = InspectOptions {
            kind: Some(TokenKind::IdToken),
            ..id_options(&issuer.keys)
        };
        let inspection = inspect_token(token, &options)?;
        match verified {
            Ok(_) => assert_eq!(inspection.verdict(), Verdict::Valid, "{token}"),
            Err(e) => {
                assert_eq!(inspection.verdict(), Verdict::Invalid, "{token}");
                let first = first_failure(&inspection).ok_or("a failure")?;
                assert_eq!(
                    (first.code(), first.claim_name()),
                    (e.code(), e.claim_name()),
                    "{token}"
                );
            }
        }
    }
    Ok(())
}

#[test]
fn a_core_identity_credential_checks_the_did_and_reads_the_names() -> TestResult {
    let id = IdentityIssuer::new(&format!("{DID}#key-1"))?;
    let claims = json!({
        "sub": SUB, "iss": "https://identity.integration.account.gov.uk/", "aud": CLIENT_ID,
        "nbf": NOW - 10.0, "iat": NOW - 10.0, "exp": NOW + 1790.0, "vot": "P2",
        "vc": {"type": ["VerifiableCredential", "IdentityCheckCredential"], "credentialSubject": {
            "name": [{"nameParts": [{"value": "KENNETH", "type": "GivenName"},
                                    {"value": "DECERQUEIRA", "type": "FamilyName"}]}],
            "birthDate": [{"value": "1965-07-08"}]}},
    });
    let token = id.sign(&claims);
    let options = InspectOptions {
        did: Some(&id.did),
        environment: Some(Environment::Integration),
        client_id: Some(CLIENT_ID.into()),
        sub: Some(SUB.into()),
        ..InspectOptions::at(NOW)
    };
    let inspection = inspect_token(&token, &options)?;
    assert_eq!(inspection.kind, TokenKind::CoreIdentity);
    assert_eq!(inspection.verdict(), Verdict::Valid, "{inspection:?}");
    for id in [
        "did_controller",
        "assertion_method",
        "signature",
        "sub",
        "vc",
    ] {
        assert_eq!(status_of(&inspection, id).as_deref(), Some("pass"), "{id}");
    }
    let identity = inspection.identity.ok_or("identity")?;
    assert_eq!(
        identity.current_name.map(|n| n.given_names),
        Some(vec!["KENNETH".to_owned()])
    );
    assert_eq!(identity.birth_dates, ["1965-07-08"]);

    // A kid under another DID fails the controller check; the key checks are then skipped.
    let foreign = id.key.sign(
        &json!({"kid": "did:web:example.com#key-1", "alg": "ES256"}),
        &claims,
    );
    let inspection = inspect_token(&foreign, &options)?;
    assert_eq!(
        status_of(&inspection, "did_controller").as_deref(),
        Some("ERR_JWKS_NO_MATCHING_KEY")
    );
    assert_eq!(status_of(&inspection, "signature").as_deref(), Some("skip"));
    // Without the ID token's sub, that check is not run.
    let no_sub = InspectOptions {
        sub: None,
        ..options
    };
    let inspection = inspect_token(&token, &no_sub)?;
    assert_eq!(status_of(&inspection, "sub").as_deref(), Some("skip"));
    assert_eq!(inspection.verdict(), Verdict::Incomplete);
    Ok(())
}

#[test]
fn a_logout_token_is_recognised_and_a_nonce_in_it_fails() -> TestResult {
    let issuer = Issuer::new()?;
    let claims = json!({
        "iss": "https://oidc.integration.account.gov.uk/", "sub": SUB, "aud": CLIENT_ID,
        "iat": NOW - 5.0, "exp": NOW + 115.0, "jti": "30642c87",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    });
    let header = json!({"kid": ES_KID, "alg": "ES256", "typ": "logout+jwt"});
    let options = InspectOptions {
        keys: Some(&issuer.keys),
        environment: Some(Environment::Integration),
        client_id: Some(CLIENT_ID.into()),
        ..InspectOptions::at(NOW)
    };
    let good = issuer.es.sign(&header, &claims);
    let inspection = inspect_token(&good, &options)?;
    assert_eq!(inspection.kind, TokenKind::LogoutToken);
    assert_eq!(inspection.verdict(), Verdict::Valid);
    for id in ["typ", "events", "jti", "no_nonce"] {
        assert_eq!(status_of(&inspection, id).as_deref(), Some("pass"), "{id}");
    }
    let bad = issuer
        .es
        .sign(&header, &patch(&claims, json!({"nonce": "x"})));
    let inspection = inspect_token(&bad, &options)?;
    let verify = LogoutOptions::new(&Environment::Integration, CLIENT_ID, NOW);
    let err = verify_logout_token(&bad, &issuer.keys, &verify)
        .err()
        .ok_or("refused")?;
    let first = first_failure(&inspection).ok_or("a failure")?;
    assert_eq!(first, &err);
    assert_eq!(
        status_of(&inspection, "no_nonce").as_deref(),
        Some(ErrorCode::ClaimValidationFailed.as_str())
    );
    Ok(())
}

#[test]
fn kinds_are_recognised_from_content() {
    let obj = |v: Value| match v {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    let cases = [
        (
            json!({}),
            json!({"aud": "c", "nonce": "n"}),
            TokenKind::IdToken,
        ),
        (
            json!({"kid": "did:web:x#1"}),
            json!({"aud": "c"}),
            TokenKind::CoreIdentity,
        ),
        (json!({}), json!({"vc": {}}), TokenKind::CoreIdentity),
        (json!({}), json!({"events": {}}), TokenKind::LogoutToken),
        (
            json!({"typ": "logout+jwt"}),
            json!({}),
            TokenKind::LogoutToken,
        ),
        (
            json!({}),
            json!({"scope": ["openid"], "client_id": "c"}),
            TokenKind::AccessToken,
        ),
        (json!({}), json!({"iss": "joe"}), TokenKind::Jwt),
    ];
    for (header, claims, kind) in cases {
        let (header, claims) = (obj(header), obj(claims));
        assert_eq!(detect_kind(Some(&header), Some(&claims)).0, kind);
    }
}
