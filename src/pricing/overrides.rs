//! Custom prices: per-model overrides of the price table, loaded from a small JSON file (the CLI's
//! `--prices FILE`) or entered in the browser.
//!
//! Why: a negotiated discount, a self-hosted model, a price the snapshot does not have yet. The
//! report must still say which figures rest on a price the user typed: every call priced by an
//! override has [`super::Provenance::Custom`], its `priced_as` names the override, and the table's
//! [`super::PriceTable::source`] says how many overrides are in effect.
//!
//! The shape (documented in `docs/prices.md`), in **USD per million tokens**, the unit pricing
//! pages use:
//!
//! ```json
//! { "models": {
//!     "claude-sonnet-4-5": { "input": 3, "output": 15, "cache_write_5m": 3.75,
//!                            "cache_write_1h": 6, "cache_read": 0.3,
//!                            "tiers": [ { "above_tokens": 200000, "input": 6, "output": 22.5 } ] },
//!     "my-local-model": { "input": 0, "output": 0 } } }
//! ```
//!
//! `input` and `output` are required; a missing cache price falls back exactly as a missing
//! LiteLLM field does ([`super::cost`]). Unknown fields are errors, not ignored: a typo
//! (`cache_reads`) would otherwise silently keep the table's price. Every error names the model
//! and the field.
//!
//! **Which calls an override applies to**: a call whose model, as the agent wrote it, is the
//! override's name; or whose model resolves in the table to the entry of that name; or whose
//! model without provider prefix and date suffix is that name. So `claude-sonnet-4-5` covers
//! `claude-sonnet-4-5-20250929` and `anthropic/claude-sonnet-4-5` too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use super::table::{usd_to_pico, ModelPrices, Rates, Tier};

/// Why a custom price file was refused. The message names the model and the field.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum OverrideError {
    #[error("custom prices are not valid JSON: {0}")]
    Json(String),
    #[error("custom prices: {0}")]
    Shape(String),
    #[error("custom prices: model {model:?}: field {field}: {why}")]
    Field {
        model: String,
        field: String,
        why: String,
    },
}

/// The five prices of one override (or one of its tiers), in USD per million tokens as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PricePoint {
    pub input: Option<f64>,
    pub output: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_5m: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_1h: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
}

/// A long-context tier of an override.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TierOverride {
    pub above_tokens: u64,
    #[serde(flatten)]
    pub prices: PricePoint,
}

/// One model's custom prices, as the user wrote them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelOverride {
    pub model: String,
    #[serde(flatten)]
    pub prices: PricePoint,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tiers: Vec<TierOverride>,
}

/// A set of overrides, by model name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceOverrides {
    /// Where they came from (a file name, "this browser"), for the report.
    pub origin: String,
    pub models: Vec<ModelOverride>,
    /// The same, converted to table entries (picodollars per token), sorted by name.
    pub(crate) entries: Vec<ModelPrices>,
}

const PRICE_FIELDS: [&str; 5] = [
    "input",
    "output",
    "cache_write_5m",
    "cache_write_1h",
    "cache_read",
];

impl PriceOverrides {
    /// Parses the JSON shape of the module doc. `origin` is kept for the report.
    ///
    /// # Errors
    /// Invalid JSON, a missing `models` object, an unknown field, a price that is not a
    /// non-negative number, a model without `input` or `output`.
    pub fn from_json(json: &str, origin: &str) -> Result<PriceOverrides, OverrideError> {
        let value: Value =
            serde_json::from_str(json).map_err(|e| OverrideError::Json(e.to_string()))?;
        let Value::Object(top) = value else {
            return Err(OverrideError::Shape(
                "the file must be a JSON object with a \"models\" object".to_owned(),
            ));
        };
        for key in top.keys() {
            if !matches!(key.as_str(), "models" | "note" | "version") {
                return Err(OverrideError::Shape(format!(
                    "unknown top-level field {key:?} (expected \"models\", optionally \"note\")"
                )));
            }
        }
        let Some(Value::Object(models)) = top.get("models") else {
            return Err(OverrideError::Shape(
                "missing \"models\" object (model name -> prices)".to_owned(),
            ));
        };
        let mut list = Vec::with_capacity(models.len());
        for (name, fields) in models {
            list.push(parse_model(name, fields)?);
        }
        PriceOverrides::from_models(list, origin)
    }

