//! One test per Claude Code accounting pitfall (FORMATS.md 1.4-1.6), each on a small derived
//! fixture (fixtures/claude/derived, built by derive.py from real lines). Expected token figures
//! are computed from the fixture lines with `serde_json::Value`, independently of the parser.

mod claude_support;

use std::collections::BTreeSet;

use agentmeter::model::Tokens;
use claude_support::*;

const D: &str = "derived";

fn sum(lines: &[Vec<u8>]) -> Tokens {
    let mut t = Tokens::default();
    for l in lines {
        t.add(&json_tokens(l));
    }
    t
}

#[test]
fn split_streaming_lines_count_once_with_the_final_output() {
    let rel = format!("{D}/split_streaming.jsonl");
    let lines = lines_of(&rel);
    assert_eq!(lines.len(), 4);
    let ledger = ledger_of(std::slice::from_ref(&rel));
    let got = counted(&ledger);
    let last = json_tokens(&lines[3]);
    assert_eq!(got, last, "the last block's line carries the final usage");
    assert!(
        got.total() < sum(&lines).total(),
        "summing every line over-counts"
    );
    assert!(
        got.output > json_tokens(&lines[0]).output,
        "keeping the first under-counts"
    );
    assert_eq!(ledger.counted_usage().count(), 1);
    let lt = ledger.line_totals();
    assert_eq!((lt.used, lt.duplicate), (1, 3));
    assert_line_invariant(&ledger);
}

#[test]
fn a_resumed_session_copying_history_adds_nothing() {
    let original = "projects/-home-USER-projects-spotter/short.jsonl".to_owned();
    let resumed = format!("{D}/resumed/-home-USER-projects-spotter/0d9e1c52-resumed-copy.jsonl");
    let alone = ledger_of(std::slice::from_ref(&original));
    let both = ledger_of(&[original, resumed.clone()]);
    assert_eq!(counted(&both), counted(&alone));
    assert!(counted(&alone).total() > 0);
    let copies = parse(&resumed).usage.len() as u64;
    assert!(copies > 0);
    assert_eq!(
        both.line_totals().duplicate,
        alone.line_totals().duplicate + copies
    );
    assert_line_invariant(&both);
}

#[test]
fn progress_mirror_counts_alone_and_collapses_onto_the_subagent_file() {
    let parent = format!("{D}/mirror/parent.jsonl");
    let subagent = format!("{D}/mirror/parent/subagents/agent-aac57f5.jsonl");
    // Independent expectation: the main response's last line + the subagent response's largest.
    let main_last = json_tokens(&lines_of(&parent)[3]);
    let sub_max = lines_of(&subagent)
        .iter()
        .filter(|l| l.windows(7).any(|w| w == b"\"usage\""))
        .map(|l| json_tokens(l))
        .max_by_key(Tokens::total)
        .expect("subagent usage");
    let mut expected = main_last;
    expected.add(&sub_max);

    let parent_only = ledger_of(std::slice::from_ref(&parent));
    assert_eq!(
        counted(&parent_only),
        expected,
        "mirror counted when the file is absent"
    );
    let both = ledger_of(&[parent.clone(), subagent.clone()]);
    assert_eq!(
        counted(&both),
        expected,
        "mirror not added on top of the subagent file"
    );
    assert_eq!(
        counted(&ledger_of(std::slice::from_ref(&subagent))),
        sub_max
    );
    // Messages collapse by key: a mirror carries its subagent line's uuid and message id.
    let uuids = |rel: &str| -> BTreeSet<String> {
        lines_of(rel)
            .iter()
            .filter_map(|l| {
                let v: serde_json::Value = serde_json::from_slice(l).ok()?;
                let rec = if v["type"] == "progress" {
                    &v["data"]["message"]
                } else {
                    &v
                };
                // Assistant messages are keyed by response (message.id), others by uuid.
                match rec["type"].as_str() {
                    Some("assistant") => {
                        rec["message"]["id"].as_str().map(|id| format!("msg:{id}"))
                    }
                    Some("user") => rec["uuid"].as_str().map(str::to_owned),
                    _ => None,
                }
            })
            .collect()
    };
    let (p, s) = (uuids(&parent), uuids(&subagent));
    assert_eq!(parent_only.messages.len(), p.len());
    assert_eq!(both.messages.len(), p.union(&s).count());
    assert!(
        p.intersection(&s).count() >= 2,
        "the mirrored prompt and its responses"
    );
    assert!(parent_only.tools.keys().all(|k| both.tools.contains_key(k)));
    assert_line_invariant(&both);
}

