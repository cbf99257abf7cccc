//! `OneLoginClient`'s configuration as one wasm object (`ClientConfig`), in every build, the
//! browser's too: created once from `create()`'s options, it answers the client's
//! verifications, URLs and back-channel logouts with the token and the per-call values only.
//! Every rule is in `crate::onelogin::client`; this file only converts. These exports are
//! internal to the package (not re-exported).

use super::jose::JsKeySet;
use super::onelogin::{CoreIdentityResult, JsDidDocument};
use super::options::from_js;
use super::{capped_string, to_js, token_arg, JsResult};
use crate::error::{Error, ErrorCode};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
#[cfg(feature = "flow")]
use crate::onelogin::ClientKey;
use crate::onelogin::{self, Authentication, ClientConfig, EnvironmentSpec, LogoutUrlOptions};
use crate::options::{
    AuthorizationUrlOptions, ClientCoreIdentityOptions, ClientIdTokenOptions,
    ClientLogoutTokenOptions, HandleBackChannelLogoutOptions, OneLoginClientOptions,
};
use js_sys::JSON;
use serde::Deserialize;
use wasm_bindgen::prelude::*;

/// A client's configuration, resolved once, with its signing key when it has one (held here,
/// or only the public half of a key that signs elsewhere).
#[wasm_bindgen(js_name = ClientConfig, skip_typescript)]
pub struct JsClientConfig {
    pub(super) inner: ClientConfig,
    #[cfg(feature = "flow")]
    pub(super) key: Option<ClientKey>,
}

/// `create()`'s options, resolved; a custom environment's endpoint given beside `environment`
/// is refused with where it belongs.
pub(super) fn resolve_client_options(options: JsValue) -> JsResult<ClientConfig> {
    let options = from_js::<OneLoginClientOptions>(Some(options)).map_err(|e| {
        match e.option_name() {
            Some(name) if EnvironmentSpec::MEMBERS.contains(&name) => Error::option(
                name.to_owned(),
                format!(
                    "option \"{name}\" belongs inside a custom environment: environment: {{ baseUrl, {name} }} (a named environment's endpoints are fixed)"
                ),
            ),
            _ => e,
        }
    })?;
    Ok(options.resolve()?)
}

/// The time of a check: the caller's clock, in seconds.
fn clock(now: f64) -> impl FnOnce() -> f64 {
    move || now
}

