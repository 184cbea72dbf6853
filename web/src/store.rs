//! Keeps the last analysis in IndexedDB so the dashboard is there again when the app reopens.
//!
//! One record under one key: the report JSON (what is drawn), when it is not too large the
//! merged ledger in its binary wire form (what a later re-summary, filter or merge needs), and the
//! sizes and times of the files it was read from (a re-scan compares with them). The wire form,
//! not JSON: it is several times smaller and is written without an intermediate text, so saving
//! a large analysis does not briefly double the page's memory (a JSON string of a million records
//! is hundreds of MB). Nothing leaves the
//! browser. A record written by another report version is ignored rather than half-read. The
//! same store keeps the remembered folder's handle ([`crate::ingest::folder`]).

use agentmeter::ledger::wire::WIRE_PIECE;
use agentmeter::ledger::Ledger;
use agentmeter::report::{Report, REPORT_VERSION};
use gloo_timers::callback::Timeout;
use js_sys::{Object, Reflect};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::prelude::Closure;
use wasm_bindgen::{JsCast, JsValue};

use crate::analysis::Analysis;

const DB: &str = "agentmeter";
const STORE: &str = "analyses";
const KEY: &str = "last";
/// The merged ledger is stored alongside the report only up to this many records (beyond it the
/// restored dashboard is shown unfiltered until the folder is read again)...
const MAX_STORED_RECORDS: usize = 2_000_000;
/// ... and this size of its wire form.
const MAX_LEDGER_WIRE: usize = 160 * 1024 * 1024;

async fn open() -> Result<Rexie, String> {
    Rexie::builder(DB)
        .version(1)
        .add_object_store(ObjectStore::new(STORE))
        .build()
        .await
        .map_err(|e| format!("IndexedDB: {e}"))
}

/// The ledger's wire form ([`Ledger::to_wire`]) as a JS array, copied out of wasm memory a piece
/// at a time ([`Ledger::to_wire_pieces`]): encoded whole, the save took about three times the
/// wire's size of wasm memory at once (a growing buffer, then the copy that puts the string
/// table first), and wasm memory never shrinks.
fn wire_in_js(ledger: &Ledger) -> js_sys::Uint8Array {
    let pieces = js_sys::Array::new();
    let mut body_len = 0u32;
    let head = ledger.to_wire_pieces(WIRE_PIECE, &mut |piece| {
        body_len += piece.len() as u32;
        pieces.push(&js_sys::Uint8Array::from(piece));
    });
    let out = js_sys::Uint8Array::new_with_length(head.len() as u32 + body_len);
    out.set(&js_sys::Uint8Array::from(head.as_slice()), 0);
    let mut at = head.len() as u32;
    for piece in pieces.iter() {
        let piece = js_sys::Uint8Array::from(piece);
        out.set(&piece, at);
        at += piece.length();
    }
    out
}

/// Saves `analysis` as the last one.
///
/// # Errors
/// When IndexedDB is unavailable (private mode, quota) — the caller shows it, the result stays on
/// screen.
pub async fn save(analysis: &Analysis, scan: Option<&str>) -> Result<(), String> {
    let t0 = crate::ingest::profile::now();
    let report = serde_json::to_string(&*analysis.report).map_err(|e| e.to_string())?;
    let ledger = (analysis.ledger.record_count() <= MAX_STORED_RECORDS)
        .then(|| wire_in_js(&analysis.ledger))
        .filter(|w| w.length() as usize <= MAX_LEDGER_WIRE);
    crate::ingest::profile::add_time("save_serialize_ms", crate::ingest::profile::now() - t0);
    crate::ingest::profile::mark("save_serialized");
    crate::ingest::profile::value(
        "page_heap_after_save_bytes",
        crate::ingest::profile::wasm_memory_bytes(),
    );
    let record = Object::new();
    let set = |k: &str, v: JsValue| Reflect::set(&record, &k.into(), &v).map(|_| ());
    set("version", JsValue::from(REPORT_VERSION))
        .and_then(|()| set("report", JsValue::from(report)))
        .and_then(|()| set("ledger", JsValue::NULL))
        .and_then(|()| set("ledgerWire", ledger.map_or(JsValue::NULL, JsValue::from)))
        .and_then(|()| set("scan", scan.map_or(JsValue::NULL, JsValue::from)))
        .map_err(|e| format!("{e:?}"))?;
    let db = open().await?;
    let tx = db
        .transaction(&[STORE], TransactionMode::ReadWrite)
        .map_err(|e| e.to_string())?;
    let store = tx.store(STORE).map_err(|e| e.to_string())?;
    store
        .put(&record, Some(&JsValue::from(KEY)))
        .await
        .map_err(|e| e.to_string())?;
    tx.done().await.map_err(|e| e.to_string())?;
    db.close();
    Ok(())
}

