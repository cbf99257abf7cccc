//! Client assertions and request objects: sign here, verify with the public key.

use crate::fixtures::*;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::onelogin::{
    sign_client_assertion, sign_request_object, AuthorizationRequest, ClientAssertionOptions,
    Environment, RequestObjectOptions, RsaSigningKey, SigningAlgorithm,
};
use govuk_one_login_tokens::{jwt, ErrorCode, KeySet};
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use rsa::signature::Verifier;
use rsa::traits::PrivateKeyParts;
use serde_json::{json, Value};
use sha2::Sha256;

const NOW_SECS: u64 = 1_700_000_000;

fn pem() -> Result<String, Box<dyn std::error::Error>> {
    Ok(RsaKey::shared()
        .private
        .to_pkcs8_pem(LineEnding::LF)?
        .to_string())
}

fn private_jwk(key: &RsaKey, kid: &str) -> Value {
    let b = |n: &rsa::BigUint| BASE64URL.encode(n.to_bytes_be());
    let jwk = with(key.jwk(None), json!({"d": b(key.private.d()), "kid": kid}));
    match (key.private.primes().first(), key.private.primes().get(1)) {
        (Some(p), Some(q)) => patch(&jwk, json!({"p": b(p), "q": b(q)})),
        _ => jwk,
    }
}

fn public_keys(kid: &str) -> Result<KeySet, govuk_one_login_tokens::Error> {
    let jwks =
        json!({"keys": [with(RsaKey::shared().jwk(None), json!({"kid": kid, "alg": "RS256"}))]});
    KeySet::from_json(&jwks.to_string())
}

#[test]
fn rs256_assertion_verifies_with_the_public_key() -> TestResult {
    let key = RsaSigningKey::from_pkcs8_pem(&pem()?)?;
    let env = Environment::Integration;
    let mut options = ClientAssertionOptions::new(CLIENT_ID, env.token_url(), NOW_SECS);
    options.kid = Some("client-key-1".into());
    let assertion = sign_client_assertion(&key, &options)?;

    let mut verify = jwt::VerifyOptions::at(NOW_SECS as f64);
    verify.require_kid = true;
    verify.claims.issuer = Some(CLIENT_ID.into());
    verify.claims.audience = Some("https://oidc.integration.account.gov.uk/token".into());
    verify.claims.required = vec!["iss", "sub", "aud", "jti", "iat", "exp"];
    let keys = public_keys("client-key-1")?;
    let verified = jwt::verify(&assertion, &keys, &verify)?;
    assert_eq!(verified.header.alg, "RS256");
    let c = &verified.claims;
    assert_eq!(c.get("sub"), Some(&json!(CLIENT_ID)));
    assert_eq!(c.get("iat"), Some(&json!(NOW_SECS)));
    assert_eq!(c.get("exp"), Some(&json!(NOW_SECS + 300)));
    let jti = c.get("jti").and_then(Value::as_str).unwrap_or_default();
    assert_eq!(jti.len(), 43);

    // A fresh jti every time: One Login treats them as single-use.
    let again = sign_client_assertion(&key, &options)?;
    let again = jwt::verify(&again, &keys, &verify)?;
    assert_ne!(again.claims.get("jti"), c.get("jti"));
    Ok(())
}

#[test]
fn ps256_assertion_verifies_with_rsa_pss() -> TestResult {
    let key = RsaSigningKey::from_pkcs8_pem(&pem()?)?;
    let mut options =
        ClientAssertionOptions::new(CLIENT_ID, "http://localhost:3000/token", NOW_SECS);
    options.alg = SigningAlgorithm::Ps256;
    options.lifetime = 60;
    options.jti = Some("fixed-jti".into());
    let assertion = sign_client_assertion(&key, &options)?;
    let (input, signature) = assertion.rsplit_once('.').ok_or("not a JWS")?;
    let verifier = rsa::pss::VerifyingKey::<Sha256>::new(RsaKey::shared().private.to_public_key());
    let signature =
        rsa::pss::Signature::try_from(BASE64URL.decode(signature).map_err(|_| "b64")?.as_slice())?;
    verifier.verify(input.as_bytes(), &signature)?;
    let decoded = govuk_one_login_tokens::dangerous::decode(&assertion, 64 * 1024)?;
    assert_eq!(decoded.header.alg, "PS256");
    // Without a kid of its own, the key is named by its RFC 7638 thumbprint.
    let thumbprint = key.service_public_key().thumbprint()?;
    assert_eq!(decoded.header.kid.as_deref(), Some(thumbprint.as_str()));
    assert_eq!(decoded.claims.get("jti"), Some(&json!("fixed-jti")));
    assert_eq!(decoded.claims.get("exp"), Some(&json!(NOW_SECS + 60)));
    Ok(())
}

