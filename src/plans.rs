//! Subscription plans against API prices: does the plan pay?
//!
//! A subscriber pays a flat monthly price (Claude Max, ChatGPT Plus, Copilot Pro...) instead of
//! paying per token. This module sets, month by month and agent by agent, what the same calls
//! would have cost at API rates (the figure every other view shows) against the plan's price, and
//! when in the month the API-equivalent cost reached it (the break-even).
//!
//! **Plan prices** are a small table ([`PLANS`]) of monthly list prices in USD, read on
//! [`PLANS_READ_ON`] from the vendors' public pricing pages named in each entry. They change;
//! every choice can carry the user's own price instead ([`PlanChoice::parse`]: `claude=max5x:90`),
//! and the report says which price was used and where it came from.
//!
//! Rules (documented in `docs/plans.md`):
//! - a month counts when the plan's agent made at least one call in it (under the filter); a
//!   month without a call is not billed here, because the data cannot tell whether the plan was
//!   held then;
//! - the plan's full monthly price applies to every counted month, even the first and last
//!   partial ones (plans bill whole months);
//! - calls without a price (unknown models) count 0 towards the API-equivalent, and their
//!   tokens are reported, as everywhere else.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::Call;
use crate::filter::day_of;
use crate::model::Agent;
use crate::rollup::pico_to_usd;

/// The day the prices in [`PLANS`] were read from the pages they name.
pub const PLANS_READ_ON: &str = "2026-11-30";

/// One plan of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// The id used on the command line and in the browser (`max5x`).
    pub id: &'static str,
    /// The agent the plan covers.
    pub agent: Agent,
    /// The vendor's name for it.
    pub name: &'static str,
    /// Monthly list price in US cents (monthly billing, before tax).
    pub monthly_cents: u64,
    /// The public page the price was read from.
    pub source: &'static str,
}

const ANTHROPIC: &str = "https://support.anthropic.com/en/articles/11145838-using-claude-code-with-your-pro-or-max-plan";
const OPENAI_PLUS: &str = "https://help.openai.com/en/articles/6950777-what-is-chatgpt-plus";
const OPENAI_PRICING: &str = "https://openai.com/chatgpt/pricing/";
const COPILOT: &str = "https://github.com/features/copilot/plans";

/// Monthly list prices, USD, read on [`PLANS_READ_ON`] from the pages named (public pricing
/// pages; annual billing and regional prices differ: set your own price when they apply).
pub const PLANS: [Plan; 9] = [
    Plan {
        id: "pro",
        agent: Agent::Claude,
        name: "Claude Pro",
        monthly_cents: 2_000,
        source: ANTHROPIC,
    },
    Plan {
        id: "max5x",
        agent: Agent::Claude,
        name: "Claude Max 5x",
        monthly_cents: 10_000,
        source: ANTHROPIC,
    },
    Plan {
        id: "max20x",
        agent: Agent::Claude,
        name: "Claude Max 20x",
        monthly_cents: 20_000,
        source: ANTHROPIC,
    },
    Plan {
        id: "plus",
        agent: Agent::Codex,
        name: "ChatGPT Plus",
        monthly_cents: 2_000,
        source: OPENAI_PLUS,
    },
    Plan {
        id: "pro",
        agent: Agent::Codex,
        name: "ChatGPT Pro",
        monthly_cents: 20_000,
        source: OPENAI_PRICING,
    },
    Plan {
        id: "pro",
        agent: Agent::Copilot,
        name: "Copilot Pro",
        monthly_cents: 1_000,
        source: COPILOT,
    },
    Plan {
        id: "pro-plus",
        agent: Agent::Copilot,
        name: "Copilot Pro+",
        monthly_cents: 3_900,
        source: COPILOT,
    },
    Plan {
        id: "max",
        agent: Agent::Copilot,
        name: "Copilot Max",
        monthly_cents: 10_000,
        source: COPILOT,
    },
    Plan {
        id: "business",
        agent: Agent::Copilot,
        name: "Copilot Business (per seat)",
        monthly_cents: 1_900,
        source: COPILOT,
    },
];

