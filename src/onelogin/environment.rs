//! Where One Login lives: issuers, endpoints and DID identifiers per environment.
//!
//! All constants are in [`INTEGRATION`] and [`PRODUCTION`] below and nowhere else. Production's
//! issuer and JWKS URL are not printed in the docs (only its discovery URL is); they follow the
//! same pattern as integration in One Login's code. Callers should still prefer `issuer` and
//! `jwks_uri` from the discovery document when they fetch it.

use super::endpoint_url::check_endpoint_url;
use crate::error::{Error, Result};

/// The fixed facts of one One Login environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvironmentData {
    /// OIDC issuer (`iss` of ID and logout tokens), with its trailing slash.
    pub issuer: &'static str,
    /// The OIDC discovery document.
    pub discovery_url: &'static str,
    /// The JWKS with the ID-token and logout-token signing keys.
    pub jwks_url: &'static str,
    /// The authorization endpoint.
    pub authorize_url: &'static str,
    /// The token endpoint (the usual `aud` of a client assertion).
    pub token_url: &'static str,
    /// The userinfo endpoint.
    pub userinfo_url: &'static str,
    /// The front-channel logout endpoint (`end_session_endpoint`).
    pub end_session_url: &'static str,
    /// `iss` of core identity credentials.
    pub identity_issuer: &'static str,
    /// The only URL the DID document with the core-identity keys may be fetched from.
    pub did_url: &'static str,
    /// The DID document's `id` (`did:web:…`), which also prefixes every core-identity `kid`.
    pub did_id: &'static str,
}

/// One Login's integration (test) environment.
pub const INTEGRATION: EnvironmentData = EnvironmentData {
    issuer: "https://oidc.integration.account.gov.uk/",
    discovery_url: "https://oidc.integration.account.gov.uk/.well-known/openid-configuration",
    jwks_url: "https://oidc.integration.account.gov.uk/.well-known/jwks.json",
    authorize_url: "https://oidc.integration.account.gov.uk/authorize",
    token_url: "https://oidc.integration.account.gov.uk/token",
    userinfo_url: "https://oidc.integration.account.gov.uk/userinfo",
    end_session_url: "https://oidc.integration.account.gov.uk/logout",
    identity_issuer: "https://identity.integration.account.gov.uk/",
    did_url: "https://identity.integration.account.gov.uk/.well-known/did.json",
    did_id: "did:web:identity.integration.account.gov.uk",
};

/// One Login's production environment.
pub const PRODUCTION: EnvironmentData = EnvironmentData {
    issuer: "https://oidc.account.gov.uk/",
    discovery_url: "https://oidc.account.gov.uk/.well-known/openid-configuration",
    jwks_url: "https://oidc.account.gov.uk/.well-known/jwks.json",
    authorize_url: "https://oidc.account.gov.uk/authorize",
    token_url: "https://oidc.account.gov.uk/token",
    userinfo_url: "https://oidc.account.gov.uk/userinfo",
    end_session_url: "https://oidc.account.gov.uk/logout",
    // The docs give only the integration value; production follows the same pattern.
    identity_issuer: "https://identity.account.gov.uk/",
    did_url: "https://identity.account.gov.uk/.well-known/did.json",
    did_id: "did:web:identity.account.gov.uk",
};

/// Caller-provided values for anything that is not integration or production, such as the
/// One Login simulator or a test double.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomEnvironment {
    /// OIDC issuer, exactly as it appears in `iss`.
    pub issuer: String,
    /// The OIDC discovery document.
    pub discovery_url: String,
    /// The JWKS URL.
    pub jwks_url: String,
    /// The authorization endpoint.
    pub authorize_url: String,
    /// The token endpoint.
    pub token_url: String,
    /// The userinfo endpoint.
    pub userinfo_url: String,
    /// The front-channel logout endpoint.
    pub end_session_url: String,
    /// `iss` of core identity credentials.
    pub identity_issuer: String,
    /// The DID document URL.
    pub did_url: String,
    /// The DID document's `id`.
    pub did_id: String,
}

impl CustomEnvironment {
    /// The values the One Login simulator derives from its public base URL (its
    /// `SIMULATOR_URL`, e.g. `http://localhost:3000`).
    ///
    /// Unlike the real service, the simulator signs core identity credentials with
    /// `iss` equal to its OIDC issuer, and its DID id percent-encodes the port's colon
    /// (`did:web:localhost%3A3000`), as `did:web` requires.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` unless `base_url` is an `http://` or `https://` URL with a host
    /// and no path, query or fragment.
    pub fn simulator(base_url: &str) -> Result<CustomEnvironment> {
        let base = base_url.strip_suffix('/').unwrap_or(base_url);
        let authority = base
            .strip_prefix("http://")
            .or_else(|| base.strip_prefix("https://"))
            .filter(|a| !a.is_empty() && !a.contains(['/', '?', '#', '@', ' ']))
            .ok_or_else(|| {
                Error::option("environment", 
                    "simulator base URL must look like http://localhost:3000 (scheme and host only)",
                )
            })?;
        let issuer = format!("{base}/");
        Ok(CustomEnvironment {
            discovery_url: format!("{base}/.well-known/openid-configuration"),
            jwks_url: format!("{base}/.well-known/jwks.json"),
            authorize_url: format!("{base}/authorize"),
            token_url: format!("{base}/token"),
            userinfo_url: format!("{base}/userinfo"),
            end_session_url: format!("{base}/logout"),
            identity_issuer: issuer.clone(),
            did_url: format!("{base}/.well-known/did.json"),
            did_id: format!("did:web:{}", authority.replace(':', "%3A")),
            issuer,
        })
    }
}

