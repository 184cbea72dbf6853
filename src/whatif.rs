//! What-if: the same history at other prices.
//!
//! Two questions users ask of their history, answered by re-pricing every counted call of the
//! (filtered) ledger and nothing else: the tokens stay exactly those counted.
//! - **Another model's prices** ([`Reprice`]): "all Claude Opus calls at Sonnet prices". A call
//!   whose model, as the agent wrote it, contains `from` (case-insensitive; `*` for every model)
//!   is priced as the table entry `to` (after custom prices, which apply as everywhere).
//! - **Without prompt caching** ([`Scenario::no_cache`]): cache writes and cache reads billed as
//!   plain input, i.e. `input' = input + cache_write_5m + cache_write_1h + cache_read`, no cache
//!   tokens. The prompt is the same size, so the same long-context tier applies.
//!
//! A call the table cannot price keeps what it had: an unknown model stays unpriced (0), a cost
//! the agent recorded stays that cost (it cannot be recomputed), unless a reprice rule gives the
//! call a priced model. Both are counted apart (`not_recomputed`). Fast mode keeps its
//! multiplier, the target model's when it has one.
//!
//! The rules are documented in `docs/plans.md`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::ledger::Ledger;
use crate::model::{Agent, Tokens};
use crate::pricing::{CostQuery, PriceTable, Provenance};
use crate::rollup::{pico_to_usd, UNKNOWN_MODEL};

/// Why a scenario was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum WhatIfError {
    #[error("--as wants FROM=TO (e.g. opus=claude-sonnet-4-5), not {0:?}")]
    Shape(String),
    #[error("what-if target model {0:?} has no price in the price table (or your custom prices)")]
    UnknownTarget(String),
}

/// Price calls whose model contains `from` as model `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reprice {
    pub from: String,
    pub to: String,
}

impl Reprice {
    /// Parses `FROM=TO`.
    ///
    /// # Errors
    /// Without `=`, or with an empty side.
    pub fn parse(spec: &str) -> Result<Reprice, WhatIfError> {
        match spec.split_once('=') {
            Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => Ok(Reprice {
                from: from.trim().to_owned(),
                to: to.trim().to_owned(),
            }),
            _ => Err(WhatIfError::Shape(spec.to_owned())),
        }
    }

    /// True when this rule applies to a call of `model` (as written).
    #[must_use]
    pub fn matches(&self, model: &str) -> bool {
        self.from == "*" || model.to_lowercase().contains(&self.from.to_lowercase())
    }
}

/// A what-if scenario.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    /// Applied in order: the first rule that matches a call's model decides it.
    #[serde(default)]
    pub reprice: Vec<Reprice>,
    /// Bill cache writes and reads as plain input.
    #[serde(default)]
    pub no_cache: bool,
}

impl Scenario {
    /// True when the scenario changes nothing.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.reprice.is_empty() && !self.no_cache
    }

    /// Checks that every target model has a price.
    ///
    /// # Errors
    /// The first target the table (with custom prices) cannot price.
    pub fn check(&self, prices: &PriceTable) -> Result<(), WhatIfError> {
        for r in &self.reprice {
            if prices.lookup(&r.to).is_none() && prices.override_for(&r.to).is_none() {
                return Err(WhatIfError::UnknownTarget(r.to.clone()));
            }
        }
        Ok(())
    }
}

/// One (agent, model) row: actual against what-if.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIfRow {
    pub agent: Agent,
    pub model: String,
    /// The model the scenario prices it as (the same model when no rule applies).
    pub priced_as: String,
    pub calls: u64,
    pub actual_usd: f64,
    pub what_if_usd: f64,
    pub change_usd: f64,
}

/// The scenario's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhatIf {
    pub scenario: Scenario,
    pub actual_usd: f64,
    pub what_if_usd: f64,
    pub change_usd: f64,
    /// `what_if / actual - 1` (0 when the actual cost is 0).
    pub change_ratio: f64,
    pub calls: u64,
    /// Calls the scenario could not re-price (no price known, or only the agent's recorded cost).
    pub not_recomputed: u64,
    pub rows: Vec<WhatIfRow>,
}

#[derive(Default)]
struct RowAcc {
    priced_as: String,
    calls: u64,
    actual: u64,
    what_if: u64,
}

