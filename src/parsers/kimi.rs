//! Kimi CLI wire logs (`~/.kimi/sessions/<md5 of work dir>/<session id>/wire.jsonl`, and a
//! subagent's `.../<session id>/subagents/<agent id>/wire.jsonl`).
//!
//! The format (MoonshotAI/kimi-cli `src/kimi_cli/wire/file.py`, `wire/types.py`, and
//! `packages/kosong/src/kosong/chat_provider/__init__.py`): every message the agent sent to its UI
//! is appended as `{"timestamp": <epoch seconds>, "message": {"type": <name>, "payload": {...}}}`,
//! after a first `{"type": "metadata", "protocol_version": "1.x"}` line (files from before
//! January 2026 have no metadata line). Python writes it with spaces after `:` and `,`.
//!
//! Usage, and why it is counted this way:
//! - **One `StatusUpdate` with `token_usage` per model call.** After each step's LLM call the
//!   agent sends `StatusUpdate{token_usage{input_other, output, input_cache_read,
//!   input_cache_creation}, message_id}` (kimi-cli 0.6x onwards, December 2025). The four counts do
//!   not overlap (`input_other` already excludes the cache), so they map one to one onto uncached
//!   input, output, cache reads and cache writes. Other `StatusUpdate`s (context size, plan mode,
//!   MCP status) carry no `token_usage` and bill nothing.
//! - **Keyed by the provider's response id** (`message_id`). A forked session copies the source's
//!   wire lines verbatim into a new session, and a subagent's calls appear twice: in its own
//!   `subagents/<id>/wire.jsonl` and mirrored in the parent's log inside `SubagentEvent{agent_id,
//!   event}`. The same id collapses all copies into one call. Without an id, a main-log line is
//!   keyed by its content (so a verbatim fork copy collapses) and a subagent's call by its agent
//!   and position among that agent's id-less calls, which the mirror and the subagent's file share.
//! - **No model name is recorded** anywhere in the session (the wire, `context.jsonl` and
//!   `state.json` hold none), so every call is unpriced: its tokens are counted and shown under
//!   the model `unknown`, never as $0.
//!
//! Fates: a usage-bearing `StatusUpdate` (direct or mirrored) is used; the metadata line and every
//! other message are ignored; a line that is not a JSON object, has neither a metadata `type` nor
//! a `message.type`, or whose `token_usage` is not numbers is malformed. Prompts are `TurnBegin` /
//! `SteerInput` of the main log; each usage-bearing step is one assistant message; tools are
//! `ToolCall{id, function{name, arguments}}` and `ToolResult{tool_call_id,
//! return_value{is_error}}`; `CompactionBegin` marks a compaction. The session is the folder the
//! log is in (the parent session for a subagent), the project the work-directory hash above it.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{
    content_hash, prompt_fields, Agent, KeyPart, MessageKey, MessageRecord, Role, Tokens, ToolCall,
    ToolKey, UsageKey, UsageRecord,
};
use crate::parsers::{is_blank, FileContext, LineParser};

/// One line: the metadata header or a message record.
#[derive(Debug, Deserialize)]
struct Line {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(default)]
    timestamp: Option<Value>,
    #[serde(default)]
    message: Option<Envelope>,
}

/// `{type, payload}` of a wire message (also the `event` of a `SubagentEvent`).
#[derive(Debug, Deserialize)]
struct Envelope {
    #[serde(rename = "type", default)]
    kind: Option<Value>,
    #[serde(default)]
    payload: Option<Payload>,
}

/// The payload fields any message type may carry; `token_usage` is strict.
#[derive(Debug, Default, Deserialize)]
struct Payload {
    #[serde(default)]
    token_usage: Option<TokenUsage>,
    #[serde(default)]
    message_id: Option<Value>,
    #[serde(default)]
    user_input: Option<Value>,
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    function: Option<Value>,
    #[serde(default)]
    tool_call_id: Option<Value>,
    #[serde(default)]
    return_value: Option<Value>,
    #[serde(default)]
    agent_id: Option<Value>,
    #[serde(default)]
    event: Option<Box<Envelope>>,
}

/// kosong `TokenUsage`: `input_other` excludes cache reads and writes.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
struct TokenUsage {
    #[serde(default)]
    input_other: u64,
    #[serde(default)]
    output: u64,
    #[serde(default)]
    input_cache_read: u64,
    #[serde(default)]
    input_cache_creation: u64,
}

/// Where a log sits, from its path.
#[derive(Debug)]
struct Place {
    session: String,
    project: Option<String>,
    /// The agent id when the log is a subagent's own.
    subagent: Option<String>,
}

