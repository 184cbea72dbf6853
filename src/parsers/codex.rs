//! Codex CLI rollouts (`sessions/YYYY/MM/DD/rollout-*.jsonl`), FORMATS.md section 2.
//!
//! Usage lives only in `event_msg/token_count` events, as a per-file cumulative counter; the
//! [`counter`] module turns it into per-call deltas and keys. Everything else a figure needs is
//! state carried from earlier lines: the model of the latest `turn_context`, and from the
//! file's own `session_meta` the session id, working directory, git branch and CLI version.
//!
//! **Lineage.** A subagent (`thread_spawn`) or forked file replays its parent's history,
//! token_count events and ancestors' `session_meta` lines included, before its own first call.
//! Keys are scoped by the *lineage root*: the id of the last `session_meta` seen before the first
//! `response_item` or token_count (the oldest replayed ancestor), else the `thread_spawn` parent,
//! else the file's own id. Parent and child then key the replayed calls identically and the
//! ledger keeps one copy; calls of a subagent file are marked `is_sidechain`, so a tie between a
//! parent's record and its replay goes to the parent's. A fork that replays history with neither
//! its parent's `session_meta` nor a `thread_spawn` source cannot be tied to its parent; its
//! replayed calls then count again (no such file has been seen; see FORMATS.md 2.4).
//!
//! **Analytics.** Tool halves carry their input hash, file target and result size (rules in
//! `items`); a `user` message carries the typed prompt's words and preview (rules in `prompt`:
//! injected context and instructions are not prompts, and the `event_msg/user_message` copy of a
//! prompt is not read, so a prompt is counted once). **Compactions**: each compaction writes a
//! `compacted` line (`{message, replacement_history}`) and then, since `context_compacted`
//! exists, an `event_msg/context_compacted` (codex-rs `compact.rs` and `compact_remote.rs` write
//! both, in that order). Only `compacted` is read: one [`Role::System`] record with
//! `compaction: true` per compaction, keyed `<lineage>/compacted/<n>` so that a fork replaying it
//! keys it identically. None of the real rollouts in `fixtures/` compacts.
//!
//! **Fates.** token_count: a new call is used; an unchanged total is a duplicate; `info: null`
//! and an all-zero delta are ignored (a valid snapshot that bills nothing, not a repeat of one).
//! A call with more cached than input tokens is kept with cached clamped to input, and noted
//! (docs/accounting.md).
//! Every other readable line is ignored, including every line of the pre-envelope format (mid
//! 2025), which has no usage at all but still yields messages and tool calls. Lines that are not
//! JSON objects or that have no `type` are malformed.

mod counter;
mod items;
mod output;
mod output_scan;
mod prompt;
mod records;

use std::collections::HashMap;

use crate::line_report::{json_reason, Sink};
use crate::model::{Agent, Role, Tokens, UsageKey, UsageRecord};
use crate::parsers::{is_blank, parse_timestamp_ms, FileContext, LineParser};

use counter::{Counter, Step};
use records::{call_input, spawn_parent, Envelope, Payload};

/// Reads one Codex rollout file line by line. Its state is serializable: a grown rollout is read
/// on from where it ended ([`super::resume`]), with the cumulative counter where it was.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct CodexParser {
    /// The file's own thread id (first `session_meta`), else derived from the file name.
    session: String,
    /// True once the file's own `session_meta` has been read.
    has_meta: bool,
    /// The lineage root that scopes usage and message keys (see the module docs).
    lineage: String,
    /// Set at the first `response_item` or token_count: later `session_meta` lines are resumes.
    lineage_frozen: bool,
    /// The file belongs to a `thread_spawn` subagent.
    subagent: bool,
    cwd: Option<String>,
    git_branch: Option<String>,
    cli_version: Option<String>,
    /// The model of the latest `turn_context`.
    model: Option<String>,
    /// The latest timestamp seen, for lines that carry none.
    last_ts: Option<i64>,
    counter: Counter,
    /// How many times each message hash was seen, for message keys.
    message_seen: HashMap<u64, u32>,
    /// How many `compacted` lines were read, for compaction keys.
    compactions: u32,
}

