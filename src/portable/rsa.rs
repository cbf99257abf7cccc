//! RSASSA-PKCS1-v1_5 / SHA-256 verification (RFC 8017 §8.2.2) with Montgomery arithmetic on
//! 32-bit limbs, precomputed once per key.
//!
//! ```ignore
//! let verifier = RsaVerifier::new(&modulus_be, 65537)?; // once, when the key is parsed
//! let valid = verifier.verify_sha256(message, &signature); // per token
//! ```
//!
//! Verification handles only public data (the key, the message, the signature), so nothing
//! here needs to run in constant time; it needs to be right, which the differential tests
//! against the `rsa` crate check (tests/differential.rs).
//!
//! Limbs are `u32` with `u64` products: wasm32 multiplies 32×32→64 natively (`i64.mul`), while
//! `u128` arithmetic is emulated there.

use sha2::{Digest, Sha256};

/// The DER prefix of the `DigestInfo` for SHA-256 (RFC 8017 §9.2 note 1), with the `NULL`
/// parameters: the one encoding accepted.
const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// An RSA public key prepared for repeated verification: the modulus as little-endian limbs,
/// `-n⁻¹ mod 2³²` and `R² mod n` for `R = 2^(32·limbs)`.
#[derive(Clone)]
pub(crate) struct RsaVerifier {
    modulus: Vec<u32>,
    /// The modulus length in bytes (`k` in RFC 8017): signatures and encodings have this length.
    modulus_len: usize,
    /// `-n⁻¹ mod 2³²`, the Montgomery reduction factor.
    neg_inverse: u32,
    /// `R² mod n`, which takes a value into the Montgomery domain.
    r_squared: Vec<u32>,
    /// The public exponent: odd and at least 3 (the key parser refuses anything else).
    exponent: u32,
}

impl std::fmt::Debug for RsaVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RsaVerifier")
            .field("bits", &(self.modulus_len * 8))
            .field("exponent", &self.exponent)
            .finish_non_exhaustive()
    }
}

impl RsaVerifier {
    /// Prepare `modulus_be` (big-endian, no leading zero byte) and `exponent` for verification.
    /// `None` unless the modulus is odd and above 1 and the exponent odd and at least 3.
    pub(crate) fn new(modulus_be: &[u8], exponent: u32) -> Option<RsaVerifier> {
        let low = *modulus_be.last()?;
        if low & 1 == 0 || modulus_be.first() == Some(&0) || exponent < 3 || exponent & 1 == 0 {
            return None;
        }
        let modulus = limbs_from_be(modulus_be);
        if modulus.len() < 2 {
            return None;
        }
        let mut verifier = RsaVerifier {
            neg_inverse: neg_inverse(*modulus.first()?),
            r_squared: Vec::new(),
            modulus,
            modulus_len: modulus_be.len(),
            exponent,
        };
        verifier.r_squared = verifier.r_squared_mod_n();
        Some(verifier)
    }

    /// `R² mod n` for `R = 2^(32·limbs)`, from `R mod n` by doubling (`2^t·R` for the odd part
    /// `t` of `32·limbs`), then by Montgomery squaring, which takes `2^a·R` to `2^(2a)·R`:
    /// `32·limbs = t·2^s`, so `s` squarings end at `2^(32·limbs)·R = R²`.
    fn r_squared_mod_n(&self) -> Vec<u32> {
        let limbs = self.modulus.len();
        // 1 < n (the modulus has at least two limbs and a non-zero top byte).
        let mut value = vec![0u32; limbs];
        if let Some(lowest) = value.first_mut() {
            *lowest = 1;
        }
        let bits = 32 * limbs;
        let squarings = bits.trailing_zeros();
        let odd_part = bits >> squarings;
        for _ in 0..bits + odd_part {
            self.double_in_place(&mut value);
        }
        let mut scratch = vec![0u32; limbs];
        for _ in 0..squarings {
            self.montgomery_multiply(&mut scratch, &value, &value);
            std::mem::swap(&mut value, &mut scratch);
        }
        value
    }

