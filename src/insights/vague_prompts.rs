//! `vague-prompts`: a few words sent into a large context.
//!
//! Why it matters: "fix it" or "continue" in a session that already holds 50k tokens makes the
//! model re-read all of them to guess what is meant, and the guess is often followed by more
//! turns. The same words with a file, a symptom or an expected result cost less to act on.
//!
//! Rule: a *prompt* is a user message with a word count ([`crate::model::MessageRecord::words`],
//! only prompts the user typed have one) and a timestamp. A prompt of 1 to
//! [`VAGUE_PROMPT_MAX_WORDS`] words is *vague in context* when the first model call of its session
//! at or after its time read at least [`VAGUE_PROMPT_MIN_CONTEXT`] tokens
//! ([`crate::analysis::Call::context`]). The calls it caused are the session's calls from the
//! prompt up to (not including) the next prompt of the session, or to the end. One insight for all
//! such prompts. Figure: the cost of the calls they caused, in dollars (an upper bound on what the
//! vagueness cost: some of those calls would have happened anyway). Severity info.

use std::collections::BTreeMap;

use crate::analysis::{Analysis, Call};
use crate::fast_hash::FastSet;
use crate::model::{Agent, MessageRecord, Role};
use crate::rollup::pico_to_usd;

use super::common::{dollars, plural, session_label};
use super::thresholds::{MAX_EVIDENCE, VAGUE_PROMPT_MAX_WORDS, VAGUE_PROMPT_MIN_CONTEXT};
use super::{Insight, Severity};

pub const ID: &str = "vague-prompts";

/// One vague prompt and what followed it.
struct Vague<'a> {
    session: (Agent, &'a str),
    preview: &'a str,
    cost_pico: u64,
}

fn is_vague(m: &MessageRecord) -> bool {
    m.words
        .get()
        .is_some_and(|w| (1..=VAGUE_PROMPT_MAX_WORDS).contains(&w))
}

