//! One streaming parser per agent format, behind one [`FileParser`].
//!
//! A parser is a state machine fed lines ([`LineParser::line`]) by a chunk-safe
//! [`LineSplitter`]; state that spans lines (Codex's previous cumulative total and current model,
//! Gemini's message table, Claude's pending tool calls) lives in the parser. The same code runs
//! natively (CLI, tests) and in a browser worker, over chunks of any size.
//!
//! Which parser reads a file is decided by [`crate::detect::classify`] from its path and first
//! bytes, never from the dropped folder's name.
//!
//! Formats that are one document rather than a stream of lines (an OpenCode storage file, a
//! SQLite database) implement [`DocumentParser`] instead: [`FileParser`] buffers their bytes,
//! chunk by chunk, and hands the whole file over at the end. Their memory cost is the file's size,
//! so each such format names the largest file it reads (a larger one is one malformed unit).
//! A document too large for that whose bulk is one array of records (a legacy Gemini `.json`)
//! implements [`ChunkParser`]: it receives the raw chunks and streams the array's elements
//! (`json_stream`), holding one element at a time.

pub mod claude;
pub mod codex;
pub mod codex_exec;
pub mod gemini;
pub mod gemini_logs;
mod json_scan;
mod json_stream;
mod lenient;
// Copilot CLI, Qwen Code, Amp, Kimi CLI.
pub mod amp;
pub mod cline;
pub mod codebuff;
pub mod copilot;
pub mod crush;
pub mod droid;
pub mod droid_history;
pub mod kimi;
pub mod qwen;
// agents-b: OpenCode, SQLite databases.
pub mod goose;
pub mod opencode;
pub mod pi;
pub mod resume;
pub mod sqlite_db;
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
    /// Saved `codex exec --json` output (a stand-in for the thread's rollout).
    CodexExecJsonl,
    /// Gemini CLI `tmp/<project hash>/logs.json`: prompts only (a stand-in for the chat files).
    GeminiLogsJson,
    /// Gemini CLI legacy single-document `chats/session-*.json`.
    GeminiJson,
    /// Gemini CLI current append-only `chats/*.jsonl`.
    GeminiJsonl,
    // Copilot CLI, Qwen Code, Amp, Kimi CLI.
    /// Copilot CLI event log `session-state/<id>/events.jsonl`.
    CopilotJsonl,
    /// Copilot CLI 2025 history document `history-session-state/session_*.json` (no tokens).
    CopilotHistoryJson,
    /// Qwen Code `projects/<cwd>/chats/<session>.jsonl`.
    QwenJsonl,
    /// Amp `threads/T-<uuid>.json` (one document per thread).
    AmpJson,
    /// Kimi CLI `sessions/<work dir hash>/<session>/wire.jsonl`.
    KimiWireJsonl,
    // agents-b formats.
    /// OpenCode JSON storage: one message (`storage/message/<session>/msg_*.json`) or part
    /// (`storage/part/<message>/prt_*.json`) per file.
    OpenCodeJson,
    /// A SQLite database (OpenCode `opencode.db`, Goose `sessions.db`, Crush `crush.db`); which
    /// agent wrote it is read from its schema ([`sqlite_db`]).
    SqliteDb,
    /// pi `~/.pi/agent/sessions/--<cwd>--/<time>_<id>.jsonl`.
    PiJsonl,
    // agents2: Cline, Roo Code, Codebuff.
    /// Cline or Roo Code `tasks/<task id>/ui_messages.json` (which of the two is read from the
    /// path or the content, [`cline`]).
    ClineUiJson,
    /// Codebuff `~/.config/manicode/projects/<project>/chats/<chat id>/messages.json` (no tokens).
    CodebuffJson,
    /// Factory Droid `~/.factory/sessions/<encoded cwd>/<session>.settings.json` (a session total).
    DroidSettingsJson,
    /// Factory Droid `~/.factory/sessions/<encoded cwd>/<session>.jsonl` (messages and tools).
    DroidJsonl,
}

