//! Finding transcript files on disk.
//!
//! A PATH may be a home-like folder, an agent's own folder or any folder below one, or a file.
//! Below a home-like folder only the agents' transcript roots are walked
//! ([`crate::detect::should_visit`]), so pointing the CLI at `~` does not read every JSON file
//! in the home directory. Files come out sorted, so runs are reproducible.
//!
//! The file system is not trusted to be tidy:
//! - **Symlinks are followed** (a home whose `.claude` is a link to another disk is common), with
//!   a canonical-path set per walk, so a link back up the tree is listed as a loop and never
//!   entered twice.
//! - **A file is read once** however many spellings reach it (`home ./home /abs/home`, a
//!   `~/.config/claude` that links to `~/.claude`): files are deduplicated by canonical path, and
//!   the first spelling in sorted order is the one shown.
//! - **Nothing aborts the walk**: an unreadable folder, a dangling link, a FIFO or device with a
//!   transcript's name is listed with the reason ([`FoundFile::skip`]); only a PATH that does not
//!   exist at all is an error. A FIFO is never opened (opening one blocks).
//! - **Names need not be UTF-8**: paths stay `OsString`s and are opened as they are; reports
//!   show them lossily ([`display_path`]), numbered when two names would look alike, so that
//!   they never share a report.

use std::collections::{BTreeSet, HashSet};
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::{io_reason, CliError};
use crate::detect::{is_candidate_name, VisitScope};

/// A file to read: where it is, and the path shown in reports and used for session ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FoundFile {
    pub path: PathBuf,
    pub display: String,
    /// Why this entry is listed but not read (unreadable folder, symlink loop, FIFO...).
    pub skip: Option<String>,
    /// The source label of the root it was found under (`None`: a ledger file keeps its own).
    pub source: Option<String>,
    /// The path as a browser names the same file when its root is dropped there: the root's
    /// folder name, then the path below it (`demo/.claude/projects/p/s.jsonl`); a file given
    /// on its own is its name. Paths are hashed in this form ([`crate::ledger::pseudonym`]), so
    /// a ledger exported by the app and one exported here name the same files alike.
    pub portable: String,
    /// Which file this is on its device, from the walk's own `metadata` (Unix): what [`dedupe`]
    /// keeps each file once by, without resolving every path again.
    id: Option<(u64, u64)>,
}

/// The device and inode of a file on Unix; elsewhere nothing, and [`dedupe`] resolves the path.
#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn file_id(_meta: &std::fs::Metadata) -> Option<(u64, u64)> {
    None
}

/// What two spellings of one file share: its device and inode, or else its canonical path.
#[derive(PartialEq, Eq, Hash)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

impl FoundFile {
    fn read(path: PathBuf, meta: &std::fs::Metadata) -> Self {
        FoundFile {
            display: display_path(&path),
            path,
            skip: None,
            source: None,
            portable: String::new(),
            id: file_id(meta),
        }
    }

    fn skipped(path: &Path, reason: String) -> Self {
        FoundFile {
            display: display_path(path),
            path: path.to_path_buf(),
            skip: Some(reason),
            source: None,
            portable: String::new(),
            id: None,
        }
    }
}

