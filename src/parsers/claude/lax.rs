//! Tolerant deserializers for the places where Claude Code's schema is loose.
//!
//! A transcript line is one JSON object whose fields change shape between versions and record
//! types (`message` is an API message on `user`/`assistant` lines but may be anything on a future
//! record type; `content` is a string or a block list). A strict derive would turn such a line
//! into a parse error, and an unknown record type must never be an error. These wrappers read the
//! expected shape and skip any other one, in the same single pass over the bytes: nothing here
//! buffers a value (no `serde_json::Value`, no untagged enums).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// `T` when the value is a JSON object, `None` for any other value (skipped, not an error).
#[derive(Debug)]
pub(crate) struct LaxObj<T>(pub Option<T>);

impl<T> Default for LaxObj<T> {
    fn default() -> Self {
        LaxObj(None)
    }
}

impl<T> LaxObj<T> {
    /// The object, if the value was one.
    pub(crate) fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LaxObj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = LaxObj<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| LaxObj(Some(t)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LaxObj(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LaxObj(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LaxObj(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LaxObj(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LaxObj(None))
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(LaxObj(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LaxObj(None))
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

/// A string when the value is a JSON string, `None` for any other value (or when absent).
#[derive(Debug, Default)]
pub(crate) struct LaxStr<'a>(pub Option<Cow<'a, str>>);

impl LaxStr<'_> {
    /// The string, if the value was one.
    pub(crate) fn get(&self) -> Option<&str> {
        self.0.as_deref()
    }

    /// The string, if the value was a non-empty one (ids and names where `""` means unknown).
    pub(crate) fn non_empty(&self) -> Option<&str> {
        self.get().filter(|s| !s.is_empty())
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for LaxStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LaxStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(LaxStr(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(LaxStr(Some(Cow::Owned(s.to_owned()))))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LaxStr(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(LaxStr(None))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(LaxStr(None))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(LaxStr(None))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(LaxStr(None))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(LaxStr(None))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LaxStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// A message's `content`: a plain string (whose text we never need) or a list of blocks.
#[derive(Debug, Default)]
pub(crate) enum Content<B> {
    /// Absent, `null`, a string, or any shape we do not read.
    #[default]
    Opaque,
    /// A block list.
    Blocks(Vec<B>),
}

impl<'de, B: Deserialize<'de>> Deserialize<'de> for Content<B> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<B>(PhantomData<B>);
        impl<'de, B: Deserialize<'de>> Visitor<'de> for V<B> {
            type Value = Content<B>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a list of content blocks")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut blocks = Vec::with_capacity(seq.size_hint().unwrap_or(1).min(64));
                while let Some(LaxObj(block)) = seq.next_element::<LaxObj<B>>()? {
                    blocks.extend(block);
                }
                Ok(Content::Blocks(blocks))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Content::Opaque)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(Content::Opaque)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(Content::Opaque)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(Content::Opaque)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(Content::Opaque)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(Content::Opaque)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Content::Opaque)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Probe<'a> {
        #[serde(borrow, default)]
        s: Option<LaxStr<'a>>,
        #[serde(default)]
        o: Option<LaxObj<Inner>>,
        #[serde(default)]
        c: Content<Inner>,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        n: u64,
    }

    #[test]
    fn other_shapes_are_skipped_not_errors() {
        let p: Probe<'_> =
            serde_json::from_str(r#"{"s":{"x":[1]},"o":"text","c":{"a":1}}"#).expect("parses");
        assert!(p.s.and_then(|s| s.0).is_none());
        assert!(p.o.and_then(|o| o.0).is_none());
        assert!(matches!(p.c, Content::Opaque));
    }

    #[test]
    fn expected_shapes_are_read() {
        let p: Probe<'_> =
            serde_json::from_str(r#"{"s":"a\"b","o":{"n":2},"c":[{"n":3},"x",{"n":4}]}"#)
                .expect("parses");
        assert_eq!(p.s.and_then(|s| s.0).as_deref(), Some("a\"b"));
        assert_eq!(p.o.and_then(|o| o.0).map(|i| i.n), Some(2));
        match p.c {
            Content::Blocks(b) => assert_eq!(b.iter().map(|i| i.n).collect::<Vec<_>>(), [3, 4]),
            Content::Opaque => panic!("expected blocks"),
        }
    }
}
