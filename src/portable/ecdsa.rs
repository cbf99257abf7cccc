//! ECDSA P-256 / SHA-256 verification (FIPS 186-5 §6.4.2) with fixed-base tables: one for the
//! generator, shared and built once, and one per public key, built when the key is verified
//! with a second time.
//!
//! ```ignore
//! let verifier = P256Verifier::new(verifying_key); // when the key is parsed
//! let valid = verifier.verify_sha256(message, &signature); // per token: r || s, 64 bytes
//! ```
//!
//! The field, scalar and group arithmetic is the `p256` crate's; this module only changes how
//! `u1·G + u2·Q` is computed. A table holds, for each `w`-bit window `i` of a scalar, the points
//! `j·2^(w·i)·P` for `j = 1..=2^(w-1)`; a scalar recoded into signed digits in
//! `[-2^(w-1), 2^(w-1)]` then costs one point addition per window and no doublings. The points
//! stay projective: p256 0.13 offers no batch inversion (its field elements do not implement
//! `Invert`), and one inversion per point would cost more than the table saves, while a full
//! projective addition costs only one field multiplication more than a mixed one.
//! Verification handles only public data, so variable time is fine; the differential tests
//! against the `p256` crate check that the answers are the same (tests/differential.rs).

use p256::ecdsa::VerifyingKey;
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::ops::{Invert, Reduce};
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{FieldBytes, ProjectivePoint, Scalar, U256};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

/// Window width of the generator's table: 33 windows of 128 points (4,224 projective points of
/// 96 bytes, about 400 KB), built once per process on the second ES256 verification (about
/// 4 ms in wasm32 under Node).
const GENERATOR_WINDOW_BITS: u32 = 8;

/// Window width of a public key's table: 43 windows of 32 points (1,376 projective points of
/// 96 bytes, about 130 KB per key; 5-bit windows would take 80 KB and 9 more additions).
const KEY_WINDOW_BITS: u32 = 6;

/// The generator's table, shared by every key.
fn generator_table() -> &'static FixedBaseTable {
    static TABLE: OnceLock<FixedBaseTable> = OnceLock::new();
    TABLE.get_or_init(|| FixedBaseTable::new(ProjectivePoint::GENERATOR, GENERATOR_WINDOW_BITS))
}

/// `k·G`, from the generator's table from the process's second ES256 verification on. The
/// first multiplies without it, which costs about a tenth of building the table: a process
/// that verifies one token (a cold start's first request, a CLI run) never builds it.
fn generator_multiple(k: &Scalar) -> Option<ProjectivePoint> {
    static VERIFIED_BEFORE: AtomicBool = AtomicBool::new(false);
    if VERIFIED_BEFORE.swap(true, Ordering::Relaxed) {
        generator_table().multiply(k)
    } else {
        Some(ProjectivePoint::GENERATOR * k)
    }
}

/// A P-256 public key prepared for repeated verification.
///
/// The key's own table is built at the second verification with the key, not when it is
/// parsed: building it (1,376 point additions, about 4 ms in wasm32 under Node, as much as 20
/// verifications with the table or 5 with the `p256` crate's own) is wasted on a key used
/// once (a JWKS passed per call, a DID document read for one credential), while a key that is
/// verified twice is most likely the long-lived key of a parsed key set. The first
/// verification multiplies by the key without a table, which still costs about two thirds of
/// the `p256` crate's own verification (it multiplies by G without a table too).
pub(crate) struct P256Verifier {
    key: VerifyingKey,
    /// Set by the first verification; the second builds [`P256Verifier::table`].
    verified_before: AtomicBool,
    /// Shared between clones, so cloning a key set does not copy the tables.
    table: OnceLock<Arc<FixedBaseTable>>,
}

impl Clone for P256Verifier {
    fn clone(&self) -> P256Verifier {
        P256Verifier {
            key: self.key,
            verified_before: AtomicBool::new(self.verified_before.load(Ordering::Relaxed)),
            table: self.table.clone(),
        }
    }
}

impl std::fmt::Debug for P256Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("P256Verifier")
            .field("key", &self.key)
            .field("table_built", &self.table.get().is_some())
            .finish()
    }
}

impl P256Verifier {
    /// Prepare `key` (a validated curve point, not the identity) for verification.
    pub(crate) fn new(key: VerifyingKey) -> P256Verifier {
        P256Verifier {
            key,
            verified_before: AtomicBool::new(false),
            table: OnceLock::new(),
        }
    }

