//! The analytics reconcile with the totals under any filter, and a filtered analysis equals the
//! unfiltered data restricted by hand.
//!
//! Each grouping of an [`Analysis`] (day, week, month, model, project, session, block, activity
//! cell) sums the same priced calls; a call dropped or counted twice by one of them, or a filter
//! applied differently in two places, shows up here as a mismatch.

use std::path::PathBuf;

use agentmeter::analysis::Analysis;
use agentmeter::cli::{read_all, walk};
use agentmeter::filter::{day_of, project_matches, Filter};
use agentmeter::ledger::Ledger;
use agentmeter::model::{Agent, Tokens};
use agentmeter::pricing::{PriceTable, Provenance};
use agentmeter::rollup::Totals;
use chrono::NaiveDate;
use proptest::prelude::*;

fn demo() -> Ledger {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let files = walk::collect(&[root]).expect("fixtures/demo is readable");
    read_all(&files).expect("fixtures read")
}

type Sum = (Tokens, u64, u64);

fn sum<'a>(rows: impl Iterator<Item = &'a Totals>) -> Sum {
    let mut t = Tokens::default();
    let (mut cost, mut calls) = (0u64, 0u64);
    for r in rows {
        t.add(&r.tokens);
        cost += r.cost_pico;
        calls += r.calls;
    }
    (t, cost, calls)
}

/// The filter applied by hand to the unfiltered ledger's counted calls.
fn by_hand(ledger: &Ledger, f: &Filter, tz: chrono_tz::Tz) -> Sum {
    let prices = PriceTable::embedded();
    let mut t = Tokens::default();
    let (mut cost, mut calls) = (0u64, 0u64);
    for r in ledger.counted_usage() {
        let day = day_of(r.timestamp_ms, tz);
        let model = r.model.as_deref().unwrap_or("unknown");
        let ok = f.since.is_none_or(|s| day >= s)
            && f.until.is_none_or(|u| day <= u)
            && (f.agents.is_empty() || f.agents.contains(&r.key.agent))
            && (f.models.is_empty() || f.models.iter().any(|m| m == model))
            && (f.projects.is_empty()
                || r.project
                    .as_deref()
                    .is_some_and(|p| f.projects.iter().any(|w| project_matches(p, w))));
        if ok {
            t.add(&r.tokens);
            calls += 1;
            let c = prices.record_cost(r);
            if c.provenance != Provenance::Unpriced {
                cost += c.pico;
            }
        }
    }
    (t, cost, calls)
}

fn check(a: &Analysis) {
    let total = (
        a.kpis.totals.tokens,
        a.kpis.totals.cost_pico,
        a.kpis.totals.calls,
    );
    let s = &a.summary;
    assert_eq!(
        (s.total.tokens, s.total.cost_pico, s.total.calls),
        total,
        "summary"
    );
    assert_eq!(sum(a.days.iter().map(|p| &p.totals)), total, "by day");
    assert_eq!(sum(a.weeks.iter().map(|p| &p.totals)), total, "by week");
    assert_eq!(sum(a.months.iter().map(|p| &p.totals)), total, "by month");
    assert_eq!(
        sum(s.days.iter().map(|d| &d.totals)),
        total,
        "by day/agent/model"
    );
    assert_eq!(sum(s.agents.values().map(|x| &x.totals)), total, "by agent");
    assert_eq!(
        sum(a.model_comparison.iter().map(|m| &m.totals)),
        total,
        "by model"
    );
    assert_eq!(
        sum(a.projects.iter().map(|p| &p.totals)),
        total,
        "by project"
    );
    assert_eq!(
        sum(a.sessions.values().map(|x| &x.totals)),
        total,
        "by session"
    );
    assert_eq!(sum(a.blocks.iter().map(|b| &b.totals)), total, "by block");
    let cells: u64 = a.activity.matrix.iter().flatten().map(|c| c.calls).sum();
    let cell_cost: u64 = a
        .activity
        .matrix
        .iter()
        .flatten()
        .map(|c| c.cost_pico)
        .sum();
    assert_eq!(
        (cells, cell_cost),
        (total.2, total.1),
        "hour x weekday matrix"
    );
    let day_calls: u64 = a.activity.days.iter().map(|d| d.calls).sum();
    assert_eq!(day_calls, total.2, "activity days");
    let shares: f64 = a.model_comparison.iter().map(|m| m.share_of_spend).sum();
    if total.1 > 0 {
        assert!(
            (shares - 1.0).abs() < 1e-9,
            "shares of spend sum to 1: {shares}"
        );
    }
    assert_eq!(a.kpis.sessions, a.sessions.len() as u64);
}

fn analyse(ledger: &Ledger, f: &Filter, tz: chrono_tz::Tz) -> Analysis {
    Analysis::new(ledger, f, PriceTable::embedded(), tz, 0)
}

