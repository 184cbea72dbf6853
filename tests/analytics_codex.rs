//! The analytics fields of Codex records (tool input hash, target file, result size; typed
//! prompts; compactions), checked against the real 0.39 rollout in fixtures/codex/sessions and,
//! for what it does not contain (file tools, compactions), against lines in the shapes codex-rs
//! writes.

mod parse_support;

use std::collections::{BTreeMap, BTreeSet};

use agentmeter::ledger::Ledger;
use agentmeter::line_report::Sink;
use agentmeter::model::{content_hash, KeyPart, Role};
use agentmeter::parsers::{parse_bytes, FileContext, Format};
use parse_support::*;
use serde_json::Value;

const REAL: &str = "fixtures/codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl";

fn records(rel: &str) -> Vec<Value> {
    String::from_utf8_lossy(&read(rel))
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

fn parse_lines(name: &str, lines: &[&str]) -> Sink {
    let ctx = FileContext {
        path: format!("sessions/{name}"),
        session_hint: None,
    };
    let text = lines.join("\n");
    parse_bytes(Format::CodexJsonl, ctx, text.as_bytes())
}

#[test]
fn calls_hash_their_arguments_and_results_carry_their_output_size() {
    let sink = parse(REAL);
    let recs = records(REAL);
    let payloads = |t: &str| -> Vec<&Value> {
        recs.iter()
            .filter(|v| v["type"] == "response_item" && v["payload"]["type"] == t)
            .map(|v| &v["payload"])
            .collect()
    };
    let calls: BTreeMap<KeyPart, _> = sink
        .tools
        .iter()
        .filter(|t| t.start_ms.is_some())
        .map(|t| (t.key.id, t))
        .collect();
    let results: BTreeMap<KeyPart, _> = sink
        .tools
        .iter()
        .filter(|t| t.end_ms.is_some())
        .map(|t| (t.key.id, t))
        .collect();
    let mut by_arguments: BTreeMap<&str, BTreeSet<u64>> = BTreeMap::new();
    for p in payloads("function_call") {
        let args = p["arguments"].as_str().unwrap_or_default();
        let call = calls[&KeyPart::of(p["call_id"].as_str().unwrap_or_default())];
        assert_eq!(call.input_hash, Some(content_hash(args.as_bytes())).into());
        // `shell` and `update_plan` are not file tools; 0.39 patches files through `shell`.
        assert_eq!(call.target, None);
        assert_eq!(call.result_bytes, Default::default());
        by_arguments
            .entry(args)
            .or_default()
            .extend(call.input_hash.get());
    }
    assert!(by_arguments.values().all(|h| h.len() == 1));
    let distinct: BTreeSet<u64> = by_arguments.values().flatten().copied().collect();
    assert_eq!(distinct.len(), by_arguments.len());
    for p in payloads("function_call_output") {
        let output = p["output"].as_str().unwrap_or_default();
        let result = results[&KeyPart::of(p["call_id"].as_str().unwrap_or_default())];
        assert_eq!(result.result_bytes, Some(output.len() as u64).into());
        assert_eq!(result.input_hash, Default::default());
    }
    // The halves merge into calls that have both.
    let ledger = ledger_of(&[REAL]);
    assert!(ledger
        .tools
        .values()
        .all(|t| t.input_hash.is_some() && t.result_bytes.is_some()));
}

#[test]
fn file_tools_name_their_file() {
    let sink = parse_lines(
        "rollout-x.jsonl",
        &[
            r#"{"timestamp":"2025-10-01T00:00:00Z","type":"response_item","payload":{"type":"function_call","name":"read_file","arguments":"{\"file_path\":\"/p/src/lib.rs\",\"offset\":1,\"limit\":200}","call_id":"c1"}}"#,
            r#"{"timestamp":"2025-10-01T00:00:01Z","type":"response_item","payload":{"type":"custom_tool_call","status":"completed","call_id":"c2","name":"apply_patch","input":"*** Begin Patch\n*** Update File: src/main.rs\n@@\n-a\n+b\n*** End Patch\n"}}"#,
            r#"{"timestamp":"2025-10-01T00:00:02Z","type":"response_item","payload":{"type":"function_call","name":"apply_patch","arguments":"{\"input\":\"*** Begin Patch\\n*** Add File: a.txt\\n+x\\n*** Update File: b.txt\\n@@\\n-y\\n+z\\n*** End Patch\\n\"}","call_id":"c3"}}"#,
            r#"{"timestamp":"2025-10-01T00:00:03Z","type":"response_item","payload":{"type":"function_call","name":"view_image","arguments":"{\"path\":\"shot.png\"}","call_id":"c4"}}"#,
            r#"{"timestamp":"2025-10-01T00:00:04Z","type":"response_item","payload":{"type":"function_call","name":"list_dir","arguments":"{\"dir_path\":\"/p\",\"path\":\"/p\"}","call_id":"c5"}}"#,
            r#"{"timestamp":"2025-10-01T00:00:05Z","type":"response_item","payload":{"type":"custom_tool_call_output","call_id":"c2","output":"{\"output\":\"Success. Updated the following files:\\nM src/main.rs\\n\",\"metadata\":{\"exit_code\":0}}"}}"#,
        ],
    );
    assert_eq!(sink.report.malformed, 0);
    let target = |id: &str| {
        sink.tools
            .iter()
            .find(|t| t.key.id == id && t.start_ms.is_some())
            .and_then(|t| t.target.clone())
    };
    assert_eq!(target("c1").as_deref(), Some("/p/src/lib.rs"));
    assert_eq!(target("c2").as_deref(), Some("src/main.rs"));
    assert_eq!(
        target("c3"),
        None,
        "a patch of two files has no single target"
    );
    assert_eq!(target("c4").as_deref(), Some("shot.png"));
    assert_eq!(target("c5"), None, "a directory is not a target");
    let patch = "*** Begin Patch\n*** Update File: src/main.rs\n@@\n-a\n+b\n*** End Patch\n";
    let c2 = sink
        .tools
        .iter()
        .find(|t| t.key.id == "c2" && t.start_ms.is_some());
    assert_eq!(
        c2.and_then(|t| t.input_hash.get()),
        Some(content_hash(patch.as_bytes()))
    );
    let out = sink
        .tools
        .iter()
        .find(|t| t.key.id == "c2" && t.end_ms.is_some());
    assert!(out
        .and_then(|t| t.result_bytes.get())
        .is_some_and(|n| n > 40));
}

#[test]
fn only_the_typed_request_is_a_prompt_and_it_is_counted_once() {
    let sink = parse(REAL);
    let prompts: Vec<_> = sink.messages.iter().filter(|m| m.words.is_some()).collect();
    // Two user response_items (the environment context and the request) and one
    // event_msg/user_message copy of the request: one prompt.
    assert_eq!(prompts.len(), 1);
    let p = prompts[0];
    assert_eq!(p.role, Role::User);
    let preview = p.preview.as_deref().unwrap_or_default();
    assert!(
        preview.starts_with("幫我檢查一下 go.mod 裡面 為何 go版本是 1.24?"),
        "{preview}"
    );
    assert!(!preview.contains("Context from my IDE"));
    // Message counts are unchanged: both user items are still user messages.
    let users = sink
        .messages
        .iter()
        .filter(|m| m.role == Role::User)
        .count();
    assert_eq!(users, 2);
}

const COMPACTED: &str = r#"{"timestamp":"2025-10-01T00:10:00Z","type":"compacted","payload":{"message":"Summary of the work so far.","replacement_history":[{"type":"message","role":"user","content":[{"type":"input_text","text":"fix it"}]}]}}"#;
const COMPACTED_EVENT: &str = r#"{"timestamp":"2025-10-01T00:10:00Z","type":"event_msg","payload":{"type":"context_compacted"}}"#;

#[test]
fn one_compaction_is_one_record_even_with_its_event() {
    let meta = r#"{"timestamp":"2025-10-01T00:00:00Z","type":"session_meta","payload":{"id":"0199a000-0000-7000-8000-000000000001","cwd":"/p","cli_version":"0.50.0"}}"#;
    let user = r#"{"timestamp":"2025-10-01T00:00:01Z","type":"response_item","payload":{"type":"message","role":"user","content":[{"type":"input_text","text":"fix it"}]}}"#;
    let sink = parse_lines(
        "rollout-a.jsonl",
        &[
            meta,
            user,
            COMPACTED,
            COMPACTED_EVENT,
            user,
            COMPACTED,
            COMPACTED_EVENT,
        ],
    );
    assert_eq!(sink.report.malformed, 0);
    let compactions: Vec<_> = sink.messages.iter().filter(|m| m.compaction).collect();
    assert_eq!(compactions.len(), 2, "two compactions, each with its event");
    assert!(compactions.iter().all(|c| c.role == Role::System));
    assert_eq!(compactions[0].source.line, 3.into());
    // A fork that replays the history (its own meta, then the parent's lines) keys the replayed
    // compactions like the parent: the ledger keeps two.
    let fork_meta = r#"{"timestamp":"2025-10-02T00:00:00Z","type":"session_meta","payload":{"id":"0199b000-0000-7000-8000-000000000002","cwd":"/p"}}"#;
    let fork = parse_lines(
        "rollout-b.jsonl",
        &[
            fork_meta,
            meta,
            user,
            COMPACTED,
            COMPACTED_EVENT,
            user,
            COMPACTED,
            COMPACTED_EVENT,
        ],
    );
    let mut ledger = Ledger::new();
    ledger.add_file(sink);
    ledger.add_file(fork);
    assert_eq!(ledger.messages.values().filter(|m| m.compaction).count(), 2);
}

// A damaged byte in a tool's input never costs the line: the line is read with U+FFFD in place
// of the bad byte (and noted as repaired), stays "ignored", and the call keeps a hash of the
// repaired input.
#[test]
fn invalid_utf8_in_arguments_costs_only_the_hash() {
    let mut line = br#"{"timestamp":"2025-10-01T00:00:00Z","type":"response_item","payload":{"type":"function_call","name":"shell","arguments":"{\"command\":[\"echo\",\""#.to_vec();
    line.extend_from_slice(b"\xff");
    line.extend_from_slice(br#"\"]}","call_id":"c1"}}"#);
    let ctx = FileContext {
        path: "sessions/rollout-u.jsonl".to_owned(),
        session_hint: None,
    };
    let sink = parse_bytes(Format::CodexJsonl, ctx, &line);
    assert_eq!((sink.report.malformed, sink.report.ignored), (0, 1));
    assert_eq!(sink.tools.len(), 1);
    assert!(sink.tools[0].input_hash.is_some());
    assert_eq!(sink.report.repaired, 1);
}
