//! Bad input never crashes and never silently disappears, through the whole CLI read path.
//!
//! A folder laid out like a home with one agent file of each kind of damage: every line must be
//! counted with a fate, every unreadable file named with a reason, and the good usage kept.

use std::fs;
use std::path::{Path, PathBuf};

use agentmeter::cli::{read_all, walk};
use agentmeter::ledger::Ledger;

const REAL_LINE: &str = r#"{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/w","sessionId":"s1","version":"2.1.39","gitBranch":"","type":"assistant","uuid":"u1","timestamp":"2026-02-12T14:12:00.000Z","requestId":"req_1","message":{"model":"claude-opus-4-6","id":"msg_1","type":"message","role":"assistant","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":7}}}"#;

fn temp_home(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "agentmeter-bad-input-{name}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join(".claude/projects/-w")).expect("temp dir");
    dir
}

fn read(home: &Path) -> Ledger {
    let files = walk::collect(&[home.to_path_buf()]).expect("walk");
    read_all(&files).expect("read")
}

#[test]
fn damaged_lines_are_counted_with_reasons_and_good_usage_is_kept() {
    let home = temp_home("lines");
    let spaced = REAL_LINE
        .replace("\"usage\":{", "\"usage\": {")
        .replace("msg_1", "msg_2")
        .replace("req_1", "req_2")
        .replace(",\"", ", \"");
    let mut bytes = Vec::new();
    bytes.extend_from_slice(REAL_LINE.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(spaced.as_bytes());
    bytes.push(b'\n');
    bytes.extend_from_slice(br#"{"type":"hologram-2027","uuid":"x","payload":{"q":1}}"#);
    bytes.push(b'\n');
    bytes.extend_from_slice(
        b"{\"type\":\"user\",\"message\":{\"content\":\"\xff\xfe bad\"},\"cwd\":",
    );
    bytes.push(b'\n');
    bytes.extend_from_slice(b"\n");
    // The last line was cut mid-write.
    bytes.extend_from_slice(&REAL_LINE.as_bytes()[..120]);
    fs::write(home.join(".claude/projects/-w/s1.jsonl"), &bytes).expect("write");
    fs::write(home.join(".claude/projects/-w/empty.jsonl"), b"").expect("write");
    fs::write(
        home.join(".claude/projects/-w/blob.jsonl"),
        [0u8, 159, 146, 150, 0, 1, 2, 3],
    )
    .expect("write");

    let ledger = read(&home);
    let lines = ledger.line_totals();
    assert_eq!(lines.read, 6, "six lines in the damaged file");
    assert_eq!(
        lines.read,
        lines.used + lines.duplicate + lines.ignored + lines.malformed
    );
    assert_eq!(lines.used, 2, "the compact and the spaced usage lines");
    assert_eq!(lines.malformed, 2, "invalid UTF-8 and the truncated line");

    let usage: u64 = ledger.counted_usage().map(|r| r.tokens.total()).sum();
    assert_eq!(usage, 2 * (3 + 10 + 100 + 7));

    let report = &ledger.files[&home
        .join(".claude/projects/-w/s1.jsonl")
        .display()
        .to_string()];
    let reasons: Vec<&str> = report.examples.iter().map(|e| e.reason.as_str()).collect();
    assert_eq!(
        report.examples.iter().map(|e| e.line).collect::<Vec<_>>(),
        [4, 6]
    );
    assert!(reasons[1].contains("truncated"), "{reasons:?}");

    let skipped: Vec<&str> = ledger
        .files
        .values()
        .filter(|f| f.agent.is_none())
        .map(|f| f.format.as_str())
        .collect();
    assert_eq!(
        skipped.len(),
        2,
        "the empty and the binary file are named: {skipped:?}"
    );
    assert!(skipped.iter().any(|s| s.contains("empty")));
    assert!(skipped.iter().any(|s| s.contains("binary")));
    let _ = fs::remove_dir_all(&home);
}

#[test]
fn arbitrary_bytes_in_any_agent_format_never_panic() {
    use agentmeter::parsers::{parse_bytes, FileContext, Format};
    let formats = [
        Format::ClaudeJsonl,
        Format::CodexJsonl,
        Format::GeminiJson,
        Format::GeminiJsonl,
        // agents-b formats.
        Format::OpenCodeJson,
        Format::SqliteDb,
        Format::PiJsonl,
        // agents2 formats.
        Format::ClineUiJson,
        Format::CodebuffJson,
        Format::DroidSettingsJson,
        Format::DroidJsonl,
        Format::CodexExecJsonl,
        Format::GeminiLogsJson,
    ];
    // A deterministic stream of awkward inputs: fragments of real JSON spliced with junk.
    let pieces: [&[u8]; 8] = [
        REAL_LINE.as_bytes(),
        b"{\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":{\"input_tokens\":-5}}}}",
        b"{\"$rewindTo\":42}",
        b"{\"$set\":{\"messages\":7}}",
        b"[1,2,3]",
        b"\xc3\x28\xa0\xa1",
        b"null",
        b"{\"id\":\"m\",\"type\":\"gemini\",\"tokens\":{\"input\":1e400}}",
    ];
    for format in formats {
        for i in 0..64usize {
            let mut input = Vec::new();
            for k in 0..6 {
                let p = pieces[(i * 7 + k * 3) % pieces.len()];
                let cut = (i * 13 + k) % (p.len() + 1);
                input.extend_from_slice(&p[..cut]);
                if (i + k) % 3 != 0 {
                    input.push(b'\n');
                }
            }
            let ctx = FileContext {
                path: format!("fuzz-{i}.jsonl"),
                session_hint: Some("s".into()),
            };
            let sink = parse_bytes(format, ctx, &input);
            let r = &sink.report;
            assert_eq!(
                r.read,
                r.candidates + r.duplicate_in_file + r.ignored + r.malformed,
                "{format:?} input {i}"
            );
        }
    }
}
