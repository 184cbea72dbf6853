//! The blocks view: five-hour usage blocks (the window subscription plans meter by) with their
//! calls, tokens, cost and burn rates; the active block is highlighted with its projection to the
//! end of the block at the current burn rate.
//!
//! Also the time helpers the views share: times are shown in the report's time zone.

use std::sync::Arc;

use agentmeter::report::analytics::BlockReport;
use chrono_tz::Tz;
use leptos::prelude::*;

use super::sessions::{table, Col, Csv, Num, RowFn, Table};
use crate::analysis::Analysis;

/// The report's zone by name (UTC when unknown).
#[must_use]
pub fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::UTC)
}

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS` in `tz`.
#[must_use]
pub fn local_ms(ms: i64, tz: Tz) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// An RFC 3339 time as `YYYY-MM-DD HH:MM` in `tz` (the text itself when it does not parse).
#[must_use]
pub fn local_time(rfc3339: &str, tz: Tz) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| rfc3339.to_owned())
}

type B = BlockReport;

fn columns() -> Vec<Col<B>> {
    vec![
        Col::new("Start", "start", false, |a: &B, b: &B| {
            a.start.cmp(&b.start)
        }),
        Col::new("End", "end", false, |a: &B, b: &B| a.end.cmp(&b.end)),
        Col::new("Calls", "calls", true, |a: &B, b: &B| {
            a.totals.calls.cmp(&b.totals.calls)
        }),
        Col::new("Tokens", "tokens", true, |a: &B, b: &B| {
            a.totals.tokens.total.cmp(&b.totals.tokens.total)
        }),
        Col::new("Cost", "cost", true, |a: &B, b: &B| {
            a.totals.cost_usd.total_cmp(&b.totals.cost_usd)
        }),
        Col::new("Tokens / h", "tokens-per-hour", true, |a: &B, b: &B| {
            a.tokens_per_hour.total_cmp(&b.tokens_per_hour)
        }),
        Col::new("Cost / h", "cost-per-hour", true, |a: &B, b: &B| {
            a.cost_per_hour_usd.total_cmp(&b.cost_per_hour_usd)
        }),
    ]
}

fn active_panel(b: &B, tz: Tz) -> impl IntoView {
    let projected_cost = b.projected_cost_usd.map(|x| Num::Usd(x).span());
    let projected_tokens = b.projected_tokens.map(|n| Num::Tokens(n).span());
    view! {
        <div class="panel active-block" data-testid="block-active"
            data-value=crate::format::data_f64(b.totals.cost_usd)>
            <h2>"Active block"</h2>
            <p>
                {local_time(&b.start, tz)} " – " {local_time(&b.end, tz)}
                <span class="muted">" (last call " {local_time(&b.last_call, tz)} ")"</span>
            </p>
            <dl class="facts">
                <div class="fact"><dt>"Tokens so far"</dt><dd>{Num::Tokens(b.totals.tokens.total).span()}</dd></div>
                <div class="fact"><dt>"Cost so far"</dt><dd>{Num::Usd(b.totals.cost_usd).span()}</dd></div>
                <div class="fact"><dt>"Burn rate"</dt><dd>{Num::TokensPerHour(b.tokens_per_hour).span()}</dd></div>
                <div class="fact"><dt>"Cost rate"</dt><dd>{Num::UsdPerHour(b.cost_per_hour_usd).span()}</dd></div>
                <div class="fact" data-testid="block-projected-cost">
                    <dt>"Projected cost"</dt><dd>{projected_cost}</dd>
                </div>
                <div class="fact" data-testid="block-projected-tokens">
                    <dt>"Projected tokens"</dt><dd>{projected_tokens}</dd>
                </div>
            </dl>
            <p class="small muted">"Projection: the current burn rate continued to the end of the block."</p>
        </div>
    }
}

/// The blocks view.
#[component]
pub fn BlocksView(analysis: Analysis) -> impl IntoView {
    let tz = zone(&analysis.report.time_zone);
    let rows = Arc::new(analysis.report.analytics.blocks.clone());
    let n = rows.len();
    let active = rows.iter().find(|b| b.active).map(|b| active_panel(b, tz));
    let row: RowFn<B> = Arc::new(move |b: &B| {
        view! {
            <tr data-testid="block-row" class:active=b.active data-active=b.active.to_string()>
                <td class="mono" title=b.start.clone()>
                    {local_time(&b.start, tz)}
                    {b.active.then(|| view! { <span class="badge active">"active"</span> })}
                </td>
                <td class="mono" title=b.end.clone()>{local_time(&b.end, tz)}</td>
                {Num::Count(b.totals.calls).td_col("calls")}
                {Num::Tokens(b.totals.tokens.total).td_col("tokens")}
                {Num::Usd(b.totals.cost_usd).td_col("cost")}
                {Num::TokensPerHour(b.tokens_per_hour).td_col("tokens-per-hour")}
                {Num::UsdPerHour(b.cost_per_hour_usd).td_col("cost-per-hour")}
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "blocks-table",
        caption: "Five-hour usage blocks".to_owned(),
        class: "",
        cols: columns(),
        sort: (0, true),
        page: 100,
        row,
        search: None,
        csv: Some(Csv {
            name: "blocks",
            header: &[
                "start",
                "end",
                "active",
                "calls",
                "tokens",
                "cost_usd",
                "tokens_per_hour",
                "cost_per_hour_usd",
                "projected_cost_usd",
                "projected_tokens",
            ],
            row: |b: &B| {
                let f = crate::format::data_f64;
                vec![
                    b.start.clone(),
                    b.end.clone(),
                    b.active.to_string(),
                    b.totals.calls.to_string(),
                    b.totals.tokens.total.to_string(),
                    f(b.totals.cost_usd),
                    f(b.tokens_per_hour),
                    f(b.cost_per_hour_usd),
                    b.projected_cost_usd.map(f).unwrap_or_default(),
                    b.projected_tokens
                        .map(|n| n.to_string())
                        .unwrap_or_default(),
                ]
            },
        }),
    };
    view! {
        <section data-testid="view-blocks" class="view">
            {active}
            <div class="panel">
                <h2>"Five-hour blocks" <span class="muted">{format!(" ({n})")}</span></h2>
                <p class="small muted">
                    "A block starts at the first call after the previous block ended (on the hour) \
                     and lasts five hours. Burn rate: the block's tokens or cost per hour from its \
                     start to its last call."
                </p>
                {if n == 0 {
                    view! { <p class="muted">"No calls in this analysis."</p> }.into_any()
                } else {
                    table(spec, rows).into_any()
                }}
            </div>
        </section>
    }
}
