//! Factory Droid: each `<session>.settings.json` is one usage record, the session's total, keyed
//! by the session id; the `<session>.jsonl` message history beside it gives the session's
//! messages and tool calls (no usage); a settings file without `tokenUsage` is listed with why.
//!
//! Fixtures **derived** by `fixtures/droid/make_fixtures.py` (see `fixtures/README.md`):
//! - A `5f0c2a4e-…` (claude-sonnet-4-5-20250929, locked 2025-11-03T09:15:00Z): input 1 200,
//!   output 3 400, cache creation 5 000, cache read 120 000, thinking 600; its history: 8 lines,
//!   prompts m1 and m7, replies m2, m4, m6, tool results m3 and m5; `Execute` 09:15:09 ->
//!   09:15:13 failed, `Edit` of `src/lib.rs` 09:15:20 -> 09:15:21;
//! - B `0b7e3d1c-…`: no `tokenUsage` (a session without tokens), a history of one line;
//! - C `9d8c7b6a-…` (`custom:GLM-4.6-[Z.AI]-0`, no lock time): input 700, output 300.

mod parse_support;

use agentmeter::detect::{self, Classification, VisitScope};
use agentmeter::ledger::Ledger;
use agentmeter::line_report::Sink;
use agentmeter::model::{Agent, KeyPart, Role, Tokens};
use agentmeter::parsers::{parse_bytes, FileContext, Format};
use agentmeter::pricing::PriceTable;
use parse_support::*;

const SESSIONS: &str = "fixtures/droid/home/.factory/sessions";
const A: &str = "fixtures/droid/home/.factory/sessions/-home-user-proj/5f0c2a4e-9b1d-4c3e-8f7a-6b5c4d3e2f1a.settings.json";
const B: &str = "fixtures/droid/home/.factory/sessions/-home-user-proj/0b7e3d1c-2a4f-4e6d-9c8b-7a6f5e4d3c2b.settings.json";
const C: &str = "fixtures/droid/home/.factory/sessions/-home-user-other/9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a.settings.json";
const A_ID: &str = "5f0c2a4e-9b1d-4c3e-8f7a-6b5c4d3e2f1a";
const A_HISTORY: &str = "fixtures/droid/home/.factory/sessions/-home-user-proj/5f0c2a4e-9b1d-4c3e-8f7a-6b5c4d3e2f1a.jsonl";
const B_HISTORY: &str = "fixtures/droid/home/.factory/sessions/-home-user-proj/0b7e3d1c-2a4f-4e6d-9c8b-7a6f5e4d3c2b.jsonl";

/// Parses `bytes` as a settings file at `path`.
fn settings_at(path: &str, bytes: &[u8]) -> Sink {
    let ctx = FileContext {
        path: path.to_owned(),
        session_hint: None,
    };
    parse_bytes(Format::DroidSettingsJson, ctx, bytes)
}

/// A + C, thinking counted apart from output (docs/formats.md):
/// input 1 200 + 700 = 1 900; output 3 400 + 600 + 300 = 4 300; cache write 5 000; cache read
/// 120 000; reasoning 600 (inside output). Units: two settings files of one unit each (used), the
/// histories' 8 + 1 lines (ignored: no usage); B's settings file is listed, not read.
#[test]
fn droid_session_totals_are_exact() {
    for f in [A, C] {
        assert_eq!(classify(f).0, Format::DroidSettingsJson);
    }
    for f in [A_HISTORY, B_HISTORY] {
        assert_eq!(classify(f).0, Format::DroidJsonl);
    }
    let ledger = ledger_of(&[A, C, A_HISTORY, B_HISTORY]);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 1_900,
            output: 4_300,
            cache_write_5m: 5_000,
            cache_write_1h: 0,
            cache_read: 120_000,
            reasoning: 600,
        }
    );
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (11, 2, 0, 9, 0));
    let report = &ledger.files[A];
    assert_eq!(
        (report.agent, report.format.as_str()),
        (Some(Agent::Droid), "droid-settings-json")
    );
    let a = ledger
        .counted_usage()
        .find(|r| r.session == A_ID)
        .expect("session A");
    assert_eq!(a.timestamp_ms, 1_762_161_300_000, "2025-11-03T09:15:00Z");
    assert_eq!(a.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
    assert_eq!(a.project.as_deref(), Some("-home-user-proj"));
    // C has no providerLockTimestamp: dated at the epoch and said so, never dropped.
    let c = ledger
        .counted_usage()
        .find(|r| r.session.starts_with("9d8c7b6a"))
        .expect("session C");
    assert_eq!(c.timestamp_ms, 0);
    let notes = &ledger.files[C].notes;
    assert!(
        notes[0].reason.contains("providerLockTimestamp"),
        "{notes:?}"
    );
}

