//! Amp threads (`~/.local/share/amp/threads/T-<uuid>.json`), one JSON document per thread.
//!
//! The document is `{v, id, created, title, messages, usageLedger?, ...}`, rewritten whole as the
//! thread grows. Usage is recorded in two places:
//! - `messages[]`: an assistant message carries `usage{model, timestamp, inputTokens,
//!   outputTokens, cacheCreationInputTokens, cacheReadInputTokens, totalInputTokens, credits}`,
//!   Anthropic-style: `inputTokens` is uncached input (`totalInputTokens` is the sum of the three
//!   input kinds), so no kind overlaps another;
//! - `usageLedger.events[]`: `{id, timestamp, model, credits, tokens{input, output, total},
//!   toMessageId}`, Amp's billing ledger, one event per model call it charged.
//!
//! **Which wins.** A ledger event that points (`toMessageId`) at an assistant message with usage
//! describes the same call: the message's usage is counted and the event is a duplicate, because
//! only the message splits cache reads and writes out of the input (the ledger's `tokens` do not,
//! and pricing cache reads as input would overstate them tenfold). A ledger event without such a
//! message (a side call such as title generation, or a message whose usage was not kept) is
//! counted from its own `tokens`. Never both. A ledger `tokens` with only a `total` is counted as
//! input and noted as repaired.
//!
//! Units and fates: the document is buffered and parsed when the file ends; each message and
//! each ledger event is one unit (messages first, then events, numbered from 1). An assistant
//! message with usage is used; a ledger event is used or a duplicate as above; everything else is
//! ignored; an entry that is not an object, or whose token counts are not numbers, is malformed;
//! a document that cannot be read is one malformed unit.
//!
//! Tools: `tool_use{id, name, input}` blocks of assistant messages start a call (at the message's
//! time); `tool_result{toolUseID, run{status}}` blocks of the next user message end it, and
//! `status: "error"` is a failure (results carry no time of their own). User messages that hold
//! text are prompts; the thread id is the session. Amp records no working directory, git branch or
//! CLI version in the thread, so those stay empty.

use std::borrow::Cow;
use std::collections::HashSet;

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{
    content_hash, prompt_fields, Agent, MessageKey, MessageRecord, Role, Tokens, ToolCall, ToolKey,
    UsageKey, UsageRecord,
};
use crate::parsers::lenient::opt_str;
use crate::parsers::{parse_timestamp_ms, FileContext, LineParser};

/// A thread document: only what a figure needs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Thread<'a> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    id: Option<Cow<'a, str>>,
    /// Epoch milliseconds.
    #[serde(default)]
    created: Option<Value>,
    #[serde(default)]
    messages: Option<Vec<Value>>,
    #[serde(default)]
    usage_ledger: Option<Ledger>,
}

#[derive(Debug, Default, Deserialize)]
struct Ledger {
    #[serde(default)]
    events: Option<Vec<Value>>,
}

/// One message; its usage is strict.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Message {
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    message_id: Option<Value>,
    #[serde(default)]
    content: Option<Value>,
    #[serde(default)]
    usage: Option<MessageUsage>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MessageUsage {
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
}

/// One ledger event; its tokens are strict.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Event {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    tokens: Option<EventTokens>,
    #[serde(default)]
    to_message_id: Option<Value>,
}

#[derive(Debug, Default, Clone, Copy, Deserialize)]
struct EventTokens {
    #[serde(default)]
    input: u64,
    #[serde(default)]
    output: u64,
    #[serde(default)]
    total: u64,
}

/// Reads `threads/T-*.json` documents.
pub struct AmpParser {
    fallback_session: String,
    buf: Vec<u8>,
}

impl AmpParser {
    /// A parser for the thread at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        let name = ctx.path.rsplit('/').next().unwrap_or(&ctx.path);
        AmpParser {
            fallback_session: name.strip_suffix(".json").unwrap_or(name).to_owned(),
            buf: Vec::new(),
        }
    }
}

