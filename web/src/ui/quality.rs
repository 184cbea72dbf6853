//! The data-quality report: what happened to every line and every file.
//!
//! `read = used + duplicate + ignored + malformed` is shown as it is, with the first malformed
//! examples (file:line and reason), the files that were skipped or not recognised, and the models
//! without a price. A user must be able to see why a number is what it is.

use std::sync::Arc;

use agentmeter::report::Report;
use leptos::prelude::*;

use crate::format::{bytes, grouped};

/// How many malformed examples and skipped files are listed.
const MAX_LISTED: usize = 20;

/// The data-quality panel.
#[component]
pub fn Quality(report: Arc<Report>) -> impl IntoView {
    let l = report.lines;
    let line = |label: &'static str, id: &'static str, n: u64, help: &'static str| {
        view! {
            <div class="q-item">
                <dt title=help>{label}</dt>
                <dd data-testid=id data-value=n.to_string()>{grouped(n)}</dd>
            </div>
        }
    };
    let examples: Vec<(String, String)> = report
        .files
        .iter()
        .flat_map(|f| {
            f.examples
                .iter()
                .map(move |e| (format!("{}:{}", f.path, e.line), e.reason.clone()))
        })
        .take(MAX_LISTED)
        .collect();
    let skipped: Vec<(String, String, u64)> = report
        .files
        .iter()
        .filter(|f| f.agent.is_none())
        .map(|f| {
            let reason = f
                .format
                .strip_prefix("skipped: ")
                .unwrap_or(&f.format)
                .to_owned();
            (f.path.clone(), reason, f.bytes)
        })
        .collect();
    let skipped_count = skipped.len();
    let parsed_count = report.files.len() - skipped_count;
    let mut unpriced: Vec<String> = report
        .agents
        .iter()
        .flat_map(|(agent, a)| {
            a.unpriced_models
                .iter()
                .map(move |m| format!("{m} ({agent})"))
        })
        .collect();
    unpriced.sort();
    let unpriced_count = unpriced.len();
    view! {
        <section class="panel" aria-labelledby="quality-h" data-testid="quality">
            <h2 id="quality-h">"Data quality"</h2>
            <p class="muted small">
                {format!("{} transcript files read, {} other files skipped. ", grouped(parsed_count as u64), grouped(skipped_count as u64))}
                "Every line read is used, a duplicate, ignored (valid, no usage) or malformed."
            </p>
            <dl class="q-grid">
                {line("Lines read", "lines-read", l.read, "Every line (or JSON message) read")}
                {line("Used", "lines-used", l.used, "Lines whose usage is counted")}
                {line("Duplicate", "lines-duplicate", l.duplicate, "Copies of a usage already counted (resumed sessions, forks, streaming snapshots)")}
                {line("Ignored", "lines-ignored", l.ignored, "Valid lines that carry no usage")}
                {line("Malformed", "lines-malformed", l.malformed, "Lines that could not be read")}
            </dl>
            <div class="q-lists">
                <div>
                    <h3>"Malformed lines"</h3>
                    {if examples.is_empty() {
                        view! { <p class="muted small">"None."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="q-list" data-testid="malformed-examples">
                                {examples.into_iter().map(|(at, why)| view! {
                                    <li><span class="mono">{at}</span>" — "{why}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
                <div>
                    <h3>"Skipped files"</h3>
                    {if skipped.is_empty() {
                        view! { <p class="muted small">"None."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="q-list" data-testid="skipped-files" data-value=skipped_count.to_string()>
                                {skipped.into_iter().take(MAX_LISTED).map(|(path, why, size)| view! {
                                    <li><span class="mono">{path}</span>{format!(" ({}) — {why}", bytes(size))}</li>
                                }).collect_view()}
                            </ul>
                            {(skipped_count > MAX_LISTED).then(|| view! {
                                <p class="muted small">{format!("… and {} more", skipped_count - MAX_LISTED)}</p>
                            })}
                        }.into_any()
                    }}
                </div>
                <div>
                    <h3>"Unpriced models"</h3>
                    <ul class="q-list" data-testid="unpriced-models" data-value=unpriced_count.to_string()>
                        {unpriced.into_iter().map(|m| view! { <li class="mono">{m}</li> }).collect_view()}
                    </ul>
                    {(unpriced_count == 0).then(|| view! { <p class="muted small">"None: every model has a price."</p> })}
                </div>
            </div>
        </section>
    }
}
