//! One Login's DID document: the public keys that sign core identity credentials.
//!
//! Only the shape One Login publishes is accepted: an `id` and an `assertionMethod` array of
//! embedded objects `{id, type, controller, publicKeyJwk}` (the docs say to use
//! `assertionMethod`; there is no `verificationMethod`). The document is parsed once, like a
//! [`KeySet`], and reused for every credential until the caller's cache refreshes it. Resolving
//! `did:web` is not done here, and must not be done with a generic resolver: fetch only
//! [`Environment::did_url`](super::Environment::did_url).

use crate::error::{quoted, Error, ErrorCode, Result};
use crate::json;
use crate::jwk::KeySet;
use serde_json::{Map, Value};

/// One `assertionMethod` entry, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssertionMethod {
    /// The full key id, `<document id>#<key id>`; a credential's header `kid` names it.
    pub id: String,
    /// The verification method type (One Login: `JsonWebKey`); informational only.
    pub method_type: String,
    /// The DID that controls the key; must be the document's own `id` to be used.
    pub controller: String,
}

/// A parsed DID document.
#[derive(Debug, Clone)]
pub struct DidDocument {
    id: String,
    methods: Vec<AssertionMethod>,
    // Keys of the entries controlled by this document, each with `kid` = the entry's `id`,
    // so the core's key selection (exact `kid`, `alg` fit, usable-key rules) applies
    // unchanged. Entries whose key cannot be used are remembered there with the reason.
    keys: KeySet,
}

impl DidDocument {
    /// Parse a DID document from its JSON text (strict JSON: no duplicate members).
    ///
    /// # Errors
    /// `ERR_JWKS_INVALID` when the document is not a JSON object with a string `id` and an
    /// `assertionMethod` array of objects each with string `id`, `type` and `controller` and an
    /// object `publicKeyJwk`, or when two entries share an `id`.
    pub fn from_json(text: &str) -> Result<DidDocument> {
        // The size cap first: nothing larger is parsed (see `crate::limits`).
        crate::limits::refuse_oversized(
            text,
            crate::limits::MAX_DOCUMENT_SIZE,
            crate::error::ErrorCode::JwksInvalid,
            "the DID document",
        )?;
        let map =
            json::parse_object(text).map_err(|e| Error::jwks(format!("DID document is {e}")))?;
        DidDocument::from_map(&map)
    }

    /// Parse a DID document from a parsed JSON object.
    ///
    /// # Errors
    /// As [`DidDocument::from_json`].
    pub fn from_map(map: &Map<String, Value>) -> Result<DidDocument> {
        let id = member_string(map, "id", "DID document")?;
        if id.is_empty() {
            return Err(Error::jwks("DID document \"id\" must not be empty"));
        }
        let Some(Value::Array(entries)) = map.get("assertionMethod") else {
            return Err(Error::jwks(
                "DID document must have an \"assertionMethod\" array",
            ));
        };
        let mut methods: Vec<AssertionMethod> = Vec::with_capacity(entries.len());
        let mut jwks = Vec::with_capacity(entries.len());
        for entry in entries {
            let Value::Object(entry) = entry else {
                return Err(Error::jwks(
                    "\"assertionMethod\" entries must be embedded objects",
                ));
            };
            let method = AssertionMethod {
                id: member_string(entry, "id", "assertionMethod entry")?.to_owned(),
                method_type: member_string(entry, "type", "assertionMethod entry")?.to_owned(),
                controller: member_string(entry, "controller", "assertionMethod entry")?.to_owned(),
            };
            let Some(Value::Object(jwk)) = entry.get("publicKeyJwk") else {
                return Err(Error::jwks(
                    "assertionMethod entry must have a \"publicKeyJwk\" object",
                ));
            };
            if methods.iter().any(|m| m.id == method.id) {
                return Err(Error::jwks(format!(
                    "two assertionMethod entries have the id {}",
                    quoted(&method.id)
                )));
            }
            if method.controller == id {
                let mut jwk = jwk.clone();
                // The entry's `id` is the key's identity; a `kid` inside the JWK is not.
                jwk.insert("kid".to_owned(), Value::String(method.id.clone()));
                jwks.push(Value::Object(jwk));
            }
            methods.push(method);
        }
        let mut set = Map::new();
        set.insert("keys".to_owned(), Value::Array(jwks));
        Ok(DidDocument {
            id: id.to_owned(),
            methods,
            keys: KeySet::from_map(&set)?,
        })
    }

