//! The projects view: cost, tokens, sessions, tool calls and average session duration per
//! working directory (short label, the full path in `title`), with the git branches seen in it.

use std::sync::Arc;

use agentmeter::report::analytics::ProjectReport;
use leptos::prelude::*;

use super::models::{cartesian, chart, Series};
use super::sessions::{table, Col, Csv, Num, Table};
use crate::analysis::Analysis;

/// How many projects the chart shows.
const TOP: usize = 15;

type P = ProjectReport;

fn columns() -> Vec<Col<P>> {
    vec![
        Col::new("Project", "project", false, |a: &P, b: &P| {
            a.label.cmp(&b.label)
        }),
        Col::new("Agents", "agents", false, |a: &P, b: &P| {
            a.agents.cmp(&b.agents)
        }),
        Col::new("Branches", "branches", true, |a: &P, b: &P| {
            a.branches.len().cmp(&b.branches.len())
        }),
        Col::new("Sessions", "sessions", true, |a: &P, b: &P| {
            a.sessions.cmp(&b.sessions)
        }),
        Col::new("Tool calls", "tool-calls", true, |a: &P, b: &P| {
            a.tool_calls.cmp(&b.tool_calls)
        }),
        Col::new("Avg duration", "duration", true, |a: &P, b: &P| {
            a.avg_session_ms.cmp(&b.avg_session_ms)
        }),
        Col::new("Calls", "calls", true, |a: &P, b: &P| {
            a.totals.calls.cmp(&b.totals.calls)
        }),
        Col::new("Tokens", "tokens", true, |a: &P, b: &P| {
            a.totals.tokens.total.cmp(&b.totals.tokens.total)
        }),
        Col::new("Cost", "cost", true, |a: &P, b: &P| {
            a.totals.cost_usd.total_cmp(&b.totals.cost_usd)
        }),
    ]
}

fn row(p: &P) -> AnyView {
    let path = p
        .project
        .clone()
        .unwrap_or_else(|| "No working directory recorded".to_owned());
    let agents = p
        .agents
        .iter()
        .map(|a| {
            let id = a.as_str();
            view! { <span class=format!("dot a-{id}") title=a.label()></span> }
        })
        .collect_view();
    let branches = p.branches.join(", ");
    let branches_title = branches.clone();
    view! {
        <tr data-testid="project-row" data-project=p.label.clone()>
            <td class="clip" title=path>{p.label.clone()}</td>
            <td>{agents}</td>
            <td class="clip mono small" data-col="branches" data-value=p.branches.len().to_string()
                title=branches_title>
                {if branches.is_empty() { "–".to_owned() } else { branches }}
            </td>
            {Num::Count(p.sessions).td_col("sessions")}
            {Num::Count(p.tool_calls).td_col("tool-calls")}
            {Num::Ms(p.avg_session_ms).td_col("duration")}
            {Num::Count(p.totals.calls).td_col("calls")}
            {Num::Tokens(p.totals.tokens.total).td_col("tokens")}
            {Num::Usd(p.totals.cost_usd).td_col("cost")}
        </tr>
    }
    .into_any()
}

/// The projects view.
#[component]
pub fn ProjectsView(analysis: Analysis) -> impl IntoView {
    let rows = Arc::new(analysis.report.analytics.projects.clone());
    let n = rows.len();
    let mut top: Vec<&P> = rows.iter().collect();
    top.sort_by(|a, b| b.totals.cost_usd.total_cmp(&a.totals.cost_usd));
    top.truncate(TOP);
    let option = cartesian(
        &top.iter().map(|p| p.label.clone()).collect::<Vec<_>>(),
        &[Series::bar(
            "Cost (USD)",
            "--cost",
            top.iter()
                .map(|p| (p.totals.cost_usd * 100.0).round() / 100.0)
                .collect(),
        )],
        true,
    );
    let spec = Table {
        testid: "projects-table",
        caption: "Projects".to_owned(),
        class: "fixed projects",
        cols: columns(),
        sort: (8, true),
        page: 100,
        row: Arc::new(row),
        search: Some(("Filter by project or branch", |p: &P, q: &str| {
            p.label.to_lowercase().contains(q)
                || p.project
                    .as_deref()
                    .is_some_and(|x| x.to_lowercase().contains(q))
                || p.branches.iter().any(|b| b.to_lowercase().contains(q))
        })),
        csv: Some(Csv {
            name: "projects",
            header: &[
                "project",
                "label",
                "agents",
                "branches",
                "sessions",
                "tool_calls",
                "avg_session_ms",
                "calls",
                "tokens",
                "cost_usd",
            ],
            row: |p: &P| {
                vec![
                    p.project.clone().unwrap_or_default(),
                    p.label.clone(),
                    p.agents
                        .iter()
                        .map(|a| a.as_str())
                        .collect::<Vec<_>>()
                        .join(" "),
                    p.branches.join(" "),
                    p.sessions.to_string(),
                    p.tool_calls.to_string(),
                    p.avg_session_ms.to_string(),
                    p.totals.calls.to_string(),
                    p.totals.tokens.total.to_string(),
                    crate::format::data_f64(p.totals.cost_usd),
                ]
            },
        }),
    };
    let body = if n == 0 {
        view! { <div class="panel"><p class="muted">"No projects in this analysis."</p></div> }
            .into_any()
    } else {
        view! {
            <div class="panel">
                <h2>"Projects" <span class="muted">{format!(" ({n})")}</span></h2>
                <p class="small muted">
                    "A project is the working directory the agent recorded (Gemini records only a \
                     hash of it). Tool calls count toward their session's project."
                </p>
                {table(spec, rows)}
            </div>
            <div class="panel">
                <h2>{format!("Top {TOP} projects by cost")}</h2>
                {chart(format!("Cost of the {TOP} most expensive projects; the same figures are in the projects table"),
                    "chart-projects", option)}
            </div>
        }
        .into_any()
    };
    view! { <section data-testid="view-projects" class="view">{body}</section> }
}
