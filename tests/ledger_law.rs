//! The merge law through ledger files: whatever way the demo's files are split between people,
//! exported and re-imported (overlapping, in any order, some twice), the merged figures are those
//! of reading every file once. Hashing and stripping are per-record functions, so they must
//! commute with the merge.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use agentmeter::analysis::Analysis;
use agentmeter::filter::Filter;
use agentmeter::ledger::file::ExportOptions;
use agentmeter::ledger::Ledger;
use agentmeter::line_report::LineTotals;
use agentmeter::pricing::PriceTable;
use agentmeter::rollup::Totals;
use proptest::prelude::*;

fn demo_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("read_dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo"),
        &mut out,
    );
    out
}

fn read(files: &[PathBuf], picked: impl Fn(usize) -> bool) -> Ledger {
    let mut l = Ledger::new();
    for (i, f) in files.iter().enumerate() {
        if picked(i) {
            let shown = f.display().to_string();
            agentmeter::cli::read_file_into(&mut l, f, &shown);
        }
    }
    l
}

fn figures(l: &Ledger) -> Figures {
    let a = Analysis::new(
        l,
        &Filter::default(),
        PriceTable::embedded(),
        chrono_tz::UTC,
        0,
    );
    (
        a.summary.total,
        a.kpis.sessions,
        a.tool_health.iter().map(|t| t.calls).sum(),
        l.line_totals(),
    )
}

fn through_file(l: &Ledger, gzip: bool) -> Ledger {
    let bytes = l.export_file(ExportOptions {
        keep_projects: false,
        gzip,
    });
    Ledger::import_file(&bytes).expect("own export").0
}

/// What `figures` returns: totals, two counts and the line report.
type Figures = (Totals, u64, u64, LineTotals);

/// The demo's files and the figures of reading each once: the same for every case, so read and
/// computed once per test process (before, every case read the whole demo again for them).
fn demo_and_figures() -> &'static (Vec<PathBuf>, Figures) {
    static DEMO: OnceLock<(Vec<PathBuf>, Figures)> = OnceLock::new();
    DEMO.get_or_init(|| {
        let files = demo_files();
        let want = figures(&read(&files, |_| true));
        (files, want)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_split_exported_and_merged_gives_the_figures_of_the_whole(
        owner in proptest::collection::vec(0u8..4, 10),
        reversed in any::<bool>(),
    ) {
        let (files, want) = demo_and_figures();
        // Each file goes to person A (0), B (1), both (2), or to neither but as a folder (3).
        let own = |i: usize| owner.get(i % owner.len()).copied().unwrap_or(0);
        let a = read(files, |i| matches!(own(i), 0 | 2));
        let b = read(files, |i| matches!(own(i), 1 | 2));
        let folder = read(files, |i| own(i) == 3);
        let mut parts = vec![through_file(&a, true), through_file(&b, false), through_file(&a, false)];
        if reversed {
            parts.reverse();
        }
        let mut merged = folder.clone();
        merged.hash_ids();
        for p in parts {
            merged.merge(p);
        }
        prop_assert_eq!(&figures(&merged), want);
    }
}