/// A custom environment as a caller describes it: `baseUrl` (the simulator's derivation, see
/// [`CustomEnvironment::simulator`]) or `issuer` as the base, and any single value overridden.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EnvironmentSpec {
    /// The simulator's public base URL, e.g. `http://localhost:3000`.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub base_url: Option<String>,
    /// OIDC issuer (the base when `baseUrl` is absent).
    #[cfg_attr(feature = "js", tsify(optional))]
    pub issuer: Option<String>,
    /// The discovery document URL.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub discovery_url: Option<String>,
    /// The JWKS URL.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub jwks_url: Option<String>,
    /// The authorization endpoint.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub authorize_url: Option<String>,
    /// The token endpoint.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub token_url: Option<String>,
    /// The userinfo endpoint.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub userinfo_url: Option<String>,
    /// The front-channel logout endpoint.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub end_session_url: Option<String>,
    /// `iss` of core identity credentials.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub identity_issuer: Option<String>,
    /// The DID document URL.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub did_url: Option<String>,
    /// The DID document's `id`.
    #[cfg_attr(feature = "js", tsify(optional))]
    pub did_id: Option<String>,
}

impl EnvironmentSpec {
    /// The members a custom environment may give, as JavaScript callers spell them.
    pub const MEMBERS: [&'static str; 11] = [
        "baseUrl",
        "issuer",
        "discoveryUrl",
        "jwksUrl",
        "authorizeUrl",
        "tokenUrl",
        "userinfoUrl",
        "endSessionUrl",
        "identityIssuer",
        "didUrl",
        "didId",
    ];
}

/// Every URL and identifier of an environment, as `getEnvironment` returns them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentUrls<'a> {
    /// OIDC issuer.
    pub issuer: &'a str,
    /// The discovery document URL.
    pub discovery_url: &'a str,
    /// The JWKS URL.
    pub jwks_url: &'a str,
    /// The authorization endpoint.
    pub authorize_url: &'a str,
    /// The token endpoint.
    pub token_url: &'a str,
    /// The userinfo endpoint.
    pub userinfo_url: &'a str,
    /// The front-channel logout endpoint.
    pub end_session_url: &'a str,
    /// `iss` of core identity credentials.
    pub identity_issuer: &'a str,
    /// The DID document URL.
    pub did_url: &'a str,
    /// The DID document's `id`.
    pub did_id: &'a str,
}

/// A One Login environment.
// Built once per client and passed by reference: the size of the custom variant costs nothing
// worth a Box in the public API.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Environment {
    /// `oidc.integration.account.gov.uk`.
    Integration,
    /// `oidc.account.gov.uk`.
    Production,
    /// Anything else (the simulator, a test double).
    Custom(CustomEnvironment),
}

impl Environment {
    /// `"integration"` or `"production"`, as a JavaScript caller or a CLI flag names them.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for any other name.
    pub fn from_name(name: &str) -> Result<Environment> {
        match name {
            "integration" => Ok(Environment::Integration),
            "production" => Ok(Environment::Production),
            other => Err(Error::option(
                "environment",
                format!(
                    "unknown environment {}: expected \"integration\" or \"production\"",
                    crate::error::shown(other)
                ),
            )),
        }
    }

    /// A custom environment: the simulator's derivation from `baseUrl` (or from `issuer`),
    /// then each value given in `spec` replacing the derived one.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` when neither `baseUrl` nor `issuer` is given, or the base is not
    /// a scheme-and-host URL.
    pub fn custom(spec: &EnvironmentSpec) -> Result<Environment> {
        let base = spec
            .base_url
            .as_deref()
            .or(spec.issuer.as_deref())
            .ok_or_else(|| {
                Error::option(
                    "environment",
                    "a custom \"environment\" needs baseUrl or issuer",
                )
            })?;
        let mut env = CustomEnvironment::simulator(base)?;
        let overrides: [(&Option<String>, &mut String); 10] = [
            (&spec.issuer, &mut env.issuer),
            (&spec.discovery_url, &mut env.discovery_url),
            (&spec.jwks_url, &mut env.jwks_url),
            (&spec.authorize_url, &mut env.authorize_url),
            (&spec.token_url, &mut env.token_url),
            (&spec.userinfo_url, &mut env.userinfo_url),
            (&spec.end_session_url, &mut env.end_session_url),
            (&spec.identity_issuer, &mut env.identity_issuer),
            (&spec.did_url, &mut env.did_url),
            (&spec.did_id, &mut env.did_id),
        ];
        for (given, slot) in overrides {
            if let Some(value) = given {
                slot.clone_from(value);
            }
        }
        // Every endpoint, derived or given, obeys the rule of fetched URLs (https, or http to
        // this machine): a custom environment cannot send a browser to `javascript:` or a code
        // to `http://evil.example/`.
        // A derived URL is reported as the base it came from.
        let base_option = if spec.base_url.is_some() {
            "environment.baseUrl"
        } else {
            "environment.issuer"
        };
        for (option, given, url) in [
            (
                "environment.discoveryUrl",
                &spec.discovery_url,
                &env.discovery_url,
            ),
            ("environment.jwksUrl", &spec.jwks_url, &env.jwks_url),
            (
                "environment.authorizeUrl",
                &spec.authorize_url,
                &env.authorize_url,
            ),
            ("environment.tokenUrl", &spec.token_url, &env.token_url),
            (
                "environment.userinfoUrl",
                &spec.userinfo_url,
                &env.userinfo_url,
            ),
            (
                "environment.endSessionUrl",
                &spec.end_session_url,
                &env.end_session_url,
            ),
            ("environment.didUrl", &spec.did_url, &env.did_url),
        ] {
            check_endpoint_url(url, if given.is_some() { option } else { base_option })?;
        }
        Ok(Environment::Custom(env))
    }

