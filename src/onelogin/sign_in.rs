//! Starting a sign-in: fresh `state`, `nonce` and PKCE pair, the authorization URL (or a signed
//! request object), and the *transaction*: the plain-JSON record of what was asked, which the
//! service keeps (in its session) until the callback and which every later check reads.

use super::authorize::{build_authorization_url, build_request_object_url, AuthorizationRequest};
use super::client::{Authentication, ClientConfig};
use super::client_assertion::{
    request_object_input, RequestObjectOptions, RsaSigningKey, DEFAULT_LIFETIME,
};
use super::expected::non_empty;
use super::service_keys::{ServicePublicKey, SignedJwt, UnsignedJwt};
use super::vtr::{LevelOfConfidence, Vtr};
use crate::error::{Error, Result};
use crate::pkce;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use super::vocab::{claim_uri, VOCAB};

/// A string or a list of strings (`scope`, `vtr`, as JavaScript callers write them).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum OneOrMany {
    /// One string (`"openid email"`, `'["Cl.Cm.P2"]'`).
    One(String),
    /// A list (`["openid", "email"]`, `["Cl.Cm.P2"]`).
    Many(Vec<String>),
}

/// What a sign-in may ask for. Every member is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SignInOptions {
    /// The registered redirect URI; defaults to the client's.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub redirect_uri: Option<String>,
    /// The vectors of trust: `'["Cl.Cm.P2"]'`, `"Cl.Cm"` or `["Cl.Cm.P2"]`. One Login's
    /// default is `Cl.Cm`.
    #[cfg_attr(feature = "js", tsify(optional, type = "string | string[]"))]
    pub vtr: Option<OneOrMany>,
    /// Scopes, with or without `openid` (always sent). Default `openid`.
    #[cfg_attr(feature = "js", tsify(optional, type = "string | string[]"))]
    pub scope: Option<OneOrMany>,
    /// Userinfo claims by short name (see [`UserinfoClaim`](super::vocab::UserinfoClaim)) or
    /// full URI. They need an identity level (P1–P3) in `vtr`: One Login drops them otherwise.
    #[cfg_attr(feature = "js", tsify(optional, type = "UserinfoClaimName[]"))]
    pub claims: Option<Vec<String>>,
    /// `ui_locales`: `en`, `cy` or both.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub ui_locales: Option<String>,
    /// `prompt`, e.g. `login`.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub prompt: Option<String>,
    /// `max_age` in seconds (only acted on if One Login enabled it for your client).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub max_age: Option<u64>,
    /// `id_token_hint`, for re-authentication (needs `requestObject: true`).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub id_token_hint: Option<String>,
    /// `query` (default) or `fragment`.
    #[cfg_attr(feature = "js", tsify(optional, type = "\"query\" | \"fragment\""))]
    pub response_mode: Option<String>,
    /// Send the parameters as a signed request object (JAR); default: the client's
    /// `requestObject` (itself `false` unless given).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub request_object: Option<bool>,
}

/// What the service keeps between the redirect and the callback (plain JSON, for a session).
/// It holds the PKCE verifier: keep it server-side, use it once and delete it.
///
/// It is the caller's storage, so it is read like options: unknown members are refused by
/// name, `state`, `nonce` and `codeVerifier` must have the form this package draws, and it
/// names the client and issuer it was made for ([`Transaction::check`]). What the sign-in must
/// have asked for is the service's to state again at the callback
/// ([`super::client::SignInMinimum`]): a transaction cannot lower it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Transaction {
    /// The client the sign-in was started by.
    pub client_id: String,
    /// The issuer (environment) it was started at.
    pub issuer: String,
    /// The `state` sent; the callback's must equal it.
    pub state: String,
    /// The `nonce` sent; the ID token's must equal it.
    pub nonce: String,
    /// The PKCE verifier for the token request.
    pub code_verifier: String,
    /// The redirect URI sent (the token request repeats it).
    pub redirect_uri: String,
    /// The `vtr` sent, as a JSON array; absent means One Login's default `Cl.Cm`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub vtr: Option<String>,
    /// The `max_age` sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional))]
    pub max_age: Option<u64>,
    /// The userinfo claims requested, as full URIs.
    #[serde(default)]
    pub claims: Vec<String>,
    /// `fragment` when the callback carries its parameters in the fragment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "js", tsify(optional, type = "\"query\" | \"fragment\""))]
    pub response_mode: Option<String>,
}

