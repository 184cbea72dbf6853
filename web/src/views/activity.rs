//! The activity view: messages per day (chart and table), the hour x weekday heatmap of model
//! calls (a real table with row and column headers, Monday first, in the report's time zone) and
//! a calendar of daily cost (a CSS grid, one column per week).
//!
//! Intensities are classes (`lvl-0` .. `lvl-4`), never inline styles: the CSP allows only the
//! stylesheet.

use std::collections::BTreeMap;
use std::sync::Arc;

use agentmeter::report::analytics::ActivityDay;
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;

use super::models::{cartesian, chart, Series};
use super::sessions::{table, Col, Csv, Num, RowFn, Table};
use crate::analysis::Analysis;
use crate::format::{data_f64, grouped, usd};

/// Weekday names, Monday first (the report's order).
pub const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The calendar covers at most this many days (the most recent ones).
const CALENDAR_DAYS: i64 = 731;

/// The intensity class (0 for none, else 1..=4) of `v` against the largest value `max`.
#[must_use]
pub fn level(v: f64, max: f64) -> u8 {
    if v <= 0.0 || max <= 0.0 {
        0
    } else {
        ((v / max * 4.0).ceil() as u8).clamp(1, 4)
    }
}

fn heatmap(calls: &[Vec<u64>], cost: &[Vec<f64>], tz: &str) -> impl IntoView {
    let max = calls.iter().flatten().copied().max().unwrap_or(0) as f64;
    let hours = (0..24)
        .map(|h| view! { <th scope="col" class="hour">{format!("{h:02}")}</th> })
        .collect_view();
    let rows = WEEKDAYS
        .iter()
        .enumerate()
        .map(|(d, name)| {
            let cells = (0..24)
                .map(|h| {
                    let n = calls.get(d).and_then(|r| r.get(h)).copied().unwrap_or(0);
                    let usd_h = cost.get(d).and_then(|r| r.get(h)).copied().unwrap_or(0.0);
                    let title = format!(
                        "{name} {h:02}:00–{h:02}:59: {} calls, {}",
                        grouped(n),
                        usd(usd_h)
                    );
                    view! {
                        <td class=format!("heat lvl-{}", level(n as f64, max)) title=title
                            data-value=n.to_string() data-cost=data_f64(usd_h)
                            data-day=d.to_string() data-hour=h.to_string()>
                            <span class="visually-hidden">{grouped(n)}</span>
                        </td>
                    }
                })
                .collect_view();
            view! { <tr><th scope="row">{*name}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <div class="scroll" tabindex="0" role="group" aria-label="Model calls by weekday and hour: table">
            <table class="heatmap" data-testid="activity-heatmap">
                <caption class="small muted">
                    {format!("Model calls by weekday and hour, in {tz}")}
                </caption>
                <thead><tr><td></td>{hours}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn calendar(days: &[ActivityDay]) -> impl IntoView {
    let by_date: BTreeMap<NaiveDate, &ActivityDay> = days
        .iter()
        .filter_map(|d| {
            NaiveDate::parse_from_str(&d.date, "%Y-%m-%d")
                .ok()
                .map(|date| (date, d))
        })
        .collect();
    let (Some(first), Some(last)) = (
        by_date.keys().next().copied(),
        by_date.keys().next_back().copied(),
    ) else {
        return view! { <p class="muted small">"No dated activity."</p> }.into_any();
    };
    let first = first.max(last - chrono::Duration::days(CALENDAR_DAYS - 1));
    let max = by_date.values().map(|d| d.cost_usd).fold(0.0, f64::max);
    let pad = (0..first.weekday().num_days_from_monday())
        .map(|_| view! { <div class="cal-cell cal-pad" aria-hidden="true"></div> })
        .collect_view();
    let cells = first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| {
            let day = by_date.get(&date);
            let cost = day.map_or(0.0, |d| d.cost_usd);
            let calls = day.map_or(0, |d| d.calls);
            let key = date.format("%Y-%m-%d").to_string();
            let title = format!(
                "{key} ({}): {}, {} calls",
                WEEKDAYS[date.weekday().num_days_from_monday() as usize],
                usd(cost),
                grouped(calls)
            );
            view! {
                <div class=format!("cal-cell lvl-{}", level(cost, max)) title=title
                    data-date=key data-value=data_f64(cost)></div>
            }
        })
        .collect_view();
    view! {
        <div class="calendar-wrap" tabindex="0" role="group" aria-label="Daily cost calendar">
            <div class="calendar" data-testid="activity-calendar" role="img"
                aria-label="Daily cost, one column per week, Monday on top; the same figures are in the daily table">
                {pad}
                {cells}
            </div>
            <div class="cal-legend small muted" aria-hidden="true">
                "Less "
                {(0..5).map(|l| view! { <span class=format!("cal-cell lvl-{l}")></span> }).collect_view()}
                " More"
            </div>
        </div>
    }
    .into_any()
}

/// (date, user messages, assistant messages) for every day from the first to the last active
/// day (at most [`CALENDAR_DAYS`], the most recent), quiet days as zeros.
#[must_use]
pub fn daily_series(days: &[ActivityDay]) -> Vec<(String, u64, u64)> {
    let by_date: BTreeMap<NaiveDate, &ActivityDay> = days
        .iter()
        .filter_map(|d| {
            NaiveDate::parse_from_str(&d.date, "%Y-%m-%d")
                .ok()
                .map(|date| (date, d))
        })
        .collect();
    let (Some(first), Some(last)) = (
        by_date.keys().next().copied(),
        by_date.keys().next_back().copied(),
    ) else {
        return Vec::new();
    };
    let first = first.max(last - chrono::Duration::days(CALENDAR_DAYS - 1));
    first
        .iter_days()
        .take_while(|d| *d <= last)
        .map(|date| {
            let (u, a) = by_date
                .get(&date)
                .map_or((0, 0), |d| (d.user_messages, d.assistant_messages));
            (date.format("%Y-%m-%d").to_string(), u, a)
        })
        .collect()
}

type D = ActivityDay;

fn day_table(days: Vec<ActivityDay>) -> impl IntoView {
    let cols = vec![
        Col::new("Day", "date", false, |a: &D, b: &D| a.date.cmp(&b.date)),
        Col::new("User messages", "user", true, |a: &D, b: &D| {
            a.user_messages.cmp(&b.user_messages)
        }),
        Col::new("Assistant messages", "assistant", true, |a: &D, b: &D| {
            a.assistant_messages.cmp(&b.assistant_messages)
        }),
        Col::new("Calls", "calls", true, |a: &D, b: &D| a.calls.cmp(&b.calls)),
        Col::new("Cost", "cost", true, |a: &D, b: &D| {
            a.cost_usd.total_cmp(&b.cost_usd)
        }),
    ];
    let row: RowFn<D> = Arc::new(|d: &D| {
        let date = if d.date.is_empty() {
            "(no date)".to_owned()
        } else {
            d.date.clone()
        };
        view! {
            <tr data-testid="activity-day-row" data-date=d.date.clone()>
                <td class="mono">{date}</td>
                {Num::Count(d.user_messages).td_col("user")}
                {Num::Count(d.assistant_messages).td_col("assistant")}
                {Num::Count(d.calls).td_col("calls")}
                {Num::Usd(d.cost_usd).td_col("cost")}
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "activity-days",
        caption: "Activity per day".to_owned(),
        class: "",
        cols,
        sort: (0, true),
        page: 100,
        row,
        search: None,
        csv: Some(Csv {
            name: "activity-days",
            header: &[
                "date",
                "user_messages",
                "assistant_messages",
                "calls",
                "cost_usd",
            ],
            row: |d: &D| {
                vec![
                    d.date.clone(),
                    d.user_messages.to_string(),
                    d.assistant_messages.to_string(),
                    d.calls.to_string(),
                    data_f64(d.cost_usd),
                ]
            },
        }),
    };
    table(spec, Arc::new(days))
}

/// The activity view.
#[component]
pub fn ActivityView(analysis: Analysis) -> impl IntoView {
    let report = analysis.report.clone();
    let a = &report.analytics.activity;
    let series = daily_series(&a.days);
    let dates: Vec<String> = series.iter().map(|(d, _, _)| d.clone()).collect();
    let stacked = |name: &str, color: &'static str, values: Vec<f64>| Series {
        stack: true,
        ..Series::bar(name, color, values)
    };
    let option = cartesian(
        &dates,
        &[
            stacked(
                "User messages",
                "--k-input",
                series.iter().map(|d| d.1 as f64).collect(),
            ),
            stacked(
                "Assistant messages",
                "--k-output",
                series.iter().map(|d| d.2 as f64).collect(),
            ),
        ],
        false,
    );
    let empty = a.days.is_empty();
    let body = if empty {
        view! { <div class="panel"><p class="muted">"No activity in this analysis."</p></div> }
            .into_any()
    } else {
        view! {
            <div class="panel">
                <h2>"Messages per day"</h2>
                {chart("User and assistant messages per day; the same figures are in the table below".to_owned(),
                    "chart-activity-days", option)}
                <details class="chart-table">
                    <summary>"Daily activity as a table"</summary>
                    {day_table(a.days.clone())}
                </details>
            </div>
            <div class="panel">
                <h2>"When: hour and weekday"</h2>
                {heatmap(&a.calls, &a.cost_usd, &report.time_zone)}
            </div>
            <div class="panel">
                <h2>"Daily cost calendar"</h2>
                {calendar(&a.days)}
            </div>
        }
        .into_any()
    };
    view! { <section data-testid="view-activity" class="view">{body}</section> }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn day(date: &str, user: u64) -> ActivityDay {
        ActivityDay {
            date: date.to_owned(),
            user_messages: user,
            assistant_messages: 2 * user,
            calls: user,
            cost_usd: 0.0,
        }
    }

    #[test]
    fn quiet_days_are_filled_in() {
        let s = daily_series(&[day("2025-01-03", 1), day("2025-01-01", 4), day("", 9)]);
        assert_eq!(
            s,
            [
                ("2025-01-01".to_owned(), 4, 8),
                ("2025-01-02".to_owned(), 0, 0),
                ("2025-01-03".to_owned(), 1, 2)
            ]
        );
    }

    #[test]
    fn levels_split_the_range_in_four() {
        assert_eq!(level(0.0, 10.0), 0);
        assert_eq!(level(0.1, 10.0), 1);
        assert_eq!(level(2.5, 10.0), 1);
        assert_eq!(level(2.6, 10.0), 2);
        assert_eq!(level(10.0, 10.0), 4);
        assert_eq!(level(1.0, 0.0), 0);
    }
}
