//! Projects: cost, tokens, sessions, tools and duration per working directory, with the git
//! branches seen in it.
//!
//! A project is the working directory the agent recorded for a call (Claude `cwd`, Codex
//! `session_meta.cwd`, Gemini only a hash of it). Calls without one are grouped under `None`.
//! Tool calls count toward the project of their session.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::fast_hash::{FastMap, FastSet};
use crate::filter::project_label;
use crate::ledger::Ledger;
use crate::model::{Agent, Text};
use crate::rollup::Totals;

use super::calls::Call;
use super::sessions::Sessions;

/// One project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProjectRow {
    /// The full working directory, `None` for calls that recorded none.
    pub project: Option<String>,
    /// Its short label (`src/api`), `(no project)` for none.
    pub label: String,
    pub agents: BTreeSet<Agent>,
    pub branches: BTreeSet<String>,
    pub sessions: u64,
    pub tool_calls: u64,
    pub avg_session_ms: u64,
    pub totals: Totals,
}

/// The label shown for calls without a project.
pub const NO_PROJECT: &str = "(no project)";

/// One row per project, most expensive first.
#[must_use]
pub fn projects(calls: &[Call], sessions: &Sessions, ledger: &Ledger) -> Vec<ProjectRow> {
    struct Acc<'a> {
        row: ProjectRow,
        sessions: FastSet<(Agent, &'a str)>,
    }
    let mut acc: FastMap<Option<&str>, Acc<'_>> = FastMap::default();
    for call in calls {
        let key = call.project().map(Text::as_str);
        let a = acc.entry(key).or_insert_with(|| Acc {
            row: ProjectRow {
                project: key.map(str::to_owned),
                label: key.map_or_else(|| NO_PROJECT.to_owned(), project_label),
                agents: BTreeSet::new(),
                branches: BTreeSet::new(),
                sessions: 0,
                tool_calls: 0,
                avg_session_ms: 0,
                totals: Totals::default(),
            },
            sessions: FastSet::default(),
        });
        a.row.agents.insert(call.agent());
        a.row.totals.add_call(call);
        a.sessions.insert((call.agent(), call.session().as_str()));
    }
    // Branches come from the records (calls keep only what the figures need).
    for r in ledger.usage.values() {
        if let (Some(p), Some(b)) = (r.project.as_deref(), r.git_branch.as_deref()) {
            if let Some(a) = acc.get_mut(&Some(p)) {
                if !b.is_empty() {
                    a.row.branches.insert(b.to_owned());
                }
            }
        }
    }
    let mut tools_by_session: FastMap<(Agent, &str), u64> = FastMap::default();
    for t in ledger.tools.values() {
        *tools_by_session
            .entry((t.key.agent, t.session.as_str()))
            .or_default() += 1;
    }
    let mut rows: Vec<ProjectRow> = acc
        .into_values()
        .map(|mut a| {
            let n = a.sessions.len() as u64;
            let mut duration = 0u64;
            for (agent, s) in &a.sessions {
                a.row.tool_calls += tools_by_session.get(&(*agent, *s)).copied().unwrap_or(0);
                duration += sessions
                    .get(&(*agent, (*s).to_owned()))
                    .map_or(0, super::sessions::SessionFacts::duration_ms);
            }
            a.row.sessions = n;
            a.row.avg_session_ms = duration.checked_div(n).unwrap_or(0);
            a.row
        })
        .collect();
    rows.sort_by(|a, b| {
        b.totals
            .cost_pico
            .cmp(&a.totals.cost_pico)
            .then_with(|| a.project.cmp(&b.project))
    });
    rows
}
