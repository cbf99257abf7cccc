//! The attack catalogue: every known way of talking a JWT verifier into "valid", as tables of
//! (case, the token or input the attacker makes, the expected outcome). Keys are generated per
//! run; the attacker's tokens are forged here exactly as an attacker would forge them (real
//! HMACs, real signatures by the attacker's own key, signatures over malformed text), so each
//! refusal comes from the rule under test and not from an incidental signature failure.
//! Each test is one table, run by [`run`] (tokens through `jwt::verify`) or [`check`] (any
//! result), which report every row that came out otherwise, by name.
//! Runs natively and inside wasm under Node (wasm-bindgen-test).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use crate::fixtures::{
    assert_rows, encode_json, error_code, hmac_sha256, issuer, key_set, signature_of, with,
    with_signature, EcKey, Hmac, Issuer, RsaKey, Signs, Unsigned, CLIENT_ID, ES_KID, NOW, RS_KID,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::dangerous::decode;
use govuk_one_login_tokens::{
    jwt, Algorithms, Error, ErrorCode, Jwk, KeySet, Reason, DEFAULT_MAX_TOKEN_SIZE,
};
use rsa::traits::PublicKeyParts;
use rsa::BigUint;
use serde_json::{json, Value};
use std::fmt::Display;
use ErrorCode::{
    AlgNotAllowed, InvalidArgument, JwkInvalid, JwksInvalid, JwksNoMatchingKey, JwsInvalid,
    JwtInvalid, NotSupported, SignatureVerificationFailed,
};
use Expect::{Claim, Code, Refused, Says, Valid};

const ISSUER: &str = "https://oidc.integration.account.gov.uk/";

/// The P-256 group order n, big-endian.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

fn claims() -> Value {
    json!({"iss": ISSUER, "aud": CLIENT_ID, "sub": "urn:fdc:gov.uk:2022:abc",
           "exp": NOW + 600.0, "iat": NOW})
}

fn claims_text() -> String {
    claims().to_string()
}

fn options() -> jwt::VerifyOptions {
    let mut options = jwt::VerifyOptions::at(NOW);
    options.claims.issuer = Some(ISSUER.into());
    options.claims.audience = Some(CLIENT_ID.into());
    options
}

fn es256_header() -> Value {
    json!({"alg": "ES256", "kid": ES_KID})
}

/// The claims signed by `signer` under `header`.
fn token(signer: &dyn Signs, header: Value) -> String {
    signer.sign(&header, &claims())
}

