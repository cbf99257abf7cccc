//! Exports only the JS tests use, in the `test-exports` build; never in the released `.wasm`.

use super::jose::JsKeySet;
use super::{string_arg, JsResult};
use crate::alg::Algorithm;
use crate::error::Error;
use wasm_bindgen::prelude::*;

/// A byte-array argument, for the same reason as `string_arg`.
fn bytes_arg(value: &JsValue, name: &'static str) -> JsResult<Vec<u8>> {
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
        .ok_or_else(|| Error::option(name, format!("{name} must be a Uint8Array")).into())
}

/// Test-only (in the `test-exports` build, never in the released `.wasm`): check a raw
/// signature over arbitrary bytes with the key set's key for `alg`/`kid`, exactly as a JWT's
/// signature is checked (form checks, then the host's arithmetic if switched on, else the
/// built-in one). Wycheproof's messages are not `header.payload` text, so this is how the JS
/// tests run them through Node's arithmetic.
#[doc(hidden)]
#[wasm_bindgen(js_name = __verifySignatureForTests)]
pub fn verify_signature_for_tests(
    keys: &JsKeySet,
    alg: JsValue,
    kid: JsValue,
    message: JsValue,
    signature: JsValue,
) -> JsResult<()> {
    let alg = string_arg(&alg, "alg")?;
    let alg = Algorithm::from_name(&alg)
        .ok_or_else(|| JsValue::from(Error::option("alg", "alg must be ES256 or RS256")))?;
    let kid = if kid.is_undefined() || kid.is_null() {
        None
    } else {
        Some(string_arg(&kid, "kid")?)
    };
    let key = keys.inner.select(alg, kid.as_deref())?;
    let message = bytes_arg(&message, "message")?;
    let signature = bytes_arg(&signature, "signature")?;
    Ok(keys
        .inner
        .verify_signature(key, alg, &message, &signature)?)
}
