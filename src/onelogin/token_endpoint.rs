//! The token request: its form (authorization code, PKCE verifier, and `private_key_jwt` or
//! `client_secret_post`), the response's checks, and the ID token verified with every rule
//! against the sign-in's transaction.

use super::client_assertion::{sign_client_assertion, ClientAssertionOptions, RsaSigningKey};
use super::expected::non_empty;
use super::form::encode_pairs;
use super::id_token::{verify_id_token, IdTokenClaims, IdTokenOptions, NonceCheck};
use super::service_keys::SignedJwt;
use super::sign_in::{refuse_identity_with_secret, Transaction};
use crate::error::{Error, ErrorCode, OAuthDetail, Result};
use crate::json;
use crate::jwk::KeySet;
use crate::limits;
use serde::Serialize;
use serde_json::{Map, Value};

/// `client_assertion_type` for `private_key_jwt`.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone)]
pub enum ClientAuthentication<'a> {
    /// A client assertion signed with the client's RSA key (`assertion.jti` `None` draws a
    /// fresh one).
    PrivateKeyJwt {
        /// The key.
        key: &'a RsaSigningKey,
        /// `iss`/`sub`, `aud` (the token URL, or the issuer), alg, lifetime, `kid`, `now`.
        assertion: ClientAssertionOptions,
    },
    /// A client assertion already signed (by a signer outside this crate, and checked under its
    /// public key: [`super::UnsignedJwt::assemble`]).
    SignedAssertion(&'a SignedJwt),
    /// `client_id` and `client_secret` in the form (authentication-only clients).
    ClientSecretPost {
        /// The client ID.
        client_id: &'a str,
        /// The secret.
        client_secret: &'a str,
    },
}

/// The token request body (`application/x-www-form-urlencoded`).
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for an empty code, `client_secret_post` with an identity `vtr`
/// (One Login refuses it), or unusable assertion options; `ERR_RANDOM_UNAVAILABLE`.
pub fn token_request_body(
    code: &str,
    transaction: &Transaction,
    auth: &ClientAuthentication<'_>,
) -> Result<String> {
    non_empty("code", code)?;
    let mut pairs: Vec<(&str, String)> = vec![
        ("grant_type", "authorization_code".into()),
        ("code", code.into()),
        ("redirect_uri", transaction.redirect_uri.clone()),
        ("code_verifier", transaction.code_verifier.clone()),
    ];
    match auth {
        ClientAuthentication::PrivateKeyJwt { key, assertion } => {
            pairs.push(("client_assertion_type", JWT_BEARER.into()));
            pairs.push(("client_assertion", sign_client_assertion(key, assertion)?));
        }
        ClientAuthentication::SignedAssertion(assertion) => {
            pairs.push(("client_assertion_type", JWT_BEARER.into()));
            pairs.push(("client_assertion", assertion.as_str().to_owned()));
        }
        ClientAuthentication::ClientSecretPost {
            client_id,
            client_secret,
        } => {
            refuse_identity_with_secret(&transaction.levels_of_confidence()?)?;
            non_empty("clientSecret", client_secret)?;
            pairs.push(("client_id", (*client_id).into()));
            pairs.push(("client_secret", (*client_secret).into()));
        }
    }
    Ok(encode_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str()))))
}

/// A usable token response.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenResponse {
    /// The access token for userinfo (opaque to the client).
    pub access_token: String,
    /// The ID token, not yet verified.
    pub id_token: String,
    /// `expires_in`, seconds, if sent.
    pub expires_in: Option<f64>,
}

