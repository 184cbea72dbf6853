//! The models view: what a session, an active minute and a turn cost on each model, its cache
//! hit rate and its share of the spend, as one comparison table and four charts drawn from the
//! same rows.
//!
//! This file also holds the chart kit the other views share: [`chart`] draws a JSON option built
//! by [`cartesian`] or [`pie`] with the app's one ECharts component. Colours are written as CSS
//! custom property names (`--k-input`) and resolved each time the chart is drawn, so charts follow
//! the theme. Without ECharts (unit tests) the chart stays an empty box with an `aria-label`;
//! every chart has a table with the same figures.

use std::rc::Rc;
use std::sync::Arc;

use agentmeter::report::analytics::ModelComparisonReport;

use leptos::prelude::*;
use serde_json::{json, Value};

use super::sessions::{table, Col, Csv, Num, RowFn, Table};
use crate::analysis::Analysis;
use crate::format::data_f64;
use crate::ui::downsample::{self, Agg, MAX_POINTS};
use crate::ui::echarts::{css_var, to_js, Builder, EChart};

/// Replaces every string `--name` in `v` by the CSS variable's current value (grey if unset).
fn themed(v: &mut Value) {
    match v {
        Value::String(s) if s.starts_with("--") => *s = css_var(s, "#888"),
        Value::Array(items) => items.iter_mut().for_each(themed),
        Value::Object(map) => map.values_mut().for_each(themed),
        _ => {}
    }
}

/// One chart (`role="img"`, described by `label`) for ECharts option `option`, drawn by the
/// app's [`EChart`] (so it is redrawn in the new colours when the theme changes).
pub fn chart(label: String, testid: &'static str, option: Value) -> impl IntoView {
    let build: Builder = Rc::new(move || {
        let mut o = option.clone();
        themed(&mut o);
        to_js(&o)
    });
    view! {
        <div class="view-chart-host" data-testid=testid>
            <EChart option=build label=label class="view-chart" />
        </div>
    }
}

/// `x` rounded to `digits` decimals, for chart data (tooltips); tables keep the exact value.
#[must_use]
pub fn round_to(x: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// One series of a [`cartesian`] chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    /// `bar` or `line`.
    pub kind: &'static str,
    pub values: Vec<f64>,
    /// A CSS variable name (`--k-input`).
    pub color: &'static str,
    /// Stack with the other stacked series.
    pub stack: bool,
    /// 0: the first value axis, 1: the second (right) one.
    pub axis: u8,
    /// How consecutive values merge when the chart has more than
    /// [`MAX_POINTS`](crate::ui::downsample::MAX_POINTS) categories.
    pub agg: Agg,
}

impl Series {
    /// A bar series on the first axis.
    #[must_use]
    pub fn bar(name: &str, color: &'static str, values: Vec<f64>) -> Self {
        Series {
            name: name.to_owned(),
            kind: "bar",
            values,
            color,
            stack: false,
            axis: 0,
            agg: Agg::Sum,
        }
    }
}

fn base() -> Value {
    json!({
        "animation": false,
        "backgroundColor": "transparent",
        "textStyle": {"color": "--fg-muted", "fontFamily": "inherit"},
        "legend": {"top": 0, "left": 0, "itemWidth": 12, "itemHeight": 8, "textStyle": {"color": "--fg-muted"}},
        "tooltip": {"renderMode": "richText"},
    })
}