// The name the package's types give the transaction.
#[cfg(feature = "js")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const TRANSACTION_NAME_TS: &str = r#"
/** What to keep (in the session) between the redirect and the callback. Plain JSON. */
export type SignInTransaction = Transaction;
"#;

/// The length of the `state`, `nonce` and PKCE verifier this package draws: 256 bits in
/// base64url without padding.
pub const RANDOM_VALUE_LENGTH: usize = 43;

impl Transaction {
    /// A transaction this client could have made: `state`, `nonce` and `codeVerifier` of the
    /// drawn form (so an empty `state` never meets an empty callback `state`), for this client
    /// ID and issuer, with a redirect URI.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` naming the member (`transaction.state`, ...).
    pub fn check(&self, client_id: &str, issuer: &str) -> Result<()> {
        for (name, value) in [
            ("transaction.state", &self.state),
            ("transaction.nonce", &self.nonce),
            ("transaction.codeVerifier", &self.code_verifier),
        ] {
            let drawn = value.len() == RANDOM_VALUE_LENGTH
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !drawn {
                return Err(Error::option(
                    name,
                    format!(
                        "\"{name}\" is not a value this package drew ({RANDOM_VALUE_LENGTH} base64url characters): pass the transaction startSignIn returned, unchanged"
                    ),
                ));
            }
        }
        if self.client_id != client_id || self.issuer != issuer {
            return Err(Error::option(
                "transaction.clientId",
                "the transaction was made by another client or for another environment",
            ));
        }
        non_empty("transaction.redirectUri", &self.redirect_uri)
    }

    /// The identity levels (P1–P3) this sign-in asked for; empty for authentication only.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for a transaction whose `vtr` does not parse.
    pub fn levels_of_confidence(&self) -> Result<Vec<LevelOfConfidence>> {
        match self.vtr.as_deref() {
            Some(vtr) => Ok(Vtr::parse(vtr)?.levels_of_confidence()),
            None => Ok(Vec::new()),
        }
    }

    /// Whether `claim` (a full URI) was requested.
    pub fn requested(&self, claim: &str) -> bool {
        self.claims.iter().any(|c| c == claim)
    }
}

/// A started sign-in: the URL to send the browser to and the transaction to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignIn {
    /// The authorization URL.
    pub url: String,
    /// What to keep until the callback.
    pub transaction: Transaction,
}

/// One Login refuses identity (a P level) to a `client_secret_post` client ("Request vtr is not
/// permitted" at `/authorize`; "not supported for identity proving" in the docs).
pub(crate) fn refuse_identity_with_secret(levels: &[LevelOfConfidence]) -> Result<()> {
    if levels.is_empty() {
        return Ok(());
    }
    Err(Error::option(
        "clientSecret",
        "One Login allows client_secret_post only without identity: use privateKey (private_key_jwt) to request a P level",
    ))
}

/// The `claims` request parameter for these claim URIs:
/// `{"userinfo":{"<uri>":null,…}}`.
pub fn claims_request(uris: &[String]) -> Value {
    let userinfo: Map<String, Value> = uris.iter().map(|u| (u.clone(), Value::Null)).collect();
    let mut request = Map::new();
    request.insert("userinfo".into(), Value::Object(userinfo));
    Value::Object(request)
}

/// Scopes One Login has removed from its contract, with why: `offline_access` asked for a
/// refresh token, and One Login removed refresh tokens (and this scope) from its
/// documentation on 25 March 2024. A sign-in never asks for them.
pub const REMOVED_SCOPES: [(&str, &str); 1] = [(
    "offline_access",
    "One Login removed refresh tokens and the offline_access scope in March 2024 (changelog, 25 Mar 2024): a sign-in lasts as long as your own session, so drop \"offline_access\" and sign the user in again when you need fresh tokens",
)];

