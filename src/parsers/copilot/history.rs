//! The 2025 Copilot CLI history document (`history-session-state/session_*.json`): one JSON
//! value `{sessionId, startTime, chatMessages, timeline}`, no token counts.
//!
//! The document is buffered and parsed when the file ends. Its report unit is the **entry**:
//! each `timeline` and `chatMessages` entry is one unit, and every unit is ignored (valid, but
//! nothing to bill). The timeline is what the user saw: `user` and `copilot` entries become the
//! session's messages and `tool_call_completed` entries its tool calls. `chatMessages` is the same
//! conversation in API form, so it adds no messages (counting both would count each twice).
//! A document that cannot be read at all is one malformed unit; an empty one is one ignored unit.

use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{prompt_fields, Agent, MessageKey, MessageRecord, Role, ToolCall, ToolKey};
use crate::parsers::{parse_timestamp_ms, FileContext, LineParser};

use super::records::{input_hash, str_field, HistoryDocument};
use super::session_from_path;

/// Reads `history-session-state/session_*.json` documents.
pub struct CopilotHistoryParser {
    fallback_session: String,
    buf: Vec<u8>,
}

impl CopilotHistoryParser {
    /// A parser for the document at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        CopilotHistoryParser {
            fallback_session: session_from_path(&ctx.path),
            buf: Vec::new(),
        }
    }
}

impl LineParser for CopilotHistoryParser {
    fn line(&mut self, number: u64, bytes: &[u8], _out: &mut Sink) {
        // Newlines go between lines only, so a document cut short reads as truncated.
        if number > 1 {
            self.buf.push(b'\n');
        }
        self.buf.extend_from_slice(bytes);
    }

    fn finish(&mut self, out: &mut Sink) {
        let buf = std::mem::take(&mut self.buf);
        let doc: HistoryDocument<'_> = match serde_json::from_slice(&buf) {
            Ok(doc) => doc,
            Err(err) => {
                out.malformed(1, format!("document: {}", json_reason(&buf, &err)));
                return;
            }
        };
        if doc.timeline.is_none() && doc.chat_messages.is_none() {
            out.malformed(1, "document has neither `timeline` nor `chatMessages`");
            return;
        }
        let session = doc
            .session_id
            .as_deref()
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.fallback_session)
            .to_owned();
        let start = doc.start_time.as_deref().and_then(parse_timestamp_ms);
        let timeline = doc.timeline.unwrap_or_default();
        let chat = doc.chat_messages.unwrap_or_default();
        if timeline.is_empty() && chat.is_empty() {
            out.ignored();
            return;
        }
        for (i, entry) in timeline.iter().enumerate() {
            let unit = i as u64 + 1;
            if !entry.is_object() {
                out.malformed(unit, format!("timeline entry {unit} is not an object"));
                continue;
            }
            entry_records(entry, &session, start, unit, out);
            out.ignored();
        }
        for (i, entry) in chat.iter().enumerate() {
            let unit = (timeline.len() + i) as u64 + 1;
            if entry.is_object() {
                out.ignored();
            } else {
                out.malformed(
                    unit,
                    format!("chatMessages entry {} is not an object", i + 1),
                );
            }
        }
    }
}

/// The message or tool call one timeline entry describes, if any.
fn entry_records(entry: &Value, session: &str, start: Option<i64>, unit: u64, out: &mut Sink) {
    let ts = str_field(entry, "timestamp")
        .and_then(parse_timestamp_ms)
        .or(start);
    let id = str_field(entry, "id").map_or_else(|| format!("#{unit}"), str::to_owned);
    let role = match str_field(entry, "type") {
        Some("user") => Role::User,
        Some("copilot") => Role::Assistant,
        Some("tool_call_completed") => {
            tool(entry, session, ts, unit, out);
            return;
        }
        _ => return,
    };
    let (words, preview) = prompt_fields(str_field(entry, "text").filter(|_| role == Role::User));
    out.message(MessageRecord {
        key: MessageKey::new(Agent::Copilot, &format!("{session}/{id}")),
        session: session.into(),
        role,
        timestamp_ms: ts.into(),
        words,
        preview,
        compaction: false,
        source: out.source(unit),
    });
}

/// A `tool_call_completed` entry: one finished call, `result.type` says whether it failed.
fn tool(entry: &Value, session: &str, ts: Option<i64>, unit: u64, out: &mut Sink) {
    let Some(id) = str_field(entry, "callId") else {
        return;
    };
    let result = entry.get("result");
    let status = result.and_then(|r| str_field(r, "type"));
    out.tool(ToolCall {
        key: ToolKey::new(Agent::Copilot, session, id),
        session: session.into(),
        name: str_field(entry, "name").map(Into::into),
        start_ms: ts.into(),
        end_ms: ts.into(),
        is_error: status.is_some_and(|s| s != "success"),
        input_hash: entry.get("arguments").map(input_hash).into(),
        target: entry
            .get("arguments")
            .and_then(|a| str_field(a, "path"))
            .map(Into::into),
        result_bytes: (result
            .and_then(|r| str_field(r, "log"))
            .map(|s| s.len() as u64))
        .into(),
        source: out.source(unit),
    });
}
