//! What each exported function accepts, written as its JavaScript callers write it (one object
//! of camelCase members), and how that becomes the core's rules.
//!
//! Every default and every refusal of an option lives here, once: the wasm boundary only
//! deserializes these structs and calls `resolve`. The structs refuse unknown members
//! (`deny_unknown_fields`), so a misspelled option is an error, never a check silently off.
//! Members that the JavaScript wrapper reads itself (`jwks`, `didDocument`, `privateKey`) are
//! accepted here as [`Passthrough`].

use crate::alg::Algorithms;
use crate::claims::{self, DEFAULT_CLOCK_TOLERANCE};
use crate::error::{Error, Result};
use crate::jwk::KeySet;
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::jwt::VerifyOptions;
pub use crate::lists::nearest_name;
use crate::onelogin::client::{
    AssertionSettings, Authentication, CallTime, ClientConfig, HttpSettings, SignInMinimum,
    DEFAULT_COOLDOWN_MS, DEFAULT_TIMEOUT_MS,
};
#[cfg(feature = "flow")]
use crate::onelogin::client_assertion::DEFAULT_LIFETIME;
use crate::onelogin::inspect::{InspectOptions, TokenKind};
use crate::onelogin::{
    AuthorizationRequest, CoreIdentityOptions, DidDocument, Environment, EnvironmentSpec,
    IdTokenOptions, LevelOfConfidence, LogoutOptions, NonceCheck, Vtr,
};
#[cfg(feature = "flow")]
use crate::onelogin::{ClientAssertionOptions, RequestObjectOptions, SigningAlgorithm};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

pub use crate::passthrough::Passthrough;

/// `environment`: `"integration"`, `"production"`, or an object describing any other (see
/// [`EnvironmentSpec`]).
// Read once per call from the caller's options; boxing the spec would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvironmentInput {
    /// A named environment.
    Named(String),
    /// The simulator or a test double.
    Custom(EnvironmentSpec),
}

impl EnvironmentInput {
    /// The environment it names.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` (option `environment`) for an unknown name or an unusable object.
    pub fn resolve(&self) -> Result<Environment> {
        match self {
            EnvironmentInput::Named(name) => Environment::from_name(name),
            EnvironmentInput::Custom(spec) => Environment::custom(spec),
        }
        .map_err(|e| e.for_option("environment"))
    }
}

impl<'de> Deserialize<'de> for EnvironmentInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvironmentVisitor;
        impl<'de> Visitor<'de> for EnvironmentVisitor {
            type Value = EnvironmentInput;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"integration\", \"production\" or an object with baseUrl or issuer")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<EnvironmentInput, E> {
                Ok(EnvironmentInput::Named(name.to_owned()))
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<EnvironmentInput, A::Error> {
                EnvironmentSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(EnvironmentInput::Custom)
            }
        }
        deserializer.deserialize_any(EnvironmentVisitor)
    }
}

/// `vtr`: as sent (`'["Cl.Cm.P2"]'`), one vector (`"Cl.Cm.P2"`), or an array of vectors.
/// Held as the JSON text One Login receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VtrInput(pub String);

impl<'de> Deserialize<'de> for VtrInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(StringOrList {
                expecting: "a string or an array of strings",
                join: |items| serde_json::Value::from(items).to_string(),
            })
            .map(VtrInput)
    }
}

/// `scope`: a space-separated string or an array of scopes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopeInput(pub String);

impl<'de> Deserialize<'de> for ScopeInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(StringOrList {
                expecting: "a string or an array of strings",
                join: |items| items.join(" "),
            })
            .map(ScopeInput)
    }
}

/// A string as given, or an array of strings joined by `join`.
struct StringOrList {
    expecting: &'static str,
    join: fn(Vec<String>) -> String,
}

impl<'de> Visitor<'de> for StringOrList {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, text: &str) -> Result<String, E> {
        Ok(text.to_owned())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<String, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok((self.join)(items))
    }
}

/// A JSON document given as JSON text or as a value (a JWKS, a DID document, a `claims`
/// request), held as text for the core's strict parser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonInput(pub String);

impl<'de> Deserialize<'de> for JsonInput {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(JsonInput(text)),
            value => Ok(JsonInput(value.to_string())),
        }
    }
}

/// `nonce`: absent (a mistake: say which), `null` (none was sent) or the nonce sent.
fn nullable<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// A whole, non-negative number of seconds.
fn whole_seconds(name: &'static str, value: Option<f64>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if n.is_finite() && n >= 0.0 && n.fract() == 0.0 && n <= 1e15 => Ok(Some(n as u64)),
        Some(_) => Err(Error::option(
            name,
            format!("option \"{name}\" must be a whole, non-negative number of seconds"),
        )),
    }
}

fn required(name: &'static str, value: Option<String>) -> Result<String> {
    value.ok_or_else(|| Error::option(name, format!("option \"{name}\" is required")))
}

fn environment(input: Option<&EnvironmentInput>) -> Result<Option<Environment>> {
    input.map(EnvironmentInput::resolve).transpose()
}

/// The expected issuer: `issuer` if given, else `pick` of the environment.
fn issuer_of(
    issuer: Option<String>,
    environment: Option<&Environment>,
    pick: fn(&Environment) -> &str,
) -> Option<String> {
    issuer.or_else(|| environment.map(|env| pick(env).to_owned()))
}

