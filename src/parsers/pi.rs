//! pi, the coding agent of badlogic/pi-mono: `~/.pi/agent/sessions/--<cwd>--/<time>_<id>.jsonl`.
//!
//! **Format** (`packages/coding-agent/src/core/session-manager.ts`, session version 3): an
//! append-only JSONL log. Line 1 is the header `{"type":"session","id","timestamp","cwd",
//! "parentSession"?}`; then entries `{type, id, parentId, timestamp}`: `message` (an
//! `AgentMessage` under `message`), `model_change`, `thinking_level_change`, `compaction`,
//! `branch_summary`, `custom`, `custom_message`, `label`, `session_info`. Entries form a tree
//! (branching keeps abandoned paths in the file); every entry was written once, so every
//! assistant message in the file is a call that happened, on whichever branch.
//!
//! **Usage** is on assistant messages (`packages/ai/src/types.ts`): `provider`, `model`, `api`,
//! `timestamp` (ms) and `usage{input, output, cacheRead, cacheWrite, totalTokens, cost{..., total}}`,
//! filled per provider API (`packages/ai/src/providers/`):
//! - Anthropic, Bedrock, OpenAI Responses: `input` is uncached, `output` holds thinking/reasoning;
//! - Google (`google-generative-ai`, `google-gemini-cli`, `google-vertex`): `input` is Gemini's
//!   prompt count, which **includes** the cached tokens also in `cacheRead`: the cached part is
//!   taken out of input so it is not counted twice; `output` is candidates + thoughts;
//! - OpenAI Chat Completions: pi stores `completion_tokens + reasoning_tokens` as output; OpenAI's
//!   completion count already holds the reasoning, so for OpenAI reasoning models this count is
//!   pi's, with the reasoning twice. It is taken as written (the split is not stored).
//! - `cacheWrite` is billed at the 5-minute rate: pi's default cache retention. Runs with
//!   `PI_CACHE_RETENTION=long` wrote 1-hour caches; that setting is not recorded.
//!
//! `usage.cost.total` (USD, pi's own estimate) is the recorded cost, shown beside the computed one.
//!
//! **Identity.** Forking a session or extracting a branch copies entries verbatim (same entry id,
//! same timestamps) into a new file, so a call is keyed by its entry id, its message timestamp
//! and its exact counts, not by the file: each copy is the same call. Of the copies the one read
//! from the earliest file name is kept, which is the original: pi names files by creation time.
//!
//! **Tools**: `toolCall` blocks of an assistant message (`id`, `name`, `arguments`) start a call
//! at the message's time; a `toolResult` message (`toolCallId`, `isError`, `timestamp`) ends it.
//! A `compaction` entry is a compaction. No git branch or pi version is recorded.

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::Sink;
use crate::model::{
    content_hash, prompt_fields, Agent, MessageKey, MessageRecord, Role, Tokens, ToolCall,
    UsageKey, UsageRecord,
};
use crate::parsers::{json_line, parse_timestamp_ms, FileContext, LineParser};

/// Reads one pi session file.
pub struct PiParser {
    session: String,
    cwd: Option<String>,
}

impl PiParser {
    /// A parser for the session file at `ctx.path`; its session id until the header names one is
    /// the part of the file name after the first `_`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        let name = ctx.path.rsplit('/').next().unwrap_or_default();
        let stem = name.strip_suffix(".jsonl").unwrap_or(name);
        let session = stem.split_once('_').map_or(stem, |(_, id)| id).to_owned();
        PiParser { session, cwd: None }
    }
}

/// One line of a session file; fields not needed are skipped.
#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    cwd: Option<String>,
    #[serde(default)]
    message: Option<PiMessage>,
}

