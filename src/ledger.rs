//! The ledger: keyed record sets and the one merge law that makes accounting exact.
//!
//! Several rules cross file boundaries (Claude's global `(message.id, requestId)` dedupe, Codex
//! forks replaying a parent's history, Gemini's `.json` migrated to `.jsonl`), so files cannot be
//! summed on their own. Each file yields keyed records instead, and [`Ledger::merge`] is a union
//! with a deterministic choice per key. The choice ([`prefer_usage`]) is a total order on record
//! content, so merging is **commutative, associative and idempotent**: parse files in any order,
//! in any number of workers, merge twice, the totals are identical (see `tests/merge_law.rs`).
//!
//! File reports are keyed by path, so re-adding a file replaces its report instead of counting
//! its lines twice.

pub mod file;
pub mod merger;
pub mod previews;
pub mod pseudonym;
pub mod record_map;
pub mod standin;
pub mod strings;
pub mod wire;

use std::cmp::Ordering;
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

pub use merger::Merger;
pub use record_map::{Record, RecordMap};

use serde::{Deserialize, Serialize};

use crate::line_report::{FileReport, LineTotals, Sink};
use crate::model::{
    Agent, KeyPart, MessageKey, MessageRecord, OptI64, OptU32, Role, Source, Text, ToolCall,
    ToolKey, UsageKey, UsageRecord,
};

/// Everything known after reading some files: records by key, and a report per file.
///
/// Each kind of record is a [`RecordMap`]: sorted by its key, which is a fixed-size digest of the
/// ids that name a call or a message ([`crate::model::key`]): no key holds a string. The records'
/// repeated strings (paths, sessions, models...) point at one shared copy each, held by
/// [`strings::Strings`].
///
/// Each record sits behind an [`Arc`]: a filtered ledger ([`crate::filter::Filter::apply`]), the
/// page's analysis beside its unfiltered ledger, and a copy merged with new files all point at
/// the same records instead of copying them (a copy of every record was the second half of the
/// page's wasm heap). A record is never changed in place while shared: the few rewrites (id
/// hashing, renames) go through [`Arc::make_mut`], which copies only a shared record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ledger {
    pub usage: RecordMap<UsageRecord>,
    pub tools: RecordMap<ToolCall>,
    pub messages: RecordMap<MessageRecord>,
    pub files: BTreeMap<String, FileReport>,
    /// One shared copy of each repeated string: a cache, not content (never serialized, and
    /// ignored by `==`).
    #[serde(skip)]
    pub(crate) strings: strings::Strings,
    /// Set when every record is known to count (see [`AllCount`]).
    #[serde(skip)]
    pub(crate) all_count: AllCount,
}

/// The records of a ledger that count, by kind ([`Ledger::counted_shared`]).
pub struct CountedShared<'l> {
    pub usage: Box<dyn Iterator<Item = (&'l UsageKey, &'l Arc<UsageRecord>)> + 'l>,
    pub tools: Box<dyn Iterator<Item = (&'l ToolKey, &'l Arc<ToolCall>)> + 'l>,
    pub messages: Box<dyn Iterator<Item = (&'l MessageKey, &'l Arc<MessageRecord>)> + 'l>,
}

/// Whether every record of a ledger is one that counts: what [`Ledger::retain_counted`] and
/// [`crate::filter::Filter::apply`] leave. The analysis asks for the counted records many times
/// (costs, calls, rollups, sessions, ...), and each time the stand-in and sidechain-replay rules
/// walked every record again (about 4 % of the CLI's CPU, perf); on such a ledger they can only
/// find nothing, since both rules drop a record only for another record's presence and a subset
/// of counted records holds no such pair. Every insert resets it, so a record added later is
/// judged again. A cache, not content: it is never serialized and ignored by `==`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AllCount(pub(crate) bool);

