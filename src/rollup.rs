//! Rollups: the merged record set summed by agent, day, model, session and tool.
//!
//! Every rollup is a sum over the same [`Ledger::counted_usage`] set, each record priced once, so
//! grouping by day, session, model or agent always gives the same grand total (tested in
//! `tests/rollup_consistency.rs`). Days are calendar days in the zone the caller chooses.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::fast_hash::FastMap;
use crate::ledger::Ledger;
use crate::line_report::LineTotals;
use crate::model::{Agent, Role, Text, Tokens, UsageRecord};
use crate::pricing::{Cost, PriceTable, Provenance};

/// The model name used for records whose agent recorded none.
pub const UNKNOWN_MODEL: &str = "unknown";

/// Tokens and cost summed over some records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    pub tokens: Tokens,
    /// Cost of the priced records, in picodollars.
    pub cost_pico: u64,
    /// Tokens of records that have no price (counted in `tokens`, not in `cost_pico`).
    pub unpriced_tokens: u64,
    /// Model calls summed.
    pub calls: u64,
    /// Premium requests (Copilot CLI), in millionths: summed as integers so that the sum does not
    /// depend on the order records are added in (float sums do), like money in picodollars.
    #[serde(default)]
    pub premium_requests_micro: u64,
    /// Calls that carry a cost the agent recorded itself (OpenCode `cost`, Claude `costUSD`).
    #[serde(default)]
    pub recorded_calls: u64,
    /// The sum of those recorded costs, in picodollars: shown beside `cost_pico`, never in it
    /// (see [`crate::pricing`]).
    #[serde(default)]
    pub recorded_cost_pico: u64,
    /// What the same calls cost at API rates from the price table (those the table prices), to
    /// compare with `recorded_cost_pico`.
    #[serde(default)]
    pub recorded_api_cost_pico: u64,
}

/// A call's recorded cost and its cost from the price table, when it has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordedCost {
    /// What the agent recorded, in picodollars.
    pub agent_pico: u64,
    /// The table's price of the call, `None` when the table cannot price it.
    pub api_pico: Option<u64>,
}

impl RecordedCost {
    /// The recorded cost of `record` priced as `cost`, if the agent recorded one.
    #[must_use]
    pub fn of(record: &UsageRecord, cost: &Cost) -> Option<Self> {
        Self::of_priced(record, cost.pico, cost.provenance)
    }

    /// [`RecordedCost::of`] for a cost of `pico` found as `provenance`.
    #[must_use]
    pub fn of_priced(record: &UsageRecord, pico: u64, provenance: Provenance) -> Option<Self> {
        record.recorded_cost_pico().map(|agent_pico| RecordedCost {
            agent_pico,
            api_pico: matches!(
                provenance,
                Provenance::Exact | Provenance::Alias | Provenance::Family | Provenance::Custom
            )
            .then_some(pico),
        })
    }
}

impl Totals {
    fn add(&mut self, record: &UsageRecord, cost: &Cost) {
        self.tokens.add(&record.tokens);
        self.calls += 1;
        self.premium_requests_micro = self
            .premium_requests_micro
            .saturating_add(premium_micro(record.premium_requests()));
        if cost.provenance == Provenance::Unpriced {
            self.unpriced_tokens = self.unpriced_tokens.saturating_add(record.tokens.total());
        } else {
            self.cost_pico = self.cost_pico.saturating_add(cost.pico);
        }
        self.add_recorded(RecordedCost::of(record, cost));
    }

    fn add_recorded(&mut self, recorded: Option<RecordedCost>) {
        if let Some(r) = recorded {
            self.recorded_calls += 1;
            self.recorded_cost_pico = self.recorded_cost_pico.saturating_add(r.agent_pico);
            self.recorded_api_cost_pico = self
                .recorded_api_cost_pico
                .saturating_add(r.api_pico.unwrap_or(0));
        }
    }

    /// Adds one priced call of an [`crate::analysis::Analysis`].
    pub fn add_call(&mut self, call: &crate::analysis::Call) {
        self.tokens.add(call.tokens());
        self.calls += 1;
        if call.priced() {
            self.cost_pico = self.cost_pico.saturating_add(call.cost_pico);
        } else {
            self.unpriced_tokens += call.tokens().total();
        }
        self.add_recorded(call.recorded());
    }

    /// Adds another sum.
    pub fn add_totals(&mut self, other: &Totals) {
        self.tokens.add(&other.tokens);
        self.calls += other.calls;
        self.premium_requests_micro = self
            .premium_requests_micro
            .saturating_add(other.premium_requests_micro);
        self.cost_pico = self.cost_pico.saturating_add(other.cost_pico);
        self.unpriced_tokens += other.unpriced_tokens;
        self.recorded_calls += other.recorded_calls;
        self.recorded_cost_pico = self
            .recorded_cost_pico
            .saturating_add(other.recorded_cost_pico);
        self.recorded_api_cost_pico = self
            .recorded_api_cost_pico
            .saturating_add(other.recorded_api_cost_pico);
    }

