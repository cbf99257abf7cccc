//! Prepared verifiers: a verifier's options read, checked and resolved once into a wasm object,
//! so a verification crosses the boundary with the token and the per-call values only (the
//! `nonce` and access token of one sign-in), and its claims come back as the payload text the
//! core has already validated (the host parses it once), not re-serialised. Every check of the
//! token still runs on every call: only the options are prepared, never a verdict.
//!
//! The fast methods are called only by `pkg/prepared.js`, which has checked that each argument
//! is a string within its cap; anything else goes to the `...Values` method, which reads the
//! arguments as `JsValue`s and refuses them as the one-shot verifiers do. The token itself
//! reaches the fast methods through the input buffer below: the host encodes it straight into
//! wasm memory (`TextEncoder.encodeInto`, native), which costs a fraction of the glue's
//! character-by-character copy, and the core copies it out before looking at it.

use super::jose::JsKeySet;
use super::options::from_js;
use super::{now_seconds, token_arg, JsResult};
use crate::error::Error;
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
#[cfg(feature = "js-full")]
use crate::onelogin::LogoutOptions;
use crate::onelogin::{self, IdTokenOptions, NonceCheck};
use crate::options::VerifyIdTokenOptions;
#[cfg(feature = "js-full")]
use crate::options::{VerifyJwtOptions, VerifyLogoutTokenOptions};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// The input buffer's size: the default token cap. A token that does not fit takes the slow
/// path, where the cap refuses it.
const INPUT_CAPACITY: usize = DEFAULT_MAX_TOKEN_SIZE;

thread_local! {
    /// Where the host writes a token for a fast call; allocated once, never resized, so its
    /// address stays valid for the host's view of it.
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The input buffer's address in wasm memory (allocated on first use), its size, and 1 when this
/// build has the one-shot verifiers' input forms (`verifyIdTokenInput` & co., not in the small
/// browser build), else 0.
#[wasm_bindgen(js_name = inputBuffer, skip_typescript)]
pub fn input_buffer() -> Vec<u32> {
    INPUT.with(|input| {
        let mut input = input.borrow_mut();
        if input.len() != INPUT_CAPACITY {
            *input = vec![0; INPUT_CAPACITY];
        }
        // wasm32 addresses and this size fit in 32 bits.
        let input_verifiers = u32::from(cfg!(feature = "js-full"));
        vec![
            input.as_ptr() as usize as u32,
            INPUT_CAPACITY as u32,
            input_verifiers,
        ]
    })
}

/// The module's memory, for the host's view of the input buffer.
#[wasm_bindgen(js_name = wasmMemory, skip_typescript)]
pub fn wasm_memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The token the host wrote into the input buffer (its first `len` bytes), copied out first so
/// nothing the host does afterwards can change what is being checked.
fn take_input(len: usize) -> Result<String, Error> {
    let bytes = INPUT.with(|input| input.borrow().get(..len).map(<[u8]>::to_vec));
    let text = bytes.and_then(|bytes| String::from_utf8(bytes).ok());
    text.ok_or_else(|| Error::option("token", "token must be a string"))
}

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

    /// Verify the token of `token_len` bytes in the input buffer with a string or `null`
    /// nonce and an optional string access token (checked by the wrapper); returns the
    /// validated payload text.
    pub fn verify(
        &self,
        token_len: usize,
        keys: &JsKeySet,
        nonce: Option<String>,
        access_token: Option<String>,
    ) -> JsResult<String> {
        let token = take_input(token_len)?;
        self.run(&token, keys, NonceCheck::from_nullable(nonce), access_token)
    }

    /// The same with the arguments as given: every wrong type or member is refused by name.
    #[wasm_bindgen(js_name = verifyValues)]
    pub fn verify_values(
        &self,
        token: JsValue,
        keys: &JsKeySet,
        per_call: JsValue,
    ) -> JsResult<String> {
        // Read with the options' own reader (one deserializer fewer in the .wasm): a member that
        // belongs to the verifier is refused by name, an unknown one with its nearest name.
        let call = from_js::<VerifyIdTokenOptions>(Some(per_call))?;
        let set_at_creation = [
            ("jwks", call.jwks.is_some()),
            ("environment", call.environment.is_some()),
            ("issuer", call.issuer.is_some()),
            ("clientId", call.client_id.is_some()),
            ("now", call.now.is_some()),
            ("clockTolerance", call.clock_tolerance.is_some()),
            ("vtr", call.vtr.is_some()),
            ("maxAge", call.max_age.is_some()),
        ];
        if let Some((name, _)) = set_at_creation.iter().find(|(_, given)| *given) {
            return Err(Error::option(
                *name,
                format!("option \"{name}\" is set when the verifier is made, not per call"),
            )
            .into());
        }
        let nonce = NonceCheck::from_option(call.nonce)?;
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        self.run(&token, keys, nonce, call.access_token)
    }
}

