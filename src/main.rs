//! The `agentmeter` binary: argument handling and exit codes; everything else is the library.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match agentmeter::cli::run(&args) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`agentmeter report | head`) is not an error worth a message.
            let _ = out.write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Err(err) => {
            let _ = writeln!(std::io::stderr(), "agentmeter: {err}");
            ExitCode::from(2)
        }
    }
}
