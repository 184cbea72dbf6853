//! Readers for the text the analytics measure: a prompt's words, a tool result's size.
//!
//! Message text is most of a transcript's bytes, and the usage parsers skip it. The few values
//! whose text the analytics need (user prompts, tool results) are kept as raw JSON
//! ([`RawValue`]) by the line's own parse, which costs no more than skipping them, and read
//! here afterwards. Two reasons:
//! - **A text value must never cost a line.** serde_json validates a string's escapes when it
//!   decodes it (a lone UTF-16 surrogate such as `\ud83d`, which a tool output cut mid-emoji
//!   contains, is an error), but not when it skips it. Decoded inside the line's parse, one odd
//!   tool output would make a line malformed and could drop its usage; decoded here, it only
//!   loses that text.
//! - **Sizes need no copy.** [`json_str_len`] computes a string's decoded length from its raw
//!   JSON without decoding it.
//!
//! The shapes agents use for text: a string, an object with a string `text` (a Claude content
//! block, a Gemini part), or a list of those. Any other shape reads as no text, never an error.
//! Lengths are decoded UTF-8 bytes (an escaped `\n` is one byte), as the tool wrote the text.

mod escapes;
mod field;
mod plain_run;

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

pub(crate) use escapes::{json_str_len, unicode_escape};
pub(crate) use field::str_field;
pub(crate) use plain_run::plain_run_end;

/// The decoded byte length of the text in a raw value: a string's own, or the sum of the `text`
/// strings of a list of blocks, or an object's `text`. Computed from the raw JSON (a block's
/// `text` is kept raw too), so an odd escape never fails it. `None` when the value holds no text
/// shape.
pub(crate) fn raw_text_len(raw: &str) -> Option<u64> {
    match raw.as_bytes().first() {
        Some(b'"') => json_str_len(raw),
        Some(b'[' | b'{') => serde_json::from_str::<BlocksLen>(raw)
            .ok()
            .and_then(|b| b.0),
        _ => None,
    }
}

/// The summed length of the `text` of an object, or of each object (or string) in a list.
struct BlocksLen(Option<u64>);

impl<'de> Deserialize<'de> for BlocksLen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BlocksVisitor { top: true })
    }
}

struct BlocksVisitor {
    top: bool,
}

