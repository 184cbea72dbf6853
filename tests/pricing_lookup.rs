//! Pricing against the embedded LiteLLM snapshot.
//!
//! Expected prices are read from `data/prices.json` itself (never retyped), and converted here
//! with a plain `round(usd * 1e12)`, independently of the library's decimal conversion. Only
//! documented relationships (a 1-hour cache write costs 2x input; Opus 4.6 fast mode costs 6x)
//! appear as constants.
//! This file: finding a model's price (exact, alias, family, unpriced).

mod pricing_support;

use agentmeter::model::{Agent, Tokens};
use agentmeter::pricing::Provenance;
use pricing_support::*;

#[test]
fn embedded_table_names_its_source() {
    let f = file();
    let version = f["litellm_version"].as_str().expect("litellm_version");
    assert_eq!(table().source(), format!("litellm {version}"));
    assert_eq!(
        table().snapshot_date(),
        f["snapshot_date"].as_str().expect("snapshot_date")
    );
    assert_eq!(
        table().models().len(),
        f["models"].as_object().expect("models").len()
    );
}

#[test]
fn every_price_converts_to_whole_picodollars() {
    let f = file();
    for m in table().models() {
        let entry = &f["models"][m.name.as_str()];
        let want = |field: &str| entry[field].as_f64().map(|v| (v * 1e12).round() as u64);
        assert_eq!(m.base.input, want("input_cost_per_token"), "{}", m.name);
        assert_eq!(m.base.output, want("output_cost_per_token"), "{}", m.name);
        assert_eq!(
            m.base.cache_write_5m,
            want("cache_creation_input_token_cost"),
            "{}",
            m.name
        );
        assert_eq!(
            m.base.cache_write_1h,
            want("cache_creation_input_token_cost_above_1hr"),
            "{}",
            m.name
        );
        assert_eq!(
            m.base.cache_read,
            want("cache_read_input_token_cost"),
            "{}",
            m.name
        );
    }
}

#[test]
fn exact_names_are_exact() {
    for name in [
        "claude-opus-4-6",
        "claude-haiku-4-5-20251001",
        "gpt-5",
        "gemini-2.5-pro",
    ] {
        assert_eq!(found(name), (name.to_owned(), Provenance::Exact));
    }
}

#[test]
fn dated_and_provider_prefixed_names_are_aliases() {
    let cases = [
        ("anthropic/claude-opus-4-6", "claude-opus-4-6"),
        ("openai/gpt-5", "gpt-5"),
        ("gemini/gemini-2.5-pro", "gemini-2.5-pro"),
        ("models/gemini-2.5-pro", "gemini-2.5-pro"),
        (
            "vertex_ai/claude-haiku-4-5@20251001",
            "claude-haiku-4-5-20251001",
        ),
        ("us.anthropic.claude-opus-4-6-v1", "claude-opus-4-6"),
        ("Claude-Opus-4-6", "claude-opus-4-6"),
        (
            "openrouter/anthropic/claude-sonnet-4.5",
            "claude-sonnet-4-5",
        ),
        // A date the table does not know falls back to the undated entry.
        ("claude-sonnet-4-6-20991231", "claude-sonnet-4-6"),
    ];
    for (written, entry) in cases {
        assert!(table().get(written).is_none(), "{written} is a table key");
        assert_eq!(
            found(written),
            (entry.to_owned(), Provenance::Alias),
            "{written}"
        );
    }
}

#[test]
fn retired_models_reach_their_bedrock_or_vertex_alias() {
    for (written, entry) in [
        (
            "claude-sonnet-4-20250514",
            "anthropic.claude-sonnet-4-20250514-v1:0",
        ),
        (
            "claude-opus-4-1-20250805",
            "anthropic.claude-opus-4-1-20250805-v1:0",
        ),
        // Retired Gemini models survive as Vertex entries.
        ("gemini-3-pro-preview", "vertex_ai/gemini-3-pro-preview"),
    ] {
        assert!(table().get(written).is_none());
        assert_eq!(found(written), (entry.to_owned(), Provenance::Alias));
    }
    // The alias is priced with that entry's prices.
    let cost = table().record_cost(&claude(
        "claude-sonnet-4-20250514",
        Tokens {
            input: 1000,
            output: 100,
            ..Tokens::default()
        },
    ));
    let e = "anthropic.claude-sonnet-4-20250514-v1:0";
    assert_eq!(
        cost.pico,
        1000 * pico(e, "input_cost_per_token") + 100 * pico(e, "output_cost_per_token")
    );
    assert_eq!(cost.provenance, Provenance::Alias);
}

#[test]
fn custom_names_are_priced_as_their_family() {
    assert_eq!(
        found("aide-gpt-5"),
        ("gpt-5".to_owned(), Provenance::Family)
    );
    assert_eq!(
        found("corp-proxy/claude-sonnet-4-5-internal"),
        ("claude-sonnet-4-5".to_owned(), Provenance::Family)
    );
    // The longest family wins: gpt-5-mini, not gpt-5.
    assert_eq!(
        found("aide-gpt-5-mini"),
        ("gpt-5-mini".to_owned(), Provenance::Family)
    );
}

#[test]
fn unknown_models_are_unpriced_not_free() {
    for name in ["frobnicator-9000", "gpt-50", "llama-3-70b-private"] {
        assert!(table().lookup(name).is_none(), "{name}");
        let cost = table().record_cost(&claude(
            name,
            Tokens {
                input: 10,
                ..Tokens::default()
            },
        ));
        assert_eq!(cost.provenance, Provenance::Unpriced);
        assert_eq!((cost.pico, cost.priced_as), (0, None));
    }
    // No model at all: unpriced, except Codex (priced as gpt-5, an approximation).
    let tokens = Tokens {
        input: 1000,
        output: 10,
        cache_read: 500,
        ..Tokens::default()
    };
    let none = table().record_cost(&record(Agent::Claude, None, tokens));
    assert_eq!(none.provenance, Provenance::Unpriced);
    let codex = table().record_cost(&record(Agent::Codex, None, tokens));
    assert_eq!(codex.provenance, Provenance::Family);
    assert_eq!(codex.priced_as.as_deref(), Some("gpt-5"));
    assert_eq!(
        codex.pico,
        1000 * pico("gpt-5", "input_cost_per_token")
            + 10 * pico("gpt-5", "output_cost_per_token")
            + 500 * pico("gpt-5", "cache_read_input_token_cost")
    );
}
