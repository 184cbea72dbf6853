//! The hostile corpus: a home folder where every file is damaged in some way an attacker, a
//! crash or a careless tool could damage it, built fresh in a temporary folder.
//!
//! Used by `tests/hostile.rs` (which runs it through the CLI binary) and by
//! `examples/hostile_corpus.rs` (`scripts/hostile-corpus DIR` writes it for manual runs, e.g.
//! to drop into the browser app). Every file is described by a [`Entry`]: where it is and what
//! the report must say about it, so the test checks each file's fate, not only the totals.
#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the report must say about one file of the corpus.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Path relative to the corpus root as reports show it (`/`-separated, lossy).
    pub rel: String,
    /// The start of its `format` in the report: a parser name or `skipped: <reason>`.
    pub format: &'static str,
    /// Its billable tokens (input + output + cache writes + cache reads) when read alone.
    pub tokens: u64,
    /// True for line formats whose `read` must equal the file's physical lines.
    pub lines_checked: bool,
}

/// The built corpus.
#[derive(Debug)]
pub struct Corpus {
    /// The folder holding `home/`.
    pub root: PathBuf,
    pub entries: Vec<Entry>,
    /// False when the process can read a mode-000 file anyway (it runs as root): the locked
    /// file is then read and counted like any other.
    pub locked_is_unreadable: bool,
}

impl Corpus {
    /// The sum of tokens every entry contributes.
    #[must_use]
    pub fn expected_tokens(&self) -> u64 {
        self.entries.iter().map(|e| e.tokens).sum()
    }
}

/// Every usage line below carries these 120 tokens (3 + 10 + 100 + 7).
pub const LINE_TOKENS: u64 = 120;

const USAGE: &str = r#"{"input_tokens":3,"cache_creation_input_tokens":10,"cache_read_input_tokens":100,"output_tokens":7}"#;

/// A Claude assistant line with its own message id and the given usage JSON.
fn claude(id: &str, usage: &str) -> String {
    claude_with(id, "claude-opus-4-6", usage)
}

fn claude_with(id: &str, model: &str, usage: &str) -> String {
    format!(
        r#"{{"parentUuid":null,"isSidechain":false,"userType":"external","cwd":"/w","sessionId":"hostile","version":"2.1.39","type":"assistant","uuid":"u-{id}","timestamp":"2026-02-12T14:12:00.000Z","requestId":"req_{id}","message":{{"model":"{model}","id":"msg_{id}","type":"message","role":"assistant","content":[{{"type":"text","text":"hi"}}],"usage":{usage}}}}}"#
    )
}

fn good(id: &str) -> String {
    claude(id, USAGE)
}

fn join(lines: &[&str]) -> Vec<u8> {
    let mut out = lines.join("\n").into_bytes();
    out.push(b'\n');
    out
}

fn repo(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn with_bom(bytes: &[u8]) -> Vec<u8> {
    [b"\xEF\xBB\xBF".as_slice(), bytes].concat()
}

fn crlf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 64);
    for &b in bytes {
        if b == b'\n' {
            out.push(b'\r');
        }
        out.push(b);
    }
    out
}

