//! The models view: what a session, an active minute and a turn cost on each model, its cache
//! hit rate and its share of the spend, as one comparison table and four charts drawn from the
//! same rows.
//!
//! This file also holds the chart kit the other views share: [`chart`] mounts one ECharts
//! instance (vendored, bound here through js) for a JSON option built by [`cartesian`] or
//! [`pie`]. Colours are written as CSS custom property names (`--k-input`) and resolved when
//! the chart mounts, so charts follow the page's theme. Without ECharts (unit tests) the chart
//! stays an empty box with an `aria-label`; every chart has a table with the same figures.

use std::sync::Arc;

use agentmeter::report::analytics::ModelComparisonReport;
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::sessions::{table, Col, Num, RowFn, Table};
use crate::analysis::Analysis;

#[wasm_bindgen]
extern "C" {
    type Echart;
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(el: &web_sys::HtmlElement) -> Result<Echart, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setOption)]
    fn set_option(this: &Echart, option: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn resize(this: &Echart);
    #[wasm_bindgen(method)]
    fn dispose(this: &Echart);
}

/// A resize observer and its callback, kept alive together.
type Observer = (web_sys::ResizeObserver, Closure<dyn FnMut()>);

fn css_var(name: &str) -> Option<String> {
    let w = web_sys::window()?;
    let root = w.document()?.document_element()?;
    let style = w.get_computed_style(&root).ok()??;
    let v = style.get_property_value(name).ok()?;
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// Replaces every string `--name` in `v` by the CSS variable's current value (grey if unset).
fn themed(v: &mut Value) {
    match v {
        Value::String(s) if s.starts_with("--") => {
            *s = css_var(s).unwrap_or_else(|| "#888".to_owned());
        }
        Value::Array(items) => items.iter_mut().for_each(themed),
        Value::Object(map) => map.values_mut().for_each(themed),
        _ => {}
    }
}

/// One chart (`role="img"`, described by `label`) for ECharts option `option`.
pub fn chart(label: String, testid: &'static str, option: Value) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let instance: StoredValue<Option<Echart>, LocalStorage> = StoredValue::new_local(None);
    let observer: StoredValue<Option<Observer>, LocalStorage> = StoredValue::new_local(None);
    host.on_load(move |el| {
        let el: web_sys::HtmlElement = el.unchecked_into();
        let Ok(c) = echarts_init(&el) else {
            return;
        };
        let mut option = option;
        themed(&mut option);
        if let Ok(opt) = js_sys::JSON::parse(&option.to_string()) {
            let _ = c.set_option(&opt);
        }
        instance.set_value(Some(c));
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            instance.with_value(|c| {
                if let Some(c) = c {
                    c.resize();
                }
            });
        });
        if let Ok(obs) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            obs.observe(&el);
            observer.set_value(Some((obs, on_resize)));
        }
    });
    on_cleanup(move || {
        if let Some(Some((obs, _callback))) = observer.try_update_value(Option::take) {
            obs.disconnect();
        }
        if let Some(Some(c)) = instance.try_update_value(Option::take) {
            c.dispose();
        }
    });
    view! { <div class="chart view-chart" node_ref=host role="img" aria-label=label data-testid=testid></div> }
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
#[must_use]
pub fn cartesian(categories: &[String], series: &[Series], horizontal: bool) -> Value {
    let mut v = base();
    let category = json!({
        "type": "category", "data": categories, "inverse": horizontal,
        "axisLine": {"lineStyle": {"color": "--border"}},
        "axisLabel": {"color": "--fg-muted", "width": 140, "overflow": "truncate"},
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

/// `agent · model`, the chart category of a row.
fn name(m: &M) -> String {
    format!("{} · {}", m.agent.label(), m.model)
}

/// The models view.
#[component]
pub fn ModelsView(analysis: Analysis) -> impl IntoView {
    let rows = Arc::new(analysis.report.analytics.model_comparison.clone());
    let names: Vec<String> = rows.iter().map(name).collect();
    let bars = |label: &str, color: &'static str, f: fn(&M) -> f64| {
        cartesian(
            &names,
            &[Series::bar(label, color, rows.iter().map(f).collect())],
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
    };
    view! {
        <section data-testid="view-models" class="view">
            <div class="panel">
                <h2>"Model comparison"</h2>
                <p class="small muted">
                    "A model's sessions are those with at least one call on it; an active minute is a \
                     clock minute with at least one answer; a turn is one model call."
                </p>
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
