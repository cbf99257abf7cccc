//! The authorization callback: its parameters (from the query, or the fragment with
//! `response_mode=fragment`), the `state` check in constant time, then One Login's `error`.
//! Nothing is sent anywhere before these pass.

use super::form::parse_pairs;
use super::sign_in::Transaction;
use crate::error::{Error, ErrorCode, OAuthDetail, Result};
use crate::limits;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The parameters of an authorization response. Other members (One Login sends none; a
/// framework's parsed query may hold more) are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// The `state` echoed back.
    pub state: Option<String>,
    /// An OAuth error code (`access_denied`, `login_required`, …).
    pub error: Option<String>,
    /// Its description.
    pub error_description: Option<String>,
}

/// The parameter part of a callback: an absolute URL, a path with its query
/// (`/callback?code=…`), a bare query string (`code=…&state=…`, with or without `?`), or with
/// `fragment` the part after `#`.
fn parameter_part(input: &str, fragment: bool) -> &str {
    if fragment {
        return input.split_once('#').map_or("", |(_, f)| f);
    }
    let before_fragment = input.split_once('#').map_or(input, |(q, _)| q);
    match before_fragment.split_once('?') {
        Some((_, query)) => query,
        // No `?`: a bare query string, unless it looks like a URL or a path.
        None if before_fragment.contains(['/', ':']) => "",
        None => before_fragment,
    }
}

/// Parse a callback given as text.
///
/// # Errors
/// `ERR_OAUTH_STATE_MISMATCH` when `state` is repeated; `ERR_OAUTH_AUTHORIZATION_ERROR` when
/// another parameter is repeated or a value cannot be decoded (an unusable response).
pub fn parse_callback(input: &str, response_mode: Option<&str>) -> Result<CallbackParams> {
    // The size cap before anything is decoded (the callback is the browser's, so anyone's).
    limits::refuse_oversized(
        input,
        limits::MAX_CALLBACK_SIZE,
        ErrorCode::OAuthAuthorizationError,
        "the callback",
    )?;
    let fragment = response_mode == Some("fragment");
    let pairs = parse_pairs(parameter_part(input, fragment)).map_err(|e| {
        Error::new(
            ErrorCode::OAuthAuthorizationError,
            format!("the callback's parameters are unusable: {}", e.message()),
        )
    })?;
    let mut params = CallbackParams::default();
    for (name, value) in pairs {
        let slot = match name.as_str() {
            "code" => &mut params.code,
            "state" => &mut params.state,
            "error" => &mut params.error,
            "error_description" => &mut params.error_description,
            _ => continue,
        };
        if slot.is_some() {
            let code = if name == "state" {
                ErrorCode::OAuthStateMismatch
            } else {
                ErrorCode::OAuthAuthorizationError
            };
            return Err(Error::new(
                code,
                format!("the callback repeats the {name:?} parameter"),
            ));
        }
        *slot = Some(value);
    }
    Ok(params)
}

/// Whether two strings are equal, in time that does not depend on where they differ (both are
/// hashed first, so neither length nor content leaks through timing).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    let diff = x
        .iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q));
    std::hint::black_box(diff) == 0
}

/// Check a callback against the sign-in's transaction and return the code, in this order:
/// a missing transaction or a `state` that differs is `ERR_OAUTH_STATE_MISMATCH`; an `error` is
/// `ERR_OAUTH_AUTHORIZATION_ERROR` with One Login's `error` and `error_description`; a
/// callback with neither code nor error is `ERR_OAUTH_AUTHORIZATION_ERROR` too.
///
/// # Errors
/// As above.
pub fn check_callback(
    params: &CallbackParams,
    transaction: Option<&Transaction>,
) -> Result<String> {
    // A callback given as parameters meets the same cap as one given as text.
    let size = [
        &params.code,
        &params.state,
        &params.error,
        &params.error_description,
    ]
    .iter()
    .map(|value| value.as_deref().map_or(0, str::len))
    .sum::<usize>();
    if size > limits::MAX_CALLBACK_SIZE {
        return Err(limits::too_large(
            limits::MAX_CALLBACK_SIZE,
            ErrorCode::OAuthAuthorizationError,
            "the callback",
        ));
    }
    let Some(transaction) = transaction else {
        return Err(Error::new(
            ErrorCode::OAuthStateMismatch,
            "there is no sign-in transaction for this callback (expired session, another browser, or a forged request)",
        ));
    };
    let matches = params
        .state
        .as_deref()
        .is_some_and(|state| constant_time_eq(state, &transaction.state));
    if !matches {
        return Err(Error::new(
            ErrorCode::OAuthStateMismatch,
            if params.state.is_none() {
                "the callback has no state"
            } else {
                "the callback's state is not this sign-in's"
            },
        ));
    }
    if let Some(error) = &params.error {
        return Err(Error::new(
            ErrorCode::OAuthAuthorizationError,
            format!("One Login answered the sign-in with error {error:?}"),
        )
        .with_oauth(OAuthDetail {
            error: Some(error.clone()),
            error_description: params.error_description.clone(),
            status: None,
        }));
    }
    match params.code.as_deref() {
        Some(code) if !code.is_empty() => Ok(code.to_owned()),
        _ => Err(Error::new(
            ErrorCode::OAuthAuthorizationError,
            "the callback has neither a code nor an error",
        )),
    }
}
