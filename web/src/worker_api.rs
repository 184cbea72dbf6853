//! The wasm exports `www/worker.js` drives: classify a file, feed it in chunks, return a ledger.
//!
//! The worker owns the I/O loop (`Blob.slice` + `FileReaderSync`, which only exists in workers)
//! and this module owns everything that decides a number: [`detect::classify`] on the first
//! 64 KiB, one [`FileParser`] fed chunk by chunk (lines cut by a chunk boundary are carried over
//! by the core), and one [`Ledger`] per worker. The worker posts the ledger in its binary wire
//! form ([`Ledger::to_wire`], a transferred `ArrayBuffer`, so the post copies nothing); the page
//! merges each worker's ledger as it arrives with [`Ledger::merge_wire`], whose law makes the
//! split and the arrival order irrelevant.

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::lines::{Line, LineSplitter};
use agentmeter::parsers::FileParser;
use wasm_bindgen::prelude::*;

/// How many leading bytes the worker must pass to [`LedgerBuilder::begin`].
#[wasm_bindgen]
#[must_use]
pub fn head_bytes() -> usize {
    detect::HEAD_BYTES
}

/// True for file names worth reading at all (`*.jsonl`, `*.json`, SQLite `*.db` and `*.db-wal`).
#[wasm_bindgen]
#[must_use]
pub fn is_candidate_name(path: &str) -> bool {
    detect::is_candidate_name(path)
}

/// One worker's accumulating ledger and the file it is reading now.
#[wasm_bindgen]
#[derive(Default)]
pub struct LedgerBuilder {
    ledger: Ledger,
    current: Option<FileParser>,
    /// Bytes the worker wrote straight into wasm memory ([`LedgerBuilder::stage`]): one buffer
    /// reused for every chunk, so a chunk costs one copy and no allocation.
    staged: Vec<u8>,
    /// Profiling only ([`LedgerBuilder::split_staged`]): a splitter run on its own, to tell the
    /// time spent cutting lines from the time spent parsing them.
    split_probe: Option<LineSplitter>,
    /// The source label of the file being read ([`LedgerBuilder::set_source`]).
    source: Option<String>,
    /// The bytes of a ledger file being read (imported whole at its end, not parsed).
    ledger_file: Option<Vec<u8>>,
    /// The path of that ledger file (named in the report when it cannot be imported).
    ledger_path: Option<String>,
    /// Records of the ledger files imported so far (hashed ids).
    imported: Ledger,
    /// Hash the transcripts' ids before posting ([`LedgerBuilder::set_hash_ids`]).
    hash_ids: bool,
    /// Ledger files that could not be imported: (path, size, reason, source), listed after the
    /// hashing so that the user sees which file it was.
    refused: Vec<(String, u64, String, Option<String>)>,
}

#[wasm_bindgen]
impl LedgerBuilder {
    /// An empty builder.
    #[wasm_bindgen(constructor)]
    #[must_use]
    pub fn new() -> LedgerBuilder {
        LedgerBuilder::default()
    }

    /// Starts a file from its first bytes (at most [`head_bytes`]). Returns true when the file is
    /// a transcript: the head has been parsed and the caller must [`push`](Self::push) the bytes
    /// after it, then call [`finish_file`](Self::finish_file). Otherwise the file is listed in the
    /// ledger as skipped, with the reason, and nothing more is needed.
    pub fn begin(&mut self, path: &str, head: &[u8], size: f64) -> bool {
        let parse = self.classify(path, head, size);
        self.push(head);
        parse
    }

    /// The source label of the files begun from now on (`undefined`: a ledger file, which keeps
    /// its own labels). See [`agentmeter::sources`].
    pub fn set_source(&mut self, label: Option<String>) {
        self.source = label;
    }

    /// Whether to hash the transcripts' ids before posting the ledger: the page asks for it
    /// when ledger files are in the same import (or already shown), so that a session in both
    /// has the same keys ([`agentmeter::ledger::pseudonym`]).
    pub fn set_hash_ids(&mut self, on: bool) {
        self.hash_ids = on;
    }

    /// Makes room for `len` bytes and returns where they start in wasm memory: the worker copies
    /// a chunk there itself (`new Uint8Array(memory.buffer, ptr, len).set(chunk)`), then calls
    /// [`begin_staged`](Self::begin_staged) or [`push_staged`](Self::push_staged). The pointer
    /// is valid until the next call into the module (memory may grow and move the buffer's view).
    pub fn stage(&mut self, len: usize) -> usize {
        if self.staged.len() < len {
            self.staged.resize(len, 0);
        }
        self.staged.as_ptr() as usize
    }

    /// [`begin`](Self::begin) on the first `len` staged bytes, without parsing them: when it
    /// returns true the caller pushes the same bytes with [`push_staged`](Self::push_staged)
    /// (so classification and parsing are timed apart).
    pub fn begin_staged(&mut self, path: &str, len: usize, size: f64) -> bool {
        let head = std::mem::take(&mut self.staged);
        let end = len.min(head.len());
        let parse = self.classify(path, &head[..end], size);
        self.staged = head;
        if self.split_probe.is_some() {
            self.split_probe = Some(LineSplitter::default());
        }
        parse
    }

