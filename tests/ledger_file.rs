//! Ledger files through the real binary: export then import gives the same figures, importing a
//! ledger twice or with its own folder changes no figure, sources label and filter every view,
//! and a session present under two roots counts once.
//!
//! "Figures" are everything in the JSON report except what the ledger hashes or drops by design
//! (docs/ledger.md): session ids, file paths, git branches, prompt previews, and the names that
//! quote them (drivers' names, insights' evidence and titles).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn demo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo")
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("ledger_file-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn run<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(args)
        .env("TZ", "UTC")
        .env("AGENTMETER_NOW", "2026-04-23T14:00:00Z")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn report(paths: &[&Path], extra: &[&str]) -> Value {
    let mut args: Vec<std::ffi::OsString> = vec!["report".into(), "--json".into()];
    args.extend(extra.iter().map(Into::into));
    args.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    let (code, out, err) = run(&args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_slice(&out).expect("valid JSON")
}

fn export(paths: &[&Path], out: &Path, extra: &[&str]) -> String {
    let mut args: Vec<std::ffi::OsString> = vec!["ledger".into(), "export".into()];
    args.extend(extra.iter().map(Into::into));
    args.push("-o".into());
    args.push(out.as_os_str().to_owned());
    args.extend(paths.iter().map(|p| p.as_os_str().to_owned()));
    let (code, stdout, err) = run(&args);
    assert_eq!(code, 0, "{args:?}: {err}");
    String::from_utf8_lossy(&stdout).into_owned()
}

/// The report without what a ledger hashes or omits by design; `projects`: compare project names
/// (they were kept with `--with-projects`).
fn figures(r: &Value, projects: bool) -> Value {
    let mut v = r.clone();
    let obj = v.as_object_mut().expect("report object");
    let mut sessions: Vec<Value> = r["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|s| {
            let mut s = s.clone();
            let o = s.as_object_mut().expect("session");
            o.remove("session");
            o.remove("git_branch");
            if !projects {
                o.remove("project");
            }
            s
        })
        .collect();
    sessions.sort_by_key(Value::to_string);
    obj.insert("sessions".into(), Value::Array(sessions));
    let files: Vec<Value> = r["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            json!([
                f["agent"],
                f["format"],
                f["bytes"],
                f["read"],
                f["candidates"],
                f["duplicate_in_file"],
                f["ignored"],
                f["malformed"],
                f["source"]
            ])
        })
        .collect();
    let mut files = files;
    files.sort_by_key(Value::to_string);
    obj.insert("files".into(), Value::Array(files));
    let insights: Vec<Value> = r["insights"]
        .as_array()
        .expect("insights")
        .iter()
        .map(|i| json!([i["id"], i["severity"], i["figure"], i["unit"]]))
        .collect();
    obj.insert("insights".into(), Value::Array(insights));
    obj.remove("drivers");
    if projects {
        for p in obj["projects"].as_array_mut().expect("projects") {
            p.as_object_mut().expect("project").remove("branches");
        }
    } else {
        let mut rows: Vec<Value> = r["projects"]
            .as_array()
            .expect("projects")
            .iter()
            .map(|p| json!([p["tokens"], p["calls"], p["sessions"], p["tool_calls"]]))
            .collect();
        rows.sort_by_key(Value::to_string);
        obj.insert("projects".into(), Value::Array(rows));
    }
    v
}

#[test]
fn export_then_import_gives_the_same_figures_and_holds_no_text() {
    let dir = scratch("roundtrip");
    let plain = dir.join("demo.ledger");
    let zipped = dir.join("demo.ledger.gz");
    let said = export(&[&demo()], &plain, &["--with-projects"]);
    assert!(said.contains("317 model calls"), "{said}");
    export(&[&demo()], &zipped, &[]);
    let bytes = std::fs::read(&plain).expect("written");
    assert!(bytes.starts_with(b"AMLEDGER"));
    assert_eq!(
        &std::fs::read(&zipped).expect("written")[..2],
        &[0x1f, 0x8b]
    );

    let folder = report(&[&demo()], &[]);
    let from_ledger = report(&[&plain], &[]);
    assert_eq!(figures(&from_ledger, true), figures(&folder, true));
    let from_zipped = report(&[&zipped], &[]);
    assert_eq!(figures(&from_zipped, false), figures(&folder, false));
    assert_ne!(
        from_zipped["projects"], folder["projects"],
        "projects are hashed by default"
    );
    assert!(from_zipped["projects"][0]["project"]
        .as_str()
        .is_some_and(|p| p.starts_with("h:")));

    // Content-free: no session id, path, project, prompt text or branch of the demo is in a
    // ledger exported without `--with-projects`.
    let hashed = dir.join("hashed.ledger");
    export(&[&demo()], &hashed, &[]);
    let text = String::from_utf8_lossy(&std::fs::read(&hashed).expect("written")).into_owned();
    assert!(!text.contains("/home/"), "a project path in the ledger");
    for s in folder["sessions"].as_array().expect("sessions") {
        let id = s["session"].as_str().expect("id");
        assert!(!text.contains(id), "session id {id} in the ledger");
        if let Some(b) = s["git_branch"].as_str().filter(|b| b.len() > 3) {
            assert!(!text.contains(b), "branch {b} in the ledger");
        }
    }
    for f in folder["files"].as_array().expect("files") {
        let path = f["path"].as_str().expect("path");
        let name = path.rsplit('/').next().expect("name");
        assert!(!text.contains(name), "file name {name} in the ledger");
    }
    assert!(!text.contains("fixtures"));
}