/// claude-sonnet-4-5: 1 200 * $3/M + 4 000 * $15/M + 5 000 * $3.75/M + 120 000 * $0.30/M
/// = 3 600 000 000 + 60 000 000 000 + 18 750 000 000 + 36 000 000 000 = 118 350 000 000 pico.
/// C's custom model is in no price table: its 1 000 tokens are unpriced, never $0.
#[test]
fn droid_is_priced_through_the_shared_table() {
    let ledger = ledger_of(&[A, C]);
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let d = &summary.agents[&Agent::Droid];
    assert_eq!(d.totals.cost_pico, 118_350_000_000);
    assert_eq!(d.totals.unpriced_tokens, 1_000);
    let report = report_of(&[A, C, A_HISTORY]);
    let agent = &report["agents"]["droid"];
    assert!((agent["cost_usd"].as_f64().unwrap_or(0.0) - 0.118_35).abs() < 1e-9);
    assert_eq!(agent["unpriced_tokens"].as_u64(), Some(1_000));
}

/// A settings file copied under another path (a backup, a second drop) is the same session total:
/// counted once. An older snapshot of the same session (a smaller total) loses to the newer one.
#[test]
fn a_settings_file_copied_under_two_paths_counts_once() {
    let bytes = read(A);
    let mut ledger = Ledger::new();
    ledger.add_file(settings_at(
        &format!("backup/.factory/sessions/-home-user-proj/{A_ID}.settings.json"),
        &bytes,
    ));
    ledger.add_file(settings_at(
        &format!("elsewhere/{A_ID}.settings.json"),
        &bytes,
    ));
    let older = br#"{"model":"claude-sonnet-4-5-20250929","providerLockTimestamp":"2025-11-03T09:15:00.000Z","tokenUsage":{"inputTokens":100,"outputTokens":200}}"#;
    ledger.add_file(settings_at(&format!("old/{A_ID}.settings.json"), older));
    assert_eq!(ledger.counted_usage().count(), 1);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 1_200,
            output: 4_000,
            cache_write_5m: 5_000,
            cache_write_1h: 0,
            cache_read: 120_000,
            reasoning: 600,
        }
    );
    let lines = assert_line_invariant(&ledger);
    assert_eq!((lines.read, lines.used, lines.duplicate), (3, 1, 2));
}

