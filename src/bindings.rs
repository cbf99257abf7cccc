//! The wasm-bindgen boundary: the only module that knows about JavaScript.
//!
//! Each export converts JS values to core types, calls the core, and converts back. Option
//! objects are read member by member so that a wrong type is reported as
//! `ERR_INVALID_ARGUMENT` naming the option, instead of being silently ignored. Errors become
//! `TokenError` instances created by `pkg/errors.js` (one class identity for every entry point).

use crate::alg::Algorithms;
use crate::error::{Error, ErrorCode};
use crate::{jws, jwt, pkce};
use js_sys::{Array, Object, Reflect, JSON};
use serde_json::{Map, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "../errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = createTokenError)]
    fn create_token_error(
        code: &str,
        message: &str,
        claim: Option<String>,
        reason: Option<String>,
    ) -> JsValue;
}

impl From<Error> for JsValue {
    fn from(e: Error) -> JsValue {
        create_token_error(
            e.code().as_str(),
            e.message(),
            e.claim_name().map(str::to_owned),
            e.reason().map(|r| r.as_str().to_owned()),
        )
    }
}

type JsResult<T> = Result<T, JsValue>;

fn invalid_option(name: &str, expected: &str) -> JsValue {
    Error::new(
        ErrorCode::InvalidArgument,
        format!("option \"{name}\" must be {expected}"),
    )
    .into()
}

/// Reads typed members of an optional options object.
struct Options(Option<JsValue>);

impl Options {
    fn new(value: JsValue) -> JsResult<Options> {
        if value.is_undefined() || value.is_null() {
            Ok(Options(None))
        } else if value.is_object() {
            Ok(Options(Some(value)))
        } else {
            Err(Error::argument("options must be an object").into())
        }
    }

    fn get(&self, name: &str) -> JsResult<Option<JsValue>> {
        let Some(obj) = &self.0 else { return Ok(None) };
        let v = Reflect::get(obj, &JsValue::from_str(name))?;
        Ok((!v.is_undefined()).then_some(v))
    }

    fn string(&self, name: &str) -> JsResult<Option<String>> {
        self.get(name)?
            .map(|v| {
                v.as_string()
                    .ok_or_else(|| invalid_option(name, "a string"))
            })
            .transpose()
    }

    fn number(&self, name: &str) -> JsResult<Option<f64>> {
        self.get(name)?
            .map(|v| v.as_f64().ok_or_else(|| invalid_option(name, "a number")))
            .transpose()
    }

    fn boolean(&self, name: &str) -> JsResult<Option<bool>> {
        self.get(name)?
            .map(|v| v.as_bool().ok_or_else(|| invalid_option(name, "a boolean")))
            .transpose()
    }

    fn size(&self, name: &str) -> JsResult<Option<usize>> {
        match self.number(name)? {
            None => Ok(None),
            Some(n) if n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= u32::MAX as f64 => {
                Ok(Some(n as usize))
            }
            Some(_) => Err(invalid_option(name, "a positive whole number of bytes")),
        }
    }

    fn algorithms(&self) -> JsResult<Option<Algorithms>> {
        let Some(v) = self.get("algorithms")? else {
            return Ok(None);
        };
        if !Array::is_array(&v) {
            return Err(invalid_option("algorithms", "an array of strings"));
        }
        let names = Array::from(&v)
            .iter()
            .map(|item| {
                item.as_string()
                    .ok_or_else(|| invalid_option("algorithms", "an array of strings"))
            })
            .collect::<JsResult<Vec<String>>>()?;
        Ok(Some(Algorithms::from_names(
            names.iter().map(String::as_str),
        )?))
    }
}

fn now_seconds() -> f64 {
    js_sys::Date::now() / 1000.0
}

/// Turn a JSON document given as a string or as a plain JS value into text.
fn json_text(value: &JsValue, what: &str, code: ErrorCode) -> JsResult<String> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.is_object() {
        if let Ok(text) = JSON::stringify(value) {
            if let Some(s) = text.as_string() {
                return Ok(s);
            }
        }
    }
    Err(Error::new(code, format!("{what} must be a JSON string or an object")).into())
}

fn to_js_object(map: &Map<String, Value>) -> JsResult<JsValue> {
    // serde_json writes only what JSON.parse reads back identically (duplicates were refused
    // on the way in), so a round trip through text is exact and cheaper than building the
    // object member by member across the boundary.
    let text = serde_json::to_string(map).map_err(|_| Error::jwt("claims cannot be serialized"))?;
    JSON::parse(&text)
}

fn set(obj: &Object, key: &str, value: impl Into<JsValue>) -> JsResult<()> {
    Reflect::set(obj, &JsValue::from_str(key), &value.into()).map(|_| ())
}

