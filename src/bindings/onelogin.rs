//! GOV.UK One Login: environments, the three token verifiers and the authorize URL.

use super::jose::JsKeySet;
use super::options::from_js;
use super::{host_backend, json_text, now_seconds, to_js, token_arg, JsResult};
use crate::error::ErrorCode;
use crate::jws::DEFAULT_MAX_TOKEN_SIZE;
use crate::onelogin::{self, DidDocument, Identity};
#[cfg(feature = "js-full")]
use crate::options::{AuthorizationUrlOptions, EnvironmentInput};
use crate::options::{VerifyCoreIdentityOptions, VerifyIdTokenOptions, VerifyLogoutTokenOptions};
use js_sys::{Array, JSON};
use serde::Serialize;
use serde_json::{Map, Value};
use tsify::Ts;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const ENVIRONMENT_TS: &str = r#"
/** `"integration"`, `"production"`, or a custom environment (the simulator, a test double). */
export type EnvironmentInput = "integration" | "production" | EnvironmentSpec;
/** The claims of a verified ID token. */
export interface IdTokenClaims extends JwtPayload {
  iss: string; sub: string; aud: string | string[]; exp: number; iat: number;
  /** Credential trust level: `"Cl"` or `"Cl.Cm"`. */
  vot: string;
  nonce?: string; vtm?: string; sid?: string; auth_time?: number; at_hash?: string;
}
/** The claims of a verified core identity credential. */
export interface CoreIdentityClaims extends JwtPayload {
  iss: string; sub: string; aud: string | string[]; exp: number;
  /** Level of confidence, e.g. `"P2"`. */
  vot: string;
  vc: {
    type?: string[];
    credentialSubject: {
      name?: Array<{ validFrom?: string; validUntil?: string; nameParts: Array<{ value: string; type: string }> }>;
      birthDate?: Array<{ value: string }>;
      [member: string]: unknown;
    };
    [member: string]: unknown;
  };
}
/** The claims of a verified back-channel logout token. */
export interface LogoutTokenClaims extends JwtPayload {
  iss: string; sub: string; aud: string | string[]; iat: number; exp: number;
  /** Remember it (One Login: for at least 3 minutes) and refuse a token that repeats it. */
  jti: string;
  events: { "http://schemas.openid.net/event/backchannel-logout": Record<string, never> };
}
/** A One Login DID document (core identity signing keys), as published. */
export interface DidDocumentJson {
  id: string;
  assertionMethod: Array<{ id: string; type: string; controller: string; publicKeyJwk: Jwk; [member: string]: unknown }>;
  [member: string]: unknown;
}
/** An RSA private key as a JWK (`kty: "RSA"` with `d`, `p`, `q`, ...). */
export interface PrivateJwk extends Jwk { d: string }
"#;

/// The URLs and identifiers of a One Login environment.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = getEnvironment, unchecked_return_type = "EnvironmentUrls")]
pub fn get_environment(
    #[wasm_bindgen(unchecked_param_type = "EnvironmentInput")] environment: JsValue,
) -> JsResult<JsValue> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Holder {
        environment: EnvironmentInput,
    }
    let env = from_js::<Holder>(Some(super::holder("environment", &environment)?))?
        .environment
        .resolve()?;
    to_js(&env.urls())
}

/// Verify a One Login ID token; returns its claims.
#[wasm_bindgen(js_name = verifyIdTokenWithKeySet, unchecked_return_type = "IdTokenClaims")]
pub fn verify_id_token_with_key_set(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    keys: &JsKeySet,
    options: Option<Ts<VerifyIdTokenOptions>>,
) -> JsResult<JsValue> {
    let options =
        from_js::<VerifyIdTokenOptions>(options.map(|o| o.js_value()))?.resolve(now_seconds)?;
    let verified = onelogin::verify_id_token(
        &token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?,
        &keys.inner,
        &options,
    )?;
    // The payload text the core validated: the same claims, parsed once by the host.
    JSON::parse(&verified.payload_json)
}

