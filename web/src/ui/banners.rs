//! The overview's top insights as banners, each dismissible.
//!
//! The report lists insights most severe first; the first [`SHOWN`] not dismissed are shown. A
//! dismissal is remembered in `localStorage` by the insight's id (its detector), so a banner the
//! reader has dealt with stays away across reloads and new analyses; the insights view still
//! lists every finding. Titles and advice are shown as text, never as HTML.

use std::sync::Arc;

use agentmeter::insights::{Insight, Severity};
use agentmeter::report::Report;
use leptos::prelude::*;

use crate::prefs;
use crate::route::View;

/// Banners shown at once.
pub const SHOWN: usize = 3;

/// The insights to show: the first `n`, in report order, whose id is not in `dismissed`.
#[must_use]
pub fn visible(insights: &[Insight], dismissed: &[String], n: usize) -> Vec<Insight> {
    insights
        .iter()
        .filter(|i| !dismissed.contains(&i.id))
        .take(n)
        .cloned()
        .collect()
}

fn severity_class(s: Severity) -> &'static str {
    match s {
        Severity::Info => "banner info",
        Severity::Warning => "banner warning",
        Severity::Critical => "banner critical",
    }
}

/// The banners of a report, with a link to the insights view.
#[component]
pub fn Banners(report: Arc<Report>, #[prop(into)] insights_href: Signal<String>) -> impl IntoView {
    let dismissed =
        RwSignal::new(prefs::get_json::<Vec<String>>(prefs::DISMISSED).unwrap_or_default());
    let total = report.insights.len();
    let shown = move || dismissed.with(|d| visible(&report.insights, d, SHOWN));
    let dismiss = move |id: String| {
        dismissed.update(|d| {
            if !d.contains(&id) {
                d.push(id);
            }
        });
        dismissed.with_untracked(|d| prefs::set_json(prefs::DISMISSED, d));
    };
    (total != 0).then(move || view! {
            <section class="banners" aria-label="Top insights">
                <For each=shown key=|i| i.id.clone() let:insight>
                    {
                        let id = insight.id.clone();
                        view! {
                            <div class=severity_class(insight.severity) role="note"
                                data-testid=format!("insight-banner-{}", insight.id)>
                                <div class="banner-text">
                                    <strong>{insight.title.clone()}</strong>
                                    <span class="muted">{insight.advice.clone()}</span>
                                </div>
                                <button class="ghost icon" aria-label=format!("Dismiss: {}", insight.title)
                                    data-testid=format!("dismiss-{}", insight.id)
                                    on:click=move |_| dismiss(id.clone())>"×"</button>
                            </div>
                        }
                    }
                </For>
                <a class="small" href=move || insights_href.get() data-view=View::Insights.as_str()>
                    {format!("All {total} insights →")}
                </a>
            </section>
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn insight(id: &str, severity: Severity) -> Insight {
        Insight {
            id: id.to_owned(),
            severity,
            title: format!("{id} title"),
            figure: 1.0,
            unit: "x".to_owned(),
            evidence: vec![],
            advice: "do less".to_owned(),
        }
    }

    #[test]
    fn dismissed_insights_make_room_for_the_next() {
        let all = [
            insight("a", Severity::Critical),
            insight("b", Severity::Warning),
            insight("c", Severity::Warning),
            insight("d", Severity::Info),
        ];
        let ids = |v: Vec<Insight>| v.into_iter().map(|i| i.id).collect::<Vec<_>>();
        assert_eq!(ids(visible(&all, &[], 3)), ["a", "b", "c"]);
        assert_eq!(ids(visible(&all, &["b".to_owned()], 3)), ["a", "c", "d"]);
        assert!(visible(&all, &["a", "b", "c", "d"].map(String::from), 3).is_empty());
    }
}
