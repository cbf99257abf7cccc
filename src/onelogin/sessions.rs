//! Sessions One Login can end. The docs: "When you receive a logout notification for an end
//! user, you must close all the sessions you hold for that user in your service." A service
//! cannot reach every session it holds (they live in cookies, or in a store keyed by session
//! id), so the notification is recorded by `sub` with the time it was handled, and every
//! session is checked against that record when it is next used: [`is_signed_out`].
//!
//! Both times are the service's own clocks (the instance that completed the sign-in, the
//! instance that handled the logout), never One Login's: the rule orders two events seen by the
//! service. The store that keeps the record is the caller's I/O; it keeps the latest time per
//! `sub` for [`sign_out_record_ttl`] seconds.

#[cfg(feature = "flow")]
use super::sign_in::{claim_uri, OneOrMany};
#[cfg(feature = "flow")]
use super::vtr::{LevelOfConfidence, VectorOfTrust, Vtr};
use crate::claims;
use crate::error::{Error, Result};
#[cfg(feature = "flow")]
use crate::passthrough::Passthrough;
#[cfg(feature = "flow")]
use serde::{Deserialize, Serialize};

/// How far apart the clocks of two instances of one service may be, in seconds. Instances
/// share NTP; five seconds covers a badly synchronised one. Applied towards "signed out"
/// (see [`is_signed_out`]), so a larger value costs users, never safety.
pub const SIGN_OUT_CLOCK_TOLERANCE: f64 = 5.0;

/// How long a session of the service can live, by default, in seconds: one day.
pub const DEFAULT_SESSION_LIFETIME: f64 = 86_400.0;

/// The longest session lifetime accepted, in seconds (400 days, a browser's cookie limit).
pub const MAX_SESSION_LIFETIME: f64 = 400.0 * 86_400.0;

/// What a session's sign-in time is judged by.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SessionRules {
    /// How long a session of the service can live, in seconds: a session signed in longer ago
    /// counts as ended, because a logout older than this is no longer remembered.
    pub session_lifetime: f64,
    /// Allowed skew between the clocks of the service's instances, in seconds.
    pub clock_tolerance: f64,
}

impl Default for SessionRules {
    fn default() -> Self {
        SessionRules {
            session_lifetime: DEFAULT_SESSION_LIFETIME,
            clock_tolerance: SIGN_OUT_CLOCK_TOLERANCE,
        }
    }
}

