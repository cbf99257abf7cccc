//! PKCE (RFC 7636) with S256, and the random `state` and `nonce` values of an authorization
//! request. All randomness comes from the operating system or, in JavaScript hosts,
//! `crypto.getRandomValues` (through `getrandom`).

use crate::base64url;
use crate::error::{Error, ErrorCode, Result};
use sha2::{Digest, Sha256};

/// A PKCE pair: keep the verifier secret until the token request; send the challenge in the
/// authorization request with `code_challenge_method=S256`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Pkce {
    /// 43 characters of base64url: 32 random bytes (256 bits).
    pub code_verifier: String,
    /// `BASE64URL(SHA-256(code_verifier))`.
    pub code_challenge: String,
    /// Always [`CODE_CHALLENGE_METHOD`].
    #[cfg_attr(feature = "js", tsify(type = "\"S256\""))]
    pub code_challenge_method: &'static str,
}

/// The only challenge method One Login accepts.
pub const CODE_CHALLENGE_METHOD: &str = "S256";

/// `n` random bytes from the host's CSPRNG, base64url-encoded.
///
/// # Errors
/// `ERR_RANDOM_UNAVAILABLE` if the host has no usable random source.
pub fn random_base64url(n: usize) -> Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::getrandom(&mut bytes).map_err(|_| {
        Error::new(
            ErrorCode::RandomUnavailable,
            "no cryptographically secure random number generator is available",
        )
    })?;
    Ok(base64url::encode(&bytes))
}

/// A new random verifier and its S256 challenge.
///
/// # Errors
/// `ERR_RANDOM_UNAVAILABLE`.
pub fn create() -> Result<Pkce> {
    let code_verifier = random_base64url(32)?;
    let code_challenge = s256(&code_verifier);
    Ok(Pkce {
        code_verifier,
        code_challenge,
        code_challenge_method: CODE_CHALLENGE_METHOD,
    })
}

/// A random `state` (256 bits), for binding the callback to the request.
///
/// # Errors
/// `ERR_RANDOM_UNAVAILABLE`.
pub fn random_state() -> Result<String> {
    random_base64url(32)
}

/// A random `nonce` (256 bits), for binding the ID token to the request.
///
/// # Errors
/// `ERR_RANDOM_UNAVAILABLE`.
pub fn random_nonce() -> Result<String> {
    random_base64url(32)
}

/// The S256 challenge of a verifier, after checking the verifier's form (RFC 7636 §4.1:
/// 43 to 128 characters from `A-Z a-z 0-9 - . _ ~`).
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for a verifier One Login would refuse.
pub fn challenge(code_verifier: &str) -> Result<String> {
    let ok_len = (43..=128).contains(&code_verifier.len());
    let ok_chars = code_verifier
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    if !(ok_len && ok_chars) {
        return Err(Error::option(
            "codeVerifier",
            "code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)",
        ));
    }
    Ok(s256(code_verifier))
}

/// Whether `code_challenge` is the S256 challenge of `code_verifier`.
///
/// # Errors
/// As [`challenge`].
pub fn matches(code_verifier: &str, code_challenge: &str) -> Result<bool> {
    Ok(challenge(code_verifier)? == code_challenge)
}

fn s256(code_verifier: &str) -> String {
    base64url::encode(&Sha256::digest(code_verifier.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rfc7636_appendix_b() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").as_deref(),
            Ok("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        );
    }

    #[test]
    fn created_pairs_are_fresh_and_consistent() {
        let a = create();
        let b = create();
        assert!(matches!((&a, &b), (Ok(a), Ok(b)) if a.code_verifier != b.code_verifier));
        if let Ok(a) = a {
            assert_eq!(a.code_verifier.len(), 43);
            assert_eq!(matches(&a.code_verifier, &a.code_challenge), Ok(true));
        }
    }

    #[test]
    fn verifier_form_is_checked() {
        assert!(challenge(&"a".repeat(42)).is_err());
        assert!(challenge(&"a".repeat(129)).is_err());
        assert!(challenge(&format!("{}+", "a".repeat(43))).is_err());
        assert!(challenge(&"~._-".repeat(11)).is_ok());
    }
}
