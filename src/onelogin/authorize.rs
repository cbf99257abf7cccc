//! The authorization request URL, with every parameter percent-encoded.
//!
//! `vtr` and `claims` are JSON and so full of characters that must be encoded; hand-built
//! URLs with raw `["Cl.Cm.P2"]` are a common cause of failed requests.

use super::expected::non_empty;
use super::form::encode_pairs;
use super::vtr::Vtr;
use crate::error::{Error, Result};
use crate::json;
use crate::pkce::CODE_CHALLENGE_METHOD;
use serde_json::{Map, Value};

/// The longest query string One Login's firewall lets through on `/authorize` (longer gets an
/// HTTP 403 before One Login sees the request).
pub const MAX_QUERY_LENGTH: usize = 4096;

/// The longest query string One Login's firewall lets through on every other path, `/logout`
/// included.
pub const MAX_OTHER_QUERY_LENGTH: usize = 2048;

/// The parameters of an authorization request (`response_type=code` is implied).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// Your client ID.
    pub client_id: String,
    /// The registered redirect URI, exactly.
    pub redirect_uri: String,
    /// Space-separated scopes; must include `openid`.
    pub scope: String,
    /// The random `state` you will compare on the callback.
    pub state: String,
    /// The random `nonce` you will compare in the ID token.
    pub nonce: String,
    /// The PKCE S256 challenge (43 base64url characters).
    pub code_challenge: String,
    /// The `vtr`, as a JSON array (`["Cl.Cm.P2"]`) or one vector (`Cl.Cm.P2`); sent as a
    /// JSON array. `None` leaves One Login's default, `Cl.Cm`.
    pub vtr: Option<String>,
    /// The `claims` request as JSON text, e.g.
    /// `{"userinfo":{"https://vocab.account.gov.uk/v1/coreIdentityJWT":null}}`.
    pub claims: Option<String>,
    /// `en` or `cy` (or both, space-separated).
    pub ui_locales: Option<String>,
    /// `prompt`, e.g. `login`.
    pub prompt: Option<String>,
    /// `max_age` in seconds (only if One Login has enabled it for your client).
    pub max_age: Option<u64>,
    /// `response_mode`: `query` (One Login's default) or `fragment`.
    pub response_mode: Option<String>,
    /// `id_token_hint` for re-authentication (with `prompt=login`). One Login reads it only
    /// from a request object, so only [`sign_request_object`](super::sign_request_object)
    /// accepts it.
    pub id_token_hint: Option<String>,
}

/// A parameter value: text, or JSON for the request object form.
enum Param {
    Text(String),
    Json(Value),
}

impl AuthorizationRequest {
    // The one place where the parameters are checked, used by both the URL and the request
    // object.
    fn parameters(&self) -> Result<Vec<(&'static str, Param)>> {
        let text = |s: &str| Param::Text(s.to_owned());
        for (name, value) in [
            ("clientId", &self.client_id),
            ("redirectUri", &self.redirect_uri),
            ("scope", &self.scope),
            ("state", &self.state),
            ("nonce", &self.nonce),
        ] {
            non_empty(name, value)?;
        }
        if !self.scope.split(' ').any(|s| s == "openid") {
            return Err(Error::option("scope", "\"scope\" must include openid"));
        }
        check_scope_words(&self.scope)?;
        check_redirect_uri("redirectUri", &self.redirect_uri)?;
        let challenge_ok = self.code_challenge.len() == 43
            && self
                .code_challenge
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !challenge_ok {
            return Err(Error::option(
                "codeChallenge",
                "\"codeChallenge\" must be an S256 challenge (43 base64url characters)",
            ));
        }
        let mut params = vec![
            ("response_type", text("code")),
            ("scope", text(&self.scope)),
            ("client_id", text(&self.client_id)),
            ("redirect_uri", text(&self.redirect_uri)),
            ("state", text(&self.state)),
            ("nonce", text(&self.nonce)),
        ];
        if let Some(vtr) = self.vtr.as_deref() {
            let vtr = Vtr::parse(vtr)?;
            let vectors = vtr.vectors().iter().map(|v| Value::String(v.text.clone()));
            params.push(("vtr", Param::Json(Value::Array(vectors.collect()))));
        }
        if let Some(claims) = self.claims.as_deref() {
            let claims = json::parse_object(claims)
                .map_err(|e| Error::option("claims", format!("\"claims\" is {e}")))?;
            params.push(("claims", Param::Json(Value::Object(claims))));
        }
        params.push(("code_challenge", text(&self.code_challenge)));
        params.push(("code_challenge_method", text(CODE_CHALLENGE_METHOD)));
        for (name, value) in [("ui_locales", &self.ui_locales), ("prompt", &self.prompt)] {
            if let Some(value) = value {
                non_empty(name, value)?;
                params.push((name, text(value)));
            }
        }
        if let Some(max_age) = self.max_age {
            params.push(("max_age", Param::Json(Value::from(max_age))));
        }
        if let Some(mode) = self.response_mode.as_deref() {
            if !matches!(mode, "query" | "fragment") {
                return Err(Error::option(
                    "responseMode",
                    "\"responseMode\" must be \"query\" or \"fragment\" (One Login answers HTTP 400 to anything else)",
                ));
            }
            params.push(("response_mode", text(mode)));
        }
        if let Some(hint) = self.id_token_hint.as_deref() {
            non_empty("idTokenHint", hint)?;
            params.push(("id_token_hint", text(hint)));
        }
        Ok(params)
    }

