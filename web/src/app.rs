//! The app shell and its state machine: empty → reading (progress, cancellable) → dashboard, or
//! "no agent data" when what was dropped holds no transcript.
//!
//! State lives in one `Copy` [`Controller`] of signals provided as context, so the drop zone,
//! the pickers and the header act on it without prop drilling. The previous result stays on
//! screen while a new folder is read and after a cancel; it is replaced only by a finished
//! analysis that found agent data.
//!
//! The controller keeps the *unfiltered* analysis (what is saved, what the filter bar offers)
//! and the [`Route`] (view, filter, zone: the URL). What the views show, [`Controller::shown`], is
//! derived from both: recomputed from the unfiltered ledger whenever the filter or the zone
//! changes, never when only the view does.

use agentmeter::ledger::Ledger;
use leptos::prelude::*;
use leptos::task::spawn_local;

use gloo_timers::callback::Interval;

use crate::analysis::{browser_time_zone, combine, merge_into, Analysis};
use crate::ingest::picker::{self, FsHandle};
use crate::ingest::pool::{Pool, Progress, Read, Stored};
use crate::ingest::{folder, profile, Collected, Delta, ScanState};
use crate::route::{history, Route};
use crate::store;
use crate::ui::dropzone::{DropZone, NoAgentData, ProgressBar};
use crate::ui::export::{JsonButton, LedgerButton};
use crate::ui::filterbar::FilterBar;
use crate::ui::nav::{intercept_links, Nav};
use crate::ui::otlp::OtlpPanel;
use crate::ui::router::Router;
use crate::ui::theme::{self, ThemeToggle};

/// Why the last input produced no dashboard.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NoData {
    pub seen_files: u64,
    pub seen_dirs: u64,
    /// Files that were read (json/jsonl under agent folders) but not recognised.
    pub read_files: u64,
    /// A few (path, reason) pairs for what was seen or skipped.
    pub examples: Vec<(String, String)>,
}

const NOT_READ: &str = "not opened: not a .jsonl/.json file, or outside the agent folders";

/// How often Live looks at the remembered folder again.
pub const LIVE_MS: u32 = 3_000;

/// Where the shown analysis stands with the browser's storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// Being written (the dashboard is drawn first).
    Pending,
    /// Stored: a reload or a later visit shows it again.
    Yes,
    /// Could not be stored (private mode, quota); the error line says why.
    Failed,
}

impl Saved {
    /// The `data-saved` attribute value the tests wait on.
    #[must_use]
    pub fn attr(self) -> &'static str {
        match self {
            Saved::Pending => "pending",
            Saved::Yes => "yes",
            Saved::Failed => "failed",
        }
    }
}

/// How a read's ledger becomes the shown one.
enum Merge {
    /// Replaces the shown ledger, or (add mode) is merged into `base`, as [`combine`] decides.
    Added(Option<std::sync::Arc<Ledger>>),
    /// New and grown files of the shown folder, merged into its ledger `base`; `collected`
    /// is the whole listing, read in full if a grown file could not be resumed.
    Into {
        base: std::sync::Arc<Ledger>,
        collected: Collected,
        note: String,
    },
}

/// What the user gave, kept for the "no agent data" message.
#[derive(Default)]
struct Seen {
    files: u64,
    dirs: u64,
    not_read: Vec<String>,
}

/// The app's state and actions.
#[derive(Clone, Copy)]
pub struct Controller {
    pub analysis: RwSignal<Option<Analysis>>,
    pub progress: RwSignal<Option<Progress>>,
    pub started_ms: RwSignal<f64>,
    pub no_data: RwSignal<Option<NoData>>,
    pub error: RwSignal<Option<String>>,
    /// Whether the shown analysis is stored in IndexedDB yet (it is saved after the first frame,
    /// so a reload or a typed URL just after an import could otherwise find the older one).
    pub saved: RwSignal<Saved>,
    /// Merge the next input into the shown analysis instead of replacing it.
    pub add_mode: RwSignal<bool>,
    /// View, filter, zone and session: the page's URL.
    pub route: RwSignal<Route>,
    /// The analysis the views show: `analysis` under the route's filter and zone.
    pub shown: Memo<Option<Analysis>>,
    /// The remembered folder's name (Re-scan and Live read it again), if any.
    pub folder: RwSignal<Option<String>>,
    /// Live: the remembered folder is read again every [`LIVE_MS`].
    pub live: RwSignal<bool>,
    /// What the last scan found, when it is worth saying ("no file changed").
    pub scan_note: RwSignal<Option<String>>,
    /// What the workers of the last read stored for the next scan, once they have.
    pub entries_stored: RwSignal<Option<Stored>>,
    pool: StoredValue<Option<Pool>, LocalStorage>,
    generation: StoredValue<u64>,
    save_seq: StoredValue<u64>,
    /// The files the shown analysis was read from, with their sizes and times (none after an
    /// addition): what a re-scan compares with ([`ScanState::delta`]).
    scan: StoredValue<Option<ScanState>>,
    handle: StoredValue<Option<FsHandle>, LocalStorage>,
    live_timer: StoredValue<Option<Interval>, LocalStorage>,
    live_busy: StoredValue<bool>,
}

