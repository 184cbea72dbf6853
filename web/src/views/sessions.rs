//! The sessions view: every session of the analysis in one sortable, searchable, paginated table,
//! each row linking to its session view.
//!
//! This file also holds the small kit the other views share (they may only live in their own
//! files): [`Num`], a number cell that shows a short value with the exact one in `title` and
//! `data-value`, and [`table`], a table with keyboard-operable sort buttons (`aria-sort`), an
//! optional text search and pagination. Sorting works on indices into one shared `Arc<Vec<_>>`,
//! and only one page of rows is ever in the DOM, so 5,000 sessions stay smooth.

use std::cmp::Ordering;
use std::sync::Arc;

use agentmeter::report::SessionReport;
use leptos::prelude::*;

use super::blocks::{local_time, zone};
use super::session::session_href;
use crate::analysis::Analysis;
use crate::format::{bytes, data_f64, duration_ms, grouped, percent, tokens_short, usd, usd_exact};
use crate::ui::export::CsvButton;

/// Sessions per page.
pub const PAGE: usize = 50;

/// A number to show: the short text, the exact value in `title`, the raw value in `data-value`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Tokens(u64),
    Usd(f64),
    Count(u64),
    /// A ratio 0..=1, shown as a percentage.
    Ratio(f64),
    Ms(u64),
    Bytes(u64),
    TokensPerHour(f64),
    UsdPerHour(f64),
}

impl Num {
    /// The short text.
    #[must_use]
    pub fn text(self) -> String {
        match self {
            Num::Tokens(n) => tokens_short(n),
            Num::Usd(x) => usd(x),
            Num::Count(n) if n >= 100_000 => tokens_short(n),
            Num::Count(n) => grouped(n),
            Num::Ratio(r) => percent(r),
            Num::Ms(ms) => duration_ms(ms),
            Num::Bytes(n) => bytes(n),
            Num::TokensPerHour(x) => format!("{}/h", tokens_short(x.max(0.0).round() as u64)),
            Num::UsdPerHour(x) => format!("{}/h", usd(x)),
        }
    }

    /// The exact value, for `title`.
    #[must_use]
    pub fn title(self) -> String {
        match self {
            Num::Tokens(n) => format!("{} tokens", grouped(n)),
            Num::Usd(x) => usd_exact(x),
            Num::Count(n) => grouped(n),
            Num::Ratio(r) => format!("{}%", r * 100.0),
            Num::Ms(ms) => format!("{} ms", grouped(ms)),
            Num::Bytes(n) => format!("{} bytes", grouped(n)),
            Num::TokensPerHour(x) => format!("{x} tokens/h"),
            Num::UsdPerHour(x) => format!("{}/h", usd_exact(x)),
        }
    }

    /// The machine-readable value, for `data-value`.
    #[must_use]
    pub fn value(self) -> String {
        match self {
            Num::Tokens(n) | Num::Count(n) | Num::Ms(n) | Num::Bytes(n) => n.to_string(),
            Num::Usd(x) | Num::Ratio(x) | Num::TokensPerHour(x) | Num::UsdPerHour(x) => data_f64(x),
        }
    }

    /// A right-aligned table cell.
    pub fn td(self) -> impl IntoView {
        view! { <td class="num" data-value=self.value() title=self.title()>{self.text()}</td> }
    }

    /// A table cell naming its column in `data-col` (for tests and styles).
    pub fn td_col(self, col: &'static str) -> impl IntoView {
        view! {
            <td class="num" data-col=col data-value=self.value() title=self.title()>
                {self.text()}
            </td>
        }
    }

    /// An inline figure.
    pub fn span(self) -> impl IntoView {
        view! { <span class="fig" data-value=self.value() title=self.title()>{self.text()}</span> }
    }
}

/// A text cell clipped with an ellipsis, the full text in `title` (always text, never HTML).
pub fn clip_td(text: String, class: &'static str) -> impl IntoView {
    let title = text.clone();
    view! { <td class=format!("clip {class}") title=title>{text}</td> }
}

/// One sortable column.
pub struct Col<T> {
    pub label: &'static str,
    /// `data-sort` of its button.
    pub key: &'static str,
    pub numeric: bool,
    pub cmp: fn(&T, &T) -> Ordering,
}

impl<T> Col<T> {
    /// A column.
    pub fn new(
        label: &'static str,
        key: &'static str,
        numeric: bool,
        cmp: fn(&T, &T) -> Ordering,
    ) -> Self {
        Col {
            label,
            key,
            numeric,
            cmp,
        }
    }
}

