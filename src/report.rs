//! The report: the one JSON shape the CLI prints with `--json` and the browser app draws.
//!
//! Built from an [`Analysis`]; dollars appear only here, at the edge (internally money is integer
//! picodollars). `input` is uncached input and `output` includes reasoning, for every agent.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub mod analytics;

use crate::analysis::Analysis;
use crate::filter::Filter;
use crate::insights::{Insight, InsightReport, NotCovered};
use crate::ledger::Ledger;
use crate::line_report::{FileReport, LineTotals};
use crate::model::{Agent, Tokens};
use crate::pricing::Provenance;
use crate::rollup::Totals;

/// Token counts as reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenReport {
    pub input: u64,
    pub output: u64,
    pub cache_write: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
    pub reasoning: u64,
    pub total: u64,
}

impl From<&Tokens> for TokenReport {
    fn from(t: &Tokens) -> Self {
        TokenReport {
            input: t.input,
            output: t.output,
            cache_write: t.cache_write(),
            cache_write_5m: t.cache_write_5m,
            cache_write_1h: t.cache_write_1h,
            cache_read: t.cache_read,
            reasoning: t.reasoning,
            total: t.total(),
        }
    }
}

/// Totals of some group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupReport {
    pub tokens: TokenReport,
    pub cost_usd: f64,
    pub calls: u64,
    pub unpriced_tokens: u64,
    pub cache_hit_rate: f64,
    /// Premium requests (Copilot CLI), a unit of their own beside tokens and dollars; left out
    /// when there are none.
    #[serde(default, skip_serializing_if = "is_zero_f64")]
    pub premium_requests: f64,
    /// Costs the agents recorded themselves for some of these calls, beside `cost_usd`; absent
    /// when no call carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded: Option<RecordedReport>,
}

fn is_zero_f64(n: &f64) -> bool {
    *n == 0.0
}

/// The costs agents recorded themselves, and what the same calls cost at API rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RecordedReport {
    /// Calls that carry a recorded cost.
    pub calls: u64,
    /// The sum the agents recorded (OpenCode writes 0 for calls billed by a subscription).
    pub cost_usd: f64,
    /// The same calls priced from the shared table (those it can price).
    pub api_cost_usd: f64,
}

impl From<&Totals> for GroupReport {
    fn from(t: &Totals) -> Self {
        GroupReport {
            tokens: (&t.tokens).into(),
            cost_usd: t.cost_usd(),
            calls: t.calls,
            unpriced_tokens: t.unpriced_tokens,
            cache_hit_rate: t.cache_hit_rate(),
            premium_requests: t.premium_requests_micro as f64 / 1e6,
            recorded: (t.recorded_calls > 0).then(|| RecordedReport {
                calls: t.recorded_calls,
                cost_usd: crate::rollup::pico_to_usd(t.recorded_cost_pico),
                api_cost_usd: crate::rollup::pico_to_usd(t.recorded_api_cost_pico),
            }),
        }
    }
}

/// One agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentReport {
    #[serde(flatten)]
    pub totals: GroupReport,
    pub sessions: u64,
    pub unpriced_models: Vec<String>,
}

/// One (day, agent, model) row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayReport {
    pub date: String,
    pub agent: Agent,
    pub model: String,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// One (agent, model) row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelReport {
    pub agent: Agent,
    pub model: String,
    pub priced_as: Option<String>,
    pub pricing: Provenance,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionReport {
    pub agent: Agent,
    pub session: String,
    pub project: Option<String>,
    pub git_branch: Option<String>,
    pub cli_version: Option<String>,
    pub start: String,
    pub end: String,
    pub models: Vec<String>,
    pub user_messages: u64,
    pub assistant_messages: u64,
    pub tool_calls: u64,
    pub tool_errors: u64,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// One (agent, tool) row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolReport {
    pub agent: Agent,
    pub name: String,
    pub calls: u64,
    pub errors: u64,
    pub total_ms: u64,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Format version of this JSON.
    pub version: u32,
    /// The price table used (LiteLLM version it was snapshotted from).
    pub prices: String,
    /// The time zone days are counted in.
    pub time_zone: String,
    pub total: GroupReport,
    pub agents: BTreeMap<Agent, AgentReport>,
    pub days: Vec<DayReport>,
    pub models: Vec<ModelReport>,
    pub sessions: Vec<SessionReport>,
    pub tools: Vec<ToolReport>,
    pub lines: LineTotals,
    /// Per-file line reports (skipped files included, with the reason in `format`).
    pub files: Vec<FileReport>,
    /// The filter every figure above and below was computed with (the line report excepted).
    pub filter: Filter,
    #[serde(flatten)]
    pub analytics: analytics::Analytics,
    pub insights: Vec<Insight>,
    /// Detectors that could not look at an agent's data, and why.
    pub insights_not_covered: Vec<NotCovered>,
    /// The custom prices in effect (USD per million tokens, as the user gave them); every call
    /// they priced has `pricing: "custom"`. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_prices: Vec<crate::pricing::ModelOverride>,
}

