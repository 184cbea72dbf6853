//! One session opened up: its facts, its first prompt, the per-call timeline of tokens and cost,
//! the growth of its context, its tool calls with their results, and its compactions.
//!
//! Read from the core analysis (`analysis.core`), which the report does not carry. Prompts, paths,
//! model and tool names come from transcripts and are rendered as text only.

use std::sync::Arc;

use agentmeter::analysis::session_detail::{SessionDetail, SessionTool, TimelineCall};
use agentmeter::analysis::Analysis as CoreAnalysis;
use agentmeter::model::Agent;
use agentmeter::rollup::pico_to_usd;
use leptos::prelude::*;

use super::blocks::{local_ms, zone};
use super::models::{cartesian, chart, round_to, Series};
use super::sessions::{clip_td, table, Col, Csv, Num, RowFn, Table};
use crate::analysis::Analysis;
use crate::ui::downsample::Agg;

/// Percent-encodes a query value (everything but `A-Z a-z 0-9 - _ . ~`).
#[must_use]
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `search` (a `?a=b&c=d` query) with the keys of `set` replaced by their values, those first.
#[must_use]
pub fn with_query(search: &str, set: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = set
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    parts.extend(
        search
            .trim_start_matches('?')
            .split('&')
            .filter(|kv| !kv.is_empty())
            .filter(|kv| {
                let key = kv.split('=').next().unwrap_or_default();
                !set.iter().any(|(k, _)| *k == key)
            })
            .map(str::to_owned),
    );
    format!("?{}", parts.join("&"))
}

/// The page's current query string (`window.location.search`), empty outside a browser.
#[must_use]
pub fn current_search() -> String {
    #[cfg(target_arch = "wasm32")]
    {
        web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"location".into()).ok())
            .and_then(|l| js_sys::Reflect::get(&l, &"search".into()).ok())
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        String::new()
    }
}

/// The link to session `id`'s view, keeping the current query's filters.
#[must_use]
pub fn session_href(id: &str) -> String {
    with_query(&current_search(), &[("view", "session"), ("id", id)])
}

/// The link back to the sessions list, keeping the current query's filters.
#[must_use]
pub fn sessions_href() -> String {
    let search = current_search();
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|kv| !kv.is_empty() && kv.split('=').next() != Some("id"))
        .collect();
    with_query(&kept.join("&"), &[("view", "sessions")])
}

/// Session `id` of the analysis: by id alone, or written `agent:id`.
#[must_use]
pub fn find(core: &CoreAnalysis, id: &str) -> Option<SessionDetail> {
    core.find_session(id).or_else(|| {
        let (agent, session) = id.split_once(':')?;
        let agent = Agent::ALL.into_iter().find(|a| a.as_str() == agent)?;
        core.session_detail(agent, session)
    })
}

/// The session view.
#[component]
pub fn SessionView(analysis: Analysis, id: String) -> impl IntoView {
    let detail = analysis.core.as_ref().and_then(|c| find(c, &id));
    let body = match detail {
        Some(d) => detail_view(d, &analysis).into_any(),
        None => view! {
            <div class="panel notice" role="status" data-testid="session-missing">
                <h2>"Session not found"</h2>
                <p>
                    "Session " <code>{id.clone()}</code>
                    " is not in this analysis (or filtered out)."
                </p>
            </div>
        }
        .into_any(),
    };
    view! { <section data-testid="view-session" class="view">{body}</section> }
}

