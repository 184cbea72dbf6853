//! Claude Code transcripts (stub, being written).
use crate::line_report::Sink;
use crate::parsers::{FileContext, LineParser};

/// Reads `projects/<enc-cwd>/<session>.jsonl` and subagent files.
pub struct ClaudeParser {
    #[allow(dead_code)]
    ctx: FileContext,
}

impl ClaudeParser {
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        ClaudeParser { ctx }
    }
}

impl LineParser for ClaudeParser {
    fn line(&mut self, _number: u64, _bytes: &[u8], out: &mut Sink) {
        out.ignored();
    }
    fn finish(&mut self, _out: &mut Sink) {}
}
