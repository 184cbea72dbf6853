//! Factory Droid session settings: `~/.factory/sessions/<encoded cwd>/<session id>.settings.json`.
//!
//! **Format.** Droid is closed source. Factory's own Python SDK (PyPI `droid-sdk`,
//! `_high_level/discovery.py`) documents the layout: `<session id>.jsonl` (the message history,
//! opening with a `session_start` line) and `<session id>.settings.json` beside it. The settings
//! file's usage fields are established from public peer readers, not from Factory (docs/formats.md
//! names them): one JSON object holding the session's **aggregate** `tokenUsage{inputTokens,
//! outputTokens, cacheCreationTokens, cacheReadTokens, thinkingTokens}`, the session's `model`,
//! `providerLock` and `providerLockTimestamp`. Droid rewrites the object in place as the session
//! spends tokens, so the file is a snapshot of a running total.
//!
//! **One record per session.** The total is one usage record keyed by the session id (the file
//! name without `.settings.json`), so a copy of the file read under another path, or the same file
//! read again, is one record; of two snapshots of one session the larger total wins (the ledger's
//! [`crate::ledger::prefer_usage`]), which is the later one because the total only grows.
//!
//! **Meaning of the counts (an assumption).** Neither Factory nor the peers define whether the
//! counts overlap. They are read as non-overlapping, the way every peer sums them: `inputTokens`
//! is uncached input, `cacheCreationTokens` cache writes (priced at the 5-minute write rate),
//! `cacheReadTokens` cache reads, and `thinkingTokens` is counted apart from `outputTokens`, so
//! output = `outputTokens + thinkingTokens` and `reasoning` = `thinkingTokens`.
//!
//! **Time.** The record is dated by `providerLockTimestamp` (when the session chose its provider,
//! i.e. near its start): a session total has no better date in the file. Without one the record
//! is dated at the epoch and noted as repaired, never dropped.
//!
//! **Units and fates:** the file is one unit. A total is used; a file without `tokenUsage`, or
//! with all counts zero, is a session without tokens (ignored); a file that is not a JSON object,
//! or whose counts are not non-negative integers, is malformed with the reason.

use serde::Deserialize;
use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{Agent, Tokens, UsageKey, UsageRecord};
use crate::parsers::{parse_timestamp_ms, DocumentParser, FileContext};

/// The largest settings file read (1 MiB; a real one is a few hundred bytes).
const MAX_BYTES: usize = 1 << 20;

/// The usage key's id: one total per session.
const SESSION_TOTAL: &str = "session-total";

/// Reads one `<session id>.settings.json`.
pub struct DroidSettingsParser {
    ctx: FileContext,
}

impl DroidSettingsParser {
    /// A parser for the file at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        DroidSettingsParser { ctx }
    }
}

/// The settings object: only what a figure needs.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Settings {
    #[serde(default)]
    model: Option<Value>,
    #[serde(default)]
    provider_lock_timestamp: Option<Value>,
    #[serde(default)]
    token_usage: Option<Value>,
}

/// The five counts of `tokenUsage`, in its field order.
const FIELDS: [&str; 5] = [
    "inputTokens",
    "outputTokens",
    "cacheCreationTokens",
    "cacheReadTokens",
    "thinkingTokens",
];

impl DocumentParser for DroidSettingsParser {
    fn max_bytes(&self) -> usize {
        MAX_BYTES
    }

    fn document(&mut self, bytes: &[u8], out: &mut Sink) {
        let settings: Settings = match serde_json::from_slice(bytes) {
            Ok(s) => s,
            Err(err) => {
                out.malformed(1, format!("document: {}", json_reason(bytes, &err)));
                return;
            }
        };
        let usage = match settings.token_usage {
            None | Some(Value::Null) => {
                out.ignored();
                return;
            }
            Some(Value::Object(map)) => map,
            Some(_) => {
                out.malformed(1, "`tokenUsage` is not an object");
                return;
            }
        };
        let mut counts = [0u64; 5];
        for (count, field) in counts.iter_mut().zip(FIELDS) {
            match usage.get(field) {
                None | Some(Value::Null) => {}
                Some(v) => match v.as_u64() {
                    Some(n) => *count = n,
                    None => {
                        out.malformed(
                            1,
                            format!("`tokenUsage.{field}` is not a non-negative integer: {v}"),
                        );
                        return;
                    }
                },
            }
        }
        let [input, output, cache_write, cache_read, thinking] = counts;
        let tokens = Tokens {
            input,
            output: output.saturating_add(thinking),
            cache_write_5m: cache_write,
            cache_write_1h: 0,
            cache_read,
            reasoning: thinking,
        };
        if tokens.is_zero() {
            out.ignored();
            return;
        }
        let timestamp = settings
            .provider_lock_timestamp
            .as_ref()
            .and_then(Value::as_str)
            .and_then(parse_timestamp_ms);
        if timestamp.is_none() {
            out.repaired(
                1,
                "no readable `providerLockTimestamp`: the session total is dated 1970-01-01",
            );
        }
        let session = session_of(&self.ctx.path);
        out.used(UsageRecord {
            key: UsageKey::new(Agent::Droid, &session, SESSION_TOTAL),
            timestamp_ms: timestamp.unwrap_or(0),
            model: settings
                .model
                .as_ref()
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|m| !m.is_empty())
                .map(Into::into),
            tokens,
            session: session.into(),
            project: project_of(&self.ctx.path).map(Into::into),
            git_branch: None,
            cli_version: None,
            is_sidechain: false,
            rare: None,
            source: out.source(1),
        });
    }
}

/// The session id: the file name without `.settings.json`.
#[must_use]
pub fn session_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".settings.json")
        .filter(|s| !s.is_empty())
        .unwrap_or(name)
        .to_owned()
}

/// The project: the folder holding the file, Droid's working directory with `/` written as `-`
/// (kept as written: the encoding cannot be undone when a folder name holds a `-`).
fn project_of(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    let _file = parts.next();
    parts
        .next()
        .filter(|p| !p.is_empty() && *p != "sessions")
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_is_the_file_name_and_the_project_its_folder() {
        assert_eq!(session_of("a/-home-u-p/abc.settings.json"), "abc");
        assert_eq!(
            project_of("a/-home-u-p/abc.settings.json").as_deref(),
            Some("-home-u-p")
        );
        assert_eq!(project_of("sessions/abc.settings.json"), None);
        assert_eq!(project_of("abc.settings.json"), None);
    }
}
