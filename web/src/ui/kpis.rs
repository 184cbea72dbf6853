//! The KPI row: total tokens, cost, sessions, model calls and cache hit rate (each with its change
//! against the previous period when a date range is set), then the token split by kind.
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

/// A relative change as `▲ 12.3%` / `▼ 4.0%` / `= 0.0%`, and its CSS class.
#[must_use]
pub fn change_text(change: f64) -> (String, &'static str) {
    let pct = percent(change.abs());
    if change > 0.0 {
        (format!("▲ {pct}"), "change up")
    } else if change < 0.0 {
        (format!("▼ {pct}"), "change down")
    } else {
        (format!("= {pct}"), "change flat")
    }
}

/// One KPI card: label, short value (exact in `title`/`data-value`), sub line, change.
fn card(
    label: &'static str,
    testid: &'static str,
    (text, exact, value): (String, String, String),
    sub: String,
    change: Option<f64>,
) -> impl IntoView {
    view! {
        <div class="kpi" data-testid=format!("{testid}-card")>
            <div class="kpi-label">{label}</div>
            <div class="kpi-value" data-testid=testid data-value=value title=exact>{text}</div>
            <div class="kpi-sub">
                {change.map(|c| {
                    let (t, class) = change_text(c);
                    view! {
                        <span class=class data-testid=format!("{testid}-change") data-value=data_f64(c)
                            title="Change against the previous period of the same length">{t}</span>
                        " "
                    }
                })}
                {sub}
            </div>
        </div>
    }
}

/// The KPI cards for a report (with the change against the previous period when a range is set).
#[component]
pub fn Kpis(report: Arc<Report>) -> impl IntoView {
    let t = &report.total;
    let k = &report.analytics.kpis;
    let total = t.tokens.total;
    let sessions = k.current.sessions;
    let kinds = [
        t.tokens.input,
        t.tokens.cache_write,
        t.tokens.cache_read,
        t.tokens.output,
    ];
    let ranged = report.filter.since.is_some();
    let change = |key: &str| {
        ranged
            .then(|| k.change.get(key).copied().flatten())
            .flatten()
    };
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
    let agents = match report.agents.len() {
        1 => "1 agent".to_owned(),
        n => format!("{n} agents"),
    };
    let hit = t.cache_hit_rate;
    view! {
        <section class="kpis" aria-label="Totals">
            {card("Tokens", "kpi-tokens-total", (tokens_short(total), grouped(total), total.to_string()),
                format!("{} input+output", tokens_short(t.tokens.input + t.tokens.output)), change("tokens"))}
            {card("Cost", "kpi-cost-total", (usd(t.cost_usd), usd_exact(t.cost_usd), data_f64(t.cost_usd)),
                unpriced.unwrap_or_else(|| "all tokens priced".to_owned()), change("cost_usd"))}
            {card("Sessions", "kpi-sessions", (grouped(sessions), grouped(sessions), sessions.to_string()),
                agents, change("sessions"))}
            {card("Model calls", "kpi-calls", (grouped(t.calls), grouped(t.calls), t.calls.to_string()),
                format!("{} active days", grouped(k.current.active_days)), change("calls"))}
            <div class="kpi" data-testid="kpi-cache-hit" data-value=data_f64(hit)>
                <div class="kpi-label">"Cache hit rate"</div>
                <div class="kpi-value" data-testid="kpi-cache-hit-rate" data-value=data_f64(hit)
                    title=format!("{:.4} %", hit * 100.0)>{percent(hit)}</div>
                <div class="kpi-sub">
                    {change("cache_hit_rate").map(|c| {
                        let (t, class) = change_text(c);
                        view! { <span class=class data-testid="kpi-cache-hit-change" data-value=data_f64(c)>{t}</span>" " }
                    })}
                    "cache read ÷ prompt tokens"
                </div>
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
