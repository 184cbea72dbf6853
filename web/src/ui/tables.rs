//! Per-agent and per-model breakdowns.
//!
//! The model table says how each model was priced (exact / alias / family / recorded /
//! unpriced), because a cost that is an approximation or missing must never look exact.

use std::sync::Arc;

use agentmeter::model::Agent;
use agentmeter::pricing::Provenance;
use agentmeter::report::Report;
use leptos::prelude::*;

use super::{count_td, tokens_td, usd_td};
use crate::format::{data_f64, percent};

/// One row per agent present in the report.
#[component]
pub fn AgentTable(report: Arc<Report>) -> impl IntoView {
    let header: Vec<String> = [
        "agent",
        "sessions",
        "calls",
        "input",
        "cache_write",
        "cache_read",
        "output",
        "total",
        "cost_usd",
        "cache_hit_rate",
    ]
    .map(str::to_owned)
    .to_vec();
    let csv: Vec<Vec<String>> = report
        .agents
        .iter()
        .map(|(agent, a)| {
            let t = a.totals.tokens;
            vec![
                agent.as_str().to_owned(),
                a.sessions.to_string(),
                a.totals.calls.to_string(),
                t.input.to_string(),
                t.cache_write.to_string(),
                t.cache_read.to_string(),
                t.output.to_string(),
                t.total.to_string(),
                data_f64(a.totals.cost_usd),
                data_f64(a.totals.cache_hit_rate),
            ]
        })
        .collect();
    let rows = Agent::ALL
        .iter()
        .filter_map(|agent| report.agents.get(agent).map(|a| (*agent, a.clone())))
        .map(|(agent, a)| {
            let id = agent.as_str();
            let t = a.totals.tokens;
            let cell = |suffix: &str| Some(format!("agent-{id}-{suffix}"));
            view! {
                <tr data-testid=format!("agent-{id}") data-value=t.total.to_string()>
                    <th scope="row"><span class=format!("dot a-{id}")></span>{agent.label()}</th>
                    {count_td(a.sessions)}
                    {count_td(a.totals.calls)}
                    {tokens_td(cell("input"), t.input)}
                    {tokens_td(cell("cache-write"), t.cache_write)}
                    {tokens_td(cell("cache-read"), t.cache_read)}
                    {tokens_td(cell("output"), t.output)}
                    {tokens_td(cell("total"), t.total)}
                    {usd_td(cell("cost"), a.totals.cost_usd)}
                    <td class="num" data-value=data_f64(a.totals.cache_hit_rate)>
                        {percent(a.totals.cache_hit_rate)}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="agents-h">
            <div class="panel-head">
                <h2 id="agents-h">"By agent"</h2>
                <super::export::CsvButton name="agents" header=header rows=Signal::stored(csv) />
            </div>
            <div class="scroll" tabindex="0" role="group" aria-label="By agent: table">
                <table class="grid" data-testid="agents-table">
                    <thead>
                        <tr>
                            <th scope="col">"Agent"</th>
                            <th scope="col" class="num">"Sessions"</th>
                            <th scope="col" class="num">"Calls"</th>
                            <th scope="col" class="num">"Input"</th>
                            <th scope="col" class="num">"Cache write"</th>
                            <th scope="col" class="num">"Cache read"</th>
                            <th scope="col" class="num">"Output"</th>
                            <th scope="col" class="num">"Total"</th>
                            <th scope="col" class="num">"Cost"</th>
                            <th scope="col" class="num">"Cache hit"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// The label and CSS class of a pricing provenance.
#[must_use]
pub fn provenance_label(p: Provenance) -> (&'static str, &'static str) {
    match p {
        Provenance::Exact => ("exact", "prov prov-exact"),
        Provenance::Alias => ("alias", "prov prov-alias"),
        Provenance::Family => ("family", "prov prov-family"),
        Provenance::Custom => ("custom price", "prov prov-custom"),
        Provenance::Recorded => ("recorded", "prov prov-recorded"),
        Provenance::Unpriced => ("unpriced", "prov prov-unpriced"),
    }
}

fn provenance_help(p: Provenance) -> &'static str {
    match p {
        Provenance::Exact => "The model name is in the price table as written.",
        Provenance::Alias => "Found after dropping a date suffix or provider prefix.",
        Provenance::Family => "Priced as the closest known model family: an approximation.",
        Provenance::Custom => "A price you set (custom prices), not the price table's.",
        Provenance::Recorded => "The agent recorded this cost itself.",
        Provenance::Unpriced => "No price known: tokens are counted, cost is not.",
    }
}

/// One row per (agent, model), most expensive first.
#[component]
pub fn ModelTable(report: Arc<Report>) -> impl IntoView {
    let mut models = report.models.clone();
    models.sort_by(|a, b| {
        b.totals
            .cost_usd
            .total_cmp(&a.totals.cost_usd)
            .then_with(|| b.totals.tokens.total.cmp(&a.totals.tokens.total))
    });
    let rows = models
        .into_iter()
        .map(|m| {
            let (label, class) = provenance_label(m.pricing);
            let priced_as = m.priced_as.clone().unwrap_or_else(|| "–".to_owned());
            let t = m.totals.tokens;
            view! {
                <tr data-testid="model-row" data-agent=m.agent.as_str() data-model=m.model.clone()>
                    <td><span class=format!("dot a-{}", m.agent.as_str())></span>{m.agent.label()}</td>
                    <td class="mono">{m.model.clone()}</td>
                    <td><span class=class title=provenance_help(m.pricing)>{label}</span></td>
                    <td class="mono muted">{priced_as}</td>
                    {count_td(m.totals.calls)}
                    {tokens_td(None, t.input)}
                    {tokens_td(None, t.cache_write)}
                    {tokens_td(None, t.cache_read)}
                    {tokens_td(None, t.output)}
                    {tokens_td(None, t.total)}
                    {usd_td(None, m.totals.cost_usd)}
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="models-h">
            <h2 id="models-h">"By model"</h2>
            <div class="scroll">
                <table class="grid" data-testid="models-table">
                    <thead>
                        <tr>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Model"</th>
                            <th scope="col">"Pricing"</th>
                            <th scope="col">"Priced as"</th>
                            <th scope="col" class="num">"Calls"</th>
                            <th scope="col" class="num">"Input"</th>
                            <th scope="col" class="num">"Cache write"</th>
                            <th scope="col" class="num">"Cache read"</th>
                            <th scope="col" class="num">"Output"</th>
                            <th scope="col" class="num">"Total"</th>
                            <th scope="col" class="num">"Cost"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}

/// Tool calls per (agent, tool), most used first.
#[component]
pub fn ToolTable(report: Arc<Report>) -> impl IntoView {
    let mut tools = report.tools.clone();
    tools.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.name.cmp(&b.name)));
    let count = tools.len();
    let rows = tools
        .into_iter()
        .map(|t| {
            let rate = if t.calls == 0 { 0.0 } else { t.errors as f64 / t.calls as f64 };
            view! {
                <tr data-testid="tool-row">
                    <td><span class=format!("dot a-{}", t.agent.as_str())></span>{t.agent.label()}</td>
                    <td class="mono">{t.name.clone()}</td>
                    {count_td(t.calls)}
                    {count_td(t.errors)}
                    <td class="num" data-value=data_f64(rate)>{percent(rate)}</td>
                    <td class="num" data-value=t.total_ms.to_string()>{crate::format::duration_ms(t.total_ms)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="tools-h">
            <h2 id="tools-h">"Tool calls" <span class="muted">{format!(" ({count} tools)")}</span></h2>
            <div class="scroll tall">
                <table class="grid" data-testid="tools-table">
                    <thead>
                        <tr>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Tool"</th>
                            <th scope="col" class="num">"Calls"</th>
                            <th scope="col" class="num">"Errors"</th>
                            <th scope="col" class="num">"Error rate"</th>
                            <th scope="col" class="num" title="Sum of call-to-result times where both are known">"Time"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
}
