//! The normalized model every agent parser emits and every view reads.
//!
//! Agents disagree on what "input" means (Codex and Gemini include cached tokens in it, Claude does
//! not) and on where reasoning goes. Parsers translate into [`Tokens`], whose fields never overlap:
//! `input` is uncached input, `output` includes reasoning/thinking, and the total is the plain sum
//! of the five billable kinds. Nothing downstream needs to know which agent a number came from.
//!
//! Records are *keyed* ([`UsageKey`], [`ToolKey`], [`MessageKey`]): a key names one real model
//! call, tool call or message wherever it was copied to, so the [`crate::ledger::Ledger`] can merge
//! record sets from any number of files, in any order, any number of times, with the same result.

pub mod key;
mod text;

use serde::{Deserialize, Serialize};

pub use key::{KeyPart, MessageKey, ToolKey, UsageKey};
pub use text::Text;

/// The coding agents whose transcripts agentmeter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Agent {
    Claude,
    Codex,
    Gemini,
    Copilot,
    #[serde(rename = "opencode")]
    OpenCode,
    Qwen,
    Amp,
    Kimi,
    Droid,
    Pi,
    Crush,
    Codebuff,
    Goose,
    Cline,
    Roo,
}

impl Agent {
    /// Every agent, in display order.
    pub const ALL: [Agent; 15] = [
        Agent::Claude,
        Agent::Codex,
        Agent::Gemini,
        Agent::Copilot,
        Agent::OpenCode,
        Agent::Qwen,
        Agent::Amp,
        Agent::Kimi,
        Agent::Droid,
        Agent::Pi,
        Agent::Crush,
        Agent::Codebuff,
        Agent::Goose,
        Agent::Cline,
        Agent::Roo,
    ];

    /// The lowercase name used in JSON, the CLI and `data-testid` hooks.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Agent::Claude => "claude",
            Agent::Codex => "codex",
            Agent::Gemini => "gemini",
            Agent::Copilot => "copilot",
            Agent::OpenCode => "opencode",
            Agent::Qwen => "qwen",
            Agent::Amp => "amp",
            Agent::Kimi => "kimi",
            Agent::Droid => "droid",
            Agent::Pi => "pi",
            Agent::Crush => "crush",
            Agent::Codebuff => "codebuff",
            Agent::Goose => "goose",
            Agent::Cline => "cline",
            Agent::Roo => "roo",
        }
    }

    /// The human name shown in tables.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Agent::Claude => "Claude Code",
            Agent::Codex => "Codex CLI",
            Agent::Gemini => "Gemini CLI",
            Agent::Copilot => "Copilot CLI",
            Agent::OpenCode => "OpenCode",
            Agent::Qwen => "Qwen Code",
            Agent::Amp => "Amp",
            Agent::Kimi => "Kimi CLI",
            Agent::Droid => "Factory Droid",
            Agent::Pi => "pi",
            Agent::Crush => "Crush",
            Agent::Codebuff => "Codebuff",
            Agent::Goose => "Goose",
            Agent::Cline => "Cline",
            Agent::Roo => "Roo Code",
        }
    }
}

impl std::fmt::Display for Agent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest count of any one kind a single model call may carry: 10^15 tokens, a billion
/// times the largest context window in use. Anything above is a corrupt or hostile line, and
/// bounding each call keeps every later sum far from `u64` overflow.
pub const MAX_TOKENS_PER_CALL: u64 = 1_000_000_000_000_000;

/// Token counts of one model call (or a sum of them), in non-overlapping kinds.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    /// Uncached input tokens.
    pub input: u64,
    /// Output tokens, reasoning/thinking included.
    pub output: u64,
    /// Cache writes billed at the 5-minute rate (Claude; also the fallback for an unsplit write).
    pub cache_write_5m: u64,
    /// Cache writes billed at the 1-hour rate (Claude).
    pub cache_write_1h: u64,
    /// Cache reads (hits).
    pub cache_read: u64,
    /// The part of `output` that was reasoning; informational, never added to totals.
    pub reasoning: u64,
}

impl Tokens {
    /// All cache writes, whatever their lifetime.
    #[must_use]
    pub fn cache_write(&self) -> u64 {
        self.cache_write_5m.saturating_add(self.cache_write_1h)
    }

    /// Every billable token: input + output + cache writes + cache reads.
    ///
    /// Sums saturate instead of wrapping: one call's counts are bounded by
    /// [`MAX_TOKENS_PER_CALL`] when they are read, but sums over many calls are not.
    #[must_use]
    pub fn total(&self) -> u64 {
        self.prompt().saturating_add(self.output)
    }

    /// Prompt-side tokens (everything the model read): input + cache writes + cache reads.
    #[must_use]
    pub fn prompt(&self) -> u64 {
        self.input
            .saturating_add(self.cache_write())
            .saturating_add(self.cache_read)
    }

    /// The first count above [`MAX_TOKENS_PER_CALL`], as `(field, value)`: such a call cannot
    /// be real, so the line that carries it is malformed rather than summed.
    #[must_use]
    pub fn out_of_range(&self) -> Option<(&'static str, u64)> {
        [
            ("input", self.input),
            ("output", self.output),
            ("cache_write_5m", self.cache_write_5m),
            ("cache_write_1h", self.cache_write_1h),
            ("cache_read", self.cache_read),
            ("reasoning", self.reasoning),
        ]
        .into_iter()
        .find(|(_, n)| *n > MAX_TOKENS_PER_CALL)
    }