    /// `value = 2·value mod n` for `value < n`.
    fn double_in_place(&self, value: &mut [u32]) {
        let mut carry = 0u32;
        for limb in value.iter_mut() {
            let next_carry = *limb >> 31;
            *limb = (*limb << 1) | carry;
            carry = next_carry;
        }
        // 2·value < 2n, so one subtraction reduces it.
        if carry != 0 || !less_than(value, &self.modulus) {
            subtract_in_place(value, &self.modulus);
        }
    }

    /// Whether `signature` is the RSASSA-PKCS1-v1_5 signature of `message` with SHA-256:
    /// `signature` is exactly `k` bytes, below `n`, and `signature^e mod n` is exactly
    /// `0x00 0x01 FF…FF 0x00 DigestInfo(SHA-256(message))`.
    pub(crate) fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        let Some(recovered) = self.public_operation(signature) else {
            return false;
        };
        let digest = Sha256::digest(message);
        let padding = self
            .modulus_len
            .saturating_sub(3 + SHA256_DIGEST_INFO_PREFIX.len() + digest.len());
        // RFC 8017 §9.2 step 3: at least 8 bytes of 0xFF (always so for k ≥ 256 bytes).
        if padding < 8 {
            return false;
        }
        let expected = [0x00, 0x01]
            .iter()
            .chain(std::iter::repeat_n(&0xff, padding))
            .chain(&[0x00])
            .chain(&SHA256_DIGEST_INFO_PREFIX)
            .chain(digest.iter());
        recovered.len() == self.modulus_len && recovered.iter().eq(expected)
    }

    /// `signature^e mod n` as `k` big-endian bytes; `None` if the signature is not exactly
    /// `k` bytes or not below `n` (RFC 8017 §8.2.2 step 1 and §5.2.2 step 1).
    pub(crate) fn public_operation(&self, signature: &[u8]) -> Option<Vec<u8>> {
        if signature.len() != self.modulus_len {
            return None;
        }
        let base = limbs_from_be(signature);
        if !less_than(&base, &self.modulus) {
            return None;
        }
        let limbs = self.modulus.len();
        let mut accumulator = vec![0u32; limbs];
        let mut scratch = vec![0u32; limbs];
        // base·R mod n: the base in the Montgomery domain.
        let mut base_mont = vec![0u32; limbs];
        self.montgomery_multiply(&mut base_mont, &base, &self.r_squared);
        accumulator.copy_from_slice(&base_mont);
        // Left to right over the exponent's bits below the top one and above the lowest: the
        // accumulator holds base^(e >> bit)·R.
        let top = 31 - self.exponent.leading_zeros();
        for bit in (1..top).rev() {
            self.montgomery_multiply(&mut scratch, &accumulator, &accumulator);
            if (self.exponent >> bit) & 1 == 1 {
                self.montgomery_multiply(&mut accumulator, &scratch, &base_mont);
            } else {
                std::mem::swap(&mut accumulator, &mut scratch);
            }
        }
        // The lowest bit is 1 (e is odd): square, then multiply by the plain base, which
        // removes the factor R: base^e mod n.
        self.montgomery_multiply(&mut scratch, &accumulator, &accumulator);
        self.montgomery_multiply(&mut accumulator, &scratch, &base);
        let bytes = accumulator
            .iter()
            .rev()
            .flat_map(|limb| limb.to_be_bytes())
            .skip(limbs * 4 - self.modulus_len)
            .collect();
        Some(bytes)
    }

    /// `out = a·b·R⁻¹ mod n` for `a, b < n` (CIOS: Koç, Acar and Kaliski, "Analyzing and
    /// comparing Montgomery multiplication algorithms", 1996), fully reduced, so `out < n`.
    fn montgomery_multiply(&self, out: &mut [u32], a: &[u32], b: &[u32]) {
        out.fill(0);
        // The bit above the top limb: `out < 2n < 2R` between rounds, so one bit suffices.
        let mut out_high = 0u64;
        for &a_limb in a {
            let a_limb = u64::from(a_limb);
            let mut row = out.iter_mut().zip(b.iter().zip(&self.modulus));
            let Some((out_0, (&b_0, &n_0))) = row.next() else {
                return;
            };
            // Each step adds a_limb·b[j] and m·n[j]; every sum is at most
            // (2³²-1) + (2³²-1)² + (2³²-1) = 2⁶⁴-1, so u64 never overflows.
            let product = u64::from(*out_0) + a_limb * u64::from(b_0);
            let mut carry_product = product >> 32;
            // m makes the lowest limb of out + a_limb·b + m·n zero, so the sum divides by 2³².
            let m = u64::from((product as u32).wrapping_mul(self.neg_inverse));
            let reduced = (product & 0xffff_ffff) + m * u64::from(n_0);
            let mut carry_reduced = reduced >> 32;
            // Each limb's result is written one place down (the division by 2³²).
            let mut previous = out_0;
            for (out_j, (&b_j, &n_j)) in row {
                let product = u64::from(*out_j) + a_limb * u64::from(b_j) + carry_product;
                carry_product = product >> 32;
                let reduced = (product & 0xffff_ffff) + m * u64::from(n_j) + carry_reduced;
                carry_reduced = reduced >> 32;
                *previous = reduced as u32;
                previous = out_j;
            }
            let top = out_high + carry_product + carry_reduced;
            *previous = top as u32;
            out_high = top >> 32;
        }
        if out_high != 0 || !less_than(out, &self.modulus) {
            subtract_in_place(out, &self.modulus);
        }
    }
}