    /// Builds overrides from already-structured entries (the browser's editor), checking them
    /// like a file.
    ///
    /// # Errors
    /// As [`PriceOverrides::from_json`].
    pub fn from_models(
        mut models: Vec<ModelOverride>,
        origin: &str,
    ) -> Result<PriceOverrides, OverrideError> {
        models.sort_by(|a, b| a.model.cmp(&b.model));
        models.dedup_by(|a, b| a.model == b.model);
        let mut entries = Vec::with_capacity(models.len());
        for m in &models {
            entries.push(to_entry(m)?);
        }
        Ok(PriceOverrides {
            origin: origin.to_owned(),
            models,
            entries,
        })
    }

    /// No override at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The overrides as JSON in the file shape (what the browser stores and offers to download).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut models = serde_json::Map::new();
        for m in &self.models {
            let mut v = serde_json::to_value(&m.prices).unwrap_or(Value::Null);
            if let Value::Object(o) = &mut v {
                if !m.tiers.is_empty() {
                    o.insert(
                        "tiers".to_owned(),
                        serde_json::to_value(&m.tiers).unwrap_or(Value::Null),
                    );
                }
            }
            models.insert(m.model.clone(), v);
        }
        serde_json::to_string_pretty(&serde_json::json!({ "models": models })).unwrap_or_default()
    }

    /// The table entry of the override named `name`.
    pub(crate) fn entry(&self, name: &str) -> Option<&ModelPrices> {
        self.entries
            .binary_search_by(|m| m.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.entries.get(i))
    }
}

fn field_error(model: &str, field: &str, why: &str) -> OverrideError {
    OverrideError::Field {
        model: model.to_owned(),
        field: field.to_owned(),
        why: why.to_owned(),
    }
}

fn parse_model(name: &str, fields: &Value) -> Result<ModelOverride, OverrideError> {
    if name.trim().is_empty() {
        return Err(OverrideError::Shape("a model name is empty".to_owned()));
    }
    let Value::Object(fields) = fields else {
        return Err(field_error(
            name,
            "(prices)",
            "must be an object such as {\"input\": 3, \"output\": 15}",
        ));
    };
    let prices = parse_point(name, "", fields, &[])?;
    let mut tiers = Vec::new();
    if let Some(raw) = fields.get("tiers") {
        let Value::Array(raw) = raw else {
            return Err(field_error(name, "tiers", "must be a list of tiers"));
        };
        for (i, t) in raw.iter().enumerate() {
            let at = format!("tiers[{i}]");
            let Value::Object(t) = t else {
                return Err(field_error(name, &at, "must be an object"));
            };
            let above = t
                .get("above_tokens")
                .and_then(Value::as_u64)
                .ok_or_else(|| {
                    field_error(
                        name,
                        &format!("{at}.above_tokens"),
                        "must be a whole number of prompt tokens (e.g. 200000)",
                    )
                })?;
            tiers.push(TierOverride {
                above_tokens: above,
                prices: parse_point(name, &format!("{at}."), t, &["above_tokens"])?,
            });
        }
    }
    Ok(ModelOverride {
        model: name.to_owned(),
        prices,
        tiers,
    })
}

