//! The legacy single-document Gemini session (`chats/session-*.json`), rewritten in place.
//!
//! The document is one JSON object, `{sessionId, projectHash, startTime, lastUpdated, messages:
//! [...], kind?}`, pretty-printed or not. It is **streamed** ([`DocStream`]): each element of
//! `messages` is parsed as soon as its closing bracket arrives, so the parser holds one message
//! at a time, never the file (a document can reach hundreds of MB; held whole and parsed at the
//! end it took about twice its size). The file-level fields may come before or after the array.
//!
//! Its report unit is the **message**: `read` counts messages, each gets one fate, and a record's
//! `source.line` is the message's 1-based position in `messages`. A document that cannot be read
//! as a whole (truncated, invalid JSON anywhere, not an object, no `messages` array) is one
//! malformed unit and nothing of it counts, as when it was parsed whole: the messages' fates are
//! therefore only given once the document has ended. A message longer than
//! [`crate::lines::MAX_LINE_BYTES`] is one malformed unit on its own (it is never buffered).
//! Invalid UTF-8 in a message (a write cut inside a character) is replaced with U+FFFD and noted
//! as repaired, as for a line.

use std::borrow::Cow;

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::Value;

use crate::line_report::{json_reason, Sink, MAX_EXAMPLES};
use crate::parsers::json_stream::{DocStream, Piece};
use crate::parsers::lenient::opt_str;
use crate::parsers::{ChunkParser, FileContext};

use super::analytics::Texts;
use super::records::Record;
use super::session_from_path;
use super::table::{Meta, Table};

/// The array whose elements are streamed.
const MESSAGES: &str = "messages";

/// The longest file-level field kept (the session fields are a few dozen bytes).
const FIELD_CAP: usize = 1 << 20;

/// Reads legacy `chats/session-*.json` documents.
pub struct GeminiJsonParser {
    fallback_session: String,
    stream: DocStream,
    doc: Doc,
}

/// What has been read of the document so far.
#[derive(Debug, Default)]
struct Doc {
    session_id: Option<String>,
    project_hash: Option<String>,
    start_time: Option<String>,
    kind: Option<String>,
    /// File-level fields seen (a repeated one makes the document invalid, as serde would).
    seen: Vec<&'static str>,
    /// `messages` was an array (even empty).
    has_messages: bool,
    table: Table,
    /// Fates of messages that are not decided by the table, given once the document ended.
    ignored: u64,
    malformed: Vec<(u64, String)>,
    repaired: Vec<(u64, String)>,
    /// Why the document as a whole cannot be read.
    failed: Option<String>,
}

impl GeminiJsonParser {
    /// A parser for the document at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        GeminiJsonParser {
            fallback_session: session_from_path(&ctx.path),
            stream: DocStream::new(&[MESSAGES], FIELD_CAP, crate::lines::MAX_LINE_BYTES),
            doc: Doc::default(),
        }
    }
}

impl ChunkParser for GeminiJsonParser {
    fn chunk(&mut self, bytes: &[u8], _out: &mut Sink) {
        let doc = &mut self.doc;
        self.stream.push(bytes, &mut |piece| doc.piece(piece));
    }

    fn finish(&mut self, out: &mut Sink) {
        let mut doc = std::mem::take(&mut self.doc);
        if let Err(err) = self.stream.finish() {
            doc.failed.get_or_insert_with(|| err.to_string());
        }
        if doc.failed.is_none() && !doc.has_messages {
            doc.failed = Some("document has no `messages` array".to_owned());
        }
        if let Some(reason) = doc.failed {
            out.malformed(1, format!("document: {reason}"));
            return;
        }
        for (line, what) in doc.repaired {
            out.repaired(line, what);
        }
        for _ in 0..doc.ignored {
            out.ignored();
        }
        for (line, reason) in doc.malformed {
            out.malformed(line, reason);
        }
        let mut meta = Meta::default();
        meta.absorb(
            doc.session_id.as_deref(),
            doc.project_hash.as_deref(),
            doc.start_time.as_deref(),
            doc.kind.as_deref(),
        );
        doc.table.finish(&meta, &self.fallback_session, out);
    }

    fn buffered_bytes(&self) -> usize {
        self.stream.buffered_bytes()
    }
}

