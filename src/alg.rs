//! The JWS algorithms this crate verifies, and the allow-list type.
//!
//! Only asymmetric algorithms exist here, so `alg: none` and HMAC key confusion are impossible
//! by construction: there is no variant to parse them into.

use crate::error::{Error, ErrorCode, Result};

/// A supported JWS signature algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// ECDSA on P-256 with SHA-256, signature as raw 64-byte `r || s` (One Login's default).
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256, modulus 2048 to 4096 bits.
    Rs256,
}

impl Algorithm {
    /// The name used in JOSE headers and JWKs.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Es256 => "ES256",
            Algorithm::Rs256 => "RS256",
        }
    }

    /// The JWK `kty` a key for this algorithm has.
    pub const fn key_type(self) -> &'static str {
        match self {
            Algorithm::Es256 => "EC",
            Algorithm::Rs256 => "RSA",
        }
    }

    /// Parse an algorithm name exactly as written (JOSE names are case-sensitive).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        match name {
            "ES256" => Some(Algorithm::Es256),
            "RS256" => Some(Algorithm::Rs256),
            _ => None,
        }
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
