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

/// A scratch folder under the system's temp dir, removed when the test ends (failed or not), so
/// runs leave nothing behind in /tmp.
struct Scratch(std::path::PathBuf);

impl std::ops::Deref for Scratch {
    type Target = std::path::Path;
    fn deref(&self) -> &std::path::Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for Scratch {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn temp(name: &str) -> Scratch {
    let dir =
        std::env::temp_dir().join(format!("agentmeter-manners-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    Scratch(dir)
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

/// The agent ids `--agent` takes, as the README lists them.
const AGENT_IDS: [&str; 10] = [
    "claude", "codex", "gemini", "copilot", "qwen", "amp", "kimi", "opencode", "pi", "goose",
];

#[test]
fn help_names_every_agent_id_and_each_is_accepted() {
    let home = temp("agents");
    let help = agentmeter(&["--help"], &home);
    let help = String::from_utf8_lossy(&help.stdout);
    let agent_entry: String = help
        .split("--agent A")
        .nth(1)
        .and_then(|rest| rest.split("--model").next())
        .expect("an --agent entry")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for id in AGENT_IDS {
        assert!(
            agent_entry.contains(&format!(" {id},")) || agent_entry.contains(&format!(" {id};")),
            "--agent help names {id}: {agent_entry}"
        );
        // Accepted (not a usage error): nothing found in the empty home, so 3.
        let out = agentmeter(&["report", "--agent", id], &home);
        assert_eq!(out.status.code(), Some(3), "--agent {id}: {:?}", out.stderr);
    }
    let out = agentmeter(&["report", "--agent", "cursor"], &home);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_lists_the_exit_statuses_the_binary_uses() {
    let home = temp("statuses");
    let help = agentmeter(&["--help"], &home);
    let help = String::from_utf8_lossy(&help.stdout);
    let statuses = help.split("EXIT STATUS:").nth(1).expect("section");
    for (code, words) in [
        ("0", "the report was printed"),
        ("1", "the report could not be written"),
        ("2", "bad arguments"),
        ("3", "the report was printed, but no agent usage was found"),
        ("4", "(otlp) the export failed"),
        ("141", "the reader stopped early"),
    ] {
        assert!(
            statuses.contains(&format!("{code}  {words}")),
            "{code}: {statuses}"
        );
    }
}

/// Output that cannot be written is an error with status 1, not a silent success.
#[cfg(target_os = "linux")]
#[test]
fn a_report_that_cannot_be_written_exits_1() {
    let home = temp("full");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["report", demo])
        .env("HOME", &home)
        .env("TZ", "UTC")
        .stdout(full)
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("agentmeter: cannot write the report: "),
        "{err}"
    );
}

/// A reader that went away (`agentmeter report | head -0`) ends the run with 141, quietly.
#[cfg(unix)]
#[test]
fn a_closed_pipe_exits_141_quietly() {
    use std::process::Stdio;
    let home = temp("pipe");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let mut child = Command::new(env!("CARGO_BIN_EXE_agentmeter"))
        .args(["report", demo])
        .env("HOME", &home)
        .env("TZ", "UTC")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // Close the reading end before the report is written.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("waits");
    assert_eq!(out.status.code(), Some(141));
    assert!(
        out.stderr.is_empty(),
        "{:?}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// On a terminal the tables are coloured, unless NO_COLOR is set or TERM is dumb. The terminal
/// is a pseudo-terminal from util-linux `script` (in every Debian install: bsdutils is
/// essential).
#[cfg(target_os = "linux")]
#[test]
fn colour_on_a_terminal_only_and_never_with_no_color() {
    let home = temp("tty");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let on_tty = |vars: &[(&str, &str)]| -> String {
        let mut cmd = Command::new("script");
        cmd.args(["-qec"])
            .arg(format!(
                "'{}' report '{demo}'",
                env!("CARGO_BIN_EXE_agentmeter")
            ))
            .arg("/dev/null")
            .env("HOME", &home)
            .env("TZ", "UTC")
            .env("TERM", "xterm")
            .env_remove("NO_COLOR");
        for (k, v) in vars {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("util-linux `script` runs");
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let plain = on_tty(&[]);
    assert!(plain.contains("By agent"), "{plain}");
    assert!(plain.contains('\u{1b}'), "coloured on a terminal");
    assert!(!on_tty(&[("NO_COLOR", "1")]).contains('\u{1b}'));
    assert!(!on_tty(&[("TERM", "dumb")]).contains('\u{1b}'));
}

/// `daily`: one row per day (each day's total over its agents and models) and a total row that
/// is their sum.
#[test]
fn daily_rows_add_up_to_the_total_row() {
    let home = temp("daily");
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/demo");
    let out = agentmeter(&["daily", demo], &home);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    // The "Total" column is the second last: `... 1,196,531 $0.76`.
    let total_column = |line: &str| -> u64 {
        let cells: Vec<&str> = line.split_whitespace().collect();
        cells[cells.len() - 2]
            .replace(',', "")
            .parse()
            .expect("a token count")
    };
    let days: Vec<&str> = text
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            t.len() > 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-'
        })
        .collect();
    assert!(days.len() >= 5, "{text}");
    let mut seen: Vec<&str> = days.iter().map(|l| &l.trim_start()[..10]).collect();
    seen.dedup();
    assert_eq!(seen.len(), days.len(), "one row per day");
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("Total"))
        .expect("a total row");
    assert_eq!(
        days.iter().map(|l| total_column(l)).sum::<u64>(),
        total_column(total)
    );
}
