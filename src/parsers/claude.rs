//! Claude Code transcripts: `projects/<enc-cwd>/<session>.jsonl` and subagent files.
//!
//! Each line is one JSON record (FORMATS.md section 1). The parser emits *candidates*; the
//! accounting rules that need more than one line live in the [`crate::ledger::Ledger`]:
//! one API response is written as one line per content block, each repeating the usage snapshot
//! (the ledger keeps the largest total per `(message.id, requestId)`, globally, so resumed
//! sessions that copy history are not counted twice), and sidechain replays are dropped there.
//!
//! Decisions this parser makes, and why:
//! - **`agent_progress` mirrors.** A 2.x main session embeds each subagent assistant message in a
//!   `progress` line (`data.message`), with the same `message.id`, `requestId`, `uuid` and
//!   timestamp as the subagent file's own line. Each mirror is emitted as one more candidate with
//!   those ids: when the subagent file is read too, the two collapse onto one key; when it is not
//!   (deleted, or not dropped), the mirror is the only record of real spend. Mirrors are marked
//!   `is_sidechain: true`, because they *are* the subagent's records: the ledger's replay rule
//!   then treats them exactly like the subagent file's lines (counted unless the same
//!   `message.id` also exists as a main-thread record with another `requestId`, i.e. a replay),
//!   instead of a mirror of a replay escaping that rule as a "main-thread" record.
//! - **Nulls.** ccusage rejects a whole line when some fields are `null` (FORMATS.md 1.4). Here a
//!   `null` is read as absent: a null `costUSD` leaves the cost to be computed, a null count is 0,
//!   a null id makes the record unkeyed. Real tokens never disappear because of a null.
//! - **Synthetic messages** (`message.model == "<synthetic>"`, `isApiErrorMessage: true`) are
//!   generated locally: neither usage nor messages, and the line is ignored.
//! - **Missing timestamps** take the previous line's time (0 before any), so usage is never
//!   dropped for lack of a date.
//!
//! - **Messages** are keyed by the line's `uuid`, so each content-block line of a response is one
//!   message record; a user line that only returns tool results has [`Role::Tool`].
//!
//! - **Lines without ids** (no `message.id` or `requestId`) are keyed by their content
//!   ([`UsageKey::by_content`]), so a copy of the file read under another path counts nothing more.
//!
//! Analytics fields (docs/analytics-fields.md):
//! - **Tool calls.** A `tool_use` half carries `input_hash` = [`content_hash`] of its `input` JSON
//!   exactly as written (borrowed raw, so copies of one call, such as `agent_progress` mirrors,
//!   hash alike) and, for the file tools of [`crate::tool_category`] (`Read`, `Write`, `Edit`,
//!   `MultiEdit`, `NotebookEdit`), `target` = `file_path` / `notebook_path`. A `tool_result` half
//!   carries `result_bytes`: the decoded UTF-8 length of a string `content`, or the sum of its
//!   `text` blocks (images and other blocks count 0), computed from the raw JSON.
//! - **Typed prompts.** A top-level `user` line with text (a string, or `text` blocks) gets
//!   `words` and `preview` unless it is `isMeta`, `isCompactSummary`, `isSidechain`, a local
//!   command echo (`<command-name>`, `<local-command-stdout>`, `<bash-input>`, ...) or an
//!   interrupt marker (the rules are in the `prompt` module). Its role and key do not change.
//! - **Compactions.** A `system` line with `subtype: "compact_boundary"` is one
//!   [`Role::System`] message with `compaction: true`, keyed by its `uuid`. The summary that
//!   follows (`isCompactSummary`) is not a second one.
//!
//! Fates: blank lines and valid records without usage are ignored; invalid or truncated JSON,
//! lines that are not a JSON object and a `message.usage` that is not an object are malformed. A
//! line that is not valid UTF-8 is read with U+FFFD in place of the bad bytes and noted. Valid JSON whose shape is
//! unexpected (say a negative token count) is malformed only for the record types that carry
//! usage, messages or tools (`user`, `assistant`, `progress`): any other type is ignored, so a
//! future record type can never make a file fail.
//!
//! Speed: most bytes of a transcript are message text. A line is first scanned with `memmem` for
//! `"usage"`, `"tool_` and `"agent_progress"`; only lines that contain one are deserialized with
//! message content blocks and progress payloads, the others with everything but the envelope
//! skipped ([`serde::de::IgnoredAny`]). Both read borrow strings from the line and never build a
//! `serde_json::Value`; in a release build this runs at about 1 GB/s on the spotter transcripts,
//! twice the speed of merely parsing each line into a `Value`. Tool inputs and results are kept
//! raw ([`serde_json::value::RawValue`], as cheap as skipping them) and measured afterwards
//! (`parsers::text`). Lines read without usage or tool blocks are read with their message's
//! text pieces in the same pass (a typed prompt's words); one whose text does not decode is read
//! again without it, so its fate never depends on the text. No text is decoded inside a line's own
//! parse, so an odd escape in a tool output can never make a usage line malformed.
//!
//! [`Role::Tool`]: crate::model::Role::Tool
//! [`Role::System`]: crate::model::Role::System
//! [`content_hash`]: crate::model::content_hash

