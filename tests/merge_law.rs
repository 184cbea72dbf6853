//! The merge law (DESIGN.md 1): merging record sets is commutative, associative and idempotent.
//!
//! Parallel parsing, re-scans and team merges are exact only if any split of the records into
//! files, any merge order and any repetition give the same ledger. Records here are random but
//! share a small key space, so collisions (the interesting case) are frequent. Some are stand-ins
//! (`src/ledger/standin.rs`), which the counted totals leave out beside their session's records.

use agentmeter::ledger::standin::CODEX_EXEC;
use agentmeter::ledger::Ledger;
use agentmeter::line_report::Sink;
use agentmeter::model::{Agent, KeyPart, Source, Tokens, UsageKey, UsageRecord};
use proptest::prelude::*;

fn record() -> impl Strategy<Value = UsageRecord> {
    (
        0usize..3,
        0u8..4,
        0u8..3,
        (0u64..50, 0u64..50, 0u64..5, 0u64..5, 0u64..50),
        any::<bool>(),
        proptest::option::of(Just("fast".to_owned())),
        (0u8..3, 1u64..20),
    )
        .prop_map(
            |(agent, scope, id, (i, o, w5, w1, r), side, speed, (file, line))| {
                let agent = Agent::ALL[agent];
                UsageRecord {
                    key: UsageKey::new(
                        agent,
                        // Scope 3 is a stand-in's (saved exec output): the post-merge rule that
                        // drops it beside a transcript record of its session must keep the law.
                        &if scope == 3 {
                            format!("{CODEX_EXEC}m{scope}")
                        } else {
                            format!("m{scope}")
                        },
                        &format!("r{id}"),
                    ),
                    timestamp_ms: 1_700_000_000_000 + i64::from(scope) * 1000,
                    model: Some(format!("model-{id}").into()),
                    tokens: Tokens {
                        input: i,
                        output: o,
                        cache_write_5m: w5,
                        cache_write_1h: w1,
                        cache_read: r,
                        reasoning: 0,
                    },
                    session: format!("s{file}").into(),
                    project: None,
                    git_branch: None,
                    cli_version: None,
                    is_sidechain: side,
                    rare: agentmeter::model::RareUsage::boxed(speed.map(Into::into), None, None),
                    source: Source {
                        file: format!("f{file}.jsonl").into(),
                        line: line.into(),
                    },
                }
            },
        )
}

fn ledger_of(records: &[UsageRecord], file: &str) -> Ledger {
    let mut sink = Sink::new(file, None, "test");
    for r in records {
        sink.used(r.clone());
    }
    let mut ledger = Ledger::new();
    ledger.add_file(sink);
    ledger
}

fn totals(ledger: &Ledger) -> Tokens {
    let mut t = Tokens::default();
    for r in ledger.counted_usage() {
        t.add(&r.tokens);
    }
    t
}

proptest! {
    #[test]
    fn any_split_and_order_gives_the_same_ledger(
        records in proptest::collection::vec(record(), 0..40),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..4),
        order in any::<prop::sample::Index>(),
    ) {
        // Whole: one file with every record.
        let whole = ledger_of(&records, "whole");

        // Split into parts at random cuts, each part its own ledger.
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(records.len() + 1)).collect();
        points.push(0);
        points.push(records.len());
        points.sort_unstable();
        let parts: Vec<Ledger> = points
            .windows(2)
            .map(|w| ledger_of(&records[w[0]..w[1]], "whole"))
            .collect();

        // Merge in a rotated order, left fold.
        let n = parts.len();
        let start = order.index(n);
        let mut merged = Ledger::new();
        for k in 0..n {
            merged.merge(parts[(start + k) % n].clone());
        }
        prop_assert_eq!(&merged.usage, &whole.usage);
        prop_assert_eq!(totals(&merged), totals(&whole));

        // Associativity: merge pairwise as a tree instead of a fold.
        let mut layer = parts.clone();
        while layer.len() > 1 {
            let mut next = Vec::new();
            for pair in layer.chunks(2) {
                let mut l = pair[0].clone();
                if let Some(r) = pair.get(1) {
                    l.merge(r.clone());
                }
                next.push(l);
            }
            layer = next;
        }
        let tree = layer.pop().unwrap_or_default();
        prop_assert_eq!(&tree.usage, &whole.usage);

        // Idempotence: merging a ledger into itself changes nothing, line report included.
        let mut twice = merged.clone();
        twice.merge(merged.clone());
        prop_assert_eq!(&twice, &merged);
    }

    #[test]
    fn line_report_always_balances(records in proptest::collection::vec(record(), 0..40)) {
        let ledger = ledger_of(&records, "f");
        let l = ledger.line_totals();
        prop_assert_eq!(l.read, l.used + l.duplicate + l.ignored + l.malformed);
        prop_assert_eq!(l.read, records.len() as u64);
    }
}

/// Claude's sidechain replay (FORMATS 1.5 rule 4): the same message.id under another requestId in
/// a sidechain is a replay of the main-thread call, not a second call.
#[test]
fn sidechain_replay_with_another_request_id_is_not_counted() {
    let mut main = UsageRecord {
        key: UsageKey::new(Agent::Claude, "msg_1", "req_a"),
        timestamp_ms: 0,
        model: None,
        tokens: Tokens {
            input: 10,
            output: 5,
            ..Tokens::default()
        },
        session: "s".into(),
        project: None,
        git_branch: None,
        cli_version: None,
        is_sidechain: false,
        rare: None,
        source: Source {
            file: "main.jsonl".into(),
            line: 1.into(),
        },
    };
    let mut replay = main.clone();
    replay.key.id = KeyPart::of("req_b");
    replay.is_sidechain = true;
    replay.source.file = "agent.jsonl".into();
    let ledger = ledger_of(&[main.clone(), replay.clone()], "f");
    assert_eq!(ledger.counted_usage().count(), 1);
    assert_eq!(totals(&ledger).total(), 15);

    // Two sidechain-only records of one message.id are both real calls.
    main.is_sidechain = true;
    let ledger = ledger_of(&[main, replay], "f");
    assert_eq!(ledger.counted_usage().count(), 2);
}