fn required_issuer(
    issuer: Option<String>,
    env: Option<&EnvironmentInput>,
    pick: fn(&Environment) -> &str,
) -> Result<String> {
    issuer_of(issuer, environment(env)?.as_ref(), pick)
        .ok_or_else(|| Error::option("issuer", "pass \"environment\" or \"issuer\""))
}

/// `now` in whole seconds, for what is signed.
#[cfg(feature = "flow")]
fn now_whole_seconds(now: Option<f64>, clock: impl FnOnce() -> f64) -> Result<u64> {
    Ok(match whole_seconds("now", now)? {
        Some(now) => now,
        None => clock().floor() as u64,
    })
}

/// The options every verifier shares, resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifierCommon {
    /// The expected `iss`.
    pub issuer: String,
    /// The client ID (the expected `aud`).
    pub client_id: String,
    /// The time to check at.
    pub now: f64,
    /// Allowed clock skew.
    pub clock_tolerance: f64,
}

/// Declares an options struct: camelCase members, every one optional, unknown ones refused,
/// and (for the npm package) its TypeScript interface.
macro_rules! options_struct {
    ($(#[$meta:meta])* pub struct $name:ident { $( $(#[$field_meta:meta])* pub $field:ident : $ty:ty, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, Deserialize)]
        #[cfg_attr(feature = "js", derive(tsify::Tsify))]
        #[serde(rename_all = "camelCase", deny_unknown_fields, default)]
        pub struct $name {
            $( $(#[$field_meta])* #[cfg_attr(feature = "js", tsify(optional))] pub $field: $ty, )*
        }
    };
}

/// Declares a verifier's options: the shared members (environment, issuer, client ID, now,
/// clock tolerance) and the verifier's own.
macro_rules! verifier_options {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        options_struct! {
            $(#[$meta])*
            pub struct $name {
                /// `"integration"`, `"production"`, or an object for the simulator or a test
                /// double; gives the expected issuer.
                #[cfg_attr(feature = "js", tsify(type = "EnvironmentInput"))]
                pub environment: Option<EnvironmentInput>,
                /// The expected `iss`, instead of the environment's.
                pub issuer: Option<String>,
                /// Your client ID: the expected `aud`.
                pub client_id: Option<String>,
                /// Check as of this time, Unix seconds (default: now).
                pub now: Option<f64>,
                /// Allowed clock skew in seconds, 0 to 300 (default 30).
                pub clock_tolerance: Option<f64>,
                $($body)*
            }
        }

        impl $name {
            fn common(
                &mut self,
                pick: fn(&Environment) -> &str,
                clock: impl FnOnce() -> f64,
            ) -> Result<VerifierCommon> {
                let now = self.now.unwrap_or_else(clock);
                let clock_tolerance = self.clock_tolerance.unwrap_or(DEFAULT_CLOCK_TOLERANCE);
                claims::check_now(now)?;
                claims::check_clock_tolerance(clock_tolerance)?;
                Ok(VerifierCommon {
                    issuer: required_issuer(self.issuer.take(), self.environment.as_ref(), pick)?,
                    client_id: required("clientId", self.client_id.take())?,
                    now,
                    clock_tolerance,
                })
            }
        }
    };
}

options_struct! {
    /// Options of `decodeJwt`.
    pub struct DecodeJwtOptions {
        /// Refuse tokens longer than this many bytes (default 65536).
        pub max_token_size: Option<f64>,
    }
}

/// A positive whole number of bytes (default: [`DEFAULT_MAX_TOKEN_SIZE`]).
fn max_token_size(value: Option<f64>) -> Result<usize> {
    match value {
        None => Ok(DEFAULT_MAX_TOKEN_SIZE),
        Some(n) if n.is_finite() && n >= 1.0 && n.fract() == 0.0 && n <= f64::from(u32::MAX) => {
            Ok(n as usize)
        }
        Some(_) => Err(Error::option(
            "maxTokenSize",
            "option \"maxTokenSize\" must be a positive whole number of bytes",
        )),
    }
}

impl DecodeJwtOptions {
    /// The size cap.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` (option `maxTokenSize`).
    pub fn resolve(&self) -> Result<usize> {
        max_token_size(self.max_token_size)
    }
}

options_struct! {
    /// Options of `verifyJwt`.
    pub struct VerifyJwtOptions {
        /// The key set (read by the JavaScript wrapper).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub jwks: Option<Passthrough>,
        /// Accepted algorithms (default both: `["ES256", "RS256"]`).
        #[cfg_attr(feature = "js", tsify(type = "Algorithm[]"))]
        pub algorithms: Option<Vec<String>>,
        /// The expected `iss`.
        pub issuer: Option<String>,
        /// The expected `aud` (one of the token's).
        pub audience: Option<String>,
        /// Require a `kid` header.
        pub require_kid: Option<bool>,
        /// Refuse tokens longer than this many bytes (default 65536).
        pub max_token_size: Option<f64>,
        /// Check as of this time, Unix seconds (default: now).
        pub now: Option<f64>,
        /// Allowed clock skew in seconds, 0 to 300 (default 30).
        pub clock_tolerance: Option<f64>,
    }
}

impl VerifyJwtOptions {
    /// The core's options.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the unusable option.
    pub fn resolve(self, clock: impl FnOnce() -> f64) -> Result<VerifyOptions> {
        let mut options = VerifyOptions::at(self.now.unwrap_or_else(clock));
        if let Some(names) = &self.algorithms {
            options.algorithms = Algorithms::from_names(names.iter().map(String::as_str))
                .map_err(|e| e.for_option("algorithms"))?;
        }
        options.max_token_size = max_token_size(self.max_token_size)?;
        options.require_kid = self.require_kid.unwrap_or(false);
        if let Some(tolerance) = self.clock_tolerance {
            options.claims.clock_tolerance = tolerance;
        }
        options.claims.issuer = self.issuer;
        options.claims.audience = self.audience;
        Ok(options)
    }
}

verifier_options! {
    /// Options of `verifyIdToken`.
    pub struct VerifyIdTokenOptions {
        /// The key set (read by the JavaScript wrapper).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub jwks: Option<Passthrough>,
        /// The `nonce` you sent, or `null` if you sent none (required).
        #[serde(deserialize_with = "nullable")]
        #[cfg_attr(feature = "js", tsify(type = "string | null"))]
        pub nonce: Option<Option<String>>,
        /// The `vtr` you sent (default `Cl.Cm`).
        #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
        pub vtr: Option<VtrInput>,
        /// The `max_age` you sent: makes `auth_time` required and checked.
        pub max_age: Option<f64>,
        /// The access token from the same response: makes `at_hash` required and checked.
        pub access_token: Option<String>,
    }
}

impl VerifyIdTokenOptions {
    /// The core's options.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(mut self, clock: impl FnOnce() -> f64) -> Result<IdTokenOptions> {
        let common = self.common(Environment::issuer, clock)?;
        Ok(IdTokenOptions {
            issuer: common.issuer,
            client_id: common.client_id,
            nonce: NonceCheck::from_option(self.nonce)?,
            vtr: self.vtr.map(|v| v.0),
            max_age: whole_seconds("maxAge", self.max_age)?,
            access_token: self.access_token,
            now: common.now,
            clock_tolerance: common.clock_tolerance,
        })
    }
}

verifier_options! {
    /// Options of `verifyCoreIdentity`.
    pub struct VerifyCoreIdentityOptions {
        /// The DID document (read by the JavaScript wrapper).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub did_document: Option<Passthrough>,
        /// The ID token's `sub` (required).
        pub sub: Option<String>,
        /// The `vtr` you sent (default: P2 is required).
        #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
        pub vtr: Option<VtrInput>,
    }
}

impl VerifyCoreIdentityOptions {
    /// The core's options.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option (a `vtr` without a P level
    /// asks for no credential).
    pub fn resolve(mut self, clock: impl FnOnce() -> f64) -> Result<CoreIdentityOptions> {
        let common = self.common(Environment::identity_issuer, clock)?;
        Ok(CoreIdentityOptions {
            issuer: common.issuer,
            client_id: common.client_id,
            sub: required("sub", self.sub)?,
            levels_of_confidence: LevelOfConfidence::requested(
                self.vtr.as_ref().map(|v| v.0.as_str()),
            )?,
            now: common.now,
            clock_tolerance: common.clock_tolerance,
        })
    }
}

verifier_options! {
    /// Options of `verifyLogoutToken`.
    pub struct VerifyLogoutTokenOptions {
        /// The key set (read by the JavaScript wrapper).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub jwks: Option<Passthrough>,
    }
}

impl VerifyLogoutTokenOptions {
    /// The core's options.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(mut self, clock: impl FnOnce() -> f64) -> Result<LogoutOptions> {
        let common = self.common(Environment::issuer, clock)?;
        Ok(LogoutOptions {
            issuer: common.issuer,
            client_id: common.client_id,
            now: common.now,
            clock_tolerance: common.clock_tolerance,
        })
    }
}

options_struct! {
    /// Options of `signClientAssertion`.
    pub struct SignClientAssertionOptions {
        /// The private key (read by the JavaScript wrapper).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub private_key: Option<Passthrough>,
        /// Gives the default `audience` (the token URL).
        #[cfg_attr(feature = "js", tsify(type = "EnvironmentInput"))]
        pub environment: Option<EnvironmentInput>,
        /// Your client ID: `iss` and `sub` (required).
        pub client_id: Option<String>,
        /// `aud` (default: the environment's token URL).
        pub audience: Option<String>,
        /// `"RS256"` (default) or `"PS256"`.
        #[cfg_attr(feature = "js", tsify(type = "SigningAlgorithm"))]
        pub alg: Option<String>,
        /// `iat`, whole Unix seconds (default: now).
        pub now: Option<f64>,
        /// `exp - iat` in seconds (default 300, at most 3600).
        pub lifetime: Option<f64>,
        /// `jti` (default: 256 random bits).
        pub jti: Option<String>,
        /// Header `kid` (default: the JWK's own).
        pub kid: Option<String>,
    }
}

#[cfg(feature = "flow")]
impl SignClientAssertionOptions {
    /// The core's options.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(self, clock: impl FnOnce() -> f64) -> Result<ClientAssertionOptions> {
        let audience = issuer_of(
            self.audience,
            environment(self.environment.as_ref())?.as_ref(),
            Environment::token_url,
        )
        .ok_or_else(|| Error::option("audience", "pass \"audience\" or \"environment\""))?;
        let mut options = ClientAssertionOptions::new(
            &required("clientId", self.client_id)?,
            &audience,
            now_whole_seconds(self.now, clock)?,
        );
        if let Some(alg) = &self.alg {
            options.alg = SigningAlgorithm::from_name(alg).map_err(|e| e.for_option("alg"))?;
        }
        if let Some(lifetime) = whole_seconds("lifetime", self.lifetime)? {
            options.lifetime = lifetime;
        }
        options.jti = self.jti;
        options.kid = self.kid;
        Ok(options)
    }
}

