//! One Login's userinfo claim vocabulary (`https://vocab.account.gov.uk/v1/`): every claim a
//! service may request, by its short name with its URI, in one list. A sign-in's `claims`
//! option, the userinfo views and the package's types all read it.

use crate::error::{Error, Result};

/// Where One Login's userinfo claim names live.
pub const VOCAB: &str = "https://vocab.account.gov.uk/v1/";

crate::lists::named_list! {
    /// A userinfo claim a service may request (they need an identity level in `vtr`).
    pub enum UserinfoClaim as "UserinfoClaim", "A userinfo claim a service may request, by its short name." {
        /// The core identity credential, a JWT (`verifyCoreIdentity` checks it).
        CoreIdentityJwt = "coreIdentityJWT" { uri: "https://vocab.account.gov.uk/v1/coreIdentityJWT" },
        /// Postal addresses.
        Address = "address" { uri: "https://vocab.account.gov.uk/v1/address" },
        /// Passports.
        Passport = "passport" { uri: "https://vocab.account.gov.uk/v1/passport" },
        /// Driving licences.
        DrivingPermit = "drivingPermit" { uri: "https://vocab.account.gov.uk/v1/drivingPermit" },
        /// Return codes.
        ReturnCode = "returnCode" { uri: "https://vocab.account.gov.uk/v1/returnCode" },
    }
    struct UserinfoClaimFacts {
        /// The full claim URI, as it is requested and as the userinfo response names it.
        uri: &'static str,
    }
}

/// A claim as a sign-in's `claims` option takes it: the short name or the full URI.
#[cfg(feature = "js")]
#[wasm_bindgen::prelude::wasm_bindgen(typescript_custom_section)]
const USERINFO_CLAIM_NAME_TS: &str = r#"
/** A userinfo claim by short name, or its full `https://vocab.account.gov.uk/v1/…` URI. */
export type UserinfoClaimName = UserinfoClaim | `https://vocab.account.gov.uk/v1/${UserinfoClaim}`;
"#;

impl UserinfoClaim {
    /// The claim with this short name or full URI.
    pub fn from_name_or_uri(name: &str) -> Option<UserinfoClaim> {
        UserinfoClaim::named(name.strip_prefix(VOCAB).unwrap_or(name))
    }

    /// The short name of a claim URI (`address`), or the URI as given when it is not
    /// One Login's.
    pub fn short_name(uri: &str) -> &str {
        uri.strip_prefix(VOCAB).unwrap_or(uri)
    }
}

/// The full claim URI of a short name (`address`) or of a full URI given as is.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` naming `claims` for anything One Login does not return in userinfo
/// (it refuses the whole request with `invalid_request` "Request contains invalid claims").
pub fn claim_uri(name: &str) -> Result<String> {
    match UserinfoClaim::from_name_or_uri(name) {
        Some(claim) => Ok(claim.uri().to_owned()),
        None => Err(Error::option(
            "claims",
            format!(
                "unknown claim {}: expected one of {} (or its full {VOCAB}… URI)",
                crate::error::shown(name),
                UserinfoClaim::NAMES.join(", ")
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uri_is_the_vocabulary_and_the_short_name() {
        for claim in UserinfoClaim::ALL {
            assert_eq!(claim.uri(), format!("{VOCAB}{claim}"));
            assert_eq!(UserinfoClaim::from_name_or_uri(claim.uri()), Some(*claim));
        }
    }
}
