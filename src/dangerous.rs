//! Decoding without verification. Nothing a function here returns can be trusted: use it to
//! display or debug a token, never to decide anything about a user.
//!
//! ```
//! let token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2ln";
//! let decoded = govuk_one_login_tokens::dangerous::decode(token, 65536)?;
//! assert_eq!(decoded.claims["sub"], "user"); // unverified
//! # Ok::<(), govuk_one_login_tokens::Error>(())
//! ```

pub use crate::jwt::{decode_unverified as decode, UnverifiedJwt};
