//! The native command line: `agentmeter report [--json] [--tz ZONE] [PATH...]`.
//!
//! Thin on purpose: it finds files ([`walk`]), feeds them to the same parsers the browser worker
//! uses, and prints the same [`crate::report::Report`] as JSON or as text tables ([`text`]).

pub mod args;
pub mod text;
pub mod walk;

use std::io::Read;
use std::path::Path;

use thiserror::Error;

use crate::detect::{self, Classification, HEAD_BYTES};
use crate::ledger::Ledger;
use crate::parsers::FileParser;

/// What can stop the CLI (a bad line never does; it is counted instead).
#[derive(Debug, Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error("unknown time zone {0:?} (use an IANA name such as Europe/Berlin or UTC)")]
    TimeZone(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Reads one file from disk into `ledger`, whatever it contains.
///
/// # Errors
/// Only when the file cannot be opened or read; its contents never cause an error.
pub fn read_file_into(ledger: &mut Ledger, path: &Path, display: &str) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: display.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    let mut head = vec![0u8; HEAD_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        let n = file.read(&mut head[filled..]).map_err(io)?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    match detect::classify(display, &head) {
        Classification::Parse { format, ctx } => {
            let mut parser = FileParser::new(format, ctx);
            parser.push(&head);
            let mut buf = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buf).map_err(io)?;
                if n == 0 {
                    break;
                }
                parser.push(&buf[..n]);
            }
            ledger.add_file(parser.finish());
        }
        Classification::Known { what } => ledger.note_skipped(display, size, &what),
        Classification::Unrecognized { reason } => ledger.note_skipped(display, size, &reason),
    }
    Ok(())
}
