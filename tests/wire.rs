//! The ledger's binary wire form (`src/ledger/wire.rs`): what a browser worker sends the page.
//!
//! Two properties make it safe to use instead of JSON: every ledger reads back equal to itself
//! (every field of every record, so nothing is dropped on the way), and encoded parts merged in
//! any order give the same ledger, hence the same totals, as parsing everything in one place
//! (the merge law carried over the wire). Records are random over a small key space so that
//! keys collide often, and every optional field is sometimes set and sometimes not.

mod parse_support;

use agentmeter::ledger::wire::MAGIC;
use agentmeter::ledger::Ledger;
use agentmeter::line_report::{FileReport, Issue, Sink};
use agentmeter::model::{
    Agent, MessageKey, MessageRecord, Role, Source, Tokens, ToolCall, ToolKey, UsageKey,
    UsageRecord,
};
use proptest::prelude::*;

/// The demo folder's files, each parsed and added.
fn demo_ledger() -> Ledger {
    let mut ledger = Ledger::new();
    for rel in parse_support::files_under("fixtures/demo") {
        ledger.add_file(parse_support::parse(&rel));
    }
    ledger
}

fn text() -> impl Strategy<Value = String> {
    // Short strings over a small alphabet collide; the others exercise UTF-8 and escapes.
    prop_oneof![
        "[ab]{0,2}",
        "\\PC{0,12}",
        Just(String::new()),
        Just("café \"q\" \n ✓".to_owned()),
    ]
}

fn source() -> impl Strategy<Value = Source> {
    (0u8..3, 1u64..30).prop_map(|(f, line)| Source {
        file: format!("dir/f{f}.jsonl").into(),
        line: line.into(),
    })
}

fn agent() -> impl Strategy<Value = Agent> {
    (0..Agent::ALL.len()).prop_map(|i| Agent::ALL[i])
}

fn usage() -> impl Strategy<Value = UsageRecord> {
    (
        (agent(), 0u8..4, 0u8..3, any::<i64>()),
        proptest::option::of(text()),
        (0u64..50, 0u64..50, 0u64..5, 0u64..5, 0u64..50, any::<u64>()),
        (
            text(),
            proptest::option::of(text()),
            proptest::option::of(text()),
        ),
        (
            proptest::option::of(text()),
            any::<bool>(),
            proptest::option::of(text()),
        ),
        (
            proptest::option::of(any::<u64>()),
            proptest::option::of(-1e9f64..1e9),
        ),
        source(),
    )
        .prop_map(
            |(
                (agent, scope, id, ts),
                model,
                (i, o, w5, w1, r, reasoning),
                (session, project, branch),
                (version, side, speed),
                (cost, premium),
                source,
            )| {
                UsageRecord {
                    key: UsageKey::new(agent, &format!("m{scope}"), &format!("r{id}")),
                    timestamp_ms: ts,
                    model: model.map(Into::into),
                    tokens: Tokens {
                        input: i,
                        output: o,
                        cache_write_5m: w5,
                        cache_write_1h: w1,
                        cache_read: r,
                        reasoning,
                    },
                    session: session.into(),
                    project: project.map(Into::into),
                    git_branch: branch.map(Into::into),
                    cli_version: version.map(Into::into),
                    is_sidechain: side,
                    rare: agentmeter::model::RareUsage::boxed(speed.map(Into::into), cost, premium),
                    source,
                }
            },
        )
}

fn tool() -> impl Strategy<Value = ToolCall> {
    (
        (agent(), 0u8..3, 0u8..4, text()),
        proptest::option::of(text()),
        (
            proptest::option::of(any::<i64>()),
            proptest::option::of(any::<i64>()),
        ),
        (any::<bool>(), proptest::option::of(any::<u64>())),
        (
            proptest::option::of(text()),
            proptest::option::of(any::<u64>()),
        ),
        source(),
    )
        .prop_map(
            |(
                (agent, s, id, session),
                name,
                (start_ms, end_ms),
                (is_error, input_hash),
                (target, result_bytes),
                source,
            )| ToolCall {
                key: ToolKey::new(agent, &format!("s{s}"), &format!("t{id}")),
                session: session.into(),
                name: name.map(Into::into),
                start_ms: start_ms.into(),
                end_ms: end_ms.into(),
                is_error,
                input_hash: input_hash.into(),
                target: target.map(Into::into),
                result_bytes: result_bytes.into(),
                source,
            },
        )
}