/// Declares the authorization request's members, shared by the URL builder and the request
/// object signer.
macro_rules! authorization_options {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        options_struct! {
            $(#[$meta])*
            pub struct $name {
                /// Gives the default `authorizeUrl`.
                #[cfg_attr(feature = "js", tsify(type = "EnvironmentInput"))]
                pub environment: Option<EnvironmentInput>,
                /// The authorization endpoint (default: the environment's).
                pub authorize_url: Option<String>,
                /// Your client ID (required).
                pub client_id: Option<String>,
                /// The registered redirect URI, exactly (required).
                pub redirect_uri: Option<String>,
                /// Scopes (default `openid`); must include `openid`.
                #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
                pub scope: Option<ScopeInput>,
                /// The random `state` (required).
                pub state: Option<String>,
                /// The random `nonce` (required).
                pub nonce: Option<String>,
                /// The PKCE S256 challenge (required).
                pub code_challenge: Option<String>,
                /// The `vtr` (default: One Login's `Cl.Cm`).
                #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
                pub vtr: Option<VtrInput>,
                /// The `claims` request, as an object or JSON text.
                #[cfg_attr(feature = "js", tsify(type = "string | Record<string, unknown>"))]
                pub claims: Option<JsonInput>,
                /// `en`, `cy` or both.
                pub ui_locales: Option<String>,
                /// `prompt`, e.g. `login`.
                pub prompt: Option<String>,
                /// `max_age` in seconds.
                pub max_age: Option<f64>,
                /// `query` (default) or `fragment`.
                pub response_mode: Option<String>,
                /// `id_token_hint` (re-authentication; request objects only).
                pub id_token_hint: Option<String>,
                $($body)*
            }
        }

        impl $name {
            #[cfg_attr(not(feature = "flow"), allow(dead_code))]
            fn request(&mut self) -> Result<(String, AuthorizationRequest)> {
                let authorize_url = issuer_of(
                    self.authorize_url.take(),
                    environment(self.environment.as_ref())?.as_ref(),
                    Environment::authorize_url,
                )
                .ok_or_else(|| Error::option("authorizeUrl", "pass \"environment\" or \"authorizeUrl\""))?;
                let request = AuthorizationRequest {
                    client_id: required("clientId", self.client_id.take())?,
                    redirect_uri: required("redirectUri", self.redirect_uri.take())?,
                    scope: self.scope.take().map_or_else(|| "openid".to_owned(), |s| s.0),
                    state: required("state", self.state.take())?,
                    nonce: required("nonce", self.nonce.take())?,
                    code_challenge: required("codeChallenge", self.code_challenge.take())?,
                    vtr: self.vtr.take().map(|v| v.0),
                    claims: self.claims.take().map(|c| c.0),
                    ui_locales: self.ui_locales.take(),
                    prompt: self.prompt.take(),
                    max_age: whole_seconds("maxAge", self.max_age)?,
                    response_mode: self.response_mode.take(),
                    id_token_hint: self.id_token_hint.take(),
                };
                Ok((authorize_url, request))
            }
        }
    };
}

