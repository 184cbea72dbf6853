//! The tools view: tool health per (agent, tool) with failure flags (flagged at a 20% failure
//! rate, critical at 50%, from 10 calls: the core decides, this view shows `tool_health[].flag`),
//! latency percentiles, the 15 most called tools as a chart, and a per-category summary.

use std::collections::BTreeMap;
use std::sync::Arc;

use agentmeter::analysis::tools::FailureFlag;
use agentmeter::report::analytics::ToolHealthReport;
use agentmeter::tool_category::ToolCategory;
use leptos::prelude::*;

use super::models::{cartesian, chart, Series};
use super::sessions::{clip_td, table, Col, Csv, Num, RowFn, Table};
use crate::analysis::Analysis;

/// How many tools the chart shows.
pub const TOP: usize = 15;

/// A category's name as the report writes it, in words (`file_read` -> `file read`).
#[must_use]
pub fn category_label(c: ToolCategory) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
        .unwrap_or_else(|| format!("{c:?}"))
}

fn flag_badge(flag: Option<FailureFlag>) -> impl IntoView {
    flag.map(|f| {
        let (text, class) = match f {
            FailureFlag::Flagged => ("flagged", "badge warn"),
            FailureFlag::Critical => ("critical", "badge bad"),
        };
        view! { <span class=class data-testid="tool-flag">{text}</span> }
    })
}

fn flag_key(f: Option<FailureFlag>) -> u8 {
    match f {
        None => 0,
        Some(FailureFlag::Flagged) => 1,
        Some(FailureFlag::Critical) => 2,
    }
}

type H = ToolHealthReport;

fn latency(h: &H, f: fn(&agentmeter::analysis::tools::Latency) -> u64) -> Option<u64> {
    h.latency.as_ref().map(f)
}

fn health_columns() -> Vec<Col<H>> {
    vec![
        Col::new("Agent", "agent", false, |a: &H, b: &H| {
            a.agent.cmp(&b.agent)
        }),
        Col::new("Tool", "name", false, |a: &H, b: &H| a.name.cmp(&b.name)),
        Col::new("Category", "category", false, |a: &H, b: &H| {
            a.category.cmp(&b.category)
        }),
        Col::new("Calls", "calls", true, |a: &H, b: &H| a.calls.cmp(&b.calls)),
        Col::new("Errors", "errors", true, |a: &H, b: &H| {
            a.errors.cmp(&b.errors)
        }),
        Col::new("Failure rate", "failure-rate", true, |a: &H, b: &H| {
            (flag_key(a.flag), a.failure_rate)
                .partial_cmp(&(flag_key(b.flag), b.failure_rate))
                .unwrap_or(std::cmp::Ordering::Equal)
        }),
        Col::new("Timed", "measured", true, |a: &H, b: &H| {
            latency(a, |l| l.measured).cmp(&latency(b, |l| l.measured))
        }),
        Col::new("Avg", "avg", true, |a: &H, b: &H| {
            latency(a, |l| l.avg_ms).cmp(&latency(b, |l| l.avg_ms))
        }),
        Col::new("p50", "p50", true, |a: &H, b: &H| {
            latency(a, |l| l.p50_ms).cmp(&latency(b, |l| l.p50_ms))
        }),
        Col::new("p95", "p95", true, |a: &H, b: &H| {
            latency(a, |l| l.p95_ms).cmp(&latency(b, |l| l.p95_ms))
        }),
        Col::new("p99", "p99", true, |a: &H, b: &H| {
            latency(a, |l| l.p99_ms).cmp(&latency(b, |l| l.p99_ms))
        }),
    ]
}

