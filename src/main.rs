//! The `agentmeter` binary: argument handling and exit codes; everything else is the library.
//!
//! Exit codes: 0 after printing the report; 3 after printing it when no agent usage was found
//! (so scripts can tell "nothing there" from "zero spend"); 2 on bad arguments or a PATH that
//! does not exist; 4 when `otlp` could not deliver the metrics; 1 when the report cannot be written (a full disk, a closed terminal). A reader that stops early
//! (`agentmeter report | head`) ends the run quietly with 141, what a shell reports for a
//! program stopped by SIGPIPE, so a pipeline with `pipefail` still sees that output was cut.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use agentmeter::cli::text::terminal_safe;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let color = use_color();
    agentmeter::cli::text::set_color(color);
    match agentmeter::cli::run_outcome(&args) {
        Ok(outcome) => {
            let mut out = std::io::stdout().lock();
            match out
                .write_all(&outcome.bytes)
                .and_then(|()| out.write_all(outcome.text.as_bytes()))
                .and_then(|()| out.flush())
            {
                Ok(()) if outcome.found => ExitCode::SUCCESS,
                Ok(()) => ExitCode::from(3),
                Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(141),
                Err(err) => {
                    let _ = writeln!(
                        std::io::stderr(),
                        "agentmeter: cannot write the report: {err}"
                    );
                    ExitCode::from(1)
                }
            }
        }
        Err(err) => {
            let message = err.to_string();
            let _ = writeln!(std::io::stderr(), "agentmeter: {}", terminal_safe(&message));
            match err {
                agentmeter::cli::CliError::Export(_) => ExitCode::from(4),
                _ => ExitCode::from(2),
            }
        }
    }
}

/// Colour only on a terminal, never with `NO_COLOR` set to anything but "" (no-color.org) or on a
/// dumb terminal.
fn use_color() -> bool {
    agentmeter::cli::text::color_wanted(
        std::io::stdout().is_terminal(),
        std::env::var_os("NO_COLOR").as_deref(),
        std::env::var_os("TERM").as_deref(),
    )
}
