//! The OTLP export's payload: its figures reconcile with the report's, and it is a valid
//! `ExportMetricsServiceRequest` for the official schema (the `opentelemetry-proto` package from
//! PyPI, parsed with protobuf's own JSON parser, which rejects unknown fields, wrong types and
//! 64-bit integers outside their range).

use std::path::PathBuf;
use std::process::Command;

use agentmeter::analysis::Analysis;
use agentmeter::cli::{read_all, walk};
use agentmeter::filter::Filter;
use agentmeter::ledger::Ledger;
use agentmeter::otlp::{request_json, ExportMeta, Snapshot};
use agentmeter::pricing::PriceTable;
use serde_json::Value;

const NOW_MS: i64 = 1_776_952_800_000; // 2026-04-23T14:00:00Z

fn demo_ledger() -> Ledger {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
    let files = walk::collect(&[root]).expect("fixtures/demo is readable");
    read_all(&files).expect("read")
}

fn payload(ledger: &Ledger) -> (Snapshot, Value) {
    let label = |file: &str| {
        if file.contains("/claude/") || file.contains("/.claude/") {
            "laptop".to_owned()
        } else {
            "desktop".to_owned()
        }
    };
    let snapshot = Snapshot::new(ledger, PriceTable::embedded(), chrono_tz::UTC, &label);
    let json = request_json(
        &snapshot,
        &ExportMeta {
            now_ms: NOW_MS,
            version: "test".to_owned(),
        },
    );
    (snapshot, json)
}

fn metric<'a>(json: &'a Value, name: &str) -> &'a Value {
    json["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .expect("metrics")
        .iter()
        .find(|m| m["name"] == name)
        .unwrap_or_else(|| panic!("metric {name} is sent"))
}

fn points<'a>(json: &'a Value, name: &str) -> &'a Vec<Value> {
    let m = metric(json, name);
    ["sum", "gauge", "histogram"]
        .iter()
        .find_map(|k| m[*k]["dataPoints"].as_array())
        .unwrap_or_else(|| panic!("{name} has points"))
}

/// The sum of an integer instrument's points (their `asInt` strings).
fn int_sum(json: &Value, name: &str) -> u64 {
    points(json, name)
        .iter()
        .map(|p| {
            p["asInt"]
                .as_str()
                .and_then(|s| s.parse::<u64>().ok())
                .unwrap_or_else(|| panic!("{name}: asInt is a decimal string: {p}"))
        })
        .sum()
}

