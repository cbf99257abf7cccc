//! The one error type. Every failure carries a stable [`ErrorCode`] whose string form
//! (`ERR_…`) matches panva/jose's codes where jose has one, so JavaScript users can branch on
//! `err.code` exactly as they would with jose.
//!
//! Messages are short, fixed English sentences in jose's style (`"exp" claim timestamp check
//! failed`). They never contain key material or signature bytes; they may name a claim.

use std::borrow::Cow;
use std::fmt;

crate::lists::named_list! {
    /// Stable machine-readable error codes. These are public API: never rename one.
    #[non_exhaustive]
    pub enum ErrorCode as "ErrorCode", "Every stable `TokenError` code." {
        /// The payload is not a JSON object, or the token as a JWT is unusable (jose `JWTInvalid`).
        JwtInvalid = "ERR_JWT_INVALID",
        /// Compact serialization, base64url, header or signature encoding is malformed (jose `JWSInvalid`).
        JwsInvalid = "ERR_JWS_INVALID",
        /// The header `alg` is not on the allow-list (`none`, `HS*`, anything unsupported).
        AlgNotAllowed = "ERR_JOSE_ALG_NOT_ALLOWED",
        /// A recognised but unsupported feature: an unknown `crit` extension, an unsupported key type.
        NotSupported = "ERR_JOSE_NOT_SUPPORTED",
        /// A JSON Web Key is malformed or unacceptable (RSA under 2048 bits, point not on the curve…).
        JwkInvalid = "ERR_JWK_INVALID",
        /// A JSON Web Key Set (or DID document) is malformed.
        JwksInvalid = "ERR_JWKS_INVALID",
        /// No key in the set fits the token's `kid` and `alg`.
        JwksNoMatchingKey = "ERR_JWKS_NO_MATCHING_KEY",
        /// More than one key in the set fits the token's `kid` and `alg`.
        JwksMultipleMatchingKeys = "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
        /// The signature does not verify (including wrong length or out-of-range values).
        SignatureVerificationFailed = "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
        /// The `exp` claim is in the past (beyond the clock tolerance).
        JwtExpired = "ERR_JWT_EXPIRED",
        /// A claim is missing, of the wrong type, or does not match what was expected.
        ClaimValidationFailed = "ERR_JWT_CLAIM_VALIDATION_FAILED",
        /// The caller passed an invalid option (a programming error, not a bad token); the error
        /// names the option.
        InvalidArgument = "ERR_INVALID_ARGUMENT",
        /// The host offered no usable random number generator.
        RandomUnavailable = "ERR_RANDOM_UNAVAILABLE",
        /// A key document (JWKS, DID document, discovery document) did not arrive within the deadline.
        JwksTimeout = "ERR_JWKS_TIMEOUT",
        /// A key document could not be fetched or was unusable (status, body, size, redirect).
        JwksFetchFailed = "ERR_JWKS_FETCH_FAILED",
        /// The authorization callback's `state` is not the one this sign-in sent (or there is no
        /// sign-in transaction): nothing was sent anywhere.
        OAuthStateMismatch = "ERR_OAUTH_STATE_MISMATCH",
        /// One Login redirected back with an `error` (`access_denied`, `login_required`…).
        OAuthAuthorizationError = "ERR_OAUTH_AUTHORIZATION_ERROR",
        /// The token endpoint refused the request or answered something unusable.
        OAuthTokenError = "ERR_OAUTH_TOKEN_ERROR",
        /// The userinfo endpoint refused the request or answered something unusable.
        OAuthUserinfoError = "ERR_OAUTH_USERINFO_ERROR",
        /// A back-channel logout token whose `jti` was already seen within its lifetime.
        LogoutTokenReplayed = "ERR_LOGOUT_TOKEN_REPLAYED",
        /// (Browsers) a function was called before `await ready()` finished, or `ready()` could not
        /// fetch, compile or instantiate the WebAssembly module (`cause` says why).
        NotInitialized = "ERR_NOT_INITIALIZED",
        /// (Browsers) a function of the sign-in flow or of signing was called from the browser
        /// build, which leaves them out: they need a private key or a client secret, which never
        /// belong in a browser. Call them where your server code runs.
        ServerOnly = "ERR_SERVER_ONLY",
        /// The client's external signer (a WebCrypto `CryptoKeyPair`, or a `{ publicJwk, sign }`
        /// signer for a KMS or an HSM) failed to sign a client assertion or request object:
        /// `reason` says how (`threw`, `timeout`, `not_bytes`, `wrong_length`, `bad_signature`).
        /// Nothing was sent.
        SignerFailed = "ERR_SIGNER_FAILED",
        /// (Browsers) a function the browser entry's small module leaves out was called from it:
        /// that module decodes, parses keys and verifies tokens (every check included); the
        /// inspector, the client, URLs, PKCE and the lists are in `govuk-one-login-tokens/full`.
        FullEntryOnly = "ERR_FULL_ENTRY_ONLY",
    }
}

