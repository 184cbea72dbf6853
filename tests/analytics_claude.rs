//! The analytics fields of Claude Code records (tool input hash, target file, result size; typed
//! prompts; compactions), checked against the real transcripts in fixtures/claude/projects.
//!
//! Expected values are computed here from the JSON with serde_json (`Value`, and `RawValue` for
//! an input "as written"), independently of the parser's borrowed readers.

mod parse_support;

use std::collections::BTreeMap;

use agentmeter::model::{content_hash, KeyPart, MessageRecord, Role, ToolCall};
use parse_support::*;
use serde_json::value::RawValue;
use serde_json::Value;

const SPOTTER: &str = "fixtures/claude/projects/-home-USER-projects-spotter";
const OLD: &str = "fixtures/claude/projects/-home-USER-projects-vibecodingtracker/test_conversation_claude_code.jsonl";

fn main_session() -> String {
    format!("{SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl")
}

/// The top-level lines of a fixture as JSON values.
fn values(rel: &str) -> Vec<Value> {
    String::from_utf8_lossy(&read(rel))
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// Every content block of every top-level message, with its line.
fn blocks(rel: &str) -> Vec<Value> {
    values(rel)
        .iter()
        .flat_map(|v| {
            v["message"]["content"]
                .as_array()
                .cloned()
                .unwrap_or_default()
        })
        .collect()
}

/// The raw `input` text of every top-level `tool_use` block, by tool id.
fn raw_inputs(rel: &str) -> BTreeMap<String, String> {
    #[derive(serde::Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        message: Option<Msg<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Msg<'a> {
        #[serde(borrow)]
        content: Option<Vec<Block<'a>>>,
    }
    #[derive(serde::Deserialize)]
    struct Block<'a> {
        id: Option<String>,
        #[serde(borrow)]
        input: Option<&'a RawValue>,
    }
    let text = String::from_utf8_lossy(&read(rel)).into_owned();
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Ok(Line {
            message: Some(Msg {
                content: Some(blocks),
            }),
        }) = serde_json::from_str(line)
        else {
            continue;
        };
        for b in blocks {
            if let (Some(id), Some(input)) = (b.id, b.input) {
                out.insert(id, input.get().to_owned());
            }
        }
    }
    out
}

fn calls_by_id(tools: &[ToolCall]) -> BTreeMap<KeyPart, &ToolCall> {
    tools
        .iter()
        .filter(|t| t.name.is_some())
        .map(|t| (t.key.id, t))
        .collect()
}

#[test]
fn tool_calls_carry_the_hash_of_their_input_as_written() {
    for rel in [
        main_session(),
        format!("{SPOTTER}/tool_heavy.jsonl"),
        OLD.to_owned(),
    ] {
        let sink = parse(&rel);
        let raw = raw_inputs(&rel);
        let calls = calls_by_id(&sink.tools);
        assert!(!raw.is_empty());
        for (id, input) in &raw {
            let call = calls
                .get(&KeyPart::of(id))
                .unwrap_or_else(|| panic!("{rel}: {id}"));
            assert_eq!(
                call.input_hash,
                Some(content_hash(input.as_bytes())).into(),
                "{id}"
            );
        }
        // Only the call half carries it.
        assert!(sink
            .tools
            .iter()
            .filter(|t| t.end_ms.is_some())
            .all(|t| t.input_hash.is_none()));
    }
    // Equal inputs, equal hashes, and only those: the spotter session runs `git status` three
    // times and reads some files more than once.
    let rel = main_session();
    let sink = parse(&rel);
    let raw = raw_inputs(&rel);
    let calls = calls_by_id(&sink.tools);
    let mut by_input: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (id, input) in &raw {
        if let Some(hash) = calls.get(&KeyPart::of(id)).and_then(|c| c.input_hash.get()) {
            by_input.entry(input).or_default().push(hash);
        }
    }
    assert!(by_input.values().any(|hashes| hashes.len() == 3));
    let distinct_hashes: std::collections::BTreeSet<u64> =
        by_input.values().flatten().copied().collect();
    assert_eq!(
        distinct_hashes.len(),
        by_input.len(),
        "one hash per distinct input"
    );
}

