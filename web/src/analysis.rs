//! From the workers' ledgers to the one `Report` the dashboard draws.
//!
//! This is the same pipeline the CLI runs (`Ledger::merge` → `Filter` → core `Analysis` with the
//! embedded price table → insights → `Report::new`), so the page and `agentmeter report --json`
//! with the same filters print the same figures. Only the time zone differs by design: the browser's own zone, like the CLI's
//! system zone.

use std::sync::Arc;

use agentmeter::analysis::Analysis as CoreAnalysis;
use agentmeter::filter::Filter;
use agentmeter::insights;
use agentmeter::ledger::Ledger;
use agentmeter::pricing::PriceTable;
use agentmeter::report::Report;
use chrono_tz::Tz;

use crate::ingest::profile;

/// One finished analysis: the report, the merged (unfiltered) ledger it was computed from, and
/// the core analysis (filtered calls, sessions, ...) the views read beyond the report.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub report: Arc<Report>,
    pub ledger: Arc<Ledger>,
    /// `None` for an analysis restored from storage before it is recomputed.
    pub core: Option<Arc<CoreAnalysis>>,
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.report, &other.report) || self.report == other.report
    }
}

impl Analysis {
    /// Summarizes a merged ledger in zone `tz` with the embedded prices.
    #[must_use]
    pub fn from_ledger(mut ledger: Ledger, tz: Tz) -> Self {
        // Noted once here, so every unfiltered analysis of it shares its maps (CoreAnalysis::shared).
        ledger.note_counts_all();
        Self::filtered(Arc::new(ledger), &Filter::default(), tz)
    }

    /// Analyses `ledger` restricted by `filter` (the URL's filters) in zone `tz`.
    #[must_use]
    pub fn filtered(ledger: Arc<Ledger>, filter: &Filter, tz: Tz) -> Self {
        profile::mark("analysis_start");
        // The embedded table, with the user's custom prices when set (ui::prices).
        crate::ui::prices::with_active(|prices| Self::priced(ledger, filter, tz, prices))
    }

    fn priced(ledger: Arc<Ledger>, filter: &Filter, tz: Tz, prices: &PriceTable) -> Self {
        let now = js_now_ms();
        let analysis = profile::timed("analysis_core_ms", || {
            CoreAnalysis::shared(&ledger, filter, prices, tz, now)
        });
        let insights = profile::timed("analysis_insights_ms", || insights::detect(&analysis));
        let report = profile::timed("analysis_report_ms", || {
            Report::new(&analysis, &insights, &ledger, prices.source()).with_custom_prices(prices)
        });
        profile::mark("analysis_end");
        profile::value("page_heap_bytes", profile::wasm_memory_bytes());
        Analysis {
            report: Arc::new(report),
            ledger,
            core: Some(Arc::new(analysis)),
        }
    }

    /// True when at least one file was read by an agent's parser (a folder of unrelated JSON is
    /// reported as "no agent data", not drawn as an empty dashboard).
    #[must_use]
    pub fn has_agent_data(&self) -> bool {
        self.report.files.iter().any(|f| f.agent.is_some())
    }
}

/// Merges ledgers from any number of workers (order does not matter: the merge law).
#[must_use]
pub fn merge_all(ledgers: impl IntoIterator<Item = Ledger>) -> Ledger {
    profile::timed("merge_ms", || {
        ledgers
            .into_iter()
            .collect::<agentmeter::ledger::Merger>()
            .finish()
    })
}

/// What a new input becomes in "add to this analysis" mode: merged into `base` when it holds
/// agent data, or left alone (so that it is reported as "no agent data", never merged silently).
/// With `hash_ids` (a ledger file is involved, and `fresh` was hashed by the workers), `base` is
/// hashed too before the merge ([`Ledger::hash_ids`] keeps what is already hashed).
#[must_use]
pub fn combine(base: Option<&Ledger>, fresh: Ledger, hash_ids: bool) -> Ledger {
    let fresh_has_agent = fresh.files.values().any(|f| f.agent.is_some());
    match base {
        Some(base) if fresh_has_agent => merge_into(base, fresh, hash_ids),
        _ => fresh,
    }
}

