//! The README's agent tables are the core's table (`src/agents.rs`), word for word, and the CLI's
//! default scan covers every folder that table names.
//!
//! `UPDATE_README=1 cargo test --test agents_table` rewrites the README's tables from the core.

mod parse_support;

use agentmeter::agents::{availability_markdown, folders_markdown, AGENTS};
use parse_support::root;

/// The text between `<!-- agents:NAME ... -->` and `<!-- /agents:NAME -->`, and its bounds.
fn section(readme: &str, name: &str) -> (usize, usize) {
    let open = format!("<!-- agents:{name}");
    let close = format!("<!-- /agents:{name} -->");
    let start = readme
        .find(&open)
        .unwrap_or_else(|| panic!("README lacks {open}"));
    let start = start + readme[start..].find("-->\n").expect("marker end") + 4;
    let end = readme
        .find(&close)
        .unwrap_or_else(|| panic!("README lacks {close}"));
    (start, end)
}

#[test]
fn readme_tables_are_the_core_table() {
    let path = root().join("README.md");
    let mut readme = std::fs::read_to_string(&path).expect("README.md");
    let want = [
        ("folders", folders_markdown()),
        ("availability", availability_markdown()),
    ];
    if std::env::var_os("UPDATE_README").is_some() {
        for (name, text) in &want {
            let (start, end) = section(&readme, name);
            readme.replace_range(start..end, text);
        }
        std::fs::write(&path, &readme).expect("write README.md");
    }
    for (name, text) in &want {
        let (start, end) = section(&readme, name);
        assert_eq!(
            &readme[start..end],
            text.as_str(),
            "README's {name} table differs from src/agents.rs (UPDATE_README=1 rewrites it)"
        );
    }
    for a in AGENTS {
        assert!(
            readme[..].contains(&format!("| {} |", a.agent.label())),
            "{}",
            a.agent.label()
        );
    }
}

fn run_with_home(args: &[&str], home: &std::path::Path) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_agentmeter"));
    cmd.args(args).env("HOME", home).env("TZ", "UTC");
    for var in [
        "CLAUDE_CONFIG_DIR",
        "CODEX_HOME",
        "GEMINI_DATA_DIR",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "COPILOT_HOME",
        "QWEN_RUNTIME_DIR",
        "KIMI_SHARE_DIR",
        "PI_CODING_AGENT_DIR",
        "GOOSE_PATH_ROOT",
        "APPDATA",
        "CRUSH_GLOBAL_DATA",
        "LOCALAPPDATA",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("the binary runs")
}

fn temp_home(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("agentmeter-agents-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// With no PATH, the CLI scans every default folder the table names for this system, and its
/// "no usage found" note names them.
#[cfg(not(windows))]
#[test]
fn the_default_scan_covers_every_folder_in_the_table() {
    let home = temp_home("empty");
    let out = run_with_home(&["report"], &home);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    let scanned = &text[text
        .find("Scanned the default folders:")
        .expect("scanned list")..];
    for info in AGENTS {
        for folder in info.here() {
            let Some(rel) = folder.strip_prefix("~/") else {
                continue; // Crush: the projects it lists.
            };
            let path = home.join(rel);
            assert!(
                scanned.contains(&format!("  {}  (does not exist)", path.display())),
                "{}: {folder} is not scanned:\n{text}",
                info.agent.label()
            );
        }
        assert!(
            text.contains(&format!("  {}: ", info.agent.label())),
            "the note names {}",
            info.agent.label()
        );
    }
    let _ = std::fs::remove_dir_all(&home);
}

/// Cline and Roo Code tasks under any VS Code-like editor, and Codebuff chats, are found by the
/// default scan (Linux layout: `~/.config/<editor>/User/globalStorage/...`).
#[cfg(target_os = "linux")]
#[test]
fn the_default_scan_finds_cline_roo_and_codebuff() {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
            let target = to.join(entry.file_name());
            if entry.path().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), &target).expect("copy");
            }
        }
    }
    let home = temp_home("found");
    let storage = root().join("fixtures/cline/home/.config/Code/User/globalStorage");
    // The Cline tasks in Cursor's folder (not `Code`), the Roo Code tasks in `Code`.
    copy(
        &storage.join("saoudrizwan.claude-dev"),
        &home.join(".config/Cursor/User/globalStorage/saoudrizwan.claude-dev"),
    );
    copy(
        &storage.join("rooveterinaryinc.roo-cline"),
        &home.join(".config/Code/User/globalStorage/rooveterinaryinc.roo-cline"),
    );
    copy(
        &root().join("fixtures/codebuff/home/.config/manicode"),
        &home.join(".config/manicode"),
    );
    let out = run_with_home(&["report", "--json"], &home);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    // Cline: 50 + 1 760 + 21 100 + 45 000 (November 2025 task) + 2 100 + 140 (2024 task)
    // + 2 000 + 200 + 8 000 (December 2025, OpenAI-compatible) = 80 350.
    assert_eq!(v["agents"]["cline"]["tokens"]["total"], 80_350);
    // Roo Code: 6 165 + 2 140 + 23 000 + 37 000 = 68 305.
    assert_eq!(v["agents"]["roo"]["tokens"]["total"], 68_305);
    let files = v["files"].as_array().expect("files");
    assert!(files.iter().any(|f| f["path"]
        .as_str()
        .is_some_and(|p| p.ends_with("messages.json") && p.contains("manicode"))));
    let _ = std::fs::remove_dir_all(&home);
}

