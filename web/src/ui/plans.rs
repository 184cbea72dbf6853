//! Plans and what-if state, and the plan-against-API table the overview and the plans view share.
//!
//! The plans the user holds ([`PlanChoice`], one per agent) and the what-if [`Scenario`] are
//! preferences: kept in `localStorage` ([`PLANS_KEY`], [`WHATIF_KEY`]), surviving reloads and
//! "Clear", and applied to whatever analysis is shown, under the URL's filters. The figures are
//! the core's ([`agentmeter::plans::compare`], [`agentmeter::whatif::what_if`]) over the shown
//! analysis' calls, so they equal `agentmeter plans --plan ... --json` / `whatif --json` with the
//! same filters and prices.

use agentmeter::plans::{compare, PlanChoice, PlanReport};
use agentmeter::whatif::Scenario;
use leptos::prelude::*;

use crate::analysis::Analysis;
use crate::format::{data_f64, grouped, usd};
use crate::prefs;
use crate::ui::usd_td;

/// Where the chosen plans are kept.
pub const PLANS_KEY: &str = "agentmeter.plans";
/// Where the what-if scenario is kept.
pub const WHATIF_KEY: &str = "agentmeter.whatif";

// Reference-counted signals, not arena ones: an arena signal created on first use would belong to
// whichever component or memo touched it first, and die with it.
thread_local! {
    static CHOICES: ArcRwSignal<Vec<PlanChoice>> = ArcRwSignal::new(load(PLANS_KEY));
    static SCENARIO: ArcRwSignal<Scenario> = ArcRwSignal::new(load(WHATIF_KEY));
}

fn load<T: serde::de::DeserializeOwned + Default>(key: &str) -> T {
    // Native unit tests have no browser storage.
    if cfg!(target_arch = "wasm32") {
        prefs::get_json(key).unwrap_or_default()
    } else {
        T::default()
    }
}

/// The plans the user holds (at most one per agent).
#[must_use]
pub fn choices() -> ArcRwSignal<Vec<PlanChoice>> {
    CHOICES.with(Clone::clone)
}

/// The what-if scenario.
#[must_use]
pub fn scenario() -> ArcRwSignal<Scenario> {
    SCENARIO.with(Clone::clone)
}

/// Sets the plan of `choice.agent` (or, with `None` for `agent`, removes it) and stores the list.
pub fn set_plan(agent: agentmeter::model::Agent, choice: Option<PlanChoice>) {
    choices().update(|list| {
        list.retain(|c| c.agent != agent);
        list.extend(choice);
        list.sort_by_key(|c| c.agent);
    });
    prefs::set_json(PLANS_KEY, &choices().get_untracked());
}

/// Sets and stores the scenario.
pub fn set_scenario(s: Scenario) {
    prefs::set_json(WHATIF_KEY, &s);
    scenario().set(s);
}

/// The plan comparison of `analysis` (`None` when it was restored without its calls).
#[must_use]
pub fn plan_report(analysis: &Analysis, choices: &[PlanChoice]) -> Option<PlanReport> {
    let core = analysis.core.as_ref()?;
    Some(compare(&core.calls, choices, core.tz))
}

/// The months of the chosen plans against their API-equivalent cost.
#[component]
pub fn PlanMonths(analysis: Analysis, #[prop(optional)] latest: Option<usize>) -> impl IntoView {
    let rows = move || {
        let list = choices().get();
        if list.is_empty() {
            return None;
        }
        let Some(report) = plan_report(&analysis, &list) else {
            return Some(view! {
                <p class="muted" data-testid="plan-unavailable">
                    "This analysis was restored without its records: drop the folder again to compare plans."
                </p>
            }.into_any());
        };
        let skip = latest.map_or(0, |n| report.months.len().saturating_sub(n));
        let totals = report.plans.clone();
        Some(view! {
            <table class="plan-months" data-testid="plan-months">
                <thead><tr><th>"Month"</th><th>"Agent"</th><th>"Plan"</th><th class="num">"Calls"</th>
                    <th class="num">"API-equivalent"</th><th class="num">"Plan price"</th>
                    <th class="num">"API − plan"</th><th>"Break-even"</th></tr></thead>
                <tbody>
                    {report.months.into_iter().skip(skip).map(|m| {
                        let pays = m.break_even_on.is_some();
                        view! {
                            <tr data-testid="plan-month" data-month=m.month.clone() data-agent=m.agent.as_str()
                                data-pays=pays.to_string()>
                                <td class="mono">{m.month.clone()}</td>
                                <td>{m.agent.as_str()}</td>
                                <td>{m.plan.clone()}</td>
                                <td class="num">{grouped(m.calls)}</td>
                                {usd_td(Some("plan-api-usd".to_owned()), m.api_usd)}
                                {usd_td(Some("plan-plan-usd".to_owned()), m.plan_usd)}
                                {usd_td(Some("plan-diff-usd".to_owned()), m.saved_usd)}
                                <td title=format!("break-even: {} of API-equivalent spend per day", usd(m.break_even_per_day_usd))>
                                    {m.break_even_on.clone().map_or_else(
                                        || format!("not reached ({} /day needed)", usd(m.break_even_per_day_usd)),
                                        |d| format!("paid off on {d}"))}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <ul class="plan-totals small">
                {totals.into_iter().map(|t| view! {
                    <li data-testid="plan-total" data-agent=t.choice.agent.as_str()
                        data-api-usd=data_f64(t.api_usd) data-plan-usd=data_f64(t.plan_usd)>
                        <strong>{t.choice.name.clone()}</strong>
                        {format!(" ({}/month, price {}): {} month(s), paid off in {}; API-equivalent {} against {} of plan.",
                            usd(t.plan_usd_per_month), t.choice.price_source, t.months, t.months_paid_off,
                            usd(t.api_usd), usd(t.plan_usd))}
                    </li>
                }).collect_view()}
            </ul>
        }.into_any())
    };
    view! { <div class="plan-compare">{rows}</div> }
}

/// The overview's card: the chosen plans' latest months, or a pointer to the plans view.
#[component]
pub fn PlanSummary(analysis: Analysis, plans_href: Signal<String>) -> impl IntoView {
    let has = move || !choices().with(Vec::is_empty);
    view! {
        <section class="panel plan-summary" data-testid="plan-summary" aria-labelledby="plan-summary-h">
            <div class="panel-head">
                <h2 id="plan-summary-h">"Plans against API prices"</h2>
                <a href=move || plans_href.get() class="small">"Plans & what-if →"</a>
            </div>
            <Show when=has fallback=|| view! {
                <p class="muted small">"On a subscription (Claude Pro/Max, ChatGPT Plus/Pro, Copilot)? \
                    Pick your plan to see, month by month, what the same usage costs at API rates and when the plan pays off."</p>
            }>
                <PlanMonths analysis=analysis.clone() latest=6 />
            </Show>
        </section>
    }
}
