//! The snapshot as an OTLP `ExportMetricsServiceRequest` in the proto3 JSON mapping.
//!
//! OTLP/HTTP JSON follows protobuf's JSON mapping with the OTLP specification's rules: field
//! names in lowerCamelCase, 64-bit integers (`asInt`, `count`, `bucketCounts`, `timeUnixNano`)
//! as decimal strings, enums (`aggregationTemporality`) as integers, doubles as numbers.
//! tests/otlp_schema.rs parses the result with the official `opentelemetry-proto` schema.
//!
//! Counters and histograms are cumulative (temporality 2): each export sends the totals since a
//! series' first call, so re-exporting every minute is idempotent for the backend.

use serde_json::{json, Value};

use super::instruments::{Grouping, Instrument, Kind, Measure, ALL};
use super::snapshot::{Attrs, SessionPoint, Snapshot, Sums};

/// `AGGREGATION_TEMPORALITY_CUMULATIVE`.
const CUMULATIVE: u8 = 2;

/// What the request says about who sent it and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportMeta {
    /// The export time, milliseconds since the epoch (every point's `timeUnixNano`).
    pub now_ms: i64,
    /// `service.version` (the agentmeter version).
    pub version: String,
}

/// The request body for `POST /v1/metrics`.
#[must_use]
pub fn request_json(snapshot: &Snapshot, meta: &ExportMeta) -> Value {
    let metrics: Vec<Value> = ALL
        .iter()
        .filter_map(|i| metric(i, snapshot, meta))
        .collect();
    json!({
        "resourceMetrics": [{
            "resource": {
                "attributes": [
                    string_attr("service.name", "agentmeter"),
                    string_attr("service.version", &meta.version),
                ]
            },
            "scopeMetrics": [{
                "scope": { "name": "agentmeter", "version": meta.version },
                "metrics": metrics,
            }]
        }]
    })
}

/// One metric, or `None` when it has no point (an empty analysis sends no empty metric).
fn metric(i: &Instrument, snapshot: &Snapshot, meta: &ExportMeta) -> Option<Value> {
    let now = nanos(meta.now_ms);
    let data = match i.kind {
        Kind::Histogram(bounds) => {
            let points = histogram_points(i.measure, bounds, &snapshot.sessions, &now);
            if points.is_empty() {
                return None;
            }
            (
                "histogram",
                json!({ "dataPoints": points, "aggregationTemporality": CUMULATIVE }),
            )
        }
        Kind::Counter | Kind::CostCounter | Kind::Gauge => {
            let points = number_points(i, snapshot, &now);
            if points.is_empty() {
                return None;
            }
            if i.kind == Kind::Gauge {
                ("gauge", json!({ "dataPoints": points }))
            } else {
                (
                    "sum",
                    json!({
                        "dataPoints": points,
                        "aggregationTemporality": CUMULATIVE,
                        "isMonotonic": true,
                    }),
                )
            }
        }
    };
    let mut m = json!({
        "name": i.name,
        "description": i.description,
        "unit": i.unit,
    });
    m[data.0] = data.1;
    Some(m)
}

/// The points of a counter or gauge.
fn number_points(i: &Instrument, snapshot: &Snapshot, now: &str) -> Vec<Value> {
    let cumulative = i.kind != Kind::Gauge;
    let point = |attrs: Vec<Value>, value: Value, first_ms: i64| {
        let mut p = json!({ "attributes": attrs, "timeUnixNano": now });
        if cumulative {
            p["startTimeUnixNano"] = Value::String(nanos(first_ms));
        }
        let key = if i.kind == Kind::CostCounter {
            "asDouble"
        } else {
            "asInt"
        };
        p[key] = value;
        p
    };
    match (i.grouping, i.measure) {
        (_, Measure::Sessions) => {
            sessions_points(i.grouping, &snapshot.sessions, |attrs, count, first| {
                point(attrs, int(count), first)
            })
        }
        (Grouping::Daily, m) => snapshot
            .daily
            .iter()
            .map(|((day, attrs), sums)| {
                let mut a = attributes(attrs);
                a.push(string_attr("date", &day.format("%Y-%m-%d").to_string()));
                point(a, value_of(m, sums), sums.first_ms)
            })
            .collect(),
        (_, m) => snapshot
            .series
            .iter()
            .map(|(attrs, sums)| point(attributes(attrs), value_of(m, sums), sums.first_ms))
            .collect(),
    }
}

/// Session counts, all time (`agent.usage.sessions`) or by first day (`daily.sessions`).
fn sessions_points(
    grouping: Grouping,
    sessions: &[SessionPoint],
    point: impl Fn(Vec<Value>, u64, i64) -> Value,
) -> Vec<Value> {
    let mut counts: std::collections::BTreeMap<(Option<chrono::NaiveDate>, &Attrs), (u64, i64)> =
        std::collections::BTreeMap::new();
    for s in sessions {
        let day = (grouping == Grouping::Daily).then_some(s.first_day);
        let c = counts.entry((day, &s.attrs)).or_insert((0, s.first_ms));
        c.0 += 1;
        c.1 = c.1.min(s.first_ms);
    }
    counts
        .into_iter()
        .map(|((day, attrs), (n, first))| {
            let mut a = attributes(attrs);
            if let Some(day) = day {
                a.push(string_attr("date", &day.format("%Y-%m-%d").to_string()));
            }
            point(a, n, first)
        })
        .collect()
}

