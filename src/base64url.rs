//! Strict base64url without padding (RFC 7515 §2, RFC 4648 §5).
//!
//! Strict means one encoding per byte string: padding, whitespace, characters outside the
//! URL-safe alphabet, impossible lengths and non-zero trailing bits are all refused. Lenient
//! decoders let `…Q` and `…R` decode to the same bytes, which lets an attacker change a
//! token's text without changing what it says (RFC 8725 §2.6).

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

/// The URL-safe alphabet, no padding written or accepted, and the unused bits of the last
/// character required to be zero.
const STRICT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Why a string is not strict base64url.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// A character outside `A–Z a–z 0–9 - _` (this includes `=`, `+`, `/` and whitespace).
    InvalidCharacter,
    /// The length leaves a single dangling character (`len % 4 == 1`).
    InvalidLength,
    /// The unused low bits of the last character are not zero.
    NonCanonical,
}

/// Decode strict, unpadded base64url.
///
/// # Errors
/// Returns a [`DecodeError`] for any input that is not the one canonical encoding of some bytes.
pub fn decode(input: &str) -> Result<Vec<u8>, DecodeError> {
    STRICT.decode(input).map_err(|e| match e {
        base64::DecodeError::InvalidLength(_) => DecodeError::InvalidLength,
        base64::DecodeError::InvalidLastSymbol(..) => DecodeError::NonCanonical,
        // Padding is a character outside the alphabet here.
        base64::DecodeError::InvalidByte(..) | base64::DecodeError::InvalidPadding => {
            DecodeError::InvalidCharacter
        }
    })
}

/// Encode as unpadded base64url.
pub fn encode(input: &[u8]) -> String {
    STRICT.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rfc4648_vectors_round_trip() {
        // RFC 4648 §10, without padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(encode(plain.as_bytes()), encoded);
            assert_eq!(decode(encoded).as_deref(), Ok(plain.as_bytes()));
        }
    }

    #[test]
    fn url_safe_alphabet() {
        assert_eq!(encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(decode("-_8"), Ok(vec![0xfb, 0xff]));
    }

    #[test]
    fn refuses_padding_whitespace_and_standard_alphabet() {
        for bad in ["Zg==", "Zm9v\n", " Zm9v", "Zm+v", "Zm/v", "Zm9v=", "Zm.9"] {
            assert!(decode(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(decode("Zg=="), Err(DecodeError::InvalidCharacter));
        assert_eq!(decode("Zm+v"), Err(DecodeError::InvalidCharacter));
    }

    #[test]
    fn refuses_non_canonical_trailing_bits() {
        assert_eq!(decode("Zh"), Err(DecodeError::NonCanonical)); // "Zg" plus a set spare bit
        assert_eq!(decode("Zm9"), Err(DecodeError::NonCanonical)); // "Zm8" plus one
        assert_eq!(decode("Z"), Err(DecodeError::InvalidLength));
    }

    #[test]
    fn round_trips_every_byte_value_and_length() {
        let data: Vec<u8> = (0..=255).collect();
        for len in 0..data.len() {
            let slice = data.get(..len).unwrap_or_default();
            assert_eq!(decode(&encode(slice)).as_deref(), Ok(slice));
        }
    }
}
