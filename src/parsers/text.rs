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

use std::borrow::Cow;
use std::fmt;
use std::sync::LazyLock;

use memchr::memmem::Finder;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

/// The decoded byte length of the text in a raw value: a string's own, or the sum of the `text`
/// strings of a list of blocks, or an object's `text`. Computed from the raw JSON (a block's
/// `text` is kept raw too), so an odd escape never fails it. `None` when the value holds no text
/// shape.
pub(crate) fn raw_text_len(raw: &RawValue) -> Option<u64> {
    let raw = raw.get();
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

/// The byte length of a JSON string literal once decoded (as UTF-8; a lone surrogate escape
/// counts the 3 bytes of its WTF-8 form, as serde_json's lossless mode writes it), from its
/// escapes alone. `None` when `raw` is not a string literal.
pub(crate) fn json_str_len(raw: &str) -> Option<u64> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?.as_bytes();
    let backslashes = count_backslashes(body);
    if backslashes == 0 {
        return Some(body.len() as u64);
    }
    // Few escapes: visit each (a `memchr` call apiece beats two passes over the whole string).
    if backslashes * 64 < body.len() {
        return walk_escapes(body);
    }
    // Every escape starts with a backslash and is two raw bytes for one, except `\uXXXX`. A run
    // of k backslashes holds k/2 escaped backslashes (`\\`), exactly the non-overlapping
    // matches of `\\`, and their second backslash starts nothing.
    let escaped_backslashes = BACKSLASH_PAIR.find_iter(body).count();
    let escapes = backslashes - escaped_backslashes;
    let mut len = (body.len() - escapes) as u64;
    let mut pair_end = 0;
    for at in UNICODE_ESCAPE.find_iter(body) {
        if at < pair_end || !starts_escape(body, at) {
            continue;
        }
        let (raw_len, decoded) = unicode_escape(body, at)?;
        pair_end = at + raw_len;
        // Its escapes (one per 6 raw bytes) are already taken off, one byte each.
        let counted = raw_len / 6;
        len = len.saturating_sub((raw_len - decoded - counted) as u64);
    }
    Some(len)
}

/// [`json_str_len`] of a string body by visiting each escape in turn.
fn walk_escapes(body: &[u8]) -> Option<u64> {
    let mut len = body.len() as u64;
    let mut at = 0;
    while let Some(found) = body.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let escape = at + found;
        let (raw_len, decoded) = match body.get(escape + 1)? {
            b'u' => unicode_escape(body, escape)?,
            _ => (2, 1),
        };
        len = len.saturating_sub((raw_len - decoded) as u64);
        at = escape + raw_len;
    }
    Some(len)
}

/// True when the backslash at `at` starts an escape: an even number of backslashes precede it.
fn starts_escape(body: &[u8], at: usize) -> bool {
    let before = body.get(..at).unwrap_or_default();
    before.iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
}

static BACKSLASH_PAIR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\\\\"));
static UNICODE_ESCAPE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\\u"));

/// `(raw bytes, decoded bytes)` of the `\uXXXX` escape at `at`: a surrogate pair is 12 raw bytes
/// for 4, a lone surrogate counts 3 (WTF-8), any other unit its UTF-8 length.
fn unicode_escape(body: &[u8], at: usize) -> Option<(usize, usize)> {
    let unit = hex4(body, at + 2)?;
    let low = (body.get(at + 6..at + 8) == Some(&b"\\u"[..]))
        .then(|| hex4(body, at + 8))
        .flatten();
    Some(match low {
        Some(low) if (0xD800..0xDC00).contains(&unit) && (0xDC00..0xE000).contains(&low) => (12, 4),
        _ if unit < 0x80 => (6, 1),
        _ if unit < 0x800 => (6, 2),
        _ => (6, 3),
    })
}

/// How many `\` bytes `bytes` holds. Counted in chunks of 255 into a `u8`, a loop the compiler
/// turns into SIMD: this pass runs over every byte of every tool result.
fn count_backslashes(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            let count = chunk
                .iter()
                .fold(0u8, |n, b| n.wrapping_add(u8::from(*b == b'\\')));
            usize::from(count)
        })
        .sum()
}

/// The four hex digits at `at`, as a UTF-16 code unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
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
struct KeyIn<'k>(&'k [&'k str]);

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
        raw_text_len(&raw)
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
    fn string_lengths_from_escapes_equal_decoded_lengths() {
        for text in [
            r"",
            r"plain",
            r#"line\nbreak\t\"quoted\" back\\slash \/"#,
            r"caf\u00e9 \u20ac \ud83d\ude00 \u0000 é€😀",
            r"\\u1234 is not an escape",
            r"ends with escape\n",
            r"\\\\\\\u0041 \\\\u0041 \\\\\\\\n \\\\\\n \\\ud83d\ude00x",
            r"C:\\Users\\me\\file.txt\n\u001b[31mred\u001b[0m",
        ] {
            let raw = format!("\"{text}\"");
            let decoded: String = serde_json::from_str(&raw).expect("valid JSON string");
            assert_eq!(json_str_len(&raw), Some(decoded.len() as u64), "{raw}");
        }
        // The same escapes in long strings, where they are few (visited one by one).
        for escape in [
            r"\n",
            r"\\",
            r"\u00e9",
            r"\ud83d\ude00",
            r"\\\u0041",
            r"\ud83d",
        ] {
            let raw = format!("\"{}{escape}{}\"", "x".repeat(300), "y".repeat(300));
            let decoded = serde_json::from_str::<String>(&raw).map(|s| s.len() as u64);
            let lone = escape == r"\ud83d";
            let want = if lone { Some(603) } else { decoded.ok() };
            assert_eq!(json_str_len(&raw), want, "{escape}");
        }
        // Escapes across the 255-byte chunks of the counting pass.
        for pad in [253, 254, 255, 256, 509, 510] {
            for escape in [r"\n", r"\\", r"\u00e9", r"\ud83d\ude00"] {
                let raw = format!("\"{}{escape}{}\"", "a".repeat(pad), "b".repeat(pad));
                let decoded: String = serde_json::from_str(&raw).expect("valid JSON string");
                assert_eq!(
                    json_str_len(&raw),
                    Some(decoded.len() as u64),
                    "{pad} {escape}"
                );
            }
        }
        // A lone surrogate (a tool output cut mid-emoji) is counted, not an error.
        assert_eq!(json_str_len(r#""ab\ud83d""#), Some(5));
        assert_eq!(json_str_len(r#""\udc00\ud83d\u0041""#), Some(7));
        assert_eq!(json_str_len("[1]"), None);
        assert_eq!(json_str_len("\""), None);
    }

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

    #[test]
    fn raw_values_never_fail() {
        let raw = |json: &str| serde_json::from_str::<Box<RawValue>>(json).expect("valid JSON");
        assert_eq!(raw_text_len(&raw(r#""ab\ud83d""#)), Some(5));
        assert_eq!(
            raw_text_len(&raw(r#"[{"type":"text","text":"abc"}]"#)),
            Some(3)
        );
        assert_eq!(
            raw_text_len(&raw(r#"[{"type":"text","text":"\ud83d"}]"#)),
            Some(3)
        );
    }
}
