//! The remembered folder: a folder opened with `showDirectoryPicker()` is kept (its handle, in
//! IndexedDB next to the last analysis) so that Re-scan and Live can read it again without
//! asking for it again. A handle is only a reference: the browser asks the user again for
//! permission to read it after a reload ([`permitted`] with `ask`, which needs a click), and
//! Clear forgets it.

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::picker::FsHandle;
use crate::store;

const KEY: &str = "folder";

/// Keeps `handle` as the remembered folder.
///
/// # Errors
/// When IndexedDB is unavailable.
pub async fn remember(handle: &FsHandle) -> Result<(), String> {
    store::put_value(KEY, handle.as_ref()).await
}

/// The remembered folder, if any.
pub async fn recall() -> Option<FsHandle> {
    let value = store::get_value(KEY).await?;
    (Reflect::get(&value, &"kind".into()).ok()?.as_string()? == "directory")
        .then(|| value.unchecked_into())
}

/// Forgets the remembered folder.
///
/// # Errors
/// When IndexedDB is unavailable.
pub async fn forget() -> Result<(), String> {
    store::delete_value(KEY).await
}

/// True when the page may read `handle` now; with `ask`, asks the user if needed (only works
/// inside a click).
pub async fn permitted(handle: &FsHandle, ask: bool) -> bool {
    let options = Object::new();
    let _ = Reflect::set(&options, &"mode".into(), &"read".into());
    let state = |name: &str| {
        let handle = handle.clone();
        let options = options.clone();
        let name = name.to_owned();
        async move {
            let f: Function = Reflect::get(handle.as_ref(), &name.as_str().into())
                .ok()?
                .dyn_into()
                .ok()?;
            let p: Promise = f.call1(handle.as_ref(), &options).ok()?.dyn_into().ok()?;
            JsFuture::from(p).await.ok()?.as_string()
        }
    };
    if state("queryPermission").await.as_deref() == Some("granted") {
        return true;
    }
    ask && state("requestPermission").await.as_deref() == Some("granted")
}

/// Deletes the re-scan entries the workers keep (`www/worker.js`, database `agentmeter-scan`).
pub fn forget_scan_entries() {
    let Some(factory) = web_sys::window()
        .and_then(|w| Reflect::get(&w, &"indexedDB".into()).ok())
        .filter(JsValue::is_object)
    else {
        return;
    };
    if let Ok(delete) = Reflect::get(&factory, &"deleteDatabase".into()) {
        if let Some(delete) = delete.dyn_ref::<Function>() {
            let _ = delete.call1(&factory, &"agentmeter-scan".into());
        }
    }
}
