//! The `agentmeter` binary: argument handling and exit codes; everything else is the library.
//!
//! Exit codes: 0 after printing the report; 2 on bad arguments or an unreadable PATH; 1 when the
//! report cannot be written (a full disk, a closed terminal). A reader that stops early
//! (`agentmeter report | head`) ends the run quietly with 141, what a shell reports for a
//! program stopped by SIGPIPE, so a pipeline with `pipefail` still sees that output was cut.

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;

use agentmeter::cli::text::terminal_safe;

fn main() -> ExitCode {
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    match agentmeter::cli::run(&args) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
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
            ExitCode::from(2)
        }
    }
}
