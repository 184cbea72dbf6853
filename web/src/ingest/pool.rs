//! The worker pool: the page never parses a transcript itself.
//!
//! Files are split between `min(hardwareConcurrency, 4)` module workers (`worker.js`, each with
//! its own copy of the wasm), largest files first onto the least loaded worker so they finish
//! together. Each worker posts its ledger in parts, in their binary wire form (transferred
//! buffers): a part whenever its ledger has grown past a threshold of records, and the last one
//! when it is done, so that no worker holds the records of all its files. The page merges each
//! part as soon as it arrives ([`Parts`]), while the workers are still reading: the merge law
//! makes the result exact whatever the split and the arrival order, and only the last parts'
//! merges are left when the last worker finishes. Cancelling terminates the workers and reports
//! nothing.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;

use agentmeter::ledger::Ledger;
use gloo_events::EventListener;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::parts::Parts;
use super::{profile, InputFile};

/// Files and bytes read so far, over all workers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub files_done: u64,
    pub files_total: u64,
    pub bytes_done: u64,
    pub bytes_total: u64,
}

/// What the workers read: their ledgers, merged, and the files marked grown that they could not
/// read on from their stored reading (read whole instead: see [`super::scan_state`]).
#[derive(Debug, Default)]
pub struct Read {
    pub ledger: Ledger,
    /// Whether the ledger's ids are hashed (asked for, or a ledger file was read).
    pub hashed: bool,
    pub unresumed: Vec<String>,
}

type DoneFn = Box<dyn FnOnce(Result<Read, String>)>;
type StoredFn = Box<dyn FnOnce(Stored)>;

/// What the workers stored for the next scan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    pub files: u64,
    pub bytes: u64,
    /// False when a worker could not write (no IndexedDB, quota).
    pub ok: bool,
}

struct Shared {
    /// Per worker: (files done, bytes done).
    done: Vec<(u64, u64)>,
    /// Which workers have sent their ledger.
    finished: Vec<bool>,
    /// The parts received so far, merged, and the grown files read whole.
    parts: Parts,
    /// The prompt previews the workers set aside with their parts, as they sent them: kept in
    /// JavaScript, outside the wasm heap, until [`Parts::finish`] takes back the few it shows.
    previews: Vec<Uint8Array>,
    unresumed: Vec<String>,
    /// Hash the ids of the result (a ledger file is read or shown).
    hash_ids: bool,
    totals: Progress,
    on_progress: Box<dyn Fn(Progress)>,
    on_done: Option<DoneFn>,
    /// Which workers have written their entries, and the sums so far.
    stored: Vec<bool>,
    stored_sum: Stored,
    on_stored: Option<StoredFn>,
}

impl Shared {
    fn progress(&self) -> Progress {
        Progress {
            files_done: self.done.iter().map(|d| d.0).sum(),
            bytes_done: self.done.iter().map(|d| d.1).sum(),
            ..self.totals
        }
    }

    /// Keeps a message's `previews` bytes, if it has any.
    fn keep_previews(&mut self, previews: JsValue) {
        if let Ok(bytes) = previews.dyn_into::<Uint8Array>() {
            if bytes.length() > 0 {
                self.previews.push(bytes);
            }
        }
    }

    fn fail(&mut self, message: String) {
        if let Some(done) = self.on_done.take() {
            done(Err(message));
        }
    }
}

/// Running workers; dropping or [`Pool::cancel`]ling terminates them.
pub struct Pool {
    shared: Rc<RefCell<Shared>>,
    workers: Vec<Worker>,
    /// The workers' message and error listeners (removed when the pool is dropped).
    _listeners: Vec<EventListener>,
}

