//! Codebuff chats: `~/.config/manicode/projects/<project>/chats/<chat id>/messages.json`.
//!
//! **Format** (CodebuffAI/codebuff da0d57111a3501e2056b7aab2ce8a1fe233649e9,
//! `npm-app/src/chat-storage.ts` `setMessages`, `npm-app/src/project-files.ts`, `CONFIG_DIR` in
//! `npm-app/src/credentials.ts`; messages: `common/src/types/messages/codebuff-message.ts`): one
//! pretty-printed document `{id, messages, updatedAt}`, rewritten whole after each turn. `id` is
//! the chat id, the chat's start time as an ISO timestamp with `:` written as `-`. Each message is
//! `{role: "system"|"user"|"assistant"|"tool", content, ...}`: an assistant's content holds
//! `tool-call` parts (`toolCallId`, `toolName`, `input`), a tool message one `tool-result` part
//! (`toolCallId`, `toolName`, `output`).
//!
//! **No usage.** Codebuff runs every model call on its own servers and charges credits there: the
//! local chat keeps the messages only (`setMessages` even replaces any `metrics` in message text
//! with `(METRICS_REMOVED)`), so a chat is shown as a session with its messages and tool calls and
//! no tokens, never as $0 of usage. Messages carry no time of their own: the chat's start (its id)
//! dates the prompts and tool calls; `updatedAt` is when the file was last written.
//!
//! **Units and fates:** the document is one unit per message (numbered from 1), every one of them
//! ignored (no usage), or malformed when it is not an object with a `role`; a document that
//! cannot be read is one malformed unit.

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{
    content_hash, prompt_fields, Agent, MessageKey, MessageRecord, Role, ToolCall, ToolKey,
};
use crate::parsers::{DocumentParser, FileContext};

/// The largest chat read (64 MiB).
const MAX_BYTES: usize = 64 << 20;

/// Reads one `messages.json`.
pub struct CodebuffParser {
    ctx: FileContext,
}

impl CodebuffParser {
    /// A parser for the file at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        CodebuffParser { ctx }
    }
}

#[derive(Debug, Deserialize)]
struct Chat {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    messages: Option<Vec<Value>>,
}

/// The chat's start from its id (`2025-09-06T08-09-39.123Z`: the ISO time with `-` for `:`).
#[must_use]
pub fn chat_start_ms(id: &str) -> Option<i64> {
    let (date, time) = id.split_once('T')?;
    let time = time.replacen('-', ":", 2);
    crate::parsers::parse_timestamp_ms(&format!("{date}T{time}"))
}

impl DocumentParser for CodebuffParser {
    fn max_bytes(&self) -> usize {
        MAX_BYTES
    }

    fn document(&mut self, bytes: &[u8], out: &mut Sink) {
        let chat: Chat = match serde_json::from_slice(bytes) {
            Ok(c) => c,
            Err(err) => {
                out.malformed(1, format!("document: {}", json_reason(bytes, &err)));
                return;
            }
        };
        let session = chat
            .id
            .as_ref()
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map_or_else(|| folder_of(&self.ctx.path), str::to_owned);
        let start = chat_start_ms(&session);
        let messages = chat.messages.unwrap_or_default();
        if messages.is_empty() {
            out.ignored();
            return;
        }
        for (i, m) in messages.iter().enumerate() {
            let number = i as u64 + 1;
            if !m.is_object() {
                out.malformed(number, format!("message {number} is not an object"));
                continue;
            }
            let Some(role) = m.get("role").and_then(Value::as_str) else {
                out.malformed(number, format!("message {number} has no `role`"));
                continue;
            };
            let content = m.get("content");
            let role = match role {
                "user" => Role::User,
                "assistant" => Role::Assistant,
                "tool" => Role::Tool,
                _ => Role::System,
            };
            let (words, preview) = prompt_fields(
                content
                    .and_then(text_of)
                    .as_deref()
                    .filter(|_| role == Role::User),
            );
            out.message(MessageRecord {
                key: MessageKey::new(Agent::Codebuff, &format!("{session}/{number}")),
                session: session.as_str().into(),
                role,
                timestamp_ms: start.into(),
                words,
                preview,
                compaction: false,
                source: out.source(number),
            });
            for part in parts(content) {
                tool_part(part, &session, start, number, out);
            }
            out.ignored();
        }
    }
}

/// A content's parts: an array, or the single part a tool message holds.
fn parts(content: Option<&Value>) -> Vec<&Value> {
    match content {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(v @ Value::Object(_)) => vec![v],
        _ => Vec::new(),
    }
}

/// A tool call or result part as a half of a [`ToolCall`].
fn tool_part(part: &Value, session: &str, start: Option<i64>, number: u64, out: &mut Sink) {
    let kind = part.get("type").and_then(Value::as_str);
    if !matches!(kind, Some("tool-call" | "tool-result")) {
        return;
    }
    let Some(id) = part
        .get("toolCallId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let input = part.get("input");
    out.tool(ToolCall {
        key: ToolKey::new(Agent::Codebuff, session, id),
        session: session.into(),
        name: part.get("toolName").and_then(Value::as_str).map(Into::into),
        start_ms: (kind == Some("tool-call"))
            .then_some(start)
            .flatten()
            .into(),
        end_ms: Default::default(),
        is_error: false,
        input_hash: input.map(|i| content_hash(i.to_string().as_bytes())).into(),
        target: input
            .and_then(|i| i.get("path"))
            .and_then(Value::as_str)
            .map(Into::into),
        result_bytes: (kind == Some("tool-result"))
            .then(|| part.get("output").map(|o| o.to_string().len() as u64))
            .flatten()
            .into(),
        source: out.source(number),
    });
}

/// A message's text (a string, or its text parts).
fn text_of(content: &Value) -> Option<String> {
    match content {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let text: Vec<&str> = parts
                .iter()
                .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect();
            (!text.is_empty()).then(|| text.join("\n"))
        }
        _ => None,
    }
}

/// The folder holding the file (the chat id), else the path.
fn folder_of(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let _file = parts.next();
    parts
        .next()
        .filter(|p| !p.is_empty())
        .unwrap_or(path)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chat_id_is_its_start_time() {
        assert_eq!(
            chat_start_ms("2025-09-06T08-09-39.123Z"),
            crate::parsers::parse_timestamp_ms("2025-09-06T08:09:39.123Z")
        );
        assert_eq!(chat_start_ms("not-a-time"), None);
    }
}
