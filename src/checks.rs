//! Verification as an ordered list of named checks.
//!
//! Every verifier in this crate ([`jwt::verify`](crate::jwt::verify) and One Login's
//! `verify_*`) is written once, as a sequence of [`Run::check`] calls. Verifying runs that
//! sequence fail-fast: the first failing check's error is the result, exactly as a chain of
//! `?`s would give. Inspecting runs the same sequence to the end and records every check, so an
//! inspector can show which rule passed and which failed without a second copy of the rules.
//!
//! One rule may take several steps (the `iat` type is checked before `nbf`, its time after
//! `exp`, to keep the verifiers' error order); steps that share a [`CheckId`] are reported as
//! one line.

use crate::error::{Error, ErrorCode, Result};

crate::lists::named_list! {
    /// A named check, shown as one line by an inspector. Each reads signed content (claims or
    /// `typ`) or only the token's form and keys, and has a label.
    #[non_exhaustive]
    pub enum CheckId as "CheckId", "Every check an inspection reports." {
        /// Compact serialization, base64url and JSON of header and payload.
        Format = "format" { reads_content: false, label: "Token is a compact JWS with a JSON header and a JSON object payload" },
        /// The header `alg` is allowed (and `crit`/`b64` are acceptable).
        Alg = "alg" { reads_content: false, label: "alg is allowed (ES256 or RS256; never none or HMAC)" },
        /// The header has a `kid`.
        Kid = "kid" { reads_content: false, label: "kid header is present" },
        /// A core identity `kid`'s DID is the DID document's `id`.
        DidController = "did_controller" { reads_content: false, label: "kid's DID is the DID document's id" },
        /// A core identity `kid` names an `assertionMethod` the DID document controls.
        AssertionMethod = "assertion_method" { reads_content: false, label: "kid is an assertionMethod controlled by the DID document" },
        /// A key with the header's `kid` is in the keys.
        KidFound = "kid_found" { reads_content: false, label: "kid is found in the keys" },
        /// That key fits the header's `alg` (key type and the key's own `alg`).
        AlgMatchesKey = "alg_matches_key" { reads_content: false, label: "alg matches the key" },
        /// The signature verifies with that key.
        Signature = "signature" { reads_content: false, label: "Signature verifies with that key" },
        /// The logout token header `typ`.
        Typ = "typ" { reads_content: true, label: "typ header is logout+jwt" },
        /// An ID token is not a logout token: no `typ: logout+jwt`, no `events` claim.
        NotLogoutToken = "not_logout_token" { reads_content: true, label: "neither typ logout+jwt nor an events claim (a logout token's)" },
        /// Every required claim is present.
        Required = "required" { reads_content: true, label: "Required claims are present" },
        /// `iss`.
        Iss = "iss" { reads_content: true, label: "iss is the expected issuer" },
        /// `aud`.
        Aud = "aud" { reads_content: true, label: "aud contains the client ID" },
        /// `azp`.
        Azp = "azp" { reads_content: true, label: "azp is the client ID (when present or with several audiences)" },
        /// `nbf`.
        Nbf = "nbf" { reads_content: true, label: "nbf is not in the future" },
        /// `exp`.
        Exp = "exp" { reads_content: true, label: "exp is in the future" },
        /// `iat`.
        Iat = "iat" { reads_content: true, label: "iat is not in the future" },
        /// `sub`.
        Sub = "sub" { reads_content: true, label: "sub is present (and matches the ID token's)" },
        /// `nonce` equals the one sent.
        Nonce = "nonce" { reads_content: true, label: "nonce matches the one sent" },
        /// A logout token has no `nonce`.
        NoNonce = "no_nonce" { reads_content: true, label: "nonce is absent (a logout token must not carry one)" },
        /// A logout token carries no claim that only ID tokens have.
        NoIdTokenClaims = "no_id_token_claims" { reads_content: true, label: "no ID-token-only claim (vot, vtm, at_hash, c_hash, auth_time)" },
        /// A logout token lives no longer than the replay store remembers its `jti`.
        Lifetime = "lifetime" { reads_content: true, label: "exp is at most 600 s after iat (its jti is remembered that long)" },
        /// `vot`.
        Vot = "vot" { reads_content: true, label: "vot is the level requested" },
        /// `auth_time` against `max_age`.
        AuthTime = "auth_time" { reads_content: true, label: "auth_time is within max_age" },
        /// `at_hash` against the access token.
        AtHash = "at_hash" { reads_content: true, label: "at_hash matches the access token" },
        /// `sid` is a string.
        Sid = "sid" { reads_content: true, label: "sid is a string" },
        /// `vtm` is a string.
        Vtm = "vtm" { reads_content: true, label: "vtm is a string" },
        /// `jti`.
        Jti = "jti" { reads_content: true, label: "jti is a non-empty string of at most 1024 characters (remember it for 3 minutes)" },
        /// `events`.
        Events = "events" { reads_content: true, label: "events holds exactly the back-channel logout event" },
        /// `vc`: the credential subject's names and birth dates are readable.
        Vc = "vc" { reads_content: true, label: "vc has a readable credential subject (names, birth dates)" },
        /// A client assertion's or request object's `sub` (see the variants below).
        SubIsIss = "sub_is_iss" { reads_content: true, label: "sub equals iss: both are the client ID (client assertion)" },
        /// A request object's `sub`, if any, is not the client ID.
        SubNotClientId = "sub_not_client_id" { reads_content: true, label: "sub, if present, is not the client ID (request object)" },
        /// A request object's `client_id` claim.
        ClientIdClaim = "client_id" { reads_content: true, label: "client_id is the client ID" },
        /// `aud` names the One Login endpoint the service's JWT is sent to.
        EndpointAud = "endpoint_aud" { reads_content: true, label: "aud is the One Login endpoint it is sent to (token URL or issuer for a client assertion, exactly the authorize URL for a request object)" },
        /// A request object's `response_type`.
        ResponseType = "response_type" { reads_content: true, label: "response_type is code" },
        /// A request object's `scope`.
        Scope = "scope" { reads_content: true, label: "scope includes openid" },
        /// A request object carries no `request` or `request_uri` of its own.
        NoNestedRequest = "no_nested_request" { reads_content: true, label: "no request or request_uri claim inside" },
        /// The service's JWT lives no longer than this library ever signs one for.
        ClientLifetime = "client_lifetime" { reads_content: true, label: "exp is after iat, at most 3600 s after (One Login recommends 300)" },
        /// A client assertion's `jti`.
        ClientJti = "client_jti" { reads_content: true, label: "jti is a non-empty string (One Login requires a single-use jti)" },
    }
    struct CheckFacts {
        /// A one-line English description of what passing means.
        label: &'static str,
        /// Whether the check reads signed content (claims or `typ`), whose result means
        /// nothing about the token's validity until the signature has verified.
        reads_content: bool,
    }
}