authorization_options! {
    /// Options of `buildAuthorizationUrl`.
    pub struct AuthorizationUrlOptions {}
}

impl AuthorizationUrlOptions {
    /// The authorization endpoint and the request.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(mut self) -> Result<(String, AuthorizationRequest)> {
        self.request()
    }
}

authorization_options! {
    /// Options of `signRequestObject`.
    pub struct SignRequestObjectOptions {
        /// The private key (read by the JavaScript wrapper).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub private_key: Option<Passthrough>,
        /// `aud` (default: the authorization endpoint).
        pub audience: Option<String>,
        /// `iat`, whole Unix seconds (default: now).
        pub now: Option<f64>,
        /// `exp - iat` in seconds (default 300).
        pub lifetime: Option<f64>,
        /// Header `kid` (default: the JWK's own).
        pub kid: Option<String>,
    }
}

#[cfg(feature = "flow")]
impl SignRequestObjectOptions {
    /// The request and the request object's own options.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(
        mut self,
        clock: impl FnOnce() -> f64,
    ) -> Result<(AuthorizationRequest, RequestObjectOptions)> {
        let (authorize_url, request) = self.request()?;
        let options = RequestObjectOptions {
            audience: self.audience.unwrap_or(authorize_url),
            now: now_whole_seconds(self.now, clock)?,
            lifetime: whole_seconds("lifetime", self.lifetime)?.unwrap_or(DEFAULT_LIFETIME),
            kid: self.kid,
            alg: crate::onelogin::SigningAlgorithm::Rs256,
        };
        Ok((request, options))
    }
}