impl Controller {
    /// A fresh controller (no analysis).
    #[must_use]
    pub fn new() -> Self {
        let analysis = RwSignal::new(None);
        let route = RwSignal::new(history::current());
        Controller {
            analysis,
            progress: RwSignal::new(None),
            started_ms: RwSignal::new(0.0),
            no_data: RwSignal::new(None),
            error: RwSignal::new(None),
            saved: RwSignal::new(Saved::Yes),
            add_mode: RwSignal::new(false),
            route,
            shown: shown(analysis, route),
            folder: RwSignal::new(None),
            live: RwSignal::new(false),
            scan_note: RwSignal::new(None),
            entries_stored: RwSignal::new(None),
            pool: StoredValue::new_local(None),
            generation: StoredValue::new(0),
            save_seq: StoredValue::new(0),
            scan: StoredValue::new(None),
            handle: StoredValue::new_local(None),
            live_timer: StoredValue::new_local(None),
            live_busy: StoredValue::new(false),
        }
    }

    /// Reads `collected` in workers and shows the result.
    pub fn run(self, collected: Collected) {
        self.cancel();
        self.error.set(None);
        self.no_data.set(None);
        if collected.files.is_empty() {
            self.no_data.set(Some(NoData {
                seen_files: collected.seen_files,
                seen_dirs: collected.seen_dirs,
                read_files: 0,
                examples: collected
                    .examples_skipped
                    .iter()
                    .map(|p| (p.clone(), NOT_READ.to_owned()))
                    .collect(),
            }));
            return;
        }
        // Compared with the files the shown analysis was read from: nothing to read, only new and
        // grown files to read and merge into it, or everything (ingest::scan_state).
        let add = self.add_mode.get_untracked();
        let state = (!add).then(|| collected.scan_state());
        let delta = match (&state, self.scan.get_value()) {
            (Some(now), Some(before)) if self.analysis.with_untracked(Option::is_some) => {
                before.delta(now)
            }
            _ => Delta::Full("no earlier scan of these files"),
        };
        if delta == Delta::Same {
            profile::mark("rescan_unchanged");
            self.scan_note
                .set(Some("No file changed since the last scan".to_owned()));
            return;
        }
        let appended = match delta {
            Delta::Appended { added, grown, kept } => self
                .mergeable_ledger()
                .map(|base| (base, added, grown, kept)),
            _ => None,
        };
        self.scan_note.set(None);
        let generation = self.generation.with_value(|g| g + 1);
        self.generation.set_value(generation);
        let current = move || self.generation.with_value(|g| *g == generation);
        // Ledger files hold hashed ids: when one is read now or is part of what is shown, the
        // folders are hashed the same way, so that a session in both counts once.
        // (The shown ledger matters when it joins the merge: in add mode, or re-scanned files.)
        let joins_shown = add || appended.is_some();
        let hash_ids = collected.has_ledger()
            || (joins_shown && self.mergeable_ledger().is_some_and(|b| b.has_hashed_ids()));
        let seen = Seen {
            files: collected.seen_files,
            dirs: collected.seen_dirs,
            not_read: collected.examples_skipped.clone(),
        };
        let (files, grown, merge) = match appended {
            Some((base, added, grown, kept)) => {
                profile::value("kept_files", kept as f64);
                let note = format!(
                    "{} new or grown file{} read, {kept} unchanged",
                    added.len() + grown.len(),
                    if added.len() + grown.len() == 1 {
                        ""
                    } else {
                        "s"
                    }
                );
                let files = collected
                    .files
                    .iter()
                    .filter(|f| added.contains(&f.path) || grown.contains(&f.path))
                    .cloned()
                    .collect();
                (
                    files,
                    grown,
                    Merge::Into {
                        base,
                        collected,
                        note,
                    },
                )
            }
            // In add mode the shown analysis's ledger joins the merge: the merge law makes adding
            // a folder twice a no-op and the order of additions irrelevant.
            None => (
                collected.files,
                Default::default(),
                Merge::Added(self.mergeable_ledger().filter(|_| add)),
            ),
        };
        self.started_ms.set(js_sys::Date::now());
        self.progress.set(Some(Progress {
            files_total: files.len() as u64,
            bytes_total: files.iter().map(|f| f.bytes).sum(),
            ..Progress::default()
        }));
        profile::mark("run_start");
        let on_progress = move |p: Progress| {
            if current() {
                self.progress.set(Some(p));
            }
        };
        let on_done = move |result: Result<Read, String>| {
            if !current() {
                return;
            }
            self.progress.set(None);
            match result {
                Ok(read) => match merge {
                    // (A ledger file inside a zip archive makes the workers' result hashed
                    // although the page did not ask: the shown ledger is hashed then too.)
                    Merge::Added(base) => {
                        let hashed = hash_ids || read.hashed;
                        self.finish(combine(base.as_deref(), read.ledger, hashed), seen, state);
                    }
                    // A grown file read whole may have been rewritten: its old records in the
                    // shown ledger could be stale, so everything is read (after this handler).
                    Merge::Into { collected, .. } if !read.unresumed.is_empty() => {
                        spawn_local(async move {
                            if current() {
                                self.scan.set_value(None);
                                self.run(collected);
                            }
                        });
                    }
                    Merge::Into { base, note, .. } => {
                        let hashed = hash_ids || read.hashed;
                        self.finish(merge_into(&base, read.ledger, hashed), seen, state);
                        self.scan_note.set(Some(note));
                    }
                },
                Err(message) => {
                    // Drop the pool after this message handler has returned (never inside it).
                    spawn_local(async move {
                        if current() {
                            self.pool.set_value(None);
                        }
                    });
                    self.error.set(Some(message));
                }
            }
        };
        // The pool is kept until its workers have stored their entries for the next scan.
        self.entries_stored.set(None);
        let on_stored = move |stored: Stored| {
            if current() {
                self.entries_stored.set(Some(stored));
                spawn_local(async move {
                    if current() {
                        self.pool.set_value(None);
                    }
                });
            }
        };
        match Pool::start(files, &grown, hash_ids, on_progress, on_done, on_stored) {
            Ok(pool) => self.pool.set_value(Some(pool)),
            Err(message) => {
                self.progress.set(None);
                self.error.set(Some(message));
            }
        }
    }