impl<'de> DeserializeSeed<'de> for BlocksVisitor {
    type Value = BlocksLen;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<BlocksLen, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for BlocksVisitor {
    type Value = BlocksLen;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("content blocks")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<BlocksLen, A::Error> {
        let mut sum = 0u64;
        if self.top {
            while let Some(BlocksLen(len)) = seq.next_element_seed(BlocksVisitor { top: false })? {
                sum = sum.saturating_add(len.unwrap_or(0));
            }
        } else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(BlocksLen(self.top.then_some(sum)))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BlocksLen, A::Error> {
        let mut len = None;
        while let Some(key) = map.next_key_seed(KeyIn(&["text"]))? {
            if key.is_some() {
                let raw: &RawValue = map.next_value()?;
                len = json_str_len(raw.get());
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(BlocksLen(len))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<BlocksLen, E> {
        Ok(BlocksLen(Some(s.len() as u64)))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<BlocksLen, E> {
        Ok(BlocksLen(None))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<BlocksLen, E> {
        Ok(BlocksLen(None))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<BlocksLen, E> {
        Ok(BlocksLen(None))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<BlocksLen, E> {
        Ok(BlocksLen(None))
    }
    fn visit_unit<E: de::Error>(self) -> Result<BlocksLen, E> {
        Ok(BlocksLen(None))
    }
}

/// The text pieces of a value: the string itself, the `text` of an object, or of each item of a
/// list (strings and objects). Borrowed from the line when the JSON has no escapes. Decoding can
/// fail (see the module docs): read it in a parse of its own, never in a line's.
#[derive(Debug, Default)]
pub(crate) struct TextPieces<'a>(pub Vec<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for TextPieces<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut pieces = Vec::new();
        Text {
            out: &mut pieces,
            level: Level::Top,
        }
        .deserialize(d)?;
        Ok(TextPieces(pieces))
    }
}

/// How deep the reader is: the value itself, an item of its list, or an object's `text` field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Top,
    Item,
    Field,
}

/// Reads one value's text pieces into `out`.
struct Text<'c, 'a> {
    out: &'c mut Vec<Cow<'a, str>>,
    level: Level,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for Text<'_, 'a> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for Text<'_, 'a> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<(), E> {
        self.out.push(Cow::Borrowed(s));
        Ok(())
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<(), E> {
        self.out.push(Cow::Owned(s.to_owned()));
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if self.level != Level::Top {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let out = self.out;
        while seq
            .next_element_seed(Text {
                out: &mut *out,
                level: Level::Item,
            })?
            .is_some()
        {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if self.level == Level::Field {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let out = self.out;
        while let Some(key) = map.next_key_seed(KeyIn(&["text"]))? {
            if key.is_some() {
                map.next_value_seed(Text {
                    out: &mut *out,
                    level: Level::Field,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// An object key, matched against `names` without copying it: the index of the name it equals.
pub(super) struct KeyIn<'k>(pub(super) &'k [&'k str]);

impl<'de> DeserializeSeed<'de> for KeyIn<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeyIn<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|name| *name == s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(json: &str) -> Vec<String> {
        let p: TextPieces<'_> = serde_json::from_str(json).expect("any JSON reads");
        p.0.into_iter().map(Cow::into_owned).collect()
    }

    fn len(json: &str) -> Option<u64> {
        let raw: Box<RawValue> = serde_json::from_str(json).expect("valid JSON");
        raw_text_len(raw.get())
    }

    #[test]
    fn strings_blocks_and_parts_are_text() {
        assert_eq!(pieces(r#""fix the bug""#), ["fix the bug"]);
        assert_eq!(
            pieces(r#"[{"type":"text","text":"a\nb"},{"type":"image","source":{"text":"x"}},"c"]"#),
            ["a\nb", "c"]
        );
        assert_eq!(pieces(r#"{"text":"part"}"#), ["part"]);
    }

    #[test]
    fn other_shapes_are_no_text_not_errors() {
        assert!(pieces(r#"[{"text":{"nested":"no"}},[["deep"]],7,null]"#).is_empty());
        assert!(pieces("42").is_empty());
        assert_eq!(len("null"), None);
        assert_eq!(len("3"), None);
        assert_eq!(len("{}"), None);
        assert_eq!(len("[]"), Some(0));
        assert_eq!(len(r#"[{"type":"image"},7,[1]]"#), Some(0));
    }

    #[test]
    fn lengths_are_decoded_utf8_bytes() {
        // `\n` is one byte, `é` two, `\u00e9` two as well.
        assert_eq!(len(r#""a\nb""#), Some(3));
        assert_eq!(len(r#""é\u00e9""#), Some(4));
        assert_eq!(
            len(r#"[{"type":"text","text":"abc"},{"type":"text","text":"de"}]"#),
            Some(5)
        );
        assert_eq!(len(r#"{"text":"xyz"}"#), Some(3));
        assert_eq!(len(r#"["xyz",{"text":"a\tb"}]"#), Some(6));
    }

    #[test]
    fn raw_values_never_fail() {
        let raw = |json: &'static str| {
            serde_json::from_str::<&RawValue>(json)
                .expect("valid JSON")
                .get()
        };
        assert_eq!(raw_text_len(raw(r#""ab\ud83d""#)), Some(5));
        assert_eq!(
            raw_text_len(raw(r#"[{"type":"text","text":"abc"}]"#)),
            Some(3)
        );
        assert_eq!(
            raw_text_len(raw(r#"[{"type":"text","text":"\ud83d"}]"#)),
            Some(3)
        );
    }
}
