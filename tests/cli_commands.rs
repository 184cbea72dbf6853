//! The analytics commands through the real binary: JSON shapes, filters, exit statuses.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(args)
        .arg(demo())
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

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn total_tokens(v: &Value) -> u64 {
    v["tokens"]["total"].as_u64().expect("tokens.total")
}

#[test]
fn each_command_lists_its_rows_under_its_plural_name_and_they_add_up() {
    let report = json(&["report", "--json"]);
    let total = total_tokens(&report["total"]);
    assert!(total > 0);
    for (cmd, key) in [
        ("daily", "daily"),
        ("weekly", "weekly"),
        ("monthly", "monthly"),
        ("session", "sessions"),
        ("blocks", "blocks"),
        ("models", "models"),
    ] {
        let v = json(&[cmd, "--json"]);
        let rows = v[key]
            .as_array()
            .unwrap_or_else(|| panic!("{cmd}: {key} rows"));
        assert!(!rows.is_empty(), "{cmd}");
        let sum: u64 = rows.iter().map(total_tokens).sum();
        assert_eq!(sum, total, "{cmd} rows add up to the total");
        assert_eq!(total_tokens(&v["total"]), total, "{cmd} total");
        assert!(
            rows.iter().all(|r| r["cost_usd"].is_number()),
            "{cmd} cost_usd"
        );
    }
    let tools = json(&["tools", "--json"]);
    let calls: u64 = tools["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .map(|t| t["calls"].as_u64().expect("calls"))
        .sum();
    let report_calls: u64 = report["tools"]
        .as_array()
        .expect("report tools")
        .iter()
        .map(|t| t["calls"].as_u64().expect("calls"))
        .sum();
    assert_eq!(calls, report_calls);
    let insights = json(&["insights", "--json"]);
    assert!(insights["insights"].is_array() && insights["not_covered"].is_array());
    assert_eq!(insights["insights"], report["insights"]);
}

#[test]
fn report_carries_every_analytics_section() {
    let r = json(&["report", "--json"]);
    for key in [
        "weeks",
        "months",
        "projects",
        "blocks",
        "kpis",
        "model_comparison",
        "tool_health",
        "activity",
        "insights",
        "drivers",
    ] {
        assert!(!r[key].is_null(), "report has {key}");
    }
    assert!(
        r["kpis"]["previous"].is_null(),
        "no range, no previous period"
    );
    // The fixed "now" is inside the last block of the demo (2026-04-23 12:xx UTC).
    let blocks = r["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.last().expect("a block")["active"], true);
    assert!(blocks.last().expect("a block")["projected_cost_usd"].is_number());
}

#[test]
fn filters_restrict_every_figure() {
    let all = json(&["report", "--json"]);
    let claude = json(&["report", "--json", "--agent", "claude"]);
    assert_eq!(claude["total"]["tokens"], all["agents"]["claude"]["tokens"]);
    assert_eq!(claude["agents"].as_object().expect("agents").len(), 1);
    // The line report is about files, not filters.
    assert_eq!(claude["lines"], all["lines"]);

    let range = json(&[
        "report",
        "--json",
        "--since",
        "2026-02-10",
        "--until",
        "2026-02-12",
    ]);
    let days: u64 = all["days"]
        .as_array()
        .expect("days")
        .iter()
        .filter(|d| {
            let date = d["date"].as_str().expect("date");
            ("2026-02-10"..="2026-02-12").contains(&date)
        })
        .map(total_tokens)
        .sum();
    assert_eq!(total_tokens(&range["total"]), days);
    assert!(
        range["kpis"]["previous"].is_object(),
        "a range has a previous period"
    );
    assert!(
        range["kpis"]["change"]["cost_usd"].is_number()
            || range["kpis"]["change"]["cost_usd"].is_null()
    );
}

#[test]
fn session_detail_by_id() {
    let sessions = json(&["session", "--json"]);
    let id = sessions["sessions"][0]["session"]
        .as_str()
        .expect("an id")
        .to_owned();
    let detail = json(&["session", "--json", "--id", &id]);
    let calls = detail["session"]["calls"].as_array().expect("calls");
    assert_eq!(
        calls.len() as u64,
        sessions["sessions"][0]["calls"].as_u64().expect("calls")
    );
    let (code, _, err) = run(&["session", "--id", "no-such-session"]);
    assert_eq!(code, 2);
    assert!(err.contains("no-such-session"), "{err}");
}

#[test]
fn bad_filters_are_usage_errors() {
    for args in [
        &["report", "--since", "yesterday"][..],
        &["daily", "--agent", "nope"][..],
    ] {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}");
        assert!(out.is_empty());
        assert!(err.starts_with("agentmeter: "), "{err}");
    }
}

#[test]
fn text_tables_end_with_a_total_row() {
    for cmd in ["daily", "weekly", "monthly", "session", "blocks"] {
        let (code, out, _) = run(&[cmd]);
        assert_eq!(code, 0);
        assert!(
            out.lines().any(|l| l.trim_start().starts_with("Total")),
            "{cmd}:\n{out}"
        );
    }
}
