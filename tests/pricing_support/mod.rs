//! Shared helpers of the pricing tests: prices read from `data/prices.json` itself.
#![allow(dead_code)] // each test file uses a subset
use agentmeter::model::{Agent, Source, Tokens, UsageKey, UsageRecord};
use agentmeter::pricing::{PriceTable, Provenance};
use serde_json::Value;

pub fn file() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/prices.json");
    let text = std::fs::read_to_string(path).expect("data/prices.json");
    serde_json::from_str(&text).expect("prices.json is JSON")
}

/// The price of `field` for `model` in the file, in USD per token.
pub fn usd(model: &str, field: &str) -> f64 {
    file()["models"][model][field]
        .as_f64()
        .unwrap_or_else(|| panic!("{model}.{field} in data/prices.json"))
}

/// The same, in picodollars.
pub fn pico(model: &str, field: &str) -> u64 {
    (usd(model, field) * 1e12).round() as u64
}

pub fn table() -> &'static PriceTable {
    let t = PriceTable::embedded();
    assert_eq!(t.load_error(), None);
    t
}

pub fn record(agent: Agent, model: Option<&str>, tokens: Tokens) -> UsageRecord {
    let source = Source {
        file: "t.jsonl".into(),
        line: 1.into(),
    };
    UsageRecord {
        key: UsageKey::unkeyed(agent, &source),
        timestamp_ms: 0,
        model: model.map(Into::into),
        tokens,
        session: "s".into(),
        project: None,
        git_branch: None,
        cli_version: None,
        is_sidechain: false,
        rare: None,
        source,
    }
}

pub fn claude(model: &str, tokens: Tokens) -> UsageRecord {
    record(Agent::Claude, Some(model), tokens)
}

pub fn found(model: &str) -> (String, Provenance) {
    let m = table()
        .lookup(model)
        .unwrap_or_else(|| panic!("{model} should be priced"));
    (m.prices.name.clone(), m.provenance)
}
