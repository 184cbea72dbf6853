//! The wasm exports `www/worker.js` drives: classify a file, feed it in chunks, return a ledger.
//!
//! The worker owns the I/O loop (`Blob.slice` + `FileReaderSync`, which only exists in workers)
//! and this module owns everything that decides a number: [`detect::classify`] on the first
//! 64 KiB, one [`FileParser`] fed chunk by chunk (lines cut by a chunk boundary are carried over
//! by the core), and one [`Ledger`] per worker. The worker posts the ledger as JSON; the page
//! merges the workers' ledgers with [`Ledger::merge`], whose law makes the split irrelevant.

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
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
        self.current = None;
        match detect::classify(path, head) {
            Classification::Parse { format, ctx } => {
                let mut parser = FileParser::new(format, ctx);
                parser.push(head);
                self.current = Some(parser);
                true
            }
            Classification::Known { what } => {
                self.ledger.note_skipped(path, size_u64(size), &what);
                false
            }
            Classification::Unrecognized { reason } => {
                self.ledger.note_skipped(path, size_u64(size), &reason);
                false
            }
        }
    }

    /// Feeds the next chunk of the current file (any size; lines may span chunks).
    pub fn push(&mut self, chunk: &[u8]) {
        if let Some(parser) = self.current.as_mut() {
            parser.push(chunk);
        }
    }

    /// Ends the current file and adds its records and line report to the ledger.
    pub fn finish_file(&mut self) {
        if let Some(parser) = self.current.take() {
            self.ledger.add_file(parser.finish());
        }
    }

    /// Drops a file that could not be read to the end (the browser refused a slice), listing it
    /// as skipped: a partial file would undercount silently.
    pub fn abort_file(&mut self, path: &str, size: f64, reason: &str) {
        self.current = None;
        self.ledger.note_skipped(path, size_u64(size), reason);
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
    /// The ledger built so far (native use and tests).
    #[must_use]
    pub fn ledger(&self) -> &Ledger {
        &self.ledger
    }
}
