//! DID documents and core identity credentials.

use crate::fixtures::*;
use govuk_one_login_tokens::onelogin::{
    verify_core_identity, CoreIdentityOptions, CustomEnvironment, DidDocument, Environment,
    LevelOfConfidence,
};
use govuk_one_login_tokens::ErrorCode;
use serde_json::{json, Value};

const SUB: &str = "urn:fdc:gov.uk:2022:56P4CMsGh_02YOlWpd8PAOI-2sVlB2nsNU7mcLZYhYw=";

fn kid() -> String {
    format!("{DID}#c9f8da1c87525bb41653583c2d05274e85805ab7d0abc58376c7128129daa936")
}

fn options() -> CoreIdentityOptions {
    CoreIdentityOptions::new(&Environment::Integration, CLIENT_ID, SUB, NOW)
}

/// The docs' example credential, with a current and a previous name.
fn claims() -> Value {
    json!({
        "sub": SUB,
        "iss": "https://identity.integration.account.gov.uk/",
        "aud": CLIENT_ID,
        "nbf": NOW - 10.0,
        "iat": NOW - 10.0,
        "exp": NOW + 1790.0,
        "vot": "P2",
        "vtm": "https://oidc.integration.account.gov.uk/trustmark",
        "vc": {
            "type": ["VerifiableCredential", "VerifiableIdentityCredential"],
            "credentialSubject": {
                "name": [
                    {"validUntil": "2020-03-01", "nameParts": [
                        {"value": "Alice", "type": "GivenName"},
                        {"value": "O’Donnell", "type": "FamilyName"}]},
                    {"validFrom": "2020-03-01", "nameParts": [
                        {"value": "Alice", "type": "GivenName"},
                        {"value": "Jane", "type": "GivenName"},
                        {"value": "Doe", "type": "FamilyName"},
                        {"value": "Laura", "type": "GivenName"}]},
                ],
                "birthDate": [{"value": "1970-01-01"}, {"value": "1970-01-02"}],
            },
        },
    })
}

#[test]
fn valid_credential_and_its_typed_view() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let verified = verify_core_identity(&id.sign(&claims()), &id.did, &options())?;
    assert_eq!(verified.vot, LevelOfConfidence::P2);
    assert_eq!(verified.kid, kid());
    assert_eq!(verified.given_names(), ["Alice", "Jane", "Laura"]);
    assert_eq!(verified.family_names(), ["Doe"]);
    let current = verified.current_name().ok_or("no current name")?;
    assert_eq!(current.valid_from.as_deref(), Some("2020-03-01"));
    let historic = verified.historic_names();
    assert_eq!(historic.len(), 1);
    assert_eq!(
        historic.first().map(|n| n.family_names()),
        Some(vec!["O’Donnell"])
    );
    assert_eq!(verified.birth_date(), Some("1970-01-01"));
    assert_eq!(verified.birth_dates.len(), 2);
    Ok(())
}

#[test]
fn vc_type_is_not_checked() -> TestResult {
    // The real service sends IdentityCheckCredential where the docs say
    // VerifiableIdentityCredential; neither, nor anything else, is a reason to refuse.
    let id = IdentityIssuer::new(&kid())?;
    for t in [
        json!(["VerifiableCredential", "IdentityCheckCredential"]),
        json!("Other"),
        Value::Null,
    ] {
        let mut c = claims();
        if let Some(vc) = c.get_mut("vc").and_then(Value::as_object_mut) {
            if t.is_null() {
                vc.remove("type");
            } else {
                vc.insert("type".into(), t.clone());
            }
        }
        assert!(
            verify_core_identity(&id.sign(&c), &id.did, &options()).is_ok(),
            "{t}"
        );
    }
    Ok(())
}

