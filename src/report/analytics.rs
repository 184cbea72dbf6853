//! The analytics part of the JSON report: periods, projects, blocks, KPIs, model comparison,
//! tool health, activity, cost drivers and insights, in dollars and RFC 3339 times.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::activity::Activity;
use crate::analysis::tools::{FailureFlag, Latency};
use crate::analysis::{Analysis, Kpis, PeriodRow};
use crate::model::Agent;
use crate::rollup::pico_to_usd;
use crate::tool_category::ToolCategory;

use super::{rfc3339, GroupReport};

/// One day, week or month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    /// `2026-02-03`, `2026-W06` or `2026-02`.
    pub period: String,
    /// The period's first day.
    pub start: String,
    pub agents: Vec<Agent>,
    pub models: Vec<String>,
    pub sessions: u64,
    #[serde(flatten)]
    pub totals: GroupReport,
}

impl From<&PeriodRow> for PeriodReport {
    fn from(p: &PeriodRow) -> Self {
        PeriodReport {
            period: p.period.clone(),
            start: p.start.format("%Y-%m-%d").to_string(),
            agents: p.agents.iter().copied().collect(),
            models: p.models.iter().cloned().collect(),
            sessions: p.sessions,
            totals: (&p.totals).into(),
        }
    }
}

/// One project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectReport {
    pub project: Option<String>,
    pub label: String,
    pub agents: Vec<Agent>,
    pub branches: Vec<String>,
    pub sessions: u64,
    pub tool_calls: u64,
    pub avg_session_ms: u64,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// One source (a person or machine's label, see `docs/ledger.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceReport {
    /// The label; `null` for calls from files without one.
    pub source: Option<String>,
    pub agents: Vec<Agent>,
    pub sessions: u64,
    pub first_call: String,
    pub last_call: String,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// One five-hour block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockReport {
    pub start: String,
    pub end: String,
    pub first_call: String,
    pub last_call: String,
    pub active: bool,
    pub tokens_per_hour: f64,
    pub cost_per_hour_usd: f64,
    pub projected_cost_usd: Option<f64>,
    pub projected_tokens: Option<u64>,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// Key figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiFigures {
    pub sessions: u64,
    pub user_messages: u64,
    pub assistant_messages: u64,
    pub avg_session_ms: u64,
    pub median_session_ms: u64,
    pub avg_cost_per_session_usd: f64,
    pub active_days: u64,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
    #[serde(flatten)]
    pub totals: GroupReport,
}

impl From<&Kpis> for KpiFigures {
    fn from(k: &Kpis) -> Self {
        KpiFigures {
            sessions: k.sessions,
            user_messages: k.user_messages,
            assistant_messages: k.assistant_messages,
            avg_session_ms: k.avg_session_ms,
            median_session_ms: k.median_session_ms,
            avg_cost_per_session_usd: pico_to_usd(k.avg_cost_per_session_pico),
            active_days: k.active_days,
            first_day: k.first_day.map(|d| d.to_string()),
            last_day: k.last_day.map(|d| d.to_string()),
            totals: (&k.totals).into(),
        }
    }
}

/// Key figures, the previous period's, and the relative change of each (`null` when the
/// previous value is 0 or there is no previous period).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KpiReport {
    #[serde(flatten)]
    pub current: KpiFigures,
    pub previous: Option<KpiFigures>,
    pub change: BTreeMap<String, Option<f64>>,
}

