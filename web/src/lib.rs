//! The browser app (being written).
use wasm_bindgen::prelude::*;

/// Mounts the app.
#[wasm_bindgen]
pub fn start_app() {
    console_error_panic_hook::set_once();
}
