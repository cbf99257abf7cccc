//! The userinfo response and every claim view: `check_userinfo_response` on an arbitrary status,
//! `WWW-Authenticate` header and body; `userinfo_claims` on the object it accepts; and each
//! One Login claim (address, passport, driving permit, return code, core identity, email,
//! phone, wallet subject id) given an arbitrary JSON value of its own, so every view is
//! reached even when the rest of the body would be refused.
#![no_main]

use govuk_one_login_tokens::fuzzing::parse_object;
use govuk_one_login_tokens::onelogin::userinfo::parse_www_authenticate;
use govuk_one_login_tokens::onelogin::{check_userinfo_response, userinfo_claims};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

const SUB: &str = "urn:fdc:gov.uk:2022:fuzz";
const CLAIMS: [&str; 10] = [
    "https://vocab.account.gov.uk/v1/address",
    "https://vocab.account.gov.uk/v1/passport",
    "https://vocab.account.gov.uk/v1/drivingPermit",
    "https://vocab.account.gov.uk/v1/returnCode",
    "https://vocab.account.gov.uk/v1/coreIdentityJWT",
    "email",
    "email_verified",
    "phone_number",
    "phone_number_verified",
    "wallet_subject_id",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let (header, body) = text.split_once('\n').unwrap_or(("", text));
    let _ = parse_www_authenticate(header);
    let status = if selector & 0x80 == 0 { 200 } else { 401 };
    if let Ok(userinfo) = check_userinfo_response(status, Some(header), body, SUB) {
        assert_eq!(status, 200);
        assert_eq!(userinfo.get("sub").and_then(Value::as_str), Some(SUB));
        let _ = userinfo_claims(&userinfo);
    } else if let Ok(map) = parse_object(body) {
        let _ = userinfo_claims(&map);
    }
    // One claim at a time, its value the whole body.
    if let Ok(value) = serde_json::from_str::<Value>(body) {
        let claim = CLAIMS[usize::from(selector & 0x7f) % CLAIMS.len()];
        let mut userinfo = Map::new();
        userinfo.insert("sub".into(), Value::String(SUB.into()));
        userinfo.insert(claim.into(), value);
        if let Ok(view) = userinfo_claims(&userinfo) {
            assert_eq!(view.sub, SUB);
        }
    }
});