/// The detector.
#[must_use]
pub fn run(analysis: &Analysis) -> Vec<Insight> {
    let is_prompt =
        |m: &MessageRecord| m.role == Role::User && m.words.is_some() && m.timestamp_ms.is_some();
    // Only sessions with a vague prompt are looked at further: the lists below, for every
    // session, were the insights' share of the page's peak heap (BENCHMARKS.md).
    let with_vague: FastSet<(Agent, &str)> = analysis
        .ledger
        .messages
        .values()
        .filter(|m| is_prompt(m) && is_vague(m))
        .map(|m| (m.key.agent, m.session.as_str()))
        .collect();
    if with_vague.is_empty() {
        return Vec::new();
    }
    let mut prompts: BTreeMap<(Agent, &str), Vec<(i64, &MessageRecord)>> = BTreeMap::new();
    for m in analysis.ledger.messages.values() {
        let session = (m.key.agent, m.session.as_str());
        if let (true, Some(ms), true) = (
            is_prompt(m),
            m.timestamp_ms.get(),
            with_vague.contains(&session),
        ) {
            prompts.entry(session).or_default().push((ms, m));
        }
    }
    // Those sessions' calls, in time order (the analysis's calls are).
    let mut calls: BTreeMap<(Agent, &str), Vec<&Call>> = BTreeMap::new();
    for c in &analysis.calls {
        let session = (c.agent(), c.session().as_str());
        if with_vague.contains(&session) {
            calls.entry(session).or_default().push(c);
        }
    }
    let mut found: Vec<Vague<'_>> = Vec::new();
    for (key, mut list) in prompts {
        list.sort_by(|a, b| (a.0, &a.1.key).cmp(&(b.0, &b.1.key)));
        let session_calls = calls.get(&key).map_or(&[][..], Vec::as_slice);
        for (i, &(ms, m)) in list.iter().enumerate() {
            if !is_vague(m) {
                continue;
            }
            let until = list.get(i + 1).map_or(i64::MAX, |next| next.0);
            // The calls from this prompt until the next one, found by binary search.
            let from = session_calls.partition_point(|c| c.timestamp_ms() < ms);
            let to = session_calls.partition_point(|c| c.timestamp_ms() < until);
            let caused = &session_calls[from..to.max(from)];
            let Some(first) = caused.first() else {
                continue;
            };
            if first.context() < VAGUE_PROMPT_MIN_CONTEXT {
                continue;
            }
            found.push(Vague {
                session: key,
                preview: m.preview.as_deref().unwrap_or(""),
                cost_pico: caused.iter().fold(0, |s, c| s.saturating_add(c.cost_pico)),
            });
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    vec![insight(found)]
}

fn insight(mut found: Vec<Vague<'_>>) -> Insight {
    found.sort_by(|a, b| {
        b.cost_pico
            .cmp(&a.cost_pico)
            .then_with(|| (a.session, a.preview).cmp(&(b.session, b.preview)))
    });
    let total = found
        .iter()
        .fold(0u64, |s, v| s.saturating_add(v.cost_pico));
    let mut sessions: Vec<String> = Vec::new();
    let mut previews: Vec<String> = Vec::new();
    for v in &found {
        let label = session_label(v.session.0, v.session.1);
        if !sessions.contains(&label) && sessions.len() < MAX_EVIDENCE {
            sessions.push(label);
        }
        let quoted = format!("\"{}\"", v.preview);
        if !previews.contains(&quoted) && previews.len() < MAX_EVIDENCE {
            previews.push(quoted);
        }
    }
    sessions.extend(previews);
    Insight {
        id: ID.to_owned(),
        severity: Severity::Info,
        title: format!(
            "{} of {VAGUE_PROMPT_MAX_WORDS} words or fewer, sent into contexts of \
             {}k+ tokens, led to {} of calls",
            plural(found.len() as u64, "prompt"),
            VAGUE_PROMPT_MIN_CONTEXT / 1000,
            dollars(total)
        ),
        figure: pico_to_usd(total),
        unit: "usd".to_owned(),
        evidence: sessions,
        advice: "In a long session, say what you want in one sentence: the file or function, the \
                 symptom (the failing test or error message) and the expected result, instead of \
                 \"fix it\" or \"continue\". The model re-reads the whole context on every call, \
                 so each extra turn spent guessing is paid in full."
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::fixture::{analyze, assert_close, call, cost, ledger, prompt, tokens};
    use crate::insights::fixture::{MINUTE, SONNET, T0};

    /// Session `s`: a prompt (`text`), two calls whose first reads `context` tokens, then a long
    /// prompt and one more call. Session `t`: "fix it" into a small context.
    fn fixture(text: &str, context: u64) -> (Vec<Insight>, u64) {
        let first = tokens(10_000, 100, context - 10_000);
        let second = tokens(10_000, 300, context);
        let usage = vec![
            call(Agent::Claude, "s", T0 + MINUTE, SONNET, first),
            call(Agent::Claude, "s", T0 + 2 * MINUTE, SONNET, second),
            call(
                Agent::Claude,
                "s",
                T0 + 4 * MINUTE,
                SONNET,
                tokens(90_000, 1, 0),
            ),
            call(
                Agent::Claude,
                "t",
                T0 + MINUTE,
                SONNET,
                tokens(1_000, 500, 0),
            ),
        ];
        let messages = vec![
            prompt(Agent::Claude, "s", "p1", T0, text),
            prompt(
                Agent::Claude,
                "s",
                "p2",
                T0 + 3 * MINUTE,
                "now split the parser module into one file per format",
            ),
            prompt(Agent::Claude, "t", "p3", T0, "fix it"),
        ];
        let caused = cost(SONNET, &first) + cost(SONNET, &second);
        (run(&analyze(&ledger(usage, Vec::new(), messages))), caused)
    }

    #[test]
    fn a_short_prompt_into_a_big_context_is_reported() {
        let (found, caused) = fixture("fix it", VAGUE_PROMPT_MIN_CONTEXT);
        assert_eq!(found.len(), 1);
        assert_close(found[0].figure, pico_to_usd(caused));
        assert_eq!(found[0].unit, "usd");
        assert_eq!(found[0].severity, Severity::Info);
        assert_eq!(found[0].evidence, ["claude:s", "\"fix it\""]);
    }

    #[test]
    fn six_words_or_a_context_just_under_is_quiet() {
        let (found, _) = fixture("fix it", VAGUE_PROMPT_MIN_CONTEXT - 1);
        assert!(found.is_empty());
        let (found, _) = fixture(
            "fix the failing parser test please",
            VAGUE_PROMPT_MIN_CONTEXT,
        );
        assert!(found.is_empty());
        let (found, _) = fixture("fix the failing parser test", VAGUE_PROMPT_MIN_CONTEXT);
        assert_eq!(found.len(), 1, "five words are still vague");
    }
}
