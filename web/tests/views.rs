//! Browser tests of the views: each view is mounted with an analysis of real transcripts from
//! `fixtures/demo` (parsed with the core's `classify` + `parse_bytes`, as the workers do) and its
//! `data-value` hooks are checked against the report's own figures.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use agentmeter::detect::{classify, Classification};
use agentmeter::insights::{Insight, NotCovered, Severity};
use agentmeter::ledger::Ledger;
use agentmeter::model::Agent;
use agentmeter::parsers::parse_bytes;
use agentmeter_web::analysis::Analysis;
use agentmeter_web::views::{
    activity::ActivityView, blocks::BlocksView, insights::InsightsView, models::ModelsView,
    projects::ProjectsView, session::SessionView, sessions::SessionsView, tools::ToolsView,
};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! demo {
    ($path:literal) => {
        (
            $path,
            include_bytes!(concat!("../../fixtures/demo/", $path)) as &[u8],
        )
    };
}

/// Five real transcripts: Claude (tool heavy, short, a subagent file), Codex and Gemini.
const FILES: &[(&str, &[u8])] = &[
    demo!(".claude/projects/-home-USER-projects-spotter/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl"),
    demo!(".claude/projects/-home-USER-projects-spotter/55604662-cf2a-4331-851a-ec234028f8ca.jsonl"),
    demo!(".claude/projects/-home-USER-projects-spotter/491e126e-1e71-469c-ade2-fcc8af567c74.jsonl"),
    demo!(".codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl"),
    demo!(".gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json"),
];

fn analysis() -> Analysis {
    let mut ledger = Ledger::new();
    for (path, bytes) in FILES {
        let path = format!("/home/u/{path}");
        match classify(&path, bytes) {
            Classification::Parse { format, ctx } => {
                ledger.add_file(parse_bytes(format, ctx, bytes));
            }
            other => panic!("{path} not recognised: {other:?}"),
        }
    }
    Analysis::from_ledger(ledger, chrono_tz::UTC)
}

/// The same analysis with its report changed by `f`.
fn with_report(a: &Analysis, f: impl FnOnce(&mut agentmeter::report::Report)) -> Analysis {
    let mut report = (*a.report).clone();
    f(&mut report);
    Analysis {
        report: Arc::new(report),
        ..a.clone()
    }
}

fn mount<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> web_sys::Element {
    let doc = document();
    let host = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&host).unwrap();
    let handle = leptos::mount::mount_to(host.clone().unchecked_into(), f);
    handle.forget();
    host
}