/// Bars and lines over `categories` (horizontal bars when `horizontal`, first category on top).
/// More than [`MAX_POINTS`] categories are drawn as that many buckets of consecutive ones (see
/// [`downsample`]).
#[must_use]
pub fn cartesian(categories: &[String], series: &[Series], horizontal: bool) -> Value {
    if categories.len() > MAX_POINTS {
        let ranges = downsample::buckets(categories.len(), MAX_POINTS);
        let grouped: Vec<Series> = series
            .iter()
            .map(|s| Series {
                values: downsample::values(&s.values, &ranges, s.agg)
                    .into_iter()
                    .map(|x| round_to(x, 6))
                    .collect(),
                ..s.clone()
            })
            .collect();
        return cartesian(
            &downsample::labels(categories, &ranges),
            &grouped,
            horizontal,
        );
    }
    let mut v = base();
    let category = json!({
        "type": "category", "data": categories, "inverse": horizontal,
        "axisLine": {"lineStyle": {"color": "--border"}},
        "axisLabel": {"color": "--fg-muted", "width": 170, "overflow": "truncate"},
    });
    let value_axis = |show_split: bool| {
        json!({"type": "value", "axisLabel": {"color": "--fg-muted"},
               "splitLine": {"show": show_split, "lineStyle": {"color": "--border"}}})
    };
    let mut values = vec![value_axis(true)];
    if series.iter().any(|s| s.axis == 1) {
        values.push(value_axis(false));
    }
    let zoom = categories.len() > 60 && !horizontal;
    let series: Vec<Value> = series
        .iter()
        .map(|s| {
            let mut one = json!({
                "name": s.name, "type": s.kind, "data": s.values, "barMaxWidth": 28,
                "itemStyle": {"color": s.color}, "lineStyle": {"color": s.color},
                "showSymbol": s.values.len() <= 60,
            });
            if s.stack {
                one["stack"] = json!("total");
            }
            let key = if horizontal {
                "xAxisIndex"
            } else {
                "yAxisIndex"
            };
            one[key] = json!(s.axis);
            one
        })
        .collect();
    let (x, y) = if horizontal {
        (json!(values), category)
    } else {
        (category, json!(values))
    };
    v["xAxis"] = x;
    v["yAxis"] = y;
    v["series"] = json!(series);
    v["tooltip"]["trigger"] = json!("axis");
    v["grid"] = json!({"left": 8, "right": 12, "top": 32, "bottom": if zoom { 40 } else { 8 }, "containLabel": true});
    if zoom {
        v["dataZoom"] = json!([{"type": "inside"}, {"type": "slider", "height": 16, "bottom": 6}]);
    }
    v
}

/// A ring chart of `items` (name, value).
#[must_use]
pub fn pie(items: &[(String, f64)]) -> Value {
    let mut v = base();
    let data: Vec<Value> = items
        .iter()
        .map(|(name, value)| json!({"name": name, "value": value}))
        .collect();
    v["tooltip"]["trigger"] = json!("item");
    v["legend"]["type"] = json!("scroll");
    v["series"] = json!([{
        "type": "pie", "radius": ["40%", "70%"], "top": 28, "data": data,
        "label": {"color": "--fg-muted", "width": 120, "overflow": "truncate"},
    }]);
    v
}

type M = ModelComparisonReport;

fn columns() -> Vec<Col<M>> {
    vec![
        Col::new("Agent", "agent", false, |a: &M, b: &M| {
            a.agent.cmp(&b.agent)
        }),
        Col::new("Model", "model", false, |a: &M, b: &M| {
            a.model.cmp(&b.model)
        }),
        Col::new("Sessions", "sessions", true, |a: &M, b: &M| {
            a.sessions.cmp(&b.sessions)
        }),
        Col::new("Calls", "calls", true, |a: &M, b: &M| {
            a.totals.calls.cmp(&b.totals.calls)
        }),
        Col::new(
            "Avg cost / session",
            "cost-per-session",
            true,
            |a: &M, b: &M| {
                a.avg_cost_per_session_usd
                    .total_cmp(&b.avg_cost_per_session_usd)
            },
        ),
        Col::new("Avg duration", "duration", true, |a: &M, b: &M| {
            a.avg_session_ms.cmp(&b.avg_session_ms)
        }),
        Col::new(
            "Cost / active min",
            "cost-per-minute",
            true,
            |a: &M, b: &M| {
                a.cost_per_active_minute_usd
                    .total_cmp(&b.cost_per_active_minute_usd)
            },
        ),
        Col::new("Cost / turn", "cost-per-turn", true, |a: &M, b: &M| {
            a.cost_per_turn_usd.total_cmp(&b.cost_per_turn_usd)
        }),
        Col::new("Cache hit", "cache-hit", true, |a: &M, b: &M| {
            a.totals.cache_hit_rate.total_cmp(&b.totals.cache_hit_rate)
        }),
        Col::new("Share of spend", "share", true, |a: &M, b: &M| {
            a.share_of_spend.total_cmp(&b.share_of_spend)
        }),
        Col::new("Cost", "cost", true, |a: &M, b: &M| {
            a.totals.cost_usd.total_cmp(&b.totals.cost_usd)
        }),
    ]
}

