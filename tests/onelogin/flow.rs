//! The relying-party flow's rules: sign-in transaction and URL, callback, token request and
//! response, userinfo checks and claim views, logout URL, back-channel logout body and replay
//! window, discovery, and the DID document's id.

use crate::fixtures::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::onelogin::id_token::at_hash;
use govuk_one_login_tokens::onelogin::UserinfoClaim;
use govuk_one_login_tokens::onelogin::{
    build_logout_url, check_callback, check_token_response, check_userinfo_response,
    identity_to_verify, logout_token_from_body, parse_callback, parse_discovery,
    replay_ttl_seconds, sign_in, start_sign_in, token_request_body, userinfo_claims,
    verify_token_response, CallbackParams, ClientAssertionOptions, ClientAuthentication,
    ClientConfig, DidDocument, FlowContext, LogoutUrlOptions, RsaSigningKey, SignInOptions,
    SigningAlgorithm, TokenResponse, Transaction,
};
use govuk_one_login_tokens::options::OneLoginClientOptions;
use govuk_one_login_tokens::{ErrorCode, Reason};
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::signature::Verifier;
use serde_json::{json, Map, Value};

const ADDRESS: &str = UserinfoClaim::Address.uri();
const CORE_IDENTITY_JWT: &str = UserinfoClaim::CoreIdentityJwt.uri();
const DRIVING_PERMIT: &str = UserinfoClaim::DrivingPermit.uri();
const PASSPORT: &str = UserinfoClaim::Passport.uri();
const RETURN_CODE: &str = UserinfoClaim::ReturnCode.uri();
const AUTHORIZE: &str = "https://oidc.integration.account.gov.uk/authorize";
const REDIRECT: &str = "https://rp.example/callback";
const ISSUER: &str = "https://oidc.integration.account.gov.uk/";
const ACCESS_TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.access.token";

/// A client at integration, as `OneLoginClient.create` resolves it: a secret, or a key
/// (`kid` `client-key-1`).
fn client(secret: bool) -> ClientConfig {
    let options = if secret {
        json!({"environment": "integration", "clientId": CLIENT_ID, "redirectUri": REDIRECT, "clientSecret": "s3cret"})
    } else {
        json!({"environment": "integration", "clientId": CLIENT_ID, "redirectUri": REDIRECT, "privateKey": "pem", "kid": "client-key-1"})
    };
    serde_json::from_value::<OneLoginClientOptions>(options)
        .map_err(|e| e.to_string())
        .and_then(|o| o.resolve().map_err(|e| e.to_string()))
        .unwrap_or_else(|e| unreachable!("bad test client: {e}"))
}

fn options(value: Value) -> SignInOptions {
    serde_json::from_value(value).unwrap_or_else(|e| unreachable!("bad test options: {e}"))
}

fn query(url: &str) -> Map<String, Value> {
    let q = url.split_once('?').map_or("", |(_, q)| q);
    q.split('&')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| {
            let bytes: Vec<u8> = {
                let mut out = Vec::new();
                let b = v.as_bytes();
                let mut i = 0;
                while let Some(&c) = b.get(i) {
                    if c == b'%' {
                        let hex = std::str::from_utf8(b.get(i + 1..i + 3).unwrap_or_default())
                            .unwrap_or_default();
                        out.push(u8::from_str_radix(hex, 16).unwrap_or_default());
                        i += 3;
                    } else {
                        out.push(c);
                        i += 1;
                    }
                }
                out
            };
            (
                k.to_owned(),
                Value::String(String::from_utf8_lossy(&bytes).into_owned()),
            )
        })
        .collect()
}

fn transaction() -> Transaction {
    Transaction {
        client_id: CLIENT_ID.into(),
        issuer: ISSUER.into(),
        state: "state-123".into(),
        nonce: "nonce-456".into(),
        code_verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".into(),
        redirect_uri: REDIRECT.into(),
        vtr: None,
        max_age: None,
        claims: Vec::new(),
        response_mode: None,
    }
}

