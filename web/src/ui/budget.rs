//! The daily budget card: a spend limit per day that the reader sets, checked against the
//! latest day of the data.
//!
//! The limit is a preference, not data: it is kept in `localStorage` and survives "Clear". At
//! [`WARN_AT`] of the limit the card warns; above the limit it flags a breach. It also counts the
//! days of the shown range that went over, so a limit can be judged against history.

use std::collections::BTreeMap;
use std::sync::Arc;

use agentmeter::report::Report;
use leptos::prelude::*;

use crate::format::{data_f64, percent, usd};
use crate::prefs;

/// The share of the limit at which the card warns.
pub const WARN_AT: f64 = 0.8;

/// Where a day's spend stands against the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// No limit set.
    Unset,
    Ok,
    /// At or above [`WARN_AT`] of the limit.
    Warn,
    /// Above the limit.
    Breach,
}

impl Status {
    /// The `data-state` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Unset => "unset",
            Status::Ok => "ok",
            Status::Warn => "warn",
            Status::Breach => "breach",
        }
    }
}

/// The status of `spend` against `limit`.
#[must_use]
pub fn status(spend: f64, limit: Option<f64>) -> Status {
    match limit {
        Some(l) if l > 0.0 => {
            if spend > l {
                Status::Breach
            } else if spend >= WARN_AT * l {
                Status::Warn
            } else {
                Status::Ok
            }
        }
        _ => Status::Unset,
    }
}

/// Spend per day (summed over agents and models), oldest first.
#[must_use]
pub fn daily_spend(report: &Report) -> Vec<(String, f64)> {
    let mut days: BTreeMap<&str, f64> = BTreeMap::new();
    for d in &report.days {
        *days.entry(d.date.as_str()).or_default() += d.totals.cost_usd;
    }
    days.into_iter().map(|(d, c)| (d.to_owned(), c)).collect()
}

/// A limit as typed: a positive number of dollars, or nothing.
#[must_use]
pub fn parse_limit(text: &str) -> Option<f64> {
    let t = text.trim().trim_start_matches('$').replace(',', "");
    t.parse::<f64>().ok().filter(|x| x.is_finite() && *x > 0.0)
}

/// The budget card.
#[component]
pub fn Budget(report: Arc<Report>) -> impl IntoView {
    let limit = RwSignal::new(prefs::get(prefs::BUDGET).and_then(|s| parse_limit(&s)));
    let days = daily_spend(&report);
    let latest = days.last().cloned();
    let spend = latest.as_ref().map_or(0.0, |l| l.1);
    let day = latest.map(|l| l.0).unwrap_or_else(|| "–".to_owned());
    let state = move || status(spend, limit.get());
    let over = move || {
        limit
            .get()
            .map(|l| days.iter().filter(|(_, c)| *c > l).count())
    };
    let day_count = daily_spend(&report).len();
    let on_change = move |ev: leptos::ev::Event| {
        let value = parse_limit(&event_target_value(&ev));
        prefs::set(prefs::BUDGET, value.map(|v| v.to_string()).as_deref());
        limit.set(value);
    };
    view! {
        <section class="panel budget" data-testid="budget" data-state=move || state().as_str()
            aria-labelledby="budget-h">
            <div class="panel-head">
                <h2 id="budget-h">"Daily budget"</h2>
                <label class="inline small">
                    "Limit per day (USD) "
                    <input type="number" min="0" step="0.01" inputmode="decimal" data-testid="budget-limit"
                        prop:value=move || limit.get().map(|l| l.to_string()).unwrap_or_default()
                        on:change=on_change placeholder="none" />
                </label>
            </div>
            <p>
                "Latest day "<span class="mono">{day}</span>": "
                <strong data-testid="budget-latest" data-value=data_f64(spend)>{usd(spend)}</strong>
                {move || limit.get().map(|l| format!(" of {} ({})", usd(l), percent(spend / l)))}
            </p>
            {move || limit.get().map(|l| view! {
                <meter min="0" max=l.to_string() low=(WARN_AT * l).to_string() high=l.to_string()
                    optimum="0" value=spend.min(l).to_string()></meter>
            })}
            <p class="budget-flag" role="status">
                {move || match state() {
                    Status::Unset => "Set a limit to be warned at 80 % of it.".to_owned(),
                    Status::Ok => "Within the limit.".to_owned(),
                    Status::Warn => "⚠ Above 80 % of the daily limit.".to_owned(),
                    Status::Breach => "⛔ Over the daily limit.".to_owned(),
                }}
                {move || over().map(|n| format!(" {n} of {day_count} days in range went over."))}
            </p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn warns_at_eighty_percent_and_flags_a_breach() {
        assert_eq!(status(5.0, None), Status::Unset);
        assert_eq!(status(5.0, Some(0.0)), Status::Unset);
        assert_eq!(status(7.99, Some(10.0)), Status::Ok);
        assert_eq!(status(8.0, Some(10.0)), Status::Warn);
        assert_eq!(status(10.0, Some(10.0)), Status::Warn);
        assert_eq!(status(10.01, Some(10.0)), Status::Breach);
    }

    #[test]
    fn limits_parse_leniently() {
        assert_eq!(parse_limit(" 20 "), Some(20.0));
        assert_eq!(parse_limit("$1,250.5"), Some(1250.5));
        assert_eq!(parse_limit("0"), None);
        assert_eq!(parse_limit("-3"), None);
        assert_eq!(parse_limit("lots"), None);
        assert_eq!(parse_limit(""), None);
    }
}
