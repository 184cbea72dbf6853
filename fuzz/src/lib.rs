//! What the fuzz targets share: how an input is read, how a file is fed in chunks, and the
//! properties every parse must keep.
//!
//! Inputs stay mostly raw file bytes so that a seed is a readable transcript excerpt: targets
//! that need choices (which path, how to chunk) take them from one or two leading header bytes,
//! and the rest is the file. The cut points come from a small generator seeded by a header byte
//! and the length, so the fuzzer steers chunking with one byte and a crash replays exactly.
//!
//! The properties are the ones the project promises for any input (README, `tests/merge_law.rs`):
//! no panic, every line gets exactly one fate (`read == used + duplicate + ignored + malformed`),
//! chunking never changes the result, and merging ledgers is commutative and idempotent.

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::line_report::Sink;
use agentmeter::parsers::{FileContext, FileParser, Format};

/// Realistic paths, one per layout the detector and the parsers treat differently (a Claude
/// session file, a Claude subagent file whose session is the folder above, a Windows path, a
/// Codex rollout whose name alone selects Codex, Gemini's legacy document and its log).
pub const PATHS: &[&str] = &[
    "projects/-home-u-proj/0d9e1c52-aaaa-4bbb-8ccc-000000000001.jsonl",
    "projects/-home-u-proj/0d9e1c52-aaaa-4bbb-8ccc-000000000001/subagents/agent-a1.jsonl",
    r"C:\Users\u\.claude\projects\-x\abc.jsonl",
    "sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl",
    "tmp/ab14fe39/chats/session-2025-10-05T07-11-eefc44a3.json",
    "tmp/9da8b3df/chats/session-2026-04-23T12-52-0ab84937.jsonl",
];

/// The path a selector byte picks.
#[must_use]
pub fn path_for(selector: u8) -> &'static str {
    PATHS[usize::from(selector) % PATHS.len()]
}

/// The first `n` bytes of `data` as header (zeros when too short) and the rest as the file.
#[must_use]
pub fn split_header<const N: usize>(data: &[u8]) -> ([u8; N], &[u8]) {
    let mut header = [0u8; N];
    let n = data.len().min(N);
    header[..n].copy_from_slice(&data[..n]);
    (header, &data[n..])
}

/// Chunk lengths for a file of `len` bytes. The top two bits of `seed` pick the largest chunk
/// (1 byte, 8, 97 or 4096: byte by byte, inside UTF-8 sequences and `\r\n`, inside lines, across
/// lines); the rest seeds a xorshift generator, so every chunking is reproducible.
#[must_use]
pub fn chunk_sizes(seed: u8, len: usize) -> Vec<usize> {
    let max = [1usize, 8, 97, 4096][usize::from(seed >> 6)];
    let mut state = (u64::from(seed) << 32) ^ (len as u64) ^ 0x9E37_79B9_7F4A_7C15;
    let mut sizes = Vec::new();
    let mut left = len;
    while left > 0 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let size = (state % max as u64) as usize + 1;
        let size = size.min(left);
        sizes.push(size);
        left -= size;
    }
    sizes
}

/// Parses `body` fed in the chunks [`chunk_sizes`] gives for `seed`.
#[must_use]
pub fn parse_chunked(format: Format, ctx: FileContext, body: &[u8], seed: u8) -> Sink {
    let mut parser = FileParser::new(format, ctx);
    let mut rest = body;
    for size in chunk_sizes(seed, body.len()) {
        let (chunk, tail) = rest.split_at(size);
        parser.push(chunk);
        rest = tail;
    }
    parser.finish()
}

/// Parses `body` in one chunk.
#[must_use]
pub fn parse_whole(format: Format, ctx: FileContext, body: &[u8]) -> Sink {
    agentmeter::parsers::parse_bytes(format, ctx, body)
}

/// A cheap, stable seed for chunking from the bytes themselves, for targets whose whole input
/// is the file (FNV-1a folded to one byte).
#[must_use]
pub fn seed_of(body: &[u8]) -> u8 {
    let hash = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash.to_le_bytes().iter().fold(0, |acc, b| acc ^ b)
}

/// The ledger of one file as the CLI builds it: classified from its head, parsed, or noted as
/// skipped.
#[must_use]
pub fn ledger_of_file(path: &str, body: &[u8]) -> Ledger {
    let mut ledger = Ledger::new();
    let head = &body[..body.len().min(detect::HEAD_BYTES)];
    match detect::classify(path, head) {
        Classification::Parse { format, ctx } => ledger.add_file(parse_whole(format, ctx, body)),
        Classification::Known { what } => ledger.note_skipped(path, body.len() as u64, &what),
        Classification::Unrecognized { reason } => {
            ledger.note_skipped(path, body.len() as u64, &reason);
        }
    }
    ledger
}

/// The ledger holding one parsed file.
#[must_use]
pub fn ledger_of(sink: Sink) -> Ledger {
    let mut ledger = Ledger::new();
    ledger.add_file(sink);
    ledger
}

/// Every line (Gemini document: every message) has exactly one fate, in the file's own report
/// and in the ledger's totals after cross-record dedupe.
pub fn assert_balanced(sink: &Sink, len: usize) {
    let r = &sink.report;
    assert_eq!(r.bytes, len as u64, "report.bytes is not the bytes fed");
    assert_eq!(
        r.read,
        r.candidates + r.duplicate_in_file + r.ignored + r.malformed,
        "file report does not balance: {r:?}"
    );
    assert_eq!(
        r.candidates,
        sink.usage.len() as u64,
        "candidates differ from usage records emitted"
    );
    assert!(r.examples.len() as u64 <= r.malformed);
    assert!(r.notes.len() as u64 <= r.repaired);
}

/// `read == used + duplicate + ignored + malformed` over a ledger.
pub fn assert_ledger_balanced(ledger: &Ledger) {
    let t = ledger.line_totals();
    assert_eq!(
        t.read,
        t.used + t.duplicate + t.ignored + t.malformed,
        "line totals do not balance: {t:?}"
    );
    let candidates: u64 = ledger.files.values().map(|f| f.candidates).sum();
    assert!(
        t.used <= candidates,
        "more used lines than candidates: {t:?}"
    );
}

/// Two parses of the same bytes produced the same records and report.
pub fn assert_same_output(whole: &Sink, chunked: &Sink) {
    assert_eq!(whole.report, chunked.report, "chunking changed the report");
    assert_eq!(whole.usage, chunked.usage, "chunking changed usage records");
    assert_eq!(whole.tools, chunked.tools, "chunking changed tool calls");
    assert_eq!(
        whole.messages, chunked.messages,
        "chunking changed messages"
    );
}

/// The body of a per-format target: parse `data` with `format` at `path` (with the session the
/// path would imply, if any), whole and chunked, and check both agree and balance.
pub fn check_format(format: Format, path: &str, session_hint: Option<&str>, data: &[u8]) {
    let ctx = || FileContext {
        path: path.to_owned(),
        session_hint: session_hint.map(str::to_owned),
    };
    let whole = parse_whole(format, ctx(), data);
    assert_balanced(&whole, data.len());
    let chunked = parse_chunked(format, ctx(), data, seed_of(data));
    assert_same_output(&whole, &chunked);
    assert_ledger_balanced(&ledger_of(whole));
}
