//! Getting files in: drag & drop, folder and file pickers, the directory picker, the demo data,
//! and the worker pool that reads them.
//!
//! Every entry point ends in the same list of [`InputFile`]s (a `File` and its path relative to
//! what the user gave us). What is read is pruned the same way the CLI prunes a disk walk: only
//! `*.jsonl`/`*.json` names, and below a home folder only the agents' transcript roots
//! ([`agentmeter::detect::should_visit`]), so dropping `~` does not read every JSON file in it.

pub mod demo;
pub mod drop;
pub mod folder;
pub mod parts;
pub mod picker;
pub mod pool;
pub mod profile;
pub mod scan_state;
pub mod zip;

use std::collections::{BTreeMap, BTreeSet};

use agentmeter::detect::is_candidate_name;
pub use scan_state::{Delta, ScanState};

/// One file to read, with the path the reports show (and Claude's session ids come from).
#[derive(Clone)]
pub struct InputFile {
    pub file: web_sys::File,
    pub path: String,
    /// `file.size`, read once when the file is kept: each read of it is a synchronous call into
    /// the browser (about 14 µs), and sorting the pool's shares by size read it some 38,000
    /// times for 1,582 files, 540 ms before any worker started (BENCHMARKS.md, 5 GB). A `File`
    /// is a snapshot, so its size never changes.
    pub bytes: u64,
    /// The source label of the root it was dropped under ([`source_for`]); `None` for a ledger
    /// file, which keeps the labels it was exported with.
    pub source: Option<String>,
}

/// The source label loose files (dropped without a folder) are read under.
pub const LOOSE_FILES: &str = "dropped files";

/// The default source label of a file at `root/rel/path`: derived from its root folder's name
/// ([`agentmeter::sources::default_label`]), [`LOOSE_FILES`] for a file dropped on its own, and
/// none for a ledger file.
#[must_use]
pub fn source_for(path: &str) -> Option<String> {
    if agentmeter::ledger::file::is_ledger_name(path) {
        return None;
    }
    Some(match path.split_once('/') {
        Some((root, _)) => agentmeter::sources::default_label(root),
        None => LOOSE_FILES.to_owned(),
    })
}

/// What the user gave us, before anything is read: the files kept and what was seen.
#[derive(Clone, Default)]
pub struct Collected {
    pub files: Vec<InputFile>,
    /// Every file name seen (kept or not).
    pub seen_files: u64,
    /// Folders entered.
    pub seen_dirs: u64,
    /// A few of the names that were not kept, for the "no agent data" message.
    pub examples_skipped: Vec<String>,
    paths: BTreeSet<String>,
}

/// `path`, or `dropped-N/path` for the smallest N >= 2 not yet in `taken`.
fn unique_path(taken: &BTreeSet<String>, path: String) -> String {
    if !taken.contains(&path) {
        return path;
    }
    (2..)
        .map(|n| format!("dropped-{n}/{path}"))
        .find(|p| !taken.contains(p))
        .unwrap_or(path)
}

impl Collected {
    /// Records a file that was seen and not kept.
    pub fn skip(&mut self, path: &str) {
        self.seen_files += 1;
        if self.examples_skipped.len() < 5 {
            self.examples_skipped.push(path.to_owned());
        }
    }

    /// Records a kept file. Paths must be unique (the ledger keys file reports and identity-less
    /// lines by path), so a second file under a taken path, e.g. two loose `session.jsonl`
    /// dropped from different folders, is put under a `dropped-2/` pseudo-folder, keeping its
    /// name (Claude's session id is the file stem).
    pub fn keep(&mut self, file: web_sys::File, path: String) {
        self.seen_files += 1;
        let source = source_for(&path);
        let path = unique_path(&self.paths, path);
        self.paths.insert(path.clone());
        let bytes = file.size() as u64;
        self.files.push(InputFile {
            file,
            path,
            source,
            bytes,
        });
    }

    /// True when a ledger file is among the kept files: the folders read with it must then be
    /// hashed to be comparable ([`agentmeter::ledger::pseudonym`]).
    #[must_use]
    pub fn has_ledger(&self) -> bool {
        self.files
            .iter()
            .any(|f| agentmeter::ledger::file::is_ledger_name(&f.path))
    }

    /// The kept files as they are now (path, size, modification time), for telling what
    /// changed since the last scan ([`ScanState::delta`]).
    #[must_use]
    pub fn scan_state(&self) -> ScanState {
        ScanState::of_rows(
            self.files
                .iter()
                .map(|f| (f.path.as_str(), f.bytes, f.file.last_modified())),
        )
    }
}

