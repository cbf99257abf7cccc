//! Conformance over the shared vectors in `../shared/vectors/`: tokens from the One Login
//! simulator (happy flows and its error injections) and real integration-environment tokens.
//! The vectors are read in place, never copied into this repository. Without the folder the
//! tests skip with a message, except under CI (`CI` set), where they fail.

use govuk_one_login_tokens::onelogin::{
    verify_core_identity, verify_id_token, verify_logout_token, CoreIdentityOptions, DidDocument,
    Environment, IdTokenOptions, LogoutOptions, NonceCheck,
};
use govuk_one_login_tokens::{Error, ErrorCode, KeySet};
use serde_json::Value;
use std::path::{Path, PathBuf};

mod vectors;

use vectors::{number, read, read_json, text, vectors, Flow, TestResult};

fn simulator_flow(name: &str) -> TestResult {
    let Some(root) = vectors()? else {
        return Ok(());
    };
    let dir = root.join("simulator").join(name);
    let flow = Flow::load(&dir)?;
    let keys = KeySet::from_json(&read(&dir.join("jwks.json"))?)?;
    let did = DidDocument::from_json(&read(&dir.join("did.json"))?)?;
    assert_eq!(did.id(), flow.environment.did_id());

    let id = verify_id_token(&flow.id_token, &keys, &flow.id_token_options()?)?;
    assert_eq!(id.alg.as_str(), name.to_uppercase());
    assert_eq!(id.vot, "Cl.Cm");
    assert!(id.auth_time.is_some());

    // The credential in the userinfo response is the same one as in its own file.
    let userinfo = read_json(&dir.join("userinfo.json"))?;
    assert_eq!(
        text(
            &userinfo,
            "/https:~1~1vocab.account.gov.uk~1v1~1coreIdentityJWT"
        )?,
        flow.core_identity
    );
    assert_eq!(text(&userinfo, "/sub")?, id.sub);

    let identity = verify_core_identity(
        &flow.core_identity,
        &did,
        &flow.core_identity_options(&id.sub)?,
    )?;
    assert_eq!(identity.sub, id.sub);
    assert_eq!(identity.vot.as_str(), "P2");
    assert_eq!(identity.given_names(), ["GEOFFREY"]);
    assert_eq!(identity.family_names(), ["HEARNSHAW"]);
    assert_eq!(identity.birth_date(), Some("1955-04-19"));
    assert!(identity.historic_names().is_empty());
    Ok(())
}

#[test]
fn simulator_es256_flow_verifies_end_to_end() -> TestResult {
    simulator_flow("es256")
}

#[test]
fn simulator_rs256_flow_verifies_end_to_end() -> TestResult {
    simulator_flow("rs256")
}

/// What each of the simulator's error injections must produce: the code and, for claim
/// failures, the claim.
fn expected_failure(kind: &str, case: &str) -> Option<(ErrorCode, Option<&'static str>)> {
    use ErrorCode::*;
    Some(match (kind, case) {
        (_, "INVALID_ALG_HEADER") => (AlgNotAllowed, None),
        (_, "INVALID_SIGNATURE") => (SignatureVerificationFailed, None),
        (_, "INVALID_ISS") => (ClaimValidationFailed, Some("iss")),
        (_, "INVALID_AUD") => (ClaimValidationFailed, Some("aud")),
        (_, "TOKEN_EXPIRED") => (JwtExpired, Some("exp")),
        ("id_token", "TOKEN_NOT_VALID_YET") => (ClaimValidationFailed, Some("iat")),
        ("id_token", "NONCE_NOT_MATCHING") => (ClaimValidationFailed, Some("nonce")),
        ("id_token", "INCORRECT_VOT") => (ClaimValidationFailed, Some("vot")),
        ("core_identity", "INCORRECT_SUB") => (ClaimValidationFailed, Some("sub")),
        _ => return None,
    })
}

