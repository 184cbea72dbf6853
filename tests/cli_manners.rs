//! The CLI behaves as users of ripgrep, cargo and ccusage expect: `--version`, a help that matches
//! the code, distinct exit statuses, a useful "nothing found", no colour when piped.

use std::process::{Command, Output};

fn agentmeter(args: &[&str], home: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(args)
        .env("HOME", home)
        .env_remove("CLAUDE_CONFIG_DIR")
        .env_remove("CODEX_HOME")
        .env_remove("GEMINI_DATA_DIR")
        .env_remove("XDG_CONFIG_HOME")
        .env("TZ", "UTC")
        .output()
        .expect("the binary runs")
}

fn temp(name: &str) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("agentmeter-manners-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn version_and_help() {
    let home = temp("help");
    for flag in ["--version", "-V"] {
        let out = agentmeter(&[flag], &home);
        assert!(out.status.success());
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("agentmeter {}\n", env!("CARGO_PKG_VERSION"))
        );
    }
    let out = agentmeter(&["--help"], &home);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for word in [
        "report",
        "daily",
        "weekly",
        "monthly",
        "session",
        "blocks",
        "models",
        "tools",
        "insights",
        "--since",
        "--until",
        "--agent",
        "--model",
        "--project",
        "--json",
        "--tz",
        "NO_COLOR",
        "EXIT STATUS",
    ] {
        assert!(help.contains(word), "help mentions {word}");
    }
    // The documented zone default is what the code does: $TZ, else the system zone, else UTC.
    assert!(help.contains("default: $TZ, else the system zone"));
}

#[test]
fn nothing_found_exits_3_and_names_the_folders_scanned() {
    let home = temp("empty");
    let out = agentmeter(&["report"], &home);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("No agent usage found."));
    for folder in [
        ".claude/projects",
        ".config/claude/projects",
        ".codex/sessions",
        ".codex/archived_sessions",
        ".gemini/tmp",
    ] {
        let path = home.join(folder);
        assert!(
            text.contains(&format!("{}  (does not exist)", path.display())),
            "names {folder}:\n{text}"
        );
    }
    // An explicit folder without transcripts: named as scanned, also exit 3.
    let given = temp("given");
    let out = agentmeter(&["daily", given.to_str().expect("utf-8 temp")], &home);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("Scanned:\n  {}\n", given.display())),
        "{text}"
    );
    // JSON stays pure JSON, with the same status.
    let out = agentmeter(&["report", "--json", given.to_str().expect("utf-8")], &home);
    assert_eq!(out.status.code(), Some(3));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(v["total"]["calls"], 0);
}

#[test]
fn bad_arguments_exit_2_on_stderr_only() {
    let home = temp("bad");
    for args in [
        &["frobnicate"][..],
        &["report", "--nope"][..],
        &["report", "/no/such/dir"][..],
    ] {
        let out = agentmeter(args, &home);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty());
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("agentmeter: "));
    }
}

#[test]
fn found_usage_exits_0_with_one_agent_naming_and_no_colour_when_piped() {
    let home = temp("found");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let out = agentmeter(&["report", demo], &home);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}'), "no escape codes in piped output");
    // Agents are named by their id in every table (as `--agent` takes them).
    assert!(!text.contains("Claude Code "), "{text}");
    let by_agent = text.split("By agent").nth(1).expect("by agent table");
    assert!(by_agent.contains("\n  claude "), "{by_agent}");
    // The daily table has a subtotal for days with several rows and a total.
    let daily = text.split("By model").next().expect("daily table");
    assert!(daily.contains("2026-02-12 subtotal"));
    assert!(daily.lines().any(|l| l.trim_start().starts_with("Total")));
}