fn parse_point(
    model: &str,
    prefix: &str,
    fields: &serde_json::Map<String, Value>,
    extra: &[&str],
) -> Result<PricePoint, OverrideError> {
    let mut p = PricePoint::default();
    for (key, value) in fields {
        if prefix.is_empty() && key == "tiers" || extra.contains(&key.as_str()) {
            continue;
        }
        if !PRICE_FIELDS.contains(&key.as_str()) {
            return Err(field_error(
                model,
                &format!("{prefix}{key}"),
                "unknown field (expected input, output, cache_write_5m, cache_write_1h, \
                 cache_read, tiers)",
            ));
        }
        let usd = value.as_f64().filter(|v| v.is_finite() && *v >= 0.0);
        let Some(usd) = usd else {
            return Err(field_error(
                model,
                &format!("{prefix}{key}"),
                "must be a non-negative number (USD per million tokens)",
            ));
        };
        let slot = match key.as_str() {
            "input" => &mut p.input,
            "output" => &mut p.output,
            "cache_write_5m" => &mut p.cache_write_5m,
            "cache_write_1h" => &mut p.cache_write_1h,
            _ => &mut p.cache_read,
        };
        *slot = Some(usd);
    }
    Ok(p)
}

/// USD per million tokens to picodollars per token (exact on decimals, see
/// [`super::table::usd_to_pico`]: 1 USD/MTok = 1e-6 USD/token = 1e6 pico/token).
fn per_million_to_pico(model: &str, field: &str, usd: f64) -> Result<u64, OverrideError> {
    // Dividing by 1e6 in floating point would add noise; usd_to_pico reads the shortest decimal
    // form, so scale through the decimal string instead.
    let per_token: f64 = format!("{usd:e}")
        .split_once('e')
        .and_then(|(m, e)| Some(format!("{m}e{}", e.parse::<i32>().ok()? - 6)))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| field_error(model, field, "is not a usable price"))?;
    usd_to_pico(per_token).ok_or_else(|| field_error(model, field, "is not a usable price"))
}

fn rates(model: &str, prefix: &str, p: &PricePoint) -> Result<Rates, OverrideError> {
    let conv = |field: &str, v: Option<f64>| -> Result<Option<u64>, OverrideError> {
        v.map(|usd| per_million_to_pico(model, &format!("{prefix}{field}"), usd))
            .transpose()
    };
    Ok(Rates {
        input: conv("input", p.input)?,
        output: conv("output", p.output)?,
        cache_write_5m: conv("cache_write_5m", p.cache_write_5m)?,
        cache_write_1h: conv("cache_write_1h", p.cache_write_1h)?,
        cache_read: conv("cache_read", p.cache_read)?,
    })
}