impl LineParser for AmpParser {
    fn line(&mut self, number: u64, bytes: &[u8], _out: &mut Sink) {
        // Newlines go between lines only, so a document cut short reads as truncated.
        if number > 1 {
            self.buf.push(b'\n');
        }
        self.buf.extend_from_slice(bytes);
    }

    fn finish(&mut self, out: &mut Sink) {
        let buf = std::mem::take(&mut self.buf);
        let thread: Thread<'_> = match serde_json::from_slice(&buf) {
            Ok(t) => t,
            Err(err) => {
                out.malformed(1, format!("document: {}", json_reason(&buf, &err)));
                return;
            }
        };
        let messages = thread.messages.unwrap_or_default();
        let events = thread
            .usage_ledger
            .and_then(|l| l.events)
            .unwrap_or_default();
        if messages.is_empty() && events.is_empty() {
            out.ignored();
            return;
        }
        let t = Doc {
            session: thread
                .id
                .as_deref()
                .filter(|s| !s.is_empty())
                .unwrap_or(&self.fallback_session)
                .to_owned(),
            created: thread.created.as_ref().and_then(Value::as_i64),
        };
        // Assistant messages whose usage is counted: the ledger events pointing at them repeat it.
        let mut with_usage: HashSet<String> = HashSet::new();
        for (i, value) in messages.iter().enumerate() {
            let unit = i as u64 + 1;
            match Message::deserialize(value) {
                Ok(m) if value.is_object() => {
                    if let Some(id) = t.message(&m, unit, out) {
                        with_usage.insert(id);
                    }
                }
                Ok(_) => out.malformed(unit, format!("message {unit} is not an object")),
                Err(err) => out.malformed(unit, format!("message {unit}: {err}")),
            }
        }
        for (i, value) in events.iter().enumerate() {
            let unit = (messages.len() + i) as u64 + 1;
            match Event::deserialize(value) {
                Ok(e) if value.is_object() => t.event(&e, &with_usage, unit, out),
                Ok(_) => out.malformed(unit, format!("ledger event {} is not an object", i + 1)),
                Err(err) => out.malformed(unit, format!("ledger event {}: {err}", i + 1)),
            }
        }
    }
}

/// What every record of a thread shares.
struct Doc {
    session: String,
    created: Option<i64>,
}

