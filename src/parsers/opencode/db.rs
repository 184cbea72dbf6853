//! OpenCode's SQLite database (`opencode.db`, `opencode-<channel>.db`).
//!
//! Tables read (OpenCode `session/session.sql.ts`, created by its Drizzle migrations):
//! - `message(id, session_id, time_created, time_updated, data)`: `data` is the message's JSON
//!   without `id` and `sessionID`, which are the columns;
//! - `part(id, message_id, session_id, time_created, time_updated, data)`: likewise for parts;
//! - `session(id, ..., version, ...)`: the OpenCode version that created the session.
//!
//! Every row of `message` and `part` is one unit of the file report. Parts are read first, so that
//! each message knows its parts: its step-finish parts (one per model call) and, for a user
//! message, its first text part (the prompt's preview).
//!
//! **Steps.** OpenCode overwrites a message's `tokens` with each model call's counts and adds up
//! its `cost` (`processor.ts`, on `finish-step`: `tokens = usage.tokens; cost += usage.cost`), and
//! writes one step-finish part per call. Current versions make one call per assistant message;
//! when a message has more step-finish parts than one (older versions looped inside a message),
//! the message's own record is its last call and each earlier step-finish part is a call of its
//! own (used); the last step-finish part repeats the message's counts (duplicate). Other parts
//! are ignored (not usage); a row whose JSON cannot be read is malformed, with its table and rowid.

use std::collections::HashMap;

use crate::line_report::Sink;
use crate::sqlite::btree::Row;
use crate::sqlite::{Database, Table};

use super::records::{self, Message, MessageCtx, OcTokens, Part};

/// What identifies OpenCode's database: these tables with these columns.
#[must_use]
pub fn is_opencode(db: &Database<'_>) -> bool {
    let has = |name: &str, cols: &[&str]| db.table(name).is_ok_and(|t| t.has_columns(cols));
    has("message", &["id", "session_id", "data"])
        && has("part", &["id", "message_id", "session_id", "data"])
}

/// One step-finish part: its part id (ids ascend in time), tokens, cost and row.
struct Step {
    part_id: String,
    tokens: OcTokens,
    cost: Option<f64>,
    rowid: i64,
}

/// Reads the database's messages and parts into `out`.
pub fn read(db: &Database<'_>, out: &mut Sink) {
    let versions = session_versions(db);
    let mut steps: HashMap<String, Vec<Step>> = HashMap::new();
    let mut first_text: HashMap<String, String> = HashMap::new();
    match db.table("part") {
        Ok(t) => read_parts(db, &t, out, &mut steps, &mut first_text),
        Err(err) => out.malformed(0, format!("table part: {err}")),
    }
    match db.table("message") {
        Ok(t) => read_messages(db, &t, out, &versions, &mut steps, &first_text),
        Err(err) => out.malformed(0, format!("table message: {err}")),
    }
    // Steps of messages the message table does not hold (deleted with their message in a newer
    // write, or a damaged page): without a message there is no model or time to count them by.
    for (message, list) in steps {
        for step in list {
            out.malformed(
                u64::try_from(step.rowid).unwrap_or(0),
                format!(
                    "part row {}: step-finish of message {message}, which the message table does not hold",
                    step.rowid
                ),
            );
        }
    }
}

/// `session.id -> session.version`, when the table is there.
fn session_versions(db: &Database<'_>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let Ok(t) = db.table("session") else {
        return out;
    };
    for row in db.rows(t.root).flatten() {
        if let (Some(id), Some(version)) = (
            t.value(&row, "id").as_text().map(str::to_owned),
            t.value(&row, "version").as_text().map(str::to_owned),
        ) {
            if !version.is_empty() {
                out.insert(id, version);
            }
        }
    }
    out
}

fn line(rowid: i64) -> u64 {
    u64::try_from(rowid).unwrap_or(0)
}

fn text_col(t: &Table, row: &Row, name: &str) -> Option<String> {
    t.value(row, name).as_text().map(str::to_owned)
}

