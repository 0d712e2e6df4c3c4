//! An audit entry and its canonical bytes.
//!
//! ```text
//! "kolo.audit.v1\0" | seq (u64) | time in ms (i64) | actor | action | target
//!                   | address: 0, or 1 and the address | details (canonical JSON)
//! ```
//!
//! Integers are big-endian; every text is preceded by its length (u32), so no two different
//! entries have the same bytes. The details are re-encoded canonically (object keys sorted,
//! no spaces), so the hash survives a database that stores JSON its own way (PostgreSQL
//! `jsonb` reorders keys).

use std::fmt;

use serde_json::Value;

use super::address::TruncatedAddress;
use crate::crypto::push_with_length;

const LABEL: &[u8] = b"kolo.audit.v1\0";

/// One entry as stored, read back from the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    /// When it happened, milliseconds since the Unix epoch (UTC).
    pub at_unix_ms: i64,
    /// Who: a user id or `system`.
    pub actor: String,
    /// What, such as `login.failed` or `record.special.read`.
    pub action: String,
    /// On what, such as `participant:9f2c`. Never a name or any sensitive value.
    pub target: String,
    /// From where: a [`TruncatedAddress`] as text.
    pub address: Option<String>,
    pub details: AuditDetails,
}

/// An entry about to be appended; the sequence number comes from the chain head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub at_unix_ms: i64,
    pub actor: String,
    pub action: String,
    pub target: String,
    /// Only a truncated address can be logged.
    pub address: Option<TruncatedAddress>,
    pub details: AuditDetails,
}

impl Entry {
    /// The unambiguous bytes the hash covers.
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(128 + self.details.as_str().len());
        out.extend_from_slice(LABEL);
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.at_unix_ms.to_be_bytes());
        push_with_length(&mut out, self.actor.as_bytes());
        push_with_length(&mut out, self.action.as_bytes());
        push_with_length(&mut out, self.target.as_bytes());
        match &self.address {
            None => out.push(0),
            Some(address) => {
                out.push(1);
                push_with_length(&mut out, address.as_bytes());
            }
        }
        push_with_length(&mut out, self.details.as_str().as_bytes());
        out
    }
}

/// Extra facts about an entry as JSON (counts, ids, names of settings), held in canonical
/// form. Numbers must be integers: a float could be rewritten by the database (`1e2` as
/// `100`) and break the hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditDetails(String);

/// Details that cannot be hashed reliably.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DetailsError {
    #[error("audit details are not valid JSON: {0}")]
    NotJson(String),
    #[error(
        "audit details hold a number with a fraction or exponent ({0}): use integers or strings"
    )]
    NotAnInteger(String),
}

impl AuditDetails {
    /// No details: `{}`.
    pub fn none() -> Self {
        Self("{}".to_owned())
    }

    /// Details from a JSON value.
    pub fn new(value: &Value) -> Result<Self, DetailsError> {
        let mut out = String::new();
        write_canonical(value, &mut out)?;
        Ok(Self(out))
    }

    /// Details as read from the database, in whatever form it stored them.
    pub fn parse(text: &str) -> Result<Self, DetailsError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| DetailsError::NotJson(e.to_string()))?;
        Self::new(&value)
    }

    /// The canonical JSON text, to store.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AuditDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Writes JSON with object keys sorted by their UTF-8 bytes and no insignificant spaces;
/// written here rather than relying on `serde_json`'s map order, which a Cargo feature
/// elsewhere in the build (`preserve_order`) would silently change.
fn write_canonical(value: &Value, out: &mut String) -> Result<(), DetailsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                return Err(DetailsError::NotAnInteger(n.to_string()));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(key, out);
                out.push(':');
                write_canonical(item, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn details_are_canonical_whatever_order_and_spacing_the_database_returns() {
        let written = AuditDetails::new(&json!({"b": 1, "a": {"z": [1, "x"], "y": null}})).unwrap();
        let from_jsonb =
            AuditDetails::parse(r#"{ "a": {"y": null, "z": [1, "x"]}, "b": 1 }"#).unwrap();
        assert_eq!(written, from_jsonb);
        assert_eq!(written.as_str(), r#"{"a":{"y":null,"z":[1,"x"]},"b":1}"#);
    }

    #[test]
    fn details_with_fractions_or_bad_json_are_refused() {
        assert!(matches!(
            AuditDetails::new(&json!({"ratio": 0.5})),
            Err(DetailsError::NotAnInteger(_))
        ));
        assert!(matches!(
            AuditDetails::parse("{"),
            Err(DetailsError::NotJson(_))
        ));
        assert_eq!(
            AuditDetails::parse(r#"{"n": -3, "big": 18446744073709551615}"#)
                .unwrap()
                .as_str(),
            r#"{"big":18446744073709551615,"n":-3}"#
        );
    }

    #[test]
    fn strings_in_details_are_escaped_and_round_trip() {
        let details =
            AuditDetails::new(&json!({"note": "quote \" slash \\ line\n tab\t bell\u{7} Київ"}))
                .unwrap();
        let reparsed = AuditDetails::parse(details.as_str()).unwrap();
        assert_eq!(reparsed, details);
    }

    #[test]
    fn field_boundaries_cannot_be_shifted() {
        let entry = |actor: &str, action: &str| Entry {
            seq: 1,
            at_unix_ms: 0,
            actor: actor.to_owned(),
            action: action.to_owned(),
            target: String::new(),
            address: None,
            details: AuditDetails::none(),
        };
        assert_ne!(
            entry("ab", "c").canonical_bytes(),
            entry("a", "bc").canonical_bytes()
        );
        let mut with_empty_address = entry("a", "b");
        with_empty_address.address = Some(String::new());
        assert_ne!(
            with_empty_address.canonical_bytes(),
            entry("a", "b").canonical_bytes()
        );
    }
}