    /// The public key.
    pub(crate) fn key(&self) -> &VerifyingKey {
        &self.key
    }

    /// Whether `signature` (`r || s`, 64 bytes, each in `[1, n-1]`) is an ECDSA signature of
    /// `message` with SHA-256 under this key.
    pub(crate) fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        let digest: FieldBytes = Sha256::digest(message);
        if self.verified_before.swap(true, Ordering::Relaxed) {
            let table = self.table.get_or_init(|| {
                Arc::new(FixedBaseTable::new(
                    ProjectivePoint::from(*self.key.as_affine()),
                    KEY_WINDOW_BITS,
                ))
            });
            verify_prehashed(&digest, signature, generator_multiple, |u2| {
                table.multiply(u2)
            })
        } else {
            let point = ProjectivePoint::from(*self.key.as_affine());
            verify_prehashed(&digest, signature, generator_multiple, |u2| {
                Some(point * u2)
            })
        }
    }

    /// [`P256Verifier::verify_sha256`] with or without each table, whether built or not: the
    /// paths of the process's first verification and of a key's first verification.
    #[cfg(test)]
    fn verify_sha256_with(
        &self,
        message: &[u8],
        signature: &[u8],
        generator_table_used: bool,
        key_table_used: bool,
    ) -> bool {
        let point = ProjectivePoint::from(*self.key.as_affine());
        let key_table = FixedBaseTable::new(point, KEY_WINDOW_BITS);
        verify_prehashed(
            &Sha256::digest(message),
            signature,
            |u1| match generator_table_used {
                true => generator_table().multiply(u1),
                false => Some(ProjectivePoint::GENERATOR * u1),
            },
            |u2| match key_table_used {
                true => key_table.multiply(u2),
                false => Some(point * u2),
            },
        )
    }
}

/// ECDSA verification of a SHA-256 `digest`, with `generator_multiple(u1)` computing `u1·G`
/// and `key_multiple(u2)` computing `u2·Q`: `r, s ∈ [1, n-1]`; `e` = the digest reduced mod n;
/// `w = s⁻¹`; `R = (e·w)·G + (r·w)·Q`; valid iff `R` is not the identity and `x(R) mod n = r`.
fn verify_prehashed(
    digest: &FieldBytes,
    signature: &[u8],
    generator_multiple: impl FnOnce(&Scalar) -> Option<ProjectivePoint>,
    key_multiple: impl FnOnce(&Scalar) -> Option<ProjectivePoint>,
) -> bool {
    // from_slice refuses any length but 64 and r or s outside [1, n-1].
    let Ok(signature) = p256::ecdsa::Signature::from_slice(signature) else {
        return false;
    };
    let (r, s) = signature.split_scalars();
    let e = <Scalar as Reduce<U256>>::reduce_bytes(digest);
    let Some(s_inverse) = Option::<Scalar>::from(Invert::invert_vartime(&*s)) else {
        return false;
    };
    let u1 = e * s_inverse;
    let u2 = *r * s_inverse;
    let (Some(generator_part), Some(key_part)) = (generator_multiple(&u1), key_multiple(&u2))
    else {
        return false;
    };
    let point = generator_part + key_part;
    if bool::from(point.is_identity()) {
        return false;
    }
    let x = point.to_affine().x();
    <Scalar as Reduce<U256>>::reduce_bytes(&x) == *r
}

/// Multiples of one point for fixed-base scalar multiplication with signed `w`-bit windows:
/// window `i` holds `j·2^(w·i)·P` for `j = 1..=2^(w-1)`.
struct FixedBaseTable {
    window_bits: u32,
    /// `2^(w-1)` points per window, window after window.
    points: Vec<ProjectivePoint>,
}

impl FixedBaseTable {
    /// The table of `base` with `window_bits`-bit windows (2 to 16 bits).
    fn new(base: ProjectivePoint, window_bits: u32) -> FixedBaseTable {
        let per_window = 1usize << (window_bits - 1);
        let windows = window_count(window_bits);
        let mut points = Vec::with_capacity(windows * per_window);
        let mut window_base = base;
        for _ in 0..windows {
            let mut multiple = window_base;
            let mut largest = window_base;
            for _ in 0..per_window {
                points.push(multiple);
                largest = multiple;
                multiple += window_base;
            }
            // 2^(w-1)·B doubled is 2^w·B, the next window's base.
            window_base = largest.double();
        }
        FixedBaseTable {
            window_bits,
            points,
        }
    }

