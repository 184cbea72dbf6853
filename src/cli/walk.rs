//! Finding transcript files on disk.
//!
//! A PATH may be a home-like folder, an agent's own folder or any folder below one, or a file.
//! Below a home-like folder only the agents' transcript roots are walked
//! ([`crate::detect::should_visit`]), so pointing the CLI at `~` does not read every JSON file
//! in the home directory. Files come out sorted, so runs are reproducible.

use std::path::{Path, PathBuf};

use super::CliError;
use crate::detect::{is_candidate_name, VisitScope};

/// A file to read: where it is, and the path shown in reports and used for session ids.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FoundFile {
    pub path: PathBuf,
    pub display: String,
}

/// The current user's default agent folders that exist (FORMATS.md: CLAUDE_CONFIG_DIR,
/// XDG_CONFIG_HOME, CODEX_HOME, GEMINI_DATA_DIR are honoured).
#[must_use]
pub fn default_roots() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
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
        None => roots.extend(home.map(|h| h.join(".gemini/tmp"))),
    }
    roots.into_iter().filter(|r| r.is_dir()).collect()
}

/// All candidate files below `roots`, sorted and without repeats.
///
/// # Errors
/// When a given PATH does not exist or a folder cannot be listed.
pub fn collect(roots: &[PathBuf]) -> Result<Vec<FoundFile>, CliError> {
    let mut out = Vec::new();
    for root in roots {
        let meta = std::fs::metadata(root).map_err(|source| CliError::Io {
            path: root.display().to_string(),
            source,
        })?;
        if meta.is_file() {
            out.push(FoundFile {
                path: root.clone(),
                display: root.display().to_string(),
            });
        } else {
            let name = root.file_name().map(|n| n.to_string_lossy().into_owned());
            let children = child_names(root)?;
            let scope = VisitScope::for_root(
                name.as_deref().unwrap_or_default(),
                children.iter().map(String::as_str),
            );
            walk(root, "", &scope, &mut out)?;
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.path == b.path);
    Ok(out)
}

fn child_names(dir: &Path) -> Result<Vec<String>, CliError> {
    let entries = std::fs::read_dir(dir).map_err(|source| CliError::Io {
        path: dir.display().to_string(),
        source,
    })?;
    Ok(entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect())
}

fn walk(
    root: &Path,
    rel: &str,
    scope: &VisitScope,
    out: &mut Vec<FoundFile>,
) -> Result<(), CliError> {
    let dir = if rel.is_empty() {
        root.to_path_buf()
    } else {
        root.join(rel)
    };
    for name in child_names(&dir)? {
        let child_rel = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        if !scope.visit(&child_rel) {
            continue;
        }
        let path = root.join(&child_rel);
        // symlink_metadata: never follow links out of the tree (or into loops).
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() {
            walk(root, &child_rel, scope, out)?;
        } else if meta.is_file() && is_candidate_name(&child_rel) {
            out.push(FoundFile {
                display: root.join(&child_rel).display().to_string(),
                path,
            });
        }
    }
    Ok(())
}
