//! The client's document cache (`src/onelogin/document_cache.rs`) for `pkg/client.js`: how
//! long a fetched document is used (every build), and the record a shared store keeps of it,
//! written and read (strictly) here: server builds only (feature `flow`), since a browser page
//! has no store shared with other instances. Internal to the package (not re-exported).

use super::client::JsClientConfig;
use crate::onelogin::document_cache;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(js_class = ClientConfig)]
impl JsClientConfig {
    /// Until when (clock milliseconds) a document fetched at `fetched_at_ms` is used:
    /// `max_age_seconds` (from Cache-Control; `undefined` when none) bounded, and at least the
    /// cooldown.
    #[wasm_bindgen(js_name = documentFreshUntil)]
    pub fn document_fresh_until(&self, fetched_at_ms: f64, max_age_seconds: Option<f64>) -> f64 {
        fetched_at_ms + document_cache::fresh_for_ms(max_age_seconds, self.inner.http.cooldown_ms)
    }
}

#[cfg(feature = "flow")]
mod records {
    use super::super::jose::JsKeySet;
    use super::super::onelogin::JsDidDocument;
    use super::super::{over_cap, to_js, JsResult};
    use super::JsClientConfig;
    use crate::error::Error;
    use crate::onelogin::document_cache::{self, DocumentKind, RecordRefusal};
    use serde::Serialize;
    use wasm_bindgen::prelude::*;

    fn kind_of(name: &str) -> Result<DocumentKind, Error> {
        DocumentKind::from_name(name)
            .ok_or_else(|| Error::option("kind", "a document kind is discovery, jwks or did"))
    }

    /// What `readDocumentRecord` found: the document to parse, or why there is none to use.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase", tag = "outcome")]
    enum ReadOutcome<'a> {
        /// A fresh record of this document: parse `document` as a fetched one.
        #[serde(rename_all = "camelCase")]
        Hit {
            document: &'a str,
            fresh_until_ms: f64,
        },
        /// No record was usable (`stale`, `oversize`, `malformed`, `other_document`,
        /// `bad_times`).
        Refused { reason: &'static str },
    }

    /// What `documentRecord` made: the record, and how long the store keeps it.
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Record {
        key: String,
        record: String,
        ttl_seconds: f64,
    }

    #[wasm_bindgen(js_class = ClientConfig)]
    impl JsClientConfig {
        /// The store key of a document's record (`discovery`, `jwks` or `did`): its kind and
        /// URL.
        #[wasm_bindgen(js_name = documentKey)]
        pub fn document_key(&self, kind: &str) -> JsResult<String> {
            let kind = kind_of(kind)?;
            Ok(document_cache::record_key(
                kind,
                kind.url(&self.inner.environment),
            ))
        }

        /// The record to store for a document fetched at `fetched_at_ms`: `{ key, record,
        /// ttlSeconds }`.
        #[wasm_bindgen(js_name = documentRecord)]
        pub fn document_record(
            &self,
            kind: &str,
            document: &str,
            fetched_at_ms: f64,
            fresh_until_ms: f64,
            now_ms: f64,
        ) -> JsResult<JsValue> {
            let kind = kind_of(kind)?;
            let url = kind.url(&self.inner.environment);
            to_js(&Record {
                key: document_cache::record_key(kind, url),
                record: document_cache::write_record(
                    kind,
                    url,
                    document,
                    fetched_at_ms,
                    fresh_until_ms,
                )?,
                ttl_seconds: document_cache::record_ttl_seconds(fresh_until_ms, now_ms),
            })
        }

        /// A record read from the store, checked: `{ outcome: 'hit', document, freshUntilMs }`
        /// or `{ outcome: 'refused', reason }`. A record over its cap, or not text, is refused
        /// before it is copied into wasm memory.
        #[wasm_bindgen(js_name = readDocumentRecord)]
        pub fn read_document_record(
            &self,
            kind: &str,
            record: JsValue,
            now_ms: f64,
        ) -> JsResult<JsValue> {
            let kind = kind_of(kind)?;
            let refused = |refusal: RecordRefusal| {
                to_js(&ReadOutcome::Refused {
                    reason: refusal.as_str(),
                })
            };
            // Its length in UTF-16 units bounds its UTF-8 size from below.
            if over_cap(&record, document_cache::MAX_RECORD_SIZE) {
                return refused(RecordRefusal::Oversize);
            }
            let Some(text) = record.as_string() else {
                return refused(RecordRefusal::Malformed);
            };
            let url = kind.url(&self.inner.environment);
            let cooldown_ms = self.inner.http.cooldown_ms;
            match document_cache::read_record(&text, kind, url, now_ms, cooldown_ms) {
                Ok(stored) => to_js(&ReadOutcome::Hit {
                    document: stored.document,
                    fresh_until_ms: stored.fresh_until_ms,
                }),
                Err(refusal) => refused(refusal),
            }
        }

        /// Refuse a JWKS read from the store with a key that cannot be used.
        #[wasm_bindgen(js_name = checkStoredKeySet)]
        pub fn check_stored_key_set(&self, keys: &JsKeySet) -> JsResult<()> {
            Ok(document_cache::check_stored_keys(&keys.inner)?)
        }

        /// Refuse a DID document read from the store with a key that cannot be used.
        #[wasm_bindgen(js_name = checkStoredDidDocument)]
        pub fn check_stored_did_document(&self, did: &JsDidDocument) -> JsResult<()> {
            Ok(document_cache::check_stored_keys(did.inner.keys())?)
        }
    }
}
