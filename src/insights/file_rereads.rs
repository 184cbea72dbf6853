//! `file-rereads`: the same file read again and again across sessions.
//!
//! Why it matters: every read puts the file's text into the context again and is paid as input
//! on that call and, cached or not, on every later call of the session. A file the agent reads
//! in session after session is knowledge the project should hand it once (an instructions file,
//! a summary) instead of having it rediscovered.
//!
//! Rule: a tool call is a *read* when its tool is in the file-read category
//! ([`crate::tool_category::categorize`]) or is one of the single-file read tools in
//! [`READ_TOOLS`] (the category table is still a placeholder), and it names a target file. Reads
//! are grouped by the file's full path: a relative target is joined to its session's project
//! directory, so `src/lib.rs` in two projects stays two files. A file is reported when it was read
//! at least [`FILE_REREAD_MIN_READS`] times in at least [`FILE_REREAD_MIN_SESSIONS`] sessions and
//! those reads returned more than [`FILE_REREAD_MIN_BYTES`] in total (a read without a recorded
//! result size counts 0 bytes). One insight per file, the most read first, at most
//! [`MAX_INSIGHTS_PER_DETECTOR`]. Figure: the number of reads.

use std::collections::{BTreeMap, BTreeSet};

use crate::analysis::Analysis;
use crate::model::Agent;
use crate::tool_category::{categorize, ToolCategory};

use super::common::{kilobytes, session_label};
use super::thresholds::{
    FILE_REREAD_MIN_BYTES, FILE_REREAD_MIN_READS, FILE_REREAD_MIN_SESSIONS, MAX_EVIDENCE,
    MAX_INSIGHTS_PER_DETECTOR,
};
use super::{Insight, Severity};

pub const ID: &str = "file-rereads";

/// Tools that read one file: Claude Code `Read`, Gemini CLI `read_file`, and `view` (the
/// read-only file viewer several agents name so).
pub const READ_TOOLS: [&str; 3] = ["Read", "read_file", "view"];

/// True when tool `name` of `agent` reads a file.
#[must_use]
pub fn is_read(agent: Agent, name: &str) -> bool {
    categorize(agent, name) == ToolCategory::FileRead || READ_TOOLS.contains(&name)
}

/// `target` as a full path: joined to `project` unless it is already absolute.
#[must_use]
pub fn full_path(target: &str, project: Option<&str>) -> String {
    let bytes = target.as_bytes();
    let absolute = target.starts_with('/')
        || target.starts_with('\\')
        || (bytes.len() > 2 && bytes[1] == b':' && matches!(bytes[2], b'\\' | b'/'));
    match project {
        Some(dir) if !absolute && !dir.is_empty() => format!(
            "{}/{}",
            dir.trim_end_matches(['/', '\\']),
            target.trim_start_matches("./")
        ),
        _ => target.to_owned(),
    }
}

#[derive(Default)]
struct FileReads {
    reads: u64,
    bytes: u64,
    sessions: BTreeMap<(Agent, String), u64>,
    tools: BTreeSet<String>,
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let mut files: BTreeMap<String, FileReads> = BTreeMap::new();
    for t in analysis.ledger.tools.values() {
        let agent = t.key.agent;
        let (Some(name), Some(target)) = (t.name.as_deref(), t.target.as_deref()) else {
            continue;
        };
        if !is_read(agent, name) || target.is_empty() {
            continue;
        }
        let project = analysis
            .sessions
            .get(&(agent, t.session.to_string()))
            .and_then(|s| s.project.as_deref());
        let f = files.entry(full_path(target, project)).or_default();
        f.reads += 1;
        f.bytes = f.bytes.saturating_add(t.result_bytes.get().unwrap_or(0));
        *f.sessions
            .entry((agent, t.session.to_string()))
            .or_default() += 1;
        f.tools.insert(name.to_owned());
    }
    let mut hits: Vec<(String, FileReads)> = files
        .into_iter()
        .filter(|(_, f)| {
            f.reads >= FILE_REREAD_MIN_READS
                && f.sessions.len() >= FILE_REREAD_MIN_SESSIONS
                && f.bytes > FILE_REREAD_MIN_BYTES
        })
        .collect();
    hits.sort_by(|a, b| {
        (b.1.reads, b.1.bytes)
            .cmp(&(a.1.reads, a.1.bytes))
            .then_with(|| a.0.cmp(&b.0))
    });
    hits.into_iter()
        .take(MAX_INSIGHTS_PER_DETECTOR)
        .map(|(path, f)| insight(path, &f))
        .collect()
}

