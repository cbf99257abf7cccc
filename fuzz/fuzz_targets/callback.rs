//! The authorization callback: `parse_callback` on arbitrary text (query and fragment forms),
//! then `check_callback` against a fixed transaction. A code is returned only when the callback
//! carries exactly the transaction's `state` and no `error`.
#![no_main]

use govuk_one_login_tokens::limits::MAX_CALLBACK_SIZE;
use govuk_one_login_tokens::onelogin::{check_callback, parse_callback, Transaction};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let transaction = Transaction {
        state: "s7Vd4Pq0w3r9W7Lz".into(),
        nonce: "n".into(),
        code_verifier: "v".repeat(43),
        redirect_uri: "https://rp.example/callback".into(),
        vtr: None,
        max_age: None,
        claims: Vec::new(),
        response_mode: None,
    };
    for mode in [None, Some("fragment")] {
        let Ok(params) = parse_callback(text, mode) else {
            continue;
        };
        // The length rule: nothing over the cap is ever parsed.
        assert!(text.len() <= MAX_CALLBACK_SIZE);
        match check_callback(&params, Some(&transaction)) {
            Ok(code) => {
                assert_eq!(params.state.as_deref(), Some(transaction.state.as_str()));
                assert!(params.error.is_none());
                assert!(!code.is_empty());
            }
            Err(e) => {
                let _ = e.code();
            }
        }
        assert!(check_callback(&params, None).is_err());
    }
});