fn place(path: &str) -> Place {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let at = |back: usize| {
        parts
            .len()
            .checked_sub(back)
            .and_then(|i| parts.get(i))
            .copied()
    };
    if at(3) == Some("subagents") {
        return Place {
            session: at(4).unwrap_or("wire").to_owned(),
            project: at(5).map(str::to_owned),
            subagent: at(2).map(str::to_owned),
        };
    }
    Place {
        session: at(2).unwrap_or("wire").to_owned(),
        project: at(3).map(str::to_owned),
        subagent: None,
    }
}

/// Reads `wire.jsonl` logs line by line.
pub struct KimiParser {
    place: Place,
    last_ts: Option<i64>,
    /// How many id-less usage records each agent had (keyed by the digest of its name), and each
    /// content key of the main agent (keyed by its scope).
    unkeyed_seen: HashMap<KeyPart, u32>,
}

impl KimiParser {
    /// A parser for the log at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        KimiParser {
            place: place(&ctx.path),
            last_ts: None,
            unkeyed_seen: HashMap::new(),
        }
    }

    /// One wire message; `agent` is set for a subagent's message (its own log or a mirror).
    /// Returns true when it produced a usage record (its line's fate is then `used`).
    fn message(
        &mut self,
        env: &Envelope,
        agent: Option<&str>,
        ts: Option<i64>,
        line: &[u8],
        n: u64,
        out: &mut Sink,
    ) -> bool {
        let empty = Payload::default();
        let p = env.payload.as_ref().unwrap_or(&empty);
        let session = self.place.session.clone();
        match env.kind.as_ref().and_then(Value::as_str) {
            Some("StatusUpdate") => {
                let Some(u) = p.token_usage else {
                    return false;
                };
                let tokens = Tokens {
                    input: u.input_other,
                    output: u.output,
                    cache_write_5m: u.input_cache_creation,
                    cache_write_1h: 0,
                    cache_read: u.input_cache_read,
                    reasoning: 0,
                };
                if tokens.is_zero() {
                    return false;
                }
                let id = p
                    .message_id
                    .as_ref()
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty());
                // The key, and the id its message is recorded under (the key's id as written).
                let (key, message_id) = match (id, agent) {
                    (Some(id), _) => (UsageKey::new(Agent::Kimi, "message", id), id.to_owned()),
                    (None, Some(agent)) => {
                        let seen = self.unkeyed_seen.entry(KeyPart::of(agent)).or_insert(0);
                        *seen += 1;
                        let n = seen.to_string();
                        let key =
                            UsageKey::new(Agent::Kimi, &format!("{session}/agent:{agent}"), &n);
                        (key, n)
                    }
                    (None, None) => {
                        let key = UsageKey::by_content(Agent::Kimi, "", ts.unwrap_or(0), line, 0);
                        let seen = self.unkeyed_seen.entry(key.scope).or_insert(0);
                        *seen += 1;
                        (key.with_occurrence(*seen), seen.to_string())
                    }
                };
                if agent.is_none() {
                    self.record_message(&message_id, Role::Assistant, ts, None, n, out);
                }
                out.used(UsageRecord {
                    key,
                    timestamp_ms: ts.unwrap_or(0),
                    model: None,
                    tokens,
                    session: session.as_str().into(),
                    project: self.place.project.as_deref().map(Into::into),
                    git_branch: None,
                    cli_version: None,
                    is_sidechain: agent.is_some(),
                    rare: None,
                    source: out.source(n),
                });
                return true;
            }
            Some("SubagentEvent") => {
                if let Some(inner) = &p.event {
                    let id = p.agent_id.as_ref().and_then(Value::as_str).unwrap_or("");
                    return self.message(inner, Some(id), ts, line, n, out);
                }
            }
            Some("TurnBegin" | "SteerInput") if agent.is_none() => {
                let text = user_text(p.user_input.as_ref());
                if !text.trim().is_empty() {
                    self.record_message(&format!("@{n}"), Role::User, ts, Some(&text), n, out);
                }
            }
            Some("CompactionBegin") if agent.is_none() => {
                let mut m =
                    message_record(&session, &format!("@{n}"), Role::System, ts, None, n, out);
                m.compaction = true;
                out.message(m);
            }
            Some("ToolCall") => {
                if let Some(id) =
                    p.id.as_ref()
                        .and_then(Value::as_str)
                        .filter(|s| !s.is_empty())
                {
                    let function = p.function.as_ref();
                    let args = function
                        .and_then(|f| f.get("arguments"))
                        .and_then(Value::as_str);
                    out.tool(ToolCall {
                        key: self.tool_key(id),
                        session: session.into(),
                        name: function
                            .and_then(|f| f.get("name"))
                            .and_then(Value::as_str)
                            .map(Into::into),
                        start_ms: ts.into(),
                        end_ms: Default::default(),
                        is_error: false,
                        input_hash: args.map(|a| content_hash(a.as_bytes())).into(),
                        target: None,
                        result_bytes: Default::default(),
                        source: out.source(n),
                    });
                }
            }
            Some("ToolResult") => {
                let id = p.tool_call_id.as_ref().and_then(Value::as_str);
                if let Some(id) = id.filter(|s| !s.is_empty()) {
                    let rv = p.return_value.as_ref();
                    out.tool(ToolCall {
                        key: self.tool_key(id),
                        session: session.into(),
                        name: None,
                        start_ms: Default::default(),
                        end_ms: ts.into(),
                        is_error: rv.and_then(|r| r.get("is_error")).and_then(Value::as_bool)
                            == Some(true),
                        input_hash: Default::default(),
                        target: None,
                        result_bytes: (rv
                            .and_then(|r| r.get("output"))
                            .and_then(Value::as_str)
                            .map(|s| s.len() as u64))
                        .into(),
                        source: out.source(n),
                    });
                }
            }
            _ => {}
        }
        false
    }

    fn tool_key(&self, id: &str) -> ToolKey {
        ToolKey::new(Agent::Kimi, self.place.session.as_str(), id)
    }

    fn record_message(
        &self,
        id: &str,
        role: Role,
        ts: Option<i64>,
        text: Option<&str>,
        n: u64,
        out: &mut Sink,
    ) {
        // The main log's own messages only: a subagent's prompts are its task, not the user's.
        if self.place.subagent.is_some() {
            return;
        }
        let m = message_record(&self.place.session, id, role, ts, text, n, out);
        out.message(m);
    }
}

