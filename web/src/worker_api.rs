//! The wasm exports `www/worker.js` drives: classify a file, feed it in chunks, return a ledger.
//!
//! The worker owns the I/O loop (`Blob.slice` + `FileReaderSync`, which only exists in workers)
//! and this module owns everything that decides a number: [`detect::classify`] on the first
//! 64 KiB, one [`FileParser`] fed chunk by chunk (lines cut by a chunk boundary are carried over
//! by the core), and one [`Ledger`] per worker. The worker posts the ledger in its binary wire
//! form ([`Ledger::to_wire`], a transferred `ArrayBuffer`, so the post copies nothing); the page
//! merges each one as it arrives with [`Ledger::merge_wire`], whose law makes the split and the
//! arrival order irrelevant.
//!
//! The ledger is posted in parts ([`LedgerBuilder::take_part`]): after a finished file, once it
//! holds more than [`PART_RECORDS`] records, the worker posts it and starts an empty one, so a
//! worker's memory is bounded by the threshold and its largest file, not by the corpus. The
//! ledger only ever holds finished files (a file being read keeps its records in its parser until
//! [`LedgerBuilder::finish_file`]), so a part is always a union of whole files' readings, and the
//! merge law makes the parts' merge equal to one ledger of everything (the page's side:
//! [`crate::ingest::parts`]). Within a part, each finished file's ledger waits in a [`Merger`]
//! (merged by size, as the CLI merges its files) rather than being merged into the growing
//! part: that moved the whole part once per file, about a twentieth of the worker's time.

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::{Ledger, Merger};
use agentmeter::lines::{Line, LineSplitter};
use agentmeter::parsers::resume::Checkpoint;
use agentmeter::parsers::FileParser;
use wasm_bindgen::prelude::*;

use crate::ingest::zip;

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

/// How many bytes from the end of a zip archive [`zip_directory`] needs.
#[wasm_bindgen]
#[must_use]
pub fn zip_tail_bytes() -> usize {
    zip::TAIL_BYTES
}

/// Where a zip archive's central directory is, from its last bytes (`tail` starts at byte
/// `tail_start`): JSON `{"offset","size","entries"}`, or `{"error"}`.
#[wasm_bindgen]
#[must_use]
pub fn zip_directory(tail: &[u8], tail_start: f64) -> String {
    match zip::find_directory(tail, size_u64(tail_start)) {
        Ok(dir) => serde_json::to_string(&dir).unwrap_or_default(),
        Err(e) => serde_json::json!({ "error": e.to_string() }).to_string(),
    }
}

/// The members of the archive at `archive` worth reading, from its central directory: JSON
/// `{"members": [{"path", "method", "compressed", "size", "offset", "skip"?}]}` (paths are
/// `archive/member`; members are pruned like a dropped folder's files; `skip` says why one
/// cannot be read), or `{"error"}`.
#[wasm_bindgen]
#[must_use]
pub fn zip_members(archive: &str, directory: &[u8]) -> String {
    let members = match zip::read_directory(directory) {
        Ok(m) => m,
        Err(e) => return serde_json::json!({ "error": e.to_string() }).to_string(),
    };
    let files: Vec<zip::Member> = members.into_iter().filter(|m| !m.is_dir()).collect();
    let names: Vec<String> = files.iter().map(|m| m.name.clone()).collect();
    let listed: Vec<serde_json::Value> = files
        .iter()
        .zip(crate::ingest::keep_mask(&names))
        .filter(|(_, keep)| *keep)
        .map(|(m, _)| {
            serde_json::json!({
                "path": format!("{archive}/{}", m.name),
                "method": m.method,
                "compressed": m.compressed,
                "size": m.size,
                "offset": m.local_offset,
                "skip": m.unreadable(),
            })
        })
        .collect();
    serde_json::json!({ "members": listed }).to_string()
}

/// Where a zip member's data starts, from the first bytes of its local header; -1 when they are
/// not a local header.
#[wasm_bindgen]
#[must_use]
pub fn zip_data_offset(local: &[u8], local_offset: f64) -> f64 {
    let probe = zip::Member {
        name: String::new(),
        method: 0,
        encrypted: false,
        compressed: 0,
        size: 0,
        local_offset: size_u64(local_offset),
    };
    zip::data_offset(&probe, local).map_or(-1.0, |at| at as f64)
}