    fn finish(self, ledger: Ledger, seen: Seen, scan: Option<ScanState>) {
        let analysis = Analysis::from_ledger(ledger, browser_time_zone());
        if !analysis.has_agent_data() {
            let opened = analysis.report.files.iter().take(8).map(|f| {
                let why = f.format.strip_prefix("skipped: ").unwrap_or(&f.format);
                (f.path.clone(), why.to_owned())
            });
            let not_read = seen
                .not_read
                .iter()
                .take(4)
                .map(|p| (p.clone(), NOT_READ.to_owned()));
            self.no_data.set(Some(NoData {
                seen_files: seen.files,
                seen_dirs: seen.dirs,
                read_files: analysis.report.files.len() as u64,
                examples: opened.chain(not_read).collect(),
            }));
            return;
        }
        self.analysis.set(Some(analysis.clone()));
        self.scan.set_value(scan.clone());
        self.saved.set(Saved::Pending);
        let seq = self.save_seq.with_value(|n| n + 1);
        self.save_seq.set_value(seq);
        spawn_local(async move {
            // Serializing a large analysis takes a while (hundreds of ms for 500 MB of
            // transcripts): let the dashboard be drawn first.
            store::after_paint().await;
            if self.save_seq.get_value() != seq {
                return; // cleared, or a newer result took over meanwhile
            }
            let scan = scan.map(|s| s.encode());
            let result = store::save(&analysis, scan.as_deref()).await;
            if self.save_seq.get_value() != seq {
                return; // a newer result is being saved; its own save reports
            }
            match result {
                Ok(()) => self.saved.set(Saved::Yes),
                Err(e) => {
                    self.saved.set(Saved::Failed);
                    self.error.set(Some(format!(
                        "The result is shown but could not be saved: {e}"
                    )));
                }
            }
        });
    }

    /// The shown analysis's ledger, when it is there to merge into (an analysis restored from
    /// storage has none if its ledger was too large to keep).
    #[must_use]
    pub fn mergeable_ledger(self) -> Option<std::sync::Arc<Ledger>> {
        self.analysis
            .with_untracked(|a| a.as_ref().map(|a| a.ledger.clone()))
            .filter(|l| !l.files.is_empty())
    }

