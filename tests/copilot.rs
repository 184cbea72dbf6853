//! GitHub Copilot CLI event logs and history documents read through detection and the file
//! parsers into one ledger.
//!
//! Real fixtures: `fixtures/copilot/session-state/` and `fixtures/copilot/history-session-state/`
//! (see fixtures/README.md); pitfall fixtures under `fixtures/copilot/derived/` are derived from
//! the real log by `derive.py`.

mod parse_support;

use agentmeter::model::{Role, Tokens};
use agentmeter::parsers::Format;
use parse_support::*;
use proptest::prelude::*;

const LOG: &str =
    "fixtures/copilot/session-state/96ef38f0-9d09-45c3-8124-6448c36090ed/events.jsonl";
const HISTORY: &str =
    "fixtures/copilot/history-session-state/session_0b2a81da-02cf-4cbb-ae14-07c597b84f4e.json";
const RESUMED: &str = "fixtures/copilot/derived/resumed/7a1c0de5-resumed/events.jsonl";
const MALFORMED: &str = "fixtures/copilot/derived/malformed.jsonl";

#[test]
fn detection_picks_the_event_log_and_the_history_parsers() {
    assert_eq!(classify(LOG).0, Format::CopilotJsonl);
    assert_eq!(classify(RESUMED).0, Format::CopilotJsonl);
    assert_eq!(classify(HISTORY).0, Format::CopilotHistoryJson);
}

// The real session's one shutdown, model claude-sonnet-4.6:
//   usage{inputTokens 186809, outputTokens 2848, cacheReadTokens 151738, cacheWriteTokens 0,
//         reasoningTokens 1024}, requests{count 6, cost 2}.
// inputTokens includes the cache: uncached input = 186809 - 151738 - 0 = 35071.
// total = 35071 + 151738 + 2848 = 189657 (= inputTokens + outputTokens: the cache counted once).
// The six assistant.message outputTokens 311 + 170 + 141 + 153 + 1379 + 694 = 2848 are the
// shutdown's output, so they are duplicates, not more output.
#[test]
fn real_session_counts_the_shutdown_once_and_not_the_message_outputs() {
    let ledger = ledger_of(&[LOG]);
    let t = counted(&ledger);
    assert_eq!(
        t,
        Tokens {
            input: 35_071,
            output: 2_848,
            cache_write_5m: 0,
            cache_write_1h: 0,
            cache_read: 151_738,
            reasoning: 1_024,
        }
    );
    assert_eq!(t.total(), 189_657);
    let records: Vec<_> = ledger.counted_usage().collect();
    assert_eq!(records.len(), 1);
    let r = records[0];
    assert_eq!(r.model.as_deref(), Some("claude-sonnet-4.6"));
    assert_eq!(r.premium_requests(), Some(2.0));
    assert_eq!(r.session, "96ef38f0-9d09-45c3-8124-6448c36090ed");
    assert_eq!(
        r.project.as_deref(),
        Some("/home/wei/repo/VibeCodingTracker")
    );
    assert_eq!(
        r.git_branch.as_deref(),
        Some("refactor/gemini-copilot-new-formats")
    );
    assert_eq!(r.cli_version.as_deref(), Some("1.0.34"));
    // 55 lines, each one unit: 1 used (the shutdown's one model), 6 duplicates (the
    // assistant.message outputs), 48 ignored.
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (55, 1, 6, 48, 0));
}

// Messages: 2 user.message events, but the second has empty content (the CLI continuing on its
// own in autopilot): 1 user prompt. 6 assistant.message events. Tools: 13 tool.execution_start
// and 13 tool.execution_complete with the same 13 ids, none failed.
#[test]
fn real_session_messages_and_tools() {
    let ledger = ledger_of(&[LOG]);
    let role = |r: Role| ledger.messages.values().filter(|m| m.role == r).count();
    assert_eq!((role(Role::User), role(Role::Assistant)), (1, 6));
    assert_eq!(ledger.tools.len(), 13);
    assert!(ledger
        .tools
        .values()
        .all(|t| !t.is_error && t.name.is_some() && t.start_ms.is_some() && t.end_ms.is_some()));
    let web = ledger
        .tools
        .values()
        .filter(|t| t.name.as_deref() == Some("web_search"))
        .count();
    assert_eq!(web, 3);
}

// claude-sonnet-4.6 is priced as claude-sonnet-4-6 ($3 / $15 / $0.30 per million input / output
// / cache read): 35071 * 3 + 2848 * 15 + 151738 * 0.3 = 105213 + 42720 + 45521.4
// = 193454.4 micro-dollars = $0.1934544.
#[test]
fn real_session_is_priced_and_keeps_its_premium_requests() {
    let files = files_under("fixtures/copilot/session-state");
    let report = report_of(&files.iter().map(String::as_str).collect::<Vec<_>>());
    let agent = &report["agents"]["copilot"];
    assert!((agent["cost_usd"].as_f64().unwrap_or(0.0) - 0.193_454_4).abs() < 1e-9);
    assert_eq!(agent["premium_requests"].as_f64(), Some(2.0));
    assert_eq!(agent["unpriced_tokens"].as_u64(), Some(0));
    assert_eq!(report["models"][0]["priced_as"], "claude-sonnet-4-6");
}

