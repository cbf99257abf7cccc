//! Generated fixtures for One Login's rules: the tests make their own keys, sign their own
//! tokens, and check that every negative fails with the expected code and claim.

mod agreement;
mod authorize;
mod client_assertion;
mod core_identity;
mod flow;
mod id_token;
mod inspect;
mod inspect_client;
mod logout;
mod security;
mod signers;
