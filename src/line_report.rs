//! Every line has a fate: used, duplicate, not a usage record, or malformed.
//!
//! Parsers report each line's fate into a [`Sink`] while they emit records; the sink keeps the
//! counts and the first few malformed examples per file in a [`FileReport`]. "Duplicate" has two
//! sources: a parser may know a line repeats an earlier one in the same file (a Codex token count
//! re-emitted unchanged, a Gemini message re-appended), and the ledger collapses candidates that
//! share a key across lines and files. [`LineTotals`] adds both up so that
//! `read = used + duplicate + ignored + malformed` always holds. A line kept after a repair
//! (invalid UTF-8 replaced, a count clamped) keeps its fate and is also noted
//! ([`FileReport::repaired`]), so no repair is silent.

use std::cell::Cell;

use serde::{Deserialize, Serialize};

use crate::model::{
    Agent, LastKeys, LastSession, MessageKey, MessageRecord, Recent, SessionPart, Source, Text,
    ToolCall, UsageKey, UsageRecord,
};

/// How many malformed-line examples a file report keeps.
pub const MAX_EXAMPLES: usize = 5;

/// One malformed line: where, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub line: u64,
    pub reason: String,
}

/// What happened to the lines of one file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    /// The agent whose parser read the file; `None` when no parser recognised it.
    pub agent: Option<Agent>,
    /// The format the file was read as (`claude-jsonl`, `codex-jsonl`, `gemini-json`, ...), or why
    /// it was skipped.
    pub format: String,
    pub bytes: u64,
    /// Lines (for a JSON document: messages) read.
    pub read: u64,
    /// Lines that produced a usage record (before cross-file dedupe).
    pub candidates: u64,
    /// Lines the parser itself found to repeat an earlier line of the same file.
    pub duplicate_in_file: u64,
    /// Lines that are valid but carry no usage (user messages, progress, metadata...).
    pub ignored: u64,
    pub malformed: u64,
    /// The first [`MAX_EXAMPLES`] malformed lines.
    pub examples: Vec<Issue>,
    /// Lines kept (their fate is not malformed) after a repair: invalid UTF-8 replaced, a count
    /// clamped. Not a fate of its own: each is also counted as used, duplicate or ignored.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub repaired: u64,
    /// The first [`MAX_EXAMPLES`] repaired lines, with what was repaired.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Issue>,
    /// The source the file was read under: the label of the dropped root (browser) or PATH
    /// argument (CLI), a person or a machine (`alice`, `build-box`). `None` for a file added
    /// without one (tests, hand-built ledgers). See `docs/ledger.md`, "Sources".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// Lines summed over files after the merge, the report users see.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineTotals {
    pub read: u64,
    pub used: u64,
    pub duplicate: u64,
    pub ignored: u64,
    pub malformed: u64,
}

/// Collects what a parser emits and counts every line's fate.
#[derive(Default)]
pub struct Sink {
    pub report: FileReport,
    pub usage: Vec<UsageRecord>,
    pub tools: Vec<ToolCall>,
    pub messages: Vec<MessageRecord>,
    /// The file's path as the records' shared [`Text`] (made once, not per record; checked
    /// against `report.path` on each use, so it can never name another file).
    pub(crate) file: Cell<Option<Text>>,
    /// The strings the parser named lately ([`Sink::text`]).
    pub(crate) texts: Recent,
    /// The session the parser keyed a tool call by last ([`Sink::session_part`]).
    pub(crate) session: LastSession,
    /// The usage and message keys the parser made last ([`Sink::usage_key`]).
    pub(crate) keys: LastKeys,
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sink")
            .field("report", &self.report)
            .field("usage", &self.usage)
            .field("tools", &self.tools)
            .field("messages", &self.messages)
            .finish_non_exhaustive()
    }
}

impl Sink {
    /// A sink for the file at `path`.
    #[must_use]
    pub fn new(path: &str, agent: Option<Agent>, format: &str) -> Self {
        Sink {
            report: FileReport {
                path: path.to_owned(),
                agent,
                format: format.to_owned(),
                ..FileReport::default()
            },
            ..Sink::default()
        }
    }

