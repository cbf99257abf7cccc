//! Signing for the token and authorization endpoints: `private_key_jwt` client assertions
//! and JWT-secured authorization requests (JAR, RFC 9101).
//!
//! One Login accepts only RSA keys here (its discovery lists RS256–RS512 and PS256–PS512, no
//! ES*), so this module signs with any of those six (RS256 by default).
//!
//! Security note: RUSTSEC-2023-0071 ("Marvin") is a timing side channel in the `rsa` crate's
//! private-key operations, unfixed in 0.9.x. Signing here uses the blinded, randomised
//! signers, but do not sign on a host where an attacker can time many signatures, and keep
//! the private key out of browsers.

use super::authorize::AuthorizationRequest;
use super::expected::non_empty;
use super::service_keys::{ServicePublicKey, SignedJwt, UnsignedJwt};
use crate::base64url;
use crate::error::{Error, ErrorCode, Result};
use crate::json;
use crate::jwk::MIN_RSA_BITS;
use crate::pkce;
use rand_core::OsRng;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{RandomizedSigner, SignatureEncoding};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{Map, Value};
use sha2::{Sha256, Sha384, Sha512};

/// The default lifetime of an assertion or request object: the docs recommend five minutes.
pub const DEFAULT_LIFETIME: u64 = 300;

/// The longest lifetime accepted, in seconds (the inspector's rule too).
pub use super::client_jwt::MAX_LIFETIME;

pub use crate::alg::SigningAlgorithm;
/// An RSA private key (2048 bits or more) for signing.
#[derive(Clone)]
pub struct RsaSigningKey {
    key: RsaPrivateKey,
    kid: Option<String>,
    /// The public half, published under `kid` or, without one, the RFC 7638 thumbprint.
    public: ServicePublicKey,
}

