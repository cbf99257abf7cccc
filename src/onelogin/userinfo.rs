//! The userinfo response: its checks (HTTP 200, a JSON object, the ID token's `sub`), typed
//! views of every One Login claim (addresses, passports, driving permits, return codes,
//! wallet subject ID, email, phone), and the core identity credential's place in the flow:
//! verified when present, `None` when requested but absent, refused when not requested.
//!
//! Every claim is optional. A malformed claim is an error naming it; unknown members are left
//! in the raw userinfo and ignored here.

use super::core_identity::{
    verify_core_identity, CoreIdentityClaims, CoreIdentityOptions, Identity,
};
use super::did::DidDocument;
use super::sign_in::Transaction;
use super::vocab::UserinfoClaim;
use crate::error::{Error, ErrorCode, OAuthDetail, Reason, Result};
use crate::json;
use serde::Serialize;
use serde_json::{Map, Value};

fn userinfo_error(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::OAuthUserinfoError, message.into())
}

/// The `error` and `error_description` of a `WWW-Authenticate: Bearer …` header.
pub fn parse_www_authenticate(header: &str) -> OAuthDetail {
    let mut detail = OAuthDetail::default();
    let params = header.trim_start();
    let params = params
        .get(..6)
        .filter(|scheme| scheme.eq_ignore_ascii_case("bearer"))
        .and_then(|_| params.get(6..))
        .unwrap_or(params);
    let mut rest = params.trim_start();
    while !rest.is_empty() {
        let Some((name, after)) = rest.split_once('=') else {
            break;
        };
        let name = name
            .trim()
            .trim_start_matches(',')
            .trim()
            .to_ascii_lowercase();
        let after = after.trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    other => value.push(other),
                }
            }
            (value, quoted.get(end..).unwrap_or(""))
        } else {
            let end = after.find(',').unwrap_or(after.len());
            (
                after.get(..end).unwrap_or("").trim().to_owned(),
                after.get(end..).unwrap_or(""),
            )
        };
        match name.as_str() {
            "error" => detail.error = Some(value),
            "error_description" => detail.error_description = Some(value),
            _ => {}
        }
        rest = remaining.trim_start().trim_start_matches(',').trim_start();
    }
    detail
}

/// Check the userinfo endpoint's answer: HTTP 200, a JSON object, and `sub` equal to the ID
/// token's. Returns the whole object.
///
/// # Errors
/// `ERR_OAUTH_USERINFO_ERROR` with the status (and, for 401, the `WWW-Authenticate` header's
/// `error` and `error_description`); with claim `sub` and reason `sub_mismatch` when the
/// response is about another user.
pub fn check_userinfo_response(
    status: u16,
    www_authenticate: Option<&str>,
    body: &str,
    expected_sub: &str,
) -> Result<Map<String, Value>> {
    if status != 200 {
        let mut detail = www_authenticate
            .map(parse_www_authenticate)
            .unwrap_or_default();
        detail.status = Some(status);
        let error = detail
            .error
            .as_deref()
            .map_or_else(String::new, |e| format!(" {e}"));
        return Err(userinfo_error(format!(
            "the userinfo endpoint refused the request: HTTP {status}{error}"
        ))
        .with_oauth(detail));
    }
    let status_detail = OAuthDetail {
        status: Some(status),
        ..OAuthDetail::default()
    };
    let body = json::parse_object(body).map_err(|_| {
        userinfo_error("the userinfo response is not a JSON object").with_oauth(status_detail)
    })?;
    match body.get("sub") {
        Some(Value::String(sub)) if sub == expected_sub => Ok(body),
        Some(Value::String(_)) => Err(userinfo_error(
            "the userinfo response is about another user: its \"sub\" is not the ID token's",
        )
        .with_claim("sub", Reason::SubMismatch)),
        _ => Err(
            userinfo_error("the userinfo response has no \"sub\" string")
                .with_claim("sub", Reason::Missing),
        ),
    }
}

/// One postal address (`https://vocab.account.gov.uk/v1/address`). Empty strings are absent.
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Unique Property Reference Number (UK only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uprn: Option<u64>,
    /// Organisation name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub organisation_name: Option<String>,
    /// Department name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_name: Option<String>,
    /// Sub-building name (`FLAT 1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_building_name: Option<String>,
    /// Building name (also numbers with letters or ranges, `44A`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub building_name: Option<String>,
    /// Building number, a string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub building_number: Option<String>,
    /// Dependent street name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependent_street_name: Option<String>,
    /// Street name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street_name: Option<String>,
    /// Double dependent locality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub double_dependent_address_locality: Option<String>,
    /// Dependent locality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dependent_address_locality: Option<String>,
    /// Post town.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_locality: Option<String>,
    /// Region (international addresses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_region: Option<String>,
    /// Postcode.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    /// ISO 3166-1 alpha-2 country (`GB`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address_country: Option<String>,
    /// PO box number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub po_box_number: Option<String>,
    /// `YYYY-MM-DD` (One Login collects the year only: `YYYY-01-01`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// `YYYY-MM-DD`; absent on the current address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Whether this is the current address: without `validUntil` and, of several such, the
    /// latest `validFrom` (array order means nothing).
    pub current: bool,
}

