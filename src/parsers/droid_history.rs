//! Factory Droid message history: `~/.factory/sessions/<encoded cwd>/<session id>.jsonl`.
//!
//! **Format.** Droid is closed source. Factory's Python SDK (PyPI `droid-sdk` 0.5.0,
//! `_high_level/discovery.py`) documents the file and its first line, `{"type": "session_start",
//! "id", "title", "owner", "version", "cwd"}`; the lines after it are read the way public peer
//! readers read them (RunMaestro/Maestro at 0859457b, `src/main/storage/
//! factory-droid-session-storage.ts`, "verified against Factory Droid session files"):
//! `{"type": "message", "id", "timestamp", "parentId"?, "message": {"role": "user" | "assistant",
//! "content": string | [block]}}`, whose blocks are Anthropic-style `text`, `thinking`,
//! `tool_use {id, name, input}` and `tool_result {tool_use_id, content, is_error?}`.
//!
//! **No usage.** The history carries no token counts: a session's usage is its total in the
//! `<session id>.settings.json` beside it ([`super::droid`]). The history gives what the total
//! cannot: the session's prompts, replies and tool calls, under the same session id (the file
//! name's stem, as the settings file's), so both meet in one session row.
//!
//! - A `user` message with text is a prompt (its words and preview); one holding only
//!   `tool_result` blocks is a tool message. An `assistant` message is a reply.
//! - A `tool_use` block starts a call at its message's time (name, input hash, and the file of
//!   `Read`/`Create`/`Edit`/`MultiEdit`); a `tool_result` ends it (`is_error`, result size).
//! - Messages are keyed by session and message id (a line without an id by its line number).
//!
//! **Fates.** Every valid line is ignored (none carries usage); a line that is not a JSON object
//! with a string `type` is malformed.

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::Sink;
use crate::model::{content_hash, prompt_fields, Agent, MessageKey, MessageRecord, Role, ToolCall};
use crate::parsers::{json_line, parse_timestamp_ms, FileContext, LineParser};

/// Tools whose `file_path` (or `path`) input is the file they read or write.
const FILE_TOOLS: [&str; 4] = ["Read", "Create", "Edit", "MultiEdit"];

/// Reads one Droid `<session id>.jsonl`.
pub struct DroidHistoryParser {
    session: String,
}

#[derive(Deserialize)]
struct Line {
    #[serde(rename = "type")]
    kind: String,
    /// Kept as any JSON: an id or time of an unexpected type loses only itself, not the line.
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    timestamp: Option<Value>,
    #[serde(default)]
    message: Option<Value>,
}

impl DroidHistoryParser {
    /// A parser for the file at `ctx.path`; its session is the file name without `.jsonl`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        let name = ctx.path.rsplit('/').next().unwrap_or_default();
        let session = name.strip_suffix(".jsonl").unwrap_or(name).to_owned();
        DroidHistoryParser { session }
    }

    fn tool(&self, id: &str, number: u64, out: &Sink) -> ToolCall {
        ToolCall::bare(
            Agent::Droid,
            self.session.as_str().into(),
            id,
            out.source(number),
        )
    }

    fn message(&self, line: &Line, message: &Value, number: u64, out: &mut Sink) {
        let ts = line
            .timestamp
            .as_ref()
            .and_then(Value::as_str)
            .and_then(parse_timestamp_ms);
        let role = message.get("role").and_then(Value::as_str);
        let content = message.get("content");
        let blocks: &[Value] = content.and_then(Value::as_array).map_or(&[], Vec::as_slice);
        let mut text: Vec<&str> = content.and_then(Value::as_str).into_iter().collect();
        let mut results = 0usize;
        for block in blocks {
            match block.get("type").and_then(Value::as_str) {
                Some("text") => text.extend(block.get("text").and_then(Value::as_str)),
                Some("tool_use") => {
                    let Some(id) = block.get("id").and_then(Value::as_str) else {
                        continue;
                    };
                    let mut call = self.tool(id, number, out);
                    let name = block.get("name").and_then(Value::as_str);
                    let input = block.get("input");
                    call.name = name.map(Into::into);
                    call.start_ms = ts.into();
                    call.input_hash = input.map(|v| content_hash(v.to_string().as_bytes())).into();
                    call.target = name
                        .filter(|n| FILE_TOOLS.contains(n))
                        .and(input)
                        .and_then(|i| i.get("file_path").or_else(|| i.get("path")))
                        .and_then(Value::as_str)
                        .map(Into::into);
                    out.tool(call);
                }
                Some("tool_result") => {
                    results += 1;
                    let Some(id) = block.get("tool_use_id").and_then(Value::as_str) else {
                        continue;
                    };
                    let mut call = self.tool(id, number, out);
                    call.end_ms = ts.into();
                    call.is_error = block.get("is_error").and_then(Value::as_bool) == Some(true);
                    call.result_bytes = (result_len(block.get("content"))).into();
                    out.tool(call);
                }
                _ => {}
            }
        }
        let (role, prompt) = match role {
            Some("user") if text.is_empty() && results > 0 => (Role::Tool, None),
            Some("user") => (Role::User, Some(text.join("\n"))),
            Some("assistant") => (Role::Assistant, None),
            _ => return,
        };
        let (words, preview) = prompt_fields(prompt.as_deref());
        let id = match &line.id {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => format!("#{number}"),
        };
        out.message(MessageRecord {
            key: MessageKey::new(Agent::Droid, &format!("{}/{id}", self.session)),
            session: self.session.as_str().into(),
            role,
            timestamp_ms: ts.into(),
            words,
            preview,
            compaction: false,
            source: out.source(number),
        });
    }
}

/// A tool result's size: its text as a string, or the `text` of its blocks.
fn result_len(content: Option<&Value>) -> Option<u64> {
    match content? {
        Value::String(s) => Some(s.len() as u64),
        Value::Array(blocks) => Some(
            blocks
                .iter()
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .map(|s| s.len() as u64)
                .sum(),
        ),
        _ => None,
    }
}

impl LineParser for DroidHistoryParser {
    fn line(&mut self, number: u64, bytes: &[u8], out: &mut Sink) {
        let Some(line) = json_line::<Line>(number, bytes, out) else {
            return;
        };
        if line.kind == "message" {
            if let Some(message) = &line.message {
                self.message(&line, message, number, out);
            }
        }
        out.ignored();
    }

    fn finish(&mut self, _out: &mut Sink) {}
}