#[test]
fn file_tools_name_their_file_and_other_tools_none() {
    let rel = main_session();
    let sink = parse(&rel);
    let calls = calls_by_id(&sink.tools);
    let mut seen = 0;
    for b in blocks(&rel).iter().filter(|b| b["type"] == "tool_use") {
        let id = b["id"].as_str().unwrap_or_default();
        let call = calls
            .get(&KeyPart::of(id))
            .unwrap_or_else(|| panic!("{id}"));
        let name = b["name"].as_str().unwrap_or_default();
        let want = match name {
            "Read" | "Write" | "Edit" | "MultiEdit" => b["input"]["file_path"].as_str(),
            "NotebookEdit" => b["input"]["notebook_path"].as_str(),
            _ => None,
        };
        assert_eq!(call.target.as_deref(), want, "{name} {id}");
        seen += usize::from(want.is_some());
    }
    assert!(
        seen > 20,
        "the spotter session reads and edits files ({seen})"
    );
    // Directories and search patterns are never targets.
    for c in sink.tools.iter().filter(|c| {
        matches!(
            c.name.as_deref(),
            Some("Glob" | "Grep" | "LS" | "Bash" | "Task")
        )
    }) {
        assert_eq!(c.target, None, "{c:?}");
    }
}

#[test]
fn tool_results_carry_the_size_of_their_text() {
    for rel in [main_session(), OLD.to_owned()] {
        let sink = parse(&rel);
        let results: BTreeMap<KeyPart, &ToolCall> = sink
            .tools
            .iter()
            .filter(|t| t.end_ms.is_some())
            .map(|t| (t.key.id, t))
            .collect();
        let mut lists = 0;
        for b in blocks(&rel).iter().filter(|b| b["type"] == "tool_result") {
            let id = b["tool_use_id"].as_str().unwrap_or_default();
            let want = match &b["content"] {
                Value::String(s) => Some(s.len() as u64),
                Value::Array(items) => {
                    lists += 1;
                    Some(
                        items
                            .iter()
                            .filter_map(|i| i["text"].as_str())
                            .map(|t| t.len() as u64)
                            .sum(),
                    )
                }
                _ => None,
            };
            let got = results
                .get(&KeyPart::of(id))
                .and_then(|t| t.result_bytes.get());
            assert_eq!(got, want, "{rel} {id}");
            assert_eq!(
                results
                    .get(&KeyPart::of(id))
                    .and_then(|t| t.input_hash.get()),
                None
            );
        }
        if rel == main_session() {
            assert!(lists > 0, "Task results are lists of text blocks");
        }
    }
}

fn prompts(rel: &str) -> Vec<(u32, String)> {
    let mut messages: Vec<MessageRecord> = parse(rel).messages;
    messages.sort_by_key(|m| m.source.line);
    messages
        .into_iter()
        .filter_map(|m| Some((m.words.get()?, m.preview?.into_string())))
        .collect()
}

#[test]
fn only_prompts_the_user_typed_have_words_and_a_preview() {
    // 1.0.95: four typed prompts; the interrupts, caveats, `/mcp`, `/exit` and their outputs
    // are not prompts.
    let got = prompts(OLD);
    let previews: Vec<&str> = got.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(previews.len(), 4, "{previews:?}");
    assert!(previews[0].starts_with("幫我檢查一下 go.mod 裡面"));
    assert_eq!(previews[1], "toolchain不用保留吧?");
    assert_eq!(previews[2], "幫我查一下 golang文檔 透過 context7");
    assert!(previews[3].starts_with("不對 幫我查一下pydantic文檔"));
    assert_eq!(got[2].0, 4);

    // 2.1.39: the skill expansion (isMeta), the compaction summary, `/compact` and its output
    // are not prompts.
    let got = prompts(&main_session());
    let previews: Vec<&str> = got.iter().map(|(_, p)| p.as_str()).collect();
    assert_eq!(previews.len(), 2, "{previews:?}");
    assert!(previews[0].starts_with("Work on bead spotter-4te."));
    assert_eq!(previews[1], "continue implementation");
    assert!(got
        .iter()
        .all(|(_, p)| p.chars().count() <= agentmeter::model::PREVIEW_CHARS));

    // A subagent's prompt was written by the parent agent, not typed.
    let sub =
        format!("{SPOTTER}/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-aac57f5.jsonl");
    assert!(prompts(&sub).is_empty());
    // Prompt records keep their role and count: only user messages carry words.
    for m in parse(OLD).messages.iter().filter(|m| m.words.is_some()) {
        assert_eq!(m.role, Role::User);
    }
}

