//! Cline and Roo Code task folders (`ui_messages.json`), and Codebuff chats.
//!
//! Fixtures **derived** from each extension's source by `fixtures/cline/make_fixtures.py` and
//! `fixtures/codebuff/make_fixtures.py` (see `fixtures/README.md`). Every expected figure below is
//! computed by hand from the values written by those scripts.

mod parse_support;

use agentmeter::detect::{self, Classification};
use agentmeter::model::{Agent, Role, Tokens};
use agentmeter::parsers::Format;
use agentmeter::pricing::PriceTable;
use parse_support::*;

const STORAGE: &str = "fixtures/cline/home/.config/Code/User/globalStorage";
const CLINE_NEW: &str = "fixtures/cline/home/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks/1763000000000/ui_messages.json";
const CLINE_OLD: &str = "fixtures/cline/home/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks/1720000000000/ui_messages.json";
const CLINE_OPENAI: &str = "fixtures/cline/home/.config/Code/User/globalStorage/saoudrizwan.claude-dev/tasks/1765000000000/ui_messages.json";
const ROO_NEW: &str = "fixtures/cline/home/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/0b9a7f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/ui_messages.json";
const ROO_OLD: &str = "fixtures/cline/home/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/7d6c5b4a-3928-4716-a5b4-c3d2e1f0a9b8/ui_messages.json";
const CODEBUFF: &str = "fixtures/codebuff/home/.config/manicode/projects/agentmeter/chats/2025-09-06T08-09-39.123Z/messages.json";

fn sum(ledger: &agentmeter::ledger::Ledger, agent: Agent) -> Tokens {
    let mut t = Tokens::default();
    for r in ledger.counted_usage().filter(|r| r.key.agent == agent) {
        t.add(&r.tokens);
    }
    t
}

/// Cline, November 2025 task (disjoint buckets, modelInfo on every message): three usage
/// messages, api_req_started at +1 s and +10 s and deleted_api_reqs at +21 s:
/// input 12 + 8 + 30 = 50; output 340 + 520 + 900 = 1 760; cache writes 15 000 + 2 100 + 4 000
/// = 21 100; cache reads 0 + 15 000 + 30 000 = 45 000.
/// Units: 12 messages: 3 used; 7 ignored (task, text, tool ask, command ask, the cancelled
/// api_req_started without counts, completion_result, the partial text); 2 malformed
/// (`tokensIn: "many"`, the element `42`).
#[test]
fn cline_task_totals_exactly() {
    assert_eq!(classify(CLINE_NEW).0, Format::ClineUiJson);
    let ledger = ledger_of(&[CLINE_NEW]);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 50,
            output: 1_760,
            cache_write_5m: 21_100,
            cache_read: 45_000,
            ..Tokens::default()
        }
    );
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (12, 3, 0, 7, 2));
    let report = &ledger.files[CLINE_NEW];
    assert_eq!(report.agent, Some(Agent::Cline));
    assert_eq!(report.format, "cline-ui-json");
    let reasons: Vec<(u64, &str)> = report
        .examples
        .iter()
        .map(|i| (i.line, i.reason.as_str()))
        .collect();
    assert_eq!(reasons[0].0, 11);
    assert!(
        reasons[0].1.contains("`tokensIn` is not a number"),
        "{reasons:?}"
    );
    assert_eq!(reasons[1], (12, "message 12 is not an object"));
    for r in ledger.counted_usage() {
        assert_eq!(r.model.as_deref(), Some("claude-sonnet-4-5-20250929"));
        assert_eq!(r.session, "1763000000000");
    }
    // Tools: the readFile ask (with its target) and the command ask.
    let mut tools: Vec<(String, Option<String>)> = ledger
        .tools
        .values()
        .map(|t| {
            (
                t.name.as_deref().unwrap_or_default().to_owned(),
                t.target.as_deref().map(str::to_owned),
            )
        })
        .collect();
    tools.sort();
    assert_eq!(
        tools,
        vec![
            ("execute_command".to_owned(), None),
            ("readFile".to_owned(), Some("src/parser.rs".to_owned()))
        ]
    );
    let roles: Vec<Role> = {
        let mut m: Vec<_> = ledger.messages.values().collect();
        m.sort_by_key(|m| m.timestamp_ms);
        m.iter().map(|m| m.role).collect()
    };
    assert_eq!(roles, vec![Role::User, Role::Assistant, Role::Assistant]);
}

