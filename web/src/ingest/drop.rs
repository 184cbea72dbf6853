//! Drag & drop of whole folders through the File and Directory Entries API.
//!
//! Two browser rules shape this file: the `DataTransferItem`s are only valid during the `drop`
//! event, so [`entries_of`] takes every item's entry synchronously before anything awaits; and
//! `readEntries()` returns a directory in batches (Chromium: 100 at a time), so [`read_all`]
//! calls it until it returns an empty batch. Folders are pruned before they are listed (see
//! [`Scope`]), which keeps a dropped home folder cheap.

use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry};

use super::{is_readable_name, profile, Collected, Scope};

/// Everything dropped, as entries (call inside the `drop` handler, before any `.await`).
/// Items without an entry (a dragged string, an old browser) fall back to their `File`.
#[must_use]
pub fn entries_of(ev: &DragEvent) -> (Vec<FileSystemEntry>, Vec<web_sys::File>) {
    let mut entries = Vec::new();
    let mut loose = Vec::new();
    let Some(dt) = ev.data_transfer() else {
        return (entries, loose);
    };
    let items = dt.items();
    for i in 0..items.length() {
        let Some(item) = items.get(i) else { continue };
        if item.kind() != "file" {
            continue;
        }
        match item.webkit_get_as_entry() {
            Ok(Some(entry)) => entries.push(entry),
            _ => {
                if let Ok(Some(file)) = item.get_as_file() {
                    loose.push(file);
                }
            }
        }
    }
    // Synthetic drops (tests) may carry files but no items with entries.
    if entries.is_empty() && loose.is_empty() {
        if let Some(files) = dt.files() {
            for i in 0..files.length() {
                if let Some(f) = files.get(i) {
                    loose.push(f);
                }
            }
        }
    }
    (entries, loose)
}

/// Walks dropped entries into a [`Collected`] list of candidate files.
pub async fn collect(entries: Vec<FileSystemEntry>, loose: Vec<web_sys::File>) -> Collected {
    profile::reset();
    profile::mark("collect_start");
    let mut out = Collected::default();
    for file in loose {
        let name = file.name();
        if is_readable_name(&name) {
            out.keep(file, name);
        } else {
            out.skip(&name);
        }
    }
    for entry in entries {
        if entry.is_directory() {
            let dir: FileSystemDirectoryEntry = entry.unchecked_into();
            let root = dir.name();
            out.seen_dirs += 1;
            let children = read_all(&dir).await;
            let names: Vec<String> = children.iter().map(FileSystemEntry::name).collect();
            let scope = Scope::for_root(&root, names.iter().map(String::as_str));
            walk(children, &root, "", &scope, &mut out).await;
        } else if entry.is_file() {
            let name = entry.name();
            if is_readable_name(&name) {
                if let Some(file) = file_of(entry.unchecked_ref()).await {
                    out.keep(file, name);
                }
            } else {
                out.skip(&name);
            }
        }
    }
    profile::mark("collect_end");
    out
}

/// Depth-first walk below one dropped folder, with an explicit stack (no async recursion).
async fn walk(
    top: Vec<FileSystemEntry>,
    root: &str,
    top_rel: &str,
    scope: &Scope,
    out: &mut Collected,
) {
    let mut stack: Vec<(String, Vec<FileSystemEntry>)> = vec![(top_rel.to_owned(), top)];
    while let Some((rel, children)) = stack.pop() {
        for child in children {
            let name = child.name();
            let child_rel = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            let shown = format!("{root}/{child_rel}");
            if child.is_directory() {
                if !scope.visit(&child_rel) {
                    continue;
                }
                out.seen_dirs += 1;
                let dir: FileSystemDirectoryEntry = child.unchecked_into();
                let grand = read_all(&dir).await;
                stack.push((child_rel, grand));
            } else if child.is_file() {
                if !is_readable_name(&name) || !scope.visit(&child_rel) {
                    out.skip(&shown);
                    continue;
                }
                if let Some(file) = file_of(child.unchecked_ref()).await {
                    out.keep(file, shown);
                }
            }
        }
    }
}

/// Every entry of a directory: `readEntries()` until it returns an empty batch.
async fn read_all(dir: &FileSystemDirectoryEntry) -> Vec<FileSystemEntry> {
    let reader = dir.create_reader();
    let mut all = Vec::new();
    loop {
        let batch = Promise::new(&mut |resolve, reject| {
            if let Err(e) = reader.read_entries_with_callback_and_callback(&resolve, &reject) {
                let _ = reject.call1(&JsValue::NULL, &e);
            }
        });
        let Ok(value) = JsFuture::from(batch).await else {
            // An unreadable folder: keep what was listed, the rest is simply not seen.
            break;
        };
        let batch: Array = value.unchecked_into();
        if batch.length() == 0 {
            break;
        }
        all.extend(batch.iter().map(JsCast::unchecked_into::<FileSystemEntry>));
    }
    all
}

/// The `File` behind a file entry (`None` if the browser refuses it).
async fn file_of(entry: &FileSystemFileEntry) -> Option<web_sys::File> {
    let promise = Promise::new(&mut |resolve, reject| {
        entry.file_with_callback_and_callback(&resolve, &reject);
    });
    JsFuture::from(promise)
        .await
        .ok()
        .map(JsCast::unchecked_into)
}
