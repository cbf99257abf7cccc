//! Issue 22's findings 1 and 4–8, in the core: each test fails on the code before the fix.

use crate::fixtures::*;
use govuk_one_login_tokens::limits::{
    MAX_CALLBACK_SIZE, MAX_DOCUMENT_SIZE, MAX_JTI_LENGTH, MAX_LOGOUT_BODY_SIZE,
    MAX_LOGOUT_TOKEN_LIFETIME,
};
use govuk_one_login_tokens::onelogin::back_channel::MAX_REPLAY_TTL_SECONDS;
use govuk_one_login_tokens::onelogin::endpoint_url::check_endpoint_url;
use govuk_one_login_tokens::onelogin::{
    build_authorization_url, build_logout_url, check_access_token, check_token_response,
    logout_token_from_body, parse_callback, parse_discovery, replay_ttl_seconds, verify_id_token,
    verify_logout_token, AuthorizationRequest, DidDocument, Environment, EnvironmentSpec,
    IdTokenOptions, LogoutOptions, LogoutUrlOptions, NonceCheck,
};
use govuk_one_login_tokens::{ErrorCode, KeySet, DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE};
use serde_json::{json, Value};

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

fn logout_claims() -> Value {
    json!({
        "iss": "https://oidc.integration.account.gov.uk/",
        "sub": "urn:fdc:gov.uk:2022:56P4CMsGh_02YOlWpd8PAOI-2sVlB2nsNU7mcLZYhYw=",
        "aud": CLIENT_ID,
        "iat": NOW - 5.0,
        "exp": NOW + 115.0,
        "jti": "30642c87-6167-413f-8ace-f1643c59e398",
        "events": {EVENT: {}},
    })
}

fn logout_options() -> LogoutOptions {
    LogoutOptions::new(&Environment::Integration, CLIENT_ID, NOW)
}

fn id_options() -> IdTokenOptions {
    IdTokenOptions::new(
        &Environment::Integration,
        CLIENT_ID,
        NonceCheck::Expected(NONCE.into()),
        NOW,
    )
}

fn logout_token(issuer: &Issuer, header: Value, claims: &Value) -> String {
    issuer.es.sign(&header, claims)
}

// --- finding 1: the core refuses oversized input by the same caps as the wrapper -------------

#[test]
fn finding_1_the_core_refuses_every_oversized_input_by_its_cap() {
    let over = |cap: usize| "A".repeat(cap + 1);
    assert_eq!(
        error_code(KeySet::from_json(&over(MAX_DOCUMENT_SIZE))),
        Some(ErrorCode::JwksInvalid)
    );
    // Valid JSON just over the cap is refused by size, not parsed.
    let padded = format!(
        "{{\"keys\":[],\"pad\":\"{}\"}}",
        "x".repeat(MAX_DOCUMENT_SIZE)
    );
    assert_eq!(
        error_code(KeySet::from_json(&padded)),
        Some(ErrorCode::JwksInvalid)
    );
    assert_eq!(
        error_code(DidDocument::from_json(&over(MAX_DOCUMENT_SIZE))),
        Some(ErrorCode::JwksInvalid)
    );
    assert_eq!(
        error_code(parse_discovery(
            &over(MAX_DOCUMENT_SIZE),
            "https://oidc.integration.account.gov.uk/"
        )),
        Some(ErrorCode::JwksFetchFailed)
    );
    // A body made only of a token-shaped value, and a form, each just over the cap.
    let body = format!("logout_token={}", "A".repeat(MAX_LOGOUT_BODY_SIZE));
    assert_eq!(
        error_code(logout_token_from_body(&body)),
        Some(ErrorCode::JwtInvalid)
    );
    let ok_body = format!("logout_token={}", "a.b.c");
    assert_eq!(
        logout_token_from_body(&ok_body).ok().as_deref(),
        Some("a.b.c")
    );
    let callback = format!("/callback?code=c&state={}", "s".repeat(MAX_CALLBACK_SIZE));
    assert_eq!(
        error_code(parse_callback(&callback, None)),
        Some(ErrorCode::OAuthAuthorizationError)
    );
    // Multi-byte text is measured in UTF-8 bytes: a third of the cap in '€' is at the cap.
    let euros = "€".repeat(MAX_CALLBACK_SIZE / 3 + 1);
    assert_eq!(
        error_code(parse_callback(&euros, None)),
        Some(ErrorCode::OAuthAuthorizationError)
    );
}

// --- finding 4: no token verifies as another kind ---------------------------------------------

