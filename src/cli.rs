//! The native command line: `agentmeter <command> [--json] [--tz ZONE] [filters] [PATH...]`.
//!
//! Thin on purpose: it finds files ([`walk`]), feeds them to the same parsers the browser worker
//! uses, and prints the same [`crate::report::Report`] as JSON or as text tables ([`text`]).

pub mod args;
pub mod commands;
pub mod otlp;
pub mod plan_cmd;
pub mod tables;
pub mod text;
pub mod walk;

use std::ffi::OsString;
use std::io::Read;
use std::path::Path;

use thiserror::Error;

use crate::cli::args::Command;
use crate::detect::{self, Classification, HEAD_BYTES};
use crate::ledger::{Ledger, Merger};
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
    #[error("cannot import {path}: {source}")]
    Ledger {
        path: String,
        #[source]
        source: crate::ledger::file::LedgerFileError,
    },
    /// `otlp`: the collector could not be reached or refused the metrics (exit status 4).
    #[error("OTLP export failed: {0}")]
    Export(String),
}

/// Reads one file from disk into `ledger`, whatever it contains. A file that cannot be read
/// (permission denied, not a regular file, an I/O error part way) is listed in the ledger with
/// the reason, never half counted, and never stops the run.
pub fn read_file_into(ledger: &mut Ledger, path: &Path, display: &str) {
    read_file_with(ledger, path, display, &mut ReadBuffer::default());
}

/// The bytes a reader thread reads files into, allocated once per thread and reused for every
/// file. A fresh zeroed megabyte per file cost about a tenth of the CLI's CPU time (page faults
/// clearing new pages and `memset`, perf, BENCHMARKS.md).
#[derive(Default)]
pub struct ReadBuffer {
    buf: Vec<u8>,
}

impl ReadBuffer {
    /// How much of a file is read at once: small enough that the kernel's copy lands in the
    /// core's own cache and the parser reads it from there (with 4 MiB the copy from the page
    /// cache took 0.53 s of CPU per GB, with 256 KiB 0.19 s; `dd` over the realistic 1 GB
    /// corpus, BENCHMARKS.md), and large enough for most lines. The unfinished last line of a
    /// read moves to the front of the buffer for the next one ([`read_file`]), so a line that
    /// straddles two reads is not copied into the splitter unless it is longer than half this.
    const SIZE: usize = 256 << 10;

    fn get(&mut self) -> &mut [u8] {
        if self.buf.len() < Self::SIZE {
            self.buf = vec![0u8; Self::SIZE];
        }
        &mut self.buf
    }
}

/// [`read_file_into`] with a caller-owned buffer (one per reader thread).
pub fn read_file_with(ledger: &mut Ledger, path: &Path, display: &str, buffer: &mut ReadBuffer) {
    if let Err(skip) = read_file(ledger, path, display, buffer) {
        ledger.note_skipped(display, skip.bytes, &skip.reason);
    }
}

/// Why a file was listed without being read, and how large it is.
struct Unread {
    reason: String,
    bytes: u64,
}