#[wasm_bindgen(js_class = ClientConfig)]
impl JsClientConfig {
    /// Resolve `create()`'s options (the wrapper handles `privateKey` with
    /// `clientConfigWithKey`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> JsResult<JsClientConfig> {
        let inner = resolve_client_options(options)?;
        if matches!(inner.authentication, Authentication::PrivateKeyJwt(_)) {
            return Err(Error::option(
                "privateKey",
                "a client with \"privateKey\" is made with its parsed key",
            )
            .into());
        }
        Ok(JsClientConfig {
            inner,
            #[cfg(feature = "flow")]
            key: None,
        })
    }

    /// The client ID.
    #[wasm_bindgen(getter, js_name = clientId)]
    pub fn client_id(&self) -> String {
        self.inner.client_id.clone()
    }

    /// Every URL and identifier of the environment.
    #[wasm_bindgen(getter)]
    pub fn endpoints(&self) -> JsResult<JsValue> {
        to_js(&self.inner.environment.urls())
    }

    /// `{ userAgent?, timeoutMs, cooldownMs }`.
    #[wasm_bindgen(getter)]
    pub fn http(&self) -> JsResult<JsValue> {
        to_js(&self.inner.http)
    }

    /// How long a session of the service can live, in seconds.
    #[wasm_bindgen(getter, js_name = sessionLifetime)]
    pub fn session_lifetime(&self) -> f64 {
        self.inner.session_lifetime
    }

    /// `"none"`, `"client_secret_post"` or `"private_key_jwt"`.
    #[wasm_bindgen(getter)]
    pub fn authentication(&self) -> String {
        match self.inner.authentication {
            Authentication::None => "none",
            Authentication::ClientSecretPost { .. } => "client_secret_post",
            Authentication::PrivateKeyJwt(_) => "private_key_jwt",
        }
        .to_owned()
    }

    /// Verify an ID token against this client; returns its claims.
    #[wasm_bindgen(js_name = verifyIdToken)]
    pub fn verify_id_token(
        &self,
        token: JsValue,
        keys: &JsKeySet,
        options: JsValue,
        now: f64,
    ) -> JsResult<JsValue> {
        let options =
            from_js::<ClientIdTokenOptions>(Some(options))?.resolve(&self.inner, clock(now))?;
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        // The payload text the core validated: the same claims, parsed once by the host.
        JSON::parse(&onelogin::verify_id_token(&token, &keys.inner, &options)?.payload_json)
    }

    /// Verify a core identity credential against this client: `{ claims, identity }`.
    #[wasm_bindgen(js_name = verifyCoreIdentity)]
    pub fn verify_core_identity(
        &self,
        token: JsValue,
        did: &JsDidDocument,
        options: JsValue,
        now: f64,
    ) -> JsResult<JsValue> {
        let options = from_js::<ClientCoreIdentityOptions>(Some(options))?
            .resolve(&self.inner, clock(now))?;
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        let verified = onelogin::verify_core_identity(&token, &did.inner, &options)?;
        let identity = verified.identity();
        to_js(&CoreIdentityResult {
            claims: verified.claims,
            identity,
        })
    }

    /// Verify a back-channel logout token against this client; returns its claims.
    #[wasm_bindgen(js_name = verifyLogoutToken)]
    pub fn verify_logout_token(
        &self,
        token: JsValue,
        keys: &JsKeySet,
        options: JsValue,
        now: f64,
    ) -> JsResult<JsValue> {
        let options =
            from_js::<ClientLogoutTokenOptions>(Some(options))?.resolve(&self.inner, clock(now))?;
        let token = token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?;
        JSON::parse(&onelogin::verify_logout_token(&token, &keys.inner, &options)?.payload_json)
    }

    /// A verification's per-call options (`idToken`, `coreIdentity` or `logoutToken`), checked
    /// before any key document is fetched for it.
    #[wasm_bindgen(js_name = checkVerifyOptions)]
    pub fn check_verify_options(&self, kind: &str, options: JsValue) -> JsResult<()> {
        match kind {
            "idToken" => from_js::<ClientIdTokenOptions>(Some(options)).map(drop),
            "coreIdentity" => from_js::<ClientCoreIdentityOptions>(Some(options)).map(drop),
            _ => from_js::<ClientLogoutTokenOptions>(Some(options)).map(drop),
        }?;
        Ok(())
    }

    /// `handleBackChannelLogout`'s options, checked (the wrapper reads the store itself).
    #[wasm_bindgen(js_name = checkBackChannelLogoutOptions)]
    pub fn check_back_channel_logout_options(&self, options: JsValue) -> JsResult<()> {
        from_js::<HandleBackChannelLogoutOptions>(Some(options))?;
        Ok(())
    }

    /// How long to remember a verified logout token's `jti`, in seconds.
    #[wasm_bindgen(js_name = replayTtlSeconds)]
    pub fn replay_ttl_seconds(&self, exp: f64, now: f64) -> f64 {
        onelogin::replay_ttl_seconds(exp, now, self.inner.clock_tolerance) as f64
    }

    /// The front-channel logout URL at this environment's end-session endpoint.
    #[wasm_bindgen(js_name = logoutUrl)]
    pub fn logout_url(&self, options: JsValue) -> JsResult<String> {
        // `undefined` and `null` read as an empty object: every member is optional.
        let options: LogoutUrlOptions = from_js(Some(options))?;
        Ok(onelogin::build_logout_url(
            self.inner.environment.end_session_url(),
            &options,
        )?)
    }

    /// `buildAuthorizationUrl` at this environment's endpoint, for this client ID.
    #[wasm_bindgen(js_name = authorizationUrl)]
    pub fn authorization_url(&self, params: JsValue) -> JsResult<String> {
        let mut params: AuthorizationUrlOptions = from_js(Some(params))?;
        if params.environment.is_some() || params.authorize_url.is_some() {
            return Err(Error::option(
                "authorizeUrl",
                "the client's environment gives the authorization endpoint",
            )
            .into());
        }
        params.client_id = Some(self.inner.client_id.clone());
        params.authorize_url = Some(self.inner.environment.authorize_url().to_owned());
        let (authorize_url, request) = params.resolve()?;
        Ok(onelogin::build_authorization_url(&authorize_url, &request)?)
    }

    /// Refuse a DID document that is not this environment's DID.
    #[wasm_bindgen(js_name = checkDidDocument)]
    pub fn check_did_document(&self, did: &JsDidDocument) -> JsResult<()> {
        Ok(did.inner.check_id(self.inner.environment.did_id())?)
    }

    /// Parse a discovery document and check its issuer is this environment's.
    #[wasm_bindgen(js_name = parseDiscovery)]
    pub fn parse_discovery(&self, text: JsValue) -> JsResult<JsValue> {
        let cap = crate::limits::MAX_DOCUMENT_SIZE;
        let what = "the discovery document";
        let text = capped_string(&text, cap, ErrorCode::JwksFetchFailed, what)?.unwrap_or_default();
        to_js(&onelogin::parse_discovery(
            &text,
            self.inner.environment.issuer(),
        )?)
    }
}