/// The table's plans for `agent`.
pub fn plans_for(agent: Agent) -> impl Iterator<Item = &'static Plan> {
    PLANS.iter().filter(move |p| p.agent == agent)
}

/// Why a `--plan` value was refused.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum PlanError {
    #[error("--plan wants AGENT=PLAN[:USD] (e.g. claude=max5x, codex=plus, opencode=custom:30), not {0:?}")]
    Shape(String),
    #[error("unknown agent {0:?} in --plan")]
    Agent(String),
    #[error("no plan {plan:?} for {agent} (known: {known}; or custom:USD)")]
    Plan {
        agent: String,
        plan: String,
        known: String,
    },
    #[error("plan price {0:?} is not an amount of USD per month (e.g. 100 or 17.50)")]
    Price(String),
}

/// A plan the user holds for one agent, with the price that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanChoice {
    pub agent: Agent,
    /// The table id, or `custom`.
    pub plan: String,
    pub name: String,
    pub monthly_cents: u64,
    /// Where the price comes from: the table's page, or `set by you`.
    pub price_source: String,
}

/// What [`PlanChoice::price_source`] says for a price the user gave.
pub const USER_PRICE: &str = "set by you";

impl PlanChoice {
    /// A plan of the table for `agent`, at its list price.
    #[must_use]
    pub fn from_table(plan: &Plan) -> PlanChoice {
        PlanChoice {
            agent: plan.agent,
            plan: plan.id.to_owned(),
            name: plan.name.to_owned(),
            monthly_cents: plan.monthly_cents,
            price_source: format!("{} (read {PLANS_READ_ON})", plan.source),
        }
    }

    /// Parses `AGENT=PLAN[:USD]`: `claude=max5x`, `claude=max5x:90` (your price), or
    /// `opencode=custom:30`.
    ///
    /// # Errors
    /// An unknown agent or plan, a custom plan without a price, a price that is not a number.
    pub fn parse(spec: &str) -> Result<PlanChoice, PlanError> {
        let (agent, rest) = spec
            .split_once('=')
            .ok_or_else(|| PlanError::Shape(spec.to_owned()))?;
        let agent = Agent::ALL
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(agent.trim()))
            .ok_or_else(|| PlanError::Agent(agent.to_owned()))?;
        let (plan, price) = match rest.split_once(':') {
            Some((p, usd)) => (p.trim(), Some(parse_usd_cents(usd)?)),
            None => (rest.trim(), None),
        };
        if plan.eq_ignore_ascii_case("custom") {
            let cents = price.ok_or_else(|| PlanError::Price(String::new()))?;
            return Ok(PlanChoice::custom(agent, cents));
        }
        let found = plans_for(agent)
            .find(|p| p.id.eq_ignore_ascii_case(plan))
            .ok_or_else(|| PlanError::Plan {
                agent: agent.as_str().to_owned(),
                plan: plan.to_owned(),
                known: plans_for(agent)
                    .map(|p| p.id)
                    .collect::<Vec<_>>()
                    .join(", "),
            })?;
        let mut choice = PlanChoice::from_table(found);
        if let Some(cents) = price {
            choice.monthly_cents = cents;
            choice.price_source = USER_PRICE.to_owned();
        }
        Ok(choice)
    }

    /// A plan outside the table, at the user's price.
    #[must_use]
    pub fn custom(agent: Agent, monthly_cents: u64) -> PlanChoice {
        PlanChoice {
            agent,
            plan: "custom".to_owned(),
            name: format!("custom {} plan", agent.as_str()),
            monthly_cents,
            price_source: USER_PRICE.to_owned(),
        }
    }
}

/// `100`, `17.5`, `17.50`, `$20` as US cents.
///
/// # Errors
/// When `usd` is not a non-negative amount with at most two decimals.
pub fn parse_usd_cents(usd: &str) -> Result<u64, PlanError> {
    let bad = || PlanError::Price(usd.to_owned());
    let s = usd.trim().trim_start_matches('$');
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() && frac.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: u64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|c| c.checked_add(frac))
        .ok_or_else(bad)
}

