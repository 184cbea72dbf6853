//! OpenCode: the SQLite database and the JSON storage, read through detection and the file
//! parsers into one ledger, and through the CLI.
//!
//! Fixtures: `fixtures/opencode/home/.local/share/opencode/`, **derived** from OpenCode's schema
//! by `fixtures/opencode/make_fixtures.py` (see `fixtures/README.md`), which says what each
//! message exercises. Totals below are derived by hand from the values in that script.

mod parse_support;

use std::collections::BTreeSet;

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::model::{Agent, Role, Tokens};
use agentmeter::parsers::Format;
use agentmeter::pricing::{PriceTable, Provenance};
use parse_support::*;
use serde_json::Value;

const HOME: &str = "fixtures/opencode/home";
const DATA: &str = "fixtures/opencode/home/.local/share/opencode";

fn db() -> String {
    format!("{DATA}/opencode.db")
}

/// Every file of the fixture home, as the CLI would read it (Known files are left out).
fn all() -> Ledger {
    let files: Vec<String> = files_under(DATA)
        .into_iter()
        .filter(|f| matches!(detect::classify(f, &read(f)), Classification::Parse { .. }))
        .collect();
    ledger_of(&files.iter().map(String::as_str).collect::<Vec<_>>())
}

#[test]
fn detection_by_content() {
    assert_eq!(classify(&db()).0, Format::SqliteDb);
    for f in [
        "storage/message/ses_A/msg_A2.json",
        "storage/message/ses_J/msg_J0.json",
        "storage/part/msg_J1/prt_J1a.json",
        "storage/part/msg_J1/prt_J1b.json",
    ] {
        assert_eq!(
            classify(&format!("{DATA}/{f}")).0,
            Format::OpenCodeJson,
            "{f}"
        );
    }
    // The same message under any name, in any folder: recognised by its fields.
    let bytes = read(&format!("{DATA}/storage/message/ses_J/msg_J1.json"));
    assert!(matches!(
        detect::classify("dropped/whatever.json", &bytes),
        Classification::Parse {
            format: Format::OpenCodeJson,
            ..
        }
    ));
    for (f, what) in [
        ("storage/session/prj_1/ses_J.json", "session metadata"),
        ("storage/todo/ses_J.json", "todo list"),
    ] {
        match detect::classify(&format!("{DATA}/{f}"), &read(&format!("{DATA}/{f}"))) {
            Classification::Known { what: w } => assert!(w.contains(what), "{w}"),
            other => panic!("{f}: {other:?}"),
        }
    }
    // A write-ahead log is named, not read.
    assert!(matches!(
        detect::classify("opencode.db-wal", &[0x37, 0x7f, 0x06, 0x82, 0, 0, 0, 0]),
        Classification::Known { .. }
    ));
}

/// The calls counted, by hand from make_fixtures.py (billable = input, output + reasoning unless
/// `total` shows reasoning inside output, cache write as 5-minute write, cache read):
///
/// | call | input | output | cache write | cache read | total |
/// |---|---|---|---|---|---|
/// | A2 claude-sonnet-4-5 | 100 | 50 | 300 | 2000 | 2450 |
/// | A3 gpt-5 (total 2100 = 1000+500+400+200: reasoning separate) | 1000 | 400+200 = 600 | 0 | 500 | 2100 |
/// | A4 last call (message tokens) | 20 | 30 | 0 | 4000 | 4050 |
/// | A4 first call (its first step-finish part) | 10 | 40 | 100 | 3000 | 3150 |
/// | A6 compaction summary | 5000 | 700 | 0 | 0 | 5700 |
/// | U1 frobnicator-9000 | 10 | 5 | 0 | 0 | 15 |
/// | U2 mystery-1 | 7 | 3 | 0 | 0 | 10 |
/// | J1 gpt-4.1 (JSON only) | 300 | 120 | 0 | 0 | 420 |
/// | J2 gpt-5 (total 400 = 200+50+150: reasoning inside) | 200 | 150 | 0 | 50 | 400 |
/// | **sum** | 6647 | 1698 | 400 | 9550 | 18295 |
///
/// Not counted again: A5 (zero tokens), F2 (the fork's copy of A2), the JSON copies of A2, A3
/// and A4, and each message's last step-finish part (it repeats the message's counts).
#[test]
fn database_and_json_storage_total_exactly() {
    let ledger = all();
    let t = counted(&ledger);
    assert_eq!(
        t,
        Tokens {
            input: 6647,
            output: 1698,
            cache_write_5m: 400,
            cache_write_1h: 0,
            cache_read: 9550,
            reasoning: 300,
        }
    );
    assert_eq!(t.total(), 18_295);
    assert_eq!(ledger.counted_usage().count(), 9);
    assert!(ledger
        .counted_usage()
        .all(|r| r.key.agent == Agent::OpenCode));
}

