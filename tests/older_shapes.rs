//! Older and foreign shapes of the first three agents that are not covered by their own test
//! files: Claude Code lines exported without their `type` field (read, keyed by `message.id` and
//! `requestId` like the original lines, so an export beside its transcript counts nothing more).
//!
//! (Covered elsewhere: `costUSD` in tests/claude_pitfalls.rs, flat `agent-*.jsonl` subagents in
//! tests/claude.rs, pre-envelope Codex rollouts in tests/codex.rs, Gemini subagent logs in
//! tests/gemini.rs.)

mod parse_support;

use agentmeter::detect::{classify as detect, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::model::Tokens;
use agentmeter::parsers::parse_bytes;
use parse_support::*;
use serde_json::Value;

/// A real Claude Code session (fixtures/demo, see fixtures/README.md).
const REAL: &str = "fixtures/demo/.claude/projects/-home-USER-projects-spotter/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl";

/// Each assistant line of the session that carries usage, without its top-level `type`.
fn exported_lines() -> Vec<Value> {
    String::from_utf8_lossy(&read(REAL))
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["type"] == "assistant" && v["message"]["usage"].is_object())
        .map(|mut v| {
            if let Some(o) = v.as_object_mut() {
                o.remove("type");
            }
            v
        })
        .collect()
}

#[test]
fn exported_lines_without_a_type_are_read_and_keyed_like_the_originals() {
    let exported = exported_lines();
    assert!(exported.len() > 3, "the session has usage lines");
    let mut bytes = Vec::new();
    for v in &exported {
        bytes.extend_from_slice(v.to_string().as_bytes());
        bytes.push(b'\n');
    }
    let path = "export/claude-usage.jsonl";
    let Classification::Parse { format, ctx } = detect(path, &bytes) else {
        panic!("an export of Claude lines is not recognised");
    };
    let export = parse_bytes(format, ctx, &bytes);
    let r = &export.report;
    assert_eq!(
        (r.read, r.malformed),
        (exported.len() as u64, 0),
        "{:?}",
        r.examples
    );
    assert_eq!(r.candidates, exported.len() as u64);
    // Keyed by (message.id, requestId), as the original lines are.
    for (u, v) in export.usage.iter().zip(&exported) {
        assert_eq!(u.key.scope, v["message"]["id"].as_str().unwrap_or_default());
        assert_eq!(u.key.id, v["requestId"].as_str().unwrap_or_default());
    }

    // Alone, the export counts what the session counts; beside the session, nothing more.
    let session = ledger_of(&[REAL]);
    let mut alone = Ledger::new();
    alone.add_file(parse_bytes(
        format,
        agentmeter::parsers::FileContext {
            path: path.to_owned(),
            session_hint: None,
        },
        &bytes,
    ));
    assert_eq!(counted(&alone), counted(&session));
    let mut both = ledger_of(&[REAL]);
    both.add_file(export);
    assert_eq!(counted(&both), counted(&session));
    assert!(counted(&session) != Tokens::default());
    let lines = assert_line_invariant(&both);
    assert_eq!(
        lines.duplicate,
        session.line_totals().duplicate + exported.len() as u64
    );
}

/// A Codex rollout from before the event envelope (mid 2025; fixtures/codex/README.md).
const PRE_ENVELOPE: &str =
    "fixtures/codex/derived/rollout-2025-06-20T10-00-00-0197a0c1-1111-7222-8333-444455556666.jsonl";

// Such a rollout has messages and tools but no token counts: its session is listed as having no
// token data, not as a session that cost $0.
#[test]
fn a_session_without_token_data_is_shown_as_such_not_as_zero_usage() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["session", "--tz", "UTC", PRE_ENVELOPE])
        .current_dir(root())
        .output()
        .expect("the CLI runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text
        .lines()
        .find(|l| l.contains("0197a0c1-1111-7222-8333-444455556666"))
        .unwrap_or_else(|| panic!("the session is listed: {text}"));
    assert!(row.contains("no token data"), "{row}");
    assert!(!row.contains('$'), "{row}");
    let sink = parse(PRE_ENVELOPE);
    assert!(sink.usage.is_empty() && !sink.messages.is_empty());
}