/// What a row must come to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    Valid,
    /// Refused, whatever the code.
    Refused,
    /// Refused with this code.
    Code(ErrorCode),
    /// Refused as a claim failure of this claim, for this reason.
    Claim(&'static str, Reason),
    /// Refused with this code, the message saying this.
    Says(ErrorCode, &'static str),
}

impl Expect {
    fn met_by<T>(self, result: &Result<T, Error>) -> bool {
        match (self, result) {
            (Valid, Ok(_)) => true,
            (Refused, Err(_)) => true,
            (Code(code), Err(e)) => e.code() == code,
            (Claim(claim, reason), Err(e)) => {
                (e.code(), e.claim_name(), e.reason())
                    == (ErrorCode::ClaimValidationFailed, Some(claim), Some(reason))
            }
            (Says(code, words), Err(e)) => e.code() == code && e.message().contains(words),
            _ => false,
        }
    }
}

fn describe<T>(result: &Result<T, Error>) -> String {
    match result {
        Ok(_) => "valid".into(),
        Err(e) => format!(
            "{:?} (claim {:?}, reason {:?}): {}",
            e.code(),
            e.claim_name(),
            e.reason(),
            e.message()
        ),
    }
}

/// The table runner: every row's result must meet its expectation; the rows that do not are
/// reported together, by name.
fn check<N: Display, T>(rows: impl IntoIterator<Item = (N, Result<T, Error>, Expect)>) {
    assert_rows(rows.into_iter().map(|(name, result, expect)| {
        if expect.met_by(&result) {
            Ok(())
        } else {
            Err(format!(
                "{name}: expected {expect:?}, got {}",
                describe(&result)
            ))
        }
    }));
}

/// [`check`] for tokens: each is verified against `keys` with the relying party's options.
fn run<N: Display>(keys: &KeySet, rows: impl IntoIterator<Item = (N, String, Expect)>) {
    check(
        rows.into_iter()
            .map(|(name, token, expect)| (name, jwt::verify(&token, keys, &options()), expect)),
    );
}

/// Rows of one token with its signature replaced, each of which must fail the signature check.
fn forged_signatures<N: Display>(
    token: &str,
    signatures: impl IntoIterator<Item = (N, Vec<u8>)>,
) -> Vec<(N, String, Expect)> {
    signatures
        .into_iter()
        .map(|(name, sig)| {
            let forged = with_signature(token, &sig);
            (name, forged, Code(SignatureVerificationFailed))
        })
        .collect()
}

/// The issuer's own valid tokens must verify, or every refusal below proves nothing.
#[test]
fn control_valid_tokens_verify() {
    let iss = issuer();
    run(
        &iss.keys,
        [
            ("ES256", iss.es256(&claims()), Valid),
            ("RS256", iss.rs256(&claims()), Valid),
        ],
    );
}

#[test]
fn alg_none_in_any_capitalisation_with_or_without_signature() {
    let iss = issuer();
    run(
        &iss.keys,
        ["none", "None", "NONE", "nOnE", "NoNe"]
            .into_iter()
            .flat_map(|alg| {
                let header = json!({"alg": alg, "kid": ES_KID});
                [
                    (
                        format!("{alg}, unsigned"),
                        token(&Unsigned, header.clone()),
                        Code(AlgNotAllowed),
                    ),
                    // A genuine ES256 signature over the same text: still refused on `alg` alone.
                    (
                        format!("{alg}, signed by the issuer's key"),
                        token(&iss.es, header),
                        Code(AlgNotAllowed),
                    ),
                ]
            }),
    );
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
    let jwk_text = iss.rsa.jwk(Some(RS_KID)).to_string();
    let hs256 = || json!({"alg": "HS256", "kid": RS_KID});
    run(
        &iss.keys,
        [
            ("keyed by n", token(&Hmac(&n), hs256()), Code(AlgNotAllowed)),
            (
                "keyed by the JWK text",
                token(&Hmac(jwk_text.as_bytes()), hs256()),
                Code(AlgNotAllowed),
            ),
        ],
    );
    // A caller cannot opt in to HMAC either: the name is not an algorithm here.
    assert_eq!(
        error_code(Algorithms::from_names(["HS256"])),
        Some(NotSupported)
    );
}

#[test]
fn hs256_signed_with_the_ec_public_key_bytes_as_secret() {
    let iss = issuer();
    let sec1 = iss.es.sec1();
    let x_and_y = sec1.get(1..).unwrap_or_default().to_vec();
    let jwk_text = iss.es.jwk(Some(ES_KID)).to_string();
    let hs256 = || json!({"alg": "HS256", "kid": ES_KID});
    run(
        &iss.keys,
        [
            (
                "keyed by the SEC1 point",
                token(&Hmac(&sec1), hs256()),
                Code(AlgNotAllowed),
            ),
            (
                "keyed by x || y",
                token(&Hmac(&x_and_y), hs256()),
                Code(AlgNotAllowed),
            ),
            (
                "keyed by the JWK text",
                token(&Hmac(jwk_text.as_bytes()), hs256()),
                Code(AlgNotAllowed),
            ),
        ],
    );
}

#[test]
fn key_embedded_in_the_header_as_jwk_is_ignored() {
    let iss = issuer();
    let attacker = EcKey::generate();
    let embedded = attacker.jwk(Some(ES_KID));
    let own_kid = token(
        &attacker,
        json!({"alg": "ES256", "kid": "attacker", "jwk": attacker.jwk(Some("attacker"))}),
    );
    // Signed by the attacker's key, which the header offers: the issuer's key is used.
    run(
        &iss.keys,
        [
            (
                "jwk beside the issuer's kid",
                token(
                    &attacker,
                    json!({"alg": "ES256", "kid": ES_KID, "jwk": embedded}),
                ),
                Code(SignatureVerificationFailed),
            ),
            (
                "jwk without a kid",
                token(&attacker, json!({"alg": "ES256", "jwk": embedded})),
                Code(SignatureVerificationFailed),
            ),
            // Naming the attacker's own kid finds nothing.
            (
                "jwk under the attacker's kid",
                own_kid.clone(),
                Code(JwksNoMatchingKey),
            ),
        ],
    );
    // An empty set finds nothing either.
    run(
        &KeySet::default(),
        [("no keys", own_kid, Code(JwksNoMatchingKey))],
    );
}

#[test]
fn key_pointed_to_by_jku_x5u_or_x5c_is_ignored() {
    let iss = issuer();
    let attacker = EcKey::generate();
    run(
        &iss.keys,
        [
            ("jku", json!("https://attacker.example/jwks.json")),
            ("x5u", json!("https://attacker.example/cert.pem")),
            ("x5c", json!([BASE64URL.encode(attacker.sec1())])),
            ("x5t", json!("AAAA")),
        ]
        .map(|(name, value)| {
            let header = with(es256_header(), json!({ name: value }));
            (
                name,
                token(&attacker, header),
                Code(SignatureVerificationFailed),
            )
        }),
    );
}

#[test]
fn kid_naming_a_key_of_the_other_type() {
    let iss = issuer();
    run(
        &iss.keys,
        [
            (
                "ES256 naming the RSA key",
                token(&iss.es, json!({"alg": "ES256", "kid": RS_KID})),
                Code(JwksNoMatchingKey),
            ),
            (
                "RS256 naming the EC key",
                token(iss.rsa, json!({"alg": "RS256", "kid": ES_KID})),
                Code(JwksNoMatchingKey),
            ),
        ],
    );
}

#[test]
fn kid_injection_strings_are_only_lookup_keys() {
    let iss = issuer();
    run(
        &iss.keys,
        [
            "../../../../dev/null",
            "' OR '1'='1",
            "es-key-1\u{0}",
            "ES-KEY-1",
            "es-key-1 ",
        ]
        .map(|kid| {
            let token = token(&iss.es, json!({"alg": "ES256", "kid": kid}));
            (format!("kid {kid:?}"), token, Code(JwksNoMatchingKey))
        }),
    );
}

#[test]
fn alg_not_matching_the_keys_alg() {
    let ec = EcKey::generate();
    let rsa = RsaKey::shared();
    // Genuine signatures by the right key material, but the key is restricted to another alg.
    let restricted = key_set(&[
        with(ec.jwk(Some("k")), json!({"alg": "ES384"})),
        with(rsa.jwk(Some("r")), json!({"alg": "PS256"})),
    ]);
    run(
        &restricted,
        [
            (
                "ES256 vs an ES384 key",
                token(&ec, json!({"alg": "ES256", "kid": "k"})),
                Code(JwksNoMatchingKey),
            ),
            (
                "RS256 vs a PS256 key",
                token(rsa, json!({"alg": "RS256", "kid": "r"})),
                Code(JwksNoMatchingKey),
            ),
        ],
    );
    // A key whose alg names the other family is a broken key, reported by its kid.
    let wrong_family = key_set(&[with(ec.jwk(Some("w")), json!({"alg": "RS256"}))]);
    run(
        &wrong_family,
        [(
            "EC key with alg RS256",
            token(&ec, json!({"alg": "ES256", "kid": "w"})),
            Code(JwkInvalid),
        )],
    );
}

/// The issuer's ES256 token and its `(r, s)`.
fn es256_parts(iss: &Issuer) -> (String, Vec<u8>, Vec<u8>) {
    let token = iss.es256(&claims());
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
    run(
        &iss.keys,
        forged_signatures(
            &token,
            [
                ("r=s=0", concat(&zero, &zero)),
                ("r=0", concat(&zero, &s)),
                ("s=0", concat(&r, &zero)),
            ],
        ),
    );
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
    let mut signatures = vec![
        ("r=n", concat(&P256_N, &s)),
        ("s=n", concat(&r, &P256_N)),
        ("r=n+1", concat(&n_plus_1, &s)),
        ("s=n+1", concat(&r, &n_plus_1)),
        ("r=2^256-1", concat(&all_ones, &s)),
        ("s=2^256-1", concat(&r, &all_ones)),
    ];
    if let Some(r_n) = add_n(&r) {
        signatures.push(("r+n", concat(&r_n, &s)));
    }
    if let Some(s_n) = add_n(&s) {
        signatures.push(("s+n", concat(&r, &s_n)));
    }
    run(&iss.keys, forged_signatures(&token, signatures));
}

/// `(r, s)` as an ASN.1 DER signature.
fn der(r: &[u8], s: &[u8]) -> Vec<u8> {
    p256::ecdsa::Signature::from_slice(&concat(r, s))
        .unwrap_or_else(|e| unreachable!("{e}"))
        .to_der()
        .as_bytes()
        .to_vec()
}

#[test]
fn ecdsa_der_encoded_signature() {
    let iss = issuer();
    let (token, r, s) = es256_parts(&iss);
    run(&iss.keys, forged_signatures(&token, [("DER", der(&r, &s))]));
}

#[test]
fn ecdsa_signature_of_wrong_length() {
    let iss = issuer();
    let (token, r, s) = es256_parts(&iss);
    let rs = concat(&r, &s);
    run(
        &iss.keys,
        forged_signatures(
            &token,
            [
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
            ],
        ),
    );
}

#[test]
fn rsa_signature_of_wrong_length() {
    let iss = issuer();
    let token = iss.rs256(&claims());
    let sig = signature_of(&token);
    run(
        &iss.keys,
        forged_signatures(
            &token,
            [
                ("leading zero added", concat(&[0], &sig)),
                ("trailing zero added", concat(&sig, &[0])),
                (
                    "first byte dropped",
                    sig.get(1..).unwrap_or_default().to_vec(),
                ),
                ("empty", Vec::new()),
                ("ES256 size", vec![1u8; 64]),
            ],
        ),
    );
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
        let token = iss.rs256(&with(claims(), json!({ "jti": i })));
        let s = BigUint::from_bytes_be(&signature_of(&token));
        let s_plus_n = (s + &n).to_bytes_be();
        let fits = s_plus_n.len() == k;
        run(
            &iss.keys,
            forged_signatures(&token, [(format!("s+n, token {i}"), s_plus_n)]),
        );
        if fits {
            checked_same_length = true;
            break;
        }
    }
    let token = iss.rs256(&claims());
    run(
        &iss.keys,
        forged_signatures(
            &token,
            [
                ("s=n", n.to_bytes_be()),
                ("s=2^8k-1", vec![0xff; k]),
                ("s=0", vec![0; k]),
                ("s=1", concat(&vec![0; k - 1], &[1])),
            ],
        ),
    );
    // With a 2048-bit modulus whose top byte is below 0x80 this can fail to occur in 64
    // tries only with negligible probability; report rather than silently pass.
    assert!(checked_same_length || n.to_bytes_be().first().is_some_and(|&b| b >= 0xc0));
}

