//! The hostile corpus ([`hostile_support`]) through the CLI binary: whatever the files hold,
//! the CLI exits 0 without a panic, accounts for every line of every file, lists every file with
//! its fate, reads each file once however many spellings reach it, keeps the figures of the real
//! transcripts hidden among the damage, and never prints a terminal control byte.
//!
//! Also here: the CLI's own hostile inputs (a non-UTF-8 PATH, a stdout that fails).

mod hostile_support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn cli(dir: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .arg("report")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the CLI runs")
}

fn physical_lines(bytes: &[u8]) -> u64 {
    let newlines = bytes.iter().filter(|b| **b == b'\n').count() as u64;
    newlines + u64::from(bytes.last().is_some_and(|b| *b != b'\n'))
}

/// One Claude Code line with one model call of 10 tokens.
const ONE_CALL: &str = r#"{"parentUuid":null,"isSidechain":false,"sessionId":"s","type":"assistant","timestamp":"2026-02-12T14:12:00.000Z","requestId":"r1","message":{"id":"m1","model":"claude-opus-4-6","usage":{"input_tokens":3,"output_tokens":7}}}"#;

/// An empty folder of this test process's own under the temp dir.
fn fresh_root(name: &str) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("agentmeter-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    root
}

fn n(v: &Value, k: &str) -> u64 {
    v[k].as_u64()
        .unwrap_or_else(|| panic!("{k} missing in {v}"))
}

#[test]
fn the_hostile_corpus_is_fully_accounted_through_the_cli() {
    let root = std::env::temp_dir().join(format!("agentmeter-hostile-{}", std::process::id()));
    let corpus = hostile_support::build(&root);
    let abs = root.join("home");
    // One home under four spellings (relative, dotted, absolute, and an agent root below it).
    let spellings = [
        "home".as_ref(),
        "./home".as_ref(),
        abs.as_os_str(),
        "home/.claude/projects".as_ref(),
    ];
    let mut args = vec!["--json".as_ref(), "--tz".as_ref(), "UTC".as_ref()];
    args.extend(spellings);
    let out = cli(&root, &args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "exit {:?}: {stderr}", out.status);
    assert!(stderr.is_empty(), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");

    // Every line has a fate, in total and per file.
    let l = &report["lines"];
    assert_eq!(
        n(l, "read"),
        n(l, "used") + n(l, "duplicate") + n(l, "ignored") + n(l, "malformed")
    );
    let files = report["files"].as_array().expect("files");
    for f in files {
        assert_eq!(
            n(f, "read"),
            n(f, "candidates") + n(f, "duplicate_in_file") + n(f, "ignored") + n(f, "malformed"),
            "{f}"
        );
    }

    // Every file is listed once, with its fate; nothing else is listed.
    let listed: Vec<(&str, &str)> = files
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["format"].as_str().expect("format"),
            )
        })
        .collect();
    for e in &corpus.entries {
        let hits: Vec<&(&str, &str)> = listed.iter().filter(|(p, _)| *p == e.rel).collect();
        assert_eq!(
            hits.len(),
            1,
            "{} listed {} times: {listed:#?}",
            e.rel,
            hits.len()
        );
        assert!(
            hits[0].1.starts_with(e.format),
            "{}: {} is not {}",
            e.rel,
            hits[0].1,
            e.format
        );
        if e.lines_checked {
            let bytes = read_raw(&root, &e.rel).expect("corpus file");
            let f = files
                .iter()
                .find(|f| f["path"] == e.rel.as_str())
                .expect("listed");
            assert_eq!(n(f, "read"), physical_lines(&bytes), "{}", e.rel);
        }
    }
    assert_eq!(listed.len(), corpus.entries.len(), "{listed:#?}");

    // The legacy Gemini document is read message by message whatever its layout: minified to one
    // line it has the units of the pretty original (its calls already counted there), and cut
    // short it is one malformed unit.
    let file = |rel: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(rel)))
            .unwrap_or_else(|| panic!("{rel} listed"))
    };
    let pretty = file("chats/session-2025-10-05T07-11-eefc44a3.json");
    let minified = file("chats/session-2025-10-05T07-11-minified.json");
    assert_eq!(n(minified, "read"), n(pretty, "read"));
    assert_eq!(n(minified, "malformed"), 0, "{minified}");
    let cut = file("chats/session-2025-10-05T07-11-cut.json");
    assert_eq!((n(cut, "read"), n(cut, "malformed")), (1, 1), "{cut}");

    // The figures: the real transcripts' own totals plus the good lines hidden in the damage.
    assert_eq!(
        n(&report["total"]["tokens"], "total"),
        corpus.expected_tokens()
    );
    assert_eq!(
        n(&report["agents"]["codex"]["tokens"], "total"),
        283_081 + 13
    );
    assert_eq!(
        n(&report["agents"]["gemini"]["tokens"], "total"),
        680_465 + 12
    );

    // Repairs are reported, not hidden: the invalid UTF-8 line and the clamped Codex event.
    let notes: Vec<String> = files
        .iter()
        .flat_map(|f| f["notes"].as_array().cloned().unwrap_or_default())
        .map(|i| i["reason"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        notes.iter().any(|r| r.contains("invalid UTF-8")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|r| r.contains("cached_input_tokens")),
        "{notes:?}"
    );

    // The same corpus as text: no control byte reaches the terminal.
    let text = cli(&root, &spellings);
    assert!(text.status.success());
    let stdout = String::from_utf8(text.stdout).expect("UTF-8 text");
    let bad: Vec<char> = stdout
        .chars()
        .filter(|c| (c.is_control() && *c != '\n') || ('\u{202a}'..='\u{202e}').contains(c))
        .collect();
    assert!(bad.is_empty(), "control characters printed: {bad:?}");
    assert!(stdout.contains("evil\\u{1b}]0;pwned\\u{7}"), "{stdout}");

    hostile_support::unlock_all(&corpus);
    let _ = std::fs::remove_dir_all(&root);
}

