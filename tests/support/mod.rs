//! Test fixtures made by the tests themselves: keys are generated per run and tokens are
//! signed here, so the repository holds no key material beyond published RFC examples.
#![allow(dead_code)]

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use p256::ecdsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// An ES256 signing key and its public JWK.
pub struct EcKey {
    pub signing: p256::ecdsa::SigningKey,
}

impl EcKey {
    pub fn generate() -> EcKey {
        EcKey {
            signing: p256::ecdsa::SigningKey::random(&mut rand_core::OsRng),
        }
    }

    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let point = self.signing.verifying_key().to_encoded_point(false);
        let mut jwk = json!({
            "kty": "EC",
            "crv": "P-256",
            "x": BASE64URL.encode(point.x().map(|x| x.to_vec()).unwrap_or_default()),
            "y": BASE64URL.encode(point.y().map(|y| y.to_vec()).unwrap_or_default()),
        });
        if let (Some(kid), Some(map)) = (kid, jwk.as_object_mut()) {
            map.insert("kid".into(), kid.into());
        }
        jwk
    }

    pub fn sign(&self, header: &Value, payload: &Value) -> String {
        sign_with(header, payload, |input| {
            let sig: p256::ecdsa::Signature = self.signing.sign(input);
            sig.to_vec()
        })
    }
}

/// An RS256 signing key (2048 bits unless asked otherwise) and its public JWK.
pub struct RsaKey {
    pub signing: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    pub public: rsa::RsaPublicKey,
}

impl RsaKey {
    pub fn generate(bits: usize) -> RsaKey {
        let private = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, bits)
            .unwrap_or_else(|e| unreachable!("RSA keygen: {e}"));
        RsaKey {
            public: private.to_public_key(),
            signing: rsa::pkcs1v15::SigningKey::new(private),
        }
    }

    /// One shared 2048-bit key per test binary: RSA key generation is the slowest fixture.
    pub fn shared() -> &'static RsaKey {
        static KEY: OnceLock<RsaKey> = OnceLock::new();
        KEY.get_or_init(|| RsaKey::generate(2048))
    }

    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let mut jwk = json!({
            "kty": "RSA",
            "n": BASE64URL.encode(self.public.n().to_bytes_be()),
            "e": BASE64URL.encode(self.public.e().to_bytes_be()),
        });
        if let (Some(kid), Some(map)) = (kid, jwk.as_object_mut()) {
            map.insert("kid".into(), kid.into());
        }
        jwk
    }

    pub fn sign(&self, header: &Value, payload: &Value) -> String {
        sign_with(header, payload, |input| self.signing.sign(input).to_vec())
    }
}

/// Sign `header.payload` with any signer; the JSON is serialized compactly.
pub fn sign_with(header: &Value, payload: &Value, signer: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!("{}.{}", encode_json(header), encode_json(payload));
    let signature = signer(input.as_bytes());
    format!("{input}.{}", BASE64URL.encode(&signature))
}

pub fn encode_json(value: &Value) -> String {
    BASE64URL.encode(value.to_string().as_bytes())
}

/// A token assembled from raw segment texts, for malformed-input tests.
pub fn raw_token(header: &str, payload: &str, signer: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let input = format!(
        "{}.{}",
        BASE64URL.encode(header.as_bytes()),
        BASE64URL.encode(payload.as_bytes())
    );
    let signature = signer(input.as_bytes());
    format!("{input}.{}", BASE64URL.encode(&signature))
}

pub fn jwks(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// A token from raw header and payload bytes (which need not be UTF-8 or JSON), signed over
/// exactly the text it carries.
pub fn token_from_bytes(
    header: &[u8],
    payload: &[u8],
    signer: impl Fn(&[u8]) -> Vec<u8>,
) -> String {
    let input = format!("{}.{}", BASE64URL.encode(header), BASE64URL.encode(payload));
    signed(&input, signer)
}

/// `input.signature` for a signing input given as text, however malformed.
pub fn signed(input: &str, signer: impl Fn(&[u8]) -> Vec<u8>) -> String {
    let signature = signer(input.as_bytes());
    format!("{input}.{}", BASE64URL.encode(&signature))
}

/// The token with its signature segment replaced by these bytes.
pub fn with_signature(token: &str, signature: &[u8]) -> String {
    let input = token.rsplit_once('.').map_or(token, |(input, _)| input);
    format!("{input}.{}", BASE64URL.encode(signature))
}

/// The decoded signature of a token.
pub fn signature_of(token: &str) -> Vec<u8> {
    let segment = token.rsplit_once('.').map_or("", |(_, s)| s);
    BASE64URL
        .decode(segment)
        .unwrap_or_else(|e| unreachable!("fixture signature: {e:?}"))
}

/// HMAC-SHA256 (RFC 2104), for forging the HS256 tokens a key-confusion attacker would send.
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let mut block = [0u8; 64];
    if key.len() > 64 {
        let digest = Sha256::digest(key);
        block
            .iter_mut()
            .zip(digest.iter())
            .for_each(|(b, d)| *b = *d);
    } else {
        block.iter_mut().zip(key).for_each(|(b, k)| *b = *k);
    }
    let pad = |byte: u8| block.iter().map(|b| b ^ byte).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize()
        .to_vec()
}

impl EcKey {
    /// A signer closure for the raw-token helpers.
    pub fn signer(&self) -> impl Fn(&[u8]) -> Vec<u8> + '_ {
        move |input| {
            let sig: p256::ecdsa::Signature = self.signing.sign(input);
            sig.to_vec()
        }
    }

    /// The uncompressed SEC1 public point (`04 || x || y`).
    pub fn sec1(&self) -> Vec<u8> {
        self.signing
            .verifying_key()
            .to_encoded_point(false)
            .as_bytes()
            .to_vec()
    }
}

impl RsaKey {
    /// A signer closure for the raw-token helpers.
    pub fn signer(&self) -> impl Fn(&[u8]) -> Vec<u8> + '_ {
        move |input| self.signing.sign(input).to_vec()
    }
}
