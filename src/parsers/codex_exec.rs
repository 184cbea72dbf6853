//! Saved `codex exec --json` output: the JSONL event stream `codex exec` prints on stdout.
//!
//! **Format** (openai/codex `codex-rs/exec/src/exec_events.rs` at 1ebb1bc7, written by
//! `event_processor_with_jsonl_output.rs` at c669eb50): one event per line, tagged by `type`:
//! `thread.started {thread_id, timestamp?}`, `turn.started {}`, `turn.completed {usage:
//! {input_tokens, cached_input_tokens, output_tokens}}`, `turn.failed {error}`, `item.started`,
//! `item.updated`, `item.completed {item: {id, type, ...}}` and `error {message}`. Items are
//! `agent_message {text}`, `reasoning {text}`, `command_execution {command, aggregated_output,
//! exit_code, status}`, `file_change {changes, status}`, `mcp_tool_call {server, tool,
//! arguments, result, error, status}`, `web_search {query}`, `todo_list` and `error`. Item ids
//! (`item_0`, `item_1`, ...) restart with every run.
//!
//! **Usage.** `turn.completed.usage` is the thread's running `total_token_usage` when the turn
//! ended (the processor copies the last `token_count` total), not the turn's own usage; as in a
//! rollout, `input_tokens` holds the cached tokens and `output_tokens` the reasoning (newer
//! versions add `reasoning_output_tokens`, read when present). A turn's usage is therefore its
//! total minus the previous total of the same thread in the file; a total below the previous one
//! starts a new count (a run that did not carry the total over), and an unchanged total is a
//! duplicate. The events name no model (the calls are unpriced) and carry no time but
//! `thread.started.timestamp` in newer versions: records are dated by it, else at the epoch and
//! noted as repaired.
//!
//! **The same thread as a rollout.** `codex exec` writes its rollout to `~/.codex/sessions` as
//! well, with the thread id as its session id. Every record read here is a **stand-in**
//! ([`crate::ledger::standin`]): keyed under [`CODEX_EXEC`], so it never collides with a rollout's
//! key, and dropped after the merge when a rollout record of the same thread was read. So the
//! saved output counts only when its rollout is not among the files read.
//!
//! **Fates.** `turn.completed` with a new total: used; with an unchanged total: duplicate; every
//! other event: ignored (it yields messages and tool calls, no usage). A line that is not a JSON
//! object with a string `type`, or a usage that is not non-negative integers: malformed.

use serde::Deserialize;
use serde_json::Value;

use crate::ledger::standin::CODEX_EXEC;
use crate::line_report::Sink;
use crate::model::{
    content_hash, Agent, MessageKey, MessageRecord, Role, Tokens, ToolCall, ToolKey, UsageKey,
    UsageRecord,
};
use crate::parsers::{json_line, parse_timestamp_ms, FileContext, LineParser};

/// Reads one saved `codex exec --json` output.
pub struct CodexExecParser {
    /// The thread of the latest `thread.started` (else the file name's stem).
    thread: String,
    /// How many `thread.started` lines were read: item ids restart with each run.
    run: u32,
    /// The latest `thread.started.timestamp`.
    started_ms: Option<i64>,
    /// The thread's previous total in this file, `(thread, total)`.
    prev: Option<(String, Total)>,
}

/// A cumulative total as written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
struct Total {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cached_input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
    #[serde(default)]
    reasoning_output_tokens: u64,
}

impl Total {
    fn covers(&self, prev: &Total) -> bool {
        self.input_tokens >= prev.input_tokens
            && self.cached_input_tokens >= prev.cached_input_tokens
            && self.output_tokens >= prev.output_tokens
            && self.reasoning_output_tokens >= prev.reasoning_output_tokens
    }

    fn minus(&self, prev: &Total) -> Total {
        Total {
            input_tokens: self.input_tokens - prev.input_tokens,
            cached_input_tokens: self.cached_input_tokens - prev.cached_input_tokens,
            output_tokens: self.output_tokens - prev.output_tokens,
            reasoning_output_tokens: self.reasoning_output_tokens - prev.reasoning_output_tokens,
        }
    }
}

/// One event line: only what a figure needs.
#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    thread_id: Option<String>,
    #[serde(default)]
    timestamp: Option<String>,
    #[serde(default)]
    usage: Option<Value>,
    #[serde(default)]
    item: Option<Value>,
}

