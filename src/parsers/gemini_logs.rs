//! Gemini CLI's prompt log: `~/.gemini/tmp/<project hash>/logs.json`.
//!
//! **Format** (google-gemini/gemini-cli `packages/core/src/core/logger.ts` at 5411f113): one JSON
//! array, rewritten whole (`JSON.stringify(logs, null, 2)`) at every prompt, of `LogEntry`
//! `{sessionId, messageId, timestamp, type, message}`: `type` is always `"user"`, `messageId` a
//! counter per session from 0, `timestamp` ISO 8601. It holds the prompts the user typed in every
//! session of the project, and nothing else: no tokens, no model, no tools.
//!
//! **Prompts only, and only as a stand-in.** Each entry is a user message (words and preview of
//! the prompt). The chat files beside the log (`chats/*.json`, `*.jsonl`) hold the same prompts,
//! so every message read here is a **stand-in** ([`crate::ledger::standin`]): keyed under
//! [`GEMINI_LOGS`], and dropped after the merge when a chat file of the same session was read.
//! A session whose chat file is gone still shows its prompts, and no session's prompts count
//! twice.
//!
//! **Units and fates:** each array element is one unit and is ignored (it carries no usage); an
//! element that is not an object with a string `sessionId` is malformed, and so is a file that is
//! not a JSON array (one unit).

use serde_json::Value;

use crate::ledger::standin::GEMINI_LOGS;
use crate::line_report::{json_reason, Sink};
use crate::model::{prompt_fields, Agent, MessageKey, MessageRecord, Role};
use crate::parsers::{parse_timestamp_ms, DocumentParser, FileContext};

/// The largest log read (64 MiB: years of prompts of one project).
const MAX_BYTES: usize = 64 << 20;

/// Reads one `logs.json`.
pub struct GeminiLogsParser {
    _ctx: FileContext,
}

impl GeminiLogsParser {
    /// A parser for the file at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        GeminiLogsParser { _ctx: ctx }
    }
}

impl DocumentParser for GeminiLogsParser {
    fn max_bytes(&self) -> usize {
        MAX_BYTES
    }

    fn document(&mut self, bytes: &[u8], out: &mut Sink) {
        let entries: Vec<Value> = match serde_json::from_slice(bytes) {
            Ok(Value::Array(entries)) => entries,
            Ok(_) => {
                out.malformed(1, "document: not a JSON array of log entries");
                return;
            }
            Err(err) => {
                out.malformed(1, format!("document: {}", json_reason(bytes, &err)));
                return;
            }
        };
        for (i, entry) in entries.iter().enumerate() {
            let unit = i as u64 + 1;
            let Some(session) = entry
                .get("sessionId")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                out.malformed(unit, "log entry without a string `sessionId`");
                continue;
            };
            out.ignored();
            if entry.get("type").and_then(Value::as_str) != Some("user") {
                continue;
            }
            let id = match entry.get("messageId") {
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::String(s)) => s.clone(),
                _ => format!("entry-{unit}"),
            };
            let (words, preview) = prompt_fields(entry.get("message").and_then(Value::as_str));
            out.message(MessageRecord {
                key: MessageKey::new(Agent::Gemini, &format!("{GEMINI_LOGS}{session}/{id}")),
                session: session.into(),
                role: Role::User,
                timestamp_ms: (entry
                    .get("timestamp")
                    .and_then(Value::as_str)
                    .and_then(parse_timestamp_ms))
                .into(),
                words,
                preview,
                compaction: false,
                source: out.source(unit),
            });
        }
    }
}
