//! `retry-waste`: a tool called again with the very same input right after it failed.
//!
//! Why it matters: repeating a failed call unchanged rarely succeeds; each attempt pays for the
//! call and its error again. An agent that does this often is missing what would make the call
//! work (a permission, a path, a service) or what would tell it to stop.
//!
//! Rule: per (agent, tool), each session's calls of the tool are put in order of start time
//! (then id; calls without a start time cannot be ordered and are left out of the pairing). A
//! call is a *blind retry* when the previous call of the same tool in the same session failed and
//! had the same input hash. A tool is reported when it has at least [`RETRY_MIN_CALLS`] calls and
//! blind retries make up at least [`RETRY_SHARE`] of them. One insight per tool, the highest share
//! first, at most [`MAX_INSIGHTS_PER_DETECTOR`]. Figure: blind retries / calls of the tool, in
//! percent.

use std::collections::BTreeMap;

use crate::analysis::Analysis;
use crate::model::{Agent, ToolCall};

use super::common::{percent, plural, session_label};
use super::thresholds::{MAX_EVIDENCE, MAX_INSIGHTS_PER_DETECTOR, RETRY_MIN_CALLS, RETRY_SHARE};
use super::{Insight, Severity};

pub const ID: &str = "retry-waste";

#[derive(Default)]
struct ToolRetries<'a> {
    calls: u64,
    retries: u64,
    /// Each session's timed calls, to be ordered.
    sessions: BTreeMap<&'a str, Vec<&'a ToolCall>>,
    /// Blind retries per session.
    retried_in: BTreeMap<&'a str, u64>,
}

/// The number of blind retries among one session's calls of one tool.
#[must_use]
pub fn blind_retries(calls: &mut [&ToolCall]) -> u64 {
    // Calls that started in the same millisecond (parallel calls of one message) in the order
    // they were read, then by key (ids are digests, which order nothing of their own).
    calls.sort_by(|a, b| (a.start_ms, &a.source, a.key).cmp(&(b.start_ms, &b.source, b.key)));
    calls
        .windows(2)
        .filter(|w| {
            w[0].is_error && w[0].input_hash.is_some() && w[0].input_hash == w[1].input_hash
        })
        .count() as u64
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let mut tools: BTreeMap<(Agent, &str), ToolRetries<'_>> = BTreeMap::new();
    for t in analysis.ledger.tools.values() {
        let name = t.name.as_deref().unwrap_or("unknown");
        let acc = tools.entry((t.key.agent, name)).or_default();
        acc.calls += 1;
        if t.start_ms.is_some() {
            acc.sessions.entry(t.session.as_str()).or_default().push(t);
        }
    }
    for acc in tools.values_mut() {
        for (session, calls) in &mut acc.sessions {
            let n = blind_retries(calls);
            if n > 0 {
                acc.retries += n;
                acc.retried_in.insert(session, n);
            }
        }
    }
    let mut found: Vec<((Agent, &str), ToolRetries<'_>, f64)> = tools
        .into_iter()
        .filter(|(_, acc)| acc.calls >= RETRY_MIN_CALLS)
        .map(|(k, acc)| {
            let share = percent(acc.retries, acc.calls);
            (k, acc, share)
        })
        .filter(|(_, acc, share)| acc.retries > 0 && *share >= RETRY_SHARE * 100.0)
        .collect();
    found.sort_by(|a, b| b.2.total_cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    found
        .iter()
        .take(MAX_INSIGHTS_PER_DETECTOR)
        .map(|((agent, name), acc, share)| insight(*agent, name, acc, *share))
        .collect()
}

fn insight(agent: Agent, name: &str, acc: &ToolRetries<'_>, share: f64) -> Insight {
    let mut sessions: Vec<(&&str, &u64)> = acc.retried_in.iter().collect();
    sessions.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut evidence = vec![name.to_owned()];
    evidence.extend(
        sessions
            .iter()
            .take(MAX_EVIDENCE)
            .map(|(s, _)| session_label(agent, s)),
    );
    Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "{share:.0}% of {name} calls ({agent}) repeat a call that had just failed with the \
             same input ({} of {})",
            acc.retries,
            plural(acc.calls, "call")
        ),
        figure: share,
        unit: "%".to_owned(),
        evidence,
        advice: format!(
            "A failed {name} call repeated unchanged fails again. Look at the first failure in the \
             sessions listed and fix its cause (permission, path, missing dependency, a service \
             that is down), and tell the agent in the project's instructions file to change the \
             input or stop after a failure rather than retry the same call."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, ledger, tool, MINUTE, T0};

    /// `calls` calls of Bash in session `s`, each with its own input, except that each of the
    /// first `retries` pairs is a failure followed by the same input again. Inserted newest
    /// first, so the order comes from the start times.
    fn fixture(calls: u64, retries: u64) -> Vec<Insight> {
        let mut tools: Vec<ToolCall> = (0..calls)
            .map(|i| {
                let pair = i / 2;
                let is_retry_pair = pair < retries;
                let mut t = tool(
                    Agent::Codex,
                    "s",
                    &format!("z{}", calls - i),
                    "shell",
                    T0 + i as i64 * MINUTE,
                    is_retry_pair && i % 2 == 0,
                );
                t.input_hash = Some(if is_retry_pair { pair } else { 1000 + i }).into();
                t
            })
            .collect();
        tools.reverse();
        run(&analyze(&ledger(Vec::new(), tools, Vec::new())))
    }

    #[test]
    fn one_blind_retry_in_ten_calls_is_reported() {
        let found = fixture(10, 1);
        assert_eq!(found.len(), 1);
        assert_close(found[0].figure, 100.0 * 1.0 / 10.0);
        assert_eq!(found[0].unit, "%");
        assert_eq!(found[0].evidence, ["shell", "codex:s"]);
    }

    #[test]
    fn just_under_the_share_or_the_count_is_quiet() {
        assert!(fixture(11, 1).is_empty());
        assert!(fixture(9, 4).is_empty());
    }

    #[test]
    fn a_changed_input_or_an_earlier_success_is_not_a_retry() {
        let mk = |id: &str, ms: i64, error: bool, hash: u64| {
            let mut t = tool(Agent::Claude, "s", id, "Bash", T0 + ms, error);
            t.input_hash = Some(hash).into();
            t
        };
        let mut calls = [
            mk("a", 0, true, 1),
            mk("b", 1, false, 2), // changed input after a failure
            mk("c", 2, false, 2), // same input after a success
            mk("d", 3, true, 3),
            mk("e", 4, false, 3), // a blind retry
        ];
        let mut refs: Vec<&ToolCall> = calls.iter().collect();
        assert_eq!(blind_retries(&mut refs), 1);
        calls[3].input_hash = Default::default();
        calls[4].input_hash = Default::default();
        let mut refs: Vec<&ToolCall> = calls.iter().collect();
        assert_eq!(blind_retries(&mut refs), 0, "no hash, no identical input");
    }
}
