//! Stand-in files (docs/accounting.md, "Stand-in files"): saved `codex exec --json` output and
//! Gemini CLI's `logs.json` count only for a session whose own transcript was not read, whatever
//! the order files are read or merged in.
//!
//! Fixtures **derived** (fixtures/README.md): `fixtures/codex/exec/exec-01996135.jsonl` is the
//! exec output of the real rollout's thread (its final total: input 270 530, cached 136 832,
//! output 12 551); `exec-0199a3c0.jsonl` is a thread with no rollout, two runs (two turns) and one
//! re-emitted total; `fixtures/gemini/logs/.../logs.json` holds one prompt of the real chat's
//! session `eefc44a3-…` and two of a session `5c1d9e2a-…` whose chat is absent.

mod parse_support;

use agentmeter::analysis::Analysis;
use agentmeter::filter::Filter;
use agentmeter::ledger::Ledger;
use agentmeter::model::{Agent, Role, Tokens};
use agentmeter::parsers::Format;
use agentmeter::pricing::PriceTable;
use parse_support::*;

const ROLLOUT: &str = "fixtures/codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl";
const EXEC_OF_ROLLOUT: &str = "fixtures/codex/exec/exec-01996135.jsonl";
const EXEC_ALONE: &str = "fixtures/codex/exec/exec-0199a3c0.jsonl";
const CHAT: &str = "fixtures/gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json";
const LOGS: &str = "fixtures/gemini/logs/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/logs.json";

/// The thread's usage as the exec output states it: its final total, cached split out of input.
const EXEC_OF_ROLLOUT_TOKENS: Tokens = Tokens {
    input: 270_530 - 136_832,
    output: 12_551,
    cache_write_5m: 0,
    cache_write_1h: 0,
    cache_read: 136_832,
    reasoning: 0,
};

/// Two runs of one thread: totals (1 000, 400, 200, 0) then (1 800, 900, 350, 120); the usage is
/// the first total plus the difference: input 600 + 300, cached 400 + 500, output 200 + 150,
/// reasoning 120.
const EXEC_ALONE_TOKENS: Tokens = Tokens {
    input: 900,
    output: 350,
    cache_write_5m: 0,
    cache_write_1h: 0,
    cache_read: 900,
    reasoning: 120,
};

fn merged(files: &[&str]) -> Ledger {
    let mut ledger = Ledger::new();
    for f in files {
        let mut one = Ledger::new();
        one.add_file(parse(f));
        ledger.merge(one);
    }
    ledger
}

fn sum(a: Tokens, b: Tokens) -> Tokens {
    let mut t = a;
    t.add(&b);
    t
}

#[test]
fn exec_output_is_recognised_by_content() {
    assert_eq!(classify(EXEC_ALONE).0, Format::CodexExecJsonl);
    assert_eq!(classify(EXEC_OF_ROLLOUT).0, Format::CodexExecJsonl);
    assert_eq!(classify(LOGS).0, Format::GeminiLogsJson);
}

#[test]
fn exec_output_alone_is_counted_exactly() {
    let ledger = ledger_of(&[EXEC_ALONE]);
    assert_eq!(counted(&ledger), EXEC_ALONE_TOKENS);
    // 13 lines: two new totals used, one re-emitted total, ten events without usage.
    assert_eq!(fates(&assert_line_invariant(&ledger)), (13, 2, 1, 10, 0));
    let usage: Vec<_> = ledger.counted_usage().collect();
    assert!(usage
        .iter()
        .all(|r| r.session == "0199a3c0-5e1f-7c2a-9b3d-4e5f6a7b8c9d"
            && r.key.agent == Agent::Codex
            && r.model.is_none()));
    // Dated by each run's `thread.started.timestamp`.
    let mut times: Vec<i64> = usage.iter().map(|r| r.timestamp_ms).collect();
    times.sort_unstable();
    assert_eq!(times, vec![1_759_305_600_000, 1_759_311_000_000]);
    // Item ids restart with each run: two calls, not one; the MCP call failed.
    let tools: Vec<_> = ledger.distinct_tools().collect();
    assert_eq!(tools.len(), 2);
    assert_eq!(tools.iter().filter(|t| t.is_error).count(), 1);
    let names: Vec<_> = tools.iter().filter_map(|t| t.name.as_deref()).collect();
    assert!(names.contains(&"shell") && names.contains(&"docs__search"));
    let assistant = ledger
        .counted_messages()
        .filter(|(_, m)| m.role == Role::Assistant)
        .count();
    assert_eq!(assistant, 2);
}

