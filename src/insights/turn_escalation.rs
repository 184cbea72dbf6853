//! `turn-escalation`: a session whose later calls cost far more than its earlier ones.
//!
//! Why it matters: each call re-reads the whole conversation, so a session that keeps going after
//! its task is done pays more and more per turn for history it no longer needs. Starting fresh
//! with a summary resets the price of a turn.
//!
//! Rule: a session's priced calls in time order are split in two halves by count; the first half
//! is the first `n / 2` calls, so the middle call of an odd count belongs to the second half. The
//! session is reported when it has at least [`ESCALATION_MIN_CALLS`] calls, its second half costs
//! at least [`ESCALATION_RATIO`] times its first, and at least
//! [`ESCALATION_MIN_SECOND_HALF_PICO`] on its own. A first half that cost nothing (unpriced or
//! free calls) has no meaningful ratio, so such a session is skipped rather than reported as
//! infinite. One insight per session, the highest ratio first, at most
//! [`MAX_INSIGHTS_PER_DETECTOR`]. Figure: second-half cost / first-half cost (`x`).

use crate::analysis::{Analysis, Call};
use crate::fast_hash::FastMap;
use crate::model::Agent;

use super::common::{dollars, session_label};
use super::thresholds::{
    ESCALATION_MIN_CALLS, ESCALATION_MIN_SECOND_HALF_PICO, ESCALATION_RATIO,
    MAX_INSIGHTS_PER_DETECTOR,
};
use super::{Insight, Severity};

pub const ID: &str = "turn-escalation";

struct Escalation<'a> {
    agent: Agent,
    session: &'a str,
    calls: usize,
    first: u64,
    second: u64,
    ratio: f64,
}

/// The cost of the first and second halves of time-ordered `calls`.
#[must_use]
pub fn halves(calls: &[&Call]) -> (u64, u64) {
    let (first, second) = calls.split_at(calls.len() / 2);
    let sum = |c: &[&Call]| c.iter().fold(0u64, |s, c| s.saturating_add(c.cost_pico));
    (sum(first), sum(second))
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    // `analysis.calls` is in time order, so each session's list is too. A hash map: the
    // sessions found are put in a total order below.
    let mut by_session: FastMap<(Agent, &str), Vec<&Call>> = FastMap::default();
    for c in &analysis.calls {
        by_session
            .entry((c.agent(), c.session().as_str()))
            .or_default()
            .push(c);
    }
    let mut found: Vec<Escalation<'_>> = by_session
        .into_iter()
        .filter(|(_, calls)| calls.len() >= ESCALATION_MIN_CALLS)
        .filter_map(|((agent, session), calls)| {
            let (first, second) = halves(&calls);
            if first == 0 || second < ESCALATION_MIN_SECOND_HALF_PICO {
                return None;
            }
            let ratio = second as f64 / first as f64;
            (ratio >= ESCALATION_RATIO).then_some(Escalation {
                agent,
                session,
                calls: calls.len(),
                first,
                second,
                ratio,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.ratio
            .total_cmp(&a.ratio)
            .then_with(|| (a.agent, a.session).cmp(&(b.agent, b.session)))
    });
    found
        .iter()
        .take(MAX_INSIGHTS_PER_DETECTOR)
        .map(insight)
        .collect()
}

fn insight(e: &Escalation<'_>) -> Insight {
    let label = session_label(e.agent, e.session);
    Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "The second half of {label} cost {:.1}x its first half ({} against {}, {} calls)",
            e.ratio,
            dollars(e.second),
            dollars(e.first),
            e.calls
        ),
        figure: e.ratio,
        unit: "x".to_owned(),
        evidence: vec![label],
        advice: "Each turn re-reads the whole conversation, so late turns of a long session cost \
                 the most. When a task is done, start a new session and carry over a short \
                 summary (or /compact with a note of what to keep) instead of continuing in the \
                 same context."
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, cost, ledger, tokens, MINUTE};
    use crate::insights::fixture::{SONNET, T0};

    /// One session whose calls produce `outputs[i]` output tokens each, a minute apart.
    fn fixture(outputs: &[u64]) -> Vec<Insight> {
        let usage = outputs
            .iter()
            .enumerate()
            .map(|(i, out)| {
                let ms = T0 + i as i64 * MINUTE;
                call(Agent::Claude, "s", ms, SONNET, tokens(0, *out, 0))
            })
            .collect();
        run(&analyze(&ledger(usage, Vec::new(), Vec::new())))
    }

    fn price(outputs: &[u64]) -> u64 {
        outputs
            .iter()
            .map(|o| cost(SONNET, &tokens(0, *o, 0)))
            .sum()
    }

    #[test]
    fn a_second_half_twice_the_first_is_reported() {
        let found = fixture(&[10_000, 10_000, 20_000, 20_000]);
        assert_eq!(found.len(), 1);
        let want = price(&[20_000, 20_000]) as f64 / price(&[10_000, 10_000]) as f64;
        assert_close(found[0].figure, want);
        assert_close(found[0].figure, 2.0);
        assert_eq!(found[0].unit, "x");
        assert_eq!(found[0].evidence, ["claude:s"]);
    }

    #[test]
    fn the_middle_call_of_an_odd_count_is_in_the_second_half() {
        // First half: the first two calls; second half: the last three.
        let found = fixture(&[10_000, 10_000, 10_000, 10_000, 10_000]);
        assert_eq!(found.len(), 0, "3/2 = 1.5x is under the ratio");
        let found = fixture(&[10_000, 10_000, 15_000, 15_000, 10_000]);
        assert_eq!(found.len(), 1);
        let want = price(&[15_000, 15_000, 10_000]) as f64 / price(&[10_000, 10_000]) as f64;
        assert_close(found[0].figure, want);
    }

    #[test]
    fn just_under_the_ratio_or_the_amount_is_quiet() {
        assert!(fixture(&[10_000, 10_000, 19_999, 20_000]).is_empty());
        // 2x, but the second half costs $0.45 (< $0.50).
        assert!(price(&[15_000, 15_000]) < ESCALATION_MIN_SECOND_HALF_PICO);
        assert!(fixture(&[7_500, 7_500, 15_000, 15_000]).is_empty());
        // Too few calls to have halves.
        assert!(fixture(&[10_000, 100_000]).is_empty());
    }

    #[test]
    fn a_free_first_half_is_skipped() {
        assert!(fixture(&[0, 0, 50_000, 50_000]).is_empty());
    }
}
