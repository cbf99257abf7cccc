//! The fixtures every integration test uses: keys generated per run (an ES256 key each time,
//! one shared 2048-bit RSA key per test binary), one signer, one JWK and JWKS builder, claim
//! patching, the issuer a relying party trusts, and the helpers that reduce a result to the
//! failure it came to. The repository holds no key material beyond published RFC examples.
#![allow(dead_code)]

use base64::{engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL, Engine};
use govuk_one_login_tokens::{jwt, Error, ErrorCode, KeySet};
use p256::ecdsa::signature::{SignatureEncoding, Signer};
use rsa::traits::PublicKeyParts;
use rsa::RsaPrivateKey;
use serde_json::{json, Value};
use std::sync::OnceLock;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A fixed "now" for every test.
pub const NOW: f64 = 1_700_000_000.0;
pub const CLIENT_ID: &str = "test-client-id";
/// The kids of the issuer's keys in its JWKS.
pub const ES_KID: &str = "es-key-1";
pub const RS_KID: &str = "rs-key-1";

/// Whatever signs a JWS signing input: a key, an attacker's HMAC, or nothing at all. The
/// header's `alg` is whatever the test writes, so tests can build mismatches on purpose.
pub trait Signs {
    /// The raw signature over `input`.
    fn signature(&self, input: &[u8]) -> Vec<u8>;

    /// `header.payload.signature`, the JSON serialized compactly.
    fn sign(&self, header: &Value, claims: &Value) -> String {
        self.sign_bytes(header.to_string().as_bytes(), claims.to_string().as_bytes())
    }

    /// A token from raw header and payload bytes (which need not be UTF-8 or JSON).
    fn sign_bytes(&self, header: &[u8], payload: &[u8]) -> String {
        self.sign_input(&format!(
            "{}.{}",
            BASE64URL.encode(header),
            BASE64URL.encode(payload)
        ))
    }

    /// `input.signature` for a signing input given as text, however malformed.
    fn sign_input(&self, input: &str) -> String {
        let signature = self.signature(input.as_bytes());
        format!("{input}.{}", BASE64URL.encode(signature))
    }
}

/// An ES256 key pair.
pub struct EcKey {
    pub signing: p256::ecdsa::SigningKey,
}

impl EcKey {
    pub fn generate() -> EcKey {
        EcKey {
            signing: p256::ecdsa::SigningKey::random(&mut rand_core::OsRng),
        }
    }

    /// The public JWK, with a `kid` if given.
    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let point = self.signing.verifying_key().to_encoded_point(false);
        let coordinate = |c: Option<&p256::FieldBytes>| c.map(|c| BASE64URL.encode(c));
        let jwk = json!({
            "kty": "EC",
            "crv": "P-256",
            "x": coordinate(point.x()).unwrap_or_default(),
            "y": coordinate(point.y()).unwrap_or_default(),
        });
        with_kid(jwk, kid)
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

impl Signs for EcKey {
    fn signature(&self, input: &[u8]) -> Vec<u8> {
        let signature: p256::ecdsa::Signature = self.signing.sign(input);
        signature.to_vec()
    }
}

/// An RS256 key pair (2048 bits unless asked otherwise).
pub struct RsaKey {
    pub private: RsaPrivateKey,
    pub public: rsa::RsaPublicKey,
    signing: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
}

impl RsaKey {
    pub fn generate(bits: usize) -> RsaKey {
        let private = RsaPrivateKey::new(&mut rand_core::OsRng, bits)
            .unwrap_or_else(|e| unreachable!("RSA key generation: {e}"));
        RsaKey::from_private(private)
    }

    pub fn from_private(private: RsaPrivateKey) -> RsaKey {
        RsaKey {
            public: private.to_public_key(),
            signing: rsa::pkcs1v15::SigningKey::new(private.clone()),
            private,
        }
    }

    /// One 2048-bit key per test binary: RSA key generation is the slowest fixture.
    pub fn shared() -> &'static RsaKey {
        static KEY: OnceLock<RsaKey> = OnceLock::new();
        KEY.get_or_init(|| RsaKey::generate(2048))
    }