    /// `k·P`. `None` only if the table were shorter than the recoding, which `new` rules out.
    fn multiply(&self, k: &Scalar) -> Option<ProjectivePoint> {
        let per_window = 1usize << (self.window_bits - 1);
        let mut sum = ProjectivePoint::IDENTITY;
        let mut digits = SignedDigits::new(k, self.window_bits);
        for window in self.points.chunks_exact(per_window) {
            let digit = digits.next()?;
            let Some(index) = digit.unsigned_abs().checked_sub(1) else {
                continue;
            };
            let point = window.get(usize::try_from(index).ok()?)?;
            if digit < 0 {
                sum += -*point;
            } else {
                sum += point;
            }
        }
        Some(sum)
    }
}

/// Windows of `w` bits covering 257 bits: a 256-bit scalar plus the carry of its top
/// window's recoding, so the last digit never carries.
const fn window_count(window_bits: u32) -> usize {
    257usize.div_ceil(window_bits as usize)
}

/// A scalar `k` as signed digits `d_i ∈ [-2^(w-1), 2^(w-1)]` with `k = Σ d_i·2^(w·i)`, lowest
/// first: a window's value above `2^(w-1)` becomes that value minus `2^w`, carrying 1 upwards.
struct SignedDigits {
    little_endian: [u8; 32],
    window_bits: u32,
    position: u32,
    carry: i32,
}

impl SignedDigits {
    fn new(k: &Scalar, window_bits: u32) -> SignedDigits {
        let mut little_endian: [u8; 32] = k.to_bytes().into();
        little_endian.reverse();
        SignedDigits {
            little_endian,
            window_bits,
            position: 0,
            carry: 0,
        }
    }

    /// Bits `position..position + w` of the scalar (zero beyond bit 255).
    fn window(&self) -> i32 {
        let first_byte = (self.position / 8) as usize;
        let word = (0..3).fold(0u32, |word, offset| {
            let byte = self.little_endian.get(first_byte + offset).copied();
            word | u32::from(byte.unwrap_or(0)) << (8 * offset)
        });
        let bits = (word >> (self.position % 8)) & ((1 << self.window_bits) - 1);
        bits as i32
    }
}

impl Iterator for SignedDigits {
    type Item = i32;

