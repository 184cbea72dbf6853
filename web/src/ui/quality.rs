//! The data-quality report: what happened to every line and every file.
//!
//! `read = used + duplicate + ignored + malformed` is shown as it is, with the first malformed
//! examples (file:line and reason), *every* file that was skipped or could not be read with its
//! reason, every file with lines kept after a repair (invalid UTF-8 replaced, a count clamped)
//! with its count and notes, and the models without a price. A user must be able to see why a
//! number is what it is, so nothing here is cut off: long lists are paged, never truncated.

use std::sync::Arc;

use agentmeter::line_report::FileReport;
use agentmeter::report::Report;
use leptos::prelude::*;

use crate::format::grouped;
use crate::views::sessions::{table, Col, Csv, Num, RowFn, Table};

/// How many malformed examples are listed (each file keeps its first few; the counts are exact).
const MAX_LISTED: usize = 20;

/// Rows per page of the file tables.
const PAGE: usize = 25;

/// A file that was not read as a transcript: its path, size and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub path: String,
    pub bytes: u64,
    pub reason: String,
}

/// The files of `report` that no parser read (unrecognised, skipped or unreadable), in report
/// order, with the reason.
#[must_use]
pub fn skipped(report: &Report) -> Vec<Skipped> {
    report
        .files
        .iter()
        .filter(|f| f.agent.is_none())
        .map(|f| Skipped {
            path: f.path.clone(),
            bytes: f.bytes,
            reason: f
                .format
                .strip_prefix("skipped: ")
                .unwrap_or(&f.format)
                .to_owned(),
        })
        .collect()
}

/// The files of `report` with repaired lines, most repairs first.
#[must_use]
pub fn repaired(report: &Report) -> Vec<FileReport> {
    let mut files: Vec<FileReport> = report
        .files
        .iter()
        .filter(|f| f.repaired > 0)
        .cloned()
        .collect();
    files.sort_by(|a, b| b.repaired.cmp(&a.repaired).then(a.path.cmp(&b.path)));
    files
}

/// A file's notes as one line of text: `line 3: invalid UTF-8 replaced with U+FFFD; line 9: …`.
#[must_use]
pub fn notes_text(f: &FileReport) -> String {
    let listed: Vec<String> = f
        .notes
        .iter()
        .map(|n| format!("line {}: {}", n.line, n.reason))
        .collect();
    let more = f.repaired.saturating_sub(f.notes.len() as u64);
    let mut text = listed.join("; ");
    if more > 0 {
        text.push_str(&format!(" (and {} more)", grouped(more)));
    }
    text
}