impl KpiReport {
    fn new(current: &Kpis, previous: Option<&Kpis>) -> Self {
        let mut change = BTreeMap::new();
        if let Some(p) = previous {
            let pairs: [(&str, f64, f64); 12] = [
                ("sessions", current.sessions as f64, p.sessions as f64),
                (
                    "user_messages",
                    current.user_messages as f64,
                    p.user_messages as f64,
                ),
                (
                    "assistant_messages",
                    current.assistant_messages as f64,
                    p.assistant_messages as f64,
                ),
                ("calls", current.totals.calls as f64, p.totals.calls as f64),
                (
                    "cost_usd",
                    current.totals.cost_pico as f64,
                    p.totals.cost_pico as f64,
                ),
                (
                    "tokens",
                    current.totals.tokens.total() as f64,
                    p.totals.tokens.total() as f64,
                ),
                (
                    "cache_hit_rate",
                    current.totals.cache_hit_rate(),
                    p.totals.cache_hit_rate(),
                ),
                (
                    "avg_session_ms",
                    current.avg_session_ms as f64,
                    p.avg_session_ms as f64,
                ),
                (
                    "median_session_ms",
                    current.median_session_ms as f64,
                    p.median_session_ms as f64,
                ),
                (
                    "avg_cost_per_session_usd",
                    current.avg_cost_per_session_pico as f64,
                    p.avg_cost_per_session_pico as f64,
                ),
                (
                    "active_days",
                    current.active_days as f64,
                    p.active_days as f64,
                ),
                (
                    "output_tokens",
                    current.totals.tokens.output as f64,
                    p.totals.tokens.output as f64,
                ),
            ];
            for (name, c, prev) in pairs {
                change.insert(name.to_owned(), crate::analysis::kpis::change(c, prev));
            }
        }
        KpiReport {
            current: current.into(),
            previous: previous.map(Into::into),
            change,
        }
    }
}

/// One (agent, model) comparison row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparisonReport {
    pub agent: Agent,
    pub model: String,
    pub sessions: u64,
    pub avg_cost_per_session_usd: f64,
    pub avg_session_ms: u64,
    pub active_minutes: u64,
    pub cost_per_active_minute_usd: f64,
    pub cost_per_turn_usd: f64,
    pub share_of_spend: f64,
    #[serde(flatten)]
    pub totals: GroupReport,
}

/// One (agent, tool) health row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolHealthReport {
    pub agent: Agent,
    pub name: String,
    pub category: ToolCategory,
    pub calls: u64,
    pub errors: u64,
    pub failure_rate: f64,
    pub flag: Option<FailureFlag>,
    pub latency: Option<Latency>,
}

/// One day of activity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityDay {
    pub date: String,
    pub user_messages: u64,
    pub assistant_messages: u64,
    pub calls: u64,
    pub cost_usd: f64,
}

/// Activity per day and the weekday x hour matrix (`calls[weekday][hour]`, Monday first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActivityReport {
    pub days: Vec<ActivityDay>,
    pub calls: Vec<Vec<u64>>,
    pub cost_usd: Vec<Vec<f64>>,
}

impl From<&Activity> for ActivityReport {
    fn from(a: &Activity) -> Self {
        ActivityReport {
            days: a
                .days
                .iter()
                .map(|d| ActivityDay {
                    date: d.date.map(|d| d.to_string()).unwrap_or_default(),
                    user_messages: d.user_messages,
                    assistant_messages: d.assistant_messages,
                    calls: d.calls,
                    cost_usd: pico_to_usd(d.cost_pico),
                })
                .collect(),
            calls: a
                .matrix
                .iter()
                .map(|r| r.iter().map(|c| c.calls).collect())
                .collect(),
            cost_usd: a
                .matrix
                .iter()
                .map(|r| r.iter().map(|c| pico_to_usd(c.cost_pico)).collect())
                .collect(),
        }
    }
}

/// One cost driver.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriverReport {
    pub agent: Option<Agent>,
    pub name: String,
    pub cost_usd: f64,
    pub share: f64,
}

/// Cost drivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriversReport {
    pub top_sessions: Vec<DriverReport>,
    pub top_projects: Vec<DriverReport>,
    pub top_models: Vec<DriverReport>,
    pub top_decile_sessions: u64,
    pub top_decile_share: f64,
}

