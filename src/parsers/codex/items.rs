//! Tool calls and messages from Codex `response_item` and `event_msg` lines.
//!
//! A tool call is keyed by its lineage root and `call_id`, which forks copy verbatim, so a
//! replayed call merges with the parent's, and a call never meets the result of another thread
//! family that reuses its id. Messages carry no id in any Codex version; they are keyed by their lineage,
//! a stable hash of role and content, and how many identical messages came before in the file.
//! A fork replays its parent's messages in order, so the replayed prefix gets the parent's keys.

use serde_json::Value;

use crate::model::{Agent, MessageKey, MessageRecord, Role, Source, ToolCall, ToolKey};

use super::records::Payload;

/// The start half of a tool call (`function_call`, `custom_tool_call`, `local_shell_call`).
pub(crate) fn call_start(
    p: &Payload<'_>,
    ts: Option<i64>,
    session: &str,
    lineage: &str,
    source: Source,
) -> Option<ToolCall> {
    let name = match p.kind.as_deref() {
        Some("local_shell_call") => Some("local_shell".to_owned()),
        _ => p.name.as_deref().map(str::to_owned),
    };
    Some(ToolCall {
        key: tool_key(p, lineage)?,
        session: session.to_owned(),
        name,
        start_ms: ts,
        end_ms: None,
        // A custom tool call can carry its own terminal status.
        is_error: matches!(p.status.as_deref(), Some("failed" | "error" | "incomplete")),
        input_hash: None,
        target: None,
        result_bytes: None,
        source,
    })
}

/// The end half of a tool call: `*_call_output` items, `exec_command_end`, `patch_apply_end`.
pub(crate) fn call_end(
    p: &Payload<'_>,
    ts: Option<i64>,
    session: &str,
    lineage: &str,
    source: Source,
) -> Option<ToolCall> {
    let is_error = p.exit_code.is_some_and(|c| c != 0)
        || p.success == Some(false)
        || p.output.as_ref().is_some_and(output_failed);
    Some(ToolCall {
        key: tool_key(p, lineage)?,
        session: session.to_owned(),
        name: None,
        start_ms: None,
        end_ms: ts,
        is_error,
        input_hash: None,
        target: None,
        result_bytes: None,
        source,
    })
}

fn tool_key(p: &Payload<'_>, lineage: &str) -> Option<ToolKey> {
    let id = p.call_id.as_deref().filter(|s| !s.is_empty())?;
    Some(ToolKey {
        agent: Agent::Codex,
        session: lineage.to_owned(),
        id: id.to_owned(),
    })
}

/// Whether a tool output reports failure: a non-zero exit code (the JSON string
/// `{"output","metadata":{"exit_code"}}` of <= 0.4x, or newer plain text `Exit code: N`), an
/// object with `success: false`, or an aborted call.
fn output_failed(output: &Value) -> bool {
    match output {
        Value::String(text) => text_failed(text),
        Value::Object(map) => {
            map.get("success").and_then(Value::as_bool) == Some(false)
                || map
                    .get("metadata")
                    .and_then(|m| m.get("exit_code"))
                    .and_then(Value::as_i64)
                    .is_some_and(|c| c != 0)
                || map
                    .get("content")
                    .and_then(Value::as_str)
                    .is_some_and(text_failed)
        }
        _ => false,
    }
}

fn text_failed(text: &str) -> bool {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        if let Ok(inner @ Value::Object(_)) = serde_json::from_str::<Value>(trimmed) {
            return output_failed(&inner);
        }
    }
    if let Some(rest) = trimmed.strip_prefix("Exit code:") {
        let code: String = rest
            .trim_start()
            .chars()
            .take_while(|c| *c == '-' || c.is_ascii_digit())
            .collect();
        return code.parse::<i64>().is_ok_and(|c| c != 0);
    }
    trimmed.starts_with("aborted")
}

/// The role of a `response_item` message, `None` for roles we do not count.
pub(crate) fn role(p: &Payload<'_>) -> Option<Role> {
    match p.role.as_deref()? {
        "user" => Some(Role::User),
        "assistant" => Some(Role::Assistant),
        "developer" | "system" => Some(Role::System),
        "tool" => Some(Role::Tool),
        _ => None,
    }
}

/// A stable hash of a message's role and content: not randomised per process, and independent
/// of how `serde_json` orders object keys in this build (object keys are hashed sorted), so the
/// CLI and the browser app key the same message alike.
pub(crate) fn content_hash(role: &str, content: Option<&Value>) -> u64 {
    let h = fnv1a(FNV_OFFSET, role.as_bytes());
    match content {
        Some(v) => hash_value(h, v),
        None => h,
    }
}

fn hash_value(h: u64, v: &Value) -> u64 {
    match v {
        Value::Null => fnv1a(h, b"n"),
        Value::Bool(b) => fnv1a(h, if *b { b"t" } else { b"f" }),
        Value::Number(n) => fnv1a(fnv1a(h, b"#"), n.to_string().as_bytes()),
        Value::String(s) => fnv1a(fnv1a(fnv1a(h, b"\""), s.as_bytes()), b"\""),
        Value::Array(items) => {
            let h = items.iter().fold(fnv1a(h, b"["), hash_value);
            fnv1a(h, b"]")
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let h = keys.into_iter().fold(fnv1a(h, b"{"), |h, k| {
                let h = fnv1a(fnv1a(h, k.as_bytes()), b":");
                map.get(k).map_or(h, |v| hash_value(h, v))
            });
            fnv1a(h, b"}")
        }
    }
}

/// A message record keyed by `lineage/hash/occurrence`.
pub(crate) fn message(
    lineage: &str,
    hash: u64,
    occurrence: u32,
    role: Role,
    session: &str,
    ts: Option<i64>,
    source: Source,
) -> MessageRecord {
    MessageRecord {
        key: MessageKey {
            agent: Agent::Codex,
            id: format!("{lineage}/{hash:016x}/{occurrence}"),
        },
        session: session.to_owned(),
        role,
        timestamp_ms: ts,
        words: None,
        preview: None,
        compaction: false,
        source,
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(mut h: u64, bytes: &[u8]) -> u64 {
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_read_from_every_output_shape() {
        let s = |t: &str| Value::String(t.to_owned());
        assert!(!output_failed(&s("Plan updated")));
        assert!(!output_failed(&s(
            r#"{"output":"ok","metadata":{"exit_code":0,"duration_seconds":0.0}}"#
        )));
        assert!(output_failed(&s(
            r#"{"output":"no","metadata":{"exit_code":2}}"#
        )));
        assert!(output_failed(&s(
            "Exit code: 1\nWall time: 0.2 seconds\nOutput:"
        )));
        assert!(!output_failed(&s("Exit code: 0\nWall time: 0.2 seconds")));
        assert!(output_failed(&s("aborted by user")));
        assert!(output_failed(
            &serde_json::json!({"content": "x", "success": false})
        ));
    }

    #[test]
    fn content_hash_is_stable() {
        let v = serde_json::json!([{"type": "input_text", "text": "hi"}]);
        assert_eq!(
            content_hash("user", Some(&v)),
            content_hash("user", Some(&v))
        );
        assert_ne!(
            content_hash("user", Some(&v)),
            content_hash("assistant", Some(&v))
        );
    }
}
