//! The authorization URL.

use crate::fixtures::*;
use govuk_one_login_tokens::onelogin::{
    build_authorization_url, AuthorizationRequest, Environment,
};
use govuk_one_login_tokens::ErrorCode;

fn request() -> AuthorizationRequest {
    AuthorizationRequest {
        client_id: "YOUR_CLIENT_ID".into(),
        redirect_uri: "https://rp.example/oidc/callback?x=1".into(),
        scope: "openid email phone".into(),
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
    }
}

#[test]
fn minimal_url() -> TestResult {
    let url = build_authorization_url(Environment::Integration.authorize_url(), &request())?;
    assert_eq!(
        url,
        "https://oidc.integration.account.gov.uk/authorize?response_type=code\
         &scope=openid%20email%20phone&client_id=YOUR_CLIENT_ID\
         &redirect_uri=https%3A%2F%2Frp.example%2Foidc%2Fcallback%3Fx%3D1&state=xyzABC123\
         &nonce=aEwkamaos5B&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM\
         &code_challenge_method=S256"
    );
    Ok(())
}

#[test]
fn json_parameters_are_encoded() -> TestResult {
    let mut r = request();
    r.vtr = Some("Cl.Cm.P2".into());
    r.claims = Some(
        "{ \"userinfo\": { \"https://vocab.account.gov.uk/v1/coreIdentityJWT\": null } }".into(),
    );
    r.ui_locales = Some("en cy".into());
    r.prompt = Some("login".into());
    r.max_age = Some(600);
    let url = build_authorization_url("http://localhost:3000/authorize", &r)?;
    assert!(url.contains("&vtr=%5B%22Cl.Cm.P2%22%5D&"), "{url}");
    assert!(url.contains(
        "&claims=%7B%22userinfo%22%3A%7B%22https%3A%2F%2Fvocab.account.gov.uk%2Fv1%2FcoreIdentityJWT%22%3Anull%7D%7D&"
    ), "{url}");
    assert!(
        url.ends_with("&ui_locales=en%20cy&prompt=login&max_age=600"),
        "{url}"
    );
    // A vtr given as sent stays as sent.
    r.vtr = Some(r#"["Cl.Cm.P2","Cl.Cm.P1"]"#.into());
    let url = build_authorization_url("https://x.example/authorize?tenant=1", &r)?;
    assert!(url.starts_with("https://x.example/authorize?tenant=1&response_type=code"));
    assert!(
        url.contains("&vtr=%5B%22Cl.Cm.P2%22%2C%22Cl.Cm.P1%22%5D&"),
        "{url}"
    );
    Ok(())
}

#[test]
fn bad_parameters_are_argument_errors() {
    let mut cases = Vec::new();
    for change in 0..9 {
        let mut r = request();
        match change {
            0 => r.scope = "email".into(),
            1 => r.code_challenge = "short".into(),
            2 => r.code_challenge = format!("{}=", "a".repeat(42)),
            3 => r.vtr = Some("Cl.P2".into()),
            4 => r.claims = Some("{\"userinfo\":".into()),
            5 => r.claims = Some("[]".into()),
            6 => r.state = "s".repeat(5000),
            7 => r.nonce = String::new(),
            _ => r.ui_locales = Some(String::new()),
        }
        cases.push(r);
    }
    for (i, r) in cases.iter().enumerate() {
        assert_eq!(
            failure(build_authorization_url("https://x.example/authorize", r)),
            code(ErrorCode::InvalidArgument),
            "case {i}"
        );
    }
    assert_eq!(
        failure(build_authorization_url(
            "https://x.example/authorize#f",
            &request()
        )),
        code(ErrorCode::InvalidArgument)
    );
}

/// Every scope word One Login knows is accepted; any other word is refused before the user is
/// sent to One Login (which would answer `invalid_scope`), naming the nearest known scope.
#[test]
fn scope_words_must_be_known() {
    for scope in [
        "openid",
        "openid email phone",
        "openid offline_access wallet-subject-id",
        "openid am govuk-account doc-checking-app",
    ] {
        let r = AuthorizationRequest {
            scope: scope.into(),
            ..request()
        };
        assert!(
            build_authorization_url("https://x.example/authorize", &r).is_ok(),
            "{scope}"
        );
    }
    for (scope, hint) in [
        ("openid emal", Some("email")),
        ("openid Phone", Some("phone")),
        ("openid profile", None),
        ("openid  email", None),
        ("openid,email", None),
    ] {
        let r = AuthorizationRequest {
            scope: scope.into(),
            ..request()
        };
        let err = build_authorization_url("https://x.example/authorize", &r).err();
        assert_eq!(
            err.as_ref().map(|e| e.code()),
            Some(ErrorCode::InvalidArgument),
            "{scope}"
        );
        assert_eq!(
            err.as_ref().and_then(|e| e.option_name()),
            Some("scope"),
            "{scope}"
        );
        if let Some(hint) = hint {
            let message = err.map(|e| e.message().to_owned()).unwrap_or_default();
            assert!(
                message.contains(&format!("did you mean \"{hint}\"")),
                "{message}"
            );
        }
    }
}

/// `redirect_uri` is an absolute URI without a fragment (RFC 6749 §3.1.2).
#[test]
fn redirect_uri_must_be_absolute_without_fragment() {
    for uri in [
        "https://rp.example/callback",
        "http://localhost:3000/callback",
        "uk.gov.app:/callback",
    ] {
        let r = AuthorizationRequest {
            redirect_uri: uri.into(),
            ..request()
        };
        assert!(
            build_authorization_url("https://x.example/authorize", &r).is_ok(),
            "{uri}"
        );
    }
    for uri in [
        "/callback",
        "rp.example/callback",
        "https://rp.example/callback#top",
        "https://rp.example/call back",
        "https://rp.example/\ncallback",
        "https:",
        "1https://rp.example/",
    ] {
        let r = AuthorizationRequest {
            redirect_uri: uri.into(),
            ..request()
        };
        let err = build_authorization_url("https://x.example/authorize", &r).err();
        assert_eq!(
            err.as_ref().map(|e| e.code()),
            Some(ErrorCode::InvalidArgument),
            "{uri:?}"
        );
        assert_eq!(
            err.as_ref().and_then(|e| e.option_name()),
            Some("redirectUri"),
            "{uri:?}"
        );
    }
}