    /// Every URL and identifier, by name.
    pub fn urls(&self) -> EnvironmentUrls<'_> {
        EnvironmentUrls {
            issuer: self.issuer(),
            discovery_url: self.discovery_url(),
            jwks_url: self.jwks_url(),
            authorize_url: self.authorize_url(),
            token_url: self.token_url(),
            userinfo_url: self.userinfo_url(),
            end_session_url: self.end_session_url(),
            identity_issuer: self.identity_issuer(),
            did_url: self.did_url(),
            did_id: self.did_id(),
        }
    }

    fn pick(
        &self,
        preset: fn(&EnvironmentData) -> &'static str,
        custom: fn(&CustomEnvironment) -> &str,
    ) -> &str {
        match self {
            Environment::Integration => preset(&INTEGRATION),
            Environment::Production => preset(&PRODUCTION),
            Environment::Custom(c) => custom(c),
        }
    }

    /// OIDC issuer (`iss` of ID and logout tokens).
    pub fn issuer(&self) -> &str {
        self.pick(|d| d.issuer, |c| &c.issuer)
    }

    /// The OIDC discovery URL.
    pub fn discovery_url(&self) -> &str {
        self.pick(|d| d.discovery_url, |c| &c.discovery_url)
    }

    /// The JWKS URL.
    pub fn jwks_url(&self) -> &str {
        self.pick(|d| d.jwks_url, |c| &c.jwks_url)
    }

    /// The authorization endpoint.
    pub fn authorize_url(&self) -> &str {
        self.pick(|d| d.authorize_url, |c| &c.authorize_url)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &str {
        self.pick(|d| d.token_url, |c| &c.token_url)
    }

    /// The userinfo endpoint.
    pub fn userinfo_url(&self) -> &str {
        self.pick(|d| d.userinfo_url, |c| &c.userinfo_url)
    }

    /// The front-channel logout endpoint (`end_session_endpoint`).
    pub fn end_session_url(&self) -> &str {
        self.pick(|d| d.end_session_url, |c| &c.end_session_url)
    }

    /// `iss` of core identity credentials.
    pub fn identity_issuer(&self) -> &str {
        self.pick(|d| d.identity_issuer, |c| &c.identity_issuer)
    }

    /// The DID document URL (never resolve `did:web` any other way).
    pub fn did_url(&self) -> &str {
        self.pick(|d| d.did_url, |c| &c.did_url)
    }

    /// The DID document's `id`.
    pub fn did_id(&self) -> &str {
        self.pick(|d| d.did_id, |c| &c.did_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simulator_values() {
        let env = CustomEnvironment::simulator("http://localhost:3000").map(Environment::Custom);
        let Ok(env) = env else {
            unreachable!("valid base URL")
        };
        assert_eq!(env.issuer(), "http://localhost:3000/");
        assert_eq!(env.identity_issuer(), "http://localhost:3000/");
        assert_eq!(env.did_id(), "did:web:localhost%3A3000");
        assert_eq!(
            env.jwks_url(),
            "http://localhost:3000/.well-known/jwks.json"
        );
        assert_eq!(
            CustomEnvironment::simulator("http://localhost:3000/").map(|c| c.did_id),
            Ok("did:web:localhost%3A3000".to_owned())
        );
        for bad in ["", "localhost:3000", "http://", "http://a/b", "ftp://x"] {
            assert!(CustomEnvironment::simulator(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn presets_end_issuers_with_a_slash() {
        for env in [Environment::Integration, Environment::Production] {
            assert!(env.issuer().ends_with('/'));
            assert!(env.identity_issuer().ends_with('/'));
            assert!(env.did_url().starts_with("https://identity."));
            assert_eq!(
                env.did_id(),
                format!(
                    "did:web:{}",
                    env.did_url()
                        .trim_start_matches("https://")
                        .trim_end_matches("/.well-known/did.json")
                )
            );
        }
    }
}
