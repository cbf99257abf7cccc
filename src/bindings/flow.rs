//! The relying-party flow (`pkg/client.js` drives it): sign-in, callback, token request and
//! response, userinfo, identity (the `flow` feature; `client.rs` has what every build needs).
//! Options and
//! results are serde structs (`options::from_js`, `to_js`); every rule is in `crate::onelogin`,
//! this file only converts. These exports are internal to the package (not re-exported).

use super::jose::JsKeySet;
use super::onelogin::JsDidDocument;
use super::options::from_js;
use super::signing::JsSigningKey;
use super::{now_seconds, string_arg, to_js, token_arg, JsResult};
use crate::error::{Error, ErrorCode};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::onelogin::{
    self, CallbackParams, ClientAssertionOptions, ClientAuthentication, FlowContext,
    IdentityContext, IdentityView, SignInClient, SignInOptions, SigningAlgorithm, TokenResponse,
    Transaction,
};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// What `startSignIn` knows about the client.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SignInClientJs {
    client_id: String,
    authorize_url: String,
    redirect_uri: Option<String>,
    #[serde(default)]
    client_secret_post: bool,
    kid: Option<String>,
    now: Option<f64>,
}

impl SignInClientJs {
    fn core(&self) -> SignInClient {
        SignInClient {
            client_id: self.client_id.clone(),
            authorize_url: self.authorize_url.clone(),
            redirect_uri: self.redirect_uri.clone(),
            client_secret_post: self.client_secret_post,
        }
    }

    fn now(&self) -> u64 {
        self.now.unwrap_or_else(now_seconds).max(0.0).floor() as u64
    }
}

fn sign_in(key: Option<&JsSigningKey>, client: JsValue, options: JsValue) -> JsResult<JsValue> {
    let client: SignInClientJs = from_js(Some(client))?;
    // `undefined` and `null` read as an empty object: every member is optional.
    let options: SignInOptions = from_js(Some(options))?;
    let now = client.now();
    let signer = key.map(|k| (&k.inner, now, client.kid.as_deref()));
    let started = onelogin::start_sign_in(&client.core(), &options, signer)?;
    to_js(&started)
}

/// Start a sign-in (no request object): `{ url, transaction }`.
#[wasm_bindgen(js_name = startSignIn, skip_typescript)]
pub fn start_sign_in(client: JsValue, options: JsValue) -> JsResult<JsValue> {
    sign_in(None, client, options)
}

/// Start a sign-in with the client's key (for `requestObject: true`): `{ url, transaction }`.
#[wasm_bindgen(js_name = startSignInWithKey, skip_typescript)]
pub fn start_sign_in_with_key(
    key: &JsSigningKey,
    client: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    sign_in(Some(key), client, options)
}

/// The transaction, or `None` when the caller has none (a missing session).
fn transaction_arg(value: JsValue) -> JsResult<Option<Transaction>> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Ok(Some(from_js(Some(value))?))
}

fn required_transaction(value: JsValue) -> JsResult<Transaction> {
    transaction_arg(value)?.ok_or_else(|| {
        JsValue::from(Error::new(
            ErrorCode::OAuthStateMismatch,
            "there is no sign-in transaction",
        ))
    })
}

/// Check an authorization callback against the transaction; returns the code. `callback` is
/// the URL (absolute, or path and query), a query string, or `{ code, state, error,
/// error_description }`.
#[wasm_bindgen(js_name = checkCallback, skip_typescript)]
pub fn check_callback(callback: JsValue, transaction: JsValue) -> JsResult<String> {
    let transaction = transaction_arg(transaction)?;
    let cap = crate::limits::MAX_CALLBACK_SIZE;
    let text = super::capped_string(
        &callback,
        cap,
        ErrorCode::OAuthAuthorizationError,
        "the callback",
    )?;
    let params = match text {
        Some(text) => onelogin::parse_callback(
            &text,
            transaction
                .as_ref()
                .and_then(|t| t.response_mode.as_deref()),
        )?,
        None if callback.is_object() => from_js::<CallbackParams>(Some(callback))?,
        None => {
            return Err(JsValue::from(Error::option(
                "callback",
                "the callback must be a URL, a query string or an object of its parameters",
            )))
        }
    };
    onelogin::check_callback(&params, transaction.as_ref()).map_err(JsValue::from)
}

