//! DID documents. `src/onelogin/did.rs` is not on this branch yet, so this target fuzzes what
//! DID parsing is built from: the strict JSON parser on a whole document and `Jwk::from_map`
//! on every `publicKeyJwk` (or the document itself as a JWK). Once the DID parser lands, call
//! it here as well.
#![no_main]

use govuk_one_login_tokens::{json, Jwk};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(map) = json::parse_object_bytes(data) else {
        return;
    };
    let _ = Jwk::from_map(&map);
    for relation in ["assertionMethod", "verificationMethod"] {
        let Some(Value::Array(methods)) = map.get(relation) else {
            continue;
        };
        for method in methods {
            if let Some(Value::Object(jwk)) = method.get("publicKeyJwk") {
                let _ = Jwk::from_map(jwk);
            }
        }
    }
});