    /// Cost in US dollars.
    #[must_use]
    pub fn cost_usd(&self) -> f64 {
        pico_to_usd(self.cost_pico)
    }

    /// Share of prompt tokens served from cache: cache_read / (input + cache writes + cache_read).
    #[must_use]
    pub fn cache_hit_rate(&self) -> f64 {
        let prompt = self.tokens.prompt();
        if prompt == 0 {
            0.0
        } else {
            self.tokens.cache_read as f64 / prompt as f64
        }
    }
}

/// One record's premium requests in millionths; a negative, NaN or absurd count adds nothing.
#[must_use]
pub fn premium_micro(requests: Option<f64>) -> u64 {
    match requests {
        // Far above any session (a request costs at most a few premium requests), far below u64.
        Some(r) if r.is_finite() && r > 0.0 && r < 1e12 => (r * 1e6).round() as u64,
        _ => 0,
    }
}

/// Picodollars to dollars.
#[must_use]
pub fn pico_to_usd(pico: u64) -> f64 {
    pico as f64 / 1e12
}

/// One agent's totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentRollup {
    pub totals: Totals,
    pub sessions: u64,
    pub unpriced_models: BTreeSet<String>,
}

/// One (day, agent, model) cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayRow {
    pub date: NaiveDate,
    pub agent: Agent,
    pub model: String,
    pub totals: Totals,
}

/// One (agent, model) row, with how it was priced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRow {
    pub agent: Agent,
    pub model: String,
    pub priced_as: Option<String>,
    pub provenance: Provenance,
    pub totals: Totals,
}

/// One session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRow {
    pub agent: Agent,
    pub session: String,
    pub project: Option<String>,
    pub git_branch: Option<String>,
    pub cli_version: Option<String>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub models: BTreeSet<String>,
    pub totals: Totals,
    pub user_messages: u64,
    pub assistant_messages: u64,
    pub tool_calls: u64,
    pub tool_errors: u64,
}

/// One (agent, tool name) row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolRow {
    pub agent: Agent,
    pub name: String,
    pub calls: u64,
    pub errors: u64,
    /// Sum of known durations (result time minus call time), in milliseconds.
    pub total_ms: u64,
}

/// Everything the CLI prints and the dashboard draws.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub total: Totals,
    pub agents: BTreeMap<Agent, AgentRollup>,
    pub days: Vec<DayRow>,
    pub models: Vec<ModelRow>,
    pub sessions: Vec<SessionRow>,
    pub tools: Vec<ToolRow>,
    pub lines: LineTotals,
}

/// Sums `ledger` with `prices`, bucketing days in `tz`.
#[must_use]
pub fn summarize(ledger: &Ledger, prices: &PriceTable, tz: Tz) -> Summary {
    summarize_calls(
        ledger,
        &crate::analysis::calls::counted_calls(ledger, prices),
        prices,
        tz,
    )
}

