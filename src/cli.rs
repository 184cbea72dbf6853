//! The native command line: `agentmeter <command> [--json] [--tz ZONE] [filters] [PATH...]`.
//!
//! Thin on purpose: it finds files ([`walk`]), feeds them to the same parsers the browser worker
//! uses, and prints the same [`crate::report::Report`] as JSON or as text tables ([`text`]).

pub mod args;
pub mod commands;
pub mod otlp;
pub mod tables;
pub mod text;
pub mod walk;

use std::ffi::OsString;
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
    /// `otlp`: the collector could not be reached or refused the metrics (exit status 4).
    #[error("OTLP export failed: {0}")]
    Export(String),
}

/// Reads one file from disk into `ledger`, whatever it contains. A file that cannot be read
/// (permission denied, not a regular file, an I/O error part way) is listed in the ledger with
/// the reason, never half counted, and never stops the run.
pub fn read_file_into(ledger: &mut Ledger, path: &Path, display: &str) {
    if let Err(skip) = read_file(ledger, path, display) {
        ledger.note_skipped(display, skip.bytes, &skip.reason);
    }
}

/// Why a file was listed without being read, and how large it is.
struct Unread {
    reason: String,
    bytes: u64,
}

fn read_file(ledger: &mut Ledger, path: &Path, display: &str) -> Result<(), Unread> {
    let unreadable = |bytes: u64| {
        move |err: std::io::Error| Unread {
            reason: format!("unreadable: {}", io_reason(&err)),
            bytes,
        }
    };
    // Checked before opening: opening a FIFO would block until a writer appears.
    let meta = std::fs::metadata(path).map_err(unreadable(0))?;
    let size = meta.len();
    if !meta.is_file() {
        return Err(Unread {
            reason: "not a regular file".to_owned(),
            bytes: 0,
        });
    }
    let mut file = std::fs::File::open(path).map_err(unreadable(size))?;
    let mut head = vec![0u8; HEAD_BYTES];
    let mut filled = 0;
    while filled < head.len() {
        let n = file.read(&mut head[filled..]).map_err(unreadable(size))?;
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
                let n = file.read(&mut buf).map_err(unreadable(size))?;
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

/// A short, lowercase reason for an I/O error, as listed in file reports
/// (`unreadable: permission denied`).
#[must_use]
pub fn io_reason(err: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match err.kind() {
        ErrorKind::PermissionDenied => "permission denied".to_owned(),
        ErrorKind::NotFound => "not found (a dangling link, or removed while reading)".to_owned(),
        _ => {
            let text = err.to_string();
            // `Is a directory (os error 21)` -> `is a directory (os error 21)`.
            let mut chars = text.chars();
            chars.next().map_or(text.clone(), |c| {
                c.to_lowercase().chain(chars).collect::<String>()
            })
        }
    }
}

/// Reads every file in parallel (one ledger per thread, merged by the merge law); entries the
/// walk could not read are listed with their reason.
///
/// Threads take the next unread file from a shared counter rather than a fixed share: files
/// differ in size by orders of magnitude, and with fixed shares one thread could be left
/// reading while the others were done.
///
/// # Errors
/// Only if a reader thread panicked.
pub fn read_all(files: &[walk::FoundFile]) -> Result<Ledger, CliError> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .clamp(1, 8)
        .min(files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<Ledger, CliError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let next = &next;
                scope.spawn(move || {
                    let mut ledger = Ledger::new();
                    let take =
                        || files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                    while let Some(f) = take() {
                        match &f.skip {
                            None => read_file_into(&mut ledger, &f.path, &f.display),
                            Some(reason) => ledger.note_skipped(&f.display, 0, reason),
                        }
                    }
                    Ok(ledger)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(CliError::Usage("a reader thread panicked".to_owned())))
            })
            .collect()
    });
    // Merge the smaller ledgers into the largest: re-inserting is the costly part of a merge.
    let mut ledgers = results
        .into_iter()
        .collect::<Result<Vec<Ledger>, CliError>>()?;
    ledgers.sort_by_key(|l| std::cmp::Reverse(l.usage.len()));
    let mut ledgers = ledgers.into_iter();
    let mut ledger = ledgers.next().unwrap_or_default();
    for other in ledgers {
        ledger.merge(other);
    }
    Ok(ledger)
}

