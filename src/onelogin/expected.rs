//! What every One Login token is checked against, whatever its kind (the expected issuer and
//! audience, and the time), and the two helpers every verifier's checks share. The verifiers
//! embed [`Expected`]; nothing here knows a token kind.

use crate::alg::Algorithms;
use crate::claims::{self, ClaimRules};
use crate::error::{Error, Reason, Result};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::jwt::VerifyOptions;
use serde_json::{Map, Value};

/// A required option that is empty is a programming error, reported before any token check.
pub(crate) fn non_empty(name: &'static str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::option(name, format!("\"{name}\" must not be empty")));
    }
    Ok(())
}

/// A claim a rule depends on: absent is `missing`, any type but a string is `invalid`.
pub(crate) fn required_string<'c>(
    c: &'c Map<String, Value>,
    name: &'static str,
) -> Result<&'c str> {
    claims::string_claim(c, name)?.ok_or_else(|| Error::claim(name, Reason::Missing))
}

/// What every One Login token is checked against, whatever its kind: the expected issuer and
/// audience, and the time. `None` (only in an inspection) means that input was not given, and
/// its check is reported as not run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Expected<'a> {
    pub(crate) issuer: Option<&'a str>,
    pub(crate) client_id: Option<&'a str>,
    pub(crate) now: f64,
    pub(crate) clock_tolerance: f64,
}

impl<'a> Expected<'a> {
    /// What a verifier expects: every input given, checked (see [`Expected::validate`]).
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the unusable option.
    pub(crate) fn given(
        issuer: &'a str,
        client_id: &'a str,
        now: f64,
        clock_tolerance: f64,
    ) -> Result<Self> {
        let expected = Expected {
            issuer: Some(issuer),
            client_id: Some(client_id),
            now,
            clock_tolerance,
        };
        expected.validate()?;
        Ok(expected)
    }

    /// The one validation of the options every verifier shares: given strings are non-empty,
    /// the time and the tolerance usable.
    pub(crate) fn validate(&self) -> Result<()> {
        for (name, value) in [("issuer", self.issuer), ("clientId", self.client_id)] {
            if let Some(value) = value {
                non_empty(name, value)?;
            }
        }
        claims::check_now(self.now)?;
        claims::check_clock_tolerance(self.clock_tolerance)?;
        Ok(())
    }

    /// The core's options for a One Login token: every kind is verified the same way up to
    /// its own rules (a `kid` is required, `iss` and `aud` are exact, `iat` may not be in the
    /// future).
    pub(crate) fn verify_options(
        &self,
        algorithms: Algorithms,
        required: &[&'static str],
    ) -> VerifyOptions {
        VerifyOptions {
            algorithms,
            max_token_size: DEFAULT_MAX_TOKEN_SIZE,
            require_kid: true,
            claims: ClaimRules {
                issuer: self.issuer.map(str::to_owned),
                audience: self.client_id.map(str::to_owned),
                required: required.to_vec(),
                reject_future_iat: true,
                clock_tolerance: self.clock_tolerance,
                ..ClaimRules::at(self.now)
            },
        }
    }
}

/// Gives a verifier's options (each with `issuer`, `client_id`, `now` and `clock_tolerance`)
/// `expected()`: what they expect, checked. One definition for every verifier.
macro_rules! expected_from_options {
    ($options:ty) => {
        impl $options {
            /// What these options expect of every token, checked.
            ///
            /// # Errors
            /// `ERR_INVALID_ARGUMENT` naming the unusable option.
            pub(crate) fn expected(
                &self,
            ) -> $crate::error::Result<$crate::onelogin::expected::Expected<'_>> {
                $crate::onelogin::expected::Expected::given(
                    &self.issuer,
                    &self.client_id,
                    self.now,
                    self.clock_tolerance,
                )
            }
        }
    };
}

pub(crate) use expected_from_options;
