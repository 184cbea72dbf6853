//! The ledger file: a content-free usage ledger as one compact, versioned file.
//!
//! A team exchanges these instead of transcripts (`agentmeter ledger export -o alice.ledger`,
//! or the app's "Export ledger" button); importing several merges them under the merge law, so
//! importing one twice, or with the folder it came from, changes no figure.
//!
//! Layout (all of it documented in `docs/ledger.md`):
//! - [`FILE_MAGIC`] (8 bytes, `AMLEDGER`);
//! - the format version, a LEB128 varint ([`FILE_VERSION`]);
//! - flags, a varint: bit 0 = project names kept as written (the user opted in);
//! - the records in the [wire form](super::wire) (which starts with its own magic), after
//!   [`Ledger::content_free`].
//!
//! The whole file may be gzip-compressed (`-o F.ledger.gz`, or `--gzip`); readers recognise
//! gzip by its first two bytes, whatever the name. A version newer than this build knows is
//! rejected with a message that says so rather than read wrongly. The wire form is otherwise an
//! internal format between the browser's workers and its page: each version of this file pins
//! one wire layout (version 1: `AML2`, key strings hashed to `h:…`; version 2: `AML3`, keys as
//! their digests), and a change to the wire form must bump [`FILE_VERSION`] and keep a reader
//! for the older one. Both versions are read.

use std::io::{Read, Write};

use super::wire::{WireError, MAGIC as WIRE_MAGIC, MAGIC_V2 as WIRE_MAGIC_V1};
use super::Ledger;

/// The first bytes of every (uncompressed) ledger file.
pub const FILE_MAGIC: &[u8; 8] = b"AMLEDGER";

/// The ledger file format version this build writes and the newest it reads.
pub const FILE_VERSION: u64 = 2;

/// The usual file name extension.
pub const EXTENSION: &str = "ledger";

const FLAG_PROJECTS: u64 = 1;

/// The two bytes every gzip stream starts with.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// The largest ledger accepted after decompression, so that a small hostile `.gz` cannot
/// exhaust memory (a ledger of millions of calls is a few hundred MB).
pub const MAX_DECOMPRESSED: u64 = 2 << 30;

/// How to write a ledger file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExportOptions {
    /// Keep project names (working directories) as written instead of hashed.
    pub keep_projects: bool,
    /// Compress the file with gzip.
    pub gzip: bool,
}

/// What a ledger file's header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerHeader {
    pub version: u64,
    /// The exporter kept project names as written.
    pub projects_kept: bool,
}

/// Why bytes could not be read as a ledger file.
#[derive(Debug, thiserror::Error)]
pub enum LedgerFileError {
    #[error("not an agentmeter ledger (it does not start with AMLEDGER)")]
    NotALedger,
    #[error(
        "ledger format version {found} is newer than this agentmeter reads (up to \
         {FILE_VERSION}); update agentmeter to import it"
    )]
    NewerVersion { found: u64 },
    #[error("ledger format version 0 does not exist (a damaged file)")]
    BadVersion,
    #[error("damaged ledger: {0}")]
    Damaged(String),
    #[error("damaged ledger: {0}")]
    Wire(#[from] WireError),
    #[error("cannot decompress the ledger: {0}")]
    Gzip(String),
    #[error("the ledger decompresses to more than {} MiB", MAX_DECOMPRESSED >> 20)]
    TooLarge,
}

/// True when `head` (the first bytes of a file) looks like a ledger file, plain or gzip.
#[must_use]
pub fn looks_like_ledger(head: &[u8]) -> bool {
    head.starts_with(FILE_MAGIC) || head.starts_with(&GZIP_MAGIC)
}

/// True when a file name says it is a ledger (`*.ledger`, `*.ledger.gz`).
#[must_use]
pub fn is_ledger_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".ledger") || lower.ends_with(".ledger.gz")
}

