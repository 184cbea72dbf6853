//! Prices: LiteLLM's price table, snapshotted into `data/prices.json` and compiled in.
//!
//! Why a snapshot and not a live fetch: the same transcripts must give the same dollars on every
//! run, on every machine and in the browser, offline. `scripts/snapshot-prices` refreshes the
//! file from a LiteLLM release on PyPI and records which one ([`PriceTable::source`]).
//!
//! Every cost says how it was obtained ([`Provenance`]): a price from the table under the name the
//! agent wrote, under an alias, an approximation by model family, a cost the agent recorded
//! itself, or no price at all. An unknown model is never silently $0: it is [`Provenance::Unpriced`]
//! and callers count its tokens apart.
//!
//! **A cost the agent recorded** (Claude Code <= 1.0.8 `costUSD`, OpenCode `cost`) is kept beside
//! the computed one, never instead of it: the report's figure is what the calls cost at API rates
//! from the one shared table, for every agent alike, and the recorded sum is shown next to it
//! ([`crate::rollup::Totals::recorded_cost_pico`]) so the difference is visible. Agents record
//! their own estimates from their own price lists, some write 0 for calls billed by subscription
//! (OpenCode with a Claude or Copilot plan), and an agent's estimate cannot be compared with
//! another agent's. The recorded cost stands in ([`Provenance::Recorded`]) only for a model the
//! table cannot price, and only when it is above zero: a recorded 0 is not a price.
//!
//! - [`table`]: loading the file into integer picodollar rates;
//! - [`lookup`]: from a model name as written to a table entry (exact, alias, family);
//! - [`cost`]: the formula, long-context tiers, fallbacks for missing prices, fast mode;
//! - [`overrides`]: the user's custom prices, layered over the table and marked
//!   [`Provenance::Custom`].

pub mod cost;
pub mod lookup;
pub mod overrides;
pub mod table;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::model::{Agent, Tokens, UsageRecord};

pub use cost::{FastSource, ResolvedRates};
pub use overrides::{ModelOverride, OverrideError, PriceOverrides};
pub use table::{ModelPrices, Multiplier, PriceError, Rates, Tier};

/// The snapshot compiled into every build.
const EMBEDDED_JSON: &str = include_str!("../data/prices.json");

/// The model Codex usage is priced as when the transcript names none (ccusage does the same and
/// marks it approximate; so do we, with [`Provenance::Family`]).
pub const CODEX_DEFAULT_MODEL: &str = "gpt-5";

/// How a record's cost was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Provenance {
    /// The model name is in the price table as written.
    Exact,
    /// Found after dropping a date suffix or provider prefix.
    Alias,
    /// A custom name priced as the closest known family (an approximation).
    Family,
    /// A price the user gave ([`overrides`]), not the table's.
    Custom,
    /// The table has no price for the model; the cost the agent recorded itself (Claude
    /// `costUSD`, OpenCode `cost`) stands in.
    Recorded,
    /// No price known: tokens are counted, cost is not.
    Unpriced,
}

/// The cost of one record, in picodollars (1e-12 USD), with its provenance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cost {
    pub pico: u64,
    pub provenance: Provenance,
    /// The price-table entry used, if any; fast mode is named in it (`claude-opus-4-6 fast x6`).
    pub priced_as: Option<String>,
}

impl Cost {
    fn unpriced() -> Self {
        Cost {
            pico: 0,
            provenance: Provenance::Unpriced,
            priced_as: None,
        }
    }
}

/// What pricing reads of a call: who made it, with which model, which tokens, at which speed,
/// and what the agent recorded it cost.
#[derive(Debug, Clone, Copy)]
pub struct CostQuery<'a> {
    pub agent: Agent,
    pub model: Option<&'a str>,
    pub tokens: &'a Tokens,
    pub fast: bool,
    pub recorded_cost_pico: Option<u64>,
}

