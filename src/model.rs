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

mod compact;
pub mod key;
mod recent;
mod text;

use serde::{Deserialize, Serialize};

pub use compact::{OptI64, OptU32, OptU64, U64};
pub use key::{KeyPart, LastKeys, LastSession, MessageKey, SessionPart, ToolKey, UsageKey};
pub use recent::Recent;
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
    pub line: U64,
}

/// One model call's usage, normalized.
///
/// Fields that almost every record leaves empty (`speed`, a recorded cost, premium requests) sit
/// out of line in one optional box ([`RareUsage`], read through [`UsageRecord::speed`] and its
/// siblings): 8 bytes in every record instead of 48 (BENCHMARKS.md, "Keys as digests"). The JSON
/// form is the flat one it always was.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "UsageRecordForm", into = "UsageRecordForm")]
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
    /// The rarely set fields, `None` when all of them are (see [`RareUsage::boxed`]).
    pub rare: Option<Box<RareUsage>>,
    pub source: Source,
}

/// The fields of a [`UsageRecord`] that are almost always empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RareUsage {
    /// Claude: `usage.speed` as written (`"fast"` for Opus fast mode), if present.
    pub speed: Option<Text>,
    /// A cost the agent itself recorded (Claude <= 1.0.8 `costUSD`), in picodollars.
    pub recorded_cost_pico: Option<u64>,
    /// Premium requests the agent charged for these tokens (Copilot CLI's per-model
    /// `requests.cost`): a unit of its own beside tokens and dollars, never converted to either.
    pub premium_requests: Option<f64>,
}

impl RareUsage {
    /// The box a record holds: `None` when every field is empty, so that equal records compare
    /// equal however they were built.
    #[must_use]
    pub fn boxed(
        speed: Option<Text>,
        recorded_cost_pico: Option<u64>,
        premium_requests: Option<f64>,
    ) -> Option<Box<RareUsage>> {
        (speed.is_some() || recorded_cost_pico.is_some() || premium_requests.is_some()).then(|| {
            Box::new(RareUsage {
                speed,
                recorded_cost_pico,
                premium_requests,
            })
        })
    }
}

impl UsageRecord {
    /// True when the call ran in a premium "fast" mode.
    #[must_use]
    pub fn is_fast(&self) -> bool {
        self.speed().map(Text::as_str) == Some("fast")
    }

    /// Claude: `usage.speed` as written, if present.
    #[must_use]
    pub fn speed(&self) -> Option<&Text> {
        self.rare.as_ref().and_then(|r| r.speed.as_ref())
    }

    /// A cost the agent itself recorded, in picodollars.
    #[must_use]
    pub fn recorded_cost_pico(&self) -> Option<u64> {
        self.rare.as_ref().and_then(|r| r.recorded_cost_pico)
    }

    /// Premium requests the agent charged for these tokens (Copilot CLI).
    #[must_use]
    pub fn premium_requests(&self) -> Option<f64> {
        self.rare.as_ref().and_then(|r| r.premium_requests)
    }

    /// Changes the rarely set fields through `f`, keeping the box only when one is set.
    pub fn set_rare(&mut self, f: impl FnOnce(&mut RareUsage)) {
        let mut rare = self.rare.take().map(|b| *b).unwrap_or_default();
        f(&mut rare);
        self.rare = RareUsage::boxed(rare.speed, rare.recorded_cost_pico, rare.premium_requests);
    }
}

/// The JSON form of a [`UsageRecord`]: the rare fields flat, as before they moved out of line
/// (same fields, same order, so the JSON of a record, which `ledger::prefer_usage` compares as a
/// last resort, is unchanged).
#[derive(Serialize, Deserialize)]
struct UsageRecordForm {
    key: UsageKey,
    timestamp_ms: i64,
    model: Option<Text>,
    tokens: Tokens,
    session: Text,
    project: Option<Text>,
    git_branch: Option<Text>,
    cli_version: Option<Text>,
    is_sidechain: bool,
    speed: Option<Text>,
    recorded_cost_pico: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    premium_requests: Option<f64>,
    source: Source,
}

impl From<UsageRecordForm> for UsageRecord {
    fn from(f: UsageRecordForm) -> Self {
        UsageRecord {
            key: f.key,
            timestamp_ms: f.timestamp_ms,
            model: f.model,
            tokens: f.tokens,
            session: f.session,
            project: f.project,
            git_branch: f.git_branch,
            cli_version: f.cli_version,
            is_sidechain: f.is_sidechain,
            rare: RareUsage::boxed(f.speed, f.recorded_cost_pico, f.premium_requests),
            source: f.source,
        }
    }
}

