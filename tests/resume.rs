//! A grown file read on from a checkpoint gives exactly the ledger of reading it whole
//! (`agentmeter::parsers::resume`): on every real Claude Code and Codex fixture, cut at line
//! boundaries and inside lines, through a checkpoint written to bytes and read back, once and
//! twice in a row.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use agentmeter::detect::{classify, Classification};
use agentmeter::ledger::Ledger;
use agentmeter::parsers::resume::Checkpoint;
use agentmeter::parsers::{parse_bytes, FileContext, FileParser, Format};
use proptest::prelude::*;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut stack: Vec<PathBuf> = vec![root.clone()];
    let mut out = Vec::new();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "jsonl") {
                let rel = path.strip_prefix(&root).expect("under root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read(&path).expect("read fixture")));
            }
        }
    }
    out.sort();
    out
}

/// The resumable fixtures: (path, format, context, bytes).
fn resumable() -> Vec<(String, Format, FileContext, Vec<u8>)> {
    fixtures()
        .into_iter()
        .filter_map(|(path, bytes)| match classify(&path, &bytes) {
            Classification::Parse { format, ctx }
                if matches!(format, Format::ClaudeJsonl | Format::CodexJsonl) =>
            {
                Some((path, format, ctx, bytes))
            }
            _ => None,
        })
        .collect()
}

fn whole(format: Format, ctx: &FileContext, bytes: &[u8]) -> Ledger {
    let mut l = Ledger::new();
    l.add_file(parse_bytes(format, ctx.clone(), bytes));
    l
}

/// Reads `bytes` in pieces cut at `cuts`, through a stored checkpoint at every cut.
fn resumed(format: Format, ctx: &FileContext, bytes: &[u8], cuts: &[usize]) -> Ledger {
    let mut ledger = Ledger::new();
    let mut parser = FileParser::new(format, ctx.clone());
    let mut from = 0;
    for &cut in cuts {
        parser.push(&bytes[from..cut]);
        from = cut;
        let cp = parser
            .checkpoint()
            .expect("a resumable format gives a checkpoint");
        assert_eq!(cp.bytes(), cut as u64);
        let stored = Checkpoint::from_bytes(&cp.to_bytes()).expect("checkpoint reads back");
        let (next, records) = FileParser::resume(stored).expect("resumes");
        ledger.merge(records);
        parser = next;
    }
    parser.push(&bytes[from..]);
    ledger.add_file(parser.finish());
    ledger
}

/// Cut points: some line ends (after the `\n`), some points inside lines, both ends.
fn cut_points(bytes: &[u8], most: usize) -> Vec<usize> {
    let ends: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    let step = (ends.len() / most).max(1);
    let mut cuts: Vec<usize> = ends.iter().step_by(step).copied().collect();
    cuts.extend(ends.iter().step_by(step).map(|e| e.saturating_sub(7)));
    cuts.extend([0, 1, bytes.len() / 2, bytes.len()]);
    cuts.retain(|c| *c <= bytes.len());
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

#[test]
fn there_are_resumable_fixtures_of_both_formats() {
    let all = resumable();
    assert!(all.iter().any(|f| f.1 == Format::ClaudeJsonl));
    assert!(all.iter().any(|f| f.1 == Format::CodexJsonl));
}

#[test]
fn one_checkpoint_anywhere_gives_the_whole_files_ledger() {
    for (path, format, ctx, bytes) in resumable() {
        let expected = whole(format, &ctx, &bytes);
        for cut in cut_points(&bytes, 6) {
            assert_eq!(
                resumed(format, &ctx, &bytes, &[cut]),
                expected,
                "{path} cut at byte {cut}"
            );
        }
    }
}

#[test]
fn a_file_without_new_bytes_finishes_from_its_checkpoint_alone() {
    for (path, format, ctx, bytes) in resumable() {
        let expected = whole(format, &ctx, &bytes);
        assert_eq!(
            resumed(format, &ctx, &bytes, &[bytes.len()]),
            expected,
            "{path}"
        );
    }
}

#[test]
fn a_truncated_or_foreign_checkpoint_is_an_error_not_a_guess() {
    let (_, format, ctx, bytes) = resumable().remove(0);
    let mut p = FileParser::new(format, ctx);
    p.push(&bytes);
    let stored = p.checkpoint().expect("checkpoint").to_bytes();
    assert!(Checkpoint::from_bytes(&stored[..stored.len() / 2]).is_err());
    assert!(Checkpoint::from_bytes(b"{\"not\":\"a checkpoint\"}").is_err());
}

#[test]
fn formats_without_saved_state_give_no_checkpoint() {
    let line =
        br#"{"sessionId":"s","projectHash":"h","startTime":"2025-01-01T00:00:00Z","kind":"main"}"#;
    let ctx = FileContext {
        path: "chats/session-x.jsonl".to_owned(),
        session_hint: None,
    };
    let mut p = FileParser::new(Format::GeminiJsonl, ctx);
    p.push(line);
    assert!(p.checkpoint().is_none());
}

/// The resumable fixtures under 400 KB with the ledger of reading each whole: read, classified
/// and parsed once per test process (the property's cases only pick from them; before, every
/// case read and classified every fixture again and parsed its pick whole).
#[allow(clippy::type_complexity)]
fn small_resumable_with_whole() -> &'static [(String, Format, FileContext, Vec<u8>, Ledger)] {
    static FILES: OnceLock<Vec<(String, Format, FileContext, Vec<u8>, Ledger)>> = OnceLock::new();
    FILES.get_or_init(|| {
        resumable()
            .into_iter()
            .filter(|f| f.3.len() < 400_000)
            .map(|(path, format, ctx, bytes)| {
                let expected = whole(format, &ctx, &bytes);
                (path, format, ctx, bytes, expected)
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn any_chain_of_checkpoints_gives_the_whole_files_ledger(
        pick in any::<prop::sample::Index>(),
        raw_cuts in prop::collection::vec(any::<prop::sample::Index>(), 1..5),
    ) {
        let files = small_resumable_with_whole();
        let (path, format, ctx, bytes, expected) = &files[pick.index(files.len())];
        let mut cuts: Vec<usize> = raw_cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        cuts.sort_unstable();
        prop_assert_eq!(&resumed(*format, ctx, bytes, &cuts), expected, "{} {:?}", path, cuts);
    }
}
