//! A legacy Gemini `session-*.json` is streamed: each message is read as soon as it is complete,
//! so a document many times larger than any of its messages is read with bounded memory, and any
//! chunking of it gives the result of one whole read.
//!
//! The large documents are built from the real legacy fixture's messages (fixtures/gemini/tmp,
//! see fixtures/gemini/README.md), repeated under new ids, with file-level fields on both sides of
//! the array.

mod parse_support;

use agentmeter::model::Tokens;
use agentmeter::parsers::{FileContext, FileParser, Format};
use parse_support::*;
use proptest::prelude::*;
use serde_json::Value;

const LEGACY: &str = "fixtures/gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json";
const PATH: &str = "home/.gemini/tmp/h/chats/session-2025-10-05T07-11-big.json";

/// The real document's messages, each as compact JSON text.
fn real_messages() -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&read(LEGACY)).expect("legacy document");
    doc["messages"].as_array().cloned().unwrap_or_default()
}

/// Copy `n` of message `m`: a new id, so every copy is its own call.
fn copy_of(m: &Value, n: usize) -> Value {
    let mut m = m.clone();
    if let Some(id) = m["id"].as_str() {
        m["id"] = Value::String(format!("{id}-{n}"));
    }
    m
}

/// The opening of a big document: fields before the array, pretty-printed like the CLI's.
const HEAD: &str = "\u{feff}{\n  \"sessionId\": \"big-session\",\n  \"startTime\": \"2025-10-05T07:11:03.979Z\",\n  \"messages\": [\n";
/// Its end: more fields after the array.
const TAIL: &str = "\n  ],\n  \"projectHash\": \"big-project\",\n  \"lastUpdated\": \"2025-10-05T08:00:00.000Z\",\n  \"kind\": \"main\"\n}\n";

/// The message texts of a document with `copies` copies of the real messages.
fn message_texts(copies: usize) -> impl Iterator<Item = String> {
    let real = real_messages();
    (0..copies).flat_map(move |n| {
        real.iter()
            .map(|m| serde_json::to_string_pretty(&copy_of(m, n)).unwrap_or_default())
            .collect::<Vec<_>>()
    })
}

fn big_document(copies: usize) -> Vec<u8> {
    let mut doc = HEAD.as_bytes().to_vec();
    for (i, m) in message_texts(copies).enumerate() {
        if i > 0 {
            doc.extend_from_slice(b",\n");
        }
        doc.extend_from_slice(m.as_bytes());
    }
    doc.extend_from_slice(TAIL.as_bytes());
    doc
}

fn ctx() -> FileContext {
    FileContext {
        path: PATH.to_owned(),
        session_hint: None,
    }
}

/// The billed tokens of every gemini message of the document, summed by hand from its JSON.
fn expected_tokens(doc: &[u8]) -> Tokens {
    let doc: Value = serde_json::from_slice(&doc[3..]).expect("valid document");
    let mut t = Tokens::default();
    for m in doc["messages"].as_array().into_iter().flatten() {
        if m["type"] != "gemini" {
            continue;
        }
        let n = |k: &str| m["tokens"][k].as_u64().unwrap_or(0);
        t.add(&Tokens {
            input: n("input") - n("cached") + n("tool"),
            output: n("output") + n("thoughts"),
            cache_read: n("cached"),
            reasoning: n("thoughts"),
            ..Tokens::default()
        });
    }
    t
}