options_struct! {
    /// Options of `inspectToken`: every input is optional; a check whose input is missing is
    /// reported as skipped.
    pub struct InspectTokenOptions {
        /// Inspect as this kind (`"auto"`, the default, recognises it).
        #[cfg_attr(feature = "js", tsify(type = "TokenKind | \"auto\""))]
        pub kind: Option<String>,
        /// The JWKS, as an object or JSON text.
        #[cfg_attr(feature = "js", tsify(type = "string | object"))]
        pub jwks: Option<JsonInput>,
        /// The DID document, as an object or JSON text.
        #[cfg_attr(feature = "js", tsify(type = "string | object"))]
        pub did_document: Option<JsonInput>,
        /// Your service's public keys, for its client assertions and request objects: its
        /// JWKS, one public JWK (an object or JSON text) or an SPKI PEM.
        #[cfg_attr(feature = "js", tsify(type = "string | object"))]
        pub service_keys: Option<JsonInput>,
        /// Gives the expected issuers.
        #[cfg_attr(feature = "js", tsify(type = "EnvironmentInput"))]
        pub environment: Option<EnvironmentInput>,
        /// The expected `iss`, instead of the environment's.
        pub issuer: Option<String>,
        /// Your client ID.
        pub client_id: Option<String>,
        /// The `nonce` you sent, or `null` if none.
        #[serde(deserialize_with = "nullable")]
        #[cfg_attr(feature = "js", tsify(type = "string | null"))]
        pub nonce: Option<Option<String>>,
        /// The `vtr` you sent.
        #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
        pub vtr: Option<VtrInput>,
        /// The `max_age` you sent.
        pub max_age: Option<f64>,
        /// The access token from the same response.
        pub access_token: Option<String>,
        /// The ID token's `sub` (core identity credentials).
        pub sub: Option<String>,
        /// Check as of this time, Unix seconds (default: now).
        pub now: Option<f64>,
        /// Allowed clock skew in seconds, 0 to 300 (default 30).
        pub clock_tolerance: Option<f64>,
    }
}

options_struct! {
    /// Options of `OneLoginClient.create`, resolved once into a [`ClientConfig`]. A custom
    /// environment's endpoints are given inside `environment` (one vocabulary: the names of
    /// [`EnvironmentSpec`]), never beside it.
    pub struct OneLoginClientOptions {
        /// `"integration"`, `"production"`, or a custom environment (required).
        #[cfg_attr(feature = "js", tsify(type = "EnvironmentInput"))]
        pub environment: Option<EnvironmentInput>,
        /// Your client ID (required).
        pub client_id: Option<String>,
        /// The default `redirect_uri` of sign-ins.
        pub redirect_uri: Option<String>,
        /// The `private_key_jwt` key (PEM, JWK or `SigningKey`).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub private_key: Option<Passthrough>,
        /// The `client_secret_post` secret.
        pub client_secret: Option<String>,
        /// The client assertion's algorithm (default `RS256`).
        #[cfg_attr(feature = "js", tsify(type = "SigningAlgorithm"))]
        pub client_assertion_alg: Option<String>,
        /// The client assertion's `aud`: `"tokenUrl"` (default) or `"issuer"`.
        #[cfg_attr(feature = "js", tsify(type = "\"tokenUrl\" | \"issuer\""))]
        pub client_assertion_audience: Option<String>,
        /// The `kid` header of client assertions and request objects (default: the key's own).
        pub kid: Option<String>,
        /// Allowed clock skew in seconds, 0 to 300 (default 30).
        pub clock_tolerance: Option<f64>,
        /// One store for logout-token `jti`s and ended sessions (default: a `MemoryStore`, this
        /// process only; `RedisStore` for several instances).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub store: Option<Passthrough>,
        /// How long a session of the service can live, in seconds (default one day): ended-session
        /// records are kept as long.
        pub session_lifetime: Option<f64>,
        /// The `fetch` to use (default: the global one).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub fetch: Option<Passthrough>,
        /// Milliseconds since the epoch, for the caches and checks (default `Date.now`).
        #[cfg_attr(feature = "js", tsify(type = "unknown"))]
        pub clock: Option<Passthrough>,
        /// Sent with every request (default `govuk-one-login-tokens/<version>`).
        pub user_agent: Option<String>,
        /// Deadline for each request, in milliseconds (default 5000).
        pub timeout_ms: Option<f64>,
        /// Shortest gap between two fetches of one document, in milliseconds (default 30000).
        pub cooldown_ms: Option<f64>,
        /// Keep the fetched discovery, JWKS and DID documents in `store` too (its `getDocument`
        /// and `putDocument`), so other instances and cold starts read them instead of fetching
        /// (default false: whoever can write the store then supplies the keys).
        pub cache_documents: Option<bool>,
        /// Public keys published beside the signing key's in `publicJwks()` (a rotation):
        /// public JWKs or SPKI PEMs (needs `privateKey`).
        #[cfg_attr(feature = "js", tsify(type = "Array<string | JsonWebKey>"))]
        pub additional_public_keys: Option<Vec<serde_json::Value>>,
        /// Every sign-in sends a request object unless it says `requestObject: false`
        /// (needs `privateKey`).
        pub request_object: Option<bool>,
        /// Your platform and version (`my-service/1.2`): the User-Agent becomes
        /// `my-service/1.2 (serviceUrl) govuk-one-login-tokens/<version>`, One Login's suggested form.
        pub service_name: Option<String>,
        /// Your service's https URL, for the User-Agent (needs `serviceName`).
        pub service_url: Option<String>,
    }
}

