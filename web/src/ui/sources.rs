//! "By source": one row per source label (a person or a machine, see `agentmeter::sources`),
//! with the label editable in place and a button that filters every view to that source.
//!
//! A dropped folder's label defaults to its name, an imported ledger keeps the labels it was
//! exported with; renaming rewrites the label on the ledger's file reports and recomputes, so
//! the new name is what the filter, the URL, the JSON export and an exported ledger carry.

use std::sync::Arc;

use agentmeter::analysis::sources::NO_SOURCE;
use agentmeter::report::Report;
use leptos::prelude::*;

use super::{count_td, tokens_td, usd_td};
use crate::app::Controller;

/// The sources table of `report`.
#[component]
pub fn SourceTable(report: Arc<Report>) -> impl IntoView {
    // Without the app's controller (a component test mounting a view alone) the labels are
    // shown but cannot be edited or filtered by.
    let ctl = use_context::<Controller>();
    let rows = report
        .analytics
        .sources
        .iter()
        .map(|s| {
            let label = s.source.clone();
            let shown = label.clone().unwrap_or_else(|| NO_SOURCE.to_owned());
            let t = s.totals.tokens;
            let editor = match (label.clone(), ctl) {
                (Some(old), None) => view! { <span>{old}</span> }.into_any(),
                (Some(old), Some(ctl)) => {
                    let old_for_change = old.clone();
                    view! {
                        <input class="source-label" type="text" data-testid="source-label"
                            aria-label=format!("Label of source {old}") value=old.clone()
                            on:change=move |ev| ctl.rename_source(&old_for_change, &event_target_value(&ev)) />
                    }
                    .into_any()
                }
                (None, _) => view! { <span class="muted">{NO_SOURCE}</span> }.into_any(),
            };
            let only = label.clone().zip(ctl).map(|(l, ctl)| {
                let title = format!("Show only {l} in every view");
                view! {
                    <button class="ghost small-button" data-testid="source-only" title=title
                        on:click=move |_| ctl.route.update(|r| r.filter.sources = vec![l.clone()])>
                        "Only this"
                    </button>
                }
            });
            view! {
                <tr data-testid="source-row" data-source=shown>
                    <th scope="row">{editor}</th>
                    {count_td(s.sessions)}
                    {count_td(s.totals.calls)}
                    {tokens_td(None, t.total)}
                    {usd_td(None, s.totals.cost_usd)}
                    <td>{only}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="sources-h" data-testid="sources-table">
            <div class="panel-head">
                <h2 id="sources-h">"By source"</h2>
                <span class="muted small">"a person or machine per dropped folder or ledger; edit a label to rename it"</span>
            </div>
            <div class="scroll" tabindex="0" role="group" aria-label="By source: table">
            <table class="grid">
                <thead>
                    <tr>
                        <th scope="col">"Source"</th>
                        <th scope="col" class="num">"Sessions"</th>
                        <th scope="col" class="num">"Calls"</th>
                        <th scope="col" class="num">"Tokens"</th>
                        <th scope="col" class="num">"Cost"</th>
                        <th scope="col"><span class="visually-hidden">"Filter"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            </div>
        </section>
    }
}
