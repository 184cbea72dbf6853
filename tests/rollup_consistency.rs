//! The same totals whichever way they are grouped: by day, session, model or agent, in any zone.
//!
//! Each rollup sums the same counted record set; a record dropped or counted twice by one grouping
//! (a session without a key, a day boundary, a model alias) would show up here as a mismatch.

use std::path::PathBuf;

use agentmeter::cli::{read_all, walk};
use agentmeter::model::Tokens;
use agentmeter::pricing::PriceTable;
use agentmeter::rollup::{summarize, Summary, Totals};

fn demo() -> agentmeter::ledger::Ledger {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let files = walk::collect(&[root]).expect("fixtures/demo is readable");
    assert!(files.len() >= 10, "the demo set has all its files");
    read_all(&files).expect("fixtures read")
}

fn sum<'a>(rows: impl Iterator<Item = &'a Totals>) -> (Tokens, u64, u64) {
    let mut t = Tokens::default();
    let (mut cost, mut calls) = (0u64, 0u64);
    for r in rows {
        t.add(&r.tokens);
        cost += r.cost_pico;
        calls += r.calls;
    }
    (t, cost, calls)
}

fn check(s: &Summary) {
    let total = (s.total.tokens, s.total.cost_pico, s.total.calls);
    assert_eq!(sum(s.days.iter().map(|d| &d.totals)), total, "by day");
    assert_eq!(
        sum(s.sessions.iter().map(|x| &x.totals)),
        total,
        "by session"
    );
    assert_eq!(sum(s.models.iter().map(|m| &m.totals)), total, "by model");
    assert_eq!(sum(s.agents.values().map(|a| &a.totals)), total, "by agent");
}

#[test]
fn every_grouping_sums_to_the_same_total_in_every_zone() {
    let ledger = demo();
    let prices = PriceTable::embedded();
    let utc = summarize(&ledger, prices, chrono_tz::UTC);
    check(&utc);
    for zone in [
        chrono_tz::Pacific::Kiritimati,
        chrono_tz::America::Los_Angeles,
    ] {
        let s = summarize(&ledger, prices, zone);
        check(&s);
        assert_eq!(s.total, utc.total, "the zone moves days, not tokens");
    }
    assert_eq!(
        utc.lines.read,
        utc.lines.used + utc.lines.duplicate + utc.lines.ignored + utc.lines.malformed
    );
}

#[test]
fn reading_the_same_folder_twice_changes_nothing() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let files = walk::collect(&[root]).expect("readable");
    let once = read_all(&files).expect("read");
    let mut twice = once.clone();
    twice.merge(read_all(&files).expect("read again"));
    assert_eq!(twice, once);
}
