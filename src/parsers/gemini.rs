//! Gemini CLI chats under `~/.gemini/tmp/<project>/chats/`, FORMATS.md section 3.
//!
//! Two formats carry the same messages: the legacy single document `session-*.json`, rewritten
//! in place ([`GeminiJsonParser`]), and the current append-only log `*.jsonl`, replayed
//! ([`GeminiJsonlParser`]). Usage is per message: only `type: "gemini"` messages with `tokens`
//! bill anything, keyed by (session id, message id). A legacy `.json` that a newer CLI migrated to
//! a `.jsonl` beside it therefore yields the same keys twice, and the ledger keeps one copy.
//!
//! **Subagents** (gemini-cli `chatRecordingService.ts`, since 2026): a subagent's chat is its own
//! `.jsonl` log, `kind: "subagent"` in its metadata line, filed under its parent's session id:
//! `chats/<parent session id>/<subagent session id>.jsonl`. Its calls are marked sidechain and
//! belong to the parent session (as a Claude Code subagent's do); their keys keep the subagent's
//! own session id.
//!
//! Both parsers fill a [`table::Table`] of message writes and resolve it at the end of the file,
//! because a JSONL message is re-appended each time it changes and only the last usage-bearing
//! write of an id is final.
//!
//! Analytics fields (rules in `analytics`): tool calls carry their input hash, target file and
//! result size (one record holds both halves); `user` messages the user typed carry words and a
//! preview (none in a subagent's session, whose prompts the parent agent wrote); the `info`
//! notice of an automatic compression is one [`crate::model::Role::System`] record with
//! `compaction: true`.

mod analytics;
mod json;
mod jsonl;
mod prompt;
mod records;
mod result_len;
mod table;

pub use json::GeminiJsonParser;
pub use jsonl::GeminiJsonlParser;

use crate::line_report::json_reason;

/// The session a Gemini file's name implies, used only when the file names none inside: the
/// stem, which a migrated `.jsonl` shares with its legacy `.json`.
fn session_from_path(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".json"));
    stem.unwrap_or(name).to_owned()
}

/// The parent session a subagent's log is filed under: gemini-cli writes a subagent's chat to
/// `chats/<parent session id>/<subagent session id>.jsonl` (`chatRecordingService.ts`).
fn parent_from_path(path: &str) -> Option<String> {
    let mut parts = path.rsplit('/');
    let _file = parts.next()?;
    let parent = parts.next()?;
    (parts.next() == Some("chats") && !parent.is_empty()).then(|| parent.to_owned())
}

/// Why JSON could not be read: not JSON at all, or JSON of an unexpected shape.
fn shape_reason(bytes: &[u8], err: &serde_json::Error) -> String {
    if std::str::from_utf8(bytes).is_err() {
        return json_reason(bytes, err);
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) if bytes.trim_ascii_start().first() != Some(&b'{') => "not a JSON object".to_owned(),
        Ok(_) => format!("unexpected record shape: {err}"),
        Err(inner) => json_reason(bytes, &inner),
    }
}