fn message() -> impl Strategy<Value = MessageRecord> {
    (
        (agent(), 0u8..5, text(), 0usize..4),
        proptest::option::of(any::<i64>()),
        (
            proptest::option::of(any::<u32>()),
            proptest::option::of(text()),
            any::<bool>(),
        ),
        source(),
    )
        .prop_map(
            |((agent, id, session, role), timestamp_ms, (words, preview, compaction), source)| {
                MessageRecord {
                    key: MessageKey::new(agent, &format!("u{id}")),
                    session: session.into(),
                    role: [Role::User, Role::Assistant, Role::System, Role::Tool][role],
                    timestamp_ms: timestamp_ms.into(),
                    words: words.into(),
                    preview: preview.map(|p: String| p.into_boxed_str()),
                    compaction,
                    source,
                }
            },
        )
}

fn issues() -> impl Strategy<Value = Vec<Issue>> {
    proptest::collection::vec(
        (1u64..100, text()).prop_map(|(line, reason)| Issue { line, reason }),
        0..3,
    )
}

fn file() -> impl Strategy<Value = FileReport> {
    (
        (0u8..4, proptest::option::of(agent()), text()),
        proptest::collection::vec(0u64..1000, 7),
        issues(),
        issues(),
        proptest::option::of(prop_oneof![Just("alice"), Just("bob")]),
    )
        .prop_map(
            |((p, agent, format), n, examples, notes, source)| FileReport {
                path: format!("dir/f{p}.jsonl"),
                agent,
                format,
                bytes: n[0],
                read: n[1],
                candidates: n[2],
                duplicate_in_file: n[3],
                ignored: n[4],
                malformed: n[5],
                examples,
                repaired: n[6],
                notes,
                source: source.map(str::to_owned),
            },
        )
}

/// Everything one parsed file could contribute.
#[derive(Debug, Clone)]
struct Part {
    usage: Vec<UsageRecord>,
    tools: Vec<ToolCall>,
    messages: Vec<MessageRecord>,
    file: FileReport,
}

fn part() -> impl Strategy<Value = Part> {
    (
        proptest::collection::vec(usage(), 0..8),
        proptest::collection::vec(tool(), 0..6),
        proptest::collection::vec(message(), 0..6),
        file(),
    )
        .prop_map(|(usage, tools, messages, file)| Part {
            usage,
            tools,
            messages,
            file,
        })
}

fn ledger_of(parts: &[Part]) -> Ledger {
    let mut ledger = Ledger::new();
    for p in parts {
        let mut sink = Sink::new(&p.file.path, p.file.agent, &p.file.format);
        sink.usage = p.usage.clone();
        sink.tools = p.tools.clone();
        sink.messages = p.messages.clone();
        sink.report = p.file.clone();
        ledger.add_file(sink);
    }
    ledger
}

fn totals(ledger: &Ledger) -> (Tokens, usize, u64) {
    let mut t = Tokens::default();
    let mut calls = 0;
    for r in ledger.counted_usage() {
        t.add(&r.tokens);
        calls += 1;
    }
    (t, calls, ledger.line_totals().read)
}

