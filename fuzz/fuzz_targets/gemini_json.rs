//! Arbitrary bytes read directly as a legacy Gemini `session-*.json` document (no detection, so
//! the parser also meets content the detector would have sent elsewhere or skipped).
//!
//! Input: the whole file. Checks: no panic, every line has one fate, and the file fed in chunks
//! (cut points derived from its bytes) gives the same output as one chunk.
#![no_main]

use agentmeter::parsers::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_support::check_format(
        Format::GeminiJson,
        "tmp/ab14fe39/chats/session-2025-10-05T07-11-eefc44a3.json",
        None,
        data,
    );
});