fn detail_view(d: SessionDetail, analysis: &Analysis) -> impl IntoView {
    let tz = zone(&analysis.report.time_zone);
    let f = &d.facts;
    let branch = analysis
        .report
        .sessions
        .iter()
        .find(|s| s.agent == f.agent && s.session == f.session)
        .and_then(|s| s.git_branch.clone());
    let tool_errors = d.tools.iter().filter(|t| t.is_error).count() as u64;
    let prompt = match f.first_prompt.clone() {
        Some(p) => {
            view! { <blockquote class="prompt" data-testid="session-first-prompt" tabindex="0">{p}</blockquote> }
                .into_any()
        }
        None => view! {
            <p class="muted small" data-testid="session-first-prompt">
                "No prompt text recorded for this session."
            </p>
        }
        .into_any(),
    };
    let fact = |label: &'static str, v: AnyView| {
        view! { <div class="fact"><dt>{label}</dt><dd>{v}</dd></div> }
    };
    let text = |s: String| {
        let title = s.clone();
        view! { <span class="clip-inline" title=title>{s}</span> }.into_any()
    };
    let facts = view! {
        <dl class="facts" data-testid="session-facts">
            {fact("Agent", text(f.agent.label().to_owned()))}
            {fact("Project", text(f.project.clone().unwrap_or_else(|| "(no project)".to_owned())))}
            {fact("Branch", text(branch.unwrap_or_else(|| "–".to_owned())))}
            {fact("Started", text(local_ms(f.first_ms, tz)))}
            {fact("Last activity", text(local_ms(f.last_ms, tz)))}
            {fact("Duration", Num::Ms(f.duration_ms()).span().into_any())}
            {fact("Calls", Num::Count(f.totals.calls).span().into_any())}
            {fact("Tokens", Num::Tokens(f.totals.tokens.total()).span().into_any())}
            {fact("Cost", Num::Usd(f.totals.cost_usd()).span().into_any())}
            {fact("User messages", Num::Count(f.user_messages).span().into_any())}
            {fact("Tool calls", Num::Count(d.tools.len() as u64).span().into_any())}
            {fact("Tool errors", Num::Count(tool_errors).span().into_any())}
            {fact("Compactions", Num::Count(d.compactions.len() as u64).span().into_any())}
        </dl>
    };
    let compactions = if d.compactions.is_empty() {
        view! {
            <p class="muted small" data-testid="session-compactions" data-value="0">"No compactions."</p>
        }
        .into_any()
    } else {
        let items = d
            .compactions
            .iter()
            .map(|t| {
                let when = t.map_or_else(|| "(no time recorded)".to_owned(), |ms| local_ms(ms, tz));
                view! { <li class="mono">{when}</li> }
            })
            .collect_view();
        view! {
            <ol class="compactions" data-testid="session-compactions"
                data-value=d.compactions.len().to_string()>{items}</ol>
        }
        .into_any()
    };
    view! {
        <div class="panel">
            <p class="small"><a href=sessions_href() data-testid="session-back">"← All sessions"</a></p>
            <h2>"Session " <span class="mono id" title=f.session.clone()>{f.session.clone()}</span></h2>
            {facts}
            <h3>"First prompt"</h3>
            {prompt}
        </div>
        {timeline(&d.calls, tz)}
        {tools(d.tools, tz)}
        <div class="panel">
            <h2>"Compactions"</h2>
            {compactions}
        </div>
    }
}

type Call = (usize, TimelineCall);

fn call_columns() -> Vec<Col<Call>> {
    vec![
        Col::new("#", "n", true, |a: &Call, b: &Call| a.0.cmp(&b.0)),
        Col::new("Time", "time", false, |a: &Call, b: &Call| {
            a.1.timestamp_ms.cmp(&b.1.timestamp_ms)
        }),
        Col::new("Model", "model", false, |a: &Call, b: &Call| {
            a.1.model.cmp(&b.1.model)
        }),
        Col::new("Input", "input", true, |a: &Call, b: &Call| {
            a.1.tokens.input.cmp(&b.1.tokens.input)
        }),
        Col::new("Cache write", "cache-write", true, |a: &Call, b: &Call| {
            a.1.tokens.cache_write().cmp(&b.1.tokens.cache_write())
        }),
        Col::new("Cache read", "cache-read", true, |a: &Call, b: &Call| {
            a.1.tokens.cache_read.cmp(&b.1.tokens.cache_read)
        }),
        Col::new("Output", "output", true, |a: &Call, b: &Call| {
            a.1.tokens.output.cmp(&b.1.tokens.output)
        }),
        Col::new("Context", "context", true, |a: &Call, b: &Call| {
            a.1.context.cmp(&b.1.context)
        }),
        Col::new("Cost", "cost", true, |a: &Call, b: &Call| {
            a.1.cost_pico.cmp(&b.1.cost_pico)
        }),
    ]
}

