//! Full verification (`jwt::verify`) against a fixed key set. The first input byte, modulo
//! 8, picks a mode:
//! - 0, 1: the rest is a token as text;
//! - 2, 3, 4 (ES256) and 5 (RS256): the rest is `header JSON \0 payload JSON`, signed with the
//!   real key, so mutations reach header policy, key selection and claim validation instead
//!   of dying at the signature. RSA signing is the slowest step by far, hence one mode in 8;
//! - 6, 7: byte edits (position, value pairs) applied to a valid token. Any edited token
//!   that still verifies is a forgery, and fails the run.
#![no_main]

use govuk_one_login_tokens::jwt;
use govuk_one_login_tokens_fuzz::{fixture, options};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    // RSA key generation for the fixture takes seconds under AddressSanitizer: do it before
    // fuzzing starts, outside libFuzzer's per-input timeout.
    init: {
        fixture();
    },
    |data: &[u8]| {
        let fixture = fixture();
        let options = options();
        let Some((&mode, rest)) = data.split_first() else {
            return;
        };
        match mode % 8 {
            0 | 1 => {
                if let Ok(token) = std::str::from_utf8(rest) {
                    let _ = jwt::verify(token, &fixture.keys, &options);
                }
            }
            2..=5 => {
                let (header, payload) = match rest.iter().position(|&b| b == 0) {
                    Some(i) => (
                        rest.get(..i).unwrap_or_default(),
                        rest.get(i + 1..).unwrap_or_default(),
                    ),
                    None => (rest, &b"{}"[..]),
                };
                let token = fixture.sign(header, payload, mode % 8 == 5);
                let _ = jwt::verify(&token, &fixture.keys, &options);
            }
            _ => {
                let Some((&which, edits)) = rest.split_first() else {
                    return;
                };
                let tokens = &fixture.tokens;
                let Some(original) = tokens.get(usize::from(which) % tokens.len()) else {
                    return;
                };
                let mut bytes = original.clone().into_bytes();
                for edit in edits.chunks_exact(3) {
                    if let [hi, lo, value] = *edit {
                        let len = bytes.len();
                        if let Some(b) = bytes.get_mut(usize::from(u16::from_be_bytes([hi, lo])) % len)
                        {
                            *b = value;
                        }
                    }
                }
                let Ok(token) = String::from_utf8(bytes) else {
                    return;
                };
                let accepted = jwt::verify(&token, &fixture.keys, &options).is_ok();
                assert!(
                    !accepted || tokens.contains(&token),
                    "forgery: an edited token verified: {token}"
                );
            }
        }
    }
);