/// The analytics sections of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    /// One row per day (all agents and models together); `days` has the per-model cells.
    pub day_totals: Vec<PeriodReport>,
    pub weeks: Vec<PeriodReport>,
    pub months: Vec<PeriodReport>,
    pub projects: Vec<ProjectReport>,
    /// Per source label, most expensive first.
    #[serde(default)]
    pub sources: Vec<SourceReport>,
    pub blocks: Vec<BlockReport>,
    pub kpis: KpiReport,
    pub model_comparison: Vec<ModelComparisonReport>,
    pub tool_health: Vec<ToolHealthReport>,
    pub activity: ActivityReport,
    pub drivers: DriversReport,
}

impl From<&Analysis> for Analytics {
    fn from(a: &Analysis) -> Self {
        let driver = |d: &crate::analysis::drivers::Driver| DriverReport {
            agent: d.agent,
            name: d.name.clone(),
            cost_usd: pico_to_usd(d.cost_pico),
            share: d.share,
        };
        Analytics {
            day_totals: a.days.iter().map(Into::into).collect(),
            weeks: a.weeks.iter().map(Into::into).collect(),
            months: a.months.iter().map(Into::into).collect(),
            sources: a
                .sources
                .iter()
                .map(|s| SourceReport {
                    source: s.source.clone(),
                    agents: s.agents.iter().copied().collect(),
                    sessions: s.sessions,
                    first_call: crate::report::rfc3339(s.first_ms),
                    last_call: crate::report::rfc3339(s.last_ms),
                    totals: (&s.totals).into(),
                })
                .collect(),
            projects: a
                .projects
                .iter()
                .map(|p| ProjectReport {
                    project: p.project.clone(),
                    label: p.label.clone(),
                    agents: p.agents.iter().copied().collect(),
                    branches: p.branches.iter().cloned().collect(),
                    sessions: p.sessions,
                    tool_calls: p.tool_calls,
                    avg_session_ms: p.avg_session_ms,
                    totals: (&p.totals).into(),
                })
                .collect(),
            blocks: a
                .blocks
                .iter()
                .map(|b| BlockReport {
                    start: rfc3339(b.start_ms),
                    end: rfc3339(b.end_ms),
                    first_call: rfc3339(b.first_call_ms),
                    last_call: rfc3339(b.last_call_ms),
                    active: b.active,
                    tokens_per_hour: b.tokens_per_hour,
                    cost_per_hour_usd: b.cost_per_hour_pico / 1e12,
                    projected_cost_usd: b.projected_cost_pico.map(pico_to_usd),
                    projected_tokens: b.projected_tokens,
                    totals: (&b.totals).into(),
                })
                .collect(),
            kpis: KpiReport::new(&a.kpis, a.previous.as_ref()),
            model_comparison: a
                .model_comparison
                .iter()
                .map(|m| ModelComparisonReport {
                    agent: m.agent,
                    model: m.model.clone(),
                    sessions: m.sessions,
                    avg_cost_per_session_usd: pico_to_usd(m.avg_cost_per_session_pico),
                    avg_session_ms: m.avg_session_ms,
                    active_minutes: m.active_minutes,
                    cost_per_active_minute_usd: pico_to_usd(m.cost_per_active_minute_pico),
                    cost_per_turn_usd: pico_to_usd(m.cost_per_turn_pico),
                    share_of_spend: m.share_of_spend,
                    totals: (&m.totals).into(),
                })
                .collect(),
            tool_health: a
                .tool_health
                .iter()
                .map(|t| ToolHealthReport {
                    agent: t.agent,
                    name: t.name.clone(),
                    category: t.category,
                    calls: t.calls,
                    errors: t.errors,
                    failure_rate: t.failure_rate,
                    flag: t.flag,
                    latency: t.latency,
                })
                .collect(),
            activity: (&a.activity).into(),
            drivers: DriversReport {
                top_sessions: a.drivers.top_sessions.iter().map(driver).collect(),
                top_projects: a.drivers.top_projects.iter().map(driver).collect(),
                top_models: a.drivers.top_models.iter().map(driver).collect(),
                top_decile_sessions: a.drivers.top_decile_sessions,
                top_decile_share: a.drivers.top_decile_share,
            },
        }
    }
}
