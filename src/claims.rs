//! Registered-claim validation (RFC 7519 §4.1): the one function every token kind uses.
//!
//! The order follows jose's `validateClaimsSet`: required members present → `iss` → `aud` →
//! `iat` type → `nbf` → `exp`, then `iat` not in the future. A claim of the wrong JSON type is
//! always an error (`reason: "invalid"`), never treated as absent: treating a string `exp` as
//! "no expiry" is how CVE-2026-25537 let expired tokens through.

use crate::checks::{CheckId, Input, Run};
use crate::error::{Error, Reason, Result};
use serde_json::{Map, Value};

/// The default allowance for clock skew between issuer and verifier, in seconds.
pub const DEFAULT_CLOCK_TOLERANCE: f64 = 30.0;

/// The largest clock tolerance accepted, in seconds. A larger gap is not skew: pass a
/// different `now` instead.
pub const MAX_CLOCK_TOLERANCE: f64 = 300.0;

/// What the registered claims must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRules {
    /// The current time, Unix seconds. Injected, never read from a clock here.
    pub now: f64,
    /// Allowed skew in seconds, applied to `exp`, `nbf` and `iat`.
    pub clock_tolerance: f64,
    /// `iss` must equal this exactly (no trailing-slash or case folding).
    pub issuer: Option<String>,
    /// `aud` (a string or an array of strings) must contain this.
    pub audience: Option<String>,
    /// Claims that must be present, whatever their value.
    pub required: Vec<&'static str>,
    /// Refuse an `iat` later than `now` plus the tolerance (One Login's rule; jose only
    /// checks `iat` when asked for a maximum age).
    pub reject_future_iat: bool,
}

impl ClaimRules {
    /// Rules at `now` with the default tolerance and nothing else expected.
    pub fn at(now: f64) -> ClaimRules {
        ClaimRules {
            now,
            clock_tolerance: DEFAULT_CLOCK_TOLERANCE,
            issuer: None,
            audience: None,
            required: Vec::new(),
            reject_future_iat: true,
        }
    }
}

/// Check that a caller-supplied time is usable.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for NaN, infinities or negative values.
pub fn check_now(now: f64) -> Result<f64> {
    if now.is_finite() && now >= 0.0 {
        Ok(now)
    } else {
        Err(Error::option(
            "now",
            "\"now\" must be a finite, non-negative number of seconds since the Unix epoch",
        ))
    }
}

/// Check that a caller-supplied clock tolerance is usable.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for NaN, infinities, negative values or more than
/// [`MAX_CLOCK_TOLERANCE`].
pub fn check_clock_tolerance(seconds: f64) -> Result<f64> {
    if seconds.is_finite() && (0.0..=MAX_CLOCK_TOLERANCE).contains(&seconds) {
        Ok(seconds)
    } else {
        Err(Error::option(
            "clockTolerance",
            // Whole seconds, formatted as an integer: `core::fmt`'s float formatting is 17 KB of
            // the browser's .wasm.
            format!(
                "\"clockTolerance\" must be a finite number of seconds from 0 to {}",
                MAX_CLOCK_TOLERANCE as u32
            ),
        ))
    }
}

/// The registered-claim checks as steps of a [`Run`]; `claims` is `None` when the payload could
/// not be decoded (every check is then skipped). The rules' `now` and tolerance must have been
/// checked already.
pub(crate) fn steps(
    run: &mut Run,
    claims: Option<&Map<String, Value>>,
    rules: &ClaimRules,
) -> Result<()> {
    run.check_with(CheckId::Required, claims, |c| required(c, rules))?;

    let iss = run.check_with(CheckId::Iss, claims, |c| string_claim(c, "iss"))?;
    let no_issuer = run.no_expectation(Input::Issuer);
    run.check_against(
        CheckId::Iss,
        iss,
        rules.issuer.as_deref(),
        no_issuer,
        |iss, expected| {
            if iss != Some(expected) {
                return Err(Error::claim_with_message(
                    "iss",
                    Reason::CheckFailed,
                    "unexpected \"iss\" claim value",
                ));
            }
            Ok(())
        },
    )?;

    let audiences = run.check_with(CheckId::Aud, claims, audience_claim)?;
    let no_client_id = run.no_expectation(Input::ClientId);
    let expected = rules.audience.as_deref();
    run.check_against(
        CheckId::Aud,
        audiences,
        expected,
        no_client_id,
        |audiences, expected| {
            if !audiences.is_some_and(|aud| aud.contains(&expected)) {
                return Err(Error::claim_with_message(
                    "aud",
                    Reason::CheckFailed,
                    "unexpected \"aud\" claim value",
                ));
            }
            Ok(())
        },
    )?;

    time_steps(run, claims, rules)
}