    /// Feeds the first `len` staged bytes to the current file.
    pub fn push_staged(&mut self, len: usize) {
        let end = len.min(self.staged.len());
        if let Some(parser) = self.current.as_mut() {
            parser.push(&self.staged[..end]);
        } else if let Some(bytes) = self.ledger_file.as_mut() {
            bytes.extend_from_slice(&self.staged[..end]);
        }
    }

    /// Profiling only: splits the first `len` staged bytes into lines and drops them, returning
    /// how many lines were completed (the caller times it; the real parse splits again).
    pub fn split_staged(&mut self, len: usize) -> f64 {
        let probe = self.split_probe.get_or_insert_with(LineSplitter::default);
        let mut lines = 0u64;
        probe.push(
            &self.staged[..len.min(self.staged.len())],
            &mut |_: Line<'_>| {
                lines += 1;
            },
        );
        lines as f64
    }

    /// Feeds the next chunk of the current file (any size; lines may span chunks).
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(parser) = self.current.as_mut() {
            parser.push(chunk);
        } else if let Some(bytes) = self.ledger_file.as_mut() {
            bytes.extend_from_slice(chunk);
        }
    }

    /// Ends the current file and adds its records and line report to the ledger (a ledger
    /// file: imports it, or lists it as skipped with the reason it could not be).
    pub fn finish_file(&mut self) {
        if let Some(parser) = self.current.take() {
            let mut sink = parser.finish();
            sink.report.source.clone_from(&self.source);
            self.ledger.add_file(sink);
        }
        if let Some(bytes) = self.ledger_file.take() {
            self.import_ledger(&bytes);
        }
    }

    /// Drops a file that could not be read to the end (the browser refused a slice), listing it
    /// as skipped: a partial file would undercount silently.
    pub fn abort_file(&mut self, path: &str, size: f64, reason: &str) {
        self.current = None;
        self.ledger_file = None;
        self.note_skipped(path, size_u64(size), reason);
    }

    /// The ledger so far in its binary wire form ([`Ledger::to_wire`]): what the worker posts
    /// (as a transferred buffer) and the page merges with [`Ledger::merge_wire`]. Transcripts'
    /// ids are hashed first when asked ([`LedgerBuilder::set_hash_ids`]) or when a ledger file
    /// was imported, and the imported records are merged in.
    #[must_use]
    pub fn to_wire(&mut self) -> Vec<u8> {
        if self.hash_ids || !self.imported.files.is_empty() {
            self.ledger.hash_ids();
            self.ledger.merge(std::mem::take(&mut self.imported));
        }
        for (path, size, reason, source) in std::mem::take(&mut self.refused) {
            self.ledger.note_skipped(&path, size, &reason);
            if let Some(report) = self.ledger.files.get_mut(&path) {
                report.source = source;
            }
        }
        self.ledger.to_wire()
    }

    /// The ledger so far, as JSON (the page deserializes and merges it).
    ///
    /// # Errors
    /// Only if serialization fails, which the ledger's types do not allow in practice.
    pub fn to_json(&self) -> Result<String, JsError> {
        serde_json::to_string(&self.ledger).map_err(|e| JsError::new(&e.to_string()))
    }
}

/// JS numbers carry file sizes; they are integral and far below 2^53.
fn size_u64(size: f64) -> u64 {
    if size.is_finite() && size > 0.0 {
        size as u64
    } else {
        0
    }
}

impl LedgerBuilder {
    /// Classifies a file from its head: opens its parser (true), or lists it as skipped.
    fn classify(&mut self, path: &str, head: &[u8], size: f64) -> bool {
        self.current = None;
        self.ledger_file = None;
        if agentmeter::ledger::file::is_ledger_name(path) {
            // Read whole and imported at the end: a ledger is a few percent of its transcripts.
            self.ledger_file = Some(Vec::with_capacity(size_u64(size).min(1 << 30) as usize));
            self.ledger_path = Some(path.to_owned());
            return true;
        }
        match detect::classify(path, head) {
            Classification::Parse { format, ctx } => {
                self.current = Some(FileParser::new(format, ctx));
                true
            }
            Classification::Known { what } => {
                self.note_skipped(path, size_u64(size), &what);
                false
            }
            Classification::Unrecognized { reason } => {
                self.note_skipped(path, size_u64(size), &reason);
                false
            }
        }
    }

    /// Lists a file as skipped, under the current source.
    fn note_skipped(&mut self, path: &str, size: u64, reason: &str) {
        self.ledger.note_skipped(path, size, reason);
        if let Some(report) = self.ledger.files.get_mut(path) {
            report.source.clone_from(&self.source);
        }
    }

    /// Imports a ledger file's bytes; one that cannot be read is listed as skipped with why.
    fn import_ledger(&mut self, bytes: &[u8]) {
        let path = self.ledger_path.take().unwrap_or_default();
        match Ledger::import_file(bytes) {
            Ok((mut imported, _header)) => {
                if let Some(label) = &self.source {
                    imported.set_source(label);
                }
                self.imported.merge(imported);
            }
            Err(e) => {
                let reason = format!("ledger not imported: {e}");
                self.refused
                    .push((path, bytes.len() as u64, reason, self.source.clone()));
            }
        }
    }

    /// The ledger built so far (native use and tests).
    #[must_use]
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}