/// `client_secret_post` credentials.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SecretJs {
    client_id: String,
    client_secret: String,
}

/// What every token request body is made from: the code, the transaction and the client.
fn form_inputs<C: serde::de::DeserializeOwned>(
    code: &JsValue,
    transaction: JsValue,
    client: JsValue,
) -> JsResult<(String, Transaction, C)> {
    Ok((
        string_arg(code, "code")?,
        required_transaction(transaction)?,
        from_js(Some(client))?,
    ))
}

/// The token request body with `client_secret_post`.
#[wasm_bindgen(js_name = tokenRequestBody, skip_typescript)]
pub fn token_request_body(
    code: JsValue,
    transaction: JsValue,
    client: JsValue,
) -> JsResult<String> {
    let (code, transaction, c): (_, _, SecretJs) = form_inputs(&code, transaction, client)?;
    let auth = ClientAuthentication::ClientSecretPost {
        client_id: &c.client_id,
        client_secret: &c.client_secret,
    };
    Ok(onelogin::token_request_body(&code, &transaction, &auth)?)
}

/// `private_key_jwt` assertion options.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssertionJs {
    client_id: String,
    audience: String,
    alg: Option<String>,
    kid: Option<String>,
    now: Option<f64>,
}

/// The token request body with a `private_key_jwt` client assertion (fresh `jti`).
#[wasm_bindgen(js_name = tokenRequestBodyWithKey, skip_typescript)]
pub fn token_request_body_with_key(
    key: &JsSigningKey,
    code: JsValue,
    transaction: JsValue,
    client: JsValue,
) -> JsResult<String> {
    let (code, transaction, c): (_, _, AssertionJs) = form_inputs(&code, transaction, client)?;
    let now = c.now.unwrap_or_else(now_seconds).max(0.0).floor() as u64;
    let mut assertion = ClientAssertionOptions::new(&c.client_id, &c.audience, now);
    if let Some(alg) = c.alg.as_deref() {
        assertion.alg = SigningAlgorithm::from_name(alg)?;
    }
    assertion.kid = c.kid;
    let auth = ClientAuthentication::PrivateKeyJwt {
        key: &key.inner,
        assertion,
    };
    Ok(onelogin::token_request_body(&code, &transaction, &auth)?)
}

