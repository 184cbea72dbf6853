//! The daily chart: tokens per kind stacked per day, with cost as a line on its own axis.
//!
//! ECharts is vendored (`www/vendor/echarts/`) and loaded with a plain `<script>`; this file binds
//! the four calls it needs. The option is built as JSON here from the report's day rows, so the
//! chart and its table equivalent (below the chart) are drawn from the same series. Colours come
//! from the page's CSS custom properties, so the chart follows the light/dark theme. Tooltips use
//! ECharts' rich-text mode: its HTML tooltips carry inline styles, which the CSP forbids.

use std::collections::BTreeMap;
use std::sync::Arc;

use agentmeter::report::Report;
use chrono::NaiveDate;
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::kpis::KINDS;
use super::{tokens_td, usd_td};
use crate::format::{tokens_short, usd};

#[wasm_bindgen]
extern "C" {
    type ECharts;
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(el: &web_sys::HtmlElement) -> Result<ECharts, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setOption)]
    fn set_option(this: &ECharts, option: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn resize(this: &ECharts);
    #[wasm_bindgen(method)]
    fn dispose(this: &ECharts);
}

/// A resize observer and the callback it calls (kept alive together).
type Observer = (web_sys::ResizeObserver, Closure<dyn FnMut()>);
/// The colour-scheme media query and its change listener.
type ThemeListener = (web_sys::MediaQueryList, Closure<dyn FnMut()>);

/// One day summed over agents and models.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Day {
    pub date: String,
    /// input, cache write, cache read, output (the order of [`KINDS`]).
    pub kinds: [u64; 4],
    pub total: u64,
    pub cost: f64,
}

/// The report's (day, agent, model) rows summed per day, with empty days filled in between the
/// first and last day (up to two years, beyond which only active days are listed).
#[must_use]
pub fn daily(report: &Report) -> Vec<Day> {
    let mut days: BTreeMap<String, Day> = BTreeMap::new();
    for d in &report.days {
        let day = days.entry(d.date.clone()).or_insert_with(|| Day {
            date: d.date.clone(),
            ..Day::default()
        });
        let t = &d.totals.tokens;
        for (slot, n) in day
            .kinds
            .iter_mut()
            .zip([t.input, t.cache_write, t.cache_read, t.output])
        {
            *slot += n;
        }
        day.total += t.total;
        day.cost += d.totals.cost_usd;
    }
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let first = days.keys().next().and_then(|s| parse(s));
    let last = days.keys().next_back().and_then(|s| parse(s));
    if let (Some(first), Some(last)) = (first, last) {
        if (last - first).num_days() <= 731 {
            for date in first.iter_days().take_while(|d| *d <= last) {
                let key = date.format("%Y-%m-%d").to_string();
                days.entry(key.clone()).or_insert_with(|| Day {
                    date: key,
                    ..Day::default()
                });
            }
        }
    }
    days.into_values().collect()
}

fn css_var(name: &str, fallback: &str) -> String {
    web_sys::window()
        .and_then(|w| {
            let root = w.document()?.document_element()?;
            w.get_computed_style(&root).ok().flatten()
        })
        .and_then(|style| style.get_property_value(name).ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| fallback.to_owned())
}

