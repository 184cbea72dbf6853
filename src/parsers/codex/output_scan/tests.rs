//! The fast reading against serde_json's: whenever [`object_failed`] answers, a
//! `serde_json::Value` reading of the same text (the rule's reference, itself compared with the
//! probe in `output.rs`) accepts it as an object and finds the same failure.

use proptest::prelude::*;
use serde_json::Value;

use super::object_failed;
use crate::parsers::codex::output::tests::{json_value, value_failed};

/// The reference: `Some(failed)` when serde_json reads `text` as an object, else `None`.
fn reference(text: &str) -> Option<bool> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Some(value_failed(&v)),
        _ => None,
    }
}

/// Checks one text; true when the fast reading answered.
fn agrees(text: &str) -> bool {
    let fast = object_failed(text);
    if let Some(failed) = fast {
        assert_eq!(
            Some(failed),
            reference(text),
            "fast reading differs on {text:?}"
        );
    }
    fast.is_some()
}

/// Output texts as Codex CLI wrote them, and odd ones.
const TEXTS: &[&str] = &[
    r#"{"output":"total 8\ndrwxr-xr-x 2 u u 4096 .\n","metadata":{"exit_code":0,"duration_seconds":0.1}}"#,
    r#"{"output":"error: \"x\" not found\u001b[0m\t\\","metadata":{"exit_code":1,"duration_seconds":12.5}}"#,
    r#"{"output":"caf\u00e9 \u4e2d","metadata":{"exit_code":-1}}"#,
    r#"{"output":"","metadata":{"exit_code":0,"exit_code":2}}"#,
    r#"{"metadata":{"exit_code":1},"metadata":null}"#,
    r#"{"metadata":{"exit_code":1.0}}"#,
    r#"{"metadata":{"exit_code":-0}}"#,
    r#"{"metadata":{"exit_code":9223372036854775807}}"#,
    r#"{"metadata":{"exit_code":9223372036854775808}}"#,
    r#"{"metadata":{"exit_code":-9223372036854775808}}"#,
    r#"{"metadata":{"exit_code":-9223372036854775809}}"#,
    r#"{"metadata":{"exit_code":18446744073709551616}}"#,
    r#"{"metadata":{"exit_code":1e3}}"#,
    r#"{"metadata":[{"exit_code":1}]}"#,
    r#"{"success":false}"#,
    r#"{"success":false,"success":true}"#,
    r#"{"success":true,"success":false}"#,
    r#"{"success":"false"}"#,
    r#"{"content":"Exit code: 3"}"#,
    r#"{"content":"Exit code: 3\nmore"}"#,
    r#"{"content":"{\"success\":false}"}"#,
    r#"{"content":"aborted","content":"fine"}"#,
    r#"{"content":5,"success":true}"#,
    r#"{"exit_code":1,"text":"x"}"#,
    r#"{"x":"\ud800"}"#,
    r#"{"x":"\ud83d\ude00"}"#,
    r#"{"x":"\uDFFF"}"#,
    r#"{"x":"\u00zz"}"#,
    r#"{"x":"\u+abc"}"#,
    r#"{"x":1e400}"#,
    r#"{"x":01}"#,
    r#"{"x":1.}"#,
    r#"{"x":-}"#,
    r#"{"x":[1,2,,3]}"#,
    r#"{"x":[1,2,]}"#,
    r#"{"x":{},"y":[],"z":[{}],"w":null,"v":true}"#,
    r#"{"x":1,}"#,
    r#"{"x" 1}"#,
    r#"{"x":1} "#,
    r#"{"x":1} x"#,
    r#"{ "a" : [ 1 , { "b" : "c" } ] , "metadata" : { "exit_code" : 4 } }"#,
    "{\"x\":\"tab\there\"}",
    "{\"x\":\"del\u{7f}\"}",
    "{\"x\":1}\n",
    "{\"x\":1}\u{a0}",
    r#"{"\u0073uccess":false}"#,
    r#"{}"#,
    r#"{"#,
];

