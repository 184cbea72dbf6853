//! The analytics fields of Gemini CLI records (tool input hash, target file, result size; typed
//! prompts; compressions), checked against the real sessions in fixtures/gemini/tmp and, for what
//! they do not contain (a compression, a legacy document with tool calls), against records in the
//! shapes gemini-cli writes (`chatRecordingTypes.ts`).

mod parse_support;

use std::collections::BTreeMap;

use agentmeter::line_report::Sink;
use agentmeter::model::Role;
use agentmeter::parsers::{parse_bytes, FileContext, Format};
use parse_support::*;
use serde_json::Value;

const LOG: &str = "fixtures/gemini/tmp/9da8b3dfb8655182ac1f0e66601c367e34f8d18447a29759eeba4d7e45dc60ea/chats/session-2026-04-23T12-52-0ab84937.jsonl";
const LEGACY: &str = "fixtures/gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json";
const MIGRATED: &str = "fixtures/gemini/derived/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.jsonl";

fn parse_text(format: Format, text: &str) -> Sink {
    let ctx = FileContext {
        path: "tmp/p/chats/session-2026-01-01T00-00-abcd1234.jsonl".to_owned(),
        session_hint: None,
    };
    parse_bytes(format, ctx, text.as_bytes())
}

/// The final write of every tool call in the log, by id.
fn final_calls(rel: &str) -> BTreeMap<String, Value> {
    let mut calls = BTreeMap::new();
    for line in String::from_utf8_lossy(&read(rel)).lines() {
        let Ok(rec) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        for call in rec["toolCalls"].as_array().into_iter().flatten() {
            if let Some(id) = call["id"].as_str() {
                calls.insert(id.to_owned(), call.clone());
            }
        }
    }
    calls
}

