//! The merge law on ledgers built from arbitrary files: `a + b == b + a` and `a + a == a`.
//!
//! `tests/merge_law.rs` proves it on generated records; here the records come from the real
//! detection and parsers, so whatever a parser can emit (odd keys, equal sources, skipped files
//! sharing a path) must merge the same in any order.
//!
//! Input: byte 0 and byte 1 pick the two paths (they may be the same file read twice), the rest
//! is file A up to the first 0xFF byte (never valid UTF-8, so never inside a real line) and
//! file B after it.
#![no_main]

use agentmeter::ledger::Ledger;
use fuzz_support::{assert_ledger_balanced, ledger_of_file, path_for, split_header};
use libfuzzer_sys::fuzz_target;

fn merged(a: &Ledger, b: &Ledger) -> Ledger {
    let mut out = a.clone();
    out.merge(b.clone());
    out
}

fuzz_target!(|data: &[u8]| {
    let ([sel_a, sel_b], body) = split_header::<2>(data);
    let (file_a, file_b) = match body.iter().position(|&b| b == 0xFF) {
        Some(at) => (&body[..at], &body[at + 1..]),
        None => (body, &[][..]),
    };
    let a = ledger_of_file(path_for(sel_a), file_a);
    let b = ledger_of_file(path_for(sel_b), file_b);
    assert_ledger_balanced(&a);
    assert_ledger_balanced(&b);

    let ab = merged(&a, &b);
    let ba = merged(&b, &a);
    assert_eq!(
        ab.line_totals(),
        ba.line_totals(),
        "a+b and b+a count lines differently"
    );
    assert_eq!(ab, ba, "a+b != b+a");
    // One path read twice with different contents keeps one report but the records of both
    // readings (a grown file's old records are a subset of its new ones, so real re-reads still
    // balance); only distinct files must balance after the merge.
    if path_for(sel_a) != path_for(sel_b) {
        assert_ledger_balanced(&ab);
    }
    assert_eq!(merged(&a, &a), a, "a+a != a");
    assert_eq!(merged(&ab, &ab), ab, "(a+b)+(a+b) != a+b");
});
