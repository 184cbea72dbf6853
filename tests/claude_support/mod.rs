//! Shared helpers for the Claude Code parser tests: reading fixture trees the way the CLI does
//! (classify by path and first bytes, then stream through `FileParser`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::line_report::Sink;
use agentmeter::model::{Tokens, UsageRecord};
use agentmeter::parsers::FileParser;

/// `fixtures/claude`, where every path below is relative to.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/claude")
}

/// Every `.jsonl` file under `fixtures/claude/<rel>`, sorted, as paths relative to the root.
pub fn files_under(rel: &str) -> Vec<String> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|e| e == "jsonl") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join(rel), &mut out);
    out.iter()
        .map(|p| {
            p.strip_prefix(root())
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// The bytes of `fixtures/claude/<rel>`.
pub fn bytes(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).expect("fixture file")
}

/// Lines as a text editor counts them: newlines, plus a last line without one.
pub fn physical_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && bytes.last() != Some(&b'\n'))
}

/// Parses `bytes` as the file at `rel`, fed in the given chunk sizes (cycled), or whole.
pub fn parse_chunked(rel: &str, bytes: &[u8], chunks: &[usize]) -> Sink {
    let head = &bytes[..bytes.len().min(detect::HEAD_BYTES)];
    let Classification::Parse { format, ctx } = detect::classify(rel, head) else {
        panic!("{rel} is not classified as a transcript");
    };
    assert_eq!(format, agentmeter::parsers::Format::ClaudeJsonl, "{rel}");
    feed(FileParser::new(format, ctx), bytes, chunks)
}

/// Parses `bytes` with the Claude parser whatever they look like (no classification).
pub fn parse_as_claude(path: &str, bytes: &[u8], chunks: &[usize]) -> Sink {
    let ctx = agentmeter::parsers::FileContext {
        path: path.to_owned(),
        session_hint: Some("s".to_owned()),
    };
    feed(
        FileParser::new(agentmeter::parsers::Format::ClaudeJsonl, ctx),
        bytes,
        chunks,
    )
}

fn feed(mut parser: FileParser, bytes: &[u8], chunks: &[usize]) -> Sink {
    if chunks.is_empty() {
        parser.push(bytes);
    } else {
        let mut rest = bytes;
        for size in chunks.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (head, tail) = rest.split_at((*size).max(1).min(rest.len()));
            parser.push(head);
            rest = tail;
        }
    }
    parser.finish()
}

/// Parses the fixture file at `rel`, whole.
pub fn parse(rel: &str) -> Sink {
    parse_chunked(rel, &bytes(rel), &[])
}

/// A ledger over the given fixture files.
pub fn ledger_of(files: &[String]) -> Ledger {
    let mut ledger = Ledger::new();
    for f in files {
        ledger.add_file(parse(f));
    }
    ledger
}

/// The tokens the ledger counts.
pub fn counted(ledger: &Ledger) -> Tokens {
    let mut t = Tokens::default();
    for r in ledger.counted_usage() {
        t.add(&r.tokens);
    }
    t
}

/// The counted records, cloned.
pub fn counted_records(ledger: &Ledger) -> Vec<UsageRecord> {
    ledger.counted_usage().cloned().collect()
}

/// Asserts the line report invariant over the ledger.
pub fn assert_line_invariant(ledger: &Ledger) {
    let t = ledger.line_totals();
    assert_eq!(
        t.read,
        t.used + t.duplicate + t.ignored + t.malformed,
        "line totals {t:?}"
    );
}

/// `usage` tokens of a JSON line, computed independently of the parser (serde_json::Value).
pub fn json_tokens(line: &[u8]) -> Tokens {
    let v: serde_json::Value = serde_json::from_slice(line).expect("valid JSON line");
    let u = &v["message"]["usage"];
    let n = |x: &serde_json::Value| x.as_u64().unwrap_or(0);
    let split = u["cache_creation"].is_object();
    Tokens {
        input: n(&u["input_tokens"]),
        output: n(&u["output_tokens"]),
        cache_write_5m: if split {
            n(&u["cache_creation"]["ephemeral_5m_input_tokens"])
        } else {
            n(&u["cache_creation_input_tokens"])
        },
        cache_write_1h: if split {
            n(&u["cache_creation"]["ephemeral_1h_input_tokens"])
        } else {
            0
        },
        cache_read: n(&u["cache_read_input_tokens"]),
        reasoning: 0,
    }
}

/// The non-empty lines of a fixture file.
pub fn lines_of(rel: &str) -> Vec<Vec<u8>> {
    bytes(rel)
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(<[u8]>::to_vec)
        .collect()
}
