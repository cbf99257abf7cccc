//! JWS Compact Serialization (RFC 7515 §7.1): splitting, the protected header, and signature
//! verification against a [`KeySet`].
//!
//! The order is fixed and each step runs only after the previous one passed: size cap (before
//! any decoding) → three segments → header JSON → `alg` allow-list → `crit`/`b64` → key lookup
//! → signature. Nothing from the header is trusted to *find* a key except `kid` as a lookup
//! string: `jwk`, `jku`, `x5u` and `x5c` are ignored.

use crate::alg::{Algorithm, Algorithms};
use crate::base64url;
use crate::checks::{CheckId, Input, Run, Skip};
use crate::error::{quoted, Error, ErrorCode, Result};
use crate::json::{self, JsonError};
use crate::jwk::{Jwk, KeySet};
use serde_json::{Map, Value};

/// Default cap on the whole token, in bytes (the one cap, `crate::limits`). One Login's largest
/// tokens (a core identity credential with several names) are a few kilobytes.
pub const DEFAULT_MAX_TOKEN_SIZE: usize = crate::limits::MAX_TOKEN_SIZE;

/// A compact JWS split into its three base64url segments, not yet decoded.
#[derive(Debug, Clone, Copy)]
pub struct CompactParts<'a> {
    /// The protected header segment.
    pub header: &'a str,
    /// The payload segment.
    pub payload: &'a str,
    /// The signature segment.
    pub signature: &'a str,
    /// `header.payload`: the bytes the signature covers.
    pub signing_input: &'a str,
}

/// The size-cap refusal, shared with the wasm boundary (which applies it before copying a
/// string into wasm memory).
pub(crate) fn too_large(max_size: usize) -> Error {
    Error::new(
        ErrorCode::JwsInvalid,
        format!("token is larger than the {max_size}-byte limit"),
    )
}

/// Split a token into segments after the size check.
///
/// # Errors
/// `ERR_JWS_INVALID` for an oversized token or any segment count but three.
pub fn split(token: &str, max_size: usize) -> Result<CompactParts<'_>> {
    if token.len() > max_size {
        return Err(too_large(max_size));
    }
    let mut dots = token.match_indices('.').map(|(i, _)| i);
    let (Some(first), Some(second)) = (dots.next(), dots.next()) else {
        return Err(Error::jws("Invalid Compact JWS: expected three segments"));
    };
    if dots.next().is_some() {
        let segments = token.matches('.').count() + 1;
        return Err(Error::jws(if segments == 5 {
            "encrypted JWTs (JWE, five segments) are not supported"
        } else {
            "Invalid Compact JWS: expected three segments"
        }));
    }
    let (Some(header), Some(payload), Some(signature), Some(signing_input)) = (
        token.get(..first),
        token.get(first + 1..second),
        token.get(second + 1..),
        token.get(..second),
    ) else {
        return Err(Error::jws("Invalid Compact JWS"));
    };
    Ok(CompactParts {
        header,
        payload,
        signature,
        signing_input,
    })
}

/// The decoded protected header.
#[derive(Debug, Clone)]
pub struct Header {
    /// The `alg` exactly as written (not yet checked against an allow-list).
    pub alg: String,
    /// The `kid`, if present.
    pub kid: Option<String>,
    /// The `typ`, if present.
    pub typ: Option<String>,
    /// Every member, for display and for callers' own checks.
    pub members: Map<String, Value>,
}

/// Decode and parse the header segment. Types of the registered members are enforced here;
/// policy (allow-lists, `crit`) is applied by [`check_header_policy`].
///
/// # Errors
/// `ERR_JWS_INVALID` for bad base64url, bad JSON, a non-object, or mistyped `alg`/`kid`/`typ`.
pub fn decode_header(segment: &str) -> Result<Header> {
    decode_header_with_text(segment).map(|(header, _)| header)
}

/// [`decode_header`], also returning the header's JSON text as it was signed.
pub(crate) fn decode_header_with_text(segment: &str) -> Result<(Header, String)> {
    let bytes = base64url::decode(segment)
        .map_err(|_| Error::jws("Failed to base64url decode the protected header"))?;
    let members = json::parse_object_bytes(&bytes).map_err(|e| {
        Error::new(
            ErrorCode::JwsInvalid,
            format!("JWS Protected Header is {}", describe(&e)),
        )
    })?;
    let alg = match members.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        _ => {
            return Err(Error::jws(
                "JWS \"alg\" (Algorithm) Header Parameter missing or invalid",
            ))
        }
    };
    let kid = header_string(&members, "kid")?;
    let typ = header_string(&members, "typ")?;
    // parse_object_bytes accepted the bytes, so they are UTF-8.
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::jws("JWS Protected Header is not valid UTF-8"))?;
    Ok((
        Header {
            alg,
            kid,
            typ,
            members,
        },
        text,
    ))
}