#[test]
fn a_sidechain_replay_with_another_request_id_is_not_counted() {
    let main = format!("{D}/sidechain_replay/main.jsonl");
    let replay = format!("{D}/sidechain_replay/main/subagents/agent-btw.jsonl");
    let sink = parse(&replay);
    assert!(sink.usage[0].is_sidechain);
    let both = ledger_of(&[main.clone(), replay]);
    assert_eq!(
        both.usage.len(),
        2,
        "two keys: same message.id, two requestIds"
    );
    assert_eq!(counted(&both), counted(&ledger_of(&[main])));
    assert_eq!(both.line_totals().duplicate, 1);
    assert_line_invariant(&both);
}

#[test]
fn synthetic_messages_are_not_usage() {
    let sink = parse(&format!("{D}/synthetic.jsonl"));
    assert_eq!(sink.report.read, 3);
    assert_eq!(sink.report.ignored, 2);
    assert_eq!(sink.usage.len(), 1);
    assert!(sink
        .usage
        .iter()
        .all(|r| r.model.as_deref() != Some("<synthetic>")));
    assert!(sink
        .messages
        .iter()
        .all(|m| m.key.id != "synthetic-1" && m.key.id != "synthetic-2"));
}

#[test]
fn cache_writes_use_the_split_else_the_aggregate_as_5m() {
    let sink = parse(&format!("{D}/cache_split.jsonl"));
    let t: Vec<Tokens> = sink.usage.iter().map(|r| r.tokens).collect();
    assert_eq!(t.len(), 3);
    // short.jsonl: all 13,835 written tokens are 1h writes.
    assert_eq!((t[0].cache_write_5m, t[0].cache_write_1h), (0, 13_835));
    // No split: the aggregate (3,788) is billed at the 5m rate.
    assert_eq!((t[1].cache_write_5m, t[1].cache_write_1h), (3_788, 0));
    // A split that disagrees with the aggregate: the split wins (1,000 + 2,000, not 13,835).
    assert_eq!((t[2].cache_write_5m, t[2].cache_write_1h), (1_000, 2_000));
    assert_eq!(t[0].input, 3);
    assert_eq!(t[0].cache_read, 11_515);
}

#[test]
fn recorded_cost_usd_is_kept_and_a_null_cost_keeps_the_usage() {
    let sink = parse(&format!("{D}/cost_usd.jsonl"));
    assert_eq!(sink.usage.len(), 2);
    assert_eq!(sink.usage[0].recorded_cost_pico(), Some(12_345_670_000));
    assert_eq!(sink.usage[0].cli_version.as_deref(), Some("1.0.8"));
    assert_eq!(sink.usage[1].recorded_cost_pico(), None);
    assert_eq!(sink.usage[1].tokens, sink.usage[0].tokens);
    assert!(sink.usage[1].tokens.total() > 0);
}

#[test]
fn spaced_json_reads_like_compact_json() {
    let sink = parse("devdocs/assistant.jsonl");
    assert_eq!(sink.usage.len(), 1);
    let t = sink.usage[0].tokens;
    assert_eq!(t, json_tokens(&lines_of("devdocs/assistant.jsonl")[0]));
    assert_eq!(
        (t.input, t.output, t.cache_write_5m, t.cache_read),
        (4, 2, 4_756, 12_008)
    );
    let side = parse("devdocs/assistant_sidechain.jsonl");
    assert!(side.usage[0].is_sidechain);
    let thinking = parse("devdocs/thinking.jsonl");
    assert_eq!(thinking.usage.len() as u64, thinking.report.read);
    let call = parse("devdocs/Bash-tool_use.jsonl");
    assert_eq!(call.tools.len(), 1);
    assert_eq!(call.tools[0].name.as_deref(), Some("Bash"));
    let result = parse("devdocs/Bash-tool_result_error.jsonl");
    assert!(result.tools[0].is_error && result.tools[0].end_ms.is_some());
    assert_eq!(result.messages[0].role, agentmeter::model::Role::Tool);
    let user = parse("devdocs/user.jsonl");
    assert_eq!(user.messages[0].role, agentmeter::model::Role::User);
}

#[test]
fn malformed_lines_are_counted_with_reasons() {
    let rel = format!("{D}/malformed.jsonl");
    let sink = parse(&rel);
    let r = &sink.report;
    assert_eq!(r.read, 7);
    assert_eq!(r.read, physical_lines(&bytes(&rel)));
    assert_eq!(r.candidates, 1);
    assert_eq!(
        r.ignored, 3,
        "the user line with invalid UTF-8 in its text (repaired), unknown record type, blank line"
    );
    assert_eq!(r.malformed, 3);
    assert_eq!(r.repaired, 1);
    assert_eq!(r.notes[0].line, 2);
    assert!(r.notes[0].reason.contains("invalid UTF-8"));
    let reasons: Vec<(u64, &str)> = r
        .examples
        .iter()
        .map(|i| (i.line, i.reason.as_str()))
        .collect();
    assert_eq!(reasons[0], (4, "not a JSON object"));
    assert_eq!(reasons[1].0, 5);
    assert!(reasons[1].1.contains("assistant") && reasons[1].1.contains("-13"));
    assert_eq!(reasons[2], (7, "truncated JSON (line ends mid-record)"));
}

