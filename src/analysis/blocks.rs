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
        let t = call.timestamp_ms;
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
