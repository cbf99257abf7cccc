//! `KeySet::from_json` on arbitrary text, then a lookup for every algorithm and a few kids so
//! the selection and rejected-key paths run on whatever was parsed.
#![no_main]

use govuk_one_login_tokens::{Algorithm, KeySet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(keys) = KeySet::from_json(text) else {
        return;
    };
    let mut kids: Vec<Option<String>> = vec![None];
    kids.extend(keys.keys().iter().map(|k| k.kid().map(str::to_owned)));
    kids.extend(keys.rejected().map(|(kid, _)| kid.map(str::to_owned)));
    for alg in [Algorithm::Es256, Algorithm::Rs256] {
        for kid in &kids {
            if let Ok(key) = keys.select(alg, kid.as_deref()) {
                assert!(key.accepts(alg));
                // A junk signature must never verify, whatever key was accepted.
                assert!(key.public_key().verify(alg, b"a.b", &[0u8; 64]).is_err());
            }
        }
    }
});