    /// The source reference for `line` of this file.
    #[must_use]
    pub fn source(&self, line: u64) -> Source {
        let file = match self.file.take() {
            Some(t) if t.as_str() == self.report.path => t,
            _ => Text::from(self.report.path.as_str()),
        };
        self.file.set(Some(file.clone()));
        Source {
            file,
            line: line.into(),
        }
    }

    /// A [`Text`] of `s` for a record, sharing the copy of the last records that named the same
    /// string (see [`Recent`]).
    pub fn text(&mut self, s: &str) -> Text {
        self.texts.text(s)
    }

    /// The digest of `session` for a [`crate::model::ToolKey`], made once per session rather
    /// than once per call.
    pub fn session_part(&mut self, session: &str) -> SessionPart {
        self.session.part(session)
    }

    /// [`UsageKey::new`] for a record, reusing the last key when its ids are the same.
    pub fn usage_key(&mut self, agent: Agent, scope: &str, id: &str) -> UsageKey {
        self.keys.usage(agent, scope, id)
    }

    /// [`MessageKey::new`] for a record, reusing the last key when its id is the same.
    pub fn message_key(&mut self, agent: Agent, id: &str) -> MessageKey {
        self.keys.message(agent, id)
    }

    /// [`Sink::text`] of a string that may be absent.
    pub fn text_opt(&mut self, s: Option<&str>) -> Option<Text> {
        self.texts.opt(s)
    }

    /// A line (or document unit) that produced `record`; malformed instead when a count is
    /// beyond any real call ([`crate::model::MAX_TOKENS_PER_CALL`]).
    pub fn used(&mut self, record: UsageRecord) {
        if let Some((field, n)) = record.tokens.out_of_range() {
            self.malformed(
                record.source.line.get(),
                format!("{field} count {n} is beyond any real call (more than 10^15 tokens)"),
            );
            return;
        }
        self.report.read += 1;
        self.report.candidates += 1;
        self.usage.push(record);
    }

    /// A line that repeats an earlier line of the same file.
    pub fn duplicate(&mut self) {
        self.report.read += 1;
        self.report.duplicate_in_file += 1;
    }

    /// A valid line that carries no usage.
    pub fn ignored(&mut self) {
        self.report.read += 1;
        self.report.ignored += 1;
    }

    /// A line that could not be read, with the reason shown to the user.
    pub fn malformed(&mut self, line: u64, reason: impl Into<String>) {
        self.report.read += 1;
        self.report.malformed += 1;
        if self.report.examples.len() < MAX_EXAMPLES {
            self.report.examples.push(Issue {
                line,
                reason: reason.into(),
            });
        }
    }

    /// A line that was kept after a repair (does not change the line's fate; see
    /// [`FileReport::repaired`]). Several repairs of one line count once.
    pub fn repaired(&mut self, line: u64, what: impl Into<String>) {
        if self.report.notes.last().is_some_and(|n| n.line == line) {
            return;
        }
        self.report.repaired += 1;
        if self.report.notes.len() < MAX_EXAMPLES {
            self.report.notes.push(Issue {
                line,
                reason: what.into(),
            });
        }
    }

    /// A tool call seen on some line (does not change the line's fate).
    pub fn tool(&mut self, call: ToolCall) {
        self.tools.push(call);
    }

    /// A message seen on some line (does not change the line's fate).
    pub fn message(&mut self, message: MessageRecord) {
        self.messages.push(message);
    }
}

/// A short, user-facing reason for a JSON error on a line.
#[must_use]
pub fn json_reason(bytes: &[u8], err: &serde_json::Error) -> String {
    if std::str::from_utf8(bytes).is_err() {
        return "invalid UTF-8".to_owned();
    }
    if bytes.contains(&0) {
        return "contains a NUL byte (invalid JSON)".to_owned();
    }
    if err.is_eof() {
        return "truncated JSON (line ends mid-record)".to_owned();
    }
    format!("invalid JSON: {err}")
}
