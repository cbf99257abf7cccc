//! Vectors of trust (`vtr` in the request, `vot` in the tokens).
//!
//! A requested `vtr` is a JSON array of vectors such as `["Cl.Cm.P2"]`; each vector has
//! credential-trust components (`Cl`, `Cm`) and at most one level of confidence (`P0`–`P3`).
//! The ID token's `vot` carries only the credential-trust part of the *lowest* requested
//! vector, and the core identity credential's `vot` carries the level of confidence. The
//! parsing rules follow One Login's own (`VectorOfTrust.parseVtrSet` in
//! govuk-one-login/authentication-api): components sorted so `Cm.Cl` means `Cl.Cm`, at most
//! one `P`, identity needs `Cl.Cm`, and identity and non-identity vectors cannot be mixed.
//! One Login silently ignores components it does not know; we refuse them, since a typo in
//! the caller's own `vtr` would otherwise change what is checked.

use crate::error::{Error, Result};
use crate::json;
use serde_json::Value;

/// The credential-trust (authentication) level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CredentialTrust {
    /// `Cl`: password only (low).
    Low,
    /// `Cl.Cm`: password and a second factor (medium); One Login's default.
    Medium,
}

impl CredentialTrust {
    /// The `vot` string: `Cl` or `Cl.Cm`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CredentialTrust::Low => "Cl",
            CredentialTrust::Medium => "Cl.Cm",
        }
    }
}

crate::lists::named_list! {
    /// The identity level of confidence. The docs describe `P0`–`P2`; One Login also knows `P3`.
    #[derive(PartialOrd, Ord)]
    pub enum LevelOfConfidence as "LevelOfConfidence", "An identity level of confidence (`vot` of a core identity credential; `P0`: none)." {
        /// `P0`: no identity.
        P0 = "P0",
        /// `P1`: low confidence.
        P1 = "P1",
        /// `P2`: medium confidence, the usual requirement.
        P2 = "P2",
        /// `P3`: high confidence.
        P3 = "P3",
    }
}

impl LevelOfConfidence {
    /// Parse one of [`LevelOfConfidence::NAMES`].
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for anything else.
    pub fn from_name(name: &str) -> Result<LevelOfConfidence> {
        LevelOfConfidence::named(name).ok_or_else(|| {
            Error::option(
                "vtr",
                format!(
                    "unknown level of confidence {}: expected {}",
                    crate::error::shown(name),
                    crate::lists::in_words(LevelOfConfidence::NAMES)
                ),
            )
        })
    }

    fn is_identity(self) -> bool {
        self != LevelOfConfidence::P0
    }

    /// The levels a core identity credential may carry, from the `vtr` sent: P2 when none was
    /// given (the level One Login's services usually ask for), else the `vtr`'s identity levels.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` (option `vtr`) for an unusable `vtr`, or one that asks for no
    /// identity (then no credential is expected at all).
    pub fn requested(vtr: Option<&str>) -> Result<Vec<LevelOfConfidence>> {
        let Some(vtr) = vtr else {
            return Ok(vec![LevelOfConfidence::P2]);
        };
        let levels = Vtr::parse(vtr)?.levels_of_confidence();
        if levels.is_empty() {
            return Err(Error::option(
                "vtr",
                "\"vtr\" requests no identity (P1-P3), so no core identity credential is expected",
            ));
        }
        Ok(levels)
    }
}

/// One vector of trust.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VectorOfTrust {
    /// The vector exactly as the caller wrote it (sent back unchanged in requests).
    pub text: String,
    /// Its credential-trust part.
    pub credential_trust: CredentialTrust,
    /// Its level of confidence, if it has one.
    pub level_of_confidence: Option<LevelOfConfidence>,
}

