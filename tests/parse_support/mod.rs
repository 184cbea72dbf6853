//! Shared helpers for the parser tests: read fixtures the way the CLI does (detect, then parse),
//! chunk them, and sum what the ledger counts.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::line_report::{LineTotals, Sink};
use agentmeter::model::Tokens;
use agentmeter::parsers::{FileContext, FileParser, Format};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every file below `dir` (relative to the repository root), sorted, as repo-relative paths.
pub fn files_under(dir: &str) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(base, &path, out);
            } else if let Ok(rel) = path.strip_prefix(base) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root(), &root().join(dir), &mut out);
    out.sort();
    out
}

/// Reads a repo-relative file.
pub fn read(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Classifies a repo-relative file from its head, as the CLI does; panics if it is not parsed.
pub fn classify(rel: &str) -> (Format, FileContext) {
    let bytes = read(rel);
    let head = &bytes[..bytes.len().min(detect::HEAD_BYTES)];
    match detect::classify(rel, head) {
        Classification::Parse { format, ctx } => (format, ctx),
        other => panic!("{rel} was not recognised: {other:?}"),
    }
}

/// Parses a repo-relative file whole.
pub fn parse(rel: &str) -> Sink {
    let (format, ctx) = classify(rel);
    parse_chunked(format, ctx, &read(rel), &[])
}

/// Parses `bytes` cut at the given offsets (sorted or not, out-of-range ones dropped).
pub fn parse_chunked(format: Format, ctx: FileContext, bytes: &[u8], cuts: &[usize]) -> Sink {
    let mut cuts: Vec<usize> = cuts.iter().copied().filter(|c| *c <= bytes.len()).collect();
    cuts.sort_unstable();
    let mut parser = FileParser::new(format, ctx);
    let mut at = 0;
    for cut in cuts {
        parser.push(&bytes[at..cut]);
        at = cut;
    }
    parser.push(&bytes[at..]);
    parser.finish()
}

/// A ledger holding the given repo-relative files.
pub fn ledger_of(files: &[&str]) -> Ledger {
    let mut ledger = Ledger::new();
    for f in files {
        ledger.add_file(parse(f));
    }
    ledger
}

/// The sum of the usage the ledger counts.
pub fn counted(ledger: &Ledger) -> Tokens {
    let mut t = Tokens::default();
    for r in ledger.counted_usage() {
        t.add(&r.tokens);
    }
    t
}

/// Asserts `read = used + duplicate + ignored + malformed` and returns the totals.
pub fn assert_line_invariant(ledger: &Ledger) -> LineTotals {
    let t = ledger.line_totals();
    assert_eq!(
        t.read,
        t.used + t.duplicate + t.ignored + t.malformed,
        "line invariant broken: {t:?}"
    );
    t
}

/// The line report as `(read, used, duplicate, ignored, malformed)`, for one `assert_eq!`.
pub fn fates(t: &LineTotals) -> (u64, u64, u64, u64, u64) {
    (t.read, t.used, t.duplicate, t.ignored, t.malformed)
}

/// Everything a parser emitted, comparable.
pub fn snapshot(sink: &Sink) -> String {
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        sink.report, sink.usage, sink.tools, sink.messages
    )
}

/// The JSON report (`report --json`) of the given repo-relative files, in UTC, unfiltered.
pub fn report_of(files: &[&str]) -> serde_json::Value {
    use agentmeter::analysis::Analysis;
    use agentmeter::filter::Filter;
    use agentmeter::pricing::PriceTable;
    let ledger = ledger_of(files);
    let prices = PriceTable::embedded();
    let analysis = Analysis::new(&ledger, &Filter::default(), prices, chrono_tz::UTC, 0);
    let insights = agentmeter::insights::detect(&analysis);
    let report = agentmeter::report::Report::new(&analysis, &insights, &ledger, prices.source());
    serde_json::to_value(&report).unwrap_or_default()
}