/// A DID document (One Login's core identity signing keys), parsed once.
#[wasm_bindgen(js_name = DidDocument)]
pub struct JsDidDocument {
    pub(super) inner: DidDocument,
}

#[wasm_bindgen(js_class = DidDocument)]
impl JsDidDocument {
    /// Parse a DID document given as JSON text or as an object.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "DidDocumentJson | string")] document: JsValue,
    ) -> JsResult<JsDidDocument> {
        let text = json_text(&document, "DID document", ErrorCode::JwksInvalid)?;
        let mut inner = DidDocument::from_json(&text)?;
        inner.set_signature_backend(host_backend());
        Ok(JsDidDocument { inner })
    }

    /// The document's `id` (e.g. `did:web:identity.integration.account.gov.uk`).
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.inner.id().to_owned()
    }

    /// The `id`s of the `assertionMethod` entries (the full `kid`s tokens may name).
    #[wasm_bindgen(getter, js_name = assertionMethodIds, unchecked_return_type = "string[]")]
    pub fn assertion_method_ids(&self) -> Array {
        self.inner
            .assertion_methods()
            .iter()
            .map(|m| JsValue::from_str(&m.id))
            .collect()
    }
}

/// What `verifyCoreIdentity` returns.
#[derive(Serialize, tsify::Tsify)]
pub struct CoreIdentityResult {
    /// Every claim of the credential.
    #[tsify(type = "CoreIdentityClaims")]
    pub(super) claims: Map<String, Value>,
    /// The person.
    pub(super) identity: Identity,
}

/// Verify a core identity credential JWT against One Login's DID document; returns
/// `{ claims, identity }` where `identity` is a typed view of the person.
#[wasm_bindgen(js_name = verifyCoreIdentityWithDidDocument)]
pub fn verify_core_identity_with_did_document(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    did: &JsDidDocument,
    options: Option<Ts<VerifyCoreIdentityOptions>>,
) -> JsResult<Ts<CoreIdentityResult>> {
    let options = from_js::<VerifyCoreIdentityOptions>(options.map(|o| o.js_value()))?
        .resolve(now_seconds)?;
    let verified = onelogin::verify_core_identity(
        &token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?,
        &did.inner,
        &options,
    )?;
    let identity = verified.identity();
    Ok(Ts::new_unchecked(to_js(&CoreIdentityResult {
        claims: verified.claims,
        identity,
    })?))
}

/// Verify a back-channel logout token; returns its claims (with `jti` for replay checks).
#[wasm_bindgen(js_name = verifyLogoutTokenWithKeySet, unchecked_return_type = "LogoutTokenClaims")]
pub fn verify_logout_token_with_key_set(
    #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    keys: &JsKeySet,
    options: Option<Ts<VerifyLogoutTokenOptions>>,
) -> JsResult<JsValue> {
    let options =
        from_js::<VerifyLogoutTokenOptions>(options.map(|o| o.js_value()))?.resolve(now_seconds)?;
    let verified = onelogin::verify_logout_token(
        &token_arg(&token, DEFAULT_MAX_TOKEN_SIZE)?,
        &keys.inner,
        &options,
    )?;
    // The payload text the core validated: the same claims, parsed once by the host.
    JSON::parse(&verified.payload_json)
}

/// Build the `/authorize` URL with every parameter correctly encoded.
#[cfg(feature = "js-full")]
#[wasm_bindgen(js_name = buildAuthorizationUrl)]
pub fn build_authorization_url(options: Option<Ts<AuthorizationUrlOptions>>) -> JsResult<String> {
    let (authorize_url, request) =
        from_js::<AuthorizationUrlOptions>(options.map(|o| o.js_value()))?.resolve()?;
    Ok(onelogin::build_authorization_url(&authorize_url, &request)?)
}
