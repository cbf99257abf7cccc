//! JavaScript option objects into the core's option structs (`crate::options`), through serde.
//!
//! serde-wasm-bindgen's struct reader looks up only the members a struct declares, so a
//! misspelled member is never seen, and it reads `undefined` like `null` (which would turn
//! `nonce: undefined` into the explicit "no nonce was sent"). This deserializer walks the
//! object's own members instead, so `deny_unknown_fields` refuses unknown ones; skips members
//! whose value is `undefined` (absent, as in JSON); and reports a wrong type without echoing
//! the value (it may be a token or a secret).

use crate::error::Error;
use js_sys::{Array, Object};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

// Reading a member can run the caller's code (a getter, a Proxy trap), which may throw; a JS
// exception must never unwind through wasm frames (it would skip destructors and leave a
// borrowed key set borrowed), so every such read is a `catch` import that returns the error.
#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Object, js_name = entries, catch)]
    fn object_entries(object: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    fn array_from(items: &JsValue) -> Result<Array, JsValue>;
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    fn array_is_array(value: &JsValue) -> Result<bool, JsValue>;
}

fn is_array(value: &JsValue) -> bool {
    array_is_array(value).unwrap_or(false)
}

fn unreadable() -> OptionError {
    OptionError::message("could not be read (a getter or proxy threw)".to_owned())
}

/// Objects nested deeper than this are refused (a JSON document such as a `claims` request
/// needs a handful of levels; the core's JSON parser caps at 32 as well).
const MAX_DEPTH: u32 = 32;

/// Read `value` (an options object, `undefined` or `null`) as `T`.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` naming the member: unknown (with the nearest known name), of the
/// wrong type (with the expected type), or nested too deep.
pub(crate) fn from_js<T: DeserializeOwned>(value: Option<JsValue>) -> Result<T, Error> {
    let value = match value {
        Some(v) if !v.is_undefined() && !v.is_null() => v,
        _ => Object::new().into(),
    };
    if !is_plain_object(&value) {
        return Err(Error::option("options", "options must be an object"));
    }
    T::deserialize(JsDe { value, depth: 0 }).map_err(|e| match e {
        OptionError::Unknown {
            path,
            field,
            expected,
        } => unknown_member(&path, &field, expected),
        OptionError::Message { path, text } => {
            let name = if path.is_empty() {
                "options".to_owned()
            } else {
                path.join(".")
            };
            Error::option(name.clone(), format!("option \"{name}\": {text}"))
        }
    })
}

/// `path` is where the unknown member sits (its parents' names).
fn unknown_member(path: &[String], field: &str, expected: &'static [&'static str]) -> Error {
    let full = path
        .iter()
        .map(String::as_str)
        .chain([field])
        .collect::<Vec<_>>()
        .join(".");
    let hint = crate::options::nearest_name(field, expected)
        .map(|known| format!("; did you mean \"{known}\"?"))
        .unwrap_or_default();
    Error::option(full.clone(), format!("unknown option \"{full}\"{hint}"))
}

fn is_plain_object(value: &JsValue) -> bool {
    value.is_object()
        && !is_array(value)
        && !value.is_function()
        && value.dyn_ref::<js_sys::Uint8Array>().is_none()
}

/// Why reading options failed, and where: `path` holds the names of the members around the
/// failure, outermost first (filled in as the error leaves each object).
#[derive(Debug)]
enum OptionError {
    /// A member the struct does not declare.
    Unknown {
        path: Vec<String>,
        field: String,
        expected: &'static [&'static str],
    },
    /// Anything else, in words.
    Message { path: Vec<String>, text: String },
}

impl OptionError {
    fn message(text: impl Into<String>) -> Self {
        OptionError::Message {
            path: Vec::new(),
            text: text.into(),
        }
    }

    /// The same error, one member further in.
    fn within(mut self, member: &str) -> Self {
        let (OptionError::Unknown { path, .. } | OptionError::Message { path, .. }) = &mut self;
        path.insert(0, member.to_owned());
        self
    }
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OptionError::Unknown { field, .. } => write!(f, "unknown option \"{field}\""),
            OptionError::Message { text, .. } => f.write_str(text),
        }
    }
}

impl std::error::Error for OptionError {}

impl de::Error for OptionError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        OptionError::message(msg.to_string())
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        OptionError::Unknown {
            path: Vec::new(),
            field: field.to_owned(),
            expected,
        }
    }

    // The value is left out on purpose: it may be a token, a code or a secret.
    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        OptionError::message(format!(
            "expected {}, got {}",
            in_words(expected),
            kind_of(&unexpected)
        ))
    }

    fn invalid_value(_: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        OptionError::message(format!("expected {}", in_words(expected)))
    }
}

/// serde's name for an expected Rust type, in JavaScript's words.
fn in_words(expected: &dyn de::Expected) -> String {
    let rust = expected.to_string();
    match rust.as_str() {
        "f32" | "f64" | "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" => {
            "a number".to_owned()
        }
        "a sequence" => "an array".to_owned(),
        "a map" => "an object".to_owned(),
        _ => rust,
    }
}