    /// [`Controller::mergeable_ledger`], tracked (for the export button).
    #[must_use]
    pub fn mergeable_ledger_tracked(self) -> Option<std::sync::Arc<Ledger>> {
        self.analysis
            .with(|a| a.as_ref().map(|a| a.ledger.clone()))
            .filter(|l| !l.files.is_empty())
    }

    /// Renames a source label in the shown analysis (and the filter, if it names it), then
    /// recomputes and saves it: labels are part of the ledger's file reports.
    pub fn rename_source(self, from: &str, to: &str) {
        let Some(to) = agentmeter::sources::clean_label(to) else {
            return;
        };
        if to == from {
            return;
        }
        let Some(base) = self.mergeable_ledger() else {
            return;
        };
        let mut ledger = (*base).clone();
        ledger.rename_source(from, &to);
        self.route.update(|r| {
            for s in &mut r.filter.sources {
                if s == from {
                    s.clone_from(&to);
                }
            }
        });
        // The same files: the re-scan state stays.
        self.finish(ledger, Seen::default(), self.scan.get_value());
    }

    /// Stops the running job, if any; the previous result stays.
    pub fn cancel(self) {
        self.generation.update_value(|g| *g += 1);
        if let Some(Some(pool)) = self.pool.try_update_value(Option::take) {
            pool.cancel();
        }
        self.progress.set(None);
    }

    /// Forgets the shown and the saved analysis, the remembered folder and the re-scan entries.
    pub fn clear(self) {
        self.cancel();
        self.set_live(false);
        self.analysis.set(None);
        self.scan.set_value(None);
        self.scan_note.set(None);
        self.handle.set_value(None);
        self.folder.set(None);
        self.add_mode.set(false);
        self.no_data.set(None);
        self.error.set(None);
        // A save still waiting for its frame must not bring the analysis back after this.
        self.save_seq.update_value(|n| *n += 1);
        self.saved.set(Saved::Yes);
        spawn_local(async move {
            let cleared = store::clear().await.and(folder::forget().await);
            folder::forget_scan_entries();
            if let Err(e) = cleared {
                self.error
                    .set(Some(format!("Could not clear saved data: {e}")));
            }
        });
    }

    /// Remembers a folder opened with the directory picker, for Re-scan and Live.
    pub fn remember(self, handle: FsHandle) {
        self.folder.set(Some(handle.name()));
        self.handle.set_value(Some(handle.clone()));
        spawn_local(async move {
            if let Err(e) = folder::remember(&handle).await {
                self.error
                    .set(Some(format!("The folder cannot be remembered: {e}")));
            }
        });
    }

    /// Reads the remembered folder again (only new or changed files are parsed). Call it from a
    /// click: the browser may ask again for permission to read the folder.
    pub fn rescan(self) {
        let Some(handle) = self.handle.get_value() else {
            return;
        };
        spawn_local(async move {
            if !folder::permitted(&handle, true).await {
                self.error.set(Some(format!(
                    "Reading “{}” again was not allowed: open it again to re-scan it.",
                    handle.name()
                )));
                return;
            }
            let collected = picker::walk_directory(&handle).await;
            self.run(collected);
        });
    }

    /// Turns Live on or off: the remembered folder is read again every [`LIVE_MS`] while it is on.
    pub fn set_live(self, on: bool) {
        self.live.set(on);
        let timer = on.then(|| Interval::new(LIVE_MS, move || self.live_tick()));
        self.live_timer.set_value(timer);
    }

    fn live_tick(self) {
        if self.live_busy.get_value() || self.progress.get_untracked().is_some() {
            return;
        }
        let Some(handle) = self.handle.get_value() else {
            return;
        };
        self.live_busy.set_value(true);
        spawn_local(async move {
            if folder::permitted(&handle, false).await {
                let collected = picker::walk_directory(&handle).await;
                if self.live.get_untracked() && self.progress.get_untracked().is_none() {
                    self.run(collected);
                }
            } else {
                self.set_live(false);
                self.error.set(Some(
                    "Live stopped: the browser no longer lets this page read the folder. Press Re-scan to allow it again.".to_owned(),
                ));
            }
            self.live_busy.set_value(false);
        });
    }

    /// Shows the saved analysis, if nothing else has been shown meanwhile.
    pub fn restore(self) {
        spawn_local(async move {
            if let Some((saved, scan)) = store::load().await {
                if self.analysis.get_untracked().is_none()
                    && self.progress.get_untracked().is_none()
                {
                    self.analysis.set(Some(saved));
                    self.scan
                        .set_value(scan.as_deref().and_then(ScanState::decode));
                }
            }
            if self.handle.with_value(Option::is_none) {
                if let Some(handle) = folder::recall().await {
                    self.folder.set(Some(handle.name()));
                    self.handle.set_value(Some(handle));
                }
            }
        });
    }
}

