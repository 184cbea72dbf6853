//! `day-pattern`: when in the week the work happens.
//!
//! Why it matters: subscription plans meter use in five-hour windows and weekly caps, so knowing
//! the busiest weekday and hour tells where limits will bite and when long unattended runs are
//! best scheduled. It is information, not waste.
//!
//! Rule: from the hour x weekday matrix of calls ([`crate::analysis::Activity::matrix`], in the
//! report's time zone), the weekday with the most calls and, separately, the hour of the day with
//! the most calls over all weekdays (ties go to the earlier weekday or hour). Told only with at
//! least [`DAY_PATTERN_MIN_CALLS`] calls. Figure: the busiest weekday's share of calls, in
//! percent. Severity info.

use crate::analysis::Analysis;

use super::common::{percent, plural};
use super::thresholds::DAY_PATTERN_MIN_CALLS;
use super::{Insight, Severity};

pub const ID: &str = "day-pattern";

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// The index and value of the first maximum of `values`.
fn busiest(values: &[u64]) -> (usize, u64) {
    values.iter().enumerate().fold(
        (0, 0),
        |best, (i, &v)| if v > best.1 { (i, v) } else { best },
    )
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let matrix = &analysis.activity.matrix;
    let by_day: Vec<u64> = matrix
        .iter()
        .map(|hours| hours.iter().map(|c| c.calls).sum())
        .collect();
    let by_hour: Vec<u64> = (0..24)
        .map(|h| {
            matrix
                .iter()
                .map(|hours| hours.get(h).map_or(0, |c| c.calls))
                .sum()
        })
        .collect();
    let total: u64 = by_day.iter().sum();
    if total < DAY_PATTERN_MIN_CALLS {
        return Vec::new();
    }
    let (day, day_calls) = busiest(&by_day);
    let (hour, hour_calls) = busiest(&by_hour);
    let weekday = WEEKDAYS.get(day).copied().unwrap_or("?");
    let tz = analysis.tz.name();
    let share = percent(day_calls, total);
    vec![Insight {
        id: ID.to_owned(),
        severity: Severity::Info,
        title: format!(
            "{weekday} carries {share:.0}% of your calls; the busiest hour is {hour:02}:00 ({tz})"
        ),
        figure: share,
        unit: "%".to_owned(),
        evidence: vec![
            format!("{weekday}: {day_calls} of {}", plural(total, "call")),
            format!(
                "{hour:02}:00-{:02}:00 {tz}: {hour_calls} of {}",
                (hour + 1) % 24,
                plural(total, "call")
            ),
        ],
        advice: format!(
            "If you are on a subscription plan, its five-hour and weekly limits are most likely \
             to run out on {weekday}s around {hour:02}:00: start long or unattended runs (large \
             refactors, test-fixing loops) at quieter times, and keep the busy hours for \
             interactive work."
        ),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, ledger, tokens};
    use crate::insights::fixture::{DAY, HOUR, MINUTE, SONNET, T0};
    use crate::model::Agent;

    /// `monday` calls on Monday at 10:00 UTC, and `rest` calls on Tuesday to Friday at 15:00.
    fn fixture(monday: i64, rest: i64) -> Vec<Insight> {
        let mut usage = Vec::new();
        for i in 0..monday {
            let ms = T0 + 10 * HOUR + i * MINUTE / 10;
            usage.push(call(Agent::Claude, "m", ms, SONNET, tokens(10, 1, 0)));
        }
        for i in 0..rest {
            let ms = T0 + (1 + i % 4) * DAY + 15 * HOUR + i * MINUTE / 10;
            usage.push(call(Agent::Claude, "r", ms, SONNET, tokens(10, 1, 0)));
        }
        run(&analyze(&ledger(usage, Vec::new(), Vec::new())))
    }

    #[test]
    fn the_busiest_weekday_and_hour_are_told() {
        let found = fixture(20, 30);
        assert_eq!(found.len(), 1);
        assert_close(found[0].figure, 20.0 * 100.0 / 50.0);
        assert_eq!(found[0].unit, "%");
        assert_eq!(found[0].severity, Severity::Info);
        assert_eq!(
            found[0].evidence,
            ["Monday: 20 of 50 calls", "15:00-16:00 UTC: 30 of 50 calls"]
        );
    }

    #[test]
    fn under_the_minimum_of_calls_is_quiet() {
        assert!(fixture(20, 29).is_empty());
    }
}
