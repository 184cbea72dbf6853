//! Keeps a route signal and the browser's location in step.
//!
//! - On load the route is read from `location.search`.
//! - A change of view (or session) is a new history entry (`pushState`), so back/forward walk the
//!   views; a filter edit replaces the current entry (`replaceState`), so typing a date does not
//!   leave a trail of entries behind.
//! - `popstate` (back/forward) re-reads the location into the signal without writing it again.
//!
//! Only the query is written: the path (any sub-path the app is served under) and the hash stay.

use leptos::prelude::*;

use super::Route;

/// The route in the page's current URL (the default outside a browser).
#[must_use]
pub fn current() -> Route {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|q| Route::parse(&q))
        .unwrap_or_default()
}

/// The URL for `route` relative to the page: its path, the new query, its hash.
fn url_for(route: &Route) -> Option<String> {
    let location = web_sys::window()?.location();
    let path = location.pathname().ok()?;
    let hash = location.hash().ok().unwrap_or_default();
    Some(format!("{path}{}{hash}", route.to_query()))
}

/// Writes `route` into the location: a new entry when `push`, else in place.
pub fn write(route: &Route, push: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let (Ok(history), Some(url)) = (window.history(), url_for(route)) else {
        return;
    };
    let state = wasm_bindgen::JsValue::NULL;
    let _ = if push {
        history.push_state_with_url(&state, "", Some(&url))
    } else {
        history.replace_state_with_url(&state, "", Some(&url))
    };
}

/// True when going from `before` to `after` deserves its own history entry.
#[must_use]
pub fn is_navigation(before: &Route, after: &Route) -> bool {
    before.view != after.view || before.id != after.id
}

/// Binds `route` to the location for the life of the app: writes every change, follows
/// back/forward. Call once, inside the app's reactive owner.
pub fn bind(route: RwSignal<Route>) {
    let written = StoredValue::new(route.get_untracked());
    Effect::new(move |_| {
        let now = route.get();
        let before = written.get_value();
        if now == before {
            return;
        }
        write(&now, is_navigation(&before, &now));
        written.set_value(now);
    });
    let handle = window_event_listener(leptos::ev::popstate, move |_| {
        let now = current();
        written.set_value(now.clone());
        route.set(now);
    });
    on_cleanup(move || handle.remove());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::View;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn views_and_sessions_are_entries_filters_are_not() {
        let a = Route::parse("view=models&agent=claude");
        assert!(!is_navigation(&a, &Route::parse("view=models")));
        assert!(!is_navigation(&a, &Route::parse("view=models&tz=UTC")));
        assert!(is_navigation(&a, &a.with_view(View::Tools)));
        let s = Route::parse("view=session&id=1");
        assert!(is_navigation(&s, &Route::parse("view=session&id=2")));
    }
}
