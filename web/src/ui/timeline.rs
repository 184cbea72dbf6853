//! Tokens and cost over time, by day, week or month, with the same figures as a table.
//!
//! Why the controls: cache reads are typically ~95 % of all tokens, so one stacked linear chart
//! flattens input and output to nothing. The reader can switch kinds off, use a log axis (kinds
//! are then drawn as separate lines, since stacking on a log scale misleads), or look at cost
//! alone. The range is always the data's own (see [`points`]), and long histories open on their
//! last [`WINDOW`] points with a slider reaching back.

pub mod points;

use std::rc::Rc;
use std::sync::Arc;

use agentmeter::report::Report;
use leptos::prelude::*;
use serde_json::json;

use super::downsample::{self, MAX_POINTS};
use super::echarts::{css_var, number_formatter, set_at, to_js, EChart};
use super::kpis::KINDS;
use super::{tokens_td, usd_td};
use crate::format::{tokens_short, usd};
use crate::views::sessions::{table, Col, Csv, RowFn, Table};
use points::{default_gran, series, Gran, Point, Series};

/// Points shown at once before the slider appears.
pub const WINDOW: usize = 120;

/// Rows per page of the periods table.
pub const TABLE_PAGE: usize = 100;

/// What the y axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Tokens,
    Cost,
}

/// The chart's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub gran: Gran,
    pub metric: Metric,
    pub log: bool,
    /// Which token kinds are drawn (order of [`KINDS`]).
    pub kinds: [bool; 4],
}

const KIND_VARS: [&str; 4] = [
    "--k-input",
    "--k-cache-write",
    "--k-cache-read",
    "--k-output",
];

/// The ECharts option for `s` over `series`.
#[must_use]
pub fn option(series: &Series, s: Settings) -> serde_json::Value {
    let fg = css_var("--fg-muted", "#667");
    let grid = css_var("--border", "#ddd");
    let labels: Vec<&str> = series.points.iter().map(|p| p.label.as_str()).collect();
    let n = labels.len();
    let bar_or_line = |data: Vec<serde_json::Value>, name: &str, color: String, stack: bool| {
        if s.log {
            json!({"name": name, "type": "line", "symbolSize": 5, "connectNulls": false,
                   "itemStyle": {"color": color}, "lineStyle": {"width": 2}, "data": data})
        } else {
            json!({"name": name, "type": "bar", "barMaxWidth": 28,
                   "stack": if stack { Some("all") } else { None },
                   "itemStyle": {"color": color}, "data": data})
        }
    };
    // A log axis cannot place 0: an empty slot is a gap (`null`), not a value.
    let value = |x: f64| {
        if s.log && x <= 0.0 {
            serde_json::Value::Null
        } else {
            json!(x)
        }
    };
    let series_json: Vec<serde_json::Value> = match s.metric {
        Metric::Tokens => KINDS
            .iter()
            .enumerate()
            .filter(|(i, _)| s.kinds[*i])
            .map(|(i, (label, _, _))| {
                let data = series
                    .points
                    .iter()
                    .map(|p| value(p.kinds[i] as f64))
                    .collect();
                bar_or_line(data, label, css_var(KIND_VARS[i], "#888"), true)
            })
            .collect(),
        Metric::Cost => {
            let data = series
                .points
                .iter()
                .map(|p| value((p.cost * 100.0).round() / 100.0))
                .collect();
            vec![bar_or_line(
                data,
                "Cost",
                css_var("--cost", "#c0392b"),
                false,
            )]
        }
    };
    let zoom = if n > WINDOW {
        let start = labels.get(n - WINDOW).copied().unwrap_or_default();
        json!([
            {"type": "inside", "startValue": start},
            {"type": "slider", "height": 16, "bottom": 6, "startValue": start,
             "borderColor": grid, "backgroundColor": "transparent", "fillerColor": "rgba(127,127,127,0.18)",
             "textStyle": {"color": fg}},
        ])
    } else {
        json!([])
    };
    json!({
        "animation": false,
        "backgroundColor": "transparent",
        "textStyle": {"color": fg, "fontFamily": "inherit"},
        "tooltip": {"trigger": "axis", "renderMode": "richText", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 12, "top": 12, "bottom": if n > WINDOW { 40 } else { 8 }, "containLabel": true},
        "xAxis": {"type": "category", "data": labels, "axisLine": {"lineStyle": {"color": grid}},
                  "axisLabel": {"color": fg}},
        "yAxis": {"type": if s.log { "log" } else { "value" }, "logBase": 10,
                  "splitLine": {"lineStyle": {"color": grid}}, "axisLabel": {"color": fg}},
        "dataZoom": zoom,
        "series": series_json,
    })
}

