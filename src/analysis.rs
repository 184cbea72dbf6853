//! Answers, not just totals: one filtered analysis that every reader shares.
//!
//! `ledger -> Filter -> Analysis -> insights`: the CLI commands, the JSON report and every
//! browser view read this one value, so a figure cannot differ between two places that show it.
//! Each family of figures has its own module; all of them are sums over the same priced calls
//! ([`calls::priced_calls`]) of the same filtered ledger, so every grouping reconciles with the
//! totals (property-tested in `tests/analysis_law.rs`).

pub mod activity;
pub mod blocks;
pub mod calls;
pub mod drivers;
pub mod kpis;
pub mod models;
pub mod periods;
pub mod projects;
pub mod session_detail;
pub mod sessions;
pub mod sources;
pub mod tools;

use std::sync::Arc;

use chrono_tz::Tz;

use crate::filter::Filter;
use crate::ledger::Ledger;
use crate::line_report::LineTotals;
use crate::pricing::PriceTable;
use crate::rollup::{summarize_calls, Summary};

pub use activity::Activity;
pub use blocks::UsageBlock;
pub use calls::Call;
pub use drivers::CostDrivers;
pub use kpis::Kpis;
pub use models::ModelComparison;
pub use periods::{Granularity, PeriodRow};
pub use projects::ProjectRow;
pub use session_detail::SessionDetail;
pub use sessions::{SessionFacts, Sessions};
pub use sources::SourceRow;
pub use tools::ToolHealth;

/// Everything computed for one filter.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub filter: Filter,
    pub tz: Tz,
    /// "Now", for the active usage block (milliseconds since the epoch).
    pub now_ms: i64,
    /// The filtered ledger (counted calls that pass, their sessions' tools and messages): with
    /// no filter on a ledger that counts whole, that ledger itself, shared
    /// ([`Analysis::shared`]).
    pub ledger: Arc<Ledger>,
    /// Its calls, priced, in time order.
    pub calls: Vec<Call>,
    /// The rollups by agent, day, model, session and tool (as before the analytics).
    pub summary: Summary,
    pub sessions: Sessions,
    pub kpis: Kpis,
    /// The same figures for the previous period of the same length, when a range is set.
    pub previous: Option<Kpis>,
    pub days: Vec<PeriodRow>,
    pub weeks: Vec<PeriodRow>,
    pub months: Vec<PeriodRow>,
    pub projects: Vec<ProjectRow>,
    /// Per source label (person or machine), most expensive first.
    pub sources: Vec<SourceRow>,
    pub model_comparison: Vec<ModelComparison>,
    pub tool_health: Vec<ToolHealth>,
    pub activity: Activity,
    pub blocks: Vec<UsageBlock>,
    pub drivers: CostDrivers,
    /// The line report of the whole, unfiltered ledger (it is about files, not filters).
    pub lines: LineTotals,
}

impl Analysis {
    /// Analyses `ledger` restricted by `filter`, with days in `tz` and `now_ms` as the present.
    #[must_use]
    pub fn new(ledger: &Ledger, filter: &Filter, prices: &PriceTable, tz: Tz, now_ms: i64) -> Self {
        let filtered = filter.apply(ledger, tz);
        let lines = ledger.line_totals();
        Self::of_filtered(
            Arc::new(filtered),
            lines,
            Some(ledger),
            filter,
            prices,
            tz,
            now_ms,
        )
    }

    /// [`Analysis::new`] for a ledger the caller keeps (the page): with no filter on a ledger
    /// whose records all count ([`Ledger::note_counts_all`]), the analysis shares it instead of
    /// holding a copy of its maps (a B-tree entry per record: about 8 % of the page's heap at
    /// 1 GB). Same figures as [`Analysis::new`].
    #[must_use]
    pub fn shared(
        ledger: &Arc<Ledger>,
        filter: &Filter,
        prices: &PriceTable,
        tz: Tz,
        now_ms: i64,
    ) -> Self {
        if filter.is_empty() && ledger.counts_all() {
            let lines = ledger.line_totals();
            return Self::of_filtered(Arc::clone(ledger), lines, None, filter, prices, tz, now_ms);
        }
        Self::new(ledger, filter, prices, tz, now_ms)
    }

