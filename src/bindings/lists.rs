//! The shared lists, defined once in Rust, for the JavaScript wrapper, its types, the README
//! and the tests: error codes, checks, token kinds and limits.

use super::{to_js, JsResult};
use crate::checks::CheckId;
use crate::claims::{DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE};
use crate::error::ErrorCode;
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::limits;
use crate::onelogin::inspect::TokenKind;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// One check, as `checkList()` describes it.
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CheckDescription {
    #[tsify(type = "CheckId")]
    id: &'static str,
    label: &'static str,
    /// Whether it reads signed content (so its pass means nothing until the signature verified).
    reads_content: bool,
}

/// The limits the core enforces.
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// The default (and usual) cap on a token's size, in bytes.
    max_token_size: usize,
    /// The clock tolerance when none is given, in seconds.
    default_clock_tolerance: f64,
    /// The largest clock tolerance accepted, in seconds.
    max_clock_tolerance: f64,
    /// A back-channel logout request body, in bytes.
    max_logout_body_size: usize,
    /// An authorization callback (URL, path and query, or query), in bytes.
    max_callback_size: usize,
    /// A JWKS, DID document or discovery document, fetched or passed, in bytes.
    max_document_size: usize,
    /// A token endpoint or userinfo response body, in bytes.
    max_response_size: usize,
    /// One string member of an options object, in bytes.
    max_option_string_size: usize,
    /// A logout token's `jti`, in characters.
    max_jti_length: usize,
    /// The longest a logout token may live (`exp - iat`), in seconds.
    max_logout_token_lifetime: u64,
}

/// Every `TokenError` code.
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> JsResult<JsValue> {
    let codes: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    to_js(&codes)
}

/// Every check an inspection can report, in order.
#[wasm_bindgen(js_name = checkList, unchecked_return_type = "CheckDescription[]")]
pub fn check_list() -> JsResult<JsValue> {
    let checks: Vec<CheckDescription> = CheckId::ALL
        .iter()
        .map(|c| CheckDescription {
            id: c.as_str(),
            label: c.label(),
            reads_content: c.reads_content(),
        })
        .collect();
    to_js(&checks)
}

/// Every token kind an inspection recognises.
#[wasm_bindgen(js_name = tokenKinds, unchecked_return_type = "TokenKind[]")]
pub fn token_kinds() -> JsResult<JsValue> {
    let kinds: Vec<&str> = TokenKind::ALL.iter().map(|k| k.as_str()).collect();
    to_js(&kinds)
}

/// The limits the core enforces.
#[wasm_bindgen(js_name = limits, unchecked_return_type = "Limits")]
pub fn limits() -> JsResult<JsValue> {
    to_js(&Limits {
        max_token_size: DEFAULT_MAX_TOKEN_SIZE,
        default_clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
        max_clock_tolerance: MAX_CLOCK_TOLERANCE,
        max_logout_body_size: limits::MAX_LOGOUT_BODY_SIZE,
        max_callback_size: limits::MAX_CALLBACK_SIZE,
        max_document_size: limits::MAX_DOCUMENT_SIZE,
        max_response_size: limits::MAX_RESPONSE_SIZE,
        max_option_string_size: limits::MAX_OPTION_STRING_SIZE,
        max_jti_length: limits::MAX_JTI_LENGTH,
        max_logout_token_lifetime: limits::MAX_LOGOUT_TOKEN_LIFETIME,
    })
}
