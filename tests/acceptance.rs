//! The accounting issue's acceptance figures, end to end through the CLI binary's `--json`.
//!
//! `fixtures/demo` holds the real transcripts laid out as the agents write them under a home
//! folder (Claude: the spotter files under one project folder, the 1.0.95 file under another;
//! Codex: the 0.39 rollout; Gemini: the 2025-10-05 `.json` and `gemini.jsonl`). The expected
//! numbers are the issue's, computed independently of this code.

use std::process::Command;

use serde_json::Value;

fn report_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .arg("report")
        .arg("--json")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.success(),
        "CLI failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the CLI prints JSON")
}

fn tokens(report: &Value, agent: &str) -> [u64; 5] {
    let t = &report["agents"][agent]["tokens"];
    let n = |k: &str| {
        t[k].as_u64()
            .unwrap_or_else(|| panic!("{agent}.{k} missing"))
    };
    [
        n("input"),
        n("output"),
        n("cache_write"),
        n("cache_read"),
        n("total"),
    ]
}

#[test]
fn real_fixtures_give_the_exact_totals() {
    let r = report_json(&["--tz", "UTC", "fixtures/demo"]);
    assert_eq!(
        tokens(&r, "claude"),
        [4_468, 55_160, 548_286, 18_316_628, 18_924_542]
    );
    assert_eq!(tokens(&r, "codex"), [133_698, 12_551, 0, 136_832, 283_081]);
    assert_eq!(tokens(&r, "gemini"), [293_657, 11_237, 0, 375_571, 680_465]);

    let claude_cost = r["agents"]["claude"]["cost_usd"].as_f64().expect("cost");
    assert!(
        (claude_cost - 7.86).abs() <= 7.86 * 0.005,
        "Claude cost {claude_cost} is not $7.86 +-0.5%"
    );
    assert_eq!(
        r["agents"]["claude"]["unpriced_models"],
        Value::Array(vec![])
    );

    let total = r["total"]["tokens"]["total"].as_u64().expect("total");
    assert_eq!(total, 18_924_542 + 283_081 + 680_465);

    let l = &r["lines"];
    let n = |k: &str| l[k].as_u64().expect("line count");
    assert_eq!(
        n("read"),
        n("used") + n("duplicate") + n("ignored") + n("malformed")
    );
    assert_eq!(n("malformed"), 0, "the real fixtures are well formed");
}

#[test]
fn a_home_folder_an_agent_root_and_a_folder_below_it_agree() {
    let home = report_json(&["--tz", "UTC", "fixtures/demo"]);
    let root = report_json(&["--tz", "UTC", "fixtures/demo/.claude/projects"]);
    let below = report_json(&[
        "--tz",
        "UTC",
        "fixtures/demo/.claude/projects/-home-USER-projects-spotter",
        "fixtures/demo/.claude/projects/-home-USER-projects-vibe",
    ]);
    assert_eq!(tokens(&root, "claude"), tokens(&home, "claude"));
    assert_eq!(tokens(&below, "claude"), tokens(&home, "claude"));
    assert!(root["agents"].get("codex").is_none());
}
