//! Inputs the fuzz targets (`fuzz/`, docs/fuzzing.md) found breaking a promise, replayed natively
//! so that `cargo test` keeps them fixed without nightly or libFuzzer.
//!
//! Each case feeds its bytes through the same path as its fuzz target: the helpers below mirror
//! `fuzz/src/lib.rs` (the CLI's read path: classify the head, then parse or note the file as
//! skipped; the target's input layout, header bytes first). Artifacts the fuzzer wrote are kept
//! byte for byte under `tests/fuzz_regressions/`, named `<target>-<hash prefix>`.

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::parsers::parse_bytes;

/// `fuzz_support::PATHS`, in the same order (header bytes index it).
const PATHS: &[&str] = &[
    "projects/-home-u-proj/0d9e1c52-aaaa-4bbb-8ccc-000000000001.jsonl",
    "projects/-home-u-proj/0d9e1c52-aaaa-4bbb-8ccc-000000000001/subagents/agent-a1.jsonl",
    r"C:\Users\u\.claude\projects\-x\abc.jsonl",
    "sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl",
    "tmp/ab14fe39/chats/session-2025-10-05T07-11-eefc44a3.json",
    "tmp/9da8b3df/chats/session-2026-04-23T12-52-0ab84937.jsonl",
];

fn path_for(selector: u8) -> &'static str {
    PATHS[usize::from(selector) % PATHS.len()]
}

fn artifact(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fuzz_regressions/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The ledger of one file read as the CLI reads it.
fn ledger_of_file(path: &str, body: &[u8]) -> Ledger {
    let mut ledger = Ledger::new();
    let head = &body[..body.len().min(detect::HEAD_BYTES)];
    match detect::classify(path, head) {
        Classification::Parse { format, ctx } => ledger.add_file(parse_bytes(format, ctx, body)),
        Classification::Known { what } => ledger.note_skipped(path, body.len() as u64, &what),
        Classification::Unrecognized { reason } => {
            ledger.note_skipped(path, body.len() as u64, &reason);
        }
    }
    ledger
}

/// The `merge_law` target: two path bytes, file A, 0xFF, file B; `a+b == b+a`, `a+a == a`.
fn check_merge_law(data: &[u8]) {
    let (sel_a, sel_b, body) = (data[0], data[1], &data[2..]);
    let (file_a, file_b) = match body.iter().position(|&b| b == 0xFF) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, &[][..]),
    };
    let a = ledger_of_file(path_for(sel_a), file_a);
    let b = ledger_of_file(path_for(sel_b), file_b);
    let mut ab = a.clone();
    ab.merge(b.clone());
    let mut ba = b;
    ba.merge(a.clone());
    assert_eq!(ab, ba, "a+b != b+a");
    let mut aa = a.clone();
    aa.merge(a.clone());
    assert_eq!(aa, a, "a+a != a");
}

/// Found by `merge_law` (2026-11-30): one path read twice with the same size and line count but
/// other content (a Gemini log rewritten in place; here line 4 damaged two different ways) kept
/// whichever report was merged first, so `a+b` and `b+a` differed in the file report.
#[test]
fn merge_law_same_path_same_size_other_content() {
    check_merge_law(&artifact("merge_law-6f67b1d1"));
}

/// The same bug reduced by hand (`cargo fuzz tmin` cannot shrink it: any cut in one file breaks
/// the size tie): two 1-byte files at one path, one skipped as binary, one as unrecognised.
#[test]
fn merge_law_same_path_skipped_for_different_reasons() {
    check_merge_law(b"55\x00\xffx");
}
