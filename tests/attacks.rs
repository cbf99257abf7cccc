//! The attack catalogue: one test per known way of talking a JWT verifier into "valid", each
//! asserting the exact error code. Keys are generated per run; the attacker's tokens are
//! forged here exactly as an attacker would forge them (real HMACs, real signatures by the
//! attacker's own key, signatures over malformed text), so each refusal comes from the rule
//! under test and not from an incidental signature failure.
//! Runs natively and inside wasm under Node (wasm-bindgen-test).

mod support;

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::{jwt, Algorithms, ErrorCode, KeySet, Reason, DEFAULT_MAX_TOKEN_SIZE};
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use serde_json::{json, Value};
use support::{
    encode_json, hmac_sha256, jwks, sign_with, signature_of, signed, token_from_bytes,
    with_signature, EcKey, RsaKey,
};

const NOW: f64 = 1_700_000_000.0;
const ISSUER: &str = "https://oidc.integration.account.gov.uk/";
const AUDIENCE: &str = "client-id";

/// The P-256 group order n, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

/// The issuer's keys and the key set a relying party would load from its JWKS.
struct Issuer {
    ec: EcKey,
    rsa: &'static RsaKey,
    keys: KeySet,
}

fn issuer() -> Issuer {
    let ec = EcKey::generate();
    let rsa = RsaKey::shared();
    let mut ec_jwk = ec.jwk(Some("ec-1"));
    let mut rsa_jwk = rsa.jwk(Some("rsa-1"));
    for (jwk, alg) in [(&mut ec_jwk, "ES256"), (&mut rsa_jwk, "RS256")] {
        if let Some(map) = jwk.as_object_mut() {
            map.insert("alg".into(), alg.into());
            map.insert("use".into(), "sig".into());
        }
    }
    let keys = KeySet::from_json(&jwks(&[ec_jwk, rsa_jwk]))
        .unwrap_or_else(|e| unreachable!("fixture JWKS: {e}"));
    Issuer { ec, rsa, keys }
}

fn claims() -> Value {
    json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "urn:fdc:gov.uk:2022:abc",
           "exp": NOW + 600.0, "iat": NOW})
}

fn claims_text() -> String {
    claims().to_string()
}

fn options() -> jwt::VerifyOptions {
    let mut options = jwt::VerifyOptions::at(NOW);
    options.claims.issuer = Some(ISSUER.into());
    options.claims.audience = Some(AUDIENCE.into());
    options
}

fn code(token: &str, keys: &KeySet) -> Option<ErrorCode> {
    jwt::verify(token, keys, &options()).err().map(|e| e.code())
}

fn assert_code(token: &str, keys: &KeySet, expected: ErrorCode, what: &str) {
    assert_eq!(code(token, keys), Some(expected), "{what}");
}

fn es256_header() -> Value {
    json!({"alg": "ES256", "kid": "ec-1"})
}

/// The issuer's own valid tokens must verify, or every refusal below proves nothing.
#[test]
fn control_valid_tokens_verify() {
    let iss = issuer();
    let es = iss.ec.sign(&es256_header(), &claims());
    let rs = iss
        .rsa
        .sign(&json!({"alg": "RS256", "kid": "rsa-1"}), &claims());
    for token in [es, rs] {
        assert!(jwt::verify(&token, &iss.keys, &options()).is_ok());
    }
}

#[test]
fn alg_none_in_any_capitalisation_with_or_without_signature() {
    let iss = issuer();
    for alg in ["none", "None", "NONE", "nOnE", "NoNe"] {
        let header = json!({"alg": alg, "kid": "ec-1"});
        let unsigned = format!("{}.{}.", encode_json(&header), encode_json(&claims()));
        assert_code(&unsigned, &iss.keys, ErrorCode::AlgNotAllowed, alg);
        // With a genuine ES256 signature over the same text: still refused on `alg` alone.
        let with_sig = sign_with(&header, &claims(), iss.ec.signer());
        assert_code(&with_sig, &iss.keys, ErrorCode::AlgNotAllowed, alg);
    }
}

#[test]
fn hmac_helper_matches_rfc4231() {
    // RFC 4231 test case 2, so the forgeries below are real HS256 tokens.
    let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
    assert_eq!(
        BASE64URL.encode(&mac),
        "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM"
    );
}

#[test]
fn hs256_signed_with_the_rsa_public_key_as_secret() {
    let iss = issuer();
    let n = iss.rsa.public.n().to_bytes_be();
    let jwk_text = iss.rsa.jwk(Some("rsa-1")).to_string();
    for secret in [n.as_slice(), jwk_text.as_bytes()] {
        let header = json!({"alg": "HS256", "kid": "rsa-1"});
        let token = sign_with(&header, &claims(), |input| hmac_sha256(secret, input));
        assert_code(&token, &iss.keys, ErrorCode::AlgNotAllowed, "HS256/RSA");
    }
    // A caller cannot opt in to HMAC either: the name is not an algorithm here.
    assert_eq!(
        Algorithms::from_names(["HS256"]).err().map(|e| e.code()),
        Some(ErrorCode::NotSupported)
    );
}

