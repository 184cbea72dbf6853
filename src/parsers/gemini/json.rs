//! The legacy single-document Gemini session (`chats/session-*.json`), rewritten in place.
//!
//! The document is one pretty-printed JSON value spread over many lines, so lines are only
//! buffered and the document is parsed when the file ends. Its report unit is the **message**:
//! `read` counts messages, each gets one fate, and a document that cannot be read at all is one
//! malformed unit. A record's `source.line` is the message's 1-based position in `messages`.

use serde::Deserialize;

use crate::line_report::Sink;
use crate::parsers::{FileContext, LineParser};

use super::analytics::Texts;
use super::records::{Document, Record};
use super::table::{Meta, Table};
use super::{session_from_path, shape_reason};

/// Reads legacy `chats/session-*.json` documents.
pub struct GeminiJsonParser {
    fallback_session: String,
    buf: Vec<u8>,
}

impl GeminiJsonParser {
    /// A parser for the document at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        GeminiJsonParser {
            fallback_session: session_from_path(&ctx.path),
            buf: Vec::new(),
        }
    }
}

impl LineParser for GeminiJsonParser {
    fn line(&mut self, number: u64, bytes: &[u8], _out: &mut Sink) {
        // Newlines go between lines only, so a document cut short reads as truncated.
        if number > 1 {
            self.buf.push(b'\n');
        }
        self.buf.extend_from_slice(bytes);
    }

    fn finish(&mut self, out: &mut Sink) {
        let buf = std::mem::take(&mut self.buf);
        let doc: Document<'_> = match serde_json::from_slice(&buf) {
            Ok(doc) => doc,
            Err(err) => {
                out.malformed(1, format!("document: {}", shape_reason(&buf, &err)));
                return;
            }
        };
        let Some(messages) = doc.messages.as_ref() else {
            out.malformed(1, "document has no `messages` array");
            return;
        };
        let mut meta = Meta::default();
        meta.absorb(
            doc.session_id.as_deref(),
            doc.project_hash.as_deref(),
            doc.start_time.as_deref(),
            doc.session_kind.as_deref(),
        );
        let mut table = Table::default();
        for (i, value) in messages.iter().enumerate() {
            let position = i as u64 + 1;
            let rec = match Record::deserialize(value) {
                Ok(rec) => rec,
                Err(err) => {
                    out.malformed(position, format!("message {position}: {err}"));
                    continue;
                }
            };
            // A message without an id still counts, keyed by its position in this document.
            let id = rec
                .id
                .as_deref()
                .map_or_else(|| format!("#{position}"), str::to_owned);
            if !table.write(&id, &rec, position, &Texts::Value(value)) {
                out.ignored();
            }
        }
        table.finish(&meta, &self.fallback_session, out);
    }
}
