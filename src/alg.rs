//! The JWS algorithms this crate verifies, the allow-list type, and the algorithms it signs
//! client assertions and request objects with.
//!
//! Only asymmetric algorithms exist here, so `alg: none` and HMAC key confusion are impossible
//! by construction: there is no variant to parse them into.

use crate::error::{Error, ErrorCode, Result};

crate::lists::named_list! {
    /// A supported JWS signature algorithm.
    pub enum Algorithm as "Algorithm", "The only algorithms that exist here: `none` and HMAC cannot be expressed." {
        /// ECDSA on P-256 with SHA-256, signature as raw 64-byte `r || s` (One Login's default).
        Es256 = "ES256" { key_type: "EC" },
        /// RSASSA-PKCS1-v1_5 with SHA-256, modulus 2048 to 4096 bits.
        Rs256 = "RS256" { key_type: "RSA" },
    }
    struct AlgorithmFacts {
        /// The JWK `kty` a key for this algorithm has.
        key_type: &'static str,
    }
}

crate::lists::named_list! {
    /// The signature algorithm for client assertions and request objects: One Login accepts
    /// only RSA here (its discovery lists RS256–RS512 and PS256–PS512, no ES*).
    #[derive(Default)]
    pub enum SigningAlgorithm as "SigningAlgorithm", "One Login accepts only RSA for `private_key_jwt` and request objects." {
        /// RSASSA-PKCS1-v1_5 with SHA-256.
        #[default]
        Rs256 = "RS256",
        /// RSASSA-PKCS1-v1_5 with SHA-384.
        Rs384 = "RS384",
        /// RSASSA-PKCS1-v1_5 with SHA-512.
        Rs512 = "RS512",
        /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
        Ps256 = "PS256",
        /// RSASSA-PSS with SHA-384, MGF1-SHA-384 and a 48-byte salt.
        Ps384 = "PS384",
        /// RSASSA-PSS with SHA-512, MGF1-SHA-512 and a 64-byte salt.
        Ps512 = "PS512",
    }
}

impl SigningAlgorithm {
    /// Parse one of [`SigningAlgorithm::NAMES`].
    ///
    /// # Errors
    /// `ERR_JOSE_NOT_SUPPORTED` for anything else (One Login refuses EC client keys).
    pub fn from_name(name: &str) -> Result<SigningAlgorithm> {
        SigningAlgorithm::named(name).ok_or_else(|| {
            Error::new(
                ErrorCode::NotSupported,
                format!(
                    "cannot sign with {}: One Login accepts {} here",
                    crate::error::shown(name),
                    crate::lists::in_words(SigningAlgorithm::NAMES)
                ),
            )
        })
    }
}

impl Algorithm {
    /// Parse an algorithm name exactly as written (JOSE names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::named(name)
    }

    const fn bit(self) -> u8 {
        match self {
            Algorithm::Es256 => 1,
            Algorithm::Rs256 => 2,
        }
    }
}

/// The algorithms a caller accepts for one verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Algorithms(u8);

impl Algorithms {
    /// Every supported algorithm: ES256 and RS256.
    pub const ALL: Algorithms = Algorithms(3);

    /// Exactly one algorithm.
    pub const fn only(alg: Algorithm) -> Algorithms {
        Algorithms(alg.bit())
    }

    /// Whether `alg` is allowed.
    pub const fn contains(self, alg: Algorithm) -> bool {
        self.0 & alg.bit() != 0
    }

    /// Build an allow-list from names, as a caller would pass them.
    ///
    /// # Errors
    /// `ERR_JOSE_NOT_SUPPORTED` for a name this crate cannot verify (such as `PS256` or
    /// `HS256`), `ERR_INVALID_ARGUMENT` for an empty list.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<Algorithms> {
        let mut bits = 0;
        for name in names {
            let alg = Algorithm::from_name(name).ok_or_else(|| {
                Error::new(
                    ErrorCode::NotSupported,
                    format!(
                        "unsupported algorithm {}: only ES256 and RS256 are verified",
                        crate::error::shown(name)
                    ),
                )
            })?;
            bits |= alg.bit();
        }
        if bits == 0 {
            return Err(Error::option(
                "algorithms",
                "\"algorithms\" must not be empty",
            ));
        }
        Ok(Algorithms(bits))
    }

    /// The header's `alg`, if this allow-list accepts it.
    ///
    /// # Errors
    /// `ERR_JOSE_ALG_NOT_ALLOWED` for `none` in any spelling, any HMAC, anything unsupported,
    /// and supported algorithms outside this list.
    pub fn check(self, header_alg: &str) -> Result<Algorithm> {
        match Algorithm::from_name(header_alg) {
            Some(alg) if self.contains(alg) => Ok(alg),
            _ => Err(Error::new(
                ErrorCode::AlgNotAllowed,
                "\"alg\" (Algorithm) Header Parameter value not allowed",
            )),
        }
    }
}

impl Default for Algorithms {
    fn default() -> Self {
        Algorithms::ALL
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn refuses_none_hmac_and_case_variants() {
        for alg in [
            "none", "None", "NONE", "nOnE", "HS256", "es256", "Rs256", "PS256", "",
        ] {
            let err = Algorithms::ALL.check(alg).err().map(|e| e.code());
            assert_eq!(err, Some(ErrorCode::AlgNotAllowed), "{alg}");
        }
    }

    #[test]
    fn allow_list_restricts() {
        let only_es = Algorithms::only(Algorithm::Es256);
        assert_eq!(only_es.check("ES256").ok(), Some(Algorithm::Es256));
        assert!(only_es.check("RS256").is_err());
        let from = Algorithms::from_names(["RS256"]);
        assert_eq!(from.map(|a| a.contains(Algorithm::Rs256)), Ok(true));
        assert_eq!(
            Algorithms::from_names(["HS256"]).err().map(|e| e.code()),
            Some(ErrorCode::NotSupported)
        );
        assert_eq!(
            Algorithms::from_names([]).err().map(|e| e.code()),
            Some(ErrorCode::InvalidArgument)
        );
    }
}
