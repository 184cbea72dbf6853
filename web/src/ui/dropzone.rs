//! Getting data in, and what the user sees while it is read: the drop zone with the pickers and
//! the sample-data button, the progress bar with cancel, and the "no agent data" message.
//!
//! The empty state teaches: it says which folder each agent writes on Linux, macOS and Windows,
//! and that a whole home folder is fine (only the agents' folders below it are read).

use leptos::ev::{DragEvent, Event};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::app::Controller;
use crate::format::{bytes, grouped};
use crate::ingest::{demo, drop, picker};

/// Where each agent keeps its sessions: the core's table ([`agentmeter::agents::AGENTS`]), the
/// same the README and the CLI's "no usage found" note are written from. Backticks (markdown in
/// the README) are dropped.
fn folders(list: &[&str]) -> String {
    list.join(", ").replace('`', "")
}

/// The labels of the agents whose files are counted, for the "no agent data" message.
fn counted_agents() -> String {
    let labels = agentmeter::agents::counted_labels();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_owned(),
        None => String::new(),
    }
}

/// The drop zone, the pickers and the demo button. `compact` once a dashboard is shown.
#[component]
pub fn DropZone(#[prop(into)] compact: Signal<bool>) -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let over = RwSignal::new(false);
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        over.set(false);
        // Entries must be taken now: the drop's items die when this handler returns.
        let (entries, loose) = drop::entries_of(&ev);
        // Another source: Live would otherwise replace it with the remembered folder.
        ctl.set_live(false);
        spawn_local(async move { ctl.run(drop::collect(entries, loose).await) });
    };
    let on_input = move |ev: Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let collected = picker::collect_file_list(input.files());
        // Reset so choosing the same folder again fires `change` again.
        input.set_value("");
        ctl.set_live(false);
        ctl.run(collected);
    };
    let on_pick = move |_| {
        spawn_local(async move {
            if let Some((handle, collected)) = picker::pick_directory().await {
                ctl.set_live(false);
                ctl.remember(handle);
                ctl.run(collected);
            }
        });
    };
    let on_demo = move |_| {
        spawn_local(async move {
            match demo::fetch_demo().await {
                Ok(collected) => {
                    ctl.set_live(false);
                    ctl.run(collected);
                }
                Err(e) => ctl.error.set(Some(format!("Sample data unavailable: {e}"))),
            }
        });
    };
    let has_picker = picker::has_directory_picker();
    view! {
        <section
            class="dropzone"
            class:compact=move || compact.get()
            class:over=move || over.get()
            data-testid="drop-zone"
            aria-label="Drop agent folders here"
            on:dragenter=move |ev: DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragover=move |ev: DragEvent| ev.prevent_default()
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <div class="dz-main">
                <p class="dz-title">
                    {move || match (compact.get(), ctl.add_mode.get()) {
                        (false, _) => "Drop your agent folders here",
                        (true, false) => "Drop more folders to replace this analysis",
                        (true, true) => "Drop more folders to add them to this analysis",
                    }}
                </p>
                <div class="dz-actions">
                    <label class="button">
                        "Choose folder…"
                        <input type="file" class="visually-hidden" data-testid="folder-input"
                            prop:webkitdirectory=true multiple=true on:change=on_input />
                    </label>
                    <label class="button ghost">
                        "Choose files…"
                        <input type="file" class="visually-hidden" data-testid="file-input"
                            multiple=true accept=".jsonl,.json,.ledger,.gz,.zip" on:change=on_input />
                    </label>
                    {has_picker.then(|| view! {
                        <button class="ghost" data-testid="directory-picker" on:click=on_pick>"Open folder (read-only)…"</button>
                    })}
                    <button class="primary" data-testid="demo-button" on:click=on_demo>"Try with sample data"</button>
                    {move || ctl.folder.get().map(|name| view! {
                        <button class="ghost" data-testid="rescan-button" on:click=move |_| ctl.rescan()
                            title="Read the remembered folder again: only new or grown files are read">
                            {format!("Re-scan “{name}”")}
                        </button>
                        <label class="check" title="Read the remembered folder again every few seconds (only what was appended) and update the figures">
                            <input type="checkbox" data-testid="live-toggle" prop:checked=move || ctl.live.get()
                                on:change=move |ev| ctl.set_live(event_target_checked(&ev)) />
                            "Live"
                        </label>
                    })}
                    <Show when=move || compact.get() && ctl.analysis.with(|a| a.as_ref().is_some_and(|a| !a.ledger.files.is_empty()))>
                        <label class="check" title="Merge the next folder into this analysis (adding the same files twice changes nothing)">
                            <input type="checkbox" data-testid="add-mode" prop:checked=move || ctl.add_mode.get()
                                on:change=move |ev| ctl.add_mode.set(event_target_checked(&ev)) />
                            "Add to this analysis"
                        </label>
                    </Show>
                </div>
            </div>
            <Show when=move || !compact.get()>
                <div class="dz-help">
                    <div class="scroll" tabindex="0" role="group" aria-label="Where each agent keeps its sessions"><table class="where">
                        <thead><tr><th scope="col">"Agent"</th><th scope="col">"Linux"</th><th scope="col">"macOS"</th><th scope="col">"Windows"</th></tr></thead>
                        <tbody>
                            {agentmeter::agents::AGENTS.iter().map(|a| view! {
                                <tr data-agent=a.agent.as_str()>
                                    <td>{a.agent.label()}{(!a.is_counted()).then_some(" (listed, not counted)")}</td>
                                    <td class="mono">{folders(a.linux)}</td>
                                    <td class="mono">{folders(a.macos)}</td>
                                    <td class="mono">{folders(a.windows)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table></div>
                    <p class="muted small">
                        "Drop one of these folders, any folder below one, or your whole home folder: only "
                        "the agent folders above are read below a home. A .zip of such folders works too. Hidden folders: ⌘⇧. in the macOS Finder, Ctrl+H on Linux, "
                        "“Hidden items” in Windows Explorer. Files are read in your browser and never uploaded."
                    </p>
                    <p class="muted small">
                        "Teams: drop several people's folders, or the "<code>".ledger"</code>" files they exported "
                        "(“Export ledger”, or "<code>"agentmeter ledger export"</code>"): usage only, no prompt or file "
                        "text. Each folder or ledger is a source you can rename and filter by."
                    </p>
                </div>
            </Show>
        </section>
    }
}

/// Progress while workers read, with cancel.
#[component]
pub fn ProgressBar() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    move || {
        ctl.progress.get().map(|p| {
            let elapsed = ((js_sys::Date::now() - ctl.started_ms.get_untracked()) / 1000.0).max(0.001);
            let rate = p.bytes_done as f64 / elapsed;
            let eta = if rate > 0.0 && p.bytes_done > 0 {
                let left = p.bytes_total.saturating_sub(p.bytes_done) as f64 / rate;
                format!(" · about {}s left", left.ceil() as u64)
            } else {
                String::new()
            };
            view! {
                <section class="progress" data-testid="progress" role="status"
                    data-files-done=p.files_done.to_string() data-files-total=p.files_total.to_string()
                    data-bytes-done=p.bytes_done.to_string() data-bytes-total=p.bytes_total.to_string()>
                    <progress max=p.bytes_total.max(1).to_string() value=p.bytes_done.to_string()></progress>
                    <span class="small">
                        {format!("{} / {} files · {} / {} · {}/s{eta}",
                            grouped(p.files_done), grouped(p.files_total),
                            bytes(p.bytes_done), bytes(p.bytes_total), bytes(rate as u64))}
                    </span>
                    <button class="ghost" data-testid="cancel-button" on:click=move |_| ctl.cancel()>"Cancel"</button>
                </section>
            }
        })
    }
}

/// The message shown when what was dropped holds no agent transcript.
#[component]
pub fn NoAgentData() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    move || {
        ctl.no_data.get().map(|n| {
            let found = format!(
                "Found {} files in {} folders. {} of them were .jsonl/.json/.db files where agents write, and none is a session of {}.",
                grouped(n.seen_files), grouped(n.seen_dirs), grouped(n.read_files), counted_agents()
            );
            let previous = ctl.analysis.with(Option::is_some).then(|| view! {
                <p data-testid="no-agent-data-previous">
                    <strong>"The figures below are from your previous analysis"</strong>
                    ", unchanged: nothing from this drop was added to them."
                </p>
            });
            view! {
                <section class="notice" data-testid="no-agent-data" role="alert">
                    <h2>"No agent data in what you dropped"</h2>
                    <p>{found}</p>
                    {previous}
                    {(!n.examples.is_empty()).then(|| view! {
                        <ul class="q-list">
                            {n.examples.into_iter().map(|(path, why)| view! {
                                <li><span class="mono">{path}</span>" — "{why}</li>
                            }).collect_view()}
                        </ul>
                    })}
                    <p>"Drop an agent's folder, or your home folder (only these folders are read below it):"</p>
                    <ul class="q-list" data-testid="no-agent-data-folders">
                        {agentmeter::agents::AGENTS.iter().map(|a| view! {
                            <li>{a.agent.label()}": "<span class="mono">{folders(a.linux)}</span>
                                " (macOS: "<span class="mono">{folders(a.macos)}</span>
                                "; Windows: "<span class="mono">{folders(a.windows)}</span>")"</li>
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
