//! Back-channel logout requests: the logout token out of the request body, and how long its
//! `jti` must be remembered to refuse a replay (the store itself is the caller's I/O).

use super::form::parse_pairs;
use super::logout::JTI_REPLAY_WINDOW;
use crate::claims::MAX_CLOCK_TOLERANCE;
use crate::error::{Error, ErrorCode, Result};
use crate::limits;

fn unusable(message: &'static str) -> Error {
    Error::new(ErrorCode::JwtInvalid, message)
}

/// The logout token from a back-channel logout request: the form body
/// (`logout_token=<JWS>`), or the token itself.
///
/// # Errors
/// `ERR_JWT_INVALID` for a body without exactly one non-empty `logout_token`.
pub fn logout_token_from_body(body: &str) -> Result<String> {
    // The size cap before anything is decoded (the body is unauthenticated).
    limits::refuse_oversized(
        body,
        limits::MAX_LOGOUT_BODY_SIZE,
        ErrorCode::JwtInvalid,
        "the back-channel logout body",
    )?;
    let body = body.trim();
    let looks_like_token = !body.contains(['=', '&']) && body.split('.').count() == 3;
    if looks_like_token {
        return Ok(body.to_owned());
    }
    let pairs =
        parse_pairs(body).map_err(|_| unusable("the back-channel logout body is not a form"))?;
    let mut tokens = pairs.into_iter().filter(|(name, _)| name == "logout_token");
    match (tokens.next(), tokens.next()) {
        (Some((_, token)), None) if !token.is_empty() => Ok(token),
        (Some(_), Some(_)) => Err(unusable(
            "the back-channel logout body has two logout_token parameters",
        )),
        _ => Err(unusable("the back-channel logout body has no logout_token")),
    }
}

/// The longest a `jti` is ever remembered, in seconds: a verified logout token lives at most
/// [`limits::MAX_LOGOUT_TOKEN_LIFETIME`] after its `iat`, and its `iat` is at most the clock
/// tolerance ahead of `now`, so `exp − now + tolerance` is at most the lifetime plus twice the
/// largest tolerance. The bound is therefore never reached by a token the verifier accepted.
pub const MAX_REPLAY_TTL_SECONDS: u64 =
    limits::MAX_LOGOUT_TOKEN_LIFETIME + 2 * MAX_CLOCK_TOLERANCE as u64;

/// How long to remember a verified logout token's `jti`, in whole seconds: as long as the token
/// could still be accepted (`exp` plus the clock tolerance), and never less than One Login's
/// three minutes. The verifier refuses a token living longer than
/// [`limits::MAX_LOGOUT_TOKEN_LIFETIME`], so this always covers its whole accepted lifetime
/// (the upper bound, [`MAX_REPLAY_TTL_SECONDS`], only guards a caller passing an unverified `exp`).
pub fn replay_ttl_seconds(exp: f64, now: f64, clock_tolerance: f64) -> u64 {
    let remaining = (exp - now + clock_tolerance).ceil();
    let floor = JTI_REPLAY_WINDOW as f64;
    if remaining.is_finite() && remaining > floor {
        remaining.min(MAX_REPLAY_TTL_SECONDS as f64) as u64
    } else {
        JTI_REPLAY_WINDOW
    }
}