/// How many records (and file reports) a worker's ledger may hold before it is posted as a part
/// ([`LedgerBuilder::take_part`]).
///
/// Measured (BENCHMARKS.md, "Worker memory in parts"): a worker's wasm heap is a floor of about
/// 18 MiB (the 8 MiB staging buffer, the largest lines' parse buffers, the records of the file
/// being read) plus about 0.4-0.5 KB per record its ledger holds. 16,384 records keep that share
/// near 8-10 MiB while a part still carries many files' records: the 1 GB realistic corpus is 15
/// parts over two workers, and the page decodes and merges each record once whatever their
/// number.
pub const PART_RECORDS: usize = 16_384;

/// One worker's accumulating ledger and the file it is reading now.
#[wasm_bindgen]
#[derive(Default)]
pub struct LedgerBuilder {
    /// The finished files' records not yet posted (see [`LedgerBuilder::take_part`]), with
    /// `pending`.
    ledger: Ledger,
    /// Finished files' ledgers not yet merged into `ledger` ([`LedgerBuilder::settle`]).
    pending: Merger,
    /// The records in `pending`, counted before merging (an upper bound of what they add).
    pending_records: usize,
    /// [`PART_RECORDS`] unless set ([`LedgerBuilder::set_part_records`]).
    part_records: Option<usize>,
    /// The previews set aside from the parts taken, not yet posted
    /// ([`LedgerBuilder::take_previews`]).
    aside: Vec<u8>,
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
    /// Records of the ledger files imported so far (hashed ids), and the ledger files that could
    /// not be imported, listed as skipped: posted apart from the transcripts' records
    /// ([`take_side`](Self::take_side)), since the page merges them after it has hashed those.
    side: Ledger,
    /// How many ledger files were imported.
    imported: u32,
    /// Keep a stored entry for each file read ([`take_entry`](Self::take_entry)), for re-scans.
    keep_entries: bool,
    /// The entry of the file finished last, until the worker takes it.
    entry: Option<Vec<u8>>,
    /// A resumed file's records from before its checkpoint, added when the file is finished.
    resumed_records: Option<Ledger>,
}

