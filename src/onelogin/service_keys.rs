//! The service's own keys: the public half of the key that signs client assertions and request
//! objects, and the JWKS a service publishes for One Login to fetch.
//!
//! One Login "strongly recommends" a JWKS endpoint: one or more RSA signing keys, each with a
//! unique `kid`, and then every client assertion and request object must carry the `kid` of
//! the key that signed it. Rotation is done by listing the next key beside the current one.
//!
//! Signing may happen outside this crate (a KMS, an HSM, a non-extractable WebCrypto key): this
//! crate builds the signing input ([`UnsignedJwt`]), the signer returns only the signature, and
//! [`UnsignedJwt::assemble`] verifies it under the public key before the JWT exists, so a signer
//! that answers with another key, another algorithm or garbage is caught before anything is sent.

use super::client_assertion::SigningAlgorithm;
use crate::base64url;
use crate::error::{Error, Result, SignerFailureReason};
use crate::json;
use crate::jwk::Jwk;
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

pub use super::client_jwt::PRIVATE_RSA_MEMBERS;

/// The public half of one of the service's RSA keys, with the `kid` it is published under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePublicKey {
    key: RsaPublicKey,
    kid: String,
    /// The `alg` the key was given with, if any (a JWK's own `alg`).
    alg: Option<SigningAlgorithm>,
}

impl ServicePublicKey {
    /// The public key of `key`, published under `kid` or, without one, under its RFC 7638
    /// thumbprint.
    ///
    /// # Errors
    /// `ERR_JWK_INVALID` for a key this crate's policy refuses (under 2048 or over 4096 bits,
    /// an even modulus, the ROCA fingerprint, an unusual exponent), `ERR_INVALID_ARGUMENT` for
    /// an empty `kid`.
    pub fn new(key: RsaPublicKey, kid: Option<String>) -> Result<ServicePublicKey> {
        let checked = Jwk::from_json(&canonical_rsa_jwk(&key))?;
        let kid = match kid {
            Some(kid) if kid.is_empty() => {
                return Err(Error::option("kid", "a key's \"kid\" must not be empty"))
            }
            Some(kid) => kid,
            None => checked.public_key().thumbprint(),
        };
        Ok(ServicePublicKey {
            key,
            kid,
            alg: None,
        })
    }

    /// A public RSA JWK (its `kid` and `alg` are kept; without a `kid` the thumbprint is used).
    ///
    /// # Errors
    /// `ERR_JWK_INVALID` for a malformed key or one with private members, `ERR_JOSE_NOT_SUPPORTED`
    /// for a key that is not RSA (One Login takes only RSA keys here) or an `alg` it does not
    /// accept for client assertions and request objects.
    pub fn from_jwk(text: &str) -> Result<ServicePublicKey> {
        let map = json::parse_object(text).map_err(|e| Error::jwk(format!("JWK is {e}")))?;
        ServicePublicKey::from_jwk_map(&map)
    }

    /// As [`ServicePublicKey::from_jwk`], from a parsed object.
    ///
    /// # Errors
    /// As [`ServicePublicKey::from_jwk`].
    pub fn from_jwk_map(map: &Map<String, Value>) -> Result<ServicePublicKey> {
        // The service's key rules (RSA, public, for signing, an alg One Login accepts), then
        // the crate's JWK parser's key policy (size, modulus, exponent, ROCA).
        let alg = super::client_jwt::service_jwk_rules(map)?;
        let parsed = Jwk::from_map(map)?;
        let member = |name: &str| {
            map.get(name)
                .and_then(Value::as_str)
                .and_then(|s| base64url::decode(s).ok())
                .map(|bytes| BigUint::from_bytes_be(&bytes))
                .ok_or_else(|| Error::jwk(format!("\"{name}\" is not valid base64url")))
        };
        let key = RsaPublicKey::new(member("n")?, member("e")?)
            .map_err(|_| Error::jwk("not a usable RSA public key"))?;
        let mut service = ServicePublicKey::new(key, parsed.kid().map(str::to_owned))?;
        service.alg = alg;
        Ok(service)
    }

