//! A relying party's configuration, resolved once from `OneLoginClient.create`'s options
//! ([`crate::options::OneLoginClientOptions::resolve`]), and every rule that reads it: the
//! expected issuers and audience of each token kind, the client's authentication at the token
//! endpoint, and (with the `flow` feature) the sign-in's steps, which read the caller's
//! transaction once and check it against this client before anything is sent.
//!
//! Nothing here does I/O: `pkg/client.js` fetches, caches and stores; this module decides.

use super::environment::Environment;
use super::id_token::{IdTokenOptions, NonceCheck};
use super::logout::LogoutOptions;
use super::vtr::{LevelOfConfidence, Vtr};
use super::CoreIdentityOptions;
use crate::claims;
use crate::error::{Error, Result};

/// How the client authenticates at the token endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authentication {
    /// None configured: the client verifies tokens and builds URLs, but cannot exchange a code.
    None,
    /// `client_secret_post` (One Login allows it only without identity).
    ClientSecretPost {
        /// The secret.
        client_secret: String,
    },
    /// `private_key_jwt`: a client assertion signed with the client's key.
    PrivateKeyJwt(AssertionSettings),
}

/// The client assertion's settings, resolved: everything but the key and the time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionSettings {
    /// `aud`: the token URL (the default) or the issuer, as One Login accepts both.
    pub audience: String,
    /// The algorithm's name (`RS256` unless given), checked when the client is created.
    pub alg: Option<String>,
    /// The header `kid`.
    pub kid: Option<String>,
}

/// The HTTP exchanges' settings, for the JavaScript I/O layer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpSettings {
    /// Sent with every request (`None`, serialized as `null`: the package's own).
    pub user_agent: Option<String>,
    /// Deadline for each request, in milliseconds.
    pub timeout_ms: f64,
    /// Shortest gap between two fetches of one document, in milliseconds.
    pub cooldown_ms: f64,
    /// doc-cache: whether fetched documents are kept in the client's store for other instances.
    pub cache_documents: bool,
}

/// Deadline for each request when none is given: One Login answers within a second or two.
pub const DEFAULT_TIMEOUT_MS: f64 = 5_000.0;
/// Shortest gap between two fetches of one document (unknown kids, no-store, outages).
pub const DEFAULT_COOLDOWN_MS: f64 = 30_000.0;

/// A relying party's configuration, resolved and checked once.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    /// The client ID: `aud` of every token, `iss` and `sub` of client assertions.
    pub client_id: String,
    /// Where One Login is: issuers, endpoints, the DID.
    pub environment: Environment,
    /// The default `redirect_uri` of sign-ins.
    pub redirect_uri: Option<String>,
    /// How the token endpoint is called.
    pub authentication: Authentication,
    /// Allowed clock skew, seconds (per-call options may change it for one verification).
    pub clock_tolerance: f64,
    /// How long a session of the service can live, seconds (ended-session records are kept
    /// as long).
    pub session_lifetime: f64,
    /// Request settings for the I/O layer.
    pub http: HttpSettings,
    /// keys: public keys (SPKI PEMs or JWK texts) listed after the signing key's in the
    /// service's JWKS, for a rotation.
    pub additional_public_keys: Vec<String>,
    /// keys: whether a sign-in sends a request object when it does not say (clients registered
    /// with JAR required); needs the private key.
    pub request_object: bool,
}

/// What a verification through the client may set for one call: the time and the skew.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallTime {
    /// Check as of this time, Unix seconds.
    pub now: Option<f64>,
    /// Allowed clock skew for this call.
    pub clock_tolerance: Option<f64>,
}

/// The time and skew of one check, both validated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckTime {
    /// Unix seconds.
    pub now: f64,
    /// Seconds.
    pub clock_tolerance: f64,
}

impl ClientConfig {
    /// The time and skew of one check: the call's, else `clock()` and the client's.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for an unusable `now` or `clockTolerance`.
    pub fn check_time(&self, call: CallTime, clock: impl FnOnce() -> f64) -> Result<CheckTime> {
        let now = claims::check_now(call.now.unwrap_or_else(clock))?;
        let clock_tolerance =
            claims::check_clock_tolerance(call.clock_tolerance.unwrap_or(self.clock_tolerance))?;
        Ok(CheckTime {
            now,
            clock_tolerance,
        })
    }

