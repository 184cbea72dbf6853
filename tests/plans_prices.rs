//! Custom prices (`--prices FILE`), plans (`plans --plan`) and what-if (`whatif --as`,
//! `--no-cache`) through the real binary, checked against sums computed by hand from the
//! fixtures' token counts and the vendors' published prices.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn run(args: &[&str], path: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(args)
        .arg(fixture(path))
        .env("TZ", "UTC")
        .env("AGENTMETER_NOW", "2026-04-23T14:00:00Z")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str], path: &str) -> Value {
    let (code, out, err) = run(args, path);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn write_prices(name: &str, json: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("agentmeter-prices-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, json).expect("write prices");
    path
}

/// fixtures/claude/devdocs: two Claude calls of claude-opus-4-1-20250805 and two of
/// claude-sonnet-4-5-20250929 (token counts asserted below).
const DEVDOCS: &str = "fixtures/claude/devdocs";

#[test]
fn without_caching_the_cost_is_every_prompt_token_at_the_input_price() {
    let report = json(&["models", "--json"], DEVDOCS);
    let models = report["models"].as_array().expect("models");
    let tokens = |name: &str, field: &str| {
        models
            .iter()
            .find(|m| m["model"] == name)
            .and_then(|m| m["tokens"][field].as_u64())
            .expect("model row")
    };
    // The fixture's counts, so the sum below can be checked with a pencil.
    assert_eq!(
        [
            "input",
            "cache_write_5m",
            "cache_write_1h",
            "cache_read",
            "output"
        ]
        .map(|f| tokens("claude-opus-4-1-20250805", f)),
        [14, 13_583, 0, 24_016, 6]
    );
    assert_eq!(
        [
            "input",
            "cache_write_5m",
            "cache_write_1h",
            "cache_read",
            "output"
        ]
        .map(|f| tokens("claude-sonnet-4-5-20250929", f)),
        [10, 1_724, 0, 25_178, 113]
    );
    // Anthropic's list prices: Opus 4.1 $15 in / $75 out, Sonnet 4.5 $3 in / $15 out per MTok.
    // Opus: (14 + 13,583 + 24,016) x $15/M + 6 x $75/M = $0.564195 + $0.00045 = $0.564645
    // Sonnet: (10 + 1,724 + 25,178) x $3/M + 113 x $15/M = $0.080736 + $0.001695 = $0.082431
    let by_hand = 0.564_645 + 0.082_431;
    let w = json(&["whatif", "--no-cache", "--json"], DEVDOCS);
    let what_if = &w["what_if"];
    assert!(
        close(
            what_if["what_if_usd"].as_f64().expect("what_if_usd"),
            by_hand
        ),
        "{what_if}"
    );
    // The actual cost is the report's, and the calls are all of them.
    assert!(close(
        what_if["actual_usd"].as_f64().expect("actual"),
        report["total"]["cost_usd"].as_f64().expect("total")
    ));
    assert_eq!(what_if["calls"], report["total"]["calls"]);
    assert_eq!(what_if["not_recomputed"], 0);
}

#[test]
fn opus_at_sonnet_prices_reprices_only_the_opus_calls() {
    let w = json(
        &["whatif", "--as", "opus=claude-sonnet-4-5", "--json"],
        DEVDOCS,
    );
    let rows = w["what_if"]["rows"].as_array().expect("rows");
    let opus = rows
        .iter()
        .find(|r| r["model"] == "claude-opus-4-1-20250805")
        .expect("opus row");
    // Sonnet 4.5: $3 in, $3.75 5m write, $0.30 read, $15 out per MTok.
    // 14 x 3 + 13,583 x 3.75 + 24,016 x 0.30 + 6 x 15 = 42 + 50,936.25 + 7,204.8 + 90 = 58,273.05 /M
    assert!(
        close(opus["what_if_usd"].as_f64().expect("usd"), 0.058_273_05),
        "{opus}"
    );
    assert_eq!(opus["priced_as"], "claude-sonnet-4-5");
    let sonnet = rows
        .iter()
        .find(|r| r["model"] == "claude-sonnet-4-5-20250929")
        .expect("sonnet row");
    assert_eq!(sonnet["actual_usd"], sonnet["what_if_usd"]);
    // A target without a price is refused before anything is read.
    let (code, _, err) = run(&["whatif", "--as", "opus=no-such-model-q"], DEVDOCS);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no-such-model-q"), "{err}");
}

#[test]
fn custom_prices_reprice_their_models_and_are_marked_in_json_and_text() {
    let prices = write_prices(
        "team.json",
        r#"{"models":{"claude-opus-4-1":{"input":10,"output":50,"cache_write_5m":12.5,"cache_read":1}}}"#,
    );
    let p = prices.to_str().expect("utf-8 temp path");
    let report = json(&["report", "--json", "--prices", p], DEVDOCS);
    let models = report["models"].as_array().expect("models");
    let opus = models
        .iter()
        .find(|m| m["model"] == "claude-opus-4-1-20250805")
        .expect("opus row");
    assert_eq!(opus["pricing"], "custom");
    assert_eq!(opus["priced_as"], "claude-opus-4-1");
    // 14 x 10 + 13,583 x 12.5 + 24,016 x 1 + 6 x 50 = 140 + 169,787.5 + 24,016 + 300 per M.
    assert!(close(opus["cost_usd"].as_f64().expect("cost"), 0.194_243_5));
    let sonnet = models
        .iter()
        .find(|m| m["model"] == "claude-sonnet-4-5-20250929")
        .expect("sonnet row");
    assert_eq!(sonnet["pricing"], "exact");
    assert_eq!(report["custom_prices"][0]["model"], "claude-opus-4-1");
    assert!(report["prices"]
        .as_str()
        .expect("prices")
        .ends_with("+ 1 custom price (team.json)"));
    // Every command carries the list; the text output names it and marks the row.
    let daily = json(&["daily", "--json", "--prices", p], DEVDOCS);
    assert_eq!(daily["custom_prices"][0]["input"], 10.0);
    let (code, text, err) = run(&["report", "--prices", p], DEVDOCS);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("claude-opus-4-1 (custom price)"), "{text}");
    assert!(text.contains("Custom prices from team.json"), "{text}");
}

#[test]
fn a_bad_prices_file_is_refused_with_the_field_named() {
    let prices = write_prices(
        "bad.json",
        r#"{"models":{"claude-opus-4-1":{"input":10,"output":50,"cache_reads":1}}}"#,
    );
    let (code, out, err) = run(
        &["report", "--prices", prices.to_str().expect("utf-8")],
        DEVDOCS,
    );
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("\"claude-opus-4-1\": field cache_reads: unknown field"),
        "{err}"
    );
    let (code, _, err) = run(&["report", "--prices", "/no/such/prices.json"], DEVDOCS);
    assert_ne!(code, 0);
    assert!(err.contains("/no/such/prices.json"), "{err}");
}

