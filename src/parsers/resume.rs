//! Reading a grown file on from where it ended, with the same result as reading it whole.
//!
//! Agents append to their transcripts, so a second look at a folder mostly finds files that grew.
//! A [`Checkpoint`] is everything a line-parsed file's reading depends on after its last byte so
//! far, taken before [`FileParser::finish`]: the parser's state (Claude's last timestamp and
//! content-key counts; Codex's cumulative counter, model, lineage and message counts), the line
//! splitter's position and the unfinished last line it carries, the file's line report, and the
//! records emitted so far. Pushing the new bytes into [`FileParser::resume`]'s parser and merging
//! its records with the checkpoint's gives exactly the ledger of a full read: the parsers keep
//! no other state (nothing is shared between files; cross-file rules live in the ledger's merge
//! law), and they never revise a record once emitted. `tests/resume.rs` checks this on the real
//! fixtures at every split.
//!
//! Formats whose parser does not expose its state ([`super::LineParser::state`]) and document
//! formats give no checkpoint: such a file is read whole again when it changes.
//!
//! Encoding ([`Checkpoint::to_bytes`]): `AMCP1`, a little-endian `u32` length and that many bytes
//! of JSON header (format, splitter position, report, parser state), a `u32` length and the
//! carried bytes, then the records as a wire ledger ([`Ledger::to_wire`]).

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::{claude, codex, FileParser, Format, Input, LineParser};
use crate::ledger::wire::WireError;
use crate::ledger::Ledger;
use crate::line_report::{FileReport, Sink};
use crate::lines::{LineSplitter, SplitterPosition};

const MAGIC: &[u8] = b"AMCP1";

/// Why a checkpoint cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ResumeError {
    #[error("not a checkpoint (bad header)")]
    BadHeader,
    #[error("checkpoint truncated")]
    Truncated,
    #[error("checkpoint header: {0}")]
    Header(#[from] serde_json::Error),
    #[error("checkpoint records: {0}")]
    Records(#[from] WireError),
    #[error("the {0} format cannot be resumed")]
    NotResumable(&'static str),
}

/// A line-parsed file's reading after its last byte so far (see the module docs).
#[derive(Debug, Clone)]
pub struct Checkpoint {
    pub format: Format,
    parser: Box<RawValue>,
    splitter: SplitterPosition,
    carry: Vec<u8>,
    report: FileReport,
    /// The records emitted so far (no file report: the resumed parser's is the file's).
    pub records: Ledger,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: Format,
    splitter: SplitterPosition,
    report: FileReport,
    parser: Box<RawValue>,
}

impl Checkpoint {
    /// The bytes read so far: where reading goes on.
    #[must_use]
    pub fn bytes(&self) -> u64 {
        self.report.bytes
    }

    /// The path of the file.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.report.path
    }

    /// The checkpoint as bytes (see the module docs for the layout).
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let header = Header {
            format: self.format,
            splitter: self.splitter,
            report: self.report.clone(),
            parser: self.parser.clone(),
        };
        // A header of plain data and raw JSON always serializes.
        let json = serde_json::to_vec(&header).unwrap_or_default();
        let wire = self.records.to_wire();
        let mut out =
            Vec::with_capacity(MAGIC.len() + 8 + json.len() + self.carry.len() + wire.len());
        out.extend_from_slice(MAGIC);
        put_block(&mut out, &json);
        put_block(&mut out, &self.carry);
        out.extend_from_slice(&wire);
        out
    }

    /// Reads [`Checkpoint::to_bytes`]'s output back.
    ///
    /// # Errors
    /// When the bytes are not a whole checkpoint of this version.
    pub fn from_bytes(bytes: &[u8]) -> Result<Checkpoint, ResumeError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(ResumeError::BadHeader)?;
        let (json, rest) = take_block(rest)?;
        let (carry, wire) = take_block(rest)?;
        let header: Header = serde_json::from_slice(json)?;
        Ok(Checkpoint {
            format: header.format,
            parser: header.parser,
            splitter: header.splitter,
            carry: carry.to_vec(),
            report: header.report,
            records: Ledger::from_wire(wire)?,
        })
    }
}

fn put_block(out: &mut Vec<u8>, block: &[u8]) {
    let len = u32::try_from(block.len()).unwrap_or(u32::MAX);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&block[..len as usize]);
}

fn take_block(bytes: &[u8]) -> Result<(&[u8], &[u8]), ResumeError> {
    let (len, rest) = bytes
        .split_first_chunk::<4>()
        .ok_or(ResumeError::Truncated)?;
    let len = u32::from_le_bytes(*len) as usize;
    if rest.len() < len {
        return Err(ResumeError::Truncated);
    }
    Ok(rest.split_at(len))
}

/// The parser of `format` in a saved state, for the formats that can be resumed.
fn parser_from_state(format: Format, state: &str) -> Result<Box<dyn LineParser>, ResumeError> {
    Ok(match format {
        Format::ClaudeJsonl => Box::new(serde_json::from_str::<claude::ClaudeParser>(state)?),
        Format::CodexJsonl => Box::new(serde_json::from_str::<codex::CodexParser>(state)?),
        other => return Err(ResumeError::NotResumable(other.as_str())),
    })
}

impl FileParser {
    /// The reading so far, for a resumable format; `None` otherwise. The records emitted so far
    /// move into the checkpoint (the parser keeps going without them), so the file's ledger is
    /// `checkpoint.records` merged with what [`FileParser::finish`] returns.
    pub fn checkpoint(&mut self) -> Option<Checkpoint> {
        let Input::Lines { splitter, parser } = &self.input else {
            return None;
        };
        let state = parser.state()?;
        let parser = RawValue::from_string(String::from_utf8(state).ok()?).ok()?;
        let (splitter, carry) = splitter.position();
        let sink = &mut self.sink;
        let mut records = Ledger::new();
        records.add_file(Sink {
            report: FileReport::default(),
            usage: std::mem::take(&mut sink.usage),
            tools: std::mem::take(&mut sink.tools),
            messages: std::mem::take(&mut sink.messages),
            ..Sink::default()
        });
        records.files.clear();
        Some(Checkpoint {
            format: self.format,
            parser,
            splitter,
            carry: carry.to_vec(),
            report: sink.report.clone(),
            records,
        })
    }

    /// A parser that goes on from `checkpoint` (push the file's bytes after
    /// [`Checkpoint::bytes`]), and the records read before it.
    ///
    /// # Errors
    /// When the checkpoint's format cannot be resumed or its state does not read back.
    pub fn resume(checkpoint: Checkpoint) -> Result<(FileParser, Ledger), ResumeError> {
        let parser = parser_from_state(checkpoint.format, checkpoint.parser.get())?;
        let input = Input::Lines {
            splitter: LineSplitter::at(checkpoint.splitter, &checkpoint.carry),
            parser,
        };
        let sink = Sink {
            report: checkpoint.report,
            ..Sink::default()
        };
        Ok((
            FileParser {
                format: checkpoint.format,
                input,
                sink,
            },
            checkpoint.records,
        ))
    }
}
