//! The filter bar: the active filters as removable chips, "Clear filters", and the controls that
//! add them (date range, agent, model, project, time zone).
//!
//! Choices come from the *unfiltered* analysis, so picking one model never hides the others
//! from the list. Every edit goes through the route (the URL, `replaceState`), and the shown
//! analysis is recomputed from it; the bar holds no filter state of its own.

use agentmeter::filter::project_label;
use agentmeter::report::Report;
use leptos::prelude::*;

use crate::app::Controller;
use crate::route::{parse_agent, Route};

/// One active filter, as a chip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chip {
    /// `agent-claude`, `model-<name>`, `project-<label>`, `source-<prefix>`, `from`, `to`, `tz`.
    pub key: String,
    pub text: String,
}

/// The chips of a route, in URL order.
#[must_use]
pub fn chips(route: &Route) -> Vec<Chip> {
    let f = &route.filter;
    let mut out = Vec::new();
    for a in &f.agents {
        out.push(Chip {
            key: format!("agent-{}", a.as_str()),
            text: format!("Agent: {}", a.label()),
        });
    }
    for m in &f.models {
        out.push(Chip {
            key: format!("model-{m}"),
            text: format!("Model: {m}"),
        });
    }
    for p in &f.projects {
        out.push(Chip {
            key: format!("project-{p}"),
            text: format!("Project: {p}"),
        });
    }
    for p in &f.sources {
        out.push(Chip {
            key: format!("source-{p}"),
            text: format!("Source: {p}"),
        });
    }
    if let Some(d) = f.since {
        out.push(Chip {
            key: "from".to_owned(),
            text: format!("From {d}"),
        });
    }
    if let Some(d) = f.until {
        out.push(Chip {
            key: "to".to_owned(),
            text: format!("To {d}"),
        });
    }
    if let Some(tz) = &route.tz {
        out.push(Chip {
            key: "tz".to_owned(),
            text: format!("Zone: {tz}"),
        });
    }
    out
}

/// `route` without the filter of chip `key`.
#[must_use]
pub fn remove(route: &Route, key: &str) -> Route {
    let mut r = route.clone();
    let f = &mut r.filter;
    match key {
        "from" => f.since = None,
        "to" => f.until = None,
        "tz" => r.tz = None,
        _ => {
            if let Some(a) = key.strip_prefix("agent-").and_then(parse_agent) {
                f.agents.retain(|x| *x != a);
            } else if let Some(m) = key.strip_prefix("model-") {
                f.models.retain(|x| x != m);
            } else if let Some(p) = key.strip_prefix("project-") {
                f.projects.retain(|x| x != p);
            } else if let Some(p) = key.strip_prefix("source-") {
                f.sources.retain(|x| x != p);
            }
        }
    }
    r
}

/// What the selects offer: (value, label, title) for agents, models and projects.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub agents: Vec<(String, String)>,
    pub models: Vec<String>,
    /// (filter value = short label, full path)
    pub projects: Vec<(String, String)>,
    /// Source labels (people or machines).
    pub sources: Vec<String>,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
}

/// The choices of the unfiltered `report`.
#[must_use]
pub fn options(report: &Report) -> Options {
    let mut models: Vec<String> = report.models.iter().map(|m| m.model.clone()).collect();
    models.sort();
    models.dedup();
    let mut projects: Vec<(String, String)> = report
        .analytics
        .projects
        .iter()
        .filter_map(|p| p.project.as_ref())
        .map(|p| (project_label(p), p.clone()))
        .collect();
    projects.sort();
    projects.dedup_by(|a, b| a.0 == b.0);
    Options {
        agents: report
            .agents
            .keys()
            .map(|a| (a.as_str().to_owned(), a.label().to_owned()))
            .collect(),
        models,
        projects,
        sources: report
            .analytics
            .sources
            .iter()
            .filter_map(|s| s.source.clone())
            .collect(),
        first_day: report.analytics.kpis.current.first_day.clone(),
        last_day: report.analytics.kpis.current.last_day.clone(),
    }
}