/// Units: the database has 17 part rows and 11 message rows (28); the JSON storage 9 files.
/// - used: 9 calls (above);
/// - duplicate: 7 last step-finish parts in the database (A2, A3, A4, A6, F2, U1, U2) + 4
///   candidates the ledger folds (F2, and the JSON copies of A2, A3, A4) = 11;
/// - ignored: database parts 8 (text x3, step-start, tool x4) + messages 3 (A1, F1 users, A5) +
///   JSON 3 (J0 user, the tool part, the step-finish part) = 14;
/// - malformed: the message row and part row that are not JSON, the truncated file = 3.
///
/// 9 + 11 + 14 + 3 = 37 = 28 + 9.
#[test]
fn every_row_and_file_has_a_fate() {
    let ledger = all();
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (37, 9, 11, 14, 3));
    let db_report = &ledger.files[&db()];
    assert_eq!(db_report.agent, Some(Agent::OpenCode));
    assert_eq!(db_report.format, "opencode-db");
    assert_eq!(db_report.read, 28);
    let reasons: Vec<&str> = db_report
        .examples
        .iter()
        .map(|i| i.reason.as_str())
        .collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("part row 17:")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.starts_with("message row 11:")),
        "{reasons:?}"
    );
    let bad = &ledger.files[&format!("{DATA}/storage/message/ses_J/msg_Jbad.json")];
    assert_eq!(bad.malformed, 1);
    assert!(
        bad.examples[0].reason.contains("truncated"),
        "{:?}",
        bad.examples
    );
}

#[test]
fn database_rows_win_over_json_copies_and_forks_count_once() {
    let ledger = all();
    let a2: Vec<_> = ledger
        .counted_usage()
        .filter(|r| r.timestamp_ms == 1_767_312_000_000)
        .collect();
    assert_eq!(
        a2.len(),
        1,
        "A2, its fork copy and its JSON copy are one call"
    );
    // The database row (it knows the OpenCode version) of the original session (first row).
    assert_eq!(a2[0].source.file, db());
    assert_eq!(a2[0].session, "ses_A");
    assert_eq!(a2[0].cli_version.as_deref(), Some("1.2.0"));
    assert_eq!(a2[0].project.as_deref(), Some("/home/user/proj"));
    // A4: the database's record of its last call records that call's own cost (0.03), not the
    // message's sum (0.05) that the JSON copy holds.
    let a4 = ledger
        .counted_usage()
        .find(|r| r.timestamp_ms == 1_767_312_120_000 && r.tokens.cache_read == 4000)
        .expect("A4");
    assert_eq!(a4.recorded_cost_pico(), Some(30_000_000_000));
    assert_eq!(a4.source.file, db());
}