impl PartialEq for AllCount {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Ledger {
    /// An empty ledger.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the output of one parsed file.
    ///
    /// Merging costs this ledger's length (its records are sorted lists): to add many files,
    /// use a [`Merger`].
    pub fn add_file(&mut self, sink: Sink) {
        self.merge_records(
            sink.usage.into_iter().map(Arc::new).collect(),
            sink.tools.into_iter().map(Arc::new).collect(),
            sink.messages.into_iter().map(Arc::new).collect(),
        );
        self.insert_report(sink.report);
    }

    /// Merges records of each kind, in any order and with repeated keys, into the ledger.
    pub(crate) fn merge_records(
        &mut self,
        usage: RecordMap<UsageRecord>,
        tools: RecordMap<ToolCall>,
        messages: RecordMap<MessageRecord>,
    ) {
        if usage.is_empty() && tools.is_empty() && messages.is_empty() {
            return;
        }
        self.all_count = AllCount(false);
        let strings = &mut self.strings;
        self.usage.merge(usage, |r| {
            if let Some(r) = Arc::get_mut(r) {
                strings.usage(r);
            }
        });
        self.tools.merge(tools, |t| {
            if let Some(t) = Arc::get_mut(t) {
                strings.tool(t);
            }
        });
        self.messages.merge(messages, |m| {
            if let Some(m) = Arc::get_mut(m) {
                strings.message(m);
            }
        });
        strings.end_batch();
    }

    /// Drops the prompt previews nothing shows: see [`previews`]. For a ledger read whole (the
    /// page after an import, the CLI before its report), not part of the merge law.
    pub fn drop_unshown_previews(&mut self) {
        previews::prune(&mut self.messages);
    }

    /// Lists a file that was not parsed (unrecognised, binary, empty) so the report names it.
    pub fn note_skipped(&mut self, path: &str, bytes: u64, reason: &str) {
        self.insert_report(FileReport {
            path: path.to_owned(),
            agent: None,
            format: format!("skipped: {reason}"),
            bytes,
            ..FileReport::default()
        });
    }

    /// Merges another ledger into this one (the merge law).
    ///
    /// The smaller ledger's records are the ones that learn this ledger's shared strings: the
    /// law makes the result the same either way, and sharing fewer strings is what costs less.
    pub fn merge(&mut self, mut other: Ledger) {
        if other.record_count() > self.record_count() {
            std::mem::swap(self, &mut other);
        }
        let Ledger {
            usage,
            tools,
            messages,
            files,
            ..
        } = other;
        self.merge_records(usage, tools, messages);
        for (_, report) in files {
            self.insert_report(report);
        }
    }

    /// How many records and file reports the ledger holds.
    #[must_use]
    pub fn record_count(&self) -> usize {
        self.usage.len() + self.tools.len() + self.messages.len() + self.files.len()
    }

    fn insert_report(&mut self, report: FileReport) {
        match self.files.entry(report.path.clone()) {
            // The same path read twice: keep the preferred reading, so that re-adding is
            // idempotent and the choice does not depend on order.
            Entry::Occupied(mut kept) => {
                if prefer_report(&report, kept.get()) == Ordering::Greater {
                    kept.insert(report);
                }
            }
            Entry::Vacant(slot) => {
                slot.insert(report);
            }
        }
    }

    /// The usage records that count, after the cross-record rules that need the whole set.
    ///
    /// Claude's sidechain-replay rule (FORMATS.md 1.5 rule 4): a sidechain file can replay a parent
    /// message with the same `message.id` and another `requestId`. Within one `message.id`, when a
    /// non-sidechain record exists, sidechain records with a different `requestId` are replays.
    ///
    /// Stand-in records ([`standin`]: saved `codex exec --json` output, Gemini's `logs.json`) of a
    /// session that a transcript also describes are left out too.
    pub fn counted_usage(&self) -> impl Iterator<Item = &UsageRecord> {
        self.counted_usage_shared().map(|(_, r)| &**r)
    }

