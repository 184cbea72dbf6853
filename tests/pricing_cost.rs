//! Pricing against the embedded LiteLLM snapshot.
//!
//! Expected prices are read from `data/prices.json` itself (never retyped), and converted here
//! with a plain `round(usd * 1e12)`, independently of the library's decimal conversion. Only
//! documented relationships (a 1-hour cache write costs 2x input; Opus 4.6 fast mode costs 6x)
//! appear as constants.
//! This file: the cost formula (token kinds, 1h writes, tiers, fast mode, recorded cost).

mod pricing_support;

use agentmeter::model::{Agent, Tokens};
use agentmeter::pricing::Provenance;
use pricing_support::*;

#[test]
fn every_token_kind_is_billed_at_its_own_rate() {
    let m = "claude-opus-4-6";
    let tokens = Tokens {
        input: 3,
        output: 209,
        cache_write_5m: 8165,
        cache_write_1h: 1000,
        cache_read: 17842,
        reasoning: 50,
    };
    let cost = table().record_cost(&claude(m, tokens));
    let want = 3 * pico(m, "input_cost_per_token")
        + 209 * pico(m, "output_cost_per_token")
        + 8165 * pico(m, "cache_creation_input_token_cost")
        + 1000 * pico(m, "cache_creation_input_token_cost_above_1hr")
        + 17842 * pico(m, "cache_read_input_token_cost");
    assert_eq!(
        cost.pico, want,
        "reasoning is inside output, never billed again"
    );
    assert_eq!(cost.provenance, Provenance::Exact);
    assert_eq!(cost.priced_as.as_deref(), Some(m));
}

#[test]
fn one_hour_cache_writes_cost_the_1h_rate_or_twice_input() {
    // (Below 200k of prompt: the long-context tier is tested separately.)
    let only_1h = Tokens {
        cache_write_1h: 100_000,
        ..Tokens::default()
    };
    // With LiteLLM's field.
    let m = "claude-opus-4-6";
    let cost = table().record_cost(&claude(m, only_1h));
    assert_eq!(
        cost.pico,
        100_000 * pico(m, "cache_creation_input_token_cost_above_1hr")
    );
    // Anthropic documents a 1h write as 2x input; the table agrees where it has the field...
    assert_eq!(
        pico(m, "cache_creation_input_token_cost_above_1hr"),
        2 * pico(m, "input_cost_per_token")
    );
    // ...and where it lacks it (the Bedrock alias of a retired model) that is the fallback,
    // not the 5-minute rate.
    let e = "anthropic.claude-sonnet-4-20250514-v1:0";
    assert!(file()["models"][e]["cache_creation_input_token_cost_above_1hr"].is_null());
    let cost = table().record_cost(&claude("claude-sonnet-4-20250514", only_1h));
    assert_eq!(cost.pico, 100_000 * 2 * pico(e, "input_cost_per_token"));
    assert_ne!(
        cost.pico,
        100_000 * pico(e, "cache_creation_input_token_cost")
    );
}

#[test]
fn long_prompts_bill_the_whole_request_at_the_tier_rate() {
    let e = "anthropic.claude-sonnet-4-20250514-v1:0";
    let at = |field: &str| pico(e, &format!("{field}_above_200k_tokens"));
    let base = |field: &str| pico(e, field);
    // Prompt = 100 + 50_000 + 149_900 = 200_000: not above the threshold.
    let mut tokens = Tokens {
        input: 100,
        output: 1000,
        cache_write_5m: 50_000,
        cache_read: 149_900,
        ..Tokens::default()
    };
    let cost = |t: Tokens| {
        table()
            .record_cost(&claude("claude-sonnet-4-20250514", t))
            .pico
    };
    assert_eq!(
        cost(tokens),
        100 * base("input_cost_per_token")
            + 1000 * base("output_cost_per_token")
            + 50_000 * base("cache_creation_input_token_cost")
            + 149_900 * base("cache_read_input_token_cost")
    );
    // One more token: every kind, output included, at the long-context price, although no
    // single kind exceeds 200k on its own (ccusage's per-field rule would not tier this).
    tokens.cache_read += 1;
    assert_eq!(
        cost(tokens),
        100 * at("input_cost_per_token")
            + 1000 * at("output_cost_per_token")
            + 50_000 * at("cache_creation_input_token_cost")
            + 149_901 * at("cache_read_input_token_cost")
    );
    // Gemini 2.5 Pro has the same rule.
    let g = "gemini-2.5-pro";
    let long = Tokens {
        input: 150_000,
        output: 10,
        cache_read: 60_000,
        ..Tokens::default()
    };
    assert_eq!(
        table()
            .record_cost(&record(Agent::Gemini, Some(g), long))
            .pico,
        150_000 * pico(g, "input_cost_per_token_above_200k_tokens")
            + 10 * pico(g, "output_cost_per_token_above_200k_tokens")
            + 60_000 * pico(g, "cache_read_input_token_cost_above_200k_tokens")
    );
}

