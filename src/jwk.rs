//! JSON Web Keys (RFC 7517) for verification: EC P-256 and RSA 2048–4096, parsed once into
//! typed keys and kept in a [`KeySet`].
//!
//! Parsing validates everything that can be validated up front (the EC point is on the curve,
//! the RSA modulus size and exponent), so the per-token path only looks keys up and verifies.
//! A JWKS may legitimately contain keys this crate cannot use (another curve, an encryption
//! key); those are remembered with the reason, so that a token naming one gets that reason
//! rather than a bare "no matching key".

use crate::alg::Algorithm;
use crate::base64url;
use crate::error::{quoted, Error, ErrorCode, Result};
use crate::json;
use crate::portable::ecdsa::P256Verifier;
use crate::portable::rsa::RsaVerifier;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// Smallest RSA modulus accepted, in bits (RFC 7518 §3.3).
pub const MIN_RSA_BITS: usize = 2048;
/// Largest RSA modulus accepted, in bits.
pub const MAX_RSA_BITS: usize = 4096;

/// A public key ready to verify signatures.
#[derive(Debug, Clone)]
pub enum PublicKey {
    /// An EC P-256 key (ES256).
    P256(Box<EcKey>),
    /// An RSA key (RS256).
    Rsa(Box<RsaKey>),
}

/// A P-256 public key with its ES256 verifier (see `src/portable/ecdsa.rs`).
#[derive(Debug, Clone)]
pub struct EcKey {
    verifier: P256Verifier,
}

impl EcKey {
    /// The public key.
    pub fn verifying_key(&self) -> &p256::ecdsa::VerifyingKey {
        self.verifier.key()
    }
}

/// An RSA public key with its PKCS#1 v1.5 / SHA-256 verifier (see `src/portable/rsa.rs`).
#[derive(Debug, Clone)]
pub struct RsaKey {
    modulus_be: Vec<u8>,
    /// Odd, at least 3, at most 32 bits (the parser refuses anything else).
    exponent: u32,
    /// The Montgomery constants, computed at the key's first verification with the built-in
    /// arithmetic: a host backend (Node) never needs them, and a key set parsed for a single
    /// verification should not pay for them at parse time. `None` only for a key the parser
    /// would have refused.
    verifier: std::sync::OnceLock<Option<RsaVerifier>>,
}

impl RsaKey {
    fn verify_sha256(&self, message: &[u8], signature: &[u8]) -> bool {
        self.verifier
            .get_or_init(|| RsaVerifier::new(&self.modulus_be, self.exponent))
            .as_ref()
            .is_some_and(|verifier| verifier.verify_sha256(message, signature))
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        let lead = self.modulus_be.first().copied().unwrap_or(0);
        self.modulus_be.len() * 8 - lead.leading_zeros() as usize
    }
}

impl PublicKey {
    /// Whether this key is of the type `alg` needs.
    pub fn fits(&self, alg: Algorithm) -> bool {
        matches!(
            (self, alg),
            (PublicKey::P256(_), Algorithm::Es256) | (PublicKey::Rsa(_), Algorithm::Rs256)
        )
    }

