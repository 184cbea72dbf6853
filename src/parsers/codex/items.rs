//! Tool calls and messages from Codex `response_item` and `event_msg` lines.
//!
//! A tool call is keyed by its lineage root and `call_id`, which forks copy verbatim, so a
//! replayed call merges with the parent's, and a call never meets the result of another thread
//! family that reuses its id. Messages carry no id in any Codex version; they are keyed by their lineage,
//! a stable hash of role and content, and how many identical messages came before in the file.
//! A fork replays its parent's messages in order, so the replayed prefix gets the parent's keys.
//!
//! Analytics fields: a call's `input_hash` is [`model::content_hash`] of its `arguments` (or a
//! custom tool's `input`) string as decoded; `target` is the `file_path`/`path` of `read_file`
//! and `view_image`, or the one file an `apply_patch` patch adds, updates or deletes (none when
//! it touches several). Shell commands are never targets, even when they run `applypatch` or
//! `cat` (Codex <= 0.4x edits files that way), because the name is all that says what a call
//! does. A result's `result_bytes` is the length of the `output` string as the model received it
//! (in <= 0.4x the JSON string `{"output":…,"metadata":…}`), of its `content`, or of the `text`
//! of its content items. `local_shell_call` carries no input hash (its `action` is not read).
//!
//! [`model::content_hash`]: crate::model::content_hash

use serde_json::value::RawValue;
use serde_json::Value;

use crate::model::{
    content_hash as hash_bytes, Agent, MessageKey, MessageRecord, Role, SessionPart, Source, Text,
    ToolCall, ToolKey,
};
use crate::parsers::text::str_field;
use crate::tool_category::categorize;

use super::output::Output;
use super::records::Payload;

/// The start half of a tool call (`function_call`, `custom_tool_call`, `local_shell_call`).
/// `input` is its arguments (or custom tool input) as written ([`super::records::call_input`]).
pub(crate) fn call_start(
    p: &Payload<'_>,
    input: Option<&RawValue>,
    ts: Option<i64>,
    session: Text,
    lineage: SessionPart,
    source: Source,
) -> Option<ToolCall> {
    let name = match p.kind.as_deref() {
        Some("local_shell_call") => Some("local_shell".to_owned()),
        _ => p.name.as_deref().map(str::to_owned),
    };
    let text = input.and_then(decoded);
    let input_hash = match (&text, input) {
        (Some(text), _) => Some(hash_bytes(text.as_bytes())),
        // A string that cannot be decoded is still hashed, as written.
        (None, Some(raw)) => Some(hash_bytes(raw.get().as_bytes())),
        (None, None) => None,
    };
    let target = name
        .as_deref()
        .zip(text.as_deref())
        .and_then(|(name, text)| file_target(name, text));
    Some(ToolCall {
        key: tool_key(p, lineage)?,
        session,
        name: name.map(Text::from),
        start_ms: ts.into(),
        end_ms: Default::default(),
        // A custom tool call can carry its own terminal status.
        is_error: matches!(p.status.as_deref(), Some("failed" | "error" | "incomplete")),
        input_hash: input_hash.into(),
        target: target.map(Into::into),
        result_bytes: Default::default(),
        source,
    })
}

/// A raw JSON string, decoded; `None` for another value or an undecodable string.
fn decoded(raw: &RawValue) -> Option<String> {
    serde_json::from_str(raw.get()).ok()
}

/// The one file a file tool acts on, from its decoded input (see the module docs).
fn file_target(name: &str, input: &str) -> Option<String> {
    if !categorize(Agent::Codex, name).is_file() {
        return None;
    }
    if name == "apply_patch" {
        // A custom tool's input is the patch; a function call's arguments are `{"input": patch}`.
        return match input.trim_start().starts_with('{') {
            true => str_field(input, &["input"]).and_then(|patch| patch_target(&patch)),
            false => patch_target(input),
        };
    }
    str_field(input, &["file_path", "path"])
}

/// The file a patch acts on, when it names exactly one.
fn patch_target(patch: &str) -> Option<String> {
    const HEADERS: [&str; 3] = ["*** Add File: ", "*** Update File: ", "*** Delete File: "];
    let mut paths = patch
        .lines()
        .filter_map(|line| HEADERS.iter().find_map(|h| line.strip_prefix(h)))
        .map(str::trim);
    let first = paths.next().filter(|p| !p.is_empty())?;
    paths.all(|p| p == first).then(|| first.to_owned())
}

/// The end half of a tool call: `*_call_output` items, `exec_command_end`, `patch_apply_end`.
pub(crate) fn call_end(
    p: &Payload<'_>,
    ts: Option<i64>,
    session: Text,
    lineage: SessionPart,
    source: Source,
) -> Option<ToolCall> {
    let is_error = p.exit_code.is_some_and(|c| c != 0)
        || p.success == Some(false)
        || p.output.is_some_and(Output::failed);
    Some(ToolCall {
        key: tool_key(p, lineage)?,
        session,
        name: None,
        start_ms: Default::default(),
        end_ms: ts.into(),
        is_error,
        input_hash: Default::default(),
        target: None,
        result_bytes: p.output.and_then(Output::len).into(),
        source,
    })
}

fn tool_key(p: &Payload<'_>, lineage: SessionPart) -> Option<ToolKey> {
    let id = p.call_id.as_deref().filter(|s| !s.is_empty())?;
    Some(ToolKey::in_session(Agent::Codex, lineage, id))
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
    session: Text,
    ts: Option<i64>,
    source: Source,
) -> MessageRecord {
    MessageRecord {
        key: MessageKey::new(Agent::Codex, &format!("{lineage}/{hash:016x}/{occurrence}")),
        session,
        role,
        timestamp_ms: ts.into(),
        words: Default::default(),
        preview: None,
        compaction: false,
        source,
    }
}

/// The record of the `occurrence`-th `compacted` line of a lineage: one per compaction (a fork
/// that replays it gets the same key).
pub(crate) fn compaction(
    lineage: &str,
    occurrence: u32,
    session: Text,
    ts: Option<i64>,
    source: Source,
) -> MessageRecord {
    MessageRecord {
        key: MessageKey::new(Agent::Codex, &format!("{lineage}/compacted/{occurrence}")),
        session,
        role: Role::System,
        timestamp_ms: ts.into(),
        words: Default::default(),
        preview: None,
        compaction: true,
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
        let output_failed =
            |v: &Value| serde_json::from_value::<Output>(v.clone()).is_ok_and(Output::failed);
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
