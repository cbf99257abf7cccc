//! `verify(token, jwk_json, issuer, audience)`: the Rust `jsonwebtoken` crate's `decode` with
//! its pure-Rust backend, for the `make bench` comparison. `Key` keeps the parsed key between
//! calls, as a server would.
use jsonwebtoken::{decode, decode_header, jwk::Jwk, DecodingKey, Validation};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Key {
    key: DecodingKey,
    validation: Validation,
}

#[wasm_bindgen]
impl Key {
    /// Parse a public JWK (JSON text) once; `alg` is taken from the JWK.
    #[wasm_bindgen(constructor)]
    pub fn new(jwk_json: &str, issuer: &str, audience: &str) -> Result<Key, JsError> {
        let jwk: Jwk = serde_json::from_str(jwk_json)?;
        let alg = jwk
            .common
            .key_algorithm
            .ok_or_else(|| JsError::new("the JWK has no alg"))?;
        let alg = jsonwebtoken::Algorithm::try_from(alg)?;
        let key = DecodingKey::from_jwk(&jwk)?;
        let mut validation = Validation::new(alg);
        validation.set_issuer(&[issuer]);
        validation.set_audience(&[audience]);
        Ok(Key { key, validation })
    }

    /// Verify the signature and iss/aud/exp; true when valid.
    pub fn verify(&self, token: &str) -> bool {
        decode::<serde_json::Value>(token, &self.key, &self.validation).is_ok()
    }
}

/// One-shot form: parse the JWK and verify.
#[wasm_bindgen]
pub fn verify(token: &str, jwk_json: &str, issuer: &str, audience: &str) -> bool {
    decode_header(token).is_ok()
        && Key::new(jwk_json, issuer, audience).is_ok_and(|k| k.verify(token))
}
