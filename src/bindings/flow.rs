//! The relying-party flow through a client's configuration (the `flow` feature; `client.rs`
//! has what every build needs): start a sign-in, then complete it through one
//! `SignInCompletion` that reads the transaction once and checks each response in turn.
//! Every rule is in `crate::onelogin`; this file only converts. These exports are internal to
//! the package (not re-exported).

use super::client::{resolve_client_options, JsClientConfig};
use super::jose::JsKeySet;
use super::onelogin::JsDidDocument;
use super::options::from_js;
use super::signing::JsSigningKey;
use super::{capped_string, string_arg, to_js, token_arg, JsResult};
use crate::error::{Error, ErrorCode};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::onelogin::client::CheckedUserinfo;
use crate::onelogin::{
    self, Authentication, CallbackParams, Completion, IdentityView, SignInOptions, TokenResponse,
    Transaction,
};
use crate::options::{CompleteSignInOptions, SignClientAssertionOptions};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A client with a `private_key_jwt` key: `create()`'s options and the parsed key.
#[wasm_bindgen(js_name = clientConfigWithKey, skip_typescript)]
pub fn client_config_with_key(options: JsValue, key: &JsSigningKey) -> JsResult<JsClientConfig> {
    let inner = resolve_client_options(options)?;
    if !matches!(inner.authentication, Authentication::PrivateKeyJwt(_)) {
        return Err(Error::option("privateKey", "this client has no \"privateKey\"").into());
    }
    // the service's JWKS is checked once here (a bad or repeated key fails create()).
    inner.public_jwks(&key.inner)?;
    Ok(JsClientConfig {
        inner,
        key: Some(key.inner.clone()),
    })
}

/// the service's JWKS `{ keys }` to publish (`client.publicJwks()`).
#[wasm_bindgen(js_name = clientPublicJwks, skip_typescript)]
pub fn client_public_jwks(config: &JsClientConfig) -> JsResult<JsValue> {
    let Some(key) = config.key.as_ref() else {
        return Err(Error::option(
            "privateKey",
            "this client has no \"privateKey\": its JWKS lists the signing key's public half",
        )
        .into());
    };
    to_js(&config.inner.public_jwks(key)?)
}

/// Whole seconds, for what is signed.
fn whole(now: f64) -> u64 {
    now.max(0.0).floor() as u64
}

/// Start a sign-in: `{ url, transaction }`.
#[wasm_bindgen(js_name = clientStartSignIn, skip_typescript)]
pub fn client_start_sign_in(
    config: &JsClientConfig,
    options: JsValue,
    now: f64,
) -> JsResult<JsValue> {
    // `undefined` and `null` read as an empty object: every member is optional.
    let options: SignInOptions = from_js(Some(options))?;
    let signer = config.key.as_ref().map(|key| (key, whole(now)));
    to_js(&onelogin::start_sign_in(&config.inner, &options, signer)?)
}

/// A client assertion for this client: `{ jti?, lifetime?, now?, alg?, kid?, audience? }`
/// (client ID and key are the client's).
#[wasm_bindgen(js_name = clientAssertion, skip_typescript)]
pub fn client_assertion(config: &JsClientConfig, params: JsValue, now: f64) -> JsResult<String> {
    let (Some(key), Authentication::PrivateKeyJwt(settings)) =
        (config.key.as_ref(), &config.inner.authentication)
    else {
        return Err(Error::option(
            "privateKey",
            "this client has no \"privateKey\" to sign with",
        )
        .into());
    };
    let params: SignClientAssertionOptions = from_js(Some(params))?;
    if params.client_id.is_some() || params.environment.is_some() || params.private_key.is_some() {
        return Err(Error::option(
            "clientId",
            "the client gives the client ID, the environment and the key",
        )
        .into());
    }
    let options = SignClientAssertionOptions {
        client_id: Some(config.inner.client_id.clone()),
        audience: params
            .audience
            .clone()
            .or_else(|| Some(settings.audience.clone())),
        alg: params.alg.clone().or_else(|| settings.alg.clone()),
        kid: params.kid.clone().or_else(|| settings.kid.clone()),
        ..params
    }
    .resolve(|| now)?;
    Ok(onelogin::sign_client_assertion(key, &options)?)
}

/// One sign-in being completed: its transaction, read and checked once.
#[wasm_bindgen(js_name = SignInCompletion, skip_typescript)]
pub struct JsCompletion {
    inner: Completion,
    tokens: Option<TokenResponse>,
}

