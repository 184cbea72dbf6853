//! Hostile lines, one class per test, through detection and the parsers (the core the CLI and
//! the browser share). Each test names the failure it guards against; the whole-corpus run
//! through the CLI binary is `tests/hostile.rs`.

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::line_report::Sink;
use agentmeter::model::Tokens;
use agentmeter::parsers::{parse_bytes, FileContext, Format};
use agentmeter::pricing::PriceTable;
use agentmeter::rollup::summarize;

/// A Claude assistant line; `{ID}` and `{USAGE}` are filled in by [`claude`].
const CLAUDE: &str = r#"{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/w","sessionId":"s1","version":"2.1.39","type":"assistant","uuid":"u-{ID}","timestamp":"2026-02-12T14:12:00.000Z",{REQ}"message":{"model":"claude-opus-4-6",{MSG}"type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"usage":{USAGE}}}"#;

const USAGE: &str = r#"{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":7}"#;

fn claude(id: &str, usage: &str) -> String {
    CLAUDE
        .replace("{ID}", id)
        .replace("{REQ}", &format!(r#""requestId":"req_{id}","#))
        .replace("{MSG}", &format!(r#""id":"msg_{id}","#))
        .replace("{USAGE}", usage)
}

/// A Claude usage line that names no call (no `message.id`, no `requestId`).
fn claude_unkeyed(uuid: &str, output: u64) -> String {
    CLAUDE
        .replace("{ID}", uuid)
        .replace("{REQ}", "")
        .replace("{MSG}", "")
        .replace(
            "{USAGE}",
            &format!(r#"{{"input_tokens":1,"output_tokens":{output}}}"#),
        )
}

const CODEX_META: &str = r#"{"timestamp":"2025-09-19T09:02:12.457Z","type":"session_meta","payload":{"id":"01996135-afde-7911-97f0-d863511eca56","cwd":"/p","cli_version":"0.39.0"}}"#;

fn codex_count(input: &str, cached: &str, output: &str) -> String {
    format!(
        r#"{{"timestamp":"2025-09-19T09:02:27.915Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{input},"cached_input_tokens":{cached},"output_tokens":{output},"reasoning_output_tokens":0}}}}}}}}"#
    )
}

const GEMINI_META: &str =
    r#"{"sessionId":"g1","projectHash":"h","startTime":"2026-04-23T12:52:52.759Z","kind":"main"}"#;

fn gemini_message(id: &str, tokens: &str) -> String {
    format!(
        r#"{{"id":"{id}","timestamp":"2026-04-23T12:53:11.257Z","type":"gemini","content":"ok","tokens":{tokens},"model":"gemini-2.5-pro"}}"#
    )
}

fn lines(lines: &[&str]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

/// Reads `bytes` at `path` the way the CLI and the browser worker do: classify, then parse.
fn read(path: &str, bytes: &[u8]) -> Sink {
    let head = &bytes[..bytes.len().min(detect::HEAD_BYTES)];
    match detect::classify(path, head) {
        Classification::Parse { format, ctx } => parse_bytes(format, ctx, bytes),
        other => panic!("{path} was not parsed: {other:?}"),
    }
}

fn ledger_of(files: &[(&str, &[u8])]) -> Ledger {
    let mut ledger = Ledger::new();
    for (path, bytes) in files {
        ledger.add_file(read(path, bytes));
    }
    ledger
}

fn counted(ledger: &Ledger) -> u64 {
    ledger.counted_usage().map(|r| r.tokens.total()).sum()
}

fn assert_every_line_has_a_fate(sink: &Sink) {
    let r = &sink.report;
    assert_eq!(
        r.read,
        r.candidates + r.duplicate_in_file + r.ignored + r.malformed,
        "{r:?}"
    );
}

fn reasons(sink: &Sink) -> Vec<(u64, String)> {
    let r = &sink.report;
    r.examples
        .iter()
        .map(|i| (i.line, i.reason.clone()))
        .collect()
}

// 1. One NUL byte in the first 64 KiB made the whole file binary and skipped it.
#[test]
fn a_stray_nul_byte_costs_only_its_own_line() {
    let nul_line = claude("b", USAGE).replace("\"hi\"", "\"h\0i\"");
    let bytes = lines(&[&claude("a", USAGE), &nul_line, &claude("c", USAGE)]);
    let sink = read("p/s1.jsonl", &bytes);
    assert_every_line_has_a_fate(&sink);
    assert_eq!((sink.report.read, sink.usage.len()), (3, 2));
    assert_eq!(sink.report.malformed, 1);
    assert_eq!(reasons(&sink)[0].0, 2);
    assert!(reasons(&sink)[0].1.contains("NUL"), "{:?}", reasons(&sink));

    let codex = lines(&[CODEX_META, "\0", &codex_count("10", "4", "3")]);
    let sink = read("r/rollout-x.jsonl", &codex);
    assert_eq!((sink.report.malformed, sink.usage.len()), (1, 1));
}

#[test]
fn real_binary_files_are_still_skipped_with_a_reason_whatever_their_name() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(claude("a", USAGE).as_bytes());
    let zeros = [0u8; 8192];
    for (path, bytes, what) in [
        ("p/rollout-2025.jsonl", &png[..], "PNG image"),
        ("p/s1.jsonl", &zeros[..], "mostly NUL"),
    ] {
        match detect::classify(path, bytes) {
            Classification::Unrecognized { reason } => {
                assert!(
                    reason.starts_with("binary file") && reason.contains(what),
                    "{reason}"
                );
            }
            other => panic!("{path}: {other:?}"),
        }
    }
}

// 6. A BOM was handled only by the Claude parser.
#[test]
fn a_bom_is_read_in_every_format_and_changes_no_figure() {
    let with_bom = |b: &[u8]| [b"\xEF\xBB\xBF", b].concat();
    let gemini_json = format!(
        "{{\n  \"sessionId\": \"g1\",\n  \"projectHash\": \"h\",\n  \"messages\": [\n    {}\n  ]\n}}\n",
        gemini_message("m1", r#"{"input":10,"output":2,"cached":4}"#)
    );
    let files: [(&str, Vec<u8>); 4] = [
        ("p/s1.jsonl", lines(&[&claude("a", USAGE)])),
        (
            "r/rollout-x.jsonl",
            lines(&[CODEX_META, &codex_count("10", "4", "3")]),
        ),
        (
            "tmp/h/chats/session-1.jsonl",
            lines(&[
                GEMINI_META,
                &gemini_message("m1", r#"{"input":10,"output":2}"#),
            ]),
        ),
        ("tmp/h/chats/session-2.json", gemini_json.into_bytes()),
    ];
    for (path, plain) in &files {
        let a = read(path, plain);
        let b = read(path, &with_bom(plain));
        assert_eq!(b.report.malformed, 0, "{path}: {:?}", b.report.examples);
        assert_eq!(
            (a.report.read, a.report.ignored, a.usage.len()),
            (b.report.read, b.report.ignored, b.usage.len()),
            "{path}"
        );
        assert_eq!(a.usage.len(), 1, "{path}");
        // The metadata line was read: the session is the file's own, not the path's.
        assert_eq!(a.usage[0].session, b.usage[0].session, "{path}");
        assert_eq!(a.usage[0].tokens, b.usage[0].tokens, "{path}");
    }
}

// 8. Counts beyond any real call wrapped around instead of being rejected.
#[test]
fn counts_beyond_any_real_call_are_malformed_in_every_format() {
    let max = u64::MAX.to_string();
    let claude_huge = claude(
        "a",
        &format!(r#"{{"input_tokens":{max},"output_tokens":{max}}}"#),
    );
    let cases: [(&str, Vec<u8>); 3] = [
        ("p/s1.jsonl", lines(&[&claude_huge, &claude("b", USAGE)])),
        (
            "r/rollout-x.jsonl",
            lines(&[CODEX_META, &codex_count(&max, "0", "1")]),
        ),
        (
            "tmp/h/chats/s.jsonl",
            lines(&[
                GEMINI_META,
                &gemini_message("m1", &format!(r#"{{"input":{max},"output":1}}"#)),
            ]),
        ),
    ];
    for (path, bytes) in &cases {
        let sink = read(path, bytes);
        assert_every_line_has_a_fate(&sink);
        assert_eq!(sink.report.malformed, 1, "{path}");
        assert!(
            reasons(&sink)[0].1.contains("10^15"),
            "{path}: {:?}",
            reasons(&sink)
        );
    }
    let ledger = ledger_of(&[("p/s1.jsonl", &cases[0].1)]);
    assert_eq!(counted(&ledger), 3 + 10 + 100 + 7, "the good line is kept");

    // Sums saturate rather than wrap, however large the inputs.
    let t = Tokens {
        input: u64::MAX,
        output: 1,
        cache_read: u64::MAX,
        ..Tokens::default()
    };
    assert_eq!((t.total(), t.prompt()), (u64::MAX, u64::MAX));
    // Ten thousand calls at the bound still sum exactly.
    let bound = agentmeter::model::MAX_TOKENS_PER_CALL;
    let mut sum = Tokens::default();
    for _ in 0..10_000 {
        sum.add(&Tokens {
            input: bound,
            ..Tokens::default()
        });
    }
    assert_eq!(sum.total(), bound * 10_000);
}

// 8. A Codex event with more cached than input tokens invented tokens.
#[test]
fn codex_cached_above_input_is_clamped_and_noted() {
    let bytes = lines(&[CODEX_META, &codex_count("10", "25", "3")]);
    let sink = read("r/rollout-x.jsonl", &bytes);
    assert_eq!((sink.report.malformed, sink.usage.len()), (0, 1));
    let t = sink.usage[0].tokens;
    assert_eq!((t.input, t.cache_read, t.output), (0, 10, 3));
    assert_eq!(t.total(), 13, "no more than input + output");
    assert_eq!(sink.report.repaired, 1);
    assert_eq!(sink.report.notes[0].line, 2);
    assert!(sink.report.notes[0].reason.contains("exceed"));
}

// 8. Usage of the wrong JSON shape was counted as "not usage" instead of malformed.
#[test]
fn usage_of_the_wrong_shape_is_malformed_in_every_format() {
    let gemini_doc = |tokens: &str| {
        format!(
            "{{\"sessionId\":\"g1\",\"messages\":[{}]}}",
            gemini_message("m1", tokens)
        )
        .into_bytes()
    };
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("p/s1.jsonl", lines(&[&claude("a", r#""abc""#)])),
        ("p/s1.jsonl", lines(&[&claude("a", "[1,2]")])),
        (
            "p/s1.jsonl",
            lines(&[&claude("a", r#"{"input_tokens":"12"}"#)]),
        ),
        (
            "r/rollout-x.jsonl",
            lines(&[CODEX_META, &codex_count(r#""12""#, "0", "1")]),
        ),
        (
            "r/rollout-x.jsonl",
            lines(&[
                CODEX_META,
                r#"{"timestamp":"2025-09-19T09:02:27.915Z","type":"event_msg","payload":{"type":"token_count","info":"abc"}}"#,
            ]),
        ),
        (
            "tmp/h/chats/s.jsonl",
            lines(&[GEMINI_META, &gemini_message("m1", r#""abc""#)]),
        ),
        (
            "tmp/h/chats/s.jsonl",
            lines(&[GEMINI_META, &gemini_message("m1", r#"{"input":"12"}"#)]),
        ),
        ("tmp/h/chats/session-1.json", gemini_doc(r#""abc""#)),
    ];
    for (i, (path, bytes)) in cases.iter().enumerate() {
        let sink = read(path, bytes);
        assert_every_line_has_a_fate(&sink);
        assert_eq!(
            sink.report.malformed, 1,
            "case {i} {path}: {:?}",
            sink.report
        );
        assert!(sink.usage.is_empty(), "case {i}");
    }
    // `null` usage is absent, not malformed.
    let sink = read("p/s1.jsonl", &lines(&[&claude("a", "null")]));
    assert_eq!((sink.report.malformed, sink.report.ignored), (0, 1));
}

// 8. Invalid UTF-8 in message text dropped a usage line whose numbers were intact.
#[test]
fn invalid_utf8_in_text_keeps_the_usage_and_is_noted() {
    // FF FE where the message text was.
    let mut line = claude("a", USAGE).into_bytes();
    let text_at = line
        .windows(4)
        .position(|w| w == b"\"hi\"")
        .expect("text field");
    line.splice(text_at + 1..text_at + 3, [0xff, 0xfe]);
    let mut bytes = line.clone();
    bytes.push(b'\n');
    let sink = read("p/s1.jsonl", &bytes);
    assert_eq!((sink.report.malformed, sink.usage.len()), (0, 1));
    assert_eq!(sink.usage[0].tokens.total(), 120);
    assert_eq!(sink.report.repaired, 1);
    assert!(sink.report.notes[0].reason.contains("invalid UTF-8"));

    let mut gemini = gemini_message("m1", r#"{"input":10,"output":2}"#).into_bytes();
    let at = gemini
        .windows(4)
        .position(|w| w == b"\"ok\"")
        .expect("content");
    gemini.splice(at + 1..at + 3, [0xc3, 0x28]);
    let mut bytes = lines(&[GEMINI_META]);
    bytes.extend_from_slice(&gemini);
    let sink = read("tmp/h/chats/s.jsonl", &bytes);
    assert_eq!((sink.report.malformed, sink.usage.len()), (0, 1));
    assert_eq!(sink.report.repaired, 1);

    // A line that is broken beyond its bytes stays malformed, and says both.
    let mut cut = line[..text_at + 8].to_vec();
    cut.push(b'\n');
    let sink = read("p/s1.jsonl", &cut);
    assert_eq!(sink.report.malformed, 1);
    let reason = &reasons(&sink)[0].1;
    assert!(reason.starts_with("invalid UTF-8; truncated"), "{reason}");
}

// 9. Tool results were matched to calls by id across files: a 4-call tool lasted 2,183 hours.
#[test]
fn a_tool_result_pairs_only_with_a_call_of_its_own_session() {
    let rollout = |id: &str, day: u32, result_s: u32| {
        lines(&[
            &format!(
                r#"{{"timestamp":"2025-09-{day:02}T09:00:00.000Z","type":"session_meta","payload":{{"id":"{id}"}}}}"#
            ),
            &format!(
                r#"{{"timestamp":"2025-09-{day:02}T09:00:01.000Z","type":"response_item","payload":{{"type":"function_call","name":"update_plan","arguments":"{{}}","call_id":"call_1"}}}}"#
            ),
            &format!(
                r#"{{"timestamp":"2025-09-{day:02}T09:00:{:02}.000Z","type":"response_item","payload":{{"type":"function_call_output","call_id":"call_1","output":"ok"}}}}"#,
                1 + result_s
            ),
        ])
    };
    let a = rollout("aaaaaaaa-0000-0000-0000-000000000001", 1, 2);
    let b = rollout("bbbbbbbb-0000-0000-0000-000000000002", 28, 3);
    let ledger = ledger_of(&[("a/rollout-a.jsonl", &a), ("b/rollout-b.jsonl", &b)]);
    // Each session pairs its own halves...
    let mut durations: Vec<i64> = ledger
        .tools
        .values()
        .map(|c| c.end_ms.get().unwrap_or(0) - c.start_ms.get().unwrap_or(0))
        .collect();
    durations.sort_unstable();
    assert_eq!(durations, [2_000, 3_000]);
    // ...and a reused id is one call in the tool table, with a duration of its own session.
    let s = summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let row = &s.tools[0];
    assert_eq!(
        (row.name.as_str(), row.calls, row.total_ms),
        ("update_plan", 1, 2_000)
    );
}

// 5. Lines without ids were counted twice when the same file was read under two paths.
#[test]
fn a_line_without_ids_counts_once_across_copies_and_each_time_within_a_file() {
    let same = claude_unkeyed("x", 5);
    let other = claude_unkeyed("y", 9);
    // The same line twice in one file (two positions), and another line: three calls.
    let file = lines(&[&same, &other, &same]);
    let one = ledger_of(&[("projects/p/s1.jsonl", &file)]);
    assert_eq!(counted(&one), 6 + 10 + 6);
    assert_eq!(one.line_totals().used, 3);

    // The same folder dropped again under another name: nothing more is counted.
    let copied = ledger_of(&[
        ("projects/p/s1.jsonl", &file),
        ("copy of projects/p/s1.jsonl", &file),
    ]);
    assert_eq!(counted(&copied), counted(&one));
    let t = copied.line_totals();
    assert_eq!((t.read, t.used, t.duplicate), (6, 3, 3));

    // A line that differs in one digit is another call.
    let changed = lines(&[&claude_unkeyed("x", 6)]);
    let both = ledger_of(&[("projects/p/s1.jsonl", &file), ("q/s1.jsonl", &changed)]);
    assert_eq!(counted(&both), counted(&one) + 7);
}

// Deeply nested JSON must not exhaust the stack (serde_json's recursion limit holds).
#[test]
fn deep_nesting_never_crashes() {
    let deep = format!(
        r#"{{"type":"assistant","sessionId":"s","parentUuid":null,"message":{{"usage":{}1{}}}}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for (format, path) in [
        (Format::ClaudeJsonl, "p/s1.jsonl"),
        (Format::CodexJsonl, "r/rollout-x.jsonl"),
        (Format::GeminiJsonl, "tmp/s.jsonl"),
        (Format::GeminiJson, "tmp/s.json"),
        // agents-b formats.
        (Format::OpenCodeJson, "storage/message/s/m.json"),
        (Format::SqliteDb, "opencode.db"),
        (Format::PiJsonl, "sessions/--p--/t_s.jsonl"),
        // agents2 formats.
        (Format::ClineUiJson, "tasks/1/ui_messages.json"),
        (Format::CodebuffJson, "chats/c/messages.json"),
        (
            Format::DroidSettingsJson,
            ".factory/sessions/-p/s.settings.json",
        ),
        (Format::DroidJsonl, ".factory/sessions/-p/s.jsonl"),
        (Format::CodexExecJsonl, "exec/out.jsonl"),
        (Format::GeminiLogsJson, "tmp/h/logs.json"),
    ] {
        let ctx = FileContext {
            path: path.to_owned(),
            session_hint: None,
        };
        let sink = parse_bytes(format, ctx, deep.as_bytes());
        assert_every_line_has_a_fate(&sink);
        assert_eq!(sink.report.read, 1, "{format:?}");
        assert!(sink.usage.is_empty(), "{format:?}");
    }
}