#[test]
fn exec_output_of_a_thread_whose_rollout_is_absent_counts_its_final_total() {
    let ledger = ledger_of(&[EXEC_OF_ROLLOUT]);
    assert_eq!(counted(&ledger), EXEC_OF_ROLLOUT_TOKENS);
    assert_eq!(fates(&assert_line_invariant(&ledger)), (5, 1, 0, 4, 0));
    // No time in an old exec output: dated at the epoch, and the report says so.
    assert_eq!(ledger.files[EXEC_OF_ROLLOUT].repaired, 1);
}

#[test]
fn exec_output_beside_its_rollout_is_not_counted_twice_in_any_order() {
    let rollout = ledger_of(&[ROLLOUT]);
    let rollout_tokens = counted(&rollout);
    let rollout_tools = rollout.distinct_tools().count();
    let rollout_messages = rollout.counted_messages().count();
    assert!(rollout_tokens.total() > 0);
    for order in [
        [ROLLOUT, EXEC_OF_ROLLOUT, EXEC_ALONE],
        [EXEC_OF_ROLLOUT, ROLLOUT, EXEC_ALONE],
        [EXEC_ALONE, EXEC_OF_ROLLOUT, ROLLOUT],
    ] {
        for ledger in [ledger_of(&order), merged(&order)] {
            // The rollout's thread once (its own figures), the other thread from its exec output.
            assert_eq!(
                counted(&ledger),
                sum(rollout_tokens, EXEC_ALONE_TOKENS),
                "{order:?}"
            );
            assert_eq!(
                ledger.distinct_tools().count(),
                rollout_tools + 2,
                "{order:?}"
            );
            assert_eq!(
                ledger.counted_messages().count(),
                rollout_messages + 2,
                "{order:?}"
            );
            // The exec output's total is a duplicate of what the rollout counted.
            let lines = assert_line_invariant(&ledger);
            let alone = ledger_of(&[ROLLOUT]).line_totals();
            assert_eq!(lines.used, alone.used + 2, "{order:?}");
            assert_eq!(lines.duplicate, alone.duplicate + 1 + 1, "{order:?}");
        }
    }
    // The rule holds in the analysis too: one session per thread, priced once.
    let prices = PriceTable::embedded();
    let analysis = Analysis::new(
        &ledger_of(&[EXEC_OF_ROLLOUT, ROLLOUT]),
        &Filter::default(),
        prices,
        chrono_tz::UTC,
        0,
    );
    let rollout_analysis = Analysis::new(&rollout, &Filter::default(), prices, chrono_tz::UTC, 0);
    assert_eq!(
        analysis.summary.total.tokens,
        rollout_analysis.summary.total.tokens
    );
    assert_eq!(
        analysis.summary.total.cost_pico,
        rollout_analysis.summary.total.cost_pico
    );
    assert_eq!(
        analysis.summary.sessions.len(),
        rollout_analysis.summary.sessions.len()
    );
    let session = &analysis.summary.sessions[0];
    let alone = &rollout_analysis.summary.sessions[0];
    assert_eq!(
        (session.assistant_messages, session.tool_calls),
        (alone.assistant_messages, alone.tool_calls)
    );
}

/// With a ledger file in the reading, the folder's records are hashed (`Ledger::hash_ids`)
/// before the merge: a stand-in keeps its flag (its key is a digest, the flag is kept beside it),
/// so the rule still leaves out the exec output of a thread whose rollout was read.
#[test]
fn exec_output_beside_its_rollout_counts_once_when_hashed_for_a_ledger() {
    let plain = ledger_of(&[ROLLOUT, EXEC_OF_ROLLOUT, EXEC_ALONE]);
    let mut hashed = plain.clone();
    hashed.hash_ids();
    assert!(hashed.has_hashed_ids());
    assert_eq!(counted(&hashed), counted(&plain));
    assert_eq!(
        counted(&hashed),
        sum(counted(&ledger_of(&[ROLLOUT])), EXEC_ALONE_TOKENS)
    );
    assert_eq!(
        hashed.distinct_tools().count(),
        plain.distinct_tools().count()
    );
    assert_eq!(
        hashed.counted_messages().count(),
        plain.counted_messages().count()
    );
    assert_eq!(hashed.line_totals(), plain.line_totals());
    // And through a ledger file, as another machine would import it.
    let file = plain.export_file(agentmeter::ledger::file::ExportOptions::default());
    let (imported, _) = Ledger::import_file(&file).expect("own export");
    assert_eq!(counted(&imported), counted(&plain));
}

#[test]
fn gemini_logs_alone_count_their_prompts() {
    let ledger = ledger_of(&[LOGS]);
    assert_eq!(counted(&ledger), Tokens::default());
    assert_eq!(fates(&assert_line_invariant(&ledger)), (3, 0, 0, 3, 0));
    let prompts: Vec<_> = ledger.counted_messages().map(|(_, m)| m).collect();
    assert_eq!(prompts.len(), 3);
    assert!(prompts.iter().all(|m| m.role == Role::User));
    assert_eq!(
        prompts
            .iter()
            .filter(|m| m.session == "5c1d9e2a-7b3f-4a60-8d21-f0e9c8b7a6d5")
            .count(),
        2
    );
}