    /// An ID token's rules against this client.
    pub fn id_token_options(
        &self,
        nonce: NonceCheck,
        vtr: Option<String>,
        max_age: Option<u64>,
        access_token: Option<String>,
        time: CheckTime,
    ) -> IdTokenOptions {
        IdTokenOptions {
            issuer: self.environment.issuer().to_owned(),
            client_id: self.client_id.clone(),
            nonce,
            vtr,
            max_age,
            access_token,
            now: time.now,
            clock_tolerance: time.clock_tolerance,
        }
    }

    /// A core identity credential's rules against this client (its identity issuer).
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for a `vtr` that asks for no identity.
    pub fn core_identity_options(
        &self,
        sub: String,
        vtr: Option<&str>,
        time: CheckTime,
    ) -> Result<CoreIdentityOptions> {
        Ok(CoreIdentityOptions {
            issuer: self.environment.identity_issuer().to_owned(),
            client_id: self.client_id.clone(),
            sub,
            levels_of_confidence: LevelOfConfidence::requested(vtr)?,
            now: time.now,
            clock_tolerance: time.clock_tolerance,
        })
    }

    /// A logout token's rules against this client.
    pub fn logout_options(&self, time: CheckTime) -> LogoutOptions {
        LogoutOptions {
            issuer: self.environment.issuer().to_owned(),
            client_id: self.client_id.clone(),
            now: time.now,
            clock_tolerance: time.clock_tolerance,
        }
    }
}

/// The least a sign-in must have asked for, as the service states it when the callback arrives
/// (`completeSignIn(callback, transaction, { vtr, maxAge })`). The transaction is the caller's
/// storage, so it cannot be trusted to say what the route needs: a transaction asking for less
/// than this is refused before any request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInMinimum {
    /// Every vector the sign-in accepts must meet one of these.
    pub vtr: Vtr,
    /// The sign-in must have sent `max_age` no larger than this.
    pub max_age: Option<u64>,
}

impl Default for SignInMinimum {
    /// One Login's default: medium authentication (`Cl.Cm`), no identity, no `max_age`.
    fn default() -> Self {
        SignInMinimum {
            vtr: Vtr::default(),
            max_age: None,
        }
    }
}