crate::lists::named_list! {
    /// Why an external signer's answer was refused (`TokenError.reason` of `ERR_SIGNER_FAILED`).
    #[non_exhaustive]
    pub enum SignerFailureReason as "SignerFailureReason", "Why an external signer failed (`TokenError.reason` of `ERR_SIGNER_FAILED`)." {
        /// `threw`: the signer threw or its promise rejected.
        Threw = "threw",
        /// `timeout`: the signer did not answer within the client's `timeoutMs`.
        Timeout = "timeout",
        /// `not_bytes`: the signer answered something other than a `Uint8Array` or `ArrayBuffer`.
        NotBytes = "not_bytes",
        /// `wrong_length`: the bytes are not one RSA signature (the modulus length), e.g. base64
        /// text or a DER wrapper.
        WrongLength = "wrong_length",
        /// `bad_signature`: the signature does not verify under the public key with the client's
        /// algorithm (another key, another algorithm, or garbage).
        BadSignature = "bad_signature",
    }
}

crate::lists::named_list! {
    /// Why a claim failed, as in jose's `JWTClaimValidationFailed.reason`, plus `sub_mismatch`
    /// (a userinfo response about another user): `missing`, `invalid`, `check_failed` or
    /// `sub_mismatch`.
    #[non_exhaustive]
    pub enum Reason as "ClaimFailureReason", "Why a claim failed (`TokenError.reason`), after jose." {
        /// `missing`: the claim is required but absent.
        Missing = "missing",
        /// `invalid`: the claim has the wrong JSON type or an unusable value.
        Invalid = "invalid",
        /// `check_failed`: a time or other check on the claim failed.
        CheckFailed = "check_failed",
        /// `sub_mismatch`: the userinfo response is about another user than the ID token (`sub`
        /// differs).
        SubMismatch = "sub_mismatch",
    }
}

/// A failure to decode, verify or validate, with a stable [`ErrorCode`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: Cow<'static, str>,
    claim: Option<Cow<'static, str>>,
    reason: Option<Reason>,
    signer_reason: Option<SignerFailureReason>,
    option: Option<Cow<'static, str>>,
    oauth: Option<Box<OAuthDetail>>,
}

/// What an OAuth endpoint said when it refused (the flow's `ERR_OAUTH_…` errors): the
/// redirect's or the response body's `error` and `error_description`, and the HTTP status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthDetail {
    /// The `error` parameter (`access_denied`, `invalid_grant`…).
    pub error: Option<String>,
    /// The `error_description` parameter.
    pub error_description: Option<String>,
    /// The HTTP status of the response.
    pub status: Option<u16>,
}