    /// The JWK `kty` of this key.
    pub fn key_type(&self) -> &'static str {
        match self {
            PublicKey::P256(_) => "EC",
            PublicKey::Rsa(_) => "RSA",
        }
    }

    /// Verify `signature` over `message` with `alg`.
    ///
    /// ES256 takes only the 64-byte JOSE form `r || s` (a DER signature or any other length
    /// fails), with `r` and `s` in `[1, n-1]`. RS256 takes only a signature of exactly the
    /// modulus length whose value is below the modulus.
    ///
    /// # Errors
    /// `ERR_JWS_SIGNATURE_VERIFICATION_FAILED` for every kind of failure, including a key that
    /// does not fit `alg`.
    pub fn verify(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<()> {
        self.check_signature_form(alg, signature)?;
        match (self, alg) {
            (PublicKey::P256(key), Algorithm::Es256)
                if key.verifier.verify_sha256(message, signature) =>
            {
                Ok(())
            }
            (PublicKey::Rsa(key), Algorithm::Rs256) if key.verify_sha256(message, signature) => {
                Ok(())
            }
            _ => Err(Error::signature()),
        }
    }

    /// The checks on a signature's encoding that come before any arithmetic, whoever does
    /// the arithmetic (see [`SignatureBackend`]).
    ///
    /// # Errors
    /// `ERR_JWS_SIGNATURE_VERIFICATION_FAILED` for a key that does not fit `alg`, an ES256
    /// signature that is not 64 bytes with `r` and `s` in `[1, n-1]`, or an RS256 signature
    /// that is not exactly the modulus length or not below the modulus.
    pub fn check_signature_form(&self, alg: Algorithm, signature: &[u8]) -> Result<()> {
        let well_formed = match (self, alg) {
            // from_slice rejects r or s equal to zero or not below the group order, which is
            // what CVE-2022-21449 ("psychic signatures") skipped.
            (PublicKey::P256(_), Algorithm::Es256) => {
                signature.len() == 64 && p256::ecdsa::Signature::from_slice(signature).is_ok()
            }
            // A signature must be exactly k bytes and, as an integer, below n (RFC 8017
            // §8.2.2); otherwise s and s + n would both verify.
            (PublicKey::Rsa(key), Algorithm::Rs256) => {
                signature.len() == key.modulus_be.len() && signature < key.modulus_be.as_slice()
            }
            _ => false,
        };
        if well_formed {
            Ok(())
        } else {
            Err(Error::signature())
        }
    }

    /// The public key as a JWK with only its required members in lexicographic order
    /// (RFC 7638 §3.2): stable text for hosts to import and for thumbprints.
    pub fn canonical_jwk(&self) -> String {
        match self {
            PublicKey::P256(key) => {
                let point = key.verifying_key().to_encoded_point(false);
                let coordinate =
                    |c: Option<&p256::FieldBytes>| base64url::encode(c.map_or(&[][..], |c| &c[..]));
                format!(
                    r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                    coordinate(point.x()),
                    coordinate(point.y())
                )
            }
            PublicKey::Rsa(key) => format!(
                r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                base64url::encode(
                    &key.exponent
                        .to_be_bytes()
                        .into_iter()
                        .skip_while(|&b| b == 0)
                        .collect::<Vec<u8>>()
                ),
                base64url::encode(&key.modulus_be)
            ),
        }
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    pub fn thumbprint(&self) -> String {
        base64url::encode(&Sha256::digest(self.canonical_jwk().as_bytes()))
    }
}

/// A parsed JWK with the metadata that decides which tokens it may verify.
#[derive(Debug, Clone)]
pub struct Jwk {
    kid: Option<String>,
    alg: Option<String>,
    usable_for_signatures: bool,
    key: PublicKey,
    canonical: std::sync::OnceLock<String>,
}

impl Jwk {
    /// Parse one JWK from its JSON text.
    ///
    /// # Errors
    /// `ERR_JWK_INVALID` for a malformed or unacceptable key, `ERR_JOSE_NOT_SUPPORTED` for a
    /// well-formed key of a type this crate does not verify with.
    pub fn from_json(text: &str) -> Result<Jwk> {
        let map = json::parse_object(text).map_err(|e| Error::jwk(format!("JWK is {e}")))?;
        Jwk::from_map(&map)
    }

    /// Parse one JWK from a parsed JSON object.
    ///
    /// # Errors
    /// As [`Jwk::from_json`].
    pub fn from_map(map: &Map<String, Value>) -> Result<Jwk> {
        let kid = optional_string(map, "kid")?;
        let alg = optional_string(map, "alg")?;
        let usable_for_signatures = usable_for_signatures(map)?;
        let key = match required_string(map, "kty")? {
            "EC" => parse_ec(map)?,
            "RSA" => parse_rsa(map)?,
            other => {
                return Err(Error::new(
                    ErrorCode::NotSupported,
                    format!("unsupported key type \"kty\": {}", quoted(other)),
                ))
            }
        };
        if let Some(alg) = alg.as_deref() {
            // A key that names an algorithm of another family is a configuration error,
            // e.g. `"kty":"EC","alg":"RS256"`; an algorithm we do not verify is merely unusable.
            if let Some(named) = Algorithm::from_name(alg) {
                if !key.fits(named) {
                    return Err(Error::jwk(format!(
                        "\"alg\" {alg} does not fit a {} key",
                        key.key_type()
                    )));
                }
            }
        }
        Ok(Jwk {
            kid,
            alg,
            usable_for_signatures,
            key,
            canonical: std::sync::OnceLock::new(),
        })
    }

    /// A key built directly from a typed public key (for callers that hold keys already).
    pub fn from_public_key(key: PublicKey, kid: Option<String>, alg: Option<Algorithm>) -> Jwk {
        Jwk {
            kid,
            alg: alg.map(|a| a.as_str().to_owned()),
            usable_for_signatures: true,
            key,
            canonical: std::sync::OnceLock::new(),
        }
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The `alg` the key is restricted to, if any.
    pub fn alg(&self) -> Option<&str> {
        self.alg.as_deref()
    }

    /// The typed public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.key
    }

    /// [`PublicKey::canonical_jwk`], computed once: hosts that import the key for their own
    /// arithmetic use it as a cache key on every verification.
    pub fn canonical_jwk(&self) -> &str {
        self.canonical.get_or_init(|| self.key.canonical_jwk())
    }

    /// Whether this key may verify a token signed with `alg` (jose's `isUsableJWK` rules):
    /// the key type fits, the key's own `alg` (if any) equals `alg`, `use` is absent or `sig`,
    /// and `key_ops` is absent or includes `verify`.
    pub fn accepts(&self, alg: Algorithm) -> bool {
        self.usable_for_signatures
            && self.key.fits(alg)
            && self.alg.as_deref().is_none_or(|a| a == alg.as_str())
    }
}

fn usable_for_signatures(map: &Map<String, Value>) -> Result<bool> {
    let use_ok = optional_string(map, "use")?.is_none_or(|u| u == "sig");
    let ops_ok = match map.get("key_ops") {
        None => true,
        Some(Value::Array(ops)) => {
            let mut names = Vec::with_capacity(ops.len());
            for op in ops {
                let name = op
                    .as_str()
                    .ok_or_else(|| Error::jwk("\"key_ops\" must be an array of strings"))?;
                if names.contains(&name) {
                    return Err(Error::jwk("\"key_ops\" has a duplicate entry"));
                }
                names.push(name);
            }
            names.contains(&"verify")
        }
        Some(_) => return Err(Error::jwk("\"key_ops\" must be an array of strings")),
    };
    Ok(use_ok && ops_ok)
}

fn refuse_private(map: &Map<String, Value>, members: &[&str]) -> Result<()> {
    if members.iter().any(|m| map.contains_key(*m)) {
        return Err(Error::jwk(
            "private key material in a verification key: publish only the public key",
        ));
    }
    Ok(())
}

fn parse_ec(map: &Map<String, Value>) -> Result<PublicKey> {
    let crv = required_string(map, "crv")?;
    if crv != "P-256" {
        return Err(Error::new(
            ErrorCode::NotSupported,
            format!(
                "unsupported EC curve {}: only P-256 (ES256) is verified",
                quoted(crv)
            ),
        ));
    }
    refuse_private(map, &["d"])?;
    let x = coordinate(map, "x")?;
    let y = coordinate(map, "y")?;
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    // from_sec1_bytes checks that the point is on the curve and is not the identity.
    p256::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
        .map(|key| {
            PublicKey::P256(Box::new(EcKey {
                verifier: P256Verifier::new(key),
            }))
        })
        .map_err(|_| Error::jwk("EC point is not on the P-256 curve"))
}

fn coordinate(map: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    let bytes = base64url_member(map, name)?;
    // RFC 7518 §6.2.1.2: the full coordinate size, no more and no less.
    if bytes.len() != 32 {
        return Err(Error::jwk(format!(
            "\"{name}\" must be a 32-byte P-256 coordinate"
        )));
    }
    Ok(bytes)
}

fn parse_rsa(map: &Map<String, Value>) -> Result<PublicKey> {
    refuse_private(map, &["d", "p", "q", "dp", "dq", "qi", "oth"])?;
    let n = base64url_member(map, "n")?;
    let e = base64url_member(map, "e")?;
    let first_nonzero = n.iter().position(|&b| b != 0).unwrap_or(n.len());
    let modulus_be = n.get(first_nonzero..).unwrap_or_default().to_vec();
    let exponent = rsa_public_key(&modulus_be, &e)?;
    let key = RsaKey {
        modulus_be,
        exponent,
        verifier: std::sync::OnceLock::new(),
    };
    Ok(PublicKey::Rsa(Box::new(key)))
}

/// The small primes of the ROCA fingerprint test (Nemec et al., "The Return of Coppersmith's
/// Attack", CCS 2017, and their `roca-detect` tool).
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// Whether a modulus has the fingerprint of Infineon's vulnerable key generation: its primes
/// are `k * M + (65537^a mod M)` for the primorial `M`, so for every small prime `p` of `M`,
/// `N mod p` lies in the subgroup that 65537 generates modulo `p`. A random modulus passes all
/// 38 tests with negligible probability (the detector's false positives are below 2^-27).
pub(crate) fn has_roca_fingerprint(modulus_be: &[u8]) -> bool {
    ROCA_PRIMES.iter().all(|&p| {
        let residue = modulus_be
            .iter()
            .fold(0u32, |r, &byte| (r * 256 + u32::from(byte)) % p);
        let generator = 65537 % p;
        // Walk the cyclic subgroup generated by 65537 mod p (at most p - 1 elements).
        let mut element = 1;
        loop {
            if element == residue {
                return true;
            }
            element = element * generator % p;
            if element == 1 {
                return false;
            }
        }
    })
}

/// Check an RSA public key against this crate's policy (size, odd modulus, ROCA, exponent,
/// which together cover the `rsa` crate's own checks); the exponent, which fits in 32 bits.
/// `modulus_be` has no leading zero byte.
fn rsa_public_key(modulus_be: &[u8], exponent_be: &[u8]) -> Result<u32> {
    let bits = modulus_be.first().map_or(0, |&top| {
        8 * modulus_be.len() - top.leading_zeros() as usize
    });
    if bits < MIN_RSA_BITS {
        return Err(Error::jwk(format!(
            "RSA modulus of {bits} bits is below the {MIN_RSA_BITS}-bit minimum"
        )));
    }
    if bits > MAX_RSA_BITS {
        return Err(Error::jwk(format!(
            "RSA modulus of {bits} bits is above the {MAX_RSA_BITS}-bit maximum"
        )));
    }
    if modulus_be.last().is_some_and(|b| b & 1 == 0) {
        return Err(Error::jwk("RSA modulus is even"));
    }
    if has_roca_fingerprint(modulus_be) {
        return Err(Error::jwk(
            "RSA modulus has the ROCA fingerprint (CVE-2017-15361): its private key can be computed from it",
        ));
    }
    // An odd exponent of at least 3 that fits in 32 bits covers every real key (65537 above
    // all); anything else is a broken or hostile key. It is then far below the modulus.
    let significant = exponent_be.iter().skip_while(|&&b| b == 0).count();
    // At most 4 significant bytes, so the fold cannot overflow.
    (significant <= 4)
        .then(|| {
            exponent_be
                .iter()
                .fold(0u32, |e, &byte| (e << 8) | u32::from(byte))
        })
        .filter(|&exponent| exponent >= 3 && exponent & 1 == 1)
        .ok_or_else(|| Error::jwk("RSA exponent must be odd, at least 3 and at most 32 bits"))
}

fn base64url_member(map: &Map<String, Value>, name: &'static str) -> Result<Vec<u8>> {
    base64url::decode(required_string(map, name)?)
        .map_err(|_| Error::jwk(format!("\"{name}\" is not valid base64url")))
}

fn required_string<'m>(map: &'m Map<String, Value>, name: &'static str) -> Result<&'m str> {
    match map.get(name) {
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Error::jwk(format!("\"{name}\" must be a string"))),
        None => Err(Error::jwk(format!("\"{name}\" is missing"))),
    }
}