    /// An SPKI PEM (`-----BEGIN PUBLIC KEY-----`, as `openssl pkey -pubout` writes it),
    /// published under its thumbprint.
    ///
    /// # Errors
    /// `ERR_JWK_INVALID` for anything that is not an RSA SPKI PEM the key policy accepts.
    pub fn from_spki_pem(pem: &str) -> Result<ServicePublicKey> {
        if pem.contains("BEGIN RSA PUBLIC KEY") {
            return Err(Error::jwk(
                "PKCS#1 public key: convert it with `openssl rsa -RSAPublicKey_in -pubout` to SPKI (BEGIN PUBLIC KEY)",
            ));
        }
        if pem.contains("PRIVATE KEY") {
            return Err(Error::jwk(
                "a private key where a public key belongs: give the SPKI PEM (BEGIN PUBLIC KEY)",
            ));
        }
        let key = RsaPublicKey::from_public_key_pem(pem.trim())
            .map_err(|_| Error::jwk("not an SPKI PEM RSA public key (BEGIN PUBLIC KEY)"))?;
        ServicePublicKey::new(key, None)
    }

    /// A public JWK (text starting with `{`) or an SPKI PEM.
    ///
    /// # Errors
    /// As [`ServicePublicKey::from_jwk`] and [`ServicePublicKey::from_spki_pem`].
    pub fn from_jwk_or_pem(text: &str) -> Result<ServicePublicKey> {
        if text.trim_start().starts_with('{') {
            ServicePublicKey::from_jwk(text)
        } else {
            ServicePublicKey::from_spki_pem(text)
        }
    }

    /// The `kid` the key is published under (and that headers signed with it carry).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The `alg` the key was given with, if any.
    pub fn alg(&self) -> Option<SigningAlgorithm> {
        self.alg
    }

    /// The RSA public key.
    pub fn rsa(&self) -> &RsaPublicKey {
        &self.key
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url), whatever the `kid`.
    ///
    /// # Errors
    /// None for a key built by this type (its policy was checked at construction).
    pub fn thumbprint(&self) -> Result<String> {
        Ok(Jwk::from_json(&canonical_rsa_jwk(&self.key))?
            .public_key()
            .thumbprint())
    }

    /// The public JWK as published: `kty`, `n`, `e`, `kid`, `alg`, `use: "sig"`; never a
    /// private member. `alg` is the key's own, else `default_alg`.
    pub fn to_jwk(&self, default_alg: SigningAlgorithm) -> Map<String, Value> {
        let mut jwk = Map::new();
        jwk.insert("kty".into(), "RSA".into());
        jwk.insert(
            "n".into(),
            base64url::encode(&self.key.n().to_bytes_be()).into(),
        );
        jwk.insert(
            "e".into(),
            base64url::encode(&self.key.e().to_bytes_be()).into(),
        );
        jwk.insert("kid".into(), self.kid.clone().into());
        jwk.insert(
            "alg".into(),
            self.alg.unwrap_or(default_alg).as_str().into(),
        );
        jwk.insert("use".into(), "sig".into());
        jwk
    }

    /// The same key published under another `kid` (the client's `kid` option).
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for an empty `kid`.
    pub fn with_kid(&self, kid: &str) -> Result<ServicePublicKey> {
        if kid.is_empty() {
            return Err(Error::option("kid", "a key's \"kid\" must not be empty"));
        }
        Ok(ServicePublicKey {
            kid: kid.to_owned(),
            ..self.clone()
        })
    }

    /// The length in bytes of every signature this key makes (its modulus length).
    pub fn signature_length(&self) -> usize {
        self.key.size()
    }