impl CodexParser {
    /// A parser for the rollout at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        let session = session_from_path(&ctx.path);
        CodexParser {
            lineage: session.clone(),
            session,
            has_meta: false,
            lineage_frozen: false,
            subagent: false,
            cwd: None,
            git_branch: None,
            cli_version: None,
            model: None,
            last_ts: None,
            counter: Counter::default(),
            message_seen: HashMap::new(),
            compactions: 0,
        }
    }

    fn session_meta(&mut self, p: &Payload<'_>) {
        let id = p.id.as_deref().filter(|s| !s.is_empty());
        if !self.has_meta {
            self.has_meta = true;
            if let Some(id) = id {
                self.session = id.to_owned();
                self.lineage = id.to_owned();
            }
            self.cwd = p.cwd.as_deref().map(str::to_owned);
            self.git_branch = p
                .git
                .as_ref()
                .and_then(|g| g.get("branch"))
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned);
            self.cli_version = p.cli_version.as_deref().map(str::to_owned);
            if let Some(parent) = spawn_parent(p.source.as_ref()) {
                self.subagent = true;
                self.lineage = parent;
            }
        } else if !self.lineage_frozen {
            // A replayed ancestor's meta: the counter that follows is the ancestor's.
            if let Some(id) = id {
                self.lineage = id.to_owned();
            }
        }
    }

    /// `line` is read again for a tool call's input.
    fn response_item(
        &mut self,
        p: &Payload<'_>,
        line: &[u8],
        ts: Option<i64>,
        number: u64,
        out: &mut Sink,
    ) {
        self.lineage_frozen = true;
        match p.kind.as_deref() {
            Some("message") => {
                let Some(role) = items::role(p) else { return };
                let hash = items::content_hash(p.role.as_deref().unwrap_or(""), p.content.as_ref());
                let seen = self.message_seen.entry(hash).or_insert(0);
                *seen += 1;
                let occurrence = *seen;
                let session = out.text(&self.session);
                let mut record = items::message(
                    &self.lineage,
                    hash,
                    occurrence,
                    role,
                    session,
                    ts,
                    out.source(number),
                );
                if role == Role::User {
                    let (words, preview) = prompt::typed_prompt(p.content.as_ref()).unzip();
                    record.words = words.into();
                    record.preview = preview;
                }
                out.message(record);
            }
            Some("function_call" | "custom_tool_call" | "local_shell_call") => {
                let input = call_input(line);
                let source = out.source(number);
                let (session, lineage) = (out.text(&self.session), out.session_part(&self.lineage));
                if let Some(call) = items::call_start(p, input, ts, session, lineage, source) {
                    out.tool(call);
                }
            }
            Some("function_call_output" | "custom_tool_call_output") => {
                let (session, lineage) = (out.text(&self.session), out.session_part(&self.lineage));
                if let Some(call) = items::call_end(p, ts, session, lineage, out.source(number)) {
                    out.tool(call);
                }
            }
            _ => {}
        }
    }

    fn event(&mut self, p: &Payload<'_>, ts: Option<i64>, number: u64, out: &mut Sink) {
        match p.kind.as_deref() {
            Some("token_count") => self.token_count(p, ts, number, out),
            Some("exec_command_end" | "patch_apply_end") => {
                let (session, lineage) = (out.text(&self.session), out.session_part(&self.lineage));
                if let Some(call) = items::call_end(p, ts, session, lineage, out.source(number)) {
                    out.tool(call);
                }
                out.ignored();
            }
            _ => out.ignored(),
        }
    }

    fn token_count(&mut self, p: &Payload<'_>, ts: Option<i64>, number: u64, out: &mut Sink) {
        if p.info.is_some() {
            self.lineage_frozen = true;
        }
        match self.counter.step(p.info.as_ref()) {
            Step::Duplicate => out.duplicate(),
            Step::Ignored => out.ignored(),
            Step::Call { delta, segment, id } => {
                // Cached tokens are part of input; more cached than input cannot be billed as
                // written. Keep the call, count no more than its input as cached, and say so.
                let cached = delta.cached_input_tokens.min(delta.input_tokens);
                let clamped = (cached < delta.cached_input_tokens).then(|| {
                    format!(
                        "cached_input_tokens {} exceed input_tokens {}: cached counted as {cached}",
                        delta.cached_input_tokens, delta.input_tokens
                    )
                });
                let model = p
                    .info
                    .as_ref()
                    .and_then(|i| i.model.as_deref())
                    .map(str::to_owned)
                    .or_else(|| p.model.as_deref().map(str::to_owned))
                    .or_else(|| self.model.clone());
                let record = UsageRecord {
                    key: UsageKey::new(Agent::Codex, &format!("{}{segment}", self.lineage), &id),
                    timestamp_ms: ts.unwrap_or(0),
                    model: out.text_opt(model.as_deref()),
                    tokens: Tokens {
                        input: delta.input_tokens - cached,
                        output: delta.output_tokens,
                        cache_write_5m: 0,
                        cache_write_1h: 0,
                        cache_read: cached,
                        reasoning: delta.reasoning_output_tokens,
                    },
                    session: out.text(&self.session),
                    project: out.text_opt(self.cwd.as_deref()),
                    git_branch: out.text_opt(self.git_branch.as_deref()),
                    cli_version: out.text_opt(self.cli_version.as_deref()),
                    is_sidechain: self.subagent,
                    rare: None,
                    source: out.source(number),
                };
                let malformed = out.report.malformed;
                out.used(record);
                if let Some(note) = clamped.filter(|_| out.report.malformed == malformed) {
                    out.repaired(number, note);
                }
            }
        }
    }

    /// A line without an envelope: a pre-envelope rollout (no usage) or not Codex at all.
    fn bare(
        &mut self,
        env: &Envelope<'_>,
        bytes: &[u8],
        ts: Option<i64>,
        number: u64,
        out: &mut Sink,
    ) {
        if env.kind.is_some() {
            // Pre-envelope items sit at the top level; read them for tools and messages.
            if let Ok(p) = serde_json::from_slice::<Payload<'_>>(bytes) {
                self.response_item(&p, bytes, ts, number, out);
            }
            out.ignored();
        } else if env.record_type.is_some() {
            out.ignored();
        } else if let Some(id) = env.id.as_deref().filter(|_| !self.has_meta) {
            // The pre-envelope first line `{id, timestamp, instructions, git}`.
            self.has_meta = true;
            self.session = id.to_owned();
            self.lineage = id.to_owned();
            out.ignored();
        } else if env.id.is_some() {
            out.ignored();
        } else {
            out.malformed(number, "not a Codex rollout record (no `type`)");
        }
    }
}

