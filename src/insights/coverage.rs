//! Which agent formats record which fields: the detectors' "not covered" list comes from here.

use crate::model::Agent;

/// A record field a detector may need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The file a file tool read or wrote (`ToolCall::target`).
    ToolTarget,
    /// The size of a tool's result (`ToolCall::result_bytes`).
    ToolResultSize,
    /// A hash of the tool's input (`ToolCall::input_hash`).
    ToolInput,
    /// Timestamps on both halves of a tool call.
    ToolTiming,
    /// Compaction markers (`MessageRecord::compaction`).
    Compactions,
    /// The text of user prompts (`MessageRecord::words`).
    PromptText,
}

impl Field {
    /// The name shown in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Field::ToolTarget => "tool target file",
            Field::ToolResultSize => "tool result size",
            Field::ToolInput => "tool input",
            Field::ToolTiming => "tool timing",
            Field::Compactions => "compaction markers",
            Field::PromptText => "prompt text",
        }
    }
}

/// True when `agent`'s format records `field` (see `docs/analytics-fields.md`).
#[must_use]
pub fn records(agent: Agent, field: Field) -> bool {
    // Codex names a file only for read_file, view_image and single-file apply_patch calls (older
    // versions edit through the shell), and Gemini marks compressions only since November 2025:
    // partial, but recorded, so they are covered. Qwen Code and Amp do not keep a tool's output
    // size; Amp has no compaction markers and no result timestamps.
    !matches!(
        (agent, field),
        (Agent::Qwen | Agent::Amp, Field::ToolResultSize)
            | (Agent::Amp, Field::Compactions | Field::ToolTiming)
    ) && agents_b_records(agent, field)
        && agents2_records(agent, field)
}

/// agents2: Cline and Roo Code tie no result to a tool call (no result size, no timing); Codebuff
/// keeps no times and no compactions; Crush keeps no compaction markers. Factory Droid is read as
/// one usage total per session: none of these records.
fn agents2_records(agent: Agent, field: Field) -> bool {
    !matches!(
        (agent, field),
        (
            Agent::Cline | Agent::Roo,
            Field::ToolResultSize | Field::ToolTiming
        ) | (Agent::Codebuff, Field::ToolTiming | Field::Compactions)
            | (Agent::Crush, Field::Compactions)
            | (Agent::Droid, _)
    )
}

/// agents-b: Goose keeps no tool calls, compactions or prompt text that are read (sessions.db
/// holds usage per session only); OpenCode's JSON storage has prompt text only in part files (its
/// database has it), pi records all of them.
fn agents_b_records(agent: Agent, field: Field) -> bool {
    !matches!((agent, field), (Agent::Goose, _))
}
