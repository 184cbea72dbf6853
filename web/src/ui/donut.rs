//! Share donuts (spend by agent, by model), each with its figures as a table.
//!
//! Slices are by cost, the question a reader asks first ("where does the money go"); the table
//! beside it gives tokens and cost of every slice, so an unpriced model (no cost, real tokens)
//! is still visible there. Models beyond the top [`TOP_MODELS`] are summed into one "other" slice.

use std::rc::Rc;
use std::sync::Arc;

use agentmeter::model::Agent;
use agentmeter::report::Report;
use leptos::prelude::*;
use serde_json::json;

use super::echarts::{css_var, to_js, EChart};
use super::{tokens_td, usd_td};
use crate::format::{data_f64, percent, usd};

/// Models drawn as their own slice.
pub const TOP_MODELS: usize = 7;

/// One slice.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    pub name: String,
    pub tokens: u64,
    pub cost: f64,
    /// Its colour: the CSS custom property `--<color>`, and the class `c-<color>` for swatches.
    pub color: String,
}

/// Spend by agent, in display order.
#[must_use]
pub fn agent_slices(report: &Report) -> Vec<Slice> {
    Agent::ALL
        .iter()
        .filter_map(|a| {
            report.agents.get(a).map(|r| Slice {
                name: a.label().to_owned(),
                tokens: r.totals.tokens.total,
                cost: r.totals.cost_usd,
                color: format!("a-{}", a.as_str()),
            })
        })
        .collect()
}

/// Spend by model (summed over agents), most expensive first, the tail summed as "other".
#[must_use]
pub fn model_slices(report: &Report) -> Vec<Slice> {
    let mut by_model: std::collections::BTreeMap<&str, (u64, f64)> = Default::default();
    for m in &report.models {
        let e = by_model.entry(m.model.as_str()).or_default();
        e.0 += m.totals.tokens.total;
        e.1 += m.totals.cost_usd;
    }
    let mut all: Vec<(&str, u64, f64)> =
        by_model.into_iter().map(|(k, (t, c))| (k, t, c)).collect();
    all.sort_by(|a, b| {
        b.2.total_cmp(&a.2)
            .then_with(|| b.1.cmp(&a.1))
            .then_with(|| a.0.cmp(b.0))
    });
    let mut out: Vec<Slice> = all
        .iter()
        .take(TOP_MODELS)
        .enumerate()
        .map(|(i, (name, tokens, cost))| Slice {
            name: (*name).to_owned(),
            tokens: *tokens,
            cost: *cost,
            color: format!("palette-{i}"),
        })
        .collect();
    let rest = &all[all.len().min(TOP_MODELS)..];
    if !rest.is_empty() {
        out.push(Slice {
            name: format!("{} other models", rest.len()),
            tokens: rest.iter().map(|r| r.1).sum(),
            cost: rest.iter().map(|r| r.2).sum(),
            color: "fg-muted".to_owned(),
        });
    }
    out
}

fn option(slices: &[Slice]) -> serde_json::Value {
    let fg = css_var("--fg-muted", "#667");
    let border = css_var("--panel", "#fff");
    let data: Vec<serde_json::Value> = slices
        .iter()
        .map(|s| {
            json!({"name": s.name, "value": (s.cost * 100.0).round() / 100.0,
                   "itemStyle": {"color": css_var(&format!("--{}", s.color), "#888")}})
        })
        .collect();
    json!({
        "animation": false,
        "backgroundColor": "transparent",
        "textStyle": {"color": fg, "fontFamily": "inherit"},
        "tooltip": {"trigger": "item", "renderMode": "richText"},
        "series": [{
            "type": "pie", "radius": ["52%", "78%"], "center": ["50%", "50%"],
            "avoidLabelOverlap": true, "label": {"show": false},
            "itemStyle": {"borderColor": border, "borderWidth": 2},
            "data": data,
        }],
    })
}

/// A donut and its table.
#[component]
pub fn Donut(
    #[prop(into)] title: String,
    /// `data-testid` of the panel; rows are `<testid>-row`.
    #[prop(into)]
    testid: String,
    slices: Vec<Slice>,
) -> impl IntoView {
    let total_cost: f64 = slices.iter().map(|s| s.cost).sum();
    let chart_slices = slices.clone();
    let build: Rc<dyn Fn() -> Option<wasm_bindgen::JsValue>> =
        Rc::new(move || to_js(&option(&chart_slices)));
    let row_id = format!("{testid}-row");
    let rows = slices
        .into_iter()
        .map(|s| {
            let share = if total_cost > 0.0 {
                s.cost / total_cost
            } else {
                0.0
            };
            view! {
                <tr data-testid=row_id.clone() data-name=s.name.clone()>
                    <td><span class=format!("swatch c-{}", s.color)></span>{s.name.clone()}</td>
                    {tokens_td(None, s.tokens)}
                    {usd_td(None, s.cost)}
                    <td class="num" data-value=data_f64(share)>{percent(share)}</td>
                </tr>
            }
        })
        .collect_view();
    let label = format!("{title}: share of cost; the same figures are in the table");
    view! {
        <section class="panel donut" data-testid=testid>
            <h2>{title.clone()}</h2>
            <div class="donut-body">
                <EChart option=build label=label class="small-chart" />
                <div class="scroll" tabindex="0" role="group" aria-label=format!("{title}: table")>
                    <table class="grid compact">
                        <thead><tr>
                            <th scope="col">"Name"</th>
                            <th scope="col" class="num">"Tokens"</th>
                            <th scope="col" class="num">"Cost"</th>
                            <th scope="col" class="num">"Share"</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </div>
            <p class="muted small">{format!("Total {}", usd(total_cost))}</p>
        </section>
    }
}

/// Spend by agent and by model (two panels, laid out by the parent).
#[component]
pub fn Donuts(report: Arc<Report>) -> impl IntoView {
    view! {
        <Donut title="Spend by agent" testid="donut-agents" slices=agent_slices(&report) />
        <Donut title="Spend by model" testid="donut-models" slices=model_slices(&report) />
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{analysis, Call};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn model_slices_sum_to_the_total_and_fold_the_tail() {
        let models = [
            "claude-sonnet-4-20250514",
            "claude-opus-4-20250514",
            "claude-3-5-haiku-20241022",
            "m4",
            "m5",
            "m6",
            "m7",
            "m8",
            "m9",
        ];
        let calls: Vec<Call<'_>> = models
            .iter()
            .map(|m| ("s", "/p", *m, "2025-03-01T10:00:00Z", 100, 0, 0, 10))
            .collect();
        let a = analysis(&calls);
        let s = model_slices(&a.report);
        assert_eq!(s.len(), TOP_MODELS + 1);
        assert_eq!(s[TOP_MODELS].name, "2 other models");
        assert_eq!(
            s.iter().map(|x| x.tokens).sum::<u64>(),
            a.report.total.tokens.total
        );
        let cost: f64 = s.iter().map(|x| x.cost).sum();
        assert!((cost - a.report.total.cost_usd).abs() < 1e-9);
        // Most expensive first: opus costs more than sonnet for the same tokens.
        assert_eq!(s[0].name, "claude-opus-4-20250514");
        assert_eq!(agent_slices(&a.report).len(), 1);
    }
}