// Three segments: the real one (shutdown 1), a resumed one closed by shutdown 2, and one that
// never shuts down.
// Shutdown 2: claude-sonnet-4.6 inputTokens 40000, cacheRead 30000, cacheWrite 5000, output 311,
//   reasoning 100, cost 1 -> input 40000 - 30000 - 5000 = 5000;
//   gpt-5-mini inputTokens 12000, output 170, cost 0 -> input 12000.
// Segment 3: the copy of line 45 (outputTokens 1379) under gpt-5-mini, output only.
// input 35071 + 5000 + 12000 = 52071; cache read 151738 + 30000 = 181738; cache write 5000;
// output 2848 + 311 + 170 + 1379 = 4708; reasoning 1024 + 100 = 1124; premium 2 + 1 + 0 = 3.
#[test]
fn resumed_segments_are_summed_and_an_unfinished_one_counts_its_output() {
    let ledger = ledger_of(&[RESUMED]);
    let t = counted(&ledger);
    assert_eq!(
        t,
        Tokens {
            input: 52_071,
            output: 4_708,
            cache_write_5m: 5_000,
            cache_write_1h: 0,
            cache_read: 181_738,
            reasoning: 1_124,
        }
    );
    let premium: f64 = ledger
        .counted_usage()
        .filter_map(|r| r.premium_requests())
        .sum();
    assert_eq!(premium, 3.0);
    let unfinished: Vec<_> = ledger
        .counted_usage()
        .filter(|r| r.tokens.input == 0 && r.tokens.cache_read == 0)
        .collect();
    assert_eq!(unfinished.len(), 1);
    assert_eq!(unfinished[0].tokens.output, 1_379);
    assert_eq!(unfinished[0].model.as_deref(), Some("gpt-5-mini"));
    // 72 lines; shutdown 2 has two model entries, so 73 units: used 1 + 2 + 1 = 4, duplicates
    // 6 + 2 = 8 (the outputs of the two closed segments), ignored 73 - 12 = 61.
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (73, 4, 8, 61, 0));
}

// The history document has 23 timeline entries and no chatMessages: 23 ignored units, no usage.
// Timeline: 1 `user`, 5 `copilot`, 15 `tool_call_completed` (all `result.type: success`), 2 `info`.
#[test]
fn history_document_is_a_session_without_tokens() {
    let ledger = ledger_of(&[HISTORY]);
    assert_eq!(counted(&ledger), Tokens::default());
    let lines = assert_line_invariant(&ledger);
    assert_eq!(
        (lines.read, lines.used, lines.ignored, lines.malformed),
        (23, 0, 23, 0)
    );
    let role = |r: Role| ledger.messages.values().filter(|m| m.role == r).count();
    assert_eq!((role(Role::User), role(Role::Assistant)), (1, 5));
    assert_eq!(ledger.tools.len(), 15);
    assert!(ledger.tools.values().all(|t| !t.is_error));
    let report = report_of(&[HISTORY]);
    let sessions = report["sessions"].as_array().cloned().unwrap_or_default();
    assert_eq!(sessions.len(), 1);
    assert_eq!(
        sessions[0]["session"],
        "0b2a81da-02cf-4cbb-ae14-07c597b84f4e"
    );
    assert_eq!(sessions[0]["user_messages"], 1);
    assert_eq!(sessions[0]["tokens"]["total"], 0);
    assert_eq!(report["agents"]["copilot"]["sessions"], 1);
}

// Lines: start (ignored), truncated copy of line 9, `[1,2]`, an event without a type, a shutdown
// whose inputTokens is a string, `{not json`, a blank line (ignored), the real line 9 (its output
// is in the shutdown that follows: duplicate) and the real shutdown (used).
#[test]
fn malformed_lines_are_counted_and_never_panic() {
    let sink = parse(MALFORMED);
    let r = &sink.report;
    assert_eq!(
        (
            r.read,
            r.candidates,
            r.duplicate_in_file,
            r.ignored,
            r.malformed
        ),
        (9, 1, 1, 2, 5),
        "{:?}",
        r.examples
    );
    let reasons: Vec<&str> = r.examples.iter().map(|i| i.reason.as_str()).collect();
    for want in [
        "truncated",
        "not a JSON object",
        "no `type`",
        "unexpected event shape",
        "invalid JSON",
    ] {
        assert!(
            reasons.iter().any(|s| s.contains(want)),
            "{want}: {reasons:?}"
        );
    }
    assert_eq!(sink.usage[0].tokens.total(), 189_657);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Chunk boundaries fall anywhere, even inside a multi-byte character: same output.
    #[test]
    fn any_chunking_gives_the_same_output(cuts in proptest::collection::vec(0usize..170_000, 0..40)) {
        for rel in [LOG, RESUMED, MALFORMED, HISTORY] {
            let bytes = read(rel);
            let (format, ctx) = classify(rel);
            let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
            let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            let chunked = snapshot(&parse_chunked(format, ctx, &bytes, &cuts));
            prop_assert_eq!(whole, chunked);
        }
    }
}
