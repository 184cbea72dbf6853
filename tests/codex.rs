//! Codex CLI rollouts read through detection and the file parser into one ledger.
//!
//! The real fixture is the Codex 0.39.0 rollout (fixtures/codex/README.md); the pitfall fixtures
//! under `fixtures/codex/derived/` are derived from it by `derive.py`.

mod parse_support;

use agentmeter::model::{Role, Tokens};
use parse_support::*;
use proptest::prelude::*;
use serde_json::Value;

const REAL: &str = "fixtures/codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl";
const SUBAGENT: &str =
    "fixtures/codex/derived/rollout-2025-09-19T09-06-20-0199613a-2a1c-7e03-9d1f-5b2c0e7a41d9.jsonl";
const FORK: &str =
    "fixtures/codex/derived/rollout-2025-09-19T09-10-00-01996140-77aa-7b21-8c3e-0f4d2a9e6b10.jsonl";
const OLD: &str =
    "fixtures/codex/derived/rollout-2025-06-20T10-00-00-0197a0c1-1111-7222-8333-444455556666.jsonl";

fn records(rel: &str) -> Vec<Value> {
    String::from_utf8_lossy(&read(rel))
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn is_token_count(v: &Value) -> bool {
    v["type"] == "event_msg" && v["payload"]["type"] == "token_count"
}

/// The last `total_token_usage` of a file as normalized tokens (uncached, output, cache read).
fn final_total(rel: &str) -> Tokens {
    let last = records(rel)
        .into_iter()
        .rfind(|v| is_token_count(v) && v["payload"]["info"].is_object())
        .expect("a token_count");
    let t = &last["payload"]["info"]["total_token_usage"];
    let n = |k: &str| t[k].as_u64().unwrap_or(0);
    Tokens {
        input: n("input_tokens") - n("cached_input_tokens"),
        output: n("output_tokens"),
        cache_read: n("cached_input_tokens"),
        reasoning: n("reasoning_output_tokens"),
        ..Tokens::default()
    }
}

fn line_count(rel: &str) -> u64 {
    read(rel).iter().filter(|b| **b == b'\n').count() as u64
}

#[test]
fn real_rollout_matches_the_acceptance_figures() {
    let ledger = ledger_of(
        &files_under("fixtures/codex/sessions")
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let t = counted(&ledger);
    assert_eq!(t.input, 133_698, "uncached input");
    assert_eq!(t.output, 12_551, "output (reasoning included)");
    assert_eq!(t.cache_read, 136_832);
    assert_eq!(t.cache_write(), 0);
    assert_eq!(t.total(), 283_081);
    // The deltas add up to the file's final cumulative total, reasoning included.
    assert_eq!(t, final_total(REAL));
}

#[test]
fn every_line_has_a_fate_and_every_token_count_is_one_call() {
    let ledger = ledger_of(&[REAL]);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(lines.read, line_count(REAL));
    let calls = records(REAL).iter().filter(|v| is_token_count(v)).count() as u64;
    assert_eq!(lines.used, calls);
    assert_eq!(lines.malformed, 0);
    assert_eq!(lines.duplicate, 0);
}

#[test]
fn metadata_comes_from_session_meta_and_turn_context() {
    let ledger = ledger_of(&[REAL]);
    let meta = &records(REAL)[0]["payload"];
    for r in ledger.counted_usage() {
        assert_eq!(r.model.as_deref(), Some("aide-gpt-5"));
        assert_eq!(r.session, meta["id"].as_str().unwrap_or_default());
        assert_eq!(r.project.as_deref(), meta["cwd"].as_str());
        assert_eq!(r.git_branch.as_deref(), meta["git"]["branch"].as_str());
        assert_eq!(r.cli_version.as_deref(), Some("0.39.0"));
        assert!(!r.is_sidechain);
        assert!(r.timestamp_ms > 0);
    }
}

#[test]
fn tools_and_messages_are_read_from_response_items() {
    let ledger = ledger_of(&[REAL]);
    let recs = records(REAL);
    let item = |t: &str| {
        recs.iter()
            .filter(|v| v["type"] == "response_item" && v["payload"]["type"] == t)
            .count()
    };
    assert_eq!(ledger.tools.len(), item("function_call"));
    for call in ledger.tools.values() {
        assert!(
            call.name.is_some() && call.start_ms.is_some() && call.end_ms.is_some(),
            "{call:?}"
        );
    }
    // Failures: outputs whose metadata reports a non-zero exit code.
    let failed = recs
        .iter()
        .filter(|v| v["payload"]["type"] == "function_call_output")
        .filter(|v| {
            let out: Value = serde_json::from_str(v["payload"]["output"].as_str().unwrap_or(""))
                .unwrap_or(Value::Null);
            out["metadata"]["exit_code"]
                .as_i64()
                .is_some_and(|c| c != 0)
        })
        .count();
    assert_eq!(ledger.tools.values().filter(|c| c.is_error).count(), failed);
    let role = |r: &str| {
        recs.iter()
            .filter(|v| v["payload"]["type"] == "message" && v["payload"]["role"] == r)
            .count()
    };
    let count = |r: Role| ledger.messages.values().filter(|m| m.role == r).count();
    assert_eq!(count(Role::User), role("user"));
    assert_eq!(count(Role::Assistant), role("assistant"));
}

// 0.104 re-emits about half of all token_count events with an identical total; summing
// `last_token_usage` over them double-counts.
#[test]
fn reemitted_identical_totals_are_duplicates_not_calls() {
    let rel = "fixtures/codex/derived/reemitted-totals.jsonl";
    let ledger = ledger_of(&[rel]);
    assert_eq!(counted(&ledger), counted(&ledger_of(&[REAL])));
    let lines = assert_line_invariant(&ledger);
    let events = records(rel).iter().filter(|v| is_token_count(v)).count() as u64;
    assert_eq!(lines.used * 2, events);
    assert_eq!(lines.duplicate, lines.used);
    assert_eq!(lines.read, line_count(rel));
}

#[test]
fn info_null_is_ignored() {
    let rel = "fixtures/codex/derived/info-null.jsonl";
    let ledger = ledger_of(&[rel]);
    let lines = assert_line_invariant(&ledger);
    let with_info = records(rel)
        .iter()
        .filter(|v| is_token_count(v) && v["payload"]["info"].is_object())
        .count() as u64;
    assert!(records(rel)
        .iter()
        .any(|v| is_token_count(v) && v["payload"]["info"].is_null()));
    assert_eq!(lines.used, with_info);
    assert_eq!(lines.malformed, 0);
    assert_eq!(counted(&ledger), final_total(rel));
}

#[test]
fn the_model_is_the_latest_turn_context_before_the_event() {
    let ledger = ledger_of(&["fixtures/codex/derived/model-switch.jsonl"]);
    let mut used: Vec<_> = ledger.counted_usage().collect();
    used.sort_by_key(|r| r.source.line);
    let models: Vec<_> = used.iter().map(|r| r.model.as_deref()).collect();
    assert_eq!(models, [Some("aide-gpt-5"), Some("gpt-5-codex")]);
}

/// The child's own calls: its final total minus the last total it replayed from the parent.
fn own_part(child: &str) -> Tokens {
    let recs = records(child);
    let totals: Vec<&Value> = recs
        .iter()
        .filter(|v| is_token_count(v) && v["payload"]["info"].is_object())
        .map(|v| &v["payload"]["info"]["total_token_usage"])
        .collect();
    let replayed = records(REAL)
        .iter()
        .filter(|v| is_token_count(v))
        .map(|v| v["payload"]["info"]["total_token_usage"].clone())
        .rfind(|t| totals.contains(&t))
        .expect("a replayed total");
    let end = totals.last().expect("own calls");
    let d = |k: &str| end[k].as_u64().unwrap_or(0) - replayed[k].as_u64().unwrap_or(0);
    Tokens {
        input: d("input_tokens") - d("cached_input_tokens"),
        output: d("output_tokens"),
        cache_read: d("cached_input_tokens"),
        reasoning: d("reasoning_output_tokens"),
        ..Tokens::default()
    }
}

fn plus(a: Tokens, b: Tokens) -> Tokens {
    let mut t = a;
    t.add(&b);
    t
}

// A subagent (thread_spawn) or a fork replays its parent's token_count history: with both files
// dropped, the replayed part must count once, the child's own calls once.
#[test]
fn subagent_and_fork_replays_are_not_counted_twice() {
    let parent = counted(&ledger_of(&[REAL]));
    for child in [SUBAGENT, FORK] {
        let own = own_part(child);
        assert!(own.total() > 0);
        let both = ledger_of(&[REAL, child]);
        assert_eq!(counted(&both), plus(parent, own), "{child}");
        assert_line_invariant(&both);
        // Merge order does not matter.
        assert_eq!(
            counted(&ledger_of(&[child, REAL])),
            plus(parent, own),
            "{child}"
        );
        // Alone, the child still carries the spend it replayed: nothing is lost.
        assert_eq!(counted(&ledger_of(&[child])), final_total(child), "{child}");
    }
    // Replayed messages and tool calls get the parent's keys too (the children add none).
    let with_fork = ledger_of(&[REAL, FORK]);
    let alone = ledger_of(&[REAL]);
    assert_eq!(with_fork.messages.len(), alone.messages.len());
    assert_eq!(with_fork.tools.len(), alone.tools.len());
    // All three together: the two children share the parent's history, not each other's calls.
    let all = ledger_of(&[REAL, SUBAGENT, FORK]);
    assert_eq!(
        counted(&all),
        plus(plus(parent, own_part(SUBAGENT)), own_part(FORK))
    );
    // The replayed calls keep the parent's (main-thread) records; the subagent's own are sidechain.
    let sidechain: Vec<_> = all.counted_usage().filter(|r| r.is_sidechain).collect();
    assert_eq!(sidechain.len(), 2);
    assert!(sidechain
        .iter()
        .all(|r| r.model.as_deref() == Some("aide-gpt-5-mini")));
}

#[test]
fn malformed_lines_are_counted_and_never_panic() {
    let rel = "fixtures/codex/derived/malformed.jsonl";
    let sink = parse(rel);
    let r = &sink.report;
    assert_eq!(r.read, line_count(rel));
    // The user message with invalid UTF-8 in its text is read with U+FFFD (noted as repaired).
    assert_eq!(r.malformed, 3, "{:?}", r.examples);
    assert_eq!((r.repaired, r.notes[0].line), (1, 3));
    assert_eq!(
        r.read,
        r.candidates + r.duplicate_in_file + r.ignored + r.malformed
    );
    assert_eq!(sink.usage.len(), 1);
    let reasons: Vec<&str> = r.examples.iter().map(|i| i.reason.as_str()).collect();
    assert!(
        reasons.iter().any(|s| s.contains("truncated")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|s| s.contains("not a JSON object")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|s| s.contains("no `type`")),
        "{reasons:?}"
    );
}

// Pre-envelope rollouts (mid-2025) carry no usage; they are old, not broken.
#[test]
fn pre_envelope_rollouts_are_ignored_not_malformed() {
    let sink = parse(OLD);
    let r = &sink.report;
    assert_eq!(r.read, line_count(OLD));
    assert_eq!(r.ignored, r.read);
    assert!(sink.usage.is_empty());
    let ledger = ledger_of(&[OLD]);
    assert_eq!(ledger.tools.len(), 1);
    assert_eq!(sink.messages.len(), 2);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Chunk boundaries fall anywhere, even inside a multi-byte character: same output.
    #[test]
    fn any_chunking_gives_the_same_output(cuts in proptest::collection::vec(0usize..80_000, 0..40)) {
        for rel in [REAL, "fixtures/codex/derived/malformed.jsonl"] {
            let bytes = read(rel);
            let (format, ctx) = classify(rel);
            let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
            let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            let chunked = snapshot(&parse_chunked(format, ctx, &bytes, &cuts));
            prop_assert_eq!(whole, chunked);
        }
    }
}
