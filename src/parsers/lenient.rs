//! Tolerant field readers for the JSON fields no figure depends on.
//!
//! Agents add and reshape fields between versions. A field that only labels a record (a role, a
//! tool name, a status) must not make the whole line unreadable when its type changes: that would
//! turn a line that also carries usage into a malformed one and drop real spend. These readers
//! accept the expected scalar and read anything else as absent. Usage fields stay strict, so a
//! token block that cannot be read is reported, never guessed.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A string, borrowed when the JSON has no escapes; any other JSON value reads as `None`.
pub(crate) fn opt_str<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Cow<'de, str>>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Borrowed(v)))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v.to_owned())))
        }
        fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(Cow::Owned(v)))
        }
        scalars_as_none!();
    }
    d.deserialize_any(V)
}

/// An integer; any other JSON value reads as `None`.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<i64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(i64::try_from(v).ok())
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        compound_as_none!();
    }
    d.deserialize_any(V)
}

/// A boolean; any other JSON value reads as `None`.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        compound_as_none!();
    }
    d.deserialize_any(V)
}

/// `null`, objects and arrays read as `None` (their contents are skipped).
macro_rules! compound_as_none {
    () => {
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    };
}
use compound_as_none;

/// Numbers and booleans read as `None`, as do `null`, objects and arrays.
macro_rules! scalars_as_none {
    () => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }
        compound_as_none!();
    };
}
use scalars_as_none;

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Deserialize)]
    struct T<'a> {
        #[serde(borrow, default, deserialize_with = "opt_str")]
        s: Option<Cow<'a, str>>,
        #[serde(default, deserialize_with = "opt_i64")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default)]
        keep: u64,
    }

    #[test]
    fn unexpected_types_read_as_absent_and_the_rest_of_the_record_survives() {
        let t: T<'_> = serde_json::from_str(r#"{"s":{"x":[1,2]},"n":"7","b":[true],"keep":3}"#)
            .expect("tolerant");
        assert_eq!((t.s, t.n, t.b, t.keep), (None, None, None, 3));
        let t: T<'_> = serde_json::from_str(r#"{"s":"a\"b","n":-2,"b":false}"#).expect("typed");
        assert_eq!(
            (t.s.as_deref(), t.n, t.b),
            (Some("a\"b"), Some(-2), Some(false))
        );
        let t: T<'_> = serde_json::from_str(r#"{"s":null,"n":null,"b":null}"#).expect("nulls");
        assert_eq!((t.s, t.n, t.b), (None, None, None));
    }
}