#[test]
fn finding_4_an_id_token_refuses_a_logout_typ_and_an_events_claim() -> TestResult {
    let issuer = Issuer::new()?;
    let good = id_token_claims();
    assert!(verify_id_token(&issuer.es256(&good), &issuer.keys, &id_options()).is_ok());
    for typ in ["logout+jwt", "application/logout+jwt", "Logout+JWT"] {
        let token = issuer
            .es
            .sign(&json!({"alg": "ES256", "kid": ES_KID, "typ": typ}), &good);
        assert_eq!(
            failure(verify_id_token(&token, &issuer.keys, &id_options())),
            claim("typ"),
            "{typ}"
        );
    }
    let with_events = patch(&good, json!({"events": {EVENT: {}}}));
    assert_eq!(
        failure(verify_id_token(
            &issuer.es256(&with_events),
            &issuer.keys,
            &id_options()
        )),
        claim("events")
    );
    // A typ of JWT (what ID tokens may carry) is still fine.
    let jwt = issuer
        .es
        .sign(&json!({"alg": "ES256", "kid": ES_KID, "typ": "JWT"}), &good);
    assert!(verify_id_token(&jwt, &issuer.keys, &id_options()).is_ok());
    Ok(())
}

#[test]
fn finding_4_a_logout_token_refuses_id_token_only_claims() -> TestResult {
    let issuer = Issuer::new()?;
    let header = json!({"alg": "ES256", "kid": ES_KID, "typ": "logout+jwt"});
    let good = logout_token(&issuer, header.clone(), &logout_claims());
    assert!(verify_logout_token(&good, &issuer.keys, &logout_options()).is_ok());
    for (name, value) in [
        ("vot", json!("Cl.Cm")),
        (
            "vtm",
            json!("https://oidc.integration.account.gov.uk/trustmark"),
        ),
        ("at_hash", json!("x")),
        ("c_hash", json!("x")),
        ("auth_time", json!(NOW - 10.0)),
        ("nonce", json!(NONCE)),
    ] {
        let claims = patch(&logout_claims(), json!({ name: value }));
        let token = logout_token(&issuer, header.clone(), &claims);
        assert_eq!(
            failure(verify_logout_token(&token, &issuer.keys, &logout_options())),
            claim(name),
            "{name}"
        );
    }
    Ok(())
}

// --- finding 5: the replay window covers the accepted lifetime ----------------------------------

#[test]
fn finding_5_a_logout_token_living_longer_than_the_replay_window_is_refused() -> TestResult {
    let issuer = Issuer::new()?;
    let header = json!({"alg": "ES256", "kid": ES_KID, "typ": "logout+jwt"});
    let iat = NOW - 5.0;
    let lifetime = MAX_LOGOUT_TOKEN_LIFETIME as f64;
    let at_bound = patch(&logout_claims(), json!({"exp": iat + lifetime}));
    let verified = verify_logout_token(
        &logout_token(&issuer, header.clone(), &at_bound),
        &issuer.keys,
        &logout_options(),
    )?;
    // Remembered until the token can no longer be accepted: exp plus the tolerance.
    let ttl = replay_ttl_seconds(verified.exp, NOW, DEFAULT_CLOCK_TOLERANCE);
    assert!(NOW + ttl as f64 >= verified.exp + DEFAULT_CLOCK_TOLERANCE);
    for exp in [iat + lifetime + 1.0, iat + 10.0 * 365.0 * 86_400.0] {
        let claims = patch(&logout_claims(), json!({ "exp": exp }));
        assert_eq!(
            failure(verify_logout_token(
                &logout_token(&issuer, header.clone(), &claims),
                &issuer.keys,
                &logout_options()
            )),
            claim("exp"),
            "{exp}"
        );
    }
    // The worst accepted case (iat at the tolerance ahead, the largest tolerance) still fits
    // under the TTL's upper bound, so the bound never shortens a window.
    let worst = NOW + MAX_CLOCK_TOLERANCE + lifetime;
    let ttl = replay_ttl_seconds(worst, NOW, MAX_CLOCK_TOLERANCE);
    assert!(ttl <= MAX_REPLAY_TTL_SECONDS);
    assert!(NOW + ttl as f64 >= worst + MAX_CLOCK_TOLERANCE);
    Ok(())
}

// --- finding 6: configured endpoints obey the URL rule -----------------------------------------

#[test]
fn finding_6_custom_environment_endpoints_obey_the_url_rule() {
    let spec = |authorize: Option<&str>, end_session: Option<&str>| EnvironmentSpec {
        base_url: Some("http://localhost:3000".into()),
        authorize_url: authorize.map(str::to_owned),
        end_session_url: end_session.map(str::to_owned),
        ..EnvironmentSpec::default()
    };
    assert!(Environment::custom(&spec(None, None)).is_ok());
    assert!(Environment::custom(&spec(Some("https://op.example/authorize"), None)).is_ok());
    let option_of = |result: Result<Environment, govuk_one_login_tokens::Error>| {
        result
            .err()
            .filter(|e| e.code() == ErrorCode::InvalidArgument)
            .and_then(|e| e.option_name().map(str::to_owned))
    };
    assert_eq!(
        option_of(Environment::custom(&spec(
            Some("javascript:alert(1)"),
            None
        ))),
        Some("environment.authorizeUrl".to_owned())
    );
    assert_eq!(
        option_of(Environment::custom(&spec(
            None,
            Some("http://evil.example/")
        ))),
        Some("environment.endSessionUrl".to_owned())
    );
    // A base on a remote host over http derives only refused URLs, reported as the base.
    let remote = EnvironmentSpec {
        base_url: Some("http://sim.example:3000".into()),
        ..EnvironmentSpec::default()
    };
    assert_eq!(
        option_of(Environment::custom(&remote)),
        Some("environment.baseUrl".to_owned())
    );
}

