//! Text tables of the analytics commands (`daily`, `weekly`, `monthly`, `session`, `blocks`,
//! `models`, `tools`, `insights`), in the style of `report`: exact integers, dollars to the cent,
//! a total row where the rows add up.

use std::fmt::Write;

use chrono::TimeZone;
use chrono_tz::Tz;

use super::text::{dollars, figures, header, section};
use crate::analysis::SessionDetail;
use crate::filter::project_label;
use crate::insights::InsightReport;
use crate::report::analytics::PeriodReport;
use crate::report::{thousands, Report};
use crate::rollup::pico_to_usd;

fn footer(out: &mut String, report: &Report) {
    let _ = writeln!(
        out,
        "Filter: {}; days in {}; prices: {}.",
        report.filter.describe(),
        report.time_zone,
        report.prices
    );
}

fn total_row(report: &Report, lead: usize) -> Vec<String> {
    let mut row = vec!["Total".to_owned()];
    row.extend(std::iter::repeat_n(String::new(), lead - 1));
    row.extend(figures(&report.total));
    row
}

/// One row per period, with the models used and a total.
#[must_use]
pub fn periods(title: &str, first: &str, rows: &[PeriodReport], report: &Report) -> String {
    let mut table = vec![header(&[first, "Models", "Sessions"])];
    for p in rows {
        let mut row = vec![p.period.clone(), p.models.join(", "), thousands(p.sessions)];
        row.extend(figures(&p.totals));
        table.push(row);
    }
    table.push(total_row(report, 3));
    let mut out = String::new();
    section(&mut out, title, &table);
    footer(&mut out, report);
    out
}

/// One row per session, most recent first.
#[must_use]
pub fn sessions(report: &Report) -> String {
    let mut table = vec![header(&["Session", "Agent", "Project", "Last activity"])];
    for s in &report.sessions {
        let mut row = vec![
            s.session.clone(),
            s.agent.to_string(),
            s.project.as_deref().map(project_label).unwrap_or_default(),
            s.end.get(..16).unwrap_or(&s.end).replace('T', " "),
        ];
        // A session with messages but no model call (a Codex rollout from before token counts,
        // a Copilot history document) has no token data, which is not zero usage.
        if s.totals.calls == 0 {
            row.extend(["-"; 5].map(str::to_owned));
            row.push("no token data".to_owned());
        } else {
            row.extend(figures(&s.totals));
        }
        table.push(row);
    }
    table.push(total_row(report, 4));
    let mut out = String::new();
    section(&mut out, "Sessions", &table);
    footer(&mut out, report);
    out
}

/// The five-hour blocks.
#[must_use]
pub fn blocks(report: &Report) -> String {
    let mut table = vec![header(&["Block start (UTC)", "Calls", "Burn $/h", "State"])];
    for b in &report.analytics.blocks {
        let state = match (b.active, b.projected_cost_usd) {
            (true, Some(p)) => format!("active, projected {}", dollars(p)),
            (true, None) => "active".to_owned(),
            (false, _) => String::new(),
        };
        let mut row = vec![
            b.start.get(..16).unwrap_or(&b.start).replace('T', " "),
            thousands(b.totals.calls),
            dollars(b.cost_per_hour_usd),
            state,
        ];
        row.extend(figures(&b.totals));
        table.push(row);
    }
    table.push(total_row(report, 4));
    let mut out = String::new();
    section(&mut out, "5-hour blocks", &table);
    footer(&mut out, report);
    out
}