/// A text search: its placeholder and whether a row matches the (lowercased) query.
pub type Search<T> = (&'static str, fn(&T, &str) -> bool);

/// Renders one row.
pub type RowFn<T> = Arc<dyn Fn(&T) -> AnyView + Send + Sync>;

/// A table's description.
pub struct Table<T> {
    pub testid: &'static str,
    /// The accessible name (caption, visually hidden).
    pub caption: String,
    /// Extra class on `<table>` (`fixed` for a fixed layout).
    pub class: &'static str,
    pub cols: Vec<Col<T>>,
    /// Initial sort: column index, descending.
    pub sort: (usize, bool),
    /// Rows per page (`usize::MAX` for one page).
    pub page: usize,
    pub row: RowFn<T>,
    /// A text search: its placeholder and the match test (the query is lowercased).
    pub search: Option<Search<T>>,
    /// A CSV export of the rows (all pages, in the current order and search).
    pub csv: Option<Csv<T>>,
}

/// How a table's rows become CSV lines: exact values, never the abbreviated display text.
pub struct Csv<T> {
    /// File stem and test id suffix (`agentmeter-<name>.csv`, `export-csv-<name>`).
    pub name: &'static str,
    pub header: &'static [&'static str],
    pub row: fn(&T) -> Vec<String>,
}

/// Sorts `idx` by `cmp`, reversed when `desc`; ties keep their input order.
pub fn sort_indices<T>(rows: &[T], idx: &mut [usize], cmp: fn(&T, &T) -> Ordering, desc: bool) {
    idx.sort_by(|a, b| match (rows.get(*a), rows.get(*b)) {
        (Some(x), Some(y)) if desc => cmp(y, x),
        (Some(x), Some(y)) => cmp(x, y),
        _ => Ordering::Equal,
    });
}

/// A sortable (and optionally searchable, paginated) table over `rows`. The `<table>` carries
/// `data-value` = all rows and `data-shown` = rows matching the search.
pub fn table<T: Send + Sync + 'static>(spec: Table<T>, rows: Arc<Vec<T>>) -> impl IntoView {
    let Table {
        testid,
        caption,
        class,
        cols,
        sort,
        page,
        row,
        search,
        csv,
    } = spec;
    let size = page.max(1);
    let sort = RwSignal::new(sort);
    let page = RwSignal::new(0usize);
    let query = RwSignal::new(String::new());
    let cmps: Vec<fn(&T, &T) -> Ordering> = cols.iter().map(|c| c.cmp).collect();
    let total = rows.len();
    let data = rows.clone();
    let csv_data = rows.clone();
    let order = Memo::new(move |_| {
        let (col, desc) = sort.get();
        let q = query.get().trim().to_lowercase();
        let mut idx: Vec<usize> = match search {
            Some((_, matches)) if !q.is_empty() => (0..data.len())
                .filter(|i| data.get(*i).is_some_and(|r| matches(r, &q)))
                .collect(),
            _ => (0..data.len()).collect(),
        };
        if let Some(cmp) = cmps.get(col) {
            sort_indices(&data, &mut idx, *cmp, desc);
        }
        idx
    });
    let pages = move || order.with(|o| o.len().div_ceil(size).max(1));
    let current = move || page.get().min(pages() - 1);
    let body = move || {
        let start = current() * size;
        order.with(|o| {
            o.iter()
                .skip(start)
                .take(size)
                .filter_map(|i| rows.get(*i).map(|r| row(r)))
                .collect_view()
        })
    };
    let headers = cols
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let numeric = c.numeric;
            let is = move |desc: bool| sort.with(|(j, d)| *j == i && *d == desc);
            let aria = move || {
                if is(true) {
                    "descending"
                } else if is(false) {
                    "ascending"
                } else {
                    "none"
                }
            };
            let click = move |_| {
                sort.update(|(j, d)| {
                    if *j == i {
                        *d = !*d;
                    } else {
                        *j = i;
                        *d = numeric;
                    }
                });
                page.set(0);
            };
            view! {
                <th scope="col" class:num=numeric aria-sort=aria>
                    <button type="button" class="sort" data-sort=c.key on:click=click>
                        {c.label}
                        <span class="sort-mark" aria-hidden="true">
                            {move || if is(true) { "▼" } else if is(false) { "▲" } else { "" }}
                        </span>
                    </button>
                </th>
            }
        })
        .collect_view();
    let export = csv.map(|Csv { name, header, row }| {
        let lines = Signal::derive(move || {
            order.with(|o| o.iter().filter_map(|i| csv_data.get(*i)).map(row).collect())
        });
        let header: Vec<String> = header.iter().map(|h| (*h).to_owned()).collect();
        view! { <CsvButton name=name header=header rows=lines /> }
    });
    let search_box = search.map(|(placeholder, _)| {
        view! {
            <input type="search" class="view-search" data-testid=format!("{testid}-search")
                placeholder=placeholder aria-label=placeholder prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    page.set(0);
                } />
        }
    });
    let shown = move || order.with(Vec::len);
    let pager_name = caption.clone();
    let pager = move || {
        let pager_name = pager_name.clone();
        (shown() > size).then(|| {
            let p = current();
            let first = p * size + 1;
            let last = ((p + 1) * size).min(shown());
            view! {
                <nav class="pager" aria-label=format!("Pages: {pager_name}")>
                    <button type="button" class="ghost" data-testid=format!("{testid}-prev")
                        disabled=move || current() == 0
                        on:click=move |_| page.set(current().saturating_sub(1))>"Previous"</button>
                    <span class="small muted" data-testid=format!("{testid}-range")>
                        {format!("{first}–{last} of {}", grouped(shown() as u64))}
                    </span>
                    <button type="button" class="ghost" data-testid=format!("{testid}-next")
                        disabled=move || { current() + 1 >= pages() }
                        on:click=move |_| page.set(current() + 1)>"Next"</button>
                </nav>
            }
        })
    };
    view! {
        <div class="view-table">
            <div class="view-tools">{search_box}{export}</div>
            <div class="scroll">
                <table class=format!("grid {class}") data-testid=testid data-value=total.to_string()
                    data-shown=move || shown().to_string()>
                    <caption class="visually-hidden">{caption}</caption>
                    <thead><tr>{headers}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {pager}
        </div>
    }
}

