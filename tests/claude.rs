//! Claude Code parser against real transcripts (fixtures/claude/projects, see fixtures/README.md).
//!
//! The totals are the acceptance figures for the spotter + VibeCodingTracker corpus; the other
//! figures are the observations recorded in FORMATS.md section 1 and fixtures-real/SOURCES.md.

mod claude_support;

use std::collections::BTreeSet;

use agentmeter::model::{KeyPart, Role};
use claude_support::*;
use proptest::prelude::*;

const SPOTTER: &str = "projects/-home-USER-projects-spotter";
const MAIN: &str =
    "projects/-home-USER-projects-spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl";
const OLD: &str =
    "projects/-home-USER-projects-vibecodingtracker/test_conversation_claude_code.jsonl";

#[test]
fn real_corpus_adds_up_to_the_acceptance_totals() {
    let files = files_under("projects");
    assert_eq!(files.len(), 7, "{files:?}");
    let ledger = ledger_of(&files);
    let t = counted(&ledger);
    assert_eq!(t.input, 4_468);
    assert_eq!(t.output, 55_160);
    assert_eq!(t.cache_write(), 548_286);
    assert_eq!(t.cache_read, 18_316_628);
    assert_eq!(t.total(), 18_924_542);
    assert_line_invariant(&ledger);
    assert_eq!(ledger.line_totals().malformed, 0);
}

#[test]
fn every_physical_line_gets_one_fate() {
    for f in files_under("projects") {
        let sink = parse(&f);
        let r = &sink.report;
        assert_eq!(r.read, physical_lines(&bytes(&f)), "{f}");
        assert_eq!(
            r.read,
            r.candidates + r.duplicate_in_file + r.ignored + r.malformed,
            "{f}"
        );
        assert_eq!(r.candidates, sink.usage.len() as u64, "{f}");
    }
}

#[test]
fn main_session_matches_the_recorded_observations() {
    let sink = parse(MAIN);
    // 408 assistant lines, plus the 12 agent_progress lines mirroring subagent usage.
    let (main, mirrors): (Vec<_>, Vec<_>) = sink.usage.iter().partition(|r| !r.is_sidechain);
    assert_eq!(main.len(), 408);
    assert_eq!(mirrors.len(), 12);
    let ids: BTreeSet<_> = main.iter().map(|r| r.key.scope).collect();
    assert_eq!(ids.len(), 217);
    // Every mirror is a subagent message that the subagent file also holds.
    let sub = parse(&format!(
        "{SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-aac57f5.jsonl"
    ));
    let sub_keys: BTreeSet<_> = sub.usage.iter().map(|r| &r.key).collect();
    assert!(mirrors.iter().all(|m| sub_keys.contains(&m.key)));
    // The model switch opus-4-6 -> haiku-4-5 is visible.
    let models: BTreeSet<_> = main.iter().filter_map(|r| r.model.as_deref()).collect();
    assert!(models.contains("claude-opus-4-6") && models.iter().any(|m| m.contains("haiku-4-5")));
    // 12 tool errors, each with a call and a result.
    let mut ledger = agentmeter::ledger::Ledger::new();
    ledger.add_file(sink);
    let errors: Vec<_> = ledger.tools.values().filter(|t| t.is_error).collect();
    assert_eq!(errors.len(), 12);
    assert!(errors
        .iter()
        .all(|t| t.name.is_some() && t.start_ms <= t.end_ms));
    assert!(ledger
        .tools
        .values()
        .all(|t| t.session == "ae4a77f8-aedd-4bc1-888f-c94edc91af04"));
}

#[test]
fn old_session_collapses_streaming_lines() {
    // 1.0.95: 41 assistant lines for 31 message ids.
    let sink = parse(OLD);
    assert_eq!(sink.usage.len(), 41);
    let mut ledger = agentmeter::ledger::Ledger::new();
    ledger.add_file(sink);
    assert_eq!(ledger.counted_usage().count(), 31);
    assert_line_invariant(&ledger);
    assert_eq!(ledger.line_totals().duplicate, 10);
    let r = ledger.counted_usage().next().expect("records");
    assert_eq!(r.cli_version.as_deref(), Some("1.0.95"));
    assert_eq!(r.model.as_deref(), Some("claude-sonnet-4-20250514"));
}

#[test]
fn progress_mirrors_are_the_only_record_when_the_subagent_file_is_absent() {
    // subagent.jsonl spawns a Task subagent whose file is not beside it: its usage survives
    // only in 5 agent_progress messages, 109,659 tokens (fixtures-real observation).
    let ledger = ledger_of(&[format!("{SPOTTER}/subagent.jsonl")]);
    let mirrored: Vec<_> = ledger.counted_usage().filter(|r| r.is_sidechain).collect();
    assert_eq!(mirrored.len(), 5);
    assert_eq!(
        mirrored.iter().map(|r| r.tokens.total()).sum::<u64>(),
        109_659
    );
}

