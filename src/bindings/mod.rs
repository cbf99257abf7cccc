//! The wasm-bindgen boundary: the only code that knows about JavaScript. It converts and
//! nothing else: JS values into the core's types (`options` reads option objects into
//! [`crate::options`] structs), a core call, the result back to JS. Every rule, default and
//! refusal is in the core.
//!
//! Errors become `TokenError` instances made by `pkg/errors.js` (imported with `raw_module`,
//! so every entry point shares one class identity).

// Without `js-full` (the browser entry's build) the module exports decoding, key sets, the
// verifiers and the limits only; every other export is in `js-full` (Cargo.toml).
#[cfg(feature = "js-full")]
mod client;
#[cfg(feature = "js-full")]
mod document_cache;
#[cfg(all(feature = "flow", feature = "js-full"))]
mod flow;
mod host_keys;
#[cfg(feature = "js-full")]
mod inspect;
mod jose;
mod lists;
mod onelogin;
mod options;
mod prepared;
#[cfg(feature = "js-full")]
mod sessions;
#[cfg(all(feature = "flow", feature = "js-full"))]
mod signing;
#[cfg(feature = "test-exports")]
mod test_exports;

use crate::alg::Algorithm;
use crate::error::{Error, ErrorCode};
use crate::jwk::{Jwk, SignatureBackend};
use crate::jws;
use js_sys::{Object, Reflect, JSON};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "../errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createTokenError)]
    fn create_token_error(code: &str, message: &str, details: JsValue) -> JsValue;
}

#[wasm_bindgen(raw_module = "../host-crypto.js")]
extern "C" {
    #[wasm_bindgen(js_name = hostVerify, catch)]
    fn host_verify(key: u32, alg: &str, message: &[u8], signature: &[u8]) -> JsResult<JsValue>;
}

type JsResult<T> = Result<T, JsValue>;

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        let details = Object::new();
        let oauth = e.oauth();
        let strings = [
            ("claim", e.claim_name()),
            (
                "reason",
                e.reason()
                    .map(|r| r.as_str())
                    .or_else(|| e.signer_reason().map(|r| r.as_str())),
            ),
            ("option", e.option_name()),
            ("error", oauth.and_then(|o| o.error.as_deref())),
            (
                "errorDescription",
                oauth.and_then(|o| o.error_description.as_deref()),
            ),
        ];
        for (name, value) in strings {
            if let Some(value) = value {
                // Setting a property on a fresh plain object cannot fail.
                let _ = Reflect::set(
                    &details,
                    &JsValue::from_str(name),
                    &JsValue::from_str(value),
                );
            }
        }
        if let Some(status) = oauth.and_then(|o| o.status) {
            let _ = Reflect::set(&details, &"status".into(), &JsValue::from(status));
        }
        create_token_error(e.code().as_str(), e.message(), details.into())
    }
}

static HOST_CRYPTO: AtomicBool = AtomicBool::new(false);

/// Node's `crypto.verify` as the signature arithmetic (see `jwk::SignatureBackend`); the
/// Node entry points switch it on, browsers keep the built-in code because WebCrypto is
/// asynchronous only.
#[derive(Debug)]
struct HostCrypto;

impl SignatureBackend for HostCrypto {
    fn verify(&self, key: &Jwk, alg: Algorithm, message: &[u8], signature: &[u8]) -> Option<bool> {
        if !HOST_CRYPTO.load(Ordering::Relaxed) {
            return None;
        }
        // The key crosses as its number (host_keys.rs). A host that throws or answers anything
        // but a boolean has not decided; the built-in arithmetic does.
        let number = host_keys::key_number(key.canonical_jwk())?;
        host_verify(number, alg.as_str(), message, signature)
            .ok()
            .and_then(|v| v.as_bool())
    }
}

fn host_backend() -> Option<Arc<dyn SignatureBackend>> {
    Some(Arc::new(HostCrypto))
}