/// The time claims: `iat` type, `nbf`, `exp`, then `iat` not in the future (as jose orders
/// them), with `rules`' time and tolerance.
///
/// # Errors
/// The first failure, when `run` fails fast.
pub(crate) fn time_steps(
    run: &mut Run,
    claims: Option<&Map<String, Value>>,
    rules: &ClaimRules,
) -> Result<()> {
    let (now, tolerance) = (rules.now, rules.clock_tolerance);
    // The `iat` type is checked here and its time after `exp`, as jose orders them.
    let iat = run.check_with(CheckId::Iat, claims, |c| numeric_claim(c, "iat"))?;
    run.check_with(CheckId::Nbf, claims, |c| {
        if let Some(nbf) = numeric_claim(c, "nbf")? {
            if nbf > now + tolerance {
                return Err(Error::claim_with_message(
                    "nbf",
                    Reason::CheckFailed,
                    "\"nbf\" claim timestamp check failed",
                ));
            }
        }
        Ok(())
    })?;
    run.check_with(CheckId::Exp, claims, |c| {
        if let Some(exp) = numeric_claim(c, "exp")? {
            if exp <= now - tolerance {
                return Err(Error::expired());
            }
        }
        Ok(())
    })?;
    if rules.reject_future_iat {
        run.check_with(CheckId::Iat, iat, |iat| {
            if let Some(iat) = iat {
                if iat > now + tolerance {
                    return Err(Error::claim_with_message(
                        "iat",
                        Reason::CheckFailed,
                        "\"iat\" claim timestamp check failed (it should be in the past)",
                    ));
                }
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn required(claims: &Map<String, Value>, rules: &ClaimRules) -> Result<()> {
    let implied = [
        rules.issuer.as_ref().map(|_| "iss"),
        rules.audience.as_ref().map(|_| "aud"),
    ];
    for name in rules
        .required
        .iter()
        .copied()
        .chain(implied.into_iter().flatten())
    {
        if !claims.contains_key(name) {
            return Err(Error::claim(name, Reason::Missing));
        }
    }
    Ok(())
}

/// A claim that must be a string if present.
///
/// # Errors
/// `ERR_JWT_CLAIM_VALIDATION_FAILED` with reason `invalid` for any other type.
pub fn string_claim<'c>(
    claims: &'c Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'c str>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::claim_with_message(
            name,
            Reason::Invalid,
            format!("\"{name}\" claim must be a string"),
        )),
    }
}

/// A claim that must be a JSON number if present (a NumericDate for the time claims).
///
/// # Errors
/// `ERR_JWT_CLAIM_VALIDATION_FAILED` with reason `invalid` for any other type.
pub fn numeric_claim(claims: &Map<String, Value>, name: &'static str) -> Result<Option<f64>> {
    match claims.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| invalid_number(name)),
        Some(_) => Err(invalid_number(name)),
    }
}

fn invalid_number(name: &'static str) -> Error {
    Error::claim_with_message(
        name,
        Reason::Invalid,
        format!("\"{name}\" claim must be a number"),
    )
}

