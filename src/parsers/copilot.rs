//! GitHub Copilot CLI sessions: the current event log and the older history documents.
//!
//! **Event log** (`~/.copilot/session-state/<session id>/events.jsonl`, [`CopilotEventsParser`]).
//! One JSON event per line, `{type, data, id, timestamp, parentId}`, appended as the session runs:
//! `session.start` (session id, CLI version, `context{cwd, gitRoot, branch, repository}`),
//! `session.model_change`, `user.message`, `assistant.message` (with `outputTokens` and
//! `requestId`), `tool.execution_start` / `tool.execution_complete`, and `session.shutdown`.
//!
//! Where the tokens are, and why they are counted the way they are:
//! - **`session.shutdown` is authoritative.** When the CLI exits it writes, per model,
//!   `modelMetrics.<model>.usage{inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens,
//!   reasoningTokens}` and `requests{count, cost}`. That is the only place input and cache
//!   figures exist (the per-call `assistant.usage` event is ephemeral and never written to disk).
//!   Each model entry becomes one usage record, dated at the shutdown.
//! - **Per-message `outputTokens` are already inside it.** Every `assistant.message` carries the
//!   output of its call, and in a closed segment they add up to the shutdown's `outputTokens`
//!   (the real fixture: 311 + 170 + 141 + 153 + 1379 + 694 = 2848). Adding them on top would count
//!   output twice, so in a segment that ends with a shutdown they are duplicates.
//! - **A segment without a shutdown** (the CLI crashed, `/new` left it, or it is still running:
//!   copilot-cli issue #3994) has no input figures at all. Its messages' `outputTokens` are then
//!   the only record of the spend and are counted as output-only calls, rather than dropped.
//! - **Resumes.** A resumed session appends to the same file and writes another shutdown when it
//!   ends; the CLI resets its counters on resume, so each shutdown covers its own segment and
//!   they are summed (one record per shutdown event and model, keyed by the event's id).
//!   A segment runs from `session.start`/`session.resume` to its `session.shutdown`.
//! - **Input includes the cache.** `inputTokens` is the total of every kind of input, cached
//!   included, and `outputTokens` includes reasoning (github/copilot-sdk issue #1160, answered by
//!   a maintainer; the SDK's event docs call `reasoningTokens` a subset of `outputTokens`). So
//!   uncached input = `inputTokens - cacheReadTokens - cacheWriteTokens`, split out once; a cache
//!   write is priced at the 5-minute rate (the CLI records no lifetime).
//! - **Premium requests** (`requests.cost`, the plan's billing unit) are kept beside the tokens in
//!   [`crate::model::UsageRecord::premium_requests`], never turned into dollars.
//!
//! Fates: a shutdown's unit is each of its model entries (like a Gemini checkpoint's messages),
//! so that every usage record has a unit of its own; a shutdown with no model entry is one
//! ignored unit. Every other event is ignored (it carries no usage), an event without a `type`
//! is malformed.
//!
//! **History documents** (`~/.copilot/history-session-state/session_*.json`,
//! [`CopilotHistoryParser`]): the 2025 CLI kept each session as one JSON document
//! `{sessionId, startTime, chatMessages, timeline}` with no token counts. Its timeline entries
//! give the session's messages and tool calls; every entry is an ignored unit (nothing to bill),
//! and the session is listed with zero tokens.

mod events;
mod history;
mod records;

pub use events::CopilotEventsParser;
pub use history::CopilotHistoryParser;

/// The session a Copilot file's path implies, used only when the file names none inside: the
/// folder of an `events.jsonl` (`session-state/<id>/events.jsonl`), else the file's stem.
fn session_from_path(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let name = parts.next().unwrap_or(path);
    if name == "events.jsonl" {
        if let Some(folder) = parts.next().filter(|f| !f.is_empty()) {
            return folder.to_owned();
        }
    }
    let stem = name
        .strip_suffix(".jsonl")
        .or_else(|| name.strip_suffix(".json"))
        .unwrap_or(name);
    stem.strip_prefix("session_").unwrap_or(stem).to_owned()
}

#[cfg(test)]
mod tests {
    use super::session_from_path;

    #[test]
    fn the_session_folder_names_an_event_log() {
        assert_eq!(
            session_from_path("a/session-state/96ef/events.jsonl"),
            "96ef"
        );
        assert_eq!(session_from_path("events.jsonl"), "events");
        assert_eq!(
            session_from_path("h/history-session-state/session_0b2a.json"),
            "0b2a"
        );
    }
}
