//! The ES256/RS256 cases of Wycheproof's `json_web_signature_test.json` and
//! `json_web_key_test.json` (C2SP/wycheproof `testvectors_v1/`), rewritten as our own tests.
//! Those files are not in the `wycheproof` crate, and their tokens carry the payload `foo`,
//! which no JWT verifier may accept; so each case is re-created here with keys generated per
//! run and a JSON claims payload, keeping Wycheproof's case name in the test name and the
//! expectation ("invalid" → the error code we give). HS*/PS*/ES384+ cases do not apply:
//! those algorithms do not exist here, which the `alg` tests below cover once.
//!
//! One case is Wycheproof's own data rather than a re-creation: `rejectsKeyWithRocaVulnerability`
//! (JWK tcId 7), whose point is that particular modulus.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::fixtures::{encode_json, key_set, with, EcKey, Hmac, RsaKey, Signs, NOW};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::{jwt, ErrorCode, KeySet};
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use serde_json::{json, Value};

fn claims() -> Value {
    json!({"sub": "s", "exp": NOW + 60.0})
}

fn code(token: &str, keys: &KeySet) -> Option<ErrorCode> {
    jwt::verify(token, keys, &jwt::VerifyOptions::at(NOW))
        .err()
        .map(|e| e.code())
}

/// One valid token per algorithm, with the key set that verifies it (Wycheproof groups
/// `es256` and `rs256`).
fn valid_tokens() -> Vec<(&'static str, String, KeySet)> {
    let ec = EcKey::generate();
    let rsa = RsaKey::shared();
    let ec_jwk = with(
        ec.jwk(Some("kid-ec-sign")),
        json!({"alg": "ES256", "use": "sig"}),
    );
    let rsa_jwk = with(
        rsa.jwk(Some("kid-rsa-sign")),
        json!({"alg": "RS256", "use": "sig"}),
    );
    vec![
        (
            "ES256",
            ec.sign(&json!({"alg": "ES256", "kid": "kid-ec-sign"}), &claims()),
            key_set(&[ec_jwk]),
        ),
        (
            "RS256",
            rsa.sign(&json!({"alg": "RS256", "kid": "kid-rsa-sign"}), &claims()),
            key_set(&[rsa_jwk]),
        ),
    ]
}

fn segments(token: &str) -> (String, String, String) {
    let mut it = token.split('.').map(str::to_owned);
    (
        it.next().unwrap_or_default(),
        it.next().unwrap_or_default(),
        it.next().unwrap_or_default(),
    )
}

/// Change the first character of a base64url segment to another alphabet character.
fn modified(segment: &str) -> String {
    let first = if segment.starts_with('X') { "Y" } else { "X" };
    format!("{first}{}", segment.get(1..).unwrap_or_default())
}

#[test]
fn jws_accepts_valid() {
    for (alg, token, keys) in valid_tokens() {
        assert_eq!(code(&token, &keys), None, "{alg}");
    }
}

#[test]
fn jws_rejects_modified_signature_payload_or_header() {
    for (alg, token, keys) in valid_tokens() {
        let (h, p, s) = segments(&token);
        for forged in [
            format!("{h}.{p}.{}", modified(&s)),
            format!("{h}.{}.{s}", modified(&p)),
            format!("{}.{p}.{s}", modified(&h)),
        ] {
            // A modified header may no longer decode; either way it must not verify.
            let got = code(&forged, &keys);
            assert!(
                matches!(
                    got,
                    Some(ErrorCode::SignatureVerificationFailed | ErrorCode::JwsInvalid)
                ),
                "{alg}: {got:?}"
            );
        }
    }
}