fn timeline(calls: &[TimelineCall], tz: chrono_tz::Tz) -> impl IntoView {
    let labels: Vec<String> = calls.iter().map(|c| local_ms(c.timestamp_ms, tz)).collect();
    let tokens =
        |f: fn(&TimelineCall) -> u64| -> Vec<f64> { calls.iter().map(|c| f(c) as f64).collect() };
    let stacked = |name: &str, color: &'static str, values: Vec<f64>| Series {
        stack: true,
        ..Series::bar(name, color, values)
    };
    let per_call = cartesian(
        &labels,
        &[
            stacked("Input", "--k-input", tokens(|c| c.tokens.input)),
            stacked(
                "Cache write",
                "--k-cache-write",
                tokens(|c| c.tokens.cache_write()),
            ),
            stacked(
                "Cache read",
                "--k-cache-read",
                tokens(|c| c.tokens.cache_read),
            ),
            stacked("Output", "--k-output", tokens(|c| c.tokens.output)),
            Series {
                kind: "line",
                axis: 1,
                ..Series::bar(
                    "Cost (USD)",
                    "--cost",
                    calls
                        .iter()
                        .map(|c| round_to(pico_to_usd(c.cost_pico), 6))
                        .collect(),
                )
            },
        ],
        false,
    );
    let context = cartesian(
        &labels,
        &[Series {
            kind: "line",
            agg: Agg::Max,
            ..Series::bar("Context", "--accent", tokens(|c| c.context))
        }],
        false,
    );
    let rows: Arc<Vec<Call>> = Arc::new(
        calls
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, c)| (i + 1, c))
            .collect(),
    );
    let n = rows.len();
    let row: RowFn<Call> = Arc::new(move |(i, c): &Call| {
        view! {
            <tr data-testid="call-row">
                {Num::Count(*i as u64).td()}
                <td class="mono" title=c.timestamp_ms.to_string()>{local_ms(c.timestamp_ms, tz)}</td>
                {clip_td(c.model.clone(), "mono")}
                {Num::Tokens(c.tokens.input).td()}
                {Num::Tokens(c.tokens.cache_write()).td()}
                {Num::Tokens(c.tokens.cache_read).td()}
                {Num::Tokens(c.tokens.output).td()}
                {Num::Tokens(c.context).td_col("context")}
                {Num::Usd(pico_to_usd(c.cost_pico)).td_col("cost")}
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "session-calls",
        caption: "Model calls of this session".to_owned(),
        class: "",
        cols: call_columns(),
        sort: (0, false),
        page: 100,
        row,
        search: None,
        csv: Some(Csv {
            name: "session-calls",
            header: &[
                "n",
                "timestamp_ms",
                "model",
                "input",
                "cache_write",
                "cache_read",
                "output",
                "context",
                "cost_usd",
            ],
            row: |(i, c): &Call| {
                vec![
                    i.to_string(),
                    c.timestamp_ms.to_string(),
                    c.model.clone(),
                    c.tokens.input.to_string(),
                    c.tokens.cache_write().to_string(),
                    c.tokens.cache_read.to_string(),
                    c.tokens.output.to_string(),
                    c.context.to_string(),
                    crate::format::data_f64(pico_to_usd(c.cost_pico)),
                ]
            },
        }),
    };
    view! {
        <div class="panel">
            <h2>"Timeline" <span class="muted">{format!(" ({n} calls)")}</span></h2>
            {chart("Tokens by kind and cost per model call; the same figures are in the table below".to_owned(),
                "chart-session-timeline", per_call)}
            <h3>"Context size (input + cache write + cache read) per call"</h3>
            {chart("Context size per model call; the figures are in the Context column below".to_owned(),
                "chart-session-context", context)}
            <details class="chart-table">
                <summary>"Calls as a table"</summary>
                {table(spec, rows)}
            </details>
        </div>
    }
}

type T = SessionTool;

fn tool_columns() -> Vec<Col<T>> {
    vec![
        Col::new("Tool", "name", false, |a: &T, b: &T| a.name.cmp(&b.name)),
        Col::new("Time", "time", false, |a: &T, b: &T| {
            a.start_ms.cmp(&b.start_ms)
        }),
        Col::new("Duration", "duration", true, |a: &T, b: &T| {
            a.duration_ms.cmp(&b.duration_ms)
        }),
        Col::new("Result", "error", false, |a: &T, b: &T| {
            a.is_error.cmp(&b.is_error)
        }),
        Col::new("Target", "target", false, |a: &T, b: &T| {
            a.target.cmp(&b.target)
        }),
        Col::new("Result size", "size", true, |a: &T, b: &T| {
            a.result_bytes.cmp(&b.result_bytes)
        }),
    ]
}

fn tools(list: Vec<SessionTool>, tz: chrono_tz::Tz) -> impl IntoView {
    let n = list.len();
    let rows = Arc::new(list);
    let dash = || view! { <td class="num muted">"–"</td> }.into_any();
    let row: RowFn<T> = Arc::new(move |t: &T| {
        let when = t
            .start_ms
            .map_or_else(|| "–".to_owned(), |ms| local_ms(ms, tz));
        let (result, class) = if t.is_error {
            ("error", "bad")
        } else {
            ("ok", "ok")
        };
        view! {
            <tr data-testid="tool-call-row" class:error=t.is_error>
                {clip_td(t.name.clone(), "mono")}
                <td class="mono">{when}</td>
                {t.duration_ms.map_or_else(dash, |ms| Num::Ms(ms).td().into_any())}
                <td><span class=format!("badge {class}")>{result}</span></td>
                {clip_td(t.target.clone().unwrap_or_default(), "mono")}
                {t.result_bytes.map_or_else(dash, |b| Num::Bytes(b).td().into_any())}
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "session-tools",
        caption: "Tool calls of this session".to_owned(),
        class: "fixed session-tools",
        cols: tool_columns(),
        sort: (1, false),
        page: 100,
        row,
        search: None,
        csv: Some(Csv {
            name: "session-tools",
            header: &[
                "tool",
                "start_ms",
                "duration_ms",
                "error",
                "target",
                "result_bytes",
            ],
            row: |t: &T| {
                let opt = |v: Option<String>| v.unwrap_or_default();
                vec![
                    t.name.clone(),
                    opt(t.start_ms.map(|v| v.to_string())),
                    opt(t.duration_ms.map(|v| v.to_string())),
                    t.is_error.to_string(),
                    opt(t.target.clone()),
                    opt(t.result_bytes.map(|v| v.to_string())),
                ]
            },
        }),
    };
    view! {
        <div class="panel">
            <h2>"Tool calls" <span class="muted">{format!(" ({n})")}</span></h2>
            {if n == 0 {
                view! { <p class="muted small">"No tool calls."</p> }.into_any()
            } else {
                table(spec, rows).into_any()
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn links_keep_the_filters_and_replace_view_and_id() {
        assert_eq!(
            with_query(
                "?view=models&agent=claude&id=old&from=2025-01-01",
                &[("view", "session"), ("id", "a b/c")]
            ),
            "?view=session&id=a%20b%2Fc&agent=claude&from=2025-01-01"
        );
        assert_eq!(with_query("", &[("view", "session")]), "?view=session");
    }
}
