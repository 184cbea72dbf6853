//! Qwen Code chats read through detection and the file parser into one ledger.
//!
//! No real Qwen Code session is available: the fixtures under `fixtures/qwen/derived/` are
//! written by `make.py` from the record schema in QwenLM/qwen-code (see fixtures/qwen/README.md).

mod parse_support;

use agentmeter::model::{Role, Tokens};
use agentmeter::parsers::Format;
use parse_support::*;
use proptest::prelude::*;

const MAIN: &str = "fixtures/qwen/derived/projects/-home-user-demo/chats/3f1c9a6e-5b7d-4e2a-9c11-2d8e4f6a7b90.jsonl";
const FORK: &str = "fixtures/qwen/derived/projects/-home-user-demo/chats/8e2d4c1a-0b3f-4a5e-9d7c-6f1e2a3b4c5d.jsonl";
const MALFORMED: &str = "fixtures/qwen/derived/malformed.jsonl";

#[test]
fn detection_picks_the_qwen_parser_not_the_claude_one() {
    for rel in [MAIN, FORK, MALFORMED] {
        assert_eq!(classify(rel).0, Format::QwenJsonl, "{rel}");
    }
}

// Four assistant records carry usage (prompt, candidates, thoughts, cached, total):
//   qwen3-coder-plus  12000, 300, 120, 8000,  12300 -> input 4000, cache 8000,  output 300
//   qwen3-coder-plus  15000, 200,   -, 12000, 15200 -> input 3000, cache 12000, output 200
//   qwen3-coder-plus  16000, 500,   0, 15000, 16500 -> input 1000, cache 15000, output 500
//   gemini-2.5-pro     9000, 400, 250,     0,  9650 -> input 9000, cache 0,     output 650
// The first three totals are prompt + candidates (OpenAI-compatible: thoughts inside the
// candidates); the last is prompt + candidates + thoughts (native Gemini: thoughts added).
// input 17000, cache read 35000, output 1650, reasoning 120 + 250 = 370;
// total 53650 = 12300 + 15200 + 16500 + 9650, the sum of the recorded totals (cache counted once).
#[test]
fn main_session_splits_the_cache_once_and_reads_thoughts_by_the_total() {
    let ledger = ledger_of(&[MAIN]);
    let t = counted(&ledger);
    assert_eq!(
        t,
        Tokens {
            input: 17_000,
            output: 1_650,
            cache_write_5m: 0,
            cache_write_1h: 0,
            cache_read: 35_000,
            reasoning: 370,
        }
    );
    assert_eq!(t.total(), 53_650);
    // 11 lines: 4 used, 7 ignored (2 user, 2 tool results, ui_telemetry, chat_compression, an
    // assistant record without usage).
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (11, 4, 0, 7, 0));
    let r = ledger.counted_usage().next().expect("a call");
    assert_eq!(r.session, "3f1c9a6e-5b7d-4e2a-9c11-2d8e4f6a7b90");
    assert_eq!(r.project.as_deref(), Some("/home/user/demo"));
    assert_eq!(r.git_branch.as_deref(), Some("main"));
    assert_eq!(r.cli_version.as_deref(), Some("0.0.14"));
}

// Messages: 2 user prompts, 5 assistant records, 1 compaction. Tools: call_1 (read_file, success)
// and call_2 (run_shell_command, status error), each with a start and an end.
#[test]
fn main_session_messages_tools_and_errors() {
    let ledger = ledger_of(&[MAIN]);
    let role = |r: Role| ledger.messages.values().filter(|m| m.role == r).count();
    assert_eq!((role(Role::User), role(Role::Assistant)), (2, 5));
    assert_eq!(ledger.messages.values().filter(|m| m.compaction).count(), 1);
    let tools: Vec<_> = ledger.tools.values().collect();
    assert_eq!(tools.len(), 2);
    assert!(tools
        .iter()
        .all(|t| t.start_ms.is_some() && t.end_ms.is_some()));
    let failed: Vec<_> = tools.iter().filter(|t| t.is_error).collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].name.as_deref(), Some("run_shell_command"));
}