#[test]
fn a_big_document_counts_every_message_once_with_fields_after_the_array() {
    let doc = big_document(40);
    let sink = parse_chunked(Format::GeminiJson, ctx(), &doc, &[]);
    let r = &sink.report;
    let messages = real_messages().len() as u64 * 40;
    assert_eq!((r.read, r.malformed), (messages, 0), "{:?}", r.examples);
    assert_eq!(r.read, r.candidates + r.duplicate_in_file + r.ignored);
    let mut t = Tokens::default();
    for u in &sink.usage {
        t.add(&u.tokens);
        // The fields after the array apply to every message before it.
        assert_eq!(
            (u.session.as_str(), u.project.as_deref()),
            ("big-session", Some("big-project"))
        );
    }
    assert_eq!(t, expected_tokens(&doc));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    // Chunk boundaries anywhere (inside a string, an escape, a multi-byte character, the BOM):
    // the same fates, records, messages and tool calls as one whole read.
    #[test]
    fn a_big_document_in_random_chunks_reads_as_one_whole_read(
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..300),
        small in proptest::collection::vec(0usize..8, 0..20),
    ) {
        let doc = big_document(12);
        let whole = snapshot(&parse_chunked(Format::GeminiJson, ctx(), &doc, &[]));
        // Random cuts over the whole document, and a run of tiny chunks at its start (the BOM
        // and the first key cut byte by byte).
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(doc.len() + 1)).collect();
        let mut pos = 0;
        for s in small {
            pos += s;
            at.push(pos);
        }
        let chunked = snapshot(&parse_chunked(Format::GeminiJson, ctx(), &doc, &at));
        prop_assert_eq!(whole, chunked);
    }
}

/// Feeds a document to a parser in fixed chunks as it is produced, and records the most the
/// parser held between chunks.
struct Feeder {
    parser: FileParser,
    pending: Vec<u8>,
    fed: usize,
    peak: usize,
}

impl Feeder {
    const CHUNK: usize = 64 << 10;

    fn add(&mut self, bytes: &[u8], end: bool) {
        self.pending.extend_from_slice(bytes);
        while self.pending.len() >= Self::CHUNK || (end && !self.pending.is_empty()) {
            let n = self.pending.len().min(Self::CHUNK);
            self.parser.push(&self.pending[..n]);
            self.pending.drain(..n);
            self.fed += n;
            self.peak = self.peak.max(self.parser.buffered_bytes());
        }
    }
}

// The parser holds the message being assembled, never the document: fed a document of 32 MiB in
// 64 KiB chunks, what it buffers stays within twice the largest message.
#[test]
fn memory_held_is_bounded_by_the_largest_message_not_the_file() {
    const TARGET: usize = 32 << 20;
    let texts: Vec<String> = message_texts(1).collect();
    let is_call: Vec<bool> = real_messages()
        .iter()
        .map(|m| m["type"] == "gemini" && m["tokens"].is_object())
        .collect();
    let largest = texts.iter().map(String::len).max().unwrap_or(0);
    let mut f = Feeder {
        parser: FileParser::new(Format::GeminiJson, ctx()),
        pending: Vec::new(),
        fed: 0,
        peak: 0,
    };
    f.add(HEAD.as_bytes(), false);
    let (mut messages, mut calls) = (0u64, 0u64);
    'outer: for n in 0.. {
        for (m, call) in texts.iter().zip(&is_call) {
            if messages > 0 {
                f.add(b",\n", false);
            }
            // A new id per copy.
            let m = m.replacen("\"id\": \"", &format!("\"id\": \"{n}-"), 1);
            f.add(m.as_bytes(), false);
            messages += 1;
            calls += u64::from(*call);
            if f.fed >= TARGET {
                break 'outer;
            }
        }
    }
    f.add(TAIL.as_bytes(), true);
    let (fed, peak) = (f.fed, f.peak);
    let sink = f.parser.finish();
    assert_eq!(sink.report.read, messages);
    assert_eq!(sink.report.malformed, 0, "{:?}", sink.report.examples);
    assert_eq!(sink.usage.len() as u64, calls);
    assert!(
        peak <= 2 * largest + 8192,
        "held {peak} bytes while reading {fed}; largest message {largest}"
    );
    assert!(peak * 100 < fed, "held {peak} of {fed} bytes");
    eprintln!("read {fed} bytes, {messages} messages; held at most {peak} bytes (largest message {largest})");
}
