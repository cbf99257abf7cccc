//! `application/x-www-form-urlencoded`, both ways: the query strings and form bodies of the
//! sign-in flow (authorize and logout URLs, token request bodies, callbacks, back-channel
//! logout bodies).

use crate::error::{Error, Result};

/// Percent-encode everything but RFC 3986's unreserved characters (so a space is `%20`, never
/// `+`, which some servers read literally).
pub(crate) fn percent_encode(value: &str, out: &mut String) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// `name=value&…`, every name and value percent-encoded.
pub(crate) fn encode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        percent_encode(name, &mut out);
        out.push('=');
        percent_encode(value, &mut out);
    }
    out
}

/// Decode one component: `+` is a space, `%XX` a byte; the bytes must be UTF-8.
///
/// A `%` must be followed by exactly two hex digits (`0-9`, `a-f`, `A-F`): `u8::from_str_radix`
/// alone would also take a sign (`%+1` as byte 0x01), where WHATWG decoders keep the text
/// literal, so the service's own parser and this one could read one callback differently.
/// Anything else after a `%` is refused rather than guessed.
///
/// # Errors
/// `ERR_INVALID_ARGUMENT` for a broken `%` escape or bytes that are not UTF-8.
pub fn decode_component(text: &str) -> Result<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let byte = match bytes.get(i + 1..i + 3) {
                    Some(&[high, low]) => hex_digit(high).zip(hex_digit(low)),
                    _ => None,
                }
                .map(|(high, low)| high << 4 | low)
                .ok_or_else(|| Error::option("form", "a form value has a broken %-escape"))?;
                out.push(byte);
                i += 2;
            }
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| Error::option("form", "a form value is not UTF-8"))
}

/// The value of one hex digit; `None` for anything else (a sign, a space, a letter past `f`).
fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The decoded `(name, value)` pairs of a query string or form body, in order (empty segments
/// are skipped; a segment without `=` has an empty value).
///
/// # Errors
/// As [`decode_component`].
pub fn parse_pairs(text: &str) -> Result<Vec<(String, String)>> {
    text.split('&')
        .filter(|segment| !segment.is_empty())
        .map(|segment| {
            let (name, value) = segment.split_once('=').unwrap_or((segment, ""));
            Ok((decode_component(name)?, decode_component(value)?))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let mut out = String::new();
        percent_encode("[\"Cl.Cm.P2\"] a+b/é~", &mut out);
        assert_eq!(out, "%5B%22Cl.Cm.P2%22%5D%20a%2Bb%2F%C3%A9~");
        assert_eq!(
            decode_component(&out).as_deref(),
            Ok("[\"Cl.Cm.P2\"] a+b/é~")
        );
        assert_eq!(decode_component("a+b%20c").as_deref(), Ok("a b c"));
        for bad in ["%", "%2", "%zz", "%C3", "%+1", "%-1", "% 1", "%1+", "%+F"] {
            assert!(decode_component(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_pairs("a=1&&b&c=%3D").ok(),
            Some(vec![
                ("a".into(), "1".into()),
                ("b".into(), String::new()),
                ("c".into(), "=".into())
            ])
        );
        assert_eq!(encode_pairs([("a b", "c&d")]), "a%20b=c%26d");
    }
}