fn token_error(status: u16, message: String, body: Option<&Map<String, Value>>) -> Error {
    let member = |name: &str| {
        body.and_then(|b| b.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    Error::new(ErrorCode::OAuthTokenError, message).with_oauth(OAuthDetail {
        error: member("error"),
        error_description: member("error_description"),
        status: Some(status),
    })
}

/// Check the token endpoint's answer: HTTP 200 and a JSON object with `token_type` Bearer
/// (case-insensitively), and `access_token` and `id_token` strings.
///
/// # Errors
/// `ERR_OAUTH_TOKEN_ERROR` with the status and the body's `error` and `error_description` (when
/// it has them) otherwise.
pub fn check_token_response(status: u16, body: &str) -> Result<TokenResponse> {
    let parsed = json::parse_object(body).ok();
    if status != 200 {
        let error = parsed
            .as_ref()
            .and_then(|b| b.get("error"))
            .and_then(Value::as_str)
            .map_or_else(String::new, |e| format!(" {e}"));
        return Err(token_error(
            status,
            format!("the token endpoint refused the request: HTTP {status}{error}"),
            parsed.as_ref(),
        ));
    }
    let Some(body) = parsed else {
        return Err(token_error(
            status,
            "the token response is not a JSON object".into(),
            None,
        ));
    };
    let string = |name: &str| match body.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        _ => Err(token_error(
            status,
            format!("the token response has no {name:?} string"),
            Some(&body),
        )),
    };
    let token_type = string("token_type")?;
    if !token_type.eq_ignore_ascii_case("Bearer") {
        return Err(token_error(
            status,
            format!("the token response's token_type is {token_type:?}, not Bearer"),
            Some(&body),
        ));
    }
    let access_token = string("access_token")?;
    if let Err(e) = check_access_token(&access_token) {
        return Err(token_error(
            status,
            format!(
                "the token response's access_token is unusable: {}",
                e.message()
            ),
            Some(&body),
        ));
    }
    Ok(TokenResponse {
        access_token,
        id_token: string("id_token")?,
        expires_in: body.get("expires_in").and_then(Value::as_f64),
    })
}

/// Check an access token before it is sent as `Authorization: Bearer <token>`: RFC 6750 §2.1's
/// `b64token` (letters, digits, `-._~+/`, then any `=`), non-empty, at most
/// [`limits::MAX_TOKEN_SIZE`] bytes. Anything else cannot be a header value (a character
/// beyond Latin-1 made the host's `Headers` throw a raw `TypeError`), or could add to the
/// header (a line break), and no One Login access token looks like it.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` (option `accessToken`).
pub fn check_access_token(token: &str) -> Result<()> {
    if token.is_empty() || token.len() > limits::MAX_TOKEN_SIZE {
        return Err(Error::option(
            "accessToken",
            format!(
                "\"accessToken\" must be a non-empty string of at most {} bytes",
                limits::MAX_TOKEN_SIZE
            ),
        ));
    }
    let body = token.trim_end_matches('=');
    let b64token = !body.is_empty()
        && body.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/')
        });
    if !b64token {
        return Err(Error::option(
            "accessToken",
            "\"accessToken\" is not a bearer token (RFC 6750 b64token: letters, digits, -._~+/ and trailing =)",
        ));
    }
    Ok(())
}

/// Who the tokens are checked against: the issuer, your client ID, the time and the skew.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowContext {
    /// The OIDC issuer.
    pub issuer: String,
    /// Your client ID.
    pub client_id: String,
    /// The current time, Unix seconds.
    pub now: f64,
    /// Allowed clock skew, seconds.
    pub clock_tolerance: f64,
}

/// Verify the token response's ID token with every One Login rule: the transaction's `nonce`,
/// `vtr` (`vot`) and `max_age` (`auth_time`), and `at_hash` against the access token.
///
/// # Errors
/// Those of [`verify_id_token`].
pub fn verify_token_response(
    response: &TokenResponse,
    keys: &KeySet,
    transaction: &Transaction,
    context: &FlowContext,
) -> Result<IdTokenClaims> {
    let options = IdTokenOptions {
        issuer: context.issuer.clone(),
        client_id: context.client_id.clone(),
        nonce: NonceCheck::Expected(transaction.nonce.clone()),
        vtr: transaction.vtr.clone(),
        max_age: transaction.max_age,
        access_token: Some(response.access_token.clone()),
        now: context.now,
        clock_tolerance: context.clock_tolerance,
    };
    verify_id_token(&response.id_token, keys, &options)
}