impl<'a> CostQuery<'a> {
    /// What pricing reads of a record.
    #[must_use]
    pub fn of(record: &'a UsageRecord) -> Self {
        CostQuery {
            agent: record.key.agent,
            model: record.model.as_deref(),
            tokens: &record.tokens,
            fast: record.is_fast(),
            recorded_cost_pico: record.recorded_cost_pico(),
        }
    }
}

/// A table entry found for a model name, and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceMatch<'a> {
    pub prices: &'a ModelPrices,
    /// [`Provenance::Exact`], [`Provenance::Alias`] or [`Provenance::Family`].
    pub provenance: Provenance,
}

/// The price table.
#[derive(Debug, Default, Clone)]
pub struct PriceTable {
    source: String,
    snapshot_date: String,
    models: Vec<ModelPrices>,
    index: lookup::Index,
    load_error: Option<String>,
    /// The user's custom prices, consulted before the table.
    overrides: PriceOverrides,
}

impl PriceTable {
    /// The table compiled into the binary, parsed once.
    ///
    /// The embedded file is tested to load; should it ever fail, the table is empty (every cost
    /// [`Provenance::Unpriced`]) and [`PriceTable::load_error`] says why, rather than panicking.
    #[must_use]
    pub fn embedded() -> &'static PriceTable {
        static TABLE: OnceLock<PriceTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            PriceTable::from_json(EMBEDDED_JSON).unwrap_or_else(|e| PriceTable {
                source: "none".to_owned(),
                load_error: Some(e.to_string()),
                ..PriceTable::default()
            })
        })
    }

    /// Parses a table in the format `scripts/snapshot-prices` writes.
    pub fn from_json(json: &str) -> Result<PriceTable, PriceError> {
        let loaded = table::parse(json)?;
        let index = lookup::Index::new(&loaded.models);
        Ok(PriceTable {
            source: loaded.source,
            snapshot_date: loaded.snapshot_date,
            models: loaded.models,
            index,
            load_error: None,
            overrides: PriceOverrides::default(),
        })
    }

    /// This table with `overrides` taking precedence (see [`overrides`] for which calls each
    /// applies to). The source then says so: `litellm 1.109.1 + 2 custom prices (prices.json)`.
    #[must_use]
    pub fn with_overrides(&self, overrides: PriceOverrides) -> PriceTable {
        let mut table = self.clone();
        if !overrides.is_empty() {
            let n = overrides.models.len();
            table.source = format!(
                "{} + {n} custom price{} ({})",
                self.source,
                if n == 1 { "" } else { "s" },
                overrides.origin
            );
        }
        table.overrides = overrides;
        table
    }

    /// The custom prices in effect (empty for the plain table).
    #[must_use]
    pub fn overrides(&self) -> &PriceOverrides {
        &self.overrides
    }

    /// The override that prices calls of `model` (as written), if any: named as written, named
    /// as the table entry the model resolves to, or named as the model without provider prefix
    /// and date suffix.
    #[must_use]
    pub fn override_for(&self, model: &str) -> Option<&ModelPrices> {
        if self.overrides.is_empty() {
            return None;
        }
        if let Some(m) = self.overrides.entry(model) {
            return Some(m);
        }
        if let Some(found) = self.lookup(model) {
            if let Some(m) = self.overrides.entry(&found.prices.name) {
                return Some(m);
            }
        }
        let core = lookup::core_name(model);
        self.overrides
            .entry(&core)
            .or_else(|| self.overrides.entry(lookup::strip_date(&core)))
    }
    /// Where the prices come from, e.g. `litellm 1.109.1`.
    #[must_use]
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The day the snapshot was taken (`YYYY-MM-DD`).
    #[must_use]
    pub fn snapshot_date(&self) -> &str {
        &self.snapshot_date
    }

    /// Why the embedded table could not be loaded, if it could not.
    #[must_use]
    pub fn load_error(&self) -> Option<&str> {
        self.load_error.as_deref()
    }

    /// Every entry, sorted by name.
    #[must_use]
    pub fn models(&self) -> &[ModelPrices] {
        &self.models
    }

    /// The entry named exactly `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&ModelPrices> {
        self.models
            .binary_search_by(|m| m.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.models.get(i))
    }

    /// The entry for a model name as an agent wrote it (see [`lookup`] for the rules).
    #[must_use]
    pub fn lookup(&self, model: &str) -> Option<PriceMatch<'_>> {
        let (i, provenance) = self.index.find(model)?;
        self.models
            .get(i)
            .map(|prices| PriceMatch { prices, provenance })
    }

    /// The cost of one record.
    #[must_use]
    pub fn record_cost(&self, record: &UsageRecord) -> Cost {
        self.cost_of(&CostQuery::of(record))
    }

    /// The cost of a call described by `q` (what [`PriceTable::record_cost`] reads of a
    /// record; the what-if module asks it about calls changed in model or tokens).
    #[must_use]
    pub fn cost_of(&self, q: &CostQuery<'_>) -> Cost {
        self.cost_labelled(q, true)
    }

    /// [`PriceTable::record_cost`] without [`Cost::priced_as`] (always `None`): the figures
    /// alone, with no string made per record. The analysis prices every counted record this
    /// way and asks for the label once per model row (a `String` per call was about a tenth of
    /// the page's peak heap at 5 GB).
    #[must_use]
    pub fn record_cost_unlabelled(&self, record: &UsageRecord) -> Cost {
        self.cost_labelled(&CostQuery::of(record), false)
    }

    /// [`PriceTable::cost_of`], with [`Cost::priced_as`] filled in only when `labelled`.
    fn cost_labelled(&self, q: &CostQuery<'_>, labelled: bool) -> Cost {
        if !self.overrides.is_empty() {
            let model = match q.model {
                Some(m) => Some(m),
                None if q.agent == Agent::Codex => Some(CODEX_DEFAULT_MODEL),
                None => None,
            };
            if let Some(custom) = model.and_then(|m| self.override_for(m)) {
                return self.custom_cost(q, custom, model.unwrap_or_default(), labelled);
            }
        }
        let found = match q.model {
            Some(model) => self.lookup(model),
            None if q.agent == Agent::Codex => {
                self.get(CODEX_DEFAULT_MODEL).map(|prices| PriceMatch {
                    prices,
                    provenance: Provenance::Family,
                })
            }
            None => None,
        };
        let Some(found) = found else {
            return match q.recorded_cost_pico {
                Some(pico) if pico > 0 => Cost {
                    pico,
                    provenance: Provenance::Recorded,
                    priced_as: None,
                },
                _ => Cost::unpriced(),
            };
        };
        let prices = found.prices;
        let standard = prices.tokens_cost_pico(q.tokens);
        let multiplier = if q.fast {
            prices.fast_multiplier()
        } else {
            None
        };
        let pico = multiplier.map_or(standard, |(m, _)| m.apply(standard));
        let priced_as = labelled.then(|| match multiplier {
            Some((m, _)) => format!("{} fast x{m}", prices.name),
            None if q.fast => format!(
                "{} (fast mode: no fast price known, standard rate)",
                prices.name
            ),
            None => prices.name.clone(),
        });
        Cost {
            pico,
            provenance: found.provenance,
            priced_as,
        }
    }

    /// A record priced by a custom price. Fast mode multiplies it like a table price, with the
    /// table entry's multiplier when the model has one.
    fn custom_cost(
        &self,
        q: &CostQuery<'_>,
        custom: &ModelPrices,
        model: &str,
        labelled: bool,
    ) -> Cost {
        let standard = custom.tokens_cost_pico(q.tokens);
        let fast = q
            .fast
            .then(|| {
                self.lookup(model)
                    .and_then(|f| f.prices.fast_multiplier())
                    .or_else(|| custom.fast_multiplier())
            })
            .flatten();
        let pico = fast.map_or(standard, |(m, _)| m.apply(standard));
        let priced_as = labelled.then(|| match fast {
            Some((m, _)) => format!("{} fast x{m}", custom.name),
            None => custom.name.clone(),
        });
        Cost {
            pico,
            provenance: Provenance::Custom,
            priced_as,
        }
    }
}
