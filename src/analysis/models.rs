//! Model comparison: what a session, a minute and a turn cost on each model.
//!
//! Definitions: a model's *sessions* are the sessions with at least one call on it, and its
//! average duration is theirs; an *active minute* is a clock minute (UTC) in which the model
//! answered at least one call; a *turn* is one model call (one assistant response). Shares are of
//! the filtered total cost.

use serde::{Deserialize, Serialize};

use crate::fast_hash::{FastMap, FastSet};
use crate::model::Agent;
use crate::rollup::Totals;

use super::calls::Call;
use super::sessions::Sessions;

/// One (agent, model) row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparison {
    pub agent: Agent,
    pub model: String,
    pub sessions: u64,
    pub totals: Totals,
    pub avg_cost_per_session_pico: u64,
    pub avg_session_ms: u64,
    pub active_minutes: u64,
    pub cost_per_active_minute_pico: u64,
    pub cost_per_turn_pico: u64,
    /// Share of the filtered total cost, 0..=1.
    pub share_of_spend: f64,
}

/// One row per (agent, model), most expensive first.
#[must_use]
pub fn compare(calls: &[Call], sessions: &Sessions) -> Vec<ModelComparison> {
    struct Acc<'a> {
        totals: Totals,
        sessions: FastSet<&'a str>,
        minutes: FastSet<i64>,
    }
    let mut acc: FastMap<(Agent, &str), Acc<'_>> = FastMap::default();
    let mut total_cost = 0u64;
    for call in calls {
        let a = acc
            .entry((call.agent(), call.model().as_str()))
            .or_insert_with(|| Acc {
                totals: Totals::default(),
                sessions: FastSet::default(),
                minutes: FastSet::default(),
            });
        a.totals.add_call(call);
        a.sessions.insert(call.session().as_str());
        a.minutes.insert(call.timestamp_ms().div_euclid(60_000));
        total_cost = total_cost.saturating_add(call.cost_pico);
    }
    let mut rows: Vec<ModelComparison> = acc
        .into_iter()
        .map(|((agent, model), a)| {
            let n = a.sessions.len() as u64;
            let duration_sum: u64 = a
                .sessions
                .iter()
                .filter_map(|s| sessions.get(&(agent, (*s).to_owned())))
                .map(super::sessions::SessionFacts::duration_ms)
                .sum();
            let minutes = a.minutes.len() as u64;
            ModelComparison {
                agent,
                model: model.to_owned(),
                sessions: n,
                totals: a.totals,
                avg_cost_per_session_pico: a.totals.cost_pico.checked_div(n).unwrap_or(0),
                avg_session_ms: duration_sum.checked_div(n).unwrap_or(0),
                active_minutes: minutes,
                cost_per_active_minute_pico: a.totals.cost_pico.checked_div(minutes).unwrap_or(0),
                cost_per_turn_pico: a.totals.cost_pico.checked_div(a.totals.calls).unwrap_or(0),
                share_of_spend: if total_cost == 0 {
                    0.0
                } else {
                    a.totals.cost_pico as f64 / total_cost as f64
                },
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.totals
            .cost_pico
            .cmp(&a.totals.cost_pico)
            .then_with(|| (a.agent, &a.model).cmp(&(b.agent, &b.model)))
    });
    rows
}
