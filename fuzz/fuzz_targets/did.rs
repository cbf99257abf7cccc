//! One Login DID documents: `DidDocument::from_json` on arbitrary text, then the `kid` check
//! and key selection for every entry it kept, plus `Jwk::from_map` on each `publicKeyJwk`
//! directly so malformed keys are fuzzed even when the document shape is refused.
#![no_main]

use govuk_one_login_tokens::onelogin::DidDocument;
use govuk_one_login_tokens::fuzzing::parse_object;
use govuk_one_login_tokens::{Algorithm, Jwk};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(doc) = DidDocument::from_json(text) {
        for method in doc.assertion_methods() {
            if let Ok(keys) = doc.keys_for_kid(&method.id) {
                // A kid accepted here names an entry the document itself controls.
                assert_eq!(method.controller, doc.id());
                for alg in [Algorithm::Es256, Algorithm::Rs256] {
                    if let Ok(key) = keys.select(alg, Some(&method.id)) {
                        assert_eq!(key.kid(), Some(method.id.as_str()));
                    }
                }
            }
        }
        let _ = doc.keys_for_kid(text);
    }
    let Ok(map) = parse_object(text) else {
        return;
    };
    if let Some(Value::Array(methods)) = map.get("assertionMethod") {
        for method in methods {
            if let Some(Value::Object(jwk)) = method.get("publicKeyJwk") {
                let _ = Jwk::from_map(jwk);
            }
        }
    }
});