#[test]
fn fixed_texts_agree_and_the_usual_shapes_are_answered() {
    let answered = TEXTS.iter().filter(|t| agrees(t)).count();
    assert!(answered >= 25, "answered {answered} of {}", TEXTS.len());
    for usual in &TEXTS[..4] {
        assert!(object_failed(usual).is_some(), "not answered: {usual}");
    }
    assert_eq!(object_failed(TEXTS[0]), Some(false));
    assert_eq!(object_failed(TEXTS[1]), Some(true));
    assert_eq!(object_failed(TEXTS[2]), Some(true));
    assert_eq!(object_failed(TEXTS[3]), Some(true));
}

#[test]
fn nesting_past_the_limit_is_left_to_serde() {
    let deep = format!("{}1{}", "{\"a\":".repeat(100), "}".repeat(100));
    assert_eq!(object_failed(&deep), None);
    let shallow = format!("{}1{}", "{\"a\":".repeat(60), "}".repeat(60));
    assert!(agrees(&shallow));
}

/// Every Codex tool output in the fixtures that is JSON text, as read by the parser.
fn fixture_texts() -> Vec<String> {
    let mut texts = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures"
    ))];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures are readable") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                let bytes = std::fs::read(&path).expect("a fixture");
                for line in String::from_utf8_lossy(&bytes).lines() {
                    let Ok(v) = serde_json::from_str::<Value>(line) else {
                        continue;
                    };
                    if let Some(text) = v.pointer("/payload/output").and_then(Value::as_str) {
                        if text.trim_start().starts_with('{') {
                            texts.push(text.trim_start().to_owned());
                        }
                    }
                }
            }
        }
    }
    texts
}

#[test]
fn fixture_outputs_agree_and_are_answered() {
    let texts = fixture_texts();
    assert!(texts.len() >= 30, "{} fixture texts", texts.len());
    let answered = texts.iter().filter(|t| agrees(t)).count();
    assert_eq!(
        answered,
        texts.len(),
        "every fixture output is the usual shape"
    );
}

#[test]
fn damaged_copies_agree() {
    let mut texts: Vec<String> = TEXTS[..4].iter().map(|t| (*t).to_owned()).collect();
    texts.extend(
        fixture_texts()
            .into_iter()
            .map(|t| t.chars().take(300).collect::<String>() + "\"}}"),
    );
    let bytes = b"\"\\\x01{}[],:0-.eu ";
    let mut checked = 0;
    for text in &texts {
        for at in 0..=text.len() {
            if !text.is_char_boundary(at) {
                continue;
            }
            agrees(&text[..at]);
            for &b in bytes {
                let c = char::from(b);
                let mut inserted = text.clone();
                inserted.insert(at, c);
                agrees(&inserted);
                if at < text.len() && text.is_char_boundary(at + 1) {
                    let mut replaced = text.clone();
                    replaced.replace_range(at..=at, c.encode_utf8(&mut [0; 4]));
                    agrees(&replaced);
                }
                checked += 2;
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

proptest! {
    #[test]
    fn generated_outputs_agree(v in json_value(), code in any::<i64>(), wrap in any::<bool>()) {
        let text = if wrap {
            format!(
                "{{\"output\":{},\"metadata\":{{\"exit_code\":{code},\"duration_seconds\":0.5}}}}",
                serde_json::to_string(&v).expect("serializes"),
            )
        } else {
            serde_json::to_string(&v).expect("serializes")
        };
        let answered = agrees(&text);
        if wrap {
            // Generated strings have no surrogate escapes: the usual shape is always answered.
            prop_assert!(answered || text.contains("\\u"), "not answered: {}", text);
        }
    }

    #[test]
    fn any_text_agrees(s in "\\{[\\[\\]{}\":,0-9a-z\\\\ .eE+-]{0,40}") {
        agrees(&s);
    }
}
