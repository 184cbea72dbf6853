//! Rollups by calendar period: day, ISO week and month, in the report's time zone.
//!
//! One row per period (all agents and models together, with the lists of both), so the CLI's
//! `daily`/`weekly`/`monthly` tables and the dashboard's trend chart read the same rows. The
//! per-(day, agent, model) cells stay in [`crate::rollup::Summary::days`].

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::fast_hash::FastSet;
use crate::model::{Agent, Text};
use crate::rollup::Totals;

use super::calls::Call;

/// The length of a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Granularity {
    Day,
    Week,
    Month,
}

impl Granularity {
    /// The first day of the period holding `day`, and the period's label
    /// (`2026-02-03`, ISO week `2026-W06`, month `2026-02`).
    #[must_use]
    pub fn period_of(self, day: NaiveDate) -> (NaiveDate, String) {
        (self.start_of(day), self.label_of(day))
    }

    /// The first day of the period holding `day`.
    #[must_use]
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        match self {
            Granularity::Day => day,
            Granularity::Week => {
                let week = day.iso_week();
                NaiveDate::from_isoywd_opt(week.year(), week.week(), chrono::Weekday::Mon)
                    .unwrap_or(day)
            }
            Granularity::Month => day.with_day(1).unwrap_or(day),
        }
    }

    /// The label of the period holding `day` (formatted once per period, not per call).
    #[must_use]
    pub fn label_of(self, day: NaiveDate) -> String {
        match self {
            Granularity::Day => day.format("%Y-%m-%d").to_string(),
            Granularity::Week => {
                let week = day.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Granularity::Month => day.format("%Y-%m").to_string(),
        }
    }
}

/// One period's totals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodRow {
    /// `2026-02-03`, `2026-W06` or `2026-02`.
    pub period: String,
    /// The period's first day.
    pub start: NaiveDate,
    pub agents: BTreeSet<Agent>,
    pub models: BTreeSet<String>,
    /// Distinct sessions with a call in the period.
    pub sessions: u64,
    pub totals: Totals,
}

/// Sums `calls` by period of `granularity`, oldest first.
///
/// `days` holds each call's local day ([`super::calls::local_days`]).
#[must_use]
pub fn by_period(calls: &[Call], days: &[NaiveDate], granularity: Granularity) -> Vec<PeriodRow> {
    type Acc<'a> = (PeriodRow, FastSet<&'a str>, FastSet<(Agent, &'a str)>);
    let mut rows: BTreeMap<NaiveDate, Acc<'_>> = BTreeMap::new();
    // Calls are in time order, so the next call is mostly the same session, model and period as
    // the one before: its set inserts are then skipped (a set holds an element once, so this
    // is exact), and the strings compared by copy, not by content.
    let mut prev: Option<(NaiveDate, Agent, &Text, &Text)> = None;
    for (call, &day) in calls.iter().zip(days) {
        let start = granularity.start_of(day);
        let (agent, model, session) = (call.agent(), call.model(), call.session());
        let same_row = prev.filter(|p| p.0 == start);
        prev = Some((start, agent, model, session));
        let (row, models, sessions) = rows.entry(start).or_insert_with(|| {
            (
                PeriodRow {
                    period: granularity.label_of(day),
                    start,
                    agents: BTreeSet::new(),
                    models: BTreeSet::new(),
                    sessions: 0,
                    totals: Totals::default(),
                },
                FastSet::default(),
                FastSet::default(),
            )
        });
        if let Some((_, a, m, s)) = same_row {
            if a != agent {
                row.agents.insert(agent);
            }
            if !m.same_copy(model) {
                models.insert(model.as_str());
            }
            if a != agent || !s.same_copy(session) {
                sessions.insert((agent, session.as_str()));
            }
        } else {
            row.agents.insert(agent);
            models.insert(model.as_str());
            sessions.insert((agent, session.as_str()));
        }
        row.totals.add_call(call);
    }
    rows.into_values()
        .map(|(mut row, models, sessions)| {
            row.models = models.into_iter().map(str::to_owned).collect();
            row.sessions = sessions.len() as u64;
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_weeks_and_months() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        assert_eq!(
            Granularity::Week.period_of(d("2026-01-01")),
            (d("2025-12-29"), "2026-W01".to_owned())
        );
        assert_eq!(
            Granularity::Week.period_of(d("2027-01-03")),
            (d("2026-12-28"), "2026-W53".to_owned())
        );
        assert_eq!(
            Granularity::Month.period_of(d("2026-02-28")),
            (d("2026-02-01"), "2026-02".to_owned())
        );
    }
}
