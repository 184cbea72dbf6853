//! The scorecard: one set of key figures for any filter, and its change against the previous
//! period of the same length (when a date range is set).

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::model::Role;
use crate::rollup::Totals;

use super::calls::Call;
use super::sessions::{median, Sessions};

/// Key figures of one filtered analysis.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Kpis {
    /// Sessions with at least one model call.
    pub sessions: u64,
    pub user_messages: u64,
    pub assistant_messages: u64,
    /// Tokens, cost and model calls.
    pub totals: Totals,
    pub avg_session_ms: u64,
    pub median_session_ms: u64,
    /// Cost per session, picodollars.
    pub avg_cost_per_session_pico: u64,
    /// Calendar days with at least one model call.
    pub active_days: u64,
    /// First and last day with a model call.
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
}

/// The key figures of `calls` (and the messages of `ledger`, the same filtered ledger).
#[must_use]
pub fn kpis(calls: &[Call], call_days: &[NaiveDate], sessions: &Sessions, ledger: &Ledger) -> Kpis {
    let mut totals = Totals::default();
    let mut days = BTreeSet::new();
    for call in calls {
        totals.add_call(call);
    }
    // Each call's local day ([`super::calls::local_days`]).
    days.extend(call_days.iter().copied());
    let mut user_messages = 0;
    let mut assistant_messages = 0;
    for m in ledger.messages.values() {
        match m.role {
            Role::User => user_messages += 1,
            Role::Assistant => assistant_messages += 1,
            Role::System | Role::Tool => {}
        }
    }
    let mut durations: Vec<u64> = sessions.values().map(|s| s.duration_ms()).collect();
    let n = sessions.len() as u64;
    let sum_ms: u64 = durations.iter().sum();
    Kpis {
        sessions: n,
        user_messages,
        assistant_messages,
        totals,
        avg_session_ms: sum_ms.checked_div(n).unwrap_or(0),
        median_session_ms: median(&mut durations),
        avg_cost_per_session_pico: totals.cost_pico.checked_div(n).unwrap_or(0),
        active_days: days.len() as u64,
        first_day: days.first().copied(),
        last_day: days.last().copied(),
    }
}

/// Relative change `(current - previous) / previous`, `None` when there was nothing before.
#[must_use]
pub fn change(current: f64, previous: f64) -> Option<f64> {
    (previous != 0.0).then(|| (current - previous) / previous)
}