mod lax;
mod prompt;
mod records;
mod scan;
mod schema;

use std::collections::HashMap;

use memchr::memmem::Finder;
use serde_json::error::Category;

use crate::line_report::{json_reason, Sink};
use crate::model::{Agent, KeyPart, MessageRecord, Role, Text, UsageKey, UsageRecord};
use crate::parsers::{is_blank, parse_timestamp_ms, FileContext, LineParser};

use lax::{Content, LaxObj, LaxStr};
use records::Meta;
use schema::{Envelope, FullLine, LiteLine, Message, TypeOnly};

use serde::de::IgnoredAny;

/// Reads `projects/<enc-cwd>/<session>.jsonl` and subagent files, line by line.
/// Its state is serializable ([`super::resume`]); the markers are rebuilt, not stored.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct ClaudeParser {
    ctx: FileContext,
    #[serde(skip, default = "usage_marker")]
    usage_marker: Finder<'static>,
    #[serde(skip, default = "tool_marker")]
    tool_marker: Finder<'static>,
    #[serde(skip, default = "progress_marker")]
    progress_marker: Finder<'static>,
    /// The last valid timestamp seen, for lines that lack one.
    last_ms: Option<i64>,
    /// How many usage lines without ids had each content key so far (see
    /// [`UsageKey::by_content`]).
    unkeyed_seen: HashMap<KeyPart, u32>,
    /// The file's [`UsageKey::line_scope`], once computed.
    #[serde(skip)]
    line_scope: Option<(Text, KeyPart)>,
}

fn usage_marker() -> Finder<'static> {
    Finder::new(b"\"usage\"")
}

fn tool_marker() -> Finder<'static> {
    Finder::new(b"\"tool_")
}

fn progress_marker() -> Finder<'static> {
    Finder::new(b"\"agent_progress\"")
}

