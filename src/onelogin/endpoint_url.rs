//! The one rule for every URL this package sends a request or a browser to: each endpoint of
//! an environment (authorize, token, userinfo, end-session, JWKS, DID document, discovery),
//! whether it came with a preset, a custom environment or a client option. `pkg/fetch.js`
//! normalises a URL with the host's WHATWG parser and asks this rule before fetching.

use crate::error::{Error, Result};
use std::borrow::Cow;

/// Plain `http` is only for a simulator or test double on this machine.
pub const LOOPBACK_HOSTS: [&str; 3] = ["127.0.0.1", "[::1]", "localhost"];

/// Check an endpoint URL: `https:` with a host, or `http:` to `127.0.0.1`, `[::1]` or
/// `localhost` only; no user or password; no whitespace, control character or backslash
/// anywhere (WHATWG parsers drop or reinterpret them, so two parsers could see different hosts).
/// No other scheme (`javascript:`, `data:`, `file:` …) is an endpoint.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` naming `option` (e.g. `environment.authorizeUrl`, `endSessionUrl`).
pub fn check_endpoint_url(url: &str, option: impl Into<Cow<'static, str>>) -> Result<()> {
    let option = option.into();
    let refuse = |why: &str| {
        Err(Error::option(
            option.clone(),
            format!(
                "option \"{option}\" must be an https URL (plain http only for 127.0.0.1, ::1 or localhost): {why}"
            ),
        ))
    };
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return refuse("it contains whitespace, a control character or a backslash");
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return refuse("it is not an absolute URL");
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "https" && scheme != "http" {
        return refuse("its scheme is neither https nor http");
    }
    let Some(after_slashes) = rest.strip_prefix("//") else {
        return refuse("it has no host");
    };
    let authority = after_slashes
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default();
    if authority.contains('@') {
        return refuse("it carries a user or password");
    }
    let host = match authority.strip_prefix('[') {
        // An IPv6 literal: up to its closing bracket.
        Some(inner) => match inner.split_once(']') {
            Some((address, port))
                if port.is_empty() || port.strip_prefix(':').is_some_and(is_port) =>
            {
                format!("[{address}]")
            }
            _ => return refuse("its IPv6 host is malformed"),
        },
        None => match authority.rsplit_once(':') {
            Some((host, port)) => {
                if !is_port(port) {
                    return refuse("its port is not a number");
                }
                host.to_owned()
            }
            None => authority.to_owned(),
        },
    };
    if host.is_empty() || host == "[]" {
        return refuse("it has no host");
    }
    let host = host.to_ascii_lowercase();
    if scheme == "http" && !LOOPBACK_HOSTS.contains(&host.as_str()) {
        return refuse("plain http to a host other than this machine");
    }
    Ok(())
}

/// Whether the text after a host's `:` is a port: empty (the default) or up to five digits.
fn is_port(port: &str) -> bool {
    port.len() <= 5 && port.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_and_loopback_http_only() {
        for good in [
            "https://oidc.account.gov.uk/authorize",
            "HTTPS://Example.com:8443/x?y#z",
            "http://localhost:3000/logout",
            "http://127.0.0.1/token",
            "http://[::1]:8080/",
            "http://LOCALHOST/",
        ] {
            assert_eq!(check_endpoint_url(good, "url"), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "http://evil.example/",
            "data:text/html,x",
            "file:///etc/passwd",
            "https:/no-host",
            "https://",
            "https://user:pass@example.com/",
            "http://localhost@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://localhost:80x/",
            "http://evil.example#@localhost/",
            " https://example.com/",
            "https://exa\nmple.com/",
            "http://localhost\\@evil.example/",
            "/relative",
            "",
        ] {
            let refused = check_endpoint_url(bad, "environment.authorizeUrl");
            assert!(refused.is_err(), "{bad}");
            assert_eq!(
                refused
                    .err()
                    .and_then(|e| e.option_name().map(str::to_owned)),
                Some("environment.authorizeUrl".to_owned())
            );
        }
    }
}