/// One passport (`https://vocab.account.gov.uk/v1/passport`).
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Passport {
    /// The passport number.
    pub document_number: String,
    /// `YYYY-MM-DD`.
    pub expiry_date: String,
    /// ICAO issuer code, up to three letters (`GBR`, `IRL`, `D`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub icao_issuer_code: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// One driving licence (`https://vocab.account.gov.uk/v1/drivingPermit`).
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrivingPermit {
    /// The driver number.
    pub personal_number: String,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expiry_date: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<String>,
    /// Issue number (DVLA only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issue_number: Option<String>,
    /// `DVLA` or `DVA`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuing_country: Option<String>,
    /// The licence's address as read (unparsed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_address: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
}

/// One return code (`https://vocab.account.gov.uk/v1/returnCode`): an opaque letter whose
/// meaning One Login gives to services on request.
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnCode {
    /// The code, e.g. `A`.
    pub code: String,
}

/// Typed views of every One Login userinfo claim; `None` when the claim was not sent.
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserinfoClaims {
    /// `sub`.
    pub sub: String,
    /// `email` (scope `email`).
    #[cfg_attr(feature = "js", tsify(type = "string | null"))]
    pub email: Option<String>,
    /// `email_verified` (always true when sent).
    #[cfg_attr(feature = "js", tsify(type = "boolean | null"))]
    pub email_verified: Option<bool>,
    /// `phone_number` (scope `phone`, only when SMS is the user's default second factor).
    #[cfg_attr(feature = "js", tsify(type = "string | null"))]
    pub phone_number: Option<String>,
    /// `phone_number_verified` (false means "default method is not SMS").
    #[cfg_attr(feature = "js", tsify(type = "boolean | null"))]
    pub phone_number_verified: Option<bool>,
    /// `wallet_subject_id` (or the older spelling `walletSubjectId`).
    #[cfg_attr(feature = "js", tsify(type = "string | null"))]
    pub wallet_subject_id: Option<String>,
    /// The addresses.
    #[cfg_attr(feature = "js", tsify(type = "Address[] | null"))]
    pub addresses: Option<Vec<Address>>,
    /// The passports.
    #[cfg_attr(feature = "js", tsify(type = "Passport[] | null"))]
    pub passports: Option<Vec<Passport>>,
    /// The driving licences.
    #[cfg_attr(feature = "js", tsify(type = "DrivingPermit[] | null"))]
    pub driving_permits: Option<Vec<DrivingPermit>>,
    /// The return codes.
    #[cfg_attr(feature = "js", tsify(type = "ReturnCode[] | null"))]
    pub return_codes: Option<Vec<ReturnCode>>,
    /// The core identity credential, unverified (see [`identity_to_verify`]).
    #[serde(skip)]
    pub core_identity_jwt: Option<String>,
}

// The names the package's types give these views.
#[cfg(feature = "js")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const VIEW_NAMES_TS: &str = r#"
/** Typed views of One Login's userinfo claims; `null` when not sent. */
export type UserinfoViews = UserinfoClaims;
/** One postal address of the `address` claim. */
export type PostalAddress = Address;
/** A verified identity: the person and every claim of the credential. */
export type SignInIdentity = IdentityView;
"#;

fn malformed(claim: &'static str, detail: &str) -> Error {
    let short = UserinfoClaim::short_name(claim);
    userinfo_error(format!(
        "the userinfo claim {short:?} is malformed: {detail}"
    ))
    .with_claim(claim, Reason::Invalid)
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// Reads one object's members for a claim's error messages.
struct Entry<'a> {
    claim: &'static str,
    map: &'a Map<String, Value>,
}

impl Entry<'_> {
    /// A string member; `""` counts as absent (One Login sends empty address fields).
    fn text(&self, name: &str) -> Result<Option<String>> {
        match self.map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(malformed(self.claim, &format!("{name:?} must be a string"))),
        }
    }

    fn required(&self, name: &str) -> Result<String> {
        self.text(name)?
            .ok_or_else(|| malformed(self.claim, &format!("{name:?} is required")))
    }

    fn date(&self, name: &str) -> Result<Option<String>> {
        match self.text(name)? {
            Some(d) if !is_date(&d) => Err(malformed(
                self.claim,
                &format!("{name:?} must be a YYYY-MM-DD date"),
            )),
            other => Ok(other),
        }
    }
}