    /// [`Ledger::counted_usage`] with each record's map key and shared handle, for a filtered
    /// ledger that points at the same records instead of copying them.
    pub fn counted_usage_shared(&self) -> impl Iterator<Item = (&UsageKey, &Arc<UsageRecord>)> {
        let mut shadowed = BTreeSet::new();
        if !self.all_count.0 {
            shadowed = self.shadowed_usage();
            shadowed.extend(standin::Shadowed::of(self).usage);
        }
        self.usage
            .iter()
            .filter(move |(k, _)| !shadowed.contains(k))
    }

    /// [`Ledger::counted_usage_shared`], [`Ledger::distinct_tools_shared`] and
    /// [`Ledger::counted_messages_shared`] at once, the stand-in rule worked out once for all
    /// three (it walks every record: three times was most of a filter's own cost on the page).
    #[must_use]
    pub fn counted_shared(&self) -> CountedShared<'_> {
        if self.all_count.0 {
            return CountedShared {
                usage: Box::new(self.usage.iter()),
                tools: Box::new(self.tools.iter()),
                messages: Box::new(self.messages.iter()),
            };
        }
        let standins = standin::Shadowed::of(self);
        let mut shadowed = self.shadowed_usage();
        shadowed.extend(standins.usage);
        let hidden = standins.messages;
        CountedShared {
            usage: Box::new(
                self.usage
                    .iter()
                    .filter(move |(k, _)| !shadowed.contains(k)),
            ),
            tools: Box::new(self.first_of_each_call(standins.tools)),
            messages: Box::new(
                self.messages
                    .iter()
                    .filter(move |(k, _)| !hidden.contains(k)),
            ),
        }
    }

    /// The messages that count: all but the stand-in copies of a session a transcript describes
    /// ([`standin`]).
    pub fn counted_messages(&self) -> impl Iterator<Item = (&MessageKey, &MessageRecord)> {
        self.counted_messages_shared().map(|(k, m)| (k, &**m))
    }