fn insight(path: String, f: &FileReads) -> Insight {
    let mut sessions: Vec<(&(Agent, String), &u64)> = f.sessions.iter().collect();
    sessions.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
    let mut evidence = vec![path.clone()];
    evidence.extend(f.tools.iter().cloned());
    evidence.extend(
        sessions
            .iter()
            .take(MAX_EVIDENCE)
            .map(|((agent, s), _)| session_label(*agent, s)),
    );
    Insight {
        id: ID.to_owned(),
        severity: Severity::Warning,
        title: format!(
            "{path} was read {} times in {} sessions ({} of results)",
            f.reads,
            f.sessions.len(),
            kilobytes(f.bytes)
        ),
        figure: f.reads as f64,
        unit: "reads".to_owned(),
        evidence,
        advice: format!(
            "Give the agent what it keeps looking up in {path} once: a short summary in the \
             project's instructions file (CLAUDE.md, AGENTS.md or GEMINI.md), and ask it to read \
             only the lines it needs (offset and limit) instead of the whole file. Every re-read \
             is paid again as input, and stays in the context for the rest of the session."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, call, ledger, tokens, tool, MINUTE, SONNET, T0};

    /// Sessions `s0, s1, ...` each reading `lib.rs` `reads[i]` times, every read returning
    /// `bytes` bytes. Session `s0` names the file relative to its project.
    fn fixture(reads: &[u64], bytes: u64) -> Vec<Insight> {
        let mut usage = Vec::new();
        let mut tools = Vec::new();
        for (i, n) in reads.iter().enumerate() {
            let s = format!("s{i}");
            let base = T0 + i as i64 * 60 * MINUTE;
            usage.push(call(Agent::Claude, &s, base, SONNET, tokens(10, 10, 0)));
            for j in 0..*n {
                let mut t = tool(
                    Agent::Claude,
                    &s,
                    &format!("{s}-r{j}"),
                    "Read",
                    base + j as i64 * 1000,
                    false,
                );
                t.target = Some(if i == 0 {
                    "./src/lib.rs".into()
                } else {
                    "/work/app/src/lib.rs".into()
                });
                t.result_bytes = Some(bytes).into();
                tools.push(t);
                // A write to the same file is not a read.
                let mut w = tool(Agent::Claude, &s, &format!("{s}-w{j}"), "Edit", base, false);
                w.target = Some("/work/app/src/lib.rs".into());
                w.result_bytes = Some(bytes).into();
                tools.push(w);
            }
        }
        run(&analyze(&ledger(usage, tools, Vec::new())))
    }

    #[test]
    fn a_file_read_ten_times_in_three_sessions_is_reported() {
        let found = fixture(&[4, 3, 3], 1100);
        assert_eq!(found.len(), 1);
        let i = &found[0];
        assert_eq!(i.figure, 10.0);
        assert_eq!(i.unit, "reads");
        assert_eq!(i.severity, Severity::Warning);
        assert_eq!(i.evidence[0], "/work/app/src/lib.rs");
        assert_eq!(
            i.evidence[1..],
            ["Read", "claude:s0", "claude:s1", "claude:s2"]
        );
        assert_eq!(
            i.title,
            format!(
                "/work/app/src/lib.rs was read 10 times in 3 sessions ({} of results)",
                kilobytes(11_000)
            )
        );
    }

    #[test]
    fn just_under_any_threshold_is_not_reported() {
        // Nine reads.
        assert!(fixture(&[3, 3, 3], 2000).is_empty());
        // Ten reads in two sessions.
        assert!(fixture(&[5, 5], 2000).is_empty());
        // Exactly 10 KiB of results (the rule wants more).
        assert!(fixture(&[4, 3, 3], 1024).is_empty());
    }

    #[test]
    fn full_paths() {
        assert_eq!(full_path("a.rs", Some("/p/")), "/p/a.rs");
        assert_eq!(full_path("/x/a.rs", Some("/p")), "/x/a.rs");
        assert_eq!(full_path("C:\\x\\a.rs", Some("/p")), "C:\\x\\a.rs");
        assert_eq!(full_path("a.rs", None), "a.rs");
    }
}