/// The project's last two path parts, for a narrow cell.
#[must_use]
pub fn project_short(project: Option<&str>) -> String {
    match project {
        Some(p) => agentmeter::filter::project_label(p),
        None => "(no project)".to_owned(),
    }
}

/// A session row with what sorting and searching need computed once (5,000 sessions must stay
/// smooth: no time parsing in a comparison, no lowercasing per keystroke).
pub struct Row {
    pub s: SessionReport,
    pub duration_ms: u64,
    /// Id, project and models, lowercased, for the search.
    hay: String,
}

impl Row {
    fn new(s: SessionReport) -> Self {
        let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
        let duration_ms = match (parse(&s.start), parse(&s.end)) {
            (Some(a), Some(b)) => u64::try_from((b - a).num_milliseconds()).unwrap_or(0),
            _ => 0,
        };
        let hay = format!(
            "{}\n{}\n{}",
            s.session,
            s.project.as_deref().unwrap_or_default(),
            s.models.join("\n")
        )
        .to_lowercase();
        Row {
            s,
            duration_ms,
            hay,
        }
    }
}

fn matches(r: &Row, q: &str) -> bool {
    r.hay.contains(q)
}

fn csv_row(r: &Row) -> Vec<String> {
    let s = &r.s;
    vec![
        s.agent.as_str().to_owned(),
        s.session.clone(),
        s.project.clone().unwrap_or_default(),
        s.start.clone(),
        s.end.clone(),
        r.duration_ms.to_string(),
        s.models.join(" "),
        s.totals.calls.to_string(),
        s.tool_calls.to_string(),
        s.totals.tokens.total.to_string(),
        data_f64(s.totals.cost_usd),
    ]
}

fn columns() -> Vec<Col<Row>> {
    type R = Row;
    vec![
        Col::new("Agent", "agent", false, |a: &R, b: &R| {
            a.s.agent.cmp(&b.s.agent)
        }),
        Col::new("Session", "session", false, |a: &R, b: &R| {
            a.s.session.cmp(&b.s.session)
        }),
        Col::new("Project", "project", false, |a: &R, b: &R| {
            a.s.project.cmp(&b.s.project)
        }),
        Col::new("Started", "start", false, |a: &R, b: &R| {
            a.s.start.cmp(&b.s.start)
        }),
        Col::new("Last activity", "last", false, |a: &R, b: &R| {
            a.s.end.cmp(&b.s.end)
        }),
        Col::new("Duration", "duration", true, |a: &R, b: &R| {
            a.duration_ms.cmp(&b.duration_ms)
        }),
        Col::new("Models", "models", false, |a: &R, b: &R| {
            a.s.models.cmp(&b.s.models)
        }),
        Col::new("Calls", "calls", true, |a: &R, b: &R| {
            a.s.totals.calls.cmp(&b.s.totals.calls)
        }),
        Col::new("Tools", "tools", true, |a: &R, b: &R| {
            a.s.tool_calls.cmp(&b.s.tool_calls)
        }),
        Col::new("Tokens", "tokens", true, |a: &R, b: &R| {
            a.s.totals.tokens.total.cmp(&b.s.totals.tokens.total)
        }),
        Col::new("Cost", "cost", true, |a: &R, b: &R| {
            a.s.totals.cost_usd.total_cmp(&b.s.totals.cost_usd)
        }),
    ]
}

