//! Fixed keys and valid tokens shared by the fuzz targets and the seed generator.
//!
//! The keys come from a seeded RNG so that every run, and the committed seed generator, sign
//! with the same keys: a seed token written by `seeds` verifies inside the `verify` target.
//! They are fuzzing fixtures only and protect nothing.

use govuk_one_login_tokens::fuzzing::base64url_encode;
use govuk_one_login_tokens::{jwt, KeySet};
use p256::ecdsa::signature::{SignatureEncoding, Signer};
use rand_core::SeedableRng;
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};
use std::sync::OnceLock;

/// The verifier's clock in every target.
pub const NOW: f64 = 1_700_000_000.0;
/// The expected issuer (One Login integration, with its trailing slash).
pub const ISSUER: &str = "https://oidc.integration.account.gov.uk/";
/// The expected audience.
pub const AUDIENCE: &str = "fuzz-client";

/// Keys, the JWKS that publishes them, and tokens that verify against it.
pub struct Fixture {
    pub ec: p256::ecdsa::SigningKey,
    pub rsa: rsa::pkcs1v15::SigningKey<sha2::Sha256>,
    pub jwks: String,
    pub keys: KeySet,
    pub tokens: Vec<String>,
}

/// Built once per process; RSA key generation takes a moment.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(build)
}

fn build() -> Fixture {
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(0x6f6e_656c_6f67_696e);
    let ec = p256::ecdsa::SigningKey::random(&mut rng);
    let rsa_private = rsa::RsaPrivateKey::new(&mut rng, 2048)
        .unwrap_or_else(|e| unreachable!("seeded RSA keygen: {e}"));
    let public = rsa_private.to_public_key();
    let point = ec.verifying_key().to_encoded_point(false);
    let coord =
        |c: Option<&p256::FieldBytes>| base64url_encode(c.map(|c| &c[..]).unwrap_or_default());
    let jwks = json!({"keys": [
        {"kty": "EC", "crv": "P-256", "kid": "ec-1", "alg": "ES256", "use": "sig",
         "x": coord(point.x()), "y": coord(point.y())},
        {"kty": "RSA", "kid": "rsa-1", "alg": "RS256",
         "n": base64url_encode(&public.n().to_bytes_be()),
         "e": base64url_encode(&public.e().to_bytes_be())},
        // Present but unusable, so lookups by these kids exercise the rejected-key paths.
        {"kty": "EC", "crv": "P-384", "kid": "p384", "x": "AA", "y": "AA"},
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}
    ]})
    .to_string();
    let keys = KeySet::from_json(&jwks).unwrap_or_else(|e| unreachable!("fixture JWKS: {e}"));
    let mut fixture = Fixture {
        ec,
        rsa: rsa::pkcs1v15::SigningKey::new(rsa_private),
        jwks,
        keys,
        tokens: Vec::new(),
    };
    let claims = [
        json!({"iss": ISSUER, "aud": AUDIENCE, "sub": "urn:fdc:gov.uk:2022:abc", "exp": NOW + 3600.0,
               "iat": NOW, "nonce": "n-0S6_WzA2Mj", "vot": "Cl.Cm", "sid": "s"}),
        json!({"iss": ISSUER, "aud": [AUDIENCE, "other"], "sub": "s", "exp": NOW + 60.0, "nbf": NOW - 60.0,
               "vc": {"type": ["VerifiableCredential", "IdentityCheckCredential"],
                      "credentialSubject": {"name": [{"nameParts": [{"type": "GivenName", "value": "Ada"}]}],
                                            "birthDate": [{"value": "1815-12-10"}]}}}),
    ];
    let mut tokens = Vec::new();
    for payload in &claims {
        let es = json!({"alg": "ES256", "kid": "ec-1", "typ": "JWT"});
        let rs = json!({"alg": "RS256", "kid": "rsa-1"});
        let payload = payload.to_string();
        tokens.push(fixture.sign(es.to_string().as_bytes(), payload.as_bytes(), false));
        tokens.push(fixture.sign(rs.to_string().as_bytes(), payload.as_bytes(), true));
    }
    for token in &tokens {
        if let Err(e) = jwt::verify(token, &fixture.keys, &options()) {
            unreachable!("fixture token does not verify: {e}");
        }
    }
    fixture.tokens = tokens;
    fixture
}

impl Fixture {
    /// `header.payload.signature` over raw JSON bytes, with ES256 unless `rsa`.
    pub fn sign(&self, header: &[u8], payload: &[u8], rsa: bool) -> String {
        let input = format!(
            "{}.{}",
            base64url_encode(header),
            base64url_encode(payload)
        );
        let signature = if rsa {
            self.rsa.sign(input.as_bytes()).to_vec()
        } else {
            let sig: p256::ecdsa::Signature = self.ec.sign(input.as_bytes());
            sig.to_vec()
        };
        format!("{input}.{}", base64url_encode(&signature))
    }
}

/// The options every `verify` run uses.
pub fn options() -> jwt::VerifyOptions {
    let mut options = jwt::VerifyOptions::at(NOW);
    options.claims.issuer = Some(ISSUER.to_owned());
    options.claims.audience = Some(AUDIENCE.to_owned());
    options
}

/// A DID document in the shape One Login publishes for its identity-credential signing keys.
pub fn did_document(jwk: &Value) -> String {
    json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": "did:web:identity.integration.account.gov.uk",
        "assertionMethod": [{
            "type": "JsonWebKey",
            "id": "did:web:identity.integration.account.gov.uk#abc",
            "controller": "did:web:identity.integration.account.gov.uk",
            "publicKeyJwk": jwk
        }]
    })
    .to_string()
}
