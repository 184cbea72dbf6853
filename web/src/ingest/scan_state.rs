//! What a scan read, file by file, and what a later scan of the same folder must read again.
//!
//! The shown analysis remembers the `(size, modification time)` of every file it was read from.
//! When the same folder is chosen again (Re-scan, Live, or the same folder dropped again), the
//! new listing is compared with it ([`ScanState::delta`]):
//! - nothing changed: nothing is read;
//! - only new files, and files that grew (append-only transcripts): only those are read, and
//!   their ledger is merged into the shown one. The merge law makes that exact: a new file's
//!   records join as they would in a full read, and a grown file's result (its stored reading
//!   resumed from the old end, see `www/worker.js`) carries every record of the file and a
//!   report that replaces the old one by path, while the old records it already had are equal
//!   and merge to themselves;
//! - anything else (a file gone, shrunk, or rewritten at the same size; a grown zip archive,
//!   which is not append-only): the full read, from the stored entries where they still apply.
//!
//! A grown file is only merged when the worker could resume it from its stored reading, which
//! proves that the bytes it had read before are unchanged (digests of its head and of the bytes
//! before the old end). One that had to be read whole may have been rewritten, so its old
//! records could be stale: the controller then falls back to the full read.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::is_zip_name;

/// Every file of a scan: path -> (size in bytes, modification time as `f64` bits).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanState(BTreeMap<String, (u64, u64)>);

/// What a new scan must read, given the last one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delta {
    /// The same files, sizes and times.
    Same,
    /// Only these files are new (`added`) or longer than before (`grown`); `kept` files are
    /// unchanged and stay as they are in the shown analysis.
    Appended {
        added: BTreeSet<String>,
        grown: BTreeSet<String>,
        kept: usize,
    },
    /// Read everything; the reason says why (shown nowhere, kept for tests and debugging).
    Full(&'static str),
}

/// First line of [`ScanState::encode`]: a state saved by another version is not misread.
const HEADER: &str = "agentmeter-scan 1";

impl ScanState {
    /// The state of `rows` of `(path, size, modification time in ms)`.
    pub fn of_rows<'a>(rows: impl IntoIterator<Item = (&'a str, u64, f64)>) -> Self {
        ScanState(
            rows.into_iter()
                .map(|(p, size, mtime)| (p.to_owned(), (size, mtime.to_bits())))
                .collect(),
        )
    }

    /// Number of files.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when the scan had no file.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What reading `now` must do, when `self` is what the shown analysis was read from.
    #[must_use]
    pub fn delta(&self, now: &ScanState) -> Delta {
        if self == now {
            return Delta::Same;
        }
        let mut grown = BTreeSet::new();
        let mut kept = 0;
        for (path, &(size, mtime)) in &self.0 {
            let Some(&(new_size, new_mtime)) = now.0.get(path) else {
                return Delta::Full("a file is gone");
            };
            if (new_size, new_mtime) == (size, mtime) {
                kept += 1;
            } else if new_size > size && !is_zip_name(path) {
                grown.insert(path.clone());
            } else if new_size > size {
                return Delta::Full("an archive changed");
            } else {
                return Delta::Full("a file shrank or was rewritten");
            }
        }
        let added = now
            .0
            .keys()
            .filter(|p| !self.0.contains_key(*p))
            .cloned()
            .collect();
        Delta::Appended { added, grown, kept }
    }

    /// A text form for storage beside the saved analysis: a header line, then one
    /// `size<TAB>mtime-bits<TAB>path` line per file.
    #[must_use]
    pub fn encode(&self) -> String {
        let mut out = String::with_capacity(HEADER.len() + 1 + self.0.len() * 64);
        out.push_str(HEADER);
        out.push('\n');
        for (path, (size, mtime)) in &self.0 {
            let _ = writeln!(out, "{size}\t{mtime}\t{path}");
        }
        out
    }

    /// The state [`ScanState::encode`] wrote; `None` for anything else (a fingerprint saved by
    /// an older version included: its next scan is a full read).
    #[must_use]
    pub fn decode(text: &str) -> Option<Self> {
        let mut lines = text.split('\n');
        if lines.next()? != HEADER {
            return None;
        }
        let mut files = BTreeMap::new();
        for line in lines.filter(|l| !l.is_empty()) {
            let mut cols = line.splitn(3, '\t');
            let size = cols.next()?.parse().ok()?;
            let mtime = cols.next()?.parse().ok()?;
            files.insert(cols.next()?.to_owned(), (size, mtime));
        }
        Some(ScanState(files))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // Natively and in wasm (`scripts/test` runs the web crate's unit tests in wasm only).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn state(rows: &[(&str, u64, f64)]) -> ScanState {
        ScanState::of_rows(rows.iter().copied())
    }

    fn set(paths: &[&str]) -> BTreeSet<String> {
        paths.iter().map(|p| (*p).to_owned()).collect()
    }

    #[test]
    fn the_same_listing_reads_nothing() {
        let a = state(&[("a.jsonl", 10, 1.0), ("b.jsonl", 20, 2.0)]);
        assert_eq!(a.delta(&a.clone()), Delta::Same);
    }

    #[test]
    fn new_and_grown_files_are_all_that_is_read() {
        let old = state(&[
            ("a.jsonl", 10, 1.0),
            ("b.jsonl", 20, 2.0),
            ("c.jsonl", 5, 1.0),
        ]);
        let now = state(&[
            ("a.jsonl", 10, 1.0),
            ("b.jsonl", 25, 3.0),
            ("c.jsonl", 5, 1.0),
            ("d.jsonl", 7, 4.0),
        ]);
        assert_eq!(
            old.delta(&now),
            Delta::Appended {
                added: set(&["d.jsonl"]),
                grown: set(&["b.jsonl"]),
                kept: 2
            }
        );
    }

    #[test]
    fn a_file_gone_shrunk_or_rewritten_means_a_full_read() {
        let old = state(&[("a.jsonl", 10, 1.0), ("b.jsonl", 20, 2.0)]);
        for now in [
            state(&[("a.jsonl", 10, 1.0)]),
            state(&[("a.jsonl", 10, 1.0), ("b.jsonl", 19, 3.0)]),
            state(&[("a.jsonl", 10, 1.0), ("b.jsonl", 20, 3.0)]),
            state(&[("a.jsonl", 10, 1.0), ("B.jsonl", 20, 2.0)]),
        ] {
            assert!(matches!(old.delta(&now), Delta::Full(_)), "{now:?}");
        }
        let zip = state(&[("x.zip", 10, 1.0)]);
        assert!(matches!(
            zip.delta(&state(&[("x.zip", 11, 2.0)])),
            Delta::Full(_)
        ));
    }

    #[test]
    fn the_text_form_round_trips_and_refuses_anything_else() {
        let a = state(&[("a b/c\u{e9}.jsonl", 10, 1.5), ("z.json", 0, 0.0)]);
        assert_eq!(ScanState::decode(&a.encode()), Some(a));
        assert_eq!(
            ScanState::decode(&ScanState::default().encode()),
            Some(ScanState::default())
        );
        assert_eq!(ScanState::decode("2:00000000deadbeef"), None);
        assert_eq!(ScanState::decode("agentmeter-scan 1\nx\t1\tp\n"), None);
    }
}