fn skipped_table(rows: Vec<Skipped>) -> impl IntoView {
    type S = Skipped;
    let row: RowFn<S> = Arc::new(|s: &S| {
        let title = s.path.clone();
        view! {
            <tr data-testid="skipped-file" data-path=s.path.clone() data-reason=s.reason.clone()>
                <td class="mono clip" title=title>{s.path.clone()}</td>
                {Num::Bytes(s.bytes).td_col("bytes")}
                <td data-col="reason">{s.reason.clone()}</td>
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "skipped-files",
        caption: "Files skipped or not readable, with the reason".to_owned(),
        class: "fixed quality-files",
        cols: vec![
            Col::new("File", "path", false, |a: &S, b: &S| a.path.cmp(&b.path)),
            Col::new("Size", "bytes", true, |a: &S, b: &S| a.bytes.cmp(&b.bytes)),
            Col::new("Reason", "reason", false, |a: &S, b: &S| {
                a.reason.cmp(&b.reason)
            }),
        ],
        sort: (0, false),
        page: PAGE,
        row,
        search: Some(("Filter by file or reason", |s: &S, q: &str| {
            s.path.to_lowercase().contains(q) || s.reason.to_lowercase().contains(q)
        })),
        csv: Some(Csv {
            name: "skipped-files",
            header: &["path", "bytes", "reason"],
            row: |s: &S| vec![s.path.clone(), s.bytes.to_string(), s.reason.clone()],
        }),
    };
    table(spec, Arc::new(rows))
}

fn repaired_table(rows: Vec<FileReport>) -> impl IntoView {
    type F = FileReport;
    let row: RowFn<F> = Arc::new(|f: &F| {
        let title = f.path.clone();
        view! {
            <tr data-testid="repaired-file" data-path=f.path.clone() data-value=f.repaired.to_string()>
                <td class="mono clip" title=title>{f.path.clone()}</td>
                {Num::Count(f.repaired).td_col("repaired")}
                <td class="notes" data-col="notes">{notes_text(f)}</td>
            </tr>
        }
        .into_any()
    });
    let spec = Table {
        testid: "repaired-files",
        caption: "Files with lines kept after a repair, with what was repaired".to_owned(),
        class: "fixed quality-files",
        cols: vec![
            Col::new("File", "path", false, |a: &F, b: &F| a.path.cmp(&b.path)),
            Col::new("Repaired lines", "repaired", true, |a: &F, b: &F| {
                a.repaired.cmp(&b.repaired)
            }),
            Col::new("Notes", "notes", false, |a: &F, b: &F| {
                notes_text(a).cmp(&notes_text(b))
            }),
        ],
        sort: (1, true),
        page: PAGE,
        row,
        search: None,
        csv: Some(Csv {
            name: "repaired-files",
            header: &["path", "repaired", "notes"],
            row: |f: &F| vec![f.path.clone(), f.repaired.to_string(), notes_text(f)],
        }),
    };
    table(spec, Arc::new(rows))
}

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
    let skipped = skipped(&report);
    let skipped_count = skipped.len();
    let parsed_count = report.files.len() - skipped_count;
    let repaired = repaired(&report);
    let repaired_lines: u64 = report.files.iter().map(|f| f.repaired).sum();
    let repaired_count = repaired.len();
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
            <p class="muted small" data-testid="quality-summary">
                {format!("{} transcript files read, {} files skipped or not readable, {} lines repaired. ",
                    grouped(parsed_count as u64), grouped(skipped_count as u64), grouped(repaired_lines))}
                "Every line read is used, a duplicate, ignored (valid, no usage) or malformed; a repaired \
                 line keeps its fate and is also listed below."
            </p>
            <dl class="q-grid">
                {line("Lines read", "lines-read", l.read, "Every line (or JSON message) read")}
                {line("Used", "lines-used", l.used, "Lines whose usage is counted")}
                {line("Duplicate", "lines-duplicate", l.duplicate, "Copies of a usage already counted (resumed sessions, forks, streaming snapshots)")}
                {line("Ignored", "lines-ignored", l.ignored, "Valid lines that carry no usage")}
                {line("Malformed", "lines-malformed", l.malformed, "Lines that could not be read")}
                {line("Repaired", "lines-repaired", repaired_lines, "Lines kept after a repair (invalid UTF-8 replaced, a count clamped); also counted in their fate above")}
            </dl>
            <div class="q-lists">
                <div>
                    <h3>"Malformed lines"</h3>
                    {if examples.is_empty() {
                        view! { <p class="muted small">"None."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="q-list" data-testid="malformed-examples" tabindex="0"
                                aria-label="Malformed lines">
                                {examples.into_iter().map(|(at, why)| view! {
                                    <li><span class="mono">{at}</span>" — "{why}</li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
                <div>
                    <h3>"Unpriced models"</h3>
                    {if unpriced.is_empty() {
                        view! {
                            <p class="muted small" data-testid="unpriced-models" data-value="0">
                                "None: every model has a price."
                            </p>
                        }.into_any()
                    } else {
                        view! {
                            <ul class="q-list" data-testid="unpriced-models" data-value=unpriced_count.to_string()
                                tabindex="0" aria-label="Unpriced models">
                                {unpriced.into_iter().map(|m| view! { <li class="mono">{m}</li> }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </div>
            </div>
            <h3>"Files skipped or not readable" <span class="muted">{format!(" ({})", grouped(skipped_count as u64))}</span></h3>
            {if skipped.is_empty() {
                view! { <p class="muted small" data-testid="skipped-none">"None: every file was read as a transcript."</p> }.into_any()
            } else {
                skipped_table(skipped).into_any()
            }}
            <h3>"Repaired lines" <span class="muted">{format!(" ({} in {} files)", grouped(repaired_lines), grouped(repaired_count as u64))}</span></h3>
            {if repaired.is_empty() {
                view! { <p class="muted small" data-testid="repaired-none">"None: no line needed a repair."</p> }.into_any()
            } else {
                repaired_table(repaired).into_any()
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use agentmeter::line_report::Issue;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn notes_name_each_line_and_count_the_rest() {
        let f = FileReport {
            path: "a.jsonl".to_owned(),
            repaired: 7,
            notes: vec![
                Issue {
                    line: 3,
                    reason: "invalid UTF-8 replaced with U+FFFD".to_owned(),
                },
                Issue {
                    line: 9,
                    reason: "count clamped".to_owned(),
                },
            ],
            ..FileReport::default()
        };
        assert_eq!(
            notes_text(&f),
            "line 3: invalid UTF-8 replaced with U+FFFD; line 9: count clamped (and 5 more)"
        );
    }
}
