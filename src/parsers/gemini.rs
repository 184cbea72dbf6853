//! Gemini CLI chats (stub, being written).
use crate::line_report::Sink;
use crate::parsers::{FileContext, LineParser};

/// Reads current `chats/*.jsonl` logs.
pub struct GeminiJsonlParser {
    #[allow(dead_code)]
    ctx: FileContext,
}

impl GeminiJsonlParser {
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        GeminiJsonlParser { ctx }
    }
}

impl LineParser for GeminiJsonlParser {
    fn line(&mut self, _number: u64, _bytes: &[u8], out: &mut Sink) {
        out.ignored();
    }
    fn finish(&mut self, _out: &mut Sink) {}
}

/// Reads legacy `chats/session-*.json` documents.
pub struct GeminiJsonParser {
    #[allow(dead_code)]
    ctx: FileContext,
}

impl GeminiJsonParser {
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        GeminiJsonParser { ctx }
    }
}

impl LineParser for GeminiJsonParser {
    fn line(&mut self, _number: u64, _bytes: &[u8], out: &mut Sink) {
        out.ignored();
    }
    fn finish(&mut self, _out: &mut Sink) {}
}