/// `fresh` merged into a copy of `base` (the merge law); with `hash_ids`, `base`'s ids are
/// hashed first, as the workers hashed `fresh`'s ([`Ledger::hash_ids`] keeps what is hashed).
#[must_use]
pub fn merge_into(base: &Ledger, fresh: Ledger, hash_ids: bool) -> Ledger {
    let mut all = base.clone();
    if hash_ids {
        all.hash_ids();
    }
    all.merge(fresh);
    all.drop_unshown_previews();
    all
}

/// The present, in milliseconds since the epoch.
#[must_use]
pub fn js_now_ms() -> i64 {
    #[cfg(target_arch = "wasm32")]
    {
        js_sys::Date::now() as i64
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        chrono::Utc::now().timestamp_millis()
    }
}

/// The browser's IANA zone (`Intl.DateTimeFormat().resolvedOptions().timeZone`), else UTC.
#[must_use]
pub fn browser_time_zone() -> Tz {
    #[cfg(target_arch = "wasm32")]
    {
        let options =
            js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new())
                .resolved_options();
        js_sys::Reflect::get(&options, &"timeZone".into())
            .ok()
            .and_then(|v| v.as_string())
            .and_then(|name| name.parse::<Tz>().ok())
            .unwrap_or(chrono_tz::UTC)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        chrono_tz::UTC
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentmeter::detect::{classify, Classification};
    use agentmeter::parsers::parse_bytes;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn ledger_of(path: &str, text: &str) -> Ledger {
        let mut l = Ledger::new();
        match classify(path, text.as_bytes()) {
            Classification::Parse { format, ctx } => {
                l.add_file(parse_bytes(format, ctx, text.as_bytes()))
            }
            _ => l.note_skipped(path, text.len() as u64, "not a transcript"),
        }
        l
    }

    #[test]
    fn unrelated_json_is_not_agent_data() {
        let a = Analysis::from_ledger(ledger_of("x/notes.json", r#"{"a":1}"#), chrono_tz::UTC);
        assert!(!a.has_agent_data());
        assert_eq!(a.report.files.len(), 1);
    }

    #[test]
    fn a_recognised_transcript_is_agent_data() {
        let line =
            r#"{"timestamp":"2025-01-01T00:00:00Z","type":"session_meta","payload":{"id":"t"}}"#;
        let a = Analysis::from_ledger(ledger_of("rollout-x.jsonl", line), chrono_tz::UTC);
        assert!(a.has_agent_data());
        assert_eq!(a.report.lines.read, 1);
    }

    const CODEX: &str =
        r#"{"timestamp":"2025-01-01T00:00:00Z","type":"session_meta","payload":{"id":"t"}}"#;

    #[test]
    fn adding_merges_agent_data_and_is_idempotent() {
        let base = ledger_of("a/rollout-1.jsonl", CODEX);
        let other = ledger_of("b/rollout-2.jsonl", CODEX);
        let added = combine(Some(&base), other.clone(), false);
        assert_eq!(added.files.len(), 2);
        assert_eq!(added, merge_all([base.clone(), other.clone()]));
        // Adding the same files again changes nothing.
        assert_eq!(combine(Some(&added), other, false), added);
        assert_eq!(combine(Some(&added), base, false), added);
    }

    #[test]
    fn adding_input_without_agent_data_keeps_it_apart() {
        let base = ledger_of("a/rollout-1.jsonl", CODEX);
        let notes = ledger_of("x/notes.json", r#"{"a":1}"#);
        assert_eq!(combine(Some(&base), notes.clone(), false), notes);
        assert_eq!(combine(None, base.clone(), false), base);
    }

    #[test]
    fn merging_in_either_order_gives_the_same_report() {
        let x = ledger_of("a/notes.json", r#"{"a":1}"#);
        let line =
            r#"{"timestamp":"2025-01-01T00:00:00Z","type":"session_meta","payload":{"id":"t"}}"#;
        let y = ledger_of("rollout-x.jsonl", line);
        let ab = Analysis::from_ledger(merge_all([x.clone(), y.clone()]), chrono_tz::UTC);
        let ba = Analysis::from_ledger(merge_all([y, x]), chrono_tz::UTC);
        assert_eq!(ab.report, ba.report);
    }
}
