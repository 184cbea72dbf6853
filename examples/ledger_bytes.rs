//! How many bytes the ledger keeps per record, after reading a folder.
//!
//! Why: a browser tab's wasm heap holds one ledger per worker while a corpus is imported, so its
//! size per record decides how large a corpus fits in a memory budget (issue: 5 GB in 150 MB).
//! The crate forbids unsafe code, so no counting allocator: the figure is the growth of the
//! process's resident memory (`/proc/self/statm`) while one thread reads the folder, over the
//! record count (usage + tool halves + messages). Freed parse buffers that the allocator keeps
//! resident count too, so it is an upper bound; run it the same way before and after a change.
//!
//! Usage: taskset -c 0 cargo run --release --example ledger_bytes -- PATH...
//! Prints one JSON object: {records, usage, tools, messages, files, rss_growth_bytes,
//! bytes_per_record}.

fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

fn main() {
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
    println!(
        "{{\"records\":{records},\"usage\":{},\"tools\":{},\"messages\":{},\"files\":{},\"rss_growth_bytes\":{grown},\"bytes_per_record\":{:.1}}}",
        ledger.usage.len(),
        ledger.tools.len(),
        ledger.messages.len(),
        ledger.files.len(),
        grown as f64 / records.max(1) as f64
    );
}
