//! The message table both Gemini formats fill, resolved once the whole file is read.
//!
//! A JSONL log re-appends a message every time it changes (tokens or tool calls arrive later),
//! so only the end of the file says which write of an id is final. Every write is recorded as it
//! is read; [`Table::finish`] then gives each usage-bearing write its fate: the **latest** write
//! of an id that carries usage is used, earlier ones are duplicates. Nothing is ever removed:
//! `$rewindTo` and a `$set.messages` checkpoint change what the user sees, but the calls they hide
//! were billed, so their usage still counts (once, by id).

use std::collections::HashMap;

use crate::line_report::Sink;
use crate::model::{
    Agent, MessageKey, MessageRecord, Role, Tokens, ToolCall, ToolKey, UsageKey, UsageRecord,
};
use crate::parsers::parse_timestamp_ms;

use super::analytics::Texts;
use super::records::{GeminiTokens, Record};

/// What the file says about its session.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub session: Option<String>,
    pub project: Option<String>,
    pub start_ms: Option<i64>,
    /// `kind: "subagent"`.
    pub subagent: bool,
    /// The session a subagent's file is filed under (`chats/<parent session id>/<id>.jsonl`).
    pub parent: Option<String>,
}

impl Meta {
    /// Takes the session fields of a metadata line or document; the first value seen wins.
    pub fn absorb(
        &mut self,
        session: Option<&str>,
        project: Option<&str>,
        start: Option<&str>,
        kind: Option<&str>,
    ) {
        let own = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        self.session = self.session.take().or_else(|| own(session));
        self.project = self.project.take().or_else(|| own(project));
        self.start_ms = self.start_ms.or_else(|| start.and_then(parse_timestamp_ms));
        self.subagent |= kind == Some("subagent");
    }
}

/// One write of a message that carries usage.
#[derive(Debug)]
struct UsageWrite {
    id: String,
    line: u64,
    ts: Option<i64>,
    model: Option<String>,
    tokens: GeminiTokens,
}

/// The latest state of one message, for message counts.
#[derive(Debug)]
struct Latest {
    role: Option<Role>,
    ts: Option<i64>,
    line: u64,
    /// A typed prompt's `(words, preview)`.
    prompt: Option<(u32, Box<str>)>,
    /// An `info` compression notice.
    compaction: bool,
}

/// The latest state of one tool call.
#[derive(Debug)]
struct Tool {
    name: Option<String>,
    start_ms: Option<i64>,
    is_error: bool,
    line: u64,
    input_hash: Option<u64>,
    target: Option<String>,
    result_bytes: Option<u64>,
}

/// Every message write of one file, in order.
#[derive(Debug, Default)]
pub(crate) struct Table {
    ids: Vec<String>,
    latest: HashMap<String, Latest>,
    usage: Vec<UsageWrite>,
    tool_ids: Vec<String>,
    tools: HashMap<String, Tool>,
}

impl Table {
    /// Records one write of message `id` read at `line`. Returns true when the write carries
    /// usage: its fate is then decided by [`Table::finish`]; otherwise the caller reports it.
    /// `texts` is where its analytics values are.
    pub fn write(&mut self, id: &str, rec: &Record<'_>, line: u64, texts: &Texts<'_>) -> bool {
        let ts = rec.timestamp.as_deref().and_then(parse_timestamp_ms);
        let said = texts.said(rec.kind.as_deref());
        let role = match rec.kind.as_deref() {
            Some("user") => Some(Role::User),
            Some("gemini") => Some(Role::Assistant),
            _ if said.compaction => Some(Role::System),
            _ => None,
        };
        if !self.latest.contains_key(id) {
            self.ids.push(id.to_owned());
        }
        let latest = Latest {
            role,
            ts,
            line,
            prompt: said.prompt,
            compaction: said.compaction,
        };
        self.latest.insert(id.to_owned(), latest);
        let calls = rec.tool_calls.as_deref().unwrap_or_default();
        let mut facts = match calls.is_empty() {
            true => Default::default(),
            false => texts.call_facts(),
        };
        for call in calls {
            let Some(tool_id) = call.id.as_deref().filter(|s| !s.is_empty()) else {
                continue;
            };
            let known = facts.remove(tool_id).unwrap_or_default();
            let mut tool = Tool {
                name: call.name.as_deref().map(str::to_owned),
                start_ms: call
                    .timestamp
                    .as_deref()
                    .and_then(parse_timestamp_ms)
                    .or(ts),
                is_error: call.status.as_deref() == Some("error"),
                line,
                input_hash: known.input_hash,
                target: known.target,
                result_bytes: known.result_bytes,
            };
            match self.tools.get(tool_id) {
                // A later write that lacks what an earlier one had (a result not yet attached,
                // or a record that could not be read again) keeps it.
                Some(prev) => {
                    tool.input_hash = tool.input_hash.or(prev.input_hash);
                    tool.target = tool.target.or_else(|| prev.target.clone());
                    tool.result_bytes = tool.result_bytes.or(prev.result_bytes);
                }
                None => self.tool_ids.push(tool_id.to_owned()),
            }
            self.tools.insert(tool_id.to_owned(), tool);
        }
        match rec.tokens {
            Some(tokens)
                if rec.kind.as_deref() == Some("gemini") && tokens != GeminiTokens::default() =>
            {
                self.usage.push(UsageWrite {
                    id: id.to_owned(),
                    line,
                    ts,
                    model: rec
                        .model
                        .as_deref()
                        .filter(|m| !m.is_empty())
                        .map(str::to_owned),
                    tokens,
                });
                true
            }
            _ => false,
        }
    }

