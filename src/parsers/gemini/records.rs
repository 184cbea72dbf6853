//! The serde shapes of Gemini CLI chat records (gemini-cli `chatRecordingTypes.ts`).
//!
//! One [`Record`] type reads a JSONL line and a message of a legacy document alike: a message
//! record (string `id`), the JSONL metadata line (`sessionId`, `projectHash`, `kind`), a `$set`
//! update or a `$rewindTo` marker. Only what a figure needs is declared; message content and
//! thoughts are skipped by serde without being kept, and so are tool arguments and results
//! unless the record is read for the analytics too ([`LineRecord`], `analytics`). Labels are read
//! leniently ([`crate::parsers::lenient`]); a message id and a `tokens` block are strict, so a
//! record whose identity or usage cannot be read is reported as malformed rather than guessed.

use std::borrow::Cow;

use serde::de::{Deserializer, IgnoredAny};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::parsers::lenient::opt_str;

use super::result_len::ResultLen;

/// One JSONL line, or one message of a legacy `.json` document.
///
/// `R` is how a tool call's arguments are read and `L` how its result is: skipped
/// ([`Skipped`]) for a record read from a `serde_json::Value` (the analytics read that value
/// again), kept raw and measured for a JSONL line ([`LineRecord`]).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record<'a, R = Skipped, L = Skipped> {
    #[serde(borrow, default)]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub timestamp: Option<Cow<'a, str>>,
    /// `user`, `gemini`, `info`, `error`, `warning`.
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_str")]
    pub kind: Option<Cow<'a, str>>,
    /// Absent or `null` until the response's usage metadata arrives.
    #[serde(default)]
    pub tokens: Option<GeminiTokens>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub model: Option<Cow<'a, str>>,
    #[serde(borrow, default = "none")]
    pub tool_calls: Option<Vec<GeminiToolCall<'a, R, L>>>,
    // The metadata line.
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub project_hash: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub start_time: Option<Cow<'a, str>>,
    /// `main` or `subagent`.
    #[serde(rename = "kind", borrow, default, deserialize_with = "opt_str")]
    pub session_kind: Option<Cow<'a, str>>,
    /// `{"$set": {...}}`: a metadata update, or with `messages` a checkpoint of the whole table.
    #[serde(rename = "$set", default)]
    pub set: Option<SetBody>,
    /// `{"$rewindTo": "<id>"}`.
    #[serde(rename = "$rewindTo", default)]
    pub rewind_to: Option<Value>,
}

/// The body of a `$set` line.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct SetBody {
    /// A checkpoint: every message, each read as one unit.
    #[serde(default)]
    pub messages: Option<Vec<Value>>,
}

/// `tokens` of a gemini message: `input` includes `cached`; `total` = input + output + thoughts
/// + tool.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct GeminiTokens {
    #[serde(default)]
    pub input: u64,
    #[serde(default)]
    pub output: u64,
    #[serde(default)]
    pub cached: u64,
    #[serde(default)]
    pub thoughts: u64,
    #[serde(default)]
    pub tool: u64,
}

/// A JSONL line read with its tool calls' arguments kept raw (borrowed: as cheap as skipping
/// them, but their UTF-8 is checked) and their results measured.
pub(crate) type LineRecord<'a> = Record<'a, &'a RawValue, ResultLen>;

/// A value the record's own parse skips.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Skipped;

impl<'de> Deserialize<'de> for Skipped {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Skipped)
    }
}

/// One entry of `toolCalls`.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct GeminiToolCall<'a, R = Skipped, L = Skipped> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub name: Option<Cow<'a, str>>,
    /// `success`, `error`, `cancelled`, ...
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub status: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub timestamp: Option<Cow<'a, str>>,
    #[serde(default = "none")]
    pub args: Option<R>,
    #[serde(default = "none")]
    pub result: Option<L>,
}

/// `None`, for a field whose type has no `Default` to lean on.
fn none<T>() -> Option<T> {
    None
}