/// The `aud` claim as a list: a string is a list of one.
///
/// # Errors
/// `ERR_JWT_CLAIM_VALIDATION_FAILED` with reason `invalid` unless `aud` is a string or an
/// array of strings.
pub fn audience_claim(claims: &Map<String, Value>) -> Result<Option<Vec<&str>>> {
    let invalid = || {
        Error::claim_with_message(
            "aud",
            Reason::Invalid,
            "\"aud\" claim must be a string or an array of strings",
        )
    };
    match claims.get("aud") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(vec![s.as_str()])),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().ok_or_else(invalid))
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::json;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn claims(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    fn failure(
        v: Value,
        rules: &ClaimRules,
    ) -> Option<(ErrorCode, Option<String>, Option<&'static str>)> {
        let validated = check_now(rules.now)
            .and(check_clock_tolerance(rules.clock_tolerance))
            .and_then(|_| steps(&mut Run::fail_fast(), Some(&claims(v)), rules));
        validated.err().map(|e| {
            (
                e.code(),
                e.claim_name().map(str::to_owned),
                e.reason().map(Reason::as_str),
            )
        })
    }

    #[test]
    fn exp_boundaries_with_tolerance() {
        let rules = ClaimRules::at(1000.0);
        // Expired iff exp <= now - tolerance.
        assert!(failure(json!({"exp": 971}), &rules).is_none());
        assert_eq!(
            failure(json!({"exp": 970}), &rules).map(|f| f.0),
            Some(ErrorCode::JwtExpired)
        );
        let strict = ClaimRules {
            clock_tolerance: 0.0,
            ..ClaimRules::at(1000.0)
        };
        assert!(failure(json!({"exp": 1001}), &strict).is_none());
        assert!(failure(json!({"exp": 1000}), &strict).is_some());
    }

    #[test]
    fn nbf_and_iat_boundaries() {
        let rules = ClaimRules::at(1000.0);
        assert!(failure(json!({"nbf": 1030, "iat": 1030}), &rules).is_none());
        assert_eq!(
            failure(json!({"nbf": 1031}), &rules),
            Some((
                ErrorCode::ClaimValidationFailed,
                Some("nbf".into()),
                Some("check_failed")
            ))
        );
        assert_eq!(
            failure(json!({"iat": 1031}), &rules),
            Some((
                ErrorCode::ClaimValidationFailed,
                Some("iat".into()),
                Some("check_failed")
            ))
        );
    }

    #[test]
    fn wrong_types_are_invalid_not_absent() {
        let rules = ClaimRules::at(1000.0);
        for (payload, claim) in [
            (json!({"exp": "999999999999"}), "exp"),
            (json!({"nbf": null}), "nbf"),
            (json!({"iat": [1]}), "iat"),
            (json!({"iss": 1}), "iss"),
            (json!({"aud": 1}), "aud"),
            (json!({"aud": ["a", 1]}), "aud"),
        ] {
            assert_eq!(
                failure(payload, &rules),
                Some((
                    ErrorCode::ClaimValidationFailed,
                    Some(claim.into()),
                    Some("invalid")
                )),
                "{claim}"
            );
        }
    }

    #[test]
    fn issuer_is_exact() {
        let rules = ClaimRules {
            issuer: Some("https://oidc.integration.account.gov.uk/".into()),
            ..ClaimRules::at(0.0)
        };
        assert!(failure(
            json!({"iss": "https://oidc.integration.account.gov.uk/"}),
            &rules
        )
        .is_none());
        for wrong in [
            "https://oidc.integration.account.gov.uk",
            "https://OIDC.integration.account.gov.uk/",
            "https://oidc.integration.account.gov.uk//",
        ] {
            assert_eq!(
                failure(json!({"iss": wrong}), &rules).and_then(|f| f.1),
                Some("iss".into())
            );
        }
        assert_eq!(
            failure(json!({}), &rules),
            Some((
                ErrorCode::ClaimValidationFailed,
                Some("iss".into()),
                Some("missing")
            ))
        );
    }

    #[test]
    fn audience_string_or_array() {
        let rules = ClaimRules {
            audience: Some("client".into()),
            ..ClaimRules::at(0.0)
        };
        assert!(failure(json!({"aud": "client"}), &rules).is_none());
        assert!(failure(json!({"aud": ["other", "client"]}), &rules).is_none());
        assert!(failure(json!({"aud": []}), &rules).is_some());
        assert!(failure(json!({"aud": "Client"}), &rules).is_some());
    }

    #[test]
    fn bad_tolerance_and_now_are_argument_errors() {
        for t in [f64::NAN, f64::INFINITY, -1.0, 301.0] {
            let rules = ClaimRules {
                clock_tolerance: t,
                ..ClaimRules::at(0.0)
            };
            assert_eq!(
                failure(json!({}), &rules).map(|f| f.0),
                Some(ErrorCode::InvalidArgument)
            );
        }
        assert_eq!(
            failure(json!({}), &ClaimRules::at(f64::NAN)).map(|f| f.0),
            Some(ErrorCode::InvalidArgument)
        );
    }
}
