//! The wasm-bindgen boundary: the only module that knows about JavaScript.
//!
//! Each export converts JS values to core types, calls the core, and converts back. Option
//! objects are read member by member so that a wrong type is reported as
//! `ERR_INVALID_ARGUMENT` naming the option, instead of being silently ignored. Errors become
//! `TokenError` instances created by `pkg/errors.js` (one class identity for every entry point).

use crate::alg::{Algorithm, Algorithms};
use crate::error::{Error, ErrorCode};
use crate::jwk::{Jwk, SignatureBackend};
use crate::onelogin::{
    self, AuthorizationRequest, ClientAssertionOptions, CoreIdentityOptions, CustomEnvironment,
    DidDocument, Environment, IdTokenOptions, LogoutOptions, NonceCheck, RequestObjectOptions,
    RsaSigningKey, SigningAlgorithm, Vtr,
};
use crate::{jws, jwt, pkce};
use js_sys::{Array, Object, Reflect, JSON};
use serde_json::{Map, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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

#[wasm_bindgen(raw_module = "../host-crypto.js")]
extern "C" {
    #[wasm_bindgen(js_name = hostVerify, catch)]
    fn host_verify(jwk: &str, alg: &str, message: &[u8], signature: &[u8]) -> JsResult<JsValue>;
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
        // A host that throws or answers anything but a boolean has not decided; the built-in
        // arithmetic does.
        host_verify(key.canonical_jwk(), alg.as_str(), message, signature)
            .ok()
            .and_then(|v| v.as_bool())
    }
}

fn host_backend() -> Option<Arc<dyn SignatureBackend>> {
    Some(Arc::new(HostCrypto))
}

