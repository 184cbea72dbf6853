//! One filter for every figure: date range, agent, model, project, source.
//!
//! The CLI's `--since/--until/--agent/--model/--project/--source` and the browser's URL query map
//! onto this one type, and every analysis is computed from [`Filter::apply`]'s result, so a figure
//! cannot be filtered one way in a table and another way in a chart.
//!
//! Rules (see `docs/analytics.md`):
//! - Model calls are filtered on the *counted* set (after the ledger's dedupe and replay rules),
//!   so restricting can never bring a shadowed duplicate back.
//! - Dates are inclusive calendar days in the report's time zone.
//! - A model call passes when it matches every criterion; within one criterion, any listed value
//!   matches (`--agent claude --agent codex` is "claude or codex").
//! - Tool calls and messages carry no model or project of their own: they pass when their own
//!   time is in the range and their session has at least one model call that passes the other
//!   criteria. With a date range, a tool call or message without a timestamp cannot be placed and
//!   is left out.
//! - A tool call copied into a resumed session is one call ([`Ledger::distinct_tools`]).
//! - The line report is about files, not about a filter: it is never filtered.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Days, NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::model::{Agent, UsageRecord};
use crate::rollup::UNKNOWN_MODEL;

/// Which records count. The default filter passes everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// First day included.
    pub since: Option<NaiveDate>,
    /// Last day included.
    pub until: Option<NaiveDate>,
    pub agents: Vec<Agent>,
    /// Model names as the agent wrote them (`unknown` for calls without one).
    pub models: Vec<String>,
    /// Projects: a full working directory, its short label, or its trailing path components.
    pub projects: Vec<String>,
    /// Sources: labels of the roots the records were read under (a person or a machine, see
    /// [`crate::sources`]). A record passes when its file's label is one of them.
    pub sources: Vec<String>,
}