/// Builds the corpus below `root` (emptied first) and describes it.
///
/// # Panics
/// When the temporary folder cannot be written.
#[must_use]
pub fn build(root: &Path) -> Corpus {
    let _ = fs::remove_dir_all(root);
    let home = root.join("home");
    let projects = home.join(".claude/projects/p");
    let codex = home.join(".codex/sessions/2025/09/19");
    let gemini = home.join(".gemini/tmp/h/chats");
    for dir in [&projects, &codex, &gemini] {
        fs::create_dir_all(dir).expect("corpus folder");
    }
    let mut entries = Vec::new();
    let mut put = |rel: &str, bytes: &[u8], format: &'static str, tokens: u64| {
        let path = root.join(rel);
        fs::write(&path, bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
        entries.push(Entry {
            rel: rel.to_owned(),
            format,
            tokens,
            lines_checked: format.ends_with("jsonl"),
        });
    };
    let p = "home/.claude/projects/p";

    // Real transcripts with a BOM and CRLF line ends: the figures of the originals.
    let real_claude = "fixtures/demo/.claude/projects/-home-USER-projects-spotter/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl";
    put(
        &format!("{p}/d6e0bada-1959-4eec-a9d2-0bfade768d8f.jsonl"),
        &with_bom(&crlf(&repo(real_claude))),
        "claude-jsonl",
        106_193,
    );
    let real_codex = "fixtures/demo/.codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl";
    put(
        "home/.codex/sessions/2025/09/19/rollout-2025-09-19T09-02-12-01996135-afde-7911-97f0-d863511eca56.jsonl",
        &with_bom(&crlf(&repo(real_codex))),
        "codex-jsonl",
        283_081,
    );
    let gemini_demo = "fixtures/demo/.gemini/tmp";
    put(
        "home/.gemini/tmp/h/chats/session-2025-10-05T07-11-eefc44a3.json",
        &with_bom(&repo(&format!("{gemini_demo}/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json"))),
        "gemini-json",
        0, // counted with its migrated .jsonl below (680,465 together)
    );
    // The same legacy document minified to one line (read as a stream, not as lines: the same
    // messages, so nothing more counts), and cut short mid-message (one malformed unit).
    let legacy = repo(&format!("{gemini_demo}/ab14fe397f91d5f283525b3178d2314aef552f761131c42172a21b7bf735e73d/chats/session-2025-10-05T07-11-eefc44a3.json"));
    let minified = serde_json::from_slice::<serde_json::Value>(&legacy)
        .map(|v| v.to_string().into_bytes())
        .expect("the legacy fixture is JSON");
    put(
        "home/.gemini/tmp/h/chats/session-2025-10-05T07-11-minified.json",
        &minified,
        "gemini-json",
        0,
    );
    put(
        "home/.gemini/tmp/h/chats/session-2025-10-05T07-11-cut.json",
        &legacy[..legacy.len() * 2 / 3],
        "gemini-json",
        0,
    );
    put(
        "home/.gemini/tmp/h/chats/session-2026-04-23T12-52-0ab84937.jsonl",
        &with_bom(&repo(&format!("{gemini_demo}/9da8b3dfb8655182ac1f0e66601c367e34f8d18447a29759eeba4d7e45dc60ea/chats/session-2026-04-23T12-52-0ab84937.jsonl"))),
        "gemini-jsonl",
        680_465,
    );

    // Invalid UTF-8 in message text: the usage is kept.
    let mut bad = good("utf8").into_bytes();
    let at = bad
        .windows(4)
        .position(|w| w == b"\"hi\"")
        .expect("text field");
    bad.splice(at + 1..at + 3, [0xff, 0xfe]);
    bad.push(b'\n');
    put(
        &format!("{p}/bad-utf8.jsonl"),
        &bad,
        "claude-jsonl",
        LINE_TOKENS,
    );

    // A stray NUL costs its own line only.
    let nul = good("nul-mid").replace("\"hi\"", "\"h\0i\"");
    put(
        &format!("{p}/nul.jsonl"),
        &join(&[&good("nul-a"), &nul, &good("nul-b")]),
        "claude-jsonl",
        2 * LINE_TOKENS,
    );

    // Out-of-range and wrongly typed numbers, nulls and missing fields.
    let max = u64::MAX.to_string();
    put(
        &format!("{p}/numbers.jsonl"),
        &join(&[
            &claude(
                "n-max",
                &format!(r#"{{"input_tokens":{max},"output_tokens":1}}"#),
            ),
            &claude("n-big", r#"{"input_tokens":1e400}"#),
            &claude("n-neg", r#"{"input_tokens":-5}"#),
            &claude("n-frac", r#"{"input_tokens":1.5}"#),
            &claude("n-str", r#"{"input_tokens":"12"}"#),
            &claude("n-abc", r#""abc""#),
            &claude("n-null", "null"),
            &claude("n-nulls", r#"{"input_tokens":null,"output_tokens":4}"#),
            &claude("n-missing", r#"{"output_tokens":2}"#),
            r#"{"type":"assistant","message":null,"sessionId":null,"timestamp":null}"#,
        ]),
        "claude-jsonl",
        4 + 2,
    );

    // Unknown record types and future versions.
    put(
        &format!("{p}/future.jsonl"),
        &join(&[
            &good("future").replace("2.1.39", "99.0.0"),
            r#"{"type":"hologram-2030","parentUuid":null,"payload":{"q":[1,{"r":null}]}}"#,
            r#"{"type":"assistant"}"#,
        ]),
        "claude-jsonl",
        LINE_TOKENS,
    );

    // Truncated and interleaved writes (two writers, one line cut into the other).
    let a = good("t-a");
    let b = good("t-b");
    let c = good("t-c");
    let (c1, c2) = c.split_at(c.len() / 2);
    let interleaved = format!("{c1}{b}\n{c2}");
    put(
        &format!("{p}/truncated.jsonl"),
        &[
            join(&[&a, &interleaved]),
            good("t-d").as_bytes()[..200].to_vec(),
        ]
        .concat(),
        "claude-jsonl",
        LINE_TOKENS,
    );

    // Spaced and pretty-printed JSON.
    let spaced = good("s-a").replace("\":", "\" : ").replace(",\"", " , \"");
    let pretty = format!(
        "{{\n  \"type\": \"assistant\",\n  \"message\": {{\n    \"id\": \"msg_s-b\",\n    \"usage\": {USAGE}\n  }}\n}}"
    );
    put(
        &format!("{p}/spaced.jsonl"),
        &join(&[&spaced, &pretty]),
        "claude-jsonl",
        LINE_TOKENS,
    );

    // Deep nesting (far beyond serde_json's recursion limit).
    let deep = format!(
        r#"{{"type":"assistant","parentUuid":null,"message":{{"id":"x","usage":{}1{}}}}}"#,
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    put(
        &format!("{p}/deep.jsonl"),
        &join(&[&deep, &good("deep")]),
        "claude-jsonl",
        LINE_TOKENS,
    );

    // A 50 MB line (a pasted image), then a usage line.
    let mut huge = br#"{"parentUuid":null,"isSidechain":false,"type":"user","uuid":"u-big","sessionId":"hostile","message":{"role":"user","content":[{"type":"image","source":{"type":"base64","data":""#.to_vec();
    huge.resize(huge.len() + 50_000_000, b'A');
    huge.extend_from_slice(b"\"}}]}}\n");
    huge.extend_from_slice(good("huge").as_bytes());
    huge.push(b'\n');
    put(
        &format!("{p}/huge.jsonl"),
        &huge,
        "claude-jsonl",
        LINE_TOKENS,
    );

    // A line with no ids, twice: two calls; the file is also reached through a second
    // spelling (.config/claude -> .claude), and must not count again.
    let unkeyed = good("nokey")
        .replace(r#""requestId":"req_nokey","#, "")
        .replace(r#""id":"msg_nokey","#, "");
    put(
        &format!("{p}/unkeyed.jsonl"),
        &join(&[&unkeyed, &unkeyed]),
        "claude-jsonl",
        2 * LINE_TOKENS,
    );

    // Terminal escape sequences in a model name (unpriced, tokens counted).
    put(
        &format!("{p}/escape.jsonl"),
        &join(&[&claude_with(
            "esc",
            r"evil\u001b]0;pwned\u0007\u001b[2J\u009b31m\r",
            USAGE,
        )]),
        "claude-jsonl",
        LINE_TOKENS,
    );

    // Binary files with agent-like names, and an empty one.
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend_from_slice(good("png").as_bytes());
    put(&format!("{p}/image.jsonl"), &png, "skipped: binary file", 0);
    put(
        "home/.codex/sessions/2025/09/19/rollout-2025-09-19T10-00-00-zeros.jsonl",
        &vec![0u8; 100_000],
        "skipped: binary file",
        0,
    );
    put(&format!("{p}/empty.jsonl"), b"", "skipped: empty file", 0);

    // Codex: cached above input (clamped), a future envelope type, wrong shapes, overflow.
    put(
        "home/.codex/sessions/2025/09/19/rollout-2025-09-19T11-00-00-hostile.jsonl",
        &join(&[
            r#"{"timestamp":"2025-09-19T11:00:00.000Z","type":"session_meta","payload":{"id":"hostile-codex","cli_version":"9.9.9"}}"#,
            r#"{"timestamp":"2025-09-19T11:00:01.000Z","type":"turn_context","payload":{"model":"gpt-5"}}"#,
            r#"{"timestamp":"2025-09-19T11:00:02.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":10,"cached_input_tokens":25,"output_tokens":3,"reasoning_output_tokens":0}}}}"#,
            r#"{"timestamp":"2025-09-19T11:00:03.000Z","type":"quantum_state","payload":{"x":1}}"#,
            r#"{"timestamp":"2025-09-19T11:00:04.000Z","type":"event_msg","payload":{"type":"token_count","info":"abc"}}"#,
            r#"{"timestamp":"2025-09-19T11:00:05.000Z","type":"event_msg","payload":{"type":"token_count","info":{"total_token_usage":{"input_tokens":"12"}}}}"#,
            r#"{"timestamp":"2025-09-19T11:00:06.000Z","type":"event_msg"}"#,
            r#"{"timestamp":null,"type":null,"payload":null}"#,
            &format!(
                r#"{{"timestamp":"2025-09-19T11:00:07.000Z","type":"event_msg","payload":{{"type":"token_count","info":{{"total_token_usage":{{"input_tokens":{max},"cached_input_tokens":0,"output_tokens":{max}}}}}}}}}"#
            ),
        ]),
        "codex-jsonl",
        13,
    );

    // Gemini: wrong shapes, overflow, null tokens, one good message.
    put(
        "home/.gemini/tmp/h/chats/session-hostile.jsonl",
        &join(&[
            r#"{"sessionId":"hostile-gemini","projectHash":"h","startTime":"2026-04-23T12:52:52.759Z","kind":"main"}"#,
            r#"{"id":"g1","timestamp":"2026-04-23T12:53:00.000Z","type":"gemini","tokens":"abc","model":"gemini-2.5-pro"}"#,
            &format!(
                r#"{{"id":"g2","timestamp":"2026-04-23T12:53:01.000Z","type":"gemini","tokens":{{"input":{max},"output":1}},"model":"gemini-2.5-pro"}}"#
            ),
            r#"{"id":"g3","timestamp":"2026-04-23T12:53:02.000Z","type":"gemini","tokens":null,"model":"gemini-2.5-pro"}"#,
            r#"{"id":"g4","timestamp":"2026-04-23T12:53:03.000Z","type":"gemini","tokens":{"input":10,"output":2,"cached":4},"model":"gemini-2.5-pro"}"#,
            r#"{"$rewindTo":{"deep":[[[]]]}}"#,
        ]),
        "gemini-jsonl",
        12,
    );

    // A folder whose name is not UTF-8.
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let dir = projects.join(std::ffi::OsStr::from_bytes(b"\xffproj"));
        fs::create_dir_all(&dir).expect("non-UTF-8 folder");
        fs::write(dir.join("s.jsonl"), join(&[&good("nonutf")])).expect("write");
        // Another name that differs only in its invalid byte: it looks alike, and is numbered.
        let twin = projects.join(std::ffi::OsStr::from_bytes(b"\xfeproj"));
        fs::create_dir_all(&twin).expect("non-UTF-8 folder");
        fs::write(twin.join("s.jsonl"), join(&[&good("nonutf-twin")])).expect("write");
        entries.push(Entry {
            rel: format!("{p}/\u{FFFD}proj/s.jsonl (2)"),
            format: "claude-jsonl",
            tokens: LINE_TOKENS,
            lines_checked: false,
        });
        entries.push(Entry {
            rel: format!("{p}/\u{FFFD}proj/s.jsonl"),
            format: "claude-jsonl",
            tokens: LINE_TOKENS,
            lines_checked: true,
        });
    }

    // Unreadable, dangling, special and looping entries.
    let locked = projects.join("locked.jsonl");
    fs::write(&locked, join(&[&good("locked")])).expect("write");
    let locked_is_unreadable = lock(&locked);
    entries.push(Entry {
        rel: format!("{p}/locked.jsonl"),
        format: if locked_is_unreadable {
            "skipped: unreadable: permission denied"
        } else {
            "claude-jsonl"
        },
        tokens: if locked_is_unreadable { 0 } else { LINE_TOKENS },
        lines_checked: !locked_is_unreadable,
    });
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink(root.join("nowhere/x.jsonl"), projects.join("gone.jsonl")).expect("symlink");
        entries.push(Entry {
            rel: format!("{p}/gone.jsonl"),
            format: "skipped: unreadable: not found",
            tokens: 0,
            lines_checked: false,
        });
        symlink("..", projects.join("loop")).expect("symlink");
        entries.push(Entry {
            rel: format!("{p}/loop"),
            format: "skipped: symlink loop",
            tokens: 0,
            lines_checked: false,
        });
        fs::create_dir_all(home.join(".config")).expect("folder");
        symlink("../.claude", home.join(".config/claude")).expect("symlink");
        if mkfifo(&projects.join("pipe.jsonl")) {
            entries.push(Entry {
                rel: format!("{p}/pipe.jsonl"),
                format: "skipped: not a regular file (FIFO)",
                tokens: 0,
                lines_checked: false,
            });
        }
    }
    let mut readme = fs::File::create(root.join("README.txt")).expect("readme");
    let _ = writeln!(
        readme,
        "agentmeter hostile corpus: point the CLI or the web app at home/"
    );
    Corpus {
        root: root.to_path_buf(),
        entries,
        locked_is_unreadable,
    }
}

/// Makes `path` unreadable; false when it stays readable (the process is root).
fn lock(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if fs::set_permissions(path, fs::Permissions::from_mode(0o000)).is_err() {
            return false;
        }
        fs::File::open(path).is_err()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Creates a FIFO with the system's `mkfifo` (no libc dependency for one test file).
#[cfg(unix)]
fn mkfifo(path: &Path) -> bool {
    std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

/// Gives a locked file its permissions back so the folder can be removed.
pub fn unlock_all(corpus: &Corpus) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let locked = corpus.root.join("home/.claude/projects/p/locked.jsonl");
        let _ = fs::set_permissions(locked, fs::Permissions::from_mode(0o644));
    }
    let _ = corpus;
}