    /// [`Ledger::counted_messages`] with the shared handles.
    pub fn counted_messages_shared(
        &self,
    ) -> Box<dyn Iterator<Item = (&MessageKey, &Arc<MessageRecord>)> + '_> {
        if self.all_count.0 {
            return Box::new(self.messages.iter());
        }
        let shadowed = standin::Shadowed::of(self).messages;
        Box::new(
            self.messages
                .iter()
                .filter(move |(k, _)| !shadowed.contains(k)),
        )
    }

    /// The keys of the usage records [`Ledger::counted_usage`] leaves out (sidechain replays).
    fn shadowed_usage(&self) -> BTreeSet<UsageKey> {
        let mut shadowed: BTreeSet<UsageKey> = BTreeSet::new();
        let claude: Vec<(&UsageKey, &UsageRecord)> = self
            .usage
            .iter()
            .filter(|(k, _)| k.agent == Agent::Claude)
            .map(|(k, r)| (k, &**r))
            .collect();
        // Keys are ordered by (agent, scope, id), so one message.id's records are adjacent.
        for group in claude.chunk_by(|a, b| a.0.scope == b.0.scope) {
            if group.iter().any(|(_, r)| !r.is_sidechain) {
                shadowed.extend(
                    group
                        .iter()
                        .filter(|(_, r)| r.is_sidechain)
                        .map(|(k, _)| **k),
                );
            }
        }
        shadowed
    }

    /// Notes whether every record counts (no stand-in, no sidechain replay, one tool call per
    /// id), so that the counted records are the ledger itself ([`AllCount`]); returns it. One
    /// pass over the records, the same rules [`Ledger::retain_counted`] applies, without
    /// removing anything: the page keeps its whole ledger for re-scans and merges, and an
    /// unfiltered analysis of a ledger that counts whole can then share it instead of copying
    /// its maps ([`crate::analysis::Analysis::shared`]).
    pub fn note_counts_all(&mut self) -> bool {
        if !self.all_count.0 {
            let whole = standin::Shadowed::of(self).is_empty()
                && self.shadowed_usage().is_empty()
                && self.tool_ids_distinct();
            self.all_count = AllCount(whole);
        }
        self.all_count.0
    }

    /// True when no two tool calls share an `(agent, call id)`: then
    /// [`Ledger::first_of_each_call`] would keep every one. Asked with a sorted list of 13-byte
    /// ids rather than that map (a third of its bytes, and no string of B-tree inserts).
    fn tool_ids_distinct(&self) -> bool {
        let mut ids: Vec<(Agent, KeyPart)> = self
            .tools
            .values()
            .map(|call| (call.key.agent, call.key.id))
            .collect();
        ids.sort_unstable();
        ids.windows(2).all(|w| w[0] != w[1])
    }

    /// True when every record is known to count ([`Ledger::note_counts_all`]).
    #[must_use]
    pub fn counts_all(&self) -> bool {
        self.all_count.0
    }

    /// Keeps only the records that count: [`Ledger::counted_usage`] and
    /// [`Ledger::distinct_tools`], in place. What the unfiltered analysis reads, without copying
    /// the ledger (a copy of every record was a sixth of the CLI's CPU time, perf).
    pub fn retain_counted(&mut self) {
        if self.all_count.0 {
            return;
        }
        let standins = standin::Shadowed::of(self);
        if !standins.is_empty() {
            self.usage.retain(|k, _| !standins.usage.contains(k));
            self.tools.retain(|k, _| !standins.tools.contains(k));
            self.messages.retain(|k, _| !standins.messages.contains(k));
        }
        let shadowed = self.shadowed_usage();
        if !shadowed.is_empty() {
            self.usage.retain(|k, _| !shadowed.contains(k));
        }
        // One call per (agent, call id): the rule of `distinct_tools`, applied in place (the
        // stand-ins it would leave out are gone already).
        let kept: BTreeSet<ToolKey> = self
            .first_of_each_call(BTreeSet::new())
            .map(|(k, _)| *k)
            .collect();
        if kept.len() != self.tools.len() {
            self.tools.retain(|k, _| kept.contains(k));
        }
        self.all_count = AllCount(true);
    }

    /// One tool call per `(agent, call id)`: the calls that count.
    ///
    /// [`ToolKey`] pairs a call with its result only within one session, so a call copied into
    /// another session (a resumed Claude session copies its history under a new `sessionId`)
    /// is a second, complete pair with the same id. It is still one call: of the copies, the one
    /// read first (smallest source) represents it, as the id-only key did before sessions were
    /// part of it. A hostile file that reuses another session's ids therefore never pairs a
    /// call with a foreign result, and never adds calls either.
    ///
    /// Stand-in calls ([`standin`]) of a session a transcript also describes are left out.
    pub fn distinct_tools(&self) -> impl Iterator<Item = &ToolCall> {
        self.distinct_tools_shared().map(|(_, t)| &**t)
    }

    /// [`Ledger::distinct_tools`] with each call's map key and shared handle.
    pub fn distinct_tools_shared(
        &self,
    ) -> Box<dyn Iterator<Item = (&ToolKey, &Arc<ToolCall>)> + '_> {
        if self.all_count.0 {
            // Already one call per (agent, call id), none of them a shadowed stand-in.
            return Box::new(self.tools.iter());
        }
        let shadowed = standin::Shadowed::of(self).tools;
        Box::new(self.first_of_each_call(shadowed))
    }

    /// Of the calls not in `shadowed`, the one read first of each `(agent, call id)`.
    fn first_of_each_call(
        &self,
        shadowed: BTreeSet<ToolKey>,
    ) -> impl Iterator<Item = (&ToolKey, &Arc<ToolCall>)> {
        let mut first: BTreeMap<(Agent, KeyPart), (&ToolKey, &Arc<ToolCall>)> = BTreeMap::new();
        for (key, call) in self.tools.iter().filter(|(k, _)| !shadowed.contains(k)) {
            first
                .entry((call.key.agent, call.key.id))
                .and_modify(|kept| {
                    if call.source < kept.1.source {
                        *kept = (key, call);
                    }
                })
                .or_insert((key, call));
        }
        first.into_values()
    }

    /// The line report over all files: `read = used + duplicate + ignored + malformed`.
    #[must_use]
    pub fn line_totals(&self) -> LineTotals {
        let mut t = LineTotals::default();
        let mut candidates = 0u64;
        for f in self.files.values() {
            t.read += f.read;
            t.ignored += f.ignored;
            t.malformed += f.malformed;
            t.duplicate += f.duplicate_in_file;
            candidates += f.candidates;
        }
        t.used = self.counted_usage().count() as u64;
        t.duplicate += candidates.saturating_sub(t.used);
        t
    }
}

