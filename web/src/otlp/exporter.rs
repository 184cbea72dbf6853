//! The connection: check, then export on connect, after every re-scan and every interval while
//! connected, at most once per interval.
//!
//! One timer is pending while connected, due one interval after the last export; it exports the
//! analysis shown at that moment and sets the next. A re-scan (a new analysis) exports at once
//! when the last export is an interval old, and otherwise leaves it to that timer. Disconnecting
//! bumps a generation number, which the pending timer checks before it does anything.

use std::sync::Arc;

use agentmeter::otlp::{request_json, ExportMeta, Snapshot};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::net;
use super::{csp_admits, source_of, Failure, Settings, INTERVAL_KEY, INTERVAL_MS, SETTINGS_KEY};
use crate::analysis::{browser_time_zone, Analysis};
use crate::app::Controller;
use crate::prefs;

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Not connected (the default).
    Off,
    /// Checking the endpoint (or reloading to admit it in the CSP).
    Checking,
    Connected,
    /// The check failed: not connected.
    Failed(Failure),
}

impl State {
    /// The `data-state` value.
    #[must_use]
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Off => "off",
            State::Checking => "checking",
            State::Connected => "connected",
            State::Failed(_) => "error",
        }
    }
}

/// The exporter's state and actions (a `Copy` bundle of signals).
#[derive(Clone, Copy)]
pub struct Exporter {
    pub settings: RwSignal<Settings>,
    pub state: RwSignal<State>,
    /// Exports attempted since the page loaded.
    pub exports: RwSignal<u64>,
    /// The last export: what it sent, or why it failed.
    pub last: RwSignal<Option<Result<String, Failure>>>,
    ctl: Controller,
    last_ms: StoredValue<f64>,
    generation: StoredValue<u64>,
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn interval_ms() -> f64 {
    prefs::get(INTERVAL_KEY)
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|ms| *ms > 0.0)
        .unwrap_or(INTERVAL_MS)
}

impl Exporter {
    /// The exporter for the app's controller, with the stored settings; reconnects when the user
    /// had connected before this load.
    #[must_use]
    pub fn new(ctl: Controller) -> Self {
        let settings: Settings = prefs::get_json(SETTINGS_KEY).unwrap_or_default();
        let enabled = settings.enabled;
        let ex = Exporter {
            settings: RwSignal::new(settings),
            state: RwSignal::new(State::Off),
            exports: RwSignal::new(0),
            last: RwSignal::new(None),
            ctl,
            last_ms: StoredValue::new(f64::NEG_INFINITY),
            generation: StoredValue::new(0),
        };
        // Every new analysis (a re-scan) is a reason to export.
        Effect::new(move |_| {
            ctl.analysis.track();
            if ex.state.get_untracked() == State::Connected
                && now() - ex.last_ms.get_value() >= interval_ms()
            {
                ex.export_and_reschedule();
            }
        });
        if enabled {
            ex.connect(false);
        }
        ex
    }

    fn save(self) {
        self.settings.with_untracked(|s| {
            if *s == Settings::default() {
                prefs::set(SETTINGS_KEY, None);
            } else {
                prefs::set_json(SETTINGS_KEY, s);
            }
        });
    }

    /// Checks the endpoint, then connects. `by_user`: the page may reload to admit the endpoint
    /// in its CSP (never on its own at load, so it cannot loop).
    pub fn connect(self, by_user: bool) {
        self.generation.update_value(|g| *g += 1);
        let settings = self.settings.get_untracked();
        let target = match settings.resolve() {
            Ok(t) => t,
            Err(e) => {
                self.state
                    .set(State::Failed(Failure::Invalid(e.to_string())));
                return;
            }
        };
        self.settings.update(|s| s.enabled = true);
        self.save();
        self.state.set(State::Checking);
        spawn_local(async move {
            if let Err(e) = net::admit(&target.origin).await {
                self.fail(Failure::Invalid(format!(
                    "This browser cannot keep the endpoint for the page's security policy: {e}"
                )));
                return;
            }
            if !csp_admits(net::page_csp().as_deref(), &target.origin) {
                if by_user {
                    net::reload();
                } else {
                    self.fail(Failure::NotAdmitted {
                        origin: target.origin.clone(),
                    });
                }
                return;
            }
            match net::post(&target, r#"{"resourceMetrics":[]}"#).await {
                Ok(_) => {
                    self.state.set(State::Connected);
                    self.export_and_reschedule();
                }
                Err(f) => self.fail(f),
            }
        });
    }

