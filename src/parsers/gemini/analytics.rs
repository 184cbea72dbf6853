//! The analytics fields of Gemini CLI records: tool input hash, target file and result size,
//! typed prompts, compressions.
//!
//! The JSONL parser reads a line as bytes and tolerates invalid UTF-8 inside text no figure
//! reads, because serde skips such strings unchecked; decoding that text in the line's own parse
//! would check it, and one bad byte in a message would turn a line that carries usage into a
//! malformed one. So:
//! - a line's tool arguments and results are kept raw by its own parse ([`LineRecord`]: a
//!   borrowed [`RawValue`] costs what skipping costs, plus a UTF-8 check of those bytes only),
//!   results measured on the way. If that stricter parse rejects the line, the line is read
//!   again exactly as before, without them, so no line changes fate;
//! - the text of `user` and `info` messages (few and short) is read by a second parse of the line
//!   or value, where a failure only loses the prompt ([`Texts`]);
//! - a record read from a `serde_json::Value` (a legacy document, a `$set.messages` checkpoint)
//!   is read again from it.
//!
//! Rules and why:
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

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::model::{content_hash, Agent};
use crate::parsers::text::TextPieces;
use crate::tool_category::categorize;

use super::prompt::{is_compression, typed_prompt};
use super::records::{GeminiToolCall, LineRecord, Record};
use super::result_len::ValueResultLen;

/// Where a record's analytics values are.
#[derive(Debug)]
pub(crate) enum Texts<'b> {
    /// A JSONL line, and the tool values its own parse kept ([`LineRecord::split`]; none when
    /// the line had to be read without them).
    Line {
        bytes: &'b [u8],
        calls: Vec<KeptCall<'b>>,
    },
    /// The value the record was read from: read again from it.
    Value(&'b Value),
}

/// A tool call's values kept by the line's own parse.
#[derive(Debug)]
pub(crate) struct KeptCall<'b> {
    id: Option<Cow<'b, str>>,
    name: Option<Cow<'b, str>>,
    args: Option<&'b RawValue>,
    result_bytes: Option<u64>,
}

impl<'a> LineRecord<'a> {
    /// The record as every path reads it, and the tool values kept from `bytes`, its line.
    pub(crate) fn split(self, bytes: &'a [u8]) -> (Record<'a>, Texts<'a>) {
        let mut calls = Vec::new();
        let tool_calls = self.tool_calls.map(|tool_calls| {
            tool_calls
                .into_iter()
                .map(|call| {
                    calls.push(KeptCall {
                        id: call.id.clone(),
                        name: call.name.clone(),
                        args: call.args,
                        result_bytes: call.result.and_then(|r| r.0),
                    });
                    GeminiToolCall {
                        id: call.id,
                        name: call.name,
                        status: call.status,
                        timestamp: call.timestamp,
                        args: None,
                        result: None,
                    }
                })
                .collect()
        });
        let record = Record {
            id: self.id,
            timestamp: self.timestamp,
            kind: self.kind,
            tokens: self.tokens,
            model: self.model,
            tool_calls,
            session_id: self.session_id,
            project_hash: self.project_hash,
            start_time: self.start_time,
            session_kind: self.session_kind,
            set: self.set,
            rewind_to: self.rewind_to,
        };
        (record, Texts::Line { bytes, calls })
    }
}

/// A `user` or `info` message's text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageText<'a> {
    #[serde(borrow, default)]
    content: TextPieces<'a>,
    #[serde(borrow, default)]
    display_content: Option<TextPieces<'a>>,
}

/// What a message's text says: a typed prompt's `(words, preview)`, or a compression notice.
#[derive(Debug, Default)]
pub(crate) struct Said {
    pub prompt: Option<(u32, Box<str>)>,
    pub compaction: bool,
}

/// A tool call's analytics fields.
#[derive(Debug, Default, Clone)]
pub(crate) struct CallFacts {
    pub input_hash: Option<u64>,
    pub target: Option<String>,
    pub result_bytes: Option<u64>,
}

/// A message read again for its tool calls' arguments and results.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ToolTexts<'a> {
    #[serde(borrow, default)]
    tool_calls: Vec<GeminiToolCall<'a, Value, ValueResultLen>>,
}

