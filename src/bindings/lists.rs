//! The shared lists, defined once in Rust, for the JavaScript wrapper, its types, the README
//! and the tests: error codes, checks, token kinds and limits.

use super::{to_js, JsResult};
use crate::checks::CheckId;
use crate::claims::{DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE};
use crate::error::ErrorCode;
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
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
    })
}
