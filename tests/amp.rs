//! Amp thread documents read through detection and the file parser into one ledger.
//!
//! Amp is closed source and no real thread file is available: the fixtures under
//! `fixtures/amp/derived/` are written by `make.py` from the documented thread schema (see
//! fixtures/amp/README.md).

mod parse_support;

use agentmeter::model::{Role, Tokens};
use agentmeter::parsers::Format;
use parse_support::*;
use proptest::prelude::*;

const THREAD: &str = "fixtures/amp/derived/threads/T-7f3e2a10-4b5c-4d6e-8f90-a1b2c3d4e5f6.json";
const MALFORMED: &str = "fixtures/amp/derived/malformed.json";
const TRUNCATED: &str = "fixtures/amp/derived/truncated.json";

#[test]
fn detection_picks_the_amp_parser() {
    for rel in [THREAD, MALFORMED, TRUNCATED] {
        assert_eq!(classify(rel).0, Format::AmpJson, "{rel}");
    }
}

// Messages with usage (input, output, cache write, cache read), claude-sonnet-4-5:
//   #1: 10, 178, 986, 11372   #3: 5, 42, 0, 12000   #5: 120, 610, 2048, 12005
// Ledger events 1-3 point at messages 1, 3, 5: the same calls, duplicates.
// Event 4 (title generation, claude-haiku-4-5, no message): input 1500, output 60.
// Event 5 points at message 7, which kept no usage: input 300, output 20.
// input 10 + 5 + 120 + 1500 + 300 = 1935; output 178 + 42 + 610 + 60 + 20 = 910;
// cache write 986 + 2048 = 3034; cache read 11372 + 12000 + 12005 = 35377; total 41256.
#[test]
fn message_usage_wins_over_its_ledger_event_and_ledger_only_calls_count() {
    let ledger = ledger_of(&[THREAD]);
    let t = counted(&ledger);
    assert_eq!(
        t,
        Tokens {
            input: 1_935,
            output: 910,
            cache_write_5m: 3_034,
            cache_write_1h: 0,
            cache_read: 35_377,
            reasoning: 0,
        }
    );
    assert_eq!(t.total(), 41_256);
    // 8 messages + 5 events = 13 units: used 3 messages + 2 events, 3 duplicate events, 5
    // ignored messages (the prompt, two tool results, the info message and the assistant message
    // without usage).
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (13, 5, 3, 5, 0));
    assert!(ledger
        .counted_usage()
        .all(|r| r.session == "T-7f3e2a10-4b5c-4d6e-8f90-a1b2c3d4e5f6"));
}

// Sonnet: input (10 + 5 + 120 + 300) * $3/M = $0.001305, output (178 + 42 + 610 + 20) * $15/M
// = $0.01275, 5-minute cache writes 3034 * $3.75/M = $0.0113775, cache reads 35377 * $0.30/M
// = $0.0106131; haiku: 1500 * $1/M + 60 * $5/M = $0.0018. Total $0.0378456.
#[test]
fn thread_is_priced_through_the_shared_table() {
    let report = report_of(&[THREAD]);
    let agent = &report["agents"]["amp"];
    assert!((agent["cost_usd"].as_f64().unwrap_or(0.0) - 0.037_845_6).abs() < 1e-9);
    assert_eq!(agent["unpriced_tokens"].as_u64(), Some(0));
    assert_eq!(agent["sessions"], 1);
}

// One prompt (message 0; messages 2 and 4 hold only tool results), four assistant messages.
// Tools: toolu_01 (Read, done) and toolu_02 (Bash, error).
#[test]
fn messages_tools_and_errors() {
    let ledger = ledger_of(&[THREAD]);
    let role = |r: Role| ledger.messages.values().filter(|m| m.role == r).count();
    assert_eq!((role(Role::User), role(Role::Assistant)), (1, 4));
    assert_eq!(ledger.tools.len(), 2);
    let failed: Vec<_> = ledger.tools.values().filter(|t| t.is_error).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].name.as_deref(), Some("Bash"));
}

// Units: a string message, a message whose inputTokens is a string, an intact answer (input 120,
// output 610, cache write 2048, cache read 12005), a ledger event that is a number.
#[test]
fn damaged_entries_are_malformed_units() {
    let sink = parse(MALFORMED);
    let r = &sink.report;
    assert_eq!(
        (r.read, r.candidates, r.malformed),
        (4, 1, 3),
        "{:?}",
        r.examples
    );
    assert_eq!(sink.usage[0].tokens.total(), 120 + 610 + 2_048 + 12_005);
    let truncated = parse(TRUNCATED);
    assert_eq!((truncated.report.read, truncated.report.malformed), (1, 1));
    assert!(truncated.report.examples[0].reason.contains("truncated"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Chunk boundaries fall anywhere, even inside a multi-byte character: same output.
    #[test]
    fn any_chunking_gives_the_same_output(cuts in proptest::collection::vec(0usize..6_000, 0..40)) {
        for rel in [THREAD, MALFORMED] {
            let bytes = read(rel);
            let (format, ctx) = classify(rel);
            let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
            let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            let chunked = snapshot(&parse_chunked(format, ctx, &bytes, &cuts));
            prop_assert_eq!(whole, chunked);
        }
    }
}
