//! JSON bytes identical to Python's `json.dumps`.
//!
//! The AWS CLI writes its cache files with `json.dumps(obj)` and derives cache keys from the SHA-1
//! of `json.dumps(..., sort_keys=True)` text. To share files and keys with it, we must produce the
//! same bytes, not merely equivalent JSON: separators `", "` and `": "` (or `","` and `":"` in the
//! compact form), and `ensure_ascii=True`, which writes everything outside printable ASCII as
//! `\uXXXX` escapes with lowercase hex (UTF-16 surrogate pairs above U+FFFF, and DEL too).
//!
//! Key order is the caller's: a `#[derive(Serialize)]` struct keeps its field order (Python dicts
//! keep insertion order), a `BTreeMap<String, _>` gives `sort_keys=True` order (both sort by code
//! point). Only strings, integers, booleans, null, lists and objects are expected; Python writes
//! floats differently and none of the cache files contain one.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// `json.dumps(value)`: Python's default separators `", "` and `": "`.
pub fn to_python_json<T: Serialize + ?Sized>(value: &T) -> String {
    serialize(
        value,
        PythonFormatter {
            item_separator: b", ",
            key_separator: b": ",
        },
    )
}

/// `json.dumps(value, separators=(",", ":"))`: the compact form botocore hashes for role cache keys.
pub fn to_python_json_compact<T: Serialize + ?Sized>(value: &T) -> String {
    serialize(
        value,
        PythonFormatter {
            item_separator: b",",
            key_separator: b":",
        },
    )
}

/// Appends `json.dumps(value)` for a string: printable ASCII other than `"` and backslash as it is, in
/// quotes; anything else through the serializer.
pub fn push_python_json_string(out: &mut String, value: &str) {
    let plain = |byte: u8| (b' '..=b'~').contains(&byte) && byte != b'"' && byte != b'\\';
    if value.bytes().all(plain) {
        out.push('"');
        out.push_str(value);
        out.push('"');
    } else {
        out.push_str(&to_python_json_compact(value));
    }
}

fn serialize<T: Serialize + ?Sized>(value: &T, formatter: PythonFormatter) -> String {
    let mut out = Vec::with_capacity(256);
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // The values serialised here are our own structs, maps with string keys, strings and lists:
    // serialising them into memory cannot fail.
    if value.serialize(&mut serializer).is_err() {
        debug_assert!(false, "python_json: value is not serialisable as JSON");
        return String::new();
    }
    // Every byte the formatter writes is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// A serde_json formatter whose choices differ from the compact default only where Python's
/// differ; null, booleans, integers and brackets are written the same by both.
struct PythonFormatter {
    item_separator: &'static [u8],
    key_separator: &'static [u8],
}

impl Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(self.item_separator)
        }
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(self.item_separator)
        }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(self.key_separator)
    }

    /// serde_json hands us the runs of a string it does not escape itself; it has already escaped
    /// `"`, `\` and the C0 controls exactly as Python does (`\n`-style short forms for
    /// `\b \f \n \r \t`, lowercase `\u00XX` for the rest). What remains for `ensure_ascii` is DEL
    /// and everything above it.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut plain_start = 0;
        for (index, ch) in fragment.char_indices() {
            if (' '..='~').contains(&ch) {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain_start..index])?;
            let mut units = [0u16; 2];
            for unit in ch.encode_utf16(&mut units) {
                write!(writer, "\\u{unit:04x}")?;
            }
            plain_start = index + ch.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[plain_start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    struct Ordered<'a> {
        z: &'a str,
        a: Vec<&'a str>,
        n: Option<u32>,
        empty: Vec<&'a str>,
    }

    #[test]
    fn default_separators_keep_field_order() {
        let value = Ordered {
            z: "x",
            a: vec!["1", "2"],
            n: None,
            empty: vec![],
        };
        assert_eq!(
            to_python_json(&value),
            r#"{"z": "x", "a": ["1", "2"], "n": null, "empty": []}"#
        );
        assert_eq!(
            to_python_json_compact(&value),
            r#"{"z":"x","a":["1","2"],"n":null,"empty":[]}"#
        );
    }

    #[test]
    fn sorted_map_sorts_by_code_point() {
        let mut map = BTreeMap::new();
        map.insert("startUrl", "u");
        map.insert("session_name", "s");
        map.insert("tool", "t");
        map.insert("Z", "upper sorts first");
        assert_eq!(
            to_python_json(&map),
            r#"{"Z": "upper sorts first", "session_name": "s", "startUrl": "u", "tool": "t"}"#
        );
    }

    #[test]
    fn ensure_ascii_like_python() {
        // Expected bytes are what CPython 3.11 prints for
        // json.dumps("a\x7f\u00e9\U0001F600/\x01\b\"\\\n\t\x1f~ ")
        assert_eq!(
            to_python_json("a\u{7f}\u{e9}\u{1F600}/\u{1}\u{8}\"\\\n\t\u{1f}~ "),
            r#""a\u007f\u00e9\ud83d\ude00/\u0001\b\"\\\n\t\u001f~ ""#
        );
        assert_eq!(
            to_python_json("\u{ffff}\u{10000}"),
            r#""\uffff\ud800\udc00""#
        );
    }
}