/// This library's product token, last in every User-Agent (the package's `DEFAULT_USER_AGENT`).
pub const LIBRARY_USER_AGENT: &str = concat!("govuk-one-login-tokens/", env!("CARGO_PKG_VERSION"));

/// The User-Agent: `userAgent` as given, or One Login's suggested form built from
/// `serviceName` and `serviceUrl` ([`crate::onelogin::user_agent::service_user_agent`]), or
/// `None` (the package's own). Never both forms at once.
fn user_agent_of(
    user_agent: Option<String>,
    service_name: Option<String>,
    service_url: Option<String>,
) -> Result<Option<String>> {
    let user_agent = non_empty_option("userAgent", user_agent)?;
    match (user_agent, service_name, service_url) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(Error::option(
            "userAgent",
            "pass \"userAgent\", or \"serviceName\" (and \"serviceUrl\"), not both",
        )),
        (given, None, None) => Ok(given),
        (None, None, Some(_)) => Err(Error::option(
            "serviceName",
            "option \"serviceUrl\" needs \"serviceName\" (your platform/version)",
        )),
        (None, Some(name), url) => crate::onelogin::user_agent::service_user_agent(
            &name,
            url.as_deref(),
            LIBRARY_USER_AGENT,
        )
        .map(Some),
    }
}

/// A finite number of milliseconds of at least `min`.
fn milliseconds(name: &'static str, value: Option<f64>, min: f64, default: f64) -> Result<f64> {
    match value {
        None => Ok(default),
        Some(n) if n.is_finite() && n >= min && n <= 1e12 => Ok(n),
        Some(_) => Err(Error::option(
            name,
            // `min` is a whole number of milliseconds (formatted as an integer: no float formatting).
            format!(
                "option \"{name}\" must be a finite number of milliseconds >= {}",
                min as u64
            ),
        )),
    }
}

fn non_empty_option(name: &'static str, value: Option<String>) -> Result<Option<String>> {
    match value {
        Some(text) if text.is_empty() => Err(Error::option(
            name,
            format!("option \"{name}\" must be a non-empty string"),
        )),
        other => Ok(other),
    }
}

