//! `application/x-www-form-urlencoded` decoding (callbacks and back-channel logout bodies):
//! `parse_pairs` and `decode_component` on arbitrary text. A decoded value never holds a byte
//! from a `%` escape that was not two hex digits, and a successful parse never produces more
//! bytes than it read (the callback and logout body caps bound the output by the input).
#![no_main]

use govuk_one_login_tokens::fuzzing::{decode_component, parse_pairs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(decoded) = decode_component(text) {
        assert!(decoded.len() <= text.len());
        // Strict escapes: every `%` in the input starts two hex digits.
        let bytes = text.as_bytes();
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'%' {
                let hex = bytes.get(i + 1..i + 3).unwrap_or_default();
                assert!(hex.len() == 2 && hex.iter().all(u8::is_ascii_hexdigit), "{text:?}");
            }
        }
    }
    if let Ok(pairs) = parse_pairs(text) {
        let total: usize = pairs.iter().map(|(n, v)| n.len() + v.len()).sum();
        assert!(total <= text.len());
    }
});