/// True for a zip archive's name (read member by member in the worker, see [`zip`]).
#[must_use]
pub fn is_zip_name(path: &str) -> bool {
    path.rsplit('/')
        .next()
        .is_some_and(|n| n.len() > 4 && n[n.len() - 4..].eq_ignore_ascii_case(".zip"))
}

/// True for names worth reading: transcripts and zip archives of them.
#[must_use]
pub fn is_readable_name(path: &str) -> bool {
    is_candidate_name(path) || is_zip_name(path)
}

/// How paths below one dropped folder are judged: the core's rule, shared with the CLI walk.
pub use agentmeter::detect::VisitScope as Scope;

/// Which of these `root/rel/path` paths (as `webkitRelativePath` gives them) to read.
///
/// Paths without a folder (plain file picks) are kept when their name is a candidate.
#[must_use]
pub fn keep_mask(paths: &[String]) -> Vec<bool> {
    let mut children: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in paths {
        let mut parts = p.split('/');
        if let (Some(root), Some(child)) = (parts.next(), parts.next()) {
            children.entry(root).or_default().insert(child);
        }
    }
    let scopes: BTreeMap<&str, Scope> = children
        .iter()
        .map(|(root, kids)| (*root, Scope::for_root(root, kids.iter().copied())))
        .collect();
    paths
        .iter()
        .map(|p| {
            if !is_readable_name(p) {
                return false;
            }
            match p.split_once('/') {
                Some((root, rel)) => scopes.get(root).is_none_or(|s| s.visit(rel)),
                None => true,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn kept(paths: &[&str]) -> Vec<String> {
        let owned: Vec<String> = paths.iter().map(|p| (*p).to_owned()).collect();
        owned
            .iter()
            .zip(keep_mask(&owned))
            .filter(|(_, k)| *k)
            .map(|(p, _)| p.clone())
            .collect()
    }

    #[test]
    fn a_home_folder_keeps_only_agent_transcripts() {
        let got = kept(&[
            "alice/.claude/projects/-home-alice-p/s1.jsonl",
            "alice/.claude/todos/t.json",
            "alice/.codex/sessions/2025/01/01/rollout-a.jsonl",
            "alice/.codex/history.jsonl",
            "alice/.gemini/tmp/h/chats/session-1.json",
            "alice/Documents/notes.json",
            "alice/.bashrc",
        ]);
        assert_eq!(
            got,
            [
                "alice/.claude/projects/-home-alice-p/s1.jsonl",
                "alice/.codex/sessions/2025/01/01/rollout-a.jsonl",
                "alice/.gemini/tmp/h/chats/session-1.json",
            ]
        );
    }

    #[test]
    fn a_folder_below_an_agent_root_keeps_every_transcript_name() {
        let got = kept(&[
            "projects/-home-alice-p/s1.jsonl",
            "projects/-home-alice-p/s1/subagents/agent-a.jsonl",
            "projects/readme.txt",
            "projects/node_modules/x.json",
        ]);
        assert_eq!(
            got,
            [
                "projects/-home-alice-p/s1.jsonl",
                "projects/-home-alice-p/s1/subagents/agent-a.jsonl",
            ]
        );
    }

    #[test]
    fn a_dropped_agent_dot_folder_skips_its_non_transcript_parts() {
        let got = kept(&[".claude/projects/p/s.jsonl", ".claude/todos/t.json"]);
        assert_eq!(got, [".claude/projects/p/s.jsonl"]);
    }

    #[test]
    fn repeated_paths_get_a_pseudo_folder_and_keep_their_name() {
        let mut taken = BTreeSet::new();
        for _ in 0..3 {
            let p = unique_path(&taken, "s.jsonl".to_owned());
            taken.insert(p);
        }
        let got: Vec<&str> = taken.iter().map(String::as_str).collect();
        assert_eq!(got, ["dropped-2/s.jsonl", "dropped-3/s.jsonl", "s.jsonl"]);
    }

    #[test]
    fn sources_come_from_the_root_folder() {
        assert_eq!(
            source_for("alice/.claude/projects/p/s.jsonl").as_deref(),
            Some("alice")
        );
        assert_eq!(source_for("demo/.codex/x.jsonl").as_deref(), Some("demo"));
        assert_eq!(source_for("s.jsonl").as_deref(), Some(LOOSE_FILES));
        assert_eq!(source_for("team/bob.ledger.gz"), None);
        assert_eq!(kept(&["team/bob.ledger", "bob.ledger.gz"]).len(), 2);
    }

    #[test]
    fn loose_files_are_kept_by_name() {
        assert_eq!(
            kept(&["a.jsonl", "b.txt", "c.json", "d.ZIP", "zip"]),
            ["a.jsonl", "c.json", "d.ZIP"]
        );
    }
}
