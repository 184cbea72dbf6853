//! Goose (block/goose): the session database `sessions.db`.
//!
//! **Where.** Goose's data directory (`~/.local/share/goose` on Linux, `~/Library/Application
//! Support/Block.goose` on macOS, `%APPDATA%\Block\goose\data` on Windows), folder `sessions/`.
//! Goose 1.10 and later keep every session there in SQLite (`session_manager.rs`): table
//! `sessions(id, working_dir, created_at, ..., accumulated_total_tokens, accumulated_input_tokens,
//! accumulated_output_tokens, ...)` and `messages(id INTEGER PRIMARY KEY, session_id, role,
//! content_json, created_timestamp, ...)`; later schema versions add `provider_name` and
//! `model_config_json` (`{"model_name": ...}`) to `sessions`. Older versions wrote one `.jsonl`
//! per session; Goose imports those into the database when it creates it, so they are not read.
//!
//! **What Goose records is per session, not per call.** After each model call it adds the call's
//! counts to the session's `accumulated_*` columns (`update_session_metrics`); no per-call usage
//! is stored. So each session is **one record**: its accumulated input and output, dated when
//! the session was created, with the session's model when the schema has it (else no model:
//! unpriced, listed, never $0).
//!
//! **No cache split.** Goose's input count is every prompt token: for Anthropic it adds cache
//! writes and cache reads to the input (its own test: 7 input + 10 000 cache writes + 5 000 cache
//! reads = 15 007 input tokens), and the database keeps no split. They are counted as input, so
//! the cost at API rates prices cached tokens at the full input rate: an upper bound. Reasoning
//! is inside the output count; no tool calls or durations are read.
//!
//! **Identity.** A session's id (`YYYYMMDD_N`) is only unique in one database, so a record is
//! keyed by id and creation time; Goose's backup copies of the database (made before a schema
//! migration) hold the same sessions with smaller sums, and the largest (latest) sum wins.
//!
//! Units: every `sessions` row (used, or ignored when it carries no tokens) and every `messages`
//! row (ignored; counted as a message of its session).

use crate::line_report::Sink;
use crate::model::{Agent, MessageKey, MessageRecord, Role, Tokens, UsageKey, UsageRecord};
use crate::sqlite::{Database, Table, Value};

/// What identifies Goose's database.
#[must_use]
pub fn is_goose(db: &Database<'_>) -> bool {
    let has = |name: &str, cols: &[&str]| db.table(name).is_ok_and(|t| t.has_columns(cols));
    has(
        "sessions",
        &[
            "id",
            "working_dir",
            "accumulated_input_tokens",
            "accumulated_output_tokens",
        ],
    ) && has("messages", &["session_id", "role", "content_json"])
}

/// Reads the sessions and messages of a Goose database into `out`.
pub fn read(db: &Database<'_>, out: &mut Sink) {
    match db.table("sessions") {
        Ok(t) => sessions(db, &t, out),
        Err(err) => out.malformed(0, format!("table sessions: {err}")),
    }
    match db.table("messages") {
        Ok(t) => messages(db, &t, out),
        Err(err) => out.malformed(0, format!("table messages: {err}")),
    }
}

fn line(rowid: i64) -> u64 {
    u64::try_from(rowid).unwrap_or(0)
}

/// A non-negative count; NULL is 0. `Err` for a negative or non-integer value.
fn count(v: &Value) -> Result<u64, String> {
    match v {
        Value::Null => Ok(0),
        other => other
            .as_i64()
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| format!("{other:?} is not a token count")),
    }
}

fn sessions(db: &Database<'_>, t: &Table, out: &mut Sink) {
    for row in db.rows(t.root) {
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                out.malformed(0, format!("table sessions: {err}"));
                continue;
            }
        };
        let rowid = row.rowid;
        let text = |name: &str| t.value(&row, name).as_text().map(str::to_owned);
        let (input, output) = match (
            count(&t.value(&row, "accumulated_input_tokens")),
            count(&t.value(&row, "accumulated_output_tokens")),
        ) {
            (Ok(i), Ok(o)) => (i, o),
            (Err(e), _) | (_, Err(e)) => {
                out.malformed(line(rowid), format!("sessions row {rowid}: {e}"));
                continue;
            }
        };
        let tokens = Tokens {
            input,
            output,
            ..Tokens::default()
        };
        let id = text("id").unwrap_or_default();
        if tokens.is_zero() || id.is_empty() {
            out.ignored();
            continue;
        }
        let created_raw = t.value(&row, "created_at");
        let created = timestamp_ms(&created_raw);
        let model = text("model_config_json")
            .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
            .and_then(|v| {
                v.get("model_name")
                    .and_then(|m| m.as_str())
                    .map(str::to_owned)
            })
            .filter(|m| !m.trim().is_empty());
        let created_key = match created_raw.as_ref() {
            Value::Text(b) => String::from_utf8_lossy(b).into_owned(),
            other => format!("{other:?}"),
        };
        out.used(UsageRecord {
            key: UsageKey::new(Agent::Goose, &format!("{id}@{created_key}"), "session"),
            timestamp_ms: created.unwrap_or(0),
            model: model.map(Into::into),
            tokens,
            session: id.into(),
            project: text("working_dir")
                .filter(|s| !s.is_empty())
                .map(Into::into),
            git_branch: None,
            cli_version: None,
            is_sidechain: text("session_type").as_deref() == Some("sub_agent"),
            rare: None,
            source: out.source(line(rowid)),
        });
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
        let rowid = row.rowid;
        let session = t.value(&row, "session_id").as_text().map(str::to_owned);
        let role = match t.value(&row, "role").as_text() {
            Some("user") => Some(Role::User),
            Some("assistant") => Some(Role::Assistant),
            _ => None,
        };
        if let (Some(session), Some(role)) = (session, role) {
            // `created_timestamp` is in seconds.
            let ts = t
                .value(&row, "created_timestamp")
                .as_i64()
                .and_then(|s| s.checked_mul(1000));
            out.message(MessageRecord {
                key: MessageKey::new(Agent::Goose, &format!("{session}/{rowid}")),
                session: session.into(),
                role,
                timestamp_ms: ts.into(),
                words: Default::default(),
                preview: None,
                compaction: false,
                source: out.source(line(rowid)),
            });
        }
        out.ignored();
    }
}

/// `created_at`: SQLite's `CURRENT_TIMESTAMP` text (`YYYY-MM-DD HH:MM:SS`, UTC), the text sqlx
/// writes for a UTC time (with fractions and an offset), RFC 3339, or seconds since the epoch.
fn timestamp_ms(v: &Value) -> Option<i64> {
    match v {
        Value::Integer(n) => n.checked_mul(1000),
        Value::Text(_) => {
            let s = v.as_text()?.trim();
            crate::parsers::parse_timestamp_ms(s)
                .or_else(|| {
                    chrono::DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z")
                        .ok()
                        .map(|t| t.timestamp_millis())
                })
                .or_else(|| {
                    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f")
                        .ok()
                        .map(|t| t.and_utc().timestamp_millis())
                })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_times_in_every_form_goose_writes() {
        let t = |s: &str| timestamp_ms(&Value::Text(s.as_bytes().to_vec()));
        let want = Some(1_767_312_000_000);
        assert_eq!(t("2026-01-02 00:00:00"), want);
        assert_eq!(t("2026-01-02 00:00:00.000+00:00"), want);
        assert_eq!(t("2026-01-02T00:00:00Z"), want);
        assert_eq!(timestamp_ms(&Value::Integer(1_767_312_000)), want);
        assert_eq!(t("yesterday"), None);
    }
}
