//! One Login's OIDC discovery document: parsed, and refused unless its `issuer` is the
//! environment's (a document from the wrong environment, or a look-alike, is never used).

use crate::error::{Error, Result};
use crate::json;
use serde::Serialize;
use serde_json::{Map, Value};

/// The members of a discovery document the flow uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct Discovery {
    /// `issuer`, equal to the environment's.
    pub issuer: String,
    /// `authorization_endpoint`.
    pub authorize_url: String,
    /// `token_endpoint`.
    pub token_url: String,
    /// `jwks_uri`.
    pub jwks_url: String,
    /// `userinfo_endpoint`, if listed.
    pub userinfo_url: Option<String>,
    /// `end_session_endpoint`, if listed.
    pub end_session_url: Option<String>,
    /// `token_endpoint_auth_signing_alg_values_supported`.
    pub token_endpoint_auth_signing_algs: Vec<String>,
}

// The name the package's types give the document.
#[cfg(feature = "js")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const DISCOVERY_NAME_TS: &str = r#"
/** One Login's discovery document, as far as the flow uses it. */
export type DiscoveryDocument = Discovery;
"#;

fn member(map: &Map<String, Value>, name: &str, required: bool) -> Result<Option<String>> {
    match map.get(name) {
        Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        None if !required => Ok(None),
        _ => Err(Error::jwks(format!(
            "the discovery document has no {name:?} string"
        ))),
    }
}

/// Parse a discovery document and check its `issuer`.
///
/// # Errors
/// `ERR_JWKS_INVALID` when it is not a JSON object with the endpoints as strings, or when its
/// `issuer` is not `expected_issuer` exactly.
pub fn parse_discovery(text: &str, expected_issuer: &str) -> Result<Discovery> {
    crate::limits::refuse_oversized(
        text,
        crate::limits::MAX_DOCUMENT_SIZE,
        crate::error::ErrorCode::JwksFetchFailed,
        "the discovery document",
    )?;
    let map = json::parse_object(text)
        .map_err(|e| Error::jwks(format!("the discovery document is {e}")))?;
    let need = |name| member(&map, name, true).map(Option::unwrap_or_default);
    let issuer = need("issuer")?;
    if issuer != expected_issuer {
        return Err(Error::jwks(format!(
            "the discovery document's issuer {issuer:?} is not the environment's issuer {expected_issuer:?}"
        )));
    }
    let algs = match map.get("token_endpoint_auth_signing_alg_values_supported") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    };
    Ok(Discovery {
        issuer,
        authorize_url: need("authorization_endpoint")?,
        token_url: need("token_endpoint")?,
        jwks_url: need("jwks_uri")?,
        userinfo_url: member(&map, "userinfo_endpoint", false)?,
        end_session_url: member(&map, "end_session_endpoint", false)?,
        token_endpoint_auth_signing_algs: algs,
    })
}
