//! The query mapping, natively: every field both ways, repeats, defaults, bad input.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn day(s: &str) -> Option<NaiveDate> {
    s.parse().ok()
}

#[test]
fn the_issue_example_reads_into_every_field() {
    let r = Route::parse(
        "?view=models&agent=claude&model=claude-opus-4-5&project=api&from=2026-02-01&to=2026-02-28&tz=UTC",
    );
    assert_eq!(r.view, View::Models);
    assert_eq!(r.filter.agents, [Agent::Claude]);
    assert_eq!(r.filter.models, ["claude-opus-4-5"]);
    assert_eq!(r.filter.projects, ["api"]);
    assert_eq!(r.filter.since, day("2026-02-01"));
    assert_eq!(r.filter.until, day("2026-02-28"));
    assert_eq!(r.tz.as_deref(), Some("UTC"));
    assert_eq!(r.id, None);
    assert_eq!(
        r.to_query(),
        "?view=models&agent=claude&model=claude-opus-4-5&project=api&from=2026-02-01&to=2026-02-28&tz=UTC"
    );
}

#[test]
fn the_default_is_the_bare_path() {
    assert_eq!(Route::parse(""), Route::default());
    assert_eq!(Route::parse("?"), Route::default());
    assert_eq!(Route::default().to_query(), "");
    assert_eq!(Route::parse("?view=overview").to_query(), "");
}

#[test]
fn repeated_criteria_are_kept_in_order_without_duplicates() {
    let r = Route::parse(
        "agent=codex&agent=claude&agent=codex&model=a&model=b&project=x&project=y&source=demo/.codex",
    );
    assert_eq!(r.filter.agents, [Agent::Codex, Agent::Claude]);
    assert_eq!(r.filter.models, ["a", "b"]);
    assert_eq!(r.filter.projects, ["x", "y"]);
    assert_eq!(r.filter.sources, ["demo/.codex"]);
    assert_eq!(
        r.to_query(),
        "?agent=codex&agent=claude&model=a&model=b&project=x&project=y&source=demo/.codex"
    );
}

#[test]
fn session_view_keeps_its_id() {
    let r = Route::parse("?view=session&id=0193b7e2-aaaa&from=2026-01-01");
    assert_eq!(r.view, View::Session);
    assert_eq!(r.id.as_deref(), Some("0193b7e2-aaaa"));
    assert_eq!(
        r.to_query(),
        "?view=session&id=0193b7e2-aaaa&from=2026-01-01"
    );
    // Leaving the session view drops the id, keeps the filter.
    let m = r.with_view(View::Models);
    assert_eq!(m.to_query(), "?view=models&from=2026-01-01");
    assert_eq!(m.with_view(View::Session).id, None);
}

#[test]
fn bad_values_are_dropped_not_fatal() {
    let r = Route::parse("?view=nope&agent=cursor&from=2026-13-01&to=yesterday&tz=&x=1&model=");
    assert_eq!(r, Route::default());
    // A known agent in another case still counts.
    assert_eq!(Route::parse("agent=Gemini").filter.agents, [Agent::Gemini]);
}

#[test]
fn values_are_percent_encoded_both_ways() {
    let mut r = Route::default();
    r.filter.projects = vec!["/home/me/my project&co".to_owned()];
    r.filter.models = vec!["gpt-5 (high)".to_owned()];
    r.tz = Some("America/Argentina/Buenos_Aires".to_owned());
    let q = r.to_query();
    assert_eq!(
        q,
        "?model=gpt-5%20%28high%29&project=/home/me/my%20project%26co&tz=America/Argentina/Buenos_Aires"
    );
    assert_eq!(Route::parse(&q), r);
    // Form-style `+` spaces and UTF-8 escapes decode too; a broken escape stays literal.
    assert_eq!(decode("a+b%C3%A9%2"), "a bé%2");
    assert_eq!(encode("é"), "%C3%A9");
}

#[test]
fn zone_override_falls_back_when_unknown() {
    let r = Route::parse("tz=Europe/Berlin");
    assert_eq!(r.zone(chrono_tz::UTC), chrono_tz::Europe::Berlin);
    let bad = Route::parse("tz=Mars/Olympus");
    assert_eq!(bad.zone(chrono_tz::Asia::Tokyo), chrono_tz::Asia::Tokyo);
}

#[test]
fn clearing_keeps_the_view_only() {
    let r = Route::parse("?view=session&id=s1&agent=codex&tz=UTC");
    assert!(r.has_filters());
    let c = r.cleared();
    assert!(!c.has_filters());
    assert_eq!(c.to_query(), "?view=session&id=s1");
}

#[test]
fn every_view_round_trips() {
    for v in View::ALL {
        let r = Route::default().with_view(v);
        assert_eq!(Route::parse(&r.to_query()).view, v, "{}", v.as_str());
    }
}