impl VectorOfTrust {
    /// Parse one vector such as `Cl.Cm.P2`.
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for unknown or repeated components, more than one level of
    /// confidence, or an identity level with only `Cl`.
    pub fn parse(text: &str) -> Result<VectorOfTrust> {
        let invalid = |why: &str| {
            Error::option(
                "vtr",
                format!(
                    "invalid vector of trust {}: {why}",
                    crate::error::shown(text)
                ),
            )
        };
        let mut credential = Vec::new();
        let mut level = None;
        for component in text.split('.') {
            match component {
                "Cl" | "Cm" if !credential.contains(&component) => credential.push(component),
                "Cl" | "Cm" => return Err(invalid("a component is repeated")),
                p if p.starts_with('P') => {
                    if level.is_some() {
                        return Err(invalid("at most one level of confidence is allowed"));
                    }
                    level = Some(
                        LevelOfConfidence::from_name(p)
                            .map_err(|_| invalid("levels of confidence are P0, P1, P2 and P3"))?,
                    );
                }
                _ => return Err(invalid("components are Cl, Cm and P0 to P3")),
            }
        }
        // No component repeats (refused above), so `credential` is Cl, Cm or both, in any order.
        let credential_trust = match (credential.contains(&"Cl"), credential.contains(&"Cm")) {
            (true, false) => CredentialTrust::Low,
            (true, true) => CredentialTrust::Medium,
            _ => return Err(invalid("credential trust must be Cl or Cl.Cm")),
        };
        if credential_trust == CredentialTrust::Low
            && level.is_some_and(LevelOfConfidence::is_identity)
        {
            return Err(invalid("proving identity needs Cl.Cm"));
        }
        Ok(VectorOfTrust {
            text: text.to_owned(),
            credential_trust,
            level_of_confidence: level,
        })
    }

    fn is_identity(&self) -> bool {
        self.level_of_confidence
            .is_some_and(LevelOfConfidence::is_identity)
    }

    // One Login's order: by level of confidence (none first), then by credential trust.
    fn rank(&self) -> (Option<LevelOfConfidence>, CredentialTrust) {
        (self.level_of_confidence, self.credential_trust)
    }
}

/// A requested `vtr`: one or more vectors of trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vtr {
    vectors: Vec<VectorOfTrust>,
}

impl Default for Vtr {
    /// What One Login assumes when no `vtr` is sent: `Cl.Cm`.
    fn default() -> Self {
        Vtr {
            vectors: vec![VectorOfTrust {
                text: "Cl.Cm".to_owned(),
                credential_trust: CredentialTrust::Medium,
                level_of_confidence: None,
            }],
        }
    }
}

impl Vtr {
    /// Parse a `vtr` as sent (`["Cl.Cm.P2"]`, a JSON array of strings) or as a single vector
    /// (`Cl.Cm.P2`).
    ///
    /// # Errors
    /// `ERR_INVALID_ARGUMENT` for invalid JSON, an empty array, an invalid vector, or a mix of
    /// identity and non-identity vectors.
    pub fn parse(vtr: &str) -> Result<Vtr> {
        let vectors = if vtr.trim_start().starts_with('[') {
            let Ok(Value::Array(items)) = json::parse_value(vtr) else {
                return Err(Error::option(
                    "vtr",
                    "\"vtr\" must be a JSON array of strings",
                ));
            };
            items
                .iter()
                .map(|item| match item {
                    Value::String(s) => VectorOfTrust::parse(s),
                    _ => Err(Error::option(
                        "vtr",
                        "\"vtr\" must be a JSON array of strings",
                    )),
                })
                .collect::<Result<Vec<_>>>()?
        } else {
            vec![VectorOfTrust::parse(vtr)?]
        };
        if vectors.is_empty() {
            return Err(Error::option(
                "vtr",
                "\"vtr\" must name at least one vector",
            ));
        }
        let identity = vectors.iter().filter(|v| v.is_identity()).count();
        if identity != 0 && identity != vectors.len() {
            return Err(Error::option(
                "vtr",
                "\"vtr\" cannot mix identity and non-identity vectors",
            ));
        }
        Ok(Vtr { vectors })
    }

    /// The vectors, in the order given.
    pub fn vectors(&self) -> &[VectorOfTrust] {
        &self.vectors
    }

    /// The vector One Login acts on: the lowest by its ordering.
    pub fn lowest(&self) -> Option<&VectorOfTrust> {
        self.vectors.iter().min_by_key(|v| v.rank())
    }

