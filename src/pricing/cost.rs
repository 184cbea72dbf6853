//! The cost formula (FORMATS.md 1.6), in integer picodollars.
//!
//! ```text
//! cost = input·p_in + output·p_out + cache_write_5m·p_cw5m + cache_write_1h·p_cw1h + cache_read·p_cr
//! ```
//! Every term is an integer (tokens × picodollars per token), so the sum is exact; the only
//! rounding is the one in the price conversion ([`super::table::usd_to_pico`]) and, for fast mode,
//! one final rounding of the multiplied total.
//!
//! **Missing prices.** LiteLLM does not publish every field for every model. Where it is silent:
//! - 1h cache write: 2 × input. Anthropic's documented ratio (a 1-hour write costs twice the base
//!   input price), which FORMATS.md 1.6 and ccusage use. LiteLLM itself would fall back to the
//!   5-minute rate, which under-prices every Claude model it lacks the field for (all the Bedrock
//!   aliases of retired models).
//! - 5m cache write and cache read on Claude models: 1.25 × and 0.1 × input, Anthropic's documented
//!   ratios (some Vertex entries of old Claude models lack them).
//! - 5m cache write and cache read on other models: the input price, LiteLLM's own rule ("a
//!   provider that publishes no cache price bills cached tokens as ordinary input"). OpenAI and
//!   Gemini records carry no cache-write tokens anyway.
//! - A long-context tier that lacks a field derives it the same way from the tier's input price.
//!
//! **Long context.** Anthropic (Sonnet 4/4.5 with 1M context) and Gemini (2.5 Pro) charge the whole
//! request, output included, at the long-context rate when its prompt (input + cache writes + cache
//! reads) exceeds 200k tokens; OpenAI does the same above 272k for GPT-5.4-class models. LiteLLM's
//! own cost calculator does exactly this (`_get_token_base_cost`: "if input_tokens > threshold ...
//! we use the corresponding threshold cost for all token types"). ccusage instead compares each
//! token kind with the threshold on its own (FORMATS.md 1.6), so a 250k-token prompt made of 150k
//! cache reads and 100k cache writes stays at the base rate there, although the provider bills all
//! of it, output included, at the long-context rate. We bill what the provider bills. The tier
//! chosen is the highest whose threshold the prompt exceeds (strictly, as LiteLLM does).
//!
//! **Fast mode** (`usage.speed == "fast"`): every rate is multiplied, as LiteLLM does with
//! `provider_specific_entry.fast`. Where the snapshot has no multiplier, Anthropic's documented one
//! is used: see [`DOCUMENTED_FAST`].

use crate::model::Tokens;

use super::lookup::{core_name, strip_date};
use super::table::{ModelPrices, Multiplier, Rates};

/// Fast-mode multipliers documented by Anthropic for models LiteLLM carries no multiplier for.
///
/// Source: Anthropic, "Fast mode" (<https://platform.claude.com/docs/en/build-with-claude/fast-mode>):
/// "Fast mode is priced at 6x standard Opus rates" for Claude Opus 4.6 ($30 / $150 per MTok against
/// $5 / $25); Claude Code's fast-mode page (<https://code.claude.com/docs/en/fast-mode>) gives the
/// same $30/$150 for Opus 4.7 and Opus 4.6. Later models (Opus 4.8, 5, 5.5: 2x) have the
/// multiplier in LiteLLM itself, which takes precedence.
pub const DOCUMENTED_FAST: [(&str, u64); 2] = [("claude-opus-4-6", 6), ("claude-opus-4-7", 6)];

/// Per-token prices in picodollars with every fallback applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResolvedRates {
    pub input: u64,
    pub output: u64,
    pub cache_write_5m: u64,
    pub cache_write_1h: u64,
    pub cache_read: u64,
}

/// Where a fast-mode multiplier came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FastSource {
    /// LiteLLM's `provider_specific_entry.fast`.
    LiteLlm,
    /// [`DOCUMENTED_FAST`].
    Documented,
}

impl ModelPrices {
    /// The rates for a request with `prompt_tokens` of prompt (input + cache writes + reads).
    #[must_use]
    pub fn rates_for(&self, prompt_tokens: u64) -> ResolvedRates {
        let claude = self.is_claude();
        let base = resolve(&self.base, None, claude);
        match self
            .tiers
            .iter()
            .rev()
            .find(|t| prompt_tokens > t.above_tokens)
        {
            Some(tier) => resolve(&tier.rates, Some(&base), claude),
            None => base,
        }
    }

    /// The standard-speed cost of one request, in picodollars.
    #[must_use]
    pub fn tokens_cost_pico(&self, tokens: &Tokens) -> u64 {
        let r = self.rates_for(tokens.prompt());
        let sum = u128::from(tokens.input) * u128::from(r.input)
            + u128::from(tokens.output) * u128::from(r.output)
            + u128::from(tokens.cache_write_5m) * u128::from(r.cache_write_5m)
            + u128::from(tokens.cache_write_1h) * u128::from(r.cache_write_1h)
            + u128::from(tokens.cache_read) * u128::from(r.cache_read);
        u64::try_from(sum).unwrap_or(u64::MAX)
    }

