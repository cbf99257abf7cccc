//! The token endpoint's answer: `check_token_response` on an arbitrary status and body. It is
//! accepted only for HTTP 200 with a Bearer `token_type` and non-empty `access_token` and
//! `id_token` strings.
#![no_main]

use govuk_one_login_tokens::onelogin::check_token_response;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Ok(body) = std::str::from_utf8(body) else {
        return;
    };
    // Mostly 200, sometimes anything.
    let status = if status[0] & 1 == 0 {
        200
    } else {
        u16::from_be_bytes(*status)
    };
    if let Ok(tokens) = check_token_response(status, body) {
        assert_eq!(status, 200);
        assert!(!tokens.access_token.is_empty() && !tokens.id_token.is_empty());
    }
});
