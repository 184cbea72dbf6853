//! The sums behind the instruments, from the counted, priced model calls of one analysis.
//!
//! Every usage record that counts ([`Ledger::counted_usage`], the same set every report figure
//! sums) is priced exactly as [`crate::analysis::calls::priced_calls`] prices it and added to
//! three groupings: all time by attribute set ([`Snapshot::series`]), by day and attribute set
//! ([`Snapshot::daily`]), and by session ([`Snapshot::sessions`]). A call's attributes are its
//! agent, its model, its project's short label and the label of the source (root folder) its
//! file was read from. A session's attributes are its agent, the model that carried most of its
//! tokens, its project and its first call's source.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::filter::{day_of, project_label};
use crate::ledger::Ledger;
use crate::model::{Agent, Tokens, UsageRecord};
use crate::pricing::{PriceTable, Provenance};
use crate::rollup::UNKNOWN_MODEL;

/// The project attribute of a call whose agent records no project.
pub const NO_PROJECT: &str = "unknown";

/// Folder names that belong to an agent's layout, not to whoever owns the data.
const AGENT_FOLDERS: [&str; 6] = ["projects", "sessions", "tmp", "chats", "storage", "history"];

/// True when a folder name is part of an agent's layout (`.claude`, `projects`, ...) rather than
/// a name that tells whose data it is: source labels pass over such names.
#[must_use]
pub fn is_agent_folder(name: &str) -> bool {
    name.starts_with('.') || AGENT_FOLDERS.contains(&name)
}

/// The attributes of one data point (daily points add their date).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attrs {
    pub agent: Agent,
    pub model: String,
    pub project: String,
    pub source: String,
}

/// Sums over a set of model calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sums {
    pub tokens: Tokens,
    /// Cost at API rates in picodollars (0 for unpriced calls).
    pub cost_pico: u64,
    /// Tokens (prompt + output) of calls that have no price.
    pub unpriced_tokens: u64,
    pub calls: u64,
    /// The earliest call, milliseconds since the epoch (the start of a cumulative series).
    pub first_ms: i64,
}

impl Sums {
    fn add(&mut self, tokens: &Tokens, cost_pico: u64, priced: bool, ms: i64) {
        if self.calls == 0 || ms < self.first_ms {
            self.first_ms = ms;
        }
        self.tokens.add(tokens);
        self.cost_pico = self.cost_pico.saturating_add(cost_pico);
        if !priced {
            self.unpriced_tokens = self.unpriced_tokens.saturating_add(tokens.total());
        }
        self.calls += 1;
    }
}

/// One session's figures, for the per-session histograms and session counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPoint {
    pub attrs: Attrs,
    /// Prompt + output tokens.
    pub tokens: u64,
    pub calls: u64,
    pub first_ms: i64,
    /// The day of its first call.
    pub first_day: NaiveDate,
}

/// Everything the instruments are made of.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Snapshot {
    /// All time, by attribute set.
    pub series: BTreeMap<Attrs, Sums>,
    /// By day (in the analysis' zone) and attribute set.
    pub daily: BTreeMap<(NaiveDate, Attrs), Sums>,
    /// One entry per session, in (agent, session id) order.
    pub sessions: Vec<SessionPoint>,
}

/// What one session accumulates while the records are read.
struct SessionAcc {
    agent: Agent,
    project: Option<String>,
    first: (i64, String),
    by_model: BTreeMap<String, u64>,
    tokens: u64,
    calls: u64,
}

impl Snapshot {
    /// Sums the counted calls of `ledger` (already filtered by the caller) priced with `prices`,
    /// days in `tz`; `source_of` labels the file a record was read from.
    #[must_use]
    pub fn new(
        ledger: &Ledger,
        prices: &PriceTable,
        tz: Tz,
        source_of: &dyn Fn(&str) -> String,
    ) -> Self {
        let mut out = Snapshot::default();
        let mut sessions: BTreeMap<(Agent, &str), SessionAcc> = BTreeMap::new();
        for r in ledger.counted_usage() {
            let cost = prices.record_cost(r);
            let priced = cost.provenance != Provenance::Unpriced;
            let cost_pico = if priced { cost.pico } else { 0 };
            let attrs = attrs_of(r, source_of);
            let ms = r.timestamp_ms;
            out.series
                .entry(attrs.clone())
                .or_default()
                .add(&r.tokens, cost_pico, priced, ms);
            let session = sessions
                .entry((r.key.agent, r.session.as_str()))
                .or_insert_with(|| SessionAcc {
                    agent: r.key.agent,
                    project: None,
                    first: (ms, attrs.source.clone()),
                    by_model: BTreeMap::new(),
                    tokens: 0,
                    calls: 0,
                });
            if ms < session.first.0 {
                session.first = (ms, attrs.source.clone());
            }
            if session.project.is_none() {
                session.project = r
                    .project
                    .as_deref()
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned);
            }
            let model_tokens = session.by_model.entry(attrs.model.clone()).or_default();
            *model_tokens = model_tokens.saturating_add(r.tokens.total());
            session.tokens = session.tokens.saturating_add(r.tokens.total());
            session.calls += 1;
            out.daily
                .entry((day_of(ms, tz), attrs))
                .or_default()
                .add(&r.tokens, cost_pico, priced, ms);
        }
        out.sessions = sessions
            .into_values()
            .map(|s| {
                // The model that carried most tokens; of equals, the first by name.
                let model = s
                    .by_model
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                    .map_or_else(|| UNKNOWN_MODEL.to_owned(), |(m, _)| m.clone());
                SessionPoint {
                    attrs: Attrs {
                        agent: s.agent,
                        model,
                        project: s
                            .project
                            .as_deref()
                            .map_or_else(|| NO_PROJECT.to_owned(), project_label),
                        source: s.first.1,
                    },
                    tokens: s.tokens,
                    calls: s.calls,
                    first_ms: s.first.0,
                    first_day: day_of(s.first.0, tz),
                }
            })
            .collect();
        out
    }

    /// The sum of every series (what the report's totals should equal).
    #[must_use]
    pub fn total(&self) -> Sums {
        let mut t = Sums::default();
        for s in self.series.values() {
            t.tokens.add(&s.tokens);
            t.cost_pico = t.cost_pico.saturating_add(s.cost_pico);
            t.unpriced_tokens = t.unpriced_tokens.saturating_add(s.unpriced_tokens);
            t.calls += s.calls;
        }
        t
    }
}

fn attrs_of(r: &UsageRecord, source_of: &dyn Fn(&str) -> String) -> Attrs {
    Attrs {
        agent: r.key.agent,
        model: r
            .model
            .as_deref()
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| UNKNOWN_MODEL.into()),
        project: r
            .project
            .as_deref()
            .filter(|p| !p.is_empty())
            .map_or_else(|| NO_PROJECT.to_owned(), project_label),
        source: source_of(&r.source.file),
    }
}