/// The part of an `AgentMessage` read here.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PiMessage {
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    content: Option<Value>,
    #[serde(default)]
    api: Option<String>,
    #[serde(default)]
    provider: Option<String>,
    #[serde(default)]
    model: Option<String>,
    /// Strict: a usage block that cannot be read makes the line malformed.
    #[serde(default)]
    usage: Option<PiUsage>,
    #[serde(default)]
    timestamp: Option<Value>,
    // toolResult
    #[serde(default)]
    tool_call_id: Option<String>,
    #[serde(default)]
    tool_name: Option<String>,
    #[serde(default)]
    is_error: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PiUsage {
    #[serde(default)]
    input: u64,
    #[serde(default)]
    output: u64,
    #[serde(default)]
    cache_read: u64,
    #[serde(default)]
    cache_write: u64,
    #[serde(default)]
    cost: Option<PiCost>,
}

#[derive(Debug, Default, Deserialize)]
struct PiCost {
    #[serde(default)]
    total: Option<f64>,
}

/// The APIs whose input count includes the cached tokens (Gemini's `promptTokenCount`).
const INPUT_INCLUDES_CACHE: &[&str] =
    &["google-generative-ai", "google-gemini-cli", "google-vertex"];

/// pi's counts in the normalized kinds (see the module doc).
fn billable(u: &PiUsage, api: Option<&str>) -> Tokens {
    let input = if api.is_some_and(|a| INPUT_INCLUDES_CACHE.contains(&a)) {
        u.input.saturating_sub(u.cache_read)
    } else {
        u.input
    };
    Tokens {
        input,
        output: u.output,
        cache_write_5m: u.cache_write,
        cache_write_1h: 0,
        cache_read: u.cache_read,
        reasoning: 0,
    }
}

/// A message's own time (ms), else the entry's.
fn when(m: &PiMessage, entry: &Entry) -> Option<i64> {
    m.timestamp
        .as_ref()
        .and_then(Value::as_i64)
        .or_else(|| entry.timestamp.as_deref().and_then(parse_timestamp_ms))
}

/// The text of a user message's content (a string, or its text blocks).
fn text_of(content: Option<&Value>) -> Option<String> {
    match content? {
        Value::String(s) => Some(s.clone()),
        Value::Array(blocks) => {
            let text: Vec<&str> = blocks
                .iter()
                .filter(|b| b.get("type").and_then(Value::as_str) == Some("text"))
                .filter_map(|b| b.get("text").and_then(Value::as_str))
                .collect();
            (!text.is_empty()).then(|| text.join("\n"))
        }
        _ => None,
    }
}

impl PiParser {
    fn tool(&self, id: &str, number: u64, out: &Sink) -> ToolCall {
        ToolCall::bare(
            Agent::Pi,
            self.session.as_str().into(),
            id,
            out.source(number),
        )
    }