/// The entries of an array-of-objects claim, or `None` when absent.
fn entries<'a>(
    userinfo: &'a Map<String, Value>,
    claim: &'static str,
) -> Result<Option<Vec<Entry<'a>>>> {
    match userinfo.get(claim) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::Object(map) => Ok(Entry { claim, map }),
                _ => Err(malformed(claim, "every entry must be an object")),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some),
        Some(_) => Err(malformed(claim, "it must be an array")),
    }
}

fn address(e: &Entry<'_>) -> Result<Address> {
    let uprn = match e.map.get("uprn") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) if (1..=999_999_999_999).contains(&n) => Some(n),
            _ => {
                return Err(malformed(
                    e.claim,
                    "\"uprn\" must be a whole number 1 to 999999999999",
                ))
            }
        },
        Some(_) => return Err(malformed(e.claim, "\"uprn\" must be a number")),
    };
    Ok(Address {
        uprn,
        organisation_name: e.text("organisationName")?,
        department_name: e.text("departmentName")?,
        sub_building_name: e.text("subBuildingName")?,
        building_name: e.text("buildingName")?,
        building_number: e.text("buildingNumber")?,
        dependent_street_name: e.text("dependentStreetName")?,
        street_name: e.text("streetName")?,
        double_dependent_address_locality: e.text("doubleDependentAddressLocality")?,
        dependent_address_locality: e.text("dependentAddressLocality")?,
        address_locality: e.text("addressLocality")?,
        address_region: e.text("addressRegion")?,
        postal_code: e.text("postalCode")?,
        address_country: e.text("addressCountry")?,
        po_box_number: e.text("poBoxNumber")?,
        valid_from: e.date("validFrom")?,
        valid_until: e.date("validUntil")?,
        current: false,
    })
}

/// Mark the current address: of those without `validUntil`, the latest `validFrom` (one
/// without `validFrom` ranks lowest; on a tie, the first).
fn mark_current(addresses: &mut [Address]) {
    let mut best: Option<(usize, Option<&str>)> = None;
    for (i, a) in addresses.iter().enumerate() {
        if a.valid_until.is_some() {
            continue;
        }
        let from = a.valid_from.as_deref();
        if best.is_none_or(|(_, b)| from > b) {
            best = Some((i, from));
        }
    }
    let index = best.map(|(i, _)| i);
    if let Some(a) = index.and_then(|i| addresses.get_mut(i)) {
        a.current = true;
    }
}

fn optional<T>(
    userinfo: &Map<String, Value>,
    claim: &'static str,
    read: fn(&Entry<'_>) -> Result<T>,
) -> Result<Option<Vec<T>>> {
    entries(userinfo, claim)?
        .map(|list| list.iter().map(read).collect())
        .transpose()
}

fn top_string(userinfo: &Map<String, Value>, name: &'static str) -> Result<Option<String>> {
    Entry {
        claim: name,
        map: userinfo,
    }
    .text(name)
    .map_err(|_| malformed(name, "it must be a string"))
}

fn top_bool(userinfo: &Map<String, Value>, name: &'static str) -> Result<Option<bool>> {
    match userinfo.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(malformed(name, "it must be a boolean")),
    }
}

