//! GOV.UK One Login's own rules on top of the JOSE core: which issuer, which keys, which claims
//! and in which order, so that a service team gets them right by calling one function.
//!
//! The facts come from One Login's technical documentation ("the docs"); where the real service
//! or the simulator behaves differently, the code follows the docs and says so at the spot.
//! Nothing here reads a clock or the network: callers pass `now`, the JWKS and the DID
//! document (see [`Environment`] for where to fetch them).

pub mod authorize;
pub mod back_channel;
#[cfg(feature = "flow")]
pub mod callback;
pub mod client;
#[cfg(feature = "flow")]
pub mod client_assertion;
pub mod core_identity;
pub mod did;
pub mod discovery;
pub mod endpoint_url;
pub mod environment;
pub(crate) mod form;
pub mod id_token;
pub mod inspect;
pub mod logout;
pub mod logout_url;
pub mod sessions;
#[cfg(feature = "flow")]
pub mod sign_in;
#[cfg(feature = "flow")]
pub mod token_endpoint;
#[cfg(feature = "flow")]
pub mod userinfo;
pub mod vtr;

use crate::alg::Algorithms;
use crate::claims::{self, ClaimRules};
use crate::error::{Error, Reason, Result};
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::jwt::VerifyOptions;
use serde_json::{Map, Value};

pub use authorize::{build_authorization_url, build_request_object_url, AuthorizationRequest};
pub use back_channel::{logout_token_from_body, replay_ttl_seconds};
#[cfg(feature = "flow")]
pub use callback::{check_callback, parse_callback, CallbackParams};
#[cfg(feature = "flow")]
pub use client::Completion;
pub use client::{Authentication, ClientConfig, SignInMinimum};
#[cfg(feature = "flow")]
pub use client_assertion::{
    sign_client_assertion, sign_request_object, ClientAssertionOptions, RequestObjectOptions,
    RsaSigningKey, SigningAlgorithm,
};
pub use core_identity::{
    verify_core_identity, CoreIdentityClaims, CoreIdentityOptions, Identity, Name, NameView,
};
pub use did::DidDocument;
pub use discovery::{parse_discovery, Discovery};
pub use environment::{CustomEnvironment, Environment, EnvironmentSpec, EnvironmentUrls};
pub use id_token::{verify_id_token, IdTokenClaims, IdTokenOptions, NonceCheck};
pub use logout::{verify_logout_token, LogoutOptions, LogoutTokenClaims};
pub use logout_url::{build_logout_url, LogoutUrlOptions};
pub use sessions::{
    check_session_lifetime, is_signed_out, safe_return_to, sign_out_record_ttl, SessionRules,
};
#[cfg(feature = "flow")]
pub use sessions::{
    meets_requirement, AdapterOptions, AdapterPaths, InPersonReturn, ResolvedAdapterOptions,
    SessionHolds, SessionRequirement,
};
#[cfg(feature = "flow")]
pub use sign_in::{start_sign_in, SignIn, SignInOptions, Transaction};
#[cfg(feature = "flow")]
pub use token_endpoint::{
    check_access_token, check_token_response, token_request_body, verify_token_response,
    ClientAuthentication, FlowContext, TokenResponse,
};
#[cfg(feature = "flow")]
pub use userinfo::{
    check_userinfo_response, identity_to_verify, userinfo_claims, verify_sign_in_identity,
    IdentityContext, IdentityView, UserinfoClaims,
};
pub use vtr::{CredentialTrust, LevelOfConfidence, VectorOfTrust, Vtr};

// A required option that is empty is a programming error, reported before any token check.
fn non_empty(name: &'static str, value: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::option(name, format!("\"{name}\" must not be empty")));
    }
    Ok(())
}

// A claim a rule depends on: absent is `missing`, any type but a string is `invalid`.
fn required_string<'c>(c: &'c Map<String, Value>, name: &'static str) -> Result<&'c str> {
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
    /// What a verifier expects: every input given.
    fn given(issuer: &'a str, client_id: &'a str, now: f64, clock_tolerance: f64) -> Self {
        Expected {
            issuer: Some(issuer),
            client_id: Some(client_id),
            now,
            clock_tolerance,
        }
    }

    /// The one validation of the options every verifier shares: given strings are non-empty,
    /// the time and the tolerance usable.
    fn validate(&self) -> Result<()> {
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
    fn verify_options(&self, algorithms: Algorithms, required: &[&'static str]) -> VerifyOptions {
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
