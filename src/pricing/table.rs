//! Loading `data/prices.json` (a LiteLLM snapshot) into integer picodollar rates.
//!
//! The file keeps LiteLLM's field names and its USD-per-token values verbatim, so it can be
//! checked against upstream by eye. Money is converted here, once, to integer picodollars
//! (1e-12 USD) per token. The conversion goes through the value's shortest decimal form and
//! integer arithmetic, not `value * 1e12` in floating point: `3e-06` becomes exactly 3_000_000,
//! and LiteLLM's float noise (`1.0000000000000001e-07`) rounds to the price it stands for.
//! A per-token price never needs more than picodollar precision (the smallest real prices are
//! around 1e-8 USD), and integer money means sums never drift.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;
use thiserror::Error;

/// Why a price table could not be loaded.
#[derive(Debug, Error)]
pub enum PriceError {
    /// The file is not the JSON shape `scripts/snapshot-prices` writes.
    #[error("price table is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A price is negative, not a number, or too large for picodollars.
    #[error("model {model}: field {field} is not a usable price")]
    BadPrice { model: String, field: String },
    /// A model lacks a price every model must have.
    #[error("model {model}: missing {field}")]
    MissingField { model: String, field: String },
}

/// LiteLLM field names of the five per-token prices.
pub(crate) const INPUT: &str = "input_cost_per_token";
pub(crate) const OUTPUT: &str = "output_cost_per_token";
pub(crate) const CACHE_WRITE_5M: &str = "cache_creation_input_token_cost";
pub(crate) const CACHE_WRITE_1H: &str = "cache_creation_input_token_cost_above_1hr";
pub(crate) const CACHE_READ: &str = "cache_read_input_token_cost";
const FIELDS: [&str; 5] = [INPUT, OUTPUT, CACHE_WRITE_5M, CACHE_WRITE_1H, CACHE_READ];

/// Per-token prices in picodollars, as published; `None` where the table has no such price (the
/// cost formula then applies a documented fallback, see [`super::cost`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rates {
    pub input: Option<u64>,
    pub output: Option<u64>,
    pub cache_write_5m: Option<u64>,
    pub cache_write_1h: Option<u64>,
    pub cache_read: Option<u64>,
}

impl Rates {
    fn set(&mut self, field: &str, pico: u64) {
        let slot = match field {
            INPUT => &mut self.input,
            OUTPUT => &mut self.output,
            CACHE_WRITE_5M => &mut self.cache_write_5m,
            CACHE_WRITE_1H => &mut self.cache_write_1h,
            _ => &mut self.cache_read,
        };
        *slot = Some(pico);
    }
}

/// Long-context prices, which apply to a whole request whose prompt exceeds `above_tokens`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub above_tokens: u64,
    pub rates: Rates,
}

/// A fast-mode price multiplier as an exact fraction (`num / den`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Multiplier {
    pub num: u64,
    pub den: u64,
}

/// One price-table entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPrices {
    /// The entry's name in `data/prices.json` (e.g. `claude-opus-4-6`,
    /// `anthropic.claude-sonnet-4-20250514-v1:0`).
    pub name: String,
    /// LiteLLM's `litellm_provider` (`anthropic`, `openai`, `gemini`, `bedrock_converse`, ...).
    pub provider: String,
    /// Standard prices.
    pub base: Rates,
    /// Long-context tiers, by ascending threshold.
    pub tiers: Vec<Tier>,
    /// LiteLLM's `provider_specific_entry.fast` multiplier, if it has one.
    pub fast: Option<Multiplier>,
}

impl ModelPrices {
    /// True for Claude models, wherever they are hosted: Anthropic's documented cache ratios
    /// apply to them (see [`super::cost`]).
    #[must_use]
    pub fn is_claude(&self) -> bool {
        super::lookup::core_name(&self.name).starts_with("claude")
    }
}

/// The parsed file: its header and its models, sorted by name.
#[derive(Debug, Clone, Default)]
pub(crate) struct LoadedTable {
    pub source: String,
    pub snapshot_date: String,
    pub models: Vec<ModelPrices>,
}

#[derive(Deserialize)]
struct RawTable {
    source: String,
    snapshot_date: String,
    models: BTreeMap<String, serde_json::Map<String, Value>>,
}

/// Parses the JSON written by `scripts/snapshot-prices`.
pub(crate) fn parse(json: &str) -> Result<LoadedTable, PriceError> {
    let raw: RawTable = serde_json::from_str(json)?;
    let mut models = Vec::with_capacity(raw.models.len());
    for (name, fields) in raw.models {
        models.push(parse_model(name, &fields)?);
    }
    Ok(LoadedTable {
        source: raw.source,
        snapshot_date: raw.snapshot_date,
        models,
    })
}

fn parse_model(
    name: String,
    fields: &serde_json::Map<String, Value>,
) -> Result<ModelPrices, PriceError> {
    let bad = |field: &str| PriceError::BadPrice {
        model: name.clone(),
        field: field.to_owned(),
    };
    let mut base = Rates::default();
    let mut tiers: BTreeMap<u64, Rates> = BTreeMap::new();
    let mut fast = None;
    for (key, value) in fields {
        if key == "provider_specific_entry" {
            if let Some(m) = value.get("fast") {
                let m = m
                    .as_f64()
                    .ok_or_else(|| bad("provider_specific_entry.fast"))?;
                let millionths = scaled(m, 6).ok_or_else(|| bad("provider_specific_entry.fast"))?;
                fast = Some(Multiplier {
                    num: millionths,
                    den: 1_000_000,
                });
            }
            continue;
        }
        let (field, above) = split_tier(key);
        if !FIELDS.contains(&field) {
            continue;
        }
        let pico = value
            .as_f64()
            .and_then(usd_to_pico)
            .ok_or_else(|| bad(key))?;
        match above {
            None => base.set(field, pico),
            Some(tokens) => tiers.entry(tokens).or_default().set(field, pico),
        }
    }
    for required in [INPUT, OUTPUT] {
        let missing = match required {
            INPUT => base.input.is_none(),
            _ => base.output.is_none(),
        };
        if missing {
            return Err(PriceError::MissingField {
                model: name,
                field: required.to_owned(),
            });
        }
    }
    let provider = fields
        .get("litellm_provider")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Ok(ModelPrices {
        name,
        provider,
        base,
        tiers: tiers
            .into_iter()
            .map(|(above_tokens, rates)| Tier {
                above_tokens,
                rates,
            })
            .collect(),
        fast,
    })
}