#[test]
fn tools_errors_durations_and_messages() {
    let ledger = all();
    let tools: Vec<_> = ledger.distinct_tools().collect();
    let names: BTreeSet<&str> = tools.iter().filter_map(|t| t.name.as_deref()).collect();
    assert_eq!(names, BTreeSet::from(["bash", "edit", "glob", "read"]));
    assert_eq!(
        tools.len(),
        4,
        "the fork's copy of toolu_1 is the same call"
    );
    let errors: Vec<&str> = tools
        .iter()
        .filter(|t| t.is_error)
        .filter_map(|t| t.name.as_deref())
        .collect();
    assert_eq!(errors, ["bash"]);
    assert!(tools
        .iter()
        .all(|t| t.end_ms.get().zip(t.start_ms.get()).map(|(e, s)| e - s) == Some(1200)));
    let read = tools
        .iter()
        .find(|t| t.name.as_deref() == Some("read"))
        .expect("read");
    assert_eq!(read.target.as_deref(), Some("/home/user/proj/src/lib.rs"));
    assert_eq!(read.result_bytes, Some(12).into());

    // Messages: 10 in the database (its 11th row is malformed) + J0, J1, J2 from JSON (the JSON
    // copies of A2, A3, A4 are the same messages).
    assert_eq!(ledger.messages.len(), 13);
    let users: Vec<_> = ledger
        .messages
        .values()
        .filter(|m| m.role == Role::User)
        .collect();
    assert_eq!(users.len(), 3);
    let a1 = users
        .iter()
        .find(|m| m.key.id == "ses_A/msg_A1")
        .expect("A1");
    assert_eq!(a1.preview.as_deref(), Some("Add a test for the parser"));
    assert_eq!(a1.words, Some(6).into());
    assert_eq!(ledger.messages.values().filter(|m| m.compaction).count(), 1);
}

/// API rates (data/prices.json), in picodollars per token: claude-sonnet-4-5 input 3e6, output
/// 15e6, 5-minute write 3.75e6, read 3e5; gpt-5 input 1.25e6, output 10e6, read 1.25e5; gpt-4.1
/// input 2e6, output 8e6.
/// - A2: 100*3e6 + 50*15e6 + 300*3.75e6 + 2000*3e5 = 2 775 000 000
/// - A3: 1000*1.25e6 + 600*10e6 + 500*1.25e5 = 7 312 500 000
/// - A4: 20*3e6 + 30*15e6 + 4000*3e5 = 1 710 000 000; its first call: 10*3e6 + 40*15e6 +
///   100*3.75e6 + 3000*3e5 = 1 905 000 000
/// - A6: 5000*3e6 + 700*15e6 = 25 500 000 000
/// - J1: 300*2e6 + 120*8e6 = 1 560 000 000; J2: 200*1.25e6 + 150*10e6 + 50*1.25e5 = 1 756 250 000
/// - U1: unknown model, its recorded $0.001 stands in: 1 000 000 000; U2: unknown, recorded 0:
///   unpriced (10 tokens).
///
/// Sum: 43 518 750 000. Recorded by OpenCode for the 9 calls: 0.0123 + 0 + 0.03 + 0.02 + 0.025 +
/// 0.001 + 0 + 0.0011 + 0.0009 = $0.0903; the same calls at API rates (the 7 the table prices):
/// 43 518 750 000 - 1 000 000 000 = 42 518 750 000.
#[test]
fn priced_through_the_shared_table_with_the_recorded_cost_beside() {
    let ledger = all();
    let prices = PriceTable::embedded();
    let mut total = 0u64;
    for r in ledger.counted_usage() {
        let cost = prices.record_cost(r);
        let want = match r.model.as_deref() {
            Some("frobnicator-9000") => Provenance::Recorded,
            Some("mystery-1") => Provenance::Unpriced,
            _ => Provenance::Exact,
        };
        assert_eq!(cost.provenance, want, "{:?}", r.model);
        if cost.provenance != Provenance::Unpriced {
            total += cost.pico;
        }
    }
    assert_eq!(total, 43_518_750_000);

    let summary = agentmeter::rollup::summarize(&ledger, prices, chrono_tz::UTC);
    let oc = &summary.agents[&Agent::OpenCode];
    assert_eq!(oc.totals.cost_pico, 43_518_750_000);
    assert_eq!(oc.totals.unpriced_tokens, 10);
    assert_eq!(oc.unpriced_models, BTreeSet::from(["mystery-1".to_owned()]));
    assert_eq!(oc.totals.recorded_calls, 9);
    assert_eq!(oc.totals.recorded_cost_pico, 90_300_000_000);
    assert_eq!(oc.totals.recorded_api_cost_pico, 42_518_750_000);
    assert_eq!(
        oc.sessions, 4,
        "ses_A, ses_U, ses_J with calls, and the fork ses_F: listed for its messages, with no \
         call of its own (its copies count for the original session)"
    );
}