/// One month of one plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanMonth {
    /// `YYYY-MM`, in the report's time zone.
    pub month: String,
    pub agent: Agent,
    pub plan: String,
    pub plan_usd: f64,
    /// What the agent's calls of the month cost at API rates.
    pub api_usd: f64,
    /// `api_usd - plan_usd`: what the plan saved (negative: what it cost beyond API rates).
    pub saved_usd: f64,
    /// `api_usd / plan_usd` (0 for a free plan).
    pub ratio: f64,
    pub calls: u64,
    /// Days of the month with at least one call.
    pub active_days: u32,
    /// The API-equivalent spend per calendar day at which the plan breaks even this month
    /// (plan price / days in the month).
    pub break_even_per_day_usd: f64,
    /// The day the month's running API-equivalent cost reached the plan price, if it did.
    pub break_even_on: Option<String>,
    /// Tokens of calls that have no price (counted 0 in `api_usd`).
    pub unpriced_tokens: u64,
}

/// All months of one plan, summed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanTotal {
    #[serde(flatten)]
    pub choice: PlanChoice,
    pub plan_usd_per_month: f64,
    pub months: u32,
    /// Months in which the API-equivalent cost reached the plan price.
    pub months_paid_off: u32,
    pub plan_usd: f64,
    pub api_usd: f64,
    pub saved_usd: f64,
}

/// The comparison of every chosen plan with the API-equivalent cost.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanReport {
    /// When the table's prices were read.
    pub prices_read_on: String,
    pub plans: Vec<PlanTotal>,
    pub months: Vec<PlanMonth>,
}

#[derive(Default)]
struct MonthAcc {
    cost_pico: u64,
    calls: u64,
    unpriced_tokens: u64,
    days: std::collections::BTreeSet<NaiveDate>,
    break_even_on: Option<NaiveDate>,
}