#[test]
fn a_compaction_is_one_system_record_keyed_by_its_line() {
    let rel = main_session();
    let sink = parse(&rel);
    let compactions: Vec<&MessageRecord> = sink.messages.iter().filter(|m| m.compaction).collect();
    assert_eq!(compactions.len(), 1);
    let c = compactions[0];
    assert_eq!(c.role, Role::System);
    assert_eq!(c.key.id, "434dc859-6299-4713-8613-d28662692f06");
    let boundary = values(&rel)
        .into_iter()
        .position(|v| v["subtype"] == "compact_boundary")
        .map(|i| i as u64 + 1);
    assert_eq!(Some(c.source.line.get()), boundary);
    // The other files record none.
    for f in files_under("fixtures/claude/projects") {
        if f != rel {
            assert!(parse(&f).messages.iter().all(|m| !m.compaction), "{f}");
        }
    }
}

// A tool output cut mid-emoji holds a lone surrogate escape. serde_json rejects it when it
// decodes the string, so the analytics must never decode text inside a line's own parse.
#[test]
fn a_lone_surrogate_in_a_tool_output_costs_no_line() {
    let text = concat!(
        r#"{"type":"assistant","uuid":"a1","timestamp":"2026-01-01T00:00:00Z","requestId":"req_1","message":{"id":"msg_1","model":"claude-opus-4-6","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"echo \ud83d"}}],"usage":{"input_tokens":3,"output_tokens":5}}}"#,
        "\n",
        r#"{"type":"user","uuid":"u1","timestamp":"2026-01-01T00:00:01Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"ab\ud83d"}]}}"#,
        "\n",
        r#"{"type":"user","uuid":"u2","timestamp":"2026-01-01T00:00:02Z","message":{"role":"user","content":"why \ud83d"}}"#,
        "\n",
    );
    let ctx = agentmeter::parsers::FileContext {
        path: "p/s.jsonl".to_owned(),
        session_hint: Some("s".to_owned()),
    };
    let sink = agentmeter::parsers::parse_bytes(
        agentmeter::parsers::Format::ClaudeJsonl,
        ctx,
        text.as_bytes(),
    );
    assert_eq!(sink.report.malformed, 0);
    assert_eq!(sink.usage.len(), 1);
    let result = sink.tools.iter().find(|t| t.end_ms.is_some());
    assert_eq!(result.and_then(|t| t.result_bytes.get()), Some(5));
    // The prompt's text cannot be decoded: it stays a user message, without words.
    let prompt = sink.messages.iter().find(|m| m.key.id == "u2");
    assert_eq!(
        prompt.map(|m| (m.role, m.words.get())),
        Some((Role::User, None))
    );
}

// Lines without usage or tool blocks are read with their message text in one pass; a line whose
// text that read rejects (a duplicated `content`, text that does not decode) is read again
// without it. Its fate and message never depend on the text.
#[test]
fn a_prompt_whose_text_cannot_be_read_keeps_its_fate_and_message() {
    let text = concat!(
        r#"{"type":"user","uuid":"u1","timestamp":"2026-01-01T00:00:00Z","message":{"role":"user","content":"first","content":"second"}}"#,
        "\n",
        r#"{"type":"user","uuid":"u2","timestamp":"2026-01-01T00:00:01Z","message":{"role":"user","content":[{"type":"text","text":"bad \udc00 half"}]}}"#,
        "\n",
        r#"{"type":"user","uuid":"u3","timestamp":"2026-01-01T00:00:02Z","message":{"role":"user","content":"fix the \"build\" please"}}"#,
        "\n",
        r#"{"type":"user","uuid":"u4","timestamp":"2026-01-01T00:00:03Z","message":{"role":"user","content":"cut"#,
        "\n",
    );
    let ctx = agentmeter::parsers::FileContext {
        path: "p/s.jsonl".to_owned(),
        session_hint: Some("s".to_owned()),
    };
    let sink = agentmeter::parsers::parse_bytes(
        agentmeter::parsers::Format::ClaudeJsonl,
        ctx,
        text.as_bytes(),
    );
    assert_eq!(
        (sink.report.ignored, sink.report.malformed),
        (3, 1),
        "the truncated line is malformed, the others read"
    );
    let words = |id: &str| {
        sink.messages
            .iter()
            .find(|m| m.key.id == id)
            .map(|m| (m.role, m.words.get()))
    };
    assert_eq!(words("u1"), Some((Role::User, None)));
    assert_eq!(words("u2"), Some((Role::User, None)));
    assert_eq!(words("u3"), Some((Role::User, Some(4))));
    assert_eq!(words("u4"), None);
}
