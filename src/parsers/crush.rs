//! Crush (charmbracelet/crush): the SQLite database `.crush/crush.db` in each project.
//!
//! **Format** (charmbracelet/crush 37f36e93824e5c4f892e4a817f7f628e2682fe14,
//! `internal/db/migrations/*.sql`, `internal/db/sql/*.sql`, `internal/message/message.go` and
//! `content.go`): tables `sessions(id, parent_session_id, title, message_count, prompt_tokens,
//! completion_tokens, cost, created_at, updated_at, ...)` and `messages(id, session_id, role,
//! parts, model, provider, created_at, finished_at, ...)`; times are seconds since the epoch
//! (`strftime('%s', 'now')`). `parts` is a JSON array of `{type, data}`: `text{text}`,
//! `tool_call{id, name, input, finished}`, `tool_result{tool_call_id, name, content, is_error}`,
//! `finish{reason, time}`, ...
//!
//! **No usage per call.** No message row carries token counts, and a session's `prompt_tokens`
//! and `completion_tokens` are *overwritten* by each call with that call's context size
//! (`updateSessionTokenCounters` in `internal/agent/agent.go`), so no sum of them counts anything
//! billed; only `cost`, Crush's own running estimate, accumulates, and a cost without tokens is not
//! counted either. So a Crush database gives sessions without tokens: prompts and replies, and tool
//! calls with their failures (`is_error`) and durations (the call's message time to the result's).
//!
//! **Units and fates:** every row of `sessions` and `messages` is one unit (numbered by rowid),
//! ignored (no usage); a message whose `parts` is not JSON is malformed.

use serde_json::Value as Json;

use crate::line_report::Sink;
use crate::model::{
    content_hash, prompt_summary, Agent, MessageKey, MessageRecord, Role, ToolCall, ToolKey,
};
use crate::sqlite::{Database, Table, Value};

/// What identifies a Crush database (`internal/db/migrations`).
#[must_use]
pub fn is_crush(db: &Database<'_>) -> bool {
    let has = |name: &str, cols: &[&str]| db.table(name).is_ok_and(|t| t.has_columns(cols));
    has(
        "sessions",
        &[
            "id",
            "prompt_tokens",
            "completion_tokens",
            "cost",
            "message_count",
        ],
    ) && has("messages", &["id", "session_id", "role", "parts"])
}

/// Reads the sessions and messages of a Crush database into `out`.
pub fn read(db: &Database<'_>, out: &mut Sink) {
    match db.table("sessions") {
        Ok(t) => {
            for row in db.rows(t.root) {
                match row {
                    Ok(_) => out.ignored(),
                    Err(err) => out.malformed(0, format!("table sessions: {err}")),
                }
            }
        }
        Err(err) => out.malformed(0, format!("table sessions: {err}")),
    }
    match db.table("messages") {
        Ok(t) => messages(db, &t, out),
        Err(err) => out.malformed(0, format!("table messages: {err}")),
    }
}

/// Seconds since the epoch (what Crush writes); a value too large to be seconds is read as
/// milliseconds.
fn time_ms(v: &Value) -> Option<i64> {
    let n = v.as_i64()?;
    if n > 100_000_000_000 {
        Some(n)
    } else {
        n.checked_mul(1000)
    }
}

fn messages(db: &Database<'_>, t: &Table, out: &mut Sink) {
    for row in db.rows(t.root) {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                out.malformed(0, format!("table messages: {err}"));
                continue;
            }
        };
        let number = u64::try_from(row.rowid).unwrap_or(0);
        let text = |name: &str| t.value(&row, name).as_text().map(str::to_owned);
        let Some(session) = text("session_id").filter(|s| !s.is_empty()) else {
            out.malformed(number, format!("messages row {}: no session_id", row.rowid));
            continue;
        };
        let parts: Vec<Json> = match serde_json::from_str(&text("parts").unwrap_or_default()) {
            Ok(Json::Array(parts)) => parts,
            Ok(_) | Err(_) => {
                out.malformed(
                    number,
                    format!("messages row {}: `parts` is not a JSON array", row.rowid),
                );
                continue;
            }
        };
        let ts = time_ms(&t.value(&row, "created_at"));
        let role = match text("role").as_deref() {
            Some("user") => Role::User,
            Some("assistant") => Role::Assistant,
            Some("tool") => Role::Tool,
            _ => Role::System,
        };
        let data = |p: &Json, key: &str| p.get("data").and_then(|d| d.get(key)).cloned();
        let prompt: Vec<String> = parts
            .iter()
            .filter(|p| p.get("type").and_then(Json::as_str) == Some("text"))
            .filter_map(|p| data(p, "text").and_then(|t| t.as_str().map(str::to_owned)))
            .collect();
        let (words, preview) = if role == Role::User && !prompt.is_empty() {
            let (w, p) = prompt_summary(&prompt.join("\n"));
            (Some(w), Some(p))
        } else {
            (None, None)
        };
        out.message(MessageRecord {
            key: MessageKey::new(
                Agent::Crush,
                &text("id").unwrap_or_else(|| format!("{session}/{}", row.rowid)),
            ),
            session: session.as_str().into(),
            role,
            timestamp_ms: ts.into(),
            words: words.into(),
            preview,
            compaction: false,
            source: out.source(number),
        });
        for part in &parts {
            let kind = part.get("type").and_then(Json::as_str);
            let (id, is_call) = match kind {
                Some("tool_call") => (data(part, "id"), true),
                Some("tool_result") => (data(part, "tool_call_id"), false),
                _ => continue,
            };
            let Some(id) = id.and_then(|i| i.as_str().map(str::to_owned)) else {
                continue;
            };
            let input = data(part, "input").and_then(|i| i.as_str().map(str::to_owned));
            let target = input
                .as_deref()
                .and_then(|i| serde_json::from_str::<Json>(i).ok())
                .and_then(|i| i.get("file_path").or_else(|| i.get("path")).cloned())
                .and_then(|p| p.as_str().map(str::to_owned));
            let name = data(part, "name").and_then(|n| n.as_str().map(str::to_owned));
            let target = target.filter(|_| {
                name.as_deref()
                    .is_some_and(|n| crate::parsers::cline::is_file_tool(Agent::Crush, n))
            });
            out.tool(ToolCall {
                key: ToolKey::new(Agent::Crush, session.as_str(), &id),
                session: session.as_str().into(),
                name: name.map(Into::into),
                start_ms: if is_call {
                    ts.into()
                } else {
                    Default::default()
                },
                end_ms: if is_call {
                    Default::default()
                } else {
                    ts.into()
                },
                is_error: !is_call
                    && data(part, "is_error").and_then(|e| e.as_bool()) == Some(true),
                input_hash: input.as_deref().map(|i| content_hash(i.as_bytes())).into(),
                target: target.map(Into::into),
                result_bytes: if is_call {
                    Default::default()
                } else {
                    data(part, "content")
                        .and_then(|c| c.as_str().map(|s| s.len() as u64))
                        .into()
                },
                source: out.source(number),
            });
        }
        out.ignored();
    }
}
