//! One string field of a JSON object, read without reading the rest of the object.
//!
//! A file tool's path is the only part of its input the analytics keep, and the rest can be the
//! whole file (a write) or both sides of an edit: the object is scanned only up to the field.

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;

use super::KeyIn;

/// The first top-level string field of a JSON object whose key is one of `keys` (a file tool's
/// `file_path`), read by scanning the object only up to that field: the rest of a write's input
/// is the whole file. `None` when there is none, or it is not a non-empty string.
pub(crate) fn str_field(raw: &str, keys: &[&str]) -> Option<String> {
    // Agents write the path first, or after a flag (`{"replace_all":false,"file_path":…`): read
    // it directly.
    let start = raw.strip_prefix('{').map(skip_literal_fields);
    for key in keys {
        let leading = start
            .and_then(|r| r.strip_prefix('"'))
            .and_then(|r| r.strip_prefix(key))
            .and_then(|r| r.strip_prefix("\":"));
        if let Some(rest) = leading {
            let mut de = serde_json::Deserializer::from_str(rest);
            return String::deserialize(&mut de).ok().filter(|s| !s.is_empty());
        }
    }
    let mut found = None;
    let mut de = serde_json::Deserializer::from_str(raw);
    // The search stops the parse with an error once the field is read; that error is expected.
    let _stopped = de.deserialize_map(FindField {
        keys,
        found: &mut found,
    });
    found.filter(|s: &String| !s.is_empty())
}

/// Skips leading `"key":literal,` fields (a key without escapes, a value that is `true`,
/// `false`, `null` or a number), returning the text at the next key.
fn skip_literal_fields(mut rest: &str) -> &str {
    loop {
        let field = rest.strip_prefix('"').and_then(|after| {
            let (key, tail) = after.split_once('"')?;
            let value = tail.strip_prefix(':').filter(|_| !key.contains('\\'))?;
            let literal = value
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'+'))
                .count();
            value
                .get(literal..)?
                .strip_prefix(',')
                .filter(|_| literal > 0)
        });
        match field {
            Some(next) => rest = next,
            None => return rest,
        }
    }
}

struct FindField<'k, 'o> {
    keys: &'k [&'k str],
    found: &'o mut Option<String>,
}

impl<'de> Visitor<'de> for FindField<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key_seed(KeyIn(self.keys))? {
            if key.is_some() {
                // Not a string: the error ends the search with nothing found.
                *self.found = Some(map.next_value::<String>()?);
                return Err(de::Error::custom("found"));
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_found_wherever_it_is_and_the_rest_is_not_read() {
        let keys = ["file_path", "notebook_path"];
        assert_eq!(
            str_field(
                r#"{"replace_all":false,"file_path":"/a/b.rs","old_string":"x"}"#,
                &keys
            ),
            Some("/a/b.rs".to_owned())
        );
        assert_eq!(
            str_field(r#"{"notebook_path":"n.ipynb","new_source":"x"}"#, &keys),
            Some("n.ipynb".to_owned())
        );
        // What follows the field is not read: even an unterminated value does not matter.
        assert_eq!(
            str_field(r#"{"file_path":"/x","content":"unterminated"#, &keys),
            Some("/x".to_owned())
        );
        assert_eq!(
            str_field(
                r#"{"limit":20,"offset":-1.5e3,"x":null,"file_path":"/c"}"#,
                &keys
            ),
            Some("/c".to_owned())
        );
        assert_eq!(
            str_field(r#"{"pattern":"*.rs","path":"/src"}"#, &keys),
            None
        );
        assert_eq!(str_field(r#"{"file_path":7}"#, &keys), None);
        assert_eq!(str_field(r#"{"file_path":""}"#, &keys), None);
        assert_eq!(str_field("[1]", &keys), None);
    }
}
