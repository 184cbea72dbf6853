//! Qwen Code chats (`~/.qwen/projects/<sanitized cwd>/chats/<session id>.jsonl`; early versions
//! `~/.qwen/tmp/<project hash>/chats/`), a Gemini CLI fork with its own record format.
//!
//! The format (QwenLM/qwen-code `packages/core/src/services/chatRecordingService.ts`): one
//! `ChatRecord` per line, appended and never rewritten: `{uuid, parentUuid, sessionId, timestamp,
//! type, subtype?, cwd, version, gitBranch?, message?, usageMetadata?, model?, toolCallResult?,
//! systemPayload?, isSidechain?, forkedFrom?}`. `type` is `user`, `assistant`, `tool_result` or
//! `system`. Each model response is one `assistant` record carrying the response's
//! `usageMetadata` in Gemini's shape: `{promptTokenCount, candidatesTokenCount,
//! thoughtsTokenCount, cachedContentTokenCount, toolUsePromptTokenCount, totalTokenCount}`.
//!
//! Accounting, and why:
//! - **One assistant record is one call**, keyed by its `uuid`. A resumed session appends to the
//!   same file; a forked session (`/branch`) copies records verbatim into a new file with a new
//!   `sessionId` and `forkedFrom{sessionId, messageUuid}` (the same uuid): the spend belongs to the
//!   session it was made in, so a copied record is keyed and attributed to `forkedFrom.sessionId`
//!   and collapses with its original.
//! - **Cached tokens are inside `promptTokenCount`** (Gemini's definition, and the OpenAI
//!   converter fills it from `prompt_tokens`, which includes `prompt_tokens_details.cached_tokens`):
//!   uncached input = prompt - cached (+ `toolUsePromptTokenCount`), split once. Adding the
//!   cached count on top of the prompt, as some readers do, counts it twice.
//! - **Thoughts.** Native Gemini counts thoughts outside `candidatesTokenCount` (its total is
//!   prompt + candidates + thoughts + tool), while Qwen Code's OpenAI-compatible converter (the
//!   default Qwen OAuth / DashScope path) puts `completion_tokens`, reasoning included, in
//!   `candidatesTokenCount` and the reasoning again in `thoughtsTokenCount` (its total is prompt +
//!   candidates). The record's own `totalTokenCount` says which: thoughts are added to the output
//!   only when the total counts them separately (or when they exceed the candidates, which cannot
//!   contain them); otherwise they are the reasoning part of the output.
//! - **A total without a breakdown** (a provider that reports only `total_tokens`) is kept as
//!   input and noted as repaired: the tokens were billed, their split is unknown.
//! - `system` records are never usage: `ui_telemetry` records replay the same API responses for
//!   the UI and counting them would count each call twice.
//!
//! Fates: an assistant record with usage is used; every other readable record is ignored; a line
//! that is not a JSON object, has no `type`, or whose `usageMetadata` is not numbers is malformed.
//! Tool calls are the `functionCall` parts of assistant records (started at the record's time)
//! and the `toolCallResult` of `tool_result` records (ended there; `status: "error"` is a failure).

use std::borrow::Cow;
use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{
    content_hash, prompt_fields, Agent, KeyPart, MessageKey, MessageRecord, Role, Tokens, ToolCall,
    ToolKey, UsageKey, UsageRecord,
};
use crate::parsers::lenient::{opt_bool, opt_str};
use crate::parsers::{is_blank, parse_timestamp_ms, FileContext, LineParser};

/// One `ChatRecord` line. Labels are lenient; `usageMetadata` is strict.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Record<'a> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    uuid: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_str")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    subtype: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    cwd: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    version: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    git_branch: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    model: Option<Cow<'a, str>>,
    #[serde(default)]
    usage_metadata: Option<UsageMetadata>,
    /// `{role, parts}` (Gemini `Content`); read leniently from the value.
    #[serde(default)]
    message: Option<Value>,
    #[serde(default)]
    tool_call_result: Option<Value>,
    #[serde(default, deserialize_with = "opt_bool")]
    is_sidechain: Option<bool>,
    #[serde(default)]
    forked_from: Option<Value>,
}

/// Gemini's `GenerateContentResponseUsageMetadata`, as Qwen Code records it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageMetadata {
    #[serde(default)]
    prompt_token_count: Option<u64>,
    #[serde(default)]
    candidates_token_count: Option<u64>,
    #[serde(default)]
    thoughts_token_count: Option<u64>,
    #[serde(default)]
    cached_content_token_count: Option<u64>,
    #[serde(default)]
    tool_use_prompt_token_count: Option<u64>,
    #[serde(default)]
    total_token_count: Option<u64>,
}

/// Reads Qwen Code `chats/*.jsonl` files line by line.
pub struct QwenParser {
    fallback_session: String,
    last_ts: Option<i64>,
    /// How many identical uuid-less usage lines came before, per content key.
    unkeyed_seen: HashMap<KeyPart, u32>,
}

