//! The ledger's string table: one shared copy of every path, session, model, project, branch,
//! version and tool name its records name.
//!
//! Why: records are built by parsers one line at a time, and each arrives with its own copy of
//! its strings (a worker's decoder, a deserialized file, a parser's `.into()`). Kept as they
//! come, a file's records would each hold its path, session and model again, which was most of a
//! record's heap (see `BENCHMARKS.md`, "Wasm heap"). When the ledger stores a record, it swaps
//! each such [`Text`] for the table's copy of the same string, and the record's own copy is freed.
//!
//! Sharing changes no content: a `Text` compares, orders, hashes and serializes by its string,
//! so which copy a record points at is invisible to every figure and to the merge law. The table
//! is a cache, not part of the ledger's value: two ledgers with equal records are equal whatever
//! their tables hold, and the table is never serialized.
//!
//! Each kind of field ([`Slot`]) remembers the last string it shared, so the common case (the
//! next record of the same file, with the same path, session and model) costs one pointer or
//! string comparison instead of a hash lookup.
//!
//! Records that arrive in a batch sorted by key (a decoded part, another ledger merged in) come
//! from files in no order, so the last string rarely matches; but their strings are already
//! shared within the batch (one copy per string in a part or in the other ledger's table). So
//! the table also remembers, for the current batch, which of its copies each incoming copy was
//! given, by the incoming copy's address: one integer hash per field instead of hashing and
//! comparing the string (1.5 s of the page's main thread at 5 GB, BENCHMARKS.md "The analysis's
//! maps"). The remembered incoming copies are held (so no address can be reused while it is
//! remembered) and dropped at the end of the batch ([`Strings::end_batch`]) or when the cache
//! grows past [`BATCH_CACHE`] entries.

use crate::fast_hash::{FastMap, FastSet};
use crate::model::{MessageRecord, Text, ToolCall, UsageRecord};

/// The most incoming copies a batch remembers before it starts over (a few hundred kilobytes).
const BATCH_CACHE: usize = 16_384;

/// The kinds of shared field, each with its own last-shared string.
#[derive(Debug, Clone, Copy)]
enum Slot {
    File,
    Session,
    Model,
    Project,
    Branch,
    Version,
    Speed,
    ToolName,
    Target,
}

const SLOTS: usize = 9;

/// One shared copy per distinct string (see the [module docs](self)).
#[derive(Clone, Default)]
pub struct Strings {
    set: FastSet<Text>,
    last: [Option<Text>; SLOTS],
    /// Incoming copy's address -> (that copy, held; the table's copy), for the current batch.
    batch: FastMap<usize, (Text, Text)>,
}

impl std::fmt::Debug for Strings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Strings({} shared)", self.set.len())
    }
}

/// A cache, not content: every table is equal to every other (see the [module docs](self)).
impl PartialEq for Strings {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Strings {
    /// How many distinct strings the table holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.set.len()
    }

    /// True when the table holds no string.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }

    /// Takes `t` as the shared copy of its string, unless the table has one already.
    pub fn adopt(&mut self, t: Text) {
        if !self.set.contains(t.as_str()) {
            self.set.insert(t);
        }
    }

    /// Forgets the incoming copies of the batch just merged (see the [module docs](self)).
    pub fn end_batch(&mut self) {
        self.batch = FastMap::default();
    }

    fn share(&mut self, slot: Slot, t: &mut Text) {
        let last = &mut self.last[slot as usize];
        if last.as_ref().is_some_and(|l| l.same_copy(t)) {
            return;
        }
        let incoming = t.addr();
        if let Some((_, kept)) = self.batch.get(&incoming) {
            *t = kept.clone();
            *last = Some(t.clone());
            return;
        }
        let held = t.clone();
        match self.set.get(t.as_str()) {
            Some(kept) => *t = kept.clone(),
            None => {
                self.set.insert(t.clone());
            }
        }
        if self.batch.len() >= BATCH_CACHE {
            self.batch.clear();
        }
        self.batch.insert(incoming, (held, t.clone()));
        *last = Some(t.clone());
    }