    /// Whether `signature` is a valid `alg` signature over `message` under this key (PSS with
    /// the salt as long as the hash, as JOSE fixes it).
    pub fn verifies(&self, alg: SigningAlgorithm, message: &[u8], signature: &[u8]) -> bool {
        fn pkcs1<D>(key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
        where
            D: sha2::Digest + rsa::pkcs8::AssociatedOid,
        {
            rsa::pkcs1v15::Signature::try_from(signature).is_ok_and(|s| {
                rsa::pkcs1v15::VerifyingKey::<D>::new(key.clone())
                    .verify(message, &s)
                    .is_ok()
            })
        }
        fn pss<D>(key: &RsaPublicKey, message: &[u8], signature: &[u8]) -> bool
        where
            D: sha2::Digest + sha2::digest::FixedOutputReset,
        {
            rsa::pss::Signature::try_from(signature).is_ok_and(|s| {
                rsa::pss::VerifyingKey::<D>::new(key.clone())
                    .verify(message, &s)
                    .is_ok()
            })
        }
        // A signature is exactly the modulus length (RFC 8017 §8.1.2 and §8.2.2).
        if signature.len() != self.key.size() {
            return false;
        }
        match alg {
            SigningAlgorithm::Rs256 => pkcs1::<Sha256>(&self.key, message, signature),
            SigningAlgorithm::Rs384 => pkcs1::<Sha384>(&self.key, message, signature),
            SigningAlgorithm::Rs512 => pkcs1::<Sha512>(&self.key, message, signature),
            SigningAlgorithm::Ps256 => pss::<Sha256>(&self.key, message, signature),
            SigningAlgorithm::Ps384 => pss::<Sha384>(&self.key, message, signature),
            SigningAlgorithm::Ps512 => pss::<Sha512>(&self.key, message, signature),
        }
    }
}

/// `{"e":…,"kty":"RSA","n":…}`: the members RFC 7638 hashes, in its order.
fn canonical_rsa_jwk(key: &RsaPublicKey) -> String {
    format!(
        r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
        base64url::encode(&key.e().to_bytes_be()),
        base64url::encode(&key.n().to_bytes_be())
    )
}

/// The service's JWKS: the signing key first, then `additional` keys (the next key during a
/// rotation, or the previous one until One Login's cache of up to 24 hours has moved on).
///
/// # Errors
/// `ERR_JWKS_INVALID` when two keys share a `kid` (One Login requires each to be unique) or
/// the same key is listed twice.
pub fn service_jwks(
    signing: &ServicePublicKey,
    signing_alg: SigningAlgorithm,
    additional: &[ServicePublicKey],
) -> Result<Value> {
    let mut keys: Vec<Value> = Vec::with_capacity(1 + additional.len());
    let mut listed: Vec<&ServicePublicKey> = vec![signing];
    keys.push(Value::Object(signing.to_jwk(signing_alg)));
    for key in additional {
        if listed.iter().any(|k| k.kid == key.kid) {
            return Err(Error::jwks(format!(
                "two keys have the kid {}: One Login requires each key in a JWKS to have a unique kid",
                crate::error::shown(&key.kid)
            )));
        }
        if listed.iter().any(|k| k.key == key.key) {
            return Err(Error::jwks(
                "the same public key is listed twice (under two kids): list each key once",
            ));
        }
        listed.push(key);
        keys.push(Value::Object(key.to_jwk(signing_alg)));
    }
    let mut jwks = Map::new();
    jwks.insert("keys".into(), Value::Array(keys));
    Ok(Value::Object(jwks))
}

/// A JWT whose header and payload are final and whose signature is still to come: from this
/// crate's own key ([`super::RsaSigningKey::sign_unsigned`]) or from a signer outside it
/// ([`UnsignedJwt::assemble`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedJwt {
    signing_input: String,
    alg: SigningAlgorithm,
    public: ServicePublicKey,
}

/// A compact JWT whose signature was made by this crate's key or checked under the public key
/// of the signer that made it: the only form a client assertion or request object is sent in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedJwt(String);

impl SignedJwt {
    /// The compact serialization.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The compact serialization, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// `input.signature`, for a signature this crate made itself.
    pub(super) fn from_own_signature(unsigned: &UnsignedJwt, signature: &[u8]) -> SignedJwt {
        SignedJwt(format!(
            "{}.{}",
            unsigned.signing_input,
            base64url::encode(signature)
        ))
    }
}

impl UnsignedJwt {
    /// `header.payload`: the header names `alg`, `typ` (if any) and the key's `kid` (`kid` if
    /// given, else the key's published one); every assertion and request object names its key,
    /// as One Login requires when it reads the service's keys from a JWKS URL.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for an empty `kid`.
    pub fn new(
        public: &ServicePublicKey,
        alg: SigningAlgorithm,
        kid: Option<&str>,
        typ: Option<&str>,
        claims: &Map<String, Value>,
    ) -> Result<UnsignedJwt> {
        let mut header = Map::new();
        header.insert("alg".into(), alg.as_str().into());
        if let Some(typ) = typ {
            header.insert("typ".into(), typ.into());
        }
        let kid = kid.unwrap_or(public.kid());
        if kid.is_empty() {
            return Err(Error::option("kid", "\"kid\" must not be empty"));
        }
        header.insert("kid".into(), kid.into());
        let signing_input = format!(
            "{}.{}",
            base64url::encode(Value::Object(header).to_string().as_bytes()),
            base64url::encode(Value::Object(claims.clone()).to_string().as_bytes())
        );
        Ok(UnsignedJwt {
            signing_input,
            alg,
            public: public.clone(),
        })
    }