/// The current user's default agent folders that exist (FORMATS.md: CLAUDE_CONFIG_DIR,
/// XDG_CONFIG_HOME, CODEX_HOME, GEMINI_DATA_DIR are honoured; XDG_DATA_HOME for OpenCode).
#[must_use]
pub fn default_roots() -> Vec<PathBuf> {
    // Windows has no HOME; its agents write below the user profile.
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from);
    let mut roots: Vec<PathBuf> = Vec::new();
    if let Some(dirs) = std::env::var_os("CLAUDE_CONFIG_DIR") {
        for dir in std::env::split_paths(&dirs.to_string_lossy().replace(',', ":")) {
            let projects = dir.join("projects");
            roots.push(if projects.is_dir() { projects } else { dir });
        }
    } else {
        let config = std::env::var_os("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".config")));
        if let Some(c) = config {
            roots.push(c.join("claude/projects"));
        }
        if let Some(h) = &home {
            roots.push(h.join(".claude/projects"));
        }
    }
    let codex = std::env::var_os("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".codex")));
    if let Some(c) = codex {
        roots.push(c.join("sessions"));
        roots.push(c.join("archived_sessions"));
    }
    match std::env::var_os("GEMINI_DATA_DIR") {
        Some(dirs) => roots.extend(std::env::split_paths(
            &dirs.to_string_lossy().replace(',', ":"),
        )),
        None => roots.extend(home.as_ref().map(|h| h.join(".gemini/tmp"))),
    }
    roots.extend(agents_a_roots(home.as_deref()));
    roots.extend(agents2_roots(home.as_deref()));
    roots.extend(agents_b_roots(home));
    roots
}

/// The VS Code-like editors whose user folders are looked in for Cline and Roo Code tasks, besides
/// any other folder of the editors' parent that holds one of the extensions' task folders.
const EDITORS: &[&str] = &["Code", "Code - Insiders", "VSCodium", "Cursor", "Windsurf"];

/// The two extensions' task folders below an editor's user folder.
const EXTENSION_TASKS: &[&str] = &[
    "User/globalStorage/saoudrizwan.claude-dev/tasks",
    "User/globalStorage/rooveterinaryinc.roo-cline/tasks",
];

/// agents2: Factory Droid (`~/.factory/sessions`, session totals), Codebuff
/// (`~/.config/manicode/projects`), and Cline and Roo Code below every VS Code-like editor's user
/// folder (`~/.config/<editor>` on Linux, `~/Library/Application Support/<editor>` on macOS,
/// `%APPDATA%\<editor>` on Windows): `Code` always (so that the note names it), each other editor
/// named in [`EDITORS`] or found holding a task folder.
fn agents2_roots(home: Option<&Path>) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    let Some(home) = home else {
        return roots;
    };
    roots.push(home.join(".factory/sessions"));
    roots.push(home.join(".config/manicode/projects"));
    let appdata = std::env::var_os("APPDATA")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join("AppData/Roaming"));
    let config = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| home.join(".config"));
    let bases: Vec<PathBuf> = if cfg!(windows) {
        vec![appdata]
    } else if cfg!(target_os = "macos") {
        vec![home.join("Library/Application Support")]
    } else {
        vec![config]
    };
    for base in bases {
        let mut editors: Vec<String> = EDITORS.iter().map(|e| (*e).to_owned()).collect();
        if let Ok(entries) = std::fs::read_dir(&base) {
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let holds = EXTENSION_TASKS
                    .iter()
                    .any(|t| base.join(&name).join(t).is_dir());
                if holds && !editors.contains(&name) {
                    editors.push(name);
                }
            }
        }
        for (i, editor) in editors.iter().enumerate() {
            for tasks in EXTENSION_TASKS {
                let dir = base.join(editor).join(tasks);
                // `Code` is named even when absent; the others only when they exist.
                if i == 0 || dir.is_dir() {
                    roots.push(dir);
                }
            }
        }
    }
    roots
}

/// The default folders that exist (the others are named in the "nothing found" note).
#[must_use]
pub fn existing(roots: Vec<PathBuf>) -> Vec<PathBuf> {
    roots.into_iter().filter(|r| r.is_dir()).collect()
}

/// Copilot CLI (`COPILOT_HOME`, else `~/.copilot`), Qwen Code (`QWEN_RUNTIME_DIR`, else
/// `~/.qwen`), Amp (`~/.local/share/amp`) and Kimi CLI (`KIMI_SHARE_DIR`, else `~/.kimi`): the
/// same layout below the home on Linux, macOS and Windows.
fn agents_a_roots(home: Option<&Path>) -> Vec<PathBuf> {
    let dir = |var: &str, dot: &str| {
        std::env::var_os(var)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| home.map(|h| h.join(dot)))
    };
    let mut roots = Vec::new();
    if let Some(c) = dir("COPILOT_HOME", ".copilot") {
        roots.push(c.join("session-state"));
        roots.push(c.join("history-session-state"));
    }
    if let Some(q) = dir("QWEN_RUNTIME_DIR", ".qwen") {
        roots.push(q.join("projects"));
        roots.push(q.join("tmp"));
    }
    roots.extend(home.map(|h| h.join(".local/share/amp/threads")));
    if let Some(k) = dir("KIMI_SHARE_DIR", ".kimi") {
        roots.push(k.join("sessions"));
    }
    roots
}