#[test]
fn jws_rejects_missing_parts_and_separators() {
    for (alg, token, keys) in valid_tokens() {
        let (h, p, s) = segments(&token);
        for (what, forged, expected) in [
            (
                "missing signature",
                format!("{h}.{p}."),
                ErrorCode::SignatureVerificationFailed,
            ),
            (
                "missing signature and separator",
                format!("{h}.{p}"),
                ErrorCode::JwsInvalid,
            ),
            (
                "missing payload",
                format!("{h}..{s}"),
                ErrorCode::SignatureVerificationFailed,
            ),
            (
                "missing payload and separator",
                format!("{h}.{s}"),
                ErrorCode::JwsInvalid,
            ),
            ("missing header", format!(".{p}.{s}"), ErrorCode::JwsInvalid),
            (
                "missing header and separator",
                format!("{p}.{s}"),
                ErrorCode::JwsInvalid,
            ),
            (
                "missing header and signature",
                format!(".{p}."),
                ErrorCode::JwsInvalid,
            ),
            (
                "missing header, signature, separators",
                p.clone(),
                ErrorCode::JwsInvalid,
            ),
            ("empty string", String::new(), ErrorCode::JwsInvalid),
            (
                "extra empty component",
                format!("{token}."),
                ErrorCode::JwsInvalid,
            ),
            (
                "extra component",
                format!("{token}.Zm9v"),
                ErrorCode::JwsInvalid,
            ),
        ] {
            assert_eq!(code(&forged, &keys), Some(expected), "{alg}: {what}");
        }
    }
}

#[test]
fn jws_rejects_none_algorithm_and_missing_signature() {
    for (alg, token, keys) in valid_tokens() {
        let (_, p, _) = segments(&token);
        let header = encode_json(&json!({"alg": "none", "kid": "kid-ec-sign"}));
        let forged = format!("{header}.{p}.");
        assert_eq!(
            code(&forged, &keys),
            Some(ErrorCode::AlgNotAllowed),
            "{alg}"
        );
    }
}

#[test]
fn jws_rejects_valid_json_serialization() {
    for (alg, token, keys) in valid_tokens() {
        let (h, p, s) = segments(&token);
        let general = json!({"payload": p, "signatures": [{"protected": h,
            "header": {"unknown": "untrustworthy"}, "signature": s}]});
        let flattened = json!({"payload": p, "protected": h, "signature": s});
        for serialized in [general, flattened] {
            assert_eq!(
                code(&serialized.to_string(), &keys),
                Some(ErrorCode::JwsInvalid),
                "{alg}"
            );
        }
    }
}

#[test]
fn jws_rejects_symmetry_confusion_aes_key_from_ec_verification_key_bytes() {
    let ec = EcKey::generate();
    let keys = key_set(&[ec.jwk(Some("kid-ec-sign"))]);
    let secret = ec.sec1();
    let header = json!({"alg": "HS256", "kid": "kid-ec-sign"});
    let token = Hmac(&secret).sign(&header, &claims());
    assert_eq!(code(&token, &keys), Some(ErrorCode::AlgNotAllowed));
}

#[test]
fn jws_rejects_attacker_provided_embedded_jwk() {
    let ec = EcKey::generate();
    let attacker = EcKey::generate();
    let keys = key_set(&[ec.jwk(Some("kid-ec-sign"))]);
    let header = json!({"alg": "ES256", "kid": "kid-ec-sign",
        "jwk": with(attacker.jwk(Some("kid-ec-sign")), json!({"use": "sig", "alg": "ES256"}))});
    let token = attacker.sign(&header, &claims());
    assert_eq!(
        code(&token, &keys),
        Some(ErrorCode::SignatureVerificationFailed)
    );
}

#[test]
fn jws_reject_wrong_use_or_key_ops_for_encryption_keys() {
    let ec = EcKey::generate();
    let rsa = RsaKey::shared();
    let ec_token = ec.sign(&json!({"alg": "ES256", "kid": "kid-ec-sign"}), &claims());
    let rsa_token = rsa.sign(&json!({"alg": "RS256", "kid": "kid-rsa-sign"}), &claims());
    for restriction in [json!({"use": "enc"}), json!({"key_ops": ["encrypt"]})] {
        let ec_keys = key_set(&[with(ec.jwk(Some("kid-ec-sign")), restriction.clone())]);
        assert_eq!(
            code(&ec_token, &ec_keys),
            Some(ErrorCode::JwksNoMatchingKey)
        );
        let rsa_keys = key_set(&[with(rsa.jwk(Some("kid-rsa-sign")), restriction.clone())]);
        assert_eq!(
            code(&rsa_token, &rsa_keys),
            Some(ErrorCode::JwksNoMatchingKey)
        );
    }
    // rfc7520WithKeyOps: `key_ops: ["verify"]` is a usable verification key.
    let verify_only = key_set(&[with(
        ec.jwk(Some("kid-ec-sign")),
        json!({"key_ops": ["verify"]}),
    )]);
    assert_eq!(code(&ec_token, &verify_only), None);
}

