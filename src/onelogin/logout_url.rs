//! The front-channel logout URL (One Login's `end_session_endpoint`).

use super::authorize::{check_redirect_uri, url_with_query, MAX_OTHER_QUERY_LENGTH};
use crate::error::{Error, Result};
use serde::Deserialize;

/// What a logout URL carries. Every member is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogoutUrlOptions {
    /// The ID token of the session (its signature is checked, its expiry is not).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub id_token_hint: Option<String>,
    /// Where One Login sends the user afterwards: a registered post-logout redirect URI. One
    /// Login ignores it without `id_token_hint`, so it requires one here.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub post_logout_redirect_uri: Option<String>,
    /// Echoed as `state` on the redirect.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub state: Option<String>,
    /// `en` or `cy` (One Login's logout page reads its language cookie instead; sent anyway).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub ui_locales: Option<String>,
}

/// The logout URL: `end_session_url` with the options as its query.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` (naming the option) for an empty value, a `postLogoutRedirectUri`
/// without `idTokenHint`, or a query over One Login's 2048-character limit on `/logout`.
pub fn build_logout_url(end_session_url: &str, options: &LogoutUrlOptions) -> Result<String> {
    if options.post_logout_redirect_uri.is_some() && options.id_token_hint.is_none() {
        return Err(Error::option(
            "idTokenHint",
            "\"idTokenHint\" is required with \"postLogoutRedirectUri\": One Login ignores the redirect without it",
        ));
    }
    if let Some(uri) = options.post_logout_redirect_uri.as_deref() {
        if !uri.is_empty() {
            check_redirect_uri("postLogoutRedirectUri", uri)?;
        }
    }
    let mut pairs = Vec::new();
    for (name, option, value) in [
        ("id_token_hint", "idTokenHint", &options.id_token_hint),
        (
            "post_logout_redirect_uri",
            "postLogoutRedirectUri",
            &options.post_logout_redirect_uri,
        ),
        ("state", "state", &options.state),
        ("ui_locales", "uiLocales", &options.ui_locales),
    ] {
        if let Some(value) = value {
            if value.is_empty() {
                return Err(Error::option(
                    option,
                    format!("\"{option}\" must not be empty"),
                ));
            }
            pairs.push((name, value.clone()));
        }
    }
    url_with_query(
        end_session_url,
        pairs,
        MAX_OTHER_QUERY_LENGTH,
        "endSessionUrl",
    )
}
