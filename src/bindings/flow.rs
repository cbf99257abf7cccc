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
use super::{capped_string, json_text, string_arg, to_js, token_arg, JsResult};
use crate::error::{Error, ErrorCode, SignerFailureReason};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::onelogin::client::CheckedUserinfo;
use crate::onelogin::{
    self, Authentication, CallbackParams, ClientKey, Completion, IdentityView, PreparedSignIn,
    SignInOptions, TokenResponse, Transaction, UnsignedJwt, WebCryptoSigning,
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
    let key = ClientKey::Held(Box::new(key.inner.clone()));
    // the service's JWKS is checked once here (a bad or repeated key fails create()).
    inner.public_jwks(key.public())?;
    Ok(JsClientConfig {
        inner,
        key: Some(key),
    })
}

/// A client whose key signs elsewhere (`privateKey` a `CryptoKeyPair` or `{ publicJwk, sign }`):
/// `create()`'s options and the public key (a JWK object or text), or `undefined` while a
/// `CryptoKeyPair`'s public key is being exported (then `clientSetExternalPublicKey`).
#[wasm_bindgen(js_name = clientConfigWithExternalKey, skip_typescript)]
pub fn client_config_with_external_key(
    options: JsValue,
    public_jwk: JsValue,
) -> JsResult<JsClientConfig> {
    let inner = resolve_client_options(options)?;
    if !matches!(inner.authentication, Authentication::PrivateKeyJwt(_)) {
        return Err(Error::option("privateKey", "this client has no \"privateKey\"").into());
    }
    let mut config = JsClientConfig { inner, key: None };
    if public_jwk.is_undefined() {
        // Each additional key is checked now; the pair with the signing key once it arrives.
        config.inner.additional_keys()?;
    } else {
        client_set_external_public_key(&mut config, public_jwk)?;
    }
    Ok(config)
}

/// The public key of a client's external signer, once known (a `CryptoKeyPair`'s, exported).
#[wasm_bindgen(js_name = clientSetExternalPublicKey, skip_typescript)]
pub fn client_set_external_public_key(
    config: &mut JsClientConfig,
    public_jwk: JsValue,
) -> JsResult<()> {
    if config.key.is_some()
        || !matches!(
            config.inner.authentication,
            Authentication::PrivateKeyJwt(_)
        )
    {
        return Err(Error::option("privateKey", "this client's key is already set").into());
    }
    let text = json_text(
        &public_jwk,
        "the signer's public key",
        ErrorCode::InvalidArgument,
    )
    .map_err(|e| e.with_option("privateKey.publicJwk"))?;
    let public = config.inner.external_public_key(&text)?;
    config.inner.public_jwks(&public)?;
    config.key = Some(ClientKey::External(public));
    Ok(())
}

/// What JavaScript reads of a `CryptoKeyPair`'s private key: `algorithm.name`,
/// `algorithm.hash.name`, `algorithm.modulusLength` and whether `usages` has `sign`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WebCryptoKeyFacts {
    name: Option<String>,
    hash: Option<String>,
    modulus_length: Option<f64>,
    can_sign: bool,
}

/// Check a `CryptoKeyPair`'s private key against the client's algorithm; returns the
/// parameters of `crypto.subtle.sign`: `{ name, saltLength? }`.
#[wasm_bindgen(js_name = clientWebCryptoSigning, skip_typescript)]
pub fn client_web_crypto_signing(config: &JsClientConfig, facts: JsValue) -> JsResult<JsValue> {
    let facts: WebCryptoKeyFacts = from_js(Some(facts))?;
    let alg = config.inner.signing_alg()?;
    to_js(&WebCryptoSigning::check_key(
        alg,
        facts.name.as_deref().unwrap_or_default(),
        facts.hash.as_deref(),
        facts.modulus_length,
        facts.can_sign,
    )?)
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
    to_js(&config.inner.public_jwks(key.public())?)
}

/// The public key a client's external signer must sign for.
fn external_public(config: &JsClientConfig) -> JsResult<&onelogin::ServicePublicKey> {
    match config.key.as_ref() {
        Some(ClientKey::External(public)) => Ok(public),
        _ => Err(Error::option(
            "privateKey",
            "this client has no external signer's public key (yet)",
        )
        .into()),
    }
}

/// A signer's answer as bytes: a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`,
/// refused by its length before it is copied into wasm memory.
fn signature_bytes(value: &JsValue) -> Result<Vec<u8>, Error> {
    let array = if let Some(array) = value.dyn_ref::<js_sys::Uint8Array>() {
        array.clone()
    } else if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        js_sys::Uint8Array::new(buffer)
    } else {
        return Err(Error::signer(
            SignerFailureReason::NotBytes,
            "the signer must return the raw signature as a Uint8Array (or an ArrayBuffer): nothing was sent",
        ));
    };
    // No RSA signature One Login takes is longer than 512 bytes (4096 bits).
    let length = array.length() as usize;
    if length > 1024 {
        return Err(Error::signer(
            SignerFailureReason::WrongLength,
            format!("the signer returned {length} bytes, far more than one RSA signature: nothing was sent"),
        ));
    }
    Ok(array.to_vec())
}

/// A client assertion or request object awaiting an external signer's signature.
#[wasm_bindgen(js_name = UnsignedJwt, skip_typescript)]
pub struct JsUnsignedJwt {
    inner: UnsignedJwt,
}

#[wasm_bindgen(js_class = UnsignedJwt)]
impl JsUnsignedJwt {
    /// The bytes to sign (ASCII `header.payload`).
    #[wasm_bindgen(getter, js_name = signingInput)]
    pub fn signing_input(&self) -> Vec<u8> {
        self.inner.signing_input().as_bytes().to_vec()
    }