#[test]
fn huge_lines_never_panic() {
    let good = lines_of("projects/-home-USER-projects-spotter/short.jsonl")[9].clone();
    // A 3 MiB pasted-image user line is read (and ignored), not rejected.
    let mut big = br#"{"parentUuid":null,"isSidechain":false,"type":"user","uuid":"u-big","timestamp":"2026-02-12T14:20:00.000Z","message":{"role":"user","content":[{"type":"image","source":{"type":"base64","data":""#.to_vec();
    big.extend(std::iter::repeat_n(b'A', 3 << 20));
    big.extend_from_slice(b"\"}}]}}\n");
    // A line over the 64 MiB limit is malformed with a reason, and the next line still counts.
    let mut data = good.clone();
    data.push(b'\n');
    data.extend_from_slice(&big);
    data.extend(std::iter::repeat_n(
        b'x',
        agentmeter::lines::MAX_LINE_BYTES + 10,
    ));
    data.push(b'\n');
    data.extend_from_slice(&good);
    let sink = parse_chunked("p/huge.jsonl", &data, &[1 << 20]);
    let r = &sink.report;
    assert_eq!(r.read, 4);
    assert_eq!((r.candidates, r.ignored, r.malformed), (2, 1, 1));
    assert_eq!(r.examples[0].line, 3);
    assert!(r.examples[0].reason.contains("longer than"));
    assert_eq!(
        sink.messages.iter().filter(|m| m.key.id == "u-big").count(),
        1
    );
}

#[test]
fn arbitrary_bytes_never_panic_and_every_line_gets_a_fate() {
    let samples: [&[u8]; 8] = [
        b"{",
        b"{}",
        b"null",
        b"{\"type\":\"assistant\",\"message\":\"text\"}",
        b"{\"type\":\"progress\",\"data\":{\"type\":\"agent_progress\",\"message\":[1]}}",
        b"{\"type\":\"assistant\",\"message\":{\"usage\":null,\"content\":{}}}",
        b"{\"type\":\"user\",\"message\":{\"content\":[1,\"x\",{\"type\":\"tool_result\"}]}}",
        b"\xef\xbb\xbf{\"type\":\"user\"}",
    ];
    let data = samples.join(&b"\n"[..]);
    let sink = parse_as_claude("p/odd.jsonl", &data, &[3]);
    let r = &sink.report;
    assert_eq!(r.read, samples.len() as u64);
    assert_eq!(r.read, r.candidates + r.ignored + r.malformed);
    assert!(sink.usage.is_empty());
    // Only `{` (truncated) and `null` (not a record) are malformed: odd shapes inside a record
    // are skipped, and the BOM-prefixed user line is read.
    let bad: Vec<u64> = r.examples.iter().map(|i| i.line).collect();
    assert_eq!(bad, [1, 3]);
    assert!(sink
        .messages
        .iter()
        .any(|m| m.role == agentmeter::model::Role::User));
}

#[test]
fn a_progress_mirror_of_a_replay_is_treated_as_the_sidechain_it_is() {
    // The mirror of a /btw replay (same message.id, another requestId) must not escape the
    // replay rule by sitting in the main file: mirrors are sidechain records.
    let main_line = lines_of(&format!("{D}/sidechain_replay/main.jsonl"))[0].clone();
    let replay_line = lines_of(&format!(
        "{D}/sidechain_replay/main/subagents/agent-btw.jsonl"
    ))[0]
        .clone();
    let replay: serde_json::Value = serde_json::from_slice(&replay_line).expect("json");
    let progress = serde_json::json!({
        "parentUuid": "p", "isSidechain": false, "type": "progress", "uuid": "prog-1",
        "timestamp": replay["timestamp"], "sessionId": replay["sessionId"],
        "data": {"type": "agent_progress", "agentId": "btw", "message": {
            "type": "assistant", "timestamp": replay["timestamp"], "uuid": replay["uuid"],
            "requestId": replay["requestId"], "message": replay["message"]}}
    });
    let mut data = main_line.clone();
    data.push(b'\n');
    data.extend(serde_json::to_vec(&progress).expect("json"));
    let mut ledger = agentmeter::ledger::Ledger::new();
    let sink = parse_as_claude("p/s.jsonl", &data, &[]);
    assert_eq!(sink.usage.len(), 2);
    assert!(sink.usage[1].is_sidechain);
    ledger.add_file(sink);
    assert_eq!(counted(&ledger), json_tokens(&main_line));
    // Alone, the same mirror is real spend.
    let alone = parse_as_claude(
        "p/t.jsonl",
        &serde_json::to_vec(&progress).expect("json"),
        &[],
    );
    assert_eq!(alone.usage.len(), 1);
    assert_eq!(alone.usage[0].tokens, json_tokens(&replay_line));
}