#[test]
fn key_selection_rules() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let c = claims();
    let es = &id.key;
    let cases = [
        // Only ES256.
        (
            RsaKey::shared().sign(&json!({"kid": kid(), "alg": "RS256"}), &c),
            code(ErrorCode::AlgNotAllowed),
        ),
        (
            es.sign(&json!({"kid": kid(), "alg": "HS256"}), &c),
            code(ErrorCode::AlgNotAllowed),
        ),
        (
            es.sign(&json!({"alg": "ES256"}), &c),
            code(ErrorCode::JwsInvalid),
        ),
        // The DID before '#' must be the document's id.
        (
            es.sign(
                &json!({"kid": kid().replace("integration.", ""), "alg": "ES256"}),
                &c,
            ),
            code(ErrorCode::JwksNoMatchingKey),
        ),
        (
            es.sign(
                &json!({"kid": "c9f8da1c87525bb41653583c2d05274e85805ab7d0abc58376c7128129daa936", "alg": "ES256"}),
                &c,
            ),
            code(ErrorCode::JwksNoMatchingKey),
        ),
        // The whole kid must be an entry's id.
        (
            es.sign(&json!({"kid": format!("{DID}#another"), "alg": "ES256"}), &c),
            code(ErrorCode::JwksNoMatchingKey),
        ),
    ];
    for (i, (token, expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            failure(verify_core_identity(&token, &id.did, &options())),
            expected,
            "case {i}"
        );
    }
    // The right kid, signed by another key.
    let other = IdentityIssuer::new(&kid())?;
    assert_eq!(
        failure(verify_core_identity(&other.sign(&c), &id.did, &options())),
        code(ErrorCode::SignatureVerificationFailed)
    );
    Ok(())
}

#[test]
fn entries_controlled_by_another_did_are_not_used() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let doc = did_document(vec![did_entry(&kid(), "did:web:evil.example", &id.key)]);
    let did = DidDocument::from_json(&doc.to_string())?;
    assert_eq!(
        failure(verify_core_identity(&id.sign(&claims()), &did, &options())),
        code(ErrorCode::JwksNoMatchingKey)
    );
    // During a rotation the document lists two keys; each verifies its own credentials.
    let next = EcKey::generate();
    let next_kid = format!("{DID}#next");
    let doc = did_document(vec![
        did_entry(&kid(), DID, &id.key),
        did_entry(&next_kid, DID, &next),
    ]);
    let did = DidDocument::from_json(&doc.to_string())?;
    assert!(verify_core_identity(&id.sign(&claims()), &did, &options()).is_ok());
    let token = next.sign(&json!({"kid": next_kid, "alg": "ES256"}), &claims());
    assert!(verify_core_identity(&token, &did, &options()).is_ok());
    Ok(())
}

#[test]
fn each_claim_rule_fails_with_its_claim() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let cases = [
        (
            json!({"iss": "https://oidc.integration.account.gov.uk/"}),
            claim("iss"),
        ),
        (json!({"iss": null}), claim("iss")),
        (json!({"aud": "another-client"}), claim("aud")),
        (
            json!({"sub": "urn:fdc:gov.uk:2022:someone-else"}),
            claim("sub"),
        ),
        (json!({"sub": null}), claim("sub")),
        (json!({"nbf": NOW + 31.0}), claim("nbf")),
        (json!({"nbf": null}), claim("nbf")),
        (
            json!({"exp": NOW - 30.0}),
            Some((ErrorCode::JwtExpired, Some("exp".to_owned()))),
        ),
        (json!({"exp": null}), claim("exp")),
        (json!({"vot": "P1"}), claim("vot")),
        (json!({"vot": "Cl.Cm"}), claim("vot")),
        (json!({"vot": null}), claim("vot")),
        (json!({"vc": null}), claim("vc")),
        (json!({"vc": "credential"}), claim("vc")),
        (
            json!({"vc": {"credentialSubject": {"name": "Alice"}}}),
            claim("vc"),
        ),
        (
            json!({"vc": {"credentialSubject": {"name": [{"nameParts": [{"value": 1, "type": "GivenName"}]}]}}}),
            claim("vc"),
        ),
        (
            json!({"vc": {"credentialSubject": {"birthDate": ["1970-01-01"]}}}),
            claim("vc"),
        ),
    ];
    assert_claim_changes(
        &claims(),
        cases,
        |c| id.sign(c),
        |token| verify_core_identity(token, &id.did, &options()),
    );
    Ok(())
}