    /// The parameters as request-object claims: `vtr` as an array, `claims` as an object,
    /// `max_age` as a number, and `client_id` included.
    ///
    /// # Errors
    /// As [`build_authorization_url`].
    pub fn to_request_object_claims(&self) -> Result<Map<String, Value>> {
        Ok(self
            .parameters()?
            .into_iter()
            .map(|(name, value)| {
                let value = match value {
                    Param::Text(s) => Value::String(s),
                    Param::Json(v) => v,
                };
                (name.to_owned(), value)
            })
            .collect())
    }
}

/// The URL to send the browser to: `authorize_url` (e.g.
/// [`Environment::authorize_url`](super::Environment::authorize_url)) with the request's
/// parameters.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for an empty required value, a `scope` without `openid`, a
/// malformed code challenge, `vtr` or `claims`, an `authorize_url` with a fragment, or a query
/// longer than [`MAX_QUERY_LENGTH`].
pub fn build_authorization_url(
    authorize_url: &str,
    request: &AuthorizationRequest,
) -> Result<String> {
    if request.id_token_hint.is_some() {
        return Err(Error::option(
            "idTokenHint",
            "One Login reads id_token_hint only from a request object: sign one (requestObject: true)",
        ));
    }
    let params = request.parameters()?;
    let pairs = params.iter().map(|(name, value)| {
        let value = match value {
            Param::Text(s) => s.clone(),
            Param::Json(v) => v.to_string(),
        };
        (*name, value)
    });
    url_with_query(
        authorize_url,
        pairs.collect(),
        MAX_QUERY_LENGTH,
        "authorizeUrl",
    )
}

/// The URL that sends a signed request object: `response_type`, `scope` and `client_id` in the
/// query (One Login requires them there too) and the object as `request`.
///
/// # Errors
/// As [`build_authorization_url`], for the URL and its length.
pub fn build_request_object_url(
    authorize_url: &str,
    request: &AuthorizationRequest,
    request_object: &str,
) -> Result<String> {
    non_empty("request", request_object)?;
    let pairs = vec![
        ("response_type", "code".to_owned()),
        ("scope", request.scope.clone()),
        ("client_id", request.client_id.clone()),
        ("request", request_object.to_owned()),
    ];
    url_with_query(authorize_url, pairs, MAX_QUERY_LENGTH, "authorizeUrl")
}

/// The scopes One Login knows (`ValidScopes` in its authentication API; `am`, `govuk-account`
/// and `doc-checking-app` are granted to particular services). Any other word gets
/// `invalid_scope` back from the authorize endpoint, after the user has been sent there.
pub const KNOWN_SCOPES: [&str; 8] = [
    "openid",
    "email",
    "phone",
    "offline_access",
    "wallet-subject-id",
    "am",
    "govuk-account",
    "doc-checking-app",
];

/// Every word of a space-separated `scope` is one One Login knows.
fn check_scope_words(scope: &str) -> Result<()> {
    for word in scope.split(' ') {
        if !KNOWN_SCOPES.contains(&word) {
            let hint = crate::lists::nearest_name(word, &KNOWN_SCOPES)
                .map(|near| format!("; did you mean \"{near}\"?"))
                .unwrap_or_default();
            let shown = if word.is_empty() {
                "an empty word (two spaces?)".to_owned()
            } else {
                format!("the scope {}", crate::error::shown(word))
            };
            return Err(Error::option(
                "scope",
                format!(
                    "\"scope\" has {shown}, which One Login does not know (it answers invalid_scope){hint}; known: {}",
                    KNOWN_SCOPES.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// A redirect target (`redirect_uri`, `post_logout_redirect_uri`): an absolute URI without a
/// fragment (RFC 6749 §3.1.2) and without spaces or control characters. One Login compares it
/// exactly with the URIs registered for the client, so anything else can only fail there.
pub(crate) fn check_redirect_uri(option: &'static str, uri: &str) -> Result<()> {
    let scheme_ok = uri.split_once(':').is_some_and(|(scheme, rest)| {
        !rest.is_empty()
            && scheme
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic())
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    });
    let problem = if !scheme_ok {
        Some("an absolute URI (with a scheme, such as https://)")
    } else if uri.contains('#') {
        Some("a URI without a fragment (#…)")
    } else if uri.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("a URI without spaces or control characters")
    } else {
        None
    };
    match problem {
        Some(what) => Err(Error::option(
            option,
            format!("\"{option}\" must be {what}"),
        )),
        None => Ok(()),
    }
}

/// `base` with the pairs as its query, refused when the query is longer than `limit` (One
/// Login's firewall answers such requests with HTTP 403).
pub(crate) fn url_with_query(
    base: &str,
    pairs: Vec<(&str, String)>,
    limit: usize,
    name: &'static str,
) -> Result<String> {
    if base.is_empty() || base.contains('#') {
        return Err(Error::option(
            name,
            format!("\"{name}\" must be a URL without a fragment"),
        ));
    }
    // The browser is sent here: the same URL rule as every endpoint (no `javascript:`).
    super::endpoint_url::check_endpoint_url(base, name)?;
    let query = encode_pairs(pairs.iter().map(|(n, v)| (*n, v.as_str())));
    if query.len() > limit {
        return Err(Error::option("options", format!(
            "the query string is {} characters; One Login refuses more than {limit} on this endpoint (its firewall answers HTTP 403){}",
            query.len(),
            if limit == MAX_QUERY_LENGTH { ": use a request object, a shorter state or fewer claims" } else { "" }
        )));
    }
    if query.is_empty() {
        return Ok(base.to_owned());
    }
    let separator = if base.contains('?') { '&' } else { '?' };
    Ok(format!("{base}{separator}{query}"))
}