fn read_parts(
    db: &Database<'_>,
    t: &Table,
    out: &mut Sink,
    steps: &mut HashMap<String, Vec<Step>>,
    first_text: &mut HashMap<String, String>,
) {
    for row in db.rows(t.root) {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                out.malformed(0, format!("table part: {err}"));
                continue;
            }
        };
        let rowid = row.rowid;
        let data = t.value(&row, "data");
        let Some(bytes) = data.as_bytes() else {
            out.malformed(line(rowid), format!("part row {rowid}: no `data`"));
            continue;
        };
        let p: Part<'_> = match serde_json::from_slice(bytes) {
            Ok(p) => p,
            Err(err) => {
                let why = crate::line_report::json_reason(bytes, &err);
                out.malformed(line(rowid), format!("part row {rowid}: {why}"));
                continue;
            }
        };
        let message = text_col(t, &row, "message_id").unwrap_or_default();
        let session = text_col(t, &row, "session_id").unwrap_or_default();
        let source = out.source(line(rowid));
        match p.kind.as_deref() {
            Some("step-finish") => {
                steps.entry(message).or_default().push(Step {
                    part_id: text_col(t, &row, "id").unwrap_or_default(),
                    tokens: p.tokens.unwrap_or_default(),
                    cost: p.cost,
                    rowid,
                });
                // Its fate is given with its message's.
                continue;
            }
            Some("tool") => {
                if let Some(call) = records::tool_call(&p, &session, source) {
                    out.tool(call);
                }
            }
            Some("text") if p.synthetic != Some(true) => {
                if let Some(text) = p.text.as_deref().filter(|s| !s.trim().is_empty()) {
                    first_text.entry(message).or_insert_with(|| {
                        text.chars().take(crate::model::PREVIEW_CHARS * 4).collect()
                    });
                }
            }
            _ => {}
        }
        out.ignored();
    }
}

fn read_messages(
    db: &Database<'_>,
    t: &Table,
    out: &mut Sink,
    versions: &HashMap<String, String>,
    steps: &mut HashMap<String, Vec<Step>>,
    first_text: &HashMap<String, String>,
) {
    for row in db.rows(t.root) {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                out.malformed(0, format!("table message: {err}"));
                continue;
            }
        };
        let rowid = row.rowid;
        let id = text_col(t, &row, "id").unwrap_or_default();
        let data = t.value(&row, "data");
        let mut own_steps = steps.remove(&id).unwrap_or_default();
        let Some(bytes) = data.as_bytes() else {
            out.malformed(line(rowid), format!("message row {rowid}: no `data`"));
            for _ in own_steps {
                out.ignored();
            }
            continue;
        };
        let m: Message<'_> = match serde_json::from_slice(bytes) {
            Ok(m) => m,
            Err(err) => {
                let why = crate::line_report::json_reason(bytes, &err);
                out.malformed(line(rowid), format!("message row {rowid}: {why}"));
                // The message's steps cannot be priced without it: they go with it.
                for step in own_steps {
                    out.malformed(
                        line(step.rowid),
                        format!(
                            "part row {}: step-finish of unreadable message row {rowid}",
                            step.rowid
                        ),
                    );
                }
                continue;
            }
        };
        let session = text_col(t, &row, "session_id").unwrap_or_default();
        let ctx = MessageCtx {
            id: &id,
            session: &session,
            fallback_ms: t.value(&row, "time_created").as_i64(),
            cli_version: versions.get(&session).map(String::as_str),
            source: out.source(line(rowid)),
        };
        if let Some(msg) = records::message(&m, &ctx, first_text.get(&id).map(String::as_str)) {
            out.message(msg);
        }
        own_steps.sort_by(|a, b| (&a.part_id, a.rowid).cmp(&(&b.part_id, b.rowid)));
        let last = own_steps.pop();
        // Earlier calls of a message that made several: each its own record.
        let tokens = m.tokens.unwrap_or_default();
        // The last step-finish part repeats the message's counts, unless they differ (then it
        // is a call of its own, like the earlier ones).
        let last = match last {
            Some(step) if step.tokens != tokens => {
                own_steps.push(step);
                None
            }
            other => other,
        };
        // Earlier calls of a message that made several: each its own record.
        for (k, step) in own_steps.iter().enumerate() {
            let step_ctx = MessageCtx {
                source: out.source(line(step.rowid)),
                ..ctx.clone()
            };
            match records::usage(&m, &step_ctx, &step.tokens, step.cost, Some(k + 1)) {
                Some(record) => out.used(record),
                None => out.ignored(),
            }
        }
        // The message holds the last call's counts; its `cost` is the sum over all its calls, so
        // when the calls are known the last one's own cost is what is recorded beside it.
        let recorded = match &last {
            Some(step) if !own_steps.is_empty() => step.cost,
            _ => m.cost,
        };
        match records::usage(&m, &ctx, &tokens, recorded, None) {
            Some(record) => out.used(record),
            None => out.ignored(),
        }
        if last.is_some() {
            out.duplicate();
        }
    }
}
