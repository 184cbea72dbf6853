//! The fast reading against serde_json's, on fixture lines, damaged copies and generated lines.

use super::*;
use proptest::prelude::*;

/// Whenever the fast reading answers, serde_json reads the line identically.
fn agree(line: &str) -> bool {
    let Some(fast) = full_line(line) else {
        return false;
    };
    if let Some(Content::Blocks(blocks)) = fast
        .message
        .as_ref()
        .and_then(LaxObj::get)
        .map(|m| &m.content)
    {
        for raw in blocks.iter().filter_map(|b| b.content) {
            if let Some(len) = raw.str_len {
                let expected = crate::parsers::text::json_str_len(raw.json);
                assert_eq!(Some(len), expected, "length of {}", raw.json);
            }
        }
    }
    match serde_json::from_str::<FullLine<'_>>(line) {
        Ok(slow) => assert_eq!(format!("{fast:?}"), format!("{slow:?}"), "line: {line}"),
        Err(err) => panic!("serde_json rejects what the fast reading read ({err}): {line}"),
    }
    true
}

/// Every line of the Claude fixtures.
fn fixture_lines() -> Vec<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                let bytes = std::fs::read(&path).expect("fixture reads");
                out.extend(
                    String::from_utf8_lossy(&bytes)
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(str::to_owned),
                );
            }
        }
    }
    let mut out = Vec::new();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/claude");
    walk(&root, &mut out);
    assert!(out.len() > 1000, "the Claude fixtures are there");
    out
}

#[test]
fn fixture_lines_read_as_serde_reads_them() {
    let lines = fixture_lines();
    let (mut answered, mut readable) = (0, 0);
    for line in &lines {
        answered += usize::from(agree(line));
        let serde_reads = serde_json::from_str::<FullLine<'_>>(line).is_ok();
        // The lines this reading leaves to serde on purpose: progress payloads and costs.
        let left_on_purpose = line.contains("\"data\"") || line.contains("\"costUSD\":");
        readable += usize::from(serde_reads && !left_on_purpose);
    }
    // Not a reading that declines everything: nearly every plain line is answered.
    assert!(
        answered * 100 >= readable * 98,
        "answered {answered} of {readable}"
    );
}

#[test]
fn refusals() {
    for line in [
        r#"{"type":"user","type":"user"}"#,
        r#"{"message":{"usage":{"input_tokens":1.0}}}"#,
        r#"{"message":{"usage":{"input_tokens":-1}}}"#,
        r#"{"message":{"usage":{"input_tokens":18446744073709551616}}}"#,
        r#"{"type":"\ud83d"}"#,
        r#"{"ty\u0070e":"user"}"#,
        r#"{"type":1e999}"#,
        r#"{"costUSD":0.5}"#,
        r#"{"data":null}"#,
        "{\"type\":\"a\tb\"}",
        r#"{"type":"user",}"#,
        r#"{"type":"user"} x"#,
        r#"{"message":{"content":[1]}}"#,
    ] {
        assert!(full_line(line).is_none(), "{line}");
    }
    let deep = format!("{{\"x\":{}{}}}", "[".repeat(100), "]".repeat(100));
    assert!(full_line(&deep).is_none());
}