/// Rows of JWK documents that `Jwk::from_json` must refuse with `expected`.
fn refused_jwks<N: Display>(
    expected: ErrorCode,
    rows: impl IntoIterator<Item = (N, Value)>,
) -> impl Iterator<Item = (N, Result<Jwk, Error>, Expect)> {
    rows.into_iter()
        .map(move |(name, jwk)| (name, Jwk::from_json(&jwk.to_string()), Code(expected)))
}

#[test]
fn rsa_keys_under_2048_bits_and_over_4096_are_refused() {
    let small = RsaKey::generate(1024);
    let keys = key_set(&[small.jwk(Some("small"))]);
    assert!(keys.is_empty());
    run(
        &keys,
        [(
            "1024-bit key",
            token(&small, json!({"alg": "RS256", "kid": "small"})),
            Code(JwkInvalid),
        )],
    );
    // Sizes just outside the bounds, checked on the modulus alone.
    let n = RsaKey::shared().public.n();
    let n_2047 = (n.clone() >> 1usize) | BigUint::from(1u8);
    let n_4097 = (BigUint::from(1u8) << 4096usize) | BigUint::from(1u8);
    check(refused_jwks(
        JwkInvalid,
        [("2047 bits", n_2047), ("4097 bits", n_4097)].map(|(name, modulus)| {
            let n = BASE64URL.encode(modulus.to_bytes_be());
            (name, json!({"kty": "RSA", "n": n, "e": "AQAB"}))
        }),
    ));
}

