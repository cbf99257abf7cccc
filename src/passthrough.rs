//! [`Passthrough`]: an option member the JavaScript wrapper reads itself, in its own module so
//! that the rules which declare such members (`options`, `onelogin::sessions`) need not import
//! each other.

use serde::de::{Deserializer, IgnoredAny};
use serde::Deserialize;

/// A member the JavaScript wrapper reads itself (a key document or a private key); accepted
/// here so that it is not an unknown option.
#[derive(Debug, Clone, Copy, Default)]
pub struct Passthrough;

impl<'de> Deserialize<'de> for Passthrough {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Passthrough)
    }
}