#[test]
fn escapes_where_serde_skips_them_are_read() {
    let line = r#"{"type":"user","message":{"content":[{"type":"tool_result","tool_use_id":"t1","content":"a\ud83d\n"}]},"toolUseResult":"\ud800"}"#;
    assert!(agree(line));
    assert!(agree(r#" {"type":"a\"b","cwd":"C:\\x"} "#));
}

const KEYS: &[&str] = &[
    "type",
    "uuid",
    "timestamp",
    "sessionId",
    "cwd",
    "version",
    "gitBranch",
    "requestId",
    "isSidechain",
    "isApiErrorMessage",
    "subtype",
    "isMeta",
    "isCompactSummary",
    "costUSD",
    "message",
    "data",
    "id",
    "model",
    "usage",
    "content",
    "input_tokens",
    "output_tokens",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "cache_creation",
    "speed",
    "ephemeral_5m_input_tokens",
    "ephemeral_1h_input_tokens",
    "name",
    "tool_use_id",
    "is_error",
    "input",
    "toolUseResult",
    "ty\\u0070e",
    "x",
];

/// Scalars serde_json reads everywhere, and (rarer, below) ones it rejects somewhere.
const SCALARS: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "12",
    "1.5",
    "-3",
    "18446744073709551615",
    "\"\"",
    "\"a\"",
    "\"\\n\"",
    "\"\\ud83d\\ude00\"",
    "\"\\u00e9\"",
    "\"a\\\"b\"",
    "\"tool_result\"",
    "\"tool_use\"",
    "\"user\"",
    "\"assistant\"",
    "\"é\"",
];
const ODD_SCALARS: &[&str] = &[
    "-0",
    "1e400",
    "01",
    "1.",
    "-",
    "18446744073709551616",
    "\"\\ud83d\"",
    "\"\\x\"",
    "\"a\tb\"",
    "\"\\u12\"",
    "nul",
    "tru",
];

/// JSON-like values over the keys this reading declares, with valid and invalid scalars,
/// repeated keys, odd spacing and nesting.
fn value_text() -> impl Strategy<Value = String> {
    let space = prop_oneof![Just(""), Just(""), Just(" "), Just("\t")];
    let scalar = prop_oneof![
        12 => prop::sample::select(SCALARS),
        1 => prop::sample::select(ODD_SCALARS),
    ];
    let leaf = (scalar, space.clone()).prop_map(|(s, sp)| format!("{sp}{s}{sp}"));
    leaf.prop_recursive(5, 40, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(","))),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|members| {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", members.join(","))
            }),
        ]
    })
}

/// A line: an object of such members.
fn line_text() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(KEYS), value_text()), 0..8).prop_map(|members| {
        let members: Vec<String> = members
            .iter()
            .map(|(k, v)| format!("\"{k}\":{v}"))
            .collect();
        format!("{{{}}}", members.join(","))
    })
}

#[test]
fn generated_lines_are_often_answered() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = line_text();
    let answered = (0..2000)
        .filter(|_| {
            let line = strategy.new_tree(&mut runner).expect("generates").current();
            agree(&line)
        })
        .count();
    // The generator is not so hostile that the comparison below never compares anything.
    assert!(answered >= 200, "answered {answered} of 2000");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn tool_results_are_measured_as_json_str_len_measures(
        pieces in prop::collection::vec(prop::sample::select(&[
            r"\n", r"\\", r"\ud83d\ude00", r"\ud83d", r"\ude00", r"\u00e9", r"\u20ac",
            r"\u0041", "a", "é", "😀", r"\\u0041", r#"\""#, r"\/", r"\t", "plain text ",
        ][..]), 0..40),
    ) {
        let line = format!(
            r#"{{"type":"user","message":{{"content":[{{"type":"tool_result","tool_use_id":"t","content":"{}"}}]}}}}"#,
            pieces.concat()
        );
        prop_assert!(agree(&line), "a valid line is answered: {}", line);
    }

    #[test]
    fn generated_lines_agree(line in line_text()) {
        agree(&line);
    }

    #[test]
    fn damaged_fixture_lines_agree(
        pick in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in prop::sample::select(&b"\"\\{}[],:0-.eutnf \tx\x01"[..]),
        how in 0..4u8,
    ) {
        thread_local! {
            static LINES: Vec<String> = fixture_lines()
                .into_iter()
                .filter(|l| l.contains("\"tool_") || l.contains("\"usage\""))
                .collect();
        }
        let line = LINES.with(|lines| pick.get(lines).clone());
        let mut bytes = line.into_bytes();
        let at = at.index(bytes.len() + 1);
        match how {
            0 => bytes.truncate(at),
            1 => bytes.insert(at, byte),
            2 if at < bytes.len() => bytes[at] = byte,
            _ => {
                // A repeated member: the line's first key and value, written twice.
                if let Some(comma) = bytes.iter().position(|b| *b == b',') {
                    let first = bytes[1..=comma].to_vec();
                    bytes.splice(1..1, first);
                }
            }
        }
        if let Ok(text) = String::from_utf8(bytes) {
            agree(&text);
        }
    }
}