/// A file-level string field: any other JSON value reads as absent.
#[derive(Deserialize)]
struct LenientStr<'a>(#[serde(borrow, deserialize_with = "opt_str")] Option<Cow<'a, str>>);

impl Doc {
    fn piece(&mut self, piece: Piece<'_>) {
        if self.failed.is_some() {
            return;
        }
        match piece {
            Piece::Array { key } => self.field(key, b"[]"),
            Piece::Element { index, bytes, .. } => self.message(index, bytes),
            Piece::LongElement { index, len, .. } => self.defer_malformed(
                index,
                format!(
                    "message {index} of {len} bytes is longer than the {} MiB limit",
                    crate::lines::MAX_LINE_BYTES >> 20
                ),
            ),
            Piece::Field { key, value } => self.field(key, value),
            Piece::LongField { key, len } => {
                if key == MESSAGES {
                    self.fail(format!(
                        "unexpected record shape: `messages` is a value of {len} bytes, not an array"
                    ));
                }
            }
        }
    }

    fn fail(&mut self, reason: String) {
        self.failed = Some(reason);
        // Nothing of a document that cannot be read counts: drop what was collected.
        self.table = Table::default();
        self.malformed = Vec::new();
        self.repaired = Vec::new();
    }

    fn defer_malformed(&mut self, line: u64, reason: String) {
        // Only the first examples are shown; the rest are counted.
        let reason = match self.malformed.len() < MAX_EXAMPLES {
            true => reason,
            false => String::new(),
        };
        self.malformed.push((line, reason));
    }

    /// One file-level field: the session's, `messages` (its opening, as `[]`, when it is an
    /// array: its elements follow), or any other (checked to be JSON, then skipped).
    fn field(&mut self, key: &str, value: &[u8]) {
        let known = ["sessionId", "projectHash", "startTime", "kind", MESSAGES]
            .into_iter()
            .find(|k| *k == key);
        if let Some(k) = known {
            if self.seen.contains(&k) {
                self.fail(format!("invalid JSON: duplicate field `{k}`"));
                return;
            }
            self.seen.push(k);
        }
        let text = String::from_utf8_lossy(value);
        let bytes = text.as_bytes();
        let read = |slot: &mut Option<String>| {
            serde_json::from_slice::<LenientStr<'_>>(bytes)
                .map(|s| *slot = s.0.map(Cow::into_owned))
        };
        let outcome = match known {
            Some("sessionId") => read(&mut self.session_id),
            Some("projectHash") => read(&mut self.project_hash),
            Some("startTime") => read(&mut self.start_time),
            Some("kind") => read(&mut self.kind),
            Some(_) => match serde_json::from_slice::<Option<Vec<IgnoredAny>>>(bytes) {
                Ok(array) => {
                    self.has_messages = array.is_some();
                    Ok(())
                }
                Err(err) if err.is_data() => {
                    self.fail(format!("unexpected record shape: `messages`: {err}"));
                    return;
                }
                Err(err) => Err(err),
            },
            None => serde_json::from_slice::<IgnoredAny>(bytes).map(|_| ()),
        };
        if let Err(err) = outcome {
            self.fail(format!("field `{key}`: {}", json_reason(bytes, &err)));
        }
    }

    /// One element of `messages`, at 1-based `position`.
    fn message(&mut self, position: u64, bytes: &[u8]) {
        let text = match std::str::from_utf8(bytes) {
            Ok(_) => Cow::Borrowed(bytes),
            Err(_) => {
                self.repaired
                    .push((position, "invalid UTF-8 replaced with U+FFFD".to_owned()));
                Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into_bytes())
            }
        };
        let value: Value = match serde_json::from_slice(&text) {
            Ok(value) => value,
            Err(err) => {
                self.fail(format!("message {position}: {}", json_reason(&text, &err)));
                return;
            }
        };
        let rec = match Record::deserialize(&value) {
            Ok(rec) => rec,
            Err(err) => {
                self.defer_malformed(position, format!("message {position}: {err}"));
                return;
            }
        };
        // A message without an id still counts, keyed by its position in this document.
        let id = rec
            .id
            .as_deref()
            .map_or_else(|| format!("#{position}"), str::to_owned);
        if !self.table.write(&id, &rec, position, &Texts::Value(&value)) {
            self.ignored += 1;
        }
    }
}