impl OneLoginClientOptions {
    /// The client's configuration: the environment, the client's authentication (a key when
    /// `privateKey` is given, a secret, or none), the assertion's audience, and the defaults.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing, conflicting or unusable option.
    pub fn resolve(self) -> Result<ClientConfig> {
        let environment = environment(self.environment.as_ref())?.ok_or_else(|| {
            Error::option(
                "environment",
                "option \"environment\" is required: \"integration\", \"production\", or { baseUrl } (or { issuer, ... }) for the simulator or a test double",
            )
        })?;
        let client_id = required("clientId", non_empty_option("clientId", self.client_id)?)?;
        let redirect_uri = non_empty_option("redirectUri", self.redirect_uri)?;
        if let Some(uri) = &redirect_uri {
            crate::onelogin::authorize::check_redirect_uri("redirectUri", uri)?;
        }
        let client_secret = non_empty_option("clientSecret", self.client_secret)?;
        let kid = non_empty_option("kid", self.kid)?;
        let authentication = match (self.private_key, client_secret) {
            (Some(_), Some(_)) => {
                return Err(Error::option(
                    "privateKey",
                    "pass \"privateKey\" (private_key_jwt) or \"clientSecret\" (client_secret_post), not both",
                ))
            }
            (Some(_), None) => {
                let audience = match self.client_assertion_audience.as_deref() {
                    None | Some("tokenUrl") => environment.token_url().to_owned(),
                    Some("issuer") => environment.issuer().to_owned(),
                    Some(_) => {
                        return Err(Error::option(
                            "clientAssertionAudience",
                            "option \"clientAssertionAudience\" must be \"tokenUrl\" or \"issuer\"",
                        ))
                    }
                };
                #[cfg(feature = "flow")]
                if let Some(alg) = self.client_assertion_alg.as_deref() {
                    SigningAlgorithm::from_name(alg)
                        .map_err(|e| e.for_option("clientAssertionAlg"))?;
                }
                Authentication::PrivateKeyJwt(AssertionSettings {
                    audience,
                    alg: self.client_assertion_alg,
                    kid,
                })
            }
            (None, secret) => {
                for (name, given) in [
                    ("clientAssertionAlg", self.client_assertion_alg.is_some()),
                    (
                        "clientAssertionAudience",
                        self.client_assertion_audience.is_some(),
                    ),
                    ("kid", kid.is_some()),
                ] {
                    if given {
                        return Err(Error::option(
                            name,
                            format!("option \"{name}\" is for private_key_jwt: pass \"privateKey\" too"),
                        ));
                    }
                }
                match secret {
                    Some(client_secret) => Authentication::ClientSecretPost { client_secret },
                    None => Authentication::None,
                }
            }
        };
        let clock_tolerance =
            claims::check_clock_tolerance(self.clock_tolerance.unwrap_or(DEFAULT_CLOCK_TOLERANCE))
                .map_err(|e| e.for_option("clockTolerance"))?;
        let session_lifetime = match self.session_lifetime {
            Some(seconds) => crate::onelogin::check_session_lifetime(seconds)
                .map_err(|e| e.for_option("sessionLifetime"))?,
            None => crate::onelogin::sessions::DEFAULT_SESSION_LIFETIME,
        };
        // a request object is signed with the private key, so the default needs one.
        let request_object = self.request_object.unwrap_or(false);
        if request_object && !matches!(authentication, Authentication::PrivateKeyJwt(_)) {
            return Err(Error::option(
                "requestObject",
                "option \"requestObject\" signs every sign-in's request object with \"privateKey\": pass \"privateKey\" too",
            ));
        }
        // listed beside the signing key's public key, so they need one; each is text
        // (an SPKI PEM, or a JWK's JSON), parsed and checked with the key (`public_jwks`).
        let additional_public_keys = match self.additional_public_keys {
            None => Vec::new(),
            Some(_) if !matches!(authentication, Authentication::PrivateKeyJwt(_)) => {
                return Err(Error::option(
                    "additionalPublicKeys",
                    "option \"additionalPublicKeys\" lists keys beside the signing key's: pass \"privateKey\" too",
                ))
            }
            Some(keys) => keys
                .into_iter()
                .map(|key| match key {
                    serde_json::Value::String(text) => Ok(text),
                    serde_json::Value::Object(jwk) => Ok(serde_json::Value::Object(jwk).to_string()),
                    _ => Err(Error::option(
                        "additionalPublicKeys",
                        "option \"additionalPublicKeys\" must be an array of public JWKs or SPKI PEMs",
                    )),
                })
                .collect::<Result<Vec<String>>>()?,
        };
        Ok(ClientConfig {
            additional_public_keys,
            request_object,
            client_id,
            session_lifetime,
            environment,
            redirect_uri,
            authentication,
            clock_tolerance,
            http: HttpSettings {
                user_agent: user_agent_of(self.user_agent, self.service_name, self.service_url)?,
                timeout_ms: milliseconds("timeoutMs", self.timeout_ms, 1.0, DEFAULT_TIMEOUT_MS)?,
                cooldown_ms: milliseconds(
                    "cooldownMs",
                    self.cooldown_ms,
                    0.0,
                    DEFAULT_COOLDOWN_MS,
                )?,
                // doc-cache: off unless asked for (whoever can write the store then supplies keys).
                cache_documents: self.cache_documents.unwrap_or(false),
            },
        })
    }
}