fn to_entry(m: &ModelOverride) -> Result<ModelPrices, OverrideError> {
    let name = m.model.trim();
    if name.is_empty() {
        return Err(OverrideError::Shape("a model name is empty".to_owned()));
    }
    for (field, v) in [("input", m.prices.input), ("output", m.prices.output)] {
        if v.is_none() {
            return Err(field_error(
                name,
                field,
                "missing (input and output are required)",
            ));
        }
    }
    let base = rates(name, "", &m.prices)?;
    let mut tiers: BTreeMap<u64, Rates> = BTreeMap::new();
    for (i, t) in m.tiers.iter().enumerate() {
        tiers.insert(
            t.above_tokens,
            rates(name, &format!("tiers[{i}]."), &t.prices)?,
        );
    }
    Ok(ModelPrices {
        name: name.to_owned(),
        provider: "custom".to_owned(),
        base,
        tiers: tiers
            .into_iter()
            .map(|(above_tokens, rates)| Tier {
                above_tokens,
                rates,
            })
            .collect(),
        fast: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_parses_into_exact_picodollar_rates() {
        let o = PriceOverrides::from_json(
            r#"{"models":{"claude-sonnet-4-5":{"input":3,"output":15,"cache_read":0.3,
                "tiers":[{"above_tokens":200000,"input":6,"output":22.5}]},
                "local":{"input":0,"output":0.07}}}"#,
            "p.json",
        )
        .expect("valid");
        let s = o.entry("claude-sonnet-4-5").expect("entry");
        assert_eq!(s.base.input, Some(3_000_000));
        assert_eq!(s.base.output, Some(15_000_000));
        assert_eq!(s.base.cache_read, Some(300_000));
        assert_eq!(s.base.cache_write_5m, None);
        assert_eq!(s.tiers[0].above_tokens, 200_000);
        assert_eq!(s.tiers[0].rates.output, Some(22_500_000));
        assert_eq!(o.entry("local").and_then(|m| m.base.output), Some(70_000));
        // Written back and read again: the same overrides.
        let again = PriceOverrides::from_json(&o.to_json(), "p.json").expect("round trip");
        assert_eq!(again, o);
    }

    #[test]
    fn an_override_covers_dated_and_prefixed_names_and_is_marked_custom() {
        use crate::pricing::{CostQuery, PriceTable, Provenance};
        let o = PriceOverrides::from_json(
            r#"{"models":{"claude-sonnet-4-5":{"input":1,"output":2},"gpt-5":{"input":0,"output":10},
                "my-local":{"input":0.5,"output":0.5}}}"#,
            "t.json",
        )
        .expect("valid");
        let table = PriceTable::embedded().with_overrides(o);
        assert_eq!(
            table.source(),
            format!(
                "{} + 3 custom prices (t.json)",
                PriceTable::embedded().source()
            )
        );
        let tokens = crate::model::Tokens {
            input: 1_000_000,
            output: 1_000_000,
            ..Default::default()
        };
        let cost = |agent, model: Option<&str>| {
            table.cost_of(&CostQuery {
                agent,
                model,
                tokens: &tokens,
                fast: false,
                recorded_cost_pico: None,
            })
        };
        use crate::model::Agent;
        for written in [
            "claude-sonnet-4-5",
            "claude-sonnet-4-5-20250929",
            "anthropic/claude-sonnet-4-5",
            "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
        ] {
            let c = cost(Agent::Claude, Some(written));
            assert_eq!(
                (c.pico, c.provenance),
                (3_000_000_000_000, Provenance::Custom),
                "{written}"
            );
            assert_eq!(
                c.priced_as.as_deref(),
                Some("claude-sonnet-4-5"),
                "{written}"
            );
        }
        // Codex without a model is priced as gpt-5, so the gpt-5 override covers it.
        let c = cost(Agent::Codex, None);
        assert_eq!(
            (c.pico, c.provenance),
            (10_000_000_000_000, Provenance::Custom)
        );
        // A model the table does not know becomes priced.
        assert_eq!(
            cost(Agent::Claude, Some("my-local")).pico,
            1_000_000_000_000
        );
        // Others keep the table's price.
        let opus = cost(Agent::Claude, Some("claude-opus-4-6"));
        assert_ne!(opus.provenance, Provenance::Custom);
        assert_eq!(
            opus,
            PriceTable::embedded().cost_of(&CostQuery {
                agent: Agent::Claude,
                model: Some("claude-opus-4-6"),
                tokens: &tokens,
                fast: false,
                recorded_cost_pico: None,
            })
        );
    }

    #[test]
    fn errors_name_the_model_and_the_field() {
        let cases = [
            (r#"{"models":{"m":{"input":3}}}"#, "\"m\": field output"),
            (
                r#"{"models":{"m":{"input":3,"output":1,"cache_reads":1}}}"#,
                "field cache_reads: unknown field",
            ),
            (
                r#"{"models":{"m":{"input":-1,"output":1}}}"#,
                "field input: must be a non-negative number",
            ),
            (
                r#"{"models":{"m":{"input":"3","output":1}}}"#,
                "field input: must be",
            ),
            (
                r#"{"models":{"m":{"input":3,"output":1,"tiers":[{"input":1}]}}}"#,
                "field tiers[0].above_tokens",
            ),
            (
                r#"{"models":{"m":{"input":3,"output":1,"tiers":[{"above_tokens":5,"inptu":1}]}}}"#,
                "field tiers[0].inptu",
            ),
            (r#"{"model":{}}"#, "unknown top-level field \"model\""),
            (r#"[]"#, "must be a JSON object"),
            (r#"{"models":"#, "not valid JSON"),
        ];
        for (json, want) in cases {
            let err = PriceOverrides::from_json(json, "f")
                .expect_err(json)
                .to_string();
            assert!(err.contains(want), "{json}: {err}");
        }
    }
}