impl Texts<'_> {
    /// What a `user` or `info` message says (nothing for other kinds).
    pub(crate) fn said(&self, kind: Option<&str>) -> Said {
        let Some(kind @ ("user" | "info")) = kind else {
            return Said::default();
        };
        let text = match self {
            Texts::Line { bytes, .. } => serde_json::from_slice::<MessageText<'_>>(bytes).ok(),
            Texts::Value(value) => MessageText::deserialize(*value).ok(),
        };
        let Some(text) = text else {
            return Said::default();
        };
        let sent = text.content.0.join("\n");
        if kind == "info" {
            return Said {
                prompt: None,
                compaction: is_compression(&sent),
            };
        }
        let typed = match &text.display_content {
            Some(display) => display.0.join("\n"),
            None => sent.clone(),
        };
        Said {
            prompt: typed_prompt(&sent, &typed),
            compaction: false,
        }
    }

    /// The analytics fields of every tool call of the message, by call id.
    pub(crate) fn call_facts(&self) -> HashMap<String, CallFacts> {
        let facts = |name: Option<&str>, args: Option<&Value>, result_bytes| CallFacts {
            input_hash: args.map(input_hash),
            target: name
                .zip(args)
                .and_then(|(name, args)| file_target(name, args)),
            result_bytes,
        };
        match self {
            Texts::Line { calls, .. } => calls
                .iter()
                .filter_map(|call| {
                    let args = call
                        .args
                        .map(|raw| serde_json::from_str::<Value>(raw.get()));
                    let facts = match args {
                        Some(Ok(args)) => {
                            facts(call.name.as_deref(), Some(&args), call.result_bytes)
                        }
                        // Arguments that cannot be read are still hashed, as written.
                        Some(Err(_)) => CallFacts {
                            input_hash: call.args.map(|raw| content_hash(raw.get().as_bytes())),
                            target: None,
                            result_bytes: call.result_bytes,
                        },
                        None => facts(call.name.as_deref(), None, call.result_bytes),
                    };
                    Some((call.id.as_deref()?.to_owned(), facts))
                })
                .collect(),
            Texts::Value(value) => ToolTexts::deserialize(*value)
                .map(|texts| {
                    texts
                        .tool_calls
                        .into_iter()
                        .filter_map(|call| {
                            let result_bytes = call.result.and_then(|r| r.0);
                            let facts =
                                facts(call.name.as_deref(), call.args.as_ref(), result_bytes);
                            Some((call.id?.into_owned(), facts))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// [`content_hash`] of a tool call's `args` in canonical JSON.
fn input_hash(args: &Value) -> u64 {
    let mut canonical = Vec::new();
    write_canonical(args, &mut canonical);
    content_hash(&canonical)
}

/// Compact JSON with object keys sorted, whatever order serde_json keeps them in this build.
fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(item, out);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                // Writing JSON into a Vec cannot fail.
                let _infallible = serde_json::to_writer(&mut *out, key);
                out.push(b':');
                write_canonical(item, out);
            }
            out.push(b'}');
        }
        scalar => {
            let _infallible = serde_json::to_writer(&mut *out, scalar);
        }
    }
}

/// The file a file tool's `args` name.
fn file_target(name: &str, args: &Value) -> Option<String> {
    if !categorize(Agent::Gemini, name).is_file() {
        return None;
    }
    ["file_path", "absolute_path", "path"]
        .iter()
        .find_map(|key| args.get(key).and_then(Value::as_str))
        .filter(|path| !path.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn pretty_and_compact_args_hash_alike() {
        let compact = json(r#"{"file_path":"README.md","start_line":1}"#);
        let pretty = json("{\n  \"start_line\": 1,\n  \"file_path\": \"README.md\"\n}");
        assert_eq!(input_hash(&compact), input_hash(&pretty));
        assert_ne!(
            input_hash(&compact),
            input_hash(&json(r#"{"file_path":"README.md"}"#))
        );
        let mut canonical = Vec::new();
        write_canonical(
            &json(r#"{"b":[1,"x\n"],"a":{"d":null,"c":true}}"#),
            &mut canonical,
        );
        assert_eq!(canonical, br#"{"a":{"c":true,"d":null},"b":[1,"x\n"]}"#);
    }

    #[test]
    fn prompts_are_what_the_user_typed() {
        let p = |content: &str, display: Option<&str>| {
            let mut record = json(r#"{"id":"m","type":"user"}"#);
            record["content"] = json(content);
            if let Some(display) = display {
                record["displayContent"] = json(display);
            }
            Texts::Value(&record).said(Some("user")).prompt
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
        assert_eq!(expanded, Some((2, Box::from("explain @a.rs"))));
        assert_eq!(
            p(r#""/home/me/x.rs fails to build""#, None).map(|p| p.0),
            Some(4)
        );
    }

    #[test]
    fn compression_notices_are_compactions() {
        let info = |content: &str| {
            let record = json(&format!(
                r#"{{"id":"i","type":"info","content":{content}}}"#
            ));
            Texts::Value(&record).said(Some("info")).compaction
        };
        assert!(info(r#""Context compressed from 72% to 14%.""#));
        assert!(info(
            r#""IMPORTANT: This conversation exceeded the compress threshold. A compressed context will be sent for future messages (compressed from: 90000 to 12000 tokens).""#
        ));
        assert!(!info(r#""Request cancelled.""#));
        assert!(!info(r#""""#));
    }

    #[test]
    fn kept_values_that_cannot_be_decoded_only_lose_their_analytics() {
        let line = r#"{"id":"m","type":"gemini","toolCalls":[{"id":"t","name":"read_file","args":{"file_path":"\ud83d"},"result":[{"text":"ab\ud83d"}]}]}"#;
        let rec: LineRecord<'_> = serde_json::from_str(line).expect("a line read as text");
        let (rec, texts) = rec.split(line.as_bytes());
        assert_eq!(rec.tool_calls.map(|c| c.len()), Some(1));
        let facts = texts.call_facts();
        let t = facts.get("t").cloned().unwrap_or_default();
        assert!(t.input_hash.is_some());
        assert_eq!((t.target, t.result_bytes), (None, Some(5)));
    }
}
