//! Tool health: calls, failures and latency per (agent, tool).
//!
//! Latency is result time minus call time, for calls where both halves are timestamped (a
//! negative difference, from clock skew, is not a latency and is left out). Percentiles use the
//! nearest-rank method. A tool is *flagged* at a failure rate of at least 20% and *critical* at
//! 50%, once it has at least 10 calls (the thresholds live in [`crate::insights::thresholds`]).

use serde::{Deserialize, Serialize};

use crate::fast_hash::FastMap;
use crate::insights::thresholds::{
    TOOL_FAILURE_CRITICAL, TOOL_FAILURE_FLAG, TOOL_FAILURE_MIN_CALLS,
};
use crate::ledger::Ledger;
use crate::model::Agent;
use crate::tool_category::{categorize, ToolCategory};

/// How worrying a tool's failure rate is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureFlag {
    Flagged,
    Critical,
}

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latency {
    /// Calls with a measured latency.
    pub measured: u64,
    pub avg_ms: u64,
    pub p50_ms: u64,
    pub p95_ms: u64,
    pub p99_ms: u64,
}

/// One (agent, tool) row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolHealth {
    pub agent: Agent,
    pub name: String,
    pub category: ToolCategory,
    pub calls: u64,
    pub errors: u64,
    /// errors / calls, 0..=1.
    pub failure_rate: f64,
    pub flag: Option<FailureFlag>,
    pub latency: Option<Latency>,
}

/// The nearest-rank percentile `p` (0..=100) of sorted `values`.
#[must_use]
pub fn percentile(sorted: &[u64], p: u64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let n = sorted.len() as u64;
    let rank = (p * n).div_ceil(100).clamp(1, n);
    sorted[usize::try_from(rank - 1).unwrap_or(0)]
}

/// The flag for `errors` of `calls`.
#[must_use]
pub fn failure_flag(calls: u64, errors: u64) -> Option<FailureFlag> {
    if calls < TOOL_FAILURE_MIN_CALLS || calls == 0 {
        return None;
    }
    let rate = errors as f64 / calls as f64;
    if rate >= TOOL_FAILURE_CRITICAL {
        Some(FailureFlag::Critical)
    } else if rate >= TOOL_FAILURE_FLAG {
        Some(FailureFlag::Flagged)
    } else {
        None
    }
}

/// One row per (agent, tool), most called first.
#[must_use]
pub fn health(ledger: &Ledger) -> Vec<ToolHealth> {
    let mut acc: FastMap<(Agent, &str), (u64, u64, Vec<u64>)> = FastMap::default();
    for call in ledger.tools.values() {
        let name = call.name.as_deref().unwrap_or("unknown");
        let a = acc.entry((call.key.agent, name)).or_default();
        a.0 += 1;
        a.1 += u64::from(call.is_error);
        if let (Some(s), Some(e)) = (call.start_ms.get(), call.end_ms.get()) {
            if let Ok(d) = u64::try_from(e - s) {
                a.2.push(d);
            }
        }
    }
    let mut rows: Vec<ToolHealth> = acc
        .into_iter()
        .map(|((agent, name), (calls, errors, mut lat))| {
            lat.sort_unstable();
            let latency = (!lat.is_empty()).then(|| Latency {
                measured: lat.len() as u64,
                avg_ms: lat.iter().sum::<u64>() / lat.len() as u64,
                p50_ms: percentile(&lat, 50),
                p95_ms: percentile(&lat, 95),
                p99_ms: percentile(&lat, 99),
            });
            ToolHealth {
                agent,
                name: name.to_owned(),
                category: categorize(agent, name),
                calls,
                errors,
                failure_rate: if calls == 0 {
                    0.0
                } else {
                    errors as f64 / calls as f64
                },
                flag: failure_flag(calls, errors),
                latency,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.calls
            .cmp(&a.calls)
            .then_with(|| (a.agent, &a.name).cmp(&(b.agent, &b.name)))
    });
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), 50);
        assert_eq!(percentile(&v, 95), 95);
        assert_eq!(percentile(&v, 99), 99);
        assert_eq!(percentile(&[7], 99), 7);
        assert_eq!(percentile(&[1, 2, 3, 4], 50), 2);
    }

    #[test]
    fn flags_need_ten_calls() {
        assert_eq!(failure_flag(9, 9), None);
        assert_eq!(failure_flag(10, 2), Some(FailureFlag::Flagged));
        assert_eq!(failure_flag(10, 1), None);
        assert_eq!(failure_flag(10, 5), Some(FailureFlag::Critical));
    }
}
