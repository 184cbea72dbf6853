//! OpenCode (sst/opencode, now anomalyco/opencode): its JSON storage and its SQLite database.
//!
//! **Where.** `${XDG_DATA_HOME:-~/.local/share}/opencode/` on every system (OpenCode uses the XDG
//! layout on macOS and Windows too). Versions up to early 2026 keep a JSON storage there:
//! `storage/message/<sessionID>/<messageID>.json` (one message per file),
//! `storage/part/<messageID>/<partID>.json` (one part per file), `storage/session/<projectID>/
//! <sessionID>.json`. Current versions keep the same objects in the SQLite database `opencode.db`
//! (`opencode-<channel>.db` for other release channels), in tables `message`, `part` and
//! `session` whose `data` column holds the object's JSON; on first start they copy the JSON
//! storage into the database ([`json`] and [`db`] read the two containers).
//!
//! **Usage.** An assistant message carries `modelID`, `providerID`, `time.created` (ms),
//! `tokens{input, output, reasoning, cache{read, write}, total?}`, `cost` (USD, from OpenCode's
//! own price list; 0 for subscription providers) and `path.cwd`. Counts are translated by
//! [`records::billable`]: input is already uncached, a cache write is a 5-minute write, and
//! reasoning is added to output unless the stored `total` shows it is already inside.
//!
//! **One call, one record.** A call is keyed by its start time, provider, model and exact counts
//! ([`records::call_key`]), not by the message id: forking a session copies every message under
//! a new id, and a copy must not count twice; the database row and the JSON file of one message
//! share the key the same way. Of two copies, the ledger keeps the one that knows the OpenCode
//! version (the database's, via its `session` row). Zero-count messages (a user message, a call
//! that failed before answering) carry no usage.
//!
//! **Calls inside one message.** Older versions could make several model calls in one assistant
//! message, whose `tokens` then hold only the last call's counts (each call rewrites them, while
//! `cost` adds up). Each call also wrote a step-finish part with its own counts: the database
//! reader counts the earlier calls from those parts; the JSON reader cannot (parts are separate
//! files) and counts the message's own counts only, an undercount for such messages that the
//! recorded cost beside it makes visible.
//!
//! **Recorded cost.** `cost` is kept as the record's recorded cost; the report prices every call
//! from the shared price table and shows the recorded sum beside it ([`crate::pricing`]).
//!
//! **Tools.** Tool parts (`type: "tool"`, `callID`, `tool`, `state{status, input, output,
//! time{start, end}}`): status `error` is a failed call, the duration is `end - start`, a file
//! tool's target is `input.filePath`. **Compactions**: an assistant message with `summary: true`.
//! **Not available**: git branch; the OpenCode version only from the database's `session` table.

pub mod db;
mod json;
pub(crate) mod records;

pub use json::OpenCodeJsonParser;