    /// The bytes to sign: `base64url(header) "." base64url(payload)`, ASCII.
    pub fn signing_input(&self) -> &str {
        &self.signing_input
    }

    /// The algorithm the signature must be made with.
    pub fn alg(&self) -> SigningAlgorithm {
        self.alg
    }

    /// The key whose signature is expected.
    pub fn public_key(&self) -> &ServicePublicKey {
        &self.public
    }

    /// The compact JWT, once `signature` (an outside signer's answer) is exactly one RSA
    /// signature and verifies under the public key with the header's algorithm.
    ///
    /// # Errors
    /// `ERR_SIGNER_FAILED` with reason `wrong_length` for bytes that are not the modulus length
    /// (base64 text, a DER wrapper), `bad_signature` for a signature that does not verify (the
    /// signer used another key or algorithm, or returned something else).
    pub fn assemble(&self, signature: &[u8]) -> Result<SignedJwt> {
        let expected = self.public.signature_length();
        if signature.len() != expected {
            return Err(Error::signer(
                SignerFailureReason::WrongLength,
                format!(
                    "the signer returned {} bytes, but a signature by the key {} is exactly {expected} bytes (the raw signature, not base64 or DER): nothing was sent",
                    signature.len(),
                    crate::error::shown(self.public.kid()),
                ),
            ));
        }
        if !self
            .public
            .verifies(self.alg, self.signing_input.as_bytes(), signature)
        {
            return Err(Error::signer(
                SignerFailureReason::BadSignature,
                format!(
                    "the signer's signature does not verify as {} under the public key {}: it signed with another key or algorithm (or over other bytes); nothing was sent",
                    self.alg.as_str(),
                    crate::error::shown(self.public.kid()),
                ),
            ));
        }
        Ok(SignedJwt::from_own_signature(self, signature))
    }
}

/// WebCrypto's parameters for signing with one JOSE algorithm: the algorithm name, its hash,
/// and the PSS salt length (the hash length, as JOSE fixes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WebCryptoSigning {
    /// `RSASSA-PKCS1-v1_5` or `RSA-PSS`.
    pub name: &'static str,
    /// `SHA-256`, `SHA-384` or `SHA-512`.
    #[serde(skip)]
    pub hash: &'static str,
    /// For `RSA-PSS`: the salt length in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub salt_length: Option<u32>,
}

impl WebCryptoSigning {
    /// The WebCrypto parameters that make `alg` signatures.
    pub fn of(alg: SigningAlgorithm) -> WebCryptoSigning {
        let (name, hash, salt_length) = match alg {
            SigningAlgorithm::Rs256 => ("RSASSA-PKCS1-v1_5", "SHA-256", None),
            SigningAlgorithm::Rs384 => ("RSASSA-PKCS1-v1_5", "SHA-384", None),
            SigningAlgorithm::Rs512 => ("RSASSA-PKCS1-v1_5", "SHA-512", None),
            SigningAlgorithm::Ps256 => ("RSA-PSS", "SHA-256", Some(32)),
            SigningAlgorithm::Ps384 => ("RSA-PSS", "SHA-384", Some(48)),
            SigningAlgorithm::Ps512 => ("RSA-PSS", "SHA-512", Some(64)),
        };
        WebCryptoSigning {
            name,
            hash,
            salt_length,
        }
    }

