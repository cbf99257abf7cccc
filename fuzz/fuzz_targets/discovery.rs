//! One Login's discovery document: `parse_discovery` on arbitrary text. A document is accepted
//! only when its `issuer` is exactly the expected one.
#![no_main]

use govuk_one_login_tokens::onelogin::parse_discovery;
use libfuzzer_sys::fuzz_target;

const ISSUER: &str = "https://oidc.integration.account.gov.uk/";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(discovery) = parse_discovery(text, ISSUER) {
        assert_eq!(discovery.issuer, ISSUER);
        assert!(!discovery.token_url.is_empty() && !discovery.jwks_url.is_empty());
    }
});