impl SignInMinimum {
    /// Refuse a sign-in whose `vtr` (absent: One Login's `Cl.Cm`) accepts a vector below every
    /// required one, or whose `max_age` is missing or longer than required.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming `transaction.vtr` or `transaction.maxAge`.
    pub fn check(&self, vtr: Option<&str>, max_age: Option<u64>) -> Result<()> {
        let asked = match vtr {
            Some(text) => Vtr::parse(text).map_err(|e| e.for_option("transaction.vtr"))?,
            None => Vtr::default(),
        };
        for vector in asked.vectors() {
            let meets = self.vtr.vectors().iter().any(|required| {
                vector.credential_trust >= required.credential_trust
                    && vector.level_of_confidence >= required.level_of_confidence
            });
            if !meets {
                return Err(Error::option(
                    "transaction.vtr",
                    format!(
                        "the transaction accepts {} but this sign-in requires {}: a transaction may not lower what the route asks for",
                        vector.text,
                        self.vtr.to_request_parameter()
                    ),
                ));
            }
        }
        if let Some(required) = self.max_age {
            if max_age.is_none_or(|asked| asked > required) {
                return Err(Error::option(
                    "transaction.maxAge",
                    format!(
                        "this sign-in requires an authentication at most {required} s old, and the transaction did not ask for that"
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl ClientConfig {
    /// The header `kid` of what this client signs, when it names one.
    pub fn signing_kid(&self) -> Option<&str> {
        match &self.authentication {
            Authentication::PrivateKeyJwt(settings) => settings.kid.as_deref(),
            _ => None,
        }
    }
}

#[cfg(feature = "flow")]
pub use self::flow::{CheckedUserinfo, Completion};

/// The key a `private_key_jwt` client signs with: held here, or held outside (a KMS, an HSM, a
/// non-extractable WebCrypto key), in which case only its public half is here and every
/// signature it makes is checked under it before use ([`crate::onelogin::UnsignedJwt::assemble`]).
/// Either way the JWKS, the `kid` and the algorithm are resolved by the same rules.
#[cfg(feature = "flow")]
#[derive(Debug, Clone)]
pub enum ClientKey {
    /// A private key this crate signs with (boxed: it is four times the size of a public key).
    Held(Box<crate::onelogin::RsaSigningKey>),
    /// The public half of a key that signs elsewhere.
    External(crate::onelogin::ServicePublicKey),
}

#[cfg(feature = "flow")]
impl ClientKey {
    /// The public half, under the `kid` it is published with (the JWK's own, else its RFC 7638
    /// thumbprint; the client's `kid` option replaces it in the JWKS and in headers).
    pub fn public(&self) -> &crate::onelogin::ServicePublicKey {
        match self {
            ClientKey::Held(key) => key.service_public_key(),
            ClientKey::External(public) => public,
        }
    }

    /// The private key, when this crate holds it.
    pub fn held(&self) -> Option<&crate::onelogin::RsaSigningKey> {
        match self {
            ClientKey::Held(key) => Some(key),
            ClientKey::External(_) => None,
        }
    }
}

#[cfg(feature = "flow")]
impl ClientConfig {
    /// The algorithm of everything this client signs (client assertions and request objects):
    /// `clientAssertionAlg`, RS256 by default.
    ///
    /// # Errors
    /// `ERR_JOSE_NOT_SUPPORTED` for an algorithm One Login does not take (checked at creation).
    pub fn signing_alg(&self) -> Result<crate::onelogin::SigningAlgorithm> {
        use crate::onelogin::SigningAlgorithm;
        match &self.authentication {
            Authentication::PrivateKeyJwt(AssertionSettings { alg: Some(alg), .. }) => {
                SigningAlgorithm::from_name(alg)
            }
            _ => Ok(SigningAlgorithm::default()),
        }
    }

    /// `additionalPublicKeys`, each parsed and checked by the key policy.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming `additionalPublicKeys` for a key that is not a public RSA
    /// JWK or SPKI PEM the key policy accepts.
    pub fn additional_keys(&self) -> Result<Vec<crate::onelogin::ServicePublicKey>> {
        self.additional_public_keys
            .iter()
            .enumerate()
            .map(|(index, text)| {
                crate::onelogin::ServicePublicKey::from_jwk_or_pem(text).map_err(|e| {
                    Error::option(
                        "additionalPublicKeys",
                        format!("additionalPublicKeys[{index}]: {}", e.message()),
                    )
                })
            })
            .collect()
    }

    /// The public key of an external signer (`privateKey: { publicJwk, sign }` or a
    /// `CryptoKeyPair`'s exported public key): the rule of `additionalPublicKeys`, and an `alg`
    /// of its own must be the client's.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming `privateKey.publicJwk`.
    pub fn external_public_key(&self, text: &str) -> Result<crate::onelogin::ServicePublicKey> {
        let named = |message: String| Error::option("privateKey.publicJwk", message);
        let public = crate::onelogin::ServicePublicKey::from_jwk_or_pem(text)
            .map_err(|e| named(format!("the signer's public key: {}", e.message())))?;
        let alg = self.signing_alg()?;
        if let Some(own) = public.alg() {
            if own != alg {
                return Err(named(format!(
                    "the signer's public JWK says \"alg\": \"{}\" but clientAssertionAlg is {}: they must agree (the JWKS publishes one)",
                    own.as_str(),
                    alg.as_str()
                )));
            }
        }
        Ok(public)
    }

    /// The service's JWKS `{ keys }`: `signing`'s public JWK (its `kid` the client's `kid`, else
    /// the key's own, else the RFC 7638 thumbprint; `alg` the client's), then
    /// `additionalPublicKeys`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming `additionalPublicKeys` for a key that is not a public RSA
    /// JWK or SPKI PEM the key policy accepts, or a key or `kid` listed twice.
    pub fn public_jwks(
        &self,
        signing: &crate::onelogin::ServicePublicKey,
    ) -> Result<serde_json::Value> {
        let signing = match self.signing_kid() {
            Some(kid) => signing.with_kid(kid)?,
            None => signing.clone(),
        };
        let additional = self.additional_keys()?;
        crate::onelogin::service_jwks(&signing, self.signing_alg()?, &additional)
            .map_err(|e| Error::option("additionalPublicKeys", e.message().to_owned()))
    }
}

#[cfg(feature = "flow")]
mod flow {
    use super::{Authentication, CheckTime, ClientConfig, SignInMinimum};
    use crate::error::{Error, ErrorCode, Result};
    use crate::jwk::KeySet;
    use crate::onelogin::callback::{check_callback, CallbackParams};
    use crate::onelogin::client_assertion::{
        client_assertion_input, ClientAssertionOptions, RsaSigningKey,
    };
    use crate::onelogin::core_identity::CoreIdentityClaims;
    use crate::onelogin::did::DidDocument;
    use crate::onelogin::id_token::IdTokenClaims;
    use crate::onelogin::service_keys::{ServicePublicKey, SignedJwt, UnsignedJwt};
    use crate::onelogin::sign_in::Transaction;
    use crate::onelogin::token_endpoint::{
        token_request_body, verify_token_response, ClientAuthentication, FlowContext, TokenResponse,
    };
    use crate::onelogin::userinfo::{
        check_userinfo_response, identity_to_verify, userinfo_claims, verify_sign_in_identity,
        IdentityContext, UserinfoClaims,
    };
    use serde_json::{Map, Value};

    /// One sign-in's completion: its transaction, read and checked once, and the time it is
    /// checked at. Each step takes the client and the part of the exchange it checks.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Completion {
        transaction: Transaction,
        time: CheckTime,
    }

    /// A checked userinfo response.
    #[derive(Debug, Clone, PartialEq)]
    pub struct CheckedUserinfo {
        /// The whole object.
        pub userinfo: Map<String, Value>,
        /// Its typed views.
        pub claims: UserinfoClaims,
        /// The core identity credential to verify, if one is due.
        pub core_identity_jwt: Option<String>,
    }

    impl ClientConfig {
        /// Start completing a sign-in: without a transaction nothing can be checked (a state
        /// mismatch: an expired session, another browser, or a forged request); a transaction
        /// this client did not make, or one asking for less than `minimum`, is refused.
        ///
        /// # Errors
        /// `ERR_OAUTH_STATE_MISMATCH` without a transaction; `ERR_INVALID_ARGUMENT` naming the
        /// transaction's member otherwise.
        pub fn begin_completion(
            &self,
            transaction: Option<Transaction>,
            minimum: &SignInMinimum,
            time: CheckTime,
        ) -> Result<Completion> {
            let Some(transaction) = transaction else {
                return Err(Error::new(
                    ErrorCode::OAuthStateMismatch,
                    "there is no sign-in transaction (expired session, another browser, or a forged request)",
                ));
            };
            transaction.check(&self.client_id, self.environment.issuer())?;
            minimum.check(transaction.vtr.as_deref(), transaction.max_age)?;
            Ok(Completion { transaction, time })
        }

        /// Check a transaction passed to a single step (`fetchUserinfo`).
        ///
        /// # Errors
        /// As [`super::super::sign_in::Transaction::check`].
        pub fn check_transaction(&self, transaction: &Transaction) -> Result<()> {
            transaction.check(&self.client_id, self.environment.issuer())
        }

        /// Who the token response's ID token is checked against.
        fn flow_context(&self, time: CheckTime) -> FlowContext {
            FlowContext {
                issuer: self.environment.issuer().to_owned(),
                client_id: self.client_id.clone(),
                now: time.now,
                clock_tolerance: time.clock_tolerance,
            }
        }

        /// A checked userinfo response for the ID token's `sub`; with a transaction, the core
        /// identity credential is due only when the sign-in asked for an identity level.
        ///
        /// # Errors
        /// Those of [`check_userinfo_response`] and [`identity_to_verify`].
        pub fn check_userinfo(
            &self,
            status: u16,
            www_authenticate: Option<&str>,
            body: &str,
            sub: &str,
            transaction: Option<&Transaction>,
        ) -> Result<CheckedUserinfo> {
            let userinfo = check_userinfo_response(status, www_authenticate, body, sub)?;
            let claims = userinfo_claims(&userinfo)?;
            let core_identity_jwt = match transaction {
                Some(t) => identity_to_verify(&claims, t)?.map(str::to_owned),
                None => claims.core_identity_jwt.clone(),
            };
            Ok(CheckedUserinfo {
                userinfo,
                claims,
                core_identity_jwt,
            })
        }

        /// The client assertion's options at `now` (whole seconds): the client ID, the audience,
        /// the algorithm and the `kid` the client was created with.
        fn assertion_options(&self, now: u64) -> Result<ClientAssertionOptions> {
            let Authentication::PrivateKeyJwt(settings) = &self.authentication else {
                return Err(Error::option(
                    "privateKey",
                    "this client has no \"privateKey\" to sign with",
                ));
            };
            let mut assertion =
                ClientAssertionOptions::new(&self.client_id, &settings.audience, now);
            assertion.alg = self.signing_alg()?;
            assertion.kid.clone_from(&settings.kid);
            Ok(assertion)
        }

        /// How this client authenticates one token request at `now` (whole seconds).
        ///
        /// # Errors
        /// `ERR_INVALID_ARGUMENT` when the client has no way to authenticate, or a key is
        /// needed and missing.
        fn token_authentication<'a>(
            &'a self,
            key: Option<&'a RsaSigningKey>,
            now: u64,
        ) -> Result<ClientAuthentication<'a>> {
            match (&self.authentication, key) {
                (Authentication::ClientSecretPost { client_secret }, _) => {
                    Ok(ClientAuthentication::ClientSecretPost {
                        client_id: &self.client_id,
                        client_secret,
                    })
                }
                (Authentication::PrivateKeyJwt(_), Some(key)) => {
                    Ok(ClientAuthentication::PrivateKeyJwt {
                        key,
                        assertion: self.assertion_options(now)?,
                    })
                }
                _ => Err(Error::option(
                    "privateKey",
                    "this client cannot call the token endpoint: pass \"privateKey\" or \"clientSecret\" to create()",
                )),
            }
        }
    }

    impl Completion {
        /// The transaction, as checked.
        pub fn transaction(&self) -> &Transaction {
            &self.transaction
        }

        /// The callback's code, after its `state` and `error` (see [`check_callback`]).
        ///
        /// # Errors
        /// Those of [`check_callback`].
        pub fn check_callback(&self, params: &CallbackParams) -> Result<String> {
            check_callback(params, Some(&self.transaction))
        }

        /// The token request body for `code`.
        ///
        /// # Errors
        /// Those of [`token_request_body`]; `ERR_INVALID_ARGUMENT` when the client cannot
        /// authenticate.
        pub fn token_request_body(
            &self,
            config: &ClientConfig,
            code: &str,
            key: Option<&RsaSigningKey>,
        ) -> Result<String> {
            // What is signed carries whole seconds.
            let auth = config.token_authentication(key, self.time.now.floor() as u64)?;
            token_request_body(code, &self.transaction, &auth)
        }

        /// The client assertion for the token request for `code`, awaiting the signature of
        /// `public`'s key (a signer outside this crate); `code` is checked first, so a request
        /// that cannot be sent costs no signature.
        ///
        /// # Errors
        /// `ERR_INVALID_ARGUMENT` for an empty code or a client without `privateKey`.
        pub fn client_assertion_input(
            &self,
            config: &ClientConfig,
            code: &str,
            public: &ServicePublicKey,
        ) -> Result<UnsignedJwt> {
            crate::onelogin::expected::non_empty("code", code)?;
            let options = config.assertion_options(self.time.now.floor() as u64)?;
            client_assertion_input(public, &options)
        }

        /// The token request body for `code` with a client assertion signed outside this crate
        /// (and checked under its public key).
        ///
        /// # Errors
        /// Those of [`token_request_body`].
        pub fn token_request_body_signed(
            &self,
            code: &str,
            assertion: &SignedJwt,
        ) -> Result<String> {
            token_request_body(
                code,
                &self.transaction,
                &ClientAuthentication::SignedAssertion(assertion),
            )
        }

        /// The token response's ID token, verified against the transaction.
        ///
        /// # Errors
        /// Those of [`verify_token_response`].
        pub fn verify_tokens(
            &self,
            config: &ClientConfig,
            response: &TokenResponse,
            keys: &KeySet,
        ) -> Result<IdTokenClaims> {
            verify_token_response(
                response,
                keys,
                &self.transaction,
                &config.flow_context(self.time),
            )
        }

        /// The userinfo response for the verified ID token's `sub`.
        ///
        /// # Errors
        /// Those of [`ClientConfig::check_userinfo`].
        pub fn check_userinfo(
            &self,
            config: &ClientConfig,
            status: u16,
            www_authenticate: Option<&str>,
            body: &str,
            sub: &str,
        ) -> Result<CheckedUserinfo> {
            config.check_userinfo(status, www_authenticate, body, sub, Some(&self.transaction))
        }

        /// The sign-in's core identity credential, verified for `sub` and the requested levels.
        ///
        /// # Errors
        /// Those of [`verify_sign_in_identity`].
        pub fn verify_identity(
            &self,
            config: &ClientConfig,
            jwt: &str,
            did: &DidDocument,
            sub: &str,
        ) -> Result<CoreIdentityClaims> {
            let context = IdentityContext {
                identity_issuer: config.environment.identity_issuer().to_owned(),
                client_id: config.client_id.clone(),
                did_id: Some(config.environment.did_id().to_owned()),
                sub: sub.to_owned(),
                now: self.time.now,
                clock_tolerance: self.time.clock_tolerance,
            };
            verify_sign_in_identity(jwt, did, &self.transaction, &context)
        }
    }
}