#[test]
fn rsa_public_exponents_outside_policy_are_refused() {
    let n = BASE64URL.encode(RsaKey::shared().public.n().to_bytes_be());
    check(refused_jwks(
        JwkInvalid,
        [&[1u8][..], &[2], &[0], &[], &[1, 0, 0], &[1, 0, 0, 0, 0, 1]].map(|e| {
            let jwk = json!({"kty": "RSA", "n": n, "e": BASE64URL.encode(e)});
            (format!("e={e:?}"), jwk)
        }),
    ));
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
    let token = token(&ec, json!({"alg": "ES256", "kid": "p"}));
    check(
        [
            ("y changed", x.clone(), json!(BASE64URL.encode(&y_bytes))),
            ("origin (0,0)", json!(zeros), json!(zeros)),
            ("x = p", json!(p), y.clone()),
            ("y 31 bytes", x.clone(), json!(BASE64URL.encode([1u8; 31]))),
            ("y 33 bytes", x.clone(), json!(BASE64URL.encode([1u8; 33]))),
        ]
        .map(|(what, x, y)| {
            let jwk = json!({"kty": "EC", "crv": "P-256", "kid": "p", "x": x, "y": y});
            let verified = jwt::verify(&token, &key_set(&[jwk]), &options()).map(drop);
            (what, verified, Code(JwkInvalid))
        }),
    );
}

