//! How many bytes the ledger keeps per record, after reading a folder.
//!
//! Why: a browser tab's wasm heap holds one ledger per worker while a corpus is imported, so its
//! size per record decides how large a corpus fits in a memory budget (issue: 5 GB in 150 MB).
//! The crate forbids unsafe code, so no counting allocator: the figure is the growth of the
//! process's resident memory (`/proc/self/statm`) while one thread reads the folder, over the
//! record count (usage + tool halves + messages). Freed parse buffers that the allocator keeps
//! resident count too, so it is an upper bound; run it the same way before and after a change.
//!
//! A second figure leaves the parse's garbage out: the ledger is written in its wire form and a
//! fresh process (this example again, with `--decode FILE`) reads it back, as the page does with
//! a worker's ledger; the growth of that process's resident memory while it decodes, over the
//! record count, is `decoded_bytes_per_record` (the wire bytes themselves are read before the
//! first measurement, and decoding's temporary lists are large enough to be returned to the
//! system when freed).
//!
//! A third figure is the growth while an unfiltered analysis of the decoded ledger is built (the
//! page keeps both): what the analysis holds beyond the records it reads.
//!
//! Usage: taskset -c 0 cargo run --release --example ledger_bytes -- PATH...
//! Prints one JSON object: {records, usage, tools, messages, files, rss_growth_bytes,
//! bytes_per_record, decoded_growth_bytes, decoded_bytes_per_record}.

/// CPU seconds (user + system) this process has used, from `/proc/self/stat` (clock ticks of
/// 10 ms): the analysis's cost on a loaded machine, where wall time is noise.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after_name = stat.rsplit(')').next().unwrap_or("");
    let fields: Vec<u64> = after_name
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // Fields 14 and 15 of the stat line (utime, stime) are the 12th and 13th after the name.
    (fields.get(11).copied().unwrap_or(0) + fields.get(12).copied().unwrap_or(0)) as f64 / 100.0
}

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

/// `--decode FILE`: the resident-memory growth while decoding the wire-form ledger in FILE.
fn decode(file: &str) {
    let bytes = std::fs::read(file).unwrap_or_default();
    let before = rss_bytes();
    let ledger = agentmeter::ledger::Ledger::from_wire(&bytes);
    let grown = rss_bytes().saturating_sub(before);
    let records = ledger
        .as_ref()
        .map_or(0, |l| l.usage.len() + l.tools.len() + l.messages.len());
    // The page keeps the decoded ledger and an unfiltered analysis of it side by side: the
    // analysis's own growth is what it holds beyond the records.
    let before = rss_bytes();
    let started = std::time::Instant::now();
    let cpu = cpu_seconds();
    let analysis = ledger.as_ref().ok().map(|l| {
        agentmeter::analysis::Analysis::new(
            l,
            &agentmeter::filter::Filter::default(),
            agentmeter::pricing::PriceTable::embedded(),
            chrono_tz::UTC,
            0,
        )
    });
    let analysed = rss_bytes().saturating_sub(before);
    eprintln!(
        "analysis: {:.1} ms wall, {:.2} s CPU",
        started.elapsed().as_secs_f64() * 1e3,
        cpu_seconds() - cpu
    );
    println!("{grown} {records} {analysed}");
    drop(analysis);
}

/// Decodes `ledger`'s wire form in a fresh process: (resident growth, records, then the growth
/// while an unfiltered analysis of it is built).
fn decoded_growth(ledger: &agentmeter::ledger::Ledger) -> Option<(u64, u64, u64)> {
    let file = std::env::temp_dir().join(format!("ledger_bytes-{}.wire", std::process::id()));
    std::fs::write(&file, ledger.to_wire()).ok()?;
    let out = std::process::Command::new(std::env::current_exe().ok()?)
        .arg("--decode")
        .arg(&file)
        .stderr(std::process::Stdio::inherit())
        .output();
    let _ = std::fs::remove_file(&file);
    let text = String::from_utf8(out.ok()?.stdout).ok()?;
    let mut it = text.split_whitespace().map(|n| n.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, file] = args.as_slice() {
        if flag == "--decode" {
            decode(file);
            return;
        }
    }
    let roots: Vec<std::path::PathBuf> = std::env::args_os().skip(1).map(Into::into).collect();
    let files = match agentmeter::cli::walk::collect(&roots) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let before = rss_bytes();
    let ledger = match agentmeter::cli::read_all(&files) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let grown = rss_bytes().saturating_sub(before);
    let records = ledger.usage.len() + ledger.tools.len() + ledger.messages.len();
    let (decoded, decoded_records, analysed) = decoded_growth(&ledger).unwrap_or((0, 0, 0));
    println!(
        "{{\"analysis_growth_bytes\":{analysed},\"analysis_bytes_per_record\":{:.1},\"records\":{records},\"usage\":{},\"tools\":{},\"messages\":{},\"files\":{},\"rss_growth_bytes\":{grown},\"bytes_per_record\":{:.1},\"decoded_growth_bytes\":{decoded},\"decoded_bytes_per_record\":{:.1}}}",
        analysed as f64 / decoded_records.max(1) as f64,
        ledger.usage.len(),
        ledger.tools.len(),
        ledger.messages.len(),
        ledger.files.len(),
        grown as f64 / records.max(1) as f64,
        decoded as f64 / decoded_records.max(1) as f64
    );
}
