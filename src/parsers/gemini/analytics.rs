//! The analytics fields of Gemini CLI records: tool input hash, target file and result size,
//! typed prompts, compressions.
//!
//! Every value is read from raw JSON kept by the record's own parse, never decoded there (see
//! `parsers::text`). Rules and why:
//! - **Input hash** of `toolCalls[].args` in a canonical form (keys sorted, no whitespace). A
//!   legacy `.json` session is pretty-printed and read through a `serde_json::Value`, the `.jsonl`
//!   it is migrated to is compact: hashing the text as written would give one call two hashes.
//! - **Target**: `file_path` (or the older `absolute_path`, or `path`) of the file tools of
//!   [`crate::tool_category`] (`read_file`, `write_file`, `replace`); `read_many_files` names
//!   several files and gets none.
//! - **Result size**: the text the tool returned to the model: each `functionResponse.response`
//!   `output` (or `error`) string and each `text` part of `toolCalls[].result`.
//! - **Typed prompts** (`type: "user"`): what the user typed is `displayContent` when present
//!   (the CLI records it when it differs from what was sent: `@file` expansions, `/init`), else
//!   `content`. Not prompts: tool responses recorded as user messages (no text), the automatic
//!   "Please continue." of a turn the model must continue, and slash commands (`/init`,
//!   `/memory add …`: a `/` word that is not a path).
//! - **Compressions**: gemini-cli (since November 2025) records the notice of an automatic
//!   compression as an `info` message, "Context compressed from X% to Y%." (earlier "IMPORTANT:
//!   This conversation exceeded the compress threshold. …"); each is one compaction. A manual
//!   `/compress` is recorded as an `info` message with empty content whatever its outcome, so it
//!   is not counted, and older versions record no compression at all.

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::model::{content_hash, prompt_summary, Agent};
use crate::parsers::text::{json_str_len, raw_text_pieces, str_field};
use crate::tool_category::categorize;

/// [`content_hash`] of a tool call's `args` in canonical JSON (the raw text when it cannot be
/// read as JSON).
pub(super) fn input_hash(args: &RawValue) -> u64 {
    match serde_json::from_str::<Value>(args.get()) {
        Ok(value) => {
            let mut canonical = String::new();
            write_canonical(&value, &mut canonical);
            content_hash(canonical.as_bytes())
        }
        Err(_) => content_hash(args.get().as_bytes()),
    }
}

/// Compact JSON with object keys sorted, whatever order serde_json keeps them in this build.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    write_canonical(v, out);
                }
            }
            out.push('}');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The file a file tool's `args` name.
pub(super) fn file_target(name: &str, args: &RawValue) -> Option<String> {
    if !categorize(Agent::Gemini, name).is_file() {
        return None;
    }
    str_field(args.get(), &["file_path", "absolute_path", "path"])
}

/// One part of a tool result, read for the sizes of its texts (kept raw).
#[derive(Deserialize)]
struct Part<'a> {
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
    #[serde(rename = "functionResponse", borrow, default)]
    function_response: Option<FunctionResponse<'a>>,
}

#[derive(Deserialize)]
struct FunctionResponse<'a> {
    #[serde(borrow, default)]
    response: Option<Response<'a>>,
}

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow, default)]
    output: Option<&'a RawValue>,
    #[serde(borrow, default)]
    error: Option<&'a RawValue>,
}

impl Part<'_> {
    fn len(&self) -> u64 {
        let response = self
            .function_response
            .as_ref()
            .and_then(|f| f.response.as_ref());
        [
            self.text,
            response.and_then(|r| r.output),
            response.and_then(|r| r.error),
        ]
        .into_iter()
        .flatten()
        .filter_map(|raw| json_str_len(raw.get()))
        .sum()
    }
}

/// The size of the text a tool returned (`toolCalls[].result`: a string, a part or a list of
/// parts); `None` when it has another shape.
pub(super) fn result_bytes(result: &RawValue) -> Option<u64> {
    let raw = result.get();
    match raw.as_bytes().first()? {
        b'"' => json_str_len(raw),
        b'[' => serde_json::from_str::<Vec<Part<'_>>>(raw)
            .ok()
            .map(|parts| parts.iter().map(Part::len).sum()),
        b'{' => serde_json::from_str::<Part<'_>>(raw).ok().map(|p| p.len()),
        _ => None,
    }
}

/// The text of a `content` or `displayContent` value, its pieces joined by newlines.
fn text_of(raw: &RawValue) -> String {
    raw_text_pieces(raw).join("\n")
}

/// What the CLI sends by itself when the model must continue its turn.
const CONTINUE: [&str; 2] = ["Please continue.", "System: Please continue."];