fn optional_string(map: &Map<String, Value>, name: &'static str) -> Result<Option<String>> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::jwk(format!("\"{name}\" must be a string"))),
    }
}

/// Signature arithmetic supplied by the host, such as Node's `crypto.verify`, which is an
/// order of magnitude faster than portable Rust compiled to wasm.
///
/// The backend only does arithmetic: the allow-list, key selection and the signature-form
/// checks ([`PublicKey::check_signature_form`]) always run in this crate first, and every
/// other step (claims, One Login rules) is unchanged.
pub trait SignatureBackend: Send + Sync + fmt::Debug {
    /// Verify `signature` over `message` with `key` and `alg`. `Some(valid)` is final;
    /// `None` means "not available here", and the built-in code decides.
    fn verify(&self, key: &Jwk, alg: Algorithm, message: &[u8], signature: &[u8]) -> Option<bool>;
}

/// A key from the set that could not be used, kept so lookups can explain themselves.
#[derive(Debug, Clone)]
struct RejectedKey {
    kid: Option<String>,
    error: Error,
}

/// A JSON Web Key Set, parsed once and reused for many verifications.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    keys: Vec<Jwk>,
    rejected: Vec<RejectedKey>,
    backend: Option<Arc<dyn SignatureBackend>>,
}

impl KeySet {
    /// Parse a JWKS document (`{"keys":[…]}`).
    ///
    /// Individual keys that are malformed or unsupported do not fail the whole set (a
    /// provider may publish keys for other purposes); they are kept aside and reported if a
    /// token asks for them by `kid`.
    ///
    /// # Errors
    /// `ERR_JWKS_INVALID` when the document is not strict JSON, not an object, or has no
    /// `keys` array of objects.
    pub fn from_json(text: &str) -> Result<KeySet> {
        // The size cap first: nothing larger is parsed (see `crate::limits`).
        crate::limits::refuse_oversized(
            text,
            crate::limits::MAX_DOCUMENT_SIZE,
            ErrorCode::JwksInvalid,
            "the JWKS",
        )?;
        let map = json::parse_object(text).map_err(|e| Error::jwks(format!("JWKS is {e}")))?;
        KeySet::from_map(&map)
    }

