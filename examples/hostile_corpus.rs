//! Writes the hostile corpus of `tests/hostile.rs` to a folder, for manual runs of the CLI or
//! the web app: `cargo run --example hostile_corpus -- DIR` (or `scripts/hostile-corpus DIR`),
//! then `agentmeter report DIR/home` or drop `DIR/home` onto the page.

#[path = "../tests/hostile_support/mod.rs"]
mod hostile_support;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: hostile_corpus DIR   (DIR is emptied first)");
        return ExitCode::from(2);
    };
    let corpus = hostile_support::build(&dir);
    println!(
        "{} entries below {}; expected total tokens {}{}",
        corpus.entries.len(),
        dir.join("home").display(),
        corpus.expected_tokens(),
        if corpus.locked_is_unreadable {
            ""
        } else {
            " (running as root: the locked file is readable and counted)"
        }
    );
    ExitCode::SUCCESS
}
