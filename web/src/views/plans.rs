//! Plans & what-if: does my subscription pay, what would the same work cost at other prices, and
//! which prices are mine.
//!
//! Three panels over the shown (filtered) analysis: the plan picker with the month-by-month
//! comparison ([`crate::ui::plans`]), the what-if panel (another model's prices, no caching;
//! [`agentmeter::whatif`]) and the custom prices editor ([`crate::ui::prices`]). Choices are kept
//! in this browser; the URL's filters apply to every figure, as in the other views.

use agentmeter::model::Agent;
use agentmeter::plans::{parse_usd_cents, plans_for, PlanChoice, PLANS_READ_ON, USER_PRICE};
use agentmeter::pricing::PriceTable;
use agentmeter::whatif::{what_if, Reprice, Scenario};
use leptos::prelude::*;

use crate::analysis::Analysis;
use crate::format::{data_f64, grouped, percent, usd};
use crate::ui::plans::{choices, scenario, set_plan, set_scenario, PlanMonths};
use crate::ui::prices::{revision, with_active, CustomPrices};
use crate::ui::usd_td;

/// The plans & what-if view.
#[component]
pub fn PlansView(analysis: Analysis) -> impl IntoView {
    let agents: Vec<Agent> = analysis.report.agents.keys().copied().collect();
    view! {
        <div class="view plans" data-testid="view-plans">
            <section class="panel" aria-labelledby="plans-h">
                <h2 id="plans-h">"Plans against API prices"</h2>
                <p class="muted small">
                    "Pick the plan you pay for each agent. Every month with calls is compared with what the \
                     same calls cost at API rates; the break-even is the day that cost reached the plan's \
                     price. List prices (USD per month, monthly billing) were read on "{PLANS_READ_ON}
                    " from the vendors' public pricing pages; type your own price if yours differs."
                </p>
                <div class="plan-picker" data-testid="plan-picker">
                    {agents.into_iter().map(|a| view! { <PlanPicker agent=a /> }).collect_view()}
                </div>
                <PlanMonths analysis=analysis.clone() />
            </section>
            <WhatIfPanel analysis=analysis />
            <CustomPrices />
        </div>
    }
}

/// The plan select and price of one agent.
#[component]
fn PlanPicker(agent: Agent) -> impl IntoView {
    let current =
        Memo::new(move |_| choices().with(|l| l.iter().find(|c| c.agent == agent).cloned()));
    let on_plan = move |ev: leptos::ev::Event| {
        let id = event_target_value(&ev);
        let choice = match id.as_str() {
            "" => None,
            "custom" => Some(PlanChoice::custom(
                agent,
                current.get_untracked().map_or(0, |c| c.monthly_cents),
            )),
            id => plans_for(agent)
                .find(|p| p.id == id)
                .map(PlanChoice::from_table),
        };
        set_plan(agent, choice);
    };
    let on_price = move |ev: leptos::ev::Event| {
        let Some(mut c) = current.get_untracked() else {
            return;
        };
        if let Ok(cents) = parse_usd_cents(&event_target_value(&ev)) {
            c.monthly_cents = cents;
            c.price_source = USER_PRICE.to_owned();
            set_plan(agent, Some(c));
        }
    };
    let selected = move || current.get().map(|c| c.plan).unwrap_or_default();
    view! {
        <div class="plan-pick row">
            <label>
                <span class="agent">{agent.as_str()}</span>" "
                <select data-testid="plan-select" data-agent=agent.as_str() on:change=on_plan
                    prop:value=selected>
                    <option value="" selected=move || selected().is_empty()>"no plan (API)"</option>
                    {plans_for(agent).map(|p| {
                        let id = p.id;
                        view! { <option value=id selected=move || selected() == id>
                            {format!("{} ({}/month)", p.name, usd(p.monthly_cents as f64 / 100.0))}
                        </option> }
                    }).collect_view()}
                    <option value="custom" selected=move || selected() == "custom">"custom…"</option>
                </select>
            </label>
            <Show when=move || current.get().is_some()>
                <label class="small">" USD/month "
                    <input type="number" min="0" step="0.01" inputmode="decimal" data-testid="plan-price"
                        data-agent=agent.as_str()
                        prop:value=move || current.get().map(|c| format!("{:.2}", c.monthly_cents as f64 / 100.0)).unwrap_or_default()
                        on:change=on_price />
                </label>
                <span class="muted small">{move || current.get().map(|c| format!(" price: {}", c.price_source))}</span>
            </Show>
        </div>
    }
}