/// Tokens with every cache token billed as input.
#[must_use]
pub fn without_cache(t: &Tokens) -> Tokens {
    Tokens {
        input: t
            .input
            .saturating_add(t.cache_write_5m)
            .saturating_add(t.cache_write_1h)
            .saturating_add(t.cache_read),
        cache_write_5m: 0,
        cache_write_1h: 0,
        cache_read: 0,
        ..*t
    }
}

/// Re-prices every counted call of `ledger` (already filtered) under `scenario`.
#[must_use]
pub fn what_if(ledger: &Ledger, prices: &PriceTable, scenario: &Scenario) -> WhatIf {
    let mut rows: BTreeMap<(Agent, String), RowAcc> = BTreeMap::new();
    let (mut actual_total, mut what_if_total) = (0u64, 0u64);
    let (mut calls, mut not_recomputed) = (0u64, 0u64);
    for r in ledger.counted_usage() {
        let written = r.model.as_deref();
        let shown = written.unwrap_or(UNKNOWN_MODEL);
        let rule = scenario.reprice.iter().find(|p| p.matches(shown));
        let tokens = if scenario.no_cache {
            without_cache(&r.tokens)
        } else {
            r.tokens
        };
        let actual = prices.record_cost(r);
        let changed = prices.cost_of(&CostQuery {
            agent: r.key.agent,
            model: rule.map(|p| p.to.as_str()).or(written),
            tokens: &tokens,
            fast: r.is_fast(),
            recorded_cost_pico: r.recorded_cost_pico(),
        });
        let value = |c: &crate::pricing::Cost| match c.provenance {
            Provenance::Unpriced => 0,
            _ => c.pico,
        };
        calls += 1;
        if matches!(
            changed.provenance,
            Provenance::Unpriced | Provenance::Recorded
        ) {
            not_recomputed += 1;
        }
        let row = rows.entry((r.key.agent, shown.to_owned())).or_default();
        if row.priced_as.is_empty() {
            row.priced_as = rule.map_or_else(|| shown.to_owned(), |p| p.to.clone());
        }
        row.calls += 1;
        row.actual = row.actual.saturating_add(value(&actual));
        row.what_if = row.what_if.saturating_add(value(&changed));
        actual_total = actual_total.saturating_add(value(&actual));
        what_if_total = what_if_total.saturating_add(value(&changed));
    }
    let actual_usd = pico_to_usd(actual_total);
    let what_if_usd = pico_to_usd(what_if_total);
    WhatIf {
        scenario: scenario.clone(),
        actual_usd,
        what_if_usd,
        change_usd: what_if_usd - actual_usd,
        change_ratio: if actual_total == 0 {
            0.0
        } else {
            what_if_total as f64 / actual_total as f64 - 1.0
        },
        calls,
        not_recomputed,
        rows: rows
            .into_iter()
            .map(|((agent, model), a)| WhatIfRow {
                agent,
                model,
                priced_as: a.priced_as,
                calls: a.calls,
                actual_usd: pico_to_usd(a.actual),
                what_if_usd: pico_to_usd(a.what_if),
                change_usd: pico_to_usd(a.what_if) - pico_to_usd(a.actual),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_parse_and_match_case_insensitively() {
        let r = Reprice::parse("Opus = claude-sonnet-4-5").expect("valid");
        assert!(r.matches("claude-opus-4-6"));
        assert!(!r.matches("claude-sonnet-4-5"));
        assert!(Reprice::parse("*=gpt-5")
            .expect("valid")
            .matches("anything"));
        for bad in ["opus", "=x", "x="] {
            assert!(Reprice::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn without_cache_moves_every_cache_token_to_input() {
        let t = Tokens {
            input: 10,
            output: 7,
            cache_write_5m: 100,
            cache_write_1h: 1000,
            cache_read: 10_000,
            reasoning: 3,
        };
        let n = without_cache(&t);
        assert_eq!(
            (
                n.input,
                n.output,
                n.cache_write(),
                n.cache_read,
                n.reasoning
            ),
            (11_110, 7, 0, 0, 3)
        );
        assert_eq!(n.prompt(), t.prompt());
    }

    #[test]
    fn an_unknown_target_is_refused() {
        let s = Scenario {
            reprice: vec![Reprice::parse("opus=no-such-model-xyz").expect("valid")],
            no_cache: false,
        };
        assert!(s.check(PriceTable::embedded()).is_err());
        let ok = Scenario {
            reprice: vec![Reprice::parse("opus=claude-sonnet-4-5").expect("valid")],
            no_cache: true,
        };
        assert!(ok.check(PriceTable::embedded()).is_ok());
    }
}