/// Crush keeps its database in each project (`<project>/.crush/crush.db`); the default scan
/// finds them through the list in Crush's global data folder (`~/.local/share/crush/
/// projects.json`), and lists that file and the configuration beside it as known files.
#[cfg(target_os = "linux")]
#[test]
fn the_default_scan_reads_the_crush_projects_crush_lists() {
    let home = temp_home("crush");
    let data_dir = home.join("work/proj/.crush");
    std::fs::create_dir_all(&data_dir).expect("mkdir");
    std::fs::copy(
        root().join("fixtures/crush/project/.crush/crush.db"),
        data_dir.join("crush.db"),
    )
    .expect("copy");
    let global = home.join(".local/share/crush");
    std::fs::create_dir_all(&global).expect("mkdir");
    let list = serde_json::json!({"projects": [
        {"path": home.join("work/proj"), "data_dir": data_dir, "last_accessed": "2026-01-02T00:00:00Z"},
        {"path": "/gone", "data_dir": "/gone/.crush", "last_accessed": "2025-12-20T00:00:00Z"},
    ]});
    std::fs::write(global.join("projects.json"), list.to_string()).expect("write");
    std::fs::write(global.join("crush.json"), "{\"options\": {}}").expect("write");
    let out = run_with_home(&["report", "--json"], &home);
    // Exit 3, "no usage found": Crush keeps no tokens, but its sessions and tools are read.
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(v["agents"]["crush"].is_object(), "{}", v["agents"]);
    let files = v["files"].as_array().expect("files");
    let of = |suffix: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
            .unwrap_or_else(|| panic!("{suffix} not in {files:?}"))
    };
    // The same units as the fixture read directly (tests/goose.rs): 7, one malformed.
    let db = of("proj/.crush/crush.db");
    assert_eq!(db["agent"], "crush");
    assert_eq!(
        (db["read"].as_u64(), db["malformed"].as_u64()),
        (Some(7), Some(1))
    );
    for known in ["projects.json", "crush.json"] {
        let f = of(known);
        assert!(f["agent"].is_null(), "{f}");
        assert!(
            f["format"].as_str().is_some_and(|s| s.contains("Crush")),
            "{f}"
        );
    }
    let _ = std::fs::remove_dir_all(&home);
}

/// A dropped folder of any depth is read file by file, by content: a Roo Code task three folders
/// down, a Codebuff chat, a Droid session (history and settings) and a file of no agent, side by
/// side under names that say nothing. Each gets its agent, or its reason.
#[test]
fn a_mixed_folder_is_recognised_file_by_file() {
    let dir = temp_home("mixed");
    let put = |from: &str, to: &str| {
        let to = dir.join(to);
        std::fs::create_dir_all(to.parent().expect("parent")).expect("mkdir");
        std::fs::copy(root().join(from), to).expect("copy");
    };
    put(
        "fixtures/cline/home/.config/Code/User/globalStorage/rooveterinaryinc.roo-cline/tasks/0b9a7f3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b/ui_messages.json",
        "a/b/c/ui_messages.json",
    );
    put(
        "fixtures/codebuff/home/.config/manicode/projects/agentmeter/chats/2025-09-06T08-09-39.123Z/messages.json",
        "a/messages.json",
    );
    put(
        "fixtures/droid/home/.factory/sessions/-home-user-proj/5f0c2a4e-9b1d-4c3e-8f7a-6b5c4d3e2f1a.jsonl",
        "x/s.jsonl",
    );
    put(
        "fixtures/droid/home/.factory/sessions/-home-user-proj/5f0c2a4e-9b1d-4c3e-8f7a-6b5c4d3e2f1a.settings.json",
        "x/s.settings.json",
    );
    std::fs::write(dir.join("x/other.json"), "{\"hello\": 1}\n").expect("write");
    let out = run_with_home(&["report", "--json", dir.to_str().expect("utf-8")], &dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let files = v["files"].as_array().expect("files");
    let of = |suffix: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with(suffix)))
            .unwrap_or_else(|| panic!("{suffix} listed"))
    };
    assert_eq!(of("c/ui_messages.json")["agent"], "roo");
    assert_eq!(of("a/messages.json")["agent"], "codebuff");
    assert_eq!(of("x/s.jsonl")["agent"], "droid");
    assert_eq!(of("x/s.jsonl")["format"], "droid-jsonl");
    assert_eq!(of("x/s.settings.json")["agent"], "droid");
    assert_eq!(
        of("x/other.json")["format"],
        "skipped: not a transcript of any supported agent"
    );
    // Roo Code's task alone: 6 125 + 1 140 + 20 000 + 28 000 = 55 265.
    assert_eq!(v["agents"]["roo"]["tokens"]["total"], 55_265);
    // Droid's session total (tests/droid.rs): 1 200 + 4 000 + 5 000 + 120 000 = 130 200.
    assert_eq!(v["agents"]["droid"]["tokens"]["total"], 130_200);
    let _ = std::fs::remove_dir_all(&dir);
}
