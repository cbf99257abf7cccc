//! Strict base64url without padding (RFC 7515 §2, RFC 4648 §5).
//!
//! Strict means one encoding per byte string: padding, whitespace, characters outside the
//! URL-safe alphabet, impossible lengths and non-zero trailing bits are all refused. Lenient
//! decoders let `…Q` and `…R` decode to the same bytes, which lets an attacker change a
//! token's text without changing what it says (RFC 8725 §2.6).

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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

fn value_of(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some(u32::from(c - b'A')),
        b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
        b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    }
}

/// Decode strict, unpadded base64url.
///
/// # Errors
/// Returns a [`DecodeError`] for any input that is not the one canonical encoding of some bytes.
pub fn decode(input: &str) -> Result<Vec<u8>, DecodeError> {
    let bytes = input.as_bytes();
    if bytes.len() % 4 == 1 {
        return Err(DecodeError::InvalidLength);
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    let mut chunks = bytes.chunks_exact(4);
    for chunk in &mut chunks {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | value_of(c).ok_or(DecodeError::InvalidCharacter)?;
        }
        out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut acc = 0u32;
        for &c in rest {
            acc = (acc << 6) | value_of(c).ok_or(DecodeError::InvalidCharacter)?;
        }
        // Two characters carry 12 bits for one byte (4 spare), three carry 18 for two (2 spare).
        let (spare_bits, n) = if rest.len() == 2 { (4, 1) } else { (2, 2) };
        if acc & ((1 << spare_bits) - 1) != 0 {
            return Err(DecodeError::NonCanonical);
        }
        let acc = acc >> spare_bits;
        if n == 1 {
            out.push(acc as u8);
        } else {
            out.extend_from_slice(&[(acc >> 8) as u8, acc as u8]);
        }
    }
    Ok(out)
}

/// Encode bytes as unpadded base64url.
pub fn encode(input: &[u8]) -> String {
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    // The mask keeps the index below 64, so the fallback is never taken.
    let sextet = |v: u32, shift: u32| {
        char::from(*ALPHABET.get(((v >> shift) & 63) as usize).unwrap_or(&b'A'))
    };
    let mut chunks = input.chunks_exact(3);
    for chunk in &mut chunks {
        let v = chunk.iter().fold(0u32, |acc, &b| (acc << 8) | u32::from(b));
        for shift in [18, 12, 6, 0] {
            out.push(sextet(v, shift));
        }
    }
    match *chunks.remainder() {
        [a] => {
            let v = u32::from(a) << 16;
            out.push(sextet(v, 18));
            out.push(sextet(v, 12));
        }
        [a, b] => {
            let v = (u32::from(a) << 16) | (u32::from(b) << 8);
            out.push(sextet(v, 18));
            out.push(sextet(v, 12));
            out.push(sextet(v, 6));
        }
        _ => {}
    }
    out
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
