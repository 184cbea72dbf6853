//! `concentration`: a few sessions carry most of the spend.
//!
//! Why it matters: when a tenth of the sessions carries half the cost, those sessions are where
//! every saving is; looking at them (their context sizes, model, retries) pays more than any
//! habit spread over all sessions.
//!
//! Rule: the top-decile figure of [`crate::analysis::drivers`]: the `ceil(sessions / 10)` most
//! expensive sessions and their share of the total cost. Reported when there are at least
//! [`CONCENTRATION_MIN_SESSIONS`] sessions and that share is at least [`CONCENTRATION_SHARE`].
//! Figure: the share in percent. Severity info.

use crate::analysis::Analysis;

use super::common::{percent, plural, session_label};
use super::thresholds::{CONCENTRATION_MIN_SESSIONS, CONCENTRATION_SHARE, MAX_EVIDENCE};
use super::{Insight, Severity};

pub const ID: &str = "concentration";

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let d = &analysis.drivers;
    let sessions = analysis.sessions.len();
    if sessions < CONCENTRATION_MIN_SESSIONS || d.top_decile_share < CONCENTRATION_SHARE {
        return Vec::new();
    }
    let top = usize::try_from(d.top_decile_sessions).unwrap_or(usize::MAX);
    let share = d.top_decile_share * 100.0;
    let evidence = d
        .top_sessions
        .iter()
        .take(top.min(MAX_EVIDENCE))
        .filter_map(|s| s.agent.map(|a| session_label(a, &s.name)))
        .collect();
    vec![Insight {
        id: ID.to_owned(),
        severity: Severity::Info,
        title: format!(
            "{} ({:.0}% of {sessions}) {} {share:.0}% of the spend",
            plural(d.top_decile_sessions, "session"),
            percent(d.top_decile_sessions, sessions as u64),
            if d.top_decile_sessions == 1 {
                "carries"
            } else {
                "carry"
            }
        ),
        figure: share,
        unit: "%".to_owned(),
        evidence,
        advice: "Open the sessions listed first: look at how large their context grew, which \
                 model they ran on, and whether they retried or re-read the same files. Savings \
                 there (a fresh session per task, a cheaper model for routine turns) outweigh any \
                 change spread over all your sessions."
            .to_owned(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, cost, ledger, tokens};
    use crate::insights::fixture::{HOUR, SONNET, T0};
    use crate::model::Agent;

    /// `n` sessions: `big` has `big_out` output tokens, the others 1000 each.
    fn fixture(n: usize, big_out: u64) -> (Vec<Insight>, f64) {
        let mut usage = vec![call(
            Agent::Claude,
            "big",
            T0,
            SONNET,
            tokens(0, big_out, 0),
        )];
        for i in 1..n {
            let ms = T0 + i as i64 * HOUR;
            usage.push(call(
                Agent::Codex,
                &format!("s{i}"),
                ms,
                SONNET,
                tokens(0, 1000, 0),
            ));
        }
        let big = cost(SONNET, &tokens(0, big_out, 0));
        let total = big + (n as u64 - 1) * cost(SONNET, &tokens(0, 1000, 0));
        let want = big as f64 * 100.0 / total as f64;
        (run(&analyze(&ledger(usage, Vec::new(), Vec::new()))), want)
    }

    #[test]
    fn one_session_in_ten_carrying_half_is_reported() {
        let (found, want) = fixture(10, 9_000);
        assert_eq!(found.len(), 1);
        assert_close(found[0].figure, want);
        assert_close(found[0].figure, 50.0);
        assert_eq!(found[0].evidence, ["claude:big"]);
        assert_eq!(
            found[0].title,
            "1 session (10% of 10) carries 50% of the spend"
        );
    }

    #[test]
    fn just_under_half_or_too_few_sessions_is_quiet() {
        let (found, want) = fixture(10, 8_999);
        assert!(want < 50.0);
        assert!(found.is_empty());
        let (found, want) = fixture(9, 20_000);
        assert!(want > 50.0);
        assert!(found.is_empty());
    }
}
