//! Keys, signing and assertions shared by the One Login tests.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::{Error, ErrorCode, KeySet};
use p256::ecdsa::signature::Signer;
use rand_core::OsRng;
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Map, Value};
use sha2::Sha256;
use std::sync::OnceLock;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fixed "now" for every test.
pub const NOW: f64 = 1_700_000_000.0;
pub const CLIENT_ID: &str = "test-client-id";
pub const ES_KID: &str = "es-key-1";
pub const RS_KID: &str = "rs-key-1";

/// One 2048-bit RSA key per test binary: generation is the slow part.
pub fn rsa_key() -> &'static RsaPrivateKey {
    static KEY: OnceLock<RsaPrivateKey> = OnceLock::new();
    KEY.get_or_init(|| {
        RsaPrivateKey::new(&mut OsRng, 2048)
            .unwrap_or_else(|e| unreachable!("RSA key generation failed: {e}"))
    })
}

/// A signing key of either kind. The header's `alg` is whatever the test writes, so tests can
/// build mismatches on purpose.
pub enum Key<'a> {
    Es(&'a p256::ecdsa::SigningKey),
    Rs(&'a RsaPrivateKey),
}

pub fn b64(value: &Value) -> String {
    BASE64URL.encode(value.to_string().as_bytes())
}

pub fn sign(header: &Value, claims: &Value, key: &Key) -> String {
    let input = format!("{}.{}", b64(header), b64(claims));
    let signature = match key {
        Key::Es(k) => {
            let sig: p256::ecdsa::Signature = k.sign(input.as_bytes());
            sig.to_bytes().to_vec()
        }
        Key::Rs(k) => {
            let signer = rsa::pkcs1v15::SigningKey::<Sha256>::new((*k).clone());
            let sig: rsa::pkcs1v15::Signature = signer.sign(input.as_bytes());
            rsa::signature::SignatureEncoding::to_vec(&sig)
        }
    };
    format!("{input}.{}", BASE64URL.encode(&signature))
}

pub fn ec_public_jwk(key: &p256::ecdsa::SigningKey) -> Map<String, Value> {
    let point = key.verifying_key().to_encoded_point(false);
    let coord = |c: Option<&p256::FieldBytes>| c.map(|c| BASE64URL.encode(c)).unwrap_or_default();
    let Value::Object(map) = json!({
        "kty": "EC", "crv": "P-256", "x": coord(point.x()), "y": coord(point.y()),
    }) else {
        unreachable!("object literal")
    };
    map
}

pub fn rsa_public_jwk(key: &RsaPrivateKey) -> Map<String, Value> {
    let Value::Object(map) = json!({
        "kty": "RSA",
        "n": BASE64URL.encode(key.n().to_bytes_be()),
        "e": BASE64URL.encode(key.e().to_bytes_be()),
    }) else {
        unreachable!("object literal")
    };
    map
}

pub fn with(mut jwk: Map<String, Value>, extra: Value) -> Value {
    if let Value::Object(extra) = extra {
        jwk.extend(extra);
    }
    Value::Object(jwk)
}

/// An ES256 and an RS256 key, published in a JWKS the way One Login publishes them.
pub struct Issuer {
    pub es: p256::ecdsa::SigningKey,
    pub keys: KeySet,
}

impl Issuer {
    pub fn new() -> Result<Issuer, Error> {
        let es = p256::ecdsa::SigningKey::random(&mut OsRng);
        let jwks = json!({"keys": [
            with(ec_public_jwk(&es), json!({"kid": ES_KID, "alg": "ES256", "use": "sig"})),
            with(rsa_public_jwk(rsa_key()), json!({"kid": RS_KID, "alg": "RS256", "use": "sig"})),
        ]});
        Ok(Issuer {
            keys: KeySet::from_json(&jwks.to_string())?,
            es,
        })
    }

    pub fn es256(&self, claims: &Value) -> String {
        sign(
            &json!({"alg": "ES256", "kid": ES_KID}),
            claims,
            &Key::Es(&self.es),
        )
    }

    pub fn rs256(&self, claims: &Value) -> String {
        sign(
            &json!({"alg": "RS256", "kid": RS_KID}),
            claims,
            &Key::Rs(rsa_key()),
        )
    }
}

/// `claims` with some members replaced (`null` removes one).
pub fn patch(claims: &Value, changes: Value) -> Value {
    let mut out = claims.clone();
    if let (Value::Object(out), Value::Object(changes)) = (&mut out, changes) {
        for (k, v) in changes {
            if v.is_null() {
                out.remove(&k);
            } else {
                out.insert(k, v);
            }
        }
    }
    out
}

/// The code and claim of a failure, for one-line assertions.
pub fn failure<T>(result: Result<T, Error>) -> Option<(ErrorCode, Option<String>)> {
    result
        .err()
        .map(|e| (e.code(), e.claim_name().map(str::to_owned)))
}

/// A claim failure of `claim`.
pub fn claim(name: &str) -> Option<(ErrorCode, Option<String>)> {
    Some((ErrorCode::ClaimValidationFailed, Some(name.to_owned())))
}

/// A failure with `code` and no claim.
pub fn code(code: ErrorCode) -> Option<(ErrorCode, Option<String>)> {
    Some((code, None))
}
