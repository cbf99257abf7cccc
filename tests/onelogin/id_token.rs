//! ID token rules, one negative per rule.

use crate::fixtures::*;
use govuk_one_login_tokens::onelogin::id_token::at_hash;
use govuk_one_login_tokens::onelogin::{verify_id_token, Environment, IdTokenOptions, NonceCheck};
use govuk_one_login_tokens::ErrorCode;
use serde_json::{json, Value};

fn options() -> IdTokenOptions {
    IdTokenOptions::new(
        &Environment::Integration,
        CLIENT_ID,
        NonceCheck::Expected(NONCE.into()),
        NOW,
    )
}

fn claims() -> Value {
    id_token_claims()
}

#[test]
fn valid_es256_and_rs256_tokens_verify() -> TestResult {
    let issuer = Issuer::new()?;
    let mut opts = options();
    opts.access_token = Some(ACCESS_TOKEN.into());
    opts.max_age = Some(300);
    for token in [issuer.es256(&claims()), issuer.rs256(&claims())] {
        let id = verify_id_token(&token, &issuer.keys, &opts)?;
        assert_eq!(id.vot, "Cl.Cm");
        assert_eq!(id.aud, [CLIENT_ID]);
        assert_eq!(id.nonce.as_deref(), Some(NONCE));
        assert_eq!(id.sid.as_deref(), Some("dX5xv0XgHh6yfD1xy-ss_1EDK0I"));
    }
    Ok(())
}

#[test]
fn header_and_key_rules() -> TestResult {
    let issuer = Issuer::new()?;
    let c = claims();
    let es = &issuer.es;
    let rs = RsaKey::shared();
    let cases = [
        // One Login always sends a kid; without it there is nothing to pick a key by.
        (
            es.sign(&json!({"alg": "ES256"}), &c),
            code(ErrorCode::JwsInvalid),
        ),
        (
            es.sign(&json!({"alg": "HS256", "kid": ES_KID}), &c),
            code(ErrorCode::AlgNotAllowed),
        ),
        (
            es.sign(&json!({"alg": "none", "kid": ES_KID}), &c),
            code(ErrorCode::AlgNotAllowed),
        ),
        (
            rs.sign(&json!({"alg": "PS256", "kid": RS_KID}), &c),
            code(ErrorCode::AlgNotAllowed),
        ),
        (
            es.sign(&json!({"alg": "ES256", "kid": "unknown"}), &c),
            code(ErrorCode::JwksNoMatchingKey),
        ),
        // The header alg must be the key's own alg: RS256 naming the EC key, and back.
        (
            rs.sign(&json!({"alg": "RS256", "kid": ES_KID}), &c),
            code(ErrorCode::JwksNoMatchingKey),
        ),
        (
            es.sign(&json!({"alg": "ES256", "kid": RS_KID}), &c),
            code(ErrorCode::JwksNoMatchingKey),
        ),
        // Signed by the RSA key but claiming the EC key's kid and alg.
        (
            rs.sign(&json!({"alg": "ES256", "kid": ES_KID}), &c),
            code(ErrorCode::SignatureVerificationFailed),
        ),
    ];
    for (i, (token, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            failure(verify_id_token(&token, &issuer.keys, &options())),
            expected,
            "case {i}"
        );
    }
    let other = Issuer::new()?;
    let forged = other.es256(&c);
    assert_eq!(
        failure(verify_id_token(&forged, &issuer.keys, &options())),
        code(ErrorCode::SignatureVerificationFailed)
    );
    Ok(())
}