impl CodexExecParser {
    /// A parser for the file at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        let name = ctx.path.rsplit('/').next().unwrap_or_default();
        let stem = name.strip_suffix(".jsonl").unwrap_or(name).to_owned();
        CodexExecParser {
            thread: stem,
            run: 0,
            started_ms: None,
            prev: None,
        }
    }

    fn turn_completed(&mut self, usage: Option<&Value>, number: u64, out: &mut Sink) {
        let total: Total = match usage.map(Total::deserialize) {
            Some(Ok(t)) => t,
            Some(Err(err)) => {
                out.malformed(number, format!("`usage` is not token counts: {err}"));
                return;
            }
            None => {
                out.malformed(number, "`turn.completed` without `usage`");
                return;
            }
        };
        let prev = match &self.prev {
            Some((thread, prev)) if *thread == self.thread && total.covers(prev) => *prev,
            _ => Total::default(),
        };
        if self
            .prev
            .as_ref()
            .is_some_and(|(t, p)| *t == self.thread && *p == total)
        {
            out.duplicate();
            return;
        }
        self.prev = Some((self.thread.clone(), total));
        let delta = total.minus(&prev);
        let cached = delta.cached_input_tokens.min(delta.input_tokens);
        if cached < delta.cached_input_tokens {
            out.repaired(
                number,
                format!(
                    "cached_input_tokens {} exceed input_tokens {}: cached counted as {cached}",
                    delta.cached_input_tokens, delta.input_tokens
                ),
            );
        }
        let tokens = Tokens {
            input: delta.input_tokens - cached,
            output: delta.output_tokens,
            cache_write_5m: 0,
            cache_write_1h: 0,
            cache_read: cached,
            reasoning: delta.reasoning_output_tokens,
        };
        if tokens.is_zero() {
            out.ignored();
            return;
        }
        if self.started_ms.is_none() {
            out.repaired(
                number,
                "no `thread.started.timestamp` in the file: the turn is dated 1970-01-01",
            );
        }
        out.used(UsageRecord {
            key: UsageKey::new(
                Agent::Codex,
                &format!("{CODEX_EXEC}{}", self.thread),
                &format!(
                    "{}/{}/{}/{}",
                    total.input_tokens,
                    total.cached_input_tokens,
                    total.output_tokens,
                    total.reasoning_output_tokens
                ),
            ),
            timestamp_ms: self.started_ms.unwrap_or(0),
            model: None,
            tokens,
            session: self.thread.as_str().into(),
            project: None,
            git_branch: None,
            cli_version: None,
            is_sidechain: false,
            rare: None,
            source: out.source(number),
        });
    }

    /// Messages and tool calls of an `item.*` event.
    fn item(&self, item: &Value, completed: bool, number: u64, out: &mut Sink) {
        let Some(id) = item.get("id").and_then(Value::as_str) else {
            return;
        };
        let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
        let status = item.get("status").and_then(Value::as_str);
        let failed = matches!(status, Some("failed" | "declined"));
        let (name, input, error) = match kind {
            "agent_message" => {
                if completed {
                    out.message(MessageRecord {
                        key: MessageKey::new(
                            Agent::Codex,
                            &format!("{CODEX_EXEC}{}/{}/{id}", self.thread, self.run),
                        ),
                        session: self.thread.as_str().into(),
                        role: Role::Assistant,
                        timestamp_ms: self.started_ms.into(),
                        words: Default::default(),
                        preview: None,
                        compaction: false,
                        source: out.source(number),
                    });
                }
                return;
            }
            "command_execution" => {
                let exit = item.get("exit_code").and_then(Value::as_i64);
                (
                    "shell".to_owned(),
                    item.get("command"),
                    failed || exit.is_some_and(|c| c != 0),
                )
            }
            "file_change" => ("apply_patch".to_owned(), item.get("changes"), failed),
            "mcp_tool_call" => {
                let server = item.get("server").and_then(Value::as_str).unwrap_or("");
                let tool = item.get("tool").and_then(Value::as_str).unwrap_or("");
                let has_error = item.get("error").is_some_and(|e| !e.is_null());
                (
                    format!("{server}__{tool}"),
                    item.get("arguments"),
                    failed || has_error,
                )
            }
            "web_search" => ("web_search".to_owned(), item.get("query"), false),
            _ => return,
        };
        out.tool(ToolCall {
            key: ToolKey::new(
                Agent::Codex,
                &format!("{CODEX_EXEC}{}", self.thread),
                &format!("{}/{id}", self.run),
            ),
            session: self.thread.as_str().into(),
            name: Some(name.into()),
            start_ms: Default::default(),
            end_ms: Default::default(),
            is_error: completed && error,
            input_hash: input.map(|v| content_hash(v.to_string().as_bytes())).into(),
            target: None,
            result_bytes: (item
                .get("aggregated_output")
                .and_then(Value::as_str)
                .filter(|_| completed)
                .map(|s| s.len() as u64))
            .into(),
            source: out.source(number),
        });
    }
}

impl LineParser for CodexExecParser {
    fn line(&mut self, number: u64, bytes: &[u8], out: &mut Sink) {
        let Some(event) = json_line::<Event>(number, bytes, out) else {
            return;
        };
        match event.kind.as_str() {
            "thread.started" => {
                if let Some(id) = event.thread_id.filter(|s| !s.is_empty()) {
                    self.thread = id;
                }
                self.run += 1;
                self.started_ms = event.timestamp.as_deref().and_then(parse_timestamp_ms);
                out.ignored();
            }
            "turn.completed" => self.turn_completed(event.usage.as_ref(), number, out),
            "item.started" | "item.updated" | "item.completed" => {
                if let Some(item) = &event.item {
                    self.item(item, event.kind == "item.completed", number, out);
                }
                out.ignored();
            }
            _ => out.ignored(),
        }
    }

    fn finish(&mut self, _out: &mut Sink) {}
}
