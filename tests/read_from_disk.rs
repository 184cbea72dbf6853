//! Reading a file from disk (`cli::read_file_into`) gives exactly what parsing its bytes in one
//! piece gives, whatever the line lengths: the reader hands the parser complete lines and moves
//! the unfinished one to the front of its buffer, or lets the splitter carry a long one. Lines
//! here straddle the reader's buffer at every offset class: short, longer than half the buffer,
//! longer than the buffer, several buffers long, a malformed one, and a last line without a
//! newline.

mod parse_support;

use agentmeter::detect::{self, Classification};
use agentmeter::ledger::Ledger;
use parse_support::*;
use proptest::prelude::*;

fn usage_line(i: usize, pad: usize) -> String {
    // Multi-byte text, so UTF-8 sequences are cut by the reads too.
    let text = "é ab\\\"c ".repeat(pad / 9 + 1);
    format!(
        r#"{{"parentUuid":null,"type":"assistant","uuid":"u{i}","sessionId":"s","timestamp":"2026-01-01T00:00:{:02}Z","requestId":"r{i}","message":{{"id":"m{i}","model":"claude-opus-4-6","role":"assistant","content":[{{"type":"text","text":"{text}"}}],"usage":{{"input_tokens":{i},"output_tokens":2}}}}}}"#,
        i % 60
    )
}

fn figures(ledger: &Ledger) -> String {
    format!(
        "{:?} {:?} {} {} {:?}",
        fates(&ledger.line_totals()),
        counted(ledger),
        ledger.messages.len(),
        ledger.tools.len(),
        ledger
            .files
            .values()
            .map(|f| (f.bytes, f.read))
            .collect::<Vec<_>>()
    )
}

/// Writes `file` as a Claude transcript, reads it from disk and parses its bytes whole; returns
/// both ledgers' figures.
fn both_ways(file: &str, tag: &str) -> (Ledger, String, String) {
    let dir =
        std::env::temp_dir().join(format!("agentmeter-readdisk-{tag}-{}", std::process::id()));
    let project = dir.join(".claude/projects/-home-u-p");
    std::fs::create_dir_all(&project).expect("temp dir");
    let path = project.join("s.jsonl");
    std::fs::write(&path, file).expect("write");
    let display = path.display().to_string();

    let mut from_disk = Ledger::new();
    agentmeter::cli::read_file_into(&mut from_disk, &path, &display);

    let head = &file.as_bytes()[..file.len().min(detect::HEAD_BYTES)];
    let (format, ctx) = match detect::classify(&display, head) {
        Classification::Parse { format, ctx } => (format, ctx),
        other => panic!("a Claude transcript is recognised: {other:?}"),
    };
    let mut whole = Ledger::new();
    whole.add_file(parse_chunked(format, ctx, file.as_bytes(), &[]));
    std::fs::remove_dir_all(&dir).ok();
    let (a, b) = (figures(&from_disk), figures(&whole));
    (from_disk, a, b)
}

#[test]
fn a_file_read_from_disk_equals_its_bytes_parsed_whole() {
    let sizes = [
        100, 200_000, 131_000, 140_000, 262_000, 600_000, 50, 130_000, 10, 300_000, 1_000, 126_000,
        2_000_000, 70_000, 5,
    ];
    let mut file = String::new();
    for (i, pad) in sizes.iter().enumerate() {
        file.push_str(&usage_line(i, *pad));
        file.push('\n');
        if i == 4 {
            file.push_str("{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":1\n\n");
        }
    }
    // The last line has no newline.
    file.push_str(&usage_line(99, 300));

    let (from_disk, disk, whole) = both_ways(&file, "fixed");
    let t = assert_line_invariant(&from_disk);
    assert_eq!((t.read, t.used, t.malformed), (18, 16, 1), "{t:?}");
    assert_eq!(disk, whole);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10))]

    /// Any mix of line lengths around the reader's buffer reads like the whole bytes.
    #[test]
    fn any_line_lengths_read_from_disk_as_parsed_whole(
        sizes in prop::collection::vec(prop_oneof![0usize..2_000, 100_000usize..450_000], 1..6),
        last_newline in any::<bool>(),
    ) {
        let mut file = String::new();
        for (i, pad) in sizes.iter().enumerate() {
            file.push_str(&usage_line(i, *pad));
            file.push('\n');
        }
        if !last_newline {
            file.pop();
        }
        let (_, disk, whole) = both_ways(&file, "prop");
        prop_assert_eq!(disk, whole);
    }
}