    /// Parse a JWKS from a parsed JSON object.
    ///
    /// # Errors
    /// As [`KeySet::from_json`].
    pub fn from_map(map: &Map<String, Value>) -> Result<KeySet> {
        let Some(Value::Array(entries)) = map.get("keys") else {
            return Err(Error::jwks(
                "JSON Web Key Set malformed: expected an object with a \"keys\" array",
            ));
        };
        let mut set = KeySet::default();
        for entry in entries {
            let Value::Object(jwk) = entry else {
                return Err(Error::jwks("JSON Web Key Set members must be objects"));
            };
            set.insert_parsed(jwk);
        }
        Ok(set)
    }

    /// A set holding exactly these keys.
    pub fn from_keys(keys: Vec<Jwk>) -> KeySet {
        KeySet {
            keys,
            rejected: Vec::new(),
            backend: None,
        }
    }

    /// Use `backend` for the signature arithmetic of this set's keys.
    pub fn set_signature_backend(&mut self, backend: Option<Arc<dyn SignatureBackend>>) {
        self.backend = backend;
    }

    /// Verify a signature with `key` (one of this set's): the form checks, then the host
    /// backend if one is set and willing, else the built-in arithmetic.
    ///
    /// # Errors
    /// `ERR_JWS_SIGNATURE_VERIFICATION_FAILED`.
    pub fn verify_signature(
        &self,
        key: &Jwk,
        alg: Algorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<()> {
        key.public_key().check_signature_form(alg, signature)?;
        match self
            .backend
            .as_ref()
            .and_then(|b| b.verify(key, alg, message, signature))
        {
            Some(true) => Ok(()),
            Some(false) => Err(Error::signature()),
            None => key.public_key().verify(alg, message, signature),
        }
    }

    fn insert_parsed(&mut self, jwk: &Map<String, Value>) {
        match Jwk::from_map(jwk) {
            Ok(key) => self.keys.push(key),
            Err(error) => self.rejected.push(RejectedKey {
                kid: jwk.get("kid").and_then(Value::as_str).map(str::to_owned),
                error,
            }),
        }
    }

    /// The usable keys.
    pub fn keys(&self) -> &[Jwk] {
        &self.keys
    }

    /// How many keys were usable.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key was usable.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The errors of keys in the document that could not be used, with their `kid`s.
    pub fn rejected(&self) -> impl Iterator<Item = (Option<&str>, &Error)> {
        self.rejected.iter().map(|r| (r.kid.as_deref(), &r.error))
    }

    /// Check that some usable key has exactly this `kid`: the first half of [`KeySet::select`],
    /// which an inspector reports on its own line.
    ///
    /// # Errors
    /// `ERR_JWKS_NO_MATCHING_KEY`, or the error of an unusable key with that `kid`.
    pub fn check_kid(&self, kid: &str) -> Result<()> {
        if self.keys.iter().any(|k| k.kid() == Some(kid)) {
            return Ok(());
        }
        Err(self.no_match(Some(kid)))
    }

    fn no_match(&self, kid: Option<&str>) -> Error {
        let rejected =
            kid.and_then(|kid| self.rejected.iter().find(|r| r.kid.as_deref() == Some(kid)));
        match rejected {
            Some(r) => r.error.clone(),
            None => Error::new(
                ErrorCode::JwksNoMatchingKey,
                "no applicable key found in the JSON Web Key Set",
            ),
        }
    }

    /// Choose the one key that may verify a token with this `alg` and `kid`.
    ///
    /// With a `kid`, only keys with that exact `kid` are candidates; without one, every key
    /// (as jose does). The header's own key hints (`jwk`, `jku`, `x5u`, `x5c`) are never
    /// consulted: keys come only from this set.
    ///
    /// # Errors
    /// `ERR_JWKS_NO_MATCHING_KEY` when none fits (or the error of an unusable key with that
    /// `kid`), `ERR_JWKS_MULTIPLE_MATCHING_KEYS` when more than one does.
    pub fn select(&self, alg: Algorithm, kid: Option<&str>) -> Result<&Jwk> {
        if let Some(kid) = kid {
            self.check_kid(kid)?;
        }
        let mut candidates = self
            .keys
            .iter()
            .filter(|k| kid.is_none_or(|kid| k.kid() == Some(kid)) && k.accepts(alg));
        match (candidates.next(), candidates.next()) {
            (Some(key), None) => Ok(key),
            (Some(_), Some(_)) => Err(Error::new(
                ErrorCode::JwksMultipleMatchingKeys,
                "multiple matching keys found in the JSON Web Key Set",
            )),
            (None, _) => Err(self.no_match(kid)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_core::{OsRng, RngCore};
    use rsa::BigUint;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A 2048-bit odd modulus with the ROCA structure: `N ≡ 65537^a (mod M)` for the
    /// primorial `M` of the fingerprint's primes, as `p * q` is for two Infineon primes.
    fn roca_shaped_modulus() -> Vec<u8> {
        let primorial = ROCA_PRIMES
            .iter()
            .fold(BigUint::from(1u8), |m, &p| m * BigUint::from(p));
        let exponent = BigUint::from(OsRng.next_u32());
        let residue = BigUint::from(65537u32).modpow(&exponent, &primorial);
        let mut random = [0u8; 256];
        OsRng.fill_bytes(&mut random);
        if let Some(top) = random.first_mut() {
            *top |= 0xc0;
        }
        let x = BigUint::from_bytes_be(&random);
        let mut n = &x - (&x % &primorial) + residue;
        if n.to_bytes_be().last().is_some_and(|b| b & 1 == 0) {
            n += &primorial;
        }
        n.to_bytes_be()
    }

    #[test]
    fn a_roca_shaped_modulus_is_refused_as_an_invalid_key() {
        for _ in 0..8 {
            let modulus = roca_shaped_modulus();
            assert!(has_roca_fingerprint(&modulus));
            let err = rsa_public_key(&modulus, &[1, 0, 1]).err();
            assert_eq!(
                err.as_ref().map(Error::code),
                Some(crate::ErrorCode::JwkInvalid)
            );
            assert!(err.is_some_and(|e| e.message().contains("ROCA")));
        }
    }

    #[test]
    fn real_moduli_do_not_have_the_fingerprint() {
        // Products of primes from the rsa crate's generator (not Infineon's).
        for _ in 0..2 {
            let key = rsa::RsaPrivateKey::new(&mut OsRng, 2048);
            let Ok(key) = key else {
                unreachable!("RSA key generation failed")
            };
            let modulus = rsa::traits::PublicKeyParts::n(&key).to_bytes_be();
            assert!(!has_roca_fingerprint(&modulus));
            assert!(rsa_public_key(&modulus, &[1, 0, 1]).is_ok());
        }
        // One residue outside the subgroup is enough to clear a modulus.
        let mut modulus = roca_shaped_modulus();
        if let Some(last) = modulus.last_mut() {
            *last ^= 0x02;
        }
        assert!(!has_roca_fingerprint(&modulus));
    }
}