/// agents-b: the default folders of OpenCode and the agents after it, on Linux, macOS and
/// Windows (`%USERPROFILE%` when `HOME` is not set).
fn agents_b_roots(home: Option<PathBuf>) -> Vec<PathBuf> {
    let home = home.or_else(|| std::env::var_os("USERPROFILE").map(PathBuf::from));
    let mut roots = Vec::new();
    // OpenCode follows the XDG layout on every system (xdg-basedir): `$XDG_DATA_HOME/opencode`,
    // else `~/.local/share/opencode`, also on macOS and Windows.
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".local/share")));
    if let Some(d) = &data_home {
        roots.push(d.join("opencode"));
    }
    // pi: `$PI_CODING_AGENT_DIR/sessions`, else `~/.pi/agent/sessions` on every system.
    match std::env::var_os("PI_CODING_AGENT_DIR") {
        Some(dir) => roots.push(PathBuf::from(dir).join("sessions")),
        None => roots.extend(home.as_ref().map(|h| h.join(".pi/agent/sessions"))),
    }
    // Goose: `$GOOSE_PATH_ROOT/data`, else its app data folder per system (`etcetera`).
    match std::env::var_os("GOOSE_PATH_ROOT").map(PathBuf::from) {
        Some(root) if root.is_absolute() => roots.push(root.join("data/sessions")),
        _ => {
            if let Some(d) = &data_home {
                roots.push(d.join("goose/sessions"));
            }
            if let Some(h) = &home {
                roots.push(h.join("Library/Application Support/Block/goose/sessions"));
                roots.push(h.join("AppData/Roaming/Block/goose/data/sessions"));
            }
        }
    }
    roots.extend(crush_roots(home.as_deref(), data_home.as_deref()));
    roots
}

/// Crush keeps each project's database in the project (`<project>/.crush/crush.db`), and one
/// global data folder (charmbracelet/crush `internal/config/load.go`, `GlobalConfigData`):
/// `$CRUSH_GLOBAL_DATA`, else `$XDG_DATA_HOME/crush`, else `~/.local/share/crush` (Linux and
/// macOS) or `%LOCALAPPDATA%\crush` (Windows). That folder holds `projects.json`
/// (`internal/projects/projects.go`, since December 2025): every project Crush ran in, with its
/// `data_dir`; and `crush server`'s own workspace (`.crush/crush.db` below it). The global folder
/// is scanned, and each listed data folder that exists.
fn crush_roots(home: Option<&Path>, data_home: Option<&Path>) -> Vec<PathBuf> {
    let global = std::env::var_os("CRUSH_GLOBAL_DATA")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            if cfg!(windows) {
                std::env::var_os("LOCALAPPDATA")
                    .filter(|v| !v.is_empty())
                    .map(PathBuf::from)
                    .or_else(|| home.map(|h| h.join("AppData/Local")))
                    .map(|d| d.join("crush"))
            } else {
                data_home.map(|d| d.join("crush"))
            }
        });
    let Some(global) = global else {
        return Vec::new();
    };
    let mut roots = crush_project_folders(&global.join("projects.json"));
    roots.insert(0, global);
    roots
}

/// The data folders `projects.json` lists that exist (none when it is absent or unreadable: the
/// file is a convenience, and its folders may have been deleted).
fn crush_project_folders(list: &Path) -> Vec<PathBuf> {
    let Ok(bytes) = std::fs::read(list) else {
        return Vec::new();
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return Vec::new();
    };
    let mut folders: Vec<PathBuf> = value
        .get("projects")
        .and_then(serde_json::Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|p| p.get("data_dir").and_then(serde_json::Value::as_str))
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .collect();
    folders.sort();
    folders.dedup();
    folders
}

/// All candidate files below `roots`, sorted, each file once, with the entries that could not
/// be read listed rather than fatal.
///
/// # Errors
/// Only when a given PATH does not exist.
pub fn collect(roots: &[PathBuf]) -> Result<Vec<FoundFile>, CliError> {
    let labels: Vec<Option<String>> = roots.iter().map(|_| None).collect();
    collect_labelled(roots, &labels)
}