proptest! {
    #[test]
    fn every_ledger_reads_back_equal(parts in proptest::collection::vec(part(), 0..5)) {
        let ledger = ledger_of(&parts);
        let bytes = ledger.to_wire();
        prop_assert!(bytes.starts_with(MAGIC));
        prop_assert_eq!(Ledger::from_wire(&bytes), Ok(ledger));
    }

    #[test]
    fn encoded_parts_merged_in_any_order_give_the_whole(
        items in part(),
        more in part(),
        assign in proptest::collection::vec(0usize..4, 40),
        copies in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4), 0..6),
        order in any::<prop::sample::Index>(),
    ) {
        // One pool of records, each read at its own place (a record met twice is a copy of the
        // same line, as when a file is read twice); keys still collide across places.
        let mut pool = items;
        pool.usage.extend(more.usage);
        pool.tools.extend(more.tools);
        pool.messages.extend(more.messages);
        for (i, r) in pool.usage.iter_mut().enumerate() {
            r.source = Source { file: format!("u{i}.jsonl").into(), line: (i as u64 + 1).into() };
        }
        for (i, t) in pool.tools.iter_mut().enumerate() {
            t.source = Source { file: format!("t{i}.jsonl").into(), line: (i as u64 + 1).into() };
        }
        for (i, m) in pool.messages.iter_mut().enumerate() {
            m.source = Source { file: format!("m{i}.jsonl").into(), line: (i as u64 + 1).into() };
        }
        // Four workers' shares: each record goes to one, some also to another (a copy).
        let mut shares: Vec<Part> = (0..4)
            .map(|w| Part {
                usage: Vec::new(),
                tools: Vec::new(),
                messages: Vec::new(),
                file: FileReport { path: format!("dir/w{w}.jsonl"), ..pool.file.clone() },
            })
            .collect();
        let mut slot = assign.iter().cycle();
        let mut next = || *slot.next().unwrap_or(&0);
        for r in &pool.usage {
            shares[next()].usage.push(r.clone());
        }
        for t in &pool.tools {
            shares[next()].tools.push(t.clone());
        }
        for m in &pool.messages {
            shares[next()].messages.push(m.clone());
        }
        for (pick, w) in &copies {
            if !pool.usage.is_empty() {
                shares[*w].usage.push(pool.usage[pick.index(pool.usage.len())].clone());
            }
            if !pool.tools.is_empty() {
                shares[*w].tools.push(pool.tools[pick.index(pool.tools.len())].clone());
            }
            if !pool.messages.is_empty() {
                shares[*w].messages.push(pool.messages[pick.index(pool.messages.len())].clone());
            }
        }
        let whole = ledger_of(&shares);
        let encoded: Vec<Vec<u8>> = shares.iter().map(|s| ledger_of(std::slice::from_ref(s)).to_wire()).collect();
        let n = encoded.len();
        let start = order.index(n);
        let mut merged = Ledger::new();
        for k in 0..n {
            prop_assert!(merged.merge_wire(&encoded[(start + k) % n]).is_ok());
        }
        prop_assert_eq!(totals(&merged), totals(&whole));
        prop_assert_eq!(&merged, &whole);
        // Reversed, and as decoded ledgers merged in memory: the same again.
        let mut back = Ledger::new();
        for bytes in encoded.iter().rev() {
            let decoded = Ledger::from_wire(bytes);
            prop_assert!(decoded.is_ok());
            back.merge(decoded.unwrap_or_default());
        }
        prop_assert_eq!(&back, &whole);
    }
}

#[test]
fn the_demo_corpus_reads_back_equal() {
    let ledger = demo_ledger();
    assert!(ledger.usage.len() > 100, "the demo has hundreds of calls");
    let bytes = ledger.to_wire();
    let json = serde_json::to_vec(&ledger).unwrap_or_default();
    assert!(
        bytes.len() * 3 < json.len(),
        "{} bytes on the wire vs {} as JSON",
        bytes.len(),
        json.len()
    );
    assert_eq!(Ledger::from_wire(&bytes), Ok(ledger));
}

#[test]
fn the_wire_in_pieces_is_the_wire() {
    let ledger = demo_ledger();
    let whole = ledger.to_wire();
    for piece_bytes in [1, 1000, 64 * 1024, usize::MAX] {
        let mut pieces: Vec<Vec<u8>> = Vec::new();
        let head = ledger.to_wire_pieces(piece_bytes, &mut |p| pieces.push(p.to_vec()));
        assert!(head.starts_with(MAGIC));
        assert!(
            pieces
                .iter()
                .all(|p| p.len() < piece_bytes.saturating_add(4096)),
            "pieces of about {piece_bytes} bytes"
        );
        if piece_bytes == 1000 {
            assert!(pieces.len() > 10, "{} pieces", pieces.len());
        }
        let joined: Vec<u8> = head.into_iter().chain(pieces.concat()).collect();
        assert_eq!(joined, whole, "pieces of {piece_bytes}");
    }
    let mut body = Vec::new();
    let head = Ledger::new().to_wire_pieces(8, &mut |p| body.extend_from_slice(p));
    assert_eq!([head, body].concat(), Ledger::new().to_wire());
}

#[test]
fn damaged_bytes_are_an_error_never_a_panic() {
    let ledger = demo_ledger();
    let bytes = ledger.to_wire();
    // Every truncation, and a byte flipped at many places: an error or some ledger, no panic.
    for cut in (0..bytes.len()).step_by(97) {
        assert!(Ledger::from_wire(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    for at in (0..bytes.len()).step_by(89) {
        let mut bad = bytes.clone();
        bad[at] ^= 0xff;
        let _ = Ledger::from_wire(&bad);
    }
    assert!(Ledger::from_wire(b"{\"usage\":[]}").is_err());
    let mut failed = Ledger::new();
    assert!(failed.merge_wire(&bytes[..bytes.len() / 2]).is_err());
    assert_eq!(
        failed,
        Ledger::new(),
        "a failed merge leaves the ledger unchanged"
    );
}