fn day(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

#[test]
fn named_filters_equal_the_data_restricted_by_hand() {
    let ledger = demo();
    let tz = chrono_tz::UTC;
    let filters = [
        Filter::default(),
        Filter {
            agents: vec![Agent::Claude],
            ..Filter::default()
        },
        Filter {
            agents: vec![Agent::Codex, Agent::Gemini],
            ..Filter::default()
        },
        Filter {
            models: vec!["claude-opus-4-6".to_owned()],
            ..Filter::default()
        },
        Filter {
            since: day("2026-02-10"),
            until: day("2026-02-12"),
            ..Filter::default()
        },
        Filter {
            since: day("2026-02-11"),
            until: day("2026-02-11"),
            ..Filter::default()
        },
        Filter {
            since: day("2026-01-01"),
            agents: vec![Agent::Claude],
            models: vec!["claude-haiku-4-5-20251001".to_owned()],
            ..Filter::default()
        },
    ];
    let all = analyse(&ledger, &Filter::default(), tz);
    let mut nonempty = 0;
    for f in &filters {
        let a = analyse(&ledger, f, tz);
        let got = (
            a.kpis.totals.tokens,
            a.kpis.totals.cost_pico,
            a.kpis.totals.calls,
        );
        assert_eq!(got, by_hand(&ledger, f, tz), "filter {}", f.describe());
        check(&a);
        // The line report is about files: never filtered.
        assert_eq!(a.lines, all.lines);
        nonempty += usize::from(got.2 > 0);
    }
    assert!(nonempty >= 5, "the filters select real data");
    // A project filter by the last path component of a real project.
    let project = all
        .projects
        .iter()
        .find_map(|p| p.project.clone())
        .expect("the demo records working directories");
    let last = project.rsplit('/').next().expect("a component").to_owned();
    let f = Filter {
        projects: vec![last],
        ..Filter::default()
    };
    let a = analyse(&ledger, &f, tz);
    assert!(a.kpis.totals.calls > 0);
    assert_eq!(
        (
            a.kpis.totals.tokens,
            a.kpis.totals.cost_pico,
            a.kpis.totals.calls
        ),
        by_hand(&ledger, &f, tz)
    );
}

#[test]
fn previous_period_is_the_same_length_just_before() {
    let ledger = demo();
    let f = Filter {
        since: day("2026-02-11"),
        until: day("2026-02-12"),
        ..Filter::default()
    };
    let a = analyse(&ledger, &f, chrono_tz::UTC);
    let prev = a.previous.as_ref().expect("a range has a previous period");
    let by = by_hand(
        &ledger,
        &Filter {
            since: day("2026-02-09"),
            until: day("2026-02-10"),
            ..Filter::default()
        },
        chrono_tz::UTC,
    );
    assert_eq!(
        (prev.totals.tokens, prev.totals.cost_pico, prev.totals.calls),
        by
    );
    assert!(prev.totals.calls > 0, "2026-02-10 has calls");
    assert!(analyse(&ledger, &Filter::default(), chrono_tz::UTC)
        .previous
        .is_none());
}

#[test]
fn kpis_count_sessions_messages_and_days() {
    let ledger = demo();
    let a = analyse(&ledger, &Filter::default(), chrono_tz::UTC);
    let k = &a.kpis;
    assert_eq!(k.sessions, a.summary.sessions.len() as u64);
    let users: u64 = a.summary.sessions.iter().map(|s| s.user_messages).sum();
    assert!(k.user_messages >= users && users > 0);
    assert_eq!(k.active_days, a.days.len() as u64);
    let mut d: Vec<u64> = a.sessions.values().map(|s| s.duration_ms()).collect();
    d.sort_unstable();
    assert_eq!(k.median_session_ms, d[(d.len() - 1) / 2]);
    assert_eq!(k.avg_session_ms, d.iter().sum::<u64>() / d.len() as u64);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    /// Any filter (random range, agents, models, zone): the groupings reconcile and the totals
    /// equal the data restricted by hand.
    #[test]
    fn every_grouping_reconciles_under_any_filter(
        start in 0i64..260, len in 0i64..260, agents in 0u8..16, model_pick in 0usize..12,
        zone in 0usize..4, use_range in any::<bool>(),
    ) {
        let ledger = demo_cached();
        let zones = [chrono_tz::UTC, chrono_tz::Pacific::Kiritimati, chrono_tz::America::Adak,
            chrono_tz::Asia::Kolkata];
        let tz = zones[zone];
        let base = day("2025-08-20").expect("date");
        let mut f = Filter::default();
        if use_range {
            f.since = base.checked_add_days(chrono::Days::new(start as u64));
            f.until = f.since.and_then(|s| s.checked_add_days(chrono::Days::new(len as u64)));
        }
        f.agents = Agent::ALL.iter().take(4).enumerate().filter(|(i, _)| agents & (1 << i) != 0)
            .map(|(_, a)| *a).collect();
        let models: Vec<String> = ledger.usage.values().filter_map(|r| r.model.as_deref().map(str::to_owned)).collect();
        if model_pick < models.len() && model_pick % 3 == 0 {
            f.models = vec![models[model_pick].clone()];
        }
        let a = analyse(ledger, &f, tz);
        check(&a);
        prop_assert_eq!(
            (a.kpis.totals.tokens, a.kpis.totals.cost_pico, a.kpis.totals.calls),
            by_hand(ledger, &f, tz)
        );
    }
}

fn demo_cached() -> &'static Ledger {
    static LEDGER: std::sync::OnceLock<Ledger> = std::sync::OnceLock::new();
    LEDGER.get_or_init(demo)
}

