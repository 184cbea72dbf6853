//! One session opened up: its calls in time order with their context size, its tool calls with
//! their results, its compactions and its first prompt.

use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::model::{Agent, Tokens};

use super::calls::Call;
use super::sessions::SessionFacts;

/// One model call of the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineCall {
    pub timestamp_ms: i64,
    pub model: String,
    pub tokens: Tokens,
    pub cost_pico: u64,
    pub priced: bool,
    /// input + cache writes + cache reads: what the model read.
    pub context: u64,
}

/// One tool call of the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionTool {
    /// The call's id, as its digest (`h:` + hex, `crate::model::KeyPart`).
    pub id: String,
    pub name: String,
    pub start_ms: Option<i64>,
    pub duration_ms: Option<u64>,
    pub is_error: bool,
    pub target: Option<String>,
    pub result_bytes: Option<u64>,
}

/// The whole session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub facts: SessionFacts,
    pub calls: Vec<TimelineCall>,
    pub tools: Vec<SessionTool>,
    /// Times of the compactions, in order (`None` for one without a timestamp).
    pub compactions: Vec<Option<i64>>,
}

/// The detail of session `session` of `agent`, from the analysis' calls and filtered ledger.
#[must_use]
pub fn detail(facts: &SessionFacts, calls: &[Call], ledger: &Ledger) -> SessionDetail {
    let agent: Agent = facts.agent;
    let mine = |a: Agent, s: &str| a == agent && s == facts.session;
    let timeline = calls
        .iter()
        .filter(|c| mine(c.agent(), c.session()))
        .map(|c| TimelineCall {
            timestamp_ms: c.timestamp_ms(),
            model: c.model().to_string(),
            tokens: *c.tokens(),
            cost_pico: c.cost_pico,
            priced: c.priced(),
            context: c.context(),
        })
        .collect();
    // In time order, then in the order they were read (ids are digests, which order nothing).
    let mut mine_tools: Vec<&crate::model::ToolCall> = ledger
        .tools
        .values()
        .map(|t| &**t)
        .filter(|t| mine(t.key.agent, &t.session))
        .collect();
    mine_tools.sort_by(|a, b| (a.start_ms, &a.source, a.key).cmp(&(b.start_ms, &b.source, b.key)));
    let tools: Vec<SessionTool> = mine_tools
        .into_iter()
        .map(|t| SessionTool {
            id: t.key.id.to_hex(),
            name: t.name.as_deref().unwrap_or("unknown").to_owned(),
            start_ms: t.start_ms.get(),
            duration_ms: match (t.start_ms.get(), t.end_ms.get()) {
                (Some(s), Some(e)) => e.checked_sub(s).and_then(|d| u64::try_from(d).ok()),
                _ => None,
            },
            is_error: t.is_error,
            target: t.target.as_deref().map(str::to_owned),
            result_bytes: t.result_bytes.get(),
        })
        .collect();
    let mut compactions: Vec<Option<i64>> = ledger
        .messages
        .values()
        .filter(|m| m.compaction && mine(m.key.agent, &m.session))
        .map(|m| m.timestamp_ms.get())
        .collect();
    compactions.sort();
    SessionDetail {
        facts: facts.clone(),
        calls: timeline,
        tools,
        compactions,
    }
}
