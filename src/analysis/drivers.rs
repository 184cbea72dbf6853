//! Cost drivers: the sessions, projects and models that carry the spend, and how concentrated
//! it is (the share of cost carried by the most expensive tenth of sessions, rounded up).

use serde::{Deserialize, Serialize};

use crate::model::Agent;

use super::models::ModelComparison;
use super::projects::ProjectRow;
use super::sessions::Sessions;

/// How many rows each top list keeps.
pub const TOP_N: usize = 10;

/// One entry of a top list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Driver {
    pub agent: Option<Agent>,
    pub name: String,
    pub cost_pico: u64,
    /// Share of the total cost, 0..=1.
    pub share: f64,
}

/// The top lists and the concentration figure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CostDrivers {
    pub top_sessions: Vec<Driver>,
    pub top_projects: Vec<Driver>,
    pub top_models: Vec<Driver>,
    /// The number of sessions in the top tenth (`ceil(sessions / 10)`).
    pub top_decile_sessions: u64,
    /// Their share of the total cost, 0..=1.
    pub top_decile_share: f64,
}

fn share(part: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        part as f64 / total as f64
    }
}

/// Computes the drivers from the per-session, per-project and per-model rollups.
#[must_use]
pub fn drivers(
    sessions: &Sessions,
    projects: &[ProjectRow],
    models: &[ModelComparison],
    total_cost_pico: u64,
) -> CostDrivers {
    let mut by_cost: Vec<(&(Agent, String), u64)> = sessions
        .iter()
        .map(|(k, s)| (k, s.totals.cost_pico))
        .collect();
    by_cost.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let decile = by_cost.len().div_ceil(10);
    let decile_cost: u64 = by_cost.iter().take(decile).map(|(_, c)| c).sum();
    CostDrivers {
        top_sessions: by_cost
            .iter()
            .take(TOP_N)
            .map(|((agent, name), cost)| Driver {
                agent: Some(*agent),
                name: name.clone(),
                cost_pico: *cost,
                share: share(*cost, total_cost_pico),
            })
            .collect(),
        top_projects: projects
            .iter()
            .take(TOP_N)
            .map(|p| Driver {
                agent: None,
                name: p.label.clone(),
                cost_pico: p.totals.cost_pico,
                share: share(p.totals.cost_pico, total_cost_pico),
            })
            .collect(),
        top_models: models
            .iter()
            .take(TOP_N)
            .map(|m| Driver {
                agent: Some(m.agent),
                name: m.model.clone(),
                cost_pico: m.totals.cost_pico,
                share: share(m.totals.cost_pico, total_cost_pico),
            })
            .collect(),
        top_decile_sessions: decile as u64,
        top_decile_share: share(decile_cost, total_cost_pico),
    }
}