    /// Gives every deferred write its fate and emits usage, messages and tool calls.
    ///
    /// A subagent's calls, messages and tools belong to the session that started it (its
    /// `parent`), as Claude Code's do; their keys keep the subagent's own session id, which
    /// scopes its message and tool ids.
    pub fn finish(self, meta: &Meta, fallback_session: &str, out: &mut Sink) {
        let session = meta.session.as_deref().unwrap_or(fallback_session);
        let owner = match meta.subagent {
            true => meta.parent.as_deref().unwrap_or(session),
            false => session,
        };
        let mut winner: HashMap<&str, usize> = HashMap::new();
        for (i, w) in self.usage.iter().enumerate() {
            winner.insert(w.id.as_str(), i);
        }
        for (i, w) in self.usage.iter().enumerate() {
            if winner.get(w.id.as_str()) != Some(&i) {
                out.duplicate();
                continue;
            }
            let record = UsageRecord {
                key: UsageKey::new(Agent::Gemini, session, &w.id),
                timestamp_ms: w.ts.or(meta.start_ms).unwrap_or(0),
                model: out.text_opt(w.model.as_deref()),
                tokens: billable(&w.tokens),
                session: out.text(owner),
                project: out.text_opt(meta.project.as_deref()),
                git_branch: None,
                cli_version: None,
                is_sidechain: meta.subagent,
                rare: None,
                source: out.source(w.line),
            };
            out.used(record);
        }
        for id in &self.ids {
            let Some(latest) = self.latest.get(id) else {
                continue;
            };
            let Some(role) = latest.role else { continue };
            let source = out.source(latest.line);
            // A subagent's prompts were written by the agent that started it.
            let (words, preview) = latest.prompt.clone().filter(|_| !meta.subagent).unzip();
            let owner_text = out.text(owner);
            out.message(MessageRecord {
                key: MessageKey::new(Agent::Gemini, &format!("{session}/{id}")),
                session: owner_text,
                role,
                timestamp_ms: latest.ts.into(),
                words: words.into(),
                preview,
                compaction: latest.compaction,
                source,
            });
        }
        for id in &self.tool_ids {
            let Some(tool) = self.tools.get(id) else {
                continue;
            };
            let source = out.source(tool.line);
            let (session_text, name) = (out.text(owner), out.text_opt(tool.name.as_deref()));
            let key_session = out.session_part(session);
            out.tool(ToolCall {
                // Gemini tool ids are short and only unique within a session.
                key: ToolKey::in_session(Agent::Gemini, key_session, id),
                session: session_text,
                name,
                start_ms: tool.start_ms.into(),
                end_ms: Default::default(),
                is_error: tool.is_error,
                input_hash: tool.input_hash.into(),
                target: tool.target.as_deref().map(Into::into),
                result_bytes: tool.result_bytes.into(),
                source,
            });
        }
    }
}

/// Gemini's counts in the normalized kinds: uncached input = input - cached (+ tool-use
/// prompt), cache read = cached, output = output + thoughts (thinking is billed as output).
pub(crate) fn billable(t: &GeminiTokens) -> Tokens {
    Tokens {
        input: t.input.saturating_sub(t.cached).saturating_add(t.tool),
        output: t.output.saturating_add(t.thoughts),
        cache_write_5m: 0,
        cache_write_1h: 0,
        cache_read: t.cached,
        reasoning: t.thoughts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cached_is_taken_out_of_input_and_thoughts_billed_as_output() {
        let t = GeminiTokens {
            input: 14938,
            output: 760,
            cached: 10187,
            thoughts: 41,
            tool: 0,
        };
        let b = billable(&t);
        assert_eq!(
            (b.input, b.cache_read, b.output, b.reasoning),
            (4751, 10187, 801, 41)
        );
        // total = promptTokenCount + candidates + thoughts: cached is counted once.
        assert_eq!(b.total(), 14938 + 760 + 41);
    }
}