#[test]
fn private_jwk_keys_sign_and_bring_their_kid() -> TestResult {
    let jwk = private_jwk(RsaKey::shared(), "jwk-kid").to_string();
    for key in [
        RsaSigningKey::from_jwk(&jwk)?,
        RsaSigningKey::from_pem_or_jwk(&jwk)?,
    ] {
        assert_eq!(key.kid(), Some("jwk-kid"));
        let options = ClientAssertionOptions::new(CLIENT_ID, "aud", NOW_SECS);
        let assertion = sign_client_assertion(&key, &options)?;
        let mut verify = jwt::VerifyOptions::at(NOW_SECS as f64);
        verify.claims.audience = Some("aud".into());
        jwt::verify(&assertion, &public_keys("jwk-kid")?, &verify)?;
    }
    // Without p and q the primes are recovered from d.
    let mut bare = private_jwk(RsaKey::shared(), "bare");
    if let Some(o) = bare.as_object_mut() {
        o.remove("p");
        o.remove("q");
    }
    assert!(RsaSigningKey::from_jwk(&bare.to_string()).is_ok());
    Ok(())
}

#[test]
fn bad_keys_and_options_are_argument_errors() -> TestResult {
    let small = RsaKey::generate(1024);
    let small_pem = small.private.to_pkcs8_pem(LineEnding::LF)?.to_string();
    let pkcs1 = RsaKey::shared()
        .private
        .to_pkcs1_pem(LineEnding::LF)?
        .to_string();
    let wrong_d = patch(&private_jwk(RsaKey::shared(), "k"), json!({"d": "AQAB"}));
    let ec = patch(&private_jwk(RsaKey::shared(), "k"), json!({"kty": "EC"}));
    for bad in [
        small_pem,
        private_jwk(&small, "k").to_string(),
        pkcs1,
        "not a key".to_owned(),
        wrong_d.to_string(),
        ec.to_string(),
        "{\"kty\":\"RSA\"}".to_owned(),
    ] {
        assert_eq!(
            RsaSigningKey::from_pem_or_jwk(&bad).err().map(|e| e.code()),
            Some(ErrorCode::InvalidArgument),
            "{bad:.40}"
        );
    }
    assert_eq!(
        SigningAlgorithm::from_name("ES256").err().map(|e| e.code()),
        Some(ErrorCode::NotSupported)
    );

    let key = RsaSigningKey::from_pkcs8_pem(&pem()?)?;
    let base = ClientAssertionOptions::new(CLIENT_ID, "aud", NOW_SECS);
    let mut cases = Vec::new();
    for change in 0..5 {
        let mut o = base.clone();
        match change {
            0 => o.client_id = String::new(),
            1 => o.audience = String::new(),
            2 => o.lifetime = 0,
            3 => o.jti = Some(String::new()),
            _ => o.kid = Some(String::new()),
        }
        cases.push(o);
    }
    for (i, o) in cases.iter().enumerate() {
        assert_eq!(
            failure(sign_client_assertion(&key, o)),
            code(ErrorCode::InvalidArgument),
            "case {i}"
        );
    }
    // The key's Debug output never shows private material.
    assert!(
        !format!("{key:?}").contains(&BASE64URL.encode(RsaKey::shared().private.d().to_bytes_be()))
    );
    Ok(())
}

#[test]
fn request_object_carries_the_authorization_parameters() -> TestResult {
    let key = RsaSigningKey::from_pkcs8_pem(&pem()?)?;
    let env = Environment::Integration;
    let request = AuthorizationRequest {
        client_id: CLIENT_ID.into(),
        redirect_uri: "https://rp.example/callback".into(),
        scope: "openid email".into(),
        state: "af0ifjsldkj".into(),
        nonce: "n-0S6_WzA2Mj".into(),
        code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into(),
        vtr: Some("Cl.Cm.P2".into()),
        claims: Some(
            r#"{"userinfo":{"https://vocab.account.gov.uk/v1/coreIdentityJWT":null}}"#.into(),
        ),
        ui_locales: Some("cy".into()),
        prompt: None,
        response_mode: None,
        id_token_hint: None,
        max_age: Some(0),
    };
    let options = RequestObjectOptions {
        audience: env.authorize_url().into(),
        now: NOW_SECS,
        lifetime: 300,
        kid: Some("client-key-1".into()),
        alg: SigningAlgorithm::Rs256,
    };
    let jar = sign_request_object(&key, &request, &options)?;
    let mut verify = jwt::VerifyOptions::at(NOW_SECS as f64);
    verify.claims.issuer = Some(CLIENT_ID.into());
    verify.claims.audience = Some("https://oidc.integration.account.gov.uk/authorize".into());
    let keys = public_keys("client-key-1")?;
    let verified = jwt::verify(&jar, &keys, &verify)?;
    let c = &verified.claims;
    assert_eq!(c.get("client_id"), Some(&json!(CLIENT_ID)));
    assert_eq!(c.get("response_type"), Some(&json!("code")));
    assert_eq!(c.get("vtr"), Some(&json!(["Cl.Cm.P2"])));
    assert_eq!(
        c.get("claims").and_then(|v| v.get("userinfo")),
        Some(&json!({"https://vocab.account.gov.uk/v1/coreIdentityJWT": null}))
    );
    assert_eq!(c.get("max_age"), Some(&json!(0)));
    assert_eq!(c.get("code_challenge_method"), Some(&json!("S256")));
    assert_eq!(c.get("exp"), Some(&json!(NOW_SECS + 300)));
    assert_eq!(verified.header.alg, "RS256");
    Ok(())
}
