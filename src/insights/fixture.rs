//! Hand-built ledgers for the detector tests.
//!
//! Why not parser fixtures: the detectors read fields (`input_hash`, `target`, `result_bytes`,
//! prompt words, compaction markers) that the parsers fill on another branch; building records by
//! hand pins each detector to its rule, whatever a format writes.

use chrono_tz::UTC;

use crate::analysis::Analysis;
use crate::filter::Filter;
use crate::ledger::Ledger;
use crate::line_report::Sink;
use crate::model::{
    prompt_summary, Agent, MessageKey, MessageRecord, Role, Source, Tokens, ToolCall, ToolKey,
    UsageKey, UsageRecord,
};
use crate::pricing::PriceTable;

/// 2026-01-05T00:00:00Z, a Monday.
pub const T0: i64 = 1_767_571_200_000;
pub const MINUTE: i64 = 60_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

/// Priced by the embedded table at $3 / $15 per million input / output tokens.
pub const SONNET: &str = "claude-sonnet-4-5";
/// $5 / $25 per million.
pub const OPUS: &str = "claude-opus-4-6";

fn source() -> Source {
    Source {
        file: "fixture.jsonl".into(),
        line: 1.into(),
    }
}

/// Tokens with uncached input, output and cache reads.
pub fn tokens(input: u64, output: u64, cache_read: u64) -> Tokens {
    Tokens {
        input,
        output,
        cache_read,
        ..Tokens::default()
    }
}

/// One model call at `ms` (its key is unique per session and time).
pub fn call(agent: Agent, session: &str, ms: i64, model: &str, tokens: Tokens) -> UsageRecord {
    UsageRecord {
        key: UsageKey::new(agent, session, &ms.to_string()),
        timestamp_ms: ms,
        model: Some(model.into()),
        tokens,
        session: session.into(),
        project: Some("/work/app".into()),
        git_branch: None,
        cli_version: None,
        is_sidechain: false,
        rare: None,
        source: source(),
    }
}

/// One tool call started at `ms`, ended a second later.
pub fn tool(agent: Agent, session: &str, id: &str, name: &str, ms: i64, error: bool) -> ToolCall {
    ToolCall {
        key: ToolKey::new(agent, session, id),
        session: session.into(),
        name: Some(name.into()),
        start_ms: Some(ms).into(),
        end_ms: Some(ms + 1000).into(),
        is_error: error,
        input_hash: Default::default(),
        target: None,
        result_bytes: Default::default(),
        source: source(),
    }
}

/// A user prompt typed at `ms`.
pub fn prompt(agent: Agent, session: &str, id: &str, ms: i64, text: &str) -> MessageRecord {
    let (words, preview) = prompt_summary(text);
    MessageRecord {
        key: MessageKey::new(agent, id),
        session: session.into(),
        role: Role::User,
        timestamp_ms: Some(ms).into(),
        words: Some(words).into(),
        preview: Some(preview),
        compaction: false,
        source: source(),
    }
}

/// A compaction marker at `ms`.
pub fn compaction(agent: Agent, session: &str, id: &str, ms: i64) -> MessageRecord {
    MessageRecord {
        key: MessageKey::new(agent, id),
        session: session.into(),
        role: Role::System,
        timestamp_ms: Some(ms).into(),
        words: Default::default(),
        preview: None,
        compaction: true,
        source: source(),
    }
}

/// A ledger holding these records, inserted in the order given.
pub fn ledger(
    usage: Vec<UsageRecord>,
    tools: Vec<ToolCall>,
    messages: Vec<MessageRecord>,
) -> Ledger {
    let mut sink = Sink::new("fixture.jsonl", None, "fixture");
    sink.usage = usage;
    sink.tools = tools;
    sink.messages = messages;
    let mut l = Ledger::new();
    l.add_file(sink);
    l
}

/// The unfiltered analysis of `ledger` in UTC, "now" a year after [`T0`].
pub fn analyze(ledger: &Ledger) -> Analysis {
    Analysis::new(
        ledger,
        &Filter::default(),
        PriceTable::embedded(),
        UTC,
        T0 + 365 * DAY,
    )
}

/// What the embedded table charges for `tokens` on `model`, in picodollars.
pub fn cost(model: &str, tokens: &Tokens) -> u64 {
    PriceTable::embedded()
        .lookup(model)
        .map(|m| m.prices.tokens_cost_pico(tokens))
        .expect("fixture models are in the embedded table")
}

/// Asserts two figures are equal up to floating-point rounding.
pub fn assert_close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
}