/// A parsed form body: only `logout_token` is read (other members are the form's business).
#[derive(Deserialize)]
struct LogoutForm {
    logout_token: Option<serde_json::Value>,
}

/// The logout token from a back-channel logout body: the form text, the token, or a parsed
/// form object `{ logout_token }`.
#[wasm_bindgen(js_name = logoutTokenFromBody, skip_typescript)]
pub fn logout_token_from_body(body: JsValue) -> JsResult<String> {
    let cap = crate::limits::MAX_LOGOUT_BODY_SIZE;
    let what = "the back-channel logout body";
    if let Some(text) = capped_string(&body, cap, ErrorCode::JwtInvalid, what)? {
        return onelogin::logout_token_from_body(&text).map_err(JsValue::from);
    }
    // A body that is not a readable object has no logout_token either.
    if let Ok(LogoutForm {
        logout_token: Some(serde_json::Value::String(token)),
    }) = from_js::<LogoutForm>(Some(body))
    {
        if !token.is_empty() {
            return Ok(token);
        }
    }
    Err(JsValue::from(Error::new(
        ErrorCode::JwtInvalid,
        "the back-channel logout body has no logout_token",
    )))
}

/// The front-channel logout URL at any end-session endpoint (the CLI's).
#[wasm_bindgen(js_name = buildLogoutUrl, skip_typescript)]
pub fn build_logout_url(end_session_url: String, options: JsValue) -> JsResult<String> {
    let options: LogoutUrlOptions = from_js(Some(options))?;
    onelogin::build_logout_url(&end_session_url, &options).map_err(JsValue::from)
}

/// Refuse an endpoint URL that is not https (or http to this machine), naming `option`
/// (`pkg/fetch.js` asks this after normalising the URL).
#[wasm_bindgen(js_name = checkEndpointUrl, skip_typescript)]
pub fn check_endpoint_url(url: JsValue, option: String) -> JsResult<()> {
    let cap = crate::limits::MAX_OPTION_STRING_SIZE;
    if super::over_cap(&url, cap) {
        let message = format!("option \"{option}\" is longer than {cap} characters");
        return Err(Error::option(option, message).into());
    }
    let url = url.as_string().unwrap_or_default();
    onelogin::endpoint_url::check_endpoint_url(&url, option).map_err(JsValue::from)
}