fn tooltip_text(p: &Point) -> String {
    let mut s = p.label.clone();
    for ((label, _, _), n) in KINDS.iter().zip(p.kinds) {
        s.push_str(&format!("\n{label}: {}", tokens_short(n)));
    }
    s.push_str(&format!(
        "\nTotal: {}\nCost: {}",
        tokens_short(p.total),
        usd(p.cost)
    ));
    s
}

/// The option as a JS object, with the axis and tooltip formatters JSON cannot carry.
fn js_option(series: &Series, s: Settings) -> Option<wasm_bindgen::JsValue> {
    use wasm_bindgen::prelude::*;
    let opt = to_js(&option(series, s))?;
    let axis = match s.metric {
        Metric::Tokens => number_formatter(|v| tokens_short(v.max(0.0) as u64)),
        Metric::Cost => number_formatter(usd),
    };
    set_at(&opt, &["yAxis", "axisLabel"], "formatter", &axis)?;
    let points = series.points.clone();
    let tooltip = Closure::<dyn Fn(JsValue) -> String>::new(move |params: JsValue| {
        let first = js_sys::Reflect::get(&params, &0.into()).unwrap_or_default();
        let index = js_sys::Reflect::get(&first, &"dataIndex".into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as usize;
        points.get(index).map(tooltip_text).unwrap_or_default()
    });
    set_at(&opt, &["tooltip"], "formatter", &tooltip.into_js_value())?;
    Some(opt)
}

/// `series` with at most [`MAX_POINTS`] points: consecutive periods summed into buckets.
#[must_use]
pub fn bucketed(series: &Series) -> Series {
    let n = series.points.len();
    if n <= MAX_POINTS {
        return series.clone();
    }
    let labels: Vec<String> = series.points.iter().map(|p| p.label.clone()).collect();
    let points = downsample::buckets(n, MAX_POINTS)
        .into_iter()
        .map(|r| {
            let mut p = Point {
                label: downsample::label(&labels, &r),
                ..Point::default()
            };
            for q in series.points.get(r).unwrap_or_default() {
                for (slot, k) in p.kinds.iter_mut().zip(q.kinds) {
                    *slot += k;
                }
                p.total += q.total;
                p.cost += q.cost;
            }
            p
        })
        .collect();
    Series {
        points,
        ..series.clone()
    }
}

/// The periods as a sortable, paged table with a CSV export (`export-csv-days|weeks|months`).
fn period_table(rows: Vec<Point>, gran: Gran) -> impl IntoView {
    let row: RowFn<Point> = Arc::new(|p: &Point| {
        view! {
            <tr data-testid="timeline-row" data-period=p.label.clone()>
                <td class="mono">{p.label.clone()}</td>
                {p.kinds.iter().map(|n| tokens_td(None, *n)).collect_view()}
                {tokens_td(None, p.total)}
                {usd_td(None, p.cost)}
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "timeline-table",
        caption: "Tokens and cost per period".to_owned(),
        class: "",
        cols: vec![
            Col::new("Period", "period", false, |a: &Point, b: &Point| {
                a.label.cmp(&b.label)
            }),
            Col::new(KINDS[0].0, "input", true, |a: &Point, b: &Point| {
                a.kinds[0].cmp(&b.kinds[0])
            }),
            Col::new(KINDS[1].0, "cache-write", true, |a: &Point, b: &Point| {
                a.kinds[1].cmp(&b.kinds[1])
            }),
            Col::new(KINDS[2].0, "cache-read", true, |a: &Point, b: &Point| {
                a.kinds[2].cmp(&b.kinds[2])
            }),
            Col::new(KINDS[3].0, "output", true, |a: &Point, b: &Point| {
                a.kinds[3].cmp(&b.kinds[3])
            }),
            Col::new("Total", "total", true, |a: &Point, b: &Point| {
                a.total.cmp(&b.total)
            }),
            Col::new("Cost", "cost", true, |a: &Point, b: &Point| {
                a.cost.total_cmp(&b.cost)
            }),
        ],
        sort: (0, true),
        page: TABLE_PAGE,
        row,
        search: None,
        csv: Some(Csv {
            name: match gran {
                Gran::Day => "days",
                Gran::Week => "weeks",
                Gran::Month => "months",
            },
            header: &[
                "period",
                "input",
                "cache_write",
                "cache_read",
                "output",
                "total",
                "cost_usd",
            ],
            row: |p: &Point| {
                let mut row = vec![p.label.clone()];
                row.extend(p.kinds.iter().map(u64::to_string));
                row.push(p.total.to_string());
                row.push(crate::format::data_f64(p.cost));
                row
            },
        }),
    };
    table(spec, Arc::new(rows))
}

/// A segmented button of a toggle group.
fn seg<T: Copy + PartialEq + Send + Sync + 'static>(
    signal: RwSignal<T>,
    value: T,
    label: &'static str,
    testid: String,
) -> impl IntoView {
    view! {
        <button class="seg" data-testid=testid aria-pressed=move || (signal.get() == value).to_string()
            on:click=move |_| signal.set(value)>{label}</button>
    }
}

/// The timeline panel.
#[component]
pub fn Timeline(report: Arc<Report>) -> impl IntoView {
    let gran = RwSignal::new(default_gran(&report, WINDOW));
    let metric = RwSignal::new(Metric::Tokens);
    let log = RwSignal::new(false);
    let kinds = RwSignal::new([true; 4]);
    let data = Memo::new({
        let report = report.clone();
        move |_| series(&report, gran.get())
    });
    let settings = move || Settings {
        gran: gran.get(),
        metric: metric.get(),
        log: log.get(),
        kinds: kinds.get(),
    };
    // What is drawn: at most MAX_POINTS points (the table below keeps every period).
    let drawn = Memo::new(move |_| data.with(bucketed));
    let build: Rc<dyn Fn() -> Option<wasm_bindgen::JsValue>> =
        Rc::new(move || drawn.with(|d| js_option(d, settings())));
    let kind_toggles = KINDS
        .iter()
        .enumerate()
        .map(|(i, (label, id, class))| {
            view! {
                <button class="seg kind" data-testid=format!("series-{id}")
                    aria-pressed=move || kinds.get()[i].to_string()
                    on:click=move |_| kinds.update(|k| k[i] = !k[i])>
                    <span class=format!("swatch {class}")></span>{*label}
                </button>
            }
        })
        .collect_view();
    let note = move || {
        data.with(|d| {
            d.skips_empty.then(|| {
                format!(
                    "{} active days over {} calendar days: empty days are not drawn.",
                    d.points.len(),
                    d.span_days
                )
            })
        })
    };
    // The table: every period with usage, newest first, paged (years of days stay light).
    let table_view = move || {
        let rows: Vec<Point> = data.with(|d| {
            d.points
                .iter()
                .filter(|p| p.total > 0 || p.cost > 0.0)
                .cloned()
                .collect()
        });
        period_table(rows, gran.get_untracked())
    };
    view! {
        <section class="panel wide" aria-labelledby="timeline-h" data-testid="timeline">
            <div class="panel-head">
                <h2 id="timeline-h">"Tokens and cost over time"</h2>
                <div class="controls" role="group" aria-label="Chart settings">
                    <span class="segs" role="group" aria-label="Period">
                        {Gran::ALL.into_iter().map(|g| seg(gran, g, g.label(), format!("gran-{}", g.as_str()))).collect_view()}
                    </span>
                    <span class="segs" role="group" aria-label="Measure">
                        {seg(metric, Metric::Tokens, "Tokens", "metric-tokens".to_owned())}
                        {seg(metric, Metric::Cost, "Cost", "metric-cost".to_owned())}
                    </span>
                    <label class="check">
                        <input type="checkbox" data-testid="log-scale" prop:checked=move || log.get()
                            on:change=move |ev| log.set(event_target_checked(&ev)) />
                        "Log scale"
                    </label>
                </div>
            </div>
            <div class="segs kinds" class:hidden=move || metric.get() != Metric::Tokens
                role="group" aria-label="Token kinds shown">{kind_toggles}</div>
            <EChart option=build label="Tokens by kind or cost per period; the same figures are in the table below" />
            {move || note().map(|n| view! { <p class="muted small">{n}</p> })}
            <details class="chart-table">
                <summary>"The same figures as a table"</summary>
                {table_view}
            </details>
        </section>
    }
}