#[test]
fn gemini_logs_beside_the_chat_count_only_the_sessions_without_one() {
    let chat = ledger_of(&[CHAT]);
    let chat_prompts = chat.counted_messages().count();
    for order in [[LOGS, CHAT], [CHAT, LOGS]] {
        for ledger in [ledger_of(&order), merged(&order)] {
            assert_eq!(counted(&ledger), counted(&chat), "{order:?}");
            let messages: Vec<_> = ledger.counted_messages().map(|(_, m)| m).collect();
            // The chat's own messages, plus the two prompts of the session without a chat; the
            // log's copy of the chat session's prompt is left out.
            assert_eq!(messages.len(), chat_prompts + 2, "{order:?}");
            assert_eq!(
                messages
                    .iter()
                    .filter(|m| m.session == "eefc44a3-0832-4bc0-ac33-fa668f038213"
                        && m.role == Role::User)
                    .count(),
                1,
                "{order:?}"
            );
        }
    }
}

#[test]
fn a_bad_log_entry_is_malformed_and_a_bad_exec_line_too() {
    use agentmeter::parsers::{parse_bytes, FileContext};
    let ctx = |p: &str| FileContext {
        path: p.to_owned(),
        session_hint: None,
    };
    let sink = parse_bytes(
        Format::GeminiLogsJson,
        ctx("tmp/h/logs.json"),
        br#"[{"sessionId":"s","messageId":0,"type":"user","message":"hi","timestamp":"t"}, 7, {"messageId":1}]"#,
    );
    assert_eq!(
        (sink.report.read, sink.report.ignored, sink.report.malformed),
        (3, 1, 2)
    );
    assert_eq!(sink.messages.len(), 1);
    let sink = parse_bytes(
        Format::CodexExecJsonl,
        ctx("x.jsonl"),
        b"{\"type\":\"thread.started\",\"thread_id\":\"t\"}\n{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":-1}}\n{\"type\":\"turn.completed\"}\n[1]\n",
    );
    assert_eq!(
        (sink.report.read, sink.report.ignored, sink.report.malformed),
        (4, 1, 3)
    );
    assert!(sink.usage.is_empty());
}

/// A ledger left with only its counted records (the analysis's, or a filtered one) knows that
/// all of them count and skips the stand-in rule; a transcript merged into it afterwards must
/// still shadow the stand-in, and a filter of it must count what a filter of the whole does.
#[test]
fn a_ledger_of_counted_records_still_shadows_a_stand_in_merged_later() {
    let rollout = ledger_of(&[ROLLOUT]);
    let expected = sum(counted(&rollout), EXEC_ALONE_TOKENS);
    let exec_tokens = sum(EXEC_OF_ROLLOUT_TOKENS, EXEC_ALONE_TOKENS);
    let kept = |mut l: Ledger| {
        l.retain_counted();
        l
    };
    let filtered = |l: Ledger| Filter::default().apply(&l, chrono_tz::UTC);
    for counted_only in [kept, filtered] {
        let exec = counted_only(ledger_of(&[EXEC_OF_ROLLOUT, EXEC_ALONE]));
        assert_eq!(counted(&exec), exec_tokens);
        // Merged either way round (the smaller ledger goes into the larger one).
        let mut into_exec = exec.clone();
        into_exec.merge(ledger_of(&[ROLLOUT]));
        let mut into_rollout = ledger_of(&[ROLLOUT]);
        into_rollout.merge(exec.clone());
        // And the transcript's records inserted into the counted ledger itself.
        let mut added = exec.clone();
        added.add_file(parse(ROLLOUT));
        for ledger in [into_exec, into_rollout, added] {
            assert_eq!(counted(&ledger), expected);
            assert_eq!(
                ledger.distinct_tools().count(),
                rollout.distinct_tools().count() + 2
            );
            assert_eq!(
                ledger.counted_messages().count(),
                rollout.counted_messages().count() + 2
            );
        }
        // Merging nothing new changes nothing.
        let mut same = exec.clone();
        same.merge(Ledger::new());
        assert_eq!(counted(&same), exec_tokens);
    }
    // Counting the counted records again finds what counting the whole found.
    let whole = ledger_of(&[EXEC_OF_ROLLOUT, ROLLOUT, EXEC_ALONE]);
    let twice = filtered(filtered(whole.clone()));
    assert_eq!(counted(&twice), counted(&whole));
    assert_eq!(
        twice.distinct_tools().count(),
        whole.distinct_tools().count()
    );
}