    /// The public JWK, with a `kid` if given.
    pub fn jwk(&self, kid: Option<&str>) -> Value {
        let jwk = json!({
            "kty": "RSA",
            "n": BASE64URL.encode(self.public.n().to_bytes_be()),
            "e": BASE64URL.encode(self.public.e().to_bytes_be()),
        });
        with_kid(jwk, kid)
    }
}

impl Signs for RsaKey {
    fn signature(&self, input: &[u8]) -> Vec<u8> {
        self.signing.sign(input).to_vec()
    }
}

/// HMAC-SHA256 under these key bytes: the HS256 tokens a key-confusion attacker forges.
pub struct Hmac<'a>(pub &'a [u8]);

impl Signs for Hmac<'_> {
    fn signature(&self, input: &[u8]) -> Vec<u8> {
        hmac_sha256(self.0, input)
    }
}

/// No signature at all: `header.payload.`.
pub struct Unsigned;

impl Signs for Unsigned {
    fn signature(&self, _: &[u8]) -> Vec<u8> {
        Vec::new()
    }
}

/// HMAC-SHA256 (RFC 2104).
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

/// The issuer's ES256 and RS256 keys, published in a JWKS the way One Login publishes them
/// (`kid`, `alg`, `use: sig`), and the key set a relying party loads from it.
pub struct Issuer {
    pub es: EcKey,
    pub rsa: &'static RsaKey,
    pub keys: KeySet,
}

impl Issuer {
    pub fn new() -> Result<Issuer, Error> {
        let es = EcKey::generate();
        let rsa = RsaKey::shared();
        let keys = KeySet::from_json(&jwks(&[
            with(es.jwk(Some(ES_KID)), json!({"alg": "ES256", "use": "sig"})),
            with(rsa.jwk(Some(RS_KID)), json!({"alg": "RS256", "use": "sig"})),
        ]))?;
        Ok(Issuer { es, rsa, keys })
    }

    pub fn es256(&self, claims: &Value) -> String {
        self.es
            .sign(&json!({"alg": "ES256", "kid": ES_KID}), claims)
    }

    pub fn rs256(&self, claims: &Value) -> String {
        self.rsa
            .sign(&json!({"alg": "RS256", "kid": RS_KID}), claims)
    }
}

/// [`Issuer::new`] for the tests that do not return a `Result`.
pub fn issuer() -> Issuer {
    Issuer::new().unwrap_or_else(|e| unreachable!("fixture JWKS: {e}"))
}

/// The JSON text of a JWKS holding these JWKs.
pub fn jwks(keys: &[Value]) -> String {
    json!({ "keys": keys }).to_string()
}

/// The key set of a JWKS holding these JWKs, for fixtures that must load.
pub fn key_set(keys: &[Value]) -> KeySet {
    KeySet::from_json(&jwks(keys)).unwrap_or_else(|e| unreachable!("fixture JWKS: {e}"))
}

/// `object` with `members` added or replaced, exactly as given (`null` included).
pub fn with(mut object: Value, members: Value) -> Value {
    if let (Some(map), Value::Object(members)) = (object.as_object_mut(), members) {
        map.extend(members);
    }
    object
}

