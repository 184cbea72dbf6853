//! Dashboard components. Each takes the finished `Report` (or app state) as a plain prop, so a
//! new analysis simply re-renders the dashboard and tests can mount any part with a hand-made
//! report. Every number is rendered by [`num`] helpers: short text, the exact value in `title`
//! and `data-value` (the contract the e2e tests read).

pub mod chart;
pub mod dropzone;
pub mod kpis;
pub mod quality;
pub mod sessions;
pub mod tables;

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

/// The dashboard for one report: KPIs, the daily chart, breakdowns, sessions, data quality.
#[component]
pub fn Dashboard(report: std::sync::Arc<agentmeter::report::Report>) -> impl IntoView {
    view! {
        <div class="dashboard" data-testid="dashboard">
            <kpis::Kpis report=report.clone() />
            <chart::DailyChart report=report.clone() />
            <tables::AgentTable report=report.clone() />
            <tables::ModelTable report=report.clone() />
            <sessions::SessionsTable report=report.clone() />
            <div class="two">
                <tables::ToolTable report=report.clone() />
                <quality::Quality report=report />
            </div>
        </div>
    }
}
