//! `marathon-sessions`: sessions that run for hours or hundreds of calls.
//!
//! Why it matters: the longer a session runs, the larger the context every call re-reads, so a
//! marathon pays more per turn than the same work split over fresh sessions. Their share of the
//! spend says how much is at stake.
//!
//! Rule: a session is a marathon when it lasts longer than [`MARATHON_MS`] (last minus first
//! timestamp of its calls and messages, [`crate::analysis::SessionFacts::duration_ms`]) or has
//! more than [`MARATHON_CALLS`] model calls. One insight when there is at least one. Figure: the
//! marathons' share of the total cost, in percent. Evidence: the marathons, the most expensive
//! first.

use crate::analysis::{Analysis, SessionFacts};

use super::common::{dollars, percent, plural, session_label};
use super::thresholds::{MARATHON_CALLS, MARATHON_MS, MAX_EVIDENCE};
use super::{Insight, Severity};

pub const ID: &str = "marathon-sessions";

/// True when `s` is a marathon.
#[must_use]
pub fn is_marathon(s: &SessionFacts) -> bool {
    s.duration_ms() > MARATHON_MS || s.totals.calls > MARATHON_CALLS
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let mut marathons: Vec<&SessionFacts> = analysis
        .sessions
        .values()
        .filter(|s| is_marathon(s))
        .collect();
    if marathons.is_empty() {
        return Vec::new();
    }
    marathons.sort_by_key(|s| std::cmp::Reverse(s.totals.cost_pico));
    let cost = marathons
        .iter()
        .fold(0u64, |s, m| s.saturating_add(m.totals.cost_pico));
    let share = percent(cost, analysis.kpis.totals.cost_pico);
    vec![Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "{} over {} hours or {MARATHON_CALLS} calls carry {share:.0}% of the spend ({})",
            plural(marathons.len() as u64, "session"),
            MARATHON_MS / 3_600_000,
            dollars(cost)
        ),
        figure: share,
        unit: "%".to_owned(),
        evidence: marathons
            .iter()
            .take(MAX_EVIDENCE)
            .map(|s| session_label(s.agent, &s.session))
            .collect(),
        advice: "Split long sessions at task boundaries: finish a task, note what the next one \
                 needs (in the project's instructions file or a short summary), and start a new \
                 session. Each call re-reads the whole context, so the last hours of a marathon \
                 are its most expensive."
            .to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, cost, ledger, tokens};
    use crate::insights::fixture::{HOUR, SONNET, T0};
    use crate::model::Agent;

    /// Session `long` spans `span_ms` over two calls; session `busy` has `calls` calls a second
    /// apart; session `short` one call. Returns the insights and each session's cost.
    fn fixture(span_ms: i64, calls: u64) -> (Vec<Insight>, u64, u64, u64) {
        let t = tokens(1_000, 100, 0);
        let mut usage = vec![
            call(Agent::Claude, "long", T0, SONNET, t),
            call(Agent::Claude, "long", T0 + span_ms, SONNET, t),
            call(Agent::Gemini, "short", T0, SONNET, tokens(5_000, 0, 0)),
        ];
        for i in 0..calls {
            let ms = T0 + i as i64 * 1000;
            usage.push(call(Agent::Codex, "busy", ms, SONNET, tokens(10, 1, 0)));
        }
        let found = run(&analyze(&ledger(usage, Vec::new(), Vec::new())));
        (
            found,
            2 * cost(SONNET, &t),
            calls * cost(SONNET, &tokens(10, 1, 0)),
            cost(SONNET, &tokens(5_000, 0, 0)),
        )
    }

    #[test]
    fn a_session_over_four_hours_is_a_marathon() {
        let (found, long, busy, short) = fixture(4 * HOUR + 1, 500);
        assert_eq!(found.len(), 1);
        assert_close(
            found[0].figure,
            long as f64 * 100.0 / (long + busy + short) as f64,
        );
        assert_eq!(found[0].unit, "%");
        assert_eq!(found[0].evidence, ["claude:long"]);
    }

    #[test]
    fn a_session_over_five_hundred_calls_is_a_marathon() {
        let (found, long, busy, short) = fixture(HOUR, 501);
        assert_eq!(found.len(), 1);
        assert_close(
            found[0].figure,
            busy as f64 * 100.0 / (long + busy + short) as f64,
        );
        assert_eq!(found[0].evidence, ["codex:busy"]);
    }

    #[test]
    fn exactly_four_hours_and_five_hundred_calls_are_not() {
        let (found, ..) = fixture(4 * HOUR, 500);
        assert!(found.is_empty());
    }
}
