//! The serde shapes of the Codex rollout lines we read.
//!
//! Only the fields a figure needs are declared; serde skips everything else (instructions,
//! encrypted reasoning, tool arguments) without allocating, and without checking it: a tool's
//! input is read afterwards from its line ([`call_input`]), where a failure only loses the
//! analytics fields. Strings are borrowed where the JSON
//! has no escapes. Every field is optional so that one missing key never makes a line unreadable:
//! the parser decides what a line without it means. Labels (ids, names, roles, models) are read
//! leniently ([`crate::parsers::lenient`]); usage blocks are strict, so unreadable usage is
//! reported as malformed rather than guessed.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::parsers::lenient::{opt_bool, opt_i64, opt_str};

use super::output::Output;

/// One line: the `{timestamp, type, payload}` envelope (>= 0.44), or a pre-envelope record whose
/// fields sit at the top level (then `payload` is absent and the line is re-read as a [`Payload`]).
#[derive(Debug, Deserialize)]
pub(crate) struct Envelope<'a> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub timestamp: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_str")]
    pub kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub payload: Option<Payload<'a>>,
    /// Pre-envelope `{"record_type":"state"}` lines.
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub record_type: Option<Cow<'a, str>>,
    /// Pre-envelope first line `{"id","timestamp","instructions","git"}`.
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub id: Option<Cow<'a, str>>,
}

/// The payload of any line type; which fields are set depends on `type`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Payload<'a> {
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_str")]
    pub kind: Option<Cow<'a, str>>,
    // session_meta
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub cwd: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub cli_version: Option<Cow<'a, str>>,
    /// `{commit_hash, branch, repository_url}`; only `branch` is read.
    #[serde(default)]
    pub git: Option<Value>,
    /// `"cli"`, `"vscode"`, ... or `{"subagent":{"thread_spawn":{"parent_thread_id":…}}}`.
    #[serde(default)]
    pub source: Option<Value>,
    // turn_context (and token_count in some builds)
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub model: Option<Cow<'a, str>>,
    // event_msg / token_count
    #[serde(borrow, default)]
    pub info: Option<Info<'a>>,
    // response_item / message
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub role: Option<Cow<'a, str>>,
    #[serde(default)]
    pub content: Option<Value>,
    // response_item / *_call, *_call_output; event_msg exec_command_end, patch_apply_end
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub name: Option<Cow<'a, str>>,
    /// Read in place for its failure and length ([`super::output`]), never built as a `Value`.
    #[serde(default)]
    pub output: Option<Output>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub status: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub exit_code: Option<i64>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub success: Option<bool>,
}

/// `token_count.info`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Info<'a> {
    #[serde(default)]
    pub total_token_usage: Option<Usage>,
    #[serde(default)]
    pub last_token_usage: Option<Usage>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub model: Option<Cow<'a, str>>,
}

/// One usage block as Codex writes it: `input_tokens` includes `cached_input_tokens`, and
/// `output_tokens` includes `reasoning_output_tokens`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub(crate) struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub cached_input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub reasoning_output_tokens: u64,
}

impl Usage {
    /// True when no counter decreased from `prev` (the counter did not restart).
    pub fn dominates(&self, prev: &Usage) -> bool {
        self.input_tokens >= prev.input_tokens
            && self.cached_input_tokens >= prev.cached_input_tokens
            && self.output_tokens >= prev.output_tokens
            && self.reasoning_output_tokens >= prev.reasoning_output_tokens
    }

    /// `self - prev`, each counter saturating at zero.
    pub fn minus(&self, prev: &Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens.saturating_sub(prev.input_tokens),
            cached_input_tokens: self
                .cached_input_tokens
                .saturating_sub(prev.cached_input_tokens),
            output_tokens: self.output_tokens.saturating_sub(prev.output_tokens),
            reasoning_output_tokens: self
                .reasoning_output_tokens
                .saturating_sub(prev.reasoning_output_tokens),
        }
    }

    /// `self + other`, saturating.
    pub fn plus(&self, other: &Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens.saturating_add(other.input_tokens),
            cached_input_tokens: self
                .cached_input_tokens
                .saturating_add(other.cached_input_tokens),
            output_tokens: self.output_tokens.saturating_add(other.output_tokens),
            reasoning_output_tokens: self
                .reasoning_output_tokens
                .saturating_add(other.reasoning_output_tokens),
        }
    }

    /// The four counters as a key fragment, e.g. `270530/136832/12551/9536`.
    pub fn tuple(&self) -> String {
        format!(
            "{}/{}/{}/{}",
            self.input_tokens,
            self.cached_input_tokens,
            self.output_tokens,
            self.reasoning_output_tokens
        )
    }
}

/// The input of the tool call on `line` (a valid JSON line that the envelope parse read as a
/// `function_call`, `custom_tool_call` or `local_shell_call`): the raw value of its `arguments`
/// (a JSON string) or `input` (a custom tool's text: `apply_patch`'s patch), borrowed from the
/// line. Only that value is read: a tool call has one such key, under `payload` or, before the
/// envelope, at the top level, and a quoted key followed by `:` cannot occur inside a JSON
/// string. `None` when there is none or it is not valid UTF-8 (the line's own parse skips it
/// unchecked; here it only costs the analytics fields).
pub(crate) fn call_input(line: &[u8]) -> Option<&RawValue> {
    for key in [&b"\"arguments\""[..], b"\"input\""] {
        for at in memchr::memmem::find_iter(line, key) {
            let after = line.get(at + key.len()..).unwrap_or_default();
            let Some(value) = after.trim_ascii_start().strip_prefix(b":") else {
                continue;
            };
            let mut de = serde_json::Deserializer::from_slice(value);
            return <&RawValue>::deserialize(&mut de).ok();
        }
    }
    None
}

/// `session_meta.payload.source.subagent.thread_spawn.parent_thread_id`, if any.
pub(crate) fn spawn_parent(source: Option<&Value>) -> Option<String> {
    source?
        .get("subagent")?
        .get("thread_spawn")?
        .get("parent_thread_id")?
        .as_str()
        .map(str::to_owned)
}