#[test]
fn each_claim_rule_fails_with_its_claim() -> TestResult {
    let issuer = Issuer::new()?;
    let cases = [
        (
            json!({"iss": "https://oidc.integration.account.gov.uk"}),
            claim("iss"),
        ),
        (json!({"iss": "https://oidc.account.gov.uk/"}), claim("iss")),
        (json!({"iss": null}), claim("iss")),
        (json!({"aud": "another-client"}), claim("aud")),
        (json!({"aud": ["another-client"]}), claim("aud")),
        (json!({"aud": null}), claim("aud")),
        (json!({"aud": [CLIENT_ID, "another-client"]}), claim("azp")),
        (
            json!({"aud": [CLIENT_ID, "another-client"], "azp": "another-client"}),
            claim("azp"),
        ),
        (json!({"azp": "another-client"}), claim("azp")),
        (
            json!({"exp": NOW - 31.0}),
            Some((ErrorCode::JwtExpired, Some("exp".to_owned()))),
        ),
        (json!({"exp": null}), claim("exp")),
        (json!({"exp": "9999999999"}), claim("exp")),
        (json!({"iat": NOW + 31.0}), claim("iat")),
        (json!({"iat": null}), claim("iat")),
        (json!({"sub": null}), claim("sub")),
        (json!({"sub": 12}), claim("sub")),
        (json!({"nonce": "another-nonce"}), claim("nonce")),
        (json!({"nonce": null}), claim("nonce")),
        (json!({"vot": "Cl"}), claim("vot")),
        (json!({"vot": "Cl.Cm.P2"}), claim("vot")),
        (json!({"vot": null}), claim("vot")),
        (json!({"auth_time": "yesterday"}), claim("auth_time")),
        (json!({"at_hash": 5}), claim("at_hash")),
    ];
    assert_claim_changes(
        &claims(),
        cases,
        |c| issuer.es256(c),
        |token| verify_id_token(token, &issuer.keys, &options()),
    );
    Ok(())
}

#[test]
fn several_audiences_pass_with_azp() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&patch(
        &claims(),
        json!({"aud": ["another-client", CLIENT_ID], "azp": CLIENT_ID}),
    ));
    assert!(verify_id_token(&token, &issuer.keys, &options()).is_ok());
    Ok(())
}

#[test]
fn time_boundaries_use_the_clock_tolerance() -> TestResult {
    let issuer = Issuer::new()?;
    for (changes, ok) in [
        (json!({"exp": NOW - 29.0}), true),
        (json!({"exp": NOW - 30.0}), false),
        (json!({"iat": NOW + 30.0}), true),
        (json!({"iat": NOW + 31.0}), false),
    ] {
        let token = issuer.es256(&patch(&claims(), changes.clone()));
        assert_eq!(
            verify_id_token(&token, &issuer.keys, &options()).is_ok(),
            ok,
            "{changes}"
        );
    }
    let mut strict = options();
    strict.clock_tolerance = 0.0;
    let token = issuer.es256(&patch(&claims(), json!({"exp": NOW})));
    assert_eq!(
        failure(verify_id_token(&token, &issuer.keys, &strict)),
        Some((ErrorCode::JwtExpired, Some("exp".to_owned())))
    );
    Ok(())
}

#[test]
fn checks_run_in_the_documented_order() -> TestResult {
    let issuer = Issuer::new()?;
    // iss, aud, exp, iat, nonce, vot, auth_time, at_hash: each pair fails on the earlier.
    let all_wrong = json!({
        "iss": "https://example.com/", "aud": "x", "exp": NOW - 100.0, "iat": NOW + 100.0,
        "nonce": "x", "vot": "Cl", "auth_time": 0, "at_hash": "x",
    });
    let order = [
        "iss",
        "aud",
        "exp",
        "iat",
        "nonce",
        "vot",
        "auth_time",
        "at_hash",
    ];
    let mut opts = options();
    opts.max_age = Some(300);
    opts.access_token = Some(ACCESS_TOKEN.into());
    for (i, name) in order.iter().enumerate() {
        let mut changes = serde_json::Map::new();
        for later in order.iter().skip(i) {
            if let Some(v) = all_wrong.get(*later) {
                changes.insert((*later).to_owned(), v.clone());
            }
        }
        let token = issuer.es256(&patch(&claims(), Value::Object(changes)));
        let got = failure(verify_id_token(&token, &issuer.keys, &opts));
        assert_eq!(got.and_then(|g| g.1).as_deref(), Some(*name));
    }
    Ok(())
}