fn header_string(members: &Map<String, Value>, name: &'static str) -> Result<Option<String>> {
    match members.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::new(
            ErrorCode::JwsInvalid,
            format!("JWS \"{name}\" Header Parameter must be a string"),
        )),
    }
}

pub(crate) fn describe(e: &JsonError) -> String {
    match e {
        JsonError::NotAnObject => "not a JSON object".to_owned(),
        other => format!("invalid: {other}"),
    }
}

/// Apply the header rules that do not depend on a key: the `alg` allow-list, `crit` and
/// `b64`.
///
/// # Errors
/// `ERR_JOSE_ALG_NOT_ALLOWED`, `ERR_JOSE_NOT_SUPPORTED` (unknown `crit`), `ERR_JWS_INVALID`
/// (malformed `crit`) or `ERR_JWT_INVALID` (`b64` other than `true`).
pub fn check_header_policy(header: &Header, algorithms: Algorithms) -> Result<Algorithm> {
    let alg = algorithms.check(&header.alg)?;
    if let Some(crit) = header.members.get("crit") {
        let Value::Array(names) = crit else {
            return Err(Error::jws(
                "\"crit\" Header Parameter must be an array of non-empty strings",
            ));
        };
        if names.is_empty() {
            return Err(Error::jws(
                "\"crit\" Header Parameter must be an array of non-empty strings",
            ));
        }
        for name in names {
            match name.as_str() {
                Some(n) if !n.is_empty() => {
                    if n != "b64" {
                        return Err(Error::new(
                            ErrorCode::NotSupported,
                            format!("Extension Header Parameter {} is not recognized", quoted(n)),
                        ));
                    }
                    if !header.members.contains_key(n) {
                        return Err(Error::new(
                            ErrorCode::JwsInvalid,
                            format!("Extension Header Parameter {} is missing", quoted(n)),
                        ));
                    }
                }
                _ => {
                    return Err(Error::jws(
                        "\"crit\" Header Parameter must be an array of non-empty strings",
                    ))
                }
            }
        }
    }
    // RFC 7797 unencoded payloads have no place in a JWT; anything but `true` is refused,
    // whether or not `crit` lists it.
    if let Some(b64) = header.members.get("b64") {
        if b64 != &Value::Bool(true) {
            return Err(Error::jwt("JWTs MUST NOT use unencoded payload"));
        }
    }
    Ok(alg)
}

/// What a compact JWS must satisfy before its signature is checked.
#[derive(Debug, Clone, Copy)]
pub struct JwsOptions {
    /// Accepted algorithms.
    pub algorithms: Algorithms,
    /// Cap on the token size in bytes.
    pub max_token_size: usize,
    /// Whether a header `kid` is required (One Login always sends one).
    pub require_kid: bool,
}

impl Default for JwsOptions {
    fn default() -> Self {
        JwsOptions {
            algorithms: Algorithms::ALL,
            max_token_size: DEFAULT_MAX_TOKEN_SIZE,
            require_kid: false,
        }
    }
}

/// The keys a run checks the signature with.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyInput<'k> {
    /// These keys.
    Keys(&'k KeySet),
    /// None were given: the key checks are skipped for want of input.
    Missing,
    /// They could not be chosen because an earlier check failed (a DID lookup).
    Unavailable,
}

/// What the JWS steps found; each part is `None` when its check failed or was skipped.
#[derive(Debug)]
pub(crate) struct Checked<'t, 'k> {
    pub(crate) parts: Option<CompactParts<'t>>,
    pub(crate) header: Option<Header>,
    pub(crate) alg: Option<Algorithm>,
    /// The key that verified the signature.
    pub(crate) key: Option<&'k Jwk>,
}

