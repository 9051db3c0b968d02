//! Nushell: `$env.NAME = "value"` and `hide-env -i NAME`.
//!
//! A plain double-quoted string is not interpolated in Nushell (only `$"…"` is). Its escapes are
//! processed by the parser; `\"`, `\\`, `\n`, `\r` and `\t` mean the same in every Nushell that
//! has `$env.NAME = …` assignments. Unicode escapes changed syntax (`\uXXXX`, later `\u{X}`), so
//! other characters, control characters included, are written as they are: the lexer keeps every
//! byte up to the closing unescaped quote.

/// `text` as a Nushell double-quoted string.
pub(super) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for ch in text.chars() {
        match ch {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            other => quoted.push(other),
        }
    }
    quoted.push('"');
    quoted
}

pub(super) fn write_set(out: &mut String, name: &str, value: &str) {
    out.push_str("$env.");
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&quote(value));
    out.push('\n');
}

/// `-i` (`--ignore-errors`): hiding a variable that does not exist is not an error.
pub(super) fn write_unset(out: &mut String, name: &str) {
    out.push_str("hide-env -i ");
    out.push_str(name);
    out.push('\n');
}

/// The changes as JSON for the Nushell integration, which applies them with `load-env` and
/// `hide-env`: `{"set": {NAME: value, …}, "unset": [NAME, …]}`. JSON strings carry any text.
pub(super) fn changes_as_data(changes: &[super::EnvChange]) -> Result<String, super::RenderError> {
    let mut set = serde_json::Map::new();
    let mut unset = Vec::new();
    for change in changes {
        if !super::is_valid_name(change.name()) {
            return Err(super::RenderError::InvalidName(change.name().to_owned()));
        }
        match change {
            super::EnvChange::Set { name, value } => {
                super::reject_nul("nushell", value).map_err(|reason| {
                    super::RenderError::Unrepresentable {
                        name: name.clone(),
                        reason,
                    }
                })?;
                unset.retain(|n: &serde_json::Value| n.as_str() != Some(name.as_str()));
                set.insert(name.clone(), serde_json::Value::String(value.clone()));
            }
            super::EnvChange::Unset { name } => {
                set.remove(name);
                unset.push(serde_json::Value::String(name.clone()));
            }
        }
    }
    let mut text = serde_json::json!({ "set": set, "unset": unset }).to_string();
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::quote;

    #[test]
    fn escapes_are_the_long_standing_ones() {
        assert_eq!(quote(""), "\"\"");
        assert_eq!(quote("say \"hi\""), r#""say \"hi\"""#);
        assert_eq!(quote("a\\b\n\r\t"), r#""a\\b\n\r\t""#);
        assert_eq!(quote("$x (y) 'z' é"), "\"$x (y) 'z' é\"");
    }
}