fn option(days: &[Day]) -> serde_json::Value {
    let fg = css_var("--fg-muted", "#667");
    let grid = css_var("--border", "#ddd");
    let colors = [
        "--k-input",
        "--k-cache-write",
        "--k-cache-read",
        "--k-output",
    ]
    .map(|v| css_var(v, "#888"));
    let cost_color = css_var("--cost", "#c0392b");
    let dates: Vec<&str> = days.iter().map(|d| d.date.as_str()).collect();
    let mut series: Vec<serde_json::Value> = KINDS
        .iter()
        .enumerate()
        .map(|(i, (label, _, _))| {
            json!({
                "name": label, "type": "bar", "stack": "tokens", "barMaxWidth": 28,
                "itemStyle": {"color": colors[i]},
                "data": days.iter().map(|d| d.kinds[i]).collect::<Vec<_>>(),
            })
        })
        .collect();
    series.push(json!({
        "name": "Cost", "type": "line", "yAxisIndex": 1, "symbol": "circle", "symbolSize": 4,
        "itemStyle": {"color": cost_color}, "lineStyle": {"width": 2},
        "data": days.iter().map(|d| (d.cost * 100.0).round() / 100.0).collect::<Vec<_>>(),
    }));
    // Long histories open on their last 180 days; the slider reaches back to the first day.
    let zoom = if days.len() > 60 {
        let start = dates
            .get(dates.len().saturating_sub(180))
            .copied()
            .unwrap_or_default();
        json!([
            {"type": "inside", "startValue": start},
            {"type": "slider", "height": 16, "bottom": 6, "startValue": start,
             "borderColor": grid, "backgroundColor": "transparent", "fillerColor": "rgba(127,127,127,0.18)",
             "dataBackground": {"lineStyle": {"color": grid}, "areaStyle": {"color": grid}},
             "textStyle": {"color": fg}},
        ])
    } else {
        json!([])
    };
    json!({
        "animation": false,
        "backgroundColor": "transparent",
        "textStyle": {"color": fg, "fontFamily": "inherit"},
        "legend": {"top": 0, "left": 0, "itemWidth": 12, "itemHeight": 8, "textStyle": {"color": fg}},
        "tooltip": {"trigger": "axis", "renderMode": "richText", "axisPointer": {"type": "shadow"}},
        "grid": {"left": 8, "right": 8, "top": 32, "bottom": if days.len() > 60 { 40 } else { 8 }, "containLabel": true},
        "xAxis": {"type": "category", "data": dates, "axisLine": {"lineStyle": {"color": grid}},
                  "axisLabel": {"color": fg}},
        "yAxis": [
            {"type": "value", "splitLine": {"lineStyle": {"color": grid}}, "axisLabel": {"color": fg}},
            {"type": "value", "splitLine": {"show": false}, "axisLabel": {"color": fg}},
        ],
        "dataZoom": zoom,
        "series": series,
    })
}

/// Turns the JSON option into a JS object and plugs in the formatters JSON cannot carry.
fn js_option(days: &[Day]) -> Option<JsValue> {
    let text = option(days).to_string();
    let opt = js_sys::JSON::parse(&text).ok()?;
    let tokens_label =
        Closure::<dyn Fn(f64) -> String>::new(|v: f64| tokens_short(v.max(0.0) as u64));
    let usd_label = Closure::<dyn Fn(f64) -> String>::new(usd);
    let axes = js_sys::Reflect::get(&opt, &"yAxis".into()).ok()?;
    for (i, f) in [tokens_label.into_js_value(), usd_label.into_js_value()]
        .iter()
        .enumerate()
    {
        let axis = js_sys::Reflect::get(&axes, &(i as u32).into()).ok()?;
        let label = js_sys::Reflect::get(&axis, &"axisLabel".into()).ok()?;
        js_sys::Reflect::set(&label, &"formatter".into(), f).ok()?;
    }
    let tooltip_days: Vec<Day> = days.to_vec();
    let tooltip = Closure::<dyn Fn(JsValue) -> String>::new(move |params: JsValue| {
        let index = js_sys::Reflect::get(
            &js_sys::Reflect::get(&params, &0.into()).unwrap_or_default(),
            &"dataIndex".into(),
        )
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0) as usize;
        tooltip_days
            .get(index)
            .map(tooltip_text)
            .unwrap_or_default()
    });
    let tip = js_sys::Reflect::get(&opt, &"tooltip".into()).ok()?;
    js_sys::Reflect::set(&tip, &"formatter".into(), &tooltip.into_js_value()).ok()?;
    Some(opt)
}

fn tooltip_text(d: &Day) -> String {
    let mut s = d.date.clone();
    for ((label, _, _), n) in KINDS.iter().zip(d.kinds) {
        s.push_str(&format!("\n{label}: {}", tokens_short(n)));
    }
    s.push_str(&format!(
        "\nTotal: {}\nCost: {}",
        tokens_short(d.total),
        usd(d.cost)
    ));
    s
}