fn summary(e: &Error) -> (ErrorCode, Option<String>) {
    (e.code(), e.claim_name().map(str::to_owned))
}

fn cases(dir: &Path) -> Result<Vec<(String, PathBuf)>, Box<dyn std::error::Error>> {
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or("odd file name")?
            .to_owned();
        cases.push((name, path));
    }
    cases.sort();
    Ok(cases)
}

#[test]
fn every_simulator_id_token_negative_fails_as_expected() -> TestResult {
    let Some(root) = vectors()? else {
        return Ok(());
    };
    let base = root.join("simulator");
    let keys = KeySet::from_json(&read(&base.join("es256/jwks.json"))?)?;
    let cases = cases(&base.join("negative-es256/id_token"))?;
    assert!(
        cases.len() >= 8,
        "expected the simulator's 8 ID token cases"
    );
    for (name, dir) in cases {
        let expected = expected_failure("id_token", &name)
            .ok_or_else(|| format!("no expectation for new case id_token/{name}"))?;
        let flow = Flow::load(&dir)?;
        let got = verify_id_token(&flow.id_token, &keys, &flow.id_token_options()?);
        let got = got.err().map(|e| summary(&e));
        assert_eq!(
            got,
            Some((expected.0, expected.1.map(str::to_owned))),
            "id_token/{name}"
        );
    }
    Ok(())
}

#[test]
fn every_simulator_core_identity_negative_fails_as_expected() -> TestResult {
    let Some(root) = vectors()? else {
        return Ok(());
    };
    let base = root.join("simulator");
    let keys = KeySet::from_json(&read(&base.join("es256/jwks.json"))?)?;
    let did = DidDocument::from_json(&read(&base.join("es256/did.json"))?)?;
    let cases = cases(&base.join("negative-es256/core_identity"))?;
    assert!(
        cases.len() >= 6,
        "expected the simulator's 6 core identity cases"
    );
    for (name, dir) in cases {
        let expected = expected_failure("core_identity", &name)
            .ok_or_else(|| format!("no expectation for new case core_identity/{name}"))?;
        let flow = Flow::load(&dir)?;
        // The ID token of these journeys is fine; its `sub` is what the credential must match.
        let id = verify_id_token(&flow.id_token, &keys, &flow.id_token_options()?)?;
        let got = verify_core_identity(
            &flow.core_identity,
            &did,
            &flow.core_identity_options(&id.sub)?,
        );
        let got = got.err().map(|e| summary(&e));
        assert_eq!(
            got,
            Some((expected.0, expected.1.map(str::to_owned))),
            "core_identity/{name}"
        );
    }
    Ok(())
}

fn real_vectors() -> Result<Option<Value>, Box<dyn std::error::Error>> {
    let Some(root) = vectors()? else {
        return Ok(None);
    };
    Ok(Some(read_json(
        &root.join("real-integration/onelogin-test-vectors.json"),
    )?))
}

fn tech_docs_jwks(v: &Value) -> Result<KeySet, Box<dyn std::error::Error>> {
    let jwks = v
        .get("integration_jwks_tech_docs_example")
        .ok_or("missing integration_jwks_tech_docs_example")?;
    Ok(KeySet::from_json(&jwks.to_string())?)
}

