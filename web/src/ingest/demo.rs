//! "Try with sample data": fetches the bundled demo transcripts and treats them as dropped files.
//!
//! `scripts/build` copies `fixtures/demo/**` to `dist/demo/` and lists the files in
//! `dist/demo/index.json` (a JSON array of paths relative to `demo/`). The files then go through
//! exactly the same worker pipeline as a user's folder.

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, Response};

use super::{keep_mask, Collected};

/// Fetches the demo files.
///
/// # Errors
/// A readable message when the index or a file cannot be fetched.
pub async fn fetch_demo() -> Result<Collected, String> {
    let index = fetch("./demo/index.json").await?;
    let text = JsFuture::from(index.text().map_err(js_err)?)
        .await
        .map_err(js_err)?
        .as_string()
        .unwrap_or_default();
    let paths: Vec<String> =
        serde_json::from_str(&text).map_err(|e| format!("demo/index.json: {e}"))?;
    let mut out = Collected::default();
    for (path, keep) in paths.iter().zip(keep_mask(&paths)) {
        if !keep || path == "index.json" {
            out.skip(path);
            continue;
        }
        let url = format!("./demo/{}", encode_path(path));
        let resp = fetch(&url).await?;
        let blob: Blob = JsFuture::from(resp.blob().map_err(js_err)?)
            .await
            .map_err(js_err)?
            .unchecked_into();
        let parts = Array::of1(&blob);
        let name = path.rsplit('/').next().unwrap_or(path);
        let file = web_sys::File::new_with_blob_sequence(&parts, name).map_err(js_err)?;
        out.keep(file, format!("demo/{path}"));
    }
    Ok(out)
}

async fn fetch(url: &str) -> Result<Response, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp: Response = JsFuture::from(window.fetch_with_str(url))
        .await
        .map_err(|e| format!("{url}: {}", js_err(e)))?
        .unchecked_into();
    if resp.ok() {
        Ok(resp)
    } else {
        Err(format!("{url}: HTTP {}", resp.status()))
    }
}

/// Percent-encodes each path segment (names may hold spaces or `#`).
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|seg| String::from(js_sys::encode_uri_component(seg)))
        .collect::<Vec<_>>()
        .join("/")
}

fn js_err(e: JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|err| String::from(err.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