crate::lists::named_list! {
    /// An input a check may need, named as the option that gives it.
    pub enum Input as "CheckInput", "An input a skipped check needed (the option that gives it)." {
        /// The JWKS.
        Keys = "keys" { label: "the JWKS" },
        /// The DID document.
        DidDocument = "didDocument" { label: "the DID document" },
        /// The nonce sent.
        Nonce = "nonce" { label: "the nonce you sent" },
        /// The client ID.
        ClientId = "clientId" { label: "the client ID" },
        /// The expected issuer (or an environment).
        Issuer = "issuer" { label: "an environment" },
        /// The ID token's `sub`.
        Sub = "sub" { label: "the ID token's sub" },
        /// The `max_age` sent.
        MaxAge = "maxAge" { label: "the max_age you sent" },
        /// The access token of the same response.
        AccessToken = "accessToken" { label: "the access token" },
        /// A `kid` in the token's header.
        Kid = "kid" { label: "a kid in the token (without one, every key is tried)" },
        /// The service's own public keys (client assertions, request objects).
        ServiceKeys = "serviceKeys" { label: "your service's public key or JWKS" },
    }
    struct InputFacts {
        /// What the input is, in words, for an inspector to ask for it.
        label: &'static str,
    }
}

/// Why a check was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A check it depends on failed or was not run.
    Prerequisite,
    /// The input it needs was not given.
    MissingInput(Input),
    /// An optional check nobody asked for (`maxAge`, `accessToken`…); a verifier skips it too.
    NotRequested(Input),
    /// This library cannot run it (a signature algorithm it does not verify).
    Unsupported,
}

/// The outcome of one check.
#[derive(Debug, Clone, PartialEq)]
pub enum Status {
    /// It passed.
    Pass,
    /// It failed with this error (the one a verifier would return if it were first).
    Fail(Error),
    /// It was not run.
    Skipped(Skip),
}

/// One line of an inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    /// Which check.
    pub id: CheckId,
    /// What happened.
    pub status: Status,
    /// The check read claims while the signature had not verified: a pass says what the token
    /// claims, not that One Login said it.
    pub unverified: bool,
}

impl CheckResult {
    /// The claim the result is about: the failing claim if the error names one.
    pub fn claim(&self) -> Option<&str> {
        match &self.status {
            Status::Fail(e) => e.claim_name(),
            _ => None,
        }
    }
}

