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

/// A named check, shown as one line by an inspector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckId {
    /// Compact serialization, base64url and JSON of header and payload.
    Format,
    /// The header `alg` is allowed (and `crit`/`b64` are acceptable).
    Alg,
    /// The header has a `kid`.
    Kid,
    /// A core identity `kid`'s DID is the DID document's `id`.
    DidController,
    /// A core identity `kid` names an `assertionMethod` the DID document controls.
    AssertionMethod,
    /// A key with the header's `kid` is in the keys.
    KidFound,
    /// That key fits the header's `alg` (key type and the key's own `alg`).
    AlgMatchesKey,
    /// The signature verifies with that key.
    Signature,
    /// The logout token header `typ`.
    Typ,
    /// Every required claim is present.
    Required,
    /// `iss`.
    Iss,
    /// `aud`.
    Aud,
    /// `azp`.
    Azp,
    /// `nbf`.
    Nbf,
    /// `exp`.
    Exp,
    /// `iat`.
    Iat,
    /// `sub`.
    Sub,
    /// `nonce` equals the one sent.
    Nonce,
    /// A logout token has no `nonce`.
    NoNonce,
    /// `vot`.
    Vot,
    /// `auth_time` against `max_age`.
    AuthTime,
    /// `at_hash` against the access token.
    AtHash,
    /// `sid` is a string.
    Sid,
    /// `vtm` is a string.
    Vtm,
    /// `jti`.
    Jti,
    /// `events`.
    Events,
    /// `vc`: the credential subject's names and birth dates are readable.
    Vc,
}

impl CheckId {
    /// A stable identifier, e.g. `"signature"`, `"exp"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckId::Format => "format",
            CheckId::Alg => "alg",
            CheckId::Kid => "kid",
            CheckId::DidController => "did_controller",
            CheckId::AssertionMethod => "assertion_method",
            CheckId::KidFound => "kid_found",
            CheckId::AlgMatchesKey => "alg_matches_key",
            CheckId::Signature => "signature",
            CheckId::Typ => "typ",
            CheckId::Required => "required",
            CheckId::Iss => "iss",
            CheckId::Aud => "aud",
            CheckId::Azp => "azp",
            CheckId::Nbf => "nbf",
            CheckId::Exp => "exp",
            CheckId::Iat => "iat",
            CheckId::Sub => "sub",
            CheckId::Nonce => "nonce",
            CheckId::NoNonce => "no_nonce",
            CheckId::Vot => "vot",
            CheckId::AuthTime => "auth_time",
            CheckId::AtHash => "at_hash",
            CheckId::Sid => "sid",
            CheckId::Vtm => "vtm",
            CheckId::Jti => "jti",
            CheckId::Events => "events",
            CheckId::Vc => "vc",
        }
    }

    /// A one-line English description of what passing means.
    pub const fn label(self) -> &'static str {
        match self {
            CheckId::Format => {
                "Token is a compact JWS with a JSON header and a JSON object payload"
            }
            CheckId::Alg => "alg is allowed (ES256 or RS256; never none or HMAC)",
            CheckId::Kid => "kid header is present",
            CheckId::DidController => "kid's DID is the DID document's id",
            CheckId::AssertionMethod => "kid is an assertionMethod controlled by the DID document",
            CheckId::KidFound => "kid is found in the keys",
            CheckId::AlgMatchesKey => "alg matches the key",
            CheckId::Signature => "Signature verifies with that key",
            CheckId::Typ => "typ header is logout+jwt",
            CheckId::Required => "Required claims are present",
            CheckId::Iss => "iss is the expected issuer",
            CheckId::Aud => "aud contains the client ID",
            CheckId::Azp => "azp is the client ID (when present or with several audiences)",
            CheckId::Nbf => "nbf is not in the future",
            CheckId::Exp => "exp is in the future",
            CheckId::Iat => "iat is not in the future",
            CheckId::Sub => "sub is present (and matches the ID token's)",
            CheckId::Nonce => "nonce matches the one sent",
            CheckId::NoNonce => "nonce is absent (a logout token must not carry one)",
            CheckId::Vot => "vot is the level requested",
            CheckId::AuthTime => "auth_time is within max_age",
            CheckId::AtHash => "at_hash matches the access token",
            CheckId::Sid => "sid is a string",
            CheckId::Vtm => "vtm is a string",
            CheckId::Jti => "jti is a non-empty string (remember it for 3 minutes)",
            CheckId::Events => "events holds exactly the back-channel logout event",
            CheckId::Vc => "vc has a readable credential subject (names, birth dates)",
        }
    }

    /// Whether the check reads signed content (claims or `typ`), whose result means nothing
    /// about the token's validity until the signature has verified.
    pub const fn reads_content(self) -> bool {
        !matches!(
            self,
            CheckId::Format
                | CheckId::Alg
                | CheckId::Kid
                | CheckId::DidController
                | CheckId::AssertionMethod
                | CheckId::KidFound
                | CheckId::AlgMatchesKey
                | CheckId::Signature
        )
    }
}

/// Why a check was not run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// A check it depends on failed or was not run.
    Prerequisite,
    /// The input it needs was not given (named here: `"keys"`, `"nonce"`…).
    MissingInput(&'static str),
    /// An optional check nobody asked for (named: `"maxAge"`, `"accessToken"`…); a verifier
    /// skips it too.
    NotRequested(&'static str),
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
    pub(crate) fn no_expectation(&self, input: &'static str) -> Skip {
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
        run.skip(CheckId::Signature, Skip::MissingInput("keys"));
        let _ = run.check(CheckId::Iat, || {
            Err::<(), _>(Error::claim("iat", crate::Reason::Invalid))
        });
        let _ = run.check(CheckId::Iat, || Ok(()));
        let results = run.results();
        assert_eq!(results.len(), 2);
        assert_eq!(results.first().map(|r| r.claim()), Some(Some("iat")));
    }
}