    /// The compact JWT, once `signature` checks out under the public key.
    pub fn assemble(&self, signature: JsValue) -> JsResult<String> {
        Ok(self
            .inner
            .assemble(&signature_bytes(&signature)?)?
            .into_string())
    }
}

/// A sign-in awaiting its request object's signature (a client whose key signs elsewhere).
#[wasm_bindgen(js_name = PreparedSignIn, skip_typescript)]
pub struct JsPreparedSignIn {
    inner: Option<PreparedSignIn>,
}

#[wasm_bindgen(js_class = PreparedSignIn)]
impl JsPreparedSignIn {
    /// The request object's bytes to sign, or `undefined` when the sign-in sends none.
    #[wasm_bindgen(getter, js_name = signingInput)]
    pub fn signing_input(&self) -> Option<Vec<u8>> {
        self.inner
            .as_ref()
            .and_then(PreparedSignIn::request_object)
            .map(|unsigned| unsigned.signing_input().as_bytes().to_vec())
    }

    /// `{ url, transaction }`, with the request object's `signature` checked first (`undefined`
    /// when there is none to sign).
    pub fn finish(&mut self, signature: JsValue) -> JsResult<JsValue> {
        let Some(prepared) = self.inner.take() else {
            return Err(Error::option("requestObject", "this sign-in was already finished").into());
        };
        let signed = match prepared.request_object() {
            Some(unsigned) => Some(unsigned.assemble(&signature_bytes(&signature)?)?),
            None => None,
        };
        to_js(&prepared.finish(signed)?)
    }
}

/// Start a sign-in for a client whose key signs elsewhere: everything but the request
/// object's signature.
#[wasm_bindgen(js_name = clientPrepareSignIn, skip_typescript)]
pub fn client_prepare_sign_in(
    config: &JsClientConfig,
    options: JsValue,
    now: f64,
) -> JsResult<JsPreparedSignIn> {
    let options: SignInOptions = from_js(Some(options))?;
    let public = config.key.as_ref().map(|key| (key.public(), whole(now)));
    Ok(JsPreparedSignIn {
        inner: Some(onelogin::prepare_sign_in(&config.inner, &options, public)?),
    })
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
    let signer = config
        .key
        .as_ref()
        .and_then(ClientKey::held)
        .map(|key| (key, whole(now)));
    to_js(&onelogin::start_sign_in(&config.inner, &options, signer)?)
}

/// A client assertion's options for this client: `{ jti?, lifetime?, now?, alg?, kid?,
/// audience? }` (client ID and key are the client's).
fn client_assertion_options(
    config: &JsClientConfig,
    params: JsValue,
    now: f64,
) -> JsResult<onelogin::ClientAssertionOptions> {
    let Authentication::PrivateKeyJwt(settings) = &config.inner.authentication else {
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
    Ok(SignClientAssertionOptions {
        client_id: Some(config.inner.client_id.clone()),
        audience: params
            .audience
            .clone()
            .or_else(|| Some(settings.audience.clone())),
        alg: params.alg.clone().or_else(|| settings.alg.clone()),
        kid: params.kid.clone().or_else(|| settings.kid.clone()),
        ..params
    }
    .resolve(|| now)?)
}

/// A client assertion for this client, signed with its key held here.
#[wasm_bindgen(js_name = clientAssertion, skip_typescript)]
pub fn client_assertion(config: &JsClientConfig, params: JsValue, now: f64) -> JsResult<String> {
    let options = client_assertion_options(config, params, now)?;
    let Some(key) = config.key.as_ref().and_then(ClientKey::held) else {
        return Err(Error::option(
            "privateKey",
            "this client has no \"privateKey\" to sign with here",
        )
        .into());
    };
    Ok(onelogin::sign_client_assertion(key, &options)?)
}

/// A client assertion for this client awaiting its external signer's signature (its `alg`
/// must stay the client's: the signer makes one kind of signature).
#[wasm_bindgen(js_name = clientAssertionInput, skip_typescript)]
pub fn client_assertion_input(
    config: &JsClientConfig,
    params: JsValue,
    now: f64,
) -> JsResult<JsUnsignedJwt> {
    let options = client_assertion_options(config, params, now)?;
    if options.alg != config.inner.signing_alg()? {
        return Err(Error::option(
            "alg",
            "an external signer signs with the client's clientAssertionAlg only",
        )
        .into());
    }
    let public = external_public(config)?;
    Ok(JsUnsignedJwt {
        inner: onelogin::client_assertion_input(public, &options)?,
    })
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
        let key = config.key.as_ref().and_then(ClientKey::held);
        Ok(self.inner.token_request_body(&config.inner, &code, key)?)
    }

    /// The client assertion for the token request for `code`, awaiting the client's external
    /// signer.
    #[wasm_bindgen(js_name = clientAssertionInput)]
    pub fn client_assertion_input(
        &self,
        config: &JsClientConfig,
        code: JsValue,
    ) -> JsResult<JsUnsignedJwt> {
        let code = string_arg(&code, "code")?;
        let public = external_public(config)?;
        Ok(JsUnsignedJwt {
            inner: self
                .inner
                .client_assertion_input(&config.inner, &code, public)?,
        })
    }

    /// The token request body for `code`, with the external signer's `signature` of
    /// `assertion` checked first.
    #[wasm_bindgen(js_name = tokenRequestBodySigned)]
    pub fn token_request_body_signed(
        &self,
        code: JsValue,
        assertion: &JsUnsignedJwt,
        signature: JsValue,
    ) -> JsResult<String> {
        let code = string_arg(&code, "code")?;
        let signed = assertion.inner.assemble(&signature_bytes(&signature)?)?;
        Ok(self.inner.token_request_body_signed(&code, &signed)?)
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