impl Pool {
    /// Starts reading `files`, of which `grown` are files the shown analysis has read up to an
    /// earlier end. `on_progress` is called as workers report progress; `on_done` once, with
    /// the workers' ledgers already merged (one ledger, its ids hashed when `hash_ids` or when a
    /// ledger file was read) or the first error;
    /// `on_stored` once every worker has stored its entries for the next scan.
    ///
    /// # Errors
    /// When a worker cannot be created.
    pub fn start(
        files: Vec<InputFile>,
        grown: &BTreeSet<String>,
        hash_ids: bool,
        on_progress: impl Fn(Progress) + 'static,
        on_done: impl FnOnce(Result<Read, String>) + 'static,
        on_stored: impl FnOnce(Stored) + 'static,
    ) -> Result<Pool, String> {
        profile::mark("pool_start");
        let n = worker_count().min(files.len()).max(1);
        profile::value("workers", n as f64);
        let totals = Progress {
            files_done: 0,
            files_total: files.len() as u64,
            bytes_done: 0,
            bytes_total: files.iter().map(|f| f.bytes).sum(),
        };
        let shared = Rc::new(RefCell::new(Shared {
            done: vec![(0, 0); n],
            finished: vec![false; n],
            parts: Parts::default(),
            previews: Vec::new(),
            unresumed: Vec::new(),
            hash_ids,
            totals,
            on_progress: Box::new(on_progress),
            on_done: Some(Box::new(on_done)),
            stored: vec![false; n],
            stored_sum: Stored {
                ok: true,
                ..Stored::default()
            },
            on_stored: Some(Box::new(on_stored)),
        }));
        let mut pool = Pool {
            shared: shared.clone(),
            workers: Vec::new(),
            _listeners: Vec::new(),
        };
        for (i, share) in split(files, n).into_iter().enumerate() {
            let options = WorkerOptions::new();
            options.set_type(WorkerType::Module);
            let worker = Worker::new_with_options("./worker.js", &options)
                .map_err(|e| format!("cannot start a worker: {e:?}"))?;
            let s = shared.clone();
            let on_message = EventListener::new(&worker, "message", move |ev| {
                if let Some(ev) = ev.dyn_ref::<MessageEvent>() {
                    handle_message(&s, i, &ev.data());
                }
            });
            let s = shared.clone();
            let on_error = EventListener::new(&worker, "error", move |ev| {
                let message = ev
                    .dyn_ref::<ErrorEvent>()
                    .map(ErrorEvent::message)
                    .unwrap_or_default();
                s.borrow_mut().fail(format!("worker failed: {message}"));
            });
            profile::mark("workers_spawned");
            worker
                .post_message(&job_message(&share, grown))
                .map_err(|e| format!("cannot send files to a worker: {e:?}"))?;
            pool.workers.push(worker);
            pool._listeners.push(on_message);
            pool._listeners.push(on_error);
        }
        Ok(pool)
    }

