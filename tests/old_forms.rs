//! Ledgers written by builds that kept key strings still dedupe against today's digest keys.
//!
//! Records keep only a digest of their keys (`src/model/key.rs`); older forms carried the
//! strings: the browser's stored re-scan entries (wire form `AML2`, raw ids) and exported ledger
//! files of version 1 (`AML2` with ids hashed to `h:…`). Both are read by turning each string into
//! the digest a parser makes of it today, so merging an old form with a fresh reading of the same
//! files must count every call, tool call, message and line exactly once.
//!
//! The two inputs were written by the build before this change (commit `cee7fb6`) from
//! `fixtures/demo` (see fixtures/README.md, "Old ledger forms").

use std::io::Read;
use std::path::PathBuf;

use agentmeter::cli::{read_sources, walk};
use agentmeter::ledger::Ledger;
use agentmeter::line_report::LineTotals;
use agentmeter::model::Tokens;

fn gunzip(rel: &str) -> Vec<u8> {
    let bytes = std::fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

/// The demo folder read as the CLI reads it (the path relative to the package root, as the old
/// wire form was written).
fn read(paths: &[&str]) -> Ledger {
    let roots: Vec<PathBuf> = paths.iter().map(PathBuf::from).collect();
    let files = walk::collect(&roots).expect("fixtures");
    read_sources(&files, false).expect("read")
}

/// What a report counts: records that count, their tokens, distinct tool calls, messages, files
/// and the line report.
fn figures(l: &Ledger) -> (usize, Tokens, usize, usize, usize, LineTotals) {
    let mut tokens = Tokens::default();
    for r in l.counted_usage() {
        tokens.add(&r.tokens);
    }
    (
        l.counted_usage().count(),
        tokens,
        l.distinct_tools().count(),
        l.counted_messages().count(),
        l.files.len(),
        l.line_totals(),
    )
}

#[test]
fn an_old_stored_wire_entry_merged_with_a_fresh_reading_counts_nothing_twice() {
    let old = gunzip("fixtures/ledger-old/demo.aml2.gz");
    assert!(old.starts_with(b"AML2"), "the old wire version");
    let fresh = read(&["fixtures/demo"]);
    let decoded = Ledger::from_wire(&old).expect("the old form is read");
    // The old entry alone is the same reading, key for key.
    assert!(decoded.usage.keys().eq(fresh.usage.keys()));
    assert!(decoded.tools.keys().eq(fresh.tools.keys()));
    assert!(decoded.messages.keys().eq(fresh.messages.keys()));
    assert_eq!(figures(&decoded), figures(&fresh));
    // A re-scan merges the stored entry with the files read again: nothing counts twice.
    let mut merged = fresh.clone();
    merged.merge_wire(&old).expect("merge");
    assert_eq!(figures(&merged), figures(&fresh));
    assert_eq!(merged.record_count(), fresh.record_count());
    let (calls, tokens, ..) = figures(&fresh);
    assert_eq!(calls, 317);
    assert!(tokens.total() > 0);
    // Written again, it is the current version and reads back equal.
    let again = merged.to_wire();
    assert!(again.starts_with(agentmeter::ledger::wire::MAGIC));
    assert_eq!(Ledger::from_wire(&again).expect("current form"), merged);
}

#[test]
fn an_old_ledger_file_with_its_folder_changes_no_figure() {
    let fresh = read(&["fixtures/demo"]);
    let (old, header) =
        Ledger::import_file(&std::fs::read("fixtures/ledger-old/demo-v1.ledger.gz").expect("file"))
            .expect("a version 1 ledger file is read");
    assert_eq!(header.version, 1);
    assert!(!header.projects_kept);
    assert_eq!(figures(&old), figures(&fresh));
    // The folder with the ledger exported from it, as the CLI merges them (paths made portable,
    // the folder's ids hashed): every call, tool, message and file once.
    let both = read(&["fixtures/ledger-old/demo-v1.ledger.gz", "fixtures/demo"]);
    assert_eq!(figures(&both), figures(&fresh));
    assert_eq!(both.record_count(), fresh.record_count());
    // Exported again by this build, it is the current version with the same figures.
    let file = both.export_file(agentmeter::ledger::file::ExportOptions::default());
    let (back, header) = Ledger::import_file(&file).expect("current version");
    assert_eq!(header.version, agentmeter::ledger::file::FILE_VERSION);
    assert_eq!(figures(&back), figures(&fresh));
}