#[test]
fn plans_compare_each_month_with_the_api_equivalent_cost() {
    let report = json(&["monthly", "--json", "--agent", "claude"], "fixtures/demo");
    let v = json(
        &[
            "monthly",
            "--json",
            "--plan",
            "claude=pro",
            "--plan",
            "codex=custom:0.25",
        ],
        "fixtures/demo",
    );
    let months = v["plans"]["months"].as_array().expect("plan months");
    // Claude's plan months are the months with Claude calls, at the month's Claude cost.
    let claude_months: Vec<&Value> = months.iter().filter(|m| m["agent"] == "claude").collect();
    let monthly = report["monthly"].as_array().expect("monthly rows");
    assert_eq!(claude_months.len(), monthly.len());
    for (m, row) in claude_months.iter().zip(monthly) {
        assert_eq!(m["month"], row["period"]);
        assert!(close(
            m["api_usd"].as_f64().expect("api"),
            row["cost_usd"].as_f64().expect("cost")
        ));
        assert_eq!(m["plan_usd"], 20.0);
    }
    let codex = months
        .iter()
        .find(|m| m["agent"] == "codex")
        .expect("codex month");
    assert_eq!(codex["plan_usd"], 0.25);
    // $0.31 of Codex calls passes a $0.25 plan within the month.
    assert!(codex["break_even_on"].is_string(), "{codex}");
    let totals = v["plans"]["plans"].as_array().expect("plan totals");
    assert_eq!(totals[1]["price_source"], "set by you");
    assert!(totals[0]["price_source"]
        .as_str()
        .expect("source")
        .contains("anthropic.com"));
    // A bad plan is a usage error.
    let (code, _, err) = run(&["plans", "--plan", "claude=ultra"], "fixtures/demo");
    assert_eq!(code, 2);
    assert!(err.contains("max5x"), "{err}");
}