/// A stored entry's first byte: what follows it.
const ENTRY_LEDGER: u8 = 0;
const ENTRY_CHECKPOINT: u8 = 1;

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

    /// Makes [`finish_file`](Self::finish_file) and skipped files leave an entry to store
    /// ([`take_entry`](Self::take_entry)): a checkpoint for a resumable file (read on from its
    /// end when it grows), else the file's own ledger (reused while it is unchanged).
    pub fn keep_entries(&mut self, keep: bool) {
        self.keep_entries = keep;
    }

    /// The entry left by the file finished or skipped last, once.
    pub fn take_entry(&mut self) -> Option<Vec<u8>> {
        self.entry.take()
    }

    /// Adds an unchanged file from its stored entry. False when the entry cannot be read (the
    /// caller then reads the file).
    pub fn add_entry(&mut self, path: &str, entry: &[u8]) -> bool {
        match entry.split_first() {
            Some((&ENTRY_LEDGER, wire)) => match Ledger::from_wire(wire) {
                Ok(mut one) if one.files.contains_key(path) && one.files.len() == 1 => {
                    // The label of the root it is read under now (set_source), not the stored one.
                    if let Some(report) = one.files.get_mut(path) {
                        report.source.clone_from(&self.source);
                    }
                    self.add_finished(one);
                    true
                }
                _ => false,
            },
            Some((&ENTRY_CHECKPOINT, bytes)) => {
                let Some(cp) = Checkpoint::from_bytes(bytes)
                    .ok()
                    .filter(|c| c.path() == path)
                else {
                    return false;
                };
                let Ok((parser, mut records)) = FileParser::resume(cp) else {
                    return false;
                };
                records.add_file(self.labelled(parser.finish()));
                self.add_finished(records);
                true
            }
            _ => false,
        }
    }

    /// Where a stored entry lets `path` be read on from: the byte after its checkpoint, or -1
    /// when it cannot (not a checkpoint, another path, unreadable).
    #[must_use]
    pub fn resumable_at(&self, path: &str, entry: &[u8]) -> f64 {
        match entry.split_first() {
            Some((&ENTRY_CHECKPOINT, bytes)) => Checkpoint::from_bytes(bytes)
                .ok()
                .filter(|c| c.path() == path)
                .map_or(-1.0, |c| c.bytes() as f64),
            _ => -1.0,
        }
    }

    /// Opens `path` from its stored checkpoint: the caller pushes the bytes after
    /// [`resumable_at`](Self::resumable_at) and calls [`finish_file`](Self::finish_file). False
    /// when the entry cannot be resumed.
    pub fn resume_entry(&mut self, path: &str, entry: &[u8]) -> bool {
        self.current = None;
        self.resumed_records = None;
        let Some((&ENTRY_CHECKPOINT, bytes)) = entry.split_first() else {
            return false;
        };
        let Some(cp) = Checkpoint::from_bytes(bytes)
            .ok()
            .filter(|c| c.path() == path)
        else {
            return false;
        };
        match FileParser::resume(cp) {
            Ok((parser, records)) => {
                self.current = Some(parser);
                self.resumed_records = Some(records);
                true
            }
            Err(_) => false,
        }
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
        if let Some(bytes) = self.ledger_file.take() {
            self.import_ledger(&bytes);
            return;
        }
        let Some(mut parser) = self.current.take() else {
            return;
        };
        let resumed = self.resumed_records.take();
        if !self.keep_entries {
            let mut one = resumed.unwrap_or_default();
            one.add_file(self.labelled(parser.finish()));
            self.add_finished(one);
            return;
        }
        if let Some(mut cp) = parser.checkpoint() {
            // A resumed reading's checkpoint holds only what was read since the resume: its
            // entry must carry the records read before too, since the next scan may add the
            // file from this entry alone.
            if let Some(records) = resumed {
                cp.records.merge(records);
            }
            let mut entry = vec![ENTRY_CHECKPOINT];
            entry.extend_from_slice(&cp.to_bytes());
            self.entry = Some(entry);
            let mut one = cp.records;
            one.add_file(self.labelled(parser.finish()));
            self.add_finished(one);
        } else {
            let mut one = resumed.unwrap_or_default();
            one.add_file(self.labelled(parser.finish()));
            self.keep_ledger_entry(&one);
            self.add_finished(one);
        }
    }

    fn keep_ledger_entry(&mut self, one: &Ledger) {
        let mut entry = vec![ENTRY_LEDGER];
        entry.extend_from_slice(&one.to_wire());
        self.entry = Some(entry);
    }

    /// Drops a file that could not be read to the end (the browser refused a slice), listing it
    /// as skipped: a partial file would undercount silently.
    pub fn abort_file(&mut self, path: &str, size: f64, reason: &str) {
        self.current = None;
        self.ledger_file = None;
        self.resumed_records = None;
        self.entry = None;
        note_skipped(&mut self.ledger, path, size_u64(size), reason, &self.source);
    }

    /// How many records the ledger may hold before [`take_part`](Self::take_part) posts it
    /// (tests and benchmarks; [`PART_RECORDS`] otherwise).
    pub fn set_part_records(&mut self, records: usize) {
        self.part_records = Some(records);
    }

    /// The records of the files finished so far, as a part to post, when they are more than the
    /// threshold ([`PART_RECORDS`]); the builder then starts an empty ledger. `undefined` while
    /// they are fewer. The worker calls it after each finished file; any time between two calls
    /// into the module is correct, since the ledger never holds a file half read.
    pub fn take_part(&mut self) -> Option<Vec<u8>> {
        let limit = self.part_records.unwrap_or(PART_RECORDS);
        (self.ledger.record_count() + self.pending_records > limit).then(|| self.post())
    }

    /// The prompt previews set aside from the part last taken ([`take_part`](Self::take_part)
    /// or [`to_wire`](Self::to_wire)), posted with it: the page keeps them outside its wasm heap
    /// and takes back the few it shows ([`agentmeter::ledger::previews::set_aside`]).
    #[must_use]
    pub fn take_previews(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.aside)
    }

    /// The rest of the ledger in its binary wire form ([`Ledger::to_wire`]): the worker's last
    /// part, posted (as a transferred buffer) when it has read all its files, and merged by the
    /// page with [`Ledger::merge_wire`] like every part before it. Transcripts' ids are never
    /// hashed here: see [`take_side`](Self::take_side).
    #[must_use]
    pub fn to_wire(&mut self) -> Vec<u8> {
        self.post()
    }

    /// What the ledger files gave, apart from the transcripts' records: the records of those
    /// imported (hashed ids) and those that could not be imported, listed as skipped by their
    /// path; `undefined` when no ledger file was read. Posted with the last part.
    ///
    /// Why apart: merging hashed records and hashing merged ones differ (the merge breaks ties
    /// on source paths, which hashing reorders), so the page merges every part of every worker
    /// first, hashes that once, and only then merges this ([`crate::ingest::parts`]): the result
    /// does not depend on how the files were split between workers and parts.
    pub fn take_side(&mut self) -> Option<Vec<u8>> {
        (self.side.record_count() > 0).then(|| std::mem::take(&mut self.side).to_wire())
    }

    /// How many ledger files were imported (their records are in [`take_side`](Self::take_side)):
    /// when any was, the page hashes the transcripts' ids so that a session in both counts once.
    #[must_use]
    pub fn imported_ledgers(&self) -> u32 {
        self.imported
    }

    /// The ledger so far, as JSON (the page deserializes and merges it).
    ///
    /// # Errors
    /// Only if serialization fails, which the ledger's types do not allow in practice.
    pub fn to_json(&mut self) -> Result<String, JsError> {
        self.settle();
        serde_json::to_string(&self.ledger).map_err(|e| JsError::new(&e.to_string()))
    }
}