fn read_file(
    ledger: &mut Ledger,
    path: &Path,
    display: &str,
    buffer: &mut ReadBuffer,
) -> Result<(), Unread> {
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
    let buf = buffer.get();
    // The first read fills the whole buffer when it can (a small file is then one read and one
    // push); classification looks at its first HEAD_BYTES.
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..]).map_err(unreadable(size))?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    match detect::classify(display, &buf[..filled.min(HEAD_BYTES)]) {
        Classification::Parse { format, ctx } => {
            let mut parser = FileParser::new(format, ctx);
            if filled < buf.len() {
                // The whole file in one read.
                parser.push(&buf[..filled]);
            } else {
                loop {
                    // Complete lines go to the parser; the unfinished one moves to the front and
                    // the next read appends to it (unless it is long: the splitter carries it).
                    let cut = match memchr::memrchr(b'\n', &buf[..filled]) {
                        Some(at) if filled - (at + 1) <= buf.len() / 2 => at + 1,
                        _ => filled,
                    };
                    parser.push(&buf[..cut]);
                    buf.copy_within(cut..filled, 0);
                    let tail = filled - cut;
                    let n = file.read(&mut buf[tail..]).map_err(unreadable(size))?;
                    if n == 0 {
                        parser.push(&buf[..tail]);
                        break;
                    }
                    filled = tail + n;
                }
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
                    // Each file read into a ledger of its own, merged by size (a `Merger`):
                    // merging every file into one growing ledger would move it once per file.
                    let mut merger = Merger::new();
                    let mut buffer = ReadBuffer::default();
                    let take =
                        || files.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed));
                    while let Some(f) = take() {
                        let mut one = Ledger::new();
                        match &f.skip {
                            None => read_file_with(&mut one, &f.path, &f.display, &mut buffer),
                            Some(reason) => one.note_skipped(&f.display, 0, reason),
                        }
                        merger.add(one);
                    }
                    Ok(merger.finish())
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
    let ledgers = results
        .into_iter()
        .collect::<Result<Vec<Ledger>, CliError>>()?;
    Ok(ledgers.into_iter().collect::<Merger>().finish())
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
    /// Bytes to write to standard output before `text` (`ledger export -o -`).
    pub bytes: Vec<u8>,
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
            bytes: Vec::new(),
            found: true,
        });
    }
    if args.version {
        return Ok(Outcome {
            text: format!("agentmeter {}\n", env!("CARGO_PKG_VERSION")),
            bytes: Vec::new(),
            found: true,
        });
    }
    let tz = resolve_tz(args.tz.as_deref())?;
    let prices = plan_cmd::price_table(args.prices.as_deref())?;
    // Bad --plan / --as values stop the run before any file is read.
    plan_cmd::plan_choices(&args)?;
    plan_cmd::scenario(&args, &prices)?;
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
        walk::collect_labelled(&roots, &args.labels)?
    };
    let mut ledger = read_sources(&files, args.command == Command::LedgerExport)?;
    if args.command == Command::LedgerExport {
        return export_ledger(&args, &ledger, &files);
    }
    // As the app does after an import: the same first prompts in every view.
    ledger.drop_unshown_previews();
    let found = ledger.files.values().any(|f| f.agent.is_some()) && !ledger.usage.is_empty();
    // The analysis takes the ledger over: every filter keeps the file reports whole, which is
    // all the report reads of the unfiltered ledger.
    let analysis =
        crate::analysis::Analysis::from_ledger(ledger, &args.filter, &prices, tz, now_ms());
    let insights = crate::insights::detect(&analysis);
    let report =
        crate::report::Report::new(&analysis, &insights, &analysis.ledger, prices.source())
            .with_custom_prices(&prices);
    let extras = plan_cmd::extras(&args, &analysis, &prices)?;
    let mut text = match args.command {
        Command::Plans | Command::WhatIf => plan_cmd::render(&args, &extras, &prices)?,
        _ => plan_cmd::augment(
            &args,
            &extras,
            &prices,
            commands::render(&args, &report, &analysis, &insights)?,
        )?,
    };
    if !found && !args.json {
        text.push_str(&text::nothing_found(&roots, args.paths.is_empty()));
    }
    // The process ends right after printing: freeing millions of records one by one would be
    // close to half of the single-threaded tail of a run (measured with perf, BENCHMARKS.md).
    std::mem::forget(analysis);
    Ok(Outcome {
        text,
        bytes: Vec::new(),
        found,
    })
}