    fn assistant(&self, entry: &Entry, m: &PiMessage, number: u64, out: &mut Sink) {
        let ts = when(m, entry);
        for block in m
            .content
            .as_ref()
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if block.get("type").and_then(Value::as_str) != Some("toolCall") {
                continue;
            }
            let Some(id) = block
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            let args = block.get("arguments");
            let mut call = self.tool(id, number, out);
            call.name = block.get("name").and_then(Value::as_str).map(Into::into);
            call.start_ms = ts.into();
            call.input_hash = (args.map(|a| content_hash(a.to_string().as_bytes()))).into();
            call.target = args
                .and_then(|a| a.get("path").or_else(|| a.get("file_path")))
                .and_then(Value::as_str)
                .map(Into::into);
            out.tool(call);
        }
        self.message(entry, Role::Assistant, ts, None, number, out);
        let usage = m.usage.as_ref();
        let tokens = usage
            .map(|u| billable(u, m.api.as_deref()))
            .unwrap_or_default();
        if tokens.is_zero() {
            out.ignored();
            return;
        }
        let model = m.model.clone().filter(|s| !s.is_empty());
        let entry_id = entry.id.as_deref().unwrap_or_default();
        let key = UsageKey::new(
            Agent::Pi,
            &format!(
                "{}/{entry_id}/{}/{}",
                ts.unwrap_or(0),
                m.provider.as_deref().unwrap_or_default(),
                model.as_deref().unwrap_or_default()
            ),
            &format!(
                "{}/{}/{}/{}",
                tokens.input, tokens.output, tokens.cache_read, tokens.cache_write_5m
            ),
        );
        out.used(UsageRecord {
            key,
            timestamp_ms: ts.unwrap_or(0),
            model: model.map(Into::into),
            tokens,
            session: self.session.as_str().into(),
            project: self.cwd.as_deref().map(Into::into),
            git_branch: None,
            cli_version: None,
            is_sidechain: false,
            rare: crate::model::RareUsage::boxed(
                None,
                usage
                    .and_then(|u| u.cost.as_ref())
                    .and_then(|c| c.total)
                    .and_then(crate::pricing::table::usd_to_pico),
                None,
            ),
            source: out.source(number),
        });
    }

    fn message(
        &self,
        entry: &Entry,
        role: Role,
        ts: Option<i64>,
        prompt: Option<&str>,
        number: u64,
        out: &mut Sink,
    ) {
        let (words, preview) = prompt_fields(prompt);
        let id = entry.id.clone().unwrap_or_else(|| format!("line{number}"));
        out.message(MessageRecord {
            key: MessageKey::new(Agent::Pi, &format!("{}/{id}", self.session)),
            session: self.session.as_str().into(),
            role,
            timestamp_ms: ts.into(),
            words,
            preview,
            compaction: entry.kind.as_deref() == Some("compaction"),
            source: out.source(number),
        });
    }
}

impl LineParser for PiParser {
    fn line(&mut self, number: u64, bytes: &[u8], out: &mut Sink) {
        let Some(entry) = json_line::<Entry>(number, bytes, out) else {
            return;
        };
        match (entry.kind.as_deref(), entry.message.as_ref()) {
            (Some("session"), _) => {
                if let Some(id) = entry.id.as_deref().filter(|s| !s.is_empty()) {
                    id.clone_into(&mut self.session);
                }
                self.cwd = entry.cwd.clone().filter(|s| !s.is_empty());
                out.ignored();
            }
            (Some("message"), Some(m)) => match m.role.as_deref() {
                Some("assistant") => self.assistant(&entry, m, number, out),
                Some("user") => {
                    let text = text_of(m.content.as_ref());
                    self.message(
                        &entry,
                        Role::User,
                        when(m, &entry),
                        text.as_deref(),
                        number,
                        out,
                    );
                    out.ignored();
                }
                Some("toolResult") => {
                    if let Some(id) = m.tool_call_id.as_deref().filter(|s| !s.is_empty()) {
                        let mut call = self.tool(id, number, out);
                        call.name = m.tool_name.as_deref().map(Into::into);
                        call.end_ms = (when(m, &entry)).into();
                        call.is_error = m.is_error == Some(true);
                        call.result_bytes =
                            text_of(m.content.as_ref()).map(|t| t.len() as u64).into();
                        out.tool(call);
                    }
                    out.ignored();
                }
                _ => out.ignored(),
            },
            (Some("compaction"), _) => {
                let ts = entry.timestamp.as_deref().and_then(parse_timestamp_ms);
                self.message(&entry, Role::System, ts, None, number, out);
                out.ignored();
            }
            (Some("message"), None) => out.malformed(number, "message entry without `message`"),
            (Some(_), _) => out.ignored(),
            (None, _) => out.malformed(number, "not a pi session entry (no `type`)"),
        }
    }

    fn finish(&mut self, _out: &mut Sink) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gemini_input_holds_the_cached_tokens() {
        let u = PiUsage {
            input: 1000,
            output: 50,
            cache_read: 800,
            cache_write: 0,
            cost: None,
        };
        assert_eq!(billable(&u, Some("google-generative-ai")).input, 200);
        assert_eq!(billable(&u, Some("anthropic-messages")).input, 1000);
    }
}