    fn next(&mut self) -> Option<i32> {
        if self.position >= 8 * 32 + self.window_bits {
            return None;
        }
        let value = self.window() + self.carry;
        self.position += self.window_bits;
        let half = 1 << (self.window_bits - 1);
        if value > half {
            self.carry = 1;
            Some(value - (1 << self.window_bits))
        } else {
            self.carry = 0;
            Some(value)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::elliptic_curve::Field;
    use rand_core::OsRng;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn edge_scalars() -> Vec<Scalar> {
        let mut scalars = vec![
            Scalar::ZERO,
            Scalar::ONE,
            -Scalar::ONE,
            -Scalar::ONE - Scalar::ONE,
            Scalar::from(2u64.pow(32)),
            Scalar::from(u64::MAX),
        ];
        scalars.extend((0..16).map(|_| Scalar::random(&mut OsRng)));
        scalars
    }

    #[test]
    fn signed_digits_recombine_to_the_scalar() {
        for window_bits in [2, 4, 5, 6, 7, 8] {
            for k in edge_scalars() {
                let digits: Vec<i32> = SignedDigits::new(&k, window_bits).collect();
                assert!(digits.len() >= window_count(window_bits));
                let half = 1 << (window_bits - 1);
                assert!(digits.iter().all(|d| (-half..=half).contains(d)));
                // The windows beyond the table's are always zero.
                assert!(digits
                    .get(window_count(window_bits)..)
                    .unwrap_or_default()
                    .iter()
                    .all(|&d| d == 0));
                let radix = Scalar::from(1u64 << window_bits);
                let recombined = digits.iter().rev().fold(Scalar::ZERO, |sum, &d| {
                    let magnitude = Scalar::from(u64::from(d.unsigned_abs()));
                    sum * radix + if d < 0 { -magnitude } else { magnitude }
                });
                assert_eq!(recombined, k, "w = {window_bits}");
            }
        }
    }

    #[test]
    fn table_multiplication_matches_the_crates_scalar_multiplication() {
        let base = ProjectivePoint::GENERATOR * Scalar::random(&mut OsRng);
        for window_bits in [4, 5, KEY_WINDOW_BITS] {
            let table = FixedBaseTable::new(base, window_bits);
            for k in edge_scalars() {
                assert_eq!(table.multiply(&k), Some(base * k));
            }
        }
        for k in edge_scalars() {
            assert_eq!(
                generator_table().multiply(&k),
                Some(ProjectivePoint::GENERATOR * k)
            );
        }
    }

    #[test]
    fn a_doubling_in_the_last_addition_verifies_and_an_identity_sum_is_refused() {
        use p256::ecdsa::signature::hazmat::PrehashVerifier;
        for _ in 0..8 {
            let signing = p256::ecdsa::SigningKey::random(&mut OsRng);
            let verifying = *signing.verifying_key();
            let d: Scalar = **signing.as_nonzero_scalar();
            let point = ProjectivePoint::from(*verifying.as_affine());
            let table = FixedBaseTable::new(point, KEY_WINDOW_BITS);
            let k = Scalar::random(&mut OsRng);
            let k_inverse = Option::<Scalar>::from(k.invert())
                .unwrap_or_else(|| unreachable!("a random scalar is not zero"));
            let r = <Scalar as Reduce<U256>>::reduce_bytes(
                &(ProjectivePoint::GENERATOR * k).to_affine().x(),
            );
            // With e = r·d, u1·G and u2·Q are the same point, so the last addition doubles;
            // s = k⁻¹·(e + r·d) makes (r, s) a valid signature of that digest.
            let e = r * d;
            let s = k_inverse * (e + r * d);
            let cases = [
                (e.to_bytes(), [r.to_bytes(), s.to_bytes()].concat(), true),
                // With e = -r·d, u1·G + u2·Q is the identity for every s.
                (
                    (-(r * d)).to_bytes(),
                    [r.to_bytes(), s.to_bytes()].concat(),
                    false,
                ),
            ];
            for (digest, signature, valid) in cases {
                let reference = p256::ecdsa::Signature::from_slice(&signature)
                    .is_ok_and(|sig| verifying.verify_prehash(&digest, &sig).is_ok());
                assert_eq!(reference, valid);
                let generator_paths: [fn(&Scalar) -> Option<ProjectivePoint>; 2] = [
                    |u1| generator_table().multiply(u1),
                    |u1| Some(ProjectivePoint::GENERATOR * u1),
                ];
                for generator_multiple in generator_paths {
                    assert_eq!(
                        verify_prehashed(&digest, &signature, generator_multiple, |u2| {
                            table.multiply(u2)
                        }),
                        valid
                    );
                    assert_eq!(
                        verify_prehashed(&digest, &signature, generator_multiple, |u2| Some(
                            point * u2
                        )),
                        valid
                    );
                }
            }
        }
    }

    #[test]
    fn every_path_agrees_with_the_p256_crate() {
        use p256::ecdsa::signature::{Signer, Verifier};
        let signing = p256::ecdsa::SigningKey::random(&mut OsRng);
        let verifier = P256Verifier::new(*signing.verifying_key());
        for i in 0..24u32 {
            let message = format!("message {i}");
            let signature: p256::ecdsa::Signature = signing.sign(message.as_bytes());
            let mut bytes = signature.to_bytes().to_vec();
            if i % 2 == 1 {
                if let Some(byte) = bytes.get_mut((i as usize * 7) % 64) {
                    *byte ^= 1 << (i % 8);
                }
            }
            let expected = p256::ecdsa::Signature::from_slice(&bytes).is_ok_and(|s| {
                signing
                    .verifying_key()
                    .verify(message.as_bytes(), &s)
                    .is_ok()
            });
            assert_eq!(expected, i % 2 == 0);
            for (generator_table_used, key_table_used) in
                [(false, false), (false, true), (true, false), (true, true)]
            {
                assert_eq!(
                    verifier.verify_sha256_with(
                        message.as_bytes(),
                        &bytes,
                        generator_table_used,
                        key_table_used
                    ),
                    expected,
                    "generator table {generator_table_used}, key table {key_table_used}"
                );
            }
            // The first call takes the path without the key's table, later ones the table.
            assert_eq!(verifier.verify_sha256(message.as_bytes(), &bytes), expected);
        }
        assert!(verifier.table.get().is_some());
    }
}
