//! The parts of a Claude Code transcript line that accounting reads, as borrowed structs.
//!
//! Only what FORMATS.md section 1 needs is declared; every other field (message text, tool
//! inputs and outputs, `toolUseResult`, `normalizedMessages`, ...) is skipped by serde without
//! being copied, which matters because message text is most of a transcript's bytes. Strings
//! borrow from the line when they contain no escapes. Shapes that vary are read through the
//! tolerant wrappers of [`super::lax`].

use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::parsers::lenient::opt_bool;

use super::lax::{Content, LaxObj, LaxStr};

/// One transcript line (or the nested record inside an `agent_progress` line).
///
/// `M` is what `message` is read as and `D` what `data` is read as: [`IgnoredAny`] when a cheap
/// scan showed the line carries neither usage nor tool blocks, the full types otherwise.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Envelope<'a, M, D> {
    #[serde(rename = "type", borrow, default)]
    pub kind: LaxStr<'a>,
    #[serde(borrow, default)]
    pub uuid: LaxStr<'a>,
    #[serde(borrow, default)]
    pub timestamp: LaxStr<'a>,
    #[serde(borrow, default)]
    pub session_id: LaxStr<'a>,
    #[serde(borrow, default)]
    pub cwd: LaxStr<'a>,
    #[serde(borrow, default)]
    pub version: LaxStr<'a>,
    #[serde(borrow, default)]
    pub git_branch: LaxStr<'a>,
    #[serde(borrow, default)]
    pub request_id: LaxStr<'a>,
    #[serde(default)]
    pub is_sidechain: Option<bool>,
    #[serde(default)]
    pub is_api_error_message: Option<bool>,
    /// `system` lines: `compact_boundary`, `turn_duration`, ...
    #[serde(borrow, default)]
    pub subtype: LaxStr<'a>,
    /// Injected user lines (skill and command expansions, caveats): not typed by the user.
    #[serde(default, deserialize_with = "opt_bool")]
    pub is_meta: Option<bool>,
    /// The user line that carries a compaction's summary.
    #[serde(default, deserialize_with = "opt_bool")]
    pub is_compact_summary: Option<bool>,
    /// Claude Code <= 1.0.8 wrote the cost it computed; `null` is read as absent.
    #[serde(rename = "costUSD", default)]
    pub cost_usd: Option<f64>,
    #[serde(default = "none")]
    pub message: Option<M>,
    #[serde(default = "none")]
    pub data: Option<D>,
}

fn none<T>() -> Option<T> {
    None
}

/// A line read only for its fate and message identity.
pub(crate) type LiteLine<'a> = Envelope<'a, IgnoredAny, IgnoredAny>;

/// A line read in full: message, usage, content blocks and progress payload.
pub(crate) type FullLine<'a> = Envelope<'a, LaxObj<Message<'a>>, LaxObj<Progress<'a>>>;

/// The record nested in `agent_progress` (`data.message`): a subagent's user or assistant line.
pub(crate) type NestedLine<'a> = Envelope<'a, LaxObj<Message<'a>>, IgnoredAny>;

/// An Anthropic Messages API message as Claude Code stores it.
#[derive(Debug, Deserialize)]
pub(crate) struct Message<'a> {
    #[serde(borrow, default)]
    pub id: LaxStr<'a>,
    #[serde(borrow, default)]
    pub model: LaxStr<'a>,
    #[serde(default)]
    pub usage: Option<LaxObj<Usage<'a>>>,
    #[serde(borrow, default)]
    pub content: Content<Block<'a>>,
}

/// `message.usage`. Counts are strict (`u64`): a negative or fractional count is a malformed
/// line, reported, rather than a silent zero. `null` counts as absent.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Usage<'a> {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default)]
    pub cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    pub cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    pub cache_creation: Option<LaxObj<CacheCreation>>,
    #[serde(borrow, default)]
    pub speed: LaxStr<'a>,
}

/// `usage.cache_creation`: cache writes split by lifetime (Claude Code >= ~1.0.5x).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct CacheCreation {
    #[serde(default)]
    pub ephemeral_5m_input_tokens: Option<u64>,
    #[serde(default)]
    pub ephemeral_1h_input_tokens: Option<u64>,
}

/// One content block; only tool identity, a call's input and a result's size are read.
#[derive(Debug, Deserialize)]
pub(crate) struct Block<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: LaxStr<'a>,
    #[serde(borrow, default)]
    pub id: LaxStr<'a>,
    #[serde(borrow, default)]
    pub name: LaxStr<'a>,
    #[serde(borrow, default)]
    pub tool_use_id: LaxStr<'a>,
    #[serde(default)]
    pub is_error: Option<bool>,
    /// `tool_use.input` as written, borrowed (hashed, and read for a file tool's path).
    #[serde(borrow, default)]
    pub input: Option<Raw<'a>>,
    /// `tool_result.content` as written, borrowed (measured, never decoded here).
    #[serde(borrow, default)]
    pub content: Option<Raw<'a>>,
}

/// A value's JSON exactly as written in the line (serde_json's borrowed [`RawValue`], kept as
/// the `str` it is, so that the parser's fast reading in `scan` can make one from a span).
#[derive(Clone, Copy)]
pub(crate) struct Raw<'a> {
    pub json: &'a str,
    /// The decoded length of a string value ([`json_str_len`] of `json`), when the reading
    /// measured it on the way: the fast reading does, for a block's `content`, in the same pass
    /// that validates it.
    ///
    /// [`json_str_len`]: crate::parsers::text::json_str_len
    pub str_len: Option<u64>,
}

impl<'a> Raw<'a> {
    /// The decoded length of the text the value holds (see [`raw_text_len`]).
    ///
    /// [`raw_text_len`]: crate::parsers::text::raw_text_len
    pub(crate) fn text_len(&self) -> Option<u64> {
        self.str_len
            .or_else(|| crate::parsers::text::raw_text_len(self.json))
    }
}

/// The JSON alone: how a value was measured is not part of what it is.
impl std::fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Raw").field(&self.json).finish()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Raw<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de RawValue>::deserialize(d).map(|raw| Raw {
            json: raw.get(),
            str_len: None,
        })
    }
}

/// A `progress` line's `data`.
#[derive(Debug, Deserialize)]
pub(crate) struct Progress<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: LaxStr<'a>,
    #[serde(borrow, default = "none")]
    pub message: Option<LaxObj<NestedLine<'a>>>,
}

/// Just the record type, read on the slow path after a shape error to decide the line's fate.
#[derive(Debug, Deserialize)]
pub(crate) struct TypeOnly<'a> {
    #[serde(rename = "type", borrow, default)]
    pub kind: LaxStr<'a>,
}