fn row(m: &M) -> AnyView {
    let agent = m.agent.as_str();
    view! {
        <tr data-testid="model-row" data-agent=agent data-model=m.model.clone()>
            <td><span class=format!("dot a-{agent}")></span>{m.agent.label()}</td>
            <td class="clip mono" title=m.model.clone()>{m.model.clone()}</td>
            {Num::Count(m.sessions).td()}
            {Num::Count(m.totals.calls).td()}
            {Num::Usd(m.avg_cost_per_session_usd).td_col("cost-per-session")}
            {Num::Ms(m.avg_session_ms).td_col("duration")}
            {Num::Usd(m.cost_per_active_minute_usd).td_col("cost-per-minute")}
            {Num::Usd(m.cost_per_turn_usd).td_col("cost-per-turn")}
            {Num::Ratio(m.totals.cache_hit_rate).td_col("cache-hit")}
            {Num::Ratio(m.share_of_spend).td_col("share")}
            {Num::Usd(m.totals.cost_usd).td_col("cost")}
        </tr>
    }
    .into_any()
}

/// The chart category of a row: the model (agents rarely share a model name; the tooltip and
/// the table say which agent).
fn name(m: &M) -> String {
    m.model.clone()
}

/// The models view.
#[component]
pub fn ModelsView(analysis: Analysis) -> impl IntoView {
    let rows = Arc::new(analysis.report.analytics.model_comparison.clone());
    let names: Vec<String> = rows.iter().map(name).collect();
    let bars = |label: &str, color: &'static str, f: fn(&M) -> f64| {
        cartesian(
            &names,
            &[Series::bar(
                label,
                color,
                rows.iter().map(|m| round_to(f(m), 4)).collect(),
            )],
            true,
        )
    };
    let charts = (!rows.is_empty()).then(|| {
        let share: Vec<(String, f64)> = rows
            .iter()
            .map(|m| (name(m), (m.totals.cost_usd * 100.0).round() / 100.0))
            .collect();
        view! {
            <div class="view-charts">
                <figure>
                    <figcaption>"Average cost per session (USD)"</figcaption>
                    {chart("Average cost per session per model; the same figures are in the table".to_owned(),
                        "chart-cost-per-session",
                        bars("Cost / session", "--k-input", |m| m.avg_cost_per_session_usd))}
                </figure>
                <figure>
                    <figcaption>"Cost per active minute (USD)"</figcaption>
                    {chart("Cost per active minute per model; the same figures are in the table".to_owned(),
                        "chart-cost-per-minute",
                        bars("Cost / minute", "--k-cache-write", |m| m.cost_per_active_minute_usd))}
                </figure>
                <figure>
                    <figcaption>"Cost per turn (USD)"</figcaption>
                    {chart("Cost per turn per model; the same figures are in the table".to_owned(),
                        "chart-cost-per-turn",
                        bars("Cost / turn", "--k-output", |m| m.cost_per_turn_usd))}
                </figure>
                <figure>
                    <figcaption>"Share of spend"</figcaption>
                    {chart("Share of the total cost per model; the same figures are in the table".to_owned(),
                        "chart-share", pie(&share))}
                </figure>
            </div>
        }
    });
    let empty = rows.is_empty();
    let row: RowFn<M> = Arc::new(row);
    let spec = Table {
        testid: "models-comparison",
        caption: "Model comparison".to_owned(),
        class: "fixed models",
        cols: columns(),
        sort: (10, true),
        page: usize::MAX,
        row,
        search: None,
        csv: Some(Csv {
            name: "models",
            header: &[
                "agent",
                "model",
                "sessions",
                "calls",
                "avg_cost_per_session_usd",
                "avg_session_ms",
                "cost_per_active_minute_usd",
                "cost_per_turn_usd",
                "cache_hit_rate",
                "share_of_spend",
                "cost_usd",
            ],
            row: |m: &M| {
                vec![
                    m.agent.as_str().to_owned(),
                    m.model.clone(),
                    m.sessions.to_string(),
                    m.totals.calls.to_string(),
                    data_f64(m.avg_cost_per_session_usd),
                    m.avg_session_ms.to_string(),
                    data_f64(m.cost_per_active_minute_usd),
                    data_f64(m.cost_per_turn_usd),
                    data_f64(m.totals.cache_hit_rate),
                    data_f64(m.share_of_spend),
                    data_f64(m.totals.cost_usd),
                ]
            },
        }),
    };
    view! {
        <section data-testid="view-models" class="view">
            <div class="panel">
                <h2>"Model comparison"</h2>
                <p class="small muted">
                    "A model's sessions are those with at least one call on it; an active minute is a \
                     clock minute with at least one answer; a turn is one model call."
                </p>
                <crate::ui::prices::CustomPricedNote report=analysis.report.clone() />
                {if empty {
                    view! { <p class="muted">"No model calls in this analysis."</p> }.into_any()
                } else {
                    table(spec, rows).into_any()
                }}
            </div>
            {charts.map(|c| view! { <div class="panel">{c}</div> })}
        </section>
    }
}