/// The chart plus its table equivalent.
#[component]
pub fn DailyChart(report: Arc<Report>) -> impl IntoView {
    let days = daily(&report);
    let host = NodeRef::<Div>::new();
    let chart_days = days.clone();
    let chart: StoredValue<Option<ECharts>, LocalStorage> = StoredValue::new_local(None);
    let observer: StoredValue<Option<Observer>, LocalStorage> = StoredValue::new_local(None);
    let theme: StoredValue<Option<ThemeListener>, LocalStorage> = StoredValue::new_local(None);
    host.on_load(move |el| {
        let el: web_sys::HtmlElement = el.unchecked_into();
        // Without the vendored script (e.g. in unit tests) the table below is the chart.
        let Ok(instance) = echarts_init(&el) else {
            return;
        };
        if let Some(opt) = js_option(&chart_days) {
            let _ = instance.set_option(&opt);
        }
        chart.set_value(Some(instance));
        let on_resize = Closure::<dyn FnMut()>::new(move || {
            chart.with_value(|c| {
                if let Some(c) = c {
                    c.resize();
                }
            })
        });
        if let Ok(obs) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
            obs.observe(&el);
            observer.set_value(Some((obs, on_resize)));
        }
        // Follow a light/dark switch: the option's colours come from the CSS variables.
        let theme_days = chart_days.clone();
        let on_theme = Closure::<dyn FnMut()>::new(move || {
            chart.with_value(|c| {
                if let (Some(c), Some(opt)) = (c, js_option(&theme_days)) {
                    let _ = c.set_option(&opt);
                }
            });
        });
        if let Some(mq) = web_sys::window()
            .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        {
            let _ =
                mq.add_event_listener_with_callback("change", on_theme.as_ref().unchecked_ref());
            theme.set_value(Some((mq, on_theme)));
        }
    });
    on_cleanup(move || {
        if let Some(Some((mq, callback))) = theme.try_update_value(Option::take) {
            let _ =
                mq.remove_event_listener_with_callback("change", callback.as_ref().unchecked_ref());
        }
        if let Some(Some((obs, _callback))) = observer.try_update_value(Option::take) {
            obs.disconnect();
        }
        if let Some(Some(c)) = chart.try_update_value(Option::take) {
            c.dispose();
        }
    });
    let rows = days
        .iter()
        .rev()
        .filter(|d| d.total > 0 || d.cost > 0.0)
        .map(|d| {
            view! {
                <tr data-testid="day-row" data-date=d.date.clone()>
                    <td class="mono">{d.date.clone()}</td>
                    {d.kinds.iter().map(|n| tokens_td(None, *n)).collect_view()}
                    {tokens_td(None, d.total)}
                    {usd_td(None, d.cost)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel wide" aria-labelledby="daily-h">
            <h2 id="daily-h">"Daily tokens and cost"</h2>
            <div class="chart" node_ref=host role="img"
                aria-label="Stacked daily tokens by kind with daily cost; the same figures are in the table below"></div>
            <details class="chart-table">
                <summary>"Daily figures as a table"</summary>
                <div class="scroll tall">
                    <table class="grid" data-testid="daily-table">
                        <thead>
                            <tr>
                                <th scope="col">"Day"</th>
                                {KINDS.iter().map(|(label, _, _)| view! { <th scope="col" class="num">{*label}</th> }).collect_view()}
                                <th scope="col" class="num">"Total"</th>
                                <th scope="col" class="num">"Cost"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentmeter::model::Agent;
    use agentmeter::report::{DayReport, GroupReport, TokenReport};

    fn row(date: &str, input: u64, output: u64, cost: f64) -> DayReport {
        DayReport {
            date: date.to_owned(),
            agent: Agent::Claude,
            model: "m".to_owned(),
            totals: GroupReport {
                tokens: TokenReport {
                    input,
                    output,
                    total: input + output,
                    ..TokenReport::default()
                },
                cost_usd: cost,
                calls: 1,
                unpriced_tokens: 0,
                cache_hit_rate: 0.0,
                recorded: None,
            },
        }
    }

    #[test]
    fn days_are_summed_and_gaps_filled() {
        let mut days = vec![
            row("2025-01-01", 10, 1, 0.5),
            row("2025-01-01", 5, 0, 0.25),
            row("2025-01-03", 1, 1, 0.0),
        ];
        days.swap(0, 2);
        let sum_in: u64 = days.iter().map(|d| d.totals.tokens.total).sum();
        let report_days = days;
        let d = daily_of(report_days);
        assert_eq!(
            d.iter().map(|x| x.date.as_str()).collect::<Vec<_>>(),
            ["2025-01-01", "2025-01-02", "2025-01-03"]
        );
        assert_eq!(d[0].kinds, [15, 0, 0, 1]);
        assert_eq!(d[0].cost, 0.75);
        assert_eq!(d[1].total, 0);
        assert_eq!(d.iter().map(|x| x.total).sum::<u64>(), sum_in);
    }

    fn daily_of(days: Vec<DayReport>) -> Vec<Day> {
        // A real (empty) report, with the days under test put in.
        let ledger = agentmeter::ledger::Ledger::new();
        let prices = agentmeter::pricing::PriceTable::embedded();
        let analysis = agentmeter::analysis::Analysis::new(
            &ledger,
            &agentmeter::filter::Filter::default(),
            prices,
            chrono_tz::UTC,
            0,
        );
        let insights = agentmeter::insights::InsightReport::default();
        let mut report = Report::new(&analysis, &insights, &ledger, prices.source());
        report.days = days;
        daily(&report)
    }
}