impl QwenParser {
    /// A parser for the chat at `ctx.path` (its session, when no record names one, is the file
    /// stem: Qwen Code names each file after its session id).
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        let name = ctx.path.rsplit('/').next().unwrap_or(&ctx.path);
        QwenParser {
            fallback_session: name.strip_suffix(".jsonl").unwrap_or(name).to_owned(),
            last_ts: None,
            unkeyed_seen: HashMap::new(),
        }
    }

    fn assistant(&mut self, rec: &Record<'_>, ctx: &Ctx, text: &[u8], n: u64, out: &mut Sink) {
        out.message(message(ctx, Role::Assistant, None, n, out));
        for call in parts(rec).filter_map(|p| p.get("functionCall")) {
            let Some(id) = call
                .get("id")
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            else {
                continue;
            };
            out.tool(ToolCall {
                key: tool_key(ctx, id),
                session: ctx.session.as_str().into(),
                name: call.get("name").and_then(Value::as_str).map(Into::into),
                start_ms: ctx.ts.into(),
                end_ms: Default::default(),
                is_error: false,
                input_hash: (call
                    .get("args")
                    .map(|a| content_hash(a.to_string().as_bytes())))
                .into(),
                target: call
                    .get("args")
                    .and_then(|a| {
                        ["absolute_path", "file_path", "path"]
                            .iter()
                            .find_map(|k| a.get(*k).and_then(Value::as_str))
                            .map(str::to_owned)
                    })
                    .map(Into::into),
                result_bytes: Default::default(),
                source: out.source(n),
            });
        }
        let Some(usage) = rec.usage_metadata else {
            out.ignored();
            return;
        };
        let tokens = billable(&usage, n, out);
        if tokens.is_zero() {
            out.ignored();
            return;
        }
        let key = match rec.uuid.as_deref().filter(|s| !s.is_empty()) {
            Some(uuid) => UsageKey::new(Agent::Qwen, &ctx.session, uuid),
            None => {
                let mut key = UsageKey::by_content(
                    Agent::Qwen,
                    &ctx.session,
                    ctx.ts.unwrap_or(0),
                    text.trim_ascii(),
                    0,
                );
                let seen = self.unkeyed_seen.entry(key.scope).or_insert(0);
                *seen += 1;
                key = key.with_occurrence(*seen);
                key
            }
        };
        out.used(UsageRecord {
            key,
            timestamp_ms: ctx.ts.unwrap_or(0),
            model: rec
                .model
                .as_deref()
                .filter(|m| !m.is_empty())
                .map(Into::into),
            tokens,
            session: ctx.session.as_str().into(),
            project: rec.cwd.as_deref().map(Into::into),
            git_branch: rec.git_branch.as_deref().map(Into::into),
            cli_version: rec
                .version
                .as_deref()
                .filter(|v| !v.is_empty() && *v != "unknown")
                .map(Into::into),
            is_sidechain: rec.is_sidechain == Some(true),
            rare: None,
            source: out.source(n),
        });
    }
}

/// What every record of a line shares: its session (the original one for a forked copy), its
/// time, and its key.
struct Ctx {
    session: String,
    ts: Option<i64>,
    id: String,
}

impl LineParser for QwenParser {
    fn line(&mut self, n: u64, bytes: &[u8], out: &mut Sink) {
        if is_blank(bytes) {
            out.ignored();
            return;
        }
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            out.malformed(n, not_an_object(bytes));
            return;
        }
        let rec: Record<'_> = match serde_json::from_slice(bytes) {
            Ok(rec) => rec,
            Err(err) => {
                out.malformed(n, shape_reason(bytes, &err));
                return;
            }
        };
        let Some(kind) = rec.kind.as_deref() else {
            out.malformed(n, "not a Qwen Code record (no `type`)");
            return;
        };
        let ts = rec.timestamp.as_deref().and_then(parse_timestamp_ms);
        if ts.is_some() {
            self.last_ts = ts;
        }
        let origin = rec
            .forked_from
            .as_ref()
            .and_then(|f| f.get("sessionId"))
            .and_then(Value::as_str);
        let session = origin
            .or(rec.session_id.as_deref())
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.fallback_session)
            .to_owned();
        let ctx = Ctx {
            session,
            ts: ts.or(self.last_ts),
            id: rec
                .uuid
                .as_deref()
                .map_or_else(|| format!("@{n}"), str::to_owned),
        };
        match (kind, rec.subtype.as_deref()) {
            ("assistant", _) => self.assistant(&rec, &ctx, bytes, n, out),
            ("user", None) => {
                let text = user_text(&rec);
                let text = Some(text.as_str()).filter(|t| !t.trim().is_empty());
                out.message(message(&ctx, Role::User, text, n, out));
                out.ignored();
            }
            ("tool_result", _) => {
                if let Some(result) = &rec.tool_call_result {
                    tool_end(&ctx, result, n, out);
                }
                out.ignored();
            }
            ("system", Some("chat_compression")) => {
                let mut m = message(&ctx, Role::System, None, n, out);
                m.compaction = true;
                out.message(m);
                out.ignored();
            }
            _ => out.ignored(),
        }
    }

    fn finish(&mut self, _out: &mut Sink) {}
}