#[test]
fn hs256_signed_with_the_ec_public_key_bytes_as_secret() {
    let iss = issuer();
    let sec1 = iss.ec.sec1();
    let x_and_y = sec1.get(1..).unwrap_or_default().to_vec();
    let jwk_text = iss.ec.jwk(Some("ec-1")).to_string();
    for secret in [sec1.as_slice(), x_and_y.as_slice(), jwk_text.as_bytes()] {
        let header = json!({"alg": "HS256", "kid": "ec-1"});
        let token = sign_with(&header, &claims(), |input| hmac_sha256(secret, input));
        assert_code(&token, &iss.keys, ErrorCode::AlgNotAllowed, "HS256/EC");
    }
}

#[test]
fn key_embedded_in_the_header_as_jwk_is_ignored() {
    let iss = issuer();
    let attacker = EcKey::generate();
    let embedded = attacker.jwk(Some("ec-1"));
    // Signed by the attacker's key, which the header offers: the issuer's key is used.
    for header in [
        json!({"alg": "ES256", "kid": "ec-1", "jwk": embedded}),
        json!({"alg": "ES256", "jwk": embedded}),
    ] {
        let token = attacker.sign(&header, &claims());
        assert_code(
            &token,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            "embedded jwk",
        );
    }
    // Naming the attacker's own kid finds nothing; an empty set finds nothing either.
    let header = json!({"alg": "ES256", "kid": "attacker", "jwk": attacker.jwk(Some("attacker"))});
    let token = attacker.sign(&header, &claims());
    assert_code(
        &token,
        &iss.keys,
        ErrorCode::JwksNoMatchingKey,
        "attacker kid",
    );
    assert_code(
        &token,
        &KeySet::default(),
        ErrorCode::JwksNoMatchingKey,
        "no keys",
    );
}

#[test]
fn key_pointed_to_by_jku_x5u_or_x5c_is_ignored() {
    let iss = issuer();
    let attacker = EcKey::generate();
    for (name, value) in [
        ("jku", json!("https://attacker.example/jwks.json")),
        ("x5u", json!("https://attacker.example/cert.pem")),
        ("x5c", json!([BASE64URL.encode(attacker.sec1())])),
        ("x5t", json!("AAAA")),
    ] {
        let mut header = es256_header();
        if let Some(map) = header.as_object_mut() {
            map.insert(name.into(), value);
        }
        let token = attacker.sign(&header, &claims());
        assert_code(
            &token,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            name,
        );
    }
}

#[test]
fn kid_naming_a_key_of_the_other_type() {
    let iss = issuer();
    let es_naming_rsa = iss
        .ec
        .sign(&json!({"alg": "ES256", "kid": "rsa-1"}), &claims());
    assert_code(
        &es_naming_rsa,
        &iss.keys,
        ErrorCode::JwksNoMatchingKey,
        "ES256→RSA",
    );
    let rs_naming_ec = iss
        .rsa
        .sign(&json!({"alg": "RS256", "kid": "ec-1"}), &claims());
    assert_code(
        &rs_naming_ec,
        &iss.keys,
        ErrorCode::JwksNoMatchingKey,
        "RS256→EC",
    );
}

#[test]
fn kid_injection_strings_are_only_lookup_keys() {
    let iss = issuer();
    for kid in [
        "../../../../dev/null",
        "' OR '1'='1",
        "ec-1\u{0}",
        "EC-1",
        "ec-1 ",
    ] {
        let token = iss.ec.sign(&json!({"alg": "ES256", "kid": kid}), &claims());
        assert_code(&token, &iss.keys, ErrorCode::JwksNoMatchingKey, kid);
    }
}

#[test]
fn alg_not_matching_the_keys_alg() {
    let ec = EcKey::generate();
    let rsa = RsaKey::shared();
    let mut ec_jwk = ec.jwk(Some("k"));
    let mut rsa_jwk = rsa.jwk(Some("r"));
    if let (Some(e), Some(r)) = (ec_jwk.as_object_mut(), rsa_jwk.as_object_mut()) {
        e.insert("alg".into(), "ES384".into());
        r.insert("alg".into(), "PS256".into());
    }
    let keys = KeySet::from_json(&jwks(&[ec_jwk, rsa_jwk])).unwrap_or_else(|e| unreachable!("{e}"));
    // Genuine signatures by the right key material, but the key is restricted to another alg.
    let es = ec.sign(&json!({"alg": "ES256", "kid": "k"}), &claims());
    assert_code(
        &es,
        &keys,
        ErrorCode::JwksNoMatchingKey,
        "ES256 vs ES384 key",
    );
    let rs = rsa.sign(&json!({"alg": "RS256", "kid": "r"}), &claims());
    assert_code(
        &rs,
        &keys,
        ErrorCode::JwksNoMatchingKey,
        "RS256 vs PS256 key",
    );
    // A key whose alg names the other family is a broken key, reported by its kid.
    let mut wrong_family = ec.jwk(Some("w"));
    if let Some(map) = wrong_family.as_object_mut() {
        map.insert("alg".into(), "RS256".into());
    }
    let keys = KeySet::from_json(&jwks(&[wrong_family])).unwrap_or_else(|e| unreachable!("{e}"));
    let token = ec.sign(&json!({"alg": "ES256", "kid": "w"}), &claims());
    assert_code(
        &token,
        &keys,
        ErrorCode::JwkInvalid,
        "EC key with alg RS256",
    );
}

