//! Signing with an RSA private key (the `flow` feature): client assertions and request
//! objects.

use super::options::from_js;
use super::{json_text, now_seconds, string_arg, to_js, JsResult};
use crate::error::{Error, ErrorCode};
use crate::onelogin::{self, RsaSigningKey, SigningAlgorithm};
use crate::options::{SignClientAssertionOptions, SignRequestObjectOptions};
use tsify::Ts;
use wasm_bindgen::prelude::*;

/// An RSA private key for `private_key_jwt` and request objects, parsed once.
#[wasm_bindgen(js_name = SigningKey)]
pub struct JsSigningKey {
    pub(super) inner: RsaSigningKey,
}

#[wasm_bindgen(js_class = SigningKey)]
impl JsSigningKey {
    /// Parse a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or an RSA private JWK (text or
    /// object).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | PrivateJwk")] key: JsValue,
    ) -> JsResult<JsSigningKey> {
        let parsed = json_text(&key, "private key", ErrorCode::InvalidArgument)
            .and_then(|text| RsaSigningKey::from_pem_or_jwk(&text))
            .map_err(|e| e.for_option("privateKey"))?;
        Ok(JsSigningKey { inner: parsed })
    }

    /// The modulus size in bits.
    #[wasm_bindgen(getter)]
    pub fn bits(&self) -> usize {
        self.inner.bits()
    }

    /// The `kid` from the JWK, if it had one.
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> Option<String> {
        self.inner.kid().map(str::to_owned)
    }

    /// The public JWK to publish: `kty`, `n`, `e`, `kid` (the JWK's own, else the RFC 7638
    /// thumbprint), `alg` (default RS256) and `use: "sig"`. Never a private member.
    #[wasm_bindgen(js_name = publicJwk, unchecked_return_type = "PublicJwk")]
    pub fn public_jwk(
        &self,
        #[wasm_bindgen(unchecked_param_type = "SigningAlgorithm | undefined")] alg: JsValue,
    ) -> JsResult<JsValue> {
        // A JsValue, never `Option<String>`: the glue's string copier must not see a non-string.
        let alg = if alg.is_undefined() || alg.is_null() {
            None
        } else {
            Some(string_arg(&alg, "alg")?)
        };
        let alg = signing_alg(alg.as_deref())?;
        to_js(&self.inner.service_public_key().to_jwk(alg))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const PUBLIC_JWK_TS: &str = r#"
/** One of the service's public keys as published in its JWKS (never a private member). */
export interface PublicJwk {
  kty: "RSA"; n: string; e: string;
  /** The key's own kid, else its RFC 7638 thumbprint. */
  kid: string;
  alg: "RS256" | "RS384" | "RS512" | "PS256" | "PS384" | "PS512";
  use: "sig";
}
"#;

fn signing_alg(name: Option<&str>) -> Result<SigningAlgorithm, Error> {
    name.map_or(Ok(SigningAlgorithm::default()), |name| {
        SigningAlgorithm::from_name(name).map_err(|e| e.with_option("clientAssertionAlg"))
    })
}

/// Sign a `private_key_jwt` client assertion for the token endpoint.
#[wasm_bindgen(js_name = signClientAssertionWithKey)]
pub fn sign_client_assertion_with_key(
    key: &JsSigningKey,
    options: Option<Ts<SignClientAssertionOptions>>,
) -> JsResult<String> {
    let options = from_js::<SignClientAssertionOptions>(options.map(|o| o.js_value()))?
        .resolve(now_seconds)?;
    Ok(onelogin::sign_client_assertion(&key.inner, &options)?)
}

/// Sign a JWT-secured authorization request (RS256) carrying the same parameters as
/// `buildAuthorizationUrl`.
#[wasm_bindgen(js_name = signRequestObjectWithKey)]
pub fn sign_request_object_with_key(
    key: &JsSigningKey,
    options: Option<Ts<SignRequestObjectOptions>>,
) -> JsResult<String> {
    let (request, options) =
        from_js::<SignRequestObjectOptions>(options.map(|o| o.js_value()))?.resolve(now_seconds)?;
    Ok(onelogin::sign_request_object(
        &key.inner, &request, &options,
    )?)
}