/// Shorthand for results in this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An error with a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<Cow<'static, str>>) -> Self {
        Error {
            code,
            message: message.into(),
            claim: None,
            reason: None,
            signer_reason: None,
            option: None,
            oauth: None,
        }
    }

    /// An external signer's failure (`ERR_SIGNER_FAILED`) and its reason.
    pub fn signer(reason: SignerFailureReason, message: impl Into<Cow<'static, str>>) -> Self {
        Error {
            signer_reason: Some(reason),
            ..Error::new(ErrorCode::SignerFailed, message)
        }
    }

    /// A caller mistake in one option (`ERR_INVALID_ARGUMENT`), naming the option as the caller
    /// spelled it (`maxAge`, `environment.issuer`), so a form can mark the field.
    pub fn option(
        name: impl Into<Cow<'static, str>>,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Error {
            option: Some(name.into()),
            ..Error::new(ErrorCode::InvalidArgument, message)
        }
    }

    /// An `ERR_INVALID_ARGUMENT` that does not yet name its option now names `name`; any other
    /// error is returned unchanged.
    pub fn for_option(mut self, name: &'static str) -> Self {
        if self.code == ErrorCode::InvalidArgument && self.option.is_none() {
            self.option = Some(Cow::Borrowed(name));
        }
        self
    }

    /// The same error, about the option `name` whatever its code (a key document given as an
    /// option that does not parse, say).
    pub fn with_option(mut self, name: &'static str) -> Self {
        self.option = Some(Cow::Borrowed(name));
        self
    }

    /// The same error, with what the OAuth endpoint said.
    pub fn with_oauth(mut self, detail: OAuthDetail) -> Self {
        self.oauth = Some(Box::new(detail));
        self
    }

    /// The same error, naming the claim (or response member) it is about and why: for the
    /// flow's errors about one member of a response (`sub`, a userinfo claim).
    pub fn with_claim(mut self, claim: impl Into<Cow<'static, str>>, reason: Reason) -> Self {
        self.claim = Some(claim.into());
        self.reason = Some(reason);
        self
    }

    /// A claim failure (`ERR_JWT_CLAIM_VALIDATION_FAILED`) naming the claim and the reason.
    pub fn claim(claim: impl Into<Cow<'static, str>>, reason: Reason) -> Self {
        let claim = claim.into();
        let message = match reason {
            Reason::Missing => format!("missing required \"{claim}\" claim"),
            Reason::Invalid => format!("\"{claim}\" claim has an invalid type or value"),
            Reason::CheckFailed | Reason::SubMismatch => format!("\"{claim}\" claim check failed"),
        };
        Error::claim_with_message(claim, reason, message)
    }

    /// A claim failure with a custom message.
    pub fn claim_with_message(
        claim: impl Into<Cow<'static, str>>,
        reason: Reason,
        message: impl Into<Cow<'static, str>>,
    ) -> Self {
        Error {
            claim: Some(claim.into()),
            reason: Some(reason),
            ..Error::new(ErrorCode::ClaimValidationFailed, message)
        }
    }

    /// The same error with `explanation` added to its message (what One Login would answer).
    pub(crate) fn explained(mut self, explanation: &str) -> Self {
        self.message = format!("{}. {explanation}", self.message).into();
        self
    }

    /// The token has expired (`ERR_JWT_EXPIRED`, claim `exp`, reason `check_failed`).
    pub fn expired() -> Self {
        Error {
            claim: Some(Cow::Borrowed("exp")),
            reason: Some(Reason::CheckFailed),
            ..Error::new(
                ErrorCode::JwtExpired,
                "\"exp\" claim timestamp check failed",
            )
        }
    }

    /// The opaque signature failure. Deliberately one fixed message: which part of a signature
    /// was wrong is not something to tell an attacker.
    pub fn signature() -> Self {
        Error::new(
            ErrorCode::SignatureVerificationFailed,
            "signature verification failed",
        )
    }

    pub(crate) fn jws(message: &'static str) -> Self {
        Error::new(ErrorCode::JwsInvalid, message)
    }

    pub(crate) fn jwt(message: &'static str) -> Self {
        Error::new(ErrorCode::JwtInvalid, message)
    }

    pub(crate) fn jwk(message: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorCode::JwkInvalid, message)
    }

    pub(crate) fn jwks(message: impl Into<Cow<'static, str>>) -> Self {
        Error::new(ErrorCode::JwksInvalid, message)
    }

    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// For claim failures (and `ERR_JWT_EXPIRED`): the claim's name.
    pub fn claim_name(&self) -> Option<&str> {
        self.claim.as_deref()
    }

    /// For claim failures (and `ERR_JWT_EXPIRED`): why it failed.
    pub fn reason(&self) -> Option<Reason> {
        self.reason
    }

    /// For `ERR_SIGNER_FAILED`: why the signer's answer was refused.
    pub fn signer_reason(&self) -> Option<SignerFailureReason> {
        self.signer_reason
    }

    /// The option the error is about: always for `ERR_INVALID_ARGUMENT`, and for a key document
    /// given as an option that does not parse.
    pub fn option_name(&self) -> Option<&str> {
        self.option.as_deref()
    }

    /// For the flow's `ERR_OAUTH_…` errors: what the endpoint said.
    pub fn oauth(&self) -> Option<&OAuthDetail> {
        self.oauth.as_deref()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn codes_are_unique_and_prefixed() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            assert!(code.as_str().starts_with("ERR_"), "{code}");
            assert!(seen.insert(code.as_str()), "duplicate {code}");
        }
    }

    #[test]
    fn claim_errors_carry_name_and_reason() {
        let e = Error::claim("nonce", Reason::CheckFailed);
        assert_eq!(e.code(), ErrorCode::ClaimValidationFailed);
        assert_eq!(e.claim_name(), Some("nonce"));
        assert_eq!(e.reason().map(Reason::as_str), Some("check_failed"));
        assert_eq!(e.message(), "\"nonce\" claim check failed");
    }
}

