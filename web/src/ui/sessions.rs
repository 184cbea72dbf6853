//! The sessions table, sortable by clicking a column header (click again to reverse).
//!
//! Large histories have thousands of sessions; the first [`PAGE`] rows of the current order are
//! drawn and a button shows the rest, so sorting stays instant.

use std::cmp::Ordering;
use std::sync::Arc;

use agentmeter::filter::project_label;
use agentmeter::report::{Report, SessionReport};
use leptos::prelude::*;

use super::{count_td, tokens_td, usd_td};
use crate::format::{short_id, short_time};

/// Rows drawn before "show all".
pub const PAGE: usize = 200;

/// A sortable column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Agent,
    Project,
    Start,
    Last,
    Calls,
    Tokens,
    Cost,
}

impl Col {
    fn cmp(self, a: &SessionReport, b: &SessionReport) -> Ordering {
        match self {
            Col::Agent => a.agent.cmp(&b.agent),
            Col::Project => a.project.cmp(&b.project),
            Col::Start => a.start.cmp(&b.start),
            Col::Last => a.end.cmp(&b.end),
            Col::Calls => a.totals.calls.cmp(&b.totals.calls),
            Col::Tokens => a.totals.tokens.total.cmp(&b.totals.tokens.total),
            Col::Cost => a.totals.cost_usd.total_cmp(&b.totals.cost_usd),
        }
    }

    fn key(self) -> &'static str {
        match self {
            Col::Agent => "agent",
            Col::Project => "project",
            Col::Start => "start",
            Col::Last => "last",
            Col::Calls => "calls",
            Col::Tokens => "tokens",
            Col::Cost => "cost",
        }
    }
}

/// Sorts sessions by `col` (descending when `desc`), ties broken by session id so the order is
/// stable and reproducible.
#[must_use]
pub fn sorted(sessions: &[SessionReport], col: Col, desc: bool) -> Vec<SessionReport> {
    let mut rows = sessions.to_vec();
    rows.sort_by(|a, b| {
        let o = col.cmp(a, b).then_with(|| a.session.cmp(&b.session));
        if desc {
            o.reverse()
        } else {
            o
        }
    });
    rows
}

/// The sessions table.
#[component]
pub fn SessionsTable(report: Arc<Report>) -> impl IntoView {
    let sort = RwSignal::new((Col::Last, true));
    let show_all = RwSignal::new(false);
    let total = report.sessions.len();
    let sessions = report.clone();
    let rows = move || {
        let (col, desc) = sort.get();
        let limit = if show_all.get() { usize::MAX } else { PAGE };
        sorted(&sessions.sessions, col, desc)
            .into_iter()
            .take(limit)
            .map(row)
            .collect_view()
    };
    let header = move |label: &'static str, col: Col, numeric: bool| {
        let aria = move || match sort.get() {
            (c, true) if c == col => "descending",
            (c, false) if c == col => "ascending",
            _ => "none",
        };
        let on_click = move |_| {
            sort.update(|(c, desc)| {
                if *c == col {
                    *desc = !*desc;
                } else {
                    *c = col;
                    *desc = numeric || col == Col::Last || col == Col::Start;
                }
            });
        };
        view! {
            <th scope="col" class:num=numeric aria-sort=aria>
                <button class="sort" data-sort=col.key() on:click=on_click>
                    {label}
                    <span class="sort-mark" aria-hidden="true">
                        {move || match sort.get() {
                            (c, true) if c == col => "▼",
                            (c, false) if c == col => "▲",
                            _ => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    view! {
        <section class="panel" aria-labelledby="sessions-h">
            <h2 id="sessions-h">"Sessions" <span class="muted">{format!(" ({total})")}</span></h2>
            <div class="scroll tall">
                <table class="grid" data-testid="sessions-table" data-value=total.to_string()>
                    <thead>
                        <tr>
                            {header("Agent", Col::Agent, false)}
                            <th scope="col">"Session"</th>
                            {header("Project", Col::Project, false)}
                            {header("Started", Col::Start, false)}
                            {header("Last activity", Col::Last, false)}
                            <th scope="col">"Models"</th>
                            {header("Calls", Col::Calls, true)}
                            {header("Tokens", Col::Tokens, true)}
                            {header("Cost", Col::Cost, true)}
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Show when=move || { total > PAGE && !show_all.get() }>
                <button class="link" on:click=move |_| show_all.set(true)>
                    {format!("Show all {total} sessions")}
                </button>
            </Show>
        </section>
    }
}

fn row(s: SessionReport) -> impl IntoView {
    let agent = s.agent.as_str();
    let project = s.project.clone().unwrap_or_default();
    // Gemini records only a hash of the directory: `hash:1a2b3c4d`, not 64 hex digits.
    let project_short = s.project.as_deref().map(project_label).unwrap_or_default();
    // A session with messages but no model call (a Codex rollout from before token counts, a
    // Copilot history document) has no token data, which is not zero usage.
    let no_calls = s.totals.calls == 0;
    view! {
        <tr data-testid="session-row" data-agent=agent data-session=s.session.clone()>
            <td><span class=format!("dot a-{agent}")></span>{s.agent.label()}</td>
            <td class="mono" title=s.session.clone()>{short_id(&s.session)}</td>
            <td class="clip" title=project>{project_short}</td>
            <td class="mono" title=s.start.clone()>{short_time(&s.start)}</td>
            <td class="mono" title=s.end.clone()>{short_time(&s.end)}</td>
            <td class="mono small">{s.models.join(", ")}</td>
            {count_td(s.totals.calls)}
            {no_calls.then(|| view! {
                <td class="num muted" data-value="0">"-"</td>
                <td class="num muted" data-value="0" data-testid="no-token-data">"no token data"</td>
            })}
            {(!no_calls).then(|| view! {
                {tokens_td(None, s.totals.tokens.total)}
                {usd_td(None, s.totals.cost_usd)}
            })}
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentmeter::model::Agent;
    use agentmeter::report::{GroupReport, TokenReport};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn session(id: &str, total: u64, end: &str) -> SessionReport {
        SessionReport {
            agent: Agent::Codex,
            session: id.to_owned(),
            project: None,
            git_branch: None,
            cli_version: None,
            start: end.to_owned(),
            end: end.to_owned(),
            models: vec![],
            user_messages: 0,
            assistant_messages: 0,
            tool_calls: 0,
            tool_errors: 0,
            totals: GroupReport {
                tokens: TokenReport {
                    total,
                    ..TokenReport::default()
                },
                cost_usd: 0.0,
                calls: 1,
                unpriced_tokens: 0,
                cache_hit_rate: 0.0,
                premium_requests: 0.0,
                recorded: None,
            },
        }
    }

    #[test]
    fn sorting_by_tokens_both_ways_with_stable_ties() {
        let s = [
            session("b", 5, "2025-01-02"),
            session("a", 5, "2025-01-01"),
            session("c", 9, "2025-01-03"),
        ];
        let ids = |v: Vec<SessionReport>| v.into_iter().map(|s| s.session).collect::<Vec<_>>();
        assert_eq!(ids(sorted(&s, Col::Tokens, true)), ["c", "b", "a"]);
        assert_eq!(ids(sorted(&s, Col::Tokens, false)), ["a", "b", "c"]);
        assert_eq!(ids(sorted(&s, Col::Last, true)), ["c", "b", "a"]);
    }
}