impl Format {
    /// The agent that writes this format; `None` when only the file's content says (a SQLite
    /// database names its agent by its tables).
    #[must_use]
    pub fn agent(self) -> Option<Agent> {
        match self {
            Format::ClaudeJsonl => Some(Agent::Claude),
            Format::CodexJsonl | Format::CodexExecJsonl => Some(Agent::Codex),
            Format::GeminiJson | Format::GeminiJsonl | Format::GeminiLogsJson => {
                Some(Agent::Gemini)
            }
            // agents-b formats.
            Format::OpenCodeJson => Some(Agent::OpenCode),
            Format::SqliteDb => None,
            Format::PiJsonl => Some(Agent::Pi),
            // Copilot CLI, Qwen Code, Amp, Kimi CLI.
            Format::CopilotJsonl | Format::CopilotHistoryJson => Some(Agent::Copilot),
            Format::QwenJsonl => Some(Agent::Qwen),
            Format::AmpJson => Some(Agent::Amp),
            Format::KimiWireJsonl => Some(Agent::Kimi),
            // agents2: Cline and Roo Code share one format.
            Format::ClineUiJson => None,
            Format::CodebuffJson => Some(Agent::Codebuff),
            Format::DroidSettingsJson | Format::DroidJsonl => Some(Agent::Droid),
        }
    }

    /// The name shown in file reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::ClaudeJsonl => "claude-jsonl",
            Format::CodexJsonl => "codex-jsonl",
            Format::CodexExecJsonl => "codex-exec-jsonl",
            Format::GeminiLogsJson => "gemini-logs-json",
            Format::GeminiJson => "gemini-json",
            Format::GeminiJsonl => "gemini-jsonl",
            // Copilot CLI, Qwen Code, Amp, Kimi CLI.
            Format::CopilotJsonl => "copilot-jsonl",
            Format::CopilotHistoryJson => "copilot-history-json",
            Format::QwenJsonl => "qwen-jsonl",
            Format::AmpJson => "amp-json",
            Format::KimiWireJsonl => "kimi-wire-jsonl",
            // agents2.
            Format::ClineUiJson => "cline-ui-json",
            Format::CodebuffJson => "codebuff-json",
            Format::DroidSettingsJson => "droid-settings-json",
            Format::DroidJsonl => "droid-jsonl",
            // agents-b formats.
            Format::OpenCodeJson => "opencode-json",
            Format::SqliteDb => "sqlite",
            Format::PiJsonl => "pi-jsonl",
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

    /// True when [`LineParser::line`] checks UTF-8 itself and passes an invalid line to
    /// `repaired_line`; every other parser gets each line checked before it sees it. (Checking
    /// twice costs about a tenth of the Claude parser's speed.)
    fn checks_utf8(&self) -> bool {
        false
    }

    /// The parser's state as bytes, for a parser that can be resumed after the bytes read so far
    /// ([`resume`]); `None` (the default) for one that cannot, whose file is then read whole
    /// again when it changes.
    fn state(&self) -> Option<Vec<u8>> {
        None
    }
}

/// A format read as one document rather than line by line: a pretty-printed JSON file, a
/// binary database. The file is buffered whole and handed over once it has ended, so its memory
/// cost is its size (bounded by [`DocumentParser::max_bytes`]).
pub trait DocumentParser {
    /// Reads the whole file. Every unit of it (a message, a row) gets one fate in `out`.
    fn document(&mut self, bytes: &[u8], out: &mut Sink);

    /// The largest file this format buffers; a larger one is one malformed unit, never read.
    fn max_bytes(&self) -> usize;
}

/// A format read from its raw bytes as they arrive, for a document too large to hold whole
/// (a legacy Gemini `.json`): the parser finds its units in the byte stream itself
/// ([`json_stream`]) and holds only the unit being assembled.
pub trait ChunkParser {
    /// Reads the next chunk of the file.
    fn chunk(&mut self, bytes: &[u8], out: &mut Sink);