    /// Refuse a WebCrypto private key that cannot make `alg` signatures One Login accepts: its
    /// algorithm `name` and `hash` must be `alg`'s, its modulus 2048 to 4096 bits, and it must
    /// allow `sign`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming `privateKey`.
    pub fn check_key(
        alg: SigningAlgorithm,
        name: &str,
        hash: Option<&str>,
        modulus_bits: Option<f64>,
        can_sign: bool,
    ) -> Result<WebCryptoSigning> {
        let wanted = WebCryptoSigning::of(alg);
        if name != wanted.name || hash != Some(wanted.hash) {
            return Err(Error::option(
                "privateKey",
                format!(
                    "the CryptoKeyPair is {} with {}, but clientAssertionAlg {} signs with {} and {}: generate or import the key for that algorithm (or set clientAssertionAlg to match it)",
                    crate::error::shown(name),
                    crate::error::shown(hash.unwrap_or("no hash")),
                    alg.as_str(),
                    wanted.name,
                    wanted.hash
                ),
            ));
        }
        let bits = modulus_bits.unwrap_or(0.0);
        let (min, max) = (
            crate::jwk::MIN_RSA_BITS as f64,
            crate::jwk::MAX_RSA_BITS as f64,
        );
        if !(min..=max).contains(&bits) {
            return Err(Error::option(
                "privateKey",
                format!("the CryptoKeyPair's modulus must be {min} to {max} bits (One Login takes RSA 2048 and up), not {bits}"),
            ));
        }
        if !can_sign {
            return Err(Error::option(
                "privateKey",
                "the CryptoKeyPair's private key must allow \"sign\" (its usages)",
            ));
        }
        Ok(wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// RFC 7638 §3.1's example key (the RSA key of RFC 7517 appendix A.1).
    const RFC7638_N: &str = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";

    fn code(result: Result<impl std::fmt::Debug>) -> Option<ErrorCode> {
        result.err().map(|e| e.code())
    }

    #[test]
    fn a_key_without_kid_is_published_under_its_rfc7638_thumbprint() -> Result<()> {
        let jwk = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","alg":"RS256"}}"#);
        let key = ServicePublicKey::from_jwk(&jwk)?;
        assert_eq!(key.kid(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
        let published = key.to_jwk(SigningAlgorithm::Ps256);
        assert_eq!(published.get("n"), Some(&Value::from(RFC7638_N)));
        assert_eq!(published.get("e"), Some(&Value::from("AQAB")));
        // The key's own alg wins over the default.
        assert_eq!(published.get("alg"), Some(&Value::from("RS256")));
        assert_eq!(published.get("use"), Some(&Value::from("sig")));
        Ok(())
    }

    #[test]
    fn a_kid_the_key_names_is_kept() -> Result<()> {
        let jwk = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","kid":"2026-12"}}"#);
        let key = ServicePublicKey::from_jwk(&jwk)?;
        assert_eq!(key.kid(), "2026-12");
        assert_eq!(
            key.thumbprint()?,
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        Ok(())
    }

    #[test]
    fn private_members_and_other_key_types_are_refused() {
        for member in PRIVATE_RSA_MEMBERS {
            let jwk = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","{member}":"AQAB"}}"#);
            assert_eq!(
                code(ServicePublicKey::from_jwk(&jwk)),
                Some(ErrorCode::JwkInvalid),
                "{member}"
            );
        }
        let ec = r#"{"kty":"EC","crv":"P-256","x":"","y":""}"#;
        assert_eq!(
            code(ServicePublicKey::from_jwk(ec)),
            Some(ErrorCode::NotSupported)
        );
        let enc = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","use":"enc"}}"#);
        assert_eq!(
            code(ServicePublicKey::from_jwk(&enc)),
            Some(ErrorCode::JwkInvalid)
        );
        let es = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","alg":"ES256"}}"#);
        assert!(ServicePublicKey::from_jwk(&es).is_err());
    }

    #[test]
    fn a_jwks_refuses_a_kid_twice_and_a_key_twice() -> Result<()> {
        let one = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB"}}"#);
        let key = ServicePublicKey::from_jwk(&one)?;
        let message =
            |result: Result<Value>| result.err().map(|e| (e.code(), e.message().to_owned()));
        let twice = message(service_jwks(
            &key,
            SigningAlgorithm::Rs256,
            std::slice::from_ref(&key),
        ));
        assert!(
            twice
                .as_ref()
                .is_some_and(|(c, m)| *c == ErrorCode::JwksInvalid && m.contains("unique kid")),
            "{twice:?}"
        );
        let renamed = format!(r#"{{"kty":"RSA","n":"{RFC7638_N}","e":"AQAB","kid":"other"}}"#);
        let renamed = ServicePublicKey::from_jwk(&renamed)?;
        let again = message(service_jwks(&key, SigningAlgorithm::Rs256, &[renamed]));
        assert!(
            again
                .as_ref()
                .is_some_and(|(_, m)| m.contains("listed twice")),
            "{again:?}"
        );
        Ok(())
    }
}
