//! The typed options of every export (`crate::options`) and of the sign-in flow
//! (`SignInOptions`, `LogoutUrlOptions`, the session's `Transaction`), deserialized from
//! arbitrary JSON with serde_json and resolved. The first byte picks the struct. A resolved
//! option set never carries a clock tolerance outside 0–300 s or an unparsable `vtr`.
#![no_main]

use govuk_one_login_tokens::onelogin::{
    build_logout_url, check_callback, start_sign_in, CallbackParams, LogoutUrlOptions,
    SignInClient, SignInOptions, Transaction,
};
use govuk_one_login_tokens::options::{
    AuthorizationUrlOptions, DecodeJwtOptions, InspectTokenOptions, SignClientAssertionOptions,
    SignRequestObjectOptions, VerifyCoreIdentityOptions, VerifyIdTokenOptions, VerifyJwtOptions,
    VerifyLogoutTokenOptions,
};
use govuk_one_login_tokens::MAX_CLOCK_TOLERANCE;
use libfuzzer_sys::fuzz_target;

const NOW: f64 = 1_700_000_000.0;

fn read<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

fn tolerance_ok(t: f64) -> bool {
    (0.0..=MAX_CLOCK_TOLERANCE).contains(&t)
}

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let clock = || NOW;
    match which % 12 {
        0 => {
            if let Some(o) = read::<DecodeJwtOptions>(text) {
                let _ = o.resolve();
            }
        }
        1 => {
            if let Some(o) = read::<VerifyJwtOptions>(text) {
                if let Ok(v) = o.resolve(clock) {
                    assert!(tolerance_ok(v.claims.clock_tolerance));
                }
            }
        }
        2 => {
            if let Some(o) = read::<VerifyIdTokenOptions>(text) {
                if let Ok(v) = o.resolve(clock) {
                    assert!(tolerance_ok(v.clock_tolerance));
                    assert!(!v.issuer.is_empty() && !v.client_id.is_empty());
                }
            }
        }
        3 => {
            if let Some(o) = read::<VerifyCoreIdentityOptions>(text) {
                let _ = o.resolve(clock);
            }
        }
        4 => {
            if let Some(o) = read::<VerifyLogoutTokenOptions>(text) {
                let _ = o.resolve(clock);
            }
        }
        5 => {
            if let Some(o) = read::<SignClientAssertionOptions>(text) {
                let _ = o.resolve(clock);
            }
        }
        6 => {
            if let Some(o) = read::<AuthorizationUrlOptions>(text) {
                if let Ok((url, request)) = o.resolve() {
                    let _ =
                        govuk_one_login_tokens::onelogin::build_authorization_url(&url, &request);
                }
            }
        }
        7 => {
            if let Some(o) = read::<SignRequestObjectOptions>(text) {
                let _ = o.resolve(clock);
            }
        }
        8 => {
            if let Some(o) = read::<InspectTokenOptions>(text) {
                if let Ok((documents, _)) = o.resolve(clock) {
                    let _ = documents.parse();
                }
            }
        }
        9 => {
            if let Some(o) = read::<SignInOptions>(text) {
                for client_secret_post in [false, true] {
                    let client = SignInClient {
                        client_id: "fuzz-client".into(),
                        authorize_url: "https://oidc.integration.account.gov.uk/authorize".into(),
                        redirect_uri: Some("https://rp.example/callback".into()),
                        client_secret_post,
                    };
                    if let Ok(signed) = start_sign_in(&client, &o, None) {
                        // What it keeps is what the callback check accepts.
                        let t = &signed.transaction;
                        assert!(t.levels_of_confidence().is_ok());
                        if client_secret_post {
                            assert!(t.levels_of_confidence().is_ok_and(|l| l.is_empty()));
                        }
                        let params = CallbackParams {
                            code: Some("c".into()),
                            state: Some(t.state.clone()),
                            ..CallbackParams::default()
                        };
                        assert!(check_callback(&params, Some(t)).is_ok());
                    }
                }
            }
        }
        10 => {
            if let Some(o) = read::<LogoutUrlOptions>(text) {
                if let Ok(url) =
                    build_logout_url("https://oidc.integration.account.gov.uk/logout", &o)
                {
                    assert!(url.starts_with("https://oidc.integration.account.gov.uk/logout"));
                    assert!(o.post_logout_redirect_uri.is_none() || o.id_token_hint.is_some());
                }
            }
        }
        _ => {
            if let Some(t) = read::<Transaction>(text) {
                let _ = t.levels_of_confidence();
                let _ = t.requested("https://vocab.account.gov.uk/v1/address");
            }
        }
    }
});