#[test]
fn tool_calls_carry_hash_target_and_result_size() {
    let ledger = ledger_of(&[LOG]);
    let calls = final_calls(LOG);
    assert_eq!(ledger.tools.len(), calls.len());
    let mut targets = 0;
    for (id, want) in &calls {
        let got = ledger
            .tools
            .values()
            .find(|t| t.key.id == *id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!(got.input_hash.is_some(), "{id}");
        let name = want["name"].as_str().unwrap_or_default();
        let target = match name {
            "read_file" | "write_file" | "replace" => want["args"]["file_path"].as_str(),
            _ => None,
        };
        assert_eq!(got.target.as_deref(), target, "{name} {id}");
        targets += usize::from(target.is_some());
        let output: u64 = want["result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["functionResponse"]["response"]["output"].as_str())
            .map(|s| s.len() as u64)
            .sum();
        assert_eq!(got.result_bytes, Some(output).into(), "{name} {id}");
    }
    assert_eq!(targets, 9, "7 reads, a write and a replace");
    // Equal arguments, equal hashes; different ones, different hashes.
    let mut by_args: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for t in ledger.tools.values() {
        let id = calls
            .keys()
            .find(|id| t.key.id == **id)
            .map(String::as_str)
            .unwrap_or_default();
        by_args
            .entry(calls[id]["args"].to_string())
            .or_default()
            .extend(t.input_hash.get());
    }
    let distinct: std::collections::BTreeSet<u64> = by_args.values().flatten().copied().collect();
    assert_eq!(distinct.len(), by_args.len());
}

#[test]
fn a_legacy_document_and_its_log_hash_one_call_alike() {
    let doc = r#"{
  "sessionId": "s1",
  "projectHash": "p1",
  "startTime": "2026-01-01T00:00:00.000Z",
  "messages": [
    {
      "id": "m1",
      "timestamp": "2026-01-01T00:00:01.000Z",
      "type": "gemini",
      "content": "",
      "toolCalls": [
        {
          "id": "t1",
          "name": "read_file",
          "args": {
            "file_path": "src/a.py",
            "start_line": 1
          },
          "result": [{"functionResponse": {"id": "t1", "name": "read_file", "response": {"output": "print(1)\n"}}}],
          "status": "success",
          "timestamp": "2026-01-01T00:00:01.000Z"
        }
      ]
    }
  ]
}"#;
    let log = concat!(
        r#"{"sessionId":"s1","projectHash":"p1","startTime":"2026-01-01T00:00:00.000Z","kind":"main"}"#,
        "\n",
        r#"{"id":"m1","timestamp":"2026-01-01T00:00:01.000Z","type":"gemini","content":"","toolCalls":[{"id":"t1","name":"read_file","args":{"start_line":1,"file_path":"src/a.py"},"result":[{"functionResponse":{"id":"t1","name":"read_file","response":{"output":"print(1)\n"}}}],"status":"success","timestamp":"2026-01-01T00:00:01.000Z"}]}"#,
    );
    let a = parse_text(Format::GeminiJson, doc);
    let b = parse_text(Format::GeminiJsonl, log);
    assert_eq!((a.report.malformed, b.report.malformed), (0, 0));
    assert_eq!(a.tools.len(), 1);
    assert_eq!(a.tools[0].input_hash, b.tools[0].input_hash);
    assert_eq!(a.tools[0].target.as_deref(), Some("src/a.py"));
    assert_eq!(b.tools[0].target.as_deref(), Some("src/a.py"));
    assert_eq!(a.tools[0].result_bytes, Some(9).into());
    assert_eq!(b.tools[0].result_bytes, Some(9).into());
}

#[test]
fn only_prompts_the_user_typed_have_words() {
    // The log: `/init` (a command), "System: Please continue." (sent by the CLI) and one typed
    // request.
    let sink = parse(LOG);
    let prompts: Vec<_> = sink.messages.iter().filter(|m| m.words.is_some()).collect();
    assert_eq!(prompts.len(), 1);
    assert_eq!(prompts[0].role, Role::User);
    assert_eq!(
        prompts[0].preview.as_deref(),
        Some("幫我做一個小修改 請幫我將上面確保執行時要透過 uv run 來執行 避免環境有問題")
    );
    // User message counts are unchanged.
    assert_eq!(
        sink.messages
            .iter()
            .filter(|m| m.role == Role::User)
            .count(),
        3
    );
    // The legacy document and its migrated log: the same prompt, the same key.
    for rel in [LEGACY, MIGRATED] {
        let sink = parse(rel);
        let prompts: Vec<_> = sink.messages.iter().filter(|m| m.words.is_some()).collect();
        assert_eq!(prompts.len(), 1, "{rel}");
        assert_eq!(
            prompts[0].preview.as_deref(),
            Some("請幫我檢查一下所有代碼是否足夠簡潔 而不是一堆冗餘代碼")
        );
    }
    let pair = ledger_of(&[LEGACY, MIGRATED]);
    assert_eq!(
        pair.messages.values().filter(|m| m.words.is_some()).count(),
        1
    );
}

#[test]
fn a_subagent_session_has_no_typed_prompts() {
    let log = concat!(
        r#"{"sessionId":"sub1","projectHash":"p1","startTime":"2026-01-01T00:00:00.000Z","kind":"subagent"}"#,
        "\n",
        r#"{"id":"u1","timestamp":"2026-01-01T00:00:01.000Z","type":"user","content":[{"text":"Investigate the build"}]}"#,
    );
    let sink = parse_text(Format::GeminiJsonl, log);
    assert_eq!(sink.messages.len(), 1);
    assert_eq!(sink.messages[0].words, Default::default());
}

#[test]
fn a_compression_notice_is_one_compaction() {
    let log = concat!(
        r#"{"sessionId":"s2","projectHash":"p1","startTime":"2026-03-10T00:00:00.000Z","kind":"main"}"#,
        "\n",
        r#"{"id":"i1","timestamp":"2026-03-10T00:05:00.000Z","type":"info","content":"Context compressed from 71% to 12%."}"#,
        "\n",
        r#"{"$set":{"lastUpdated":"2026-03-10T00:05:00.000Z"}}"#,
        "\n",
        r#"{"id":"i2","timestamp":"2026-03-10T00:06:00.000Z","type":"info","content":"Request cancelled."}"#,
        "\n",
        r#"{"id":"i1","timestamp":"2026-03-10T00:05:00.000Z","type":"info","content":"Context compressed from 71% to 12%."}"#,
    );
    let sink = parse_text(Format::GeminiJsonl, log);
    assert_eq!(sink.report.malformed, 0);
    let compactions: Vec<_> = sink.messages.iter().filter(|m| m.compaction).collect();
    assert_eq!(compactions.len(), 1, "one id, re-appended: one compaction");
    assert_eq!(compactions[0].role, Role::System);
    assert_eq!(
        sink.messages.len(),
        1,
        "other info messages are still not messages"
    );
    // The real sessions record none.
    for rel in [LOG, LEGACY] {
        assert!(parse(rel).messages.iter().all(|m| !m.compaction));
    }
}

// Invalid UTF-8 inside a tool's output never costs the line its usage: the line is read with
// U+FFFD in place of the bad bytes (noted as repaired), and the output's size is that of the
// repaired text.
#[test]
fn invalid_utf8_in_a_tool_output_keeps_the_usage() {
    let mut log = Vec::new();
    log.extend_from_slice(br#"{"sessionId":"s3","projectHash":"p1","startTime":"2026-01-01T00:00:00.000Z","kind":"main"}"#);
    log.push(b'\n');
    log.extend_from_slice(br#"{"id":"g1","timestamp":"2026-01-01T00:00:01.000Z","type":"gemini","content":"","model":"gemini-2.5-pro","tokens":{"input":10,"output":2,"cached":0,"thoughts":0,"tool":0,"total":12},"toolCalls":[{"id":"t1","name":"read_file","args":{"file_path":"a.bin"},"result":[{"functionResponse":{"id":"t1","name":"read_file","response":{"output":"bad "#);
    log.extend_from_slice(b"\xff\xfe");
    log.extend_from_slice(
        br#" bytes"}}}],"status":"success","timestamp":"2026-01-01T00:00:01.000Z"}]}"#,
    );
    let ctx = FileContext {
        path: "tmp/p/chats/session-2026-01-01T00-00-abcd1234.jsonl".to_owned(),
        session_hint: None,
    };
    let sink = parse_bytes(Format::GeminiJsonl, ctx, &log);
    assert_eq!(sink.report.malformed, 0);
    assert_eq!(sink.usage.len(), 1);
    assert_eq!(sink.tools.len(), 1);
    assert_eq!(sink.tools[0].name.as_deref(), Some("read_file"));
    assert!(sink.tools[0].result_bytes.is_some());
    assert_eq!(sink.report.repaired, 1);
}