/// Check that a session lifetime is usable: a finite number of seconds, more than 0 and at
/// most [`MAX_SESSION_LIFETIME`].
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` naming `sessionLifetime`.
pub fn check_session_lifetime(seconds: f64) -> Result<f64> {
    if seconds.is_finite() && seconds > 0.0 && seconds <= MAX_SESSION_LIFETIME {
        Ok(seconds)
    } else {
        Err(Error::option(
            "sessionLifetime",
            format!(
                "\"sessionLifetime\" must be a finite number of seconds > 0 and at most {MAX_SESSION_LIFETIME} (400 days)"
            ),
        ))
    }
}

impl SessionRules {
    fn validate(&self) -> Result<()> {
        check_session_lifetime(self.session_lifetime)?;
        claims::check_clock_tolerance(self.clock_tolerance)?;
        Ok(())
    }
}

/// A time in whole or fractional Unix seconds that a caller or a store passed in.
fn check_time(name: &'static str, seconds: f64) -> Result<f64> {
    if seconds.is_finite() && seconds >= 0.0 {
        Ok(seconds)
    } else {
        Err(Error::option(
            name,
            format!(
                "\"{name}\" must be a finite, non-negative number of seconds since the Unix epoch"
            ),
        ))
    }
}

/// Whether One Login ended the session of `sub` that was signed in at `signed_in_at`: true
/// when a back-channel logout for `sub` was handled at or after `signed_in_at`
/// (`signed_out_at`, the latest one the store holds, `None` when it holds none).
///
/// - **Equal times** count as signed out ("at or after"): a logout handled in the same second
///   as the sign-in may have been meant for it.
/// - **Clock tolerance** widens "signed out", never "signed in": a logout recorded up to
///   `clock_tolerance` seconds *before* `signed_in_at` still ends the session, because the
///   instance that handled it may run that far behind the one that signed the user in. The
///   price is that a user who signs in again within that many seconds of a logout is asked to
///   sign in once more.
/// - A session signed in `session_lifetime` seconds ago or longer counts as ended: the store
///   forgets a logout after that long, so the rule could no longer see one.
/// - A sign-in time more than `clock_tolerance` seconds in the future cannot be ordered against
///   any logout, and counts as ended.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for a time that is not a finite, non-negative number of seconds
/// (naming `signedInAt`, `signedOutAt` or `now`), or unusable rules.
pub fn is_signed_out(
    signed_in_at: f64,
    signed_out_at: Option<f64>,
    now: f64,
    rules: &SessionRules,
) -> Result<bool> {
    rules.validate()?;
    let signed_in_at = check_time("signedInAt", signed_in_at)?;
    let signed_out_at = signed_out_at
        .map(|at| check_time("signedOutAt", at))
        .transpose()?;
    let now = claims::check_now(now)?;
    let tolerance = rules.clock_tolerance;
    if signed_in_at > now + tolerance {
        return Ok(true);
    }
    if now - signed_in_at >= rules.session_lifetime {
        return Ok(true);
    }
    Ok(signed_out_at.is_some_and(|at| at >= signed_in_at - tolerance))
}

/// How long the store keeps a sign-out record, in whole seconds: as long as a session signed in
/// just before it can live, plus the clock tolerance.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for unusable rules.
pub fn sign_out_record_ttl(rules: &SessionRules) -> Result<u64> {
    rules.validate()?;
    // Both are bounded above (400 days, 300 s), so the sum fits a u64 exactly.
    Ok((rules.session_lifetime + rules.clock_tolerance).ceil() as u64)
}

/// The longest `returnTo` accepted, in characters (One Login's own query limit elsewhere).
pub const MAX_RETURN_TO_LENGTH: usize = 2048;

/// Where to send the browser after a sign-in, if `candidate` is safe: a path of this service.
/// Safe means it starts with exactly one `/` and holds no backslash, whitespace or control
/// character, so no browser reads it as another host (`//evil.example`, `/\evil.example`,
/// `/\t/evil.example`, whose tab browsers drop) or as an absolute URL (`https://…`,
/// `javascript:…`). Anything else, or longer than [`MAX_RETURN_TO_LENGTH`], is `None`: the
/// caller goes to its default page instead.
pub fn safe_return_to(candidate: &str) -> Option<&str> {
    let mut chars = candidate.chars();
    let one_slash = chars.next() == Some('/') && !matches!(chars.next(), Some('/'));
    let plain = !candidate
        .chars()
        .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    (one_slash && plain && candidate.len() <= MAX_RETURN_TO_LENGTH).then_some(candidate)
}

/// What a route requires of a session (the Express adapter's `requireSignIn(options)`).
#[cfg(feature = "flow")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionRequirement {
    /// The vectors of trust the route accepts (`"Cl.Cm.P2"`, `["Cl.Cm.P2"]`): the session must
    /// meet one of them.
    pub vtr: Option<OneOrMany>,
    /// Userinfo claims (short names or URIs) the session's sign-in must have asked for.
    pub claims: Option<Vec<String>>,
    /// The sign-in must be at most this many seconds old.
    pub max_age: Option<u64>,
}

/// What a session holds from the sign-in that made it.
#[cfg(feature = "flow")]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SessionHolds {
    /// The ID token's `vot`: `Cl` or `Cl.Cm`.
    pub vot: String,
    /// The verified core identity's level (`P1`–`P3`), `None` without one.
    #[serde(default)]
    pub level_of_confidence: Option<String>,
    /// The userinfo claims the sign-in asked for, as full URIs (its transaction's).
    #[serde(default)]
    pub claims: Vec<String>,
    /// When the sign-in completed, Unix seconds.
    pub signed_in_at: f64,
}

/// Whether the session meets one vector: at least its credential trust, and at least its
/// level of confidence when it asks for identity (a higher level meets a lower one).
#[cfg(feature = "flow")]
fn meets_vector(
    held_trust: &VectorOfTrust,
    held_level: Option<LevelOfConfidence>,
    wanted: &VectorOfTrust,
) -> bool {
    let level_met = match wanted.level_of_confidence {
        None | Some(LevelOfConfidence::P0) => true,
        Some(level) => held_level.is_some_and(|held| held >= level),
    };
    held_trust.credential_trust >= wanted.credential_trust && level_met
}

