//! Every threshold the tool-health flags and the insight detectors use, in one place.
//!
//! Why one file: a threshold decides what a user is told, so it is reviewed like a figure. Each
//! constant says what it bounds; `docs/insights.md` gives the rules they feed.

/// A tool is flagged at this failure rate...
pub const TOOL_FAILURE_FLAG: f64 = 0.20;
/// ...and critical at this one...
pub const TOOL_FAILURE_CRITICAL: f64 = 0.50;
/// ...once it has at least this many calls.
pub const TOOL_FAILURE_MIN_CALLS: u64 = 10;

/// Detectors that find one insight per item (file, tool, session) report at most this many, worst
/// first, so one bad habit does not bury every other finding.
pub const MAX_INSIGHTS_PER_DETECTOR: usize = 5;
/// An insight names at most this many sessions (or prompts) in its evidence, worst first.
pub const MAX_EVIDENCE: usize = 10;

/// `file-rereads`: a file read at least this many times...
pub const FILE_REREAD_MIN_READS: u64 = 10;
/// ...in at least this many sessions...
pub const FILE_REREAD_MIN_SESSIONS: usize = 3;
/// ...returning more than this many bytes of results in total (10 KiB).
pub const FILE_REREAD_MIN_BYTES: u64 = 10 * 1024;

/// `turn-escalation`: a session's second half costs at least this many times its first half...
pub const ESCALATION_RATIO: f64 = 2.0;
/// ...and at least this much on its own ($0.50, in picodollars)...
pub const ESCALATION_MIN_SECOND_HALF_PICO: u64 = 500_000_000_000;
/// ...in a session of at least this many calls (two halves of two calls each).
pub const ESCALATION_MIN_CALLS: usize = 4;

/// `retry-waste`: identical retries right after a failure make up at least this share of a
/// tool's calls...
pub const RETRY_SHARE: f64 = 0.10;
/// ...of a tool called at least this many times.
pub const RETRY_MIN_CALLS: u64 = 10;

/// `compaction-storm`: a session compacted at least this many times.
pub const COMPACTION_STORM_MIN: u64 = 5;

/// `cache-regression`: each window is this many calendar days...
pub const CACHE_WINDOW_DAYS: i64 = 7;
/// ...holds at least this many calls of the agent...
pub const CACHE_WINDOW_MIN_CALLS: u64 = 10;
/// ...and the hit rate fell by at least this many percentage points.
pub const CACHE_REGRESSION_POINTS: f64 = 15.0;

/// `vague-prompts`: a prompt of at most this many words (at least one)...
pub const VAGUE_PROMPT_MAX_WORDS: u32 = 5;
/// ...sent into a context of at least this many tokens.
pub const VAGUE_PROMPT_MIN_CONTEXT: u64 = 50_000;

/// `concentration`: the top tenth of sessions carries at least this share of the cost...
pub const CONCENTRATION_SHARE: f64 = 0.50;
/// ...among at least this many sessions.
pub const CONCENTRATION_MIN_SESSIONS: usize = 10;

/// `expensive-model-small-turns`: a call with at most this many output tokens is a small turn...
pub const SMALL_TURN_MAX_OUTPUT: u64 = 200;
/// ...and the insight needs a saving of at least this much ($1.00, in picodollars).
pub const SMALL_TURN_MIN_SAVING_PICO: u64 = 1_000_000_000_000;

/// `marathon-sessions`: a session lasting longer than this (4 hours)...
pub const MARATHON_MS: u64 = 4 * 3_600_000;
/// ...or with more model calls than this.
pub const MARATHON_CALLS: u64 = 500;

/// `day-pattern`: the weekly pattern is only told with at least this many calls.
pub const DAY_PATTERN_MIN_CALLS: u64 = 50;