impl std::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print private key material.
        f.debug_struct("RsaSigningKey")
            .field("bits", &self.bits())
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl RsaSigningKey {
    /// A PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as `openssl genpkey` writes it.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for anything else, or an RSA key under 2048 bits.
    pub fn from_pkcs8_pem(pem: &str) -> Result<RsaSigningKey> {
        if pem.contains("BEGIN RSA PRIVATE KEY") {
            return Err(Error::option(
                "privateKey",
                "PKCS#1 key: convert it with `openssl pkcs8 -topk8 -nocrypt` to PKCS#8",
            ));
        }
        let key = RsaPrivateKey::from_pkcs8_pem(pem.trim())
            .map_err(|_| Error::option("privateKey", "not a PKCS#8 PEM RSA private key"))?;
        RsaSigningKey::checked(key, None)
    }

    /// A private RSA JWK (`kty` `RSA` with `n`, `e`, `d` and, usually, `p` and `q`). Its `kid`,
    /// if any, is used in headers unless the options name another.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for a malformed or inconsistent key or one under 2048 bits.
    pub fn from_jwk(jwk: &str) -> Result<RsaSigningKey> {
        let map = json::parse_object(jwk)
            .map_err(|e| Error::option("privateKey", format!("private JWK is {e}")))?;
        if map.get("kty").and_then(Value::as_str) != Some("RSA") {
            return Err(Error::option(
                "privateKey",
                "private JWK must have \"kty\": \"RSA\"",
            ));
        }
        let int = |name: &str| -> Result<Option<BigUint>> {
            match map.get(name) {
                None => Ok(None),
                Some(Value::String(s)) => base64url::decode(s)
                    .map(|b| Some(BigUint::from_bytes_be(&b)))
                    .map_err(|_| {
                        Error::option(
                            "privateKey",
                            format!("private JWK \"{name}\" is not base64url"),
                        )
                    }),
                Some(_) => Err(Error::option(
                    "privateKey",
                    format!("private JWK \"{name}\" must be a string"),
                )),
            }
        };
        let need = |name: &str| {
            int(name)?
                .ok_or_else(|| Error::option("privateKey", format!("private JWK needs \"{name}\"")))
        };
        let (n, e, d) = (need("n")?, need("e")?, need("d")?);
        let primes = match (int("p")?, int("q")?) {
            (Some(p), Some(q)) => vec![p, q],
            (None, None) => Vec::new(),
            _ => {
                return Err(Error::option(
                    "privateKey",
                    "private JWK needs both \"p\" and \"q\", or neither",
                ))
            }
        };
        let key = RsaPrivateKey::from_components(n, e, d, primes)
            .map_err(|_| Error::option("privateKey", "private JWK is not a consistent RSA key"))?;
        let kid = match map.get("kid") {
            None => None,
            Some(Value::String(k)) => Some(k.clone()),
            Some(_) => {
                return Err(Error::option(
                    "privateKey",
                    "private JWK \"kid\" must be a string",
                ))
            }
        };
        RsaSigningKey::checked(key, kid)
    }

    /// A PKCS#8 PEM or a private JWK, told apart by their first character.
    ///
    /// # Errors
    /// As [`RsaSigningKey::from_pkcs8_pem`] and [`RsaSigningKey::from_jwk`].
    pub fn from_pem_or_jwk(text: &str) -> Result<RsaSigningKey> {
        if text.trim_start().starts_with('{') {
            RsaSigningKey::from_jwk(text)
        } else {
            RsaSigningKey::from_pkcs8_pem(text)
        }
    }

    fn checked(key: RsaPrivateKey, kid: Option<String>) -> Result<RsaSigningKey> {
        let bits = key.n().bits();
        if bits < MIN_RSA_BITS {
            return Err(Error::option(
                "privateKey",
                format!("RSA key of {bits} bits is below the {MIN_RSA_BITS}-bit minimum"),
            ));
        }
        let public = ServicePublicKey::new(key.to_public_key(), kid.clone())
            .map_err(|e| Error::option("privateKey", format!("its public key: {}", e.message())))?;
        Ok(RsaSigningKey { key, kid, public })
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        self.key.n().bits()
    }

    /// The `kid` from the JWK, if it had one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// The public half, published under the JWK's own `kid`, else the RFC 7638 thumbprint.
    pub fn service_public_key(&self) -> &ServicePublicKey {
        &self.public
    }

    /// The public half (to publish in your JWKS or register with One Login).
    pub fn public_key(&self) -> rsa::RsaPublicKey {
        self.key.to_public_key()
    }

    /// Sign `unsigned` with this key, which must be the key it awaits.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` when `unsigned` awaits another key's signature;
    /// `ERR_RANDOM_UNAVAILABLE` without a random source.
    pub fn sign_unsigned(&self, unsigned: &UnsignedJwt) -> Result<SignedJwt> {
        if unsigned.public_key().rsa() != self.public.rsa() {
            return Err(Error::option(
                "privateKey",
                "this JWT awaits another key's signature",
            ));
        }
        let signature = self.sign(unsigned.alg(), unsigned.signing_input().as_bytes())?;
        Ok(SignedJwt::from_own_signature(unsigned, &signature))
    }

    fn sign(&self, alg: SigningAlgorithm, message: &[u8]) -> Result<Vec<u8>> {
        // With a valid key and a SHA-256 digest, the one way signing fails is the RNG.
        let failed = |_| Error::new(ErrorCode::RandomUnavailable, "RSA signing failed");
        // Every signer takes the RNG for blinding, which is the mitigation `rsa` offers against
        // timing attacks on the private key.
        fn pkcs1<D>(key: &RsaPrivateKey, message: &[u8]) -> rsa::signature::Result<Vec<u8>>
        where
            D: sha2::Digest + rsa::pkcs8::AssociatedOid,
        {
            rsa::pkcs1v15::SigningKey::<D>::new(key.clone())
                .try_sign_with_rng(&mut OsRng, message)
                .map(|s| s.to_vec())
        }
        fn pss<D>(key: &RsaPrivateKey, message: &[u8]) -> rsa::signature::Result<Vec<u8>>
        where
            D: sha2::Digest + sha2::digest::FixedOutputReset,
        {
            rsa::pss::BlindedSigningKey::<D>::new(key.clone())
                .try_sign_with_rng(&mut OsRng, message)
                .map(|s| s.to_vec())
        }
        match alg {
            SigningAlgorithm::Rs256 => pkcs1::<Sha256>(&self.key, message),
            SigningAlgorithm::Rs384 => pkcs1::<Sha384>(&self.key, message),
            SigningAlgorithm::Rs512 => pkcs1::<Sha512>(&self.key, message),
            SigningAlgorithm::Ps256 => pss::<Sha256>(&self.key, message),
            SigningAlgorithm::Ps384 => pss::<Sha384>(&self.key, message),
            SigningAlgorithm::Ps512 => pss::<Sha512>(&self.key, message),
        }
        .map_err(failed)
    }
}

/// What goes into a `private_key_jwt` client assertion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAssertionOptions {
    /// Your client ID: both `iss` and `sub`.
    pub client_id: String,
    /// `aud`: the token endpoint, e.g. [`Environment::token_url`](super::Environment::token_url).
    pub audience: String,
    /// RS256 (default), RS384, RS512, PS256, PS384 or PS512.
    pub alg: SigningAlgorithm,
    /// `iat`, Unix seconds.
    pub now: u64,
    /// `exp - iat` in seconds (default 300).
    pub lifetime: u64,
    /// `jti`; `None` draws 256 random bits. One Login requires it to be single-use.
    pub jti: Option<String>,
    /// Header `kid` (required when One Login reads your keys from a JWKS URL); `None` uses
    /// the JWK's own `kid` if the key came from one.
    pub kid: Option<String>,
}

