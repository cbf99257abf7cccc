//! The shared lists, defined once in Rust (see `crate::lists`), for the JavaScript wrapper, its
//! types, the README and the tests: `lists()` hands every one out, and each list's member of
//! its result is typed with the union generated from the same declaration.

use super::{to_js, JsResult};
#[cfg(feature = "js-full")]
use crate::alg::{Algorithm, SigningAlgorithm};
#[cfg(feature = "js-full")]
use crate::checks::{CheckId, Input};
use crate::claims::{DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE};
#[cfg(feature = "js-full")]
use crate::error::{ErrorCode, Reason};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::limits;
#[cfg(feature = "js-full")]
use crate::onelogin::inspect::TokenKind;
#[cfg(feature = "js-full")]
use crate::onelogin::{LevelOfConfidence, UserinfoClaim};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// One check, as `checkList()` describes it.
#[cfg(feature = "js-full")]
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct CheckDescription {
    #[tsify(type = "CheckId")]
    id: &'static str,
    label: &'static str,
    /// Whether it reads signed content (so its pass means nothing until the signature verified).
    reads_content: bool,
}

/// One input a check may need: the option that gives it, and what it is in words.
#[cfg(feature = "js-full")]
#[derive(Serialize, tsify::Tsify)]
pub struct InputDescription {
    #[tsify(type = "CheckInput")]
    name: &'static str,
    label: &'static str,
}

/// One userinfo claim: its short name and its URI.
#[cfg(feature = "js-full")]
#[derive(Serialize, tsify::Tsify)]
pub struct UserinfoClaimDescription {
    #[tsify(type = "UserinfoClaim")]
    name: &'static str,
    uri: &'static str,
}

/// Every list the core defines, as `lists()` hands them out.
#[cfg(feature = "js-full")]
#[derive(Serialize, tsify::Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Lists {
    /// Every `TokenError` code.
    #[tsify(type = "ErrorCode[]")]
    error_codes: &'static [&'static str],
    /// Every check an inspection can report, in order.
    checks: Vec<CheckDescription>,
    /// Every input a skipped check may name.
    inputs: Vec<InputDescription>,
    /// Every token kind an inspection recognises.
    #[tsify(type = "TokenKind[]")]
    token_kinds: &'static [&'static str],
    /// The algorithms tokens are verified with.
    #[tsify(type = "Algorithm[]")]
    algorithms: &'static [&'static str],
    /// The algorithms client assertions and request objects are signed with.
    #[tsify(type = "SigningAlgorithm[]")]
    signing_algorithms: &'static [&'static str],
    /// Why a claim failed (`TokenError.reason`).
    #[tsify(type = "ClaimFailureReason[]")]
    reasons: &'static [&'static str],
    /// The identity levels of confidence.
    #[tsify(type = "LevelOfConfidence[]")]
    identity_levels: &'static [&'static str],
    /// The userinfo claims a sign-in may request.
    userinfo_claims: Vec<UserinfoClaimDescription>,
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

#[cfg(feature = "js-full")]
fn check_descriptions() -> Vec<CheckDescription> {
    CheckId::ALL
        .iter()
        .map(|c| CheckDescription {
            id: c.as_str(),
            label: c.label(),
            reads_content: c.reads_content(),
        })
        .collect()
}

/// Every list the core defines: error codes, checks, inputs, token kinds, algorithms, signing
/// algorithms, claim failure reasons, identity levels and userinfo claims.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = lists, unchecked_return_type = "Lists")]
pub fn lists() -> JsResult<JsValue> {
    to_js(&Lists {
        error_codes: ErrorCode::NAMES,
        checks: check_descriptions(),
        inputs: Input::ALL
            .iter()
            .map(|i| InputDescription {
                name: i.as_str(),
                label: i.label(),
            })
            .collect(),
        token_kinds: TokenKind::NAMES,
        algorithms: Algorithm::NAMES,
        signing_algorithms: SigningAlgorithm::NAMES,
        reasons: Reason::NAMES,
        identity_levels: LevelOfConfidence::NAMES,
        userinfo_claims: UserinfoClaim::ALL
            .iter()
            .map(|c| UserinfoClaimDescription {
                name: c.as_str(),
                uri: c.uri(),
            })
            .collect(),
    })
}

/// Every `TokenError` code.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = errorCodes, unchecked_return_type = "ErrorCode[]")]
pub fn error_codes() -> JsResult<JsValue> {
    to_js(ErrorCode::NAMES)
}

/// Every check an inspection can report, in order.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = checkList, unchecked_return_type = "CheckDescription[]")]
pub fn check_list() -> JsResult<JsValue> {
    to_js(&check_descriptions())
}

/// Every token kind an inspection recognises.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = tokenKinds, unchecked_return_type = "TokenKind[]")]
pub fn token_kinds() -> JsResult<JsValue> {
    to_js(TokenKind::NAMES)
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