/// Qwen Code's counts in the normalized kinds (see the module docs).
fn billable(u: &UsageMetadata, n: u64, out: &mut Sink) -> Tokens {
    let prompt = u.prompt_token_count.unwrap_or(0);
    let candidates = u.candidates_token_count.unwrap_or(0);
    let thoughts = u.thoughts_token_count.unwrap_or(0);
    let tool = u.tool_use_prompt_token_count.unwrap_or(0);
    let total = u.total_token_count.unwrap_or(0);
    if prompt == 0 && candidates == 0 && thoughts == 0 && total > 0 {
        out.repaired(
            n,
            format!("only totalTokenCount ({total}) was recorded: counted as input"),
        );
        return Tokens {
            input: total,
            ..Tokens::default()
        };
    }
    let cached_written = u.cached_content_token_count.unwrap_or(0);
    let cached = cached_written.min(prompt);
    if cached < cached_written {
        out.repaired(
            n,
            format!(
                "cachedContentTokenCount {cached_written} exceeds promptTokenCount {prompt}: \
                 cached counted as {cached}"
            ),
        );
    }
    let separate = prompt
        .saturating_add(candidates)
        .saturating_add(thoughts)
        .saturating_add(tool);
    let thoughts_outside = thoughts > candidates || (thoughts > 0 && total == separate);
    let output = if thoughts_outside {
        candidates.saturating_add(thoughts)
    } else {
        candidates
    };
    Tokens {
        input: (prompt - cached).saturating_add(tool),
        output,
        cache_write_5m: 0,
        cache_write_1h: 0,
        cache_read: cached,
        reasoning: thoughts.min(output),
    }
}

/// The parts of a record's `message`.
fn parts<'r>(rec: &'r Record<'_>) -> impl Iterator<Item = &'r Value> {
    rec.message
        .as_ref()
        .and_then(|m| m.get("parts"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The visible text of a user record (its text parts that are not thoughts).
fn user_text(rec: &Record<'_>) -> String {
    parts(rec)
        .filter(|p| p.get("thought").and_then(Value::as_bool) != Some(true))
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

fn message(ctx: &Ctx, role: Role, text: Option<&str>, n: u64, out: &Sink) -> MessageRecord {
    let (words, preview) = prompt_fields(text);
    MessageRecord {
        key: MessageKey::new(Agent::Qwen, &format!("{}/{}", ctx.session, ctx.id)),
        session: ctx.session.as_str().into(),
        role,
        timestamp_ms: ctx.ts.into(),
        words,
        preview,
        compaction: false,
        source: out.source(n),
    }
}

fn tool_key(ctx: &Ctx, id: &str) -> ToolKey {
    ToolKey::new(Agent::Qwen, ctx.session.as_str(), id)
}

/// The end of a tool call, from a `tool_result` record's `toolCallResult{callId, status, error}`.
fn tool_end(ctx: &Ctx, result: &Value, n: u64, out: &mut Sink) {
    let Some(id) = result
        .get("callId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    else {
        return;
    };
    let status = result.get("status").and_then(Value::as_str);
    let failed = match status {
        Some(s) => s == "error",
        // Versions without `status`: a non-null `error` is a failure.
        None => result.get("error").is_some_and(|e| !e.is_null()),
    };
    out.tool(ToolCall {
        key: tool_key(ctx, id),
        session: ctx.session.as_str().into(),
        name: None,
        start_ms: Default::default(),
        end_ms: ctx.ts.into(),
        is_error: failed,
        input_hash: Default::default(),
        target: None,
        result_bytes: Default::default(),
        source: out.source(n),
    });
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
    use super::*;

    fn tokens(u: UsageMetadata) -> Tokens {
        let mut sink = Sink::new("t.jsonl", Some(Agent::Qwen), "qwen-jsonl");
        billable(&u, 1, &mut sink)
    }

    #[test]
    fn cached_is_split_out_of_the_prompt_once() {
        // OpenAI-compatible: total = prompt + candidates; thoughts are inside the candidates.
        let t = tokens(UsageMetadata {
            prompt_token_count: Some(12_000),
            candidates_token_count: Some(300),
            thoughts_token_count: Some(120),
            cached_content_token_count: Some(8_000),
            tool_use_prompt_token_count: None,
            total_token_count: Some(12_300),
        });
        assert_eq!(
            (t.input, t.cache_read, t.output, t.reasoning),
            (4_000, 8_000, 300, 120)
        );
        assert_eq!(t.total(), 12_300);
    }

    #[test]
    fn native_gemini_thoughts_are_added_to_the_output() {
        // Gemini: total = prompt + candidates + thoughts.
        let t = tokens(UsageMetadata {
            prompt_token_count: Some(9_000),
            candidates_token_count: Some(400),
            thoughts_token_count: Some(250),
            cached_content_token_count: None,
            tool_use_prompt_token_count: None,
            total_token_count: Some(9_650),
        });
        assert_eq!((t.input, t.output, t.reasoning), (9_000, 650, 250));
        assert_eq!(t.total(), 9_650);
    }
}