/// Lists a file in `ledger` as skipped with `reason`, under the source label `source`.
fn note_skipped(ledger: &mut Ledger, path: &str, size: u64, reason: &str, source: &Option<String>) {
    ledger.note_skipped(path, size, reason);
    if let Some(report) = ledger.files.get_mut(path) {
        report.source.clone_from(source);
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
        self.resumed_records = None;
        if agentmeter::ledger::file::is_ledger_name(path) {
            // Read whole and imported at the end: a ledger is a few percent of its transcripts.
            // (Not kept as a re-scan entry: it is imported again whole, which is cheap.)
            self.ledger_file = Some(Vec::with_capacity(size_u64(size).min(1 << 30) as usize));
            self.ledger_path = Some(path.to_owned());
            return true;
        }
        let reason = match detect::classify(path, head) {
            Classification::Parse { format, ctx } => {
                self.current = Some(FileParser::new(format, ctx));
                return true;
            }
            Classification::Known { what } => what,
            Classification::Unrecognized { reason } => reason,
        };
        if self.keep_entries {
            let mut one = Ledger::new();
            note_skipped(&mut one, path, size_u64(size), &reason, &self.source);
            self.keep_ledger_entry(&one);
            self.add_finished(one);
        } else {
            note_skipped(
                &mut self.ledger,
                path,
                size_u64(size),
                &reason,
                &self.source,
            );
        }
        false
    }

    /// `sink` with the current file's source label.
    fn labelled(&self, mut sink: agentmeter::line_report::Sink) -> agentmeter::line_report::Sink {
        sink.report.source.clone_from(&self.source);
        sink
    }

    /// Imports a ledger file's bytes; one that cannot be read is listed as skipped with why.
    fn import_ledger(&mut self, bytes: &[u8]) {
        let path = self.ledger_path.take().unwrap_or_default();
        match Ledger::import_file(bytes) {
            Ok((mut imported, _header)) => {
                if let Some(label) = &self.source {
                    imported.set_source(label);
                }
                self.side.merge(imported);
                self.imported += 1;
            }
            Err(e) => {
                let reason = format!("ledger not imported: {e}");
                note_skipped(
                    &mut self.side,
                    &path,
                    bytes.len() as u64,
                    &reason,
                    &self.source,
                );
            }
        }
    }

    /// The ledger as a part: its previews set aside ([`LedgerBuilder::take_previews`]), its wire
    /// bytes returned, the builder's ledger emptied.
    fn post(&mut self) -> Vec<u8> {
        self.settle();
        let mut ledger = std::mem::take(&mut self.ledger);
        let mut aside = agentmeter::ledger::previews::set_aside(&mut ledger.messages);
        self.aside.append(&mut aside);
        ledger.to_wire()
    }

    /// A finished file's ledger, merged into the part later ([`Self::settle`]).
    fn add_finished(&mut self, one: Ledger) {
        self.pending_records += one.record_count();
        self.pending.add(one);
    }

    /// Merges the finished files' ledgers waiting in `pending` into `ledger`.
    fn settle(&mut self) {
        let pending = std::mem::take(&mut self.pending).finish();
        self.pending_records = 0;
        self.ledger.merge(pending);
    }

    /// The ledger not yet taken as a part (native use and tests).
    #[must_use]
    pub fn ledger(&mut self) -> &Ledger {
        self.settle();
        &self.ledger
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parts::{Merged, Parts};
    // Natively and in wasm (`scripts/test` runs the web crate's unit tests in wasm only).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// What a record costs in the worker's and the page's heap (BENCHMARKS.md, "Keys as
    /// digests"): keys are digests with no heap part, and the records stay at most this large,
    /// in wasm32 as natively.
    #[test]
    fn records_and_keys_stay_small() {
        use agentmeter::model::{
            MessageKey, MessageRecord, ToolCall, ToolKey, UsageKey, UsageRecord,
        };
        use std::mem::size_of;
        assert!(size_of::<UsageKey>() <= 26 && size_of::<ToolKey>() <= 26);
        assert!(size_of::<MessageKey>() <= 14);
        let records = [
            size_of::<UsageRecord>(),
            size_of::<ToolCall>(),
            size_of::<MessageRecord>(),
        ];
        let limit = if cfg!(target_pointer_width = "32") {
            [144, 136, 80]
        } else {
            [200, 168, 104]
        };
        assert!(
            records.iter().zip(limit).all(|(s, l)| *s <= l),
            "{records:?} > {limit:?}"
        );
    }

    const CODEX: &[u8] = include_bytes!(
        "../../fixtures/codex/derived/rollout-2025-09-19T09-10-00-01996140-77aa-7b21-8c3e-0f4d2a9e6b10.jsonl"
    );
    const PATH: &str = "sessions/2025/09/19/rollout-2025-09-19T09-10-00-01996140-77aa-7b21-8c3e-0f4d2a9e6b10.jsonl";

    fn read(builder: &mut LedgerBuilder, bytes: &[u8]) -> Option<Vec<u8>> {
        builder.begin(PATH, bytes, bytes.len() as f64);
        builder.finish_file();
        builder.take_entry()
    }

    fn whole(bytes: &[u8]) -> Ledger {
        let mut b = LedgerBuilder::new();
        read(&mut b, bytes);
        b.ledger().clone()
    }

    #[test]
    fn a_grown_file_read_on_from_its_entry_equals_a_full_read() {
        let cut = CODEX.len() * 2 / 3;
        let mut first = LedgerBuilder::new();
        first.keep_entries(true);
        let entry = read(&mut first, &CODEX[..cut]).expect("an entry");
        assert_eq!(first.ledger(), &whole(&CODEX[..cut]));
        let mut next = LedgerBuilder::new();
        next.keep_entries(true);
        assert_eq!(next.resumable_at(PATH, &entry), cut as f64);
        assert!(next.resume_entry(PATH, &entry));
        next.push(&CODEX[cut..]);
        next.finish_file();
        let grown = next.take_entry().expect("an entry");
        assert_eq!(next.ledger(), &whole(CODEX));
        // The entry written after the resume stands for the whole file: the scan after next
        // adds it unchanged from that entry alone (it once held only the bytes after the cut).
        let mut third = LedgerBuilder::new();
        assert!(third.add_entry(PATH, &grown));
        assert_eq!(third.ledger(), &whole(CODEX));
        // And it resumes again when the file grows once more.
        let mut fourth = LedgerBuilder::new();
        assert!(fourth.resume_entry(PATH, &grown));
        fourth.finish_file();
        assert_eq!(fourth.ledger(), &whole(CODEX));
    }

    #[test]
    fn an_unchanged_file_is_added_from_its_entry() {
        let mut first = LedgerBuilder::new();
        first.keep_entries(true);
        let entry = read(&mut first, CODEX).expect("an entry");
        let mut again = LedgerBuilder::new();
        assert!(again.add_entry(PATH, &entry));
        assert_eq!(again.ledger(), &whole(CODEX));
        // An entry is never used for another path.
        assert!(!LedgerBuilder::new().add_entry("other.jsonl", &entry));
        assert_eq!(
            LedgerBuilder::new().resumable_at("other.jsonl", &entry),
            -1.0
        );
    }

    #[test]
    fn a_skipped_file_leaves_a_ledger_entry() {
        let mut b = LedgerBuilder::new();
        b.keep_entries(true);
        assert!(!b.begin("x/notes.json", br#"{"a":1}"#, 7.0));
        let entry = b.take_entry().expect("an entry");
        let mut again = LedgerBuilder::new();
        assert!(again.add_entry("x/notes.json", &entry));
        assert_eq!(again.ledger(), b.ledger());
        assert_eq!(again.resumable_at("x/notes.json", &entry), -1.0);
    }

    /// The real fixtures of three agents (Claude with its resumed copies, mirrors and sidechain
    /// replays, Codex, Gemini), as (path under `fixtures/`, bytes), in path order. Embedded, so
    /// the test also runs in wasm (no file system there).
    fn fixtures() -> Vec<(String, Vec<u8>)> {
        macro_rules! embedded {
            ($($path:literal,)*) => {
                vec![$(($path.to_owned(), include_bytes!(concat!("../../fixtures/", $path)).to_vec()),)*]
            };
        }
        embedded![
        "claude/derived/cache_split.jsonl",
        "claude/derived/cost_usd.jsonl",
        "claude/derived/malformed.jsonl",
        "claude/derived/mirror/parent.jsonl",
        "claude/derived/mirror/parent/subagents/agent-aac57f5.jsonl",
        "claude/derived/resumed/-home-USER-projects-spotter/0d9e1c52-resumed-copy.jsonl",
        "claude/derived/sidechain_replay/main.jsonl",
        "claude/derived/sidechain_replay/main/subagents/agent-btw.jsonl",
        "claude/derived/split_streaming.jsonl",
        "claude/derived/synthetic.jsonl",
        "claude/devdocs/Bash-tool_result_error.jsonl",
        "claude/devdocs/Bash-tool_use.jsonl",
        "claude/devdocs/assistant.jsonl",
        "claude/devdocs/assistant_sidechain.jsonl",
        "claude/devdocs/thinking.jsonl",
        "claude/devdocs/user.jsonl",
        "claude/projects/-home-USER-projects-spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04.jsonl",
        "claude/projects/-home-USER-projects-spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-aac57f5.jsonl",
        "claude/projects/-home-USER-projects-spotter/ae4a77f8-aedd-4bc1-888f-c94edc91af04/subagents/agent-acompact-946d2b.jsonl",
        "claude/projects/-home-USER-projects-spotter/short.jsonl",
        "claude/projects/-home-USER-projects-spotter/subagent.jsonl",
        "claude/projects/-home-USER-projects-spotter/tool_heavy.jsonl",
        "claude/projects/-home-USER-projects-vibecodingtracker/test_conversation_claude_code.jsonl",
        "codex/derived/info-null.jsonl",
        "codex/derived/malformed.jsonl",
        "codex/derived/model-switch.jsonl",
        "codex/derived/reemitted-totals.jsonl",
        "codex/derived/rollout-2025-06-20T10-00-00-0197a0c1-1111-7222-8333-444455556666.jsonl",
        "codex/derived/rollout-2025-09-19T09-06-20-0199613a-2a1c-7e03-9d1f-5b2c0e7a41d9.jsonl",
        "codex/derived/rollout-2025-09-19T09-10-00-01996140-77aa-7b21-8c3e-0f4d2a9e6b10.jsonl",
        "codex/exec/exec-01996135.jsonl",
        "codex/exec/exec-0199a3c0.jsonl",
        "codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl",
        "gemini/derived/last-write-wins.jsonl",
        "gemini/derived/malformed.jsonl",
        "gemini/derived/set-rewind.jsonl",
        "gemini/derived/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.jsonl",
        "gemini/derived/truncated.json",
        "gemini/logs/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/logs.json",
        "gemini/tmp/9da8b3dfb8655182ac1f0e66601c367e34f8d18447a29759eeba4d7e45dc60ea/chats/session-2026-04-23T12-52-0ab84937.jsonl",
        "gemini/tmp/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json",
        ]
    }

    /// Reads `files` in one worker that posts a part whenever its ledger holds more than
    /// `limit` records, checking after every chunk (not only after finished files) with a
    /// `limit` of 0; returns the page's merge of the parts, their count, and the entries left
    /// for re-scans.
    fn read_in_parts(
        files: &[(String, Vec<u8>)],
        limit: usize,
        hash_ids: bool,
    ) -> (Merged, u64, Vec<Option<Vec<u8>>>) {
        let mut b = LedgerBuilder::new();
        b.set_part_records(limit);
        b.keep_entries(true);
        let mut parts = Parts::default();
        let mut previews = Vec::new();
        let mut post = |b: &mut LedgerBuilder, parts: &mut Parts| {
            if let Some(part) = b.take_part() {
                parts.add(&part).expect("a wire part");
                previews.push(b.take_previews());
            }
        };
        let mut entries = Vec::new();
        for (path, bytes) in files {
            let head = &bytes[..bytes.len().min(head_bytes())];
            if b.begin(path, head, bytes.len() as f64) {
                for chunk in bytes[head.len()..].chunks(1000) {
                    b.push(chunk);
                    if limit == 0 {
                        post(&mut b, &mut parts);
                    }
                }
                b.finish_file();
            }
            entries.push(b.take_entry());
            post(&mut b, &mut parts);
        }
        parts.add(&b.to_wire()).expect("a wire ledger");
        previews.push(b.take_previews());
        if let Some(side) = b.take_side() {
            parts
                .add_side(&side, b.imported_ledgers() > 0)
                .expect("a wire side");
        }
        let count = parts.count;
        (parts.finish(hash_ids, previews), count, entries)
    }

    /// What a stored entry adds to an empty builder.
    fn entry_ledger(path: &str, entry: &Option<Vec<u8>>) -> Option<Ledger> {
        let mut b = LedgerBuilder::new();
        let entry = entry.as_ref()?;
        assert!(b.add_entry(path, entry), "{path}");
        Some(b.ledger().clone())
    }

    /// Parts change no figure: a worker that posts its ledger in many parts (a part after
    /// every file, even between chunks) gives the page exactly the ledger of one that posts it
    /// once (records and line reports, with or without hashed ids, with ledger files imported
    /// or refused midway), and leaves the same re-scan entries.
    #[test]
    fn a_ledger_posted_in_parts_merges_to_the_ledger_posted_once() {
        let transcripts = fixtures();
        assert!(transcripts.len() > 20, "the fixtures are there");
        // A ledger file exported from the Claude transcripts (so its sessions dedupe against
        // theirs once hashed), one that cannot be imported, and a file that is not a transcript.
        let claude: Vec<_> = transcripts
            .iter()
            .filter(|(p, _)| p.starts_with("claude"))
            .cloned()
            .collect();
        let export = read_in_parts(&claude, usize::MAX, false)
            .0
            .ledger
            .export_file(agentmeter::ledger::file::ExportOptions::default());
        let mut with_ledgers = transcripts.clone();
        let mid = with_ledgers.len() / 2;
        with_ledgers.insert(mid, ("exports/team.ledger".to_owned(), export));
        with_ledgers.insert(
            3,
            ("exports/broken.ledger".to_owned(), b"not a ledger".to_vec()),
        );
        with_ledgers.insert(
            1,
            ("notes/settings.json".to_owned(), br#"{"a":1}"#.to_vec()),
        );

        for (files, hash_ids) in [
            (&transcripts, false),
            (&transcripts, true),
            (&with_ledgers, true),
            // Ledger files the page did not ask to hash for (inside a zip archive).
            (&with_ledgers, false),
        ] {
            let (once, count, once_entries) = read_in_parts(files, usize::MAX, hash_ids);
            assert_eq!(count, 1);
            for limit in [0, 50] {
                let (parts, count, entries) = read_in_parts(files, limit, hash_ids);
                assert!(count > 2, "{limit}: {count} parts");
                assert_eq!(parts.ledger, once.ledger, "limit {limit}, hash {hash_ids}");
                assert_eq!(parts.ledger.line_totals(), once.ledger.line_totals());
                assert_eq!(parts.hashed, once.hashed);
                // (Compared by what they add: a checkpoint's parser state holds hash maps,
                // whose order differs between any two readings.)
                for (i, (a, b)) in entries.iter().zip(&once_entries).enumerate() {
                    let path = &files[i].0;
                    assert_eq!(entry_ledger(path, a), entry_ledger(path, b), "{path}");
                }
            }
            let totals = once.ledger.line_totals();
            assert!(totals.used > 50 && totals.duplicate > 0, "{totals:?}");
            assert_eq!(once.hashed, hash_ids || files.len() > transcripts.len());
        }
        // The refused ledger file is listed by its path, not hashed, with hashed ids.
        let (hashed, _, _) = read_in_parts(&with_ledgers, 0, false);
        let refused = &hashed.ledger.files["exports/broken.ledger"];
        assert!(
            refused.format.starts_with("skipped: ledger not imported"),
            "{refused:?}"
        );
        // The exported ledger's sessions count once: its records collapse onto the transcripts'.
        let (plain, _, _) = read_in_parts(&transcripts, usize::MAX, true);
        assert_eq!(
            hashed.ledger.counted_usage().count(),
            plain.ledger.counted_usage().count()
        );
        assert_eq!(
            hashed.ledger.line_totals().used,
            plain.ledger.line_totals().used
        );
    }

    /// The previews the workers set aside come back as a whole reading keeps them: the page's
    /// merge of parts equals the ledger of one builder that never posted, read whole.
    #[test]
    fn previews_set_aside_come_back_as_a_whole_reading_keeps_them() {
        let files = fixtures();
        let (parts, _, _) = read_in_parts(&files, 0, false);
        let mut b = LedgerBuilder::new();
        for (path, bytes) in &files {
            let head = &bytes[..bytes.len().min(head_bytes())];
            if b.begin(path, head, bytes.len() as f64) {
                b.push(&bytes[head.len()..]);
                b.finish_file();
            }
        }
        let mut whole = b.ledger().clone();
        whole.drop_unshown_previews();
        assert_eq!(parts.ledger, whole);
        let shown = |m: &std::sync::Arc<agentmeter::model::MessageRecord>| {
            m.preview.as_deref().is_some_and(|p| !p.is_empty())
        };
        assert!(whole.messages.values().any(shown));
    }

    /// A re-scan that adds every file from its stored entry posts parts too, with the same
    /// merged ledger as a first reading.
    #[test]
    fn files_added_from_their_entries_are_posted_in_parts() {
        let files = fixtures();
        let (first, _, entries) = read_in_parts(&files, usize::MAX, false);
        let mut b = LedgerBuilder::new();
        b.set_part_records(0);
        let mut parts = Parts::default();
        for ((path, _), entry) in files.iter().zip(&entries) {
            let entry = entry.as_ref().expect("every file leaves an entry");
            assert!(b.add_entry(path, entry), "{path}");
            let part = b.take_part().expect("a part after each file");
            parts.add(&part).expect("a wire part");
        }
        assert!(b.take_part().is_none());
        parts.add(&b.to_wire()).expect("a wire ledger");
        assert_eq!(parts.count, files.len() as u64 + 1);
        // The previews of every part, taken once at the end (they accumulate until taken).
        let merged = parts.finish(false, [b.take_previews()]);
        assert_eq!(merged.ledger, first.ledger);
        assert_eq!(merged.ledger.line_totals(), first.ledger.line_totals());
    }
}