/// The issuer's ES256 token and its `(r, s)`.
fn es256_parts(iss: &Issuer) -> (String, Vec<u8>, Vec<u8>) {
    let token = iss.ec.sign(&es256_header(), &claims());
    let sig = signature_of(&token);
    let (r, s) = sig.split_at(32);
    (token.clone(), r.to_vec(), s.to_vec())
}

fn concat(a: &[u8], b: &[u8]) -> Vec<u8> {
    [a, b].concat()
}

#[test]
fn ecdsa_r_or_s_zero_psychic_signatures() {
    let iss = issuer();
    let (token, r, s) = es256_parts(&iss);
    let zero = [0u8; 32];
    for (what, sig) in [
        ("r=s=0", concat(&zero, &zero)),
        ("r=0", concat(&zero, &s)),
        ("s=0", concat(&r, &zero)),
    ] {
        let forged = with_signature(&token, &sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
}

#[test]
fn ecdsa_r_or_s_at_or_above_the_group_order() {
    let iss = issuer();
    let (token, r, s) = es256_parts(&iss);
    let mut n_plus_1 = P256_N;
    n_plus_1[31] += 1;
    let all_ones = [0xffu8; 32];
    // r + n and s + n where they still fit in 32 bytes: the same value modulo n, so a
    // verifier that reduces instead of range-checking would accept them.
    let add_n = |v: &[u8]| {
        let sum = BigUint::from_bytes_be(v) + BigUint::from_bytes_be(&P256_N);
        let bytes = sum.to_bytes_be();
        (bytes.len() == 32).then_some(bytes)
    };
    let mut cases = vec![
        ("r=n", concat(&P256_N, &s)),
        ("s=n", concat(&r, &P256_N)),
        ("r=n+1", concat(&n_plus_1, &s)),
        ("s=n+1", concat(&r, &n_plus_1)),
        ("r=2^256-1", concat(&all_ones, &s)),
        ("s=2^256-1", concat(&r, &all_ones)),
    ];
    if let Some(r_n) = add_n(&r) {
        cases.push(("r+n", concat(&r_n, &s)));
    }
    if let Some(s_n) = add_n(&s) {
        cases.push(("s+n", concat(&r, &s_n)));
    }
    for (what, sig) in cases {
        let forged = with_signature(&token, &sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
}

#[test]
fn ecdsa_der_encoded_signature() {
    let iss = issuer();
    let (token, r, s) = es256_parts(&iss);
    let sig =
        p256::ecdsa::Signature::from_slice(&concat(&r, &s)).unwrap_or_else(|e| unreachable!("{e}"));
    let der = sig.to_der();
    let forged = with_signature(&token, der.as_bytes());
    assert_code(
        &forged,
        &iss.keys,
        ErrorCode::SignatureVerificationFailed,
        "DER",
    );
}

#[test]
fn ecdsa_signature_of_wrong_length() {
    let iss = issuer();
    let (token, r, s) = es256_parts(&iss);
    let rs = concat(&r, &s);
    for (what, sig) in [
        ("empty", Vec::new()),
        ("r only", r.clone()),
        ("63 bytes", rs.get(..63).unwrap_or_default().to_vec()),
        ("65 bytes, trailing zero", concat(&rs, &[0])),
        ("65 bytes, leading zero", concat(&[0], &rs)),
        (
            "r and s as 33 bytes",
            concat(&concat(&[0], &r), &concat(&[0], &s)),
        ),
        ("ES512 size", vec![1u8; 132]),
    ] {
        let forged = with_signature(&token, &sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
}

#[test]
fn rsa_signature_of_wrong_length() {
    let iss = issuer();
    let token = iss
        .rsa
        .sign(&json!({"alg": "RS256", "kid": "rsa-1"}), &claims());
    let sig = signature_of(&token);
    for (what, forged_sig) in [
        ("leading zero added", concat(&[0], &sig)),
        ("trailing zero added", concat(&sig, &[0])),
        (
            "first byte dropped",
            sig.get(1..).unwrap_or_default().to_vec(),
        ),
        ("empty", Vec::new()),
        ("ES256 size", vec![1u8; 64]),
    ] {
        let forged = with_signature(&token, &forged_sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
}

#[test]
fn rsa_signature_value_at_or_above_the_modulus() {
    let iss = issuer();
    let n = iss.rsa.public.n().clone();
    let k = iss.rsa.public.size();
    let mut checked_same_length = false;
    // s + n is the same residue as s; try a few tokens until one's s + n also fits in k
    // bytes, the case a verifier without the range check would accept.
    for i in 0..64 {
        let mut payload = claims();
        if let Some(map) = payload.as_object_mut() {
            map.insert("jti".into(), json!(i));
        }
        let token = iss
            .rsa
            .sign(&json!({"alg": "RS256", "kid": "rsa-1"}), &payload);
        let s = BigUint::from_bytes_be(&signature_of(&token));
        let s_plus_n = (s + &n).to_bytes_be();
        let forged = with_signature(&token, &s_plus_n);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            "s+n",
        );
        if s_plus_n.len() == k {
            checked_same_length = true;
            break;
        }
    }
    let token = iss
        .rsa
        .sign(&json!({"alg": "RS256", "kid": "rsa-1"}), &claims());
    for (what, sig) in [
        ("s=n", n.to_bytes_be()),
        ("s=2^8k-1", vec![0xff; k]),
        ("s=0", vec![0; k]),
        ("s=1", concat(&vec![0; k - 1], &[1])),
    ] {
        let forged = with_signature(&token, &sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
    // With a 2048-bit modulus whose top byte is below 0x80 this can fail to occur in 64
    // tries only with negligible probability; report rather than silently pass.
    assert!(checked_same_length || n.to_bytes_be().first().is_some_and(|&b| b >= 0xc0));
}

#[test]
fn rsa_keys_under_2048_bits_and_over_4096_are_refused() {
    let small = RsaKey::generate(1024);
    let token = small.sign(&json!({"alg": "RS256", "kid": "small"}), &claims());
    let keys = KeySet::from_json(&jwks(&[small.jwk(Some("small"))]))
        .unwrap_or_else(|e| unreachable!("{e}"));
    assert!(keys.is_empty());
    assert_code(&token, &keys, ErrorCode::JwkInvalid, "1024-bit key");

    // Sizes just outside the bounds, checked on the modulus alone.
    let n = RsaKey::shared().public.n();
    let n_2047 = (n.clone() >> 1usize) | BigUint::from(1u8);
    let n_4097 = (BigUint::from(1u8) << 4096usize) | BigUint::from(1u8);
    for (what, modulus) in [("2047 bits", n_2047), ("4097 bits", n_4097)] {
        let jwk = json!({"kty": "RSA", "n": BASE64URL.encode(modulus.to_bytes_be()), "e": "AQAB"});
        let err = govuk_one_login_tokens::Jwk::from_json(&jwk.to_string()).err();
        assert_eq!(err.map(|e| e.code()), Some(ErrorCode::JwkInvalid), "{what}");
    }
}

#[test]
fn rsa_public_exponents_outside_policy_are_refused() {
    let n = BASE64URL.encode(RsaKey::shared().public.n().to_bytes_be());
    for e in [&[1u8][..], &[2], &[0], &[], &[1, 0, 0], &[1, 0, 0, 0, 0, 1]] {
        let jwk = json!({"kty": "RSA", "n": n, "e": BASE64URL.encode(e)});
        let err = govuk_one_login_tokens::Jwk::from_json(&jwk.to_string()).err();
        assert_eq!(
            err.map(|e| e.code()),
            Some(ErrorCode::JwkInvalid),
            "e={e:?}"
        );
    }
}

#[test]
fn ec_points_not_on_the_curve_are_refused() {
    let ec = EcKey::generate();
    let good = ec.jwk(Some("p"));
    let x = good.get("x").cloned().unwrap_or_default();
    let y = good.get("y").cloned().unwrap_or_default();
    let mut y_bytes = BASE64URL
        .decode(y.as_str().unwrap_or_default())
        .unwrap_or_default();
    if let Some(last) = y_bytes.last_mut() {
        *last ^= 1;
    }
    let zeros = BASE64URL.encode([0u8; 32]);
    // p, the field prime: a coordinate that is not a field element at all.
    let p = BASE64URL.encode([
        0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
    let cases = [
        ("y changed", x.clone(), json!(BASE64URL.encode(&y_bytes))),
        ("origin (0,0)", json!(zeros), json!(zeros)),
        ("x = p", json!(p), y.clone()),
        ("y 31 bytes", x.clone(), json!(BASE64URL.encode([1u8; 31]))),
        ("y 33 bytes", x.clone(), json!(BASE64URL.encode([1u8; 33]))),
    ];
    for (what, x, y) in cases {
        let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "p", "x": x, "y": y});
        let keys = KeySet::from_json(&jwks(&[jwk])).unwrap_or_else(|e| unreachable!("{e}"));
        let token = ec.sign(&json!({"alg": "ES256", "kid": "p"}), &claims());
        assert_code(&token, &keys, ErrorCode::JwkInvalid, what);
    }
}

#[test]
fn crit_with_unknown_or_malformed_names() {
    let iss = issuer();
    for (header, expected) in [
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": ["exp"], "exp": 1}),
            ErrorCode::NotSupported,
        ),
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": ["x-custom"], "x-custom": true}),
            ErrorCode::NotSupported,
        ),
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": ["x-missing"]}),
            ErrorCode::NotSupported,
        ),
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": []}),
            ErrorCode::JwsInvalid,
        ),
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": "b64"}),
            ErrorCode::JwsInvalid,
        ),
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": [""]}),
            ErrorCode::JwsInvalid,
        ),
        (
            json!({"alg": "ES256", "kid": "ec-1", "crit": ["b64"]}),
            ErrorCode::JwsInvalid,
        ),
    ] {
        let token = iss.ec.sign(&header, &claims());
        assert_code(&token, &iss.keys, expected, &header.to_string());
    }
}

#[test]
fn b64_false_unencoded_payload() {
    let iss = issuer();
    for header in [
        json!({"alg": "ES256", "kid": "ec-1", "b64": false, "crit": ["b64"]}),
        json!({"alg": "ES256", "kid": "ec-1", "b64": false}),
        json!({"alg": "ES256", "kid": "ec-1", "b64": "false"}),
    ] {
        let token = iss.ec.sign(&header, &claims());
        assert_code(
            &token,
            &iss.keys,
            ErrorCode::JwtInvalid,
            &header.to_string(),
        );
    }
    // RFC 7797 form proper: the payload is sent and signed as raw text.
    let header =
        encode_json(&json!({"alg": "ES256", "kid": "ec-1", "b64": false, "crit": ["b64"]}));
    let detached = signed(&format!("{header}.{}", claims_text()), iss.ec.signer());
    assert!(code(&detached, &iss.keys).is_some());
}

#[test]
fn duplicate_member_names_in_header_or_payload() {
    let iss = issuer();
    for header in [
        r#"{"alg":"ES256","kid":"ec-1","alg":"none"}"#,
        r#"{"alg":"ES256","kid":"ec-1","kid":"rsa-1"}"#,
        r#"{"alg":"ES256","kid":"ec-1","\u0061lg":"ES256"}"#,
        r#"{"alg":"ES256","kid":"ec-1","x":{"a":1,"a":2}}"#,
    ] {
        let token = token_from_bytes(header.as_bytes(), claims_text().as_bytes(), iss.ec.signer());
        assert_code(&token, &iss.keys, ErrorCode::JwsInvalid, header);
    }
    let body = format!(
        r#""iss":"{ISSUER}","aud":"{AUDIENCE}","exp":{}"#,
        NOW + 600.0
    );
    for payload in [
        format!(r#"{{{body},"exp":1}}"#),
        format!(r#"{{{body},"iss":"https://attacker.example/"}}"#),
        format!(r#"{{{body},"\u0065xp":1}}"#),
        format!(r#"{{{body},"vc":{{"n":1,"n":2}}}}"#),
    ] {
        let token = token_from_bytes(
            es256_header().to_string().as_bytes(),
            payload.as_bytes(),
            iss.ec.signer(),
        );
        assert_code(&token, &iss.keys, ErrorCode::JwtInvalid, &payload);
    }
}

#[test]
fn trailing_data_after_the_json() {
    let iss = issuer();
    let header = es256_header().to_string();
    for suffix in ["x", "{}", "\u{0}", ",", "]", "\"\""] {
        let bad_header = format!("{header}{suffix}");
        let token = token_from_bytes(
            bad_header.as_bytes(),
            claims_text().as_bytes(),
            iss.ec.signer(),
        );
        assert_code(&token, &iss.keys, ErrorCode::JwsInvalid, suffix);
        let bad_payload = format!("{}{suffix}", claims_text());
        let token = token_from_bytes(header.as_bytes(), bad_payload.as_bytes(), iss.ec.signer());
        assert_code(&token, &iss.keys, ErrorCode::JwtInvalid, suffix);
    }
    // Whitespace around a value is JSON, not trailing data.
    let spaced = format!(" {} \n", claims_text());
    let token = token_from_bytes(header.as_bytes(), spaced.as_bytes(), iss.ec.signer());
    assert_eq!(code(&token, &iss.keys), None);
}

#[test]
fn invalid_utf8_and_lone_surrogates() {
    let iss = issuer();
    let header = es256_header().to_string();
    let bad_bytes: [&[u8]; 4] = [
        b"\xff",         // never valid
        b"\xc0\xaf",     // overlong "/"
        b"\xed\xa0\x80", // a surrogate encoded as UTF-8 (CESU-8)
        b"\xe2\x82",     // truncated sequence
    ];
    for bad in bad_bytes {
        let in_header = [
            br#"{"alg":"ES256","kid":"ec-1","x":""#.as_slice(),
            bad,
            b"\"}",
        ]
        .concat();
        let token = token_from_bytes(&in_header, claims_text().as_bytes(), iss.ec.signer());
        assert_code(&token, &iss.keys, ErrorCode::JwsInvalid, "header bytes");
        let payload = claims_text();
        let in_payload = [
            payload
                .get(..payload.len() - 1)
                .unwrap_or_default()
                .as_bytes(),
            b",\"x\":\"",
            bad,
            b"\"}",
        ]
        .concat();
        let token = token_from_bytes(header.as_bytes(), &in_payload, iss.ec.signer());
        assert_code(&token, &iss.keys, ErrorCode::JwtInvalid, "payload bytes");
    }
    for escape in [r"\ud800", r"\udc00", r"\ud800\u0041"] {
        let in_header = format!(r#"{{"alg":"ES256","kid":"ec-1","x":"{escape}"}}"#);
        let token = token_from_bytes(
            in_header.as_bytes(),
            claims_text().as_bytes(),
            iss.ec.signer(),
        );
        assert_code(&token, &iss.keys, ErrorCode::JwsInvalid, escape);
        let in_payload = format!(r#"{{"iss":"{ISSUER}","x":"{escape}"}}"#);
        let token = token_from_bytes(header.as_bytes(), in_payload.as_bytes(), iss.ec.signer());
        assert_code(&token, &iss.keys, ErrorCode::JwtInvalid, escape);
    }
}

/// Bump the value of the last base64url character by one, setting a spare low bit: the
/// lenient decoders' "same bytes, different text" case.
fn non_canonical(segment: &str) -> String {
    const ALPHABET: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let (head, last) = segment.split_at(segment.len() - 1);
    let index = ALPHABET.find(last).unwrap_or(0);
    format!(
        "{head}{}",
        ALPHABET.get(index + 1..index + 2).unwrap_or("B")
    )
}

#[test]
fn padded_or_non_canonical_base64url() {
    let iss = issuer();
    let token = iss.ec.sign(&es256_header(), &claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let [header, payload, sig] = [parts.remove(0), parts.remove(0), parts.remove(0)];
    assert_eq!(sig.len() % 4, 2, "a 64-byte signature leaves 4 spare bits");

    // Signature changes: only the encoding differs, the bytes (for a lenient decoder) do not.
    for bad_sig in [
        format!("{sig}=="),
        format!("{sig}="),
        non_canonical(&sig),
        format!("{sig} "),
        format!(" {sig}"),
        sig.replace('-', "+").replace('_', "/"),
    ] {
        if bad_sig == sig {
            continue;
        }
        let forged = format!("{header}.{payload}.{bad_sig}");
        assert_code(&forged, &iss.keys, ErrorCode::JwsInvalid, &bad_sig);
    }

    // Header and payload changes are re-signed over the changed text, so the signature is
    // genuinely valid and only the encoding rule can refuse them.
    let mut payload_text = claims_text();
    while payload_text.len() % 3 == 0 {
        payload_text.insert(payload_text.len() - 1, ' ');
    }
    let payload_b64 = BASE64URL.encode(payload_text.as_bytes());
    let header_b64 = header.clone();
    let variants = [
        (
            format!("{header_b64}=.{payload_b64}"),
            ErrorCode::JwsInvalid,
        ),
        (
            format!("{header_b64}.{payload_b64}="),
            ErrorCode::JwsInvalid,
        ),
        (
            format!("{header_b64}.{}", non_canonical(&payload_b64)),
            ErrorCode::JwsInvalid,
        ),
        (
            format!("{header_b64}.+{}", payload_b64.get(1..).unwrap_or_default()),
            ErrorCode::JwsInvalid,
        ),
        (
            format!("{header_b64}.\n{payload_b64}"),
            ErrorCode::JwsInvalid,
        ),
        (
            format!("{header_b64} .{payload_b64}"),
            ErrorCode::JwsInvalid,
        ),
    ];
    for (input, expected) in variants {
        let forged = signed(&input, iss.ec.signer());
        assert_code(&forged, &iss.keys, expected, &input);
    }
    // The control: the canonical text verifies.
    let good = signed(&format!("{header_b64}.{payload_b64}"), iss.ec.signer());
    assert_eq!(code(&good, &iss.keys), None);
}

#[test]
fn extra_or_missing_segments_including_jwe() {
    let iss = issuer();
    let token = iss.ec.sign(&es256_header(), &claims());
    let (input, _) = token.rsplit_once('.').unwrap_or_default();
    let (header, _) = input.split_once('.').unwrap_or_default();
    let jwe = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a2V5.aXY.Y2lwaGVy.dGFn";
    for (bad, what) in [
        (String::new(), "empty"),
        (header.to_owned(), "one segment"),
        (input.to_owned(), "two segments"),
        (format!("{token}."), "extra empty segment"),
        (format!("{token}.AAAA"), "four segments"),
        (format!("{token}.AAAA.AAAA.AAAA"), "six segments"),
        (jwe.to_owned(), "JWE"),
        (
            format!(".{}", token.split_once('.').map(|(_, r)| r).unwrap_or("")),
            "no header",
        ),
    ] {
        assert_code(&bad, &iss.keys, ErrorCode::JwsInvalid, what);
    }
    let message = jwt::verify(jwe, &iss.keys, &options())
        .err()
        .map(|e| e.message().to_owned())
        .unwrap_or_default();
    assert!(message.contains("JWE"), "{message}");
    // JSON serialization is not the compact form.
    let json_serialized =
        json!({"payload": "e30", "signatures": [{"protected": header, "signature": "AA"}]});
    assert_code(
        &json_serialized.to_string(),
        &iss.keys,
        ErrorCode::JwsInvalid,
        "JSON",
    );
}

#[test]
fn claims_of_the_wrong_json_type() {
    let iss = issuer();
    for (claim, value) in [
        ("exp", json!("9999999999")),
        ("exp", json!(null)),
        ("nbf", json!(true)),
        ("iat", json!("1700000000")),
        ("aud", json!(12345)),
        ("aud", json!([AUDIENCE, 1])),
        ("iss", json!(1)),
    ] {
        let mut payload = claims();
        if let Some(map) = payload.as_object_mut() {
            map.insert(claim.into(), value.clone());
        }
        let token = iss.ec.sign(&es256_header(), &payload);
        let err = jwt::verify(&token, &iss.keys, &options()).err();
        assert_eq!(
            err.as_ref().map(|e| (e.code(), e.claim_name(), e.reason())),
            Some((
                ErrorCode::ClaimValidationFailed,
                Some(claim),
                Some(Reason::Invalid)
            )),
            "{claim}: {value}"
        );
    }
}

#[test]
fn issuer_differing_only_by_trailing_slash_or_case() {
    let iss = issuer();
    for wrong in [
        "https://oidc.integration.account.gov.uk",
        "https://oidc.integration.account.gov.uk//",
        "https://OIDC.integration.account.gov.uk/",
        "HTTPS://oidc.integration.account.gov.uk/",
        "https://oidc.integration.account.gov.uk/ ",
        "http://oidc.integration.account.gov.uk/",
    ] {
        let mut payload = claims();
        if let Some(map) = payload.as_object_mut() {
            map.insert("iss".into(), wrong.into());
        }
        let token = iss.ec.sign(&es256_header(), &payload);
        let err = jwt::verify(&token, &iss.keys, &options()).err();
        assert_eq!(
            err.as_ref().map(|e| (e.code(), e.claim_name(), e.reason())),
            Some((
                ErrorCode::ClaimValidationFailed,
                Some("iss"),
                Some(Reason::CheckFailed)
            )),
            "{wrong}"
        );
    }
}

/// A token whose length is as close to `target` as base64url allows without passing it.
fn token_of_length_at_most(iss: &Issuer, target: usize) -> String {
    let base = iss.ec.sign(&es256_header(), &claims()).len();
    // Each 3 bytes of padding claim add 4 characters; start a little short and step up.
    let mut pad = (target.saturating_sub(base) * 3 / 4).saturating_sub(16);
    let mut best = String::new();
    loop {
        let mut payload = claims();
        if let Some(map) = payload.as_object_mut() {
            map.insert("pad".into(), "x".repeat(pad).into());
        }
        let token = iss.ec.sign(&es256_header(), &payload);
        if token.len() > target {
            return best;
        }
        best = token;
        pad += 1;
    }
}

#[test]
fn tokens_just_under_the_size_cap_pass_and_just_over_fail() {
    let iss = issuer();
    let cap = DEFAULT_MAX_TOKEN_SIZE;
    let under = token_of_length_at_most(&iss, cap);
    assert!(
        under.len() <= cap && under.len() + 4 > cap,
        "{}",
        under.len()
    );
    assert_eq!(code(&under, &iss.keys), None, "just under the cap");

    let over = token_of_length_at_most(&iss, cap + 8);
    assert!(over.len() > cap);
    let err = jwt::verify(&over, &iss.keys, &options()).err();
    assert_eq!(err.as_ref().map(|e| e.code()), Some(ErrorCode::JwsInvalid));
    assert!(err.is_some_and(|e| e.message().contains("limit")));
}

#[test]
fn a_ten_megabyte_token_is_refused_quickly() {
    let iss = issuer();
    let header = encode_json(&es256_header());
    let huge = format!(
        "{header}.{}.{}",
        "A".repeat(10 * 1024 * 1024),
        "A".repeat(86)
    );
    let junk = "x".repeat(10 * 1024 * 1024);
    #[cfg(not(target_arch = "wasm32"))]
    let started = std::time::Instant::now();
    for token in [&huge, &junk] {
        assert_code(token, &iss.keys, ErrorCode::JwsInvalid, "10 MB");
        assert_eq!(
            govuk_one_login_tokens::dangerous::decode(token, DEFAULT_MAX_TOKEN_SIZE)
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::JwsInvalid)
        );
    }
    // std's clock does not exist in wasm32-unknown-unknown; the refusal itself is checked
    // there too. A generous bound: the cap is checked before any decoding.
    #[cfg(not(target_arch = "wasm32"))]
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn json_nested_ten_thousand_deep() {
    let iss = issuer();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let header = format!(r#"{{"alg":"ES256","kid":"ec-1","x":{deep}}}"#);
    let token = token_from_bytes(header.as_bytes(), claims_text().as_bytes(), iss.ec.signer());
    assert_code(&token, &iss.keys, ErrorCode::JwsInvalid, "deep header");

    // Arrays keep the token under the size cap, so the depth rule is what refuses it.
    let payload = format!(r#"{{"iss":"{ISSUER}","aud":"{AUDIENCE}","x":{deep}}}"#);
    let token = token_from_bytes(
        es256_header().to_string().as_bytes(),
        payload.as_bytes(),
        iss.ec.signer(),
    );
    let err = jwt::verify(&token, &iss.keys, &options()).err();
    assert_eq!(err.as_ref().map(|e| e.code()), Some(ErrorCode::JwtInvalid));
    assert!(err.is_some_and(|e| e.message().contains("deeper")));

    // Key sets have no size cap; objects nested 10,000 deep are refused by depth alone.
    let objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    for jwks_doc in [
        format!(r#"{{"keys":[],"x":{deep}}}"#),
        format!(r#"{{"keys":[{objects}]}}"#),
    ] {
        assert_eq!(
            KeySet::from_json(&jwks_doc).err().map(|e| e.code()),
            Some(ErrorCode::JwksInvalid)
        );
    }
}

#[test]
fn nan_infinite_negative_or_excessive_clock_tolerance() {
    let iss = issuer();
    let token = iss.ec.sign(&es256_header(), &claims());
    for tolerance in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.5,
        300.5,
        1e9,
    ] {
        let mut opts = options();
        opts.claims.clock_tolerance = tolerance;
        assert_eq!(
            jwt::verify(&token, &iss.keys, &opts)
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::InvalidArgument),
            "{tolerance}"
        );
    }
    for now in [f64::NAN, f64::INFINITY, -1.0] {
        let mut opts = options();
        opts.claims.now = now;
        assert_eq!(
            jwt::verify(&token, &iss.keys, &opts)
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::InvalidArgument),
            "now = {now}"
        );
    }
    // An argument error is reported even for a token that is itself broken.
    let mut opts = options();
    opts.claims.clock_tolerance = f64::NAN;
    assert_eq!(
        jwt::verify("garbage", &iss.keys, &opts)
            .err()
            .map(|e| e.code()),
        Some(ErrorCode::InvalidArgument)
    );
    // The bounds themselves are fine.
    for tolerance in [0.0, 300.0] {
        let mut opts = options();
        opts.claims.clock_tolerance = tolerance;
        assert!(jwt::verify(&token, &iss.keys, &opts).is_ok());
    }
}

/// A host backend that says "valid" to everything, standing in for a buggy or lenient host
/// (for example a WebCrypto that accepted DER or out-of-range scalars).
#[derive(Debug)]
struct YesBackend;

impl govuk_one_login_tokens::SignatureBackend for YesBackend {
    fn verify(
        &self,
        _key: &govuk_one_login_tokens::Jwk,
        _alg: govuk_one_login_tokens::Algorithm,
        _message: &[u8],
        _signature: &[u8],
    ) -> Option<bool> {
        Some(true)
    }
}

#[test]
fn signature_form_checks_run_before_a_host_backend() {
    let mut iss = issuer();
    iss.keys
        .set_signature_backend(Some(std::sync::Arc::new(YesBackend)));
    let (token, r, s) = es256_parts(&iss);
    let der = p256::ecdsa::Signature::from_slice(&concat(&r, &s))
        .unwrap_or_else(|e| unreachable!("{e}"))
        .to_der();
    for (what, sig) in [
        ("r=s=0", vec![0u8; 64]),
        ("s=n", concat(&r, &P256_N)),
        ("DER", der.as_bytes().to_vec()),
        ("65 bytes", concat(&concat(&r, &s), &[0])),
    ] {
        let forged = with_signature(&token, &sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
    let rs = iss
        .rsa
        .sign(&json!({"alg": "RS256", "kid": "rsa-1"}), &claims());
    let n = iss.rsa.public.n().to_bytes_be();
    for (what, sig) in [("s=n", n.clone()), ("k+1 bytes", concat(&[0], &n))] {
        let forged = with_signature(&rs, &sig);
        assert_code(
            &forged,
            &iss.keys,
            ErrorCode::SignatureVerificationFailed,
            what,
        );
    }
    // Everything before the signature is still the core's: `alg: none` never reaches it.
    let none = format!(
        "{}.{}.",
        encode_json(&json!({"alg": "none"})),
        encode_json(&claims())
    );
    assert_code(&none, &iss.keys, ErrorCode::AlgNotAllowed, "none");
    // And a well-formed signature is the backend's call (here: always yes), as designed.
    assert_eq!(code(&token, &iss.keys), None);
}
