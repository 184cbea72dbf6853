//! What is known about each session of the filtered ledger: its span (from every timestamped
//! model call and message in it), its cost, its calls and its first prompt.
//!
//! A session's duration is last minus first timestamp over its model calls and messages; a
//! session with one timestamp lasts 0 ms. Sessions are keyed by (agent, session id): two agents
//! never share a session.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::fast_hash::FastMap;
use crate::ledger::Ledger;
use crate::model::{Agent, Role};
use crate::rollup::Totals;

use super::calls::Call;

/// One session's facts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionFacts {
    pub agent: Agent,
    pub session: String,
    pub project: Option<String>,
    pub first_ms: i64,
    pub last_ms: i64,
    pub totals: Totals,
    pub user_messages: u64,
    pub assistant_messages: u64,
    pub compactions: u64,
    /// The first user prompt's preview (by time), if the agent records prompt text.
    pub first_prompt: Option<String>,
    first_prompt_ms: Option<i64>,
}

impl SessionFacts {
    /// Last minus first timestamp, in milliseconds.
    #[must_use]
    pub fn duration_ms(&self) -> u64 {
        u64::try_from(self.last_ms - self.first_ms).unwrap_or(0)
    }
}

/// Sessions keyed by (agent, id).
pub type Sessions = BTreeMap<(Agent, String), SessionFacts>;

/// The sessions that have at least one model call in `calls`, with their messages from `ledger`.
#[must_use]
pub fn sessions(calls: &[Call], ledger: &Ledger) -> Sessions {
    // Keyed by borrowed ids while summing (no copy of the id per call or message); owned once
    // per session at the end.
    let mut out: FastMap<(Agent, &str), SessionFacts> = FastMap::default();
    for call in calls {
        let s = out
            .entry((call.agent(), call.session().as_str()))
            .or_insert_with(|| SessionFacts {
                agent: call.agent(),
                session: call.session().to_string(),
                project: None,
                first_ms: call.timestamp_ms(),
                last_ms: call.timestamp_ms(),
                totals: Totals::default(),
                user_messages: 0,
                assistant_messages: 0,
                compactions: 0,
                first_prompt: None,
                first_prompt_ms: None,
            });
        s.first_ms = s.first_ms.min(call.timestamp_ms());
        s.last_ms = s.last_ms.max(call.timestamp_ms());
        if s.project.is_none() {
            s.project = call.project().as_ref().map(ToString::to_string);
        }
        s.totals.add_call(call);
    }
    for m in ledger.messages.values() {
        let Some(s) = out.get_mut(&(m.key.agent, m.session.as_str())) else {
            continue;
        };
        if let Some(ms) = m.timestamp_ms.get() {
            s.first_ms = s.first_ms.min(ms);
            s.last_ms = s.last_ms.max(ms);
        }
        match m.role {
            Role::User => s.user_messages += 1,
            Role::Assistant => s.assistant_messages += 1,
            Role::System | Role::Tool => {}
        }
        if m.compaction {
            s.compactions += 1;
        }
        // An empty preview is one dropped as unshown (`ledger::previews`).
        if let Some(preview) = m.preview.as_deref().filter(|p| !p.is_empty()) {
            let ms = m.timestamp_ms.get().unwrap_or(i64::MAX);
            if s.first_prompt_ms.is_none_or(|first| ms < first) {
                s.first_prompt = Some(preview.to_string());
                s.first_prompt_ms = Some(ms);
            }
        }
    }
    out.into_values()
        .map(|s| ((s.agent, s.session.clone()), s))
        .collect()
}

/// The median of `values` (the lower middle for an even count), 0 for none.
#[must_use]
pub fn median(values: &mut [u64]) -> u64 {
    if values.is_empty() {
        return 0;
    }
    values.sort_unstable();
    values[(values.len() - 1) / 2]
}