fn with_kid(jwk: Value, kid: Option<&str>) -> Value {
    match kid {
        Some(kid) => with(jwk, json!({ "kid": kid })),
        None => jwk,
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

/// The base64url of compact JSON, as a token segment.
pub fn encode_json(value: &Value) -> String {
    BASE64URL.encode(value.to_string().as_bytes())
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

/// A failure's code and claim, for one-line assertions.
pub type Failure = Option<(ErrorCode, Option<String>)>;

/// The code and claim a result failed with (`None`: it did not fail).
pub fn failure<T>(result: Result<T, Error>) -> Failure {
    result
        .err()
        .map(|e| (e.code(), e.claim_name().map(str::to_owned)))
}

/// A claim failure of `claim`.
pub fn claim(name: &str) -> Failure {
    Some((ErrorCode::ClaimValidationFailed, Some(name.to_owned())))
}

/// A failure with `code` and no claim.
pub fn code(code: ErrorCode) -> Failure {
    Some((code, None))
}

/// The code a result failed with.
pub fn error_code<T>(result: Result<T, Error>) -> Option<ErrorCode> {
    result.err().map(|e| e.code())
}

/// The code `jwt::verify` refuses the token with.
pub fn verify_code(token: &str, keys: &KeySet, options: &jwt::VerifyOptions) -> Option<ErrorCode> {
    error_code(jwt::verify(token, keys, options))
}

/// The nonce and access token of the One Login ID tokens the tests sign.
pub const NONCE: &str = "n-0S6_WzA2Mj";
pub const ACCESS_TOKEN: &str = "eyJhbGciOiJFUzI1NiJ9.access.token";
/// The integration environment's DID (the identity issuer's key document).
pub const DID: &str = "did:web:identity.integration.account.gov.uk";

/// An integration-environment ID token's claims for [`CLIENT_ID`], [`NONCE`] and
/// [`ACCESS_TOKEN`], issued 10 seconds before [`NOW`].
pub fn id_token_claims() -> Value {
    json!({
        "iss": "https://oidc.integration.account.gov.uk/",
        "aud": CLIENT_ID,
        "sub": "urn:fdc:gov.uk:2022:VtcZjnU4Sif2oyJZola3OkN0e3Jeku1cIMN38rFlhU4",
        "iat": NOW - 10.0,
        "exp": NOW + 110.0,
        "nonce": NONCE,
        "vot": "Cl.Cm",
        "vtm": "https://oidc.integration.account.gov.uk/trustmark",
        "sid": "dX5xv0XgHh6yfD1xy-ss_1EDK0I",
        "auth_time": NOW - 100.0,
        "at_hash": govuk_one_login_tokens::onelogin::id_token::at_hash(ACCESS_TOKEN),
    })
}

/// A DID document for [`DID`] with these `assertionMethod` entries.
pub fn did_document(entries: Vec<Value>) -> Value {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": DID,
        "assertionMethod": entries,
    })
}

/// An `assertionMethod` entry publishing `key` as ES256 under `id`.
pub fn did_entry(id: &str, controller: &str, key: &EcKey) -> Value {
    json!({
        "type": "JsonWebKey",
        "id": id,
        "controller": controller,
        "publicKeyJwk": with(key.jwk(None), json!({"alg": "ES256"})),
    })
}

/// The identity issuer: an ES256 key published under `kid` in a DID document for [`DID`].
pub struct IdentityIssuer {
    pub key: EcKey,
    pub kid: String,
    pub document: Value,
    pub did: govuk_one_login_tokens::onelogin::DidDocument,
}

impl IdentityIssuer {
    pub fn new(kid: &str) -> Result<IdentityIssuer, Error> {
        let key = EcKey::generate();
        let document = did_document(vec![did_entry(kid, DID, &key)]);
        Ok(IdentityIssuer {
            did: govuk_one_login_tokens::onelogin::DidDocument::from_json(&document.to_string())?,
            key,
            kid: kid.to_owned(),
            document,
        })
    }

    /// A credential with these claims, signed under the published kid.
    pub fn sign(&self, claims: &Value) -> String {
        self.key
            .sign(&json!({"kid": self.kid, "alg": "ES256"}), claims)
    }
}

/// The end of every table test: one result per row, `Err` naming a row that came out
/// otherwise. Fails listing every such row, or on an empty table (which proves nothing).
pub fn assert_rows(rows: impl IntoIterator<Item = Result<(), String>>) {
    let mut total = 0;
    let wrong: Vec<String> = rows
        .into_iter()
        .inspect(|_| total += 1)
        .filter_map(Result::err)
        .collect();
    assert!(total > 0, "an empty table proves nothing");
    assert!(
        wrong.is_empty(),
        "{} of {total} rows:\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
}

/// A table of claim changes: each row's `changes` are patched into `claims` (see [`patch`]),
/// signed by `sign` and checked by `verify`, and must come to the row's failure (`None`: the
/// token verifies). Every row that does not is reported, by its changes.
pub fn assert_claim_changes<T>(
    claims: &Value,
    rows: impl IntoIterator<Item = (Value, Failure)>,
    sign: impl Fn(&Value) -> String,
    verify: impl Fn(&str) -> Result<T, Error>,
) {
    assert_rows(rows.into_iter().map(|(changes, expected)| {
        let got = failure(verify(&sign(&patch(claims, changes.clone()))));
        if got == expected {
            Ok(())
        } else {
            Err(format!("{changes}: expected {expected:?}, got {got:?}"))
        }
    }));
}