fn identity_transaction() -> Transaction {
    Transaction {
        vtr: Some(r#"["Cl.Cm.P2"]"#.into()),
        claims: vec![CORE_IDENTITY_JWT.into(), ADDRESS.into()],
        ..transaction()
    }
}

#[test]
fn sign_in_draws_fresh_values_and_keeps_them_in_the_transaction() -> TestResult {
    let a = start_sign_in(
        &client(false),
        &options(json!({
            "vtr": ["Cl.Cm.P2"], "scope": ["openid", "email"],
            "claims": ["coreIdentityJWT", "address", "https://vocab.account.gov.uk/v1/returnCode"],
            "uiLocales": "cy", "maxAge": 600, "responseMode": "fragment"
        })),
        None,
    )?;
    let b = start_sign_in(&client(false), &SignInOptions::default(), None)?;
    assert_ne!(a.transaction.state, b.transaction.state);
    assert_ne!(a.transaction.nonce, b.transaction.nonce);
    assert_ne!(a.transaction.code_verifier, b.transaction.code_verifier);
    let t = &a.transaction;
    assert_eq!(t.redirect_uri, REDIRECT);
    assert_eq!(t.vtr.as_deref(), Some(r#"["Cl.Cm.P2"]"#));
    assert_eq!(t.max_age, Some(600));
    assert_eq!(t.response_mode.as_deref(), Some("fragment"));
    assert_eq!(
        t.claims,
        vec![
            CORE_IDENTITY_JWT.to_owned(),
            ADDRESS.into(),
            RETURN_CODE.into()
        ]
    );
    let q = query(&a.url);
    assert!(a
        .url
        .starts_with(&format!("{AUTHORIZE}?response_type=code&")));
    assert_eq!(q.get("state"), Some(&json!(t.state)));
    assert_eq!(q.get("nonce"), Some(&json!(t.nonce)));
    assert_eq!(q.get("scope"), Some(&json!("openid email")));
    assert_eq!(q.get("vtr"), Some(&json!(r#"["Cl.Cm.P2"]"#)));
    assert_eq!(q.get("response_mode"), Some(&json!("fragment")));
    assert_eq!(q.get("max_age"), Some(&json!("600")));
    let claims: Value =
        serde_json::from_str(q.get("claims").and_then(Value::as_str).unwrap_or(""))?;
    assert_eq!(
        claims,
        json!({"userinfo": {CORE_IDENTITY_JWT: null, ADDRESS: null, RETURN_CODE: null}})
    );
    assert_eq!(
        q.get("code_challenge"),
        Some(&json!(govuk_one_login_tokens::pkce::challenge(
            &t.code_verifier
        )?))
    );
    // The transaction is plain JSON and reads back the same.
    let text = serde_json::to_string(t)?;
    assert!(text.contains("\"codeVerifier\""), "{text}");
    assert_eq!(&serde_json::from_str::<Transaction>(&text)?, t);
    // Without a vtr there is none in the transaction (One Login's default Cl.Cm applies).
    assert_eq!(b.transaction.vtr, None);
    assert_eq!(query(&b.url).get("scope"), Some(&json!("openid")));
    Ok(())
}

#[test]
fn sign_in_refuses_what_one_login_would_refuse_or_ignore() {
    let long = "x".repeat(4100);
    let cases: Vec<(ClientConfig, Value, &str)> = vec![
        (client(false), json!({"claims": ["address"]}), "claims"),
        (
            client(false),
            json!({"vtr": "Cl.Cm", "claims": ["address"]}),
            "claims",
        ),
        (
            client(false),
            json!({"vtr": "Cl.Cm.P2", "claims": ["name"]}),
            "claims",
        ),
        (client(true), json!({"vtr": ["Cl.Cm.P2"]}), "clientSecret"),
        (
            client(false),
            json!({"idTokenHint": "a.b.c"}),
            "idTokenHint",
        ),
        (
            client(false),
            json!({"requestObject": true}),
            "requestObject",
        ),
        (
            client(false),
            json!({"responseMode": "form_post"}),
            "responseMode",
        ),
        (client(false), json!({"scope": ["openid,email"]}), "scope"),
        (
            client(false),
            json!({"scope": "openid offline_access"}),
            "scope",
        ),
        (
            ClientConfig {
                redirect_uri: None,
                ..client(false)
            },
            json!({}),
            "redirectUri",
        ),
    ];
    for (i, (c, o, option)) in cases.into_iter().enumerate() {
        let err = start_sign_in(&c, &options(o), None).err();
        assert_eq!(
            err.as_ref().map(|e| (e.code(), e.option_name())),
            Some((ErrorCode::InvalidArgument, Some(option))),
            "case {i}: {err:?}"
        );
    }
    // Over One Login's 4096-character query limit: a clear error, not the firewall's 403.
    let err = start_sign_in(&client(false), &options(json!({"uiLocales": long})), None).err();
    assert_eq!(
        err.as_ref().map(|e| e.code()),
        Some(ErrorCode::InvalidArgument)
    );
    assert!(
        err.as_ref().is_some_and(|e| e.message().contains("4096")),
        "{err:?}"
    );
    // offline_access: One Login removed refresh tokens in March 2024, and the message says so.
    let err = start_sign_in(
        &client(false),
        &options(json!({"scope": ["offline_access"]})),
        None,
    )
    .err()
    .map(|e| e.message().to_owned())
    .unwrap_or_default();
    assert!(
        err.contains("refresh tokens") && err.contains("March 2024"),
        "{err}"
    );
    // Unknown option members are refused by name.
    let unknown = serde_json::from_value::<SignInOptions>(json!({"redirectUrl": "x"}));
    assert!(unknown.is_err_and(|e| e.to_string().contains("redirectUrl")));
}

fn signing_key() -> Result<RsaSigningKey, Box<dyn std::error::Error>> {
    Ok(RsaSigningKey::from_pkcs8_pem(
        &RsaKey::shared().private.to_pkcs8_pem(LineEnding::LF)?,
    )?)
}

fn jwt_part(token: &str, index: usize) -> Value {
    token
        .split('.')
        .nth(index)
        .and_then(|p| BASE64URL.decode(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Value::Null)
}

#[test]
fn sign_in_with_a_request_object_sends_only_the_required_query_parameters() -> TestResult {
    let key = signing_key()?;
    let hint = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig";
    let s = start_sign_in(
        &client(false),
        &options(
            json!({"requestObject": true, "prompt": "login", "idTokenHint": hint, "scope": "email"}),
        ),
        Some((&key, 1_700_000_000)),
    )?;
    let q = query(&s.url);
    let names: Vec<&str> = q.keys().map(String::as_str).collect();
    assert_eq!(names, ["client_id", "request", "response_type", "scope"]);
    assert_eq!(q.get("scope"), Some(&json!("openid email")));
    let jar = q.get("request").and_then(Value::as_str).unwrap_or_default();
    assert_eq!(
        jwt_part(jar, 0),
        json!({"alg": "RS256", "kid": "client-key-1"})
    );
    let claims = jwt_part(jar, 1);
    assert_eq!(at(&claims, "aud"), json!(AUTHORIZE));
    assert_eq!(at(&claims, "iss"), json!(CLIENT_ID));
    assert_eq!(at(&claims, "state"), json!(s.transaction.state));
    assert_eq!(at(&claims, "nonce"), json!(s.transaction.nonce));
    assert_eq!(at(&claims, "prompt"), json!("login"));
    assert_eq!(at(&claims, "id_token_hint"), json!(hint));
    assert_eq!(at(&claims, "redirect_uri"), json!(REDIRECT));
    Ok(())
}

#[test]
fn callback_forms_and_checks_in_order() {
    let t = transaction();
    let ok = Ok("the-code".to_owned());
    let state_mismatch = Err(ErrorCode::OAuthStateMismatch);
    let auth_error = Err(ErrorCode::OAuthAuthorizationError);
    type Case<'a> = (&'a str, Option<&'a str>, bool, Result<String, ErrorCode>);
    let cases: Vec<Case> = vec![
        (
            "https://rp.example/callback?code=the-code&state=state-123",
            None,
            true,
            ok.clone(),
        ),
        (
            "/callback?state=state-123&code=the-code",
            None,
            true,
            ok.clone(),
        ),
        ("?code=the-code&state=state-123", None, true, ok.clone()),
        ("code=the-code&state=state-123", None, true, ok.clone()),
        (
            "/cb?code=the%2Dcode&state=state%2D123#ignored",
            None,
            true,
            ok.clone(),
        ),
        (
            "https://rp.example/callback#code=the-code&state=state-123",
            Some("fragment"),
            true,
            ok.clone(),
        ),
        (
            "https://rp.example/callback?code=the-code&state=state-123",
            Some("fragment"),
            true,
            state_mismatch.clone(),
        ),
        (
            "/callback?code=the-code&state=state-123",
            None,
            false,
            state_mismatch.clone(),
        ),
        (
            "/callback?code=the-code&state=state-124",
            None,
            true,
            state_mismatch.clone(),
        ),
        (
            "/callback?code=the-code",
            None,
            true,
            state_mismatch.clone(),
        ),
        (
            "/callback?code=the-code&state=",
            None,
            true,
            state_mismatch.clone(),
        ),
        (
            "/callback?code=the-code&state=state-123&state=state-123",
            None,
            true,
            state_mismatch.clone(),
        ),
        ("/callback", None, true, state_mismatch.clone()),
        // A wrong state hides the error: an unbound error is not this sign-in's.
        (
            "/callback?error=access_denied&state=other",
            None,
            true,
            state_mismatch.clone(),
        ),
        (
            "/callback?error=access_denied&state=state-123",
            None,
            true,
            auth_error.clone(),
        ),
        ("/callback?state=state-123", None, true, auth_error.clone()),
        (
            "/callback?code=a&code=b&state=state-123",
            None,
            true,
            auth_error.clone(),
        ),
        (
            "/callback?code=%zz&state=state-123",
            None,
            true,
            auth_error.clone(),
        ),
    ];
    for (i, (input, mode, with_transaction, expected)) in cases.into_iter().enumerate() {
        let got = parse_callback(input, mode)
            .and_then(|p| check_callback(&p, with_transaction.then_some(&t)))
            .map_err(|e| e.code());
        assert_eq!(got, expected, "case {i}: {input}");
    }
}

#[test]
fn an_authorization_error_carries_what_one_login_said() {
    for error in [
        "access_denied",
        "login_required",
        "temporarily_unavailable",
        "invalid_request",
        "server_error",
    ] {
        let p = CallbackParams {
            state: Some("state-123".into()),
            error: Some(error.into()),
            error_description: Some("Request vtr is not permitted".into()),
            code: None,
        };
        let err = check_callback(&p, Some(&transaction())).err();
        let detail = err.as_ref().and_then(|e| e.oauth());
        assert_eq!(
            err.as_ref().map(|e| e.code()),
            Some(ErrorCode::OAuthAuthorizationError)
        );
        assert_eq!(detail.and_then(|d| d.error.as_deref()), Some(error));
        assert_eq!(
            detail.and_then(|d| d.error_description.as_deref()),
            Some("Request vtr is not permitted")
        );
    }
    // A `+` in a redirected description is a space.
    let p = parse_callback(
        "/cb?error=invalid_request&error_description=Request+vtr+not+valid&state=s",
        None,
    );
    assert_eq!(
        p.ok().and_then(|p| p.error_description),
        Some("Request vtr not valid".into())
    );
}

fn form(body: &str) -> Value {
    Value::Object(query(&format!("?{body}")))
}

/// A member of a JSON value, `null` when absent.
fn at(value: &Value, name: &str) -> Value {
    value.get(name).cloned().unwrap_or(Value::Null)
}

#[test]
fn token_request_bodies() -> TestResult {
    let key = signing_key()?;
    let t = transaction();
    for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"] {
        let mut assertion = ClientAssertionOptions::new(CLIENT_ID, ISSUER, 1_700_000_000);
        assertion.alg = SigningAlgorithm::from_name(alg)?;
        let body = token_request_body(
            "the code",
            &t,
            &ClientAuthentication::PrivateKeyJwt {
                key: &key,
                assertion,
            },
        )?;
        let f = form(&body);
        assert_eq!(at(&f, "grant_type"), json!("authorization_code"));
        assert_eq!(at(&f, "code"), json!("the code"));
        assert_eq!(at(&f, "redirect_uri"), json!(REDIRECT));
        assert_eq!(at(&f, "code_verifier"), json!(t.code_verifier));
        assert_eq!(
            at(&f, "client_assertion_type"),
            json!("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
        );
        assert!(f.get("client_secret").is_none());
        let assertion = at(&f, "client_assertion");
        let assertion = assertion.as_str().unwrap_or_default();
        assert_eq!(at(&jwt_part(assertion, 0), "alg"), json!(alg));
        let claims = jwt_part(assertion, 1);
        assert_eq!(at(&claims, "aud"), json!(ISSUER));
        assert_eq!(
            (at(&claims, "iss").clone(), at(&claims, "sub").clone()),
            (json!(CLIENT_ID), json!(CLIENT_ID))
        );
        assert!(at(&claims, "jti").as_str().is_some_and(|j| j.len() >= 32));
        verify_rsa(alg, assertion)?;
    }
    // Two assertions never share a jti.
    let jti = || -> Result<Value, Box<dyn std::error::Error>> {
        let body = token_request_body(
            "c",
            &t,
            &ClientAuthentication::PrivateKeyJwt {
                key: &key,
                assertion: ClientAssertionOptions::new(CLIENT_ID, ISSUER, 1_700_000_000),
            },
        )?;
        let assertion = at(&form(&body), "client_assertion");
        Ok(at(
            &jwt_part(assertion.as_str().unwrap_or_default(), 1),
            "jti",
        ))
    };
    assert_ne!(jti()?, jti()?);

    let secret = ClientAuthentication::ClientSecretPost {
        client_id: CLIENT_ID,
        client_secret: "s3cret&=",
    };
    let f = form(&token_request_body("c", &t, &secret)?);
    assert_eq!(at(&f, "client_id"), json!(CLIENT_ID));
    assert_eq!(at(&f, "client_secret"), json!("s3cret&="));
    assert!(f.get("client_assertion").is_none());
    // One Login refuses client_secret_post for identity.
    let err = token_request_body("c", &identity_transaction(), &secret).err();
    assert_eq!(
        err.as_ref().and_then(|e| e.option_name()),
        Some("clientSecret")
    );
    Ok(())
}

fn verify_rsa(alg: &str, token: &str) -> TestResult {
    let public = RsaKey::shared().private.to_public_key();
    let (input, sig) = token.rsplit_once('.').unwrap_or_default();
    let sig = BASE64URL.decode(sig).map_err(|e| format!("{e:?}"))?;
    let sig = sig.as_slice();
    let msg = input.as_bytes();
    use sha2::{Sha256, Sha384, Sha512};
    match alg {
        "RS256" => {
            rsa::pkcs1v15::VerifyingKey::<Sha256>::new(public).verify(msg, &sig.try_into()?)?
        }
        "RS384" => {
            rsa::pkcs1v15::VerifyingKey::<Sha384>::new(public).verify(msg, &sig.try_into()?)?
        }
        "RS512" => {
            rsa::pkcs1v15::VerifyingKey::<Sha512>::new(public).verify(msg, &sig.try_into()?)?
        }
        "PS256" => rsa::pss::VerifyingKey::<Sha256>::new(public).verify(msg, &sig.try_into()?)?,
        "PS384" => rsa::pss::VerifyingKey::<Sha384>::new(public).verify(msg, &sig.try_into()?)?,
        "PS512" => rsa::pss::VerifyingKey::<Sha512>::new(public).verify(msg, &sig.try_into()?)?,
        other => unreachable!("{other}"),
    }
    Ok(())
}

#[test]
fn token_responses() {
    let good = r#"{"access_token":"at","token_type":"Bearer","expires_in":180,"id_token":"a.b.c"}"#;
    assert_eq!(
        check_token_response(200, good).ok(),
        Some(TokenResponse {
            access_token: "at".into(),
            id_token: "a.b.c".into(),
            expires_in: Some(180.0)
        })
    );
    let lower = r#"{"access_token":"at","token_type":"bearer","id_token":"a.b.c"}"#;
    assert!(check_token_response(200, lower).is_ok());
    let cases: Vec<(u16, &str, Option<&str>)> = vec![
        (
            400,
            r#"{"error":"invalid_grant","error_description":"Invalid grant"}"#,
            Some("invalid_grant"),
        ),
        (
            401,
            r#"{"error":"invalid_client","error_description":"Client authentication failed"}"#,
            Some("invalid_client"),
        ),
        (500, "Internal server error", None),
        (200, "<!DOCTYPE html><html></html>", None),
        (200, "[]", None),
        (
            200,
            r#"{"access_token":"at","token_type":"DPoP","id_token":"a.b.c"}"#,
            None,
        ),
        (200, r#"{"access_token":"at","id_token":"a.b.c"}"#, None),
        (200, r#"{"access_token":"at","token_type":"Bearer"}"#, None),
        (
            200,
            r#"{"access_token":"at","token_type":"Bearer","id_token":""}"#,
            None,
        ),
        (200, r#"{"token_type":"Bearer","id_token":"a.b.c"}"#, None),
        (
            200,
            r#"{"access_token":5,"token_type":"Bearer","id_token":"a.b.c"}"#,
            None,
        ),
    ];
    for (i, (status, body, error)) in cases.into_iter().enumerate() {
        let err = check_token_response(status, body).err();
        assert_eq!(
            err.as_ref().map(|e| e.code()),
            Some(ErrorCode::OAuthTokenError),
            "case {i}"
        );
        let detail = err.as_ref().and_then(|e| e.oauth());
        assert_eq!(detail.and_then(|d| d.status), Some(status), "case {i}");
        assert_eq!(detail.and_then(|d| d.error.as_deref()), error, "case {i}");
    }
}

fn id_claims(t: &Transaction) -> Value {
    json!({
        "iss": ISSUER, "aud": CLIENT_ID, "sub": "urn:fdc:gov.uk:2022:user",
        "iat": NOW as u64, "exp": NOW as u64 + 120, "nonce": t.nonce, "vot": "Cl.Cm",
        "at_hash": at_hash(ACCESS_TOKEN), "auth_time": NOW as u64 - 10,
        "vtm": "https://oidc.integration.account.gov.uk/trustmark", "sid": "s"
    })
}

#[test]
fn the_id_token_is_checked_against_the_transaction() -> TestResult {
    let issuer = Issuer::new()?;
    let context = FlowContext {
        issuer: ISSUER.into(),
        client_id: CLIENT_ID.into(),
        now: NOW,
        clock_tolerance: 30.0,
    };
    let t = Transaction {
        max_age: Some(60),
        ..identity_transaction()
    };
    let response = |claims: &Value| TokenResponse {
        access_token: ACCESS_TOKEN.into(),
        id_token: issuer.es256(claims),
        expires_in: Some(180.0),
    };
    let verified = verify_token_response(&response(&id_claims(&t)), &issuer.keys, &t, &context)?;
    assert_eq!(verified.sub, "urn:fdc:gov.uk:2022:user");
    let cases = vec![
        (json!({"nonce": "another"}), claim("nonce")),
        (json!({"aud": "another-client"}), claim("aud")),
        (json!({"at_hash": at_hash("another")}), claim("at_hash")),
        (json!({"vot": "Cl"}), claim("vot")),
        (json!({"auth_time": NOW as u64 - 1000}), claim("auth_time")),
        (json!({"iss": "https://oidc.account.gov.uk/"}), claim("iss")),
    ];
    for (i, (change, expected)) in cases.into_iter().enumerate() {
        let got = verify_token_response(
            &response(&patch(&id_claims(&t), change)),
            &issuer.keys,
            &t,
            &context,
        );
        assert_eq!(failure(got), expected, "case {i}");
    }
    Ok(())
}

const SUB: &str = "urn:fdc:gov.uk:2022:56P4CMsGh_02YOlWpd8PAOI-2sVlB2nsNU7mcLZYhYw=";

#[test]
fn userinfo_responses() {
    let ok = format!(r#"{{"sub":"{SUB}","email":"a@b.c"}}"#);
    assert!(check_userinfo_response(200, None, &ok, SUB).is_ok());
    let err = check_userinfo_response(
        401,
        Some(r#"Bearer error="invalid_token", error_description="Invalid access token""#),
        "",
        SUB,
    )
    .err();
    let detail = err.as_ref().and_then(|e| e.oauth());
    assert_eq!(
        err.as_ref().map(|e| e.code()),
        Some(ErrorCode::OAuthUserinfoError)
    );
    assert_eq!(
        detail.and_then(|d| d.error.as_deref()),
        Some("invalid_token")
    );
    assert_eq!(
        detail.and_then(|d| d.error_description.as_deref()),
        Some("Invalid access token")
    );
    assert_eq!(detail.and_then(|d| d.status), Some(401));
    // A bare challenge, a token68-free header with commas in a quoted value.
    let err = check_userinfo_response(401, Some("Bearer"), "", SUB).err();
    assert_eq!(
        err.as_ref()
            .and_then(|e| e.oauth())
            .and_then(|d| d.error.clone()),
        None
    );
    let detail = govuk_one_login_tokens::onelogin::userinfo::parse_www_authenticate(
        r#"Bearer realm="a, b", error=invalid_scope, error_description="say \"no\"""#,
    );
    assert_eq!(detail.error.as_deref(), Some("invalid_scope"));
    assert_eq!(detail.error_description.as_deref(), Some("say \"no\""));

    let sub_mismatch = check_userinfo_response(200, None, r#"{"sub":"someone-else"}"#, SUB).err();
    assert_eq!(
        sub_mismatch
            .as_ref()
            .map(|e| (e.code(), e.claim_name(), e.reason())),
        Some((
            ErrorCode::OAuthUserinfoError,
            Some("sub"),
            Some(Reason::SubMismatch)
        ))
    );
    assert_eq!(Reason::SubMismatch.as_str(), "sub_mismatch");
    for (status, body) in [
        (500, "oops"),
        (200, "<html>"),
        (200, "[]"),
        (200, "{}"),
        (200, r#"{"sub":5}"#),
    ] {
        let err = check_userinfo_response(status, None, body, SUB).err();
        assert_eq!(
            err.map(|e| e.code()),
            Some(ErrorCode::OAuthUserinfoError),
            "{status} {body}"
        );
    }
}

fn userinfo(extra: Value) -> Map<String, Value> {
    let Value::Object(map) = patch(&json!({"sub": SUB}), extra) else {
        unreachable!("object")
    };
    map
}

#[test]
fn userinfo_claim_views() -> TestResult {
    // The reference's full example plus the onboarding examples' two-address history.
    let u = userinfo(json!({
        "email": "test@example.com", "email_verified": true,
        "phone_number": "+447700900123", "phone_number_verified": true,
        "wallet_subject_id": "urn:fdc:wallet.account.gov.uk:2024:3c_jJtXcLttICSNrkW7M1vO2_w-SMDm2nrHsZpWQQ9",
        CORE_IDENTITY_JWT: "eyJ.x.y",
        ADDRESS: [
            {"uprn":130010311,"buildingName":"","streetName":"MURRAY SQUARE","postalCode":"IV54 8YE","buildingNumber":"3","dependentAddressLocality":"LOCHCARRON","addressLocality":"STRATHCARRON","addressCountry":"GB","validFrom":"2024-01-01","subBuildingName":""},
            {"uprn":10009163839u64,"buildingName":"GLANTAF","streetName":"","postalCode":"SA33 4EJ","buildingNumber":"","dependentAddressLocality":"SANCLER","addressLocality":"CAERFYRDDIN","addressCountry":"GB","validUntil":"2024-01-01","subBuildingName":"FLAT 1"}
        ],
        PASSPORT: [{"documentNumber":"123456789","icaoIssuerCode":"GBR","expiryDate":"2029-02-02"}],
        DRIVING_PERMIT: [{"personalNumber":"33622273","expiryDate":"2026-07-28","issueDate":"2020-02-13","issuedBy":"DVA","fullAddress":"87 CARNHILL DERRY BT48 8BE","somethingNew":1}],
        RETURN_CODE: [{"code":"A"},{"code":"Z"}],
        "unknown_member": {"kept": true}
    }));
    let v = userinfo_claims(&u)?;
    assert_eq!(v.email.as_deref(), Some("test@example.com"));
    assert_eq!(v.email_verified, Some(true));
    assert_eq!(v.phone_number.as_deref(), Some("+447700900123"));
    assert_eq!(v.phone_number_verified, Some(true));
    assert!(v
        .wallet_subject_id
        .as_deref()
        .is_some_and(|w| w.starts_with("urn:fdc:wallet")));
    assert_eq!(v.core_identity_jwt.as_deref(), Some("eyJ.x.y"));
    let view = serde_json::to_value(&v)?;
    assert_eq!(
        at(&view, "addresses"),
        json!([
            {"uprn":130010311,"streetName":"MURRAY SQUARE","postalCode":"IV54 8YE","buildingNumber":"3","dependentAddressLocality":"LOCHCARRON","addressLocality":"STRATHCARRON","addressCountry":"GB","validFrom":"2024-01-01","current":true},
            {"uprn":10009163839u64,"buildingName":"GLANTAF","postalCode":"SA33 4EJ","dependentAddressLocality":"SANCLER","addressLocality":"CAERFYRDDIN","addressCountry":"GB","validUntil":"2024-01-01","subBuildingName":"FLAT 1","current":false}
        ])
    );
    assert_eq!(
        at(&view, "passports"),
        json!([{"documentNumber":"123456789","icaoIssuerCode":"GBR","expiryDate":"2029-02-02"}])
    );
    assert_eq!(
        at(&view, "drivingPermits"),
        json!([{"personalNumber":"33622273","expiryDate":"2026-07-28","issueDate":"2020-02-13","issuedBy":"DVA","fullAddress":"87 CARNHILL DERRY BT48 8BE"}])
    );
    assert_eq!(at(&view, "returnCodes"), json!([{"code":"A"},{"code":"Z"}]));
    assert!(view.get("coreIdentityJwt").is_none());

    // Nothing sent: every view is absent, not empty.
    let none = serde_json::to_value(userinfo_claims(&userinfo(json!({})))?)?;
    for name in [
        "email",
        "emailVerified",
        "phoneNumber",
        "walletSubjectId",
        "addresses",
        "passports",
        "drivingPermits",
        "returnCodes",
    ] {
        assert_eq!(at(&none, name), Value::Null, "{name}");
    }
    // The older spelling of the wallet subject ID.
    let old = userinfo_claims(&userinfo(json!({"walletSubjectId": "urn:w"})))?;
    assert_eq!(old.wallet_subject_id.as_deref(), Some("urn:w"));
    // Of several addresses without validUntil, the latest validFrom is current.
    let several = userinfo_claims(&userinfo(json!({ADDRESS: [
        {"postalCode": "A", "validFrom": "2001-01-01"},
        {"postalCode": "B", "validFrom": "2020-01-01"},
        {"postalCode": "C"}
    ]})))?;
    let current: Vec<bool> = several
        .addresses
        .iter()
        .flatten()
        .map(|a| a.current)
        .collect();
    assert_eq!(current, [false, true, false]);
    Ok(())
}

#[test]
fn malformed_claims_are_named() {
    let cases: Vec<(Value, &str)> = vec![
        (json!({ADDRESS: {"postalCode": "X"}}), ADDRESS),
        (json!({ADDRESS: ["26 FRAMPTON ROAD"]}), ADDRESS),
        (json!({ADDRESS: [{"buildingNumber": 26}]}), ADDRESS),
        (json!({ADDRESS: [{"uprn": "100120472196"}]}), ADDRESS),
        (json!({ADDRESS: [{"uprn": 0}]}), ADDRESS),
        (json!({ADDRESS: [{"validFrom": "2000"}]}), ADDRESS),
        (
            json!({PASSPORT: [{"icaoIssuerCode": "GBR", "expiryDate": "2029-02-02"}]}),
            PASSPORT,
        ),
        (
            json!({PASSPORT: [{"documentNumber": 123456789, "expiryDate": "2029-02-02"}]}),
            PASSPORT,
        ),
        (
            json!({PASSPORT: [{"documentNumber": "1", "expiryDate": "02/02/2029"}]}),
            PASSPORT,
        ),
        (json!({PASSPORT: "123456789"}), PASSPORT),
        (
            json!({DRIVING_PERMIT: [{"expiryDate": "2026-07-28"}]}),
            DRIVING_PERMIT,
        ),
        (json!({RETURN_CODE: ["A"]}), RETURN_CODE),
        (json!({RETURN_CODE: [{"code": 1}]}), RETURN_CODE),
        (json!({CORE_IDENTITY_JWT: {"jwt": "x"}}), CORE_IDENTITY_JWT),
        (json!({"email": 5}), "email"),
        (json!({"email_verified": "true"}), "email_verified"),
        (json!({"phone_number_verified": 1}), "phone_number_verified"),
        (json!({"wallet_subject_id": []}), "wallet_subject_id"),
    ];
    for (i, (extra, claim)) in cases.into_iter().enumerate() {
        let err = userinfo_claims(&userinfo(extra)).err();
        assert_eq!(
            err.as_ref().map(|e| (e.code(), e.claim_name(), e.reason())),
            Some((
                ErrorCode::OAuthUserinfoError,
                Some(claim),
                Some(Reason::Invalid)
            )),
            "case {i}: {err:?}"
        );
    }
}

#[test]
fn identity_is_verified_when_present_and_absent_when_not_sent() -> TestResult {
    let with_jwt = userinfo_claims(&userinfo(json!({CORE_IDENTITY_JWT: "a.b.c"})))?;
    let without = userinfo_claims(&userinfo(json!({RETURN_CODE: [{"code": "B"}]})))?;
    assert_eq!(
        identity_to_verify(&with_jwt, &identity_transaction())?,
        Some("a.b.c")
    );
    assert_eq!(identity_to_verify(&without, &identity_transaction())?, None);
    let err = identity_to_verify(&with_jwt, &transaction()).err();
    assert_eq!(
        err.as_ref().map(|e| (e.code(), e.claim_name())),
        Some((ErrorCode::OAuthUserinfoError, Some(CORE_IDENTITY_JWT)))
    );
    Ok(())
}

#[test]
fn logout_urls() {
    let end = "https://oidc.integration.account.gov.uk/logout";
    let o = |v: Value| -> LogoutUrlOptions { serde_json::from_value(v).unwrap_or_default() };
    assert_eq!(
        build_logout_url(end, &o(json!({}))).ok().as_deref(),
        Some(end)
    );
    assert_eq!(
        build_logout_url(end, &o(json!({"idTokenHint": "a.b.c", "postLogoutRedirectUri": "https://rp.example/signed-out?a=1", "state": "s1", "uiLocales": "cy"}))).ok().as_deref(),
        Some("https://oidc.integration.account.gov.uk/logout?id_token_hint=a.b.c&post_logout_redirect_uri=https%3A%2F%2Frp.example%2Fsigned-out%3Fa%3D1&state=s1&ui_locales=cy")
    );
    let cases: Vec<(Value, Option<&str>)> = vec![
        (
            json!({"postLogoutRedirectUri": "https://rp.example/"}),
            Some("idTokenHint"),
        ),
        (json!({"state": ""}), Some("state")),
        // An open redirect cannot be built: only absolute URIs without a fragment.
        (
            json!({"idTokenHint": "a.b.c", "postLogoutRedirectUri": "/signed-out"}),
            Some("postLogoutRedirectUri"),
        ),
        (
            json!({"idTokenHint": "a.b.c", "postLogoutRedirectUri": "//evil.example/"}),
            Some("postLogoutRedirectUri"),
        ),
        (
            json!({"idTokenHint": "a.b.c", "postLogoutRedirectUri": "https://rp.example/#x"}),
            Some("postLogoutRedirectUri"),
        ),
        (json!({"idTokenHint": "x".repeat(2040)}), Some("options")),
    ];
    for (i, (v, option)) in cases.into_iter().enumerate() {
        let err = build_logout_url(end, &o(v)).err();
        assert_eq!(
            err.as_ref().map(|e| (e.code(), e.option_name())),
            Some((ErrorCode::InvalidArgument, option)),
            "case {i}"
        );
    }
    assert!(build_logout_url(end, &o(json!({"idTokenHint": "x".repeat(2000)}))).is_ok());
}

#[test]
fn back_channel_bodies_and_the_replay_window() {
    let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln";
    for body in [
        token.to_owned(),
        format!("logout_token={token}"),
        format!("  logout_token={token}&other=1\n"),
        format!("other=1&logout_token={}", token.replace('.', "%2E")),
    ] {
        assert_eq!(
            logout_token_from_body(&body).ok().as_deref(),
            Some(token),
            "{body}"
        );
    }
    for body in [
        "",
        "logout_token=",
        "token=a.b.c",
        "logout_token=a.b.c&logout_token=a.b.c",
        "a.b",
        "logout_token=%zz",
    ] {
        assert_eq!(
            logout_token_from_body(body).err().map(|e| e.code()),
            Some(ErrorCode::JwtInvalid),
            "{body}"
        );
    }
    // At least One Login's three minutes; longer when the token lives longer.
    assert_eq!(replay_ttl_seconds(NOW + 120.0, NOW, 30.0), 180);
    assert_eq!(replay_ttl_seconds(NOW + 600.0, NOW, 30.0), 630);
    assert_eq!(replay_ttl_seconds(NOW + 600.5, NOW, 0.0), 601);
    assert_eq!(replay_ttl_seconds(f64::NAN, NOW, 0.0), 180);
    assert_eq!(replay_ttl_seconds(f64::INFINITY, NOW, 0.0), 180);
    // Bounded by the longest accepted lifetime plus twice the largest tolerance (issue 22).
    assert_eq!(replay_ttl_seconds(NOW + 1e9, NOW, 0.0), 1_200);
}

#[test]
fn discovery_documents() -> TestResult {
    let dir =
        std::path::Path::new("/work/shared/vectors/simulator/es256/openid-configuration.json");
    let text = if dir.exists() {
        std::fs::read_to_string(dir)?
    } else {
        json!({"issuer":"http://localhost:3000/","authorization_endpoint":"http://localhost:3000/authorize","token_endpoint":"http://localhost:3000/token","jwks_uri":"http://localhost:3000/.well-known/jwks.json","userinfo_endpoint":"http://localhost:3000/userinfo","end_session_endpoint":"http://localhost:3000/logout"}).to_string()
    };
    let d = parse_discovery(&text, "http://localhost:3000/")?;
    assert_eq!(
        d.userinfo_url.as_deref(),
        Some("http://localhost:3000/userinfo")
    );
    assert_eq!(
        d.end_session_url.as_deref(),
        Some("http://localhost:3000/logout")
    );
    assert_eq!(d.token_url, "http://localhost:3000/token");
    for (text, issuer) in [
        (text.as_str(), "http://localhost:3000"),
        (text.as_str(), "https://oidc.integration.account.gov.uk/"),
        ("{}", "http://localhost:3000/"),
        ("not json", "http://localhost:3000/"),
        (
            r#"{"issuer":"http://localhost:3000/","authorization_endpoint":1}"#,
            "http://localhost:3000/",
        ),
    ] {
        assert_eq!(
            parse_discovery(text, issuer).err().map(|e| e.code()),
            Some(ErrorCode::JwksInvalid),
            "{issuer} {text}"
        );
    }
    Ok(())
}

#[test]
fn the_did_document_must_be_the_environments() -> TestResult {
    let did = DidDocument::from_json(
        &json!({"id": "did:web:identity.integration.account.gov.uk", "assertionMethod": []})
            .to_string(),
    )?;
    assert!(did
        .check_id("did:web:identity.integration.account.gov.uk")
        .is_ok());
    assert_eq!(
        did.check_id("did:web:identity.account.gov.uk")
            .err()
            .map(|e| e.code()),
        Some(ErrorCode::JwksInvalid)
    );
    Ok(())
}

#[test]
fn claim_names() {
    assert_eq!(
        sign_in::claim_uri("drivingPermit").ok().as_deref(),
        Some(DRIVING_PERMIT)
    );
    assert_eq!(sign_in::claim_uri(PASSPORT).ok().as_deref(), Some(PASSPORT));
    for bad in [
        "",
        "name",
        "inheritedIdentityJWT",
        "https://vocab.account.gov.uk/v1/name",
    ] {
        assert!(sign_in::claim_uri(bad).is_err(), "{bad}");
    }
}
