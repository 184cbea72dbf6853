//! Hashing ids and paths, and taking text out: what makes an exported ledger content-free.
//!
//! Two steps, both pure functions of one record (so they commute with the merge law):
//!
//! - [`Ledger::hash_ids`] replaces every **identity** string (session ids, file paths) by
//!   [`hash_id`] of it. Record keys need nothing: they already are the digests that [`hash_id`]
//!   writes out (`crate::model::key`), so a hashed ledger merges with another hashed ledger, and
//!   with the raw one, exactly as the raw ones would. A ledger
//!   read from folders is hashed this way before it is merged with an imported ledger, so that
//!   the dedupe keys of a fresh parse and of an export are comparable: importing a ledger with
//!   the folder it came from changes no figure.
//! - [`Ledger::content_free`] does that and also drops or hashes everything that is text someone
//!   wrote or a name of their machine: prompt previews and git branches are dropped, tool
//!   targets (file paths) are hashed, projects are hashed unless the user opts in, and the
//!   reasons of malformed-line examples are cut to their category (a JSON error can quote the
//!   line).
//!
//! [`hash_id`] is idempotent (an already hashed string is kept), so hashing a merged ledger that
//! holds both raw records and imported ones is the same as hashing the raw part alone, and a
//! re-exported import keeps its keys. The hash is SHA-256 of a fixed domain string and the id,
//! cut to 96 bits (the same bits as a key's digest): not a secret (no salt, so that two machines' ledgers dedupe the same
//! session), which is why it hides ids that cannot be guessed (random session and message ids)
//! but only pseudonymises names that can (a path someone can guess, they can confirm). See
//! `docs/ledger.md`, "The hashing rule".

use std::sync::Arc;

use super::Ledger;
use crate::line_report::Issue;
use crate::model::{KeyPart, MessageKey, UsageKey};

pub use crate::model::key::{is_hashed, HASH_PREFIX};

/// The hashed form of an id or path: `h:` and 24 hex digits of SHA-256(domain, `s`) (the written
/// form of its [`KeyPart`] digest, the very digest a record keeps as its key); `s` itself when it
/// is already hashed, and unchanged when it is empty or a plain decimal number (a place in a
/// counter or an occurrence count, which names nothing).
#[must_use]
pub fn hash_id(s: &str) -> String {
    if s.is_empty() || is_hashed(s) || s.bytes().all(|b| b.is_ascii_digit()) {
        return s.to_owned();
    }
    KeyPart::of(s).to_hex()
}

/// Replaces `s` (a `String` or a shared [`crate::model::Text`]) by its [`hash_id`].
fn hash_in_place<S: std::ops::Deref<Target = str> + From<String>>(s: &mut S) {
    if !is_hashed(s) {
        *s = S::from(hash_id(s));
    }
}

/// Replaces `s` by its new name in `rename`, if it has one.
fn rename_in_place<S: std::ops::Deref<Target = str> + From<String>>(
    s: &mut S,
    rename: &std::collections::HashMap<String, String>,
) {
    if let Some(new) = rename.get(&**s) {
        *s = S::from(new.clone());
    }
}

