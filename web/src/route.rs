//! The page's state in its URL: which view, which filter, which time zone, which session.
//!
//! `?view=models&agent=claude&model=claude-opus-4-5&project=api&from=2026-02-01&to=2026-02-28&tz=UTC`
//!
//! Why the URL: a filtered view can be bookmarked, shared between two tabs, reloaded and walked
//! with back/forward, and nothing else has to remember it. This module is the pure mapping
//! (query string <-> [`Route`], tested natively); [`history`] reads and writes the browser's
//! location. Only the query is ever touched, so the app works under any sub-path.
//!
//! Rules: `from`/`to` are inclusive days in the shown zone (the core's `Filter::since/until`);
//! `agent=`, `model=`, `project=` and `source=` may repeat (any listed value matches); `tz` overrides the
//! browser's zone; `id` names the session of `view=session`. Unknown or malformed values are
//! dropped rather than failing the page, and writing omits every default, so the plain
//! overview is the bare path.

pub mod history;

use agentmeter::filter::Filter;
use agentmeter::model::Agent;
use chrono::NaiveDate;

/// The views of the app, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum View {
    #[default]
    Overview,
    Models,
    Projects,
    Sessions,
    Session,
    Tools,
    Activity,
    Blocks,
    Insights,
    Plans,
}

impl View {
    /// Every view, in navigation order.
    pub const ALL: [View; 10] = [
        View::Overview,
        View::Models,
        View::Projects,
        View::Sessions,
        View::Session,
        View::Tools,
        View::Activity,
        View::Blocks,
        View::Plans,
        View::Insights,
    ];

    /// The name used in `?view=` and in `data-testid="view-<name>"`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Models => "models",
            View::Projects => "projects",
            View::Sessions => "sessions",
            View::Session => "session",
            View::Tools => "tools",
            View::Activity => "activity",
            View::Blocks => "blocks",
            View::Insights => "insights",
            View::Plans => "plans",
        }
    }

    /// The label in the navigation.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Models => "Models",
            View::Projects => "Projects",
            View::Sessions => "Sessions",
            View::Session => "Session",
            View::Tools => "Tools",
            View::Activity => "Activity",
            View::Blocks => "5-hour blocks",
            View::Insights => "Insights",
            View::Plans => "Plans & what-if",
        }
    }

    /// The view named `name`, if any.
    #[must_use]
    pub fn parse(name: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// Everything the URL says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Route {
    pub view: View,
    /// Date range, agents, models, projects and sources (path prefixes of the files read).
    pub filter: Filter,
    /// An IANA zone overriding the browser's, as written (`UTC`, `Europe/Berlin`).
    pub tz: Option<String>,
    /// The session of `view=session`.
    pub id: Option<String>,
}

impl Route {
    /// Reads a query string, with or without its leading `?`.
    #[must_use]
    pub fn parse(query: &str) -> Route {
        let mut r = Route::default();
        let query = query.strip_prefix('?').unwrap_or(query);
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value);
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let f = &mut r.filter;
            match decode(key).as_str() {
                "view" => r.view = View::parse(value).unwrap_or_default(),
                "agent" => {
                    if let Some(a) = parse_agent(value) {
                        push_unique(&mut f.agents, a);
                    }
                }
                "model" => push_unique(&mut f.models, value.to_owned()),
                "project" => push_unique(&mut f.projects, value.to_owned()),
                "source" => push_unique(&mut f.sources, value.to_owned()),
                "from" => f.since = parse_day(value),
                "to" => f.until = parse_day(value),
                "tz" => r.tz = Some(value.to_owned()),
                "id" => r.id = Some(value.to_owned()),
                _ => {}
            }
        }
        r
    }

    /// The query string for this route, `?…`, or `""` for the default (plain overview).
    #[must_use]
    pub fn to_query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if self.view != View::Overview {
            pairs.push(("view", self.view.as_str().to_owned()));
        }
        if let Some(id) = &self.id {
            pairs.push(("id", id.clone()));
        }
        self.push_filter(&mut pairs);
        if pairs.is_empty() {
            return String::new();
        }
        let body: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect();
        format!("?{}", body.join("&"))
    }

    /// An `href` for this route relative to the page: its query, or `?` for the default route
    /// (an empty `href` would mean "this URL", filters included).
    #[must_use]
    pub fn href(&self) -> String {
        let q = self.to_query();
        if q.is_empty() {
            "?".to_owned()
        } else {
            q
        }
    }

    fn push_filter(&self, pairs: &mut Vec<(&str, String)>) {
        let f = &self.filter;
        pairs.extend(f.agents.iter().map(|a| ("agent", a.as_str().to_owned())));
        pairs.extend(f.models.iter().map(|m| ("model", m.clone())));
        pairs.extend(f.projects.iter().map(|p| ("project", p.clone())));
        pairs.extend(f.sources.iter().map(|p| ("source", p.clone())));
        if let Some(d) = f.since {
            pairs.push(("from", d.to_string()));
        }
        if let Some(d) = f.until {
            pairs.push(("to", d.to_string()));
        }
        if let Some(tz) = &self.tz {
            pairs.push(("tz", tz.clone()));
        }
    }

    /// The same filters on another view (the `id` is kept only for the session view).
    #[must_use]
    pub fn with_view(&self, view: View) -> Route {
        Route {
            view,
            id: if view == View::Session {
                self.id.clone()
            } else {
                None
            },
            ..self.clone()
        }
    }

    /// True when a filter or a zone override is set (what "Clear filters" removes).
    #[must_use]
    pub fn has_filters(&self) -> bool {
        !self.filter.is_empty() || self.tz.is_some()
    }

    /// The same view with no filter and the browser's zone.
    #[must_use]
    pub fn cleared(&self) -> Route {
        Route {
            view: self.view,
            id: self.id.clone(),
            ..Route::default()
        }
    }

    /// The zone to compute in: the override when it names a known zone, else `fallback`.
    #[must_use]
    pub fn zone(&self, fallback: chrono_tz::Tz) -> chrono_tz::Tz {
        self.tz
            .as_deref()
            .and_then(|z| z.parse().ok())
            .unwrap_or(fallback)
    }
}

/// The agent named `name` (`claude`, `codex`, `gemini`).
#[must_use]
pub fn parse_agent(name: &str) -> Option<Agent> {
    Agent::ALL
        .into_iter()
        .find(|a| a.as_str().eq_ignore_ascii_case(name))
}

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, value: T) {
    if !list.contains(&value) {
        list.push(value);
    }
}

/// Percent-encodes a query value: unreserved characters and `/ : @ ,` stay readable.
#[must_use]
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@,".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a query value (`%XX` escapes, `+` as a space); invalid escapes stay as written.
#[must_use]
pub fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(b) = hex {
                    out.push(b);
                    i += 2;
                } else {
                    out.push(b'%');
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests;
