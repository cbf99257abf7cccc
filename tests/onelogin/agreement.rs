//! `verify_*` and `inspect_token` agree over a matrix of options, given exactly as a JavaScript
//! caller writes them (the option structs the wasm boundary deserializes): every `vtr` form,
//! nonce rules, `maxAge`, `accessToken`, clock tolerances, environments. Whenever verification
//! accepts, inspection says "valid"; whenever verification refuses a token, inspection's first
//! failure has the same code and claim; and a refused option is refused by both, naming the
//! same option.

use crate::fixtures::*;
use govuk_one_login_tokens::checks::{Skip, Status};
use govuk_one_login_tokens::onelogin::inspect::{
    inspect_token, InspectOptions, Inspection, Verdict,
};
use govuk_one_login_tokens::onelogin::{
    verify_core_identity, verify_id_token, verify_logout_token,
};
use govuk_one_login_tokens::options::{
    InspectTokenOptions, VerifyCoreIdentityOptions, VerifyIdTokenOptions, VerifyLogoutTokenOptions,
};
use govuk_one_login_tokens::{Error, ErrorCode};
use serde_json::{json, Value};

const SUB: &str = "urn:fdc:gov.uk:2022:agreement";

/// What a call came to: accepted, a token failure (code, claim), or a refused option.
#[derive(Debug, PartialEq)]
enum Outcome {
    Accepted,
    Refused(ErrorCode, Option<String>),
    BadOption(Option<String>),
}

fn outcome_of<T>(result: Result<T, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Accepted,
        Err(e) if e.code() == ErrorCode::InvalidArgument => {
            Outcome::BadOption(e.option_name().map(str::to_owned))
        }
        Err(e) => Outcome::Refused(e.code(), e.claim_name().map(str::to_owned)),
    }
}

fn inspection_outcome(inspection: Result<Inspection, Error>) -> Outcome {
    let inspection = match inspection {
        Ok(i) => i,
        Err(e) => return outcome_of::<()>(Err(e)),
    };
    // Inspection runs without a required input (skipping the checks that need it) where
    // verification refuses the missing option before any check: the same answer in each one's
    // terms.
    let missing = inspection.checks.iter().find_map(|c| match c.status {
        Status::Skipped(Skip::MissingInput(input)) => Some(input),
        _ => None,
    });
    if let Some(input) = missing {
        return Outcome::BadOption(Some(input.as_str().to_owned()));
    }
    if inspection.verdict() == Verdict::Valid {
        return Outcome::Accepted;
    }
    let first = inspection.checks.iter().find_map(|c| match &c.status {
        Status::Fail(e) => Some(e.clone()),
        _ => None,
    });
    match first {
        Some(e) => outcome_of::<()>(Err(e)),
        None => Outcome::Refused(
            ErrorCode::JwtInvalid,
            Some(format!("{:?}", inspection.verdict())),
        ),
    }
}

/// Inspect with the same members the verifier got (its key document given as text).
fn inspect(token: &str, members: &Value, kind: &str, keys: (&str, &str)) -> Outcome {
    let mut members = members.clone();
    if let Value::Object(m) = &mut members {
        m.insert("kind".into(), json!(kind));
        m.insert(keys.0.into(), json!(keys.1));
    }
    let resolved = serde_json::from_value::<InspectTokenOptions>(members)
        .map_err(|e| Error::option("options", e.to_string()))
        .and_then(|o| o.resolve(|| NOW));
    let (documents, options) = match resolved {
        Ok(resolved) => resolved,
        Err(e) => return outcome_of::<()>(Err(e)),
    };
    let Ok((keys, did)) = documents.parse() else {
        return Outcome::Refused(ErrorCode::JwksInvalid, None);
    };
    let options = InspectOptions {
        keys: keys.as_ref(),
        did: did.as_ref(),
        ..options
    };
    inspection_outcome(inspect_token(token, &options))
}

/// `base` with each of `variants`' members set (`null` in a variant removes the member).
fn variants(base: &Value, variants: &[Value]) -> Vec<Value> {
    variants.iter().map(|v| patch(base, v.clone())).collect()
}

fn vtr_forms() -> Vec<Value> {
    vec![
        json!({"vtr": null}),
        json!({"vtr": "[\"Cl.Cm\"]"}),
        json!({"vtr": "Cl.Cm"}),
        json!({"vtr": ["Cl.Cm"]}),
        json!({"vtr": "[\"Cl\"]"}),
        json!({"vtr": "[\"Cl.Cm.P2\"]"}),
        json!({"vtr": "Cl.Cm.P2"}),
        json!({"vtr": ["Cl.Cm.P2", "Cl.Cm.P1"]}),
        json!({"vtr": "[\"Cl.Cm.P3\"]"}),
        json!({"vtr": "[\"Cl.Cm\", \"Cl.Cm.P2\"]"}),
        json!({"vtr": "[]"}),
        json!({"vtr": "not a vtr"}),
        json!({"vtr": 7}),
    ]
}

fn common_variants() -> Vec<Value> {
    vec![
        json!({}),
        json!({"clockTolerance": 0}),
        json!({"clockTolerance": 301}),
        json!({"now": NOW + 100_000.0}),
        json!({"environment": "production"}),
        json!({"environment": {"baseUrl": "http://localhost:3000"}}),
        json!({"environment": null, "issuer": "https://oidc.integration.account.gov.uk/"}),
        json!({"environment": null}),
        json!({"clientId": "someone-else"}),
        json!({"clientId": null}),
    ]
}