#[test]
fn the_instruments_add_up_to_the_report() {
    let ledger = demo_ledger();
    let analysis = Analysis::new(
        &ledger,
        &Filter::default(),
        PriceTable::embedded(),
        chrono_tz::UTC,
        NOW_MS,
    );
    let totals = &analysis.kpis.totals;
    let (snapshot, json) = payload(&ledger);
    assert!(totals.tokens.cache_read > 0 && totals.tokens.cache_write() > 0);
    assert!(analysis.kpis.sessions > 1);

    // Prompt tokens: uncached + cache writes + cache reads, each of which is also sent alone.
    let prompt = totals.tokens.input + totals.tokens.cache_write() + totals.tokens.cache_read;
    for name in [
        "agent.usage.tokens.input",
        "agent.usage.daily.tokens.input",
        "agent.usage.model.tokens.input",
    ] {
        assert_eq!(int_sum(&json, name), prompt, "{name}");
    }
    for name in [
        "agent.usage.tokens.output",
        "agent.usage.daily.tokens.output",
        "agent.usage.model.tokens.output",
    ] {
        assert_eq!(int_sum(&json, name), totals.tokens.output, "{name}");
    }
    assert_eq!(
        int_sum(&json, "agent.usage.tokens.cache_write"),
        totals.tokens.cache_write()
    );
    assert_eq!(
        int_sum(&json, "agent.usage.tokens.cache_read"),
        totals.tokens.cache_read
    );
    assert_eq!(int_sum(&json, "agent.usage.queries"), totals.calls);
    assert_eq!(int_sum(&json, "agent.usage.model.queries"), totals.calls);
    assert_eq!(
        int_sum(&json, "agent.usage.sessions"),
        analysis.kpis.sessions
    );
    assert_eq!(
        int_sum(&json, "agent.usage.daily.sessions"),
        analysis.kpis.sessions
    );

    // Cost at API rates, in dollars, as the report's.
    let cost: f64 = points(&json, "agent.usage.cost")
        .iter()
        .map(|p| p["asDouble"].as_f64().expect("asDouble"))
        .sum();
    assert!(
        (cost - totals.cost_usd()).abs() < 1e-9,
        "{cost} vs {}",
        totals.cost_usd()
    );
    assert_eq!(snapshot.total().cost_pico, totals.cost_pico);

    // One histogram observation per session; the token histogram sums every token.
    let count = |name: &str| -> u64 {
        points(&json, name)
            .iter()
            .map(|p| {
                p["count"]
                    .as_str()
                    .and_then(|c| c.parse::<u64>().ok())
                    .expect("count")
            })
            .sum()
    };
    assert_eq!(count("agent.usage.session.tokens"), analysis.kpis.sessions);
    assert_eq!(count("agent.usage.session.queries"), analysis.kpis.sessions);
    let token_sum: f64 = points(&json, "agent.usage.session.tokens")
        .iter()
        .map(|p| p["sum"].as_f64().expect("sum"))
        .sum();
    #[allow(clippy::cast_precision_loss)]
    let expected = totals.tokens.total() as f64;
    assert!((token_sum - expected).abs() < 0.5);
    for p in points(&json, "agent.usage.session.queries") {
        let buckets: u64 = p["bucketCounts"]
            .as_array()
            .expect("buckets")
            .iter()
            .map(|b| {
                b.as_str()
                    .and_then(|b| b.parse::<u64>().ok())
                    .expect("bucket")
            })
            .sum();
        assert_eq!(p["count"].as_str(), Some(buckets.to_string().as_str()));
    }

    // Every point carries agent, model, project and source; daily points add their date.
    for m in json["resourceMetrics"][0]["scopeMetrics"][0]["metrics"]
        .as_array()
        .expect("metrics")
    {
        let name = m["name"].as_str().expect("name");
        for p in points(&json, name) {
            let keys: Vec<&str> = p["attributes"]
                .as_array()
                .expect("attributes")
                .iter()
                .map(|a| a["key"].as_str().expect("key"))
                .collect();
            let want: &[&str] = if name.contains(".daily.") {
                &["agent", "model", "project", "source", "date"]
            } else {
                &["agent", "model", "project", "source"]
            };
            assert_eq!(keys, want, "{name}");
        }
    }
    let sources: std::collections::BTreeSet<&str> = points(&json, "agent.usage.queries")
        .iter()
        .flat_map(|p| p["attributes"].as_array().expect("attributes"))
        .filter(|a| a["key"] == "source")
        .filter_map(|a| a["value"]["stringValue"].as_str())
        .collect();
    assert_eq!(
        sources.into_iter().collect::<Vec<_>>(),
        ["desktop", "laptop"]
    );
}

#[test]
fn every_instrument_is_documented() {
    let doc =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/otlp.md"))
            .expect("docs/otlp.md");
    for i in agentmeter::otlp::instruments::ALL {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", i.name)))
            .unwrap_or_else(|| panic!("docs/otlp.md has a table row for {}", i.name));
        assert!(
            row.contains(&format!("`{}`", i.unit)),
            "{}: unit in {row}",
            i.name
        );
    }
}

/// The venv's python with opentelemetry-proto, or `None` (with a visible message) when there is
/// no python3 to make it with.
fn schema_python() -> Option<PathBuf> {
    if Command::new("python3").arg("--version").output().is_err() {
        eprintln!(
            "SKIPPED: python3 is missing, the OTLP payload was not checked against the schema"
        );
        return None;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/otlp-proto-venv");
    let out = Command::new(&script)
        .output()
        .expect("scripts/otlp-proto-venv runs");
    assert!(
        out.status.success(),
        "scripts/otlp-proto-venv failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    Some(PathBuf::from(
        stdout.lines().last().expect("the python path").trim(),
    ))
}