/// A logout token verifier's options, resolved once: `createLogoutTokenVerifier(options)`.
/// Servers only receive logout tokens, so the small browser build leaves it out.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = PreparedLogoutTokenVerifier, skip_typescript)]
pub struct JsPreparedLogoutTokenVerifier {
    template: LogoutOptions,
    fixed_now: bool,
}

#[cfg(feature = "js-full")]
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

    /// Verify the token of `token_len` bytes in the input buffer; returns the validated payload
    /// text.
    pub fn verify(&self, token_len: usize, keys: &JsKeySet) -> JsResult<String> {
        self.run(&take_input(token_len)?, keys)
    }

    /// The same with the token as given: a wrong type is refused.
    #[wasm_bindgen(js_name = verifyValue)]
    pub fn verify_value(&self, token: JsValue, keys: &JsKeySet) -> JsResult<String> {
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        self.run(&token, keys)
    }
}

/// `decodeJwt` in one crossing: the token of `token_len` bytes in the input buffer in, the
/// validated `{ header, payload, signature }` as JSON text out (header and payload exactly as
/// signed).
#[wasm_bindgen(js_name = decodeJwtText, skip_typescript)]
pub fn decode_jwt_text(token_len: usize) -> JsResult<String> {
    let token = take_input(token_len)?;
    Ok(crate::dangerous::decode_to_json(
        &token,
        DEFAULT_MAX_TOKEN_SIZE,
    )?)
}

// The one-shot verifiers' fast path (pkg/api.js): the same as `verifyIdTokenWithKeySet`,
// `verifyJwtWithKeySet` and `verifyLogoutTokenWithKeySet`, with a string token the wrapper has
// written into the input buffer. The token is copied out before the options are read, so an
// option getter that verifies another token cannot change it. Not in the small browser build
// (a browser's verifications are few; its bytes are not): `inputBuffer` says whether they are.

/// `verifyIdTokenWithKeySet` with the token in the input buffer.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = verifyIdTokenInput, skip_typescript)]
pub fn verify_id_token_input(
    token_len: usize,
    keys: &JsKeySet,
    options: JsValue,
) -> JsResult<JsValue> {
    let token = take_input(token_len)?;
    let options = from_js::<VerifyIdTokenOptions>(Some(options))?.resolve(now_seconds)?;
    let verified = onelogin::verify_id_token(&token, &keys.inner, &options)?;
    js_sys::JSON::parse(&verified.payload_json)
}

/// `verifyJwtWithKeySet` with the token in the input buffer.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = verifyJwtInput, skip_typescript)]
pub fn verify_jwt_input(token_len: usize, keys: &JsKeySet, options: JsValue) -> JsResult<JsValue> {
    let token = take_input(token_len)?;
    let options = from_js::<VerifyJwtOptions>(Some(options))?.resolve(now_seconds)?;
    let verified = crate::jwt::verify(&token, &keys.inner, &options)?;
    js_sys::JSON::parse(&verified.payload_json)
}

/// `verifyLogoutTokenWithKeySet` with the token in the input buffer.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = verifyLogoutTokenInput, skip_typescript)]
pub fn verify_logout_token_input(
    token_len: usize,
    keys: &JsKeySet,
    options: JsValue,
) -> JsResult<JsValue> {
    let token = take_input(token_len)?;
    let options = from_js::<VerifyLogoutTokenOptions>(Some(options))?.resolve(now_seconds)?;
    let verified = onelogin::verify_logout_token(&token, &keys.inner, &options)?;
    js_sys::JSON::parse(&verified.payload_json)
}