/// [`summarize`] of the calls [`crate::analysis::calls::counted_calls`] made of `ledger` with
/// `prices` (in that order, not yet sorted by time: a model row takes the price label of its
/// first call in counted order).
#[must_use]
pub fn summarize_calls(
    ledger: &Ledger,
    calls: &[crate::analysis::Call],
    prices: &PriceTable,
    tz: Tz,
) -> Summary {
    // The maps are keyed by strings borrowed from the ledger while summing (no copy of a model
    // or session id per record); rows own their strings, made once per row.
    let mut total = Totals::default();
    let mut agents: BTreeMap<Agent, AgentRollup> = BTreeMap::new();
    // Hash maps while summing, ordered once at the end (crate::fast_hash).
    let mut days: FastMap<(NaiveDate, Agent, &str), Totals> = FastMap::default();
    let mut models: FastMap<(Agent, &str), ModelRow> = FastMap::default();
    let mut sessions: FastMap<(Agent, &str), SessionRow> = FastMap::default();

    for call in calls {
        let record = &*call.record;
        // The call's figures as a cost (no label: it is asked for once per model row below).
        let cost = &Cost {
            pico: call.cost_pico,
            provenance: call.provenance,
            priced_as: None,
        };
        let model = record.model.as_deref().unwrap_or(UNKNOWN_MODEL);
        let agent = record.key.agent;
        total.add(record, cost);

        let a = agents.entry(agent).or_default();
        a.totals.add(record, cost);
        if cost.provenance == Provenance::Unpriced
            && !record.tokens.is_zero()
            && !a.unpriced_models.contains(model)
        {
            a.unpriced_models.insert(model.to_owned());
        }

        let date = tz
            .timestamp_millis_opt(record.timestamp_ms)
            .single()
            .map_or_else(
                || chrono::DateTime::UNIX_EPOCH.date_naive(),
                |t| t.date_naive(),
            );
        days.entry((date, agent, model))
            .or_default()
            .add(record, cost);

        models
            .entry((agent, model))
            .or_insert_with(|| ModelRow {
                agent,
                model: model.to_owned(),
                priced_as: prices.record_cost(record).priced_as,
                provenance: cost.provenance,
                totals: Totals::default(),
            })
            .totals
            .add(record, cost);

        let s = sessions
            .entry((agent, record.session.as_str()))
            .or_insert_with(|| new_session(record));
        s.first_ms = s.first_ms.min(record.timestamp_ms);
        s.last_ms = s.last_ms.max(record.timestamp_ms);
        fill(&mut s.project, &record.project);
        fill(&mut s.git_branch, &record.git_branch);
        fill(&mut s.cli_version, &record.cli_version);
        if record.model.is_some() && !s.models.contains(model) {
            s.models.insert(model.to_owned());
        }
        s.totals.add(record, cost);
    }

    // A session that has messages but no model call (Copilot CLI's old history files record
    // no tokens) is still a session: it is listed with zero tokens rather than left out.
    let mut tokenless: FastMap<(Agent, &str), SessionRow> = FastMap::default();
    for message in ledger.messages.values() {
        let key = (message.key.agent, message.session.as_str());
        let s = match sessions.get_mut(&key) {
            Some(s) => s,
            None => tokenless
                .entry(key)
                .or_insert_with(|| tokenless_session(message.key.agent, &message.session)),
        };
        if let Some(ms) = message.timestamp_ms.get() {
            s.first_ms = s.first_ms.min(ms);
            s.last_ms = s.last_ms.max(ms);
        }
        match message.role {
            Role::User => s.user_messages += 1,
            Role::Assistant => s.assistant_messages += 1,
            Role::System | Role::Tool => {}
        }
    }
    for (key, mut s) in tokenless {
        if s.first_ms > s.last_ms {
            // No message had a time.
            (s.first_ms, s.last_ms) = (0, 0);
        }
        sessions.insert(key, s);
    }

    let mut tools: FastMap<(Agent, &str), ToolRow> = FastMap::default();
    for call in ledger.distinct_tools() {
        let agent = call.key.agent;
        let name = call.name.as_deref().unwrap_or("unknown");
        let row = tools.entry((agent, name)).or_insert_with(|| ToolRow {
            agent,
            name: name.to_owned(),
            calls: 0,
            errors: 0,
            total_ms: 0,
        });
        row.calls += 1;
        row.errors += u64::from(call.is_error);
        if let (Some(a), Some(b)) = (call.start_ms.get(), call.end_ms.get()) {
            let ms = u64::try_from(b.saturating_sub(a)).unwrap_or(0);
            row.total_ms = row.total_ms.saturating_add(ms);
        }
        if let Some(s) = sessions.get_mut(&(agent, call.session.as_str())) {
            s.tool_calls += 1;
            s.tool_errors += u64::from(call.is_error);
        }
    }

    for (agent, _) in sessions.keys() {
        agents.entry(*agent).or_default().sessions += 1;
    }

    let sessions: BTreeMap<(Agent, &str), SessionRow> = sessions.into_iter().collect();
    let mut sessions: Vec<SessionRow> = sessions.into_values().collect();
    sessions.sort_by(|a, b| {
        b.last_ms
            .cmp(&a.last_ms)
            .then_with(|| a.session.cmp(&b.session))
    });

    Summary {
        total,
        agents,
        days: days
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            .into_iter()
            .map(|((date, agent, model), totals)| DayRow {
                date,
                agent,
                model: model.to_owned(),
                totals,
            })
            .collect(),
        models: models
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            .into_values()
            .collect(),
        sessions,
        tools: tools
            .into_iter()
            .collect::<BTreeMap<_, _>>()
            .into_values()
            .collect(),
        lines: ledger.line_totals(),
    }
}

fn new_session(record: &UsageRecord) -> SessionRow {
    SessionRow {
        agent: record.key.agent,
        session: record.session.to_string(),
        project: None,
        git_branch: None,
        cli_version: None,
        first_ms: record.timestamp_ms,
        last_ms: record.timestamp_ms,
        models: BTreeSet::new(),
        totals: Totals::default(),
        user_messages: 0,
        assistant_messages: 0,
        tool_calls: 0,
        tool_errors: 0,
    }
}

/// The row of a session known only from its messages; its span is filled from their times.
fn tokenless_session(agent: Agent, session: &str) -> SessionRow {
    SessionRow {
        agent,
        session: session.to_owned(),
        project: None,
        git_branch: None,
        cli_version: None,
        first_ms: i64::MAX,
        last_ms: i64::MIN,
        models: BTreeSet::new(),
        totals: Totals::default(),
        user_messages: 0,
        assistant_messages: 0,
        tool_calls: 0,
        tool_errors: 0,
    }
}

fn fill(slot: &mut Option<String>, value: &Option<Text>) {
    if slot.is_none() {
        if let Some(v) = value.as_ref().filter(|v| !v.is_empty()) {
            *slot = Some(v.to_string());
        }
    }
}