impl LineParser for CodexParser {
    fn state(&self) -> Option<Vec<u8>> {
        serde_json::to_vec(self).ok()
    }

    fn line(&mut self, number: u64, bytes: &[u8], out: &mut Sink) {
        if is_blank(bytes) {
            out.ignored();
            return;
        }
        let Ok(text) = simdutf8::basic::from_utf8(bytes) else {
            crate::parsers::repaired_line(self, number, bytes, out);
            return;
        };
        // Read from the checked `str`: `from_slice` would check every string it borrows again.
        let env: Envelope<'_> = match serde_json::from_str(text) {
            Ok(env) => env,
            Err(err) => {
                out.malformed(number, shape_reason(bytes, &err));
                return;
            }
        };
        let ts = env.timestamp.as_deref().and_then(parse_timestamp_ms);
        if ts.is_some() {
            self.last_ts = ts;
        }
        let ts = ts.or(self.last_ts);
        let Some(payload) = env.payload.as_ref() else {
            self.bare(&env, bytes, ts, number, out);
            return;
        };
        match env.kind.as_deref() {
            Some("session_meta") => {
                self.session_meta(payload);
                out.ignored();
            }
            Some("turn_context") => {
                if let Some(model) = payload.model.as_deref().filter(|m| !m.is_empty()) {
                    self.model = Some(model.to_owned());
                }
                if let Some(cwd) = payload.cwd.as_deref() {
                    self.cwd = Some(cwd.to_owned());
                }
                out.ignored();
            }
            Some("response_item") => {
                self.response_item(payload, bytes, ts, number, out);
                out.ignored();
            }
            Some("event_msg") => self.event(payload, ts, number, out),
            Some("compacted") => {
                self.compactions += 1;
                let source = out.source(number);
                let session = out.text(&self.session);
                out.message(items::compaction(
                    &self.lineage,
                    self.compactions,
                    session,
                    ts,
                    source,
                ));
                out.ignored();
            }
            // Envelope types newer than this parser: valid, no usage.
            Some(_) => out.ignored(),
            None => out.malformed(number, "not a Codex rollout record (no `type`)"),
        }
    }

    fn finish(&mut self, _out: &mut Sink) {}

    fn checks_utf8(&self) -> bool {
        true
    }
}