#[test]
fn records_carry_session_project_branch_and_version() {
    let sink = parse(&format!("{SPOTTER}/short.jsonl"));
    let r = sink.usage.first().expect("usage");
    assert_eq!(r.session, "short");
    assert_eq!(r.project.as_deref(), Some("/home/marco/projects/spotter"));
    assert_eq!(r.git_branch.as_deref(), Some("master"));
    assert_eq!(r.cli_version.as_deref(), Some("2.1.38"));
    assert!(r.timestamp_ms > 1_770_000_000_000);
    let compact = parse(&format!(
        "{SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-acompact-946d2b.jsonl"
    ));
    assert_eq!(compact.usage.len(), 1, "the compaction call's usage counts");
    assert_eq!(
        compact.usage[0].session,
        "ae4a77f8-aedd-4bc1-888f-c94edc91af04"
    );
}

#[test]
fn messages_have_roles_and_tool_results_are_tool_messages() {
    let sink = parse(&format!("{SPOTTER}/tool_heavy.jsonl"));
    let roles: BTreeSet<_> = sink.messages.iter().map(|m| m.role).collect();
    assert!(roles.contains(&Role::User) && roles.contains(&Role::Assistant));
    assert!(roles.contains(&Role::Tool));
    // A response split over several content-block lines is one assistant message: the distinct
    // assistant keys are exactly the distinct message ids of the usage records.
    let assistant: BTreeSet<_> = sink
        .messages
        .iter()
        .filter(|m| m.role == Role::Assistant)
        .map(|m| m.key.id)
        .collect();
    // Keys keep digests only, so the message ids come from the file itself.
    let text = std::fs::read_to_string(root().join(format!("{SPOTTER}/tool_heavy.jsonl")))
        .expect("fixture");
    let message_ids: BTreeSet<String> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["message"]["usage"].is_object())
        .filter_map(|v| v["message"]["id"].as_str().map(str::to_owned))
        .collect();
    let scopes: BTreeSet<_> = sink.usage.iter().map(|u| u.key.scope).collect();
    assert_eq!(
        scopes,
        message_ids.iter().map(|id| KeyPart::of(id)).collect(),
        "usage records are scoped by message id"
    );
    let responses: BTreeSet<_> = message_ids
        .iter()
        .map(|id| KeyPart::of(&format!("msg:{id}")))
        .collect();
    assert_eq!(assistant, responses, "one assistant message per response");
    let others: Vec<_> = sink
        .messages
        .iter()
        .filter(|m| m.role != Role::Assistant)
        .map(|m| m.key.id)
        .collect();
    let distinct: BTreeSet<_> = others.iter().collect();
    assert_eq!(
        distinct.len(),
        others.len(),
        "one user/tool message per uuid"
    );
    let results = sink.tools.iter().filter(|t| t.end_ms.is_some()).count();
    let tool_msgs = sink
        .messages
        .iter()
        .filter(|m| m.role == Role::Tool)
        .count();
    assert!(results >= tool_msgs && tool_msgs > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Feeding a real file in random chunk sizes gives exactly what feeding it whole gives.
    #[test]
    fn chunking_never_changes_the_result(chunks in prop::collection::vec(1usize..5000, 1..40)) {
        let rel = format!("{SPOTTER}/subagent.jsonl");
        let data = bytes(&rel);
        let whole = parse_chunked(&rel, &data, &[]);
        let chunked = parse_chunked(&rel, &data, &chunks);
        prop_assert_eq!(&whole.report, &chunked.report);
        prop_assert_eq!(&whole.usage, &chunked.usage);
        prop_assert_eq!(&whole.tools, &chunked.tools);
        prop_assert_eq!(&whole.messages, &chunked.messages);
    }
}

#[test]
fn byte_by_byte_feeding_matches_whole() {
    let rel = format!("{SPOTTER}/short.jsonl");
    let data = bytes(&rel);
    let whole = parse_chunked(&rel, &data, &[]);
    let bytewise = parse_chunked(&rel, &data, &[1]);
    assert_eq!(whole.report, bytewise.report);
    assert_eq!(whole.usage, bytewise.usage);
    assert_eq!(whole.tools, bytewise.tools);
    assert_eq!(whole.messages, bytewise.messages);
}

#[test]
fn old_flat_subagent_files_take_the_session_from_their_lines() {
    // Claude Code 1.0.x/2.0.x wrote subagents flat as `<project>/agent-<id>.jsonl`; the path
    // names no session, so each line's `sessionId` (the parent's) is used.
    let rel =
        format!("{SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-aac57f5.jsonl");
    let sink = parse_chunked("projects/old/agent-aac57f5.jsonl", &bytes(&rel), &[]);
    assert!(!sink.usage.is_empty());
    assert!(sink
        .usage
        .iter()
        .all(|r| r.session == "ae4a77f8-aedd-4bc1-888f-c94edc91af04" && r.is_sidechain));
}