    fn fail(self, failure: Failure) {
        self.settings.update(|s| s.enabled = false);
        self.save();
        self.state.set(State::Failed(failure));
    }

    /// Stops exporting; the settings stay.
    pub fn disconnect(self) {
        self.generation.update_value(|g| *g += 1);
        self.settings.update(|s| s.enabled = false);
        self.save();
        self.state.set(State::Off);
    }

    /// Forgets the endpoint and headers and reloads, so the CSP is `connect-src 'self'` again.
    pub fn forget(self) {
        self.generation.update_value(|g| *g += 1);
        self.settings.set(Settings::default());
        self.save();
        spawn_local(async move {
            net::revoke().await;
            net::reload();
        });
    }

    /// Stores edited settings (not connecting).
    pub fn edit(self, f: impl FnOnce(&mut Settings)) {
        self.settings.update(f);
        self.save();
    }

    /// Exports now, then sets the timer for the next export.
    fn export_and_reschedule(self) {
        self.generation.update_value(|g| *g += 1);
        let generation = self.generation.get_value();
        spawn_local(async move {
            self.export_now().await;
            self.schedule(generation);
        });
    }

    fn schedule(self, generation: u64) {
        spawn_local(async move {
            // One interval after the last export; nothing exported yet (no analysis shown):
            // one interval from now, and the first analysis exports through the effect.
            let last = self.last_ms.get_value();
            let due = if last.is_finite() { last } else { now() } + interval_ms();
            net::sleep_ms(due - now()).await;
            if self.generation.get_value() != generation
                || self.state.get_untracked() != State::Connected
            {
                return;
            }
            self.export_now().await;
            self.schedule(generation);
        });
    }

    async fn export_now(self) {
        let Ok(target) = self.settings.get_untracked().resolve() else {
            return;
        };
        let Some(analysis) = self.ctl.analysis.get_untracked() else {
            return; // nothing read yet: the first analysis will trigger an export
        };
        self.last_ms.set_value(now());
        let result = match payload(&analysis) {
            Ok((body, summary)) => net::post(&target, &body)
                .await
                .map(|status| format!("{summary} to {} (HTTP {status})", target.url)),
            Err(f) => Err(f),
        };
        self.exports.update(|n| *n += 1);
        self.last.set(Some(result));
    }
}

/// The request body for `analysis` (unfiltered, in its own zone) and a one-line summary.
fn payload(analysis: &Analysis) -> Result<(String, String), Failure> {
    let ledger: &Arc<agentmeter::ledger::Ledger> = &analysis.ledger;
    if ledger.files.is_empty() {
        return Err(Failure::NoRecords);
    }
    let tz = analysis
        .report
        .time_zone
        .parse()
        .unwrap_or_else(|_| browser_time_zone());
    // A file's source is the label it carries (the dropped root's, edited or not); files read
    // before labels existed fall back to the dropped folder's name.
    let label_of = |file: &str| {
        ledger
            .files
            .get(file)
            .and_then(|f| f.source.clone())
            .unwrap_or_else(|| source_of(file))
    };
    let snapshot =
        crate::ui::prices::with_active(|prices| Snapshot::new(ledger, prices, tz, &label_of));
    #[allow(clippy::cast_possible_truncation)]
    let now_ms = now() as i64;
    let json = request_json(
        &snapshot,
        &ExportMeta {
            now_ms,
            version: env!("CARGO_PKG_VERSION").to_owned(),
        },
    );
    let total = snapshot.total();
    let summary = format!(
        "exported {} calls, {} sessions, {} tokens, ${:.2}",
        total.calls,
        snapshot.sessions.len(),
        total.tokens.total(),
        agentmeter::rollup::pico_to_usd(total.cost_pico)
    );
    Ok((json.to_string(), summary))
}