    /// Stops every worker still reading; no result is reported. Workers that have sent their
    /// ledger finish writing their entries and close themselves.
    pub fn cancel(&self) {
        let finished = self
            .shared
            .try_borrow()
            .map(|s| s.finished.clone())
            .unwrap_or_default();
        for (i, w) in self.workers.iter().enumerate() {
            if !finished.get(i).copied().unwrap_or(false) {
                w.terminate();
            }
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.cancel();
    }
}

fn handle_message(shared: &Rc<RefCell<Shared>>, i: usize, data: &JsValue) {
    let get = |k: &str| Reflect::get(data, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let kind = get("type").as_string().unwrap_or_default();
    let mut s = shared.borrow_mut();
    match kind.as_str() {
        "progress" => {
            let files = get("filesDone").as_f64().unwrap_or(0.0) as u64;
            let bytes = get("bytesDone").as_f64().unwrap_or(0.0) as u64;
            s.done[i] = (files, bytes);
            let p = s.progress();
            (s.on_progress)(p);
        }
        "part" => {
            let Some(bytes) = get("ledger")
                .dyn_ref::<Uint8Array>()
                .map(Uint8Array::to_vec)
            else {
                s.fail("a worker sent a part with no ledger".to_owned());
                return;
            };
            let merged = profile::timed("decode_merge_ms", || s.parts.add(&bytes));
            if let Err(e) = merged {
                s.fail(format!("a worker sent an unreadable ledger: {e}"));
            }
            s.keep_previews(get("previews"));
        }
        "done" => {
            let received = profile::now();
            let p = get("profile");
            if p.is_object() {
                let _ = Reflect::set(&p, &"t_received".into(), &received.into());
                profile::worker(&p);
            }
            let Some(bytes) = get("ledger")
                .dyn_ref::<Uint8Array>()
                .map(Uint8Array::to_vec)
            else {
                s.fail("a worker sent no ledger".to_owned());
                return;
            };
            let merged = profile::timed("decode_merge_ms", || s.parts.add(&bytes));
            if let Err(e) = merged {
                s.fail(format!("a worker sent an unreadable ledger: {e}"));
                return;
            }
            s.keep_previews(get("previews"));
            if let Some(side) = get("side").dyn_ref::<Uint8Array>().map(Uint8Array::to_vec) {
                let imported = get("imported").as_f64().unwrap_or(0.0) > 0.0;
                if let Err(e) = s.parts.add_side(&side, imported) {
                    s.fail(format!("a worker sent an unreadable ledger: {e}"));
                    return;
                }
            }
            if let Ok(list) = get("unresumed").dyn_into::<Array>() {
                s.unresumed
                    .extend(list.iter().filter_map(|p| p.as_string()));
            }
            s.finished[i] = true;
            if s.finished.iter().all(|f| *f) {
                let parts = std::mem::take(&mut s.parts);
                profile::value("parts", parts.count as f64);
                let previews = std::mem::take(&mut s.previews);
                let merged = profile::timed("hash_side_ms", || {
                    parts.finish(s.hash_ids, previews.iter().map(Uint8Array::to_vec))
                });
                let read = Read {
                    ledger: merged.ledger,
                    hashed: merged.hashed,
                    unresumed: std::mem::take(&mut s.unresumed),
                };
                if let Some(done) = s.on_done.take() {
                    drop(s);
                    done(Ok(read));
                }
            }
        }
        "stored" => {
            s.stored[i] = true;
            s.stored_sum.files += get("files").as_f64().unwrap_or(0.0) as u64;
            s.stored_sum.bytes += get("bytes").as_f64().unwrap_or(0.0) as u64;
            if !get("error").is_undefined() {
                s.stored_sum.ok = false;
            }
            if s.stored.iter().all(|f| *f) {
                let sum = s.stored_sum;
                if let Some(stored) = s.on_stored.take() {
                    drop(s);
                    stored(sum);
                }
            }
        }
        "error" => {
            let message = get("message").as_string().unwrap_or_default();
            s.fail(format!("worker error: {message}"));
        }
        _ => {}
    }
}

/// `{ files: [{ file, path, source, grown }, ...], module, deep, cache }`, the message
/// `worker.js` expects (Files are cloned by reference, their bytes are not copied).
fn job_message(files: &[InputFile], grown: &BTreeSet<String>) -> JsValue {
    let list = Array::new();
    for f in files {
        let item = Object::new();
        let _ = Reflect::set(&item, &"file".into(), &f.file);
        let _ = Reflect::set(&item, &"path".into(), &f.path.clone().into());
        if let Some(source) = &f.source {
            let _ = Reflect::set(&item, &"source".into(), &source.clone().into());
        }
        if grown.contains(&f.path) {
            let _ = Reflect::set(&item, &"grown".into(), &JsValue::TRUE);
        }
        list.push(&item);
    }
    let msg = Object::new();
    let _ = Reflect::set(&msg, &"files".into(), &list);
    // The page's own compiled module: the worker instantiates it instead of fetching and
    // compiling the .wasm again.
    let _ = Reflect::set(&msg, &"module".into(), &wasm_bindgen::module());
    // The benchmark's deep profile (bench/browser.mjs sets the global): workers also time line
    // splitting on its own, which costs a second split of every chunk.
    let deep = Reflect::get(&js_sys::global(), &"__agentmeterProfileDeep".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let _ = Reflect::set(&msg, &"deep".into(), &deep.into());
    // Tests and benchmarks (`globalThis.__agentmeterPartRecords`): the records a worker's ledger
    // may hold before it is posted as a part (`LedgerBuilder::set_part_records`).
    if let Some(n) = Reflect::get(&js_sys::global(), &"__agentmeterPartRecords".into())
        .ok()
        .and_then(|v| v.as_f64())
        .filter(|n| *n >= 0.0)
    {
        let _ = Reflect::set(&msg, &"partRecords".into(), &n.into());
    }
    // Keep entries for the next scan (and use those of the last one).
    let _ = Reflect::set(&msg, &"cache".into(), &JsValue::TRUE);
    msg.into()
}

/// `min(hardwareConcurrency, 4)`, at least 1.
fn worker_count() -> usize {
    let hc = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .unwrap_or(2.0);
    (hc as usize).clamp(1, 4)
}

/// Largest first onto the least loaded share (greedy balancing by bytes).
fn split(mut files: Vec<InputFile>, n: usize) -> Vec<Vec<InputFile>> {
    files.sort_by_key(|f| std::cmp::Reverse(f.bytes));
    let mut shares: Vec<(u64, Vec<InputFile>)> = (0..n).map(|_| (0, Vec::new())).collect();
    for f in files {
        if let Some(lightest) = shares.iter_mut().min_by_key(|s| s.0) {
            lightest.0 += f.bytes;
            lightest.1.push(f);
        }
    }
    shares.into_iter().map(|s| s.1).collect()
}
