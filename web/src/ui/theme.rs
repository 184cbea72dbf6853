//! Light and dark: the system's choice (`prefers-color-scheme`) unless the reader picks one.
//!
//! Colours are CSS custom properties only (`www/styles.css`); a pick sets `data-theme` on
//! `<html>`, which the stylesheet prefers over the media query. The pick is kept in
//! `localStorage` (and `www/app.js` applies it before the app starts, so there is no flash).
//! Charts draw with the computed colours, so they redraw when [`ThemeState::epoch`] moves: on a
//! pick and on a system switch.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::prefs;

/// The reader's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    /// Follow the system.
    #[default]
    Auto,
    Light,
    Dark,
}

impl Theme {
    /// The stored / attribute name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Auto => "auto",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// The stored name read back (anything else is `Auto`).
    #[must_use]
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::Auto,
        }
    }

    /// The next choice of the toggle: auto -> light -> dark -> auto.
    #[must_use]
    pub fn next(self) -> Theme {
        match self {
            Theme::Auto => Theme::Light,
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Auto,
        }
    }
}

/// The theme as app state (context).
#[derive(Clone, Copy)]
pub struct ThemeState {
    pub choice: RwSignal<Theme>,
    /// Moves whenever the drawn colours may have changed.
    pub epoch: RwSignal<u32>,
}

fn apply(theme: Theme) {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element());
    if let Some(root) = root {
        let _ = match theme {
            Theme::Auto => root.remove_attribute("data-theme"),
            t => root.set_attribute("data-theme", t.as_str()),
        };
    }
}

/// Reads the stored choice, applies it, follows system switches; provides [`ThemeState`].
pub fn provide() -> ThemeState {
    let initial = prefs::get(prefs::THEME).map_or(Theme::Auto, |s| Theme::parse(&s));
    apply(initial);
    let state = ThemeState {
        choice: RwSignal::new(initial),
        epoch: RwSignal::new(0),
    };
    let media = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    if let Some(mq) = media {
        let on_change = Closure::<dyn FnMut()>::new(move || state.epoch.update(|e| *e += 1));
        let _ = mq.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        // The listener lives as long as the page (the app is never unmounted).
        on_change.forget();
    }
    provide_context(state);
    state
}

/// Sets and stores a choice.
pub fn choose(state: ThemeState, theme: Theme) {
    apply(theme);
    prefs::set(
        prefs::THEME,
        (theme != Theme::Auto).then_some(theme.as_str()),
    );
    state.choice.set(theme);
    state.epoch.update(|e| *e += 1);
}

/// The header's theme button (cycles system / light / dark).
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let state = expect_context::<ThemeState>();
    let label = move || match state.choice.get() {
        Theme::Auto => "◐ System",
        Theme::Light => "☀ Light",
        Theme::Dark => "☾ Dark",
    };
    view! {
        <button class="ghost" data-testid="theme-toggle" data-value=move || state.choice.get().as_str()
            title="Colour theme: system, light or dark (remembered in this browser)"
            on:click=move |_| choose(state, state.choice.get_untracked().next())>
            {label}
        </button>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn the_toggle_cycles_and_names_round_trip() {
        let mut t = Theme::Auto;
        for want in [Theme::Light, Theme::Dark, Theme::Auto] {
            t = t.next();
            assert_eq!(t, want);
            assert_eq!(Theme::parse(t.as_str()), t);
        }
        assert_eq!(Theme::parse("purple"), Theme::Auto);
    }
}
