//! Stand-in records: a second, poorer account of a session that counts only when the session's
//! own transcript was not read.
//!
//! Two files describe a session that another file describes better:
//! - saved `codex exec --json` output describes the same thread as the rollout Codex writes in
//!   `~/.codex/sessions` (its `thread_id` is the rollout's session id);
//! - Gemini CLI's `logs.json` repeats the prompts of the sessions whose chat files sit beside it.
//!
//! Counting both would count a thread's tokens, tools and prompts twice; dropping the stand-in
//! always would lose the sessions whose transcript is gone (a saved exec output copied off a CI
//! machine, a project whose chats were deleted). So each stand-in record is kept **under its own
//! key** (its scope or id starts with one of [`PREFIXES`], never a transcript's key; the key keeps
//! that fact as its `standin` flag, since it keeps only a digest of the string), the merge
//! stays a plain union (commutative, associative, idempotent), and after the merge one
//! deterministic step ([`Shadowed::of`]) drops every stand-in record of an `(agent, session)`
//! that also has a record read from a transcript. The step is a function of the merged set
//! alone, so the order files were read or merged in cannot change what counts
//! (docs/accounting.md, "Stand-in files").

use std::collections::BTreeSet;

use crate::model::{Agent, MessageRecord, ToolCall, UsageRecord};

use crate::model::{MessageKey, ToolKey, UsageKey};

use super::Ledger;

pub use crate::model::key::{CODEX_EXEC, GEMINI_LOGS, STANDIN_PREFIXES as PREFIXES};

/// True when a usage record was read from a stand-in file.
#[must_use]
pub fn is_standin_usage(r: &UsageRecord) -> bool {
    r.key.standin
}

/// True when a tool call was read from a stand-in file.
#[must_use]
pub fn is_standin_tool(t: &ToolCall) -> bool {
    t.key.standin
}

/// True when a message was read from a stand-in file.
#[must_use]
pub fn is_standin_message(m: &MessageRecord) -> bool {
    m.key.standin
}

/// The stand-in records a ledger leaves out: those of a session a transcript also describes.
#[derive(Debug, Default)]
pub struct Shadowed {
    pub usage: BTreeSet<UsageKey>,
    pub tools: BTreeSet<ToolKey>,
    pub messages: BTreeSet<MessageKey>,
}

impl Shadowed {
    /// True when nothing is left out.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.usage.is_empty() && self.tools.is_empty() && self.messages.is_empty()
    }

    /// The stand-in records of `ledger` whose `(agent, session)` has a transcript record.
    #[must_use]
    pub fn of(ledger: &Ledger) -> Self {
        let mut out = Shadowed::default();
        // The flag is in the map keys: no record is visited to learn there is none.
        let any = ledger.usage.keys().any(|k| k.standin)
            || ledger.tools.keys().any(|k| k.standin)
            || ledger.messages.keys().any(|k| k.standin);
        if !any {
            return out;
        }
        // The sessions some transcript describes (any record that is not a stand-in).
        let mut described: BTreeSet<(Agent, &str)> = BTreeSet::new();
        described.extend(
            ledger
                .usage
                .values()
                .filter(|r| !is_standin_usage(r))
                .map(|r| (r.key.agent, r.session.as_str())),
        );
        described.extend(
            ledger
                .tools
                .values()
                .filter(|t| !is_standin_tool(t))
                .map(|t| (t.key.agent, t.session.as_str())),
        );
        described.extend(
            ledger
                .messages
                .values()
                .filter(|m| !is_standin_message(m))
                .map(|m| (m.key.agent, m.session.as_str())),
        );
        let hidden = |agent: Agent, session: &str| described.contains(&(agent, session));
        out.usage = ledger
            .usage
            .iter()
            .filter(|(_, r)| is_standin_usage(r) && hidden(r.key.agent, &r.session))
            .map(|(k, _)| *k)
            .collect();
        out.tools = ledger
            .tools
            .iter()
            .filter(|(_, t)| is_standin_tool(t) && hidden(t.key.agent, &t.session))
            .map(|(k, _)| *k)
            .collect();
        out.messages = ledger
            .messages
            .iter()
            .filter(|(_, m)| is_standin_message(m) && hidden(m.key.agent, &m.session))
            .map(|(k, _)| *k)
            .collect();
        out
    }
}