#[test]
fn crit_with_unknown_or_malformed_names() {
    let iss = issuer();
    run(
        &iss.keys,
        [
            (
                "crit names a registered header",
                json!({"crit": ["exp"], "exp": 1}),
                Code(NotSupported),
            ),
            (
                "crit names an extension",
                json!({"crit": ["x-custom"], "x-custom": true}),
                Code(NotSupported),
            ),
            (
                "crit names an absent member",
                json!({"crit": ["x-missing"]}),
                Code(NotSupported),
            ),
            ("crit empty", json!({"crit": []}), Code(JwsInvalid)),
            ("crit not a list", json!({"crit": "b64"}), Code(JwsInvalid)),
            (
                "crit names the empty string",
                json!({"crit": [""]}),
                Code(JwsInvalid),
            ),
            (
                "crit b64 without b64",
                json!({"crit": ["b64"]}),
                Code(JwsInvalid),
            ),
        ]
        .map(|(what, members, expect)| {
            (what, token(&iss.es, with(es256_header(), members)), expect)
        }),
    );
}

#[test]
fn b64_false_unencoded_payload() {
    let iss = issuer();
    // RFC 7797 form proper: the payload is sent and signed as raw text.
    let header =
        encode_json(&json!({"alg": "ES256", "kid": ES_KID, "b64": false, "crit": ["b64"]}));
    let detached = iss.es.sign_input(&format!("{header}.{}", claims_text()));
    run(
        &iss.keys,
        [
            (
                "b64 false, critical",
                json!({"b64": false, "crit": ["b64"]}),
                Code(JwtInvalid),
            ),
            ("b64 false", json!({"b64": false}), Code(JwtInvalid)),
            ("b64 \"false\"", json!({"b64": "false"}), Code(JwtInvalid)),
        ]
        .map(|(what, members, expect)| {
            (what, token(&iss.es, with(es256_header(), members)), expect)
        })
        .into_iter()
        .chain([("b64 false, payload unencoded", detached, Refused)]),
    );
}

/// Rows of tokens the issuer signed over a raw header and the claims' text, and over the
/// ES256 header and a raw payload: each refused, the header with `JwsInvalid`, the payload
/// with `JwtInvalid`.
fn raw_header_and_payload_rows(
    iss: &Issuer,
    headers: Vec<(String, Vec<u8>)>,
    payloads: Vec<(String, Vec<u8>)>,
) -> Vec<(String, String, Expect)> {
    let es256 = es256_header().to_string();
    let in_header = headers.into_iter().map(|(what, header)| {
        let token = iss.es.sign_bytes(&header, claims_text().as_bytes());
        (format!("header {what}"), token, Code(JwsInvalid))
    });
    let in_payload = payloads.into_iter().map(|(what, payload)| {
        let token = iss.es.sign_bytes(es256.as_bytes(), &payload);
        (format!("payload {what}"), token, Code(JwtInvalid))
    });
    in_header.chain(in_payload).collect()
}