impl LineParser for KimiParser {
    fn line(&mut self, n: u64, bytes: &[u8], out: &mut Sink) {
        if is_blank(bytes) {
            out.ignored();
            return;
        }
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            out.malformed(n, not_an_object(bytes));
            return;
        }
        let rec: Line = match serde_json::from_slice(bytes) {
            Ok(rec) => rec,
            Err(err) => {
                out.malformed(n, shape_reason(bytes, &err));
                return;
            }
        };
        let Some(env) = &rec.message else {
            if rec.kind.as_ref().and_then(Value::as_str) == Some("metadata") {
                out.ignored();
            } else {
                out.malformed(
                    n,
                    "not a Kimi CLI wire record (no `message` or metadata `type`)",
                );
            }
            return;
        };
        if env.kind.as_ref().and_then(Value::as_str).is_none() {
            out.malformed(n, "wire message without a `type`");
            return;
        }
        let ts = rec
            .timestamp
            .as_ref()
            .and_then(Value::as_f64)
            .filter(|s| s.is_finite() && s.abs() < 1e13)
            .map(|s| (s * 1000.0).round() as i64);
        if ts.is_some() {
            self.last_ts = ts;
        }
        let ts = ts.or(self.last_ts);
        let own_agent = self.place.subagent.clone();
        if !self.message(env, own_agent.as_deref(), ts, bytes.trim_ascii(), n, out) {
            out.ignored();
        }
    }

    fn finish(&mut self, _out: &mut Sink) {}
}

/// A prompt's text: a string, or the `text` of its text parts.
fn user_text(input: Option<&Value>) -> String {
    match input {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .filter(|p| p.get("type").and_then(Value::as_str) == Some("text"))
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

fn message_record(
    session: &str,
    id: &str,
    role: Role,
    ts: Option<i64>,
    text: Option<&str>,
    n: u64,
    out: &Sink,
) -> MessageRecord {
    let (words, preview) = prompt_fields(text);
    MessageRecord {
        key: MessageKey::new(Agent::Kimi, &format!("{session}/{id}")),
        session: session.into(),
        role,
        timestamp_ms: ts.into(),
        words,
        preview,
        compaction: false,
        source: out.source(n),
    }
}

/// Why an object line could not be read: not JSON at all, or JSON of an unexpected shape.
fn shape_reason(bytes: &[u8], err: &serde_json::Error) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => format!("unexpected record shape: {err}"),
        Err(inner) => json_reason(bytes, &inner),
    }
}

/// Why a line that does not open with `{` is not a record.
fn not_an_object(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => "not a JSON object".to_owned(),
        Err(err) => json_reason(bytes, &err),
    }
}

#[cfg(test)]
mod tests {
    use super::place;

    #[test]
    fn the_session_and_project_come_from_the_path() {
        let p = place("x/.kimi/sessions/abc123/s-1/wire.jsonl");
        assert_eq!(
            (p.session.as_str(), p.project.as_deref(), p.subagent),
            ("s-1", Some("abc123"), None)
        );
        let p = place("sessions/abc123/s-1/subagents/agent-7/wire.jsonl");
        assert_eq!(
            (
                p.session.as_str(),
                p.project.as_deref(),
                p.subagent.as_deref()
            ),
            ("s-1", Some("abc123"), Some("agent-7"))
        );
        assert_eq!(place("wire.jsonl").session, "wire");
    }
}