/// Why a line could not be read: not JSON at all, or JSON of an unexpected shape.
fn shape_reason(bytes: &[u8], err: &serde_json::Error) -> String {
    if std::str::from_utf8(bytes).is_err() {
        return json_reason(bytes, err);
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) if bytes.trim_ascii_start().first() != Some(&b'{') => "not a JSON object".to_owned(),
        Ok(_) => format!("unexpected record shape: {err}"),
        Err(inner) => json_reason(bytes, &inner),
    }
}

/// The thread id a rollout's name implies: the trailing uuid of `rollout-<time>-<uuid>.jsonl`
/// (it equals `session_meta.payload.id`), else the whole stem.
fn session_from_path(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.strip_suffix(".jsonl").unwrap_or(name);
    let tail = stem.len().checked_sub(36).and_then(|at| stem.get(at..));
    match tail {
        Some(uuid) if looks_like_uuid(uuid) => uuid.to_owned(),
        _ => stem.to_owned(),
    }
}

fn looks_like_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Sink {
        let ctx = FileContext {
            path: "r/rollout-x.jsonl".to_owned(),
            session_hint: None,
        };
        crate::parsers::parse_bytes(crate::parsers::Format::CodexJsonl, ctx, text.as_bytes())
    }

    // A label whose type changed must not turn a usage line into a malformed one.
    #[test]
    fn reshaped_labels_do_not_drop_usage() {
        let sink = parse(concat!(
            r#"{"timestamp":"2025-01-01T00:00:00Z","type":"turn_context","payload":{"model":{"id":"m"},"cwd":7}}"#,
            "\n",
            r#"{"timestamp":"2025-01-01T00:00:01Z","type":"event_msg","payload":{"type":"token_count","status":[1],"info":{"total_token_usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":3}}}}"#,
            "\n",
        ));
        assert_eq!(sink.report.malformed, 0);
        assert_eq!(sink.usage.len(), 1);
        let t = sink.usage[0].tokens;
        assert_eq!((t.input, t.cache_read, t.output), (6, 4, 3));
        assert_eq!(sink.usage[0].model, None);
    }

    // Unreadable usage is reported, never guessed.
    #[test]
    fn an_unreadable_usage_block_is_malformed() {
        let sink = parse(concat!(
            r#"{"timestamp":"2025-01-01T00:00:01Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":"ten"}}}}"#,
            "\n",
        ));
        assert_eq!(sink.report.malformed, 1);
        assert!(sink.report.examples[0]
            .reason
            .contains("unexpected record shape"));
    }

    #[test]
    fn session_comes_from_the_rollout_name() {
        assert_eq!(
            session_from_path("s/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl"),
            "01996135-afde-7911-97f0-d863511eca56"
        );
        assert_eq!(session_from_path("x/odd.jsonl"), "odd");
    }
}