    /// The `vot` the ID token must carry: the credential-trust part of the lowest vector
    /// (`["Cl.Cm.P2"]` gives `Cl.Cm`).
    pub fn expected_vot(&self) -> CredentialTrust {
        self.lowest()
            .map_or(CredentialTrust::Medium, |v| v.credential_trust)
    }

    /// The identity levels requested (`P1`–`P3`), lowest first, without repeats. A core
    /// identity credential's `vot` must be one of them. Empty when no identity was requested.
    pub fn levels_of_confidence(&self) -> Vec<LevelOfConfidence> {
        // Each identity level once, lowest first (declaration order), without a sort.
        LevelOfConfidence::ALL
            .iter()
            .copied()
            .filter(|&level| {
                level.is_identity()
                    && self
                        .vectors
                        .iter()
                        .any(|v| v.level_of_confidence == Some(level))
            })
            .collect()
    }

    /// The request parameter form: a compact JSON array of the vectors as written.
    pub fn to_request_parameter(&self) -> String {
        let texts: Vec<Value> = self
            .vectors
            .iter()
            .map(|v| Value::String(v.text.clone()))
            .collect();
        Value::Array(texts).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn vot(vtr: &str) -> Option<&'static str> {
        Vtr::parse(vtr).ok().map(|v| v.expected_vot().as_str())
    }

    #[test]
    fn credential_trust_part() {
        assert_eq!(vot(r#"["Cl.Cm.P2"]"#), Some("Cl.Cm"));
        assert_eq!(vot("Cl.Cm.P2"), Some("Cl.Cm"));
        assert_eq!(vot("Cm.Cl"), Some("Cl.Cm"));
        assert_eq!(vot("P2.Cm.Cl"), Some("Cl.Cm"));
        assert_eq!(vot(r#"["Cl"]"#), Some("Cl"));
        assert_eq!(vot(r#" [ "Cl.Cm" , "Cl" ] "#), Some("Cl"));
        assert_eq!(vot(r#"["Cl.Cm.P2","Cl.Cm.P1"]"#), Some("Cl.Cm"));
        assert_eq!(Vtr::default().expected_vot(), CredentialTrust::Medium);
    }

    #[test]
    fn lowest_follows_one_login_order() {
        let v = Vtr::parse(r#"["Cl.Cm.P2","Cl.Cm.P1"]"#);
        assert_eq!(
            v.as_ref()
                .ok()
                .and_then(|v| v.lowest())
                .map(|l| l.text.as_str()),
            Some("Cl.Cm.P1")
        );
        assert_eq!(
            v.map(|v| v.levels_of_confidence()),
            Ok(vec![LevelOfConfidence::P1, LevelOfConfidence::P2])
        );
        assert_eq!(
            Vtr::parse("Cl.Cm").map(|v| v.levels_of_confidence()),
            Ok(vec![])
        );
    }

    #[test]
    fn invalid_vtrs() {
        for bad in [
            "",
            "[]",
            "[1]",
            "[\"Cl.Cm\"",
            "{}",
            "Cm",
            "Cl.P2",
            "Cl.Cl",
            "Cl.Cm.P2.P1",
            "Cl.Cm.P4",
            "Cl.Cm.X",
            "cl.cm",
            " Cl.Cm",
            "Cl.Cm.",
            r#"["Cl.Cm.P2","Cl.Cm"]"#,
            r#"["Cl.Cm.P2","Cl.Cm","Cl.Cm"]"#,
        ] {
            assert_eq!(
                Vtr::parse(bad).err().map(|e| e.code()),
                Some(ErrorCode::InvalidArgument),
                "{bad}"
            );
        }
        // P0 is not identity, so it mixes with plain vectors and allows Cl.
        assert!(Vtr::parse(r#"["Cl.P0","Cl.Cm"]"#).is_ok());
    }

    #[test]
    fn request_parameter_keeps_the_vectors() {
        assert_eq!(
            Vtr::parse("Cm.Cl.P2").map(|v| v.to_request_parameter()),
            Ok(r#"["Cm.Cl.P2"]"#.to_owned())
        );
    }
}