/// Refuse an access token that cannot be sent as a bearer token (before `Headers` sees it).
#[wasm_bindgen(js_name = checkAccessToken, skip_typescript)]
pub fn check_access_token(access_token: JsValue) -> JsResult<()> {
    let token = super::token_arg(&access_token, crate::limits::MAX_TOKEN_SIZE).map_err(|_| {
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

/// Check the token endpoint's answer: `{ accessToken, idToken, expiresIn }`.
#[wasm_bindgen(js_name = checkTokenResponse, skip_typescript)]
pub fn check_token_response(status: u16, body: JsValue) -> JsResult<JsValue> {
    let cap = crate::limits::MAX_RESPONSE_SIZE;
    let body = super::capped_string(&body, cap, ErrorCode::OAuthTokenError, "the token response")?
        .unwrap_or_default();
    to_js(&onelogin::check_token_response(status, &body)?)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ContextJs {
    issuer: String,
    client_id: String,
    now: Option<f64>,
    clock_tolerance: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokensJs {
    access_token: String,
    id_token: String,
    expires_in: Option<f64>,
}

/// Verify the token response's ID token against the transaction; returns its claims.
#[wasm_bindgen(js_name = verifyTokenResponseWithKeySet, skip_typescript)]
pub fn verify_token_response_with_key_set(
    tokens: JsValue,
    keys: &JsKeySet,
    transaction: JsValue,
    context: JsValue,
) -> JsResult<JsValue> {
    let tokens: TokensJs = from_js(Some(tokens))?;
    let transaction = required_transaction(transaction)?;
    let c: ContextJs = from_js(Some(context))?;
    let context = FlowContext {
        issuer: c.issuer,
        client_id: c.client_id,
        now: c.now.unwrap_or_else(now_seconds),
        clock_tolerance: c
            .clock_tolerance
            .unwrap_or(crate::claims::DEFAULT_CLOCK_TOLERANCE),
    };
    let response = TokenResponse {
        access_token: tokens.access_token,
        id_token: tokens.id_token,
        expires_in: tokens.expires_in,
    };
    let verified = onelogin::verify_token_response(&response, &keys.inner, &transaction, &context)?;
    to_js(&verified.claims)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserinfoCheckJs {
    sub: String,
    transaction: Option<Transaction>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UserinfoResult {
    userinfo: serde_json::Map<String, serde_json::Value>,
    claims: onelogin::UserinfoClaims,
    #[serde(rename = "coreIdentityJWT")]
    core_identity_jwt: Option<String>,
}

/// Check the userinfo endpoint's answer and read its claims: `{ userinfo, claims,
/// coreIdentityJWT }` (`coreIdentityJWT` only when it is to be verified).
#[wasm_bindgen(js_name = checkUserinfoResponse, skip_typescript)]
pub fn check_userinfo_response(
    status: u16,
    www_authenticate: Option<String>,
    body: JsValue,
    options: JsValue,
) -> JsResult<JsValue> {
    let o: UserinfoCheckJs = from_js(Some(options))?;
    let cap = crate::limits::MAX_RESPONSE_SIZE;
    let body = super::capped_string(
        &body,
        cap,
        ErrorCode::OAuthUserinfoError,
        "the userinfo response",
    )?
    .unwrap_or_default();
    let userinfo =
        onelogin::check_userinfo_response(status, www_authenticate.as_deref(), &body, &o.sub)?;
    let claims = onelogin::userinfo_claims(&userinfo)?;
    let core_identity_jwt = match &o.transaction {
        Some(t) => onelogin::identity_to_verify(&claims, t)?.map(str::to_owned),
        None => claims.core_identity_jwt.clone(),
    };
    to_js(&UserinfoResult {
        userinfo,
        claims,
        core_identity_jwt,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IdentityJs {
    identity_issuer: String,
    client_id: String,
    did_id: Option<String>,
    sub: String,
    now: Option<f64>,
    clock_tolerance: Option<f64>,
}

/// Verify a sign-in's core identity credential (DID document id, `sub`, requested levels);
/// returns the identity view.
#[wasm_bindgen(js_name = verifySignInIdentityWithDidDocument, skip_typescript)]
pub fn verify_sign_in_identity_with_did_document(
    jwt: JsValue,
    did: &JsDidDocument,
    transaction: JsValue,
    context: JsValue,
) -> JsResult<JsValue> {
    let jwt = token_arg(&jwt, DEFAULT_MAX_TOKEN_SIZE)?;
    let transaction = required_transaction(transaction)?;
    let c: IdentityJs = from_js(Some(context))?;
    let context = IdentityContext {
        identity_issuer: c.identity_issuer,
        client_id: c.client_id,
        did_id: c.did_id,
        sub: c.sub,
        now: c.now.unwrap_or_else(now_seconds),
        clock_tolerance: c
            .clock_tolerance
            .unwrap_or(crate::claims::DEFAULT_CLOCK_TOLERANCE),
    };
    let verified = onelogin::verify_sign_in_identity(&jwt, &did.inner, &transaction, &context)?;
    to_js(&IdentityView::from(&verified))
}
