//! The keys the host's signature arithmetic uses, named by small integers: the core asks the
//! host about a signature with the key's number, and the host keeps its own key object (Node's
//! `KeyObject`, WebCrypto's `CryptoKey`) per number, asking for the key's canonical JWK text
//! (`hostKeyJwk`) only the first time it sees that number. A number always names the same key:
//! numbers are never reused, so a host's table can never answer for a different key.

use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// One Login publishes a handful of keys; the cap only bounds a process fed many key sets. A
/// key dropped from the table gets a new number when it is next seen.
const MAX_KEYS: usize = 64;

struct Registry {
    next: u32,
    keys: Vec<(u32, String)>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = const { RefCell::new(Registry { next: 1, keys: Vec::new() }) };
}

/// The number of the key with this canonical JWK text, or `None` when numbers have run out
/// (after four billion distinct keys: the core's own arithmetic decides then).
pub(super) fn key_number(canonical_jwk: &str) -> Option<u32> {
    REGISTRY.with(|registry| {
        let mut registry = registry.try_borrow_mut().ok()?;
        let wanted = canonical_jwk.as_bytes();
        if let Some((number, _)) = registry
            .keys
            .iter()
            .find(|(_, t)| same(t.as_bytes(), wanted))
        {
            return Some(*number);
        }
        let number = registry.next;
        registry.next = number.checked_add(1)?;
        if registry.keys.len() >= MAX_KEYS {
            registry.keys.remove(0);
        }
        registry.keys.push((number, canonical_jwk.to_owned()));
        Some(number)
    })
}

/// Byte equality eight bytes at a time: the slice comparison compiles to a byte-by-byte loop in
/// wasm, and a key's text (hundreds of bytes) is compared on every signature.
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (a_words, b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let tails_equal = a_words.remainder() == b_words.remainder();
    tails_equal && a_words.zip(b_words).all(|(x, y)| word(x) == word(y))
}

/// Eight bytes as one number (every chunk of `chunks_exact(8)` has eight).
fn word(bytes: &[u8]) -> u64 {
    <[u8; 8]>::try_from(bytes).map_or(0, u64::from_le_bytes)
}

/// The canonical JWK text of key `number` (`undefined` once it has left the table).
#[wasm_bindgen(js_name = hostKeyJwk, skip_typescript)]
pub fn host_key_jwk(number: u32) -> Option<String> {
    REGISTRY.with(|registry| {
        let registry = registry.try_borrow().ok()?;
        let found = registry.keys.iter().find(|(n, _)| *n == number);
        found.map(|(_, text)| text.clone())
    })
}
