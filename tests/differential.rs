//! Differential tests of the portable signature arithmetic (src/portable/) against the published
//! crates it replaced on the verification path: `p256` for ES256, `rsa` for RS256. Every case
//! goes through the path a JWS takes without a host backend (`KeySet::from_json`, `select`,
//! `verify_signature`: the form checks, then the portable arithmetic), and its verdict must be
//! the crate's on every case: valid signatures, the other valid ECDSA signature (`n - s`), bit
//! flips, edge values of `r` and `s` and of the RSA signature, signatures of other messages and,
//! for RSA, correctly signed but malformed PKCS#1 v1.5 encodings. Keys and messages are drawn
//! afresh on every run.
//!
//! The larger RSA keys (2056, 3072 and 4096 bits) are generated natively only: RSA key
//! generation compiled to wasm32 takes too long for a test. The arithmetic is the same code on
//! both targets; wasm32 runs the shared 2048-bit key and every P-256 case.

use crate::fixtures::{EcKey, RsaKey, Signs};
use govuk_one_login_tokens::{Algorithm, ErrorCode, KeySet};
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::PrimeField;
use rand_core::{OsRng, RngCore};
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use serde_json::{json, Value};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The order `n` of the P-256 group, big-endian.
const P256_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The DER prefix of a SHA-256 `DigestInfo` with `NULL` parameters (RFC 8017 §9.2 note 1).
const SHA256_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// How many cases agreed, and how many of them both sides found valid.
#[derive(Default)]
struct Agreement {
    cases: usize,
    valid: usize,
}

