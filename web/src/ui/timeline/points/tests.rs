use super::*;
use crate::test_support::{analysis, Call};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const M: &str = "claude-sonnet-4-20250514";

#[test]
fn a_short_span_gets_its_empty_days() {
    let calls: [Call<'_>; 3] = [
        ("a", "/p", M, "2025-03-01T10:00:00Z", 10, 0, 0, 1),
        ("a", "/p", M, "2025-03-01T11:00:00Z", 5, 0, 0, 0),
        ("b", "/p", M, "2025-03-03T10:00:00Z", 1, 2, 3, 4),
    ];
    let a = analysis(&calls);
    let s = series(&a.report, Gran::Day);
    let labels: Vec<&str> = s.points.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["2025-03-01", "2025-03-02", "2025-03-03"]);
    assert_eq!(s.points[0].kinds, [15, 0, 0, 1]);
    assert_eq!(s.points[1].total, 0);
    assert_eq!(s.points[2].kinds, [1, 2, 3, 4]);
    assert!(!s.skips_empty);
    // Every token of the report is in exactly one point.
    let sum: u64 = s.points.iter().map(|p| p.total).sum();
    assert_eq!(sum, a.report.total.tokens.total);
    let cost: f64 = s.points.iter().map(|p| p.cost).sum();
    assert!((cost - a.report.total.cost_usd).abs() < 1e-9);
}

#[test]
fn sparse_days_over_months_are_drawn_as_active_days_only() {
    let calls: [Call<'_>; 3] = [
        ("a", "/p", M, "2025-01-01T10:00:00Z", 1, 0, 0, 1),
        ("b", "/p", M, "2025-05-01T10:00:00Z", 1, 0, 0, 1),
        ("c", "/p", M, "2025-09-01T10:00:00Z", 1, 0, 0, 1),
    ];
    let a = analysis(&calls);
    let s = series(&a.report, Gran::Day);
    assert_eq!(s.points.len(), 3);
    assert!(s.skips_empty);
    assert_eq!(s.span_days, 244);
    // Weeks and months are the report's own periods.
    assert_eq!(series(&a.report, Gran::Month).points.len(), 3);
    assert_eq!(series(&a.report, Gran::Month).points[1].label, "2025-05");
    assert_eq!(default_gran(&a.report, 120), Gran::Day);
}

#[test]
fn many_days_open_on_weeks() {
    let days: Vec<String> = (0..200)
        .map(|d| {
            let date = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
                .and_then(|x| x.checked_add_days(chrono::Days::new(d)))
                .map(|x| x.to_string())
                .unwrap_or_default();
            format!("{date}T10:00:00Z")
        })
        .collect();
    let calls: Vec<Call<'_>> = days
        .iter()
        .map(|t| ("a", "/p", M, t.as_str(), 1, 0, 0, 1))
        .collect();
    let a = analysis(&calls);
    assert_eq!(series(&a.report, Gran::Day).points.len(), 200);
    assert_eq!(default_gran(&a.report, 120), Gran::Week);
}