    /// Called once after the last chunk. Every unit of the file gets one fate by then.
    fn finish(&mut self, out: &mut Sink);

    /// Bytes of the file held between chunks (a unit not yet complete).
    fn buffered_bytes(&self) -> usize;
}

/// How a file's bytes reach its parser.
enum Input {
    /// Handed over chunk by chunk as they arrive ([`ChunkParser`]).
    Chunks(Box<dyn ChunkParser>),
    /// Split into lines as they arrive ([`LineParser`]).
    Lines {
        splitter: LineSplitter,
        parser: Box<dyn LineParser>,
    },
    /// Buffered whole ([`DocumentParser`]); `too_large` once the file passed the limit.
    Document {
        buf: Vec<u8>,
        too_large: bool,
        parser: Box<dyn DocumentParser>,
    },
}

/// Parses one file fed in chunks of any size.
pub struct FileParser {
    format: Format,
    input: Input,
    sink: Sink,
}

impl FileParser {
    /// A parser for a file of `format` at `ctx.path`.
    #[must_use]
    pub fn new(format: Format, ctx: FileContext) -> Self {
        let sink = Sink::new(&ctx.path, format.agent(), format.as_str());
        let lines = |parser: Box<dyn LineParser>| Input::Lines {
            splitter: LineSplitter::default(),
            parser,
        };
        let document = |parser: Box<dyn DocumentParser>| Input::Document {
            buf: Vec::new(),
            too_large: false,
            parser,
        };
        let input = match format {
            Format::ClaudeJsonl => lines(Box::new(claude::ClaudeParser::new(ctx))),
            Format::CodexJsonl => lines(Box::new(codex::CodexParser::new(ctx))),
            Format::CodexExecJsonl => lines(Box::new(codex_exec::CodexExecParser::new(ctx))),
            Format::GeminiLogsJson => document(Box::new(gemini_logs::GeminiLogsParser::new(ctx))),
            Format::GeminiJson => Input::Chunks(Box::new(gemini::GeminiJsonParser::new(ctx))),
            Format::GeminiJsonl => lines(Box::new(gemini::GeminiJsonlParser::new(ctx))),
            // agents-b formats.
            Format::OpenCodeJson => document(Box::new(opencode::OpenCodeJsonParser::new(ctx))),
            Format::SqliteDb => document(Box::new(sqlite_db::SqliteDbParser::new(ctx))),
            Format::PiJsonl => lines(Box::new(pi::PiParser::new(ctx))),
            // Copilot CLI, Qwen Code, Amp, Kimi CLI.
            Format::CopilotJsonl => lines(Box::new(copilot::CopilotEventsParser::new(ctx))),
            Format::CopilotHistoryJson => lines(Box::new(copilot::CopilotHistoryParser::new(ctx))),
            Format::QwenJsonl => lines(Box::new(qwen::QwenParser::new(ctx))),
            Format::AmpJson => lines(Box::new(amp::AmpParser::new(ctx))),
            Format::KimiWireJsonl => lines(Box::new(kimi::KimiParser::new(ctx))),
            // agents2.
            Format::ClineUiJson => document(Box::new(cline::ClineParser::new(ctx))),
            Format::CodebuffJson => document(Box::new(codebuff::CodebuffParser::new(ctx))),
            Format::DroidSettingsJson => document(Box::new(droid::DroidSettingsParser::new(ctx))),
            Format::DroidJsonl => lines(Box::new(droid_history::DroidHistoryParser::new(ctx))),
        };
        FileParser {
            format,
            input,
            sink,
        }
    }

    /// Feeds the next chunk of the file.
    pub fn push(&mut self, chunk: &[u8]) {
        self.sink.report.bytes += chunk.len() as u64;
        let FileParser { input, sink, .. } = self;
        match input {
            Input::Chunks(parser) => parser.chunk(chunk, sink),
            Input::Lines { splitter, parser } => {
                splitter.push(chunk, &mut |line| feed(parser.as_mut(), sink, line));
            }
            Input::Document {
                buf,
                too_large,
                parser,
            } => {
                if *too_large {
                    return;
                }
                if buf.len().saturating_add(chunk.len()) > parser.max_bytes() {
                    *too_large = true;
                    *buf = Vec::new();
                } else {
                    buf.extend_from_slice(chunk);
                }
            }
        }
    }