fn all(host: &web_sys::Element, selector: &str) -> Vec<web_sys::Element> {
    let list = host.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

fn one(host: &web_sys::Element, selector: &str) -> web_sys::Element {
    host.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn attr(e: &web_sys::Element, name: &str) -> String {
    e.get_attribute(name)
        .unwrap_or_else(|| panic!("no {name} on {}", e.outer_html()))
}

fn f64_of(e: &web_sys::Element) -> f64 {
    attr(e, "data-value").parse().unwrap()
}

fn click(host: &web_sys::Element, selector: &str) {
    one(host, selector)
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
}

#[wasm_bindgen_test]
async fn sessions_view_lists_sorts_searches_and_links() {
    let a = analysis();
    let n = a.report.sessions.len();
    assert!(n >= 5, "the fixtures hold at least five sessions, got {n}");
    let view_a = a.clone();
    let host = mount(move || view! { <SessionsView analysis=view_a /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-sessions']");
    one(&host, "[data-testid='export-csv-sessions']");
    let table = one(&host, "[data-testid='sessions-view-table']");
    assert_eq!(attr(&table, "data-value"), n.to_string());
    assert_eq!(all(&host, "tbody tr").len(), n.min(50));
    for s in &a.report.sessions {
        let row = one(&host, &format!("[data-testid='session-row-{}']", s.session));
        let link = one(&row, "a");
        let href = attr(&link, "href");
        assert!(href.starts_with("?view=session&id="), "{href}");
        assert!(href.contains(&s.session), "{href}");
    }
    // Sort by cost, descending: the most expensive session comes first.
    click(&host, "button[data-sort='cost']");
    leptos::task::tick().await;
    let top = a
        .report
        .sessions
        .iter()
        .max_by(|x, y| x.totals.cost_usd.total_cmp(&y.totals.cost_usd))
        .unwrap();
    let first = one(&host, "tbody tr");
    assert_eq!(
        attr(&first, "data-testid"),
        format!("session-row-{}", top.session)
    );
    let th = one(&host, "th[aria-sort='descending']");
    assert!(th.text_content().unwrap().contains("Cost"));
    // Search by model name: only the Codex session uses a gpt model.
    let input: web_sys::HtmlInputElement =
        one(&host, "[data-testid='sessions-view-table-search']").unchecked_into();
    let model = a
        .report
        .sessions
        .iter()
        .find(|s| s.agent == Agent::Codex)
        .and_then(|s| s.models.first().cloned())
        .unwrap();
    input.set_value(&model.to_uppercase());
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    let expected = a
        .report
        .sessions
        .iter()
        .filter(|s| {
            s.models
                .iter()
                .any(|m| m.to_lowercase().contains(&model.to_lowercase()))
        })
        .count();
    assert_eq!(attr(&table, "data-shown"), expected.to_string());
    assert_eq!(all(&host, "tbody tr").len(), expected);
    host.remove();
}

#[wasm_bindgen_test]
async fn sessions_view_pages_by_fifty() {
    let a = analysis();
    let many = with_report(&a, |r| {
        let base = r.sessions[0].clone();
        r.sessions = (0..120)
            .map(|i| {
                let mut s = base.clone();
                s.session = format!("s-{i:03}");
                s
            })
            .collect();
    });
    let host = mount(move || view! { <SessionsView analysis=many /> });
    leptos::task::tick().await;
    assert_eq!(all(&host, "tbody tr").len(), 50);
    assert_eq!(
        one(&host, "[data-testid='sessions-view-table-range']")
            .text_content()
            .unwrap(),
        "1–50 of 120"
    );
    let next = one(&host, "[data-testid='sessions-view-table-next']");
    assert!(!next.has_attribute("disabled"));
    assert_eq!(next.text_content().unwrap(), "Next");
    click(&host, "[data-testid='sessions-view-table-next']");
    leptos::task::tick().await;
    let range = || {
        one(&host, "[data-testid='sessions-view-table-range']")
            .text_content()
            .unwrap()
    };
    assert_eq!(range(), "51–100 of 120");
    assert_eq!(
        attr(&one(&host, "tbody tr"), "data-testid"),
        "session-row-s-050"
    );
    click(&host, "[data-testid='sessions-view-table-next']");
    leptos::task::tick().await;
    assert_eq!(range(), "101–120 of 120");
    assert_eq!(all(&host, "tbody tr").len(), 20);
    let next = one(&host, "[data-testid='sessions-view-table-next']");
    assert!(next.has_attribute("disabled"));
    host.remove();
}

#[wasm_bindgen_test]
async fn sessions_view_stays_quick_with_5000_sessions() {
    let a = analysis();
    let many = with_report(&a, |r| {
        let base = r.sessions[0].clone();
        r.sessions = (0..5000)
            .map(|i| {
                let mut s = base.clone();
                s.session = format!("sess-{i:04}");
                s.totals.cost_usd = f64::from(i % 97);
                s
            })
            .collect();
    });
    let started = js_sys::Date::now();
    let host = mount(move || view! { <SessionsView analysis=many /> });
    leptos::task::tick().await;
    assert_eq!(all(&host, "tbody tr").len(), 50, "one page in the DOM");
    click(&host, "button[data-sort='duration']");
    leptos::task::tick().await;
    click(&host, "button[data-sort='cost']");
    leptos::task::tick().await;
    let first = one(&host, "tbody tr [data-col='cost']");
    assert_eq!(attr(&first, "data-value"), "96");
    let input: web_sys::HtmlInputElement =
        one(&host, "[data-testid='sessions-view-table-search']").unchecked_into();
    input.set_value("SESS-4");
    input
        .dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    leptos::task::tick().await;
    let table = one(&host, "[data-testid='sessions-view-table']");
    assert_eq!(attr(&table, "data-shown"), "1000");
    assert_eq!(all(&host, "tbody tr").len(), 50);
    let elapsed = js_sys::Date::now() - started;
    // Generous for an unoptimized build on a busy machine; a release build is far quicker.
    assert!(elapsed < 8000.0, "5,000 sessions took {elapsed} ms");
    host.remove();
}

#[wasm_bindgen_test]
async fn models_view_shows_the_comparison_figures() {
    let a = analysis();
    let rows = a.report.analytics.model_comparison.clone();
    assert!(!rows.is_empty());
    let host = mount(move || view! { <ModelsView analysis=a /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-models']");
    assert_eq!(all(&host, "[data-testid='model-row']").len(), rows.len());
    let shares: f64 = rows.iter().map(|m| m.share_of_spend).sum();
    assert!(
        (shares - 1.0).abs() < 1e-9 || shares == 0.0,
        "shares sum to {shares}"
    );
    for m in &rows {
        let row = one(
            &host,
            &format!(
                "[data-testid='model-row'][data-agent='{}'][data-model='{}']",
                m.agent.as_str(),
                m.model
            ),
        );
        assert_eq!(f64_of(&one(&row, "[data-col='share']")), m.share_of_spend);
        assert_eq!(
            f64_of(&one(&row, "[data-col='cost-per-turn']")),
            m.cost_per_turn_usd
        );
        assert_eq!(
            f64_of(&one(&row, "[data-col='cost-per-session']")),
            m.avg_cost_per_session_usd
        );
        assert_eq!(
            f64_of(&one(&row, "[data-col='cache-hit']")),
            m.totals.cache_hit_rate
        );
        // The long model name is clipped, with the full name in its title.
        let name = one(&row, "td.clip");
        assert_eq!(attr(&name, "title"), m.model);
    }
    assert_eq!(all(&host, "[role='img'][aria-label]").len(), 4);
    host.remove();
}

#[wasm_bindgen_test]
async fn projects_view_shows_each_project() {
    let a = analysis();
    let rows = a.report.analytics.projects.clone();
    let host = mount(move || view! { <ProjectsView analysis=a /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-projects']");
    assert_eq!(all(&host, "[data-testid='project-row']").len(), rows.len());
    let top = &rows[0];
    let row = one(&host, "[data-testid='project-row']");
    assert_eq!(attr(&row, "data-project"), top.label);
    assert_eq!(f64_of(&one(&row, "[data-col='cost']")), top.totals.cost_usd);
    assert_eq!(
        attr(&one(&row, "[data-col='sessions']"), "data-value"),
        top.sessions.to_string()
    );
    if let Some(path) = &top.project {
        assert_eq!(attr(&one(&row, "td.clip"), "title"), *path);
    }
    host.remove();
}

#[wasm_bindgen_test]
async fn session_view_opens_the_timeline_and_tools() {
    let a = analysis();
    let core = a.core.clone().unwrap();
    let facts = core
        .sessions
        .values()
        .max_by_key(|s| s.totals.calls)
        .unwrap()
        .clone();
    let detail = core.session_detail(facts.agent, &facts.session).unwrap();
    let id = facts.session.clone();
    let host = mount(move || view! { <SessionView analysis=a id=id /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-session']");
    assert_eq!(
        all(&host, "[data-testid='call-row']").len(),
        detail.calls.len().min(100)
    );
    assert_eq!(
        all(&host, "[data-testid='tool-call-row']").len(),
        detail.tools.len().min(100)
    );
    let contexts: Vec<String> = all(&host, "[data-testid='call-row'] [data-col='context']")
        .iter()
        .map(|e| attr(e, "data-value"))
        .collect();
    let expected: Vec<String> = detail
        .calls
        .iter()
        .take(100)
        .map(|c| c.context.to_string())
        .collect();
    assert_eq!(contexts, expected);
    let back = attr(&one(&host, "[data-testid='session-back']"), "href");
    assert!(
        back.starts_with("?view=sessions") && !back.contains("id="),
        "{back}"
    );
    let prompt = one(&host, "[data-testid='session-first-prompt']");
    if let Some(p) = &facts.first_prompt {
        assert_eq!(prompt.text_content().unwrap(), *p);
        assert_eq!(prompt.child_element_count(), 0, "the prompt is text only");
    }
    assert_eq!(
        attr(
            &one(&host, "[data-testid='session-compactions']"),
            "data-value"
        ),
        detail.compactions.len().to_string()
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn session_view_says_when_a_session_is_missing() {
    let a = analysis();
    let host = mount(move || view! { <SessionView analysis=a id="no-such-session".to_owned() /> });
    leptos::task::tick().await;
    let msg = one(&host, "[data-testid='session-missing']");
    assert!(msg.text_content().unwrap().contains("not in this analysis"));
    host.remove();

    let a = analysis();
    let id = a.report.sessions[0].session.clone();
    let no_core = Analysis { core: None, ..a };
    let host = mount(move || view! { <SessionView analysis=no_core id=id /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='session-missing']");
    host.remove();
}

#[wasm_bindgen_test]
async fn tools_view_shows_health_flags_and_categories() {
    let a = analysis();
    let health = a.report.analytics.tool_health.clone();
    assert!(!health.is_empty(), "the fixtures call tools");
    let flagged = with_report(&a, |r| {
        let t = &mut r.analytics.tool_health[0];
        t.calls = 10;
        t.errors = 6;
        t.failure_rate = 0.6;
        t.flag = Some(agentmeter::analysis::tools::FailureFlag::Critical);
    });
    let host = mount(move || view! { <ToolsView analysis=flagged /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-tools']");
    let rows = all(&host, "[data-testid='tool-health-row']");
    assert_eq!(rows.len(), health.len().min(100));
    let critical = one(
        &host,
        "[data-testid='tool-health-row'][data-flag='critical']",
    );
    assert_eq!(attr(&critical, "data-tool"), health[0].name);
    assert_eq!(
        one(&critical, "[data-testid='tool-flag']")
            .text_content()
            .unwrap(),
        "critical"
    );
    assert_eq!(f64_of(&one(&critical, "[data-col='failure-rate']")), 0.6);
    // Category calls add up to all tool calls.
    let cat_calls: f64 = all(
        &host,
        "[data-testid='tool-category-row'] [data-col='calls']",
    )
    .iter()
    .map(f64_of)
    .sum();
    let calls: u64 = 10 + health.iter().skip(1).map(|h| h.calls).sum::<u64>();
    assert_eq!(cat_calls, calls as f64);
    one(&host, "[data-testid='chart-tools-top']");
    host.remove();
}

#[wasm_bindgen_test]
async fn activity_view_heatmap_and_calendar_match_the_report() {
    let a = analysis();
    let act = a.report.analytics.activity.clone();
    let host = mount(move || view! { <ActivityView analysis=a /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-activity']");
    let heat = one(&host, "[data-testid='activity-heatmap']");
    assert_eq!(all(&heat, "tbody th[scope='row']").len(), 7);
    assert_eq!(all(&heat, "thead th[scope='col']").len(), 24);
    let cells = all(&heat, "td.heat");
    assert_eq!(cells.len(), 7 * 24);
    let mut total = 0;
    for c in &cells {
        let d: usize = attr(c, "data-day").parse().unwrap();
        let h: usize = attr(c, "data-hour").parse().unwrap();
        assert_eq!(attr(c, "data-value"), act.calls[d][h].to_string());
        total += act.calls[d][h];
    }
    assert_eq!(total, act.days.iter().map(|d| d.calls).sum::<u64>());
    assert_eq!(
        all(&host, "[data-testid='activity-day-row']").len(),
        act.days.len().min(100)
    );
    // One calendar cell per day from the first to the last active day.
    let dates: Vec<chrono::NaiveDate> = act
        .days
        .iter()
        .filter_map(|d| chrono::NaiveDate::parse_from_str(&d.date, "%Y-%m-%d").ok())
        .collect();
    let (first, last) = (dates.iter().min().unwrap(), dates.iter().max().unwrap());
    let span = ((*last - *first).num_days() + 1).min(731) as usize;
    assert_eq!(all(&host, ".calendar .cal-cell[data-date]").len(), span);
    let day = &act.days[0];
    let cell = one(&host, &format!(".cal-cell[data-date='{}']", day.date));
    assert_eq!(f64_of(&cell), day.cost_usd);
    host.remove();
}

#[wasm_bindgen_test]
async fn blocks_view_lists_blocks_and_highlights_the_active_one() {
    let a = analysis();
    let blocks = a.report.analytics.blocks.clone();
    assert!(!blocks.is_empty());
    let active = with_report(&a, |r| {
        let last = r.analytics.blocks.last_mut().unwrap();
        last.active = true;
        last.projected_cost_usd = Some(12.5);
        last.projected_tokens = Some(1_000_000);
    });
    let host = mount(move || view! { <BlocksView analysis=active /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-blocks']");
    let rows = all(&host, "[data-testid='block-row']");
    assert_eq!(rows.len(), blocks.len().min(100));
    let costs: f64 = all(&host, "[data-testid='block-row'] [data-col='cost']")
        .iter()
        .map(f64_of)
        .sum();
    let expected: f64 = blocks.iter().map(|b| b.totals.cost_usd).sum();
    assert!((costs - expected).abs() < 1e-9);
    assert_eq!(all(&host, "tr.active").len(), 1);
    let panel = one(&host, "[data-testid='block-active']");
    assert_eq!(
        f64_of(&one(
            &panel,
            "[data-testid='block-projected-cost'] [data-value]"
        )),
        12.5
    );
    assert_eq!(
        attr(
            &one(
                &panel,
                "[data-testid='block-projected-tokens'] [data-value]"
            ),
            "data-value"
        ),
        "1000000"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn insights_view_shows_findings_evidence_links_and_gaps() {
    let a = analysis();
    let session = a.report.sessions[0].clone();
    let label = format!("{}:{}", session.agent.as_str(), session.session);
    let with = with_report(&a, |r| {
        r.insights = vec![Insight {
            id: "file-rereads".to_owned(),
            severity: Severity::Warning,
            title: "src/<b>main</b>.rs was read 14 times".to_owned(),
            figure: 14.0,
            unit: "reads".to_owned(),
            evidence: vec![label.clone(), "/src/<i>main</i>.rs".to_owned()],
            advice: "Keep it in context.".to_owned(),
        }];
        r.insights_not_covered = vec![NotCovered {
            detector: "vague-prompts".to_owned(),
            agent: Agent::Gemini,
            missing: "prompt text".to_owned(),
        }];
    });
    let host = mount(move || view! { <InsightsView analysis=with /> });
    leptos::task::tick().await;
    one(&host, "[data-testid='view-insights']");
    let card = one(&host, "[data-testid='insight-file-rereads']");
    assert_eq!(attr(&card, "data-value"), "14");
    assert_eq!(
        one(&card, "h3").text_content().unwrap(),
        "src/<b>main</b>.rs was read 14 times"
    );
    assert!(all(&card, "b").is_empty(), "titles are text, never HTML");
    let link = one(&card, "a[data-testid='evidence-session']");
    assert!(attr(&link, "href").contains(&format!("id={}", session.session)));
    assert_eq!(link.text_content().unwrap(), label);
    assert_eq!(all(&card, "a").len(), 1, "a file is not a link");
    assert!(all(&card, "i").is_empty());
    assert_eq!(all(&host, "[data-testid='not-covered-row']").len(), 1);
    assert_eq!(
        one(&host, "[data-testid='insights-summary']")
            .text_content()
            .unwrap(),
        "0 critical · 1 warning · 0 info"
    );
    host.remove();

    // The real report: one card per insight, whatever the detectors found.
    let a = analysis();
    let n = a.report.insights.len();
    let host = mount(move || view! { <InsightsView analysis=a /> });
    leptos::task::tick().await;
    assert_eq!(all(&host, "article.insight").len(), n);
    host.remove();
}
