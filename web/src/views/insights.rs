//! The insights view: every finding (severity, title, figure, evidence, advice), and the list of
//! detectors that could not look at some agent's data, and why.
//!
//! Evidence that names a session (`agent:session`) links to the session view; everything else
//! (files, tools, date ranges) is shown as text.

use std::sync::Arc;

use agentmeter::insights::{Insight, NotCovered, Severity};
use agentmeter::model::Agent;
use leptos::prelude::*;

use super::session::session_href;
use super::sessions::{table, Col, RowFn, Table};
use crate::analysis::Analysis;
use crate::format::{data_f64, usd, usd_exact};

/// The label and class of a severity.
#[must_use]
pub fn severity(s: Severity) -> (&'static str, &'static str) {
    match s {
        Severity::Critical => ("critical", "badge bad"),
        Severity::Warning => ("warning", "badge warn"),
        Severity::Info => ("info", "badge info"),
    }
}

/// A figure in its unit, short: `$1.23`, `42.0%`, `3.5×`, `12 reads`.
#[must_use]
pub fn figure_text(figure: f64, unit: &str) -> String {
    let plain = if figure.fract() == 0.0 && figure.abs() < 1e15 {
        format!("{figure:.0}")
    } else {
        format!("{figure:.1}")
    };
    match unit {
        "usd" => usd(figure),
        "%" => format!("{figure:.1}%"),
        "x" => format!("{figure:.1}×"),
        "" => plain,
        other => format!("{plain} {other}"),
    }
}

/// The same figure with every digit, for `title`.
fn figure_exact(figure: f64, unit: &str) -> String {
    match unit {
        "usd" => usd_exact(figure),
        "%" | "x" => format!("{figure}{unit}"),
        other => format!("{figure} {other}"),
    }
}

/// The (agent, session) an evidence entry names, if it is written `agent:session`.
#[must_use]
pub fn evidence_session(entry: &str) -> Option<(Agent, &str)> {
    let (agent, session) = entry.split_once(':')?;
    let agent = Agent::ALL.into_iter().find(|a| a.as_str() == agent)?;
    (!session.is_empty() && !session.contains(char::is_whitespace)).then_some((agent, session))
}

fn evidence_item(entry: String, analysis: &Analysis) -> impl IntoView {
    let known = |agent: Agent, session: &str| {
        analysis
            .core
            .as_ref()
            .is_none_or(|c| c.sessions.contains_key(&(agent, session.to_owned())))
    };
    match evidence_session(&entry).filter(|(a, s)| known(*a, s)) {
        Some((_, session)) => {
            let href = session_href(session);
            view! { <li><a class="mono" href=href data-testid="evidence-session">{entry}</a></li> }
                .into_any()
        }
        None => view! { <li class="mono evidence-text">{entry}</li> }.into_any(),
    }
}

fn card(i: Insight, analysis: &Analysis) -> impl IntoView {
    let (sev, class) = severity(i.severity);
    let evidence = i
        .evidence
        .into_iter()
        .map(|e| evidence_item(e, analysis))
        .collect_view();
    view! {
        <article class=format!("panel insight sev-{sev}") data-testid=format!("insight-{}", i.id)
            data-value=data_f64(i.figure) data-severity=sev>
            <header class="insight-head">
                <span class=class>{sev}</span>
                <h3>{i.title}</h3>
                <span class="fig insight-figure" data-value=data_f64(i.figure) data-unit=i.unit.clone()
                    title=figure_exact(i.figure, &i.unit)>
                    {figure_text(i.figure, &i.unit)}
                </span>
            </header>
            <ul class="evidence" tabindex="0" aria-label="Evidence">{evidence}</ul>
            <p class="advice">{i.advice}</p>
        </article>
    }
}

type G = NotCovered;

fn not_covered(list: Vec<NotCovered>) -> impl IntoView {
    let row: RowFn<G> = Arc::new(|n: &G| {
        view! {
            <tr data-testid="not-covered-row">
                <td class="mono">{n.detector.clone()}</td>
                <td><span class=format!("dot a-{}", n.agent.as_str())></span>{n.agent.label()}</td>
                <td>{format!("its transcripts do not record {}", n.missing)}</td>
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "insights-not-covered",
        caption: "Detectors that could not run for an agent".to_owned(),
        class: "",
        cols: vec![
            Col::new("Detector", "detector", false, |a: &G, b: &G| {
                a.detector.cmp(&b.detector)
            }),
            Col::new("Agent", "agent", false, |a: &G, b: &G| {
                a.agent.cmp(&b.agent)
            }),
            Col::new("Why", "missing", false, |a: &G, b: &G| {
                a.missing.cmp(&b.missing)
            }),
        ],
        sort: (0, false),
        page: usize::MAX,
        row,
        search: None,
        csv: None,
    };
    table(spec, Arc::new(list))
}

/// The insights view.
#[component]
pub fn InsightsView(analysis: Analysis) -> impl IntoView {
    let report = analysis.report.clone();
    let n = report.insights.len();
    let cards = if n == 0 {
        view! {
            <div class="panel" data-testid="insights-none">
                <p class="muted">"No findings for this analysis."</p>
            </div>
        }
        .into_any()
    } else {
        report
            .insights
            .iter()
            .cloned()
            .map(|i| card(i, &analysis))
            .collect_view()
            .into_any()
    };
    let gaps = report.insights_not_covered.clone();
    let gaps_view = (!gaps.is_empty()).then(|| {
        view! {
            <div class="panel">
                <h2>"Not covered"</h2>
                <p class="small muted">
                    "These detectors need a field that some agents do not write, so they could not \
                     look at those agents' data. No finding from them does not mean nothing to find."
                </p>
                {not_covered(gaps)}
            </div>
        }
    });
    let count = |sev: Severity| report.insights.iter().filter(|i| i.severity == sev).count();
    let summary = format!(
        "{} critical · {} warning · {} info",
        count(Severity::Critical),
        count(Severity::Warning),
        count(Severity::Info)
    );
    view! {
        <section data-testid="view-insights" class="view" data-value=n.to_string()>
            <div class="panel">
                <h2>"Insights" <span class="muted">{format!(" ({n})")}</span></h2>
                <p class="small muted" data-testid="insights-summary">{summary}</p>
            </div>
            <div class="insights">{cards}</div>
            {gaps_view}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn sessions_in_evidence_are_recognised() {
        assert_eq!(
            evidence_session("claude:abc-1"),
            Some((Agent::Claude, "abc-1"))
        );
        assert_eq!(evidence_session("/src/main.rs"), None);
        assert_eq!(
            evidence_session("claude 2025-01-01 to 2025-01-07: 40%"),
            None
        );
        assert_eq!(evidence_session("nobody:abc"), None);
    }

    #[test]
    fn figures_read_in_their_unit() {
        assert_eq!(figure_text(1.5, "usd"), "$1.50");
        assert_eq!(figure_text(42.345, "%"), "42.3%");
        assert_eq!(figure_text(12.0, "reads"), "12 reads");
        assert_eq!(figure_text(3.26, "x"), "3.3×");
    }
}