impl ClaudeParser {
    /// A parser for the file described by `ctx` (its session comes from `ctx.session_hint`, else
    /// from each line's `sessionId`).
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        ClaudeParser {
            ctx,
            usage_marker: usage_marker(),
            tool_marker: tool_marker(),
            progress_marker: progress_marker(),
            last_ms: None,
            unkeyed_seen: HashMap::new(),
            line_scope: None,
        }
    }

    /// A record without ids (keyed by its line for now) gets the content key of its line.
    fn key_by_content(&mut self, mut record: UsageRecord, text: &str) -> UsageRecord {
        // The unkeyed scope of the file, digested once per file rather than once per record.
        let file = &record.source.file;
        let line_scope = match &self.line_scope {
            Some((f, scope)) if f == file => *scope,
            _ => {
                let scope = UsageKey::line_scope(file);
                self.line_scope = Some((file.clone(), scope));
                scope
            }
        };
        if record.key.scope == line_scope && record.key.is_unkeyed_at(&record.source) {
            let line = text.trim().as_bytes();
            let mut key =
                UsageKey::by_content(Agent::Claude, &record.session, record.timestamp_ms, line, 0);
            let seen = self.unkeyed_seen.entry(key.scope).or_insert(0);
            *seen += 1;
            key = key.with_occurrence(*seen);
            record.key = key;
        }
        record
    }

    /// True when the line may carry usage, tool blocks or a subagent record, and needs the
    /// full read. A false positive (the marker inside message text) only costs time.
    ///
    /// The tool marker is looked for first: tool-result lines are half of a transcript's bytes
    /// and name `tool_use_id` near their start, while `usage` is near the end of the lines that
    /// have it, so this order scans the fewest bytes (the answer is the same in any order).
    fn needs_full_read(&self, bytes: &[u8]) -> bool {
        self.tool_marker.find(bytes).is_some()
            || self.usage_marker.find(bytes).is_some()
            || self.progress_marker.find(bytes).is_some()
    }

    /// The line's time in ms, falling back to the previous line's.
    fn time(&mut self, timestamp: &LaxStr<'_>) -> Option<i64> {
        if let Some(ms) = timestamp.get().and_then(parse_timestamp_ms) {
            self.last_ms = Some(ms);
        }
        self.last_ms
    }

    fn meta<M, D>(
        &self,
        env: &Envelope<'_, M, D>,
        timestamp_ms: Option<i64>,
        out: &mut Sink,
    ) -> Meta {
        let session = self
            .ctx
            .session_hint
            .as_deref()
            .or_else(|| env.session_id.non_empty())
            .unwrap_or(&self.ctx.path);
        Meta {
            session: out.text(session),
            recorded_session: out.text_opt(env.session_id.non_empty()),
            project: out.text_opt(env.cwd.non_empty()),
            git_branch: out.text_opt(env.git_branch.non_empty()),
            cli_version: out.text_opt(env.version.non_empty()),
            timestamp_ms,
        }
    }

    /// A line read without usage or tool blocks: at most a message record (with the prompt's
    /// `(words, preview)` when it is one the user typed) or a compaction marker, never usage.
    fn lite<M>(
        &mut self,
        number: u64,
        line: &Envelope<'_, M, IgnoredAny>,
        prompt: Option<(u32, Box<str>)>,
        out: &mut Sink,
    ) {
        let ms = self.time(&line.timestamp);
        let meta = self.meta(line, ms, out);
        if records::is_compaction(line) {
            out.message(records::compaction(line, &meta, out.source(number)));
        } else if let Some(role) = line.kind.get().and_then(|k| records::role(k, None)) {
            let mut record =
                records::message_record(line.uuid.get(), role, &meta, out.source(number));
            set_prompt(&mut record, prompt);
            out.message(record);
        }
        out.ignored();
    }

    /// A line read in full: messages, tool calls and at most one usage candidate. `text` is the
    /// line, read again for its prompt text in the rare case that it is a typed prompt too.
    fn full(&mut self, number: u64, text: &str, line: &FullLine<'_>, out: &mut Sink) {
        let ms = self.time(&line.timestamp);
        let meta = self.meta(line, ms, out);
        let mut unreadable_usage = records::usage_unreadable(line);
        let candidate = if line.kind.get() == Some("progress") {
            let nested = line
                .data
                .as_ref()
                .and_then(LaxObj::get)
                .filter(|d| d.kind.get() == Some("agent_progress"))
                .and_then(|d| d.message.as_ref())
                .and_then(LaxObj::get);
            nested.and_then(|nested| {
                let nested_ms = nested.timestamp.get().and_then(parse_timestamp_ms).or(ms);
                let meta = Meta {
                    timestamp_ms: nested_ms,
                    ..self.meta(line, ms, out)
                };
                emit_message_and_tools(nested, &meta, number, None, out);
                unreadable_usage |= records::usage_unreadable(nested);
                let source = out.source(number);
                records::usage_record(nested, &meta, true, source, out)
            })
        } else {
            if records::is_compaction(line) {
                out.message(records::compaction(line, &meta, out.source(number)));
            }
            emit_message_and_tools(line, &meta, number, Some(text), out);
            let sidechain = line.is_sidechain == Some(true);
            let source = out.source(number);
            records::usage_record(line, &meta, sidechain, source, out)
        };
        match candidate {
            Some(record) => out.used(self.key_by_content(record, text)),
            None if unreadable_usage => out.malformed(number, "`message.usage` is not an object"),
            None => out.ignored(),
        }
    }

    /// The fate of a line that did not deserialize.
    fn unreadable(&self, number: u64, text: &str, err: &serde_json::Error, out: &mut Sink) {
        if err.classify() != Category::Data {
            out.malformed(number, json_reason(text.as_bytes(), err));
            return;
        }
        // Valid JSON whose shape is not what we read: an error only for the records that carry
        // usage, messages or tools; any other record type is just not ours to read.
        match serde_json::from_str::<TypeOnly<'_>>(text) {
            Ok(t) => match t.kind.get() {
                Some(kind @ ("user" | "assistant" | "progress")) => {
                    out.malformed(number, format!("unexpected `{kind}` record shape: {err}"));
                }
                _ => out.ignored(),
            },
            Err(_) => out.malformed(number, "not a JSON object"),
        }
    }
}

