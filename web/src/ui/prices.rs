//! Custom prices in the browser: the active price table (the embedded one, or it with the user's
//! overrides) and the editor that sets them.
//!
//! The overrides are the same JSON the CLI's `--prices FILE` reads (`docs/prices.md`), kept in
//! `localStorage` under [`KEY`] so they survive a reload and "Clear" (they are settings, not
//! data). Every analysis is priced with [`with_active`]; changing the overrides bumps
//! [`revision`], which the app's filtered analysis depends on, so every view is recomputed. The
//! header's "prices:" line then says `+ N custom prices`, and each row they price is marked
//! "custom price" (the provenance badge of the models table).

use std::cell::RefCell;
use std::rc::Rc;

use agentmeter::pricing::{PriceOverrides, PriceTable};
use leptos::prelude::*;

use crate::prefs;

/// Where the overrides are kept (the file's JSON, as given).
pub const KEY: &str = "agentmeter.prices.custom";

/// What the origin of browser-entered prices is called in the report.
pub const ORIGIN: &str = "set in this browser";

// The revision is a reference-counted signal: an arena one created on first use would belong to
// the memo that first read it and be disposed when that memo re-ran.
thread_local! {
    static ACTIVE: RefCell<Option<Rc<PriceTable>>> = const { RefCell::new(None) };
    static REVISION: ArcRwSignal<u64> = ArcRwSignal::new(0);
}

/// Changes whenever the custom prices do (read it to recompute with them).
#[must_use]
pub fn revision() -> ArcRwSignal<u64> {
    REVISION.with(Clone::clone)
}

/// Runs `f` with the active table: the embedded one with the custom prices, if any.
pub fn with_active<R>(f: impl FnOnce(&PriceTable) -> R) -> R {
    let custom = ACTIVE.with(|a| a.borrow().clone());
    match custom {
        Some(t) => f(&t),
        None => f(PriceTable::embedded()),
    }
}

/// True when custom prices are in effect.
#[must_use]
pub fn is_custom() -> bool {
    ACTIVE.with(|a| a.borrow().is_some())
}

/// The active table's source line (what a report priced with it says in `prices`).
#[must_use]
pub fn active_source() -> String {
    with_active(|t| t.source().to_owned())
}

/// The custom prices in effect (empty when none).
#[must_use]
pub fn active_overrides() -> PriceOverrides {
    with_active(|t| t.overrides().clone())
}

/// Sets (or with `None`, removes) the custom prices from the file's JSON, without storing them.
///
/// # Errors
/// The parser's message, naming the model and the field.
pub fn apply(json: Option<&str>) -> Result<(), String> {
    let table = match json.map(str::trim).filter(|j| !j.is_empty()) {
        None => None,
        Some(j) => {
            let o = PriceOverrides::from_json(j, ORIGIN).map_err(|e| e.to_string())?;
            (!o.is_empty()).then(|| Rc::new(PriceTable::embedded().with_overrides(o)))
        }
    };
    ACTIVE.with(|a| *a.borrow_mut() = table);
    revision().update(|r| *r += 1);
    Ok(())
}

/// Sets the custom prices and stores them (or removes both).
///
/// # Errors
/// As [`apply`]; nothing is stored then.
pub fn set(json: Option<&str>) -> Result<(), String> {
    apply(json)?;
    let stored = json.map(str::trim).filter(|j| !j.is_empty());
    prefs::set(KEY, stored);
    Ok(())
}

/// Loads the stored custom prices (at start-up). A stored value that no longer parses is
/// dropped, and the reason returned.
pub fn load_saved() -> Option<String> {
    let json = prefs::get(KEY)?;
    match apply(Some(&json)) {
        Ok(()) => None,
        Err(e) => {
            prefs::set(KEY, None);
            Some(format!("Stored custom prices were dropped: {e}"))
        }
    }
}