fn value_of(m: Measure, s: &Sums) -> Value {
    match m {
        Measure::InputTokens => int(s.tokens.prompt()),
        Measure::OutputTokens => int(s.tokens.output),
        Measure::CacheWriteTokens => int(s.tokens.cache_write()),
        Measure::CacheReadTokens => int(s.tokens.cache_read),
        Measure::UnpricedTokens => int(s.unpriced_tokens),
        Measure::Queries => int(s.calls),
        Measure::Cost => json!(crate::rollup::pico_to_usd(s.cost_pico)),
        // Not series measures; kept total so a catalogue mistake shows as zeros in tests.
        Measure::Sessions | Measure::SessionTokens | Measure::SessionQueries => int(0),
    }
}

/// Histogram points: one per session attribute set, one observation per session.
fn histogram_points(
    m: Measure,
    bounds: &[f64],
    sessions: &[SessionPoint],
    now: &str,
) -> Vec<Value> {
    struct Hist {
        counts: Vec<u64>,
        count: u64,
        sum: f64,
        min: f64,
        max: f64,
        first_ms: i64,
    }
    let mut by_attrs: std::collections::BTreeMap<&Attrs, Hist> = std::collections::BTreeMap::new();
    for s in sessions {
        let v = match m {
            Measure::SessionQueries => s.calls,
            _ => s.tokens,
        };
        #[allow(clippy::cast_precision_loss)] // token counts far below 2^53 in practice
        let x = v as f64;
        let h = by_attrs.entry(&s.attrs).or_insert_with(|| Hist {
            counts: vec![0; bounds.len() + 1],
            count: 0,
            sum: 0.0,
            min: x,
            max: x,
            first_ms: s.first_ms,
        });
        // Bucket i holds bounds[i-1] < x <= bounds[i]; the last one x > every bound.
        let bucket = bounds.iter().position(|b| x <= *b).unwrap_or(bounds.len());
        h.counts[bucket] += 1;
        h.count += 1;
        h.sum += x;
        h.min = h.min.min(x);
        h.max = h.max.max(x);
        h.first_ms = h.first_ms.min(s.first_ms);
    }
    by_attrs
        .into_iter()
        .map(|(attrs, h)| {
            json!({
                "attributes": attributes(attrs),
                "startTimeUnixNano": nanos(h.first_ms),
                "timeUnixNano": now,
                "count": h.count.to_string(),
                "sum": h.sum,
                "bucketCounts": h.counts.iter().map(u64::to_string).collect::<Vec<_>>(),
                "explicitBounds": bounds,
                "min": h.min,
                "max": h.max,
            })
        })
        .collect()
}

fn attributes(a: &Attrs) -> Vec<Value> {
    vec![
        string_attr("agent", a.agent.as_str()),
        string_attr("model", &a.model),
        string_attr("project", &a.project),
        string_attr("source", &a.source),
    ]
}

fn string_attr(key: &str, value: &str) -> Value {
    json!({ "key": key, "value": { "stringValue": value } })
}

/// A 64-bit integer as the JSON mapping writes it: a decimal string.
fn int(n: u64) -> Value {
    Value::String(n.to_string())
}

/// Milliseconds since the epoch as `fixed64` nanoseconds (a string); times before 1970 are 0,
/// times past what 64 bits of nanoseconds hold (year 2554) are clamped to it.
#[must_use]
pub fn nanos(ms: i64) -> String {
    let ms = u64::try_from(ms).unwrap_or(0).min(u64::MAX / 1_000_000);
    (ms * 1_000_000).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Agent;

    fn session(tokens: u64, calls: u64, first_ms: i64) -> SessionPoint {
        SessionPoint {
            attrs: Attrs {
                agent: Agent::Claude,
                model: "m".to_owned(),
                project: "p".to_owned(),
                source: "s".to_owned(),
            },
            tokens,
            calls,
            first_ms,
            first_day: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("day"),
        }
    }

    #[test]
    fn histogram_buckets_hold_their_upper_bound() {
        let sessions = [session(10, 1, 5), session(11, 2, 3), session(1000, 2000, 9)];
        let points = histogram_points(Measure::SessionQueries, &[1.0, 2.0], &sessions, "7");
        assert_eq!(points.len(), 1);
        let p = &points[0];
        // 1 -> (.., 1], 2 -> (1, 2], 2000 -> (2, ..).
        assert_eq!(p["bucketCounts"], json!(["1", "1", "1"]));
        assert_eq!(p["count"], "3");
        assert_eq!(p["sum"], json!(2003.0));
        assert_eq!(
            (p["min"].clone(), p["max"].clone()),
            (json!(1.0), json!(2000.0))
        );
        assert_eq!(p["startTimeUnixNano"], "3000000");
    }

    #[test]
    fn times_are_nanosecond_strings_within_64_bits() {
        assert_eq!(nanos(1_776_952_800_000), "1776952800000000000");
        assert_eq!(nanos(-5), "0");
        assert_eq!(
            nanos(i64::MAX),
            (u64::MAX / 1_000_000 * 1_000_000).to_string()
        );
    }

    #[test]
    fn an_empty_snapshot_sends_no_empty_metric() {
        let json = request_json(
            &Snapshot::default(),
            &ExportMeta {
                now_ms: 0,
                version: "v".to_owned(),
            },
        );
        assert_eq!(
            json["resourceMetrics"][0]["scopeMetrics"][0]["metrics"],
            json!([])
        );
    }
}