#[test]
fn duplicate_member_names_in_header_or_payload() {
    let iss = issuer();
    let headers = [
        r#"{"alg":"ES256","kid":"es-key-1","alg":"none"}"#,
        r#"{"alg":"ES256","kid":"es-key-1","kid":"rs-key-1"}"#,
        r#"{"alg":"ES256","kid":"es-key-1","\u0061lg":"ES256"}"#,
        r#"{"alg":"ES256","kid":"es-key-1","x":{"a":1,"a":2}}"#,
    ];
    let body = format!(
        r#""iss":"{ISSUER}","aud":"{CLIENT_ID}","exp":{}"#,
        NOW + 600.0
    );
    let payloads = [
        format!(r#"{{{body},"exp":1}}"#),
        format!(r#"{{{body},"iss":"https://attacker.example/"}}"#),
        format!(r#"{{{body},"\u0065xp":1}}"#),
        format!(r#"{{{body},"vc":{{"n":1,"n":2}}}}"#),
    ];
    run(
        &iss.keys,
        raw_header_and_payload_rows(
            &iss,
            headers.map(|h| (h.to_owned(), h.into())).to_vec(),
            payloads.map(|p| (p.clone(), p.into())).to_vec(),
        ),
    );
}

#[test]
fn trailing_data_after_the_json() {
    let iss = issuer();
    let header = es256_header().to_string();
    let suffixes = ["x", "{}", "\u{0}", ",", "]", "\"\""];
    let rows = raw_header_and_payload_rows(
        &iss,
        suffixes
            .map(|s| (format!("+ {s:?}"), format!("{header}{s}").into()))
            .to_vec(),
        suffixes
            .map(|s| (format!("+ {s:?}"), format!("{}{s}", claims_text()).into()))
            .to_vec(),
    );
    // Whitespace around a value is JSON, not trailing data.
    let spaced = format!(" {} \n", claims_text());
    let spaced = iss.es.sign_bytes(header.as_bytes(), spaced.as_bytes());
    run(
        &iss.keys,
        rows.into_iter()
            .chain([("payload in whitespace".to_owned(), spaced, Valid)]),
    );
}

#[test]
fn invalid_utf8_and_lone_surrogates() {
    let iss = issuer();
    let bad_bytes: [(&str, &[u8]); 4] = [
        ("never valid", b"\xff"),
        ("overlong \"/\"", b"\xc0\xaf"),
        ("a surrogate encoded as UTF-8 (CESU-8)", b"\xed\xa0\x80"),
        ("truncated sequence", b"\xe2\x82"),
    ];
    let payload = claims_text();
    let open_payload = payload.get(..payload.len() - 1).unwrap_or_default();
    let mut headers = Vec::new();
    let mut payloads = Vec::new();
    for (what, bad) in bad_bytes {
        let in_header = [br#"{"alg":"ES256","kid":"es-key-1","x":""#, bad, b"\"}"].concat();
        let in_payload = [open_payload.as_bytes(), b",\"x\":\"", bad, b"\"}"].concat();
        headers.push((what.to_owned(), in_header));
        payloads.push((what.to_owned(), in_payload));
    }
    for escape in [r"\ud800", r"\udc00", r"\ud800\u0041"] {
        let in_header = format!(r#"{{"alg":"ES256","kid":"es-key-1","x":"{escape}"}}"#);
        let in_payload = format!(r#"{{"iss":"{ISSUER}","x":"{escape}"}}"#);
        headers.push((escape.to_owned(), in_header.into()));
        payloads.push((escape.to_owned(), in_payload.into()));
    }
    run(
        &iss.keys,
        raw_header_and_payload_rows(&iss, headers, payloads),
    );
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
    let token = iss.es256(&claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let [header, payload, sig] = [parts.remove(0), parts.remove(0), parts.remove(0)];
    assert_eq!(sig.len() % 4, 2, "a 64-byte signature leaves 4 spare bits");

    // Signature changes: only the encoding differs, the bytes (for a lenient decoder) do not.
    let signature_rows = [
        ("signature padded ==", format!("{sig}==")),
        ("signature padded =", format!("{sig}=")),
        ("signature non-canonical", non_canonical(&sig)),
        ("signature + space", format!("{sig} ")),
        ("space + signature", format!(" {sig}")),
        (
            "signature in base64",
            sig.replace('-', "+").replace('_', "/"),
        ),
    ]
    .into_iter()
    .filter(|(_, bad_sig)| *bad_sig != sig)
    .map(|(what, bad_sig)| {
        (
            what,
            format!("{header}.{payload}.{bad_sig}"),
            Code(JwsInvalid),
        )
    });

    // Header and payload changes are re-signed over the changed text, so the signature is
    // genuinely valid and only the encoding rule can refuse them.
    let mut payload_text = claims_text();
    while payload_text.len() % 3 == 0 {
        payload_text.insert(payload_text.len() - 1, ' ');
    }
    let payload = BASE64URL.encode(payload_text.as_bytes());
    let input_rows = [
        ("header padded", format!("{header}=.{payload}")),
        ("payload padded", format!("{header}.{payload}=")),
        (
            "payload non-canonical",
            format!("{header}.{}", non_canonical(&payload)),
        ),
        (
            "payload with '+'",
            format!("{header}.+{}", payload.get(1..).unwrap_or_default()),
        ),
        ("payload after a newline", format!("{header}.\n{payload}")),
        ("header + space", format!("{header} .{payload}")),
    ]
    .map(|(what, input)| (what, iss.es.sign_input(&input), Code(JwsInvalid)));
    // The control: the canonical text verifies.
    let good = iss.es.sign_input(&format!("{header}.{payload}"));
    run(
        &iss.keys,
        signature_rows
            .chain(input_rows)
            .chain([("canonical (control)", good, Valid)]),
    );
}

#[test]
fn extra_or_missing_segments_including_jwe() {
    let iss = issuer();
    let token = iss.es256(&claims());
    let (input, _) = token.rsplit_once('.').unwrap_or_default();
    let (header, _) = input.split_once('.').unwrap_or_default();
    let jwe = "eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.a2V5.aXY.Y2lwaGVy.dGFn";
    // JSON serialization is not the compact form.
    let json_serialized =
        json!({"payload": "e30", "signatures": [{"protected": header, "signature": "AA"}]});
    run(
        &iss.keys,
        [
            ("empty", String::new(), Code(JwsInvalid)),
            ("one segment", header.to_owned(), Code(JwsInvalid)),
            ("two segments", input.to_owned(), Code(JwsInvalid)),
            ("extra empty segment", format!("{token}."), Code(JwsInvalid)),
            ("four segments", format!("{token}.AAAA"), Code(JwsInvalid)),
            (
                "six segments",
                format!("{token}.AAAA.AAAA.AAAA"),
                Code(JwsInvalid),
            ),
            (
                "JWE, named as such",
                jwe.to_owned(),
                Says(JwsInvalid, "JWE"),
            ),
            (
                "no header",
                format!(".{}", token.split_once('.').map(|(_, r)| r).unwrap_or("")),
                Code(JwsInvalid),
            ),
            (
                "JSON serialization",
                json_serialized.to_string(),
                Code(JwsInvalid),
            ),
        ],
    );
}

#[test]
fn claims_of_the_wrong_json_type() {
    let iss = issuer();
    run(
        &iss.keys,
        [
            ("exp", json!("9999999999")),
            ("exp", json!(null)),
            ("nbf", json!(true)),
            ("iat", json!("1700000000")),
            ("aud", json!(12345)),
            ("aud", json!([CLIENT_ID, 1])),
            ("iss", json!(1)),
        ]
        .map(|(claim, value)| {
            let token = iss.es256(&with(claims(), json!({ claim: value })));
            (
                format!("{claim}: {value}"),
                token,
                Claim(claim, Reason::Invalid),
            )
        }),
    );
}

#[test]
fn issuer_differing_only_by_trailing_slash_or_case() {
    let iss = issuer();
    run(
        &iss.keys,
        [
            "https://oidc.integration.account.gov.uk",
            "https://oidc.integration.account.gov.uk//",
            "https://OIDC.integration.account.gov.uk/",
            "HTTPS://oidc.integration.account.gov.uk/",
            "https://oidc.integration.account.gov.uk/ ",
            "http://oidc.integration.account.gov.uk/",
        ]
        .map(|wrong| {
            let token = iss.es256(&with(claims(), json!({ "iss": wrong })));
            (
                format!("iss {wrong:?}"),
                token,
                Claim("iss", Reason::CheckFailed),
            )
        }),
    );
}

/// A token whose length is as close to `target` as base64url allows without passing it.
fn token_of_length_at_most(iss: &Issuer, target: usize) -> String {
    let base = iss.es256(&claims()).len();
    // Each 3 bytes of padding claim add 4 characters; start a little short and step up.
    let mut pad = (target.saturating_sub(base) * 3 / 4).saturating_sub(16);
    let mut best = String::new();
    loop {
        let token = iss.es256(&with(claims(), json!({ "pad": "x".repeat(pad) })));
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
    let over = token_of_length_at_most(&iss, cap + 8);
    assert!(over.len() > cap);
    run(
        &iss.keys,
        [
            ("just under the cap", under, Valid),
            ("just over the cap", over, Says(JwsInvalid, "limit")),
        ],
    );
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
    let tokens = [("10 MB token", huge), ("10 MB of junk", junk)];
    check(tokens.iter().map(|(what, token)| {
        let decoded = decode(token, DEFAULT_MAX_TOKEN_SIZE).map(drop);
        (format!("{what}, decoded"), decoded, Code(JwsInvalid))
    }));
    run(
        &iss.keys,
        tokens.map(|(what, token)| (what, token, Code(JwsInvalid))),
    );
    // std's clock does not exist in wasm32-unknown-unknown; the refusal itself is checked
    // there too. A generous bound: the cap is checked before any decoding.
    #[cfg(not(target_arch = "wasm32"))]
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
}

#[test]
fn json_nested_ten_thousand_deep() {
    let iss = issuer();
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let header = format!(r#"{{"alg":"ES256","kid":"es-key-1","x":{deep}}}"#);
    // Arrays keep the token under the size cap, so the depth rule is what refuses it.
    let payload = format!(r#"{{"iss":"{ISSUER}","aud":"{CLIENT_ID}","x":{deep}}}"#);
    let es256 = es256_header().to_string();
    run(
        &iss.keys,
        [
            (
                "header",
                iss.es
                    .sign_bytes(header.as_bytes(), claims_text().as_bytes()),
                Code(JwsInvalid),
            ),
            (
                "payload",
                iss.es.sign_bytes(es256.as_bytes(), payload.as_bytes()),
                Says(JwtInvalid, "deeper"),
            ),
        ],
    );
    // Key sets have no size cap; objects nested 10,000 deep are refused by depth alone.
    let objects = format!("{}1{}", r#"{"a":"#.repeat(10_000), "}".repeat(10_000));
    check(
        [
            (
                "JWKS with a deep member",
                format!(r#"{{"keys":[],"x":{deep}}}"#),
            ),
            ("JWKS with a deep key", format!(r#"{{"keys":[{objects}]}}"#)),
        ]
        .map(|(what, doc)| (what, KeySet::from_json(&doc), Code(JwksInvalid))),
    );
}

#[test]
fn nan_infinite_negative_or_excessive_clock_tolerance() {
    let iss = issuer();
    let token = iss.es256(&claims());
    let with_options =
        |what: String, change: &dyn Fn(&mut jwt::VerifyOptions), token: &str, expect| {
            let mut opts = options();
            change(&mut opts);
            (what, jwt::verify(token, &iss.keys, &opts), expect)
        };
    let mut rows = Vec::new();
    for tolerance in [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -1.0,
        -0.5,
        300.5,
        1e9,
    ] {
        let set = |o: &mut jwt::VerifyOptions| o.claims.clock_tolerance = tolerance;
        rows.push(with_options(
            format!("clock tolerance {tolerance}"),
            &set,
            &token,
            Code(InvalidArgument),
        ));
    }
    for now in [f64::NAN, f64::INFINITY, -1.0] {
        let set = |o: &mut jwt::VerifyOptions| o.claims.now = now;
        rows.push(with_options(
            format!("now = {now}"),
            &set,
            &token,
            Code(InvalidArgument),
        ));
    }
    // An argument error is reported even for a token that is itself broken.
    let nan = |o: &mut jwt::VerifyOptions| o.claims.clock_tolerance = f64::NAN;
    rows.push(with_options(
        "NaN tolerance, garbage token".into(),
        &nan,
        "garbage",
        Code(InvalidArgument),
    ));
    // The bounds themselves are fine.
    for tolerance in [0.0, 300.0] {
        let set = |o: &mut jwt::VerifyOptions| o.claims.clock_tolerance = tolerance;
        rows.push(with_options(
            format!("clock tolerance {tolerance}"),
            &set,
            &token,
            Valid,
        ));
    }
    check(rows);
}

/// A host backend that says "valid" to everything, standing in for a buggy or lenient host
/// (for example a WebCrypto that accepted DER or out-of-range scalars).
#[derive(Debug)]
struct YesBackend;

impl govuk_one_login_tokens::SignatureBackend for YesBackend {
    fn verify(
        &self,
        _key: &Jwk,
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
    let (es, r, s) = es256_parts(&iss);
    let rs = iss.rs256(&claims());
    let n = iss.rsa.public.n().to_bytes_be();
    let mut rows = forged_signatures(
        &es,
        [
            ("ES256 r=s=0", vec![0u8; 64]),
            ("ES256 s=n", concat(&r, &P256_N)),
            ("ES256 DER", der(&r, &s)),
            ("ES256 65 bytes", concat(&concat(&r, &s), &[0])),
        ],
    );
    rows.extend(forged_signatures(
        &rs,
        [
            ("RS256 s=n", n.clone()),
            ("RS256 k+1 bytes", concat(&[0], &n)),
        ],
    ));
    // Everything before the signature is still the core's: `alg: none` never reaches it.
    rows.push((
        "alg none",
        token(&Unsigned, json!({"alg": "none"})),
        Code(AlgNotAllowed),
    ));
    // And a well-formed signature is the backend's call (here: always yes), as designed.
    rows.push(("well-formed ES256", es, Valid));
    run(&iss.keys, rows);
}
