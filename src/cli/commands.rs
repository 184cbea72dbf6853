//! What each command prints: the report (or a part of it) as JSON, or as text tables.
//!
//! With `--json`, a command prints an object holding its rows under its plural name (`daily`,
//! `weekly`, `monthly`, `sessions`, `blocks`, `models`, `tools`), each row with `tokens` and
//! `cost_usd` as in `report`, plus the filtered `total` and the `filter`; `insights` prints
//! `{"insights": [...], "not_covered": [...]}` and `session --id` one session's detail.

use serde::Serialize;
use serde_json::{json, Value};

use super::args::{Command, ReportArgs};
use super::{tables, text, CliError};
use crate::analysis::Analysis;
use crate::insights::InsightReport;
use crate::report::Report;

/// Renders `report` for `args.command`.
///
/// # Errors
/// When the JSON cannot be written, or `session --id` names no session.
pub fn render(
    args: &ReportArgs,
    report: &Report,
    analysis: &Analysis,
    insights: &InsightReport,
) -> Result<String, CliError> {
    if args.command == Command::Session {
        if let Some(id) = &args.id {
            let detail = analysis.find_session(id).ok_or_else(|| {
                CliError::Usage(format!("no session {id:?} in the data (after filters)"))
            })?;
            return if args.json {
                pretty(&json!({ "session": detail }))
            } else {
                Ok(tables::session_detail(&detail, analysis.tz))
            };
        }
    }
    if args.json {
        let rows = |name: &str, rows: Value| json!({ name: rows, "total": report.total, "filter": report.filter });
        let value = match args.command {
            Command::Report
            | Command::LedgerExport
            | Command::Plans
            | Command::WhatIf
            | Command::Otlp => return pretty(report),
            Command::Daily => rows("daily", serde_json::to_value(daily(report))?),
            Command::Weekly => rows("weekly", serde_json::to_value(&report.analytics.weeks)?),
            Command::Monthly => rows("monthly", serde_json::to_value(&report.analytics.months)?),
            Command::Session => rows("sessions", serde_json::to_value(&report.sessions)?),
            Command::Blocks => rows("blocks", serde_json::to_value(&report.analytics.blocks)?),
            Command::Models => rows(
                "models",
                serde_json::to_value(&report.analytics.model_comparison)?,
            ),
            Command::Tools => rows(
                "tools",
                serde_json::to_value(&report.analytics.tool_health)?,
            ),
            Command::Insights => {
                json!({ "insights": insights.insights, "not_covered": insights.not_covered })
            }
        };
        return pretty(&value);
    }
    Ok(match args.command {
        Command::Report
        | Command::LedgerExport
        | Command::Plans
        | Command::WhatIf
        | Command::Otlp => text::render(report),
        Command::Daily => tables::periods("Daily", "Date", &daily(report), report),
        Command::Weekly => tables::periods("Weekly", "Week", &report.analytics.weeks, report),
        Command::Monthly => tables::periods("Monthly", "Month", &report.analytics.months, report),
        Command::Session => tables::sessions(report),
        Command::Blocks => tables::blocks(report),
        Command::Models => tables::models(report),
        Command::Tools => tables::tools(report),
        Command::Insights => tables::insights(insights),
    })
}

/// One row per day (all agents and models of the day), from the analysis' day periods.
fn daily(report: &Report) -> Vec<crate::report::analytics::PeriodReport> {
    report.analytics.day_totals.clone()
}

fn pretty<T: Serialize + ?Sized>(value: &T) -> Result<String, CliError> {
    Ok(serde_json::to_string_pretty(value)? + "\n")
}
