//! The `User-Agent` every direct call to One Login sends. One Login's docs require a non-empty
//! one (a missing one gets `403`) and suggest the form `platform/version (service URL)`, e.g.
//! `my-platform/1.2 (https://my-service.gov.uk)`, so that its support desk can tell whose
//! traffic it is looking at.

use crate::error::{Error, Result};

/// `name (url) library`: the service's product token (`name`, optionally `name/version`) and
/// its URL as One Login suggests, then this library's own product token.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` naming `serviceName` for a name that is not an HTTP product token
/// (RFC 9110 `token ["/" token]`), or `serviceUrl` for a URL that is not `https://` (plain
/// `http://` only for localhost) or contains spaces, parentheses or control characters.
pub fn service_user_agent(name: &str, url: Option<&str>, library: &str) -> Result<String> {
    let (product, version) = name.split_once('/').unwrap_or((name, ""));
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
    };
    if !token(product) || (name.contains('/') && !token(version)) {
        return Err(Error::option(
            "serviceName",
            format!(
                "\"serviceName\" {} must be a product token such as \"my-service\" or \"my-service/1.2\" (letters, digits and -._~, no spaces)",
                crate::error::shown(name)
            ),
        ));
    }
    let Some(url) = url else {
        return Ok(format!("{name} {library}"));
    };
    let scheme_ok = url.starts_with("https://")
        || ["http://localhost", "http://127.0.0.1"]
            .iter()
            .any(|local| url.starts_with(local));
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '(' || c == ')');
    if !scheme_ok || !clean || url.len() > 200 {
        return Err(Error::option(
            "serviceUrl",
            "\"serviceUrl\" must be your service's https:// URL (no spaces or parentheses), as One Login suggests: platform/version (service URL)",
        ));
    }
    Ok(format!("{name} ({url}) {library}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_suggested_form_then_the_library() {
        assert_eq!(
            service_user_agent(
                "my-platform/1.2",
                Some("https://my-service.gov.uk"),
                "lib/1"
            )
            .ok(),
            Some("my-platform/1.2 (https://my-service.gov.uk) lib/1".to_owned())
        );
        assert_eq!(
            service_user_agent("my-platform", None, "lib/1").ok(),
            Some("my-platform lib/1".to_owned())
        );
        for (name, url, option) in [
            ("my platform", None, "serviceName"),
            ("", None, "serviceName"),
            ("x/", None, "serviceName"),
            ("x", Some("ftp://x"), "serviceUrl"),
            ("x", Some("https://x.gov.uk/ (y)"), "serviceUrl"),
        ] {
            let e = service_user_agent(name, url, "lib/1").err();
            assert_eq!(
                e.as_ref().and_then(|e| e.option_name()),
                Some(option),
                "{name} {url:?}"
            );
        }
    }
}