    fn share_opt(&mut self, slot: Slot, t: &mut Option<Text>) {
        if let Some(t) = t {
            self.share(slot, t);
        }
    }

    /// Points a usage record's repeated strings at the table's copies.
    pub fn usage(&mut self, r: &mut UsageRecord) {
        self.share(Slot::File, &mut r.source.file);
        self.share(Slot::Session, &mut r.session);
        self.share_opt(Slot::Model, &mut r.model);
        self.share_opt(Slot::Project, &mut r.project);
        self.share_opt(Slot::Branch, &mut r.git_branch);
        self.share_opt(Slot::Version, &mut r.cli_version);
        if let Some(rare) = &mut r.rare {
            self.share_opt(Slot::Speed, &mut rare.speed);
        }
    }

    /// Points a tool call's repeated strings at the table's copies.
    pub fn tool(&mut self, t: &mut ToolCall) {
        self.share(Slot::File, &mut t.source.file);
        self.share(Slot::Session, &mut t.session);
        self.share_opt(Slot::ToolName, &mut t.name);
        self.share_opt(Slot::Target, &mut t.target);
    }

    /// Points a message's repeated strings at the table's copies.
    pub fn message(&mut self, m: &mut MessageRecord) {
        self.share(Slot::File, &mut m.source.file);
        self.share(Slot::Session, &mut m.session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agent, MessageKey, Role, Source};

    fn message(id: &str, file: &str, session: &str) -> MessageRecord {
        MessageRecord {
            key: MessageKey::new(Agent::Claude, id),
            session: session.into(),
            role: Role::User,
            timestamp_ms: Default::default(),
            words: Default::default(),
            preview: None,
            compaction: false,
            source: Source {
                file: file.into(),
                line: 1.into(),
            },
        }
    }

    #[test]
    fn records_that_name_the_same_strings_end_up_pointing_at_one_copy() {
        let mut strings = Strings::default();
        let mut a = message("1", "/p/one.jsonl", "s1");
        let mut b = message("2", "/p/two.jsonl", "s1");
        let mut c = message("3", "/p/one.jsonl", "s1");
        for m in [&mut a, &mut b, &mut c] {
            strings.message(m);
        }
        assert!(a.source.file.same_copy(&c.source.file));
        assert!(!a.source.file.same_copy(&b.source.file));
        assert!(a.session.same_copy(&b.session) && b.session.same_copy(&c.session));
        // Content is untouched.
        assert_eq!(
            (a.source.file.as_str(), b.source.file.as_str()),
            ("/p/one.jsonl", "/p/two.jsonl")
        );
        assert_eq!(strings.len(), 3);
    }

    #[test]
    fn a_decoded_ledger_and_records_merged_into_it_share_one_copy_per_string() {
        use crate::ledger::Ledger;
        let mut worker = Ledger::new();
        let one = |id: &str| std::sync::Arc::new(message(id, "/p/one.jsonl", "s1"));
        let just = |id: &str| {
            (
                Default::default(),
                Default::default(),
                [one(id)].into_iter().collect(),
            )
        };
        for i in 0..3 {
            let (u, t, m) = just(&format!("w{i}"));
            worker.merge_records(u, t, m);
        }
        let mut page = Ledger::from_wire(&worker.to_wire()).unwrap_or_default();
        // A second worker's records, inserted after the page decoded the first one.
        let (u, t, m) = just("x");
        page.merge_records(u, t, m);
        let files: Vec<&Text> = page.messages.values().map(|m| &m.source.file).collect();
        assert_eq!(files.len(), 4);
        assert!(files.iter().all(|f| f.same_copy(files[0])));
        let sessions: Vec<&Text> = page.messages.values().map(|m| &m.session).collect();
        assert!(sessions.iter().all(|s| s.same_copy(sessions[0])));
        // Merging the other way round (the larger ledger swapped in) shares as well.
        let mut small = Ledger::new();
        let (u, t, m) = just("y");
        small.merge_records(u, t, m);
        small.merge(page);
        let files: Vec<&Text> = small.messages.values().map(|m| &m.source.file).collect();
        assert_eq!(files.len(), 5);
        assert!(files.iter().all(|f| f.same_copy(files[0])));
    }
}