#[test]
fn levels_of_confidence_are_configurable() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let token = id.sign(&patch(&claims(), json!({"vot": "P1"})));
    let mut opts = options();
    opts.levels_of_confidence = vec![LevelOfConfidence::P1, LevelOfConfidence::P2];
    assert!(verify_core_identity(&token, &id.did, &opts).is_ok());
    opts.levels_of_confidence = vec![];
    assert_eq!(
        failure(verify_core_identity(&token, &id.did, &opts)),
        code(ErrorCode::InvalidArgument)
    );
    let mut opts = options();
    opts.sub = String::new();
    assert_eq!(
        failure(verify_core_identity(&token, &id.did, &opts)),
        code(ErrorCode::InvalidArgument)
    );
    Ok(())
}

#[test]
fn simulator_environment_uses_the_oidc_issuer() -> TestResult {
    let env = Environment::Custom(CustomEnvironment::simulator("http://localhost:3000")?);
    let key = EcKey::generate();
    let sim_kid = "did:web:localhost%3A3000#1f1caabb-b0bb-45b2-93ee-f47bf098dc1d";
    let doc = patch(
        &did_document(vec![did_entry(sim_kid, "did:web:localhost%3A3000", &key)]),
        json!({"id": "did:web:localhost%3A3000"}),
    );
    let did = DidDocument::from_json(&doc.to_string())?;
    let c = patch(&claims(), json!({"iss": "http://localhost:3000/"}));
    let token = key.sign(&json!({"kid": sim_kid, "alg": "ES256"}), &c);
    let opts = CoreIdentityOptions::new(&env, CLIENT_ID, SUB, NOW);
    assert!(verify_core_identity(&token, &did, &opts).is_ok());
    Ok(())
}

#[test]
fn malformed_did_documents_are_refused() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let good = did_entry(&kid(), DID, &id.key);
    let without = |name: &str| {
        let mut e = good.clone();
        if let Some(o) = e.as_object_mut() {
            o.remove(name);
        }
        did_document(vec![e])
    };
    let bad_docs = [
        "not json".to_owned(),
        "[]".to_owned(),
        json!({"assertionMethod": [good.clone()]}).to_string(),
        json!({"id": DID}).to_string(),
        json!({"id": DID, "assertionMethod": {}}).to_string(),
        did_document(vec![json!(kid())]).to_string(),
        without("id").to_string(),
        without("type").to_string(),
        without("controller").to_string(),
        without("publicKeyJwk").to_string(),
        did_document(vec![good.clone(), good.clone()]).to_string(),
        // Duplicate members are refused by the strict parser.
        format!(r#"{{"id":"{DID}","id":"did:web:evil","assertionMethod":[]}}"#),
    ];
    for doc in bad_docs {
        assert_eq!(
            DidDocument::from_json(&doc).err().map(|e| e.code()),
            Some(ErrorCode::JwksInvalid),
            "{doc}"
        );
    }
    assert!(DidDocument::from_json(&id.document.to_string()).is_ok());
    Ok(())
}

#[test]
fn an_unusable_key_reports_why() -> TestResult {
    let id = IdentityIssuer::new(&kid())?;
    let mut e = did_entry(&kid(), DID, &id.key);
    if let Some(jwk) = e.get_mut("publicKeyJwk").and_then(Value::as_object_mut) {
        jwk.insert("crv".into(), json!("P-384"));
    }
    let did = DidDocument::from_json(&did_document(vec![e]).to_string())?;
    assert_eq!(
        failure(verify_core_identity(&id.sign(&claims()), &did, &options())),
        code(ErrorCode::NotSupported)
    );
    Ok(())
}
