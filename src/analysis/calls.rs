//! The filtered model calls, priced once and put in time order: the input of every figure that
//! needs calls one by one (blocks, activity, model comparison, session timelines, insights).

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::ledger::Ledger;
use crate::model::{Agent, Text, Tokens};
use crate::pricing::{Cost, PriceTable, Provenance};
use crate::rollup::UNKNOWN_MODEL;

/// One counted model call with its cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub agent: Agent,
    /// Session, model and project point at the ledger's shared copies ([`Text`]): a call holds
    /// no string of its own.
    pub session: Text,
    pub model: Text,
    pub project: Option<Text>,
    pub timestamp_ms: i64,
    pub tokens: Tokens,
    /// Cost in picodollars (0 when unpriced).
    pub cost_pico: u64,
    pub priced: bool,
    /// The cost the agent recorded for the call, beside the computed one.
    pub recorded: Option<crate::rollup::RecordedCost>,
    /// The source label of the file the call was read from ([`crate::sources`]); shared, as a
    /// few labels cover every call.
    pub source: Option<Arc<str>>,
}

impl Call {
    /// The context the model read on this call: input + cache writes + cache reads.
    #[must_use]
    pub fn context(&self) -> u64 {
        self.tokens.prompt()
    }
}

/// The counted calls of `ledger`, priced with `prices`, ordered by time (then agent, session).
#[must_use]
pub fn priced_calls(ledger: &Ledger, prices: &PriceTable) -> Vec<Call> {
    calls_priced(ledger, &crate::rollup::counted_costs(ledger, prices))
}

/// [`priced_calls`] with the costs of [`crate::rollup::counted_costs`] (one per counted record,
/// in order), so the analysis prices each call once for its calls and its summary.
#[must_use]
pub fn calls_priced(ledger: &Ledger, costs: &[Cost]) -> Vec<Call> {
    let mut labels: BTreeMap<&str, Arc<str>> = BTreeMap::new();
    let label_of_file: BTreeMap<&str, Arc<str>> = ledger
        .files
        .values()
        .filter_map(|f| {
            let label = f.source.as_deref()?;
            let shared = labels
                .entry(label)
                .or_insert_with(|| Arc::from(label))
                .clone();
            Some((f.path.as_str(), shared))
        })
        .collect();
    let unknown_model = Text::from(UNKNOWN_MODEL);
    let mut calls: Vec<Call> = ledger
        .counted_usage()
        .zip(costs)
        .map(|(r, cost)| {
            let priced = cost.provenance != Provenance::Unpriced;
            Call {
                agent: r.key.agent,
                session: r.session.clone(),
                model: r.model.clone().unwrap_or_else(|| unknown_model.clone()),
                project: r.project.clone().filter(|p| !p.is_empty()),
                timestamp_ms: r.timestamp_ms,
                tokens: r.tokens,
                cost_pico: if priced { cost.pico } else { 0 },
                priced,
                recorded: crate::rollup::RecordedCost::of(r, cost),
                source: label_of_file.get(r.source.file.as_str()).cloned(),
            }
        })
        .collect();
    calls.sort_by(|a, b| {
        (a.timestamp_ms, a.agent, &a.session).cmp(&(b.timestamp_ms, b.agent, &b.session))
    });
    calls
}