/// A sign-in asks for no scope One Login has removed ([`REMOVED_SCOPES`]).
fn refuse_removed_scope(item: &str) -> Result<()> {
    match REMOVED_SCOPES.iter().find(|(name, _)| *name == item) {
        Some((_, why)) => Err(Error::option("scope", *why)),
        None => Ok(()),
    }
}

fn scope_of(scope: Option<&OneOrMany>) -> Result<String> {
    let items: Vec<&str> = match scope {
        None => Vec::new(),
        Some(OneOrMany::One(s)) => s.split(' ').filter(|s| !s.is_empty()).collect(),
        Some(OneOrMany::Many(list)) => list.iter().map(String::as_str).collect(),
    };
    let mut scopes = vec!["openid"];
    for item in items {
        if item.is_empty() || item.contains([' ', ',']) {
            return Err(Error::option(
                "scope",
                format!(
                    "scope {} is not one scope (give a list, or one space-separated string)",
                    crate::error::shown(item)
                ),
            ));
        }
        refuse_removed_scope(item)?;
        if !scopes.contains(&item) {
            scopes.push(item);
        }
    }
    Ok(scopes.join(" "))
}

fn vtr_of(vtr: Option<&OneOrMany>) -> Result<Option<String>> {
    let text = match vtr {
        None => return Ok(None),
        Some(OneOrMany::One(s)) => s.clone(),
        Some(OneOrMany::Many(list)) => Value::from(list.clone()).to_string(),
    };
    // Sent, and kept, in One Login's form: a JSON array.
    Ok(Some(Vtr::parse(&text)?.to_request_parameter()))
}

/// Start a sign-in: draw `state`, `nonce` and a PKCE pair from the CSPRNG and build the URL.
/// With `request_object`, `signer` (the client's key and the current time in seconds) signs
/// the parameters as a JAR, with the client's `kid` and `clientAssertionAlg`.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` (naming the option) for a missing redirect URI, an unknown claim,
/// claims without an identity level, identity for a `client_secret_post` client, a bad `vtr`,
/// `responseMode` or `scope`, an `idTokenHint` without a request object, a request object
/// without a key, or a URL over One Login's 4096-character query limit;
/// `ERR_RANDOM_UNAVAILABLE` without a random source.
pub fn start_sign_in(
    client: &ClientConfig,
    options: &SignInOptions,
    signer: Option<(&RsaSigningKey, u64)>,
) -> Result<SignIn> {
    let prepared = prepare_sign_in(
        client,
        options,
        signer.map(|(key, now)| (key.service_public_key(), now)),
    )?;
    let signed = match (prepared.request_object(), signer) {
        (Some(unsigned), Some((key, _))) => Some(key.sign_unsigned(unsigned)?),
        _ => None,
    };
    prepared.finish(signed)
}

/// A sign-in whose parameters, transaction and (with a request object) signing input are
/// final: all it lacks is the request object's signature, which a signer outside this crate
/// may make ([`UnsignedJwt::assemble`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedSignIn {
    authorize_url: String,
    request: AuthorizationRequest,
    transaction: Transaction,
    request_object: Option<UnsignedJwt>,
}

impl PreparedSignIn {
    /// The request object awaiting its signature, when the sign-in sends one.
    pub fn request_object(&self) -> Option<&UnsignedJwt> {
        self.request_object.as_ref()
    }

