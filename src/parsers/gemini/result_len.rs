//! The size of the text a Gemini tool returned to the model, read from `toolCalls[].result`.
//!
//! A result is a string, a part or a list of parts (`PartListUnion`); the text the model got is
//! in `text` parts and in `functionResponse.response.output` (or `error`) strings. Only those are
//! measured, nothing is kept. In a line's own parse ([`ResultLen`]) the strings are measured from
//! their raw JSON, never decoded (see `parsers::text`); a result already held in a
//! `serde_json::Value` is measured from its decoded strings ([`ValueResultLen`]).

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parsers::text::json_str_len;

/// The size of the text a tool returned (`toolCalls[].result`: a string, a part or a list of
/// parts): `text` parts and `functionResponse.response.output` / `error` strings, measured from
/// their raw JSON ([`json_str_len`]), never decoded. `None` when the result has no such shape.
/// For a line read by serde_json; [`ValueResultLen`] reads a result in a `Value`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ResultLen(pub Option<u64>);

impl<'de> Deserialize<'de> for ResultLen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Walk::<true> { depth: 0 }).map(ResultLen)
    }
}

/// [`ResultLen`] of a result held in a `serde_json::Value` (its strings already decoded).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct ValueResultLen(pub Option<u64>);

impl<'de> Deserialize<'de> for ValueResultLen {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(Walk::<false> { depth: 0 })
            .map(ValueResultLen)
    }
}

/// Walks a result: lists and parts at the top, `functionResponse` and `response` objects below;
/// sums the lengths of `text`, `output` and `error` strings (kept raw when `RAW`).
struct Walk<const RAW: bool> {
    depth: u8,
}

impl<'de, const RAW: bool> DeserializeSeed<'de> for Walk<RAW> {
    type Value = Option<u64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, const RAW: bool> Visitor<'de> for Walk<RAW> {
    type Value = Option<u64>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a tool result")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<u64>, A::Error> {
        let mut sum = 0u64;
        if self.depth == 0 {
            while let Some(len) = seq.next_element_seed(Walk::<RAW> { depth: 1 })? {
                sum = sum.saturating_add(len.unwrap_or(0));
            }
        } else {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
        }
        Ok(Some(sum))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<u64>, A::Error> {
        let mut sum = 0u64;
        while let Some(key) = map.next_key::<Cow<'_, str>>()? {
            let len = match key.as_ref() {
                "text" | "output" | "error" if RAW => {
                    let raw: &RawValue = map.next_value()?;
                    json_str_len(raw.get()).unwrap_or(0)
                }
                "text" | "output" | "error" => map
                    .next_value_seed(Walk::<RAW> { depth: LEAF })?
                    .unwrap_or(0),
                "functionResponse" | "response" if self.depth < 3 => map
                    .next_value_seed(Walk::<RAW> {
                        depth: self.depth + 1,
                    })?
                    .unwrap_or(0),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    0
                }
            };
            sum = sum.saturating_add(len);
        }
        Ok((self.depth != LEAF).then_some(sum))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Option<u64>, E> {
        Ok(Some(s.len() as u64))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Option<u64>, E> {
        Ok(None)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Option<u64>, E> {
        Ok(None)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<u64>, E> {
        Ok(None)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Option<u64>, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Option<u64>, E> {
        Ok(None)
    }
}

/// The depth of a `text`/`output`/`error` value: a string counts, anything else does not.
const LEAF: u8 = u8::MAX;

#[cfg(test)]
mod tests {
    use super::*;

    fn result_len(text: &str) -> Option<u64> {
        serde_json::from_str::<ResultLen>(text)
            .ok()
            .and_then(|r| r.0)
    }

    #[test]
    fn results_are_measured_from_function_responses() {
        // The shape of gemini.jsonl (2026-04): one functionResponse part.
        let r = r#"[{"functionResponse":{"id":"aao1q07o","name":"read_file","response":{"output":"a\nbc"}}}]"#;
        assert_eq!(result_len(r), Some(4));
        let r = r#"[{"functionResponse":{"response":{"error":"no such file"}}},{"text":"xy"}]"#;
        assert_eq!(result_len(r), Some(14));
        assert_eq!(result_len(r#""plain""#), Some(5));
        assert_eq!(
            result_len(r#"[{"functionResponse":{"name":"n","response":{"output":{"x":"y"}}}}]"#),
            Some(0)
        );
        assert_eq!(result_len("null"), None);
    }
}
