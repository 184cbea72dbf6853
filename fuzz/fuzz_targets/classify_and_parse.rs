//! Arbitrary bytes under a realistic name, read the way the CLI and the browser read a file:
//! `detect::classify` on the head, then a `FileParser` fed in chunks the input chooses.
//!
//! Input: byte 0 picks the path (`fuzz_support::PATHS`), byte 1 the chunking, the rest is the
//! file. Checks: no panic, every line has one fate, and one chunk gives the same output and the
//! same ledger as the chosen chunks.
#![no_main]

use agentmeter::detect::{self, Classification};
use fuzz_support::{
    assert_balanced, assert_ledger_balanced, assert_same_output, ledger_of, parse_chunked,
    parse_whole, path_for, split_header,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ([selector, seed], body) = split_header::<2>(data);
    let path = path_for(selector);
    let head = &body[..body.len().min(detect::HEAD_BYTES)];
    let Classification::Parse { format, ctx } = detect::classify(path, head) else {
        return;
    };
    let chunked = parse_chunked(format, ctx.clone(), body, seed);
    assert_balanced(&chunked, body.len());
    let whole = parse_whole(format, ctx, body);
    assert_same_output(&whole, &chunked);
    let ledger = ledger_of(chunked);
    assert_ledger_balanced(&ledger);
    assert_eq!(ledger, ledger_of(whole), "chunking changed the ledger");
});