/// Begin completing a sign-in: the transaction (refused when missing, foreign, malformed or
/// asking for less than `options` requires) read once.
#[wasm_bindgen(js_name = clientBeginCompletion, skip_typescript)]
pub fn client_begin_completion(
    config: &JsClientConfig,
    transaction: JsValue,
    options: JsValue,
    now: f64,
) -> JsResult<JsCompletion> {
    let minimum = from_js::<CompleteSignInOptions>(Some(options))?.resolve()?;
    let transaction = transaction_arg(transaction)?;
    let time = config.inner.check_time(Default::default(), || now)?;
    let inner = config.inner.begin_completion(transaction, &minimum, time)?;
    Ok(JsCompletion {
        inner,
        tokens: None,
    })
}

/// The transaction, or `None` when the caller has none (a missing session).
fn transaction_arg(value: JsValue) -> JsResult<Option<Transaction>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    // Read as the member of a holder, so a refusal names `transaction.<member>`.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Holder {
        transaction: Transaction,
    }
    Ok(Some(
        from_js::<Holder>(Some(super::holder("transaction", &value)?))?.transaction,
    ))
}

/// What the token step hands back: the tokens and the verified ID token's claims.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VerifiedTokens<'a> {
    claims: &'a serde_json::Map<String, serde_json::Value>,
    id_token: &'a str,
    access_token: &'a str,
    expires_in: Option<f64>,
}

/// What a userinfo step hands back.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserinfoResult {
    userinfo: serde_json::Map<String, serde_json::Value>,
    claims: onelogin::UserinfoClaims,
    #[serde(rename = "coreIdentityJWT")]
    core_identity_jwt: Option<String>,
}

/// A userinfo response's text, refused by its cap before it is copied into wasm memory.
fn userinfo_body(body: &JsValue) -> JsResult<String> {
    let cap = crate::limits::MAX_RESPONSE_SIZE;
    let what = "the userinfo response";
    Ok(capped_string(body, cap, ErrorCode::OAuthUserinfoError, what)?.unwrap_or_default())
}

fn userinfo_result(checked: CheckedUserinfo) -> JsResult<JsValue> {
    to_js(&UserinfoResult {
        userinfo: checked.userinfo,
        claims: checked.claims,
        core_identity_jwt: checked.core_identity_jwt,
    })
}

#[wasm_bindgen(js_class = SignInCompletion)]
impl JsCompletion {
    /// Check the callback (a URL, path and query, query string, or `{ code, state, error,
    /// error_description }`) against the transaction; returns the code.
    #[wasm_bindgen(js_name = checkCallback)]
    pub fn check_callback(&self, callback: JsValue) -> JsResult<String> {
        let cap = crate::limits::MAX_CALLBACK_SIZE;
        let text = capped_string(
            &callback,
            cap,
            ErrorCode::OAuthAuthorizationError,
            "the callback",
        )?;
        let params = match text {
            Some(text) => {
                onelogin::parse_callback(&text, self.inner.transaction().response_mode.as_deref())?
            }
            None if callback.is_object() => from_js::<CallbackParams>(Some(callback))?,
            None => {
                return Err(Error::option(
                    "callback",
                    "the callback must be a URL, a query string or an object of its parameters",
                )
                .into())
            }
        };
        Ok(self.inner.check_callback(&params)?)
    }

    /// The token request body for `code`.
    #[wasm_bindgen(js_name = tokenRequestBody)]
    pub fn token_request_body(&self, config: &JsClientConfig, code: JsValue) -> JsResult<String> {
        let code = string_arg(&code, "code")?;
        Ok(self
            .inner
            .token_request_body(&config.inner, &code, config.key.as_ref())?)
    }

    /// Check the token endpoint's answer and keep its tokens for [`Self::verify_tokens`].
    #[wasm_bindgen(js_name = acceptTokenResponse)]
    pub fn accept_token_response(&mut self, status: u16, body: JsValue) -> JsResult<()> {
        let cap = crate::limits::MAX_RESPONSE_SIZE;
        let body = capped_string(&body, cap, ErrorCode::OAuthTokenError, "the token response")?
            .unwrap_or_default();
        self.tokens = Some(onelogin::check_token_response(status, &body)?);
        Ok(())
    }

