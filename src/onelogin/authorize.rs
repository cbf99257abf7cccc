//! The authorization request URL, with every parameter percent-encoded.
//!
//! `vtr` and `claims` are JSON and so full of characters that must be encoded; hand-built
//! URLs with raw `["Cl.Cm.P2"]` are a common cause of failed requests.

use super::non_empty;
use super::vtr::Vtr;
use crate::error::{Error, Result};
use crate::json;
use crate::pkce::CODE_CHALLENGE_METHOD;
use serde_json::{Map, Value};

/// The longest query string One Login's firewall lets through on `/authorize` (longer gets an
/// HTTP 403 before One Login sees the request).
pub const MAX_QUERY_LENGTH: usize = 4096;

/// The parameters of an authorization request (`response_type=code` is implied).
#[derive(Debug, Clone, PartialEq, Eq)]
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
    if authorize_url.is_empty() || authorize_url.contains('#') {
        return Err(Error::option(
            "authorizeUrl",
            "\"authorizeUrl\" must be a URL without a fragment",
        ));
    }
    let mut query = String::new();
    for (name, value) in request.parameters()? {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str(name);
        query.push('=');
        match value {
            Param::Text(s) => percent_encode(&s, &mut query),
            Param::Json(v) => percent_encode(&v.to_string(), &mut query),
        }
    }
    if query.len() > MAX_QUERY_LENGTH {
        return Err(Error::option("options", format!(
            "the query string is {} characters; One Login refuses more than {MAX_QUERY_LENGTH} (use a request object)",
            query.len()
        )));
    }
    let separator = if authorize_url.contains('?') {
        '&'
    } else {
        '?'
    };
    Ok(format!("{authorize_url}{separator}{query}"))
}

/// Percent-encode everything but RFC 3986's unreserved characters (so a space is `%20`, never
/// `+`, which some servers read literally).
fn percent_encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_encoding() {
        let mut out = String::new();
        percent_encode("[\"Cl.Cm.P2\"] a+b/é~", &mut out);
        assert_eq!(out, "%5B%22Cl.Cm.P2%22%5D%20a%2Bb%2F%C3%A9~");
    }
}