/// Whether a session meets a route's requirement: one of its vectors of trust (the ID token's
/// `vot` for credential trust, the verified identity's level for confidence), every claim it
/// names among those the sign-in asked for, and a sign-in at most `maxAge` seconds old. A
/// requirement that names nothing is met by any session. When it is not met, the service asks
/// One Login again for what the route needs (step-up).
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` naming `vtr` or `claims` for a requirement that does not parse, or
/// `vot`/`levelOfConfidence`/`signedInAt` for a session record that does not.
#[cfg(feature = "flow")]
pub fn meets_requirement(
    holds: &SessionHolds,
    requirement: &SessionRequirement,
    now: f64,
) -> Result<bool> {
    let now = claims::check_now(now)?;
    let signed_in_at = check_time("signedInAt", holds.signed_in_at)?;
    let held_trust = VectorOfTrust::parse(&holds.vot).map_err(|e| e.with_option("vot"))?;
    let held_level = holds
        .level_of_confidence
        .as_deref()
        .map(LevelOfConfidence::from_name)
        .transpose()
        .map_err(|e| e.with_option("levelOfConfidence"))?;
    let vtr_met = match &requirement.vtr {
        None => true,
        Some(vtr) => {
            let text = match vtr {
                OneOrMany::One(text) => text.clone(),
                OneOrMany::Many(list) => serde_json::Value::from(list.clone()).to_string(),
            };
            let wanted = Vtr::parse(&text)?;
            wanted
                .vectors()
                .iter()
                .any(|vector| meets_vector(&held_trust, held_level, vector))
        }
    };
    let mut claims_met = true;
    for claim in requirement.claims.iter().flatten() {
        let uri = claim_uri(claim)?;
        claims_met &= holds.claims.contains(&uri);
    }
    let fresh = requirement
        .max_age
        .is_none_or(|max_age| now - signed_in_at <= max_age as f64);
    Ok(vtr_met && claims_met && fresh)
}

/// The Express adapter's routes: where each is mounted. Every member is optional.
#[cfg(feature = "flow")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdapterPaths {
    /// `GET`: starts a sign-in (`?returnTo=/path`). Default `/sign-in`.
    pub sign_in: Option<String>,
    /// `GET`: ends the local session, then One Login's. Default `/sign-out`.
    pub sign_out: Option<String>,
    /// `POST`: One Login's back-channel logout. Default `/back-channel-logout`.
    pub back_channel_logout: Option<String>,
    /// `GET`: the callback. Default: the path of the client's `redirectUri`.
    pub callback: Option<String>,
}

/// The in-person identity return journey (One Login's `LandingPageUrl`): sign in at `Cl.Cm`,
/// then `screen` (the service's page saying the check is done), then identity.
#[cfg(feature = "flow")]
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct InPersonReturn {
    /// The landing route registered with One Login (required).
    pub path: Option<String>,
    /// The service's "in-person check return" page, shown between the two sign-ins; without
    /// it the identity sign-in follows at once. It links to `path` + `/identity`.
    pub screen: Option<String>,
    /// The identity requested at the end. Default `Cl.Cm.P2`.
    pub vtr: Option<OneOrMany>,
    /// The userinfo claims requested with it. Default `coreIdentityJWT`.
    pub claims: Option<Vec<String>>,
    /// Where the journey ends. Default `/`.
    pub return_to: Option<String>,
}

/// Options of `oneLoginExpress(client, options)`.
#[cfg(feature = "flow")]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdapterOptions {
    /// Where One Login sends the browser after sign-out (registered with One Login).
    pub post_logout_redirect_uri: Option<String>,
    /// `startSignIn`'s options for every sign-in (read by the client).
    pub sign_in_options: Option<Passthrough>,
    /// Where the routes are mounted.
    pub paths: Option<AdapterPaths>,
    /// Where a sign-in without a (safe) `returnTo` ends. Default `/`.
    pub default_return_to: Option<String>,
    /// The in-person identity return journey, off by default.
    pub in_person_return: Option<InPersonReturn>,
}

/// [`AdapterOptions`] with every default filled in and every path checked.
#[cfg(feature = "flow")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvedAdapterOptions {
    /// The routes; `callback` stays `None` when the client's `redirectUri` gives it.
    pub paths: AdapterPaths,
    /// Where a sign-in without a (safe) `returnTo` ends.
    pub default_return_to: String,
    /// Where One Login sends the browser after sign-out.
    pub post_logout_redirect_uri: Option<String>,
    /// The in-person return journey, its defaults filled in.
    pub in_person_return: Option<InPersonReturn>,
}

/// A route path given in the options: a safe path of this service, without query or fragment.
#[cfg(feature = "flow")]
fn route_path(name: &'static str, path: Option<String>, default: &str) -> Result<String> {
    let path = path.unwrap_or_else(|| default.to_owned());
    match safe_return_to(&path) {
        Some(p) if !p.contains(['?', '#']) => Ok(path),
        _ => Err(Error::option(
            name,
            format!("\"{name}\" must be a path of this service such as {default}: one leading /, no query, no //"),
        )),
    }
}

#[cfg(feature = "flow")]
impl AdapterOptions {
    /// Fill in the defaults and check every path.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the option: a path that is not a plain path of this
    /// service, an in-person journey without `path`, or its unusable `vtr` or `claims`.
    pub fn resolve(self) -> Result<ResolvedAdapterOptions> {
        let paths = self.paths.unwrap_or_default();
        let callback = match paths.callback {
            Some(path) => Some(route_path("paths.callback", Some(path), "/callback")?),
            None => None,
        };
        let paths = AdapterPaths {
            sign_in: Some(route_path("paths.signIn", paths.sign_in, "/sign-in")?),
            sign_out: Some(route_path("paths.signOut", paths.sign_out, "/sign-out")?),
            back_channel_logout: Some(route_path(
                "paths.backChannelLogout",
                paths.back_channel_logout,
                "/back-channel-logout",
            )?),
            callback,
        };
        let default_return_to = match self.default_return_to {
            None => "/".to_owned(),
            Some(path) => safe_return_to(&path).map(str::to_owned).ok_or_else(|| {
                Error::option(
                    "defaultReturnTo",
                    "\"defaultReturnTo\" must be a path of this service (one leading /)",
                )
            })?,
        };
        let in_person_return = match self.in_person_return {
            None => None,
            Some(journey) => {
                let Some(path) = journey.path else {
                    return Err(Error::option(
                        "inPersonReturn.path",
                        "\"inPersonReturn.path\" is required: the landing page registered with One Login",
                    ));
                };
                let vtr = journey
                    .vtr
                    .unwrap_or_else(|| OneOrMany::One("Cl.Cm.P2".to_owned()));
                let vtr_text = match &vtr {
                    OneOrMany::One(text) => text.clone(),
                    OneOrMany::Many(list) => serde_json::Value::from(list.clone()).to_string(),
                };
                if Vtr::parse(&vtr_text)
                    .map_err(|e| e.with_option("inPersonReturn.vtr"))?
                    .levels_of_confidence()
                    .is_empty()
                {
                    return Err(Error::option(
                        "inPersonReturn.vtr",
                        "\"inPersonReturn.vtr\" must ask for identity (P1-P3)",
                    ));
                }
                let claims = journey
                    .claims
                    .unwrap_or_else(|| vec!["coreIdentityJWT".to_owned()]);
                for claim in &claims {
                    claim_uri(claim).map_err(|e| e.with_option("inPersonReturn.claims"))?;
                }
                Some(InPersonReturn {
                    path: Some(route_path(
                        "inPersonReturn.path",
                        Some(path),
                        "/in-person-return",
                    )?),
                    screen: journey
                        .screen
                        .map(|s| {
                            route_path("inPersonReturn.screen", Some(s), "/identity-check-done")
                        })
                        .transpose()?,
                    vtr: Some(vtr),
                    claims: Some(claims),
                    return_to: Some(route_path(
                        "inPersonReturn.returnTo",
                        journey.return_to,
                        "/",
                    )?),
                })
            }
        };
        Ok(ResolvedAdapterOptions {
            paths,
            default_return_to,
            post_logout_redirect_uri: self.post_logout_redirect_uri,
            in_person_return,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    const NOW: f64 = 1_700_000_000.0;

    fn rules() -> SessionRules {
        SessionRules::default()
    }

    /// The rule's answer for valid input; an error fails the assertion that uses it.
    fn signed_out(signed_in_at: f64, signed_out_at: Option<f64>) -> Result<bool> {
        is_signed_out(signed_in_at, signed_out_at, NOW, &rules())
    }

    #[test]
    fn no_logout_recorded_keeps_the_session() {
        assert_eq!(signed_out(NOW - 60.0, None), Ok(false));
    }

    #[test]
    fn a_logout_after_the_sign_in_ends_it() {
        assert_eq!(signed_out(NOW - 60.0, Some(NOW - 10.0)), Ok(true));
    }

    #[test]
    fn equal_times_count_as_signed_out() {
        assert_eq!(signed_out(NOW - 60.0, Some(NOW - 60.0)), Ok(true));
    }

    #[test]
    fn a_logout_within_the_tolerance_before_the_sign_in_still_ends_it() {
        let tolerance = rules().clock_tolerance;
        assert_eq!(
            signed_out(NOW - 60.0, Some(NOW - 60.0 - tolerance)),
            Ok(true)
        );
        assert_eq!(
            signed_out(NOW - 60.0, Some(NOW - 60.0 - tolerance + 0.5)),
            Ok(true)
        );
    }

    #[test]
    fn a_logout_further_before_the_sign_in_does_not() {
        let tolerance = rules().clock_tolerance;
        assert_eq!(
            signed_out(NOW - 60.0, Some(NOW - 60.0 - tolerance - 1.0)),
            Ok(false)
        );
        assert_eq!(signed_out(NOW - 60.0, Some(0.0)), Ok(false));
    }

    #[test]
    fn zero_tolerance_orders_the_times_exactly() {
        let exact = SessionRules {
            clock_tolerance: 0.0,
            ..rules()
        };
        let at = |out| is_signed_out(NOW - 60.0, Some(out), NOW, &exact);
        assert_eq!(at(NOW - 60.0), Ok(true));
        assert_eq!(at(NOW - 60.5), Ok(false));
    }

    #[test]
    fn a_session_older_than_the_lifetime_counts_as_ended() {
        let lifetime = rules().session_lifetime;
        assert_eq!(signed_out(NOW - lifetime, None), Ok(true));
        assert_eq!(signed_out(NOW - lifetime + 1.0, None), Ok(false));
    }

    #[test]
    fn a_sign_in_time_in_the_future_counts_as_ended() {
        let tolerance = rules().clock_tolerance;
        assert_eq!(signed_out(NOW + tolerance, None), Ok(false));
        assert_eq!(signed_out(NOW + tolerance + 1.0, None), Ok(true));
    }

    #[test]
    fn unusable_times_are_refused_by_name() {
        for (signed_in_at, signed_out_at, now, option) in [
            (f64::NAN, None, NOW, "signedInAt"),
            (-1.0, None, NOW, "signedInAt"),
            (f64::INFINITY, None, NOW, "signedInAt"),
            (NOW, Some(f64::NAN), NOW, "signedOutAt"),
            (NOW, Some(-5.0), NOW, "signedOutAt"),
            (NOW, None, f64::NAN, "now"),
        ] {
            let error = is_signed_out(signed_in_at, signed_out_at, now, &rules()).err();
            assert_eq!(
                error.as_ref().map(|e| e.code()),
                Some(ErrorCode::InvalidArgument)
            );
            assert_eq!(error.as_ref().and_then(Error::option_name), Some(option));
        }
    }

    #[test]
    fn unusable_rules_are_refused_by_name() {
        for (session_lifetime, clock_tolerance, option) in [
            (0.0, 5.0, "sessionLifetime"),
            (-1.0, 5.0, "sessionLifetime"),
            (f64::INFINITY, 5.0, "sessionLifetime"),
            (MAX_SESSION_LIFETIME + 1.0, 5.0, "sessionLifetime"),
            (60.0, -1.0, "clockTolerance"),
            (60.0, f64::NAN, "clockTolerance"),
        ] {
            let bad = SessionRules {
                session_lifetime,
                clock_tolerance,
            };
            let error = is_signed_out(NOW, None, NOW, &bad).err();
            assert_eq!(error.as_ref().and_then(Error::option_name), Some(option));
            let error = sign_out_record_ttl(&bad).err();
            assert_eq!(error.as_ref().and_then(Error::option_name), Some(option));
        }
    }

    #[test]
    fn the_record_outlives_every_session_it_can_end() {
        assert_eq!(sign_out_record_ttl(&rules()), Ok(86_405));
        let short = SessionRules {
            session_lifetime: 0.5,
            clock_tolerance: 0.0,
        };
        assert_eq!(sign_out_record_ttl(&short), Ok(1));
    }
}

#[cfg(test)]
mod return_to_tests {
    use super::*;

    #[test]
    fn paths_of_this_service_are_kept() {
        for path in ["/", "/account", "/a/b?x=1&y=%2F%2F#top", "/search?q=a:b"] {
            assert_eq!(safe_return_to(path), Some(path));
        }
    }

    #[test]
    fn other_hosts_and_absolute_urls_are_refused() {
        for path in [
            "",
            "//evil.example",
            "//evil.example/path",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "account",
            "/a\u{0}b",
            "/a\u{2028}b",
        ] {
            assert_eq!(safe_return_to(path), None, "{path:?}");
        }
        assert_eq!(
            safe_return_to(&format!("/{}", "a".repeat(MAX_RETURN_TO_LENGTH))),
            None
        );
    }
}

#[cfg(all(test, feature = "flow"))]
mod requirement_tests {
    use super::*;
    use crate::error::ErrorCode;

    const NOW: f64 = 1_700_000_000.0;

    fn holds(vot: &str, level: Option<&str>, claims: &[&str]) -> SessionHolds {
        SessionHolds {
            vot: vot.to_owned(),
            level_of_confidence: level.map(str::to_owned),
            claims: claims
                .iter()
                .map(|c| format!("{}{c}", super::super::sign_in::VOCAB))
                .collect(),
            signed_in_at: NOW - 600.0,
        }
    }

    fn wants(vtr: Option<&str>, claims: &[&str], max_age: Option<u64>) -> SessionRequirement {
        SessionRequirement {
            vtr: vtr.map(|v| OneOrMany::One(v.to_owned())),
            claims: (!claims.is_empty()).then(|| claims.iter().map(|c| (*c).to_owned()).collect()),
            max_age,
        }
    }

    #[test]
    fn nothing_required_is_met_by_any_session() {
        assert_eq!(
            meets_requirement(&holds("Cl", None, &[]), &wants(None, &[], None), NOW),
            Ok(true)
        );
    }

    #[test]
    fn credential_trust_is_ordered() {
        let low = holds("Cl", None, &[]);
        let medium = holds("Cl.Cm", None, &[]);
        assert_eq!(
            meets_requirement(&low, &wants(Some("Cl.Cm"), &[], None), NOW),
            Ok(false)
        );
        assert_eq!(
            meets_requirement(&medium, &wants(Some("Cl.Cm"), &[], None), NOW),
            Ok(true)
        );
        assert_eq!(
            meets_requirement(&medium, &wants(Some("Cl"), &[], None), NOW),
            Ok(true)
        );
    }

    #[test]
    fn identity_needs_a_verified_level_at_least_the_one_asked() {
        let authenticated = holds("Cl.Cm", None, &[]);
        let p1 = holds("Cl.Cm", Some("P1"), &[]);
        let p2 = holds("Cl.Cm", Some("P2"), &[]);
        let p3 = holds("Cl.Cm", Some("P3"), &[]);
        let step_up = wants(Some("Cl.Cm.P2"), &[], None);
        assert_eq!(meets_requirement(&authenticated, &step_up, NOW), Ok(false));
        assert_eq!(meets_requirement(&p1, &step_up, NOW), Ok(false));
        assert_eq!(meets_requirement(&p2, &step_up, NOW), Ok(true));
        assert_eq!(meets_requirement(&p3, &step_up, NOW), Ok(true));
        // One of several vectors is enough.
        let either = SessionRequirement {
            vtr: Some(OneOrMany::Many(vec!["Cl.Cm.P1".into(), "Cl.Cm.P2".into()])),
            ..SessionRequirement::default()
        };
        assert_eq!(meets_requirement(&p1, &either, NOW), Ok(true));
    }

    #[test]
    fn every_claim_named_must_have_been_asked_for() {
        let with_address = holds("Cl.Cm", Some("P2"), &["coreIdentityJWT", "address"]);
        assert_eq!(
            meets_requirement(
                &with_address,
                &wants(Some("Cl.Cm.P2"), &["address"], None),
                NOW
            ),
            Ok(true)
        );
        let by_uri = format!("{}address", super::super::sign_in::VOCAB);
        assert_eq!(
            meets_requirement(&with_address, &wants(None, &[by_uri.as_str()], None), NOW),
            Ok(true)
        );
        assert_eq!(
            meets_requirement(
                &with_address,
                &wants(None, &["address", "passport"], None),
                NOW
            ),
            Ok(false)
        );
    }

    #[test]
    fn max_age_bounds_how_old_the_sign_in_may_be() {
        let session = holds("Cl.Cm", None, &[]);
        assert_eq!(
            meets_requirement(&session, &wants(None, &[], Some(600)), NOW),
            Ok(true)
        );
        assert_eq!(
            meets_requirement(&session, &wants(None, &[], Some(599)), NOW),
            Ok(false)
        );
    }

    #[test]
    fn unusable_requirements_and_records_are_refused_by_name() {
        let session = holds("Cl.Cm", None, &[]);
        let option = |result: Result<bool>| {
            result
                .err()
                .and_then(|e| e.option_name().map(str::to_owned))
        };
        assert_eq!(
            option(meets_requirement(
                &session,
                &wants(Some("Cl.Xx"), &[], None),
                NOW
            )),
            Some("vtr".into())
        );
        assert_eq!(
            option(meets_requirement(
                &session,
                &wants(None, &["shoeSize"], None),
                NOW
            )),
            Some("claims".into())
        );
        assert_eq!(
            option(meets_requirement(
                &holds("Zz", None, &[]),
                &wants(None, &[], None),
                NOW
            )),
            Some("vot".into())
        );
        assert_eq!(
            option(meets_requirement(
                &holds("Cl.Cm", Some("P9"), &[]),
                &wants(None, &[], None),
                NOW
            )),
            Some("levelOfConfidence".into())
        );
        let error = meets_requirement(&session, &wants(None, &[], None), f64::NAN).err();
        assert_eq!(error.map(|e| e.code()), Some(ErrorCode::InvalidArgument));
    }
}

#[cfg(all(test, feature = "flow"))]
mod adapter_options_tests {
    use super::*;

    fn resolve(json: &str) -> Result<ResolvedAdapterOptions> {
        let options: AdapterOptions =
            serde_json::from_str(json).map_err(|e| Error::option("options", e.to_string()))?;
        options.resolve()
    }

    #[test]
    fn defaults_are_filled_in() {
        let resolved = resolve("{}");
        assert_eq!(
            resolved.as_ref().map(|r| r.paths.sign_in.clone()),
            Ok(Some("/sign-in".to_owned()))
        );
        assert_eq!(
            resolved.as_ref().map(|r| r.paths.callback.clone()),
            Ok(None)
        );
        assert_eq!(resolved.map(|r| r.default_return_to), Ok("/".to_owned()));
        let journey = resolve(r#"{"inPersonReturn":{"path":"/landing"}}"#)
            .ok()
            .and_then(|r| r.in_person_return);
        assert_eq!(
            journey.as_ref().and_then(|j| j.vtr.clone()),
            Some(OneOrMany::One("Cl.Cm.P2".to_owned()))
        );
        assert_eq!(journey.and_then(|j| j.return_to), Some("/".to_owned()));
    }

    #[test]
    fn paths_must_be_plain_paths_of_the_service() {
        let option = |json: &str| {
            resolve(json)
                .err()
                .and_then(|e| e.option_name().map(str::to_owned))
        };
        assert_eq!(
            option(r#"{"paths":{"signIn":"//evil.example"}}"#),
            Some("paths.signIn".into())
        );
        assert_eq!(
            option(r#"{"paths":{"signOut":"sign-out"}}"#),
            Some("paths.signOut".into())
        );
        assert_eq!(
            option(r#"{"paths":{"callback":"/cb?x=1"}}"#),
            Some("paths.callback".into())
        );
        assert_eq!(
            option(r#"{"defaultReturnTo":"https://evil.example/"}"#),
            Some("defaultReturnTo".into())
        );
        assert_eq!(
            option(r#"{"inPersonReturn":{}}"#),
            Some("inPersonReturn.path".into())
        );
        assert_eq!(
            option(r#"{"inPersonReturn":{"path":"/l","vtr":"Cl.Cm"}}"#),
            Some("inPersonReturn.vtr".into())
        );
        assert_eq!(
            option(r#"{"inPersonReturn":{"path":"/l","claims":["shoeSize"]}}"#),
            Some("inPersonReturn.claims".into())
        );
    }
}