fn health_row(h: &H) -> AnyView {
    let agent = h.agent.as_str();
    let ms = |v: Option<u64>, col: &'static str| match v {
        Some(ms) => Num::Ms(ms).td_col(col).into_any(),
        None => view! { <td class="num muted" data-col=col>"–"</td> }.into_any(),
    };
    let flag = h.flag.map_or("none", |f| match f {
        FailureFlag::Flagged => "flagged",
        FailureFlag::Critical => "critical",
    });
    view! {
        <tr data-testid="tool-health-row" data-agent=agent data-tool=h.name.clone() data-flag=flag>
            <td><span class=format!("dot a-{agent}")></span>{h.agent.label()}</td>
            {clip_td(h.name.clone(), "mono")}
            <td>{category_label(h.category)}</td>
            {Num::Count(h.calls).td_col("calls")}
            {Num::Count(h.errors).td_col("errors")}
            <td class="num" data-col="failure-rate" data-value=crate::format::data_f64(h.failure_rate)
                title=Num::Ratio(h.failure_rate).title()>
                {flag_badge(h.flag)} " " {Num::Ratio(h.failure_rate).text()}
            </td>
            {latency(h, |l| l.measured).map_or_else(
                || view! { <td class="num muted" data-col="measured">"–"</td> }.into_any(),
                |n| Num::Count(n).td_col("measured").into_any())}
            {ms(latency(h, |l| l.avg_ms), "avg")}
            {ms(latency(h, |l| l.p50_ms), "p50")}
            {ms(latency(h, |l| l.p95_ms), "p95")}
            {ms(latency(h, |l| l.p99_ms), "p99")}
        </tr>
    }
    .into_any()
}

fn health_csv(h: &H) -> Vec<String> {
    let l = |f: fn(&agentmeter::analysis::tools::Latency) -> u64| {
        latency(h, f).map(|v| v.to_string()).unwrap_or_default()
    };
    vec![
        h.agent.as_str().to_owned(),
        h.name.clone(),
        category_label(h.category),
        h.calls.to_string(),
        h.errors.to_string(),
        crate::format::data_f64(h.failure_rate),
        h.flag
            .map_or("", |f| match f {
                FailureFlag::Flagged => "flagged",
                FailureFlag::Critical => "critical",
            })
            .to_owned(),
        l(|x| x.measured),
        l(|x| x.avg_ms),
        l(|x| x.p50_ms),
        l(|x| x.p95_ms),
        l(|x| x.p99_ms),
    ]
}

/// One category's sums.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryRow {
    pub category: ToolCategory,
    pub tools: u64,
    pub calls: u64,
    pub errors: u64,
    pub flagged: u64,
}

impl CategoryRow {
    fn rate(&self) -> f64 {
        if self.calls == 0 {
            0.0
        } else {
            self.errors as f64 / self.calls as f64
        }
    }
}

/// The health rows summed per category, most called first.
#[must_use]
pub fn categories(health: &[H]) -> Vec<CategoryRow> {
    let mut by: BTreeMap<ToolCategory, CategoryRow> = BTreeMap::new();
    for h in health {
        let c = by.entry(h.category).or_insert_with(|| CategoryRow {
            category: h.category,
            tools: 0,
            calls: 0,
            errors: 0,
            flagged: 0,
        });
        c.tools += 1;
        c.calls += h.calls;
        c.errors += h.errors;
        c.flagged += u64::from(h.flag.is_some());
    }
    let mut rows: Vec<CategoryRow> = by.into_values().collect();
    rows.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.category.cmp(&b.category)));
    rows
}

type C = CategoryRow;