/// The JWS checks in order: size and segments → header JSON → `alg` allow-list, `crit`, `b64`
/// → `kid` present (if required) → signature encoding → `kid` found → key fits `alg` →
/// signature.
///
/// # Errors
/// The first failure, when `run` fails fast.
pub(crate) fn steps<'t, 'k>(
    run: &mut Run,
    token: &'t str,
    keys: KeyInput<'k>,
    options: &JwsOptions,
) -> Result<Checked<'t, 'k>> {
    let parts = run.check(CheckId::Format, || split(token, options.max_token_size))?;
    let header = run.check_with(CheckId::Format, parts, |p| decode_header(p.header))?;
    let alg = run.check_with(CheckId::Alg, header.as_ref(), |h| {
        check_header_policy(h, options.algorithms)
    })?;
    let kid = header.as_ref().and_then(|h| h.kid.as_deref());
    if options.require_kid {
        run.check_with(CheckId::Kid, header.as_ref(), |h| match h.kid {
            Some(_) => Ok(()),
            None => Err(Error::jws("JWS \"kid\" Header Parameter is required")),
        })?;
    }
    // The signature's encoding is a matter of form, reported on the format line.
    let signature = run.check_with(CheckId::Format, parts, |p| {
        base64url::decode(p.signature)
            .map_err(|_| Error::jws("Failed to base64url decode the signature"))
    })?;
    let key = match keys {
        KeyInput::Keys(set) => {
            let kid_found = match (header.as_ref(), kid) {
                (Some(_), Some(kid)) => run.check(CheckId::KidFound, || set.check_kid(kid))?,
                (Some(_), None) if !options.require_kid => {
                    // Without a kid every key is a candidate, as in jose.
                    run.skip(CheckId::KidFound, Skip::NotRequested(Input::Kid));
                    Some(())
                }
                _ => {
                    run.skip(CheckId::KidFound, Skip::Prerequisite);
                    None
                }
            };
            let key = run.check_with(CheckId::AlgMatchesKey, kid_found.and(alg), |alg| {
                set.select(alg, kid)
            })?;
            match (key, alg, parts, signature.as_deref()) {
                (Some(key), Some(alg), Some(p), Some(sig)) => run
                    .check(CheckId::Signature, || {
                        set.verify_signature(key, alg, p.signing_input.as_bytes(), sig)
                    })?
                    .map(|()| key),
                _ => {
                    run.skip(CheckId::Signature, Skip::Prerequisite);
                    None
                }
            }
        }
        KeyInput::Missing | KeyInput::Unavailable => {
            let why = match keys {
                KeyInput::Missing => Skip::MissingInput(Input::Keys),
                _ => Skip::Prerequisite,
            };
            for id in [
                CheckId::KidFound,
                CheckId::AlgMatchesKey,
                CheckId::Signature,
            ] {
                run.skip(id, why);
            }
            None
        }
    };
    Ok(Checked {
        parts,
        header,
        alg,
        key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn code<T>(r: Result<T>) -> Option<ErrorCode> {
        r.err().map(|e| e.code())
    }

    #[test]
    fn split_counts_segments() {
        assert!(split("a.b.c", 100).is_ok());
        assert!(split("a..c", 100).is_ok());
        for bad in ["", "a", "a.b", "a.b.c.d", "a.b.c.d.e", "...."] {
            assert_eq!(code(split(bad, 100)), Some(ErrorCode::JwsInvalid), "{bad}");
        }
        let jwe = split("a.b.c.d.e", 100)
            .err()
            .map(|e| e.message().to_owned());
        assert!(jwe.is_some_and(|m| m.contains("JWE")));
    }

    #[test]
    fn size_cap_applies_before_decoding() {
        let big = "x".repeat(101);
        let err = split(&big, 100).err();
        assert!(err.is_some_and(|e| e.message().contains("100-byte")));
    }

    fn header(json: &str) -> Header {
        decode_header(&base64url::encode(json.as_bytes()))
            .unwrap_or_else(|e| unreachable!("test header {json}: {e}"))
    }

    #[test]
    fn header_policy() {
        let cases = [
            (r#"{"alg":"ES256"}"#, None),
            (r#"{"alg":"none"}"#, Some(ErrorCode::AlgNotAllowed)),
            (
                r#"{"alg":"ES256","crit":["exp"],"exp":1}"#,
                Some(ErrorCode::NotSupported),
            ),
            (r#"{"alg":"ES256","crit":[]}"#, Some(ErrorCode::JwsInvalid)),
            (
                r#"{"alg":"ES256","b64":false,"crit":["b64"]}"#,
                Some(ErrorCode::JwtInvalid),
            ),
            (
                r#"{"alg":"ES256","b64":false}"#,
                Some(ErrorCode::JwtInvalid),
            ),
        ];
        for (json, expected) in cases {
            let result = check_header_policy(&header(json), Algorithms::ALL);
            assert_eq!(code(result), expected, "{json}");
        }
    }

    #[test]
    fn header_types_are_enforced() {
        let enc = |s: &str| base64url::encode(s.as_bytes());
        for bad in [
            r#"{"alg":1}"#,
            r#"{"kid":"a"}"#,
            r#"{"alg":"ES256","kid":7}"#,
            r#"{"alg":"ES256","typ":null}"#,
            r#"{"alg":"ES256","alg":"ES256"}"#,
            r#"[]"#,
        ] {
            assert_eq!(
                code(decode_header(&enc(bad))),
                Some(ErrorCode::JwsInvalid),
                "{bad}"
            );
        }
    }
}
