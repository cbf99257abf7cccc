//! Strict JSON for everything that arrives from outside: token headers and payloads, JWKS and
//! DID documents.
//!
//! `JSON.parse` and `serde_json::Value` both keep the *last* of two members with the same name,
//! and other parsers keep the first; that disagreement is a known way to make two verifiers
//! read one token differently (RFC 8725 §2.6). So duplicate member names are an error here, as
//! are trailing data, invalid UTF-8, lone surrogates and nesting deeper than [`MAX_DEPTH`].

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;

/// The deepest nesting of arrays and objects accepted. One Login's deepest claim
/// (`vc.credentialSubject.name[].nameParts[].value`) is six levels down.
pub const MAX_DEPTH: usize = 32;

/// Why a document is not acceptable JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonError {
    /// The bytes are not UTF-8.
    NotUtf8,
    /// Syntax error, trailing data, an invalid escape or a number out of range.
    Syntax,
    /// An object has two members with the same name.
    DuplicateMember(String),
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep,
    /// Valid JSON, but not an object at the top.
    NotAnObject,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::NotUtf8 => f.write_str("not valid UTF-8"),
            JsonError::Syntax => f.write_str("not valid JSON"),
            JsonError::DuplicateMember(name) => write!(f, "duplicate member name \"{name}\""),
            JsonError::TooDeep => write!(f, "JSON nested deeper than {MAX_DEPTH} levels"),
            JsonError::NotAnObject => f.write_str("not a JSON object"),
        }
    }
}

// serde's error channel carries only text; these markers let us recover the variant.
const DUPLICATE_MARK: &str = "\u{0}duplicate:";
const DEPTH_MARK: &str = "\u{0}depth";

/// Parse bytes that must be a UTF-8 JSON object.
///
/// # Errors
/// See [`JsonError`].
pub fn parse_object_bytes(bytes: &[u8]) -> Result<Map<String, Value>, JsonError> {
    let text = std::str::from_utf8(bytes).map_err(|_| JsonError::NotUtf8)?;
    parse_object(text)
}

/// Parse text that must be a JSON object.
///
/// # Errors
/// See [`JsonError`].
pub fn parse_object(text: &str) -> Result<Map<String, Value>, JsonError> {
    match parse_value(text)? {
        Value::Object(map) => Ok(map),
        _ => Err(JsonError::NotAnObject),
    }
}

/// Parse any strict JSON value.
///
/// # Errors
/// See [`JsonError`].
pub fn parse_value(text: &str) -> Result<Value, JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = StrictSeed { depth: 0 }
        .deserialize(&mut de)
        .map_err(classify)?;
    de.end().map_err(|_| JsonError::Syntax)?;
    Ok(value)
}

/// Check that text is a strict JSON object without building it: the same rules as
/// [`parse_object`] (duplicates, depth, numbers, surrogates, trailing data), for callers that
/// only pass the text on (decoding for display, where the host parses it itself).
///
/// # Errors
/// See [`JsonError`].
pub fn check_object(text: &str) -> Result<(), JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let is_object = CheckSeed { depth: 0 }
        .deserialize(&mut de)
        .map_err(classify)?;
    de.end().map_err(|_| JsonError::Syntax)?;
    if is_object {
        Ok(())
    } else {
        Err(JsonError::NotAnObject)
    }
}

/// `name` as a JSON string (quoted and escaped), through the serializer the results already
/// use (a `Value`'s `Display` would link `core::fmt`'s adapter for the whole `Value` writer).
fn json_string(name: &str) -> String {
    serde_json::to_string(name).unwrap_or_default()
}

fn classify(e: serde_json::Error) -> JsonError {
    let text = e.to_string();
    if let Some(rest) = text.strip_prefix(DUPLICATE_MARK) {
        // serde_json appends " at line L column C"; the name itself is JSON-escaped by us.
        let name = rest.rsplit_once(" at line ").map_or(rest, |(n, _)| n);
        JsonError::DuplicateMember(name.to_owned())
    } else if text.starts_with(DEPTH_MARK) || text.starts_with("recursion limit exceeded") {
        JsonError::TooDeep
    } else {
        JsonError::Syntax
    }
}

/// The depth of a value inside one more array or object, refused past [`MAX_DEPTH`].
fn deeper<E: de::Error>(depth: usize) -> Result<usize, E> {
    if depth >= MAX_DEPTH {
        return Err(E::custom(DEPTH_MARK));
    }
    Ok(depth + 1)
}

struct StrictSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for StrictSeed {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(StrictVisitor { depth: self.depth })
    }
}

struct StrictVisitor {
    depth: usize,
}

impl StrictVisitor {
    fn child<E: de::Error>(&self) -> Result<StrictSeed, E> {
        deeper(self.depth).map(|depth| StrictSeed { depth })
    }
}

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        serde_json::Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            let seed = self.child()?;
            match seq.next_element_seed(seed)? {
                Some(v) => items.push(v),
                None => break,
            }
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        while let Some(key) = access.next_key::<String>()? {
            if map.contains_key(&key) {
                let shown = json_string(&key);
                return Err(de::Error::custom(format!("{DUPLICATE_MARK}{shown}")));
            }
            let value = access.next_value_seed(self.child()?)?;
            map.insert(key, value);
        }
        Ok(Value::Object(map))
    }
}