/// The current report format version.
pub const REPORT_VERSION: u32 = 2;

impl Report {
    /// Builds the report of an analysis and its insights. `ledger` is the unfiltered ledger (for
    /// the per-file line reports).
    #[must_use]
    pub fn new(
        analysis: &Analysis,
        insights: &InsightReport,
        ledger: &Ledger,
        prices: &str,
    ) -> Self {
        let summary = &analysis.summary;
        Report {
            version: REPORT_VERSION,
            prices: prices.to_owned(),
            time_zone: analysis.tz.name().to_owned(),
            total: (&summary.total).into(),
            agents: summary
                .agents
                .iter()
                .map(|(agent, a)| {
                    (
                        *agent,
                        AgentReport {
                            totals: (&a.totals).into(),
                            sessions: a.sessions,
                            unpriced_models: a.unpriced_models.iter().cloned().collect(),
                        },
                    )
                })
                .collect(),
            days: summary
                .days
                .iter()
                .map(|d| DayReport {
                    date: d.date.format("%Y-%m-%d").to_string(),
                    agent: d.agent,
                    model: d.model.clone(),
                    totals: (&d.totals).into(),
                })
                .collect(),
            models: summary
                .models
                .iter()
                .map(|m| ModelReport {
                    agent: m.agent,
                    model: m.model.clone(),
                    priced_as: m.priced_as.clone(),
                    pricing: m.provenance,
                    totals: (&m.totals).into(),
                })
                .collect(),
            sessions: summary
                .sessions
                .iter()
                .map(|s| SessionReport {
                    agent: s.agent,
                    session: s.session.clone(),
                    project: s.project.clone(),
                    git_branch: s.git_branch.clone(),
                    cli_version: s.cli_version.clone(),
                    start: rfc3339(s.first_ms),
                    end: rfc3339(s.last_ms),
                    models: s.models.iter().cloned().collect(),
                    user_messages: s.user_messages,
                    assistant_messages: s.assistant_messages,
                    tool_calls: s.tool_calls,
                    tool_errors: s.tool_errors,
                    totals: (&s.totals).into(),
                })
                .collect(),
            tools: summary
                .tools
                .iter()
                .map(|t| ToolReport {
                    agent: t.agent,
                    name: t.name.clone(),
                    calls: t.calls,
                    errors: t.errors,
                    total_ms: t.total_ms,
                })
                .collect(),
            lines: summary.lines,
            files: ledger.files.values().cloned().collect(),
            filter: analysis.filter.clone(),
            analytics: analysis.into(),
            insights: insights.insights.clone(),
            insights_not_covered: insights.not_covered.clone(),
            custom_prices: Vec::new(),
        }
    }
}

impl Report {
    /// Lists the custom prices of `prices` (the table the analysis was priced with) in the
    /// report, so that every overridden price is named beside the figures it changed.
    #[must_use]
    pub fn with_custom_prices(mut self, prices: &crate::pricing::PriceTable) -> Self {
        self.custom_prices = prices.overrides().models.clone();
        self
    }
}

pub(crate) fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// An integer with thousands separators, `1234567` -> `1,234,567` (CLI tables and the web app).
#[must_use]
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
