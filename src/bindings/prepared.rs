//! Prepared verifiers: a verifier's options read, checked and resolved once into a wasm object,
//! so a verification crosses the boundary with the token and the per-call values only (the
//! `nonce` and access token of one sign-in), and its claims come back as the payload text the
//! core has already validated (the host parses it once), not re-serialised. Every check of the
//! token still runs on every call: only the options are prepared, never a verdict.
//!
//! The fast methods take `&str` and are called only by `pkg/prepared.js`, which has checked
//! that each is a string within its cap; anything else goes to the `...Values` method, which
//! reads the arguments as `JsValue`s and refuses them as the one-shot verifiers do.

use super::jose::JsKeySet;
use super::options::from_js;
use super::{now_seconds, token_arg, JsResult};
use crate::error::Error;
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::onelogin::{self, IdTokenOptions, LogoutOptions, NonceCheck};
use crate::options::{VerifyIdTokenOptions, VerifyLogoutTokenOptions};
use serde::{Deserialize, Deserializer};
use wasm_bindgen::prelude::*;

/// The options that belong to one call, refused at creation with where they go.
const PER_CALL: [&str; 2] = ["nonce", "accessToken"];

/// An ID token verifier's options, resolved once: `createIdTokenVerifier(options)`.
#[wasm_bindgen(js_name = PreparedIdTokenVerifier, skip_typescript)]
pub struct JsPreparedIdTokenVerifier {
    /// Every option but the per-call ones (`nonce`, `accessToken`) and, without a fixed `now`,
    /// the time.
    template: IdTokenOptions,
    /// Whether `now` was given: then every call checks at that time.
    fixed_now: bool,
}

/// The per-call values of a prepared ID token verifier, read from an object (the slow path).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IdTokenCall {
    /// `null` (none was sent) is not the same as absent (a mistake).
    #[serde(default, deserialize_with = "nullable")]
    nonce: Option<Option<String>>,
    #[serde(default)]
    access_token: Option<String>,
}

fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn per_call_refused(name: &'static str) -> Error {
    Error::option(
        name,
        format!("option \"{name}\" belongs to each call: verifier(token, {{ {name} }})"),
    )
}

fn clock_or(fixed: Option<f64>) -> f64 {
    fixed.unwrap_or_else(now_seconds)
}

#[wasm_bindgen(js_class = PreparedIdTokenVerifier)]
impl JsPreparedIdTokenVerifier {
    /// Read and resolve `verifyIdToken`'s options without `nonce` and `accessToken` (the
    /// wrapper reads `jwks`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<JsPreparedIdTokenVerifier> {
        let mut options = from_js::<VerifyIdTokenOptions>(Some(options))?;
        if options.nonce.is_some() {
            return Err(per_call_refused(PER_CALL[0]).into());
        }
        if options.access_token.is_some() {
            return Err(per_call_refused(PER_CALL[1]).into());
        }
        let fixed_now = options.now.is_some();
        // The per-call rule stands in here, so the rest resolves and is checked now.
        options.nonce = Some(None);
        let template = options.resolve(now_seconds)?;
        Ok(JsPreparedIdTokenVerifier {
            template,
            fixed_now,
        })
    }

    fn run(
        &self,
        token: &str,
        keys: &JsKeySet,
        nonce: NonceCheck,
        access_token: Option<String>,
    ) -> JsResult<String> {
        let options = IdTokenOptions {
            nonce,
            access_token,
            now: clock_or(self.fixed_now.then_some(self.template.now)),
            ..self.template.clone()
        };
        Ok(onelogin::verify_id_token(token, &keys.inner, &options)?.payload_json)
    }

    /// Verify with a string token, a string or `null` nonce and an optional string access
    /// token (checked by the wrapper); returns the validated payload text.
    pub fn verify(
        &self,
        token: &str,
        keys: &JsKeySet,
        nonce: Option<String>,
        access_token: Option<String>,
    ) -> JsResult<String> {
        self.run(token, keys, NonceCheck::from_nullable(nonce), access_token)
    }

    /// The same with the arguments as given: every wrong type or member is refused by name.
    #[wasm_bindgen(js_name = verifyValues)]
    pub fn verify_values(
        &self,
        token: JsValue,
        keys: &JsKeySet,
        per_call: JsValue,
    ) -> JsResult<String> {
        let call = from_js::<IdTokenCall>(Some(per_call))?;
        let nonce = NonceCheck::from_option(call.nonce)?;
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        self.run(&token, keys, nonce, call.access_token)
    }
}

/// A logout token verifier's options, resolved once: `createLogoutTokenVerifier(options)`.
#[wasm_bindgen(js_name = PreparedLogoutTokenVerifier, skip_typescript)]
pub struct JsPreparedLogoutTokenVerifier {
    template: LogoutOptions,
    fixed_now: bool,
}

#[wasm_bindgen(js_class = PreparedLogoutTokenVerifier)]
impl JsPreparedLogoutTokenVerifier {
    /// Read and resolve `verifyLogoutToken`'s options (the wrapper reads `jwks`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<JsPreparedLogoutTokenVerifier> {
        let options = from_js::<VerifyLogoutTokenOptions>(Some(options))?;
        let fixed_now = options.now.is_some();
        let template = options.resolve(now_seconds)?;
        Ok(JsPreparedLogoutTokenVerifier {
            template,
            fixed_now,
        })
    }

    fn run(&self, token: &str, keys: &JsKeySet) -> JsResult<String> {
        let options = LogoutOptions {
            now: clock_or(self.fixed_now.then_some(self.template.now)),
            ..self.template.clone()
        };
        Ok(onelogin::verify_logout_token(token, &keys.inner, &options)?.payload_json)
    }

    /// Verify a string token (checked by the wrapper); returns the validated payload text.
    pub fn verify(&self, token: &str, keys: &JsKeySet) -> JsResult<String> {
        self.run(token, keys)
    }

    /// The same with the token as given: a wrong type is refused.
    #[wasm_bindgen(js_name = verifyValue)]
    pub fn verify_value(&self, token: JsValue, keys: &JsKeySet) -> JsResult<String> {
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        self.run(&token, keys)
    }
}

/// `decodeJwt` in one crossing: a string token (checked by the wrapper) in, the validated
/// `{ header, payload, signature }` as JSON text out (header and payload exactly as signed).
#[wasm_bindgen(js_name = decodeJwtText, skip_typescript)]
pub fn decode_jwt_text(token: &str) -> JsResult<String> {
    Ok(crate::dangerous::decode_to_json(
        token,
        DEFAULT_MAX_TOKEN_SIZE,
    )?)
}
