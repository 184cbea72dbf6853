//! Activity: messages and calls per day, and an hour-of-day x weekday matrix of calls and cost,
//! all in the report's time zone (weekday 0 = Monday).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone, Timelike};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::filter::day_of;
use crate::ledger::Ledger;
use crate::model::Role;

use super::calls::Call;

/// One day's activity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayActivity {
    pub date: Option<NaiveDate>,
    pub user_messages: u64,
    pub assistant_messages: u64,
    pub calls: u64,
    pub cost_pico: u64,
}

/// One cell of the hour x weekday matrix.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub calls: u64,
    pub cost_pico: u64,
}

/// Activity over the filtered data.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    pub days: Vec<DayActivity>,
    /// `matrix[weekday][hour]`, weekday 0 = Monday.
    pub matrix: Vec<Vec<Cell>>,
}

/// Weekday (0 = Monday) and hour of the instant `ms` in `tz`.
#[must_use]
pub fn weekday_hour(ms: i64, tz: Tz) -> (usize, usize) {
    tz.timestamp_millis_opt(ms).single().map_or((3, 0), |t| {
        (
            t.weekday().num_days_from_monday() as usize,
            t.hour() as usize,
        )
    })
}

/// Computes the activity of `calls` and the messages of `ledger`.
///
/// `call_days` holds each call's local day in `tz` ([`super::calls::local_days`]).
#[must_use]
pub fn activity(calls: &[Call], call_days: &[NaiveDate], ledger: &Ledger, tz: Tz) -> Activity {
    let mut days: BTreeMap<NaiveDate, DayActivity> = BTreeMap::new();
    let mut matrix = vec![vec![Cell::default(); 24]; 7];
    for (call, &day) in calls.iter().zip(call_days) {
        let d = days.entry(day).or_default();
        d.calls += 1;
        d.cost_pico = d.cost_pico.saturating_add(call.cost_pico);
        let (w, h) = weekday_hour(call.timestamp_ms(), tz);
        matrix[w][h].calls += 1;
        matrix[w][h].cost_pico = matrix[w][h].cost_pico.saturating_add(call.cost_pico);
    }
    for m in ledger.messages.values() {
        let Some(ms) = m.timestamp_ms.get() else {
            continue;
        };
        let d = days.entry(day_of(ms, tz)).or_default();
        match m.role {
            Role::User => d.user_messages += 1,
            Role::Assistant => d.assistant_messages += 1,
            Role::System | Role::Tool => {}
        }
    }
    Activity {
        days: days
            .into_iter()
            .map(|(date, mut a)| {
                a.date = Some(date);
                a
            })
            .collect(),
        matrix,
    }
}
