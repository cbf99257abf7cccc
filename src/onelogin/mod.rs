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
pub mod client_jwt;
pub mod core_identity;
pub mod did;
pub mod discovery;
pub mod document_cache;
pub mod endpoint_url;
pub mod environment;
mod expected;
pub(crate) mod form;
pub mod id_token;
pub mod inspect;
pub mod logout;
pub mod logout_url;
#[cfg(feature = "flow")]
pub mod service_keys;
pub mod sessions;
#[cfg(feature = "flow")]
pub mod sign_in;
#[cfg(feature = "flow")]
pub mod token_endpoint;
pub mod user_agent;
#[cfg(feature = "flow")]
pub mod userinfo;
pub mod vocab;
pub mod vtr;

pub use authorize::{build_authorization_url, build_request_object_url, AuthorizationRequest};
pub use back_channel::{logout_token_from_body, replay_ttl_seconds};
#[cfg(feature = "flow")]
pub use callback::{check_callback, parse_callback, CallbackParams};
pub use client::{Authentication, ClientConfig, SignInMinimum};
#[cfg(feature = "flow")]
pub use client::{ClientKey, Completion};
#[cfg(feature = "flow")]
pub use client_assertion::{
    client_assertion_input, request_object_input, sign_client_assertion, sign_request_object,
    ClientAssertionOptions, RequestObjectOptions, RsaSigningKey, SigningAlgorithm,
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
#[cfg(feature = "flow")]
pub use service_keys::{service_jwks, ServicePublicKey, SignedJwt, UnsignedJwt, WebCryptoSigning};
pub use sessions::{
    check_session_lifetime, is_signed_out, safe_return_to, sign_out_record_ttl, SessionRules,
};
#[cfg(feature = "flow")]
pub use sessions::{
    meets_requirement, AdapterOptions, AdapterPaths, InPersonReturn, ResolvedAdapterOptions,
    SessionHolds, SessionRequirement,
};
#[cfg(feature = "flow")]
pub use sign_in::{
    prepare_sign_in, start_sign_in, PreparedSignIn, SignIn, SignInOptions, Transaction,
};
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
pub use vocab::UserinfoClaim;
pub use vtr::{CredentialTrust, LevelOfConfidence, VectorOfTrust, Vtr};