/// The filtered analysis, recomputed only when the analysis, the filter or the zone changes.
fn shown(analysis: RwSignal<Option<Analysis>>, route: RwSignal<Route>) -> Memo<Option<Analysis>> {
    // Custom prices (ui::prices) change every figure: their revision is a criterion too.
    let criteria = Memo::new(move |_| {
        let prices = crate::ui::prices::revision().get();
        route.with(|r| (r.filter.clone(), r.tz.clone(), prices))
    });
    Memo::new_with_compare(
        move |_| {
            let base = analysis.get()?;
            let (filter, tz, _) = criteria.get();
            let zone = Route {
                tz,
                ..Route::default()
            }
            .zone(browser_time_zone());
            Some(filtered(base, &filter, zone))
        },
        // Every recomputation is a new result (comparing whole reports would cost more).
        |_, _| true,
    )
}

/// `base` (unfiltered) under `filter` in `zone`; `base` itself when it already is that, or when
/// its ledger was too large to be saved and it cannot be recomputed (see [`filter_unavailable`]).
#[must_use]
pub fn filtered(
    base: Analysis,
    filter: &agentmeter::filter::Filter,
    zone: chrono_tz::Tz,
) -> Analysis {
    let same = filter.is_empty()
        && base.report.time_zone == zone.name()
        && base.core.is_some()
        && !crate::ui::prices::is_custom()
        && base.report.prices == crate::ui::prices::active_source();
    if same || base.ledger.files.is_empty() {
        return base;
    }
    Analysis::filtered(base.ledger.clone(), filter, zone)
}

/// True when filters are asked for but the shown analysis cannot honour them (restored without
/// its ledger).
#[must_use]
pub fn filter_unavailable(ctl: Controller) -> bool {
    ctl.route.with(Route::has_filters)
        && ctl
            .analysis
            .with(|a| a.as_ref().is_some_and(|a| a.ledger.files.is_empty()))
}

impl Default for Controller {
    fn default() -> Self {
        Self::new()
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let ctl = Controller::new();
    provide_context(ctl);
    theme::provide();
    history::bind(ctl.route);
    intercept_links(ctl);
    if let Some(dropped) = crate::ui::prices::load_saved() {
        ctl.error.set(Some(dropped));
    }
    ctl.restore();
    let report = move || ctl.shown.get().map(|a| a.report);
    let has_analysis = move || ctl.analysis.with(Option::is_some);
    view! {
        <header class="top">
            <div class="brand">
                <span class="logo" aria-hidden="true">"◆"</span>
                <h1>"agentmeter"</h1>
                <span class="muted small tagline">"token and cost accounting for coding agents — all in your browser"</span>
            </div>
            <div class="meta small muted">
                {move || report().map(|r| format!("Days in {} · prices: {}", r.time_zone, r.prices))}
                {move || (has_analysis() && ctl.saved.get() == Saved::Pending).then_some(" · saving in this browser…")}
                {move || ctl.scan_note.get().map(|n| view! { <span data-testid="scan-note">{format!(" · {n}")}</span> })}
            </div>
            <div class="top-actions">
                <ThemeToggle />
                <Show when=has_analysis>
                    <JsonButton report=Signal::derive(report) />
                    <LedgerButton ledger=Signal::derive(move || ctl.mergeable_ledger_tracked()) />
                    <button class="ghost" data-testid="clear-button" on:click=move |_| ctl.clear()
                        title="Remove the analysis from this page and from the browser's storage">"Clear"</button>
                </Show>
                // Last, at the right edge: its panel opens below it, aligned to the right.
                <OtlpPanel />
            </div>
        </header>
        <main>
            <DropZone compact=Signal::derive(has_analysis) />
            <ProgressBar />
            {move || ctl.error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <NoAgentData />
            <Show when=has_analysis>
                <div class="dashboard" data-testid="dashboard" data-saved=move || ctl.saved.get().attr()
                    data-entries-stored=move || ctl.entries_stored.get().map_or(0, |s| s.files).to_string()>
                    <Nav />
                    <FilterBar />
                    <Show when=move || filter_unavailable(ctl)>
                        <p class="notice" role="status" data-testid="filter-unavailable">
                            "This analysis was restored without its records (they were too large to keep in the \
                             browser), so filters cannot be applied: the figures below are unfiltered. \
                             Drop the folder again to filter."
                        </p>
                    </Show>
                    <Router />
                </div>
            </Show>
        </main>
    }
}