impl From<UsageRecord> for UsageRecordForm {
    fn from(r: UsageRecord) -> Self {
        let rare = r.rare.map(|b| *b).unwrap_or_default();
        UsageRecordForm {
            key: r.key,
            timestamp_ms: r.timestamp_ms,
            model: r.model,
            tokens: r.tokens,
            session: r.session,
            project: r.project,
            git_branch: r.git_branch,
            cli_version: r.cli_version,
            is_sidechain: r.is_sidechain,
            speed: rare.speed,
            recorded_cost_pico: rare.recorded_cost_pico,
            premium_requests: rare.premium_requests,
            source: r.source,
        }
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
    pub start_ms: OptI64,
    pub end_ms: OptI64,
    pub is_error: bool,
    /// A stable hash ([`content_hash`]) of the call's input as written (the JSON of Claude's
    /// `input`, Codex's `arguments` string, Gemini's `args`): equal inputs, equal hashes. Lets the
    /// retry detector see "called again with identical input" without keeping the input.
    #[serde(default, skip_serializing_if = "OptU64::is_none")]
    pub input_hash: OptU64,
    /// The file a file tool read or wrote (its path as the agent wrote it), for re-read analysis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Text>,
    /// Size in bytes of the result the tool returned (its text as written), when known.
    #[serde(default, skip_serializing_if = "OptU64::is_none")]
    pub result_bytes: OptU64,
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
            start_ms: OptI64::NONE,
            end_ms: OptI64::NONE,
            is_error: false,
            input_hash: OptU64::NONE,
            target: None,
            result_bytes: OptU64::NONE,
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
    pub timestamp_ms: OptI64,
    /// A user prompt's length in words (whitespace-separated), for prompts the user typed.
    #[serde(default, skip_serializing_if = "OptU32::is_none")]
    pub words: OptU32,
    /// A user prompt's first [`PREVIEW_CHARS`] characters, shown as a session's first prompt and as
    /// evidence. Only user prompts keep text; it is displayed as text, never as HTML.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<Box<str>>,
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
pub fn prompt_summary(text: &str) -> (u32, Box<str>) {
    let words = u32::try_from(word_count(text)).unwrap_or(u32::MAX);
    let trimmed = text.trim();
    // Cut at the boundary of the PREVIEW_CHARS-th character: one exact allocation.
    let end = trimmed
        .char_indices()
        .nth(PREVIEW_CHARS)
        .map_or(trimmed.len(), |(at, _)| at);
    (words, Box::from(&trimmed[..end]))
}

/// How many words `text.split_whitespace()` yields: the runs between whitespace characters (as
/// [`char::is_whitespace`] defines them). Prompts are mostly ASCII, where whitespace is exactly
/// space and `\t \n \x0B \x0C \r`: eight ASCII bytes at a time are classified in one word
/// and the words that start among them counted with a popcount; any other character is decoded
/// and asked. This runs over every byte of every typed prompt.
fn word_count(text: &str) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    /// The high bit of each byte that is ASCII whitespace, for eight ASCII bytes. Exact per
    /// byte: no sum below carries out of its byte, since every byte is below 0x80.
    fn whitespace(w: u64) -> u64 {
        let space = !(((w ^ (ONES * 0x20)) + ONES * 0x7F) | (w ^ (ONES * 0x20))) & HIGH;
        let from_tab = (w + ONES * (0x80 - 0x09)) & HIGH;
        let past_cr = (w + ONES * (0x80 - 0x0E)) & HIGH;
        space | (from_tab & !past_cr)
    }
    let bytes = text.as_bytes();
    let (mut words, mut in_word, mut at) = (0, false, 0);
    while at < bytes.len() {
        let word = bytes
            .get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
            .filter(|w| w & HIGH == 0);
        if let Some(w) = word {
            let space = whitespace(w);
            // A word starts at a non-space byte whose previous byte (the one below it, or the
            // last of the bytes before) is a space.
            let space_before = (space << 8) | if in_word { 0 } else { 0x80 };
            words += (!space & HIGH & space_before).count_ones() as usize;
            in_word = space >> 63 == 0;
            at += 8;
            continue;
        }
        let (space, len) = match bytes.get(at) {
            Some(b) if b.is_ascii() => (matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'), 1),
            // `at` is always on a character's first byte: it only moves by whole characters.
            _ => match text.get(at..).and_then(|rest| rest.chars().next()) {
                Some(c) => (c.is_whitespace(), c.len_utf8()),
                None => break,
            },
        };
        words += usize::from(!space && !in_word);
        in_word = !space;
        at += len;
    }
    words
}

/// [`prompt_summary`] of a text that may be absent: `(words, preview)` of a [`MessageRecord`].
#[must_use]
pub fn prompt_fields(text: Option<&str>) -> (OptU32, Option<Box<str>>) {
    text.map(prompt_summary)
        .map_or((OptU32::NONE, None), |(w, p)| (OptU32::some(w), Some(p)))
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

/// The records' sizes on wasm32, where the page holds a million or more of them: a change that
/// makes one larger fails the wasm build here rather than showing up as a larger heap in the
/// browser benchmark (BENCHMARKS.md, "Thin shared strings"; natively pointers are 8 bytes).
#[cfg(target_pointer_width = "32")]
const _: () = {
    assert!(std::mem::size_of::<MessageRecord>() == 52);
    assert!(std::mem::size_of::<ToolCall>() == 84);
    assert!(std::mem::size_of::<UsageRecord>() == 120);
    assert!(std::mem::size_of::<Text>() == 4);
};

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn word_count_is_split_whitespace_count(
            text in "([a-zé😀]{0,3}[ \t\n\r\x0B\x0C\u{85}\u{A0}\u{1680}\u{2000}\u{2028}\u{3000}\u{200B}\u{FEFF}]{0,2}){0,12}",
            any_text in any::<String>(),
            ascii in "[a-z \t\n\r\x0B\x0C\x00-\x1F!-~é]{0,80}",
        ) {
            prop_assert_eq!(word_count(&ascii), ascii.split_whitespace().count());
            prop_assert_eq!(word_count(&text), text.split_whitespace().count());
            prop_assert_eq!(word_count(&any_text), any_text.split_whitespace().count());
        }
    }

    #[test]
    fn words_between_any_whitespace() {
        assert_eq!(word_count(""), 0);
        assert_eq!(word_count("  fix\tthe\u{3000}bug\u{A0}now \u{200B} "), 5);
    }
}
