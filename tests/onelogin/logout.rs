//! Back-channel logout tokens.

use crate::fixtures::*;
use govuk_one_login_tokens::onelogin::{verify_logout_token, Environment, LogoutOptions};
use govuk_one_login_tokens::ErrorCode;
use serde_json::{json, Value};

const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

fn options() -> LogoutOptions {
    LogoutOptions::new(&Environment::Integration, CLIENT_ID, NOW)
}

fn claims() -> Value {
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

fn header(typ: Option<&str>) -> Value {
    let h = json!({"kid": ES_KID, "alg": "ES256"});
    match typ {
        Some(typ) => patch(&h, json!({"typ": typ})),
        None => h,
    }
}

#[test]
fn valid_tokens_return_the_jti() -> TestResult {
    let issuer = Issuer::new()?;
    for typ in [Some("logout+jwt"), None, Some("application/logout+jwt")] {
        let token = issuer.es.sign(&header(typ), &claims());
        let logout = verify_logout_token(&token, &issuer.keys, &options())?;
        assert_eq!(logout.jti, "30642c87-6167-413f-8ace-f1643c59e398");
        assert!(logout.sub.starts_with("urn:fdc:gov.uk:2022:"));
    }
    Ok(())
}

#[test]
fn header_rules() -> TestResult {
    let issuer = Issuer::new()?;
    let typ_jwt = issuer.es.sign(&header(Some("JWT")), &claims());
    assert_eq!(
        failure(verify_logout_token(&typ_jwt, &issuer.keys, &options())),
        claim("typ")
    );
    // One Login signs logout tokens with ES256 only, even for RS256 clients.
    let rs = issuer.rs256(&claims());
    assert_eq!(
        failure(verify_logout_token(&rs, &issuer.keys, &options())),
        code(ErrorCode::AlgNotAllowed)
    );
    let no_kid = issuer.es.sign(&json!({"alg": "ES256"}), &claims());
    assert_eq!(
        failure(verify_logout_token(&no_kid, &issuer.keys, &options())),
        code(ErrorCode::JwsInvalid)
    );
    Ok(())
}

#[test]
fn each_claim_rule_fails_with_its_claim() -> TestResult {
    let issuer = Issuer::new()?;
    let cases = [
        (json!({"iss": "https://oidc.account.gov.uk/"}), claim("iss")),
        (json!({"aud": "another-client"}), claim("aud")),
        (json!({"iat": null}), claim("iat")),
        (json!({"iat": NOW + 31.0}), claim("iat")),
        (json!({"exp": null}), claim("exp")),
        (
            json!({"exp": NOW - 30.0}),
            Some((ErrorCode::JwtExpired, Some("exp".to_owned()))),
        ),
        (json!({"sub": null}), claim("sub")),
        (json!({"jti": null}), claim("jti")),
        (json!({"jti": ""}), claim("jti")),
        (json!({"jti": 7}), claim("jti")),
        (json!({"events": null}), claim("events")),
        (json!({"events": []}), claim("events")),
        (json!({"events": {}}), claim("events")),
        (json!({"events": {EVENT: {"extra": 1}}}), claim("events")),
        (json!({"events": {EVENT: null}}), claim("events")),
        (
            json!({"events": {EVENT: {}, "urn:other": {}}}),
            claim("events"),
        ),
        (
            json!({"events": {"http://schemas.openid.net/event/backchannel-logout/": {}}}),
            claim("events"),
        ),
        (json!({"nonce": "n-0S6_WzA2Mj"}), claim("nonce")),
    ];
    assert_claim_changes(
        &claims(),
        cases,
        |c| issuer.es256(c),
        |token| verify_logout_token(token, &issuer.keys, &options()),
    );
    Ok(())
}

#[test]
fn bad_options_are_argument_errors() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&claims());
    let mut opts = options();
    opts.client_id = String::new();
    assert_eq!(
        failure(verify_logout_token(&token, &issuer.keys, &opts)),
        code(ErrorCode::InvalidArgument)
    );
    let mut opts = options();
    opts.now = -1.0;
    assert_eq!(
        failure(verify_logout_token(&token, &issuer.keys, &opts)),
        code(ErrorCode::InvalidArgument)
    );
    Ok(())
}
