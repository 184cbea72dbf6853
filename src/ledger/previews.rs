//! Which prompt previews a file's messages keep: the ones something shows.
//!
//! A preview (the first 160 characters of a prompt a human typed) is shown in two places: as
//! a session's first prompt (`analysis::sessions`: the earliest message of the session that
//! has a preview) and as the evidence of `vague-prompts` (prompts of at most
//! [`VAGUE_PROMPT_MAX_WORDS`] words). Every other preview was text held for nothing: at 5 GB of
//! transcripts 172,142 previews, 23.4 MB, an eighth of the page's heap (BENCHMARKS.md, "Records
//! in sorted lists").
//!
//! So a ledger read whole (the page's after an import, the CLI's before it reports) drops them
//! ([`crate::ledger::Ledger::drop_unshown_previews`]): a preview stays only if its prompt is
//! short enough to be vague, or is the first prompt of its session (earliest time, a message
//! without one last, ties to the smaller key: the order in which `sessions` picks).
//!
//! Why at the end and not as files are merged: which session a message belongs to is itself
//! settled by the merge (a resumed Claude session copies earlier messages into a new file, and
//! the copy that wins decides the session), so "the first prompt of its session" is only known
//! once everything is merged. Dropping earlier would lose the first prompt of a session whose
//! earlier messages later turned out to belong to another one.
//!
//! A dropped preview is left empty, not removed: the merge ranks a copy with a preview over one
//! without (an exported ledger's), and an emptied copy still ranks as the copy it was, so which
//! copy's session a message keeps, and every message count, is what it was (`Record::combine`
//! for messages takes the preview apart from that choice, the larger of the copies').
//!
//! What it keeps exact: every figure, and every text an unfiltered view shows. What changes is a view filtered to a time range that starts after a session began:
//! its "first prompt" is the earliest prompt in the range that kept its text (a short one), or
//! none. Adding files to a pruned ledger and pruning again gives the ledger of reading them all
//! at once, unless a new file moves an earlier message of a session to another session (then
//! that session's new first prompt may have lost its text).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::insights::thresholds::VAGUE_PROMPT_MAX_WORDS;
use crate::model::{Agent, MessageKey, MessageRecord};

use super::RecordMap;

/// Drops the previews that nothing shows (see the [module docs](self)).
pub fn prune(messages: &mut RecordMap<MessageRecord>) {
    let rank = |m: &MessageRecord| (m.timestamp_ms.get().unwrap_or(i64::MAX), m.key);
    // The first prompt of each session: (time, key) of the smallest.
    let mut first: HashMap<(Agent, &str), (i64, MessageKey)> = HashMap::new();
    let shown = |m: &MessageRecord| m.preview.as_deref().is_some_and(|p| !p.is_empty());
    for m in messages.values().filter(|m| shown(m)) {
        first
            .entry((m.key.agent, m.session.as_str()))
            .and_modify(|kept| *kept = (*kept).min(rank(m)))
            .or_insert_with(|| rank(m));
    }
    let drop: HashSet<MessageKey> = messages
        .values()
        .filter(|m| {
            shown(m)
                && m.words.get().is_none_or(|w| w > VAGUE_PROMPT_MAX_WORDS)
                && first.get(&(m.key.agent, m.session.as_str())) != Some(&rank(m))
        })
        .map(|m| m.key)
        .collect();
    if drop.is_empty() {
        return;
    }
    messages.update(|m| {
        if drop.contains(&m.key) {
            // Empty, not none: the message still ranks as one that had a preview (an empty
            // `Box<str>` allocates nothing).
            Arc::make_mut(m).preview = Some(Box::from(""));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Agent, OptI64, OptU32, Role, Source};

    fn prompt(id: &str, session: &str, ms: Option<i64>, text: &str) -> MessageRecord {
        let (words, preview) = crate::model::prompt_fields(Some(text));
        MessageRecord {
            key: MessageKey::new(Agent::Claude, id),
            session: session.into(),
            role: Role::User,
            timestamp_ms: OptI64::from(ms),
            words,
            preview,
            compaction: false,
            source: Source {
                file: "f.jsonl".into(),
                line: 1,
            },
        }
    }

    fn pruned(messages: Vec<MessageRecord>) -> RecordMap<MessageRecord> {
        let mut map: RecordMap<MessageRecord> = messages.into_iter().map(Arc::new).collect();
        prune(&mut map);
        map
    }

    fn kept(messages: &RecordMap<MessageRecord>) -> Vec<String> {
        let mut kept: Vec<String> = messages
            .values()
            .filter_map(|m| m.preview.as_deref().filter(|p| !p.is_empty()))
            .map(str::to_owned)
            .collect();
        kept.sort();
        kept
    }

    #[test]
    fn each_session_keeps_its_first_prompt_and_the_short_ones() {
        let long = "please refactor the parser so that it reads every line once";
        let m = pruned(vec![
            prompt("a2", "s1", Some(20), &format!("second {long}")),
            prompt("a1", "s1", Some(10), &format!("first {long}")),
            prompt("a3", "s1", Some(30), "fix it"),
            prompt("b1", "s2", None, &format!("untimed {long}")),
            prompt("b2", "s2", Some(5), &format!("timed {long}")),
        ]);
        assert_eq!(
            kept(&m),
            [
                format!("first {long}"),
                "fix it".to_owned(),
                format!("timed {long}")
            ]
        );
        // Word counts stay: they are figures, not text.
        assert!(m.values().all(|m| m.words != OptU32::NONE));
    }

    #[test]
    fn a_tie_in_time_keeps_the_smaller_key() {
        let long = "a prompt long enough not to count as vague at all";
        let m = pruned(vec![
            prompt("k2", "s", Some(1), &format!("two {long}")),
            prompt("k1", "s", Some(1), &format!("one {long}")),
        ]);
        let first = if MessageKey::new(Agent::Claude, "k1") < MessageKey::new(Agent::Claude, "k2") {
            "one"
        } else {
            "two"
        };
        assert_eq!(kept(&m), [format!("{first} {long}")]);
    }

    #[test]
    fn copies_merge_to_the_same_preview_in_any_order() {
        let text = "a prompt long enough not to count as vague at all";
        let with = prompt("m", "s", Some(1), text);
        // A copy whose preview was dropped, read from a file that sorts first.
        let mut emptied = with.clone();
        emptied.source.file = "e.jsonl".into();
        emptied.preview = Some(Box::from(""));
        // A copy from an exported ledger, which has none (and sorts first of all).
        let mut exported = with.clone();
        exported.source.file = "d.jsonl".into();
        exported.preview = None;
        let copies = [with, emptied, exported];
        let mut results = Vec::new();
        for order in [[0, 1, 2], [2, 1, 0], [1, 2, 0], [0, 2, 1]] {
            let mut all: RecordMap<MessageRecord> = RecordMap::new();
            for i in order {
                all.merge([Arc::new(copies[i].clone())].into_iter().collect(), |_| {});
            }
            results.push(all.values().map(|m| (*m).clone()).collect::<Vec<_>>());
        }
        assert!(results.windows(2).all(|w| w[0] == w[1]));
        // Of the copies that have a preview, the one of the smaller source wins, with the text
        // another copy had.
        assert_eq!(results[0][0].source.file.as_str(), "e.jsonl");
        assert_eq!(results[0][0].preview.as_deref(), Some(text));
    }
}