#[test]
fn finding_6_authorize_and_logout_urls_refuse_other_schemes() {
    let request = AuthorizationRequest {
        client_id: "YOUR_CLIENT_ID".into(),
        redirect_uri: "https://rp.example/oidc/callback".into(),
        scope: "openid".into(),
        state: "xyzABC123".into(),
        nonce: "aEwkamaos5B".into(),
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        vtr: None,
        claims: None,
        ui_locales: None,
        prompt: None,
        response_mode: None,
        id_token_hint: None,
        max_age: None,
    };
    let refused = |result: Result<String, govuk_one_login_tokens::Error>| {
        result
            .err()
            .and_then(|e| e.option_name().map(str::to_owned))
    };
    assert_eq!(
        refused(build_authorization_url("javascript:alert(1)", &request)),
        Some("authorizeUrl".to_owned())
    );
    assert_eq!(
        refused(build_logout_url(
            "http://evil.example/",
            &LogoutUrlOptions::default()
        )),
        Some("endSessionUrl".to_owned())
    );
    assert!(build_logout_url("http://localhost:3000/logout", &LogoutUrlOptions::default()).is_ok());
    assert!(check_endpoint_url("https://oidc.account.gov.uk/token", "tokenUrl").is_ok());
}

// --- finding 7: strict percent-decoding --------------------------------------------------------

#[test]
fn finding_7_a_percent_sign_needs_two_hex_digits() {
    // `%+1` used to decode to byte 0x01 (from_str_radix takes a sign).
    for bad in ["%+1", "%-1", "%+F", "% 1", "%1 ", "%g0"] {
        let callback = format!("/callback?code={bad}&state=s");
        assert_eq!(
            error_code(parse_callback(&callback, None)),
            Some(ErrorCode::OAuthAuthorizationError),
            "{bad}"
        );
        assert_eq!(
            error_code(logout_token_from_body(&format!(
                "logout_token=a.b{bad}&x=1"
            ))),
            Some(ErrorCode::JwtInvalid),
            "{bad}"
        );
    }
    let decoded = parse_callback("/callback?code=%41%2b%2B&state=s", None)
        .ok()
        .and_then(|p| p.code);
    assert_eq!(decoded.as_deref(), Some("A++"));
}

// --- finding 8: every failure typed --------------------------------------------------------------

#[test]
fn finding_8_an_access_token_that_cannot_be_a_bearer_token_is_refused() {
    for bad in ["tök€n", "a\r\nX-Injected: 1", "a b", "", "=", "a=b"] {
        let refused = check_access_token(bad).err();
        assert_eq!(
            refused.as_ref().map(|e| e.code()),
            Some(ErrorCode::InvalidArgument),
            "{bad:?}"
        );
        assert_eq!(
            refused.as_ref().and_then(|e| e.option_name()),
            Some("accessToken")
        );
    }
    for good in [ACCESS_TOKEN, "SlAV32hkKG", "abc+/==", "a-b_c~d.e"] {
        assert!(check_access_token(good).is_ok(), "{good}");
    }
    let body = json!({"access_token": "tök€n", "id_token": "a.b.c", "token_type": "Bearer"});
    assert_eq!(
        error_code(check_token_response(200, &body.to_string())),
        Some(ErrorCode::OAuthTokenError)
    );
}

#[test]
fn finding_8_a_jti_longer_than_the_replay_store_takes_is_a_claim_error() -> TestResult {
    let issuer = Issuer::new()?;
    let header = json!({"alg": "ES256", "kid": ES_KID, "typ": "logout+jwt"});
    let at_max = patch(&logout_claims(), json!({"jti": "j".repeat(MAX_JTI_LENGTH)}));
    assert!(verify_logout_token(
        &logout_token(&issuer, header.clone(), &at_max),
        &issuer.keys,
        &logout_options()
    )
    .is_ok());
    let long = patch(&logout_claims(), json!({"jti": "j".repeat(2000)}));
    assert_eq!(
        failure(verify_logout_token(
            &logout_token(&issuer, header, &long),
            &issuer.keys,
            &logout_options()
        )),
        claim("jti")
    );
    Ok(())
}
