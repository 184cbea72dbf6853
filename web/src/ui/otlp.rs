//! The OpenTelemetry panel: endpoint and headers, Connect / Disconnect / Forget, and where the
//! connection stands, with the reason when the endpoint check or an export failed.
//!
//! Mounted once in the header and always present (closed, it is just a button), so the exporter
//! it owns keeps exporting on whatever view is shown. Every outcome is a text node (a collector's
//! answer is quoted, never rendered).

use leptos::prelude::*;

use crate::app::Controller;
use crate::otlp::exporter::{Exporter, State};

/// The header button and its panel.
#[component]
pub fn OtlpPanel() -> impl IntoView {
    let ctl = expect_context::<Controller>();
    let ex = Exporter::new(ctl);
    let open = RwSignal::new(false);
    let state = move || ex.state.get();
    let connected = move || state() == State::Connected;
    let busy = move || state() == State::Checking;
    let reason = move || match state() {
        State::Failed(f) => Some(f),
        _ => None,
    };
    let last = move || ex.last.get();
    view! {
        <div class="otlp">
            <button class="ghost" data-testid="otlp-open" aria-expanded=move || open.get().to_string()
                aria-controls="otlp-panel" on:click=move |_| open.update(|o| *o = !*o)
                title="Send the metrics to an OpenTelemetry collector (off until you connect)">
                "OpenTelemetry"
                <span class="otlp-dot" data-state=move || state().as_str() aria-hidden="true"></span>
            </button>
            <section id="otlp-panel" class="panel otlp-panel" data-testid="otlp-panel"
                hidden=move || !open.get() aria-labelledby="otlp-h"
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { open.set(false) }>
                <h2 id="otlp-h">"OpenTelemetry export"</h2>
                <p class="small muted">
                    "Sends token, cost and cache metrics (never prompts or files) to your collector's \
                     OTLP/HTTP endpoint as JSON: when you connect, after every re-scan and every 60 s. \
                     Settings stay in this browser. See docs/otlp.md."
                </p>
                <label class="block small">"Endpoint (the collector's base URL; metrics go to …/v1/metrics)"
                    <input type="url" data-testid="otlp-endpoint" placeholder="http://127.0.0.1:4318"
                        prop:value=move || ex.settings.with(|s| s.endpoint.clone())
                        prop:disabled=move || connected() || busy()
                        on:change=move |ev| { let v = event_target_value(&ev); ex.edit(|s| s.endpoint = v); } />
                </label>
                <label class="block small">"Headers (one “Name: value” a line)"
                    <textarea data-testid="otlp-headers" rows="2" spellcheck="false"
                        placeholder="Authorization: Bearer …"
                        prop:value=move || ex.settings.with(|s| s.headers.clone())
                        prop:disabled=move || connected() || busy()
                        on:change=move |ev| { let v = event_target_value(&ev); ex.edit(|s| s.headers = v); }>
                    </textarea>
                </label>
                <div class="otlp-actions">
                    <Show when=move || !connected()
                        fallback=move || view! {
                            <button data-testid="otlp-disconnect" on:click=move |_| ex.disconnect()>"Disconnect"</button>
                        }>
                        <button class="primary" data-testid="otlp-connect" prop:disabled=busy
                            on:click=move |_| ex.connect(true)>"Check and connect"</button>
                    </Show>
                    <button class="ghost" data-testid="otlp-forget" on:click=move |_| ex.forget()
                        title="Remove the endpoint and headers from this browser and reload">"Forget"</button>
                </div>
                <p class="otlp-status" role="status" data-testid="otlp-status" data-state=move || state().as_str()
                    data-reason=move || reason().map(|f| f.kind())>
                    {move || match state() {
                        State::Off => "Not connected: nothing is sent.".to_owned(),
                        State::Checking => "Checking the endpoint…".to_owned(),
                        State::Connected => "Connected.".to_owned(),
                        State::Failed(f) => f.to_string(),
                    }}
                </p>
                <p class="small" data-testid="otlp-last" data-exports=move || ex.exports.get().to_string()
                    data-reason=move || last().and_then(|r| r.err()).map(|f| f.kind())>
                    {move || last().map(|r| match r {
                        Ok(summary) => format!("Last export: {summary}."),
                        Err(f) => format!("Last export failed (retried at the next round): {f}"),
                    })}
                </p>
            </section>
        </div>
    }
}