impl Agreement {
    /// Check one case through the key set against the crate's verdict.
    fn check(
        &mut self,
        keys: &KeySet,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
        reference: bool,
        what: &str,
    ) {
        let key = keys
            .select(alg, None)
            .unwrap_or_else(|e| unreachable!("select: {e}"));
        let outcome = keys.verify_signature(key, alg, message, signature);
        if let Err(e) = &outcome {
            assert_eq!(e.code(), ErrorCode::SignatureVerificationFailed, "{what}");
        }
        assert_eq!(
            outcome.is_ok(),
            reference,
            "{what}: ours and the crate disagree on signature {}",
            hex(signature)
        );
        self.cases += 1;
        self.valid += usize::from(reference);
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_bytes(max_len: u32) -> Vec<u8> {
    let mut bytes = vec![0u8; (OsRng.next_u32() % (max_len + 1)) as usize];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

/// `bytes` with one bit flipped at a random position.
fn flip_random_bit(bytes: &[u8]) -> Vec<u8> {
    let mut flipped = bytes.to_vec();
    let bit = OsRng.next_u32() as usize % (8 * bytes.len().max(1));
    if let Some(byte) = flipped.get_mut(bit / 8) {
        *byte ^= 1 << (bit % 8);
    }
    flipped
}

fn key_set(jwk: &Value) -> KeySet {
    let keys = KeySet::from_json(&json!({ "keys": [jwk] }).to_string())
        .unwrap_or_else(|e| unreachable!("JWKS: {e}"));
    assert_eq!(keys.len(), 1, "the key is accepted");
    keys
}

/// The `p256` crate's verdict, with the form check the verifier always made first.
fn p256_verdict(key: &p256::ecdsa::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    p256::ecdsa::Signature::from_slice(signature).is_ok_and(|s| key.verify(message, &s).is_ok())
}

/// ES256 cases for one key: per message, the signature and its variants.
fn es256_cases(agreement: &mut Agreement, messages: usize) {
    let signer = EcKey::generate();
    let verifying = *signer.signing.verifying_key();
    let keys = key_set(&signer.jwk(None));
    let small = |value: u8| {
        let mut bytes = vec![0u8; 32];
        if let Some(last) = bytes.last_mut() {
            *last = value;
        }
        bytes
    };
    let scalar_edges = [
        small(0),
        small(1),
        small(2),
        (-p256::Scalar::ONE).to_repr().to_vec(),
        P256_ORDER.to_vec(),
        vec![0xffu8; 32],
    ];
    for _ in 0..messages {
        let message = random_bytes(300);
        let signature = signer.signature(&message);
        let (r, s) = signature.split_at(32);
        let mut cases: Vec<(Vec<u8>, Vec<u8>, &str)> = vec![
            (message.clone(), signature.clone(), "valid signature"),
            (
                random_bytes(300),
                signature.clone(),
                "signature of another message",
            ),
            (message.clone(), [s, r].concat(), "r and s swapped"),
            (message.clone(), random_bytes_exact(64), "random 64 bytes"),
            (
                message.clone(),
                signature.get(..63).unwrap_or_default().to_vec(),
                "63 bytes",
            ),
            (
                message.clone(),
                [signature.as_slice(), &[0]].concat(),
                "65 bytes",
            ),
        ];
        // (r, n - s) is the other valid signature of the same message.
        let s_array: [u8; 32] = s.try_into().unwrap_or_else(|_| unreachable!("32 bytes"));
        let s_scalar = Option::<p256::Scalar>::from(p256::Scalar::from_repr(s_array.into()))
            .unwrap_or_else(|| unreachable!("s is a scalar"));
        cases.push((
            message.clone(),
            [r, &(-s_scalar).to_repr()].concat(),
            "r, n - s",
        ));
        for _ in 0..8 {
            cases.push((
                message.clone(),
                flip_random_bit(&signature),
                "one bit flipped",
            ));
        }
        for edge in &scalar_edges {
            cases.push((message.clone(), [edge, s].concat(), "r at an edge value"));
            cases.push((message.clone(), [r, edge].concat(), "s at an edge value"));
        }
        for (message, signature, what) in cases {
            let reference = p256_verdict(&verifying, &message, &signature);
            agreement.check(
                &keys,
                Algorithm::Es256,
                &message,
                &signature,
                reference,
                what,
            );
        }
    }
}

fn random_bytes_exact(len: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; len];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

#[test]
fn es256_agrees_with_the_p256_crate() {
    // A fresh key per round: each key's first verification runs without its table, the later
    // ones with it.
    let rounds = if cfg!(target_arch = "wasm32") { 6 } else { 12 };
    let mut agreement = Agreement::default();
    for _ in 0..rounds {
        es256_cases(&mut agreement, 10);
    }
    println!(
        "ES256: {} cases agreed with p256, {} valid",
        agreement.cases, agreement.valid
    );
    // Per message at least the signature and (r, n - s) are valid.
    assert!(agreement.valid >= 2 * 10 * rounds);
}

/// The `rsa` crate's PKCS#1 v1.5 / SHA-256 verdict.
fn rsa_verdict(key: &rsa::RsaPublicKey, message: &[u8], signature: &[u8]) -> bool {
    let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone());
    rsa::pkcs1v15::Signature::try_from(signature)
        .is_ok_and(|s| rsa::signature::Verifier::verify(&verifier, message, &s).is_ok())
}

/// `value` as exactly `len` big-endian bytes (it must fit).
fn be_bytes(value: &BigUint, len: usize) -> Vec<u8> {
    let minimal = value.to_bytes_be();
    let mut bytes = vec![0u8; len.saturating_sub(minimal.len())];
    bytes.extend_from_slice(&minimal);
    bytes
}

/// `EM = 0x00 0x01 FF… 0x00 || DigestInfo || H` for `k` bytes, with this `prefix` (the
/// DigestInfo header) and `hash`.
fn encoding(k: usize, prefix: &[u8], hash: &[u8]) -> Vec<u8> {
    let padding = k - 3 - prefix.len() - hash.len();
    let mut em = vec![0x00, 0x01];
    em.extend(std::iter::repeat_n(0xff, padding));
    em.push(0x00);
    em.extend_from_slice(prefix);
    em.extend_from_slice(hash);
    em
}

/// Encodings of `hash` that are wrong in one way each, with what is wrong.
fn malformed_encodings(k: usize, hash: &[u8]) -> Vec<(Vec<u8>, String)> {
    let correct = encoding(k, &SHA256_PREFIX, hash);
    // The zero byte between the padding and the DigestInfo.
    let separator = k - 1 - SHA256_PREFIX.len() - hash.len();
    let mut positions = vec![
        0,
        1,
        2,
        k / 2,
        separator - 1,
        separator,
        k - 1,
        k - hash.len(),
    ];
    positions.extend(separator + 1..separator + 1 + SHA256_PREFIX.len());
    let mut encodings: Vec<(Vec<u8>, String)> = positions
        .into_iter()
        .map(|at| {
            let mut em = correct.clone();
            if let Some(byte) = em.get_mut(at) {
                *byte ^= 0x01;
            }
            (em, format!("encoding with byte {at} changed"))
        })
        .collect();
    // DigestInfo without the NULL parameters (RFC 8017 §9.2 note 2): refused by both.
    let mut no_null = vec![0x30, 0x2f, 0x30, 0x0b];
    no_null.extend_from_slice(SHA256_PREFIX.get(4..15).unwrap_or_default());
    no_null.extend_from_slice(&[0x04, 0x20]);
    encodings.push((
        encoding(k, &no_null, hash),
        "DigestInfo without NULL".into(),
    ));
    // Block type 2 (encryption padding).
    let mut block_type_2 = correct.clone();
    if let Some(byte) = block_type_2.get_mut(1) {
        *byte = 0x02;
    }
    encodings.push((block_type_2, "block type 2".into()));
    // Only 7 bytes of padding, the DigestInfo and hash followed by zeros.
    let mut short_padding = vec![0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00];
    short_padding.extend_from_slice(&SHA256_PREFIX);
    short_padding.extend_from_slice(hash);
    short_padding.resize(k, 0);
    encodings.push((short_padding, "7 bytes of padding, trailing zeros".into()));
    // An extra zero byte between the padding and the DigestInfo.
    let mut extra_zero = correct.clone();
    extra_zero.remove(2);
    extra_zero.insert(separator - 1, 0);
    encodings.push((extra_zero, "two zero bytes after the padding".into()));
    encodings
}

/// RS256 cases for one key.
fn rs256_cases(agreement: &mut Agreement, signer: &RsaKey, messages: usize) {
    let keys = key_set(&signer.jwk(None));
    let public = &signer.public;
    let n = public.n();
    let k = public.size();
    let one = BigUint::from(1u8);
    let signature_edges = [
        vec![0u8; k],
        be_bytes(&one, k),
        be_bytes(&(n - &one), k),
        be_bytes(n, k),
        be_bytes(&(n + &one), k),
        vec![0xffu8; k],
    ];
    let sign_raw = |em: &[u8]| {
        let m = BigUint::from_bytes_be(em);
        rsa::hazmat::rsa_decrypt_and_check(&signer.private, None::<&mut OsRng>, &m)
            .map(|s| be_bytes(&s, k))
            .unwrap_or_else(|e| unreachable!("raw RSA signature: {e}"))
    };
    for _ in 0..messages {
        let message = random_bytes(300);
        let signature = signer.signature(&message);
        let mut cases: Vec<(Vec<u8>, Vec<u8>, String)> = vec![
            (message.clone(), signature.clone(), "valid signature".into()),
            (
                random_bytes(300),
                signature.clone(),
                "signature of another message".into(),
            ),
            (
                message.clone(),
                signature.get(1..).unwrap_or_default().to_vec(),
                "k - 1 bytes".into(),
            ),
            (
                message.clone(),
                [&[0], signature.as_slice()].concat(),
                "k + 1 bytes".into(),
            ),
            (
                message.clone(),
                random_bytes_exact(k),
                "random k bytes".into(),
            ),
        ];
        for _ in 0..12 {
            cases.push((
                message.clone(),
                flip_random_bit(&signature),
                "one bit flipped".into(),
            ));
        }
        for edge in &signature_edges {
            cases.push((
                message.clone(),
                edge.clone(),
                "signature at an edge value".into(),
            ));
        }
        let hash: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(&message).into();
        let correct = encoding(k, &SHA256_PREFIX, &hash);
        cases.push((
            message.clone(),
            sign_raw(&correct),
            "raw signature of the correct encoding".into(),
        ));
        for (em, what) in malformed_encodings(k, &hash) {
            cases.push((message.clone(), sign_raw(&em), what));
        }
        for (message, signature, what) in cases {
            let reference = rsa_verdict(public, &message, &signature);
            agreement.check(
                &keys,
                Algorithm::Rs256,
                &message,
                &signature,
                reference,
                &format!("{} bits, {what}", n.bits()),
            );
        }
    }
}

#[test]
fn rs256_2048_agrees_with_the_rsa_crate() {
    let messages = if cfg!(target_arch = "wasm32") { 3 } else { 8 };
    let mut agreement = Agreement::default();
    rs256_cases(&mut agreement, RsaKey::shared(), messages);
    println!(
        "RS256 2048: {} cases agreed with rsa, {} valid",
        agreement.cases, agreement.valid
    );
    // Per message the signature and the raw signature of the correct encoding are valid.
    assert_eq!(agreement.valid, 2 * messages);
}

/// A key of exactly `bits` bits whose modulus is the product of the moduli of freshly generated
/// smaller keys (a multi-prime key, RFC 8017 §3.2): generating a few keys of about 1,024 bits
/// is far quicker than one large key, and the public operation does not depend on how many
/// primes the modulus has. `first_factors` are generated once; the last factor is drawn until
/// the product has exactly `bits` bits.
#[cfg(not(target_arch = "wasm32"))]
fn multi_prime_key(bits: usize, first_factors: &[usize]) -> RsaKey {
    use rsa::traits::PrivateKeyParts;
    let mut primes: Vec<BigUint> = first_factors
        .iter()
        .flat_map(|&b| RsaKey::generate(b).private.primes().to_vec())
        .collect();
    let partial = primes.iter().fold(BigUint::from(1u8), |n, p| n * p);
    // A product has the sum of the factors' bit lengths, or one bit less.
    let missing = bits - partial.bits();
    for attempt in 0.. {
        let last = RsaKey::generate(missing + 1 - attempt % 2);
        if (&partial * last.public.n()).bits() == bits {
            primes.extend_from_slice(last.private.primes());
            break;
        }
    }
    let private = rsa::RsaPrivateKey::from_primes(primes, BigUint::from(65537u32))
        .unwrap_or_else(|e| unreachable!("multi-prime key: {e}"));
    RsaKey::from_private(private)
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn rs256_2056_3072_4096_agree_with_the_rsa_crate() {
    let keys = [
        (multi_prime_key(2056, &[1024]), 6),
        (multi_prime_key(3072, &[1024, 1024]), 4),
        (multi_prime_key(4096, &[1024, 1024, 1024]), 3),
    ];
    for (key, messages) in &keys {
        assert!(key.private.validate().is_ok());
        let mut agreement = Agreement::default();
        rs256_cases(&mut agreement, key, *messages);
        println!(
            "RS256 {}: {} cases agreed with rsa, {} valid",
            key.public.n().bits(),
            agreement.cases,
            agreement.valid
        );
        assert_eq!(agreement.valid, 2 * messages);
    }
}