impl Doc {
    /// Gives one message its fate; returns its id when its usage was counted.
    fn message(&self, m: &Message, unit: u64, out: &mut Sink) -> Option<String> {
        let id = m
            .message_id
            .as_ref()
            .and_then(id_text)
            .unwrap_or_else(|| format!("#{unit}"));
        let ts = m
            .usage
            .as_ref()
            .and_then(|u| u.timestamp.as_deref())
            .and_then(parse_timestamp_ms);
        let blocks = m.content.as_ref().and_then(Value::as_array);
        match m.role.as_deref() {
            Some("user") => {
                let text = blocks
                    .into_iter()
                    .flatten()
                    .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                    .filter_map(|b| b.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join("\n");
                let text = text.trim();
                if !text.is_empty() {
                    self.record_message(&id, Role::User, ts, Some(text), unit, out);
                }
                for block in blocks.into_iter().flatten() {
                    self.tool_result(block, unit, out);
                }
            }
            Some("assistant") => {
                self.record_message(&id, Role::Assistant, ts, None, unit, out);
                for block in blocks.into_iter().flatten() {
                    self.tool_use(block, ts, unit, out);
                }
                if let Some(u) = &m.usage {
                    let tokens = Tokens {
                        input: u.input_tokens,
                        output: u.output_tokens,
                        cache_write_5m: u.cache_creation_input_tokens,
                        cache_write_1h: 0,
                        cache_read: u.cache_read_input_tokens,
                        reasoning: 0,
                    };
                    if !tokens.is_zero() {
                        let model = u.model.clone();
                        out.used(self.record(
                            &format!("message:{id}"),
                            ts,
                            model,
                            tokens,
                            unit,
                            out,
                        ));
                        return Some(id);
                    }
                }
            }
            _ => {}
        }
        out.ignored();
        None
    }

    fn event(&self, e: &Event, with_usage: &HashSet<String>, unit: u64, out: &mut Sink) {
        let target = e.to_message_id.as_ref().and_then(id_text);
        if target.as_ref().is_some_and(|t| with_usage.contains(t)) {
            out.duplicate();
            return;
        }
        let Some(tk) = e
            .tokens
            .filter(|t| t.input > 0 || t.output > 0 || t.total > 0)
        else {
            out.ignored();
            return;
        };
        let tokens = if tk.input == 0 && tk.output == 0 {
            out.repaired(
                unit,
                format!(
                    "ledger event has only a total ({}): counted as input",
                    tk.total
                ),
            );
            Tokens {
                input: tk.total,
                ..Tokens::default()
            }
        } else {
            Tokens {
                input: tk.input,
                output: tk.output,
                ..Tokens::default()
            }
        };
        let id = match (&target, e.id.as_ref().and_then(id_text)) {
            (Some(t), _) => format!("message:{t}"),
            (None, Some(event)) => format!("event:{event}"),
            (None, None) => format!("#{unit}"),
        };
        let ts = e.timestamp.as_deref().and_then(parse_timestamp_ms);
        out.used(self.record(&id, ts, e.model.clone(), tokens, unit, out));
    }

    fn record(
        &self,
        id: &str,
        ts: Option<i64>,
        model: Option<String>,
        tokens: Tokens,
        unit: u64,
        out: &Sink,
    ) -> UsageRecord {
        UsageRecord {
            key: UsageKey::new(Agent::Amp, &self.session, id),
            timestamp_ms: ts.or(self.created).unwrap_or(0),
            model: model.filter(|m| !m.is_empty()).map(Into::into),
            tokens,
            session: self.session.as_str().into(),
            project: None,
            git_branch: None,
            cli_version: None,
            is_sidechain: false,
            rare: None,
            source: out.source(unit),
        }
    }

    fn record_message(
        &self,
        id: &str,
        role: Role,
        ts: Option<i64>,
        text: Option<&str>,
        unit: u64,
        out: &mut Sink,
    ) {
        let (words, preview) = prompt_fields(text);
        out.message(MessageRecord {
            key: MessageKey::new(Agent::Amp, &format!("{}/{id}", self.session)),
            session: self.session.as_str().into(),
            role,
            timestamp_ms: ts.into(),
            words,
            preview,
            compaction: false,
            source: out.source(unit),
        });
    }

    fn tool_key(&self, id: &str) -> ToolKey {
        ToolKey::new(Agent::Amp, self.session.as_str(), id)
    }

    fn tool_use(&self, block: &Value, ts: Option<i64>, unit: u64, out: &mut Sink) {
        if block.get("type").and_then(Value::as_str) != Some("tool_use") {
            return;
        }
        let Some(id) = block
            .get("id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            return;
        };
        let input = block.get("input");
        out.tool(ToolCall {
            key: self.tool_key(id),
            session: self.session.as_str().into(),
            name: block.get("name").and_then(Value::as_str).map(Into::into),
            start_ms: ts.into(),
            end_ms: Default::default(),
            is_error: false,
            input_hash: input.map(|i| content_hash(i.to_string().as_bytes())).into(),
            target: input
                .and_then(|i| i.get("path"))
                .and_then(Value::as_str)
                .map(Into::into),
            result_bytes: Default::default(),
            source: out.source(unit),
        });
    }

    fn tool_result(&self, block: &Value, unit: u64, out: &mut Sink) {
        if block.get("type").and_then(Value::as_str) != Some("tool_result") {
            return;
        }
        let Some(id) = block
            .get("toolUseID")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
        else {
            return;
        };
        let status = block
            .get("run")
            .and_then(|r| r.get("status"))
            .and_then(Value::as_str);
        out.tool(ToolCall {
            key: self.tool_key(id),
            session: self.session.as_str().into(),
            name: None,
            start_ms: Default::default(),
            end_ms: Default::default(),
            is_error: status == Some("error"),
            input_hash: Default::default(),
            target: None,
            result_bytes: Default::default(),
            source: out.source(unit),
        });
    }
}

/// A message id as text: Amp numbers messages (`messageId: 3`); strings are taken as written.
fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}
