//! The app shell's components (navigation, filter bar, router, theme, exports) and the
//! overview's parts. Each part takes the finished `Report` (or app state) as a plain prop, so a
//! new analysis simply re-renders it and tests can mount any part with a real report. Every number is rendered by [`num`] helpers: short text, the exact value in `title`
//! and `data-value` (the contract the e2e tests read).

pub mod banners;
pub mod budget;
pub mod donut;
pub mod downsample;
pub mod dropzone;
pub mod echarts;
pub mod export;
pub mod filterbar;
pub mod filterdates;
pub mod kpis;
pub mod nav;
pub mod otlp;
pub mod plans;
pub mod prices;
pub mod quality;
pub mod router;
pub mod sessions;
pub mod sources;
pub mod tables;
pub mod theme;
pub mod timeline;

use leptos::prelude::*;

use crate::format::{grouped, tokens_short, usd, usd_exact};

/// A table cell holding a token count.
pub fn tokens_td(testid: Option<String>, n: u64) -> impl IntoView {
    view! {
        <td class="num" data-testid=testid data-value=n.to_string() title=grouped(n)>
            {tokens_short(n)}
        </td>
    }
}

/// A table cell holding a cost in USD.
pub fn usd_td(testid: Option<String>, x: f64) -> impl IntoView {
    view! {
        <td class="num" data-testid=testid data-value=crate::format::data_f64(x) title=usd_exact(x)>
            {usd(x)}
        </td>
    }
}

/// A table cell holding a plain count, shown in full.
pub fn count_td(n: u64) -> impl IntoView {
    view! { <td class="num" data-value=n.to_string()>{grouped(n)}</td> }
}
