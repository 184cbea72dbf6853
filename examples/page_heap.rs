//! The page's heap, stage by stage, measured natively with a counting allocator.
//!
//! Why: the page's wasm heap (issue: a 5 GB corpus in 150 MB) is one number, the high-water
//! mark; it does not say which stage holds what, or what is live against what was only a peak.
//! This example runs the page's pipeline on a folder natively — every file parsed into its own
//! ledger and sent as wire bytes (as a worker posts its parts), the parts decoded and merged,
//! then the unfiltered analysis, the insights and the report, then the save in wire pieces —
//! under `dhat`'s allocator, and prints the live bytes after each stage and the peak during it.
//! Native pointers are 8 bytes against wasm32's 4, so the figures are an upper bound of the
//! page's; compare them before and after a change, not with the browser's.
//!
//! With `--profile` it also writes `dhat-heap.json` (the allocation sites at the peak; open it
//! in DHAT's viewer, `dh_view.html` from valgrind).
//!
//! Each stage's wall time (`ms`, from the end of the one before) is printed too; the dhat
//! allocator slows allocation, so compare those with each other, not with the browser's.
//!
//! With `--time` no statistics are kept (the allocator is the system's): the stages' times
//! alone, e.g. under `perf record`.
//!
//! Usage: cargo run --release --example page_heap -- [--profile | --time] PATH...
//! Prints one JSON object: {records, usage, tools, messages, stages: [{stage, ms, live_bytes,
//! peak_bytes, live_per_record, peak_per_record}]}.

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

use agentmeter::ledger::Ledger;
use std::io::{Read, Write};

struct Stages {
    /// No allocator statistics (`--time`): the stages' times with the plain allocator.
    time_only: bool,
    out: Vec<String>,
    records: f64,
    clock: std::time::Instant,
}

impl Stages {
    fn note(&mut self, stage: &str, peak_since: u64) {
        if self.time_only {
            let ms = self.clock.elapsed().as_secs_f64() * 1e3;
            self.clock = std::time::Instant::now();
            self.out
                .push(format!("{{\"stage\":\"{stage}\",\"ms\":{ms:.1}}}"));
            return;
        }
        let stats = dhat::HeapStats::get();
        let live = stats.curr_bytes as u64;
        let ms = self.clock.elapsed().as_secs_f64() * 1e3;
        self.clock = std::time::Instant::now();
        let peak = (stats.max_bytes as u64).max(peak_since);
        self.out.push(format!(
            "{{\"stage\":\"{stage}\",\"ms\":{ms:.1},\"live_bytes\":{live},\"peak_bytes\":{peak},\"live_per_record\":{:.1},\"peak_per_record\":{:.1}}}",
            live as f64 / self.records.max(1.0),
            peak as f64 / self.records.max(1.0)
        ));
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let profile = args.first().is_some_and(|a| a == "--profile");
    let time_only = args.first().is_some_and(|a| a == "--time");
    if profile || time_only {
        args.remove(0);
    }
    // With no profiler running, dhat's allocator is the system's with a thin wrapper.
    let _profiler = if time_only {
        None
    } else if profile {
        Some(dhat::Profiler::new_heap())
    } else {
        Some(dhat::Profiler::builder().testing().build())
    };
    let roots: Vec<std::path::PathBuf> = args.iter().map(Into::into).collect();
    let files = match agentmeter::cli::walk::collect(&roots) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    // The workers: each file parsed on its own and posted as wire bytes, its long prompt
    // previews set aside (kept by the page outside its wasm heap: here in a temporary file,
    // each file's length-prefixed, read back one at a time as the page copies them).
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let aside_path =
        std::env::temp_dir().join(format!("page_heap-{}.previews", std::process::id()));
    let mut aside = match std::fs::File::create(&aside_path) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => {
            eprintln!("{}: {e}", aside_path.display());
            std::process::exit(2);
        }
    };
    for f in &files {
        let mut one = Ledger::new();
        agentmeter::cli::read_file_into(&mut one, &f.path, &f.display);
        let bytes = agentmeter::ledger::previews::set_aside(&mut one.messages);
        let written = aside
            .write_all(&(bytes.len() as u64).to_le_bytes())
            .and_then(|()| aside.write_all(&bytes));
        if let Err(e) = written {
            eprintln!("{}: {e}", aside_path.display());
            std::process::exit(2);
        }
        parts.push(one.to_wire());
    }
    drop(aside);
    let wire_bytes: usize = parts.iter().map(Vec::len).sum();
    // The page: from here on, what the wire bytes themselves take is left out.
    let mut stages = Stages {
        time_only,
        out: Vec::new(),
        records: 0.0,
        clock: std::time::Instant::now(),
    };
    // As the page's `Parts` does: each part decoded, merged by size.
    let mut merger = agentmeter::ledger::Merger::new();
    for part in parts.drain(..) {
        if let Ok(l) = Ledger::from_wire(&part) {
            merger.add(l);
        }
    }
    let mut merged = merger.finish();
    // As `Parts::finish` does: the shown previews taken back, the others dropped.
    let needed = agentmeter::ledger::previews::needed(&merged.messages);
    let blobs = std::fs::File::open(&aside_path).map(std::io::BufReader::new);
    if let Ok(mut blobs) = blobs {
        let next = std::iter::from_fn(move || {
            let mut len = [0u8; 8];
            blobs.read_exact(&mut len).ok()?;
            let mut bytes = vec![0u8; usize::try_from(u64::from_le_bytes(len)).ok()?];
            blobs.read_exact(&mut bytes).ok()?;
            Some(bytes)
        });
        agentmeter::ledger::previews::fill(&mut merged.messages, &needed, next);
    }
    let _ = std::fs::remove_file(&aside_path);
    merged.drop_unshown_previews();
    let records = merged.usage.len() + merged.tools.len() + merged.messages.len();
    stages.records = records as f64;
    let previews: Vec<usize> = merged
        .messages
        .values()
        .filter_map(|m| m.preview.as_ref().map(|p| p.len()))
        .collect();
    eprintln!(
        "prompt previews: {} of {} messages, {} bytes",
        previews.len(),
        merged.messages.len(),
        previews.iter().sum::<usize>()
    );
    stages.note("merged ledger", 0);
    // As the page does: noted once, then shared by the unfiltered analysis.
    merged.note_counts_all();
    let merged = std::sync::Arc::new(merged);
    let prices = agentmeter::pricing::PriceTable::embedded();
    let core = agentmeter::analysis::Analysis::shared(
        &merged,
        &agentmeter::filter::Filter::default(),
        prices,
        chrono_tz::UTC,
        0,
    );
    stages.note("+ core analysis", 0);
    let insights = agentmeter::insights::detect(&core);
    stages.note("+ insights", 0);
    let report = agentmeter::report::Report::new(&core, &insights, &merged, prices.source());
    stages.note("+ report", 0);
    let mut saved = 0usize;
    let _head = merged.to_wire_pieces(agentmeter::ledger::wire::WIRE_PIECE, &mut |p| {
        saved += p.len();
    });
    stages.note("+ save", 0);
    drop(report);
    drop(insights);
    drop(core);
    stages.note("ledger alone again", 0);
    println!(
        "{{\"records\":{records},\"usage\":{},\"tools\":{},\"messages\":{},\"files\":{},\"wire_bytes\":{wire_bytes},\"stages\":[{}]}}",
        merged.usage.len(),
        merged.tools.len(),
        merged.messages.len(),
        merged.files.len(),
        stages.out.join(",")
    );
}
