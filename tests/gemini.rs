//! Gemini CLI chats (legacy `.json` documents and current `.jsonl` logs) read through detection
//! and the file parsers into one ledger.
//!
//! Real fixtures: fixtures/gemini/tmp (see fixtures/gemini/README.md); pitfall fixtures under
//! `fixtures/gemini/derived/` are derived from them by `derive.py`.

mod parse_support;

use std::collections::BTreeMap;

use agentmeter::model::{Agent, Role, Tokens, UsageKey};
use agentmeter::parsers::Format;
use parse_support::*;
use proptest::prelude::*;
use serde_json::Value;

const LEGACY: &str = "fixtures/gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json";
const LOG: &str = "fixtures/gemini/tmp/9da8b3dfb8655182ac1f0e66601c367e34f8d18447a29759eeba4d7e45dc60ea/chats/session-2026-04-23T12-52-0ab84937.jsonl";
const MIGRATED: &str = "fixtures/gemini/derived/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.jsonl";

fn log_records(rel: &str) -> Vec<Value> {
    String::from_utf8_lossy(&read(rel))
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Every message write of a log, in order, checkpoint copies included.
fn writes(rel: &str) -> Vec<Value> {
    let mut out = Vec::new();
    for rec in log_records(rel) {
        if let Some(ms) = rec["$set"]["messages"].as_array() {
            out.extend(ms.iter().cloned());
        } else if rec["id"].is_string() {
            out.push(rec);
        }
    }
    out
}

/// The raw `tokens` of the last usage-bearing write of each gemini message id.
fn final_tokens(msgs: &[Value]) -> BTreeMap<String, Value> {
    let mut by_id = BTreeMap::new();
    for m in msgs {
        if m["type"] == "gemini" && m["tokens"].is_object() {
            by_id.insert(
                m["id"].as_str().unwrap_or_default().to_owned(),
                m["tokens"].clone(),
            );
        }
    }
    by_id
}

/// The FORMATS.md 3.4 billing of raw token blocks, summed.
fn billed(blocks: impl IntoIterator<Item = Value>) -> Tokens {
    let mut t = Tokens::default();
    for b in blocks {
        let n = |k: &str| b[k].as_u64().unwrap_or(0);
        t.add(&Tokens {
            input: n("input") - n("cached") + n("tool"),
            output: n("output") + n("thoughts"),
            cache_read: n("cached"),
            reasoning: n("thoughts"),
            ..Tokens::default()
        });
    }
    t
}

fn legacy_messages() -> Vec<Value> {
    let doc: Value = serde_json::from_slice(&read(LEGACY)).expect("legacy document");
    doc["messages"].as_array().cloned().unwrap_or_default()
}

#[test]
fn both_real_sessions_match_the_acceptance_figures() {
    let files = files_under("fixtures/gemini/tmp");
    assert_eq!(files.len(), 2);
    let ledger = ledger_of(&files.iter().map(String::as_str).collect::<Vec<_>>());
    let t = counted(&ledger);
    assert_eq!(t.input, 293_657, "uncached input");
    assert_eq!(t.output, 11_237, "output with thoughts");
    assert_eq!(t.cache_read, 375_571);
    assert_eq!(t.cache_write(), 0);
    assert_eq!(t.total(), 680_465);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(lines.malformed, 0);
}

#[test]
fn detection_picks_the_document_and_the_log_parsers() {
    assert_eq!(classify(LEGACY).0, Format::GeminiJson);
    assert_eq!(classify(LOG).0, Format::GeminiJsonl);
    assert_eq!(classify(MIGRATED).0, Format::GeminiJsonl);
}

// Cached tokens are part of `input`: billing them as input and as cache reads counts them twice.
// Thoughts are billed as output.
#[test]
fn legacy_document_cached_counted_once_and_thoughts_billed_as_output() {
    let msgs = legacy_messages();
    let ledger = ledger_of(&[LEGACY]);
    let t = counted(&ledger);
    let gemini: Vec<&Value> = msgs.iter().filter(|m| m["type"] == "gemini").collect();
    let sum = |k: &str| {
        gemini
            .iter()
            .map(|m| m["tokens"][k].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    // The recorded `total` (input + output + thoughts + tool) is what was billed.
    assert_eq!(t.total(), sum("total"));
    assert_eq!(t.cache_read, sum("cached"));
    assert_eq!(t.output, sum("output") + sum("thoughts"));
    assert_eq!(t.reasoning, sum("thoughts"));
    // One unit per message.
    let sink = parse(LEGACY);
    assert_eq!(sink.report.read, msgs.len() as u64);
    assert_eq!(sink.report.candidates, gemini.len() as u64);
    let doc: Value = serde_json::from_slice(&read(LEGACY)).unwrap_or_default();
    for r in ledger.counted_usage() {
        assert_eq!(r.model.as_deref(), Some("gemini-2.5-pro"));
        assert_eq!(Some(r.session.as_str()), doc["sessionId"].as_str());
        assert_eq!(r.project.as_deref(), doc["projectHash"].as_str());
    }
    let users = msgs.iter().filter(|m| m["type"] == "user").count();
    assert_eq!(
        ledger
            .messages
            .values()
            .filter(|m| m.role == Role::User)
            .count(),
        users
    );
    assert_eq!(
        ledger
            .messages
            .values()
            .filter(|m| m.role == Role::Assistant)
            .count(),
        gemini.len()
    );
}

#[test]
fn log_every_line_has_a_fate_and_re_appended_ids_count_once() {
    let ledger = ledger_of(&[LOG]);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(lines.read, log_records(LOG).len() as u64);
    let finals = final_tokens(&writes(LOG));
    assert_eq!(lines.used, finals.len() as u64);
    let usage_writes = writes(LOG)
        .iter()
        .filter(|m| m["type"] == "gemini" && m["tokens"].is_object())
        .count() as u64;
    assert_eq!(lines.duplicate, usage_writes - finals.len() as u64);
    assert!(lines.duplicate > 0);
    assert_eq!(counted(&ledger), billed(finals.into_values()));
    // Tool calls come from the final write of each message.
    let tool_ids: std::collections::BTreeSet<String> = writes(LOG)
        .iter()
        .flat_map(|m| m["toolCalls"].as_array().cloned().unwrap_or_default())
        .filter_map(|c| c["id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(ledger.tools.len(), tool_ids.len());
    assert!(ledger
        .tools
        .values()
        .all(|c| c.name.is_some() && c.start_ms.is_some()));
}

#[test]
fn last_write_wins() {
    let rel = "fixtures/gemini/derived/last-write-wins.jsonl";
    let ledger = ledger_of(&[rel]);
    let finals = final_tokens(&writes(rel));
    assert_eq!(counted(&ledger), billed(finals.into_values()));
    // The partial first writes were not what was billed: the result differs from first-wins.
    let mut first = BTreeMap::new();
    for m in writes(rel) {
        if m["type"] == "gemini" && m["tokens"].is_object() {
            first
                .entry(m["id"].to_string())
                .or_insert(m["tokens"].clone());
        }
    }
    assert_ne!(counted(&ledger), billed(first.into_values()));
    assert_line_invariant(&ledger);
}

// `$rewindTo` hides messages that were billed; a `$set.messages` checkpoint re-writes the table.
#[test]
fn rewound_messages_still_count_once_and_checkpoints_add_nothing() {
    let rel = "fixtures/gemini/derived/set-rewind.jsonl";
    let ledger = ledger_of(&[rel]);
    let recs = log_records(rel);
    let rewound = recs
        .iter()
        .find_map(|r| r["$rewindTo"].as_str())
        .expect("a rewind");
    assert!(ledger.counted_usage().any(|r| r.key.id == rewound));
    let finals = final_tokens(&writes(rel));
    assert_eq!(counted(&ledger), billed(finals.into_values()));
    // Billed = the real log's calls up to line 17 plus the new answer.
    let before: Vec<Value> = log_records(LOG)
        .into_iter()
        .take(17)
        .filter(|r| r["id"].is_string())
        .collect();
    let mut expected = billed(final_tokens(&before).into_values());
    expected.add(&billed([recs[recs.len() - 2]["tokens"].clone()]));
    assert_eq!(counted(&ledger), expected);
    // A checkpoint counts its messages as units: lines + (its messages - 1).
    let lines = assert_line_invariant(&ledger);
    let checkpoint = recs
        .last()
        .and_then(|r| r["$set"]["messages"].as_array())
        .map_or(0, Vec::len);
    assert_eq!(lines.read, recs.len() as u64 + checkpoint as u64 - 1);
}

// A legacy `.json` resumed by a newer CLI is migrated to a `.jsonl` beside it; the old file stays.
#[test]
fn legacy_document_and_its_migrated_log_are_not_double_counted() {
    let alone = counted(&ledger_of(&[LEGACY]));
    let pair = ledger_of(&[LEGACY, MIGRATED]);
    assert_eq!(counted(&pair), alone);
    assert_eq!(counted(&ledger_of(&[MIGRATED, LEGACY])), alone);
    assert_eq!(counted(&ledger_of(&[MIGRATED])), alone);
    let lines = assert_line_invariant(&pair);
    assert_eq!(lines.used, final_tokens(&legacy_messages()).len() as u64);
    assert_eq!(pair.messages.len(), ledger_of(&[LEGACY]).messages.len());
}

#[test]
fn malformed_lines_are_counted_and_never_panic() {
    let rel = "fixtures/gemini/derived/malformed.jsonl";
    let sink = parse(rel);
    let r = &sink.report;
    assert_eq!(
        r.read,
        read(rel).iter().filter(|b| **b == b'\n').count() as u64
    );
    // The user message whose id holds invalid UTF-8 is read with U+FFFD (noted as repaired).
    assert_eq!(r.malformed, 4, "{:?}", r.examples);
    assert_eq!((r.repaired, r.notes[0].line), (1, 3));
    assert_eq!(
        r.read,
        r.candidates + r.duplicate_in_file + r.ignored + r.malformed
    );
    assert_eq!(sink.usage.len(), 1);
    let reasons: Vec<&str> = r.examples.iter().map(|i| i.reason.as_str()).collect();
    for want in [
        "truncated",
        "not a JSON object",
        "not a Gemini chat record",
        "unexpected record shape",
    ] {
        assert!(
            reasons.iter().any(|s| s.contains(want)),
            "{want}: {reasons:?}"
        );
    }
}

#[test]
fn an_unreadable_document_is_one_malformed_unit() {
    let rel = "fixtures/gemini/derived/truncated.json";
    let sink = parse(rel);
    assert_eq!((sink.report.read, sink.report.malformed), (1, 1));
    assert!(
        sink.report.examples[0].reason.contains("truncated"),
        "{:?}",
        sink.report.examples
    );
    assert!(sink.usage.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    // Chunk boundaries fall anywhere, even inside a multi-byte character: same output.
    #[test]
    fn any_chunking_gives_the_same_output(cuts in proptest::collection::vec(0usize..140_000, 0..40)) {
        for rel in [LEGACY, LOG, "fixtures/gemini/derived/set-rewind.jsonl", "fixtures/gemini/derived/malformed.jsonl"] {
            let bytes = read(rel);
            let (format, ctx) = classify(rel);
            let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
            let cuts: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
            let chunked = snapshot(&parse_chunked(format, ctx, &bytes, &cuts));
            prop_assert_eq!(whole, chunked);
        }
    }
}

// A subagent's log is filed under its parent's session id (gemini-cli `chatRecordingService.ts`:
// `chats/<parentSessionId>/<sessionId>.jsonl`, `kind: "subagent"`): its calls belong to that
// session, as sidechain calls, and count once.
#[test]
fn a_subagent_log_belongs_to_the_session_that_started_it() {
    use agentmeter::ledger::Ledger;
    use agentmeter::parsers::{parse_bytes, FileContext};
    let sub = concat!(
        r#"{"sessionId":"sub-2222","projectHash":"h","startTime":"2026-01-01T00:00:03.000Z","kind":"subagent","directories":["/w"]}"#,
        "\n",
        r#"{"id":"s1","timestamp":"2026-01-01T00:00:04.000Z","type":"user","content":[{"text":"investigate"}]}"#,
        "\n",
        r#"{"id":"s2","timestamp":"2026-01-01T00:00:05.000Z","type":"gemini","content":"done","tokens":{"input":50,"output":5,"cached":10},"model":"gemini-2.5-flash"}"#,
        "\n",
    );
    let path = "tmp/h/chats/parent-1111/sub-2222.jsonl";
    assert_eq!(
        agentmeter::detect::classify(path, sub.as_bytes()),
        agentmeter::detect::Classification::Parse {
            format: Format::GeminiJsonl,
            ctx: FileContext {
                path: path.to_owned(),
                session_hint: None
            }
        }
    );
    let ctx = |p: &str| FileContext {
        path: p.to_owned(),
        session_hint: None,
    };
    let sink = parse_bytes(Format::GeminiJsonl, ctx(path), sub.as_bytes());
    assert_eq!(sink.usage.len(), 1);
    let u = &sink.usage[0];
    assert_eq!(u.session, "parent-1111");
    assert!(u.is_sidechain);
    assert_eq!(u.key, UsageKey::new(Agent::Gemini, "sub-2222", "s2"));
    assert!(sink.messages.iter().all(|m| m.session == "parent-1111"));
    // A main session's log in `chats/` keeps its own id; a copy of the subagent log counts once.
    let main = parse_bytes(
        Format::GeminiJsonl,
        ctx("tmp/h/chats/session-x.jsonl"),
        sub.replace("subagent", "main").as_bytes(),
    );
    assert_eq!(main.usage[0].session, "sub-2222");
    let mut ledger = Ledger::new();
    ledger.add_file(sink);
    ledger.add_file(parse_bytes(
        Format::GeminiJsonl,
        ctx("copy/tmp/h/chats/parent-1111/sub-2222.jsonl"),
        sub.as_bytes(),
    ));
    assert_eq!(counted(&ledger).total(), 55);
}
