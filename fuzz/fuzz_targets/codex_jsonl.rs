//! Arbitrary bytes read directly as Codex rollout JSONL (no detection, so the parser also meets
//! content the detector would have sent elsewhere or skipped).
//!
//! Input: the whole file. Checks: no panic, every line has one fate, and the file fed in chunks
//! (cut points derived from its bytes) gives the same output as one chunk.
#![no_main]

use agentmeter::parsers::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz_support::check_format(Format::CodexJsonl, "sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl", None, data);
});
