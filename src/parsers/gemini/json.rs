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
    parent: Option<String>,
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
            parent: super::parent_from_path(&ctx.path),
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
        let mut meta = Meta {
            parent: self.parent.clone(),
            ..Meta::default()
        };
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

#[cfg(test)]
mod tests {
    //! The streamed reader against the whole-document reader it replaced (kept here as the
    //! reference): same fates, records, messages and tool calls on the real legacy fixture and on
    //! damaged copies of it, fed in any chunking.

    use proptest::prelude::*;

    use super::*;
    use crate::lines::{Line, LineSplitter};
    use crate::parsers::{parse_bytes, FileParser, Format};

    const LEGACY: &[u8] = include_bytes!(
        "../../../fixtures/gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json"
    );
    const PATH: &str = "tmp/h/chats/session-2025-10-05T07-11-eefc44a3.json";

    /// The document as the reference read it: lines (BOM and `\r` dropped, invalid UTF-8
    /// replaced) joined with `\n`.
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Whole<'a> {
        #[serde(borrow, default, deserialize_with = "opt_str")]
        session_id: Option<Cow<'a, str>>,
        #[serde(borrow, default, deserialize_with = "opt_str")]
        project_hash: Option<Cow<'a, str>>,
        #[serde(borrow, default, deserialize_with = "opt_str")]
        start_time: Option<Cow<'a, str>>,
        #[serde(rename = "kind", borrow, default, deserialize_with = "opt_str")]
        session_kind: Option<Cow<'a, str>>,
        #[serde(default)]
        messages: Option<Vec<Value>>,
    }

    fn reference(bytes: &[u8]) -> Sink {
        let mut out = Sink::new(PATH, Some(crate::model::Agent::Gemini), "gemini-json");
        let mut buf = Vec::new();
        let mut splitter = LineSplitter::default();
        let mut take = |line: Line<'_>| {
            if let Line::Text { number, bytes } = line {
                if number > 1 {
                    buf.push(b'\n');
                }
                buf.extend_from_slice(String::from_utf8_lossy(bytes).as_bytes());
            }
        };
        splitter.push(bytes, &mut take);
        splitter.finish(&mut take);
        let Ok(doc) = serde_json::from_slice::<Whole<'_>>(&buf) else {
            out.malformed(1, "document");
            return out;
        };
        let Some(messages) = doc.messages.as_ref() else {
            out.malformed(1, "document has no `messages` array");
            return out;
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
            let Ok(rec) = Record::deserialize(value) else {
                out.malformed(position, "message");
                continue;
            };
            let id = rec
                .id
                .as_deref()
                .map_or_else(|| format!("#{position}"), str::to_owned);
            if !table.write(&id, &rec, position, &Texts::Value(value)) {
                out.ignored();
            }
        }
        table.finish(&meta, &session_from_path(PATH), &mut out);
        out
    }

    fn streamed(bytes: &[u8], cuts: &[usize]) -> Sink {
        let ctx = FileContext {
            path: PATH.to_owned(),
            session_hint: None,
        };
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
        cuts.sort_unstable();
        let mut p = FileParser::new(Format::GeminiJson, ctx);
        let mut at = 0;
        for cut in cuts {
            p.push(&bytes[at..cut]);
            at = cut;
        }
        p.push(&bytes[at..]);
        p.finish()
    }

    /// What must agree: every count of the report (reasons and repair notes are worded and
    /// placed differently) and everything emitted.
    fn outcome(s: &Sink) -> String {
        let r = &s.report;
        format!(
            "read {} used {} dup {} ignored {} malformed {}\n{:?}\n{:?}\n{:?}",
            r.read,
            r.candidates,
            r.duplicate_in_file,
            r.ignored,
            r.malformed,
            s.usage,
            s.tools,
            s.messages
        )
    }

    #[test]
    fn the_real_document_reads_as_it_did_whole() {
        let want = reference(LEGACY);
        assert!(want.usage.len() > 5 && want.report.malformed == 0);
        let got = parse_bytes(
            Format::GeminiJson,
            FileContext {
                path: PATH.to_owned(),
                session_hint: None,
            },
            LEGACY,
        );
        assert_eq!(outcome(&got), outcome(&want));
        assert_eq!(got.report.examples, want.report.examples);
    }

    /// Bytes that change a document's structure when they land in the wrong place.
    const DAMAGE: &[u8] = b"{}[]\",:\\ \n\0\xff\xc3x1";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn damaged_documents_read_as_they_did_whole(
            edits in proptest::collection::vec((0usize..30_000, 0usize..17, 0u8..3), 0..3),
            cut in proptest::option::of(0usize..30_000),
            cuts in proptest::collection::vec(0usize..30_000, 0..12),
        ) {
            let mut doc = LEGACY.to_vec();
            for (at, byte, how) in edits {
                let at = at % (doc.len() + 1);
                let b = DAMAGE[byte % DAMAGE.len()];
                match how {
                    0 if at < doc.len() => doc[at] = b,
                    1 => doc.insert(at, b),
                    _ if at < doc.len() => { doc.remove(at); }
                    _ => {}
                }
            }
            if let Some(cut) = cut {
                doc.truncate(cut % (doc.len() + 1));
            }
            let want = reference(&doc);
            let got = streamed(&doc, &cuts);
            prop_assert_eq!(outcome(&got), outcome(&want));
        }
    }
}
