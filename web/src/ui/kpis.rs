//! The KPI row: total tokens, cost, sessions and cache hit rate, then the token split by kind.
//!
//! Kinds are shown in one fixed order and colour everywhere (input, cache write, cache read,
//! output) so the split here reads the same as the chart's stack.

use std::sync::Arc;

use agentmeter::report::Report;
use leptos::prelude::*;

use crate::format::{data_f64, grouped, percent, tokens_short, usd, usd_exact};

/// The token kinds in display order: (label, test id suffix, CSS class).
pub const KINDS: [(&str, &str, &str); 4] = [
    ("Input", "input", "k-input"),
    ("Cache write", "cache-write", "k-cache-write"),
    ("Cache read", "cache-read", "k-cache-read"),
    ("Output", "output", "k-output"),
];

/// The KPI cards for a report.
#[component]
pub fn Kpis(report: Arc<Report>) -> impl IntoView {
    let t = &report.total;
    let total = t.tokens.total;
    let sessions = report.sessions.len() as u64;
    let kinds = [
        t.tokens.input,
        t.tokens.cache_write,
        t.tokens.cache_read,
        t.tokens.output,
    ];
    let unpriced = (t.unpriced_tokens > 0)
        .then(|| format!("{} tokens unpriced", tokens_short(t.unpriced_tokens)));
    let split = KINDS
        .iter()
        .zip(kinds)
        .map(|((label, id, class), n)| {
            let share = if total == 0 { 0.0 } else { n as f64 / total as f64 };
            view! {
                <div class="split-item">
                    <span class=format!("swatch {class}")></span>
                    <span class="split-label">{*label}</span>
                    <span class="split-value" data-testid=format!("kpi-{id}") data-value=n.to_string()
                        title=grouped(n)>{tokens_short(n)}</span>
                    <span class="split-share">{percent(share)}</span>
                </div>
            }
        })
        .collect_view();
    view! {
        <section class="kpis" aria-label="Totals">
            <div class="kpi">
                <div class="kpi-label">"Tokens"</div>
                <div class="kpi-value" data-testid="kpi-tokens-total" data-value=total.to_string()
                    title=grouped(total)>{tokens_short(total)}</div>
                <div class="kpi-sub">{format!("{} model calls", grouped(t.calls))}</div>
            </div>
            <div class="kpi">
                <div class="kpi-label">"Cost"</div>
                <div class="kpi-value" data-testid="kpi-cost-total" data-value=data_f64(t.cost_usd)
                    title=usd_exact(t.cost_usd)>{usd(t.cost_usd)}</div>
                <div class="kpi-sub">{unpriced.unwrap_or_else(|| "all tokens priced".to_owned())}</div>
            </div>
            <div class="kpi">
                <div class="kpi-label">"Sessions"</div>
                <div class="kpi-value" data-testid="kpi-sessions" data-value=sessions.to_string()>
                    {grouped(sessions)}</div>
                <div class="kpi-sub">{match report.agents.len() {
                    1 => "1 agent".to_owned(),
                    n => format!("{n} agents"),
                }}</div>
            </div>
            <div class="kpi">
                <div class="kpi-label">"Cache hit rate"</div>
                <div class="kpi-value" data-testid="kpi-cache-hit-rate"
                    data-value=data_f64(t.cache_hit_rate)>{percent(t.cache_hit_rate)}</div>
                <div class="kpi-sub">"cache read ÷ prompt tokens"</div>
            </div>
        </section>
        <section class="split" aria-label="Tokens by kind">
            <svg class="split-bar" viewBox="0 0 1000 12" preserveAspectRatio="none" role="img"
                aria-label="Share of tokens by kind">
                {segments(kinds, total).into_iter().zip(KINDS).map(|((x, w), (label, _, class))| {
                    view! { <rect x=x y="0" width=w height="12" class=class><title>{label}</title></rect> }
                }).collect_view()}
            </svg>
            <div class="split-items">{split}</div>
        </section>
    }
}

/// Left edge and width (out of 1000) of each kind's segment in the share bar.
fn segments(kinds: [u64; 4], total: u64) -> Vec<(String, String)> {
    let mut x = 0.0;
    kinds
        .iter()
        .map(|n| {
            let w = if total == 0 {
                0.0
            } else {
                *n as f64 / total as f64 * 1000.0
            };
            let seg = (format!("{x:.2}"), format!("{w:.2}"));
            x += w;
            seg
        })
        .collect()
}