/// A malformed-line reason without anything quoted from the line: its category, the text before
/// the first `:` or quote (`invalid JSON: invalid type: string "..."` -> `invalid JSON`).
#[must_use]
pub fn reason_category(reason: &str) -> String {
    reason
        .split([':', '"', '\''])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

impl Ledger {
    /// True when this ledger holds records in hashed form (it imported a ledger file, or was
    /// hashed to be merged with one): a ledger read from folders must then be hashed with
    /// [`Ledger::hash_ids`] before it joins it.
    #[must_use]
    pub fn has_hashed_ids(&self) -> bool {
        self.files.keys().any(|p| is_hashed(p))
    }

    /// Renames files: every file report, record source and path-derived key of a file for which
    /// `rename` gives a new path. Used before hashing, so that paths are hashed in a form that
    /// does not depend on where a folder was read from (the CLI's `FoundFile::portable`).
    pub fn rename_files(&mut self, rename: &std::collections::HashMap<String, String>) {
        if rename.is_empty() {
            return;
        }
        // Keys made of a path: `line:<path>` (UsageKey::unkeyed) and `line:<path>:<line>`
        // (Claude messages without a uuid). A key keeps only its digest, so it is recognised by
        // recomputing the key of the record's old source.
        let strings = &mut self.strings;
        self.usage.update(|r| {
            if rename.contains_key(r.source.file.as_str()) {
                let r_mut = Arc::make_mut(r);
                let at_line = r_mut.key.is_unkeyed_at(&r_mut.source);
                rename_in_place(&mut r_mut.source.file, rename);
                if at_line {
                    r_mut.key = UsageKey {
                        standin: r_mut.key.standin,
                        ..UsageKey::unkeyed(r_mut.key.agent, &r_mut.source)
                    };
                }
                strings.usage(r_mut);
            }
        });
        self.tools.update(|t| {
            if rename.contains_key(t.source.file.as_str()) {
                let t_mut = Arc::make_mut(t);
                rename_in_place(&mut t_mut.source.file, rename);
                strings.tool(t_mut);
            }
        });
        self.messages.update(|m| {
            if rename.contains_key(m.source.file.as_str()) {
                let m_mut = Arc::make_mut(m);
                let at_line = m_mut.key == MessageKey::at_line(m_mut.key.agent, &m_mut.source);
                rename_in_place(&mut m_mut.source.file, rename);
                if at_line {
                    m_mut.key = MessageKey::at_line(m_mut.key.agent, &m_mut.source);
                }
                strings.message(m_mut);
            }
        });
        strings.end_batch();
        // A renamed key may now be another record's: judged again.
        self.all_count = super::AllCount(false);
        let files = std::mem::take(&mut self.files);
        for (_, mut f) in files {
            rename_in_place(&mut f.path, rename);
            self.insert_report(f);
        }
    }

    /// Replaces every identity string (keys, sessions, file paths) by its [`hash_id`]; see the
    /// [module docs](self). Everything else is kept.
    pub fn hash_ids(&mut self) {
        // Keys are digests already and do not change, so each record is rewritten in place
        // (its new strings shared through the table, as an inserted record's are).
        let strings = &mut self.strings;
        self.usage.update(|r| {
            let r_mut = Arc::make_mut(r);
            hash_in_place(&mut r_mut.session);
            hash_in_place(&mut r_mut.source.file);
            strings.usage(r_mut);
        });
        self.tools.update(|t| {
            let t_mut = Arc::make_mut(t);
            hash_in_place(&mut t_mut.session);
            hash_in_place(&mut t_mut.source.file);
            strings.tool(t_mut);
        });
        self.messages.update(|m| {
            let m_mut = Arc::make_mut(m);
            hash_in_place(&mut m_mut.session);
            hash_in_place(&mut m_mut.source.file);
            strings.message(m_mut);
        });
        strings.end_batch();
        let files = std::mem::take(&mut self.files);
        for (_, mut f) in files {
            hash_in_place(&mut f.path);
            self.insert_report(f);
        }
    }

    /// The content-free copy that an exported ledger holds: ids and paths hashed, prompt
    /// previews and git branches dropped, tool targets hashed, projects hashed unless
    /// `keep_projects`, malformed-line reasons cut to their category. Token counts, models,
    /// times, tool names and outcomes, versions and the line report's counts are kept.
    #[must_use]
    pub fn content_free(&self, keep_projects: bool) -> Ledger {
        let mut out = self.clone();
        out.hash_ids();
        out.usage.update(|r| {
            let r = Arc::make_mut(r);
            r.git_branch = None;
            if !keep_projects {
                if let Some(p) = &mut r.project {
                    hash_in_place(p);
                }
            }
        });
        out.tools.update(|t| {
            let t = Arc::make_mut(t);
            if let Some(target) = &mut t.target {
                hash_in_place(target);
            }
        });
        out.messages.update(|m| {
            Arc::make_mut(m).preview = None;
        });
        let strip = |list: &mut Vec<Issue>| {
            for issue in list {
                issue.reason = reason_category(&issue.reason);
            }
        };
        for f in out.files.values_mut() {
            strip(&mut f.examples);
            strip(&mut f.notes);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashing_is_stable_idempotent_and_keeps_numbers() {
        let a = hash_id("3f2a-session");
        assert_eq!(a, hash_id("3f2a-session"));
        assert!(is_hashed(&a));
        assert_eq!(hash_id(&a), a);
        assert_ne!(a, hash_id("3f2a-session2"));
        assert_eq!(hash_id("42"), "42");
        assert_eq!(hash_id(""), "");
        assert_eq!(
            reason_category("invalid JSON: invalid type: string \"secret\""),
            "invalid JSON"
        );
    }
}