impl ClientAssertionOptions {
    /// RS256, five minutes, a random `jti`.
    pub fn new(client_id: &str, audience: &str, now: u64) -> Self {
        ClientAssertionOptions {
            client_id: client_id.to_owned(),
            audience: audience.to_owned(),
            alg: SigningAlgorithm::Rs256,
            now,
            lifetime: DEFAULT_LIFETIME,
            jti: None,
            kid: None,
        }
    }
}

/// Sign a client assertion for `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for empty values or a lifetime outside 1..=3600 seconds;
/// `ERR_RANDOM_UNAVAILABLE` without a random source.
pub fn sign_client_assertion(
    key: &RsaSigningKey,
    options: &ClientAssertionOptions,
) -> Result<String> {
    key.sign_unsigned(&client_assertion_input(key.service_public_key(), options)?)
        .map(SignedJwt::into_string)
}

/// The client assertion's header and claims, awaiting the signature of `public`'s private key
/// (this crate's own key, or a signer outside it: [`UnsignedJwt::assemble`]).
///
/// # Errors
/// As [`sign_client_assertion`].
pub fn client_assertion_input(
    public: &ServicePublicKey,
    options: &ClientAssertionOptions,
) -> Result<UnsignedJwt> {
    non_empty("clientId", &options.client_id)?;
    non_empty("audience", &options.audience)?;
    let exp = expiry(options.now, options.lifetime)?;
    let jti = match options.jti.as_deref() {
        Some(jti) => {
            non_empty("jti", jti)?;
            jti.to_owned()
        }
        None => pkce::random_base64url(32)?,
    };
    let mut claims = Map::new();
    claims.insert("iss".into(), options.client_id.clone().into());
    claims.insert("sub".into(), options.client_id.clone().into());
    claims.insert("aud".into(), options.audience.clone().into());
    claims.insert("jti".into(), jti.into());
    claims.insert("iat".into(), options.now.into());
    claims.insert("exp".into(), exp.into());
    UnsignedJwt::new(
        public,
        options.alg,
        options.kid.as_deref(),
        Some("JWT"),
        &claims,
    )
}

/// What goes into a request object besides the authorization parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestObjectOptions {
    /// `aud`: the authorization endpoint, e.g.
    /// [`Environment::authorize_url`](super::Environment::authorize_url).
    pub audience: String,
    /// `iat` (and `nbf`), Unix seconds.
    pub now: u64,
    /// `exp - iat` in seconds (default 300).
    pub lifetime: u64,
    /// Header `kid`; `None` uses the JWK's own `kid` if the key came from one.
    pub kid: Option<String>,
    /// The algorithm (RS256 unless given; a client signs with its `clientAssertionAlg`, the one
    /// algorithm an external signer makes).
    pub alg: SigningAlgorithm,
}

/// Sign a request object (RS256 unless `options.alg` says otherwise) carrying `request`'s parameters, with `iss` and `client_id`
/// set to the client ID and `response_type` `code`. Send it as the `request` parameter with
/// `response_type`, `scope` and `client_id` repeated in the query.
///
/// # Errors
/// As [`build_authorization_url`](super::build_authorization_url) for the parameters, plus
/// `ERR_INVALID_ARGUMENT` for an empty audience or a bad lifetime.
pub fn sign_request_object(
    key: &RsaSigningKey,
    request: &AuthorizationRequest,
    options: &RequestObjectOptions,
) -> Result<String> {
    key.sign_unsigned(&request_object_input(
        key.service_public_key(),
        request,
        options,
    )?)
    .map(SignedJwt::into_string)
}

/// The request object's header and claims, awaiting the signature of `public`'s private key.
///
/// # Errors
/// As [`sign_request_object`].
pub fn request_object_input(
    public: &ServicePublicKey,
    request: &AuthorizationRequest,
    options: &RequestObjectOptions,
) -> Result<UnsignedJwt> {
    non_empty("audience", &options.audience)?;
    let exp = expiry(options.now, options.lifetime)?;
    let mut claims = request.to_request_object_claims()?;
    claims.insert("aud".into(), options.audience.clone().into());
    claims.insert("iss".into(), request.client_id.clone().into());
    claims.insert("iat".into(), options.now.into());
    claims.insert("nbf".into(), options.now.into());
    claims.insert("exp".into(), exp.into());
    claims.insert("jti".into(), pkce::random_base64url(32)?.into());
    // No `typ`: the docs' example request object has none, and RFC 9101's
    // `oauth-authz-req+jwt` is not something One Login documents accepting.
    UnsignedJwt::new(public, options.alg, options.kid.as_deref(), None, &claims)
}

fn expiry(now: u64, lifetime: u64) -> Result<u64> {
    if !(1..=MAX_LIFETIME).contains(&lifetime) {
        return Err(Error::option(
            "lifetime",
            format!("\"lifetime\" must be 1 to {MAX_LIFETIME} seconds"),
        ));
    }
    now.checked_add(lifetime)
        .ok_or_else(|| Error::option("now", "\"now\" is out of range"))
}
