//! The one binding to ECharts, for every chart of the app.
//!
//! ECharts is vendored (`www/vendor/echarts/`) and loaded with a plain `<script>`; this file binds
//! the few calls needed and gives a component, [`EChart`], that (re)draws from a builder
//! closure: the builder reads signals (granularity, toggles, the analysis), so the chart
//! follows them, and it is re-run when the theme changes, because options carry colours read
//! from the page's CSS custom properties ([`css_var`]). Tooltips must use ECharts' rich-text mode:
//! its HTML tooltips carry inline styles, which the CSP forbids. Every chart of the app has a
//! table with the same figures next to it; without the script (unit tests) only that table shows.

use std::rc::Rc;

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::theme::ThemeState;

#[wasm_bindgen]
extern "C" {
    type ECharts;
    #[wasm_bindgen(catch, js_namespace = echarts, js_name = init)]
    fn echarts_init(el: &web_sys::HtmlElement) -> Result<ECharts, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setOption)]
    fn set_option(this: &ECharts, option: &JsValue, not_merge: bool) -> Result<(), JsValue>;
    #[wasm_bindgen(method)]
    fn resize(this: &ECharts);
    #[wasm_bindgen(method)]
    fn dispose(this: &ECharts);
}

/// A resize observer and the callback it calls (kept alive together).
type Observer = (web_sys::ResizeObserver, Closure<dyn FnMut()>);

/// Builds a chart's option; `None` draws nothing.
pub type Builder = Rc<dyn Fn() -> Option<JsValue>>;

/// The computed value of a CSS custom property on `<html>` (`fallback` when unset).
#[must_use]
pub fn css_var(name: &str, fallback: &str) -> String {
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

/// A JSON option as a JS object (to which formatters can then be attached).
#[must_use]
pub fn to_js(option: &serde_json::Value) -> Option<JsValue> {
    js_sys::JSON::parse(&option.to_string()).ok()
}

/// Sets `obj[path...][key] = value`, where `path` holds property names or array indices.
pub fn set_at(obj: &JsValue, path: &[&str], key: &str, value: &JsValue) -> Option<()> {
    let mut at = obj.clone();
    for p in path {
        let k: JsValue = match p.parse::<u32>() {
            Ok(i) => i.into(),
            Err(_) => (*p).into(),
        };
        at = js_sys::Reflect::get(&at, &k).ok()?;
        if at.is_undefined() {
            return None;
        }
    }
    js_sys::Reflect::set(&at, &key.into(), value).ok()?;
    Some(())
}

/// A JS function formatting a number (for axis labels).
#[must_use]
pub fn number_formatter(f: fn(f64) -> String) -> JsValue {
    Closure::<dyn Fn(f64) -> String>::new(f).into_js_value()
}

/// A chart drawn from `option`. `label` is its accessible name (say where the table is).
#[component]
pub fn EChart(
    option: Builder,
    #[prop(into)] label: String,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    let host = NodeRef::<Div>::new();
    let chart: StoredValue<Option<ECharts>, LocalStorage> = StoredValue::new_local(None);
    let observer: StoredValue<Option<Observer>, LocalStorage> = StoredValue::new_local(None);
    let theme = use_context::<ThemeState>();
    Effect::new(move |_| {
        if let Some(t) = theme {
            t.epoch.track();
        }
        let Some(el) = host.get() else {
            return;
        };
        if chart.with_value(Option::is_none) {
            let el: web_sys::HtmlElement = el.unchecked_into();
            // Without the vendored script the table next to the chart stands alone.
            let Ok(instance) = echarts_init(&el) else {
                return;
            };
            chart.set_value(Some(instance));
            let on_resize = Closure::<dyn FnMut()>::new(move || {
                chart.with_value(|c| c.as_ref().map(ECharts::resize));
            });
            if let Ok(obs) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) {
                obs.observe(&el);
                observer.set_value(Some((obs, on_resize)));
            }
        }
        let drawn = option();
        chart.with_value(|c| {
            if let (Some(c), Some(o)) = (c, drawn) {
                let _ = c.set_option(&o, true);
            }
        });
    });
    on_cleanup(move || {
        if let Some(Some((obs, _callback))) = observer.try_update_value(Option::take) {
            obs.disconnect();
        }
        if let Some(Some(c)) = chart.try_update_value(Option::take) {
            c.dispose();
        }
    });
    view! { <div class=format!("chart {class}") node_ref=host role="img" aria-label=label></div> }
}