/// Priced through the shared table (claude-sonnet-4-5: input 3, output 15, 5-minute cache write
/// 3.75, cache read 0.30 dollars per million): 50*3e6 + 1 760*15e6 + 21 100*3.75e6 +
/// 45 000*0.3e6 = 150e6 + 26 400e6 + 79 125e6 + 13 500e6 = 119 175 000 000 pico. Cline's own
/// costs: 0.061386 + 0.02175 + 0.05 = 0.133136 dollars, kept beside.
#[test]
fn cline_is_priced_with_its_recorded_cost_beside() {
    let ledger = ledger_of(&[CLINE_NEW]);
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let c = &summary.agents[&Agent::Cline];
    assert_eq!(c.totals.cost_pico, 119_175_000_000);
    assert_eq!(c.totals.unpriced_tokens, 0);
    assert_eq!(c.totals.recorded_calls, 3);
    assert_eq!(c.totals.recorded_cost_pico, 133_136_000_000);
}

/// Cline, 2024: the first request's counts are in the api_req_finished after it (merged, counted
/// once, the finished message a duplicate); the second request carries its own.
/// Input 1 200 + 900 = 2 100; output 80 + 60 = 140. Units 5: 2 used, 1 duplicate, 2 ignored.
/// No model is recorded: the cost is the recorded one (0.0048 + 0.0036 dollars, the shared
/// table's rule for a call without a model), and nothing is left unpriced.
#[test]
fn old_cline_tasks_merge_the_finished_message_into_its_request() {
    let ledger = ledger_of(&[CLINE_OLD]);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 2_100,
            output: 140,
            ..Tokens::default()
        }
    );
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (5, 2, 1, 2, 0));
    let first = ledger
        .counted_usage()
        .min_by_key(|r| r.timestamp_ms)
        .expect("a call");
    assert_eq!(
        first.timestamp_ms, 1_720_000_001_000,
        "dated at its api_req_started"
    );
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let c = &summary.agents[&Agent::Cline];
    assert_eq!(c.totals.unpriced_tokens, 0);
    assert_eq!(c.totals.cost_pico, 8_400_000_000);
    assert_eq!(c.totals.recorded_cost_pico, 8_400_000_000);
}

/// Cline, December 2025, provider `openai` (OpenAI-compatible): its classic handler wrote the
/// prompt count with the 8 000 cache reads inside as tokensIn 10 000: input 10 000 - 8 000 =
/// 2 000, output 200, cache reads 8 000. gpt-4.1 (input 2, output 8, cache read 0.5 dollars per
/// million): 2 000*2e6 + 200*8e6 + 8 000*0.5e6 = 4 000e6 + 1 600e6 + 4 000e6 = 9 600 000 000 pico.
#[test]
fn cline_inclusive_provider_records_are_split_once() {
    let ledger = ledger_of(&[CLINE_OPENAI]);
    assert_eq!(
        counted(&ledger),
        Tokens {
            input: 2_000,
            output: 200,
            cache_read: 8_000,
            ..Tokens::default()
        }
    );
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    assert_eq!(
        summary.agents[&Agent::Cline].totals.cost_pico,
        9_600_000_000
    );
}

/// Roo Code after 2025-10-31: tokensIn holds the cached tokens, taken out once.
/// - anthropic: 20 120 - (20 000 + 0) = 120 input, 410 output, 20 000 cache writes;
/// - openai: 30 000 - 24 000 = 6 000 input, 700 output, 24 000 cache reads;
/// - openai with tokensIn 5 < cache reads 4 000: cannot include them, read as 5 (repaired).
///
/// Roo Code before: anthropic tokensIn 40 is uncached: 40 input, 1 000 output, 3 000 writes,
/// 9 000 reads.
/// Sum: input 120 + 6 000 + 5 + 40 = 6 165; output 410 + 700 + 30 + 1 000 = 2 140; writes
/// 20 000 + 3 000 = 23 000; reads 24 000 + 4 000 + 9 000 = 37 000.
#[test]
fn roo_tasks_split_inclusive_input_once() {
    assert_eq!(classify(ROO_NEW).0, Format::ClineUiJson);
    let ledger = ledger_of(&[ROO_NEW, ROO_OLD]);
    assert_eq!(
        sum(&ledger, Agent::Roo),
        Tokens {
            input: 6_165,
            output: 2_140,
            cache_write_5m: 23_000,
            cache_read: 37_000,
            ..Tokens::default()
        }
    );
    assert_eq!(counted(&ledger), sum(&ledger, Agent::Roo));
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (8, 4, 0, 4, 0));
    let report = &ledger.files[ROO_NEW];
    assert_eq!(report.agent, Some(Agent::Roo));
    assert_eq!(report.repaired, 1);
    assert_eq!(report.notes[0].line, 6);
    // The condensation is a compaction.
    assert_eq!(ledger.messages.values().filter(|m| m.compaction).count(), 1);
    let summary = agentmeter::rollup::summarize(&ledger, PriceTable::embedded(), chrono_tz::UTC);
    let r = &summary.agents[&Agent::Roo];
    // 0.081 + 0.0234 + 0.0015 + 0.0213 dollars.
    assert_eq!(r.totals.recorded_cost_pico, 127_200_000_000);
    // No model in Roo's messages: priced at the recorded cost, none of it left unpriced.
    assert_eq!(r.totals.cost_pico, 127_200_000_000);
    assert_eq!(r.totals.unpriced_tokens, 0);
}