    /// Bytes of the file this parser holds between chunks: a line or unit not yet complete, or
    /// for a [`DocumentParser`] the whole file so far. (Records already read are not counted.)
    #[must_use]
    pub fn buffered_bytes(&self) -> usize {
        match &self.input {
            Input::Chunks(parser) => parser.buffered_bytes(),
            Input::Lines { splitter, .. } => splitter.buffered_bytes(),
            Input::Document { buf, .. } => buf.capacity(),
        }
    }

    /// Ends the file and returns its records and report.
    #[must_use]
    pub fn finish(mut self) -> Sink {
        let FileParser { input, sink, .. } = &mut self;
        match input {
            Input::Chunks(parser) => parser.finish(sink),
            Input::Lines { splitter, parser } => {
                splitter.finish(&mut |line| feed(parser.as_mut(), sink, line));
                parser.finish(sink);
            }
            Input::Document {
                buf,
                too_large,
                parser,
            } => {
                if *too_large {
                    let reason = format!(
                        "file of {} bytes is larger than the {} MiB this format is read up to",
                        sink.report.bytes,
                        parser.max_bytes() >> 20
                    );
                    sink.malformed(1, reason);
                } else {
                    parser.document(buf, sink);
                }
            }
        }
        std::mem::take(&mut self.sink)
    }
}

fn feed(parser: &mut dyn LineParser, sink: &mut Sink, line: Line<'_>) {
    match line {
        Line::Text { number, bytes } => {
            if parser.checks_utf8() || simdutf8::basic::from_utf8(bytes).is_ok() {
                parser.line(number, bytes, sink);
            } else {
                repaired_line(parser, number, bytes, sink);
            }
        }
        Line::TooLong { number, len } => sink.malformed(
            number,
            format!(
                "line of {len} bytes is longer than the {} MiB limit",
                crate::lines::MAX_LINE_BYTES >> 20
            ),
        ),
    }
}

/// A line that is not valid UTF-8 (a write cut inside a character, a Latin-1 paste into a
/// prompt) is read with each invalid sequence replaced by U+FFFD: the damage is nearly always in
/// message text, which no figure reads, and the line's usage numbers are intact. The line keeps
/// the fate the parser gives it and is noted as repaired; if it is malformed anyway, its reason
/// says the bytes were invalid too.
pub(crate) fn repaired_line(
    parser: &mut dyn LineParser,
    number: u64,
    bytes: &[u8],
    sink: &mut Sink,
) {
    const WHAT: &str = "invalid UTF-8";
    let text = String::from_utf8_lossy(bytes);
    let malformed = sink.report.malformed;
    parser.line(number, text.as_bytes(), sink);
    if sink.report.malformed > malformed {
        if let Some(issue) = sink.report.examples.last_mut().filter(|i| i.line == number) {
            issue.reason = format!("{WHAT}; {}", issue.reason);
        }
    } else {
        sink.repaired(number, format!("{WHAT} replaced with U+FFFD"));
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

/// Line `number` of a JSONL file read as one `T`, or `None` once the line is accounted for: a
/// blank line as ignored, one that is not JSON of that shape as malformed with the reason.
pub fn json_line<T: serde::de::DeserializeOwned>(
    number: u64,
    bytes: &[u8],
    out: &mut Sink,
) -> Option<T> {
    if is_blank(bytes) {
        out.ignored();
        return None;
    }
    match serde_json::from_slice(bytes) {
        Ok(value) => Some(value),
        Err(err) => {
            out.malformed(number, crate::line_report::json_reason(bytes, &err));
            None
        }
    }
}
