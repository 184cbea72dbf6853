//! Small user preferences in `localStorage`: the theme, the daily budget, dismissed insights.
//!
//! Why not IndexedDB (where the analysis lives): these are a few bytes that must be there
//! synchronously before the first paint, and they are settings, not data — "Clear" forgets the
//! analysis but keeps them. Every access tolerates a missing or throwing storage (private mode,
//! disabled cookies): the app then simply forgets them at the next visit.

/// Keys, all under one prefix.
pub const THEME: &str = "agentmeter.theme";
pub const BUDGET: &str = "agentmeter.budget.daily-usd";
pub const DISMISSED: &str = "agentmeter.insights.dismissed";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The stored text under `key`.
#[must_use]
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`, or removes the key for `None`.
pub fn set(key: &str, value: Option<&str>) {
    if let Some(s) = storage() {
        let _ = match value {
            Some(v) => s.set_item(key, v),
            None => s.remove_item(key),
        };
    }
}

/// A JSON value under `key`, when present and readable.
#[must_use]
pub fn get_json<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    get(key).and_then(|s| serde_json::from_str(&s).ok())
}

/// Stores `value` as JSON under `key`.
pub fn set_json<T: serde::Serialize>(key: &str, value: &T) {
    if let Ok(text) = serde_json::to_string(value) {
        set(key, Some(&text));
    }
}
