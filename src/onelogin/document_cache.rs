//! How long One Login's documents (discovery, JWKS, DID document) are used once fetched, and
//! the record a shared store keeps of each, so that a new instance or a serverless cold start
//! reads a document another instance fetched instead of fetching it again.
//!
//! A record is a hint, never a source of trust of its own: the document in it is parsed and
//! checked by exactly the path a fetched one takes (`KeySet`, `DidDocument` and its id,
//! [`super::parse_discovery`] and its issuer). A record is refused, and the document fetched
//! instead, when it is over its size cap, not in this format, for another document or URL (a
//! store shared by two environments), or when its times are unusable; once stale it is not used.
//!
//! The format: one line of strict JSON, `{"format","kind","url","fetchedAtMs","freshUntilMs"}`
//! (exactly these members), a newline, then the document's text exactly as it was fetched.

use crate::error::{Error, ErrorCode, Result};
use crate::json;
use serde::Serialize;
use serde_json::Value;

/// How long a document is used when its response says nothing about caching (One Login sends
/// `max-age` itself), in seconds.
pub const DEFAULT_MAX_AGE_SECONDS: f64 = 600.0;

/// The longest a document is used without asking again, whatever its `max-age` says, in
/// seconds.
pub const MAX_MAX_AGE_SECONDS: f64 = 86_400.0;

/// The first member of every record: a record in another format (or of a future version) is
/// refused, and the document fetched.
pub const RECORD_FORMAT: &str = "govuk-one-login-tokens/document-record/1";

/// A record's first line (the URL is most of it), in bytes.
pub const MAX_RECORD_HEADER_SIZE: usize = 16 * 1024;

/// A whole record: its first line, the newline and the document.
pub const MAX_RECORD_SIZE: usize = MAX_RECORD_HEADER_SIZE + 1 + crate::limits::MAX_DOCUMENT_SIZE;

/// How far ahead of this instance's clock another instance's may be when it writes a record,
/// in milliseconds (the instances' clock tolerance of the sessions rule).
pub const RECORD_CLOCK_TOLERANCE_MS: f64 = super::sessions::SIGN_OUT_CLOCK_TOLERANCE * 1000.0;

/// Which of One Login's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// The OpenID discovery document.
    Discovery,
    /// The JWKS (ID and logout token keys).
    Jwks,
    /// The DID document (core identity credential keys).
    Did,
}

impl DocumentKind {
    /// The kind by its name: `discovery`, `jwks` or `did`.
    pub fn from_name(name: &str) -> Option<DocumentKind> {
        match name {
            "discovery" => Some(DocumentKind::Discovery),
            "jwks" => Some(DocumentKind::Jwks),
            "did" => Some(DocumentKind::Did),
            _ => None,
        }
    }

    /// The kind's name, as records and store keys spell it.
    pub fn name(self) -> &'static str {
        match self {
            DocumentKind::Discovery => "discovery",
            DocumentKind::Jwks => "jwks",
            DocumentKind::Did => "did",
        }
    }

    /// Where the environment publishes this document.
    pub fn url(self, environment: &super::Environment) -> &str {
        match self {
            DocumentKind::Discovery => environment.discovery_url(),
            DocumentKind::Jwks => environment.jwks_url(),
            DocumentKind::Did => environment.did_url(),
        }
    }
}

/// How long a document just fetched is used, in milliseconds: its `max-age` (seconds, `None`
/// when the response said nothing usable; [`DEFAULT_MAX_AGE_SECONDS`] then), at most
/// [`MAX_MAX_AGE_SECONDS`], and never less than the cooldown (`no-store` and `max-age=0` would
/// otherwise mean a fetch per verification).
pub fn fresh_for_ms(max_age_seconds: Option<f64>, cooldown_ms: f64) -> f64 {
    let seconds = match max_age_seconds {
        Some(seconds) if seconds.is_finite() && seconds >= 0.0 => seconds.min(MAX_MAX_AGE_SECONDS),
        _ => DEFAULT_MAX_AGE_SECONDS,
    };
    (seconds * 1000.0).max(cooldown_ms)
}

/// How long a store keeps a record written at `now_ms`, in whole seconds (at least one): until
/// the document is stale.
pub fn record_ttl_seconds(fresh_until_ms: f64, now_ms: f64) -> f64 {
    ((fresh_until_ms - now_ms) / 1000.0).ceil().max(1.0)
}