    /// The URL and the transaction, with `signed` (the request object, signed and checked) when
    /// the sign-in sends one.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for a signed request object other than the one prepared, or a
    /// missing one; as [`build_request_object_url`] for the URL.
    pub fn finish(self, signed: Option<SignedJwt>) -> Result<SignIn> {
        let url = match (&self.request_object, signed) {
            (None, None) => build_authorization_url(&self.authorize_url, &self.request)?,
            (Some(unsigned), Some(jar))
                if jar
                    .as_str()
                    .strip_prefix(unsigned.signing_input())
                    .is_some_and(|rest| rest.starts_with('.')) =>
            {
                build_request_object_url(&self.authorize_url, &self.request, jar.as_str())?
            }
            _ => {
                return Err(Error::option(
                    "requestObject",
                    "the signed request object is not the one this sign-in prepared",
                ))
            }
        };
        Ok(SignIn {
            url,
            transaction: self.transaction,
        })
    }
}

/// Everything of a sign-in but the request object's signature: with a request object (the
/// option, else the client's `requestObject`), `public` (the client's public key and the
/// current time in seconds) is the key it awaits, and the header names the client's `kid` and
/// `clientAssertionAlg`.
///
/// # Errors
/// As [`start_sign_in`].
pub fn prepare_sign_in(
    client: &ClientConfig,
    options: &SignInOptions,
    public: Option<(&ServicePublicKey, u64)>,
) -> Result<PreparedSignIn> {
    non_empty("clientId", &client.client_id)?;
    let redirect_uri = options
        .redirect_uri
        .clone()
        .or_else(|| client.redirect_uri.clone())
        .ok_or_else(|| {
            Error::option(
                "redirectUri",
                "\"redirectUri\" is required (here or when the client is created)",
            )
        })?;
    let vtr = vtr_of(options.vtr.as_ref())?;
    let levels = match vtr.as_deref() {
        Some(v) => Vtr::parse(v)?.levels_of_confidence(),
        None => Vec::new(),
    };
    if matches!(
        client.authentication,
        Authentication::ClientSecretPost { .. }
    ) {
        refuse_identity_with_secret(&levels)?;
    }
    let claims = options
        .claims
        .iter()
        .flatten()
        .map(|c| claim_uri(c))
        .collect::<Result<Vec<_>>>()?;
    if !claims.is_empty() && levels.is_empty() {
        return Err(Error::option(
            "claims",
            "userinfo claims need an identity level in \"vtr\" (for example [\"Cl.Cm.P2\"]): One Login drops them otherwise",
        ));
    }
    let authorize_url = client.environment.authorize_url();
    let pkce = pkce::create()?;
    let transaction = Transaction {
        client_id: client.client_id.clone(),
        issuer: client.environment.issuer().to_owned(),
        state: pkce::random_state()?,
        nonce: pkce::random_nonce()?,
        code_verifier: pkce.code_verifier,
        redirect_uri,
        vtr,
        max_age: options.max_age,
        claims,
        response_mode: options.response_mode.clone(),
    };
    let request = AuthorizationRequest {
        client_id: client.client_id.clone(),
        redirect_uri: transaction.redirect_uri.clone(),
        scope: scope_of(options.scope.as_ref())?,
        state: transaction.state.clone(),
        nonce: transaction.nonce.clone(),
        code_challenge: pkce.code_challenge,
        vtr: transaction.vtr.clone(),
        claims: (!transaction.claims.is_empty())
            .then(|| claims_request(&transaction.claims).to_string()),
        ui_locales: options.ui_locales.clone(),
        prompt: options.prompt.clone(),
        max_age: options.max_age,
        response_mode: options.response_mode.clone(),
        id_token_hint: options.id_token_hint.clone(),
    };
    let request_object = if options.request_object.unwrap_or(client.request_object) {
        let (public, now) = public.ok_or_else(|| {
            Error::option(
                "requestObject",
                "a request object is signed with the client's privateKey, which this client does not have",
            )
        })?;
        Some(request_object_input(
            public,
            &request,
            &RequestObjectOptions {
                audience: authorize_url.to_owned(),
                now,
                lifetime: DEFAULT_LIFETIME,
                kid: client.signing_kid().map(str::to_owned),
                alg: client.signing_alg()?,
            },
        )?)
    } else {
        None
    };
    Ok(PreparedSignIn {
        authorize_url: authorize_url.to_owned(),
        request,
        transaction,
        request_object,
    })
}
