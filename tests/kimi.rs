//! Kimi CLI wire logs read through detection and the file parser into one ledger.
//!
//! No real Kimi CLI session is available: the fixtures under `fixtures/kimi/derived/` are written
//! by `make.py` from the wire format in MoonshotAI/kimi-cli (see fixtures/kimi/README.md).

mod parse_support;

use agentmeter::model::{Role, Tokens};
use agentmeter::parsers::Format;
use parse_support::*;
use proptest::prelude::*;

const DIR: &str = "fixtures/kimi/derived/sessions/5d41402abc4b2a76b9719d911017c592";
const MAIN: &str = "fixtures/kimi/derived/sessions/5d41402abc4b2a76b9719d911017c592/b7e3c1d2-4a5f-4e6b-8c7d-9e0f1a2b3c4d/wire.jsonl";
const SUB: &str = "fixtures/kimi/derived/sessions/5d41402abc4b2a76b9719d911017c592/b7e3c1d2-4a5f-4e6b-8c7d-9e0f1a2b3c4d/subagents/agent-1/wire.jsonl";
const FORK: &str = "fixtures/kimi/derived/sessions/5d41402abc4b2a76b9719d911017c592/c8f4d2e3-5b6a-4f7c-9d8e-0f1a2b3c4d5e/wire.jsonl";
const MALFORMED: &str = "fixtures/kimi/derived/malformed.jsonl";
const SESSION: &str = "b7e3c1d2-4a5f-4e6b-8c7d-9e0f1a2b3c4d";

#[test]
fn detection_picks_the_kimi_parser() {
    for rel in [MAIN, SUB, FORK, MALFORMED] {
        assert_eq!(classify(rel).0, Format::KimiWireJsonl, "{rel}");
    }
}

// token_usage (input_other, output, input_cache_read, input_cache_creation) of the main log:
//   chatcmpl-main-0001 1200, 150,  8000,    0
//   chatcmpl-main-0002  400,  80,  9200,    0
//   chatcmpl-sub-0001   900, 300,  2000,    0   (the subagent's call, mirrored in a SubagentEvent)
//   chatcmpl-main-0003  300,  60, 11000,    0
//   (no message_id)     500,  40,     0, 6000
// input 1200 + 400 + 900 + 300 + 500 = 3300; output 150 + 80 + 300 + 60 + 40 = 630;
// cache read 8000 + 9200 + 2000 + 11000 = 30200; cache write 6000; total 40130.
#[test]
fn main_log_counts_each_step_once() {
    let ledger = ledger_of(&[MAIN]);
    let t = counted(&ledger);
    assert_eq!(
        t,
        Tokens {
            input: 3_300,
            output: 630,
            cache_write_5m: 6_000,
            cache_write_1h: 0,
            cache_read: 30_200,
            reasoning: 0,
        }
    );
    assert_eq!(t.total(), 40_130);
    // 29 lines: 5 used, 24 ignored (header, turns, steps, parts, tools, the plan-mode status).
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (29, 5, 0, 24, 0));
    assert!(ledger.counted_usage().all(|r| r.session == SESSION
        && r.project.as_deref() == Some("5d41402abc4b2a76b9719d911017c592")
        && r.model.is_none()));
    assert_eq!(ledger.counted_usage().filter(|r| r.is_sidechain).count(), 1);
}

// The subagent's own log repeats chatcmpl-sub-0001 (900 + 300 + 2000 = 3200) and the fork copies
// the first turn verbatim (4 calls): neither adds a call. Lines 29 + 7 + 21 = 57: used 5,
// duplicates 1 + 4 = 5, ignored 24 + 6 + 17 = 47.
#[test]
fn subagent_log_and_fork_do_not_count_again() {
    assert_eq!(counted(&ledger_of(&[SUB])).total(), 3_200);
    let files = files_under(DIR);
    assert_eq!(files.len(), 3);
    let ledger = ledger_of(&files.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(counted(&ledger).total(), 40_130);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(
        (lines.read, lines.used, lines.duplicate, lines.ignored),
        (57, 5, 5, 47)
    );
    let sub = ledger
        .counted_usage()
        .find(|r| r.key.id == "chatcmpl-sub-0001")
        .expect("the subagent's call");
    assert_eq!(sub.session, SESSION);
}

// No model name is recorded: all 40130 tokens are unpriced, listed under `unknown`, cost $0 only
// because nothing could be priced.
#[test]
fn calls_without_a_model_stay_unpriced() {
    let report = report_of(&[MAIN]);
    let agent = &report["agents"]["kimi"];
    assert_eq!(agent["unpriced_tokens"].as_u64(), Some(40_130));
    assert_eq!(agent["unpriced_models"][0], "unknown");
}

// Prompts: two TurnBegin of the main log (the subagent's task prompt is not the user's).
// Assistant messages: the four main-agent steps with usage. One compaction. Tools: tool_shell1
// (is_error), tool_task1, and the subagent's tool_sub1 (mirrored and in its own log: one call).
#[test]
fn messages_tools_and_errors() {
    let ledger = ledger_of(&[MAIN, SUB]);
    let role = |r: Role| ledger.messages.values().filter(|m| m.role == r).count();
    assert_eq!((role(Role::User), role(Role::Assistant)), (2, 4));
    assert_eq!(ledger.messages.values().filter(|m| m.compaction).count(), 1);
    assert_eq!(ledger.tools.len(), 3);
    let failed: Vec<_> = ledger.tools.values().filter(|t| t.is_error).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].name.as_deref(), Some("Shell"));
    assert!(ledger
        .tools
        .values()
        .all(|t| t.start_ms.is_some() && t.end_ms.is_some()));
}

// Lines: header (ignored), a truncated status, `[1]`, `{"what": "ever"}`, a message without a
// type, a string `output` (5 malformed), a blank line (ignored), an intact status (used:
// 1200 + 150 + 8000 = 9350).
#[test]
fn malformed_lines_are_counted_and_never_panic() {
    let sink = parse(MALFORMED);
    let r = &sink.report;
    assert_eq!(
        (r.read, r.candidates, r.ignored, r.malformed),
        (8, 1, 2, 5),
        "{:?}",
        r.examples
    );
    let reasons: Vec<&str> = r.examples.iter().map(|i| i.reason.as_str()).collect();
    for want in [
        "truncated",
        "not a JSON object",
        "not a Kimi CLI wire record",
        "without a `type`",
        "unexpected record shape",
    ] {
        assert!(
            reasons.iter().any(|s| s.contains(want)),
            "{want}: {reasons:?}"
        );
    }
    assert_eq!(sink.usage[0].tokens.total(), 9_350);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Chunk boundaries fall anywhere: same output.
    #[test]
    fn any_chunking_gives_the_same_output(cuts in proptest::collection::vec(0usize..12_000, 0..40)) {
        for rel in [MAIN, SUB, MALFORMED] {
            let bytes = read(rel);
            let (format, ctx) = classify(rel);
            let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
            let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            let chunked = snapshot(&parse_chunked(format, ctx, &bytes, &cuts));
            prop_assert_eq!(whole, chunked);
        }
    }
}