fn row(r: &Row, tz: chrono_tz::Tz) -> AnyView {
    let s = &r.s;
    let agent = s.agent.as_str();
    let project = s.project.clone().unwrap_or_default();
    let models = s.models.join(", ");
    // A session with messages but no model call (a Codex rollout from before token counts, a
    // Copilot history document) has no token data, which is not zero usage.
    let no_calls = s.totals.calls == 0;
    view! {
        <tr data-testid=format!("session-row-{}", s.session) data-agent=agent>
            <td><span class=format!("dot a-{agent}")></span>{s.agent.label()}</td>
            <td class="mono clip">
                <a href=session_href(&s.session) title=s.session.clone()>
                    {crate::format::short_id(&s.session)}
                </a>
            </td>
            <td class="clip" title=project>{project_short(s.project.as_deref())}</td>
            <td class="mono" title=s.start.clone()>{local_time(&s.start, tz)}</td>
            <td class="mono" title=s.end.clone()>{local_time(&s.end, tz)}</td>
            {Num::Ms(r.duration_ms).td_col("duration")}
            {clip_td(models, "mono small")}
            {Num::Count(s.totals.calls).td_col("calls")}
            {Num::Count(s.tool_calls).td_col("tools")}
            {no_calls.then(|| view! {
                <td class="num muted" data-col="tokens" data-value="0">"-"</td>
                <td class="num muted" data-col="cost" data-value="0" data-testid="no-token-data">
                    "no token data"
                </td>
            })}
            {(!no_calls).then(|| view! {
                {Num::Tokens(s.totals.tokens.total).td_col("tokens")}
                {Num::Usd(s.totals.cost_usd).td_col("cost")}
            })}
        </tr>
    }
    .into_any()
}

/// The sessions view.
#[component]
pub fn SessionsView(analysis: Analysis) -> impl IntoView {
    let report = analysis.report.clone();
    let tz = zone(&report.time_zone);
    let rows: Arc<Vec<Row>> = Arc::new(report.sessions.iter().cloned().map(Row::new).collect());
    let n = rows.len();
    let spec = Table {
        testid: "sessions-view-table",
        caption: "Sessions".to_owned(),
        class: "fixed sessions",
        cols: columns(),
        sort: (4, true),
        page: PAGE,
        row: Arc::new(move |r: &Row| row(r, tz)),
        search: Some(("Filter by session, project or model", matches)),
        csv: Some(Csv {
            name: "sessions",
            header: &[
                "agent",
                "session",
                "project",
                "start",
                "end",
                "duration_ms",
                "models",
                "calls",
                "tool_calls",
                "tokens",
                "cost_usd",
            ],
            row: csv_row,
        }),
    };
    view! {
        <section data-testid="view-sessions" class="view">
            <div class="panel">
                <h2>"Sessions" <span class="muted">{format!(" ({})", grouped(n as u64))}</span></h2>
                {if n == 0 {
                    view! { <p class="muted">"No sessions in this analysis."</p> }.into_any()
                } else {
                    table(spec, rows).into_any()
                }}
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
    fn indices_sort_both_ways_and_keep_ties_stable() {
        let rows = [3u64, 1, 3, 2];
        let mut idx = vec![0, 1, 2, 3];
        sort_indices(&rows, &mut idx, |a, b| a.cmp(b), false);
        assert_eq!(idx, [1, 3, 0, 2]);
        let mut idx = vec![0, 1, 2, 3];
        sort_indices(&rows, &mut idx, |a, b| a.cmp(b), true);
        assert_eq!(idx, [0, 2, 3, 1]);
    }

    #[test]
    fn numbers_carry_their_exact_value() {
        assert_eq!(Num::Tokens(1_234_567).text(), "1.23M");
        assert_eq!(Num::Tokens(1_234_567).value(), "1234567");
        assert_eq!(Num::Tokens(1_234_567).title(), "1,234,567 tokens");
        assert_eq!(Num::Usd(0.125).value(), "0.125");
        assert_eq!(Num::Count(123_456).text(), "123K");
        assert_eq!(Num::Count(12_345).text(), "12,345");
    }
}
