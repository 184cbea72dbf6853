//! The current append-only Gemini log: one record per line, replayed.
//!
//! Line kinds (gemini-cli `loadConversationRecord`): the metadata line, message records (string
//! `id`, re-appended on every update), `{"$set": {...}}` and `{"$rewindTo": id}`. Every line gets
//! one fate; the one exception is a `$set.messages` checkpoint, a whole message table in one
//! line, whose messages are each one unit (like the messages of a legacy document), so that every
//! usage record still has a unit of its own.
//!
//! Invalid UTF-8 inside content that no figure reads (message text, tool results) is tolerated:
//! serde skips those strings unchecked, and the line's usage is kept. In a field that is read,
//! the line is malformed.

use serde::Deserialize;

use crate::line_report::Sink;
use crate::parsers::{is_blank, FileContext, LineParser};

use super::analytics::Texts;
use super::records::{LineRecord, Record};
use super::table::{Meta, Table};
use super::{parent_from_path, session_from_path, shape_reason};

/// Reads current `chats/*.jsonl` logs.
pub struct GeminiJsonlParser {
    fallback_session: String,
    meta: Meta,
    table: Table,
}

impl GeminiJsonlParser {
    /// A parser for the log at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        GeminiJsonlParser {
            fallback_session: session_from_path(&ctx.path),
            meta: Meta {
                parent: parent_from_path(&ctx.path),
                ..Meta::default()
            },
            table: Table::default(),
        }
    }

    /// One message write; usage-bearing writes get their fate at the end of the file.
    fn message(
        &mut self,
        id: &str,
        rec: &Record<'_>,
        number: u64,
        texts: &Texts<'_>,
        out: &mut Sink,
    ) {
        if !self.table.write(id, rec, number, texts) {
            out.ignored();
        }
    }

    fn checkpoint(&mut self, messages: &[serde_json::Value], number: u64, out: &mut Sink) {
        if messages.is_empty() {
            out.ignored();
            return;
        }
        for (i, value) in messages.iter().enumerate() {
            match Record::deserialize(value) {
                Ok(rec) => match rec.id.as_deref() {
                    Some(id) => self.message(id, &rec, number, &Texts::Value(value), out),
                    None => out.malformed(number, format!("$set.messages[{i}] has no string id")),
                },
                Err(err) => out.malformed(number, format!("$set.messages[{i}]: {err}")),
            }
        }
    }
}

impl LineParser for GeminiJsonlParser {
    fn line(&mut self, number: u64, bytes: &[u8], out: &mut Sink) {
        if is_blank(bytes) {
            out.ignored();
            return;
        }
        // Read with the tool values the analytics keep; a line that stricter read rejects
        // (invalid UTF-8 in a tool output) is read again as before, without them.
        let parsed = match serde_json::from_slice::<LineRecord<'_>>(bytes) {
            Ok(rec) => Ok(rec.split(bytes)),
            Err(_) => serde_json::from_slice::<Record<'_>>(bytes).map(|rec| {
                let texts = Texts::Line {
                    bytes,
                    calls: Vec::new(),
                };
                (rec, texts)
            }),
        };
        let (rec, texts) = match parsed {
            Ok(parsed) => parsed,
            Err(err) => {
                out.malformed(number, shape_reason(bytes, &err));
                return;
            }
        };
        if rec.rewind_to.is_some() {
            // The rewound messages were billed: they stay in the table.
            out.ignored();
        } else if let Some(set) = &rec.set {
            match &set.messages {
                Some(messages) => self.checkpoint(messages, number, out),
                None => out.ignored(),
            }
        } else if let Some(id) = rec.id.as_deref() {
            self.message(id, &rec, number, &texts, out);
        } else if rec.session_id.is_some() || rec.project_hash.is_some() {
            self.meta.absorb(
                rec.session_id.as_deref(),
                rec.project_hash.as_deref(),
                rec.start_time.as_deref(),
                rec.session_kind.as_deref(),
            );
            out.ignored();
        } else {
            out.malformed(
                number,
                "not a Gemini chat record (no id, $set, $rewindTo or sessionId)",
            );
        }
    }

    fn finish(&mut self, out: &mut Sink) {
        std::mem::take(&mut self.table).finish(&self.meta, &self.fallback_session, out);
    }
}
