//! Downloads made in the page: the whole report as JSON, any table as CSV. No network is
//! involved: the text becomes a `Blob`, an object URL and a click on a temporary `<a download>`.
//!
//! # API (for every view)
//!
//! ```ignore
//! use crate::ui::export::CsvButton;
//! // `rows` are the rows the table shows now (after sorting/paging), as display-independent
//! // strings: exact numbers (`data-value`s), not abbreviations.
//! let header = vec!["model".to_owned(), "tokens".to_owned(), "cost_usd".to_owned()];
//! let rows = Signal::derive(move || visible().iter().map(|m| vec![
//!     m.model.clone(), m.tokens.to_string(), m.cost_usd.to_string(),
//! ]).collect::<Vec<Vec<String>>>());
//! view! { <CsvButton name="models" header=header rows=rows /> }
//! ```
//!
//! - `name`: file stem, downloaded as `agentmeter-<name>.csv`; also the button's
//!   `data-testid="export-csv-<name>"`.
//! - `header`: column names, first line of the file.
//! - `rows`: a `Signal<Vec<Vec<String>>>` read when the button is pressed.
//!
//! The CSV is RFC 4180 (comma, CRLF, quotes doubled), UTF-8 with a byte-order mark so
//! spreadsheet apps pick the encoding, and a cell that a spreadsheet would run as a formula
//! (`=`, `+`, `@`, or `-` not followed by a number) is prefixed with `'`: project and tool names
//! come from transcripts and must stay text.
//!
//! [`JsonButton`] downloads the report exactly as `agentmeter report --json` prints it.

use std::sync::Arc;

use agentmeter::report::Report;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// One CSV cell, quoted when needed and defused when a spreadsheet would evaluate it.
#[must_use]
pub fn csv_cell(raw: &str) -> String {
    let risky = match raw.as_bytes().first() {
        Some(b'=' | b'+' | b'@' | b'\t' | b'\r') => true,
        Some(b'-') => raw.parse::<f64>().is_err(),
        _ => false,
    };
    let text = if risky {
        format!("'{raw}")
    } else {
        raw.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The whole CSV file for `header` and `rows` (with a byte-order mark).
#[must_use]
pub fn csv(header: &[String], rows: &[Vec<String>]) -> String {
    let line = |cells: &[String]| {
        cells
            .iter()
            .map(|c| csv_cell(c))
            .collect::<Vec<_>>()
            .join(",")
    };
    let mut out = String::from("\u{FEFF}");
    out.push_str(&line(header));
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&line(r));
        out.push_str("\r\n");
    }
    out
}

/// Offers `text` as a file named `file` of type `mime`.
///
/// # Errors
/// When the browser refuses to make the blob or the link (the caller shows the message).
pub fn download(file: &str, mime: &str, text: &str) -> Result<(), String> {
    download_part(file, mime, &JsValue::from_str(text))
}

/// Offers `bytes` as a file named `file` of type `mime`.
///
/// # Errors
/// As [`download`].
pub fn download_bytes(file: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    download_part(file, mime, &js_sys::Uint8Array::from(bytes).into())
}

fn download_part(file: &str, mime: &str, part: &JsValue) -> Result<(), String> {
    let err = |e: JsValue| format!("{e:?}");
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(part);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").map_err(err)?.unchecked_into();
    a.set_href(&url);
    a.set_download(file);
    a.click();
    // Revoke once the download has started (revoking at once can cancel it in some browsers).
    let revoke = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    });
    window
        .set_timeout_with_callback_and_timeout_and_arguments_0(revoke.unchecked_ref(), 10_000)
        .map_err(err)?;
    Ok(())
}

