//! What `pkg/client.js` needs in every build, the browser's too: the DID document's `id`, the
//! front-channel logout URL, the back-channel logout body and replay window, discovery. Every
//! rule is in `crate::onelogin`; this file only converts. These exports are internal to the
//! package (not re-exported).

use super::onelogin::JsDidDocument;
use super::options::from_js;
use super::{capped_string, to_js, JsResult};
use crate::error::{Error, ErrorCode};
use crate::onelogin::{self, LogoutUrlOptions};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// Refuse a DID document whose `id` is not the environment's DID.
#[wasm_bindgen(js_name = checkDidDocumentId, skip_typescript)]
pub fn check_did_document_id(did: &JsDidDocument, did_id: String) -> JsResult<()> {
    did.inner.check_id(&did_id).map_err(JsValue::from)
}

/// Refuse an endpoint URL that is not https (or http to this machine), naming `option`
/// (`pkg/fetch.js` asks this after normalising the URL).
#[wasm_bindgen(js_name = checkEndpointUrl, skip_typescript)]
pub fn check_endpoint_url(url: JsValue, option: String) -> JsResult<()> {
    let cap = crate::limits::MAX_OPTION_STRING_SIZE;
    if super::over_cap(&url, cap) {
        let message = format!("option \"{option}\" is longer than {cap} characters");
        return Err(Error::option(option, message).into());
    }
    let url = url.as_string().unwrap_or_default();
    onelogin::endpoint_url::check_endpoint_url(&url, option).map_err(JsValue::from)
}

/// The front-channel logout URL.
#[wasm_bindgen(js_name = buildLogoutUrl, skip_typescript)]
pub fn build_logout_url(end_session_url: String, options: JsValue) -> JsResult<String> {
    // `undefined` and `null` read as an empty object: every member is optional.
    let options: LogoutUrlOptions = from_js(Some(options))?;
    onelogin::build_logout_url(&end_session_url, &options).map_err(JsValue::from)
}

/// A parsed form body: only `logout_token` is read (other members are the form's business).
#[derive(Deserialize)]
struct LogoutForm {
    logout_token: Option<serde_json::Value>,
}

/// The logout token from a back-channel logout body: the form text, the token, or a parsed
/// form object `{ logout_token }`.
#[wasm_bindgen(js_name = logoutTokenFromBody, skip_typescript)]
pub fn logout_token_from_body(body: JsValue) -> JsResult<String> {
    let cap = crate::limits::MAX_LOGOUT_BODY_SIZE;
    let what = "the back-channel logout body";
    if let Some(text) = capped_string(&body, cap, ErrorCode::JwtInvalid, what)? {
        return onelogin::logout_token_from_body(&text).map_err(JsValue::from);
    }
    // A body that is not a readable object has no logout_token either.
    if let Ok(LogoutForm {
        logout_token: Some(serde_json::Value::String(token)),
    }) = from_js::<LogoutForm>(Some(body))
    {
        if !token.is_empty() {
            return Ok(token);
        }
    }
    Err(JsValue::from(Error::new(
        ErrorCode::JwtInvalid,
        "the back-channel logout body has no logout_token",
    )))
}

/// How long to remember a verified logout token's `jti`, in seconds.
#[wasm_bindgen(js_name = replayTtlSeconds, skip_typescript)]
pub fn replay_ttl_seconds(exp: f64, now: f64, clock_tolerance: f64) -> f64 {
    onelogin::replay_ttl_seconds(exp, now, clock_tolerance) as f64
}

/// Parse a discovery document and check its issuer.
#[wasm_bindgen(js_name = parseDiscovery, skip_typescript)]
pub fn parse_discovery(text: JsValue, issuer: String) -> JsResult<JsValue> {
    let cap = crate::limits::MAX_DOCUMENT_SIZE;
    let text = capped_string(
        &text,
        cap,
        ErrorCode::JwksFetchFailed,
        "the discovery document",
    )?
    .unwrap_or_default();
    to_js(&onelogin::parse_discovery(&text, &issuer)?)
}