// qwen3-coder-plus is not in the price snapshot: its 12300 + 15200 + 16500 = 44000 tokens stay
// unpriced and the model is listed. gemini-2.5-pro: 9000 * $1.25/M + 650 * $10/M
// = $0.01125 + $0.0065 = $0.01775.
#[test]
fn unknown_models_stay_unpriced_and_listed() {
    let report = report_of(&[MAIN]);
    let agent = &report["agents"]["qwen"];
    assert_eq!(agent["unpriced_tokens"].as_u64(), Some(44_000));
    assert_eq!(agent["unpriced_models"][0], "qwen3-coder-plus");
    assert!((agent["cost_usd"].as_f64().unwrap_or(0.0) - 0.017_75).abs() < 1e-9);
}

// The fork copies records 1-6 (three usage records) with `forkedFrom`: they are the original
// session's calls, counted once. Its own new answer: prompt 17000, candidates 100, cached 16000
// -> input 1000, cache 16000, output 100.
// Together: input 17000 + 1000 = 18000, cache 35000 + 16000 = 51000, output 1650 + 100 = 1750;
// total 53650 + 17100 = 70750. Lines 11 + 8 = 19: used 5, duplicates 3, ignored 11.
#[test]
fn a_forked_session_does_not_count_the_copied_calls_again() {
    for files in [[MAIN, FORK], [FORK, MAIN]] {
        let ledger = ledger_of(&files);
        let t = counted(&ledger);
        assert_eq!(
            (t.input, t.cache_read, t.output, t.reasoning),
            (18_000, 51_000, 1_750, 370)
        );
        assert_eq!(t.total(), 70_750);
        let lines = assert_line_invariant(&ledger);
        assert_eq!(
            (lines.read, lines.used, lines.duplicate, lines.ignored),
            (19, 5, 3, 11)
        );
        // The copies belong to the session they were made in.
        let fork_calls = ledger
            .counted_usage()
            .filter(|r| r.session == "8e2d4c1a-0b3f-4a5e-9d7c-6f1e2a3b4c5d")
            .count();
        assert_eq!(fork_calls, 1);
    }
}

// Lines: user (ignored), truncated copy of the first answer, `[1]`, no type, promptTokenCount as a
// string (4 malformed), a total-only usage (700 counted as input, repaired), more cached than
// prompt (1000 prompt, 1500 cached -> cache 1000, input 0, output 50, repaired), blank (ignored),
// the first answer (input 4000, cache 8000, output 300, reasoning 120).
// input 700 + 0 + 4000 = 4700; cache 1000 + 8000 = 9000; output 50 + 300 = 350.
#[test]
fn malformed_lines_are_counted_and_repairs_noted() {
    let sink = parse(MALFORMED);
    let r = &sink.report;
    assert_eq!(
        (r.read, r.candidates, r.ignored, r.malformed, r.repaired),
        (9, 3, 2, 4, 2),
        "{:?}",
        r.examples
    );
    let reasons: Vec<&str> = r.examples.iter().map(|i| i.reason.as_str()).collect();
    for want in [
        "truncated",
        "not a JSON object",
        "no `type`",
        "unexpected record shape",
    ] {
        assert!(
            reasons.iter().any(|s| s.contains(want)),
            "{want}: {reasons:?}"
        );
    }
    let mut t = Tokens::default();
    for u in &sink.usage {
        t.add(&u.tokens);
    }
    assert_eq!(
        (t.input, t.cache_read, t.output, t.reasoning),
        (4_700, 9_000, 350, 120)
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Chunk boundaries fall anywhere, even inside a multi-byte character: same output.
    #[test]
    fn any_chunking_gives_the_same_output(cuts in proptest::collection::vec(0usize..8_000, 0..40)) {
        for rel in [MAIN, FORK, MALFORMED] {
            let bytes = read(rel);
            let (format, ctx) = classify(rel);
            let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
            let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            let chunked = snapshot(&parse_chunked(format, ctx, &bytes, &cuts));
            prop_assert_eq!(whole, chunked);
        }
    }
}