/// Switch the host's signature arithmetic on or off (the Node entry points switch it on).
#[wasm_bindgen(js_name = setHostCrypto, skip_typescript)]
pub fn set_host_crypto(enabled: bool) {
    HOST_CRYPTO.store(enabled, Ordering::Relaxed);
}

/// A string argument. Rust `&str` parameters would let the glue's string copier run on any JS
/// value: a non-string made it throw halfway, or allocate by a made-up `length` and abort,
/// leaving wasm memory unusable. Taking `JsValue` keeps every type check in here, as a
/// `TokenError`.
fn string_arg(value: &JsValue, name: &'static str) -> JsResult<String> {
    value
        .as_string()
        .ok_or_else(|| Error::option(name, format!("{name} must be a string")).into())
}

/// A token argument, refused by the size cap before it is copied into wasm memory (UTF-8 is at
/// least as long as UTF-16, so a string over the cap in code units is over it in bytes): wasm
/// memory never shrinks, so an attacker's 10 MB token must not grow it.
fn token_arg(value: &JsValue, max_size: usize) -> JsResult<String> {
    if over_cap(value, max_size) {
        return Err(jws::too_large(max_size).into());
    }
    string_arg(value, "token")
}

/// Whether a JS string is certainly over `cap` UTF-8 bytes, told from its length in UTF-16
/// code units without copying it (each code unit is at least one byte of UTF-8).
fn over_cap(value: &JsValue, cap: usize) -> bool {
    value
        .dyn_ref::<js_sys::JsString>()
        .is_some_and(|s| s.length() as usize > cap)
}

/// A string input from outside (a body, a callback, a document's text), refused by its cap
/// before it is copied into wasm memory; the core checks the exact UTF-8 size again. `None`
/// for a value that is not a string.
#[cfg(feature = "js-full")]
fn capped_string(
    value: &JsValue,
    cap: usize,
    code: ErrorCode,
    what: &'static str,
) -> JsResult<Option<String>> {
    if over_cap(value, cap) {
        return Err(crate::limits::too_large(cap, code, what).into());
    }
    Ok(value.as_string())
}

/// A JSON document given as text or as a plain JS value, as text for the core's strict parser,
/// refused by [`crate::limits::MAX_DOCUMENT_SIZE`] before it is copied into wasm memory (an
/// object is stringified by the host first, outside wasm memory).
fn json_text(value: &JsValue, what: &'static str, code: ErrorCode) -> Result<String, Error> {
    let cap = crate::limits::MAX_DOCUMENT_SIZE;
    if let Some(s) = value.dyn_ref::<js_sys::JsString>() {
        if s.length() as usize > cap {
            return Err(crate::limits::too_large(cap, code, what));
        }
        return Ok(String::from(s));
    }
    if value.is_object() {
        if let Some(text) = JSON::stringify(value).ok().filter(|t| t.is_string()) {
            if text.length() as usize > cap {
                return Err(crate::limits::too_large(cap, code, what));
            }
            return Ok(String::from(text));
        }
    }
    Err(Error::new(
        code,
        format!("{what} must be a JSON string or an object"),
    ))
}

/// `{ [name]: value }` as an own data property (`Object.fromEntries`), so a setter a polluted
/// `Object.prototype` may have for `name` is never called.
#[cfg(feature = "js-full")]
fn holder(name: &str, value: &JsValue) -> JsResult<JsValue> {
    let entry = js_sys::Array::of2(&JsValue::from_str(name), value);
    Ok(Object::from_entries(&js_sys::Array::of1(&entry))?.into())
}

fn now_seconds() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// A result as a plain JS value. serde_json writes only what `JSON.parse` reads back
/// identically, so the round trip through text is exact, and it is faster than building the
/// object member by member across the boundary.
fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let text =
        serde_json::to_string(value).map_err(|_| Error::jwt("result cannot be serialized"))?;
    JSON::parse(&text)
}
