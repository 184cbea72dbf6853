//! The filtered model calls, priced once and put in time order: the input of every figure that
//! needs calls one by one (blocks, activity, model comparison, session timelines, insights).

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use crate::fast_hash::FastMap;
use crate::ledger::Ledger;
use crate::model::{Agent, Text, Tokens, UsageRecord};
use crate::pricing::{Cost, PriceTable, Provenance};
use crate::rollup::UNKNOWN_MODEL;

/// One counted model call with its cost.
///
/// A call points at its ledger record instead of copying its fields: the analysis keeps one
/// `Call` per counted usage record beside the ledger, and copies of the record's tokens,
/// session, model and project made this list the largest thing on the page after the records
/// themselves (a 136-byte call on wasm32, the list grown by doubling and a sort buffer beside
/// it: about 29 MB of the 101 MB peak for a 1 GB corpus natively, `examples/page_heap.rs`).
/// The fields are read through methods of the same names.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The ledger's record (shared, never copied).
    pub record: Arc<UsageRecord>,
    /// Cost in picodollars (0 when unpriced).
    pub cost_pico: u64,
    /// How the cost was found ([`Provenance::Unpriced`]: it was not).
    pub provenance: Provenance,
    /// The source label of the file the call was read from ([`crate::sources`]); shared, as a
    /// few labels cover every call.
    pub source: Option<Arc<str>>,
}

/// The model name a call without one is shown and grouped under, as one shared copy.
fn unknown_model() -> &'static Text {
    static UNKNOWN: OnceLock<Text> = OnceLock::new();
    UNKNOWN.get_or_init(|| Text::from(UNKNOWN_MODEL))
}

impl Call {
    /// A call for `record` costing `cost`, from a file labelled `source`.
    #[must_use]
    pub fn new(record: Arc<UsageRecord>, cost: &Cost, source: Option<Arc<str>>) -> Self {
        let priced = cost.provenance != Provenance::Unpriced;
        Call {
            record,
            cost_pico: if priced { cost.pico } else { 0 },
            provenance: cost.provenance,
            source,
        }
    }

    /// The agent that made the call.
    #[must_use]
    pub fn agent(&self) -> Agent {
        self.record.key.agent
    }

    /// The session the call belongs to.
    #[must_use]
    pub fn session(&self) -> &Text {
        &self.record.session
    }

    /// The model, or [`UNKNOWN_MODEL`] when the transcript named none.
    #[must_use]
    pub fn model(&self) -> &Text {
        self.record
            .model
            .as_ref()
            .unwrap_or_else(|| unknown_model())
    }

    /// The project, if the transcript named a non-empty one.
    #[must_use]
    pub fn project(&self) -> Option<&Text> {
        self.record.project.as_ref().filter(|p| !p.is_empty())
    }

    /// When the call was made (milliseconds since the epoch).
    #[must_use]
    pub fn timestamp_ms(&self) -> i64 {
        self.record.timestamp_ms
    }

    /// The call's token counts.
    #[must_use]
    pub fn tokens(&self) -> &Tokens {
        &self.record.tokens
    }

    /// True when the call has a cost (the table's, the user's or the agent's own).
    #[must_use]
    pub fn priced(&self) -> bool {
        self.provenance != Provenance::Unpriced
    }

    /// The cost the agent recorded for the call, beside the computed one.
    #[must_use]
    pub fn recorded(&self) -> Option<crate::rollup::RecordedCost> {
        crate::rollup::RecordedCost::of_priced(&self.record, self.cost_pico, self.provenance)
    }

    /// A priced call built from its parts, for tests of what reads calls.
    #[cfg(test)]
    pub(crate) fn for_test(
        agent: Agent,
        session: &str,
        timestamp_ms: i64,
        tokens: Tokens,
        cost_pico: u64,
    ) -> Self {
        let record = UsageRecord {
            key: crate::model::UsageKey::new(agent, session, &timestamp_ms.to_string()),
            timestamp_ms,
            model: Some("m".into()),
            tokens,
            session: session.into(),
            project: None,
            git_branch: None,
            cli_version: None,
            is_sidechain: false,
            rare: None,
            source: crate::model::Source {
                file: "f".into(),
                line: 1.into(),
            },
        };
        Call {
            record: Arc::new(record),
            cost_pico,
            provenance: Provenance::Exact,
            source: None,
        }
    }

    /// The context the model read on this call: input + cache writes + cache reads.
    #[must_use]
    pub fn context(&self) -> u64 {
        self.tokens().prompt()
    }
}

/// The counted calls of `ledger`, priced with `prices`, ordered by time (then agent, session).
#[must_use]
pub fn priced_calls(ledger: &Ledger, prices: &PriceTable) -> Vec<Call> {
    let mut calls = counted_calls(ledger, prices);
    sort_by_time(&mut calls);
    calls
}

/// The counted calls of `ledger`, priced with `prices`, in [`Ledger::counted_usage`] order (the
/// order [`crate::rollup::summarize_calls`] sums them in); [`sort_by_time`] puts them in time
/// order. Each record is priced once, for its call and its summary, and no list of costs is
/// kept beside the calls.
#[must_use]
pub fn counted_calls(ledger: &Ledger, prices: &PriceTable) -> Vec<Call> {
    let mut labels: BTreeMap<&str, Arc<str>> = BTreeMap::new();
    // Looked up once per call by path (long strings with long common prefixes): hashed.
    let label_of_file: FastMap<&str, Arc<str>> = ledger
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
    // Sized up front (the counted records are at most all of them): a list grown by doubling
    // held up to twice the calls.
    let mut calls: Vec<Call> = Vec::with_capacity(ledger.usage.len());
    calls.extend(ledger.counted_usage_shared().map(|(_, r)| {
        let source = label_of_file.get(r.source.file.as_str()).cloned();
        Call::new(Arc::clone(r), &prices.record_cost_unlabelled(r), source)
    }));
    calls
}

/// The local day of each call in `tz` ([`day_of`](crate::filter::day_of)), in the calls' order:
/// converted once per call and read by the KPIs, the three period tables and the activity
/// (each converted every call's time again: a time-zone conversion is a search of the zone's
/// transitions, and five of them per call were a tenth of the analysis).
#[must_use]
pub fn local_days(calls: &[Call], tz: chrono_tz::Tz) -> Vec<chrono::NaiveDate> {
    calls
        .iter()
        .map(|c| crate::filter::day_of(c.timestamp_ms(), tz))
        .collect()
}

/// Puts calls in time order (then agent, session).
///
/// In place (a stable sort allocates a buffer of up to 8 MB); the record's key makes the order
/// total, so ties cannot come out differently (it is the order a stable sort of the calls in
/// key order gave).
pub fn sort_by_time(calls: &mut [Call]) {
    calls.sort_unstable_by(|a, b| {
        (a.timestamp_ms(), a.agent(), a.session(), &a.record.key).cmp(&(
            b.timestamp_ms(),
            b.agent(),
            b.session(),
            &b.record.key,
        ))
    });
}
