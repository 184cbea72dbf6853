//! A tool call's `output`, read for the two facts the ledger keeps (did it fail, how long is
//! it) in the same pass that validates it, without building a [`serde_json::Value`].
//!
//! Why not a `Value`: `function_call_output` lines are about a seventh of a Codex folder's
//! bytes, and a `Value` copies every output string onto the heap (decoding its escapes), then
//! the `{"output":…,"metadata":{"exit_code":…}}` text inside it was parsed into a second
//! `Value` to read one number. Here both are visited in place.
//!
//! Exactness: the probe is driven by `deserialize_any`, exactly like `Value`'s own
//! `Deserialize`, so a line is accepted or rejected as before (the same recursion limit, the
//! same number range errors, the same string and escape checks, lone surrogates included), and
//! the rules read the same fields with `Value`'s semantics: the last of duplicate keys wins,
//! `as_bool`, `as_i64` (integers that fit an `i64`), `as_str`. The tests compare it with the
//! `Value` reading on every shape.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// What the tool-output rules read of one JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Probe {
    /// A string: its decoded UTF-8 length, and (where the rules look) whether it reports failure.
    Str {
        len: u64,
        failed: bool,
    },
    Bool(bool),
    /// A number: its value when it is an integer that fits an `i64`.
    Num(Option<i64>),
    /// An object: the last `success`, `exit_code`, `content` and `text` members, as the rules
    /// read them (`content` with its failure when the object is a whole output).
    Obj {
        success: Option<bool>,
        exit_code: Option<i64>,
        metadata_exit_code: Option<i64>,
        content: Option<(u64, bool)>,
        text_len: Option<u64>,
    },
    /// An array: the summed length of its items' `text` strings.
    Arr {
        text_len: u64,
    },
    Null,
}

/// A whole tool output (`payload.output`, or the JSON text inside an output string).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Output(pub Probe);

impl Output {
    /// True when the output reports failure: a non-zero exit code (the JSON text
    /// `{"output","metadata":{"exit_code"}}` of <= 0.4x, or newer plain text `Exit code: N`), an
    /// object with `success: false`, or an aborted call.
    pub(crate) fn failed(self) -> bool {
        match self.0 {
            Probe::Str { failed, .. } => failed,
            Probe::Obj {
                success,
                metadata_exit_code,
                content,
                ..
            } => {
                success == Some(false)
                    || metadata_exit_code.is_some_and(|c| c != 0)
                    || content.is_some_and(|(_, failed)| failed)
            }
            _ => false,
        }
    }