/// A select that adds its choice to the route, then resets to its prompt.
fn add_select(
    label: &'static str,
    testid: &'static str,
    choices: Signal<Vec<(String, String, String)>>,
    active: Signal<bool>,
    add: impl Fn(&mut Route, String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        if !value.is_empty() {
            ctl.route.update(|r| add(r, value));
        }
        let select: web_sys::HtmlSelectElement = event_target(&ev);
        select.set_value("");
    };
    view! {
        <label class="field">
            <span>{label}</span>
            <select data-testid=testid on:change=on_change>
                <option value="">{move || if active.get() { "Add another…" } else { "Any" }}</option>
                {move || choices.get().into_iter().map(|(value, text, title)| view! {
                    <option value=value title=title>{text}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// The filter bar.
#[component]
pub fn FilterBar() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let opts = Memo::new(move |_| {
        ctl.analysis
            .with(|a| a.as_ref().map(|a| options(&a.report)).unwrap_or_default())
    });
    let route = ctl.route;
    let agents = Signal::derive(move || {
        let chosen = route.with(|r| r.filter.agents.clone());
        opts.with(|o| {
            o.agents
                .iter()
                .filter(|(v, _)| !chosen.iter().any(|a| a.as_str() == v))
                .map(|(v, l)| (v.clone(), l.clone(), String::new()))
                .collect()
        })
    });
    let models = Signal::derive(move || {
        let chosen = route.with(|r| r.filter.models.clone());
        opts.with(|o| {
            o.models
                .iter()
                .filter(|m| !chosen.contains(m))
                .map(|m| (m.clone(), m.clone(), String::new()))
                .collect()
        })
    });
    let projects = Signal::derive(move || {
        let chosen = route.with(|r| r.filter.projects.clone());
        opts.with(|o| {
            o.projects
                .iter()
                .filter(|(l, _)| !chosen.contains(l))
                .map(|(l, p)| (l.clone(), l.clone(), p.clone()))
                .collect()
        })
    });
    let sources = Signal::derive(move || {
        let chosen = route.with(|r| r.filter.sources.clone());
        opts.with(|o| {
            o.sources
                .iter()
                .filter(|s| !chosen.contains(s))
                .map(|s| (s.clone(), s.clone(), String::new()))
                .collect()
        })
    });
    let chip_list = move || {
        chips(&route.get())
            .into_iter()
            .map(|c| {
                let key = c.key.clone();
                view! {
                    <li class="chip" data-testid=format!("chip-{}", c.key)>
                        <span>{c.text.clone()}</span>
                        <button class="chip-x" aria-label=format!("Remove filter {}", c.text)
                            on:click=move |_| route.update(|r| *r = remove(r, &key))>"×"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="filterbar" aria-label="Filters" data-testid="filter-bar">
            <div class="filter-controls">
                <super::filterdates::DateFields first=Signal::derive(move || opts.with(|o| o.first_day.clone()))
                    last=Signal::derive(move || opts.with(|o| o.last_day.clone())) />
                {add_select("Agent", "filter-agent", agents, Signal::derive(move || route.with(|r| !r.filter.agents.is_empty())), |r, v| {
                    if let Some(a) = parse_agent(&v) { if !r.filter.agents.contains(&a) { r.filter.agents.push(a) } }
                })}
                {add_select("Model", "filter-model", models, Signal::derive(move || route.with(|r| !r.filter.models.is_empty())), |r, v| {
                    if !r.filter.models.contains(&v) { r.filter.models.push(v) }
                })}
                {add_select("Project", "filter-project", projects, Signal::derive(move || route.with(|r| !r.filter.projects.is_empty())), |r, v| {
                    if !r.filter.projects.contains(&v) { r.filter.projects.push(v) }
                })}
                {add_select("Source", "filter-source", sources, Signal::derive(move || route.with(|r| !r.filter.sources.is_empty())), |r, v| {
                    if !r.filter.sources.contains(&v) { r.filter.sources.push(v) }
                })}
                <super::filterdates::ZoneField />
            </div>
            <div class="filter-active">
                <ul class="chips" data-testid="filter-chips" aria-label="Active filters">{chip_list}</ul>
                <button class="ghost" data-testid="clear-filters" disabled=move || !route.with(Route::has_filters)
                    on:click=move |_| route.update(|r| *r = r.cleared())>"Clear filters"</button>
            </div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_chip_removes_exactly_its_filter() {
        let r = Route::parse(
            "view=models&agent=claude&agent=codex&model=m1&project=src/api&source=x/&from=2026-02-01&to=2026-02-28&tz=UTC",
        );
        let cs = chips(&r);
        let keys: Vec<&str> = cs.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "agent-claude",
                "agent-codex",
                "model-m1",
                "project-src/api",
                "source-x/",
                "from",
                "to",
                "tz"
            ]
        );
        assert_eq!(
            remove(&r, "agent-claude").to_query(),
            "?view=models&agent=codex&model=m1&project=src/api&source=x/&from=2026-02-01&to=2026-02-28&tz=UTC"
        );
        assert_eq!(remove(&r, "source-x/").filter.sources.len(), 0);
        assert_eq!(remove(&r, "project-src/api").filter.projects.len(), 0);
        assert_eq!(remove(&r, "from").filter.since, None);
        assert_eq!(remove(&r, "tz").tz, None);
        // Removing everything chip by chip is "clear".
        let mut all = r.clone();
        for c in &cs {
            all = remove(&all, &c.key);
        }
        assert_eq!(all, r.cleared());
        assert_eq!(remove(&r, "unknown"), r);
    }

    #[test]
    fn options_come_from_the_report_with_short_project_labels() {
        use crate::test_support::{analysis, Call};
        let hash = "ab12".repeat(16);
        let calls: [Call<'_>; 2] = [
            (
                "a",
                "/home/me/src/api",
                "claude-sonnet-4-20250514",
                "2025-03-01T10:00:00Z",
                1,
                0,
                0,
                1,
            ),
            (
                "b",
                hash.as_str(),
                "claude-opus-4-20250514",
                "2025-03-02T10:00:00Z",
                1,
                0,
                0,
                1,
            ),
        ];
        let o = options(&analysis(&calls).report);
        assert_eq!(o.agents, [("claude".to_owned(), "Claude Code".to_owned())]);
        assert_eq!(
            o.models,
            ["claude-opus-4-20250514", "claude-sonnet-4-20250514"]
        );
        let labels: Vec<&str> = o.projects.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(labels, ["hash:ab12ab12", "src/api"]);
        assert_eq!(o.first_day.as_deref(), Some("2025-03-01"));
        assert_eq!(o.last_day.as_deref(), Some("2025-03-02"));
    }
}