/// Little-endian 32-bit limbs of a big-endian byte string (the top limb zero-padded).
fn limbs_from_be(bytes: &[u8]) -> Vec<u32> {
    bytes
        .rchunks(4)
        .map(|chunk| {
            chunk
                .iter()
                .fold(0u32, |limb, &b| (limb << 8) | u32::from(b))
        })
        .collect()
}

/// Whether `a < b`, both little-endian limbs of the same length.
fn less_than(a: &[u32], b: &[u32]) -> bool {
    a.iter().rev().lt(b.iter().rev())
}

/// `a -= b` modulo 2^(32·len), both little-endian limbs of the same length.
fn subtract_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = false;
    for (a_limb, &b_limb) in a.iter_mut().zip(b) {
        let (difference, borrow_1) = a_limb.overflowing_sub(b_limb);
        let (difference, borrow_2) = difference.overflowing_sub(u32::from(borrow));
        *a_limb = difference;
        borrow = borrow_1 || borrow_2;
    }
}

/// `-n⁻¹ mod 2³²` for odd `n` by Newton's iteration: `x` = n is correct to 3 bits (n² ≡ 1
/// mod 8), and each step `x·(2 - n·x)` doubles the correct bits: 3, 6, 12, 24, 48.
fn neg_inverse(n: u32) -> u32 {
    let mut inverse = n;
    for _ in 0..4 {
        inverse = inverse.wrapping_mul(2u32.wrapping_sub(n.wrapping_mul(inverse)));
    }
    inverse.wrapping_neg()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::BigUint;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn neg_inverse_is_the_negated_inverse_modulo_2_32() {
        for n in [1u32, 3, 0xffff_ffff, 0x8000_0001, 0x1234_5677, 65537] {
            assert_eq!(n.wrapping_mul(neg_inverse(n)), u32::MAX, "n = {n:#x}");
        }
    }

    #[test]
    fn limbs_are_little_endian_with_a_padded_top_limb() {
        assert_eq!(
            limbs_from_be(&[0x01, 0x02, 0x03, 0x04, 0x05, 0x06]),
            vec![0x0304_0506, 0x0102]
        );
    }

    #[test]
    fn the_public_operation_matches_biguint_modpow() {
        // An odd 2056-bit modulus (not a real RSA key: the arithmetic does not care) and
        // several exponents, against num-bigint-dig.
        let mut modulus = vec![0xa5u8; 257];
        if let Some(last) = modulus.last_mut() {
            *last = 0x6b;
        }
        let n = BigUint::from_bytes_be(&modulus);
        for exponent in [3u32, 17, 65537, 0xffff_ffff, 0x8000_0001] {
            let Some(verifier) = RsaVerifier::new(&modulus, exponent) else {
                unreachable!("the modulus is odd")
            };
            for seed in 0u8..8 {
                let mut signature: Vec<u8> = (0..257u32)
                    .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                    .collect();
                if let Some(first) = signature.first_mut() {
                    *first = seed;
                }
                let expected =
                    BigUint::from_bytes_be(&signature).modpow(&BigUint::from(exponent), &n);
                let mut expected_be = expected.to_bytes_be();
                while expected_be.len() < 257 {
                    expected_be.insert(0, 0);
                }
                assert_eq!(verifier.public_operation(&signature), Some(expected_be));
            }
        }
    }

    #[test]
    fn the_public_operation_matches_biguint_modpow_for_random_moduli() {
        use rand_core::{OsRng, RngCore};
        // Odd moduli of every length from 2,048 to 4,096 bits in steps of a byte, random
        // exponents (odd, at least 3) and random bases below the modulus.
        for _ in 0..64 {
            let len = 256 + (OsRng.next_u32() % 257) as usize;
            let mut modulus = vec![0u8; len];
            OsRng.fill_bytes(&mut modulus);
            if let Some(first) = modulus.first_mut() {
                *first |= 1 << (OsRng.next_u32() % 8);
            }
            if let Some(last) = modulus.last_mut() {
                *last |= 1;
            }
            let exponent = (OsRng.next_u32() | 1).max(3);
            let Some(verifier) = RsaVerifier::new(&modulus, exponent) else {
                unreachable!("the modulus is odd")
            };
            let n = BigUint::from_bytes_be(&modulus);
            let mut r_squared = limbs_from_be(
                &((BigUint::from(1u8) << (64 * verifier.modulus.len())) % &n).to_bytes_be(),
            );
            r_squared.resize(verifier.modulus.len(), 0);
            assert_eq!(
                verifier.r_squared, r_squared,
                "R² mod n, {len}-byte modulus"
            );
            let mut random = vec![0u8; len];
            OsRng.fill_bytes(&mut random);
            let base = BigUint::from_bytes_be(&random) % &n;
            let mut base_be = base.to_bytes_be();
            base_be.splice(0..0, std::iter::repeat_n(0, len - base_be.len()));
            let mut expected = base.modpow(&BigUint::from(exponent), &n).to_bytes_be();
            expected.splice(0..0, std::iter::repeat_n(0, len - expected.len()));
            assert_eq!(verifier.public_operation(&base_be), Some(expected));
        }
    }

    #[test]
    fn signatures_not_below_the_modulus_or_of_another_length_are_refused() {
        let modulus = [0xffu8; 256];
        let Some(verifier) = RsaVerifier::new(&modulus, 65537) else {
            unreachable!("the modulus is odd")
        };
        assert!(verifier.public_operation(&modulus).is_none());
        assert!(verifier.public_operation(&[0u8; 255]).is_none());
        assert!(verifier.public_operation(&[0u8; 257]).is_none());
        assert!(verifier.public_operation(&[0u8; 256]).is_some());
        assert!(RsaVerifier::new(&[0xfe; 256], 65537).is_none());
        assert!(RsaVerifier::new(&modulus, 65536).is_none());
        assert!(RsaVerifier::new(&modulus, 1).is_none());
    }
}
