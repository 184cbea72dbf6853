//! Where an import's time goes: marks and durations collected into one JavaScript object,
//! `globalThis.__agentmeterProfile`, that `bench/browser.mjs` reads after a run.
//!
//! Why a global object and not console output: the benchmark needs the figures as data (it
//! writes the per-stage table of BENCHMARKS.md from them), the workers report theirs inside
//! their result message, and the page adds its own. Times are absolute (the time origin plus
//! `performance.now()`, milliseconds since the epoch with sub-millisecond resolution), so the
//! page's and the workers' marks share one clock. Recording costs a few property writes per
//! import, never per line, so it stays on in release builds: nothing here changes a figure.
//!
//! Shape: `{ marks: {name: ms}, times: {name: ms summed}, workers: [worker profile, ...],
//! values: {name: number} }`.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn perf_now() -> f64;
}

const KEY: &str = "__agentmeterProfile";

/// Milliseconds since the epoch, sub-millisecond (0 outside a browser).
#[must_use]
pub fn now() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        let origin = Reflect::get(&js_sys::global(), &"performance".into())
            .and_then(|p| Reflect::get(&p, &"timeOrigin".into()))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        origin + perf_now()
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}

fn root() -> Option<Object> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let global = js_sys::global();
    let existing = Reflect::get(&global, &KEY.into()).ok()?;
    if existing.is_object() {
        return Some(existing.unchecked_into());
    }
    let fresh = fresh_profile();
    Reflect::set(&global, &KEY.into(), &fresh).ok()?;
    Some(fresh)
}

fn fresh_profile() -> Object {
    let o = Object::new();
    for k in ["marks", "times", "values"] {
        let _ = Reflect::set(&o, &k.into(), &Object::new());
    }
    let _ = Reflect::set(&o, &"workers".into(), &Array::new());
    o
}

fn section(name: &str) -> Option<Object> {
    let r = root()?;
    Reflect::get(&r, &name.into())
        .ok()
        .filter(JsValue::is_object)
        .map(JsCast::unchecked_into)
}

/// Starts a new profile (a new import), forgetting the previous one.
pub fn reset() {
    if cfg!(target_arch = "wasm32") {
        let _ = Reflect::set(&js_sys::global(), &KEY.into(), &fresh_profile());
    }
}

/// Records the first time `name` happened in this import.
pub fn mark(name: &str) {
    if let Some(marks) = section("marks") {
        if !Reflect::has(&marks, &name.into()).unwrap_or(true) {
            let _ = Reflect::set(&marks, &name.into(), &now().into());
        }
    }
}

/// Adds `ms` to the time spent in `name`.
pub fn add_time(name: &str, ms: f64) {
    if let Some(times) = section("times") {
        let before = Reflect::get(&times, &name.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        let _ = Reflect::set(&times, &name.into(), &(before + ms).into());
    }
}

/// Sets a number (a size, a count).
pub fn value(name: &str, v: f64) {
    if let Some(values) = section("values") {
        let _ = Reflect::set(&values, &name.into(), &v.into());
    }
}

/// Keeps one worker's own profile (sent with its result).
pub fn worker(p: &JsValue) {
    if let Some(workers) = section("workers") {
        Array::unchecked_from_js_ref(&workers).push(p);
    }
}

/// Runs `f`, adding its duration to `name`.
pub fn timed<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let t0 = now();
    let out = f();
    add_time(name, now() - t0);
    out
}

/// Bytes of this module instance's wasm memory (it only grows, so this is its peak).
#[must_use]
pub fn wasm_memory_bytes() -> f64 {
    #[cfg(target_arch = "wasm32")]
    {
        Reflect::get(&wasm_bindgen::memory(), &"buffer".into())
            .and_then(|b| Reflect::get(&b, &"byteLength".into()))
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        0.0
    }
}