/// [`StrictSeed`]'s rules with nothing kept: yields whether the value was an object.
struct CheckSeed {
    depth: usize,
}

impl<'de> DeserializeSeed<'de> for CheckSeed {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_any(CheckVisitor { depth: self.depth })
    }
}

struct CheckVisitor {
    depth: usize,
}

impl CheckVisitor {
    fn child<E: de::Error>(&self) -> Result<CheckSeed, E> {
        deeper(self.depth).map(|depth| CheckSeed { depth })
    }
}

impl<'de> Visitor<'de> for CheckVisitor {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        if v.is_finite() {
            Ok(false)
        } else {
            Err(E::custom("number out of range"))
        }
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element_seed(self.child()?)?.is_some() {}
        Ok(false)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<bool, A::Error> {
        // Names are borrowed from the text unless they contain escapes; objects in tokens are
        // small, so a linear scan finds duplicates faster than hashing would.
        let mut names: Vec<Cow<'de, str>> = Vec::new();
        while let Some(name) = access.next_key_seed(NameSeed)? {
            if names.contains(&name) {
                let shown = json_string(&name);
                return Err(de::Error::custom(format!("{DUPLICATE_MARK}{shown}")));
            }
            access.next_value_seed(self.child()?)?;
            names.push(name);
        }
        Ok(true)
    }
}

/// A member name, borrowed from the text when it has no escapes.
struct NameSeed;

impl<'de> DeserializeSeed<'de> for NameSeed {
    type Value = Cow<'de, str>;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(NameSeed)
    }
}

impl<'de> Visitor<'de> for NameSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn accepts_plain_objects() {
        let map = parse_object(r#" {"a":1,"b":[true,null,"x"],"c":{"d":1.5}} "#);
        assert!(map.is_ok_and(|m| m.len() == 3));
    }

    #[test]
    fn refuses_duplicate_members_even_when_escaped() {
        assert_eq!(
            parse_object(r#"{"alg":"ES256","alg":"none"}"#),
            Err(JsonError::DuplicateMember("\"alg\"".into()))
        );
        assert!(matches!(
            parse_object(r#"{"a":1,"\u0061":2}"#),
            Err(JsonError::DuplicateMember(_))
        ));
        assert!(matches!(
            parse_object(r#"{"x":{"k":1,"k":2}}"#),
            Err(JsonError::DuplicateMember(_))
        ));
    }

    #[test]
    fn refuses_trailing_data_and_non_objects() {
        assert_eq!(parse_object(r#"{"a":1}x"#), Err(JsonError::Syntax));
        assert_eq!(parse_object(r#"{"a":1}{}"#), Err(JsonError::Syntax));
        assert_eq!(parse_object("[1]"), Err(JsonError::NotAnObject));
        assert_eq!(parse_object("\"s\""), Err(JsonError::NotAnObject));
        assert_eq!(parse_object(""), Err(JsonError::Syntax));
    }

    #[test]
    fn refuses_bad_utf8_and_lone_surrogates() {
        assert_eq!(
            parse_object_bytes(b"{\"a\":\"\xff\"}"),
            Err(JsonError::NotUtf8)
        );
        assert_eq!(parse_object(r#"{"a":"\ud800"}"#), Err(JsonError::Syntax));
    }

    #[test]
    fn caps_nesting_depth() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_value(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse_value(&deep), Err(JsonError::TooDeep));
        let very_deep = format!("{{\"a\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(parse_object(&very_deep), Err(JsonError::TooDeep));
    }

    #[test]
    fn check_object_agrees_with_parse_object() {
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(40), "]".repeat(40));
        let edge = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        let at_limit = format!("{{\"a\":{edge}}}");
        let cases = [
            r#"{"a":1,"b":[true,null,"x"],"c":{"d":1.5}}"#,
            r#"{"alg":"ES256","alg":"none"}"#,
            r#"{"a":1,"\u0061":2}"#,
            r#"{"x":{"k":1,"k":2}}"#,
            r#"{"x":[{"k":1},{"k":2}]}"#,
            r#"{"a":1}x"#,
            "[1]",
            "\"s\"",
            "",
            "{}",
            r#"{"a":"\ud800"}"#,
            r#"{"a":"\ud83d\ude00"}"#,
            r#"{"exp":1e400}"#,
            r#"{"exp":-0.0,"big":18446744073709551616}"#,
            &deep,
            &at_limit,
        ];
        for text in cases {
            assert_eq!(check_object(text), parse_object(text).map(|_| ()), "{text}");
        }
    }

    #[test]
    fn refuses_out_of_range_numbers() {
        assert_eq!(parse_object(r#"{"exp":1e400}"#), Err(JsonError::Syntax));
    }
}