    /// True when every count is zero.
    #[must_use]
    pub fn is_zero(&self) -> bool {
        self.total() == 0 && self.reasoning == 0
    }

    /// Adds `other` into `self`, saturating rather than wrapping.
    pub fn add(&mut self, other: &Tokens) {
        self.input = self.input.saturating_add(other.input);
        self.output = self.output.saturating_add(other.output);
        self.cache_write_5m = self.cache_write_5m.saturating_add(other.cache_write_5m);
        self.cache_write_1h = self.cache_write_1h.saturating_add(other.cache_write_1h);
        self.cache_read = self.cache_read.saturating_add(other.cache_read);
        self.reasoning = self.reasoning.saturating_add(other.reasoning);
    }
}

/// Where a record was read: the file's path (as given to the parser) and its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    pub file: Text,
    pub line: u64,
}

/// One model call's usage, normalized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageRecord {
    pub key: UsageKey,
    /// When the call happened, milliseconds since the Unix epoch (UTC).
    pub timestamp_ms: i64,
    /// The model as the agent wrote it; `None` when the agent recorded none.
    pub model: Option<Text>,
    pub tokens: Tokens,
    /// The session this call belongs to (Claude: from the file path; Codex/Gemini: session id).
    pub session: Text,
    /// The project: a working directory where the agent records one (Gemini: its project hash).
    pub project: Option<Text>,
    pub git_branch: Option<Text>,
    pub cli_version: Option<Text>,
    /// Claude: the line was written by a subagent (`isSidechain: true`).
    pub is_sidechain: bool,
    /// Claude: `usage.speed` as written (`"fast"` for Opus fast mode), if present.
    pub speed: Option<Text>,
    /// A cost the agent itself recorded (Claude <= 1.0.8 `costUSD`), in picodollars.
    pub recorded_cost_pico: Option<u64>,
    /// Premium requests the agent charged for these tokens (Copilot CLI's per-model
    /// `requests.cost`): a unit of its own beside tokens and dollars, never converted to either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premium_requests: Option<f64>,
    pub source: Source,
}

impl UsageRecord {
    /// True when the call ran in a premium "fast" mode.
    #[must_use]
    pub fn is_fast(&self) -> bool {
        self.speed.as_deref() == Some("fast")
    }
}

/// One tool call: its name, when it started and ended, and whether it failed.
///
/// The call and its result usually arrive on different lines; either half may be missing, so
/// every field but the key is optional and two halves merge field by field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    pub key: ToolKey,
    pub session: Text,
    pub name: Option<Text>,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    pub is_error: bool,
    /// A stable hash ([`content_hash`]) of the call's input as written (the JSON of Claude's
    /// `input`, Codex's `arguments` string, Gemini's `args`): equal inputs, equal hashes. Lets the
    /// retry detector see "called again with identical input" without keeping the input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_hash: Option<u64>,
    /// The file a file tool read or wrote (its path as the agent wrote it), for re-read analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Text>,
    /// Size in bytes of the result the tool returned (its text as written), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_bytes: Option<u64>,
    pub source: Source,
}

impl ToolCall {
    /// A call known only by its key so far: every other field empty, filled in as the lines that
    /// describe it are read.
    #[must_use]
    pub fn bare(agent: Agent, session: Text, id: &str, source: Source) -> Self {
        ToolCall {
            key: ToolKey::new(agent, &session, id),
            session,
            name: None,
            start_ms: None,
            end_ms: None,
            is_error: false,
            input_hash: None,
            target: None,
            result_bytes: None,
            source,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
    System,
    Tool,
}

/// One message, kept for per-role message counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageRecord {
    pub key: MessageKey,
    pub session: Text,
    pub role: Role,
    pub timestamp_ms: Option<i64>,
    /// A user prompt's length in words (whitespace-separated), for prompts the user typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub words: Option<u32>,
    /// A user prompt's first [`PREVIEW_CHARS`] characters, shown as a session's first prompt and as
    /// evidence. Only user prompts keep text; it is displayed as text, never as HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<String>,
    /// The record marks a context compaction (Claude `system/compact_boundary`, Codex
    /// `compacted`): one per compaction the agent performed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub compaction: bool,
    pub source: Source,
}

/// How many characters of a user prompt a [`MessageRecord`] keeps.
pub const PREVIEW_CHARS: usize = 160;

/// A prompt's word count and preview: `(words, first PREVIEW_CHARS characters)`.
#[must_use]
pub fn prompt_summary(text: &str) -> (u32, String) {
    let words = u32::try_from(text.split_whitespace().count()).unwrap_or(u32::MAX);
    let preview: String = text.trim().chars().take(PREVIEW_CHARS).collect();
    (words, preview)
}

/// [`prompt_summary`] of a text that may be absent: `(words, preview)` of a [`MessageRecord`].
#[must_use]
pub fn prompt_fields(text: Option<&str>) -> (Option<u32>, Option<String>) {
    text.map(prompt_summary)
        .map_or((None, None), |(w, p)| (Some(w), Some(p)))
}

/// FNV-1a, 64 bit: a stable, platform-independent hash of bytes (tool inputs). Not a security
/// hash; collisions only make two different inputs look identical to the retry detector.
#[must_use]
pub fn content_hash(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
