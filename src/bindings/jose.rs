//! PKCE, decoding without verification, key sets and JWT verification.

use super::options::from_js;
#[cfg(feature = "js-full")]
use super::string_arg;
use super::{host_backend, json_text, now_seconds, to_js, token_arg, JsResult};
use crate::error::ErrorCode;
use crate::options::{DecodeJwtOptions, VerifyJwtOptions};
#[cfg(feature = "js-full")]
use crate::pkce;
use crate::{jwk, jwt};
use js_sys::{Array, JSON};
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// Create a PKCE pair: `{ codeVerifier, codeChallenge, codeChallengeMethod: 'S256' }`.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = createPkce)]
pub fn create_pkce() -> JsResult<Ts<pkce::Pkce>> {
    Ok(Ts::new_unchecked(to_js(&pkce::create()?)?))
}

/// The S256 `code_challenge` of a `code_verifier`.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = pkceChallenge)]
pub fn pkce_challenge(
    #[wasm_bindgen(js_name = codeVerifier, unchecked_param_type = "string")] code_verifier: JsValue,
) -> JsResult<String> {
    Ok(pkce::challenge(&string_arg(
        &code_verifier,
        "codeVerifier",
    )?)?)
}

/// Whether `codeChallenge` is the S256 challenge of `codeVerifier`.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = pkceMatches)]
pub fn pkce_matches(
    #[wasm_bindgen(js_name = codeVerifier, unchecked_param_type = "string")] code_verifier: JsValue,
    #[wasm_bindgen(js_name = codeChallenge, unchecked_param_type = "string")]
    code_challenge: JsValue,
) -> JsResult<bool> {
    let verifier = string_arg(&code_verifier, "codeVerifier")?;
    let challenge = string_arg(&code_challenge, "codeChallenge")?;
    Ok(pkce::matches(&verifier, &challenge)?)
}

/// A random `state` value (256 bits, base64url).
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = randomState)]
pub fn random_state() -> JsResult<String> {
    Ok(pkce::random_state()?)
}

/// A random `nonce` value (256 bits, base64url).
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = randomNonce)]
pub fn random_nonce() -> JsResult<String> {
    Ok(pkce::random_nonce()?)
}

/// Decode a JWT **without verifying it**: `{ header, payload, signature }`.
#[wasm_bindgen(js_name = decodeJwt, unchecked_return_type = "DecodedJwt")]
pub fn decode_jwt(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    options: Option<Ts<DecodeJwtOptions>>,
) -> JsResult<JsValue> {
    let max = from_js::<DecodeJwtOptions>(options.map(|o| o.js_value()))?.resolve()?;
    JSON::parse(&crate::dangerous::decode_to_json(
        &token_arg(&token, max)?,
        max,
    )?)
}

#[wasm_bindgen(typescript_custom_section)]
const DECODED_JWT_TS: &str = r#"
/** A JOSE header (never verified by itself). */
export interface JwtHeader { alg: string; kid?: string; typ?: string; [member: string]: unknown }
/** A JWT's claims. */
export interface JwtPayload {
  iss?: string; sub?: string; aud?: string | string[]; exp?: number; nbf?: number; iat?: number; jti?: string;
  [claim: string]: unknown;
}
/** A public JSON Web Key as a key set publishes it. */
export interface Jwk { kty: string; kid?: string; alg?: string; use?: string; crv?: string; x?: string; y?: string; n?: string; e?: string; [member: string]: unknown }
/** A JSON Web Key Set. */
export interface Jwks { keys: Jwk[] }
/** A JWT decoded WITHOUT verification: nothing in it can be trusted. */
export interface DecodedJwt { header: JwtHeader; payload: JwtPayload; signature: string }
"#;

/// A JSON Web Key Set parsed once, for many verifications.
#[wasm_bindgen(js_name = KeySet)]
pub struct JsKeySet {
    pub(super) inner: jwk::KeySet,
}

/// One key of a set that cannot be used, and why.
#[derive(serde::Serialize, tsify::Tsify)]
pub struct RejectedKey<'a> {
    /// The key's `kid`, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[tsify(optional)]
    kid: Option<&'a str>,
    /// Why it was set aside.
    #[tsify(type = "ErrorCode")]
    code: &'static str,
    /// The same in words.
    message: &'a str,
}

#[wasm_bindgen(js_class = KeySet)]
impl JsKeySet {
    /// Parse a JWKS given as JSON text or as an object.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Jwks | string")] jwks: JsValue,
    ) -> JsResult<JsKeySet> {
        let text = json_text(&jwks, "JWKS", ErrorCode::JwksInvalid)?;
        let mut inner = jwk::KeySet::from_json(&text)?;
        inner.set_signature_backend(host_backend());
        Ok(JsKeySet { inner })
    }

    /// How many keys in the set are usable.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// The `kid`s of the usable keys (`undefined` for a key without one).
    #[wasm_bindgen(getter, unchecked_return_type = "(string | undefined)[]")]
    pub fn kids(&self) -> Array {
        self.inner
            .keys()
            .iter()
            .map(|k| k.kid().map_or(JsValue::UNDEFINED, JsValue::from_str))
            .collect()
    }

    /// Keys in the document that cannot be used, with why.
    #[wasm_bindgen(getter, unchecked_return_type = "RejectedKey[]")]
    pub fn rejected(&self) -> JsResult<JsValue> {
        let rejected: Vec<RejectedKey<'_>> = self
            .inner
            .rejected()
            .map(|(kid, error)| RejectedKey {
                kid,
                code: error.code().as_str(),
                message: error.message(),
            })
            .collect();
        to_js(&rejected)
    }
}

/// Verify a JWT's signature and registered claims with a parsed key set; returns the payload.
#[wasm_bindgen(js_name = verifyJwtWithKeySet, unchecked_return_type = "JwtPayload")]
pub fn verify_jwt_with_key_set(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    keys: &JsKeySet,
    options: Option<Ts<VerifyJwtOptions>>,
) -> JsResult<JsValue> {
    let options =
        from_js::<VerifyJwtOptions>(options.map(|o| o.js_value()))?.resolve(now_seconds)?;
    let token = token_arg(&token, options.max_token_size)?;
    let verified = jwt::verify(&token, &keys.inner, &options)?;
    JSON::parse(&verified.payload_json)
}
