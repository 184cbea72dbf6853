//! pi (badlogic/pi-mono coding agent) sessions through detection, the parser and the ledger.
//!
//! Real fixture: `fixtures/pi/sessions/...jsonl`, a session by pi's author, copied byte for byte
//! from pi-mono's own test fixtures (see `fixtures/README.md`). Derived, beside it: a fork of it
//! (`2025-11-21T08-...jsonl`, made by `fixtures/pi/derived/derive.py`) with a Gemini call, a
//! compaction and a cut line.

mod parse_support;

use agentmeter::model::{Agent, Tokens};
use agentmeter::parsers::Format;
use agentmeter::pricing::PriceTable;
use parse_support::*;

const REAL: &str = "fixtures/pi/sessions/--Users-badlogic-workspaces-pi-mono--/2025-11-20T23-33-50-805Z_d703a1a9-1b7b-4fb1-b512-c9738b1fe617.jsonl";
const FORK: &str = "fixtures/pi/sessions/--Users-badlogic-workspaces-pi-mono--/2025-11-21T08-00-00-000Z_0f0f0f0f-0000-4000-8000-000000000001.jsonl";

/// Figures measured independently of the parser, with Python over the file's JSON: of the 453
/// assistant messages, 14 carry all-zero usage (aborted) and 439 carry usage, all
/// claude-sonnet-4-5 through `anthropic-messages` (input already uncached):
/// input 1 049, output 83 156, cache read 43 229 469, cache write 4 296 232, total 47 609 906.
/// The other 580 lines (header, user messages, tool results, thinking-level changes, a model
/// change) carry no usage: 439 + 580 = 1 019 lines.
#[test]
fn the_real_session_totals_exactly() {
    assert_eq!(classify(REAL).0, Format::PiJsonl);
    let ledger = ledger_of(&[REAL]);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 1_049,
            output: 83_156,
            cache_write_5m: 4_296_232,
            cache_write_1h: 0,
            cache_read: 43_229_469,
            reasoning: 0,
        }
    );
    assert_eq!(counted(&ledger).total(), 47_609_906);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (1_019, 439, 0, 580, 0));
    let r = ledger.counted_usage().next().expect("a call");
    assert_eq!(r.session, "d703a1a9-1b7b-4fb1-b512-c9738b1fe617");
    assert_eq!(
        r.project.as_deref(),
        Some("/Users/badlogic/workspaces/pi-mono")
    );
    // 391 tool calls (their ids over calls and results), 19 of them failed.
    let tools: Vec<_> = ledger.distinct_tools().collect();
    assert_eq!(tools.len(), 391);
    assert_eq!(tools.iter().filter(|t| t.is_error).count(), 19);
    assert!(tools
        .iter()
        .filter(|t| t.start_ms.is_some() && t.end_ms.is_some())
        .all(|t| t.end_ms >= t.start_ms));
}

/// API cost of the real session, claude-sonnet-4-5 at 3e6 / 15e6 / 3.75e6 (5-minute write) /
/// 3e5 picodollars per token:
/// 1 049 * 3e6 + 83 156 * 15e6 + 4 296 232 * 3.75e6 + 43 229 469 * 3e5
/// = 3 147 000 000 + 1 247 340 000 000 + 16 110 870 000 000 + 12 968 840 700 000
/// = 30 330 197 700 000, which is also the sum of the `usage.cost.total` pi recorded ($30.3301977).
#[test]
fn the_computed_cost_matches_what_pi_recorded() {
    let ledger = ledger_of(&[REAL]);
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let pi = &summary.agents[&Agent::Pi];
    assert_eq!(pi.totals.cost_pico, 30_330_197_700_000);
    assert_eq!(pi.totals.recorded_calls, 439);
    assert_eq!(pi.totals.recorded_cost_pico, 30_330_197_700_000);
    assert_eq!(pi.totals.recorded_api_cost_pico, 30_330_197_700_000);
}

/// The fork copies 40 lines of the real session (15 calls: the same calls) and adds a Gemini call
/// whose `input` 12 000 includes its `cacheRead` 10 000: input 2 000, output 300, cache read
/// 10 000 (12 300). Together: input 1 049 + 2 000 = 3 049, output 83 456, cache read 43 239 469,
/// cache write 4 296 232.
/// Lines: 1 019 + 44; used 439 + 1; duplicate 15 (the copies); ignored 580 + 27 (header, 25
/// copied lines without usage, the compaction); malformed 1 (the cut line).
#[test]
fn a_fork_counts_its_copied_calls_once() {
    assert_eq!(classify(FORK).0, Format::PiJsonl);
    let ledger = ledger_of(&[REAL, FORK]);
    let t = counted(&ledger);
    assert_eq!(
        (t.input, t.output, t.cache_read, t.cache_write_5m),
        (3_049, 83_456, 43_239_469, 4_296_232)
    );
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (1_063, 440, 15, 607, 1));
    // The copies keep the original session: of two copies the earlier file wins, and pi names
    // its files by creation time.
    assert_eq!(
        ledger
            .counted_usage()
            .filter(|r| r.session == "0f0f0f0f-0000-4000-8000-000000000001")
            .count(),
        1
    );
    assert_eq!(ledger.messages.values().filter(|m| m.compaction).count(), 1);
    // gemini-2.5-pro at 1.25e6 / 10e6 / 1.25e5: 2 000 * 1.25e6 + 300 * 10e6 + 10 000 * 1.25e5
    // = 6 750 000 000; total 30 330 197 700 000 + 6 750 000 000.
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    assert_eq!(
        summary.agents[&Agent::Pi].totals.cost_pico,
        30_336_947_700_000
    );
}

#[test]
fn any_chunking_gives_the_same_result() {
    let (format, ctx) = classify(FORK);
    let bytes = read(FORK);
    let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
    for step in [1usize, 13, 4096] {
        let cuts: Vec<usize> = (step..bytes.len())
            .step_by(step.max(bytes.len() / 50))
            .collect();
        assert_eq!(
            snapshot(&parse_chunked(format, ctx.clone(), &bytes, &cuts)),
            whole
        );
    }
}