#[test]
fn nonce_opt_out_is_explicit() -> TestResult {
    let issuer = Issuer::new()?;
    let mut opts = options();
    opts.nonce = NonceCheck::NotRequested;
    let without = issuer.es256(&patch(&claims(), json!({"nonce": null})));
    assert!(verify_id_token(&without, &issuer.keys, &opts).is_ok());
    // A nonce nobody asked for means the token belongs to another request.
    let with = issuer.es256(&claims());
    assert_eq!(
        failure(verify_id_token(&with, &issuer.keys, &opts)),
        claim("nonce")
    );
    Ok(())
}

#[test]
fn vot_follows_the_requested_vtr() -> TestResult {
    let issuer = Issuer::new()?;
    for (vtr, vot, ok) in [
        (r#"["Cl.Cm.P2"]"#, "Cl.Cm", true),
        ("Cl.Cm.P2", "Cl.Cm", true),
        ("Cm.Cl", "Cl.Cm", true),
        (r#"["Cl"]"#, "Cl", true),
        (r#"["Cl"]"#, "Cl.Cm", false),
        (r#"["Cl.Cm","Cl"]"#, "Cl", true),
        (r#"["Cl.Cm","Cl"]"#, "Cl.Cm", false),
        ("Cl.Cm.P2", "P2", false),
    ] {
        let mut opts = options();
        opts.vtr = Some(vtr.into());
        let token = issuer.es256(&patch(&claims(), json!({"vot": vot})));
        let got = failure(verify_id_token(&token, &issuer.keys, &opts));
        assert_eq!(got, if ok { None } else { claim("vot") }, "{vtr} {vot}");
    }
    Ok(())
}

#[test]
fn auth_time_is_checked_with_max_age() -> TestResult {
    let issuer = Issuer::new()?;
    let mut opts = options();
    opts.max_age = Some(300);
    for (auth_time, expected) in [
        (json!(NOW - 330.0), None),
        (json!(NOW - 331.0), claim("auth_time")),
        (Value::Null, claim("auth_time")),
    ] {
        let token = issuer.es256(&patch(&claims(), json!({"auth_time": auth_time})));
        assert_eq!(
            failure(verify_id_token(&token, &issuer.keys, &opts)),
            expected,
            "{auth_time}"
        );
    }
    // Without max_age an old or missing auth_time is not a reason to refuse.
    let old = issuer.es256(&patch(&claims(), json!({"auth_time": 0})));
    assert!(verify_id_token(&old, &issuer.keys, &options()).is_ok());
    Ok(())
}

#[test]
fn at_hash_is_checked_with_an_access_token() -> TestResult {
    let issuer = Issuer::new()?;
    let mut opts = options();
    opts.access_token = Some(ACCESS_TOKEN.into());
    let other = at_hash("another access token");
    let cases = [
        (json!({}), None),
        (json!({"at_hash": other}), claim("at_hash")),
        (json!({"at_hash": null}), claim("at_hash")),
    ];
    assert_claim_changes(
        &claims(),
        cases,
        |c| issuer.es256(c),
        |token| verify_id_token(token, &issuer.keys, &opts),
    );
    // The left half of SHA-256, base64url: 16 bytes, 22 characters.
    assert_eq!(at_hash(ACCESS_TOKEN).len(), 22);
    Ok(())
}

#[test]
fn bad_options_are_argument_errors() -> TestResult {
    let issuer = Issuer::new()?;
    let token = issuer.es256(&claims());
    let mut cases: Vec<IdTokenOptions> = Vec::new();
    for change in 0..7 {
        let mut o = options();
        match change {
            0 => o.client_id = String::new(),
            1 => o.issuer = String::new(),
            2 => o.nonce = NonceCheck::Expected(String::new()),
            3 => o.vtr = Some("Cl.P2".into()),
            4 => o.access_token = Some("ünïcode".into()),
            5 => o.now = f64::NAN,
            _ => o.clock_tolerance = -1.0,
        }
        cases.push(o);
    }
    for (i, o) in cases.iter().enumerate() {
        assert_eq!(
            failure(verify_id_token(&token, &issuer.keys, o)),
            code(ErrorCode::InvalidArgument),
            "case {i}"
        );
    }
    Ok(())
}