#[test]
fn importing_twice_or_with_its_folder_changes_no_figure() {
    let dir = scratch("idempotent");
    let a = dir.join("a.ledger");
    let b = dir.join("b.ledger.gz");
    export(&[&demo()], &a, &["--with-projects"]);
    export(&[&demo()], &b, &["--with-projects"]);
    let once = report(&[&a], &[]);
    let twice = report(&[&a, &b, &a], &[]);
    assert_eq!(twice, once, "the same ledger twice is the same report");
    let folder = report(&[&demo()], &[]);
    let both = report(&[&a, &demo()], &[]);
    assert_eq!(figures(&both, true), figures(&folder, true));
    // The folder's own names win over the ledger's hashed ones.
    assert_eq!(both["projects"], folder["projects"]);
}

#[test]
fn a_session_under_two_roots_counts_once_and_sources_filter_every_view() {
    let dir = scratch("two-roots");
    let alice = dir.join("alice");
    let copy = dir.join("copy");
    copy_dir(&demo(), &alice);
    copy_dir(&demo(), &copy);
    let one = report(&[&alice], &[]);
    let two = report(&[&alice, &copy], &[]);
    assert_eq!(two["total"], one["total"]);
    assert_eq!(two["kpis"], one["kpis"]);
    assert_eq!(one["sources"][0]["source"], "alice");
    // Labels given as PATH=LABEL; each calls counts under one label only.
    let labelled = report(
        &[
            Path::new(&format!("{}=Alice", alice.display())),
            Path::new(&format!("{}=Bob", copy.display())),
        ],
        &[],
    );
    let calls: u64 = labelled["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["calls"].as_u64().expect("calls"))
        .sum();
    assert_eq!(calls, one["total"]["calls"].as_u64().expect("calls"));

    // Two people: a ledger relabelled `bob` plus a folder labelled `alice` (different data:
    // one person's Claude, the other's Codex).
    let claude = dir.join("claude-only");
    let codex = dir.join("codex-only");
    copy_dir(&demo().join(".claude"), &claude.join(".claude"));
    copy_dir(&demo().join(".codex"), &codex.join(".codex"));
    let bob = dir.join("bob.ledger");
    export(&[&codex], &bob, &[]);
    let team = report(
        &[
            Path::new(&format!("{}=alice", claude.display())),
            Path::new(&format!("{}=bob", bob.display())),
        ],
        &[],
    );
    let labels: Vec<&str> = team["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["source"].as_str().expect("label"))
        .collect();
    assert_eq!(labels.len(), 2, "{labels:?}");
    assert!(labels.contains(&"alice") && labels.contains(&"bob"));
    let (code, text, err) = run(&[
        std::ffi::OsString::from("report"),
        format!("{}=alice", claude.display()).into(),
        format!("{}=bob", bob.display()).into(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = String::from_utf8_lossy(&text);
    let table = text.split("By source").nth(1).expect("a By source table");
    assert!(table.contains("alice") && table.contains("bob"), "{table}");
    let only_bob = report(
        &[
            Path::new(&format!("{}=alice", claude.display())),
            Path::new(&format!("{}=bob", bob.display())),
        ],
        &["--source", "bob"],
    );
    let codex_alone = report(&[&codex], &[]);
    assert_eq!(only_bob["total"], codex_alone["total"]);
    assert_eq!(only_bob["days"], codex_alone["days"]);
    assert_eq!(only_bob["tool_health"], codex_alone["tool_health"]);
    assert_eq!(only_bob["sources"].as_array().map(Vec::len), Some(1));
}

#[test]
fn a_copilot_session_under_two_roots_counts_once() {
    // Copilot's output-only records (a segment that never shut down) are keyed by session and
    // message id, never by path. The real session without its shutdown line is such a segment.
    let dir = scratch("copilot-two-roots");
    let id = "96ef38f0-9d09-45c3-8124-6448c36090ed";
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/copilot/session-state")
        .join(id)
        .join("events.jsonl");
    let text = std::fs::read_to_string(src).expect("fixture");
    let cut: String = text
        .lines()
        .filter(|l| !l.contains("\"session.shutdown\""))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(cut.len() < text.len(), "the fixture has a shutdown line");
    for root in ["a", "b"] {
        let folder = dir.join(root).join("session-state").join(id);
        std::fs::create_dir_all(&folder).expect("mkdir");
        std::fs::write(folder.join("events.jsonl"), &cut).expect("write");
    }
    let one = report(&[&dir.join("a")], &[]);
    let two = report(&[&dir.join("a"), &dir.join("b")], &[]);
    assert!(one["total"]["calls"].as_u64().is_some_and(|n| n > 0));
    assert_eq!(two["total"], one["total"]);
}

#[test]
fn a_newer_or_damaged_ledger_is_refused_with_the_reason() {
    let dir = scratch("refused");
    let good = dir.join("good.ledger");
    export(&[&demo()], &good, &[]);
    let mut bytes = std::fs::read(&good).expect("written");
    bytes[8] = 7;
    let newer = dir.join("newer.ledger");
    std::fs::write(&newer, &bytes).expect("write");
    let (code, _, err) = run(&["report".as_ref(), newer.as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("ledger format version 7 is newer than this agentmeter reads"),
        "{err}"
    );
    let cut = dir.join("cut.ledger");
    std::fs::write(&cut, &std::fs::read(&good).expect("read")[..200]).expect("write");
    let (code, _, err) = run(&["report".as_ref(), cut.as_os_str()]);
    assert_eq!(code, 2);
    assert!(err.contains("damaged ledger"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