/// Without the extension's folder in the path, the content says which it is.
#[test]
fn the_extension_is_recognised_by_content_alone() {
    for (file, agent) in [(CLINE_NEW, Agent::Cline), (ROO_NEW, Agent::Roo)] {
        let bytes = read(file);
        let Classification::Parse { format, ctx } =
            detect::classify("dropped/ui_messages.json", &bytes)
        else {
            panic!("not recognised");
        };
        let sink = agentmeter::parsers::parse_bytes(format, ctx, &bytes);
        assert_eq!(sink.report.agent, Some(agent));
    }
}

/// The files beside `ui_messages.json` are known and never counted (their usage repeats it).
#[test]
fn task_side_files_are_known_not_counted() {
    for file in files_under(STORAGE) {
        if file.ends_with("ui_messages.json") {
            continue;
        }
        let bytes = read(&file);
        assert!(
            matches!(
                detect::classify(&file, &bytes),
                Classification::Known { .. }
            ),
            "{file}"
        );
    }
}

/// The same folder twice (two spellings) counts once; chunking never changes the result.
#[test]
fn copies_and_chunks_change_nothing() {
    let once = counted(&ledger_of(&[CLINE_NEW, ROO_NEW]));
    let mut ledger = ledger_of(&[CLINE_NEW, ROO_NEW]);
    let (format, mut ctx) = classify(CLINE_NEW);
    ctx.path = "copy/saoudrizwan.claude-dev/tasks/1763000000000/ui_messages.json".to_owned();
    ledger.add_file(parse_chunked(format, ctx, &read(CLINE_NEW), &[]));
    assert_eq!(counted(&ledger), once);
    let bytes = read(ROO_NEW);
    let whole = snapshot(&parse(ROO_NEW));
    for step in [1, 7, 100] {
        let cuts: Vec<usize> = (0..bytes.len()).step_by(step).collect();
        let (format, ctx) = classify(ROO_NEW);
        assert_eq!(snapshot(&parse_chunked(format, ctx, &bytes, &cuts)), whole);
    }
}

/// Codebuff keeps messages and tools, no usage: 7 units, 6 messages (ignored) and one that is
/// not an object (malformed); two tool calls with their results; no usage record at all.
#[test]
fn codebuff_chats_are_sessions_without_tokens() {
    assert_eq!(classify(CODEBUFF).0, Format::CodebuffJson);
    let ledger = ledger_of(&[CODEBUFF]);
    assert_eq!(ledger.counted_usage().count(), 0);
    let lines = assert_line_invariant(&ledger);
    assert_eq!(fates(&lines), (7, 0, 0, 6, 1));
    assert_eq!(ledger.files[CODEBUFF].agent, Some(Agent::Codebuff));
    let mut tools: Vec<(String, Option<String>, bool)> = ledger
        .tools
        .values()
        .map(|t| {
            (
                t.name.as_deref().unwrap_or_default().to_owned(),
                t.target.as_deref().map(str::to_owned),
                t.result_bytes.is_some(),
            )
        })
        .collect();
    tools.sort();
    assert_eq!(
        tools,
        vec![
            ("read_files".to_owned(), None, true),
            ("write_file".to_owned(), Some("README.md".to_owned()), true)
        ]
    );
    let user = ledger
        .messages
        .values()
        .find(|m| m.role == Role::User)
        .expect("a prompt");
    assert_eq!(
        user.preview.as_deref(),
        Some("Add a section on the CLI to the README")
    );
    assert_eq!(
        user.timestamp_ms,
        Some(1_757_146_179_123).into(),
        "the chat id's time"
    );
}

/// `report --json` names the agents by their short ids.
#[test]
fn report_json_keys_are_cline_roo() {
    let report = report_of(&[CLINE_NEW, ROO_OLD]);
    let agents = report["agents"].as_object().expect("agents");
    assert!(
        agents.contains_key("cline") && agents.contains_key("roo"),
        "{agents:?}"
    );
}
