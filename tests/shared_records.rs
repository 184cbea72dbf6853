//! The page keeps the unfiltered ledger and an analysis of it side by side, so a filtered ledger,
//! an analysis and a copy made to merge new files into must point at the ledger's records, not
//! copy them (BENCHMARKS.md, "One copy of the records"). Figures are unaffected by sharing; this
//! checks that the sharing is really there, so that a change that brings the copies back fails
//! here instead of doubling the page's heap unnoticed.

use std::path::PathBuf;
use std::sync::Arc;

use agentmeter::analysis::Analysis;
use agentmeter::filter::Filter;
use agentmeter::ledger::Ledger;
use agentmeter::model::Agent;
use agentmeter::pricing::PriceTable;

fn demo() -> Ledger {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let files = agentmeter::cli::walk::collect(&[root]).expect("demo folder listed");
    agentmeter::cli::read_all(&files).expect("demo read")
}

/// Every record of `part` is the very allocation `whole` holds under the same key.
fn all_shared(part: &Ledger, whole: &Ledger) -> bool {
    part.usage
        .iter()
        .all(|(k, r)| whole.usage.get(k).is_some_and(|w| Arc::ptr_eq(r, w)))
        && part
            .tools
            .iter()
            .all(|(k, t)| whole.tools.get(k).is_some_and(|w| Arc::ptr_eq(t, w)))
        && part
            .messages
            .iter()
            .all(|(k, m)| whole.messages.get(k).is_some_and(|w| Arc::ptr_eq(m, w)))
}

#[test]
fn a_filtered_ledger_and_an_analysis_point_at_the_ledgers_records() {
    let ledger = demo();
    assert!(ledger.usage.len() > 100 && !ledger.messages.is_empty() && !ledger.tools.is_empty());

    let unfiltered = Filter::default().apply(&ledger, chrono_tz::UTC);
    assert_eq!(unfiltered.usage.len(), ledger.counted_usage().count());
    assert!(all_shared(&unfiltered, &ledger));

    let claude = Filter {
        agents: vec![Agent::Claude],
        ..Filter::default()
    };
    let filtered = claude.apply(&ledger, chrono_tz::UTC);
    assert!(!filtered.usage.is_empty() && filtered.usage.len() < unfiltered.usage.len());
    assert!(all_shared(&filtered, &ledger));

    let analysis = Analysis::new(&ledger, &claude, PriceTable::embedded(), chrono_tz::UTC, 0);
    assert!(all_shared(&analysis.ledger, &ledger));
}

#[test]
fn a_copy_shares_its_records_until_one_is_rewritten() {
    let ledger = demo();
    let mut copy = ledger.clone();
    assert!(all_shared(&copy, &ledger));
    // Hashing ids rewrites every record: the copy gets its own, the original is untouched.
    copy.hash_ids();
    let original: std::collections::HashSet<*const _> =
        ledger.usage.values().map(Arc::as_ptr).collect();
    assert!(copy
        .usage
        .values()
        .all(|r| !original.contains(&Arc::as_ptr(r))));
    assert_eq!(ledger, demo());
}