/// Wycheproof's `base64` group, for ES256: each text is signed exactly as written, so the
/// signature is valid and only strict base64url refuses it.
#[test]
fn jws_base64_group_spaces_invalid_characters_and_padding() {
    let ec = EcKey::generate();
    let keys = key_set(&[ec.jwk(Some("k"))]);
    let token = ec.sign(&json!({"kid": "k", "alg": "ES256"}), &claims());
    let (h, p, s) = segments(&token);
    let resign = |input: String| ec.sign_input(&input);
    for (what, forged) in [
        ("spaces in signature", format!("{h}.{p}.    {s}")),
        (
            "invalid character inserted in signature",
            format!("{h}.{p}.?{s}"),
        ),
        (
            "invalid character appended to signature",
            format!("{h}.{p}.{s}?"),
        ),
        (
            "signature characters replaced",
            format!("{h}.{p}.????{}", s.get(4..).unwrap_or_default()),
        ),
        ("padding in signature", format!("{h}.{p}.{s}==")),
        ("spaces in header", resign(format!("{h}    .{p}"))),
        (
            "invalid characters in header",
            resign(format!("{h}####.{p}")),
        ),
        ("spaces in payload", resign(format!("{h}.    {p}"))),
        (
            "invalid characters in payload",
            resign(format!("{h}.####{p}")),
        ),
        (
            "padding in payload",
            resign(format!("{h}.{p}{}", "=".repeat((4 - p.len() % 4) % 4 + 4))),
        ),
    ] {
        assert_eq!(code(&forged, &keys), Some(ErrorCode::JwsInvalid), "{what}");
    }
}

#[test]
fn jwk_mixed_symmetry_keyset_and_private_keys() {
    let ec = EcKey::generate();
    let with_private = with(
        ec.jwk(Some("kid-ec-private")),
        json!({"d": BASE64URL.encode(ec.signing.to_bytes())}),
    );
    let set = key_set(&[
        json!({"kty": "oct", "alg": "HS256", "use": "sig", "kid": "kid-aes-sign", "k": BASE64URL.encode([7u8; 32])}),
        ec.jwk(Some("kid-ec-sign")),
        with_private,
    ]);
    assert_eq!(set.len(), 1, "only the public EC key is usable");
    let hs = Hmac(&[7u8; 32]).sign(&json!({"alg": "HS256", "kid": "kid-aes-sign"}), &claims());
    assert_eq!(code(&hs, &set), Some(ErrorCode::AlgNotAllowed));
    let private = ec.sign(&json!({"alg": "ES256", "kid": "kid-ec-private"}), &claims());
    assert_eq!(code(&private, &set), Some(ErrorCode::JwkInvalid));
    let public = ec.sign(&json!({"alg": "ES256", "kid": "kid-ec-sign"}), &claims());
    assert_eq!(code(&public, &set), None);
}

#[test]
fn jwk_rejects_duplicate_kid() {
    // Wycheproof expects the set refused; we refuse the ambiguous lookup instead, so one
    // stray duplicate cannot take down every other key in a provider's JWKS.
    let a = EcKey::generate();
    let b = EcKey::generate();
    let set = key_set(&[a.jwk(Some("dup")), b.jwk(Some("dup"))]);
    for signer in [&a, &b] {
        let token = signer.sign(&json!({"alg": "ES256", "kid": "dup"}), &claims());
        assert_eq!(
            code(&token, &set),
            Some(ErrorCode::JwksMultipleMatchingKeys)
        );
    }
}