fn category_table(rows: Vec<CategoryRow>) -> impl IntoView {
    let row: RowFn<C> = Arc::new(|c: &C| {
        view! {
            <tr data-testid="tool-category-row" data-category=category_label(c.category)>
                <td>{category_label(c.category)}</td>
                {Num::Count(c.tools).td_col("tools")}
                {Num::Count(c.calls).td_col("calls")}
                {Num::Count(c.errors).td_col("errors")}
                {Num::Ratio(c.rate()).td_col("failure-rate")}
                {Num::Count(c.flagged).td_col("flagged")}
            </tr>
        }
        .into_any()
    });
    let cols = vec![
        Col::new("Category", "category", false, |a: &C, b: &C| {
            a.category.cmp(&b.category)
        }),
        Col::new("Tools", "tools", true, |a: &C, b: &C| a.tools.cmp(&b.tools)),
        Col::new("Calls", "calls", true, |a: &C, b: &C| a.calls.cmp(&b.calls)),
        Col::new("Errors", "errors", true, |a: &C, b: &C| {
            a.errors.cmp(&b.errors)
        }),
        Col::new("Failure rate", "failure-rate", true, |a: &C, b: &C| {
            a.rate().total_cmp(&b.rate())
        }),
        Col::new("Flagged tools", "flagged", true, |a: &C, b: &C| {
            a.flagged.cmp(&b.flagged)
        }),
    ];
    let spec = Table {
        testid: "tool-categories",
        caption: "Tool calls per category".to_owned(),
        class: "",
        cols,
        sort: (2, true),
        page: usize::MAX,
        row,
        search: None,
        csv: None,
    };
    table(spec, Arc::new(rows))
}

/// The tools view.
#[component]
pub fn ToolsView(analysis: Analysis) -> impl IntoView {
    let health = analysis.report.analytics.tool_health.clone();
    let flagged = health.iter().filter(|h| h.flag.is_some()).count();
    let mut top: Vec<&H> = health.iter().collect();
    top.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.name.cmp(&b.name)));
    top.truncate(TOP);
    let names: Vec<String> = top
        .iter()
        .map(|h| format!("{} · {}", h.agent.label(), h.name))
        .collect();
    let stacked = |name: &str, color: &'static str, values: Vec<f64>| Series {
        stack: true,
        ..Series::bar(name, color, values)
    };
    let option = cartesian(
        &names,
        &[
            stacked(
                "Succeeded",
                "--k-cache-read",
                top.iter()
                    .map(|h| (h.calls - h.errors.min(h.calls)) as f64)
                    .collect(),
            ),
            stacked(
                "Failed",
                "--error",
                top.iter().map(|h| h.errors as f64).collect(),
            ),
        ],
        true,
    );
    let cats = categories(&health);
    let n = health.len();
    let spec = Table {
        testid: "tool-health",
        caption: "Tool health".to_owned(),
        class: "fixed tool-health",
        cols: health_columns(),
        sort: (3, true),
        page: 100,
        row: Arc::new(health_row),
        search: Some(("Filter by tool name", |h: &H, q: &str| {
            h.name.to_lowercase().contains(q)
        })),
        csv: Some(Csv {
            name: "tools",
            header: &[
                "agent",
                "tool",
                "category",
                "calls",
                "errors",
                "failure_rate",
                "flag",
                "measured",
                "avg_ms",
                "p50_ms",
                "p95_ms",
                "p99_ms",
            ],
            row: health_csv,
        }),
    };
    let body = if n == 0 {
        view! { <div class="panel"><p class="muted">"No tool calls in this analysis."</p></div> }
            .into_any()
    } else {
        view! {
            <div class="panel">
                <h2>"Tool health" <span class="muted">{format!(" ({n} tools, {flagged} flagged)")}</span></h2>
                <p class="small muted">
                    "Flagged: at least 20% of calls failed; critical: at least 50%; both from 10 calls. \
                     Latency is result time minus call time, where both are recorded."
                </p>
                {table(spec, Arc::new(health))}
            </div>
            <div class="two">
                <div class="panel">
                    <h2>{format!("Top {TOP} tools by calls")}</h2>
                    {chart(format!("The {TOP} most called tools, succeeded and failed calls; the same figures are in the tool health table"),
                        "chart-tools-top", option)}
                </div>
                <div class="panel">
                    <h2>"Categories"</h2>
                    {category_table(cats)}
                </div>
            </div>
        }
        .into_any()
    };
    view! { <section data-testid="view-tools" class="view">{body}</section> }
}