#[test]
fn real_integration_rs256_id_token_verifies() -> TestResult {
    let Some(v) = real_vectors()? else {
        return Ok(());
    };
    let keys = tech_docs_jwks(&v)?;
    let case = "/integration_rs256_id_token";
    let env = Environment::Integration;
    assert_eq!(env.issuer(), text(&v, &format!("{case}/expected_iss"))?);
    let mut options = IdTokenOptions::new(
        &env,
        text(&v, &format!("{case}/client_id"))?,
        NonceCheck::Expected(text(&v, &format!("{case}/nonce"))?.to_owned()),
        number(&v, &format!("{case}/verify_at_unix"))?,
    );
    options.access_token = Some(text(&v, &format!("{case}/access_token"))?.to_owned());
    let token = text(&v, &format!("{case}/id_token"))?;
    let id = verify_id_token(token, &keys, &options)?;
    assert_eq!(id.alg.as_str(), "RS256");
    assert_eq!(id.vot, "Cl.Cm");
    // Older real tokens have no auth_time, which is fine without max_age …
    assert_eq!(id.auth_time, None);
    // … and refused with it.
    options.max_age = Some(600);
    let err = verify_id_token(token, &keys, &options).err();
    assert_eq!(
        err.map(|e| summary(&e)),
        Some((ErrorCode::ClaimValidationFailed, Some("auth_time".into())))
    );
    Ok(())
}

#[test]
fn real_integration_logout_token_verifies() -> TestResult {
    let Some(v) = real_vectors()? else {
        return Ok(());
    };
    let keys = tech_docs_jwks(&v)?;
    let case = "/integration_logout_token";
    let env = Environment::Integration;
    assert_eq!(env.issuer(), text(&v, &format!("{case}/expected_iss"))?);
    let options = LogoutOptions::new(
        &env,
        text(&v, &format!("{case}/client_id"))?,
        number(&v, &format!("{case}/verify_at_unix"))?,
    );
    let logout = verify_logout_token(text(&v, &format!("{case}/jwt"))?, &keys, &options)?;
    assert_eq!(logout.jti, "5cb7506b-83ec-4bd9-a235-2dfdbfc6f07c");
    assert!(logout.sub.starts_with("urn:fdc:gov.uk:2022:"));
    Ok(())
}

#[test]
fn real_integration_core_identity_verifies_and_wrong_key_fails() -> TestResult {
    let Some(v) = real_vectors()? else {
        return Ok(());
    };
    let case = "/integration_core_identity";
    let env = Environment::Integration;
    assert_eq!(
        env.identity_issuer(),
        text(&v, &format!("{case}/expected_iss"))?
    );
    assert_eq!(env.did_url(), text(&v, &format!("{case}/did_url"))?);
    let raw = text(&v, &format!("{case}/did_document_raw"))?;
    let did = DidDocument::from_json(raw)?;
    assert_eq!(did.id(), env.did_id());
    let token = text(&v, &format!("{case}/jwt"))?;
    // This pair comes without its ID token, so the expected `sub` is the one the relying
    // party's own test used: the credential's.
    let sub = govuk_one_login_tokens::dangerous::decode(token, 64 * 1024)?
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .ok_or("credential without sub")?
        .to_owned();
    let options = CoreIdentityOptions::new(
        &env,
        text(&v, &format!("{case}/client_id"))?,
        &sub,
        number(&v, &format!("{case}/verify_at_unix"))?,
    );
    let identity = verify_core_identity(token, &did, &options)?;
    assert_eq!(identity.given_names(), ["KENNETH"]);
    assert_eq!(identity.family_names(), ["DECERQUEIRA"]);
    assert_eq!(identity.birth_dates, ["1965-07-08"]);

    let mut wrong: Value = serde_json::from_str(raw)?;
    let jwk = wrong
        .pointer_mut("/assertionMethod/0/publicKeyJwk")
        .and_then(Value::as_object_mut)
        .ok_or("no publicKeyJwk")?;
    jwk.insert(
        "x".into(),
        text(&v, &format!("{case}/negative_did_same_kid_wrong_key/x"))?.into(),
    );
    jwk.insert(
        "y".into(),
        text(&v, &format!("{case}/negative_did_same_kid_wrong_key/y"))?.into(),
    );
    let wrong = DidDocument::from_json(&wrong.to_string())?;
    let err = verify_core_identity(token, &wrong, &options).err();
    assert_eq!(
        err.map(|e| e.code()),
        Some(ErrorCode::SignatureVerificationFailed)
    );
    Ok(())
}