#[test]
fn jwk_rejects_1024_bit_rsa_key() {
    let n = RsaKey::shared().public.n().clone() >> 1024usize;
    let n = n | BigUint::from(1u8);
    let jwk = json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "RS256_1024",
        "n": BASE64URL.encode(n.to_bytes_be()), "e": "AQAB"});
    let set = key_set(&[jwk]);
    let token = format!(
        "{}.{}.{}",
        encode_json(&json!({"alg": "RS256", "kid": "RS256_1024"})),
        encode_json(&claims()),
        BASE64URL.encode([1u8; 128])
    );
    assert_eq!(code(&token, &set), Some(ErrorCode::JwkInvalid));
}

/// Wycheproof `json_web_key_test.json`, group `jws_rsa_roca_key`, tcId 7
/// (`rejectsKeyWithRocaVulnerability`), copied verbatim from C2SP/wycheproof
/// `testvectors_v1/json_web_key_test.json` at commit 8565f3170646c4044f002f3298310a2a1cd2ec15:
/// the public key set and the token. The modulus carries the ROCA fingerprint (CVE-2017-15361).
const WYCHEPROOF_ROCA_JWKS: &str = r#"{"keys":[{"alg":"RS256","use":"sig","n":"AanFpofbj7KjD4Lf-N2hVMKR7yewSyXhhbirIMTGpfYEhZ_lnt5UoK98DnKIgArXGTu3MaW_HhFw16HGaTDUHqPrId7fe4r11CqRw09yBFuW79V8sYIwHdzCaWflUI6auImYbVfoN9_nD5n8N8SY9DwXw7mwZM9wREPXoDPgOoIWl6q_MPsp7n0zs3Z5ZaiQWOOzl1S9OhwAfSiiOwz6efnXEaxuTEtPd7BjSx7NaFka8Dx9U7YqXy2RFj1O9PjyaDGuRh7YXsX3iMUSP_wSyHQg_c_qHRtKUsNSGCT7OZg0hzm2KphtjnayKJvC64vAbROBR4Ubg6Bxg9IQVZ-QYyE","e":"AQAB","kid":"kid-rsa-roca-sign","kty":"RSA"}]}"#;
const WYCHEPROOF_ROCA_JWS: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImtpZC1yc2Etcm9jYS1zaWduIn0.Zm9v.AF_6dFYBEaaI5OlOehaktwYarwKZwFFeKTNwz9ar6ntNh4k8oeQwiODJqT1nnX2KhrWMUc80JJIdaCq3y7wOSmlPrqRgrL5r9xqfQdokirCuynoq4Lbi226VlZmijmkyYtSeEbzvkhyjbY8cDQF_c2DMMQG8FBRNJPOSTxi_I75Twj0877G-16i3bAWcvFxcNKGQzSQNcp5Lvh15N2I3PDM5W7HaFwPO0drzLR9dsDW9uDCqHvMMyshC7rgZdqfXpkaJL8Whn_mUScnLxS7J-2wVt9xKY3LpR97HoanIK-rcqYS_eq9hY_65te4qbwPCtQMjipIgIGo9HZrNRomAB1c";

#[test]
fn jwk_rejects_key_with_roca_vulnerability() {
    let set = KeySet::from_json(WYCHEPROOF_ROCA_JWKS)
        .unwrap_or_else(|e| unreachable!("the JWKS document itself is well-formed: {e}"));
    assert!(set.is_empty(), "the ROCA key must not be usable");
    let rejected: Vec<_> = set.rejected().collect();
    let [(kid, error)] = rejected.as_slice() else {
        unreachable!("one rejected key expected, got {}", rejected.len())
    };
    assert_eq!(*kid, Some("kid-rsa-roca-sign"));
    assert_eq!(error.code(), ErrorCode::JwkInvalid);
    assert!(error.message().contains("ROCA"), "{}", error.message());
    // A token naming that key is refused for the key, not for its payload ("foo" is no JWT).
    assert_eq!(code(WYCHEPROOF_ROCA_JWS, &set), Some(ErrorCode::JwkInvalid));
}

