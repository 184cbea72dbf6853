//! Goose's session database, and Crush's database (sessions and tools, no usage).
//!
//! Fixtures **derived** from each agent's schema by `fixtures/goose/make_fixtures.py` and
//! `fixtures/crush/make_fixtures.py` (see `fixtures/README.md`).

mod parse_support;

use agentmeter::model::{Agent, Role, Tokens};
use agentmeter::parsers::Format;
use agentmeter::pricing::{PriceTable, Provenance};
use parse_support::*;

const GOOSE: &str = "fixtures/goose/home/.local/share/goose/sessions/sessions.db";
const CRUSH: &str = "fixtures/crush/project/.crush/crush.db";

/// One record per session with calls (Goose keeps only per-session sums):
/// - 20260102_1 claude-sonnet-4-5: input 15 007, output 50;
/// - 20260102_2 gpt-4.1 (a sub-agent): input 1 000, output 200;
/// - 20260103_2 (no model recorded): input 500, output 100.
///
/// Input 15 007 + 1 000 + 500 = 16 507; output 50 + 200 + 100 = 350; total 16 857.
/// Units: 5 session rows (3 used, 20260103_1 ignored: no calls, 20260103_3 malformed: a
/// negative sum) + 3 message rows (ignored) = 8.
#[test]
fn goose_sessions_total_exactly() {
    assert_eq!(classify(GOOSE).0, Format::SqliteDb);
    let ledger = ledger_of(&[GOOSE]);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 16_507,
            output: 350,
            ..Tokens::default()
        }
    );
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (8, 3, 0, 4, 1));
    let report = &ledger.files[GOOSE];
    assert_eq!(
        (report.agent, report.format.as_str()),
        (Some(Agent::Goose), "goose-db")
    );
    assert!(
        report.examples[0].reason.starts_with("sessions row 5:"),
        "{:?}",
        report.examples
    );
    let first = ledger
        .counted_usage()
        .find(|r| r.session == "20260102_1")
        .expect("20260102_1");
    assert_eq!(
        first.timestamp_ms, 1_767_312_000_000,
        "2026-01-02 00:00:00 UTC"
    );
    assert_eq!(first.project.as_deref(), Some("/home/user/proj"));
    assert!(ledger
        .counted_usage()
        .find(|r| r.session == "20260102_2")
        .is_some_and(|r| r.is_sidechain));
    assert_eq!(
        ledger
            .messages
            .values()
            .filter(|m| m.role == Role::User)
            .count(),
        2
    );
}

/// claude-sonnet-4-5: 15 007 * 3e6 + 50 * 15e6 = 45 771 000 000 pico; gpt-4.1: 1 000 * 2e6 +
/// 200 * 8e6 = 3 600 000 000; the session without a model is unpriced (600 tokens).
/// Sum: 49 371 000 000.
#[test]
fn goose_is_priced_through_the_shared_table() {
    let ledger = ledger_of(&[GOOSE]);
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let g = &summary.agents[&Agent::Goose];
    assert_eq!(g.totals.cost_pico, 49_371_000_000);
    assert_eq!(g.totals.unpriced_tokens, 600);
    assert_eq!(g.totals.recorded_calls, 0);
    for r in ledger.counted_usage() {
        let p = PriceTable::embedded().record_cost(r).provenance;
        assert_eq!(p == Provenance::Unpriced, r.model.is_none());
    }
}

/// Crush keeps no usage per call (see `src/parsers/crush.rs`): its database gives sessions
/// without tokens. Units: 1 session row + 6 message rows = 7; 6 ignored, 1 malformed (`parts` of
/// m6 is not JSON). Two tool calls: `view` of src/lib.rs, 1767312005 -> 1767312008 (3 s, ok), and
/// `bash`, 1767312020 -> 1767312050 (30 s, failed).
#[test]
fn a_crush_database_gives_sessions_and_tools_without_tokens() {
    assert_eq!(classify(CRUSH).0, Format::SqliteDb);
    let ledger = ledger_of(&[CRUSH]);
    assert_eq!(ledger.counted_usage().count(), 0);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (7, 0, 0, 6, 1));
    let report = &ledger.files[CRUSH];
    assert_eq!(
        (report.agent, report.format.as_str()),
        (Some(Agent::Crush), "crush-db")
    );
    let mut tools: Vec<_> = ledger
        .tools
        .values()
        .map(|t| {
            (
                t.name.as_deref().unwrap_or_default().to_owned(),
                t.target.as_deref().map(str::to_owned),
                t.start_ms.get(),
                t.end_ms.get(),
                t.is_error,
            )
        })
        .collect();
    tools.sort();
    assert_eq!(
        tools,
        vec![
            (
                "bash".to_owned(),
                None,
                Some(1_767_312_020_000),
                Some(1_767_312_050_000),
                true
            ),
            (
                "view".to_owned(),
                Some("src/lib.rs".to_owned()),
                Some(1_767_312_005_000),
                Some(1_767_312_008_000),
                false
            ),
        ]
    );
    let prompt = ledger
        .messages
        .values()
        .find(|m| m.role == Role::User)
        .expect("a prompt");
    assert_eq!(prompt.preview.as_deref(), Some("fix the failing test"));
}
