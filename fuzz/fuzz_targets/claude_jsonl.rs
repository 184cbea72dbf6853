//! Arbitrary bytes read directly as Claude Code JSONL (no detection, so the parser also meets
//! content the detector would have sent elsewhere or skipped).
//!
//! Input: the whole file. Checks: no panic, every line has one fate, and the file fed in chunks
//! (cut points derived from its bytes) gives the same output as one chunk.
#![no_main]

use agentmeter::parsers::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_support::check_format(
        Format::ClaudeJsonl,
        "projects/-home-u-proj/0d9e1c52-aaaa-4bbb-8ccc-000000000001.jsonl",
        Some("0d9e1c52-aaaa-4bbb-8ccc-000000000001"),
        data,
    );
});