impl Ledger {
    /// This ledger as a ledger file: [`Ledger::content_free`], then the header and the wire
    /// form, gzip-compressed when asked.
    #[must_use]
    pub fn export_file(&self, opts: ExportOptions) -> Vec<u8> {
        let body = self.content_free(opts.keep_projects).to_wire();
        let mut out = Vec::with_capacity(body.len() + 16);
        out.extend_from_slice(FILE_MAGIC);
        put_varint(&mut out, FILE_VERSION);
        put_varint(&mut out, if opts.keep_projects { FLAG_PROJECTS } else { 0 });
        out.extend_from_slice(&body);
        if !opts.gzip {
            return out;
        }
        let mut gz = flate2::write::GzEncoder::new(
            Vec::with_capacity(out.len() / 4),
            flate2::Compression::default(),
        );
        // Writing into a Vec cannot fail; the fallback keeps the uncompressed bytes anyway.
        match gz.write_all(&out).and_then(|()| gz.finish()) {
            Ok(zipped) => zipped,
            Err(_) => out,
        }
    }

    /// Reads a ledger file (plain or gzip), checking its header.
    ///
    /// # Errors
    /// When the bytes are not a ledger file, are of a newer version, or are damaged.
    pub fn import_file(bytes: &[u8]) -> Result<(Ledger, LedgerHeader), LedgerFileError> {
        if bytes.starts_with(&GZIP_MAGIC) {
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(bytes)
                .take(MAX_DECOMPRESSED + 1)
                .read_to_end(&mut plain)
                .map_err(|e| LedgerFileError::Gzip(e.to_string()))?;
            if plain.len() as u64 > MAX_DECOMPRESSED {
                return Err(LedgerFileError::TooLarge);
            }
            return Self::import_plain(&plain);
        }
        Self::import_plain(bytes)
    }

    fn import_plain(bytes: &[u8]) -> Result<(Ledger, LedgerHeader), LedgerFileError> {
        let rest = bytes
            .strip_prefix(FILE_MAGIC)
            .ok_or(LedgerFileError::NotALedger)?;
        let (version, rest) = get_varint(rest)?;
        if version == 0 {
            return Err(LedgerFileError::BadVersion);
        }
        if version > FILE_VERSION {
            return Err(LedgerFileError::NewerVersion { found: version });
        }
        let (flags, body) = get_varint(rest)?;
        let wire_magic = if version == 1 {
            WIRE_MAGIC_V1
        } else {
            WIRE_MAGIC
        };
        if !body.starts_with(wire_magic) {
            return Err(LedgerFileError::Damaged(
                "the records do not start where the header ends".to_owned(),
            ));
        }
        let ledger = Ledger::from_wire(body)?;
        Ok((
            ledger,
            LedgerHeader {
                version,
                projects_kept: flags & FLAG_PROJECTS != 0,
            },
        ))
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8]) -> Result<(u64, &[u8]), LedgerFileError> {
    let mut v = 0u64;
    for (i, b) in bytes.iter().take(10).enumerate() {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Ok((v, &bytes[i + 1..]));
        }
    }
    Err(LedgerFileError::Damaged("truncated header".to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_versions_are_checked() {
        let file = Ledger::new().export_file(ExportOptions::default());
        assert!(file.starts_with(FILE_MAGIC));
        let (l, h) = Ledger::import_file(&file).expect("own export");
        assert_eq!(l, Ledger::new());
        assert_eq!(h.version, FILE_VERSION);
        let mut newer = file.clone();
        newer[FILE_MAGIC.len()] = 9;
        let e = Ledger::import_file(&newer).expect_err("newer version");
        assert!(e.to_string().contains("version 9 is newer"), "{e}");
        assert!(matches!(
            Ledger::import_file(b"{\"not\":1}"),
            Err(LedgerFileError::NotALedger)
        ));
        let gz = Ledger::new().export_file(ExportOptions {
            gzip: true,
            ..ExportOptions::default()
        });
        assert!(gz.starts_with(&GZIP_MAGIC));
        assert_eq!(Ledger::import_file(&gz).expect("gzip").0, Ledger::new());
        assert!(Ledger::import_file(&gz[..gz.len() / 2]).is_err());
    }
}