    /// Verify the kept ID token against the transaction: `{ claims, idToken, accessToken,
    /// expiresIn }`.
    #[wasm_bindgen(js_name = verifyTokens)]
    pub fn verify_tokens(&self, config: &JsClientConfig, keys: &JsKeySet) -> JsResult<JsValue> {
        let Some(tokens) = &self.tokens else {
            return Err(Error::option("tokens", "no token response was accepted").into());
        };
        let verified = self
            .inner
            .verify_tokens(&config.inner, tokens, &keys.inner)?;
        to_js(&VerifiedTokens {
            claims: &verified.claims,
            id_token: &tokens.id_token,
            access_token: &tokens.access_token,
            expires_in: tokens.expires_in,
        })
    }

    /// Check the userinfo response for the ID token's `sub`: `{ userinfo, claims,
    /// coreIdentityJWT }` (`coreIdentityJWT` only when it is to be verified).
    #[wasm_bindgen(js_name = checkUserinfo)]
    pub fn check_userinfo(
        &self,
        config: &JsClientConfig,
        status: u16,
        www_authenticate: Option<String>,
        body: JsValue,
        sub: JsValue,
    ) -> JsResult<JsValue> {
        let body = userinfo_body(&body)?;
        let sub = string_arg(&sub, "sub")?;
        userinfo_result(self.inner.check_userinfo(
            &config.inner,
            status,
            www_authenticate.as_deref(),
            &body,
            &sub,
        )?)
    }

    /// Verify the sign-in's core identity credential: the identity view.
    #[wasm_bindgen(js_name = verifyIdentity)]
    pub fn verify_identity(
        &self,
        config: &JsClientConfig,
        jwt: JsValue,
        did: &JsDidDocument,
        sub: JsValue,
    ) -> JsResult<JsValue> {
        let jwt = token_arg(&jwt, DEFAULT_MAX_TOKEN_SIZE)?;
        let sub = string_arg(&sub, "sub")?;
        let verified = self
            .inner
            .verify_identity(&config.inner, &jwt, &did.inner, &sub)?;
        to_js(&IdentityView::from(&verified))
    }
}

/// `fetchUserinfo`'s options: the ID token's `sub`, and the sign-in's transaction when the
/// core identity credential's place in it is to be checked.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FetchUserinfoOptions {
    sub: Option<String>,
    transaction: Option<Transaction>,
}

/// `fetchUserinfo`'s options, checked before the request is sent; returns the `sub`.
#[wasm_bindgen(js_name = clientCheckUserinfoOptions, skip_typescript)]
pub fn client_check_userinfo_options(
    config: &JsClientConfig,
    options: JsValue,
) -> JsResult<String> {
    let options: FetchUserinfoOptions = from_js(Some(options))?;
    if let Some(transaction) = &options.transaction {
        config.inner.check_transaction(transaction)?;
    }
    match options.sub {
        Some(sub) if !sub.is_empty() => Ok(sub),
        _ => Err(Error::option(
            "sub",
            "fetchUserinfo: option \"sub\" (the ID token's sub) is required",
        )
        .into()),
    }
}

/// Check a userinfo response outside a sign-in (`fetchUserinfo`).
#[wasm_bindgen(js_name = clientCheckUserinfo, skip_typescript)]
pub fn client_check_userinfo(
    config: &JsClientConfig,
    status: u16,
    www_authenticate: Option<String>,
    body: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let options: FetchUserinfoOptions = from_js(Some(options))?;
    let body = userinfo_body(&body)?;
    let sub = options.sub.unwrap_or_default();
    userinfo_result(config.inner.check_userinfo(
        status,
        www_authenticate.as_deref(),
        &body,
        &sub,
        options.transaction.as_ref(),
    )?)
}

/// Refuse an access token that cannot be sent as a bearer token (before `Headers` sees it).
#[wasm_bindgen(js_name = checkAccessToken, skip_typescript)]
pub fn check_access_token(access_token: JsValue) -> JsResult<()> {
    let token = token_arg(&access_token, crate::limits::MAX_TOKEN_SIZE).map_err(|_| {
        Error::option(
            "accessToken",
            format!(
                "\"accessToken\" must be a string of at most {} bytes",
                crate::limits::MAX_TOKEN_SIZE
            ),
        )
    })?;
    onelogin::check_access_token(&token).map_err(JsValue::from)
}
