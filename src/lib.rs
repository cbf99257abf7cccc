//! Verify GOV.UK One Login tokens safely, from Rust or (through WebAssembly) any JavaScript
//! host.
//!
//! ```
//! use govuk_one_login_tokens::{jwt, KeySet};
//!
//! # fn main() -> Result<(), govuk_one_login_tokens::Error> {
//! // Parse the key set once and keep it; each verification only looks a key up.
//! let keys = KeySet::from_json(r#"{"keys":[{"kty":"EC","crv":"P-256","alg":"ES256",
//!   "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
//!   "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#)?;
//! // RFC 7515 appendix A.3; its `exp` is in 2011, so verify as of then.
//! let token = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
//! let mut options = jwt::VerifyOptions::at(1_300_819_000.0);
//! options.claims.issuer = Some("joe".into());
//! let verified = jwt::verify(token, &keys, &options)?;
//! assert_eq!(verified.claims["http://example.com/is_root"], true);
//!
//! // A changed byte, an expired token, an unexpected issuer: each is a typed error.
//! let late = jwt::VerifyOptions::at(1_400_000_000.0);
//! let err = jwt::verify(token, &keys, &late).unwrap_err();
//! assert_eq!(err.code().as_str(), "ERR_JWT_EXPIRED");
//! # Ok(()) }
//! ```
//!
//! Design rules, after panva/jose and RustCrypto:
//! - only ES256 and RS256 exist as algorithms, so `alg: none` and HMAC confusion cannot be
//!   expressed;
//! - keys are typed and validated when the key set is parsed, never taken from the token;
//! - every failure is an [`Error`] with a stable [`ErrorCode`] string (`ERR_…`, jose's names);
//! - nothing here reads a clock or the network: the caller passes `now` and the documents.
//!
//! The relying-party flow and signing (`onelogin::{sign_in, callback, token_endpoint,
//! userinfo, client_assertion}`) are behind the `flow` feature, on by default; without it the
//! crate verifies, inspects and builds URLs only, and does not depend on the `rsa` crate.
#![forbid(unsafe_code)]

mod alg;
mod base64url;
pub mod checks;
mod claims;
pub mod dangerous;
mod error;
mod json;
mod jwk;
mod jws;
pub mod jwt;
pub mod limits;
mod lists;
pub mod onelogin;
pub mod options;
mod passthrough;
pub mod pkce;
mod portable;

#[cfg(feature = "js")]
mod bindings;

pub use alg::{Algorithm, Algorithms, SigningAlgorithm};
pub use claims::{ClaimRules, DEFAULT_CLOCK_TOLERANCE, MAX_CLOCK_TOLERANCE};
pub use error::{Error, ErrorCode, OAuthDetail, Reason, Result, SignerFailureReason};
pub use jwk::{EcKey, Jwk, KeySet, PublicKey, RsaKey, SignatureBackend};
pub use jws::{Header, DEFAULT_MAX_TOKEN_SIZE};

/// Internals the fuzz targets drive directly (the `fuzzing` feature only; not API).
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::base64url::encode as base64url_encode;
    pub use crate::dangerous::decode_to_json;
    pub use crate::json::{check_object, parse_object};
    pub use crate::jws::{check_header_policy, decode_header, split};
    pub use crate::onelogin::form::{decode_component, parse_pairs};
}