/// Emits the message record and tool-call halves of a `user`/`assistant` record (top-level or
/// nested in `agent_progress`). Synthetic messages are not messages. `text` is the top-level
/// line, for a typed prompt's text (nested records are subagent prompts, never typed ones).
fn emit_message_and_tools<D>(
    env: &Envelope<'_, LaxObj<Message<'_>>, D>,
    meta: &Meta,
    number: u64,
    text: Option<&str>,
    out: &mut Sink,
) {
    if records::is_synthetic(env) {
        return;
    }
    let content = records::message_of(env).map(|m| &m.content);
    let Some(role) = env.kind.get().and_then(|k| records::role(k, content)) else {
        return;
    };
    let source = out.source(number);
    if let Some(Content::Blocks(blocks)) = content {
        records::emit_tools(blocks, meta, &source, out);
    }
    // One response is written as one line per content block: count it once, by message.id.
    let response_id = records::message_of(env)
        .and_then(|m| m.id.non_empty())
        .filter(|_| role == Role::Assistant)
        .map(|id| format!("msg:{id}"));
    let mut record = match response_id {
        // The lines of one response follow each other: their key is made once.
        Some(id) => records::keyed_message(out.message_key(Agent::Claude, &id), role, meta, source),
        None => records::message_record(env.uuid.get(), role, meta, source),
    };
    set_prompt(
        &mut record,
        text.filter(|_| role == Role::User && prompt::may_be_typed(env))
            .and_then(prompt::reread),
    );
    out.message(record);
}

/// Attaches a typed prompt's `(words, preview)` to its message record.
fn set_prompt(record: &mut MessageRecord, prompt: Option<(u32, Box<str>)>) {
    if let Some((words, preview)) = prompt {
        record.words = Some(words).into();
        record.preview = Some(preview);
    }
}

impl LineParser for ClaudeParser {
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
        // A byte-order mark (an editor's save) is not part of the record.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start().as_bytes().first() != Some(&b'{') {
            match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Ok(_) => out.malformed(number, "not a JSON object"),
                Err(err) => out.malformed(number, json_reason(bytes, &err)),
            }
            return;
        }
        if self.needs_full_read(bytes) {
            if let Some(line) = scan::full_line(text) {
                self.full(number, text, &line, out);
                return;
            }
            match serde_json::from_str::<FullLine<'_>>(text) {
                Ok(line) => self.full(number, text, &line, out),
                Err(err) => self.unreadable(number, text, &err, out),
            }
        } else if let Ok(line) = serde_json::from_str::<prompt::PromptLine<'_>>(text) {
            // Read with the message's text in the same pass, in case it is a typed prompt. Any
            // line this stricter read rejects (text that does not decode, a message nested past
            // serde_json's depth limit) is read again below exactly as before: its fate and
            // envelope never depend on the text.
            let prompt = prompt::typed_prompt(&line);
            self.lite(number, &line, prompt, out);
        } else {
            match serde_json::from_str::<LiteLine<'_>>(text) {
                Ok(line) => self.lite(number, &line, None, out),
                Err(err) => self.unreadable(number, text, &err, out),
            }
        }
    }

    fn finish(&mut self, _out: &mut Sink) {}

    fn checks_utf8(&self) -> bool {
        true
    }
}
