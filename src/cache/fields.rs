//! The lenient reading rules every kind of cache file shares: a field of the wrong type counts as
//! absent, and a file that is not one JSON object holds nothing. Other tools write these files
//! too, some of them non-atomically, so a reader must never trust their shape.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::timestamp::parse_timestamp;
use crate::secret::Secret;

pub(super) type Object = Map<String, Value>;

/// The top-level JSON object of a cache file, or `None` for anything else: empty, truncated,
/// trailing bytes from a non-atomic writer (`...}"}`), not UTF-8, or not an object.
pub(super) fn json_object(bytes: &[u8]) -> Option<Object> {
    match serde_json::from_slice(bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A string field; absent, `null` or any other type gives `None`.
pub(super) fn string_field(object: &Object, name: &str) -> Option<String> {
    object.get(name)?.as_str().map(str::to_owned)
}

/// A string field that holds a secret, read straight into a [`Secret`] (so it is registered with
/// the `--debug` redactor as it is read); absent, `null` or any other type gives `None`.
pub(super) fn secret_field(object: &Object, name: &str) -> Option<Secret> {
    object.get(name)?.as_str().map(Secret::new)
}

/// A list-of-strings field; `None` unless it is a list whose items are all strings.
pub(super) fn string_list_field(object: &Object, name: &str) -> Option<Vec<String>> {
    object
        .get(name)?
        .as_array()?
        .iter()
        .map(|item| item.as_str().map(str::to_owned))
        .collect()
}

/// A timestamp field in any form [`parse_timestamp`] accepts.
pub(super) fn timestamp_field(object: &Object, name: &str) -> Option<OffsetDateTime> {
    parse_timestamp(object.get(name)?.as_str()?)
}