#[test]
fn fast_mode_uses_litellm_multiplier_or_anthropics_documented_one() {
    let tokens = Tokens {
        input: 1000,
        output: 500,
        cache_read: 20_000,
        ..Tokens::default()
    };
    let priced = |model: &str, fast: bool| {
        let mut r = claude(model, tokens);
        r.set_rare(|x| x.speed = fast.then(|| "fast".to_owned()).map(Into::into));
        table().record_cost(&r)
    };
    // Opus 4.8: LiteLLM's provider_specific_entry.fast.
    let m = "claude-opus-4-8";
    let x = file()["models"][m]["provider_specific_entry"]["fast"]
        .as_f64()
        .expect("LiteLLM fast multiplier for opus 4.8");
    let standard = priced(m, false).pico;
    let fast = priced(m, true);
    assert_eq!(fast.pico, (standard as f64 * x).round() as u64);
    assert_eq!(fast.priced_as, Some(format!("{m} fast x{x}")));
    // Opus 4.6: no multiplier in LiteLLM; Anthropic documents 6x ($30/$150 vs $5/$25).
    let m = "claude-opus-4-6";
    assert!(file()["models"][m]["provider_specific_entry"].is_null());
    let standard = priced(m, false).pico;
    let fast = priced(m, true);
    assert_eq!(fast.pico, 6 * standard);
    assert_eq!(fast.priced_as.as_deref(), Some("claude-opus-4-6 fast x6"));
    assert_eq!(fast.provenance, Provenance::Exact);
    // A model without fast pricing keeps its standard price and says so.
    let m = "claude-sonnet-4-5";
    let fast = priced(m, true);
    assert_eq!(fast.pico, priced(m, false).pico);
    assert!(fast.priced_as.expect("priced_as").contains("no fast price"));
}

#[test]
fn a_recorded_cost_stands_in_only_where_the_table_has_no_price() {
    let mut r = claude(
        "claude-opus-4-6",
        Tokens {
            input: 1_000_000,
            ..Tokens::default()
        },
    );
    let computed = table().record_cost(&r);
    r.set_rare(|x| x.recorded_cost_pico = Some(1_234_567));
    // A priced model: the computed cost at API rates, whatever the agent recorded.
    assert_eq!(table().record_cost(&r), computed);
    assert_eq!(computed.provenance, Provenance::Exact);
    // A model the table does not know: the recorded cost stands in...
    r.model = Some("frobnicator-9000".into());
    let cost = table().record_cost(&r);
    assert_eq!(cost.pico, 1_234_567);
    assert_eq!(cost.provenance, Provenance::Recorded);
    // ...unless it is 0 (OpenCode writes 0 for subscription calls): never a silent $0.
    r.set_rare(|x| x.recorded_cost_pico = Some(0));
    assert_eq!(table().record_cost(&r).provenance, Provenance::Unpriced);
}

/// The acceptance figure: Claude cost over the real fixtures (claude/spotter/** and
/// claude/vibecodingtracker/*.jsonl) is $7.86 +-0.5%.
///
/// The per-model token totals below were measured by `scripts/claude-fixture-cost` (FORMATS.md 1.5
/// dedupe, independent of the Rust parser); they sum to the corpus totals input 4,468 / output
/// 55,160 / cache write 548,286 / cache read 18,316,628. No request in the corpus has a prompt over
/// 141,787 tokens, so every request is at base rates and pricing the sums equals summing the
/// per-request prices. The end-to-end check through the parser belongs with the parser.
#[test]
fn claude_fixture_corpus_costs_the_acceptance_figure() {
    // (model as written, input, output, cache write 5m, cache write 1h, cache read)
    let per_model: [(&str, u64, u64, u64, u64, u64); 4] = [
        ("claude-opus-4-6", 1728, 21_407, 217_025, 57_373, 6_165_041),
        (
            "claude-haiku-4-5-20251001",
            174,
            29_886,
            141_785,
            14_285,
            11_028_804,
        ),
        ("claude-sonnet-4-20250514", 158, 3860, 99_004, 0, 1_093_509),
        ("claude-sonnet-4-5-20250929", 2408, 7, 18_814, 0, 29_274),
    ];
    let mut sum = Tokens::default();
    let mut pico_total: u64 = 0;
    for (model, input, output, cw5, cw1, cr) in per_model {
        let tokens = Tokens {
            input,
            output,
            cache_write_5m: cw5,
            cache_write_1h: cw1,
            cache_read: cr,
            reasoning: 0,
        };
        sum.add(&tokens);
        let m = table().lookup(model).expect("every corpus model is priced");
        let r = m.prices.rates_for(141_787);
        pico_total += input * r.input
            + output * r.output
            + cw5 * r.cache_write_5m
            + cw1 * r.cache_write_1h
            + cr * r.cache_read;
    }
    assert_eq!(
        (sum.input, sum.output, sum.cache_write(), sum.cache_read),
        (4468, 55_160, 548_286, 18_316_628)
    );
    let usd = pico_total as f64 / 1e12;
    eprintln!("Claude fixture cost: {pico_total} pico = ${usd:.6}");
    assert!(
        (usd / 7.86 - 1.0).abs() <= 0.005,
        "Claude fixture cost ${usd:.4} is not $7.86 +-0.5%"
    );
}