    /// The fast-mode multiplier for this model, and where it comes from.
    #[must_use]
    pub fn fast_multiplier(&self) -> Option<(Multiplier, FastSource)> {
        if let Some(m) = self.fast {
            return Some((m, FastSource::LiteLlm));
        }
        let core = core_name(&self.name);
        let family = strip_date(&core);
        DOCUMENTED_FAST
            .iter()
            .find(|(name, _)| *name == family)
            .map(|&(_, times)| (Multiplier { num: times, den: 1 }, FastSource::Documented))
    }
}

impl Multiplier {
    /// `pico × self`, rounded half up, saturating.
    #[must_use]
    pub fn apply(self, pico: u64) -> u64 {
        if self.den == 0 {
            return pico;
        }
        let den = u128::from(self.den);
        let scaled = (u128::from(pico) * u128::from(self.num) + den / 2) / den;
        u64::try_from(scaled).unwrap_or(u64::MAX)
    }
}

impl std::fmt::Display for Multiplier {
    /// `6`, `2`, `1.5`: the multiplier as a short decimal.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.den != 0 && self.num % self.den == 0 {
            return write!(f, "{}", self.num / self.den);
        }
        let value = self.num as f64 / self.den.max(1) as f64;
        write!(f, "{value}")
    }
}

/// Fills the gaps in `rates` (see the module doc). `base` is the standard-price set a tier's
/// missing input/output fall back to.
fn resolve(rates: &Rates, base: Option<&ResolvedRates>, claude: bool) -> ResolvedRates {
    let input = rates.input.or(base.map(|b| b.input)).unwrap_or_default();
    let output = rates.output.or(base.map(|b| b.output)).unwrap_or_default();
    ResolvedRates {
        input,
        output,
        cache_write_5m: rates.cache_write_5m.unwrap_or(if claude {
            input + input / 4
        } else {
            input
        }),
        cache_write_1h: rates.cache_write_1h.unwrap_or(input.saturating_mul(2)),
        cache_read: rates
            .cache_read
            .unwrap_or(if claude { input / 10 } else { input }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::table::Tier;

    fn model(name: &str, base: Rates, tiers: Vec<Tier>) -> ModelPrices {
        ModelPrices {
            name: name.to_owned(),
            provider: "test".to_owned(),
            base,
            tiers,
            fast: None,
        }
    }

    fn rates(input: u64, output: u64) -> Rates {
        Rates {
            input: Some(input),
            output: Some(output),
            ..Rates::default()
        }
    }

    #[test]
    fn claude_fallbacks_follow_anthropic_ratios() {
        let m = model("claude-x-1", rates(3_000_000, 15_000_000), vec![]);
        let r = m.rates_for(0);
        assert_eq!(r.cache_write_5m, 3_750_000);
        assert_eq!(r.cache_write_1h, 6_000_000);
        assert_eq!(r.cache_read, 300_000);
    }

    #[test]
    fn other_fallbacks_bill_cache_as_input() {
        let m = model("gpt-x-1", rates(2_000_000, 8_000_000), vec![]);
        let r = m.rates_for(0);
        assert_eq!(r.cache_write_5m, 2_000_000);
        assert_eq!(r.cache_read, 2_000_000);
        assert_eq!(r.cache_write_1h, 4_000_000);
    }

    #[test]
    fn tier_applies_strictly_above_threshold_and_to_every_field() {
        let tier = Tier {
            above_tokens: 200_000,
            rates: rates(6_000_000, 22_500_000),
        };
        let m = model("claude-x-1", rates(3_000_000, 15_000_000), vec![tier]);
        assert_eq!(m.rates_for(200_000).input, 3_000_000);
        let r = m.rates_for(200_001);
        assert_eq!(r.input, 6_000_000);
        assert_eq!(r.output, 22_500_000);
        assert_eq!(r.cache_read, 600_000);
        assert_eq!(r.cache_write_1h, 12_000_000);
    }

    #[test]
    fn highest_crossed_tier_wins_and_missing_tier_output_keeps_base() {
        let low = Tier {
            above_tokens: 100_000,
            rates: rates(2, 20),
        };
        let high = Tier {
            above_tokens: 272_000,
            rates: Rates {
                input: Some(4),
                ..Rates::default()
            },
        };
        let m = model("gpt-x-1", rates(1, 10), vec![low, high]);
        assert_eq!(m.rates_for(150_000).input, 2);
        let r = m.rates_for(300_000);
        assert_eq!((r.input, r.output), (4, 10));
    }

    #[test]
    fn multiplier_rounds_half_up_and_prints_short() {
        let six = Multiplier { num: 6, den: 1 };
        assert_eq!(six.apply(7), 42);
        let x15 = Multiplier {
            num: 1_500_000,
            den: 1_000_000,
        };
        assert_eq!(x15.apply(3), 5);
        assert_eq!(x15.to_string(), "1.5");
        assert_eq!(six.to_string(), "6");
        assert_eq!(Multiplier { num: 6, den: 1 }.apply(u64::MAX), u64::MAX);
    }

    #[test]
    fn documented_fast_multiplier_reaches_dated_and_hosted_names() {
        for name in [
            "claude-opus-4-6",
            "claude-opus-4-6-20260205",
            "anthropic.claude-opus-4-6-v1",
        ] {
            let m = model(name, rates(1, 1), vec![]);
            assert_eq!(
                m.fast_multiplier(),
                Some((Multiplier { num: 6, den: 1 }, FastSource::Documented)),
                "{name}"
            );
        }
        assert_eq!(
            model("claude-sonnet-4-5", rates(1, 1), vec![]).fast_multiplier(),
            None
        );
    }
}