/// The total order that chooses between two candidates for one key; `Greater` means `a` wins.
///
/// Claude writes one line per content block, each repeating the usage snapshot with a growing
/// `output_tokens`: the largest total is the final one. Ties prefer a record that carries
/// `speed`, then one that knows the agent's version (of OpenCode's two copies of a call, the
/// database row knows it and the JSON storage file does not), then a main-thread record over a
/// sidechain copy, then the earliest source, so that two different records never compare equal.
#[must_use]
pub fn prefer_usage(a: &UsageRecord, b: &UsageRecord) -> Ordering {
    a.tokens
        .total()
        .cmp(&b.tokens.total())
        .then_with(|| a.speed().is_some().cmp(&b.speed().is_some()))
        .then_with(|| a.cli_version.is_some().cmp(&b.cli_version.is_some()))
        // A record read from a folder over its copy from an exported ledger, which has no git
        // branch and perhaps a hashed project (so that importing a ledger together with its
        // folder keeps the folder's names).
        .then_with(|| richness(a).cmp(&richness(b)))
        .then_with(|| b.is_sidechain.cmp(&a.is_sidechain))
        .then_with(|| b.source.cmp(&a.source))
        .then_with(|| b.timestamp_ms.cmp(&a.timestamp_ms))
        .then_with(|| {
            // The same record met again (a re-import, a merge with itself): nothing to choose.
            if a == b {
                return Ordering::Equal;
            }
            // Last resort for records that differ only in content: compare their JSON form.
            let ja = serde_json::to_string(a).unwrap_or_default();
            let jb = serde_json::to_string(b).unwrap_or_default();
            jb.cmp(&ja)
        })
}

/// What a usage record tells beyond its figures: a project as written, a git branch.
fn richness(r: &UsageRecord) -> (bool, bool) {
    (
        r.project
            .as_deref()
            .is_some_and(|p| !pseudonym::is_hashed(p)),
        r.git_branch.is_some(),
    )
}

/// The total order between two readings of one path; `Greater` means `a` wins.
///
/// The larger reading wins (a file that grew). Two readings of the same size and line count can
/// still differ (a file rewritten in place between scans, a file skipped for another reason), and
/// keeping whichever came first made `a + b` differ from `b + a` (found by the `merge_law` fuzz
/// target), so such ties are broken on content, as [`prefer_usage`] breaks its own.
fn prefer_report(a: &FileReport, b: &FileReport) -> Ordering {
    (a.bytes, a.read).cmp(&(b.bytes, b.read)).then_with(|| {
        if a == b {
            return Ordering::Equal;
        }
        let ja = serde_json::to_string(a).unwrap_or_default();
        let jb = serde_json::to_string(b).unwrap_or_default();
        ja.cmp(&jb)
    })
}

/// A total order on a message record's content but its preview's text (see
/// [`Record::combine`] for [`MessageRecord`]).
#[allow(clippy::type_complexity)]
fn rank_message(m: &MessageRecord) -> (bool, &Source, Role, OptI64, bool, OptU32, &Text) {
    (
        // A copy that has a preview (or had one, [`previews`]) over one from an exported
        // ledger, which has none, so that the folder's session and source are what is shown.
        m.preview.is_none(),
        &m.source,
        m.role,
        m.timestamp_ms,
        m.compaction,
        m.words,
        &m.session,
    )
}