/// Splits `<field>_above_<N>k_tokens` into (`<field>`, N*1000); other keys come back whole.
fn split_tier(key: &str) -> (&str, Option<u64>) {
    let Some(rest) = key.strip_suffix("k_tokens") else {
        return (key, None);
    };
    let Some(at) = rest.rfind("_above_") else {
        return (key, None);
    };
    match rest[at + "_above_".len()..].parse::<u64>() {
        Ok(k) => (&key[..at], k.checked_mul(1000)),
        Err(_) => (key, None),
    }
}

/// USD per token to picodollars per token, rounded half up.
#[must_use]
pub fn usd_to_pico(usd: f64) -> Option<u64> {
    scaled(usd, 12)
}

/// `value * 10^pow10` rounded half up, computed on the shortest decimal form of `value`
/// (the digits a JSON file or a person wrote), so no binary floating-point error creeps in.
/// `None` for negative, non-finite or out-of-range values.
fn scaled(value: f64, pow10: i32) -> Option<u64> {
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    // `{:e}` prints the shortest representation that round-trips, e.g. "3e-6", "1.25e-7".
    let text = format!("{value:e}");
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i32 = exponent.parse().ok()?;
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits: u128 = format!("{int_part}{frac_part}").parse().ok()?;
    let frac_len = i32::try_from(frac_part.len()).ok()?;
    let shift = exponent - frac_len + pow10;
    let result = if shift >= 0 {
        digits.checked_mul(10u128.checked_pow(shift.unsigned_abs())?)?
    } else if shift < -38 {
        0
    } else {
        let div = 10u128.pow(shift.unsigned_abs());
        (digits + div / 2) / div
    };
    u64::try_from(result).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pico_conversion_is_exact_on_decimal_prices() {
        assert_eq!(usd_to_pico(3e-06), Some(3_000_000));
        assert_eq!(usd_to_pico(3.75e-06), Some(3_750_000));
        assert_eq!(usd_to_pico(1.25e-07), Some(125_000));
        assert_eq!(usd_to_pico(6.25e-08), Some(62_500));
        assert_eq!(usd_to_pico(1.5e-05), Some(15_000_000));
        assert_eq!(usd_to_pico(0.0), Some(0));
        assert_eq!(usd_to_pico(2.99999e-06), Some(2_999_990));
    }

    #[test]
    fn pico_conversion_absorbs_float_noise_and_rounds_half_up() {
        // LiteLLM writes some prices with binary noise; they stand for the short decimal.
        assert_eq!(usd_to_pico(1.000_000_000_000_000_1e-07), Some(100_000));
        assert_eq!(usd_to_pico(4.000_000_000_000_000_3e-07), Some(400_000));
        // Below one picodollar: half up.
        assert_eq!(usd_to_pico(2.5e-12), Some(3));
        assert_eq!(usd_to_pico(2.4999e-12), Some(2));
        assert_eq!(usd_to_pico(1e-20), Some(0));
        // Where the naive float product lands just below the half and would round down.
        let naive = 2.465e-10_f64 * 1e12;
        assert!(naive < 246.5, "naive product {naive}");
        assert_eq!(usd_to_pico(2.465e-10), Some(247));
    }

    #[test]
    fn unusable_prices_are_rejected() {
        assert_eq!(usd_to_pico(-1e-6), None);
        assert_eq!(usd_to_pico(f64::NAN), None);
        assert_eq!(usd_to_pico(f64::INFINITY), None);
        assert_eq!(usd_to_pico(1e30), None);
    }

    #[test]
    fn tier_keys_split_into_field_and_threshold() {
        assert_eq!(
            split_tier("input_cost_per_token_above_200k_tokens"),
            ("input_cost_per_token", Some(200_000))
        );
        assert_eq!(
            split_tier("cache_creation_input_token_cost_above_1hr_above_200k_tokens"),
            ("cache_creation_input_token_cost_above_1hr", Some(200_000))
        );
        assert_eq!(
            split_tier("cache_creation_input_token_cost_above_1hr"),
            ("cache_creation_input_token_cost_above_1hr", None)
        );
        assert_eq!(
            split_tier("input_cost_per_token"),
            ("input_cost_per_token", None)
        );
    }

    #[test]
    fn a_model_without_an_input_price_is_an_error() {
        let json =
            r#"{"source":"t","snapshot_date":"d","models":{"m":{"output_cost_per_token":1e-6}}}"#;
        assert!(matches!(parse(json), Err(PriceError::MissingField { .. })));
        let json = r#"{"source":"t","snapshot_date":"d","models":{"m":{"input_cost_per_token":-1,"output_cost_per_token":1e-6}}}"#;
        assert!(matches!(parse(json), Err(PriceError::BadPrice { .. })));
        assert!(matches!(parse("{"), Err(PriceError::Json(_))));
    }
}