fn kind_of(unexpected: &de::Unexpected<'_>) -> &'static str {
    match unexpected {
        de::Unexpected::Bool(_) => "a boolean",
        de::Unexpected::Unsigned(_) | de::Unexpected::Signed(_) | de::Unexpected::Float(_) => {
            "a number"
        }
        de::Unexpected::Char(_) | de::Unexpected::Str(_) => "a string",
        de::Unexpected::Unit | de::Unexpected::Option => "null",
        de::Unexpected::Seq => "an array",
        de::Unexpected::Map => "an object",
        _ => "another kind of value",
    }
}

/// One JavaScript value being read.
struct JsDe {
    value: JsValue,
    depth: u32,
}

impl JsDe {
    fn unexpected(&self) -> de::Unexpected<'static> {
        if self.value.is_null() || self.value.is_undefined() {
            de::Unexpected::Unit
        } else if let Some(b) = self.value.as_bool() {
            de::Unexpected::Bool(b)
        } else if let Some(n) = self.value.as_f64() {
            de::Unexpected::Float(n)
        } else if self.value.is_string() {
            de::Unexpected::Str("")
        } else if is_array(&self.value) {
            de::Unexpected::Seq
        } else if is_plain_object(&self.value) {
            de::Unexpected::Map
        } else {
            de::Unexpected::Other("a value")
        }
    }

    fn nested(&self, value: JsValue) -> Result<JsDe, OptionError> {
        if self.depth >= MAX_DEPTH {
            return Err(OptionError::message(format!(
                "nested deeper than {MAX_DEPTH} levels"
            )));
        }
        Ok(JsDe {
            value,
            depth: self.depth + 1,
        })
    }

    fn number<'de, V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        let Some(n) = self.value.as_f64() else {
            return Err(de::Error::invalid_type(self.unexpected(), &visitor));
        };
        // A whole number that fits is offered as an integer, so integer fields accept it.
        if n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_991.0 {
            if n >= 0.0 {
                visitor.visit_u64(n as u64)
            } else {
                visitor.visit_i64(n as i64)
            }
        } else {
            visitor.visit_f64(n)
        }
    }
}

macro_rules! numbers {
    ($($method:ident),*) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
            self.number(visitor)
        })*
    };
}

impl JsDe {
    /// The value as a string, refused by [`crate::limits::MAX_OPTION_STRING_SIZE`] before it is
    /// copied into wasm memory (measured in UTF-16 code units, each at least one UTF-8 byte).
    fn string(&self) -> Result<Option<String>, OptionError> {
        let Some(s) = self.value.dyn_ref::<js_sys::JsString>() else {
            return Ok(None);
        };
        let cap = crate::limits::MAX_OPTION_STRING_SIZE;
        if s.length() as usize > cap {
            return Err(OptionError::message(format!(
                "longer than {cap} characters"
            )));
        }
        Ok(Some(String::from(s)))
    }
}

impl<'de> de::Deserializer<'de> for JsDe {
    type Error = OptionError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        if self.value.is_null() || self.value.is_undefined() {
            visitor.visit_unit()
        } else if let Some(b) = self.value.as_bool() {
            visitor.visit_bool(b)
        } else if self.value.as_f64().is_some() {
            self.number(visitor)
        } else if let Some(s) = self.string()? {
            visitor.visit_string(s)
        } else if is_array(&self.value) {
            self.deserialize_seq(visitor)
        } else if is_plain_object(&self.value) {
            self.deserialize_map(visitor)
        } else {
            Err(OptionError::message("expected a JSON value".to_owned()))
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        match self.value.as_bool() {
            Some(b) => visitor.visit_bool(b),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    numbers!(
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_f32,
        deserialize_f64
    );

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        match self.string()? {
            Some(s) => visitor.visit_string(s),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        Err(de::Error::invalid_type(self.unexpected(), &visitor))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        Err(de::Error::invalid_type(self.unexpected(), &visitor))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        if self.value.is_null() || self.value.is_undefined() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        if self.value.is_null() || self.value.is_undefined() {
            visitor.visit_unit()
        } else {
            Err(de::Error::invalid_type(self.unexpected(), &visitor))
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, OptionError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, OptionError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        if !is_array(&self.value) {
            return Err(de::Error::invalid_type(self.unexpected(), &visitor));
        }
        let items = array_from(&self.value).map_err(|_| unreadable())?;
        visitor.visit_seq(Items {
            parent: self,
            items,
            index: 0,
        })
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, OptionError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, OptionError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        if !is_plain_object(&self.value) {
            return Err(de::Error::invalid_type(self.unexpected(), &visitor));
        }
        let entries = object_entries(&self.value).map_err(|_| unreadable())?;
        visitor.visit_map(Members {
            parent: self,
            entries,
            index: 0,
            key: String::new(),
            value: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, OptionError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, OptionError> {
        match self.value.as_string() {
            Some(s) => visitor.visit_enum(s.into_deserializer()),
            None => Err(de::Error::invalid_type(self.unexpected(), &visitor)),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        self.deserialize_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, OptionError> {
        visitor.visit_unit()
    }
}

/// An object's own enumerable members, in order; members whose value is `undefined` are
/// absent.
struct Members {
    parent: JsDe,
    entries: Array,
    index: u32,
    key: String,
    value: Option<JsValue>,
}

impl<'de> MapAccess<'de> for Members {
    type Error = OptionError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, OptionError> {
        while self.index < self.entries.length() {
            let entry = Array::from(&self.entries.get(self.index));
            self.index += 1;
            let value = entry.get(1);
            if value.is_undefined() {
                continue;
            }
            self.key = entry.get(0).as_string().unwrap_or_default();
            self.value = Some(value);
            return seed
                .deserialize(self.key.as_str().into_deserializer())
                .map(Some);
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, OptionError> {
        let value = self.value.take().unwrap_or(JsValue::UNDEFINED);
        self.parent
            .nested(value)
            .and_then(|member| seed.deserialize(member))
            .map_err(|e| e.within(&self.key))
    }
}

/// An array's items.
struct Items {
    parent: JsDe,
    items: Array,
    index: u32,
}

impl<'de> SeqAccess<'de> for Items {
    type Error = OptionError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, OptionError> {
        if self.index >= self.items.length() {
            return Ok(None);
        }
        let item = self.items.get(self.index);
        self.index += 1;
        seed.deserialize(self.parent.nested(item)?).map(Some)
    }
}
