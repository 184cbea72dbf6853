//! The filter bar's typed fields: the date range (inclusive days in the shown zone) and the
//! time-zone override.
//!
//! A date field applies on `change` (a picked or fully typed date). The zone field offers every
//! IANA name and applies only a name it knows; anything else is marked invalid and left out of
//! the URL, so a typo never silently recomputes in the wrong zone.

use chrono::NaiveDate;
use leptos::prelude::*;

use crate::analysis::browser_time_zone;
use crate::app::Controller;

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// From / to date inputs, bounded by the data's first and last day.
#[component]
pub fn DateFields(first: Signal<Option<String>>, last: Signal<Option<String>>) -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let route = ctl.route;
    let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <label class="field">
            <span>"From"</span>
            <input type="date" data-testid="filter-from"
                min=move || first.get() max=move || last.get()
                prop:value=move || show(route.with(|r| r.filter.since))
                on:change=move |ev| {
                    let d = parse_day(&event_target_value(&ev));
                    route.update(|r| r.filter.since = d);
                } />
        </label>
        <label class="field">
            <span>"To"</span>
            <input type="date" data-testid="filter-to"
                min=move || first.get() max=move || last.get()
                prop:value=move || show(route.with(|r| r.filter.until))
                on:change=move |ev| {
                    let d = parse_day(&event_target_value(&ev));
                    route.update(|r| r.filter.until = d);
                } />
        </label>
    }
}

/// The time-zone override (empty: the browser's zone).
#[component]
pub fn ZoneField() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let route = ctl.route;
    let invalid = RwSignal::new(false);
    let browser = browser_time_zone().name().to_owned();
    let on_change = move |ev: leptos::ev::Event| {
        let text = event_target_value(&ev).trim().to_owned();
        if text.is_empty() {
            invalid.set(false);
            route.update(|r| r.tz = None);
        } else if let Ok(tz) = text.parse::<chrono_tz::Tz>() {
            invalid.set(false);
            route.update(|r| r.tz = Some(tz.name().to_owned()));
        } else {
            invalid.set(true);
        }
    };
    view! {
        <label class="field">
            <span>"Time zone"</span>
            <input type="text" list="tz-names" data-testid="filter-tz" autocomplete="off" spellcheck="false"
                placeholder=browser prop:value=move || route.with(|r| r.tz.clone().unwrap_or_default())
                aria-invalid=move || invalid.get().then_some("true")
                title="An IANA zone such as UTC or Europe/Berlin; empty: this browser's zone"
                on:change=on_change />
            <datalist id="tz-names">
                {chrono_tz::TZ_VARIANTS.iter().map(|z| view! { <option value=z.name()></option> }).collect_view()}
            </datalist>
        </label>
        {move || invalid.get().then(|| view! {
            <span class="error-inline" role="alert">"Unknown time zone: use an IANA name such as UTC or Europe/Berlin."</span>
        })}
    }
}
