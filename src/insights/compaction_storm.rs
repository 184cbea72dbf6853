//! `compaction-storm`: a session that ran out of context again and again.
//!
//! Why it matters: a compaction summarizes the conversation to make room, and the agent then
//! rebuilds what it lost by reading files and re-running commands. A session compacted many times
//! is doing several tasks' worth of work in one context, paying for the rebuilding each time.
//!
//! Rule: a session with at least [`COMPACTION_STORM_MIN`] compaction markers
//! ([`crate::model::MessageRecord::compaction`], counted in
//! [`crate::analysis::SessionFacts::compactions`]). One insight per session, the most compacted
//! first, at most [`MAX_INSIGHTS_PER_DETECTOR`]. Figure: the number of compactions. Agents whose
//! format writes no compaction marker (Gemini) are listed as not covered.

use crate::analysis::{Analysis, SessionFacts};

use super::common::{dollars, session_label};
use super::thresholds::{COMPACTION_STORM_MIN, MAX_INSIGHTS_PER_DETECTOR};
use super::{Insight, Severity};

pub const ID: &str = "compaction-storm";

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let mut found: Vec<&SessionFacts> = analysis
        .sessions
        .values()
        .filter(|s| s.compactions >= COMPACTION_STORM_MIN)
        .collect();
    // Sessions iterate in key order, so equal counts stay in a stable order.
    found.sort_by_key(|s| std::cmp::Reverse(s.compactions));
    found
        .into_iter()
        .take(MAX_INSIGHTS_PER_DETECTOR)
        .map(insight)
        .collect()
}

fn insight(s: &SessionFacts) -> Insight {
    let label = session_label(s.agent, &s.session);
    let mut evidence = vec![label.clone()];
    evidence.extend(s.project.clone());
    Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "{label} was compacted {} times ({} over {} calls)",
            s.compactions,
            dollars(s.totals.cost_pico),
            s.totals.calls
        ),
        figure: s.compactions as f64,
        unit: "compactions".to_owned(),
        evidence,
        advice: "This session outgrew its context again and again, and after each compaction the \
                 agent pays to rebuild what it forgot. Split the work into one session per task, \
                 keep bulky output (logs, test runs, large diffs) out of the context by writing it \
                 to a file and searching it, and put standing instructions in the project's \
                 instructions file instead of repeating them."
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, call, compaction, ledger, tokens, MINUTE};
    use crate::insights::fixture::{SONNET, T0};
    use crate::model::Agent;

    /// One session with `n` compactions (and a model call, so it is a session of the analysis).
    fn fixture(n: u64) -> Vec<Insight> {
        let usage = vec![call(Agent::Claude, "s", T0, SONNET, tokens(100, 10, 0))];
        let messages = (0..n)
            .map(|i| compaction(Agent::Claude, "s", &format!("c{i}"), T0 + i as i64 * MINUTE))
            .collect();
        run(&analyze(&ledger(usage, Vec::new(), messages)))
    }

    #[test]
    fn five_compactions_are_a_storm() {
        let found = fixture(5);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].figure, 5.0);
        assert_eq!(found[0].unit, "compactions");
        assert_eq!(found[0].evidence, ["claude:s", "/work/app"]);
    }

    #[test]
    fn four_are_not() {
        assert!(fixture(4).is_empty());
    }
}