/// Switch the host's signature arithmetic on or off (the Node entry points switch it on).
#[wasm_bindgen(js_name = setHostCrypto)]
pub fn set_host_crypto(enabled: bool) {
    HOST_CRYPTO.store(enabled, Ordering::Relaxed);
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

/// A string argument. Rust `&str` parameters would let the glue's string copier run on any JS
/// value: a non-string made it throw halfway, or allocate by a made-up `length` and abort,
/// leaving wasm memory unusable. Taking `JsValue` keeps every type check in here, as a
/// `TokenError`.
fn string_arg(value: &JsValue, name: &str) -> JsResult<String> {
    value
        .as_string()
        .ok_or_else(|| Error::argument(format!("{name} must be a string")).into())
}

/// A token argument, refused by the size cap before it is copied into wasm memory (UTF-8 is at
/// least as long as UTF-16, so a string over the cap in code units is over it in bytes): wasm
/// memory never shrinks, so an attacker's 10 MB token must not grow it.
fn token_arg(value: &JsValue, max_size: usize) -> JsResult<String> {
    if let Some(s) = value.dyn_ref::<js_sys::JsString>() {
        if s.length() as usize > max_size {
            return Err(jws::too_large(max_size).into());
        }
    }
    string_arg(value, "token")
}

/// A byte-array argument, for the same reason as `string_arg`.
fn bytes_arg(value: &JsValue, name: &str) -> JsResult<Vec<u8>> {
    value
        .dyn_ref::<js_sys::Uint8Array>()
        .map(js_sys::Uint8Array::to_vec)
        .ok_or_else(|| Error::argument(format!("{name} must be a Uint8Array")).into())
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
pub fn pkce_challenge(code_verifier: JsValue) -> JsResult<String> {
    Ok(pkce::challenge(&string_arg(
        &code_verifier,
        "codeVerifier",
    )?)?)
}

/// Whether `codeChallenge` is the S256 challenge of `codeVerifier`.
#[wasm_bindgen(js_name = pkceMatches)]
pub fn pkce_matches(code_verifier: JsValue, code_challenge: JsValue) -> JsResult<bool> {
    let verifier = string_arg(&code_verifier, "codeVerifier")?;
    let challenge = string_arg(&code_challenge, "codeChallenge")?;
    Ok(pkce::matches(&verifier, &challenge)?)
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
pub fn decode_jwt(token: JsValue, options: JsValue) -> JsResult<Object> {
    let options = Options::new(options)?;
    let max = options
        .size("maxTokenSize")?
        .unwrap_or(jws::DEFAULT_MAX_TOKEN_SIZE);
    let decoded = jwt::decode_unverified(&token_arg(&token, max)?, max)?;
    let obj = Object::new();
    set(&obj, "header", to_js_object(&decoded.header.members)?)?;
    set(&obj, "payload", JSON::parse(&decoded.payload_json)?)?;
    set(&obj, "signature", decoded.signature)?;
    Ok(obj)
}

/// A JSON Web Key Set parsed once, for many verifications.
#[wasm_bindgen(js_name = KeySet)]
pub struct JsKeySet {
    pub(crate) inner: crate::jwk::KeySet,
}

#[wasm_bindgen(js_class = KeySet)]
impl JsKeySet {
    /// Parse a JWKS given as JSON text or as an object.
    #[wasm_bindgen(constructor)]
    pub fn new(jwks: JsValue) -> JsResult<JsKeySet> {
        let text = json_text(&jwks, "JWKS", ErrorCode::JwksInvalid)?;
        let mut inner = crate::jwk::KeySet::from_json(&text)?;
        inner.set_signature_backend(host_backend());
        Ok(JsKeySet { inner })
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
    token: JsValue,
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
    let token = token_arg(&token, verify.max_token_size)?;
    let verified = jwt::verify(&token, &keys.inner, &verify)?;
    JSON::parse(&verified.payload_json)
}

/// Test-only (not re-exported by the package): check a raw signature over arbitrary bytes with
/// the key set's key for `alg`/`kid`, exactly as a JWT's signature is checked (form checks, then
/// the host's arithmetic if switched on, else the built-in one). Wycheproof's messages are not
/// `header.payload` text, so this is how the JS tests run them through Node's arithmetic.
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
        .ok_or_else(|| JsValue::from(Error::argument("alg must be ES256 or RS256")))?;
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

// ---------------------------------------------------------------------------------------
// GOV.UK One Login
// ---------------------------------------------------------------------------------------

impl Options {
    /// `environment`: `"integration"`, `"production"`, or an object for anything else. An
    /// object may give `baseUrl` (the simulator's derivation: `http://localhost:3000` gives
    /// issuer `http://localhost:3000/` and DID id `did:web:localhost%3A3000`) and may override
    /// any single value (`issuer`, `jwksUrl`, `didUrl`, `didId`, `identityIssuer`,
    /// `authorizeUrl`, `tokenUrl`, `discoveryUrl`).
    fn environment(&self) -> JsResult<Option<Environment>> {
        let Some(value) = self.get("environment")? else {
            return Ok(None);
        };
        if let Some(name) = value.as_string() {
            return Ok(Some(Environment::from_name(&name)?));
        }
        let custom = Options::new(value)?;
        let mut env = match (custom.string("baseUrl")?, custom.string("issuer")?) {
            (Some(base), _) => CustomEnvironment::simulator(&base)?,
            (None, Some(issuer)) => CustomEnvironment::simulator(&issuer)?,
            (None, None) => {
                return Err(invalid_option(
                    "environment",
                    "\"integration\", \"production\" or an object with baseUrl or issuer",
                ))
            }
        };
        let overrides: [(&str, &mut String); 10] = [
            ("issuer", &mut env.issuer),
            ("discoveryUrl", &mut env.discovery_url),
            ("jwksUrl", &mut env.jwks_url),
            ("authorizeUrl", &mut env.authorize_url),
            ("tokenUrl", &mut env.token_url),
            ("userinfoUrl", &mut env.userinfo_url),
            ("endSessionUrl", &mut env.end_session_url),
            ("identityIssuer", &mut env.identity_issuer),
            ("didUrl", &mut env.did_url),
            ("didId", &mut env.did_id),
        ];
        for (name, slot) in overrides {
            if let Some(value) = custom.string(name)? {
                *slot = value;
            }
        }
        Ok(Some(Environment::Custom(env)))
    }

    /// The issuer to expect: the `issuer` option if given, else the environment's
    /// (`pick` chooses the OIDC or the identity issuer).
    fn expected_issuer(&self, pick: fn(&Environment) -> &str) -> JsResult<String> {
        if let Some(issuer) = self.string("issuer")? {
            return Ok(issuer);
        }
        match self.environment()? {
            Some(env) => Ok(pick(&env).to_owned()),
            None => Err(Error::argument("pass \"environment\" or \"issuer\"").into()),
        }
    }

    fn required_string(&self, name: &str) -> JsResult<String> {
        self.string(name)?
            .ok_or_else(|| Error::argument(format!("option \"{name}\" is required")).into())
    }

    fn now_or_clock(&self) -> JsResult<f64> {
        Ok(self.number("now")?.unwrap_or_else(now_seconds))
    }

    fn whole_seconds(&self, name: &str) -> JsResult<Option<u64>> {
        match self.number(name)? {
            None => Ok(None),
            Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 1e15 => {
                Ok(Some(n as u64))
            }
            Some(_) => Err(invalid_option(
                name,
                "a whole, non-negative number of seconds",
            )),
        }
    }

    /// `vtr` as sent (a JSON array string), as one vector, or as an array of vectors.
    fn vtr(&self) -> JsResult<Option<String>> {
        let Some(value) = self.get("vtr")? else {
            return Ok(None);
        };
        if let Some(s) = value.as_string() {
            return Ok(Some(s));
        }
        if Array::is_array(&value) {
            return Ok(Some(json_text(&value, "vtr", ErrorCode::InvalidArgument)?));
        }
        Err(invalid_option("vtr", "a string or an array of strings"))
    }

    fn tolerance_or_default(&self) -> JsResult<f64> {
        Ok(self
            .number("clockTolerance")?
            .unwrap_or(crate::claims::DEFAULT_CLOCK_TOLERANCE))
    }
}

fn environment_object(env: &Environment) -> JsResult<Object> {
    let obj = Object::new();
    for (name, value) in [
        ("issuer", env.issuer()),
        ("discoveryUrl", env.discovery_url()),
        ("jwksUrl", env.jwks_url()),
        ("authorizeUrl", env.authorize_url()),
        ("tokenUrl", env.token_url()),
        ("userinfoUrl", env.userinfo_url()),
        ("endSessionUrl", env.end_session_url()),
        ("identityIssuer", env.identity_issuer()),
        ("didUrl", env.did_url()),
        ("didId", env.did_id()),
    ] {
        set(&obj, name, value)?;
    }
    Ok(obj)
}

/// The URLs and identifiers of a One Login environment: `{ issuer, discoveryUrl, jwksUrl,
/// authorizeUrl, tokenUrl, userinfoUrl, endSessionUrl, identityIssuer, didUrl, didId }`.
#[wasm_bindgen(js_name = getEnvironment)]
pub fn get_environment(environment: JsValue) -> JsResult<Object> {
    let holder = Object::new();
    set(&holder, "environment", environment)?;
    let env = Options::new(holder.into())?
        .environment()?
        .ok_or_else(|| JsValue::from(Error::argument("an environment is required")))?;
    environment_object(&env)
}

/// Verify a One Login ID token; returns its claims.
#[wasm_bindgen(js_name = verifyIdTokenWithKeySet)]
pub fn verify_id_token_with_key_set(
    token: JsValue,
    keys: &JsKeySet,
    options: JsValue,
) -> JsResult<JsValue> {
    let o = Options::new(options)?;
    let nonce =
        match o.get("nonce")? {
            Some(v) if v.is_null() => NonceCheck::NotRequested,
            Some(v) => NonceCheck::Expected(
                v.as_string()
                    .ok_or_else(|| invalid_option("nonce", "a string, or null if none was sent"))?,
            ),
            None => return Err(Error::argument(
                "option \"nonce\" is required: pass the nonce you sent, or null if you sent none",
            )
            .into()),
        };
    let options = IdTokenOptions {
        issuer: o.expected_issuer(Environment::issuer)?,
        client_id: o.required_string("clientId")?,
        nonce,
        vtr: o.vtr()?,
        max_age: o.whole_seconds("maxAge")?,
        access_token: o.string("accessToken")?,
        now: o.now_or_clock()?,
        clock_tolerance: o.tolerance_or_default()?,
    };
    let verified = onelogin::verify_id_token(
        &token_arg(&token, jws::DEFAULT_MAX_TOKEN_SIZE)?,
        &keys.inner,
        &options,
    )?;
    to_js_object(&verified.claims)
}

/// A DID document (One Login's core identity signing keys), parsed once.
#[wasm_bindgen(js_name = DidDocument)]
pub struct JsDidDocument {
    pub(crate) inner: DidDocument,
}

#[wasm_bindgen(js_class = DidDocument)]
impl JsDidDocument {
    /// Parse a DID document given as JSON text or as an object.
    #[wasm_bindgen(constructor)]
    pub fn new(document: JsValue) -> JsResult<JsDidDocument> {
        let text = json_text(&document, "DID document", ErrorCode::JwksInvalid)?;
        let mut inner = DidDocument::from_json(&text)?;
        inner.set_signature_backend(host_backend());
        Ok(JsDidDocument { inner })
    }

    /// The document's `id` (e.g. `did:web:identity.integration.account.gov.uk`).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The `id`s of the `assertionMethod` entries (the full `kid`s tokens may name).
    #[wasm_bindgen(getter, js_name = assertionMethodIds)]
    pub fn assertion_method_ids(&self) -> Array {
        self.inner
            .assertion_methods()
            .iter()
            .map(|m| JsValue::from_str(&m.id))
            .collect()
    }
}

fn name_object(name: &onelogin::Name) -> JsResult<Object> {
    let obj = Object::new();
    let strings = |items: Vec<&str>| items.into_iter().map(JsValue::from_str).collect::<Array>();
    set(&obj, "givenNames", strings(name.given_names()))?;
    set(&obj, "familyNames", strings(name.family_names()))?;
    let full: Vec<&str> = name.parts.iter().map(|(_, v)| v.as_str()).collect();
    set(&obj, "fullName", full.join(" "))?;
    if let Some(from) = &name.valid_from {
        set(&obj, "validFrom", from.as_str())?;
    }
    if let Some(until) = &name.valid_until {
        set(&obj, "validUntil", until.as_str())?;
    }
    Ok(obj)
}

/// Verify a core identity credential JWT against One Login's DID document; returns
/// `{ claims, identity }` where `identity` is a typed view of the person.
#[wasm_bindgen(js_name = verifyCoreIdentityWithDidDocument)]
pub fn verify_core_identity_with_did_document(
    token: JsValue,
    did: &JsDidDocument,
    options: JsValue,
) -> JsResult<Object> {
    let o = Options::new(options)?;
    let levels = match o.vtr()? {
        Some(vtr) => {
            let levels = Vtr::parse(&vtr)?.levels_of_confidence();
            if levels.is_empty() {
                return Err(Error::argument(
                    "\"vtr\" requests no identity (P1-P3), so no core identity credential is expected",
                )
                .into());
            }
            levels
        }
        None => vec![onelogin::LevelOfConfidence::P2],
    };
    let options = CoreIdentityOptions {
        issuer: o.expected_issuer(Environment::identity_issuer)?,
        client_id: o.required_string("clientId")?,
        sub: o.required_string("sub")?,
        levels_of_confidence: levels,
        now: o.now_or_clock()?,
        clock_tolerance: o.tolerance_or_default()?,
    };
    let verified = onelogin::verify_core_identity(
        &token_arg(&token, jws::DEFAULT_MAX_TOKEN_SIZE)?,
        &did.inner,
        &options,
    )?;
    let identity = Object::new();
    match verified.current_name() {
        Some(name) => set(&identity, "currentName", name_object(name)?)?,
        None => set(&identity, "currentName", JsValue::NULL)?,
    }
    let historic = verified
        .historic_names()
        .into_iter()
        .map(|n| name_object(n).map(JsValue::from))
        .collect::<JsResult<Array>>()?;
    set(&identity, "historicNames", historic)?;
    let births: Array = verified
        .birth_dates
        .iter()
        .map(|d| JsValue::from_str(d))
        .collect();
    set(&identity, "birthDates", births)?;
    match verified.birth_date() {
        Some(d) => set(&identity, "birthDate", d)?,
        None => set(&identity, "birthDate", JsValue::NULL)?,
    }
    set(&identity, "levelOfConfidence", verified.vot.as_str())?;
    let result = Object::new();
    set(&result, "claims", to_js_object(&verified.claims)?)?;
    set(&result, "identity", identity)?;
    Ok(result)
}

/// Verify a back-channel logout token; returns its claims (with `jti` for replay checks).
#[wasm_bindgen(js_name = verifyLogoutTokenWithKeySet)]
pub fn verify_logout_token_with_key_set(
    token: JsValue,
    keys: &JsKeySet,
    options: JsValue,
) -> JsResult<JsValue> {
    let o = Options::new(options)?;
    let options = LogoutOptions {
        issuer: o.expected_issuer(Environment::issuer)?,
        client_id: o.required_string("clientId")?,
        now: o.now_or_clock()?,
        clock_tolerance: o.tolerance_or_default()?,
    };
    let verified = onelogin::verify_logout_token(
        &token_arg(&token, jws::DEFAULT_MAX_TOKEN_SIZE)?,
        &keys.inner,
        &options,
    )?;
    to_js_object(&verified.claims)
}

/// An RSA private key for `private_key_jwt` and request objects, parsed once.
#[wasm_bindgen(js_name = SigningKey)]
pub struct JsSigningKey {
    pub(crate) inner: RsaSigningKey,
}

#[wasm_bindgen(js_class = SigningKey)]
impl JsSigningKey {
    /// Parse a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`) or an RSA private JWK (text or
    /// object).
    #[wasm_bindgen(constructor)]
    pub fn new(key: JsValue) -> JsResult<JsSigningKey> {
        let text = json_text(&key, "private key", ErrorCode::InvalidArgument)?;
        Ok(JsSigningKey {
            inner: RsaSigningKey::from_pem_or_jwk(&text)?,
        })
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
}

fn now_whole_seconds(o: &Options) -> JsResult<u64> {
    Ok(match o.whole_seconds("now")? {
        Some(now) => now,
        None => now_seconds().floor() as u64,
    })
}

/// Sign a `private_key_jwt` client assertion for the token endpoint.
#[wasm_bindgen(js_name = signClientAssertionWithKey)]
pub fn sign_client_assertion_with_key(key: &JsSigningKey, options: JsValue) -> JsResult<String> {
    let o = Options::new(options)?;
    let audience = match o.string("audience")? {
        Some(audience) => audience,
        None => o
            .environment()?
            .map(|env| env.token_url().to_owned())
            .ok_or_else(|| {
                JsValue::from(Error::argument("pass \"audience\" or \"environment\""))
            })?,
    };
    let mut options = ClientAssertionOptions::new(
        &o.required_string("clientId")?,
        &audience,
        now_whole_seconds(&o)?,
    );
    if let Some(alg) = o.string("alg")? {
        options.alg = SigningAlgorithm::from_name(&alg)?;
    }
    if let Some(lifetime) = o.whole_seconds("lifetime")? {
        options.lifetime = lifetime;
    }
    options.jti = o.string("jti")?;
    options.kid = o.string("kid")?;
    Ok(onelogin::sign_client_assertion(&key.inner, &options)?)
}

fn authorization_request(o: &Options) -> JsResult<AuthorizationRequest> {
    let scope = match o.get("scope")? {
        Some(v) if Array::is_array(&v) => Array::from(&v)
            .iter()
            .map(|s| {
                s.as_string()
                    .ok_or_else(|| invalid_option("scope", "a string or an array of strings"))
            })
            .collect::<JsResult<Vec<_>>>()?
            .join(" "),
        Some(v) => v
            .as_string()
            .ok_or_else(|| invalid_option("scope", "a string or an array of strings"))?,
        None => "openid".to_owned(),
    };
    let claims = match o.get("claims")? {
        None => None,
        Some(v) => Some(json_text(&v, "claims", ErrorCode::InvalidArgument)?),
    };
    Ok(AuthorizationRequest {
        client_id: o.required_string("clientId")?,
        redirect_uri: o.required_string("redirectUri")?,
        scope,
        state: o.required_string("state")?,
        nonce: o.required_string("nonce")?,
        code_challenge: o.required_string("codeChallenge")?,
        vtr: o.vtr()?,
        claims,
        ui_locales: o.string("uiLocales")?,
        prompt: o.string("prompt")?,
        max_age: o.whole_seconds("maxAge")?,
        response_mode: o.string("responseMode")?,
        id_token_hint: o.string("idTokenHint")?,
    })
}

fn authorize_url(o: &Options) -> JsResult<String> {
    match o.string("authorizeUrl")? {
        Some(url) => Ok(url),
        None => o
            .environment()?
            .map(|env| env.authorize_url().to_owned())
            .ok_or_else(|| Error::argument("pass \"environment\" or \"authorizeUrl\"").into()),
    }
}

/// Build the `/authorize` URL with every parameter correctly encoded.
#[wasm_bindgen(js_name = buildAuthorizationUrl)]
pub fn build_authorization_url(options: JsValue) -> JsResult<String> {
    let o = Options::new(options)?;
    Ok(onelogin::build_authorization_url(
        &authorize_url(&o)?,
        &authorization_request(&o)?,
    )?)
}

/// Sign a JWT-secured authorization request (RS256) carrying the same parameters as
/// `buildAuthorizationUrl`.
#[wasm_bindgen(js_name = signRequestObjectWithKey)]
pub fn sign_request_object_with_key(key: &JsSigningKey, options: JsValue) -> JsResult<String> {
    let o = Options::new(options)?;
    let request = authorization_request(&o)?;
    let audience = match o.string("audience")? {
        Some(audience) => audience,
        None => authorize_url(&o)?,
    };
    let options = RequestObjectOptions {
        audience,
        now: now_whole_seconds(&o)?,
        lifetime: o
            .whole_seconds("lifetime")?
            .unwrap_or(onelogin::client_assertion::DEFAULT_LIFETIME),
        kid: o.string("kid")?,
    };
    Ok(onelogin::sign_request_object(
        &key.inner, &request, &options,
    )?)
}

fn check_object(check: &crate::checks::CheckResult) -> JsResult<Object> {
    use crate::checks::{Skip, Status};
    let obj = Object::new();
    set(&obj, "id", check.id.as_str())?;
    set(&obj, "label", check.id.label())?;
    match &check.status {
        Status::Pass => set(&obj, "status", "pass")?,
        Status::Fail(e) => {
            set(&obj, "status", "fail")?;
            set(&obj, "code", e.code().as_str())?;
            set(&obj, "message", e.message())?;
            if let Some(claim) = e.claim_name() {
                set(&obj, "claim", claim)?;
            }
            if let Some(reason) = e.reason() {
                set(&obj, "reason", reason.as_str())?;
            }
        }
        Status::Skipped(why) => {
            set(&obj, "status", "skipped")?;
            let (kind, input) = match why {
                Skip::Prerequisite => ("prerequisite", None),
                Skip::MissingInput(input) => ("missing_input", Some(*input)),
                Skip::NotRequested(input) => ("not_requested", Some(*input)),
            };
            set(&obj, "skipped", kind)?;
            if let Some(input) = input {
                set(&obj, "input", input)?;
            }
        }
    }
    set(&obj, "unverified", check.unverified)?;
    Ok(obj)
}

/// Inspect a token against One Login's rules without stopping at the first failure:
/// `{ kind, kindReason, verdict, signatureVerified, header?, claims?, checks, identity? }`.
/// Every input is optional; a check whose input is missing is reported as skipped.
#[wasm_bindgen(js_name = inspectToken)]
pub fn inspect_token(token: JsValue, options: JsValue) -> JsResult<Object> {
    use crate::onelogin::inspect::{self, InspectOptions, TokenKind};
    let o = Options::new(options)?;
    let token = token_arg(&token, jws::DEFAULT_MAX_TOKEN_SIZE)?;
    let kind = match o.string("kind")? {
        None => None,
        Some(name) if name == "auto" => None,
        Some(name) => Some(TokenKind::from_name(&name)?),
    };
    let keys = match o.get("jwks")? {
        None => None,
        Some(v) => Some(crate::jwk::KeySet::from_json(&json_text(
            &v,
            "JWKS",
            ErrorCode::JwksInvalid,
        )?)?),
    };
    let did = match o.get("didDocument")? {
        None => None,
        Some(v) => Some(DidDocument::from_json(&json_text(
            &v,
            "DID document",
            ErrorCode::JwksInvalid,
        )?)?),
    };
    let nonce = match o.get("nonce")? {
        None => None,
        Some(v) if v.is_null() => Some(NonceCheck::NotRequested),
        Some(v) => Some(NonceCheck::Expected(v.as_string().ok_or_else(|| {
            invalid_option("nonce", "a string, or null if none was sent")
        })?)),
    };
    let options = InspectOptions {
        kind,
        keys: keys.as_ref(),
        did: did.as_ref(),
        environment: o.environment()?,
        issuer: o.string("issuer")?,
        client_id: o.string("clientId")?,
        nonce,
        vtr: o.vtr()?,
        max_age: o.whole_seconds("maxAge")?,
        access_token: o.string("accessToken")?,
        sub: o.string("sub")?,
        now: o.now_or_clock()?,
        clock_tolerance: o.tolerance_or_default()?,
    };
    let inspection = inspect::inspect_token(&token, &options)?;
    let out = Object::new();
    set(&out, "kind", inspection.kind.as_str())?;
    set(&out, "kindReason", inspection.kind_reason)?;
    set(&out, "verdict", inspection.verdict().as_str())?;
    set(&out, "signatureVerified", inspection.signature_verified())?;
    if let Some(header) = &inspection.header {
        set(&out, "header", to_js_object(header)?)?;
    }
    if let Some(claims) = &inspection.claims {
        set(&out, "claims", to_js_object(claims)?)?;
    }
    let checks = inspection
        .checks
        .iter()
        .map(|c| check_object(c).map(JsValue::from))
        .collect::<JsResult<Array>>()?;
    set(&out, "checks", checks)?;
    if let Some((names, birth_dates)) = &inspection.identity {
        let identity = Object::new();
        let current = names.iter().find(|n| n.is_current());
        match current {
            Some(name) => set(&identity, "currentName", name_object(name)?)?,
            None => set(&identity, "currentName", JsValue::NULL)?,
        }
        let historic = names
            .iter()
            .filter(|n| !n.is_current())
            .map(|n| name_object(n).map(JsValue::from))
            .collect::<JsResult<Array>>()?;
        set(&identity, "historicNames", historic)?;
        let births: Array = birth_dates.iter().map(|d| JsValue::from_str(d)).collect();
        set(&identity, "birthDates", births)?;
        set(&out, "identity", identity)?;
    }
    Ok(out)
}