/// Reads a corpus file by its display path; a non-UTF-8 name (shown as U+FFFD) is found by
/// listing its folder.
fn read_raw(root: &Path, rel: &str) -> std::io::Result<Vec<u8>> {
    let Some((dir, rest)) = rel.split_once('\u{FFFD}') else {
        return std::fs::read(root.join(rel));
    };
    for entry in std::fs::read_dir(root.join(dir))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(tail) = rest.split_once('/').map(|(first, _)| first) {
            if name == format!("\u{FFFD}{tail}") {
                let file = rest.split_once('/').map_or("", |(_, f)| f);
                return std::fs::read(entry.path().join(file));
            }
        }
    }
    Err(std::io::ErrorKind::NotFound.into())
}

#[cfg(unix)]
#[test]
fn a_path_argument_that_is_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let root = fresh_root("nonutf8");
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9-session");
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(dir.join("s.jsonl"), format!("{ONE_CALL}\n")).expect("file");
    let out = cli(&root, &["--json".as_ref(), name]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(n(&report["total"]["tokens"], "total"), 10);
    assert_eq!(report["files"][0]["path"], "caf\u{FFFD}-session/s.jsonl");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_report_that_cannot_be_written_is_a_failure() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |stdout: Stdio| {
        Command::new(env!("CARGO_BIN_EXE_agentmeter"))
            .args(["report", "--json", "fixtures/demo"])
            .current_dir(repo)
            .stdout(stdout)
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI runs")
    };
    // A full disk: a message and exit 1.
    if let Ok(full) = std::fs::File::create("/dev/full") {
        let out = run(Stdio::from(full)).wait_with_output().expect("waits");
        assert_eq!(out.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write"));
    }
    // A reader that is gone before the report is written (`| head`): quiet, exit 141.
    let mut child = run(Stdio::piped());
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    assert_eq!(out.status.code(), Some(141));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[cfg(unix)]
#[test]
fn a_home_whose_agent_folders_are_links_is_read_and_a_fifo_path_never_blocks() {
    use std::os::unix::fs::symlink;
    let root = fresh_root("links");
    let elsewhere = root.join("disk/claude-data/projects/p");
    std::fs::create_dir_all(&elsewhere).expect("folder");
    std::fs::create_dir_all(root.join("home")).expect("folder");
    std::fs::write(elsewhere.join("s.jsonl"), format!("{ONE_CALL}\n")).expect("file");
    symlink(root.join("disk/claude-data"), root.join("home/.claude")).expect("link");
    let fifo = root.join("pipe.jsonl");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());

    let mut child = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["report", "--json", "home"])
        .args(made.then_some("pipe.jsonl"))
        .current_dir(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the CLI runs");
    // A FIFO opened for reading would block until a writer came: give up after 30 s.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while child.try_wait().expect("waits").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            panic!("the CLI blocked");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(n(&report["total"]["tokens"], "total"), 10, "{report}");
    assert_eq!(
        report["files"][0]["path"],
        "home/.claude/projects/p/s.jsonl"
    );
    if made {
        assert_eq!(report["files"][1]["path"], "pipe.jsonl");
        assert_eq!(
            report["files"][1]["format"],
            "skipped: not a regular file (FIFO)"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}

/// Two hard links to one transcript are one file: read once, listed under the first name.
#[cfg(unix)]
#[test]
fn hard_links_to_one_transcript_are_read_once() {
    let root = fresh_root("hardlinks");
    let dir = root.join("home/.claude/projects/p");
    std::fs::create_dir_all(&dir).expect("folder");
    std::fs::write(dir.join("a.jsonl"), format!("{ONE_CALL}\n")).expect("file");
    std::fs::hard_link(dir.join("a.jsonl"), dir.join("b.jsonl")).expect("hard link");
    // A third name with other bytes, so the test also sees a different file kept.
    std::fs::write(dir.join("c.jsonl"), format!("{ONE_CALL}\n\n")).expect("file");
    let out = cli(&root, &["--json".as_ref(), "home".as_ref()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let paths: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(|f| f["path"].as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "home/.claude/projects/p/a.jsonl",
            "home/.claude/projects/p/c.jsonl"
        ],
        "{report}"
    );
    assert_eq!(n(&report["total"]["tokens"], "total"), 10, "{report}");
    let _ = std::fs::remove_dir_all(&root);
}