/// `(words, preview)` of a `user` message the user typed, or `None` (see the module docs).
pub(super) fn typed_prompt(
    content: Option<&RawValue>,
    display: Option<&RawValue>,
) -> Option<(u32, String)> {
    let sent = content.map(text_of).unwrap_or_default();
    if CONTINUE.contains(&sent.trim()) {
        return None;
    }
    let typed = match display {
        Some(display) => text_of(display),
        None => sent,
    };
    let text = typed.trim();
    if text.is_empty() || is_slash_command(text) {
        return None;
    }
    Some(prompt_summary(text))
}

/// `/init`, `/memory add x`: a first word that starts with `/` and is not a path.
fn is_slash_command(text: &str) -> bool {
    let first = text.split_whitespace().next().unwrap_or_default();
    first
        .strip_prefix('/')
        .is_some_and(|name| !name.is_empty() && !name.contains('/'))
}

/// True for the `info` message gemini-cli writes after an automatic compression.
pub(super) fn is_compression(content: Option<&RawValue>) -> bool {
    const NOTICES: [&str; 2] = [
        "Context compressed from ",
        "IMPORTANT: This conversation exceeded the compress threshold",
    ];
    let text = content.map(text_of).unwrap_or_default();
    NOTICES.iter().any(|n| text.trim_start().starts_with(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(json: &str) -> Box<RawValue> {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn pretty_and_compact_args_hash_alike() {
        let compact = raw(r#"{"file_path":"README.md","start_line":1}"#);
        let pretty = raw("{\n  \"start_line\": 1,\n  \"file_path\": \"README.md\"\n}");
        assert_eq!(input_hash(&compact), input_hash(&pretty));
        assert_ne!(
            input_hash(&compact),
            input_hash(&raw(r#"{"file_path":"README.md"}"#))
        );
    }

    #[test]
    fn results_are_measured_from_function_responses() {
        // The shape of gemini.jsonl (2026-04): one functionResponse part.
        let r = raw(
            r#"[{"functionResponse":{"id":"aao1q07o","name":"read_file","response":{"output":"a\nbc"}}}]"#,
        );
        assert_eq!(result_bytes(&r), Some(4));
        let r =
            raw(r#"[{"functionResponse":{"response":{"error":"no such file"}}},{"text":"xy"}]"#);
        assert_eq!(result_bytes(&r), Some(14));
        assert_eq!(result_bytes(&raw(r#""plain""#)), Some(5));
        assert_eq!(result_bytes(&raw("null")), None);
    }

    #[test]
    fn prompts_are_what_the_user_typed() {
        let p = |content: &str, display: Option<&str>| {
            let display = display.map(raw);
            typed_prompt(Some(&raw(content)), display.as_deref())
        };
        // Lines of gemini.jsonl (2026-04) and the 2025-10-05 legacy session.
        assert_eq!(
            p(
                r#""請幫我檢查一下所有代碼是否足夠簡潔 而不是一堆冗餘代碼""#,
                None
            )
            .map(|p| p.0),
            Some(2)
        );
        assert_eq!(
            p(r#"[{"text":"幫我做一個小修改 請幫我將上面確保執行時要透過 uv run 來執行 避免環境有問題"}]"#, None).map(|p| p.0),
            Some(6)
        );
        assert_eq!(
            p(
                r#"[{"text":"\nYou are an AI agent that brings the power of Gemini"}]"#,
                Some(r#"[{"text":"/init"}]"#)
            ),
            None
        );
        assert_eq!(
            p(
                r#"[{"text":"System: Please continue."}]"#,
                Some(
                    r#"[{"functionResponse":{"id":"jyi4d5mc","name":"update_topic","response":{"output":"ok"}}}]"#
                )
            ),
            None
        );
        assert_eq!(
            p(
                r#"[{"text":"Please continue."}]"#,
                Some(r#"[{"text":"fix the bug"}]"#)
            ),
            None
        );
        assert_eq!(
            p(
                r#"[{"functionResponse":{"name":"read_file","response":{"output":"x"}}}]"#,
                None
            ),
            None
        );
        let expanded = p(
            r#"[{"text":"explain @a.rs"},{"text":"--- a.rs ---\nfn main() {}"}]"#,
            Some(r#"[{"text":"explain @a.rs"}]"#),
        );
        assert_eq!(expanded, Some((2, "explain @a.rs".to_owned())));
        assert_eq!(
            p(r#""/home/me/x.rs fails to build""#, None).map(|p| p.0),
            Some(4)
        );
    }

    #[test]
    fn compression_notices_are_compactions() {
        assert!(is_compression(Some(&raw(
            r#""Context compressed from 72% to 14%.""#
        ))));
        assert!(is_compression(Some(&raw(
            r#""IMPORTANT: This conversation exceeded the compress threshold. A compressed context will be sent for future messages (compressed from: 90000 to 12000 tokens).""#
        ))));
        assert!(!is_compression(Some(&raw(r#""Request cancelled.""#))));
        assert!(!is_compression(Some(&raw(r#""""#))));
        assert!(!is_compression(None));
    }
}
