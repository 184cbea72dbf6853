//! One streaming parser per agent format, behind one [`FileParser`].
//!
//! A parser is a state machine fed lines ([`LineParser::line`]) by a chunk-safe
//! [`LineSplitter`]; state that spans lines (Codex's previous cumulative total and current model,
//! Gemini's message table, Claude's pending tool calls) lives in the parser. The same code runs
//! natively (CLI, tests) and in a browser worker, over chunks of any size.
//!
//! Which parser reads a file is decided by [`crate::detect::classify`] from its path and first
//! bytes, never from the dropped folder's name.

pub mod claude;
pub mod codex;
pub mod gemini;
mod lenient;
pub(crate) mod text;

use serde::{Deserialize, Serialize};

use crate::line_report::Sink;
use crate::lines::{Line, LineSplitter};
use crate::model::Agent;

/// The on-disk formats agentmeter reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// Claude Code `projects/<enc-cwd>/<session>.jsonl` (and subagent files).
    ClaudeJsonl,
    /// Codex CLI `sessions/YYYY/MM/DD/rollout-*.jsonl`.
    CodexJsonl,
    /// Gemini CLI legacy single-document `chats/session-*.json`.
    GeminiJson,
    /// Gemini CLI current append-only `chats/*.jsonl`.
    GeminiJsonl,
}

impl Format {
    /// The agent that writes this format.
    #[must_use]
    pub fn agent(self) -> Agent {
        match self {
            Format::ClaudeJsonl => Agent::Claude,
            Format::CodexJsonl => Agent::Codex,
            Format::GeminiJson | Format::GeminiJsonl => Agent::Gemini,
        }
    }

    /// The name shown in file reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ClaudeJsonl => "claude-jsonl",
            Format::CodexJsonl => "codex-jsonl",
            Format::GeminiJson => "gemini-json",
            Format::GeminiJsonl => "gemini-jsonl",
        }
    }
}

/// What a parser knows about a file before reading it, from its path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileContext {
    /// The path as the user gave it (relative to the dropped folder in a browser), `/`-separated.
    pub path: String,
    /// The session the path implies (Claude: file stem, or the folder above `subagents/`).
    pub session_hint: Option<String>,
}

/// A format's line-level state machine.
pub trait LineParser {
    /// Reads one line. Every line must get exactly one fate in `out` (used, duplicate, ignored or
    /// malformed), now or, for parsers that defer, by the end of [`LineParser::finish`].
    fn line(&mut self, number: u64, bytes: &[u8], out: &mut Sink);

    /// Called once after the last line.
    fn finish(&mut self, out: &mut Sink);
}

/// Parses one file fed in chunks of any size.
pub struct FileParser {
    splitter: LineSplitter,
    parser: Box<dyn LineParser>,
    sink: Sink,
}

impl FileParser {
    /// A parser for a file of `format` at `ctx.path`.
    #[must_use]
    pub fn new(format: Format, ctx: FileContext) -> Self {
        let sink = Sink::new(&ctx.path, Some(format.agent()), format.as_str());
        let parser: Box<dyn LineParser> = match format {
            Format::ClaudeJsonl => Box::new(claude::ClaudeParser::new(ctx)),
            Format::CodexJsonl => Box::new(codex::CodexParser::new(ctx)),
            Format::GeminiJson => Box::new(gemini::GeminiJsonParser::new(ctx)),
            Format::GeminiJsonl => Box::new(gemini::GeminiJsonlParser::new(ctx)),
        };
        FileParser {
            splitter: LineSplitter::default(),
            parser,
            sink,
        }
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        self.sink.report.bytes += chunk.len() as u64;
        let FileParser {
            splitter,
            parser,
            sink,
        } = self;
        splitter.push(chunk, &mut |line| feed(parser.as_mut(), sink, line));
    }

    /// Ends the file and returns its records and report.
    #[must_use]
    pub fn finish(mut self) -> Sink {
        let FileParser {
            splitter,
            parser,
            sink,
        } = &mut self;
        splitter.finish(&mut |line| feed(parser.as_mut(), sink, line));
        parser.finish(sink);
        std::mem::take(&mut self.sink)
    }
}

fn feed(parser: &mut dyn LineParser, sink: &mut Sink, line: Line<'_>) {
    match line {
        Line::Text { number, bytes } => parser.line(number, bytes, sink),
        Line::TooLong { number, len } => sink.malformed(
            number,
            format!(
                "line of {len} bytes is longer than the {} MiB limit",
                crate::lines::MAX_LINE_BYTES >> 20
            ),
        ),
    }
}

/// Parses a whole in-memory file (tests, small inputs).
#[must_use]
pub fn parse_bytes(format: Format, ctx: FileContext, bytes: &[u8]) -> Sink {
    let mut p = FileParser::new(format, ctx);
    p.push(bytes);
    p.finish()
}

/// Parses an RFC 3339 timestamp into milliseconds since the epoch.
#[must_use]
pub fn parse_timestamp_ms(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// True when `bytes` is empty or only whitespace.
#[must_use]
pub fn is_blank(bytes: &[u8]) -> bool {
    bytes.iter().all(u8::is_ascii_whitespace)
}