/// Longest caller-given value a message quotes (see [`shown`]).
pub(crate) const MAX_SHOWN_CHARS: usize = 12;

/// A caller-given value as an error message may quote it: the value itself when it is short
/// enough to be one of the words it should have been (`Cl.Cm.P2`, `RS256`, `address`,
/// `integration`), else only its length. A message must never carry a token, a code, a
/// verifier or a secret passed in the wrong place, and those are all longer than this.
pub(crate) fn shown(value: &str) -> String {
    let chars = value.chars().count();
    if chars <= MAX_SHOWN_CHARS {
        quoted(value)
    } else {
        format!("(a value of {chars} characters, not shown)")
    }
}

/// `value` in double quotes as a message shows it: `"` and `\` escaped (`\"`, `\\`), `\t`, `\r`, `\n` and
/// `\0` by name, printable ASCII as it is, and every other character as `\u{hex}` (so a message
/// never carries an invisible, reordering or look-alike character). The same text as Rust's
/// `{:?}` for the ASCII names and words messages quote, without `core::fmt`'s Unicode tables.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\0' => out.push_str("\\0"),
            ' '..='~' => out.push(c),
            c => {
                out.push_str("\\u{");
                let code = u32::from(c);
                let digits = (32 - code.leading_zeros()).div_ceil(4).max(1);
                for shift in (0..digits).rev() {
                    let nibble = (code >> (shift * 4)) & 0xf;
                    out.push(char::from_digit(nibble, 16).unwrap_or('0'));
                }
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod shown_tests {
    #[test]
    fn quoted_matches_debug_for_words_and_escapes_the_rest() {
        for word in [
            "",
            "RS256",
            "Cl.Cm.P2",
            "a b",
            "say \"hi\"",
            "back\\slash",
            "tab\tline\n",
            "nul\0",
        ] {
            assert_eq!(super::quoted(word), format!("{word:?}"), "{word:?}");
        }
        assert_eq!(super::quoted("\u{1b}"), "\"\\u{1b}\"");
        assert_eq!(super::quoted("\u{202e}x"), "\"\\u{202e}x\"");
        assert_eq!(super::quoted("\u{7f}"), "\"\\u{7f}\"");
        assert_eq!(super::quoted("caf\u{e9}"), "\"caf\\u{e9}\"");
        assert_eq!(super::quoted("\u{1f600}"), "\"\\u{1f600}\"");
    }

    #[test]
    fn short_values_are_quoted_long_ones_are_not() {
        assert_eq!(super::shown("Cl.Cm.P9"), "\"Cl.Cm.P9\"");
        assert_eq!(
            super::shown("eyJhbGciOiJFUzI1NiJ9.e30.sig"),
            "(a value of 28 characters, not shown)"
        );
    }
}
