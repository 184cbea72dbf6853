//! Codex CLI rollouts (stub, being written).
use crate::line_report::Sink;
use crate::parsers::{FileContext, LineParser};

/// Reads `sessions/YYYY/MM/DD/rollout-*.jsonl`.
pub struct CodexParser {
    #[allow(dead_code)]
    ctx: FileContext,
}

impl CodexParser {
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        CodexParser { ctx }
    }
}

impl LineParser for CodexParser {
    fn line(&mut self, _number: u64, _bytes: &[u8], out: &mut Sink) {
        out.ignored();
    }
    fn finish(&mut self, _out: &mut Sink) {}
}