/// Create a PKCE pair: `{ codeVerifier, codeChallenge, codeChallengeMethod: 'S256' }`.
#[wasm_bindgen(js_name = createPkce)]
pub fn create_pkce() -> JsResult<Object> {
    let pair = pkce::create()?;
    let obj = Object::new();
    set(&obj, "codeVerifier", pair.code_verifier)?;
    set(&obj, "codeChallenge", pair.code_challenge)?;
    set(&obj, "codeChallengeMethod", pkce::CODE_CHALLENGE_METHOD)?;
    Ok(obj)
}

/// The S256 `code_challenge` of a `code_verifier`.
#[wasm_bindgen(js_name = pkceChallenge)]
pub fn pkce_challenge(code_verifier: &str) -> JsResult<String> {
    Ok(pkce::challenge(code_verifier)?)
}

/// Whether `codeChallenge` is the S256 challenge of `codeVerifier`.
#[wasm_bindgen(js_name = pkceMatches)]
pub fn pkce_matches(code_verifier: &str, code_challenge: &str) -> JsResult<bool> {
    Ok(pkce::matches(code_verifier, code_challenge)?)
}

/// A random `state` value (256 bits, base64url).
#[wasm_bindgen(js_name = randomState)]
pub fn random_state() -> JsResult<String> {
    Ok(pkce::random_state()?)
}

/// A random `nonce` value (256 bits, base64url).
#[wasm_bindgen(js_name = randomNonce)]
pub fn random_nonce() -> JsResult<String> {
    Ok(pkce::random_nonce()?)
}

/// Decode a JWT **without verifying it**: `{ header, payload, signature }`.
#[wasm_bindgen(js_name = decodeJwt)]
pub fn decode_jwt(token: &str, options: JsValue) -> JsResult<Object> {
    let options = Options::new(options)?;
    let max = options
        .size("maxTokenSize")?
        .unwrap_or(jws::DEFAULT_MAX_TOKEN_SIZE);
    let decoded = jwt::decode_unverified(token, max)?;
    let obj = Object::new();
    set(&obj, "header", to_js_object(&decoded.header.members)?)?;
    set(&obj, "payload", JSON::parse(&decoded.payload_json)?)?;
    set(&obj, "signature", decoded.signature)?;
    Ok(obj)
}

/// A JSON Web Key Set parsed once, for many verifications.
#[wasm_bindgen(js_name = KeySet)]
pub struct JsKeySet {
    inner: crate::jwk::KeySet,
}

#[wasm_bindgen(js_class = KeySet)]
impl JsKeySet {
    /// Parse a JWKS given as JSON text or as an object.
    #[wasm_bindgen(constructor)]
    pub fn new(jwks: JsValue) -> JsResult<JsKeySet> {
        let text = json_text(&jwks, "JWKS", ErrorCode::JwksInvalid)?;
        Ok(JsKeySet {
            inner: crate::jwk::KeySet::from_json(&text)?,
        })
    }

    /// How many keys in the set are usable.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> usize {
        self.inner.len()
    }

    /// The `kid`s of the usable keys (`undefined` for a key without one).
    #[wasm_bindgen(getter)]
    pub fn kids(&self) -> Array {
        self.inner
            .keys()
            .iter()
            .map(|k| k.kid().map_or(JsValue::UNDEFINED, JsValue::from_str))
            .collect()
    }

    /// Keys in the document that cannot be used, with why: `[{ kid, code, message }]`.
    #[wasm_bindgen(getter)]
    pub fn rejected(&self) -> JsResult<Array> {
        let out = Array::new();
        for (kid, error) in self.inner.rejected() {
            let obj = Object::new();
            if let Some(kid) = kid {
                set(&obj, "kid", kid)?;
            }
            set(&obj, "code", error.code().as_str())?;
            set(&obj, "message", error.message())?;
            out.push(&obj);
        }
        Ok(out)
    }
}

/// Verify a JWT's signature and registered claims with a parsed key set; returns the payload.
#[wasm_bindgen(js_name = verifyJwtWithKeySet)]
pub fn verify_jwt_with_key_set(
    token: &str,
    keys: &JsKeySet,
    options: JsValue,
) -> JsResult<JsValue> {
    let options = Options::new(options)?;
    let mut verify = jwt::VerifyOptions::at(options.number("now")?.unwrap_or_else(now_seconds));
    if let Some(algorithms) = options.algorithms()? {
        verify.algorithms = algorithms;
    }
    if let Some(max) = options.size("maxTokenSize")? {
        verify.max_token_size = max;
    }
    if let Some(require_kid) = options.boolean("requireKid")? {
        verify.require_kid = require_kid;
    }
    if let Some(tolerance) = options.number("clockTolerance")? {
        verify.claims.clock_tolerance = tolerance;
    }
    verify.claims.issuer = options.string("issuer")?;
    verify.claims.audience = options.string("audience")?;
    let verified = jwt::verify(token, &keys.inner, &verify)?;
    JSON::parse(&verified.payload_json)
}