/// The filters and zones the analysis constructors are compared under: none in two zones, an
/// attribute filter, and a date range (which also has a previous period).
fn constructor_cases() -> [(Filter, chrono_tz::Tz); 4] {
    [
        (Filter::default(), chrono_tz::UTC),
        (Filter::default(), chrono_tz::Asia::Kolkata),
        (
            Filter {
                agents: vec![Agent::Claude],
                ..Filter::default()
            },
            chrono_tz::UTC,
        ),
        (
            Filter {
                since: day("2025-09-01"),
                ..Filter::default()
            },
            chrono_tz::UTC,
        ),
    ]
}

/// The CLI's analysis takes the ledger over (no copy of the records when nothing is filtered):
/// it must be the very analysis the borrowing constructor computes, figure by figure, and the
/// demo holds sidechain replays and resumed-session tool copies, which both paths drop.
#[test]
fn an_analysis_that_takes_the_ledger_over_equals_the_borrowing_one() {
    let ledger = demo();
    assert!(
        ledger.counted_usage().count() < ledger.usage.len()
            || ledger.distinct_tools().count() < ledger.tools.len(),
        "the demo exercises the replay or tool-copy rules"
    );
    for (f, tz) in constructor_cases() {
        let borrowed = Analysis::new(&ledger, &f, PriceTable::embedded(), tz, 7);
        let owned = Analysis::from_ledger(ledger.clone(), &f, PriceTable::embedded(), tz, 7);
        assert_eq!(owned.ledger, borrowed.ledger);
        assert_eq!(format!("{owned:?}"), format!("{borrowed:?}"));
    }
}

/// The page's analysis shares its ledger when nothing is filtered and every record counts
/// (`Ledger::note_counts_all`); it must be the very analysis `Analysis::new` computes, and on a
/// ledger with records that do not count (the demo's sidechain replays and tool copies) it
/// must not share.
#[test]
fn a_shared_analysis_equals_the_borrowing_one_and_shares_only_a_ledger_that_counts_whole() {
    let mut demo = demo();
    assert!(
        !demo.note_counts_all(),
        "the demo holds records that do not count"
    );
    // The counted records alone, read back from the wire (so nothing is marked yet).
    let counted = Filter::default().apply(&demo, chrono_tz::UTC);
    let mut whole = Ledger::from_wire(&counted.to_wire()).expect("wire round trip");
    assert!(!whole.counts_all(), "a decoded ledger is not marked");
    assert!(whole.note_counts_all(), "the counted records all count");
    for ledger in [demo, whole] {
        let shared = std::sync::Arc::new(ledger);
        for (f, tz) in constructor_cases() {
            let borrowed = Analysis::new(&shared, &f, PriceTable::embedded(), tz, 7);
            let a = Analysis::shared(&shared, &f, PriceTable::embedded(), tz, 7);
            assert_eq!(
                std::sync::Arc::ptr_eq(&a.ledger, &shared),
                f.is_empty() && shared.counts_all()
            );
            assert_eq!(a.ledger, borrowed.ledger);
            assert_eq!(format!("{a:?}"), format!("{borrowed:?}"));
        }
    }
}

/// A tool call copied into another session (same agent and call id, another session: a resumed
/// Claude session copies its history) counts once, so a ledger holding such a copy does not
/// count whole and its analysis is not shared.
#[test]
fn a_tool_call_copied_into_another_session_keeps_a_ledger_from_counting_whole() {
    let counted = Filter::default().apply(&demo(), chrono_tz::UTC);
    let mut whole = Ledger::from_wire(&counted.to_wire()).expect("wire round trip");
    assert!(whole.note_counts_all(), "the counted records all count");
    let call = whole
        .tools
        .values()
        .next()
        .expect("the demo has tool calls");
    let mut copy = (**call).clone();
    copy.key.session = agentmeter::model::KeyPart::of("another-session");
    copy.session = "another-session".into();
    let mut sink = agentmeter::line_report::Sink::new("copy.jsonl", Some(copy.key.agent), "test");
    sink.tools.push(copy);
    let mut with_copy = Ledger::from_wire(&counted.to_wire()).expect("wire round trip");
    with_copy.add_file(sink);
    assert_eq!(with_copy.tools.len(), whole.tools.len() + 1);
    assert!(!with_copy.note_counts_all(), "the copy does not count");
    let a = Analysis::shared(
        &std::sync::Arc::new(with_copy),
        &Filter::default(),
        PriceTable::embedded(),
        chrono_tz::UTC,
        7,
    );
    assert_eq!(a.ledger.tools.len(), whole.tools.len());
}
