//! Sources: who or which machine a record came from.
//!
//! A team lead drops several people's folders (or their exported ledgers) and wants one picture
//! with a column per person. Every root the user gives (a dropped folder, a CLI PATH, an imported
//! ledger) therefore carries a **label**; the label is stored on each file's report
//! ([`crate::line_report::FileReport::source`]), and a record's source is the label of the file
//! it was read from ([`Ledger::source_of`]).
//!
//! Why on the file and not in the record's key: the same session can be present under two roots
//! (a synced folder, a teammate's copy), and the merge law must count it once. Keys never include
//! the root or the label, so the two copies collapse to one record; the record that wins (the
//! ledger's usual choice) is attributed to its own file's label. Labels are what users chose to
//! show, so they are kept as they are in exported ledgers (see `docs/ledger.md`).

use crate::ledger::Ledger;
use crate::model::Source;

/// Folder names that say which agent or layout a folder is, not whose it is: skipped when a
/// label is derived from a path.
const LAYOUT_NAMES: &[&str] = &[
    "projects",
    "sessions",
    "archived_sessions",
    "tmp",
    "chats",
    "claude",
    "config",
    "share",
    "local",
    "data",
    "threads",
    "session-state",
    "history-session-state",
    "opencode",
    "storage",
    "agent",
    "goose",
    "amp",
    "users",
    "home",
];

/// The default label of a root: the nearest folder name, walking up from `path`, that is not an
/// agent's or a layout's own folder (`/home/alice/.claude/projects` -> `alice`,
/// `team/bob-laptop` -> `bob-laptop`, a dropped `demo` -> `demo`). A path made only of such
/// names falls back to its last component, and an empty one to `local`.
#[must_use]
pub fn default_label(path: &str) -> String {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != "." && *p != "..")
        .collect();
    let is_file = parts
        .last()
        .is_some_and(|p| p.ends_with(".jsonl") || p.ends_with(".json") || p.ends_with(".ledger"));
    let folders = if is_file {
        &parts[..parts.len() - 1]
    } else {
        &parts[..]
    };
    let owner = folders.iter().rev().find(|name| {
        let plain = name.trim_start_matches('.').to_ascii_lowercase();
        !name.starts_with('.') && !LAYOUT_NAMES.contains(&plain.as_str()) && !name.ends_with(':')
    });
    owner
        .or(folders.last())
        .or(parts.last())
        .map_or_else(|| "local".to_owned(), |s| (*s).to_owned())
}

/// A label as given by a user: trimmed, and `None` when nothing is left.
#[must_use]
pub fn clean_label(label: &str) -> Option<String> {
    let t = label.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl Ledger {
    /// The source label of the file a record was read from, if it has one.
    #[must_use]
    pub fn source_of(&self, source: &Source) -> Option<&str> {
        self.files.get(source.file.as_str())?.source.as_deref()
    }

    /// Gives every file of this ledger the label `label` (a root's label chosen by the user, or
    /// an imported ledger relabelled as a whole).
    pub fn set_source(&mut self, label: &str) {
        for f in self.files.values_mut() {
            f.source = Some(label.to_owned());
        }
    }

    /// Renames source `from` to `to` on every file that has it (a label edited in the app).
    pub fn rename_source(&mut self, from: &str, to: &str) {
        for f in self.files.values_mut() {
            if f.source.as_deref() == Some(from) {
                f.source = Some(to.to_owned());
            }
        }
    }

    /// The distinct source labels of this ledger's files, sorted.
    #[must_use]
    pub fn source_labels(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&str> = self
            .files
            .values()
            .filter_map(|f| f.source.as_deref())
            .collect();
        set.into_iter().map(str::to_owned).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_labels_name_the_owner() {
        assert_eq!(default_label("/home/alice/.claude/projects"), "alice");
        assert_eq!(default_label("team/bob-laptop"), "bob-laptop");
        assert_eq!(default_label("demo"), "demo");
        assert_eq!(default_label("fixtures/demo/"), "demo");
        assert_eq!(default_label(".claude"), ".claude");
        assert_eq!(default_label("C:\\Users\\carol\\.codex\\sessions"), "carol");
        assert_eq!(default_label("team/x/alice.ledger"), "x");
        assert_eq!(default_label(""), "local");
        assert_eq!(clean_label("  "), None);
        assert_eq!(clean_label(" bob "), Some("bob".to_owned()));
    }
}
