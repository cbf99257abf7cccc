//! `dangerous::decode` on arbitrary text: must return, never panic, and agree with the
//! lower-level steps it is built from, and with `decode_to_json` (what `decodeJwt` returns to
//! JavaScript without building the claims): the same value or the same error.
#![no_main]

use govuk_one_login_tokens::fuzzing::{check_header_policy, decode_header, decode_to_json, split};
use govuk_one_login_tokens::{dangerous, DEFAULT_MAX_TOKEN_SIZE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let decoded = dangerous::decode(token, DEFAULT_MAX_TOKEN_SIZE);
    match (&decoded, decode_to_json(token, DEFAULT_MAX_TOKEN_SIZE)) {
        (Ok(full), Ok(text)) => {
            let fast: serde_json::Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| unreachable!("decode_to_json wrote bad JSON: {e}"));
            let full: serde_json::Value = serde_json::from_str(&full.to_json())
                .unwrap_or_else(|e| unreachable!("to_json wrote bad JSON: {e}"));
            assert_eq!(fast, full);
        }
        (Err(a), Err(b)) => assert_eq!((a.code(), a.message()), (b.code(), b.message())),
        (a, b) => unreachable!("decode {:?} but decode_to_json {:?}", a.is_ok(), b.is_ok()),
    }
    let parts = split(token, DEFAULT_MAX_TOKEN_SIZE);
    if let Ok(decoded) = &decoded {
        // Anything decode accepts has three segments and a header that parses on its own.
        let parts = parts.unwrap_or_else(|e| unreachable!("decoded but split failed: {e}"));
        let header = decode_header(parts.header)
            .unwrap_or_else(|e| unreachable!("decoded but header failed: {e}"));
        assert_eq!(header.alg, decoded.header.alg);
        assert_eq!(parts.signature, decoded.signature);
        let _ = check_header_policy(&header, Default::default());
    } else if let Ok(parts) = parts {
        if let Ok(header) = decode_header(parts.header) {
            let _ = check_header_policy(&header, Default::default());
        }
    }
});