/// A total order on a tool-call half's content (see [`merge_tool`]).
#[allow(clippy::type_complexity)]
fn rank_tool(
    t: &ToolCall,
) -> (
    &Source,
    (&Option<Text>, Option<i64>, Option<i64>, bool),
    (Option<u64>, &Option<Text>, Option<u64>, &Text),
) {
    (
        &t.source,
        (&t.name, t.start_ms.get(), t.end_ms.get(), t.is_error),
        (
            t.input_hash.get(),
            &t.target,
            t.result_bytes.get(),
            &t.session,
        ),
    )
}

/// Two halves of one tool call (the call and its result) merge field by field.
fn merge_tool(a: &ToolCall, b: &ToolCall) -> ToolCall {
    let pick_min = |x: Option<i64>, y: Option<i64>| match (x, y) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    };
    let pick_max = |x: Option<i64>, y: Option<i64>| match (x, y) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    // Order the halves by source, then by content, so merging is commutative even for two
    // different readings of one line (a file rewritten in place).
    let (first, second) = if rank_tool(a) <= rank_tool(b) {
        (a, b)
    } else {
        (b, a)
    };
    ToolCall {
        key: first.key,
        session: first.session.clone(),
        name: match (&first.name, &second.name) {
            (Some(x), Some(y)) => Some(x.min(y).clone()),
            (x, y) => x.clone().or_else(|| y.clone()),
        },
        start_ms: pick_min(first.start_ms.get(), second.start_ms.get()).into(),
        end_ms: pick_max(first.end_ms.get(), second.end_ms.get()).into(),
        is_error: first.is_error || second.is_error,
        // The smaller of two, not the first half's: with three or more halves of one call
        // (copies read from several files), "the first's" depended on which two were merged
        // first, and the merge law does not allow that.
        input_hash: match (first.input_hash.get(), second.input_hash.get()) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        }
        .into(),
        target: match (&first.target, &second.target) {
            (Some(x), Some(y)) => Some(x.min(y).clone()),
            (x, y) => x.clone().or_else(|| y.clone()),
        },
        result_bytes: match (first.result_bytes.get(), second.result_bytes.get()) {
            (Some(x), Some(y)) => Some(x.max(y)),
            (x, y) => x.or(y),
        }
        .into(),
        source: first.source.clone(),
    }
}

impl Record for UsageRecord {
    type Key = UsageKey;
    fn key(&self) -> &UsageKey {
        &self.key
    }
    /// The preferred reading ([`prefer_usage`]).
    fn combine(kept: Arc<Self>, new: Arc<Self>) -> Arc<Self> {
        if prefer_usage(&new, &kept) == Ordering::Greater {
            new
        } else {
            kept
        }
    }
}

impl Record for ToolCall {
    type Key = ToolKey;
    fn key(&self) -> &ToolKey {
        &self.key
    }
    /// The two halves merged field by field ([`merge_tool`]).
    fn combine(kept: Arc<Self>, new: Arc<Self>) -> Arc<Self> {
        if Arc::ptr_eq(&kept, &new) {
            return kept;
        }
        Arc::new(merge_tool(&kept, &new))
    }
}

impl Record for MessageRecord {
    type Key = MessageKey;
    fn key(&self) -> &MessageKey {
        &self.key
    }
    /// The copy first in a total order on content but its preview's text ([`rank_message`]),
    /// with the larger preview of the two (none, then the empty one left where a preview was
    /// dropped, [`previews`], then texts in order). The order ranks a copy with a preview (of
    /// any text) first, so a winner never gains or loses one and the result ranks as the winner
    /// did: the choice of copy and the preview are each independent of the order copies are
    /// merged in, which is the merge law. A copy whose preview was dropped thus never decides
    /// which copy's session and source a message keeps.
    fn combine(kept: Arc<Self>, new: Arc<Self>) -> Arc<Self> {
        let (winner, loser) = if rank_message(&new) < rank_message(&kept) {
            (new, kept)
        } else {
            (kept, new)
        };
        if loser.preview <= winner.preview {
            return winner;
        }
        let mut one = Arc::unwrap_or_clone(winner);
        one.preview.clone_from(&loser.preview);
        Arc::new(one)
    }
}