/// Read every One Login claim of a (checked) userinfo response into its typed view.
///
/// # Errors
/// `ERR_OAUTH_USERINFO_ERROR` naming the claim (reason `invalid`) when one is malformed.
pub fn userinfo_claims(userinfo: &Map<String, Value>) -> Result<UserinfoClaims> {
    let mut addresses = optional(userinfo, UserinfoClaim::Address.uri(), address)?;
    if let Some(list) = addresses.as_mut() {
        mark_current(list);
    }
    let wallet_subject_id = match top_string(userinfo, "wallet_subject_id")? {
        Some(id) => Some(id),
        None => top_string(userinfo, "walletSubjectId")?,
    };
    Ok(UserinfoClaims {
        sub: top_string(userinfo, "sub")?.unwrap_or_default(),
        email: top_string(userinfo, "email")?,
        email_verified: top_bool(userinfo, "email_verified")?,
        phone_number: top_string(userinfo, "phone_number")?,
        phone_number_verified: top_bool(userinfo, "phone_number_verified")?,
        wallet_subject_id,
        addresses,
        passports: optional(userinfo, UserinfoClaim::Passport.uri(), |e| {
            Ok(Passport {
                document_number: e.required("documentNumber")?,
                expiry_date: e
                    .date("expiryDate")?
                    .ok_or_else(|| malformed(e.claim, "\"expiryDate\" is required"))?,
                icao_issuer_code: e.text("icaoIssuerCode")?,
                issue_date: e.date("issueDate")?,
                valid_from: e.date("validFrom")?,
                valid_until: e.date("validUntil")?,
            })
        })?,
        driving_permits: optional(userinfo, UserinfoClaim::DrivingPermit.uri(), |e| {
            Ok(DrivingPermit {
                personal_number: e.required("personalNumber")?,
                expiry_date: e.date("expiryDate")?,
                issue_date: e.date("issueDate")?,
                issue_number: e.text("issueNumber")?,
                issued_by: e.text("issuedBy")?,
                issuing_country: e.text("issuingCountry")?,
                full_address: e.text("fullAddress")?,
                valid_from: e.date("validFrom")?,
                valid_until: e.date("validUntil")?,
            })
        })?,
        return_codes: optional(userinfo, UserinfoClaim::ReturnCode.uri(), |e| {
            Ok(ReturnCode {
                code: e.required("code")?,
            })
        })?,
        core_identity_jwt: top_string(userinfo, UserinfoClaim::CoreIdentityJwt.uri())?,
    })
}

/// The core identity credential to verify, if any: `Some` when it arrived and an identity
/// level was requested; `None` when it did not arrive (the identity is then absent, never
/// assumed).
///
/// # Errors
/// `ERR_OAUTH_USERINFO_ERROR` naming the claim when a credential arrived although the sign-in
/// asked for no identity level (there is nothing to check its `vot` against);
/// `ERR_INVALID_ARGUMENT` for a transaction whose `vtr` does not parse.
pub fn identity_to_verify<'a>(
    claims: &'a UserinfoClaims,
    transaction: &Transaction,
) -> Result<Option<&'a str>> {
    let Some(jwt) = claims.core_identity_jwt.as_deref() else {
        return Ok(None);
    };
    if transaction.levels_of_confidence()?.is_empty() {
        return Err(userinfo_error(
            "a core identity credential arrived although this sign-in requested no identity level (P1-P3)",
        )
        .with_claim(UserinfoClaim::CoreIdentityJwt.uri(), Reason::CheckFailed));
    }
    Ok(Some(jwt))
}

/// Who a sign-in's core identity credential is checked against.
#[derive(Debug, Clone, PartialEq)]
pub struct IdentityContext {
    /// The identity issuer (`iss` of the credential).
    pub identity_issuer: String,
    /// Your client ID.
    pub client_id: String,
    /// The environment's DID (`did:web:…`); the DID document's `id` must equal it.
    pub did_id: Option<String>,
    /// The verified ID token's `sub`.
    pub sub: String,
    /// The current time, Unix seconds.
    pub now: f64,
    /// Allowed clock skew, seconds.
    pub clock_tolerance: f64,
}

/// Verify a sign-in's core identity credential: the DID document must be the environment's,
/// `sub` the ID token's, and `vot` one of the levels the transaction's `vtr` requested.
///
/// # Errors
/// `ERR_JWKS_INVALID` for another DID's document; those of [`verify_core_identity`].
pub fn verify_sign_in_identity(
    jwt: &str,
    did: &DidDocument,
    transaction: &Transaction,
    context: &IdentityContext,
) -> Result<CoreIdentityClaims> {
    if let Some(did_id) = context.did_id.as_deref() {
        did.check_id(did_id)?;
    }
    let options = CoreIdentityOptions {
        issuer: context.identity_issuer.clone(),
        client_id: context.client_id.clone(),
        sub: context.sub.clone(),
        levels_of_confidence: transaction.levels_of_confidence()?,
        now: context.now,
        clock_tolerance: context.clock_tolerance,
    };
    verify_core_identity(jwt, did, &options)
}

/// A verified identity as the sign-in returns it: the person (see [`Identity`]) and every
/// claim of the credential.
#[cfg_attr(feature = "js", derive(tsify::Tsify))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityView {
    /// Names, dates of birth and the level reached.
    #[serde(flatten)]
    pub identity: Identity,
    /// Every claim of the credential.
    #[cfg_attr(feature = "js", tsify(type = "CoreIdentityClaims"))]
    pub claims: Map<String, Value>,
}

impl From<&CoreIdentityClaims> for IdentityView {
    fn from(c: &CoreIdentityClaims) -> Self {
        IdentityView {
            identity: Identity::new(&c.names, &c.birth_dates, Some(c.vot)),
            claims: c.claims.clone(),
        }
    }
}