/// "Export CSV" for a table: see the module documentation.
#[component]
pub fn CsvButton(
    #[prop(into)] name: String,
    header: Vec<String>,
    #[prop(into)] rows: Signal<Vec<Vec<String>>>,
) -> impl IntoView {
    let file = format!("agentmeter-{name}.csv");
    let failed = RwSignal::new(None::<String>);
    let on_click = move |_| {
        let text = rows.with(|r| csv(&header, r));
        failed.set(download(&file, "text/csv;charset=utf-8", &text).err());
    };
    view! {
        <button class="ghost small-button" data-testid=format!("export-csv-{name}") on:click=on_click
            title="Download the rows shown as a CSV file (made in your browser, nothing is sent)">
            "Export CSV"
        </button>
        {move || failed.get().map(|e| view! { <span class="error-inline" role="alert">{e}</span> })}
    }
}

/// The report as pretty JSON: the shape of `agentmeter report --json`.
///
/// # Errors
/// Never in practice (the report is plain data); a serializer error is passed on.
pub fn report_json(report: &Report) -> Result<String, String> {
    serde_json::to_string_pretty(report).map_err(|e| e.to_string())
}

/// "Export JSON": the shown (filtered) report, as the CLI's `--json` prints it.
#[component]
pub fn JsonButton(#[prop(into)] report: Signal<Option<Arc<Report>>>) -> impl IntoView {
    let failed = RwSignal::new(None::<String>);
    let on_click = move |_| {
        let Some(r) = report.get_untracked() else {
            return;
        };
        let result = report_json(&r)
            .and_then(|text| download("agentmeter-report.json", "application/json", &text));
        failed.set(result.err());
    };
    view! {
        <button class="ghost" data-testid="export-json" on:click=on_click
            disabled=move || report.with(Option::is_none)
            title="Download this report as JSON (the shape of `agentmeter report --json`)">
            "Export JSON"
        </button>
        {move || failed.get().map(|e| view! { <span class="error-inline" role="alert">{e}</span> })}
    }
}

/// "Export ledger": the content-free usage ledger of everything read (unfiltered), as
/// `agentmeter ledger export` writes it, gzip-compressed (docs/ledger.md). Project names are
/// hashed unless the box is ticked.
#[component]
pub fn LedgerButton(
    #[prop(into)] ledger: Signal<Option<Arc<agentmeter::ledger::Ledger>>>,
) -> impl IntoView {
    use agentmeter::ledger::file::ExportOptions;
    let failed = RwSignal::new(None::<String>);
    let keep_projects = RwSignal::new(false);
    let on_click = move |_| {
        let Some(l) = ledger.get_untracked() else {
            return;
        };
        let bytes = l.export_file(ExportOptions {
            keep_projects: keep_projects.get_untracked(),
            gzip: true,
        });
        let result = download_bytes("agentmeter.ledger.gz", "application/gzip", &bytes);
        failed.set(result.err());
    };
    view! {
        <button class="ghost" data-testid="export-ledger" on:click=on_click
            disabled=move || ledger.with(|l| l.as_ref().is_none_or(|l| l.files.is_empty()))
            title="Download a content-free usage ledger (token counts, models, times, tool names; \
                   no prompt, file or command text; ids and paths hashed) to share with your team">
            "Export ledger"
        </button>
        <label class="small muted" title="Keep project folder names in the ledger instead of hashing them">
            <input type="checkbox" data-testid="export-ledger-projects"
                prop:checked=move || keep_projects.get()
                on:change=move |ev| keep_projects.set(event_target_checked(&ev)) />
            " with project names"
        </label>
        {move || failed.get().map(|e| view! { <span class="error-inline" role="alert">{e}</span> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn cells_are_quoted_and_defused() {
        assert_eq!(csv_cell("plain"), "plain");
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("@sum"), "'@sum");
        assert_eq!(csv_cell("-3.5"), "-3.5");
        assert_eq!(csv_cell("-rf"), "'-rf");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn a_file_has_a_bom_a_header_and_crlf_rows() {
        let h = vec!["a".to_owned(), "b".to_owned()];
        let rows = vec![
            vec!["1".to_owned(), "x,y".to_owned()],
            vec!["2".to_owned(), String::new()],
        ];
        assert_eq!(csv(&h, &rows), "\u{FEFF}a,b\r\n1,\"x,y\"\r\n2,\r\n");
        assert_eq!(csv(&h, &[]), "\u{FEFF}a,b\r\n");
    }
}