/// A settings file that is not JSON, or whose counts are not non-negative integers, is one
/// malformed unit with its reason; nothing of it is counted.
#[test]
fn a_malformed_settings_file_is_malformed_with_a_reason() {
    let path = ".factory/sessions/-p/x.settings.json";
    let cases: [(&[u8], &str); 4] = [
        (br#"{"tokenUsage": {"inputTokens": 5"#, "document:"),
        (
            br#"{"tokenUsage": {"inputTokens": -5, "outputTokens": 1}}"#,
            "tokenUsage.inputTokens",
        ),
        (
            br#"{"tokenUsage": {"outputTokens": "12"}}"#,
            "tokenUsage.outputTokens",
        ),
        (
            br#"{"tokenUsage": [1, 2]}"#,
            "`tokenUsage` is not an object",
        ),
    ];
    for (bytes, reason) in cases {
        let sink = settings_at(path, bytes);
        let r = &sink.report;
        assert_eq!((r.read, r.malformed), (1, 1), "{r:?}");
        assert!(sink.usage.is_empty());
        assert!(r.examples[0].reason.contains(reason), "{:?}", r.examples);
    }
}

/// A file without `tokenUsage` (B) is a session that recorded no tokens: it is listed with that
/// reason (not read, so no $0 line); one that reaches the parser anyway (a head too short to
/// tell, every count zero) is one ignored unit, no usage record.
#[test]
fn a_settings_file_without_token_usage_is_listed_with_its_reason() {
    match detect::classify(B, &read(B)) {
        Classification::Known { what } => {
            assert!(what.contains("without `tokenUsage`"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    // Through the CLI, the file report names it, with its reason.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["report", "--json", SESSIONS])
        .current_dir(root())
        .env("TZ", "UTC")
        .output()
        .expect("the binary runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let files = v["files"].as_array().expect("files");
    let b = files
        .iter()
        .find(|f| {
            f["path"]
                .as_str()
                .is_some_and(|p| p.ends_with(&B[B.len() - 50..]))
        })
        .expect("B is listed");
    assert!(
        b["format"]
            .as_str()
            .is_some_and(|f| f.starts_with("skipped: Factory Droid session settings without")),
        "{b}"
    );
    assert_eq!(files.len(), 5);
    for (bytes, what) in [
        (&br#"{"model":"gpt-5","tokenUsage":null}"#[..], "null"),
        (
            &br#"{"model":"gpt-5","tokenUsage":{"inputTokens":0,"outputTokens":0}}"#[..],
            "zero",
        ),
    ] {
        let sink = settings_at(".factory/sessions/-p/z.settings.json", bytes);
        assert_eq!((sink.report.read, sink.report.ignored), (1, 1), "{what}");
        assert!(sink.usage.is_empty(), "{what}");
    }
}

/// The history gives the session's messages and tools, under the settings file's session id:
/// prompts m1 and m7 (the second a plain string), replies m2, m4, m6, tool results m3, m5;
/// `Execute` failed after 4 s, `Edit` of `src/lib.rs` took 1 s.
#[test]
fn a_history_gives_messages_and_tools_of_its_session() {
    let ledger = ledger_of(&[A, A_HISTORY]);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (9, 1, 0, 8, 0));
    let mut roles: Vec<(KeyPart, Role, Option<u32>)> = ledger
        .messages
        .values()
        .map(|m| (m.key.id, m.role, m.words.get()))
        .collect();
    roles.sort();
    let id = |m: &str| KeyPart::of(&format!("{A_ID}/{m}"));
    let mut want = vec![
        (id("m1"), Role::User, Some(3)),
        (id("m2"), Role::Assistant, None),
        (id("m3"), Role::Tool, None),
        (id("m4"), Role::Assistant, None),
        (id("m5"), Role::Tool, None),
        (id("m6"), Role::Assistant, None),
        (id("m7"), Role::User, Some(3)),
    ];
    want.sort();
    assert_eq!(roles, want);
    assert!(ledger.messages.values().all(|m| m.session == A_ID));
    let mut tools: Vec<_> = ledger
        .distinct_tools()
        .map(|t| {
            (
                t.name.as_deref().unwrap_or_default().to_owned(),
                t.target.as_deref().map(str::to_owned),
                t.end_ms.get().zip(t.start_ms.get()).map(|(e, s)| e - s),
                t.is_error,
                t.result_bytes.get(),
            )
        })
        .collect();
    tools.sort();
    assert_eq!(
        tools,
        vec![
            (
                "Edit".to_owned(),
                Some("src/lib.rs".to_owned()),
                Some(1_000),
                false,
                Some(11)
            ),
            ("Execute".to_owned(), None, Some(4_000), true, Some(49)),
        ]
    );
    // One session row: the settings file's total and the history's messages and tools.
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let rows: Vec<_> = summary
        .sessions
        .iter()
        .filter(|s| s.agent == Agent::Droid)
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (
            rows[0].user_messages,
            rows[0].assistant_messages,
            rows[0].tool_calls,
            rows[0].tool_errors
        ),
        (2, 3, 2, 1)
    );
    assert_eq!(
        rows[0].totals.tokens.total(),
        1_200 + 4_000 + 5_000 + 120_000
    );
}

/// A history line that is not JSON, or has no `type`, is malformed; nothing else is lost.
#[test]
fn a_bad_history_line_costs_only_itself() {
    let ctx = FileContext {
        path: ".factory/sessions/-p/s.jsonl".to_owned(),
        session_hint: None,
    };
    let bytes = b"{\"type\":\"session_start\",\"id\":\"s\",\"title\":\"t\"}\n{\"type\":\"mess\n{\"id\":\"x\"}\n{\"type\":\"message\",\"id\":\"m\",\"message\":{\"role\":\"user\",\"content\":\"hi there\"}}\n";
    let sink = parse_bytes(Format::DroidJsonl, ctx, bytes);
    assert_eq!(
        (sink.report.read, sink.report.ignored, sink.report.malformed),
        (4, 2, 2)
    );
    assert_eq!(sink.messages.len(), 1);
    assert_eq!(sink.messages[0].words, Some(2).into());
}

/// Histories and settings files are recognised by name under `.factory/`, or by content anywhere.
#[test]
fn droid_files_are_recognised_by_path_or_content() {
    let files = files_under(SESSIONS);
    assert_eq!(files.len(), 5);
    let (mut histories, mut settings, mut listed) = (0, 0, 0);
    for file in &files {
        let bytes = read(file);
        match detect::classify(file, &bytes) {
            Classification::Known { what } => {
                assert_eq!(file, B);
                assert!(what.contains("without `tokenUsage`"), "{what}");
                listed += 1;
            }
            Classification::Parse { format, .. } if file.ends_with(".settings.json") => {
                assert_eq!(format, Format::DroidSettingsJson);
                settings += 1;
            }
            Classification::Parse { format, .. } => {
                assert!(file.ends_with(".jsonl"), "{file}");
                assert_eq!(format, Format::DroidJsonl);
                histories += 1;
            }
            other => panic!("{file}: {other:?}"),
        }
    }
    assert_eq!((histories, settings, listed), (2, 2, 1));
    // Dropped elsewhere: the history by its first line, a settings file by its `tokenUsage`.
    assert!(matches!(
        detect::classify("dropped/x.jsonl", &read(A_HISTORY)),
        Classification::Parse {
            format: Format::DroidJsonl,
            ..
        }
    ));
    assert!(matches!(
        detect::classify("dropped/x.settings.json", &read(A)),
        Classification::Parse {
            format: Format::DroidSettingsJson,
            ..
        }
    ));
    // Another tool's `*.settings.json` outside `.factory/` is no Droid file.
    assert!(!matches!(
        detect::classify("editor/workspace.settings.json", br#"{"tabSize": 2}"#),
        Classification::Parse {
            format: Format::DroidSettingsJson,
            ..
        }
    ));
}

#[test]
fn a_home_walk_enters_dot_factory_sessions_only() {
    let scope = VisitScope::for_root("home", [".factory", ".bashrc"]);
    assert!(scope.visit(".factory"));
    assert!(scope.visit(".factory/sessions/-home-user-proj/s.jsonl"));
    assert!(scope.visit(".factory/sessions/-home-user-proj/s.settings.json"));
    assert!(!scope.visit(".factory/logs/droid.log.json"));
    assert!(!scope.visit("Documents/notes.json"));
}