/// The key a store files a document's record under: its kind and URL, so two environments (or
/// two custom URLs) sharing a store never read each other's records.
pub fn record_key(kind: DocumentKind, url: &str) -> String {
    format!("{} {url}", kind.name())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RecordHeader<'a> {
    format: &'a str,
    kind: &'a str,
    url: &'a str,
    fetched_at_ms: f64,
    fresh_until_ms: f64,
}

/// The record of a document fetched from `url` at `fetched_at_ms` and fresh until
/// `fresh_until_ms` (clock milliseconds).
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` when the times are not finite and ordered, the document is over
/// [`crate::limits::MAX_DOCUMENT_SIZE`] or the first line over [`MAX_RECORD_HEADER_SIZE`] (the
/// document is then not stored).
pub fn write_record(
    kind: DocumentKind,
    url: &str,
    document: &str,
    fetched_at_ms: f64,
    fresh_until_ms: f64,
) -> Result<String> {
    if !(fetched_at_ms.is_finite() && fresh_until_ms.is_finite())
        || fetched_at_ms < 0.0
        || fresh_until_ms < fetched_at_ms
    {
        return Err(Error::option(
            "freshUntilMs",
            "a document record needs finite times, fetched before it is stale",
        ));
    }
    crate::limits::refuse_oversized(
        document,
        crate::limits::MAX_DOCUMENT_SIZE,
        ErrorCode::InvalidArgument,
        "the document to store",
    )?;
    let header = serde_json::to_string(&RecordHeader {
        format: RECORD_FORMAT,
        kind: kind.name(),
        url,
        fetched_at_ms,
        fresh_until_ms,
    })
    .map_err(|_| Error::new(ErrorCode::InvalidArgument, "the record cannot be written"))?;
    crate::limits::refuse_oversized(
        &header,
        MAX_RECORD_HEADER_SIZE,
        ErrorCode::InvalidArgument,
        "the document record's first line",
    )?;
    Ok(format!("{header}\n{document}"))
}

/// Why a stored record was not used (the document is fetched instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordRefusal {
    /// Fresh no longer: an expected end of its life, not a fault.
    Stale,
    /// Over [`MAX_RECORD_SIZE`], its first line over [`MAX_RECORD_HEADER_SIZE`] or its document
    /// over the document cap.
    Oversize,
    /// Not a record in [`RECORD_FORMAT`]: not text, no first line, not strict JSON, a member
    /// missing, of the wrong type or unknown.
    Malformed,
    /// A record of another document, or of the same document from another URL.
    OtherDocument,
    /// Times that cannot be: fetched in the future, stale before fetched, or fresh for longer
    /// than this client would ever use a document.
    BadTimes,
}

impl RecordRefusal {
    /// The refusal's name, for diagnostics.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordRefusal::Stale => "stale",
            RecordRefusal::Oversize => "oversize",
            RecordRefusal::Malformed => "malformed",
            RecordRefusal::OtherDocument => "other_document",
            RecordRefusal::BadTimes => "bad_times",
        }
    }
}

/// A record's document, to be parsed and checked as a fetched one is.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDocument<'a> {
    /// The document's text, as fetched.
    pub document: &'a str,
    /// When it was fetched, clock milliseconds.
    pub fetched_at_ms: f64,
    /// Until when it is used, clock milliseconds.
    pub fresh_until_ms: f64,
}

/// The document in `record`, if the record is of `kind` from `url`, well formed, and fresh at
/// `now_ms`; `cooldown_ms` is the reading client's (it bounds how long a record may claim to be
/// fresh, with [`fresh_for_ms`]).
///
/// # Errors
/// The [`RecordRefusal`].
pub fn read_record<'a>(
    record: &'a str,
    kind: DocumentKind,
    url: &str,
    now_ms: f64,
    cooldown_ms: f64,
) -> std::result::Result<StoredDocument<'a>, RecordRefusal> {
    if record.len() > MAX_RECORD_SIZE {
        return Err(RecordRefusal::Oversize);
    }
    let Some((header, document)) = record.split_once('\n') else {
        return Err(RecordRefusal::Malformed);
    };
    if header.len() > MAX_RECORD_HEADER_SIZE || document.len() > crate::limits::MAX_DOCUMENT_SIZE {
        return Err(RecordRefusal::Oversize);
    }
    let header = json::parse_object(header).map_err(|_| RecordRefusal::Malformed)?;
    let text = |name: &str| match header.get(name) {
        Some(Value::String(text)) => Ok(text.as_str()),
        _ => Err(RecordRefusal::Malformed),
    };
    let time = |name: &str| match header.get(name).and_then(Value::as_f64) {
        Some(ms) if ms.is_finite() => Ok(ms),
        _ => Err(RecordRefusal::Malformed),
    };
    let known = ["format", "kind", "url", "fetchedAtMs", "freshUntilMs"];
    if header.keys().any(|name| !known.contains(&name.as_str())) || text("format")? != RECORD_FORMAT
    {
        return Err(RecordRefusal::Malformed);
    }
    let (record_kind, record_url) = (text("kind")?, text("url")?);
    let (fetched_at_ms, fresh_until_ms) = (time("fetchedAtMs")?, time("freshUntilMs")?);
    if record_kind != kind.name() || record_url != url {
        return Err(RecordRefusal::OtherDocument);
    }
    let longest = fresh_for_ms(Some(MAX_MAX_AGE_SECONDS), cooldown_ms);
    if fetched_at_ms < 0.0
        || fetched_at_ms > now_ms + RECORD_CLOCK_TOLERANCE_MS
        || fresh_until_ms < fetched_at_ms
        || fresh_until_ms - fetched_at_ms > longest
    {
        return Err(RecordRefusal::BadTimes);
    }
    if now_ms >= fresh_until_ms {
        return Err(RecordRefusal::Stale);
    }
    Ok(StoredDocument {
        document,
        fetched_at_ms,
        fresh_until_ms,
    })
}

/// A stored key set (a JWKS, or a DID document's keys) is used only when every key in it is
/// usable. A fetched document may list a key this library cannot use (it is skipped, and a
/// token naming it refused), but a stored copy with one is more likely a damaged record or one
/// written by someone else than One Login's: it is refused, and the document fetched. A
/// document One Login itself publishes with such a key is then fetched by every instance, as
/// without the cache.
///
/// # Errors
/// The first unusable key's error, prefixed with what was refused.
pub fn check_stored_keys(keys: &crate::jwk::KeySet) -> Result<()> {
    match keys.rejected().next() {
        None => Ok(()),
        Some((_, error)) => Err(Error::new(
            error.code(),
            format!(
                "a stored document with an unusable key is not used: {}",
                error.message()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://oidc.integration.account.gov.uk/.well-known/jwks.json";
    const DOC: &str = "{\"keys\":[]}";
    const NOW: f64 = 1_765_000_000_000.0;

    fn record(fetched: f64, until: f64) -> String {
        write_record(DocumentKind::Jwks, URL, DOC, fetched, until).unwrap_or_default()
    }

    #[test]
    fn freshness_is_max_age_bounded_and_at_least_the_cooldown() {
        assert_eq!(fresh_for_ms(None, 30_000.0), 600_000.0);
        assert_eq!(fresh_for_ms(Some(3600.0), 30_000.0), 3_600_000.0);
        assert_eq!(fresh_for_ms(Some(10e9), 30_000.0), 86_400_000.0);
        assert_eq!(fresh_for_ms(Some(0.0), 30_000.0), 30_000.0);
        assert_eq!(fresh_for_ms(Some(f64::NAN), 0.0), 600_000.0);
        assert_eq!(record_ttl_seconds(NOW + 1500.0, NOW), 2.0);
        assert_eq!(record_ttl_seconds(NOW, NOW), 1.0);
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let text = record(NOW, NOW + 600_000.0);
        assert!(text.starts_with("{\"format\":\"govuk-one-login-tokens/document-record/1\""));
        let stored = read_record(&text, DocumentKind::Jwks, URL, NOW + 1.0, 30_000.0);
        assert_eq!(
            stored,
            Ok(StoredDocument {
                document: DOC,
                fetched_at_ms: NOW,
                fresh_until_ms: NOW + 600_000.0
            })
        );
        // A document whose text holds newlines keeps them.
        let multi = write_record(DocumentKind::Did, URL, "{\n\"id\":1\n}", NOW, NOW + 1.0)
            .unwrap_or_default();
        let read = read_record(&multi, DocumentKind::Did, URL, NOW, 0.0).map(|s| s.document);
        assert_eq!(read, Ok("{\n\"id\":1\n}"));
    }

    #[test]
    fn refusals() {
        let good = record(NOW, NOW + 600_000.0);
        fn read<'a>(
            text: &'a str,
            kind: DocumentKind,
            url: &str,
            now: f64,
        ) -> std::result::Result<&'a str, RecordRefusal> {
            read_record(text, kind, url, now, 30_000.0).map(|s| s.document)
        }
        let jwks = DocumentKind::Jwks;
        assert_eq!(
            read(&good, jwks, URL, NOW + 600_000.0),
            Err(RecordRefusal::Stale)
        );
        assert_eq!(
            read(&good, DocumentKind::Did, URL, NOW),
            Err(RecordRefusal::OtherDocument)
        );
        assert_eq!(
            read(&good, jwks, "https://other.example/jwks.json", NOW),
            Err(RecordRefusal::OtherDocument)
        );
        for malformed in [
            "",
            DOC,
            "not json\n{}",
            "[]\n{}",
            &good.replacen("document-record/1", "document-record/2", 1),
            &good.replacen("\"kind\"", "\"kind\":\"jwks\",\"kind\"", 1),
            &good.replacen("{\"format\"", "{\"extra\":1,\"format\"", 1),
            &good.replacen("\"fetchedAtMs\":", "\"fetchedAtMs\":\"", 1),
        ] {
            assert_eq!(
                read(malformed, jwks, URL, NOW),
                Err(RecordRefusal::Malformed),
                "{malformed}"
            );
        }
        assert_eq!(
            read(&record(NOW + 10_000.0, NOW + 20_000.0), jwks, URL, NOW),
            Err(RecordRefusal::BadTimes)
        );
        assert_eq!(
            read(&record(NOW, NOW + 90_000_000.0), jwks, URL, NOW),
            Err(RecordRefusal::BadTimes)
        );
        let backwards = format!(
            "{{\"format\":\"{RECORD_FORMAT}\",\"kind\":\"jwks\",\"url\":\"{URL}\",\"fetchedAtMs\":{NOW},\"freshUntilMs\":1}}\n{DOC}"
        );
        assert_eq!(
            read(&backwards, jwks, URL, NOW),
            Err(RecordRefusal::BadTimes)
        );
        // Another instance's clock a little ahead is fine.
        assert!(read(&record(NOW + 4_000.0, NOW + 600_000.0), jwks, URL, NOW).is_ok());
        let huge = format!("{}{}", good, " ".repeat(crate::limits::MAX_DOCUMENT_SIZE));
        assert_eq!(read(&huge, jwks, URL, NOW), Err(RecordRefusal::Oversize));
        let long_header = format!("{}\n{DOC}", " ".repeat(MAX_RECORD_HEADER_SIZE + 1));
        assert_eq!(
            read(&long_header, jwks, URL, NOW),
            Err(RecordRefusal::Oversize)
        );
    }

    #[test]
    fn a_stored_key_set_must_have_only_usable_keys() {
        let good = crate::jwk::KeySet::from_json(
            r#"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0","kid":"a"}]}"#,
        );
        assert_eq!(
            good.as_ref().map(|k| check_stored_keys(k).is_ok()).ok(),
            Some(true)
        );
        let bad = crate::jwk::KeySet::from_json(
            r#"{"keys":[{"kty":"EC","crv":"P-256","x":"AAAA","y":"AAAA","kid":"a"}]}"#,
        );
        assert_eq!(
            bad.as_ref().map(|k| check_stored_keys(k).is_err()).ok(),
            Some(true)
        );
    }

    #[test]
    fn what_cannot_be_written() {
        assert!(write_record(DocumentKind::Jwks, URL, DOC, f64::NAN, NOW).is_err());
        assert!(write_record(DocumentKind::Jwks, URL, DOC, NOW, NOW - 1.0).is_err());
        let long_url = format!("https://example.com/{}", "a".repeat(MAX_RECORD_HEADER_SIZE));
        assert!(write_record(DocumentKind::Jwks, &long_url, DOC, NOW, NOW).is_err());
        let big = " ".repeat(crate::limits::MAX_DOCUMENT_SIZE + 1);
        assert!(write_record(DocumentKind::Jwks, URL, &big, NOW, NOW).is_err());
        assert_eq!(record_key(DocumentKind::Did, URL), format!("did {URL}"));
    }
}