/// The what-if panel: re-price the shown history.
#[component]
fn WhatIfPanel(analysis: Analysis) -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let model_names: Vec<String> = PriceTable::embedded()
        .models()
        .iter()
        .filter(|m| !m.name.contains('/') && !m.name.contains(':'))
        .map(|m| m.name.clone())
        .collect();
    let add = move |_| {
        let spec = format!("{}={}", from.get_untracked(), to.get_untracked());
        match Reprice::parse(&spec) {
            Ok(rule) => {
                let mut s = scenario().get_untracked();
                s.reprice.push(rule);
                match with_active(|t| s.check(t)) {
                    Ok(()) => {
                        set_scenario(s);
                        error.set(None);
                        from.set(String::new());
                        to.set(String::new());
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
            }
            Err(_) => error.set(Some(
                "Give a part of the model name to re-price (e.g. opus) and the model whose prices to use.".to_owned(),
            )),
        }
    };
    let result = move || {
        revision().track();
        let s = scenario().get();
        let core = analysis.core.clone()?;
        Some(with_active(|t| {
            s.check(t)
                .map(|()| what_if(&core.ledger, t, &s))
                .map_err(|e| e.to_string())
        }))
    };
    view! {
        <section class="panel whatif" data-testid="whatif" aria-labelledby="whatif-h">
            <h2 id="whatif-h">"What if…"</h2>
            <p class="muted small">"The same calls and tokens, priced differently: at another model's prices \
                (every call whose model contains the text you give), or without prompt caching (cache writes \
                and reads billed as plain input)."</p>
            <div class="row">
                <label class="small">"Calls of models containing "
                    <input type="text" data-testid="whatif-from" placeholder="opus" size="12"
                        prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="small">" at the prices of "
                    <input type="text" list="whatif-models" data-testid="whatif-to" placeholder="claude-sonnet-4-5" size="24"
                        prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) />
                </label>
                <datalist id="whatif-models">
                    {model_names.into_iter().map(|m| view! { <option value=m></option> }).collect_view()}
                </datalist>
                <button data-testid="whatif-add" on:click=add>"Add"</button>
                <label class="small">
                    <input type="checkbox" data-testid="whatif-no-cache"
                        prop:checked=move || scenario().with(|s| s.no_cache)
                        on:change=move |ev| {
                            let mut s = scenario().get_untracked();
                            s.no_cache = event_target_checked(&ev);
                            set_scenario(s);
                        } />
                    " without prompt caching"
                </label>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="whatif-error">{e}</p> })}
            <ul class="whatif-rules small">
                {move || scenario().get().reprice.into_iter().enumerate().map(|(i, r)| view! {
                    <li data-testid="whatif-rule">
                        {format!("models containing “{}” at {} prices ", r.from, r.to)}
                        <button class="ghost small" on:click=move |_| {
                            let mut s = scenario().get_untracked();
                            if i < s.reprice.len() {
                                s.reprice.remove(i);
                            }
                            set_scenario(s);
                        }>"remove"</button>
                    </li>
                }).collect_view()}
            </ul>
            {move || match result() {
                None => Some(view! { <p class="muted">"This analysis was restored without its records: drop the folder again."</p> }.into_any()),
                Some(Err(e)) => Some(view! { <p class="error" role="alert">{e}</p> }.into_any()),
                Some(Ok(w)) if w.scenario == Scenario::default() => Some(view! {
                    <p class="muted small" data-testid="whatif-empty">"Add a rule or tick “without prompt caching” to see the difference."</p>
                }.into_any()),
                Some(Ok(w)) => Some(view! {
                    <p data-testid="whatif-total" data-actual-usd=data_f64(w.actual_usd) data-whatif-usd=data_f64(w.what_if_usd)>
                        "Actual "<strong>{usd(w.actual_usd)}</strong>", what-if "<strong>{usd(w.what_if_usd)}</strong>
                        {format!(" ({}{})", if w.change_usd >= 0.0 { "+" } else { "" }, percent(w.change_ratio))}
                        {(w.not_recomputed > 0).then(|| format!("; {} calls without a price keep their cost", grouped(w.not_recomputed)))}
                    </p>
                    <table data-testid="whatif-rows">
                        <thead><tr><th>"Agent"</th><th>"Model"</th><th>"Priced as"</th><th class="num">"Calls"</th>
                            <th class="num">"Actual"</th><th class="num">"What-if"</th><th class="num">"Change"</th></tr></thead>
                        <tbody>
                            {w.rows.into_iter().map(|r| view! {
                                <tr data-testid="whatif-row" data-model=r.model.clone() data-agent=r.agent.as_str()>
                                    <td>{r.agent.as_str()}</td><td class="mono">{r.model.clone()}</td>
                                    <td class="mono">{r.priced_as.clone()}</td><td class="num">{grouped(r.calls)}</td>
                                    {usd_td(None, r.actual_usd)}{usd_td(None, r.what_if_usd)}{usd_td(None, r.change_usd)}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()),
            }}
        </section>
    }
}
