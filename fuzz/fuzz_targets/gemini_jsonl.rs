//! Arbitrary bytes read directly as a Gemini chat log (`.jsonl`; no detection, so the parser
//! also meets content the detector would have sent elsewhere or skipped).
//!
//! Input: the whole file. Checks: no panic, every line has one fate, and the file fed in chunks
//! (cut points derived from its bytes) gives the same output as one chunk.
#![no_main]

use agentmeter::parsers::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_support::check_format(
        Format::GeminiJsonl,
        "tmp/9da8b3df/chats/session-2026-04-23T12-52-0ab84937.jsonl",
        None,
        data,
    );
});
