//! Browser tests: the overview shows exactly the report's figures in its `data-value` hooks, the
//! sessions table sorts, and the last analysis survives an IndexedDB round trip.
//!
//! The input is two hand-written Claude Code transcript lines (derived from the shape of
//! fixtures-real `claude-code-log-devdocs/assistant/assistant.jsonl`) with token counts chosen
//! here, so the expected totals are sums of the numbers below, not figures copied from a run.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use agentmeter_web::analysis::Analysis;
use agentmeter_web::ui::sessions::SessionsTable;
use agentmeter_web::views::overview::OverviewView;
use agentmeter_web::worker_api::LedgerBuilder;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// One Claude assistant line with the given usage.
fn claude_line(
    session: &str,
    msg: &str,
    input: u64,
    write: u64,
    read: u64,
    output: u64,
    ts: &str,
) -> String {
    format!(
        concat!(
            r#"{{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/home/u/proj","#,
            r#""sessionId":"{s}","version":"1.0.128","message":{{"id":"{m}","type":"message","#,
            r#""role":"assistant","model":"claude-sonnet-4-20250514","content":[{{"type":"text","text":"hi"}}],"#,
            r#""usage":{{"input_tokens":{i},"cache_creation_input_tokens":{w},"cache_read_input_tokens":{r},"#,
            r#""output_tokens":{o}}}}},"requestId":"req_{m}","type":"assistant","uuid":"u-{m}","timestamp":"{t}"}}"#,
            "\n"
        ),
        s = session,
        m = msg,
        i = input,
        w = write,
        r = read,
        o = output,
        t = ts
    )
}

/// Two sessions: A = 10 + 30 + 40 + 20 = 100 tokens, B = 1 + 0 + 3 + 2 = 6 tokens.
fn analysis() -> Analysis {
    let mut b = LedgerBuilder::new();
    let files = [
        (
            "p/sess-a.jsonl",
            claude_line("sess-a", "m1", 10, 30, 40, 20, "2025-03-01T10:00:00Z"),
        ),
        (
            "p/sess-b.jsonl",
            claude_line("sess-b", "m2", 1, 0, 3, 2, "2025-03-02T10:00:00Z"),
        ),
    ];
    for (path, text) in &files {
        let bytes = text.as_bytes();
        // Feed in odd-sized chunks: the head, then 7-byte slices (lines cross chunk boundaries).
        let head = &bytes[..bytes.len().min(50)];
        assert!(
            b.begin(path, head, bytes.len() as f64),
            "{path} is a Claude transcript"
        );
        for chunk in bytes[head.len()..].chunks(7) {
            b.push(chunk);
        }
        b.finish_file();
    }
    Analysis::from_ledger(b.ledger().clone(), chrono_tz::UTC)
}

fn mount(a: &Analysis) -> web_sys::Element {
    let doc = document();
    let host = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let a = a.clone();
    let report = a.report.clone();
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), move || {
        view! { <OverviewView analysis=a.clone() /> <SessionsTable report=report.clone() /> }
    });
    handle.forget();
    host
}

fn value(host: &web_sys::Element, testid: &str) -> String {
    host.query_selector(&format!("[data-testid='{testid}']"))
        .unwrap()
        .unwrap_or_else(|| panic!("no element with data-testid={testid}"))
        .get_attribute("data-value")
        .unwrap_or_else(|| panic!("{testid} has no data-value"))
}

#[wasm_bindgen_test]
async fn dashboard_hooks_carry_the_exact_report_figures() {
    let a = analysis();
    let host = mount(&a);
    leptos::task::tick().await;

    assert_eq!(value(&host, "kpi-tokens-total"), "106");
    assert_eq!(value(&host, "kpi-input"), "11");
    assert_eq!(value(&host, "kpi-cache-write"), "30");
    assert_eq!(value(&host, "kpi-cache-read"), "43");
    assert_eq!(value(&host, "kpi-output"), "22");
    assert_eq!(value(&host, "kpi-sessions"), "2");
    assert_eq!(value(&host, "kpi-calls"), "2");
    assert_eq!(
        value(&host, "kpi-cache-hit"),
        value(&host, "kpi-cache-hit-rate")
    );
    assert_eq!(value(&host, "agent-claude"), "106");
    assert_eq!(value(&host, "agent-claude-total"), "106");
    assert_eq!(value(&host, "agent-claude-cache-read"), "43");
    assert_eq!(value(&host, "lines-read"), "2");
    assert_eq!(value(&host, "lines-used"), "2");
    assert_eq!(value(&host, "lines-malformed"), "0");
    // 43 cache reads out of 11 + 30 + 43 prompt tokens.
    let rate: f64 = value(&host, "kpi-cache-hit-rate").parse().unwrap();
    assert!((rate - 43.0 / 84.0).abs() < 1e-12, "cache hit rate {rate}");
    // Cost is priced by the core; the page must show that number exactly, and it must be real.
    let cost: f64 = value(&host, "kpi-cost-total").parse().unwrap();
    assert_eq!(cost, a.report.total.cost_usd);
    assert!(cost > 0.0, "claude-sonnet-4 is in the price table");
    let agent_cost: f64 = value(&host, "agent-claude-cost").parse().unwrap();
    assert_eq!(agent_cost, cost);
    assert!(host
        .query_selector("[data-testid='agent-codex']")
        .unwrap()
        .is_none());
    host.remove();
}

#[wasm_bindgen_test]
async fn sessions_table_sorts_by_clicked_column() {
    let host = mount(&analysis());
    leptos::task::tick().await;
    let first_session = || {
        host.query_selector("[data-testid='session-row']")
            .unwrap()
            .unwrap()
            .get_attribute("data-session")
            .unwrap()
    };
    assert_eq!(
        host.query_selector_all("[data-testid='session-row']")
            .unwrap()
            .length(),
        2
    );
    // Default: last activity, newest first (B is a day later).
    assert_eq!(first_session(), "sess-b");
    let tokens_header: web_sys::HtmlElement = host
        .query_selector("button[data-sort='tokens']")
        .unwrap()
        .unwrap()
        .unchecked_into();
    tokens_header.click();
    leptos::task::tick().await;
    assert_eq!(first_session(), "sess-a", "most tokens first");
    tokens_header.click();
    leptos::task::tick().await;
    assert_eq!(first_session(), "sess-b", "second click reverses");
    host.remove();
}

#[wasm_bindgen_test]
async fn last_analysis_round_trips_through_indexeddb() {
    let a = analysis();
    agentmeter_web::store::save(&a, Some("2:00ff"))
        .await
        .unwrap();
    let (loaded, scan) = agentmeter_web::store::load().await.expect("saved analysis");
    assert_eq!(
        scan.as_deref(),
        Some("2:00ff"),
        "the files' fingerprint is kept with it"
    );
    assert_eq!(*loaded.report, *a.report);
    assert_eq!(*loaded.ledger, *a.ledger);
    agentmeter_web::store::clear().await.unwrap();
    assert!(agentmeter_web::store::load().await.is_none());
}
