//! Sessions One Login can end (`src/onelogin/sessions.rs`): the ended-session rule and its
//! record's lifetime for `pkg/client.js` (every build), and what the Express adapter
//! (`pkg/express.js`) asks: a safe `returnTo`, and whether a session meets a route's
//! requirement (flow builds). These exports are internal to the package (not re-exported).

use super::JsResult;
#[cfg(feature = "flow")]
use super::{now_seconds, options::from_js, to_js};
use crate::error::Error;
use crate::onelogin::{self, SessionRules};
use wasm_bindgen::prelude::*;

/// A time given from JavaScript: a number, or `None` for `undefined`/`null` when `optional`.
fn seconds_from_js(
    name: &'static str,
    value: &JsValue,
    optional: bool,
) -> Result<Option<f64>, Error> {
    if optional && value.is_null_or_undefined() {
        return Ok(None);
    }
    value.as_f64().map(Some).ok_or_else(|| {
        Error::option(
            name,
            format!("\"{name}\" must be a number of seconds since the Unix epoch"),
        )
    })
}

/// The session rules for `sessionLifetime` (`undefined`: one day), with the instances' clock
/// tolerance.
fn session_rules(session_lifetime: &JsValue) -> Result<SessionRules, Error> {
    let defaults = SessionRules::default();
    let session_lifetime = match seconds_from_js("sessionLifetime", session_lifetime, true)? {
        Some(seconds) => onelogin::check_session_lifetime(seconds)?,
        None => defaults.session_lifetime,
    };
    Ok(SessionRules {
        session_lifetime,
        ..defaults
    })
}

/// `sessionLifetime` checked (`undefined`: the default), in seconds.
#[wasm_bindgen(js_name = checkSessionLifetime, skip_typescript)]
pub fn check_session_lifetime(session_lifetime: JsValue) -> JsResult<f64> {
    Ok(session_rules(&session_lifetime)?.session_lifetime)
}

/// How long a sign-out record is kept, in whole seconds.
#[wasm_bindgen(js_name = signOutRecordTtl, skip_typescript)]
pub fn sign_out_record_ttl(session_lifetime: JsValue) -> JsResult<f64> {
    Ok(onelogin::sign_out_record_ttl(&session_rules(&session_lifetime)?)? as f64)
}

/// Whether One Login ended a session signed in at `signedInAt`, given the latest sign-out the
/// store holds for its `sub` (`null` when none).
#[wasm_bindgen(js_name = isSignedOut, skip_typescript)]
pub fn is_signed_out(
    signed_in_at: JsValue,
    signed_out_at: JsValue,
    now: f64,
    session_lifetime: JsValue,
) -> JsResult<bool> {
    let signed_in_at = seconds_from_js("signedInAt", &signed_in_at, false)?.unwrap_or(f64::NAN);
    let signed_out_at = seconds_from_js("signedOutAt", &signed_out_at, true)?;
    let rules = session_rules(&session_lifetime)?;
    Ok(onelogin::is_signed_out(
        signed_in_at,
        signed_out_at,
        now,
        &rules,
    )?)
}

/// `candidate` when it is a safe path to return to after a sign-in, else `undefined`.
#[wasm_bindgen(js_name = safeReturnTo, skip_typescript)]
pub fn safe_return_to(candidate: JsValue) -> Option<String> {
    let candidate = candidate.as_string()?;
    onelogin::safe_return_to(&candidate).map(str::to_owned)
}

/// Whether a session (`{ vot, levelOfConfidence, claims, signedInAt }`) meets a route's
/// requirement (`{ vtr, claims, maxAge }`), now.
#[cfg(feature = "flow")]
#[wasm_bindgen(js_name = meetsRequirement, skip_typescript)]
pub fn meets_requirement(holds: JsValue, requirement: JsValue) -> JsResult<bool> {
    let holds: onelogin::SessionHolds = from_js(Some(holds))?;
    let requirement: onelogin::SessionRequirement = from_js(Some(requirement))?;
    Ok(onelogin::meets_requirement(
        &holds,
        &requirement,
        now_seconds(),
    )?)
}

/// The Express adapter's options, checked, with their defaults.
#[cfg(feature = "flow")]
#[wasm_bindgen(js_name = resolveExpressOptions, skip_typescript)]
pub fn resolve_express_options(options: JsValue) -> JsResult<JsValue> {
    let options: onelogin::AdapterOptions = from_js(Some(options))?;
    to_js(&options.resolve()?)
}
