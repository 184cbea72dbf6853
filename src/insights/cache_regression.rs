//! `cache-regression`: the prompt cache stopped working as well as it did.
//!
//! Why it matters: a cache read costs a tenth of fresh input on most models, so a falling hit
//! rate raises the price of every call. It usually has a cause that can be undone: a changed
//! instructions file or tool list at the top of the prompt, a new MCP server, long pauses that
//! let the cache expire, a model switch mid-session.
//!
//! Rule: per agent (agents cache differently, so a shift from one agent to another is not a
//! regression), the *recent* window is the last [`CACHE_WINDOW_DAYS`] calendar days, in the
//! report's time zone, ending at the last day with a call of any agent in the analysis (so under
//! a date filter, the last days of the filter that have data); the *previous* window is the
//! [`CACHE_WINDOW_DAYS`] days before it. Hit rate = cache reads / (input + cache writes + cache
//! reads) over the window's calls. Both windows need at least [`CACHE_WINDOW_MIN_CALLS`] calls
//! with prompt tokens; the agent is reported when its rate fell by at least
//! [`CACHE_REGRESSION_POINTS`] percentage points. Figure: the drop in points.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};

use crate::analysis::{Analysis, Call};
use crate::filter::day_of;
use crate::model::{Agent, Tokens};

use super::common::{percent, session_label};
use super::thresholds::{
    CACHE_REGRESSION_POINTS, CACHE_WINDOW_DAYS, CACHE_WINDOW_MIN_CALLS, MAX_EVIDENCE,
};
use super::{Insight, Severity};

pub const ID: &str = "cache-regression";

#[derive(Default)]
struct Window<'a> {
    calls: u64,
    tokens: Tokens,
    /// Uncached prompt tokens (input + cache writes) per session, to name the worst sessions.
    uncached: BTreeMap<&'a str, u64>,
}

impl Window<'_> {
    fn rate(&self) -> f64 {
        percent(self.tokens.cache_read, self.tokens.prompt())
    }
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let Some(last) = analysis.calls.last() else {
        return Vec::new();
    };
    let last_day = day_of(last.timestamp_ms(), analysis.tz);
    let recent_start = last_day - Duration::days(CACHE_WINDOW_DAYS - 1);
    let previous_start = recent_start - Duration::days(CACHE_WINDOW_DAYS);
    let mut windows: BTreeMap<Agent, (Window<'_>, Window<'_>)> = BTreeMap::new();
    for c in &analysis.calls {
        if c.tokens().prompt() == 0 {
            continue;
        }
        let day = day_of(c.timestamp_ms(), analysis.tz);
        let (previous, recent) = windows.entry(c.agent()).or_default();
        let w = if day >= recent_start {
            recent
        } else if day >= previous_start {
            previous
        } else {
            continue;
        };
        add(w, c);
    }
    windows
        .into_iter()
        .filter(|(_, (p, r))| {
            p.calls >= CACHE_WINDOW_MIN_CALLS && r.calls >= CACHE_WINDOW_MIN_CALLS
        })
        .filter_map(|(agent, (p, r))| {
            let drop = p.rate() - r.rate();
            (drop >= CACHE_REGRESSION_POINTS).then(|| {
                insight(
                    agent,
                    &p,
                    &r,
                    drop,
                    (previous_start, recent_start, last_day),
                )
            })
        })
        .collect()
}

fn add<'a>(w: &mut Window<'a>, c: &'a Call) {
    w.calls += 1;
    w.tokens.add(c.tokens());
    *w.uncached.entry(c.session().as_str()).or_default() +=
        c.tokens().input + c.tokens().cache_write();
}

fn insight(
    agent: Agent,
    previous: &Window<'_>,
    recent: &Window<'_>,
    drop: f64,
    (previous_start, recent_start, last_day): (NaiveDate, NaiveDate, NaiveDate),
) -> Insight {
    let previous_end = recent_start - Duration::days(1);
    let mut evidence = vec![
        format!(
            "{agent} {previous_start} to {previous_end}: {:.1}% of prompt tokens from cache",
            previous.rate()
        ),
        format!(
            "{agent} {recent_start} to {last_day}: {:.1}% of prompt tokens from cache",
            recent.rate()
        ),
    ];
    let mut worst: Vec<(&&str, &u64)> = recent.uncached.iter().collect();
    worst.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    evidence.extend(
        worst
            .iter()
            .take(MAX_EVIDENCE)
            .map(|(s, _)| session_label(agent, s)),
    );
    Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "{} cache hit rate fell {drop:.0} points in the last {CACHE_WINDOW_DAYS} days \
             ({:.0}% to {:.0}%)",
            agent.label(),
            previous.rate(),
            recent.rate()
        ),
        figure: drop,
        unit: "points".to_owned(),
        evidence,
        advice: format!(
            "Find what changed at the start of the prompt around {recent_start}: an edited \
             instructions file, a new or changed MCP server or tool list, a different model, or \
             sessions resumed after the cache expired (5 minutes idle by default). Keep the stable \
             part of the prompt unchanged, and resume work within the cache lifetime. The \
             sessions listed read the most uncached tokens."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, ledger, tokens, DAY, SONNET, T0};

    /// Ten calls on the first day of each window and one on the last day, with `before` (previous
    /// window) and `after` (recent window) cache reads out of 1000 prompt tokens each.
    fn fixture(before: u64, after: u64) -> Vec<Insight> {
        let mut usage = Vec::new();
        for i in 0..10 {
            // Previous window: day 0; recent window: days 7 to 13 (the last call on day 13).
            let ms = T0 + i * 60_000;
            usage.push(call(
                Agent::Claude,
                "old",
                ms,
                SONNET,
                tokens(1000 - before, 1, before),
            ));
            let ms = T0 + 7 * DAY + i * 60_000;
            usage.push(call(
                Agent::Claude,
                "new",
                ms,
                SONNET,
                tokens(1000 - after, 1, after),
            ));
        }
        usage.push(call(
            Agent::Claude,
            "new",
            T0 + 13 * DAY,
            SONNET,
            tokens(1000 - after, 1, after),
        ));
        // A call before both windows does not count.
        usage.push(call(
            Agent::Claude,
            "ancient",
            T0 - DAY,
            SONNET,
            tokens(1000, 1, 0),
        ));
        run(&analyze(&ledger(usage, Vec::new(), Vec::new())))
    }

    #[test]
    fn a_drop_of_fifteen_points_is_reported() {
        let found = fixture(800, 650);
        assert_eq!(found.len(), 1);
        assert_close(found[0].figure, 800.0 / 10.0 - 650.0 / 10.0);
        assert_eq!(found[0].unit, "points");
        assert_eq!(
            found[0].evidence,
            [
                "claude 2026-01-05 to 2026-01-11: 80.0% of prompt tokens from cache",
                "claude 2026-01-12 to 2026-01-18: 65.0% of prompt tokens from cache",
                "claude:new",
            ]
        );
    }

    #[test]
    fn a_smaller_drop_or_an_empty_window_is_quiet() {
        assert!(fixture(800, 651).is_empty());
        // Only the recent window has data.
        let usage = (0..20)
            .map(|i| {
                call(
                    Agent::Claude,
                    "s",
                    T0 + i * DAY / 4,
                    SONNET,
                    tokens(900, 1, 100),
                )
            })
            .collect();
        assert!(run(&analyze(&ledger(usage, Vec::new(), Vec::new()))).is_empty());
    }
}