/// [`collect`], each root with its source label: `labels[i]` for `roots[i]` when given, else
/// the default derived from the root's folder ([`crate::sources::default_label`]). A ledger file
/// given without a label keeps the labels it holds.
///
/// # Errors
/// Only when a given PATH does not exist.
pub fn collect_labelled(
    roots: &[PathBuf],
    labels: &[Option<String>],
) -> Result<Vec<FoundFile>, CliError> {
    let mut out = Vec::new();
    let mut walked: Vec<(PathBuf, VisitScope)> = Vec::new();
    for (i, root) in roots.iter().enumerate() {
        let first = out.len();
        walk_root(root, &mut out, &mut walked)?;
        let label = labels.get(i).cloned().flatten();
        let is_ledger = crate::ledger::file::is_ledger_name(&display_path(root));
        let label = label.or_else(|| {
            (!is_ledger).then(|| {
                let absolute = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
                crate::sources::default_label(&display_path(&absolute))
            })
        });
        let root_name = std::fs::canonicalize(root)
            .unwrap_or_else(|_| root.clone())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for f in &mut out[first..] {
            f.source.clone_from(&label);
            f.portable = portable_path(&root_name, root, &f.path);
        }
    }
    Ok(dedupe(out))
}

/// `root_name/rel` for a file `path` below `root` (`/` separated), or the file's own name when
/// `path` is the root itself.
fn portable_path(root_name: &str, root: &Path, path: &Path) -> String {
    let rel = path
        .strip_prefix(root)
        .ok()
        .filter(|r| !r.as_os_str().is_empty());
    match rel {
        Some(rel) => {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            format!("{root_name}/{}", parts.join("/"))
        }
        None => path
            .file_name()
            .map_or_else(|| display_path(path), |n| n.to_string_lossy().into_owned()),
    }
}

/// Walks one root into `out` (a file root is itself the one entry).
fn walk_root(
    root: &PathBuf,
    out: &mut Vec<FoundFile>,
    walked: &mut Vec<(PathBuf, VisitScope)>,
) -> Result<(), CliError> {
    {
        let meta = match std::fs::metadata(root) {
            Ok(meta) => meta,
            Err(source) if source.kind() == std::io::ErrorKind::NotFound => {
                return Err(CliError::Io {
                    path: display_path(root),
                    source,
                })
            }
            Err(err) => {
                out.push(FoundFile::skipped(root, unreadable(&err)));
                return Ok(());
            }
        };
        if meta.is_file() {
            out.push(FoundFile::read(root.clone(), &meta));
        } else if !meta.is_dir() {
            out.push(FoundFile::skipped(root, not_regular(&meta)));
        } else {
            let children = match std::fs::read_dir(root) {
                Ok(entries) => entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect::<Vec<String>>(),
                Err(err) => {
                    out.push(FoundFile::skipped(root, unreadable_folder(&err)));
                    return Ok(());
                }
            };
            let name = root.file_name().map(|n| n.to_string_lossy().into_owned());
            let scope = VisitScope::for_root(
                name.as_deref().unwrap_or_default(),
                children.iter().map(String::as_str),
            );
            let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.clone());
            // `home ./home /abs/home`: one walk.
            if walked.iter().any(|(c, s)| *c == canonical && *s == scope) {
                return Ok(());
            }
            let mut walk = Walk {
                scope: &scope,
                ancestors: vec![canonical.clone()],
                visited: HashSet::from([canonical.clone()]),
                out,
            };
            walk.dir(root, "");
            walked.push((canonical, scope));
        }
    }
    Ok(())
}

/// One root's walk: its scope, the canonical folders on the current path (loops) and all
/// canonical folders entered so far (a folder reached twice is walked once).
struct Walk<'a> {
    scope: &'a VisitScope,
    ancestors: Vec<PathBuf>,
    visited: HashSet<PathBuf>,
    out: &'a mut Vec<FoundFile>,
}