/// Resolves once the browser has drawn a frame (a frame callback, then a task), or after 250 ms
/// when no frame comes (a hidden tab draws none).
pub async fn after_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let promise = js_sys::Promise::new(&mut |resolve: js_sys::Function, _| {
        let r = resolve.clone();
        let after_frame = Closure::once_into_js(move || {
            Timeout::new(0, move || {
                let _ = r.call0(&JsValue::NULL);
            })
            .forget();
        });
        let _ = window.request_animation_frame(after_frame.unchecked_ref());
        Timeout::new(250, move || {
            let _ = resolve.call0(&JsValue::NULL);
        })
        .forget();
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// The last saved analysis, if any (and readable by this version), with the scan state of the
/// files it was read from (its text form, `ingest::ScanState::encode`).
pub async fn load() -> Option<(Analysis, Option<String>)> {
    let db = open().await.ok()?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly).ok()?;
    let store = tx.store(STORE).ok()?;
    let record = store.get(JsValue::from(KEY)).await.ok()??;
    let _ = tx.done().await;
    db.close();
    let get = |k: &str| Reflect::get(&record, &k.into()).ok();
    let version = get("version").and_then(|v| v.as_f64())?;
    if version as u32 != REPORT_VERSION {
        return None;
    }
    let report: Report = serde_json::from_str(&get("report")?.as_string()?).ok()?;
    // The wire form; a record saved before it keeps its ledger as JSON text.
    let ledger: Ledger = get("ledgerWire")
        .and_then(|v| v.dyn_into::<js_sys::Uint8Array>().ok())
        .and_then(|w| Ledger::from_wire(&w.to_vec()).ok())
        .or_else(|| {
            get("ledger")
                .and_then(|v| v.as_string())
                .and_then(|s| serde_json::from_str(&s).ok())
        })
        .unwrap_or_default();
    let scan = get("scan").and_then(|v| v.as_string());
    Some((
        Analysis {
            report: report.into(),
            ledger: ledger.into(),
            core: None,
        },
        scan,
    ))
}

/// Keeps `value` (any structured-cloneable value) under `key`.
///
/// # Errors
/// When IndexedDB is unavailable.
pub async fn put_value(key: &str, value: &JsValue) -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction(&[STORE], TransactionMode::ReadWrite)
        .map_err(|e| e.to_string())?;
    let store = tx.store(STORE).map_err(|e| e.to_string())?;
    store
        .put(value, Some(&JsValue::from(key)))
        .await
        .map_err(|e| e.to_string())?;
    tx.done().await.map_err(|e| e.to_string())?;
    db.close();
    Ok(())
}

/// The value under `key`, if any.
pub async fn get_value(key: &str) -> Option<JsValue> {
    let db = open().await.ok()?;
    let tx = db.transaction(&[STORE], TransactionMode::ReadOnly).ok()?;
    let store = tx.store(STORE).ok()?;
    let value = store.get(JsValue::from(key)).await.ok()?;
    let _ = tx.done().await;
    db.close();
    value
}

/// Deletes the value under `key`.
///
/// # Errors
/// When IndexedDB is unavailable.
pub async fn delete_value(key: &str) -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction(&[STORE], TransactionMode::ReadWrite)
        .map_err(|e| e.to_string())?;
    let store = tx.store(STORE).map_err(|e| e.to_string())?;
    store
        .delete(JsValue::from(key))
        .await
        .map_err(|e| e.to_string())?;
    tx.done().await.map_err(|e| e.to_string())?;
    db.close();
    Ok(())
}

/// Forgets the saved analysis.
///
/// # Errors
/// When IndexedDB is unavailable.
pub async fn clear() -> Result<(), String> {
    delete_value(KEY).await
}