#[test]
fn jwk_rejects_public_exponent_1() {
    // With e = 1 the "signature" is the padded digest itself, forgeable by anyone.
    let rsa = RsaKey::shared();
    let n = rsa.public.n().to_bytes_be();
    let set = key_set(&[
        json!({"kty": "RSA", "alg": "RS256", "use": "sig", "kid": "RS256_2048",
        "n": BASE64URL.encode(&n), "e": "AQ"}),
    ]);
    let input = format!(
        "{}.{}",
        encode_json(&json!({"alg": "RS256", "kid": "RS256_2048"})),
        encode_json(&claims())
    );
    let digest = {
        use sha2::Digest;
        sha2::Sha256::digest(input.as_bytes())
    };
    let prefix = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01,
        0x05, 0x00, 0x04, 0x20,
    ];
    let mut em = vec![0x00, 0x01];
    em.resize(n.len() - prefix.len() - digest.len() - 1, 0xff);
    em.push(0x00);
    em.extend_from_slice(&prefix);
    em.extend_from_slice(&digest);
    let token = format!("{input}.{}", BASE64URL.encode(&em));
    assert_eq!(code(&token, &set), Some(ErrorCode::JwkInvalid));
}

#[test]
fn jwk_rejects_short_long_or_empty_hmac_keys() {
    // Every HMAC key is unusable: `alg` HS* is refused before any key is looked up.
    let ec = EcKey::generate();
    for (kid, k) in [
        ("short", vec![1u8; 31]),
        ("long", vec![1u8; 64]),
        ("empty", vec![]),
    ] {
        let set = key_set(&[
            json!({"kty": "oct", "alg": "HS256", "use": "sig", "kid": kid, "k": BASE64URL.encode(&k)}),
            ec.jwk(None),
        ]);
        let token = Hmac(&k).sign(&json!({"alg": "HS256", "kid": kid}), &claims());
        assert_eq!(code(&token, &set), Some(ErrorCode::AlgNotAllowed), "{kid}");
    }
}

#[test]
fn jwk_mismatched_alg_and_curve() {
    // A P-256 key labelled ES521 or ES224 does not verify ES256 tokens.
    let ec = EcKey::generate();
    let token = ec.sign(&json!({"alg": "ES256", "kid": "kid-ec-sign"}), &claims());
    for alg in ["ES521", "ES224", "ES384"] {
        let set = key_set(&[with(
            ec.jwk(Some("kid-ec-sign")),
            json!({"alg": alg, "use": "sig"}),
        )]);
        assert_eq!(
            code(&token, &set),
            Some(ErrorCode::JwksNoMatchingKey),
            "{alg}"
        );
    }
}

#[test]
fn jwk_rejects_modified_key_invalid_use_point_curve_or_kty() {
    let ec = EcKey::generate();
    let token = ec.sign(&json!({"alg": "ES256", "kid": "kid-ec-sign"}), &claims());
    let good = with(
        ec.jwk(Some("kid-ec-sign")),
        json!({"alg": "ES256", "use": "sig"}),
    );
    let mut y = BASE64URL
        .decode(good.get("y").and_then(Value::as_str).unwrap_or_default())
        .unwrap_or_default();
    if let Some(last) = y.last_mut() {
        *last ^= 0x40;
    }
    for (what, changes, expected) in [
        (
            "invalid_use",
            json!({"use": "enc"}),
            ErrorCode::JwksNoMatchingKey,
        ),
        (
            "invalid_point",
            json!({"y": BASE64URL.encode(&y)}),
            ErrorCode::JwkInvalid,
        ),
        (
            "wrong_curve",
            json!({"crv": "P-384"}),
            ErrorCode::NotSupported,
        ),
        ("wrong_kty", json!({"kty": "RSA"}), ErrorCode::JwkInvalid),
    ] {
        let set = key_set(&[with(good.clone(), changes)]);
        assert_eq!(code(&token, &set), Some(expected), "{what}");
    }
}