#[test]
fn a_database_of_another_app_is_listed_with_its_tables() {
    let reason =
        "SQLite database of no agent agentmeter reads (tables: alias, big, numbers)".to_owned();
    // From its first page (the schema is all there), without parsing the file...
    let rel = "fixtures/sqlite/reader.db";
    let bytes = read(rel);
    assert_eq!(
        detect::classify(rel, &bytes[..detect::HEAD_BYTES.min(bytes.len())]),
        Classification::Unrecognized {
            reason: reason.clone()
        }
    );
    // ...and by the parser, for a schema too large for the first page.
    let ctx = agentmeter::parsers::FileContext {
        path: rel.to_owned(),
        session_hint: None,
    };
    let sink = agentmeter::parsers::parse_bytes(Format::SqliteDb, ctx, &bytes);
    assert_eq!(sink.report.format, format!("skipped: {reason}"));
    assert_eq!(sink.report.agent, None);
    assert_eq!(sink.report.read, 0);
    assert!(sink.usage.is_empty());
}

#[test]
fn any_chunking_gives_the_same_result() {
    for f in [db(), format!("{DATA}/storage/message/ses_J/msg_J2.json")] {
        let (format, ctx) = classify(&f);
        let bytes = read(&f);
        let whole = snapshot(&parse_chunked(format, ctx.clone(), &bytes, &[]));
        for step in [1usize, 7, 4096, 10_000] {
            let cuts: Vec<usize> = (step..bytes.len())
                .step_by(step.max(bytes.len() / 64))
                .collect();
            assert_eq!(
                snapshot(&parse_chunked(format, ctx.clone(), &bytes, &cuts)),
                whole
            );
        }
    }
}

#[test]
fn damaged_databases_never_panic_and_stay_accounted() {
    let bytes = read(&db());
    let (format, ctx) = classify(&db());
    for len in [0, 100, 4096, bytes.len() / 2, bytes.len() - 1] {
        let sink = parse_chunked(format, ctx.clone(), &bytes[..len], &[]);
        let r = &sink.report;
        assert_eq!(
            r.read,
            r.candidates + r.duplicate_in_file + r.ignored + r.malformed
        );
    }
    // Damage every page past the header.
    let mut flipped = bytes.clone();
    for i in (100..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5a;
    }
    let sink = parse_chunked(format, ctx, &flipped, &[]);
    let r = &sink.report;
    assert_eq!(
        r.read,
        r.candidates + r.duplicate_in_file + r.ignored + r.malformed
    );
}

#[test]
fn cli_report_json_keys_the_agent_as_opencode() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["report", "--json", "--tz", "UTC"])
        .arg(root().join(HOME))
        .output()
        .expect("run agentmeter");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    let oc = &v["agents"]["opencode"];
    assert_eq!(oc["tokens"]["total"], 18_295);
    assert_eq!(oc["calls"], 9);
    assert_eq!(oc["recorded"]["calls"], 9);
    assert!((oc["recorded"]["cost_usd"].as_f64().unwrap_or(0.0) - 0.0903).abs() < 1e-12);
    assert!((oc["cost_usd"].as_f64().unwrap_or(0.0) - 0.043_518_75).abs() < 1e-12);
    // The home holds only the OpenCode folder: everything below it is read or listed.
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 12, "{files:#?}");
}
