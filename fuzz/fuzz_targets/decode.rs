//! `dangerous::decode` on arbitrary text: must return, never panic, and agree with the
//! lower-level steps it is built from.
#![no_main]

use govuk_one_login_tokens::fuzzing::{check_header_policy, decode_header, split};
use govuk_one_login_tokens::{dangerous, DEFAULT_MAX_TOKEN_SIZE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else {
        return;
    };
    let decoded = dangerous::decode(token, DEFAULT_MAX_TOKEN_SIZE);
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
