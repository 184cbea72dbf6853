//! The serde shapes of Copilot CLI events (github/copilot-sdk `session-events.ts`, generated from
//! the CLI's event schema) and of the older history documents.
//!
//! One flat [`Data`] reads the `data` of every event type: only what a figure needs is declared,
//! labels are lenient ([`crate::parsers::lenient`]) so that a reshaped field cannot make a line
//! unreadable, and the usage fields (`outputTokens`, `modelMetrics`) are strict, so a usage block
//! that cannot be read is reported as malformed rather than guessed.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::parsers::lenient::{opt_bool, opt_str};

/// One line of `events.jsonl`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Event<'a> {
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_str")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub timestamp: Option<Cow<'a, str>>,
    /// Set on events of a sub-agent.
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub agent_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub data: Option<Data<'a>>,
}

/// The `data` of any event; each event type fills its own fields.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Data<'a> {
    // session.start / session.resume
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub copilot_version: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub selected_model: Option<Cow<'a, str>>,
    /// `{cwd, gitRoot, branch, repository, ...}`; read leniently from the value.
    #[serde(default)]
    pub context: Option<Value>,
    // session.model_change
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub new_model: Option<Cow<'a, str>>,
    // user.message / assistant.message
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub content: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub message_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub request_id: Option<Cow<'a, str>>,
    /// The output of one call (assistant.message): strict.
    #[serde(default)]
    pub output_tokens: Option<u64>,
    // tool.execution_start / tool.execution_complete
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub tool_call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub tool_name: Option<Cow<'a, str>>,
    #[serde(default)]
    pub arguments: Option<Value>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub success: Option<bool>,
    #[serde(default)]
    pub result: Option<Value>,
    // session.shutdown: strict, it is the usage.
    #[serde(default)]
    pub model_metrics: Option<BTreeMap<String, ModelMetric>>,
}

/// `modelMetrics.<model>` of a shutdown.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ModelMetric {
    #[serde(default)]
    pub requests: Option<Requests>,
    #[serde(default)]
    pub usage: Option<ShutdownUsage>,
}

/// `requests{count, cost}`: API requests made (not read: the calls are not itemised), and
/// premium requests charged.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub(crate) struct Requests {
    #[serde(default)]
    pub cost: Option<f64>,
}

/// `usage` of one model over a segment. `input_tokens` includes cache reads and writes;
/// `output_tokens` includes reasoning.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ShutdownUsage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub cache_read_tokens: u64,
    #[serde(default)]
    pub cache_write_tokens: u64,
    #[serde(default)]
    pub reasoning_tokens: u64,
}

/// A 2025 history document (`history-session-state/session_*.json`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HistoryDocument<'a> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub start_time: Option<Cow<'a, str>>,
    #[serde(default)]
    pub chat_messages: Option<Vec<Value>>,
    #[serde(default)]
    pub timeline: Option<Vec<Value>>,
}

/// A string field of a JSON object, if it is a string.
pub(crate) fn str_field<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// A stable hash of a tool's input as written (its JSON text), for the retry detector.
pub(crate) fn input_hash(v: &Value) -> u64 {
    crate::model::content_hash(v.to_string().as_bytes())
}
