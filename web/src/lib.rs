//! agentmeter in the browser: a Leptos (CSR) dashboard over the `agentmeter` core crate.
//!
//! The page never parses a transcript: files go to module workers (`www/worker.js`) that call
//! the exports in [`worker_api`], and come back as ledgers that the page merges and summarizes
//! with the same core code the CLI uses ([`analysis`]). So the browser shows exactly the figures
//! `agentmeter report --json` prints.
//!
//! The UI is mounted by [`start_app`], called from `www/app.js`, not by
//! `#[wasm_bindgen(start)]`: the same module is instantiated inside each worker, where there is
//! no document to mount into.

pub mod analysis;
pub mod app;
pub mod format;
pub mod ingest;
pub mod otlp;
pub mod prefs;
pub mod route;
pub mod store;
#[cfg(test)]
pub mod test_support;
pub mod ui;
pub mod views;
pub mod worker_api;

use wasm_bindgen::prelude::*;

/// Mounts the app into `<body>` (page only, never in a worker).
#[wasm_bindgen]
pub fn start_app() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