/// Resolves a time zone name (`--tz`, else `$TZ`, else the system zone, else UTC).
///
/// # Errors
/// When an explicitly given zone is unknown.
pub fn resolve_tz(explicit: Option<&str>) -> Result<chrono_tz::Tz, CliError> {
    if let Some(name) = explicit {
        return name
            .parse::<chrono_tz::Tz>()
            .map_err(|_| CliError::TimeZone(name.to_owned()));
    }
    let from_env = std::env::var("TZ")
        .ok()
        .and_then(|z| z.trim_start_matches(':').parse().ok());
    let from_system = || {
        std::fs::read_link("/etc/localtime").ok().and_then(|p| {
            let s = p.to_string_lossy().into_owned();
            s.split_once("zoneinfo/").and_then(|(_, z)| z.parse().ok())
        })
    };
    Ok(from_env.or_else(from_system).unwrap_or(chrono_tz::UTC))
}

/// What a run produced: the text to print and whether any agent usage was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub text: String,
    /// False when no file of the scanned folders held agent usage (exit status 3).
    pub found: bool,
}

/// Runs the CLI and returns what to print.
///
/// # Errors
/// On bad arguments, an unknown zone or a PATH that does not exist.
pub fn run(args: &[OsString]) -> Result<String, CliError> {
    run_outcome(args).map(|o| o.text)
}

/// Runs the CLI: the text to print and whether usage was found.
///
/// # Errors
/// On bad arguments, an unknown zone or a PATH that does not exist.
pub fn run_outcome(args: &[OsString]) -> Result<Outcome, CliError> {
    let args = args::parse(args)?;
    if args.help {
        return Ok(Outcome {
            text: args::USAGE.to_owned(),
            found: true,
        });
    }
    if args.version {
        return Ok(Outcome {
            text: format!("agentmeter {}\n", env!("CARGO_PKG_VERSION")),
            found: true,
        });
    }
    let tz = resolve_tz(args.tz.as_deref())?;
    if args.command == args::Command::Otlp {
        return otlp::run(&args, tz);
    }
    let roots = if args.paths.is_empty() {
        walk::default_roots()
    } else {
        args.paths.clone()
    };
    let files = if args.paths.is_empty() {
        walk::collect(&walk::existing(roots.clone()))?
    } else {
        walk::collect(&roots)?
    };
    let ledger = read_all(&files)?;
    let prices = crate::pricing::PriceTable::embedded();
    let analysis = crate::analysis::Analysis::new(&ledger, &args.filter, prices, tz, now_ms());
    let insights = crate::insights::detect(&analysis);
    let report = crate::report::Report::new(&analysis, &insights, &ledger, prices.source());
    let found = ledger.files.values().any(|f| f.agent.is_some()) && !ledger.usage.is_empty();
    let mut text = commands::render(&args, &report, &analysis, &insights)?;
    if !found && !args.json {
        text.push_str(&text::nothing_found(&roots, args.paths.is_empty()));
    }
    // The process ends right after printing: freeing millions of records one by one would be
    // close to half of the single-threaded tail of a run (measured with perf, BENCHMARKS.md).
    std::mem::forget(ledger);
    std::mem::forget(analysis);
    Ok(Outcome { text, found })
}

/// "Now" for the active usage block: the clock, or `AGENTMETER_NOW` (RFC 3339) so tests and
/// reproductions can pin it.
pub(crate) fn now_ms() -> i64 {
    std::env::var("AGENTMETER_NOW")
        .ok()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(&s).ok())
        .map_or_else(
            || chrono::Utc::now().timestamp_millis(),
            |t| t.timestamp_millis(),
        )
}