/// Reads transcripts and ledger files into one ledger, each file under its source label.
///
/// Ledger files hold hashed ids ([`crate::ledger::pseudonym`]); when any is imported (or `hash`
/// is asked, for an export), the records read from transcripts are hashed the same way before
/// the merge, so that a session present in both is one set of keys and counts once. Their paths
/// are first put in the form a browser gives them ([`walk::FoundFile::portable`]), so that the
/// same folder read here or in the app hashes to the same file names.
///
/// # Errors
/// When a ledger file cannot be imported (damaged, a newer format), or a reader panicked.
pub fn read_sources(files: &[walk::FoundFile], hash: bool) -> Result<Ledger, CliError> {
    let (ledger_files, transcripts): (Vec<&walk::FoundFile>, Vec<&walk::FoundFile>) = files
        .iter()
        .partition(|f| f.skip.is_none() && is_ledger_file(&f.path, &f.display));
    let transcripts: Vec<walk::FoundFile> = transcripts.into_iter().cloned().collect();
    let mut ledger = read_all(&transcripts)?;
    for f in &transcripts {
        if let (Some(label), Some(report)) = (&f.source, ledger.files.get_mut(&f.display)) {
            report.source = Some(label.clone());
        }
    }
    if ledger_files.is_empty() && !hash {
        return Ok(ledger);
    }
    // Two roots of the same name would give two files one portable path: the later one is put
    // under `dropped-N/`, as the app does with two dropped files of one name.
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut portable: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for f in transcripts.iter().filter(|f| !f.portable.is_empty()) {
        let mut name = f.portable.clone();
        let mut n = 1;
        while taken.contains(&name) {
            n += 1;
            name = format!("dropped-{n}/{}", f.portable);
        }
        taken.insert(name.clone());
        portable.insert(f.display.clone(), name);
    }
    ledger.rename_files(&portable);
    let mut imported = Ledger::new();
    for f in ledger_files {
        let bytes = std::fs::read(&f.path).map_err(|source| CliError::Io {
            path: f.display.clone(),
            source,
        })?;
        let (mut one, _header) =
            Ledger::import_file(&bytes).map_err(|source| CliError::Ledger {
                path: f.display.clone(),
                source,
            })?;
        if let Some(label) = &f.source {
            one.set_source(label);
        }
        imported.merge(one);
    }
    ledger.hash_ids();
    ledger.merge(imported);
    Ok(ledger)
}

/// A file given as a ledger: by name (`*.ledger`, `*.ledger.gz`), or by its first bytes.
fn is_ledger_file(path: &Path, display: &str) -> bool {
    if crate::ledger::file::is_ledger_name(display) {
        return true;
    }
    let mut head = [0u8; 8];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok_and(|()| head == *crate::ledger::file::FILE_MAGIC)
}

/// `ledger export`: writes the content-free ledger of what was read (restricted by the filter,
/// when one is given) and says what was written.
fn export_ledger(
    args: &args::ReportArgs,
    ledger: &Ledger,
    files: &[walk::FoundFile],
) -> Result<Outcome, CliError> {
    use crate::ledger::file::ExportOptions;
    let output = args.output.clone().unwrap_or_default();
    let gzip = args.gzip
        || output
            .to_string_lossy()
            .to_ascii_lowercase()
            .ends_with(".gz");
    let filtered;
    let to_write = if args.filter.is_empty() {
        ledger
    } else {
        let tz = resolve_tz(args.tz.as_deref())?;
        filtered = args.filter.apply(ledger, tz);
        &filtered
    };
    let bytes = to_write.export_file(ExportOptions {
        keep_projects: args.with_projects,
        gzip,
    });
    let read: u64 = files
        .iter()
        .filter(|f| f.skip.is_none())
        .filter_map(|f| std::fs::metadata(&f.path).ok())
        .map(|m| m.len())
        .sum();
    let found = ledger.files.values().any(|f| f.agent.is_some()) && !ledger.usage.is_empty();
    let summary = format!(
        "wrote {}: {} model calls, {} tool calls, {} files, {} bytes (read {} bytes){}\n",
        output.display(),
        crate::report::thousands(to_write.counted_usage().count() as u64),
        crate::report::thousands(to_write.distinct_tools().count() as u64),
        crate::report::thousands(to_write.files.len() as u64),
        crate::report::thousands(bytes.len() as u64),
        crate::report::thousands(read),
        if args.with_projects {
            "; project names kept"
        } else {
            ""
        },
    );
    if output.as_os_str() == "-" {
        return Ok(Outcome {
            text: String::new(),
            bytes,
            found,
        });
    }
    std::fs::write(&output, &bytes).map_err(|source| CliError::Io {
        path: output.display().to_string(),
        source,
    })?;
    Ok(Outcome {
        text: summary,
        bytes: Vec::new(),
        found,
    })
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