fn minutes(ms: u64) -> String {
    format!("{:.1} min", ms as f64 / 60_000.0)
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// The model comparison.
#[must_use]
pub fn models(report: &Report) -> String {
    let mut table = vec![vec![
        "Agent",
        "Model",
        "Sessions",
        "Calls",
        "Cost",
        "$/session",
        "Avg duration",
        "$/active min",
        "$/turn",
        "Cache hit",
        "Share",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>()];
    for m in &report.analytics.model_comparison {
        table.push(vec![
            m.agent.to_string(),
            m.model.clone(),
            thousands(m.sessions),
            thousands(m.totals.calls),
            dollars(m.totals.cost_usd),
            format!("${:.4}", m.avg_cost_per_session_usd),
            minutes(m.avg_session_ms),
            format!("${:.4}", m.cost_per_active_minute_usd),
            format!("${:.4}", m.cost_per_turn_usd),
            percent(m.totals.cache_hit_rate),
            percent(m.share_of_spend),
        ]);
    }
    let mut out = String::new();
    section(&mut out, "Models", &table);
    footer(&mut out, report);
    out
}

/// Tool health.
#[must_use]
pub fn tools(report: &Report) -> String {
    let mut table = vec![vec![
        "Agent", "Tool", "Category", "Calls", "Errors", "Failure", "Flag", "p50", "p95", "p99",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect::<Vec<_>>()];
    for t in &report.analytics.tool_health {
        let lat = |f: fn(&crate::analysis::tools::Latency) -> u64| {
            t.latency
                .as_ref()
                .map_or_else(String::new, |l| format!("{} ms", thousands(f(l))))
        };
        table.push(vec![
            t.agent.to_string(),
            t.name.clone(),
            serde_json::to_value(t.category)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            thousands(t.calls),
            thousands(t.errors),
            percent(t.failure_rate),
            match t.flag {
                Some(crate::analysis::tools::FailureFlag::Critical) => "CRITICAL".to_owned(),
                Some(crate::analysis::tools::FailureFlag::Flagged) => "flagged".to_owned(),
                None => String::new(),
            },
            lat(|l| l.p50_ms),
            lat(|l| l.p95_ms),
            lat(|l| l.p99_ms),
        ]);
    }
    let mut out = String::new();
    section(&mut out, "Tools", &table);
    footer(&mut out, report);
    out
}

/// The insights, most severe first, and what could not be looked at.
#[must_use]
pub fn insights(report: &InsightReport) -> String {
    let mut out = String::new();
    if report.insights.is_empty() {
        out.push_str("No insights: nothing crossed a detector's threshold.\n");
    }
    for i in &report.insights {
        let severity = serde_json::to_value(i.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_uppercase))
            .unwrap_or_default();
        let _ = writeln!(out, "[{severity}] {} ({})", i.title, i.id);
        let _ = writeln!(out, "  figure: {} {}", i.figure, i.unit);
        for e in i.evidence.iter().take(10) {
            let _ = writeln!(out, "  - {e}");
        }
        if i.evidence.len() > 10 {
            let _ = writeln!(out, "  - ... and {} more", i.evidence.len() - 10);
        }
        let _ = writeln!(out, "  advice: {}\n", i.advice);
    }
    if !report.not_covered.is_empty() {
        out.push_str("Not covered (the agent's format lacks what the detector needs):\n");
        for n in &report.not_covered {
            let _ = writeln!(out, "  {}: {} ({})", n.detector, n.agent, n.missing);
        }
    }
    out
}

/// One session: its calls, tools and compactions.
#[must_use]
pub fn session_detail(d: &SessionDetail, tz: Tz) -> String {
    let time = |ms: i64| {
        tz.timestamp_millis_opt(ms)
            .single()
            .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
            .unwrap_or_default()
    };
    let f = &d.facts;
    let mut out = String::new();
    let _ = writeln!(out, "Session {} ({})", f.session, f.agent.label());
    if let Some(p) = &f.project {
        let _ = writeln!(out, "Project: {p}");
    }
    let _ = writeln!(
        out,
        "From {} to {} ({}); {} calls, {}; {} compactions",
        time(f.first_ms),
        time(f.last_ms),
        minutes(f.duration_ms()),
        thousands(f.totals.calls),
        dollars(f.totals.cost_usd()),
        f.compactions
    );
    if let Some(p) = &f.first_prompt {
        let _ = writeln!(out, "First prompt: {p}");
    }
    out.push('\n');
    let mut table = vec![header(&["Time", "Model", "Context"])];
    for c in &d.calls {
        let g = crate::report::GroupReport {
            tokens: (&c.tokens).into(),
            cost_usd: pico_to_usd(c.cost_pico),
            calls: 1,
            unpriced_tokens: 0,
            cache_hit_rate: 0.0,
            premium_requests: 0.0,
            recorded: None,
        };
        let mut row = vec![time(c.timestamp_ms), c.model.clone(), thousands(c.context)];
        row.extend(figures(&g));
        table.push(row);
    }
    section(&mut out, "Calls", &table);
    let mut tools = vec![vec!["Time", "Tool", "Duration", "Result", "Target"]
        .into_iter()
        .map(str::to_owned)
        .collect::<Vec<_>>()];
    for t in &d.tools {
        tools.push(vec![
            t.start_ms.map(time).unwrap_or_default(),
            t.name.clone(),
            t.duration_ms
                .map(|d| format!("{} ms", thousands(d)))
                .unwrap_or_default(),
            if t.is_error {
                "error".to_owned()
            } else {
                "ok".to_owned()
            },
            t.target.clone().unwrap_or_default(),
        ]);
    }
    section(&mut out, "Tools", &tools);
    out
}
