//! Back-channel logout requests: `logout_token_from_body` on an arbitrary body, and
//! `replay_ttl_seconds` on arbitrary times (a jti is always remembered for at least One Login's
//! three minutes and at most `MAX_REPLAY_TTL_SECONDS`), with the body's size cap.
#![no_main]

use govuk_one_login_tokens::limits::MAX_LOGOUT_BODY_SIZE;
use govuk_one_login_tokens::onelogin::back_channel::MAX_REPLAY_TTL_SECONDS;
use govuk_one_login_tokens::onelogin::{logout_token_from_body, replay_ttl_seconds};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((times, _)) = data.split_first_chunk::<24>() {
        let f = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&times[i * 8..i * 8 + 8]);
            f64::from_le_bytes(b)
        };
        let ttl = replay_ttl_seconds(f(0), f(1), f(2));
        assert!((180..=MAX_REPLAY_TTL_SECONDS).contains(&ttl), "{ttl}");
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match logout_token_from_body(text) {
        Ok(token) => {
            assert!(!token.is_empty());
            assert!(text.len() <= MAX_LOGOUT_BODY_SIZE);
        }
        Err(e) => assert_eq!(e.code().as_str(), "ERR_JWT_INVALID"),
    }
});