    /// The output's length as the model received it: the string, an object's `content`, or
    /// the `text` of its items.
    pub(crate) fn len(self) -> Option<u64> {
        match self.0 {
            Probe::Str { len, .. } => Some(len),
            Probe::Obj { content, .. } => content.map(|(len, _)| len),
            Probe::Arr { text_len } => Some(text_len),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Output {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Seed { whole: true }.deserialize(d).map(Output)
    }
}

/// Whether a plain-text output reports failure; a text that is a JSON object is read as one.
pub(crate) fn text_failed(text: &str) -> bool {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if let Some(failed) = super::output_scan::object_failed(trimmed) {
            return failed;
        }
        if let Ok(inner @ Output(Probe::Obj { .. })) = serde_json::from_str::<Output>(trimmed) {
            return inner.failed();
        }
    }
    if let Some(rest) = trimmed.strip_prefix("Exit code:") {
        let rest = rest.trim_start();
        let end = rest
            .find(|c: char| c != '-' && !c.is_ascii_digit())
            .unwrap_or(rest.len());
        return rest[..end].parse::<i64>().is_ok_and(|c| c != 0);
    }
    trimmed.starts_with("aborted")
}

/// Reads one value; `whole` when it is an output itself (its strings, and its object's
/// `content`, are checked for failure), not a value nested in one.
#[derive(Clone, Copy)]
struct Seed {
    whole: bool,
}

impl<'de> DeserializeSeed<'de> for Seed {
    type Value = Probe;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Probe, D::Error> {
        d.deserialize_any(self)
    }
}

/// The members of an object the rules read.
enum Member {
    Success,
    ExitCode,
    Metadata,
    Content,
    Text,
    Other,
}

impl<'de> Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Member, E> {
                Ok(match key {
                    "success" => Member::Success,
                    "exit_code" => Member::ExitCode,
                    "metadata" => Member::Metadata,
                    "content" => Member::Content,
                    "text" => Member::Text,
                    _ => Member::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Visitor<'de> for Seed {
    type Value = Probe;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Probe, E> {
        Ok(Probe::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Probe, E> {
        Ok(Probe::Num(Some(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Probe, E> {
        Ok(Probe::Num(i64::try_from(v).ok()))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Probe, E> {
        Ok(Probe::Num(None))
    }

    fn visit_str<E>(self, v: &str) -> Result<Probe, E> {
        Ok(Probe::Str {
            len: v.len() as u64,
            failed: self.whole && text_failed(v),
        })
    }

    fn visit_unit<E>(self) -> Result<Probe, E> {
        Ok(Probe::Null)
    }

    fn visit_none<E>(self) -> Result<Probe, E> {
        Ok(Probe::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Probe, D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Probe, A::Error> {
        let mut text_len = 0u64;
        while let Some(item) = seq.next_element_seed(Seed { whole: false })? {
            if let Probe::Obj {
                text_len: Some(len),
                ..
            } = item
            {
                text_len += len;
            }
        }
        Ok(Probe::Arr { text_len })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Probe, A::Error> {
        let (mut success, mut exit_code, mut metadata_exit_code) = (None, None, None);
        let (mut content, mut text_len) = (None, None);
        let nested = Seed { whole: false };
        while let Some(member) = map.next_key::<Member>()? {
            match member {
                Member::Success => {
                    success = match map.next_value_seed(nested)? {
                        Probe::Bool(b) => Some(b),
                        _ => None,
                    };
                }
                Member::ExitCode => {
                    exit_code = match map.next_value_seed(nested)? {
                        Probe::Num(n) => n,
                        _ => None,
                    };
                }
                Member::Metadata => {
                    metadata_exit_code = match map.next_value_seed(nested)? {
                        Probe::Obj { exit_code, .. } => exit_code,
                        _ => None,
                    };
                }
                Member::Content => {
                    content = match map.next_value_seed(Seed { whole: self.whole })? {
                        Probe::Str { len, failed } => Some((len, failed)),
                        _ => None,
                    };
                }
                Member::Text => {
                    text_len = match map.next_value_seed(nested)? {
                        Probe::Str { len, .. } => Some(len),
                        _ => None,
                    };
                }
                Member::Other => {
                    map.next_value_seed(nested)?;
                }
            }
        }
        Ok(Probe::Obj {
            success,
            exit_code,
            metadata_exit_code,
            content,
            text_len,
        })
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// The rules as they were written over a `serde_json::Value` (the reference).
    pub(crate) fn value_failed(output: &Value) -> bool {
        match output {
            Value::String(text) => value_text_failed(text),
            Value::Object(map) => {
                map.get("success").and_then(Value::as_bool) == Some(false)
                    || map
                        .get("metadata")
                        .and_then(|m| m.get("exit_code"))
                        .and_then(Value::as_i64)
                        .is_some_and(|c| c != 0)
                    || map
                        .get("content")
                        .and_then(Value::as_str)
                        .is_some_and(value_text_failed)
            }
            _ => false,
        }
    }

    fn value_text_failed(text: &str) -> bool {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') {
            if let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(trimmed) {
                return value_failed(&inner);
            }
        }
        if let Some(rest) = trimmed.strip_prefix("Exit code:") {
            let code: String = rest
                .trim_start()
                .chars()
                .take_while(|c| *c == '-' || c.is_ascii_digit())
                .collect();
            return code.parse::<i64>().is_ok_and(|c| c != 0);
        }
        trimmed.starts_with("aborted")
    }

    fn value_len(output: &Value) -> Option<u64> {
        let len = |s: &str| s.len() as u64;
        match output {
            Value::String(text) => Some(len(text)),
            Value::Object(map) => map.get("content").and_then(Value::as_str).map(len),
            Value::Array(items) => Some(
                items
                    .iter()
                    .filter_map(|i| i.get("text").and_then(Value::as_str))
                    .map(len)
                    .sum(),
            ),
            _ => None,
        }
    }

    /// The probe and the `Value` reading agree on acceptance, failure and length.
    fn agree(json: &str) {
        let value = serde_json::from_str::<Value>(json);
        let probe = serde_json::from_str::<Output>(json);
        match (&value, &probe) {
            (Ok(v), Ok(p)) => {
                assert_eq!(p.failed(), value_failed(v), "failed of {json}");
                assert_eq!(p.len(), value_len(v), "len of {json}");
            }
            (Err(_), Err(_)) => {}
            _ => panic!("acceptance differs on {json}: {value:?} vs {probe:?}"),
        }
    }

    #[test]
    fn reads_failure_and_length_like_a_value() {
        for json in [
            r#""{\"output\":\"x\",\"metadata\":{\"exit_code\":1}}""#,
            r#""{\"output\":\"x\",\"metadata\":{\"exit_code\":0}}""#,
            r#""  {\"metadata\":{\"exit_code\":2,\"exit_code\":0}}""#,
            r#""{\"metadata\":{\"exit_code\":0,\"exit_code\":3}}""#,
            r#""{\"metadata\":{\"exit_code\":1.0}}""#,
            r#""{\"metadata\":{\"exit_code\":18446744073709551615}}""#,
            r#""{\"metadata\":[{\"exit_code\":1}]}""#,
            r#""{\"metadata\":{\"exit_code\":1},\"metadata\":null}""#,
            r#""{\"success\":false}""#,
            r#""{\"success\":\"false\"}""#,
            r#""{\"success\":false,\"success\":true}""#,
            r#""{\"content\":\"Exit code: 3\"}""#,
            r#""{\"content\":\"{\\\"success\\\":false}\"}""#,
            r#""{\"bad json\"""#,
            r#""{\"x\":1e400}""#,
            r#""{\"x\":\"\\ud800\"}""#,
            r#""Exit code: 0\nWall time: 1s""#,
            r#""Exit code: -1""#,
            r#""Exit code:   12abc""#,
            r#""Exit code: -""#,
            r#""Exit code: 99999999999999999999""#,
            r#""aborted by user""#,
            r#""   aborted""#,
            r#""caf\u00e9 \"quoted\" \\ back""#,
            r#"{"content":"Exit code: 1","success":true}"#,
            r#"{"content":"ok","success":false}"#,
            r#"{"content":5}"#,
            r#"{"metadata":{"exit_code":-4}}"#,
            r#"{"exit_code":1}"#,
            r#"[{"type":"input_text","text":"abc"},{"text":"dé"},{"text":7},"x",{"text":"z","text":"zz"}]"#,
            r#"[]"#,
            r#"12"#,
            r#"true"#,
            r#"null"#,
            r#"{"x":"\ud800"}"#,
            r#"{"x":"\ud83d\ude00"}"#,
            r#"{"x":1e400}"#,
            r#"{"content":"a" "b"}"#,
            r#"{"content":"a""#,
        ] {
            agree(json);
        }
    }

    #[test]
    fn nesting_past_the_limit_is_rejected_like_a_value() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        agree(&deep);
        let deep_text = format!(
            "{:?}",
            format!(
                "{}{}",
                "{\"a\":".repeat(200),
                "1".to_owned() + &"}".repeat(200)
            )
        );
        agree(&deep_text);
    }

    pub(crate) fn json_value() -> impl Strategy<Value = Value> {
        let key = prop_oneof![
            Just("success".to_owned()),
            Just("exit_code".to_owned()),
            Just("metadata".to_owned()),
            Just("content".to_owned()),
            Just("text".to_owned()),
            Just("output".to_owned()),
        ];
        let text = prop_oneof![
            Just("Exit code: 0".to_owned()),
            Just("Exit code: 2".to_owned()),
            Just("aborted".to_owned()),
            Just("{\"metadata\":{\"exit_code\":1}}".to_owned()),
            Just("{\"success\":false}".to_owned()),
            "[ -~é\"\\\\]{0,12}",
        ];
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e6f64..1e6).prop_map(Value::from),
            text.prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 24, 5, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..5)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn probe_agrees_with_value(v in json_value(), as_text in any::<bool>()) {
            let json = serde_json::to_string(&v).expect("serializes");
            // Also as the JSON text inside an output string, the <= 0.4x shape.
            let json = if as_text { serde_json::to_string(&json).expect("serializes") } else { json };
            agree(&json);
        }

        #[test]
        fn probe_agrees_with_value_on_any_text(s in "[\\[\\]{}\":,0-9a-z\\\\ .eE+-]{0,40}") {
            agree(&s);
        }
    }
}
