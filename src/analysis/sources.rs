//! Sources: cost, tokens, calls and sessions per source label (a person or a machine, see
//! [`crate::sources`]), the team view's breakdown.
//!
//! A call counts toward the label of the file it was read from; calls from files without a label
//! (a hand-built ledger) are grouped under [`NO_SOURCE`]. A session read under two roots is one
//! set of records after the merge law, so it is counted once, under the label of the copy that
//! won; a session whose calls are split between labels counts once under each.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::fast_hash::{FastMap, FastSet};
use crate::model::Agent;
use crate::rollup::Totals;

use super::calls::Call;

/// One source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceRow {
    /// The label, `None` for calls from files without one.
    pub source: Option<String>,
    pub agents: BTreeSet<Agent>,
    pub sessions: u64,
    pub first_ms: i64,
    pub last_ms: i64,
    pub totals: Totals,
}

/// The label shown for calls without a source.
pub const NO_SOURCE: &str = "(no source)";

/// One row per source label, most expensive first.
#[must_use]
pub fn sources(calls: &[Call]) -> Vec<SourceRow> {
    type Sessions<'a> = FastSet<(Agent, &'a str)>;
    let mut acc: FastMap<Option<&str>, (SourceRow, Sessions<'_>)> = FastMap::default();
    for call in calls {
        let key = call.source.as_deref();
        let (row, sessions) = acc.entry(key).or_insert_with(|| {
            (
                SourceRow {
                    source: key.map(str::to_owned),
                    agents: BTreeSet::new(),
                    sessions: 0,
                    first_ms: call.timestamp_ms(),
                    last_ms: call.timestamp_ms(),
                    totals: Totals::default(),
                },
                FastSet::default(),
            )
        });
        row.agents.insert(call.agent());
        row.totals.add_call(call);
        row.first_ms = row.first_ms.min(call.timestamp_ms());
        row.last_ms = row.last_ms.max(call.timestamp_ms());
        sessions.insert((call.agent(), call.session().as_str()));
    }
    let mut rows: Vec<SourceRow> = acc
        .into_values()
        .map(|(mut row, sessions)| {
            row.sessions = sessions.len() as u64;
            row
        })
        .collect();
    rows.sort_by(|a, b| {
        b.totals
            .cost_pico
            .cmp(&a.totals.cost_pico)
            .then_with(|| a.source.cmp(&b.source))
    });
    rows
}