    /// The document's `id`, e.g. `did:web:identity.integration.account.gov.uk`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Check that this is the document of the expected DID (the environment's DID id, e.g.
    /// `did:web:identity.integration.account.gov.uk`): a document served from the right URL
    /// but naming another DID is refused rather than trusted.
    ///
    /// # Errors
    /// `ERR_JWKS_INVALID` when the `id` differs.
    pub fn check_id(&self, expected: &str) -> Result<()> {
        if self.id != expected {
            return Err(Error::jwks(format!(
                "the DID document's \"id\" is {}, not the environment's DID {}",
                quoted(&self.id),
                quoted(expected)
            )));
        }
        Ok(())
    }

    /// Every `assertionMethod` entry, in document order.
    pub fn assertion_methods(&self) -> &[AssertionMethod] {
        &self.methods
    }

    /// Use a host's signature arithmetic for this document's keys (see
    /// [`SignatureBackend`](crate::jwk::SignatureBackend)).
    pub fn set_signature_backend(
        &mut self,
        backend: Option<std::sync::Arc<dyn crate::jwk::SignatureBackend>>,
    ) {
        self.keys.set_signature_backend(backend);
    }

    /// The keys controlled by this document, each with `kid` equal to its entry's `id`.
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Check a credential's header `kid` against this document: the part before `#` must be
    /// the document's `id` and some entry controlled by the document must have exactly that
    /// `id`. Returns the key set to verify with (the core then picks that `kid`).
    ///
    /// # Errors
    /// `ERR_JWKS_NO_MATCHING_KEY` otherwise.
    pub fn keys_for_kid(&self, kid: &str) -> Result<&KeySet> {
        self.check_controller(kid)?;
        self.check_assertion_method(kid)?;
        Ok(&self.keys)
    }

    /// The first half of [`DidDocument::keys_for_kid`]: the `kid` is a DID URL whose DID is
    /// this document's `id`.
    ///
    /// # Errors
    /// `ERR_JWKS_NO_MATCHING_KEY` otherwise.
    pub fn check_controller(&self, kid: &str) -> Result<()> {
        match kid.split_once('#') {
            Some((controller, _)) if controller == self.id => Ok(()),
            Some(_) => Err(no_match(
                "the \"kid\" names another DID than this DID document's \"id\"",
            )),
            None => Err(no_match("the \"kid\" is not a DID URL (<did>#<key id>)")),
        }
    }

    /// The second half of [`DidDocument::keys_for_kid`]: an `assertionMethod` controlled by
    /// this document has exactly this `id`.
    ///
    /// # Errors
    /// `ERR_JWKS_NO_MATCHING_KEY` otherwise.
    pub fn check_assertion_method(&self, kid: &str) -> Result<()> {
        let controlled = self
            .methods
            .iter()
            .any(|m| m.id == kid && m.controller == self.id);
        if !controlled {
            return Err(no_match(
                "no assertionMethod controlled by the DID document has this \"kid\"",
            ));
        }
        Ok(())
    }
}

fn no_match(why: &'static str) -> Error {
    Error::new(ErrorCode::JwksNoMatchingKey, why)
}

fn member_string<'m>(map: &'m Map<String, Value>, name: &str, what: &str) -> Result<&'m str> {
    match map.get(name) {
        Some(Value::String(s)) => Ok(s),
        _ => Err(Error::jwks(format!("{what} must have a string \"{name}\""))),
    }
}
