//! The timeline's data: the report's days, weeks or months as chart points.
//!
//! Days come from the report's (day, agent, model) rows summed per day. Empty days between two
//! active ones are filled in only while the result stays readable (a short span, or a dense
//! one): six active days spread over eight months are drawn as six bars, not as 240 slots of
//! which six are a pixel wide. Weeks and months are the report's own periods.

use std::collections::BTreeMap;

use agentmeter::report::analytics::PeriodReport;
use agentmeter::report::{Report, TokenReport};
use chrono::NaiveDate;

/// How long a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gran {
    Day,
    Week,
    Month,
}

impl Gran {
    pub const ALL: [Gran; 3] = [Gran::Day, Gran::Week, Gran::Month];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Gran::Day => "day",
            Gran::Week => "week",
            Gran::Month => "month",
        }
    }

    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Gran::Day => "Day",
            Gran::Week => "Week",
            Gran::Month => "Month",
        }
    }
}

/// One bar of the chart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Point {
    /// `2026-02-03`, `2026-W06` or `2026-02`.
    pub label: String,
    /// input, cache write, cache read, output (the order of `ui::kpis::KINDS`).
    pub kinds: [u64; 4],
    pub total: u64,
    pub cost: f64,
}

/// The points of one granularity, and whether empty days were left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    pub points: Vec<Point>,
    /// Days between the first and the last point (days only).
    pub span_days: i64,
    /// True when empty days are not drawn (sparse data).
    pub skips_empty: bool,
}

/// Spans up to this many days always get their empty days drawn.
pub const FILL_SPAN: i64 = 92;
/// Longer spans are filled when at least one day in this many is active.
pub const FILL_DENSITY: i64 = 4;

fn kinds(t: &TokenReport) -> [u64; 4] {
    [t.input, t.cache_write, t.cache_read, t.output]
}

fn period_point(p: &PeriodReport) -> Point {
    Point {
        label: p.period.clone(),
        kinds: kinds(&p.totals.tokens),
        total: p.totals.tokens.total,
        cost: p.totals.cost_usd,
    }
}

/// The points of `report` at granularity `g`, oldest first.
#[must_use]
pub fn series(report: &Report, g: Gran) -> Series {
    match g {
        Gran::Day => days(report),
        Gran::Week => Series {
            points: report.analytics.weeks.iter().map(period_point).collect(),
            ..Series::default()
        },
        Gran::Month => Series {
            points: report.analytics.months.iter().map(period_point).collect(),
            ..Series::default()
        },
    }
}

fn days(report: &Report) -> Series {
    let mut days: BTreeMap<String, Point> = BTreeMap::new();
    for d in &report.days {
        let p = days.entry(d.date.clone()).or_insert_with(|| Point {
            label: d.date.clone(),
            ..Point::default()
        });
        for (slot, n) in p.kinds.iter_mut().zip(kinds(&d.totals.tokens)) {
            *slot += n;
        }
        p.total += d.totals.tokens.total;
        p.cost += d.totals.cost_usd;
    }
    let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let first = days.keys().next().and_then(|s| parse(s));
    let last = days.keys().next_back().and_then(|s| parse(s));
    let mut out = Series::default();
    if let (Some(first), Some(last)) = (first, last) {
        let span = (last - first).num_days() + 1;
        let active = days.len() as i64;
        out.span_days = span;
        if span <= FILL_SPAN || active * FILL_DENSITY >= span {
            for date in first.iter_days().take_while(|d| *d <= last) {
                let key = date.format("%Y-%m-%d").to_string();
                days.entry(key.clone()).or_insert_with(|| Point {
                    label: key,
                    ..Point::default()
                });
            }
        } else {
            out.skips_empty = true;
        }
    }
    out.points = days.into_values().collect();
    out
}

/// The granularity to open on: the finest with at most `max` points.
#[must_use]
pub fn default_gran(report: &Report, max: usize) -> Gran {
    Gran::ALL
        .into_iter()
        .find(|g| series(report, *g).points.len() <= max)
        .unwrap_or(Gran::Month)
}

#[cfg(test)]
mod tests;