/// One line of an inspection as the inspector shows it (and as JavaScript receives it).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct CheckView<'a> {
    /// The check's stable id.
    #[cfg_attr(feature = "js", tsify(type = "CheckId"))]
    pub id: &'static str,
    /// What passing means, in words.
    pub label: &'static str,
    /// The outcome.
    #[cfg_attr(feature = "js", tsify(type = "\"pass\" | \"fail\" | \"skipped\""))]
    pub status: &'static str,
    /// For a failure: the error code a verifier would throw.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "ErrorCode"))]
    pub code: Option<&'static str>,
    /// For a failure: the error message.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub message: Option<&'a str>,
    /// For a failure about one claim: the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub claim: Option<&'a str>,
    /// For a failure about one claim: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "ClaimFailureReason"))]
    pub reason: Option<&'static str>,
    /// For a skipped check: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "js",
        tsify(
            optional,
            type = "\"prerequisite\" | \"missing_input\" | \"not_requested\" | \"unsupported\""
        )
    )]
    pub skipped: Option<&'static str>,
    /// For a check skipped for want of an input: the option that would provide it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "CheckInput"))]
    pub input: Option<&'static str>,
    /// That input, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub input_label: Option<&'static str>,
    /// The check read claims while the signature had not verified.
    pub unverified: bool,
}

impl CheckResult {
    /// The line as the inspector shows it.
    pub fn view(&self) -> CheckView<'_> {
        let (status, error, skipped, input) = match &self.status {
            Status::Pass => ("pass", None, None, None),
            Status::Fail(e) => ("fail", Some(e), None, None),
            Status::Skipped(Skip::Prerequisite) => ("skipped", None, Some("prerequisite"), None),
            Status::Skipped(Skip::MissingInput(input)) => {
                ("skipped", None, Some("missing_input"), Some(input))
            }
            Status::Skipped(Skip::NotRequested(input)) => {
                ("skipped", None, Some("not_requested"), Some(input))
            }
            Status::Skipped(Skip::Unsupported) => ("skipped", None, Some("unsupported"), None),
        };
        CheckView {
            id: self.id.as_str(),
            label: self.id.label(),
            status,
            code: error.map(|e| e.code().as_str()),
            message: error.map(Error::message),
            claim: error.and_then(Error::claim_name),
            reason: error
                .and_then(Error::reason)
                .map(crate::error::Reason::as_str),
            skipped,
            input: input.map(|i| i.as_str()),
            input_label: input.map(|i| i.label()),
            unverified: self.unverified,
        }
    }
}

/// One run through a verifier's checks, fail-fast or recording.
#[derive(Debug)]
pub struct Run {
    inspect: bool,
    optional_expectations: bool,
    steps: Vec<(CheckId, Status)>,
}

impl Run {
    /// Verification: the first failure is returned as the error.
    pub(crate) fn fail_fast() -> Run {
        Run {
            inspect: false,
            optional_expectations: false,
            steps: Vec::new(),
        }
    }

    /// Inspection: every check is run and recorded.
    pub(crate) fn inspect() -> Run {
        Run {
            inspect: true,
            optional_expectations: false,
            steps: Vec::new(),
        }
    }

    /// Inspection of a token no One Login rule covers (a generic JWS, an access token): an
    /// expected issuer or audience that was not given is not asked for, rather than missing.
    pub(crate) fn inspect_generic() -> Run {
        Run {
            optional_expectations: true,
            ..Run::inspect()
        }
    }

    /// How to report a check skipped because the caller gave no expected value.
    pub(crate) fn no_expectation(&self, input: Input) -> Skip {
        if self.optional_expectations {
            Skip::NotRequested(input)
        } else {
            Skip::MissingInput(input)
        }
    }