/// Compares `choices` with `calls` (an analysis' priced calls, in time order), months in `tz`.
#[must_use]
pub fn compare(calls: &[Call], choices: &[PlanChoice], tz: chrono_tz::Tz) -> PlanReport {
    let mut months = Vec::new();
    let mut plans = Vec::new();
    for choice in choices {
        let plan_pico = choice.monthly_cents.saturating_mul(10_000_000_000);
        let mut acc: BTreeMap<NaiveDate, MonthAcc> = BTreeMap::new();
        for call in calls.iter().filter(|c| c.agent() == choice.agent) {
            let day = day_of(call.timestamp_ms(), tz);
            let first = day.with_day(1).unwrap_or(day);
            let m = acc.entry(first).or_default();
            m.calls += 1;
            m.days.insert(day);
            if call.priced() {
                m.cost_pico = m.cost_pico.saturating_add(call.cost_pico);
            } else {
                m.unpriced_tokens += call.tokens().total();
            }
            if m.break_even_on.is_none() && m.cost_pico >= plan_pico {
                m.break_even_on = Some(day);
            }
        }
        let plan_usd = pico_to_usd(plan_pico);
        let mut total = PlanTotal {
            choice: choice.clone(),
            plan_usd_per_month: plan_usd,
            months: 0,
            months_paid_off: 0,
            plan_usd: 0.0,
            api_usd: 0.0,
            saved_usd: 0.0,
        };
        let mut total_api_pico = 0u64;
        for (first, m) in acc {
            let api_usd = pico_to_usd(m.cost_pico);
            let days = days_in_month(first);
            total.months += 1;
            total.months_paid_off += u32::from(m.break_even_on.is_some());
            total_api_pico = total_api_pico.saturating_add(m.cost_pico);
            months.push(PlanMonth {
                month: first.format("%Y-%m").to_string(),
                agent: choice.agent,
                plan: choice.name.clone(),
                plan_usd,
                api_usd,
                saved_usd: api_usd - plan_usd,
                ratio: if plan_pico == 0 {
                    0.0
                } else {
                    m.cost_pico as f64 / plan_pico as f64
                },
                calls: m.calls,
                active_days: u32::try_from(m.days.len()).unwrap_or(u32::MAX),
                break_even_per_day_usd: plan_usd / f64::from(days),
                break_even_on: m.break_even_on.map(|d| d.format("%Y-%m-%d").to_string()),
                unpriced_tokens: m.unpriced_tokens,
            });
        }
        total.plan_usd = pico_to_usd(plan_pico.saturating_mul(u64::from(total.months)));
        total.api_usd = pico_to_usd(total_api_pico);
        total.saved_usd = total.api_usd - total.plan_usd;
        plans.push(total);
    }
    months.sort_by(|a, b| (&a.month, a.agent).cmp(&(&b.month, b.agent)));
    PlanReport {
        prices_read_on: PLANS_READ_ON.to_owned(),
        plans,
        months,
    }
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map_or(30, |n| u32::try_from((n - first).num_days()).unwrap_or(30))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Tokens;

    fn call(agent: Agent, day: &str, cost_usd: u64) -> Call {
        let ts = chrono::DateTime::parse_from_rfc3339(&format!("{day}T12:00:00Z"))
            .expect("date")
            .timestamp_millis();
        Call::for_test(
            agent,
            "s",
            ts,
            Tokens::default(),
            cost_usd * 1_000_000_000_000,
        )
    }

    #[test]
    fn plan_specs_parse_with_table_or_own_prices() {
        let c = PlanChoice::parse("claude=max5x").expect("valid");
        assert_eq!((c.agent, c.monthly_cents), (Agent::Claude, 10_000));
        assert!(c.price_source.contains("anthropic.com"));
        let c = PlanChoice::parse("Claude=MAX5X:90.5").expect("valid");
        assert_eq!(
            (c.monthly_cents, c.price_source.as_str()),
            (9_050, USER_PRICE)
        );
        let c = PlanChoice::parse("codex=custom:$25").expect("valid");
        assert_eq!(
            (c.agent, c.plan.as_str(), c.monthly_cents),
            (Agent::Codex, "custom", 2_500)
        );
        for bad in [
            "claude",
            "cursor=pro",
            "claude=ultra",
            "claude=custom",
            "claude=pro:1.234",
            "claude=pro:-3",
        ] {
            assert!(PlanChoice::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months_compare_api_cost_with_the_plan_and_find_the_break_even_day() {
        let calls = vec![
            call(Agent::Claude, "2026-01-03", 60),
            call(Agent::Claude, "2026-01-10", 50),
            call(Agent::Claude, "2026-01-20", 30),
            call(Agent::Codex, "2026-01-20", 500),
            call(Agent::Claude, "2026-02-01", 40),
        ];
        let choice = PlanChoice::parse("claude=max5x").expect("valid");
        let r = compare(&calls, &[choice], chrono_tz::UTC);
        assert_eq!(r.months.len(), 2);
        let jan = &r.months[0];
        assert_eq!(jan.month, "2026-01");
        assert_eq!(
            (jan.api_usd, jan.plan_usd, jan.saved_usd),
            (140.0, 100.0, 40.0)
        );
        assert_eq!(jan.break_even_on.as_deref(), Some("2026-01-10"));
        assert_eq!((jan.calls, jan.active_days), (3, 3));
        assert!((jan.break_even_per_day_usd - 100.0 / 31.0).abs() < 1e-12);
        let feb = &r.months[1];
        assert_eq!(
            (feb.api_usd, feb.saved_usd, feb.break_even_on.clone()),
            (40.0, -60.0, None)
        );
        assert!((feb.break_even_per_day_usd - 100.0 / 28.0).abs() < 1e-12);
        let t = &r.plans[0];
        assert_eq!((t.months, t.months_paid_off), (2, 1));
        assert_eq!((t.plan_usd, t.api_usd, t.saved_usd), (200.0, 180.0, -20.0));
    }

    #[test]
    fn usd_amounts_parse_to_cents() {
        assert_eq!(parse_usd_cents("100"), Ok(10_000));
        assert_eq!(parse_usd_cents("17.5"), Ok(1_750));
        assert_eq!(parse_usd_cents(".99"), Ok(99));
        assert!(parse_usd_cents("").is_err());
        assert!(parse_usd_cents("1e3").is_err());
    }
}