#[test]
fn id_token_verify_and_inspect_agree() -> TestResult {
    let issuer = Issuer::new()?;
    let claims = id_token_claims();
    let jwks = json!({"keys": [with(issuer.es.jwk(None), json!({"kid": ES_KID, "alg": "ES256"}))]});
    let base = json!({
        "environment": "integration", "clientId": CLIENT_ID, "nonce": NONCE, "now": NOW,
        "accessToken": ACCESS_TOKEN,
    });
    let mut matrix = variants(&base, &vtr_forms());
    matrix.extend(variants(&base, &common_variants()));
    matrix.extend(variants(
        &base,
        &[
            json!({"nonce": "other"}),
            json!({"nonce": null}),
            json!({"maxAge": 300}),
            json!({"maxAge": 10}),
            json!({"maxAge": 1.5}),
            json!({"accessToken": "another.access.token"}),
            json!({"accessToken": null}),
        ],
    ));
    let tokens = [
        issuer.es256(&claims),
        issuer.es256(&patch(&claims, json!({"vot": "Cl"}))),
        issuer.es256(&patch(&claims, json!({"nonce": null}))),
        issuer.es256(&patch(&claims, json!({"exp": NOW - 100.0}))),
    ];
    let mut seen = std::collections::HashSet::new();
    for token in &tokens {
        for members in &matrix {
            let verified = serde_json::from_value::<VerifyIdTokenOptions>(members.clone())
                .map_err(|e| Error::option("options", e.to_string()))
                .and_then(|o| o.resolve(|| NOW))
                .and_then(|o| verify_id_token(token, &issuer.keys, &o));
            let verified = outcome_of(verified);
            let inspected = inspect(token, members, "id_token", ("jwks", &jwks.to_string()));
            assert_eq!(verified, inspected, "options {members}");
            seen.insert(format!("{verified:?}"));
        }
    }
    // The matrix reaches acceptance, token failures and refused options alike.
    assert!(seen.len() >= 6, "{seen:?}");
    Ok(())
}

#[test]
fn core_identity_verify_and_inspect_agree() -> TestResult {
    let id = IdentityIssuer::new(&format!("{DID}#key-1"))?;
    let document = &id.document;
    let did = &id.did;
    let claims = json!({
        "sub": SUB, "iss": "https://identity.integration.account.gov.uk/", "aud": CLIENT_ID,
        "nbf": NOW - 10.0, "iat": NOW - 10.0, "exp": NOW + 1790.0, "vot": "P2",
        "vc": {"type": ["VerifiableCredential", "IdentityCheckCredential"], "credentialSubject": {
            "name": [{"nameParts": [{"value": "KENNETH", "type": "GivenName"}]}],
            "birthDate": [{"value": "1965-07-08"}]}},
    });
    let base = json!({"environment": "integration", "clientId": CLIENT_ID, "sub": SUB, "now": NOW});
    let mut matrix = variants(&base, &vtr_forms());
    matrix.extend(variants(&base, &common_variants()));
    matrix.extend(variants(
        &base,
        &[json!({"sub": "urn:someone-else"}), json!({"sub": null})],
    ));
    let tokens = [
        id.sign(&claims),
        id.sign(&patch(&claims, json!({"vot": "P1"}))),
    ];
    for token in &tokens {
        for members in &matrix {
            let verified = serde_json::from_value::<VerifyCoreIdentityOptions>(members.clone())
                .map_err(|e| Error::option("options", e.to_string()))
                .and_then(|o| o.resolve(|| NOW))
                .and_then(|o| verify_core_identity(token, did, &o));
            let verified = outcome_of(verified);
            let inspected = inspect(
                token,
                members,
                "core_identity",
                ("didDocument", &document.to_string()),
            );
            assert_eq!(verified, inspected, "options {members}");
        }
    }
    Ok(())
}

#[test]
fn logout_token_verify_and_inspect_agree() -> TestResult {
    let issuer = Issuer::new()?;
    let claims = json!({
        "iss": "https://oidc.integration.account.gov.uk/", "aud": CLIENT_ID, "sub": SUB,
        "iat": NOW - 10.0, "exp": NOW + 110.0, "jti": "j-1", "sid": "s",
        "events": {"http://schemas.openid.net/event/backchannel-logout": {}},
    });
    let sign_logout = |claims: &Value| {
        issuer.es.sign(
            &json!({"alg": "ES256", "kid": ES_KID, "typ": "logout+jwt"}),
            claims,
        )
    };
    let jwks = json!({"keys": [with(issuer.es.jwk(None), json!({"kid": ES_KID, "alg": "ES256"}))]});
    let base = json!({"environment": "integration", "clientId": CLIENT_ID, "now": NOW});
    let matrix = variants(&base, &common_variants());
    let tokens = [
        sign_logout(&claims),
        sign_logout(&patch(&claims, json!({"nonce": "n"}))),
    ];
    for token in &tokens {
        for members in &matrix {
            let verified = serde_json::from_value::<VerifyLogoutTokenOptions>(members.clone())
                .map_err(|e| Error::option("options", e.to_string()))
                .and_then(|o| o.resolve(|| NOW))
                .and_then(|o| verify_logout_token(token, &issuer.keys, &o));
            let verified = outcome_of(verified);
            let inspected = inspect(token, members, "logout_token", ("jwks", &jwks.to_string()));
            assert_eq!(verified, inspected, "options {members}");
        }
    }
    Ok(())
}