impl Walk<'_> {
    fn dir(&mut self, dir: &Path, rel: &str) {
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                self.out
                    .push(FoundFile::skipped(dir, unreadable_folder(&err)));
                return;
            }
        };
        // Names and paths only: an entry kept would keep its folder open while the walk goes
        // deeper.
        let mut children: Vec<(std::ffi::OsString, PathBuf)> = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => children.push((entry.file_name(), entry.path())),
                Err(err) => self
                    .out
                    .push(FoundFile::skipped(dir, unreadable_folder(&err))),
            }
        }
        // Siblings in the order of their paths, by their names alone: a name is one component,
        // so the order is the same, without comparing the paths component by component.
        children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (name, path) in children {
            let name = name.to_string_lossy().into_owned();
            // The scope judges names, which it only ever compares with ASCII agent folders.
            let child_rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if self.scope.visit(&child_rel) {
                self.entry(&path, &child_rel);
            }
        }
    }

    fn entry(&mut self, path: &Path, rel: &str) {
        // `metadata` follows symlinks: a linked folder is walked, a linked file read.
        let meta = match std::fs::metadata(path) {
            Ok(meta) => meta,
            Err(err) => {
                self.out.push(FoundFile::skipped(path, unreadable(&err)));
                return;
            }
        };
        if meta.is_dir() {
            let canonical = match std::fs::canonicalize(path) {
                Ok(c) => c,
                Err(err) => {
                    self.out
                        .push(FoundFile::skipped(path, unreadable_folder(&err)));
                    return;
                }
            };
            if self.ancestors.contains(&canonical) {
                let reason = "symlink loop (a link to a folder above it)".to_owned();
                self.out.push(FoundFile::skipped(path, reason));
            } else if self.visited.insert(canonical.clone()) {
                self.ancestors.push(canonical);
                self.dir(path, rel);
                self.ancestors.pop();
            }
        } else if is_candidate_name(rel) {
            if meta.is_file() {
                self.out.push(FoundFile::read(path.to_path_buf(), &meta));
            } else {
                self.out.push(FoundFile::skipped(path, not_regular(&meta)));
            }
        }
    }
}

/// Sorts by display path, keeps each file once (by device and inode, or canonical path where there are none; the first spelling wins)
/// and makes every display unique, so that no two entries share a file report.
fn dedupe(mut found: Vec<FoundFile>) -> Vec<FoundFile> {
    found.sort_by(|a, b| (&a.display, &a.path).cmp(&(&b.display, &b.path)));
    let mut files: HashSet<Identity> = HashSet::new();
    let mut displays: BTreeSet<String> = BTreeSet::new();
    let mut out = Vec::with_capacity(found.len());
    for mut f in found {
        let first = match f.skip {
            None => files.insert(match f.id {
                Some((dev, ino)) => Identity::Inode(dev, ino),
                None => Identity::Path(
                    std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone()),
                ),
            }),
            Some(_) => !displays.contains(&f.display),
        };
        if !first {
            continue;
        }
        let mut n = 1;
        let base = f.display.clone();
        while !displays.insert(f.display.clone()) {
            n += 1;
            f.display = format!("{base} ({n})");
        }
        out.push(f);
    }
    out
}

/// `path` as shown in reports: lossily, each byte sequence that is not UTF-8 shown as U+FFFD.
/// Two names that differ only in such bytes look alike; [`dedupe`] numbers the later ones so
/// that they still get a report each.
#[must_use]
pub fn display_path(path: &Path) -> String {
    path.display().to_string()
}

fn unreadable(err: &std::io::Error) -> String {
    format!("unreadable: {}", io_reason(err))
}

fn unreadable_folder(err: &std::io::Error) -> String {
    format!("unreadable folder: {}", io_reason(err))
}

/// Why a path that is neither a file nor a folder is not read.
fn not_regular(meta: &Metadata) -> String {
    let kind = {
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            let t = meta.file_type();
            if t.is_fifo() {
                "FIFO"
            } else if t.is_socket() {
                "socket"
            } else if t.is_char_device() {
                "character device"
            } else if t.is_block_device() {
                "block device"
            } else {
                "special file"
            }
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            "special file"
        }
    };
    format!("not a regular file ({kind})")
}
