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

use std::sync::Arc;

use crate::fast_hash::{FastMap, FastSet};
use crate::insights::thresholds::VAGUE_PROMPT_MAX_WORDS;
use crate::model::{Agent, MessageKey, MessageRecord};

use super::RecordMap;

/// The order in which a session's first prompt is chosen: earliest time, a message without one
/// last, ties to the smaller key (as `sessions` picks).
fn rank(m: &MessageRecord) -> (i64, MessageKey) {
    (m.timestamp_ms.get().unwrap_or(i64::MAX), m.key)
}

/// A prompt short enough to be vague, whose preview is always kept.
fn is_short(m: &MessageRecord) -> bool {
    m.words.get().is_some_and(|w| w <= VAGUE_PROMPT_MAX_WORDS)
}

/// A preview that shows text (an empty one was dropped or set aside).
fn has_text(m: &MessageRecord) -> bool {
    m.preview.as_deref().is_some_and(|p| !p.is_empty())
}

/// Each session's first prompt ([`rank`]) among `candidates`.
fn firsts<'a>(
    candidates: impl Iterator<Item = &'a MessageRecord>,
) -> FastMap<(Agent, &'a str), (i64, MessageKey)> {
    let mut first: FastMap<(Agent, &str), (i64, MessageKey)> = FastMap::default();
    for m in candidates {
        first
            .entry((m.key.agent, m.session.as_str()))
            .and_modify(|kept| *kept = (*kept).min(rank(m)))
            .or_insert_with(|| rank(m));
    }
    first
}

/// Drops the previews that nothing shows (see the [module docs](self)).
pub fn prune(messages: &mut RecordMap<MessageRecord>) {
    let first = firsts(messages.values().map(|m| &**m).filter(|m| has_text(m)));
    let drop: FastSet<MessageKey> = messages
        .values()
        .filter(|m| {
            has_text(m)
                && !is_short(m)
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

/// Sets aside the previews a ledger being built may not need (the ones not short enough to be
/// vague): each is replaced by an empty preview, and its key and text are appended to the
/// returned bytes. For a browser worker, whose parts would otherwise carry every preview into
/// the page's heap, where they stayed as its high-water mark although [`prune`] drops most of
/// them at the end; the page keeps these bytes outside its wasm heap and takes back only the
/// previews [`needed`] names ([`fill`]). The page's ledger is then what it would have been with
/// every preview sent: the merge keeps the larger preview of two copies, and an empty one only
/// when no copy has a text.
///
/// Layout of the bytes: per preview, the key's agent (one byte), a flags byte (bit 0: stand-in),
/// its 12-byte digest, the text's length (4 bytes, little-endian) and its UTF-8.
pub fn set_aside(messages: &mut RecordMap<MessageRecord>) -> Vec<u8> {
    let mut out = Vec::new();
    messages.update(|m| {
        let Some(text) = m.preview.as_deref().filter(|_| has_text(m) && !is_short(m)) else {
            return;
        };
        out.push(m.key.agent as u8);
        out.push(u8::from(m.key.standin));
        out.extend_from_slice(&m.key.id.0);
        out.extend_from_slice(&u32::try_from(text.len()).unwrap_or(u32::MAX).to_le_bytes());
        out.extend_from_slice(text.as_bytes());
        Arc::make_mut(m).preview = Some(Box::from(""));
    });
    out
}

/// The keys of the messages whose preview [`prune`] would keep but that were set aside
/// ([`set_aside`]): each session's first prompt, where its preview is empty.
#[must_use]
pub fn needed(messages: &RecordMap<MessageRecord>) -> FastSet<MessageKey> {
    firsts(
        messages
            .values()
            .map(|m| &**m)
            .filter(|m| m.preview.is_some()),
    )
    .into_values()
    .map(|(_, key)| key)
    .filter(|key| messages.get(key).is_some_and(|m| !has_text(m)))
    .collect()
}

/// Puts back the texts of `needed` messages from bytes of [`set_aside`] (of two texts for one
/// key, the larger, as the merge would keep). Each item of `bytes` is read once and dropped
/// before the next (the page copies them into its heap one at a time); only the needed texts
/// are kept. Bytes that end early are read up to there.
pub fn fill(
    messages: &mut RecordMap<MessageRecord>,
    needed: &FastSet<MessageKey>,
    bytes: impl IntoIterator<Item = Vec<u8>>,
) {
    let mut found: FastMap<MessageKey, Box<str>> = FastMap::default();
    for one in bytes {
        let mut rest = one.as_slice();
        while rest.len() >= 18 {
            let (head, tail) = rest.split_at(18);
            let len = u32::from_le_bytes([head[14], head[15], head[16], head[17]]) as usize;
            if tail.len() < len {
                break;
            }
            let (text, tail) = tail.split_at(len);
            rest = tail;
            let Some(agent) = Agent::ALL.get(usize::from(head[0])).copied() else {
                continue;
            };
            let mut id = [0u8; 12];
            id.copy_from_slice(&head[2..14]);
            let key = MessageKey {
                agent,
                id: crate::model::KeyPart(id),
                standin: head[1] & 1 == 1,
            };
            if let (true, Ok(text)) = (needed.contains(&key), std::str::from_utf8(text)) {
                if found.get(&key).is_none_or(|kept| **kept < *text) {
                    found.insert(key, Box::from(text));
                }
            }
        }
    }
    for (key, text) in found {
        messages.update_one(&key, |m| {
            if m.preview.as_ref().is_some_and(|p| *p < text) {
                Arc::make_mut(m).preview = Some(text);
            }
        });
    }
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
                line: 1.into(),
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

    #[test]
    fn set_aside_and_filled_back_is_pruned() {
        let long = "a prompt long enough not to count as vague at all";
        let all: Vec<MessageRecord> = (0..9)
            .map(|i: i64| {
                prompt(
                    &format!("m{i}"),
                    ["s", "t", "u"][(i % 3) as usize],
                    Some(100 - i % 4),
                    &if i == 4 {
                        "fix it".to_owned()
                    } else {
                        format!("{i} {long}")
                    },
                )
            })
            .collect();
        let whole = pruned(all.clone());
        // Two parts, each set aside on its own, merged, then filled back from both.
        let mut a: RecordMap<MessageRecord> = all[..4].iter().cloned().map(Arc::new).collect();
        let mut b: RecordMap<MessageRecord> = all[4..].iter().cloned().map(Arc::new).collect();
        let (aside_a, aside_b) = (set_aside(&mut a), set_aside(&mut b));
        assert!(kept(&a).is_empty() && kept(&b) == ["fix it"]);
        a.merge(b, |_| {});
        let want = needed(&a);
        assert_eq!(want.len(), 3);
        let cut = aside_b[..aside_b.len() - 1].to_vec();
        fill(&mut a, &want, [aside_a, cut, aside_b]);
        prune(&mut a);
        assert_eq!(kept(&a), kept(&whole));
        assert_eq!(
            a.values().map(|m| m.preview.is_some()).collect::<Vec<_>>(),
            whole
                .values()
                .map(|m| m.preview.is_some())
                .collect::<Vec<_>>()
        );
    }
}