/// The custom prices editor: paste or load a JSON file, apply, remove.
#[component]
pub fn CustomPrices() -> impl IntoView {
    let text = RwSignal::new(prefs::get(KEY).unwrap_or_default());
    let error = RwSignal::new(None::<String>);
    let active = Memo::new(move |_| {
        revision().track();
        active_overrides()
    });
    let save = move |_| match set(Some(&text.get_untracked())) {
        Ok(()) => error.set(None),
        Err(e) => error.set(Some(e)),
    };
    let remove = move |_| {
        let _ = set(None);
        text.set(String::new());
        error.set(None);
    };
    let on_file = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                let read = wasm_bindgen_futures::JsFuture::from(file.text()).await;
                match read.ok().and_then(|v| v.as_string()) {
                    Some(s) => {
                        text.set(s.clone());
                        match set(Some(&s)) {
                            Ok(()) => error.set(None),
                            Err(e) => error.set(Some(e)),
                        }
                    }
                    None => error.set(Some("The file could not be read.".to_owned())),
                }
            });
        }
    };
    let example = r#"{ "models": { "claude-opus-4-6": { "input": 5, "output": 25, "cache_write_5m": 6.25, "cache_write_1h": 10, "cache_read": 0.5 } } }"#;
    view! {
        <section class="panel custom-prices" data-testid="custom-prices" aria-labelledby="cp-h">
            <h2 id="cp-h">"Custom prices"</h2>
            <p class="muted small">
                "Per-model prices in USD per million tokens, the same JSON as the CLI's "
                <code>"--prices FILE"</code>" (input and output required; cache prices and long-context "
                <code>"tiers"</code>" optional). They replace the price table's for every figure, and each "
                "row they price is marked “custom price”. Kept in this browser."
            </p>
            <textarea rows="5" class="mono" data-testid="custom-prices-json" placeholder=example
                aria-label="Custom prices JSON"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <div class="row">
                <button data-testid="custom-prices-apply" on:click=save>"Apply"</button>
                <label class="ghost small">"Load JSON file… "
                    <input type="file" accept=".json,application/json" data-testid="custom-prices-file"
                        on:change=on_file />
                </label>
                <button class="ghost" data-testid="custom-prices-remove" on:click=remove>"Remove custom prices"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="custom-prices-error">{e}</p> })}
            {move || {
                let o = active.get();
                (!o.is_empty()).then(|| view! {
                    <table class="small" data-testid="custom-prices-active">
                        <caption class="muted">"In effect (USD per million tokens)"</caption>
                        <thead><tr><th>"Model"</th><th>"Input"</th><th>"Output"</th><th>"Cache write 5m"</th>
                            <th>"Cache write 1h"</th><th>"Cache read"</th><th>"Tiers"</th></tr></thead>
                        <tbody>
                            {o.models.into_iter().map(|m| {
                                let f = |v: Option<f64>| v.map_or_else(|| "table rule".to_owned(), |v| v.to_string());
                                view! { <tr data-testid="custom-price" data-model=m.model.clone()>
                                    <td class="mono">{m.model.clone()}<span class="prov prov-custom">" custom price"</span></td>
                                    <td class="num">{f(m.prices.input)}</td><td class="num">{f(m.prices.output)}</td>
                                    <td class="num">{f(m.prices.cache_write_5m)}</td><td class="num">{f(m.prices.cache_write_1h)}</td>
                                    <td class="num">{f(m.prices.cache_read)}</td><td class="num">{m.tiers.len()}</td>
                                </tr> }
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            }}
        </section>
    }
}

/// A note naming the models of `report` priced with custom prices (nothing when there are none).
#[component]
pub fn CustomPricedNote(report: std::sync::Arc<agentmeter::report::Report>) -> impl IntoView {
    let custom: Vec<(String, String)> = report
        .models
        .iter()
        .filter(|m| m.pricing == agentmeter::pricing::Provenance::Custom)
        .map(|m| (m.model.clone(), m.agent.as_str().to_owned()))
        .collect();
    (!custom.is_empty()).then(|| {
        view! {
            <p class="small notice" data-testid="custom-priced-note">
                "Priced with your custom prices, not the price table's: "
                {custom.into_iter().map(|(model, agent)| view! {
                    <span class="prov prov-custom mono" data-testid="custom-priced" data-model=model.clone()>
                        {format!("{model} ({agent}) ")}
                    </span>
                }).collect_view()}
            </p>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    // Natively and in wasm (`scripts/test` runs the web crate's unit tests in wasm only).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn applying_custom_prices_changes_the_active_table_and_the_revision() {
        let before = revision().get_untracked();
        apply(Some(
            r#"{"models":{"claude-opus-4-6":{"input":1,"output":2}}}"#,
        ))
        .expect("valid");
        assert!(revision().get_untracked() > before);
        assert!(active_source().ends_with("+ 1 custom price (set in this browser)"));
        assert!(with_active(|t| t.override_for("claude-opus-4-6").is_some()));
        let err = apply(Some(r#"{"models":{"x":{"input":1}}}"#)).expect_err("no output");
        assert!(err.contains("field output"), "{err}");
        // A refused file leaves the previous prices in effect.
        assert!(active_source().contains("custom price"));
        apply(None).expect("removal");
        assert_eq!(active_source(), PriceTable::embedded().source());
    }
}