    /// Run a check. `Ok(None)` means it failed and the run goes on (inspection only).
    ///
    /// # Errors
    /// The check's own error, when failing fast.
    pub(crate) fn check<T>(
        &mut self,
        id: CheckId,
        check: impl FnOnce() -> Result<T>,
    ) -> Result<Option<T>> {
        match check() {
            Ok(value) => {
                self.record(id, Status::Pass);
                Ok(Some(value))
            }
            Err(e) if self.inspect => {
                self.record(id, Status::Fail(e));
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Run a check on the output of earlier ones; skipped when that output is missing.
    ///
    /// # Errors
    /// As [`Run::check`].
    pub(crate) fn check_with<I, T>(
        &mut self,
        id: CheckId,
        input: Option<I>,
        check: impl FnOnce(I) -> Result<T>,
    ) -> Result<Option<T>> {
        match input {
            Some(input) => self.check(id, || check(input)),
            None => {
                self.skip(id, Skip::Prerequisite);
                Ok(None)
            }
        }
    }

    /// Compare what an earlier step read from the token (`found`) with what the caller gave
    /// (`expected`), as step `id`: both there, `check` runs; nothing expected, the check is
    /// skipped as `not_expected` says (an input that was not given, or an optional check
    /// nobody asked for); nothing read, nothing more is recorded (the reading step already
    /// said why).
    ///
    /// # Errors
    /// As [`Run::check`].
    pub(crate) fn check_against<F, E, T>(
        &mut self,
        id: CheckId,
        found: Option<F>,
        expected: Option<E>,
        not_expected: Skip,
        check: impl FnOnce(F, E) -> Result<T>,
    ) -> Result<Option<T>> {
        match (found, expected) {
            (Some(found), Some(expected)) => self.check(id, || check(found, expected)),
            (Some(_), None) => {
                self.skip(id, not_expected);
                Ok(None)
            }
            (None, _) => Ok(None),
        }
    }

    /// Record that a check was not run.
    pub(crate) fn skip(&mut self, id: CheckId, why: Skip) {
        self.record(id, Status::Skipped(why));
    }

    fn record(&mut self, id: CheckId, status: Status) {
        // Verification keeps nothing: it returns at the first failure anyway.
        if self.inspect {
            self.steps.push((id, status));
        }
    }

    /// One result per check, in the order each was first run. A check fails if any of its
    /// steps failed (with the first error), is skipped if any was skipped, else passes.
    pub fn results(&self) -> Vec<CheckResult> {
        let mut out: Vec<CheckResult> = Vec::new();
        for (id, status) in &self.steps {
            match out.iter_mut().find(|r| r.id == *id) {
                None => out.push(CheckResult {
                    id: *id,
                    status: status.clone(),
                    unverified: false,
                }),
                Some(line) => {
                    let worse = match (&line.status, status) {
                        (Status::Fail(_), _) => false,
                        (_, Status::Fail(_)) => true,
                        (Status::Pass, Status::Skipped(_)) => true,
                        _ => false,
                    };
                    if worse {
                        line.status = status.clone();
                    }
                }
            }
        }
        let signed = out
            .iter()
            .any(|r| r.id == CheckId::Signature && r.status == Status::Pass);
        for line in &mut out {
            line.unverified = !signed && line.id.reads_content();
        }
        out
    }
}

/// Run a verifier's steps failing fast: the first failure is the error, else what they
/// produced.
///
/// # Errors
/// The first failing check's error.
pub(crate) fn fail_fast<T>(steps: impl FnOnce(&mut Run) -> Result<Option<T>>) -> Result<T> {
    finish(steps(&mut Run::fail_fast())?)
}

/// The value a fail-fast run produced. A missing value cannot happen when failing fast (the
/// failure would have been returned), but is an error rather than a panic if it ever did.
///
/// # Errors
/// `ERR_JWT_INVALID` when `value` is `None`.
pub(crate) fn finish<T>(value: Option<T>) -> Result<T> {
    value.ok_or_else(|| Error::new(ErrorCode::JwtInvalid, "the token could not be checked"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn fail_fast_returns_the_first_error_and_inspect_keeps_going() {
        let fail = || Err::<(), _>(Error::expired());
        let mut run = Run::fail_fast();
        assert!(run.check(CheckId::Format, || Ok(())).is_ok());
        assert!(run.check(CheckId::Exp, fail).is_err());

        let mut run = Run::inspect();
        assert!(matches!(run.check(CheckId::Exp, fail), Ok(None)));
        assert!(matches!(run.check(CheckId::Iat, || Ok(1)), Ok(Some(1))));
        let results = run.results();
        assert_eq!(results.len(), 2);
        assert!(matches!(
            results.first().map(|r| &r.status),
            Some(Status::Fail(_))
        ));
        // No signature check passed, so claim checks are flagged as unverified.
        assert!(results.iter().all(|r| r.unverified));
    }

    #[test]
    fn steps_of_one_check_merge_worst_first() {
        let mut run = Run::inspect();
        let _ = run.check(CheckId::Iat, || Ok(()));
        run.skip(CheckId::Signature, Skip::MissingInput(Input::Keys));
        let _ = run.check(CheckId::Iat, || {
            Err::<(), _>(Error::claim("iat", crate::Reason::Invalid))
        });
        let _ = run.check(CheckId::Iat, || Ok(()));
        let results = run.results();
        assert_eq!(results.len(), 2);
        assert_eq!(results.first().map(|r| r.claim()), Some(Some("iat")));
    }
}
