//! `tool-failures`: a tool that fails often.
//!
//! Why it matters: a failed call is paid twice, once for the call and its error in the context,
//! again for whatever the agent does to recover. A tool that fails one time in five is usually
//! misconfigured (a path, a permission, an MCP server that is down) or misunderstood by the agent.
//!
//! Rule: the tool-health flags of [`crate::analysis::tools`], per (agent, tool): at least
//! [`TOOL_FAILURE_MIN_CALLS`] calls and a failure rate of at least [`TOOL_FAILURE_FLAG`]
//! (warning), or [`TOOL_FAILURE_CRITICAL`] (critical). One insight per flagged tool, the worst
//! first, at most [`MAX_INSIGHTS_PER_DETECTOR`]. Figure: the failure rate in percent. Every
//! format records whether a tool call failed, so no agent is left out.
//!
//! [`TOOL_FAILURE_MIN_CALLS`]: super::thresholds::TOOL_FAILURE_MIN_CALLS
//! [`TOOL_FAILURE_FLAG`]: super::thresholds::TOOL_FAILURE_FLAG
//! [`TOOL_FAILURE_CRITICAL`]: super::thresholds::TOOL_FAILURE_CRITICAL

use std::collections::BTreeMap;

use crate::analysis::tools::{FailureFlag, ToolHealth};
use crate::analysis::Analysis;
use crate::model::Agent;

use super::common::{plural, session_label};
use super::thresholds::{MAX_EVIDENCE, MAX_INSIGHTS_PER_DETECTOR};
use super::{Insight, Severity};

pub const ID: &str = "tool-failures";

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let mut flagged: Vec<(&ToolHealth, Severity)> = analysis
        .tool_health
        .iter()
        .filter_map(|t| match t.flag? {
            FailureFlag::Critical => Some((t, Severity::Critical)),
            FailureFlag::Flagged => Some((t, Severity::Warning)),
        })
        .collect();
    flagged.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then_with(|| b.0.failure_rate.total_cmp(&a.0.failure_rate))
            .then_with(|| b.0.calls.cmp(&a.0.calls))
            .then_with(|| (a.0.agent, &a.0.name).cmp(&(b.0.agent, &b.0.name)))
    });
    flagged
        .into_iter()
        .take(MAX_INSIGHTS_PER_DETECTOR)
        .map(|(t, severity)| insight(analysis, t, severity))
        .collect()
}

fn insight(analysis: &Analysis, t: &ToolHealth, severity: Severity) -> Insight {
    let mut failures: BTreeMap<(Agent, &str), u64> = BTreeMap::new();
    for c in analysis.ledger.tools.values() {
        if c.is_error && c.key.agent == t.agent && c.name.as_deref().unwrap_or("unknown") == t.name
        {
            *failures.entry((t.agent, c.session.as_str())).or_default() += 1;
        }
    }
    let mut sessions: Vec<((Agent, &str), u64)> = failures.into_iter().collect();
    sessions.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut evidence = vec![t.name.clone()];
    evidence.extend(
        sessions
            .iter()
            .take(MAX_EVIDENCE)
            .map(|((agent, s), _)| session_label(*agent, s)),
    );
    let rate = t.failure_rate * 100.0;
    Insight {
        id: ID.to_owned(),
        severity,
        title: format!(
            "{} ({}) failed {rate:.0}% of the time ({} of {})",
            t.name,
            t.agent,
            t.errors,
            plural(t.calls, "call")
        ),
        figure: rate,
        unit: "%".to_owned(),
        evidence,
        advice: format!(
            "Open the failed {name} calls in the sessions listed and fix the cause once: a wrong \
             path or working directory, a missing permission, a command that is not installed, an \
             MCP server that is down. Then tell the agent how to call {name} correctly in the \
             project's instructions file (CLAUDE.md, AGENTS.md or GEMINI.md), or disable the tool \
             if it cannot work here.",
            name = t.name
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, ledger, tool, MINUTE, T0};

    /// `calls` calls of Bash in two sessions, the first `errors` of them failing.
    fn fixture(calls: u64, errors: u64) -> Vec<Insight> {
        let tools = (0..calls)
            .map(|i| {
                let s = if i % 2 == 0 { "a" } else { "b" };
                let ms = T0 + i as i64 * MINUTE;
                tool(Agent::Claude, s, &format!("t{i}"), "Bash", ms, i < errors)
            })
            .collect();
        run(&analyze(&ledger(Vec::new(), tools, Vec::new())))
    }

    #[test]
    fn twenty_percent_failures_over_ten_calls_warn() {
        let found = fixture(10, 2);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].figure, 2.0 * 100.0 / 10.0);
        assert_eq!(found[0].unit, "%");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].evidence, ["Bash", "claude:a", "claude:b"]);
        assert_eq!(
            found[0].title,
            "Bash (claude) failed 20% of the time (2 of 10 calls)"
        );
    }

    #[test]
    fn half_failing_is_critical() {
        let found = fixture(12, 6);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].figure, 6.0 * 100.0 / 12.0);
        assert_eq!(found[0].severity, Severity::Critical);
    }

    #[test]
    fn just_under_the_rate_or_the_call_count_is_quiet() {
        assert!(fixture(11, 2).is_empty());
        assert!(fixture(9, 9).is_empty());
    }
}
