//! The pickers: `<input webkitdirectory>`, a plain multi-file input, and `showDirectoryPicker()`
//! where the browser has it (Chromium). The inputs give a flat list with relative paths; the
//! directory picker gives handles that are walked like a dropped folder.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::FileList;

use super::{is_readable_name, keep_mask, profile, Collected, Scope};

#[wasm_bindgen]
extern "C" {
    /// web-sys has no binding for `File.webkitRelativePath`.
    #[wasm_bindgen(extends = web_sys::File)]
    type FileWithPath;
    #[wasm_bindgen(method, getter, js_name = webkitRelativePath)]
    fn webkit_relative_path(this: &FileWithPath) -> String;

    /// A File System Access handle (file or directory); bound by hand because web-sys keeps these
    /// behind its unstable-API cfg.
    #[derive(Clone)]
    pub type FsHandle;
    #[wasm_bindgen(method, getter)]
    fn kind(this: &FsHandle) -> String;
    #[wasm_bindgen(method, getter)]
    pub fn name(this: &FsHandle) -> String;
    #[wasm_bindgen(method, js_name = getFile)]
    fn get_file(this: &FsHandle) -> Promise;
    #[wasm_bindgen(method)]
    fn values(this: &FsHandle) -> AsyncIter;

    type AsyncIter;
    #[wasm_bindgen(method)]
    fn next(this: &AsyncIter) -> Promise;
}

/// The files of an `<input type=file>` (with `webkitdirectory`, paths are `root/...`).
#[must_use]
pub fn collect_file_list(list: Option<FileList>) -> Collected {
    profile::reset();
    profile::mark("collect_start");
    let mut out = Collected::default();
    let Some(list) = list else { return out };
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    let paths: Vec<String> = files
        .iter()
        .map(|f| {
            let rel = f.unchecked_ref::<FileWithPath>().webkit_relative_path();
            if rel.is_empty() {
                f.name()
            } else {
                rel
            }
        })
        .collect();
    out.seen_dirs = paths
        .iter()
        .filter_map(|p| p.rsplit_once('/').map(|(d, _)| d))
        .collect::<std::collections::BTreeSet<_>>()
        .len() as u64;
    for ((file, path), keep) in files.into_iter().zip(paths.iter()).zip(keep_mask(&paths)) {
        if keep {
            out.keep(file, path.clone());
        } else {
            out.skip(path);
        }
    }
    profile::mark("collect_end");
    out
}

/// True when the browser offers `window.showDirectoryPicker`.
#[must_use]
pub fn has_directory_picker() -> bool {
    web_sys::window()
        .and_then(|w| Reflect::get(&w, &"showDirectoryPicker".into()).ok())
        .is_some_and(|f| f.is_function())
}

/// Asks for a folder with `showDirectoryPicker()` and walks it. `None` when the user cancels.
/// The handle comes back too, to be remembered for re-scans ([`super::folder`]).
pub async fn pick_directory() -> Option<(FsHandle, Collected)> {
    let window = web_sys::window()?;
    let picker: Function = Reflect::get(&window, &"showDirectoryPicker".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let promise: Promise = picker.call0(&window).ok()?.dyn_into().ok()?;
    let root: FsHandle = JsFuture::from(promise).await.ok()?.unchecked_into();
    let collected = walk_directory(&root).await;
    Some((root, collected))
}

/// Walks a directory handle like a dropped folder (the same pruning).
pub async fn walk_directory(root: &FsHandle) -> Collected {
    profile::reset();
    profile::mark("collect_start");
    let mut out = Collected::default();
    let root_name = root.name();
    let top = list(root).await;
    let names: Vec<String> = top.iter().map(FsHandle::name).collect();
    let scope = Scope::for_root(&root_name, names.iter().map(String::as_str));
    out.seen_dirs += 1;
    let mut stack: Vec<(String, Vec<FsHandle>)> = vec![(String::new(), top)];
    while let Some((rel, children)) = stack.pop() {
        for child in children {
            let name = child.name();
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let shown = format!("{root_name}/{child_rel}");
            if child.kind() == "directory" {
                if scope.visit(&child_rel) {
                    out.seen_dirs += 1;
                    let grand = list(&child).await;
                    stack.push((child_rel, grand));
                }
            } else if is_readable_name(&name) && scope.visit(&child_rel) {
                if let Ok(file) = JsFuture::from(child.get_file()).await {
                    out.keep(file.unchecked_into(), shown);
                }
            } else {
                out.skip(&shown);
            }
        }
    }
    profile::mark("collect_end");
    out
}

/// The children of a directory handle (`for await (const h of dir.values())`).
async fn list(dir: &FsHandle) -> Vec<FsHandle> {
    let iter = dir.values();
    let mut out = Vec::new();
    loop {
        let Ok(step) = JsFuture::from(iter.next()).await else {
            break;
        };
        let done = Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&step, &"value".into()) {
            out.push(value.unchecked_into());
        }
    }
    out
}