/// Declares the options of one of `OneLoginClient`'s verifications: the time and the skew
/// (the client gives the issuer and the audience), and the verification's own.
macro_rules! client_verifier_options {
    ($(#[$meta:meta])* pub struct $name:ident { $($body:tt)* }) => {
        options_struct! {
            $(#[$meta])*
            pub struct $name {
                /// Check as of this time, Unix seconds (default: the client's clock).
                pub now: Option<f64>,
                /// Allowed clock skew in seconds, 0 to 300 (default: the client's).
                pub clock_tolerance: Option<f64>,
                $($body)*
            }
        }

        impl $name {
            /// The call's time and skew, as given.
            pub fn call_time(&self) -> CallTime {
                CallTime { now: self.now, clock_tolerance: self.clock_tolerance }
            }
        }
    };
}

client_verifier_options! {
    /// Options of `OneLoginClient.verifyIdToken`.
    pub struct ClientIdTokenOptions {
        /// The `nonce` you sent, or `null` if you sent none (required).
        #[serde(deserialize_with = "nullable")]
        #[cfg_attr(feature = "js", tsify(type = "string | null"))]
        pub nonce: Option<Option<String>>,
        /// The `vtr` you sent (default `Cl.Cm`).
        #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
        pub vtr: Option<VtrInput>,
        /// The `max_age` you sent: makes `auth_time` required and checked.
        pub max_age: Option<f64>,
        /// The access token from the same response: makes `at_hash` required and checked.
        pub access_token: Option<String>,
    }
}

impl ClientIdTokenOptions {
    /// The ID token's rules for `config`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(
        self,
        config: &ClientConfig,
        clock: impl FnOnce() -> f64,
    ) -> Result<IdTokenOptions> {
        let time = config.check_time(self.call_time(), clock)?;
        Ok(config.id_token_options(
            NonceCheck::from_option(self.nonce)?,
            self.vtr.map(|v| v.0),
            whole_seconds("maxAge", self.max_age)?,
            self.access_token,
            time,
        ))
    }
}

client_verifier_options! {
    /// Options of `OneLoginClient.verifyCoreIdentity`.
    pub struct ClientCoreIdentityOptions {
        /// The ID token's `sub` (required).
        pub sub: Option<String>,
        /// The `vtr` you sent (default: P2 is required).
        #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
        pub vtr: Option<VtrInput>,
    }
}

impl ClientCoreIdentityOptions {
    /// The credential's rules for `config`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the missing or unusable option.
    pub fn resolve(
        self,
        config: &ClientConfig,
        clock: impl FnOnce() -> f64,
    ) -> Result<CoreIdentityOptions> {
        let time = config.check_time(self.call_time(), clock)?;
        config.core_identity_options(
            required("sub", self.sub)?,
            self.vtr.as_ref().map(|v| v.0.as_str()),
            time,
        )
    }
}

client_verifier_options! {
    /// Options of `OneLoginClient.verifyLogoutToken`.
    pub struct ClientLogoutTokenOptions {}
}

impl ClientLogoutTokenOptions {
    /// The logout token's rules for `config`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the unusable option.
    pub fn resolve(
        self,
        config: &ClientConfig,
        clock: impl FnOnce() -> f64,
    ) -> Result<LogoutOptions> {
        Ok(config.logout_options(config.check_time(self.call_time(), clock)?))
    }
}

options_struct! {
    /// Options of `OneLoginClient.completeSignIn` and `exchangeCode`: what the route requires,
    /// stated by the service at the callback (a transaction cannot lower it).
    pub struct CompleteSignInOptions {
        /// The least the sign-in must have asked for (default `Cl.Cm`): every vector the
        /// transaction accepts must meet one of these.
        #[cfg_attr(feature = "js", tsify(type = "string | string[]"))]
        pub vtr: Option<VtrInput>,
        /// The oldest authentication the route accepts, in seconds: the sign-in must have sent
        /// a `max_age` no larger.
        pub max_age: Option<f64>,
    }
}

impl CompleteSignInOptions {
    /// The minimum.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the unusable option.
    pub fn resolve(self) -> Result<SignInMinimum> {
        let mut minimum = SignInMinimum::default();
        if let Some(vtr) = &self.vtr {
            minimum.vtr = Vtr::parse(&vtr.0).map_err(|e| e.for_option("vtr"))?;
        }
        minimum.max_age = whole_seconds("maxAge", self.max_age)?;
        Ok(minimum)
    }
}

options_struct! {
    /// Options of `OneLoginClient.handleBackChannelLogout`: none yet (replays and ended
    /// sessions go to the client's one `store`), so any member is refused by name.
    pub struct HandleBackChannelLogoutOptions {}
}

/// The key documents given to `inspectToken`, still as text: their errors are the documents',
/// not the options'.
#[derive(Debug, Clone, Default)]
pub struct KeyDocuments {
    /// The JWKS.
    pub jwks: Option<String>,
    /// The DID document.
    pub did_document: Option<String>,
    /// The service's public keys.
    pub service_keys: Option<String>,
}

impl KeyDocuments {
    /// Parse both documents.
    ///
    /// # Errors
    /// `ERR_JWKS_INVALID` or `ERR_JWK_INVALID` for an unusable document.
    pub fn parse(&self) -> Result<(Option<KeySet>, Option<DidDocument>)> {
        let keys = self.jwks.as_deref().map(KeySet::from_json).transpose();
        let did = self
            .did_document
            .as_deref()
            .map(DidDocument::from_json)
            .transpose();
        Ok((
            keys.map_err(|e| e.with_option("jwks"))?,
            did.map_err(|e| e.with_option("didDocument"))?,
        ))
    }

    /// Parse the service's public keys.
    ///
    /// # Errors
    /// As [`ServiceKeys::parse`](crate::onelogin::client_jwt::ServiceKeys::parse), naming
    /// `serviceKeys`.
    pub fn parse_service_keys(&self) -> Result<Option<crate::onelogin::client_jwt::ServiceKeys>> {
        self.service_keys
            .as_deref()
            .map(crate::onelogin::client_jwt::ServiceKeys::parse)
            .transpose()
            .map_err(|e| e.with_option("serviceKeys"))
    }
}

impl InspectTokenOptions {
    /// The inputs, with defaults applied; the keys are for the caller to parse and add.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the unusable option.
    pub fn resolve(
        self,
        clock: impl FnOnce() -> f64,
    ) -> Result<(KeyDocuments, InspectOptions<'static>)> {
        let kind = match self.kind.as_deref() {
            None | Some("auto") => None,
            Some(name) => Some(TokenKind::from_name(name)?),
        };
        let documents = KeyDocuments {
            jwks: self.jwks.map(|j| j.0),
            did_document: self.did_document.map(|d| d.0),
            service_keys: self.service_keys.map(|k| k.0),
        };
        let options = InspectOptions {
            kind,
            keys: None,
            did: None,
            service_keys: None,
            environment: environment(self.environment.as_ref())?,
            issuer: self.issuer,
            client_id: self.client_id,
            nonce: self.nonce.map(NonceCheck::from_nullable),
            vtr: self.vtr.map(|v| v.0),
            max_age: whole_seconds("maxAge", self.max_age)?,
            access_token: self.access_token,
            sub: self.sub,
            now: self.now.unwrap_or_else(clock),
            clock_tolerance: self.clock_tolerance.unwrap_or(DEFAULT_CLOCK_TOLERANCE),
        };
        Ok((documents, options))
    }
}
