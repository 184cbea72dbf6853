//! Five-hour usage blocks, the window subscription plans meter by.
//!
//! Rule: a block starts at the first call after the previous block ended, floored to the hour
//! (UTC hours; all IANA zones in use are whole or half hours off UTC, and the plans meter in
//! absolute time), and lasts five hours. Calls of every agent in the filter share the blocks.
//! Burn rate = the block's tokens or cost divided by the time from its start to its last call
//! (at least one minute). The block that contains `now` is *active*; its projection adds the burn
//! rate over the time left.

use serde::{Deserialize, Serialize};

use crate::rollup::Totals;

use super::calls::Call;

/// The length of a block.
pub const BLOCK_MS: i64 = 5 * 3_600_000;
const HOUR_MS: i64 = 3_600_000;
const MIN_ELAPSED_MS: i64 = 60_000;

/// One five-hour block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageBlock {
    pub start_ms: i64,
    pub end_ms: i64,
    pub first_call_ms: i64,
    pub last_call_ms: i64,
    pub totals: Totals,
    pub tokens_per_hour: f64,
    /// Picodollars per hour.
    pub cost_per_hour_pico: f64,
    /// The block contains the present.
    pub active: bool,
    /// For the active block: cost at the end of the block at the current burn rate (picodollars).
    pub projected_cost_pico: Option<u64>,
    pub projected_tokens: Option<u64>,
}

/// The blocks of time-ordered `calls`, oldest first; `now_ms` decides the active block.
#[must_use]
pub fn blocks(calls: &[Call], now_ms: i64) -> Vec<UsageBlock> {
    let mut out: Vec<UsageBlock> = Vec::new();
    for call in calls {
        let t = call.timestamp_ms();
        let open = out.last_mut().filter(|b| t < b.end_ms);
        let block = match open {
            Some(b) => b,
            None => {
                let start = t.div_euclid(HOUR_MS) * HOUR_MS;
                out.push(UsageBlock {
                    start_ms: start,
                    end_ms: start + BLOCK_MS,
                    first_call_ms: t,
                    last_call_ms: t,
                    totals: Totals::default(),
                    tokens_per_hour: 0.0,
                    cost_per_hour_pico: 0.0,
                    active: false,
                    projected_cost_pico: None,
                    projected_tokens: None,
                });
                let len = out.len();
                &mut out[len - 1]
            }
        };
        block.last_call_ms = block.last_call_ms.max(t);
        block.totals.add_call(call);
    }
    for b in &mut out {
        let hours = (b.last_call_ms - b.start_ms).max(MIN_ELAPSED_MS) as f64 / HOUR_MS as f64;
        b.tokens_per_hour = b.totals.tokens.total() as f64 / hours;
        b.cost_per_hour_pico = b.totals.cost_pico as f64 / hours;
        b.active = b.start_ms <= now_ms && now_ms < b.end_ms;
        if b.active {
            let left = (b.end_ms - now_ms) as f64 / HOUR_MS as f64;
            b.projected_cost_pico =
                Some((b.totals.cost_pico as f64 + b.cost_per_hour_pico * left) as u64);
            b.projected_tokens =
                Some((b.totals.tokens.total() as f64 + b.tokens_per_hour * left) as u64);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agent, Tokens};

    const H: i64 = HOUR_MS;

    fn call(ms: i64, cost_pico: u64) -> Call {
        Call::for_test(
            Agent::Claude,
            "s",
            ms,
            Tokens {
                output: 100,
                ..Tokens::default()
            },
            cost_pico,
        )
    }

    #[test]
    fn a_block_starts_at_the_floored_hour_of_its_first_call_and_lasts_five_hours() {
        let t0 = 1_000 * H + 25 * 60_000; // 10:25 into hour 1000
        let calls = [
            call(t0, 1),
            call(1_000 * H + 5 * H - 1, 2), // last ms of the first block
            call(1_000 * H + 5 * H, 4),     // exactly at its end: a new block
            call(1_000 * H + 13 * H + 7, 8), // after a gap
        ];
        let b = blocks(&calls, 0);
        assert_eq!(b.len(), 3);
        assert_eq!((b[0].start_ms, b[0].end_ms), (1_000 * H, 1_005 * H));
        assert_eq!((b[0].totals.calls, b[0].totals.cost_pico), (2, 3));
        assert_eq!((b[1].start_ms, b[1].totals.cost_pico), (1_005 * H, 4));
        assert_eq!(b[2].start_ms, 1_013 * H);
        assert!(b
            .iter()
            .all(|b| !b.active && b.projected_cost_pico.is_none()));
    }

    #[test]
    fn the_active_block_projects_its_burn_rate_to_its_end() {
        // Calls at 11:00 and 12:00, now = 12:00, cost 6 so far.
        let calls = [call(10 * H + H, 2), call(10 * H + 2 * H, 4)];
        let b = blocks(&calls, 10 * H + 2 * H);
        assert_eq!(b.len(), 1);
        assert!(b[0].active);
        // The block starts at 11:00 (the first call's hour): 1 h elapsed, 6/h, 4 h left.
        assert_eq!(b[0].start_ms, 11 * H);
        assert_eq!(b[0].cost_per_hour_pico, 6.0);
        assert_eq!(b[0].projected_cost_pico, Some(6 + 6 * 4));
        assert_eq!(b[0].projected_tokens, Some(200 + 200 * 4));
    }
}