impl Filter {
    /// True when nothing is filtered.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.since.is_none() && self.until.is_none() && !self.has_attribute_criteria()
    }

    /// True when a criterion other than the date range is set.
    #[must_use]
    pub fn has_attribute_criteria(&self) -> bool {
        !(self.agents.is_empty()
            && self.models.is_empty()
            && self.projects.is_empty()
            && self.sources.is_empty())
    }

    /// True when `day` is inside the date range.
    #[must_use]
    pub fn day_in_range(&self, day: NaiveDate) -> bool {
        self.since.is_none_or(|s| day >= s) && self.until.is_none_or(|u| day <= u)
    }

    /// True when the instant `ms` falls on a day inside the range (in `tz`).
    #[must_use]
    pub fn time_in_range(&self, ms: i64, tz: Tz) -> bool {
        if self.since.is_none() && self.until.is_none() {
            return true;
        }
        self.day_in_range(day_of(ms, tz))
    }

    /// True when a model call matches every criterion but the date range. `ledger` tells the
    /// source of the file the record was read from.
    #[must_use]
    pub fn matches_attributes(&self, r: &UsageRecord, ledger: &Ledger) -> bool {
        self.matches_record(r)
            && (self.sources.is_empty()
                || ledger
                    .source_of(&r.source)
                    .is_some_and(|l| self.sources.iter().any(|s| s == l)))
    }

    /// The criteria a record answers by itself (all but the date range and the source).
    fn matches_record(&self, r: &UsageRecord) -> bool {
        let model = r.model.as_deref().unwrap_or(UNKNOWN_MODEL);
        (self.agents.is_empty() || self.agents.contains(&r.key.agent))
            && (self.models.is_empty() || self.models.iter().any(|m| m == model))
            && (self.projects.is_empty()
                || r.project
                    .as_deref()
                    .is_some_and(|p| self.projects.iter().any(|want| project_matches(p, want))))
    }

    /// True when a model call passes the whole filter.
    #[must_use]
    pub fn matches(&self, r: &UsageRecord, ledger: &Ledger, tz: Tz) -> bool {
        self.time_in_range(r.timestamp_ms, tz) && self.matches_attributes(r, ledger)
    }

    /// The filtered ledger: the counted model calls that pass, and the tool calls and messages of
    /// their sessions that fall in the range. File reports are kept whole.
    #[must_use]
    pub fn apply(&self, ledger: &Ledger, tz: Tz) -> Ledger {
        let mut sessions: BTreeSet<(Agent, &str)> = BTreeSet::new();
        // The files read under a wanted source, found once rather than per record.
        let source_files: Option<BTreeSet<&str>> = (!self.sources.is_empty()).then(|| {
            ledger
                .files
                .values()
                .filter(|f| {
                    f.source
                        .as_deref()
                        .is_some_and(|l| self.sources.iter().any(|s| s == l))
                })
                .map(|f| f.path.as_str())
                .collect()
        });
        // Each map is collected from records met in key order (or sorted once), which builds it
        // in one pass instead of one insertion per record: with a few hundred thousand records
        // that was most of the time an unfiltered analysis took in a browser.
        let counted = ledger.counted_shared();
        let usage = counted
            .usage
            .filter(|(_, r)| {
                if !self.matches_record(r)
                    || source_files
                        .as_ref()
                        .is_some_and(|files| !files.contains(r.source.file.as_str()))
                {
                    return false;
                }
                sessions.insert((r.key.agent, r.session.as_str()));
                self.time_in_range(r.timestamp_ms, tz)
            })
            .map(|(_, r)| Arc::clone(r))
            .collect();
        let session_ok = |agent: Agent, session: &str| {
            !self.has_attribute_criteria() || sessions.contains(&(agent, session))
        };
        let time_ok = |ms: Option<i64>| match ms {
            Some(ms) => self.time_in_range(ms, tz),
            None => self.since.is_none() && self.until.is_none(),
        };
        // One call per tool id: a resumed session's copy of a call is not a second call.
        let tools = counted
            .tools
            .filter(|(_, t)| {
                session_ok(t.key.agent, &t.session) && time_ok(t.start_ms.get().or(t.end_ms.get()))
            })
            .map(|(_, t)| Arc::clone(t))
            .collect();
        let messages = counted
            .messages
            .filter(|(k, m)| session_ok(k.agent, &m.session) && time_ok(m.timestamp_ms.get()))
            .map(|(_, m)| Arc::clone(m))
            .collect();
        Ledger {
            usage,
            tools,
            messages,
            files: ledger.files.clone(),
            strings: ledger.strings.clone(),
            // Built from counted records only: a subset of them all counts.
            all_count: crate::ledger::AllCount(true),
        }
    }

    /// [`Filter::apply`] on a ledger the caller no longer needs: with an empty filter the records
    /// that count are kept in place instead of copied; otherwise the same as [`Filter::apply`].
    #[must_use]
    pub fn apply_owned(&self, mut ledger: Ledger, tz: Tz) -> Ledger {
        if !self.is_empty() {
            return self.apply(&ledger, tz);
        }
        ledger.retain_counted();
        ledger
    }

    /// The period of the same length just before the range, when a range is set. An open end
    /// takes the last day of the data (`last_day`); no `since` means no previous period.
    #[must_use]
    pub fn previous_period(&self, last_day: Option<NaiveDate>) -> Option<Filter> {
        let since = self.since?;
        let until = self.until.or(last_day)?.max(since);
        let len = (until - since).num_days() + 1;
        let prev_until = since.checked_sub_days(Days::new(1))?;
        let prev_since = since.checked_sub_days(Days::new(u64::try_from(len).ok()?))?;
        Some(Filter {
            since: Some(prev_since),
            until: Some(prev_until),
            ..self.clone()
        })
    }

    /// A one-line description for reports (`2026-02-01..2026-02-28, agent claude`), or `all`.
    #[must_use]
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.since, self.until) {
            (None, None) => {}
            (s, u) => parts.push(format!(
                "{}..{}",
                s.map(|d| d.to_string()).unwrap_or_default(),
                u.map(|d| d.to_string()).unwrap_or_default()
            )),
        }
        let mut list = |name: &str, values: Vec<String>| {
            if !values.is_empty() {
                parts.push(format!("{name} {}", values.join(" or ")));
            }
        };
        list(
            "agent",
            self.agents.iter().map(|a| a.as_str().to_owned()).collect(),
        );
        list("model", self.models.clone());
        list("project", self.projects.clone());
        list("source", self.sources.clone());
        if parts.is_empty() {
            "all".to_owned()
        } else {
            parts.join(", ")
        }
    }
}