/// Parses `json` as an `ExportMetricsServiceRequest` with protobuf and returns, per metric, what
/// protobuf read: its data kind, point count and the sum of its integer values.
fn parse_with_protobuf(python: &PathBuf, json: &str) -> Result<Value, String> {
    const CHECK: &str = r#"
import json, sys
from google.protobuf import json_format
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
req = json_format.Parse(sys.stdin.read(), ExportMetricsServiceRequest())
out = {}
for rm in req.resource_metrics:
    for sm in rm.scope_metrics:
        for m in sm.metrics:
            kind = m.WhichOneof("data")
            pts = getattr(m, kind).data_points
            ints = sum(p.as_int for p in pts) if kind in ("sum", "gauge") else sum(p.count for p in pts)
            temporality = getattr(getattr(m, kind), "aggregation_temporality", None)
            out[m.name] = {"kind": kind, "points": len(pts), "ints": ints, "unit": m.unit,
                           "temporality": temporality,
                           "first_time": pts[0].time_unix_nano if pts else None}
print(json.dumps(out))
"#;
    let mut child = Command::new(python)
        .args(["-c", CHECK])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python runs");
    std::io::Write::write_all(child.stdin.as_mut().expect("stdin"), json.as_bytes())
        .expect("write");
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("python ends");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    Ok(serde_json::from_slice(&out.stdout).expect("python prints JSON"))
}

#[test]
fn the_payload_parses_as_an_official_export_metrics_service_request() {
    let Some(python) = schema_python() else {
        return;
    };
    let ledger = demo_ledger();
    let (_, json) = payload(&ledger);
    let parsed = parse_with_protobuf(&python, &json.to_string()).expect("protobuf accepts it");
    for i in agentmeter::otlp::instruments::ALL {
        let p = &parsed[i.name];
        assert!(p["points"].as_u64().unwrap_or(0) > 0, "{}: {p}", i.name);
        assert_eq!(p["unit"], i.unit);
        assert_eq!(p["first_time"], 1_776_952_800_000_000_000u64, "{}", i.name);
    }
    assert_eq!(parsed["agent.usage.tokens.input"]["kind"], "sum");
    assert_eq!(parsed["agent.usage.tokens.input"]["temporality"], 2);
    assert_eq!(parsed["agent.usage.daily.sessions"]["kind"], "gauge");
    assert_eq!(parsed["agent.usage.session.tokens"]["kind"], "histogram");
    // protobuf read the same integers the encoder wrote.
    assert_eq!(
        parsed["agent.usage.tokens.input"]["ints"].as_u64(),
        Some(int_sum(&json, "agent.usage.tokens.input"))
    );

    // The check is real: protobuf refuses what the JSON mapping forbids.
    let mut bad = json.clone();
    bad["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["sum"]["dataPoints"][0]["asInt"] =
        Value::String("1.5".to_owned());
    assert!(parse_with_protobuf(&python, &bad.to_string()).is_err());
    let mut unknown = json;
    unknown["resourceMetrics"][0]["scopeMetrics"][0]["metrics"][0]["summ"] = Value::Null;
    assert!(parse_with_protobuf(&python, &unknown.to_string()).is_err());
}

#[test]
fn the_cli_dry_run_prints_the_same_valid_request() {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["otlp", "--dry-run"])
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"))
        .env("TZ", "UTC")
        .env("AGENTMETER_NOW", "2026-04-23T14:00:00Z")
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .env_remove("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        .output()
        .expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let ledger = demo_ledger();
    let (_, json) = payload(&ledger);
    assert_eq!(
        int_sum(&printed, "agent.usage.tokens.input"),
        int_sum(&json, "agent.usage.tokens.input")
    );
    // The CLI labels the source by the PATH folder's name.
    let source = &points(&printed, "agent.usage.queries")[0]["attributes"][3];
    assert_eq!(source["key"], "source");
    assert_eq!(source["value"]["stringValue"], "demo");
    if let Some(python) = schema_python() {
        parse_with_protobuf(&python, &String::from_utf8_lossy(&out.stdout))
            .expect("protobuf accepts the CLI's request");
    }
}