    /// [`Analysis::new`] for a caller that hands the ledger over (the CLI): with no filter the
    /// ledger becomes the analysis's own, without a copy. Same figures as [`Analysis::new`].
    #[must_use]
    pub fn from_ledger(
        ledger: Ledger,
        filter: &Filter,
        prices: &PriceTable,
        tz: Tz,
        now_ms: i64,
    ) -> Self {
        if !filter.is_empty() {
            return Self::new(&ledger, filter, prices, tz, now_ms);
        }
        let lines = ledger.line_totals();
        // No filter, so no previous period: the unfiltered ledger is not needed again.
        let filtered = filter.apply_owned(ledger, tz);
        Self::of_filtered(Arc::new(filtered), lines, None, filter, prices, tz, now_ms)
    }

    /// The analysis of `filtered` (the ledger `filter` left); `unfiltered` is the whole ledger,
    /// for the previous period's figures when the filter has a date range.
    fn of_filtered(
        filtered: Arc<Ledger>,
        lines: LineTotals,
        unfiltered: Option<&Ledger>,
        filter: &Filter,
        prices: &PriceTable,
        tz: Tz,
        now_ms: i64,
    ) -> Self {
        // Priced once, summed in counted order, then put in time order.
        let mut calls = calls::counted_calls(&filtered, prices);
        let mut summary = summarize_calls(&filtered, &calls, prices, tz);
        calls::sort_by_time(&mut calls);
        let call_days = calls::local_days(&calls, tz);
        summary.lines = lines;
        // From here two independent halves: the sessions and what builds on them, and the
        // periods, tools, activity, blocks and sources (crate::parallel).
        let by_session = || {
            let sessions = sessions::sessions(&calls, &filtered);
            let kpis = kpis::kpis(&calls, &call_days, &sessions, &filtered);
            let previous = unfiltered
                .and_then(|ledger| Some((ledger, filter.previous_period(kpis.last_day)?)))
                .map(|(ledger, prev)| {
                    let l = prev.apply(ledger, tz);
                    let c = calls::priced_calls(&l, prices);
                    let s = sessions::sessions(&c, &l);
                    kpis::kpis(&c, &calls::local_days(&c, tz), &s, &l)
                });
            let projects = projects::projects(&calls, &sessions, &filtered);
            let model_comparison = models::compare(&calls, &sessions);
            let drivers = drivers::drivers(
                &sessions,
                &projects,
                &model_comparison,
                kpis.totals.cost_pico,
            );
            (
                sessions,
                kpis,
                previous,
                projects,
                model_comparison,
                drivers,
            )
        };
        let by_time = || {
            (
                periods::by_period(&calls, &call_days, Granularity::Day),
                periods::by_period(&calls, &call_days, Granularity::Week),
                periods::by_period(&calls, &call_days, Granularity::Month),
                tools::health(&filtered),
                activity::activity(&calls, &call_days, &filtered, tz),
                blocks::blocks(&calls, now_ms),
                sources::sources(&calls),
            )
        };
        let (
            (sessions, kpis, previous, projects, model_comparison, drivers),
            (days, weeks, months, tool_health, activity, blocks, sources),
        ) = crate::parallel::join(by_session, by_time);
        Analysis {
            filter: filter.clone(),
            tz,
            now_ms,
            days,
            weeks,
            months,
            tool_health,
            activity,
            blocks,
            sources,
            projects,
            model_comparison,
            drivers,
            kpis,
            previous,
            sessions,
            summary,
            calls,
            ledger: filtered,
            lines,
        }
    }

    /// The detail of one session, if it is in the analysis.
    #[must_use]
    pub fn session_detail(
        &self,
        agent: crate::model::Agent,
        session: &str,
    ) -> Option<SessionDetail> {
        let facts = self.sessions.get(&(agent, session.to_owned()))?;
        Some(session_detail::detail(facts, &self.calls, &self.ledger))
    }

    /// Finds a session by id alone (any agent), for the CLI's `session --id`. With ledger files
    /// in the data, sessions are keyed by their hashed id: the id as the agent wrote it is then
    /// found through its hash.
    #[must_use]
    pub fn find_session(&self, session: &str) -> Option<SessionDetail> {
        let hashed = crate::ledger::pseudonym::hash_id(session);
        let found = [session, hashed.as_str()].into_iter().find_map(|id| {
            let (agent, _) = self.sessions.keys().find(|(_, s)| s == id)?;
            self.session_detail(*agent, id)
        });
        found
    }
}