/// The calendar day of the instant `ms` in `tz` (the epoch day for an unrepresentable time).
#[must_use]
pub fn day_of(ms: i64, tz: Tz) -> NaiveDate {
    tz.timestamp_millis_opt(ms).single().map_or_else(
        || chrono::DateTime::UNIX_EPOCH.date_naive(),
        |t| t.date_naive(),
    )
}

/// True when project path `path` is what the user asked for with `want`: the whole path, its
/// short label, or its trailing path components (`api` matches `/home/me/src/api`).
#[must_use]
pub fn project_matches(path: &str, want: &str) -> bool {
    let want = want.trim_end_matches(['/', '\\']);
    if want.is_empty() {
        return false;
    }
    if path == want || project_label(path) == want {
        return true;
    }
    let path = path.trim_end_matches(['/', '\\']);
    path == want
        || path
            .strip_suffix(want)
            .is_some_and(|head| head.ends_with(['/', '\\']))
}

/// A project's short label: the last two components of a working directory (`src/api`), or for a
/// bare hash (Gemini records only a hash of the directory) `hash:` and its first 8 characters.
#[must_use]
pub fn project_label(path: &str) -> String {
    let trimmed = path.trim_end_matches(['/', '\\']);
    let is_hash = trimmed.len() >= 32
        && !trimmed.contains(['/', '\\'])
        && trimmed.bytes().all(|b| b.is_ascii_hexdigit());
    if is_hash {
        return format!("hash:{}", &trimmed[..8]);
    }
    let parts: Vec<&str> = trimmed
        .split(['/', '\\'])
        .filter(|p| !p.is_empty())
        .collect();
    match parts.as_slice() {
        [] => path.to_owned(),
        [one] => (*one).to_owned(),
        [.., a, b] => format!("{a}/{b}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_matching() {
        assert!(project_matches("/home/me/src/api", "api"));
        assert!(project_matches("/home/me/src/api", "src/api"));
        assert!(project_matches("/home/me/src/api/", "/home/me/src/api"));
        assert!(!project_matches("/home/me/src/rapi", "api"));
        assert!(!project_matches("/home/me/src/api", ""));
        assert_eq!(project_label("/home/me/src/api"), "src/api");
        assert_eq!(project_label("C:\\work\\web"), "work/web");
        assert_eq!(project_label(&"ab12".repeat(16)), "hash:ab12ab12");
    }

    #[test]
    fn previous_period_has_the_same_length() {
        let d = |s: &str| s.parse::<NaiveDate>().ok();
        let f = Filter {
            since: d("2026-02-01"),
            until: d("2026-02-28"),
            ..Filter::default()
        };
        let p = f.previous_period(None).expect("range set");
        assert_eq!((p.since, p.until), (d("2026-01-04"), d("2026-01-31")));
        assert!(Filter::default().previous_period(d("2026-01-01")).is_none());
        let open = Filter {
            since: d("2026-02-10"),
            ..Filter::default()
        };
        let p = open.previous_period(d("2026-02-11")).expect("open end");
        assert_eq!((p.since, p.until), (d("2026-02-08"), d("2026-02-09")));
    }
}
