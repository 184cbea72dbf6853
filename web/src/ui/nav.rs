//! The views' navigation, and in-app links in general.
//!
//! Every view is a real link (`href="?view=models&…"` keeping the current filters), so it can be
//! opened in a new tab, copied or bookmarked. A plain click on any link whose `href` is only a
//! query (`?…`) — the nav, the views' own links to a session — is taken over by one delegated
//! listener ([`intercept_links`]) and becomes a route change (`pushState`, no reload). `[` and `]`
//! step to the previous/next view when focus is not in a form field. The current view carries
//! `aria-current="page"`.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::app::Controller;
use crate::route::{Route, View};

/// The views in the nav (the session view only while a session is open).
#[must_use]
pub fn nav_views(route: &Route) -> Vec<View> {
    View::ALL
        .into_iter()
        .filter(|v| *v != View::Session || route.id.is_some())
        .collect()
}

/// The view `step` places away from `route`'s in the nav, wrapping around.
#[must_use]
pub fn step(route: &Route, step: isize) -> View {
    let views = nav_views(route);
    let n = views.len() as isize;
    let at = views.iter().position(|v| *v == route.view).unwrap_or(0) as isize;
    views[(at + step).rem_euclid(n) as usize]
}

/// Takes over plain clicks on `?…` links anywhere in the page, and `[`/`]` keys.
pub fn intercept_links(ctl: Controller) {
    let click = window_event_listener(leptos::ev::click, move |ev| {
        if ev.default_prevented()
            || ev.button() != 0
            || ev.ctrl_key()
            || ev.meta_key()
            || ev.shift_key()
            || ev.alt_key()
        {
            return;
        }
        let link = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten());
        let Some(link) = link else {
            return;
        };
        let href = link.get_attribute("href").unwrap_or_default();
        let own_tab = link.get_attribute("target").is_none_or(|t| t == "_self");
        if href.starts_with('?') && own_tab && !link.has_attribute("download") {
            ev.prevent_default();
            ctl.route.set(Route::parse(&href));
        }
    });
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() {
            return;
        }
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .is_some_and(|e| {
                matches!(e.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA")
                    || e.closest("[contenteditable]").ok().flatten().is_some()
            });
        let by = match ev.key().as_str() {
            "[" => -1,
            "]" => 1,
            _ => return,
        };
        if in_field || ctl.analysis.with_untracked(Option::is_none) {
            return;
        }
        ev.prevent_default();
        ctl.route.update(|r| *r = r.with_view(step(r, by)));
    });
    on_cleanup(move || {
        click.remove();
        keys.remove();
    });
}

/// The navigation bar.
#[component]
pub fn Nav() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let items = move || {
        let route = ctl.route.get();
        nav_views(&route)
            .into_iter()
            .map(|v| {
                let current = (v == route.view).then_some("page");
                view! {
                    <li>
                        <a href=route.with_view(v).href() aria-current=current
                            data-testid=format!("nav-{}", v.as_str())>{v.label()}</a>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <nav class="views" aria-label="Views" data-testid="nav">
            <ul>{items}</ul>
            <span class="muted small nav-hint" aria-hidden="true" title="Keyboard: [ and ] step through the views">"[ ]"</span>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn stepping_wraps_and_skips_the_session_without_an_id() {
        let r = Route::default();
        assert_eq!(step(&r, 1), View::Models);
        assert_eq!(step(&r, -1), View::Insights);
        let sessions = r.with_view(View::Sessions);
        assert_eq!(step(&sessions, 1), View::Tools);
        let open = Route::parse("view=sessions&id=x");
        assert_eq!(step(&open, 1), View::Session);
        assert_eq!(nav_views(&open).len(), View::ALL.len());
    }
}
