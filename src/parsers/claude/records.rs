//! Turning parsed Claude Code lines into the normalized records of [`crate::model`].
//!
//! These functions decide *what* a line means (which tokens, which key, which role); the parser
//! in [`super`] decides each line's fate. They are shared by top-level lines and the subagent
//! records nested in `agent_progress` lines, so both produce identical keys and the ledger
//! collapses them.

use crate::line_report::Sink;
use crate::model::{
    content_hash, Agent, MessageKey, MessageRecord, Role, Source, Text, Tokens, ToolCall, ToolKey,
    UsageKey, UsageRecord,
};
use crate::parsers::text::str_field;
use crate::tool_category::categorize;

use super::lax::{Content, LaxObj};
use super::schema::{Block, Envelope, Message, Raw, Usage};

/// What a record inherits from the file and the outer line rather than from its own fields, as
/// the shared [`Text`]s its records hold ([`Sink::text`]: the same copy as the line before's).
pub(super) struct Meta {
    pub session: Text,
    /// The line's own `sessionId`: what tool calls are keyed by, so that a renamed copy of a
    /// file pairs its calls and results exactly as the original does (a subagent file and the
    /// `agent_progress` mirrors carry the parent's).
    pub recorded_session: Option<Text>,
    pub project: Option<Text>,
    pub git_branch: Option<Text>,
    pub cli_version: Option<Text>,
    pub timestamp_ms: Option<i64>,
}

impl Meta {
    /// The session tool calls are keyed by: the line's own, else the file's.
    fn tool_session(&self) -> &str {
        self.recorded_session.as_deref().unwrap_or(&self.session)
    }
}

/// The model that Claude Code writes for messages it generated itself (errors, aborts).
const SYNTHETIC_MODEL: &str = "<synthetic>";

/// The message of a line, if it is an object.
pub(super) fn message_of<'m, 'a, D>(
    env: &'m Envelope<'a, LaxObj<Message<'a>>, D>,
) -> Option<&'m Message<'a>> {
    env.message.as_ref().and_then(LaxObj::get)
}

/// True when the line is a locally generated message (`<synthetic>` model or an API error):
/// not a model call, so neither usage nor a message.
pub(super) fn is_synthetic<D>(env: &Envelope<'_, LaxObj<Message<'_>>, D>) -> bool {
    env.is_api_error_message == Some(true)
        || message_of(env).and_then(|m| m.model.get()) == Some(SYNTHETIC_MODEL)
}

/// True when `message.usage` is there but is not an object (`"usage": "abc"`, a list): usage
/// that cannot be read, so the line is malformed rather than "not usage". `null` is absent.
pub(super) fn usage_unreadable<D>(env: &Envelope<'_, LaxObj<Message<'_>>, D>) -> bool {
    !is_synthetic(env)
        && message_of(env)
            .and_then(|m| m.usage.as_ref())
            .is_some_and(|u| u.get().is_none())
}

/// Normalizes `message.usage`. Claude's `input_tokens` is already uncached input. When the
/// `cache_creation` split exists it is used (and the aggregate ignored, as ccusage does);
/// otherwise the aggregate is billed at the 5-minute rate, the only lifetime before the split.
pub(super) fn tokens(u: &Usage<'_>) -> Tokens {
    let split =
        u.cache_creation.as_ref().and_then(LaxObj::get).filter(|c| {
            c.ephemeral_5m_input_tokens.is_some() || c.ephemeral_1h_input_tokens.is_some()
        });
    let (cache_write_5m, cache_write_1h) = match split {
        Some(c) => (
            c.ephemeral_5m_input_tokens.unwrap_or(0),
            c.ephemeral_1h_input_tokens.unwrap_or(0),
        ),
        None => (u.cache_creation_input_tokens.unwrap_or(0), 0),
    };
    Tokens {
        input: u.input_tokens.unwrap_or(0),
        output: u.output_tokens.unwrap_or(0),
        cache_write_5m,
        cache_write_1h,
        cache_read: u.cache_read_input_tokens.unwrap_or(0),
        reasoning: 0,
    }
}

/// A usage candidate for `env`, or `None` when it carries no usage or is synthetic.
///
/// Key = (`message.id`, `requestId`); when either is missing or empty the record is unkeyed, so
/// it is never collapsed with another line.
pub(super) fn usage_record<D>(
    env: &Envelope<'_, LaxObj<Message<'_>>, D>,
    meta: &Meta,
    is_sidechain: bool,
    source: Source,
    out: &mut Sink,
) -> Option<UsageRecord> {
    let message = message_of(env)?;
    let usage = message.usage.as_ref().and_then(LaxObj::get)?;
    if is_synthetic(env) {
        return None;
    }
    let key = match (message.id.non_empty(), env.request_id.non_empty()) {
        (Some(scope), Some(id)) => out.usage_key(Agent::Claude, scope, id),
        _ => UsageKey::unkeyed(Agent::Claude, &source),
    };
    Some(UsageRecord {
        key,
        timestamp_ms: meta.timestamp_ms.unwrap_or(0),
        model: out.text_opt(message.model.non_empty()),
        tokens: tokens(usage),
        session: meta.session.clone(),
        project: meta.project.clone(),
        git_branch: meta.git_branch.clone(),
        cli_version: meta.cli_version.clone(),
        is_sidechain,
        rare: crate::model::RareUsage::boxed(
            out.text_opt(usage.speed.non_empty()),
            env.cost_usd.and_then(usd_to_pico),
            None,
        ),
        source,
    })
}

/// Dollars to picodollars, rounded; `None` for a negative or non-finite amount.
pub(super) fn usd_to_pico(usd: f64) -> Option<u64> {
    let pico = (usd * 1e12).round();
    // `as` saturates, and amounts this large are not real costs anyway.
    (pico.is_finite() && pico >= 0.0).then_some(pico as u64)
}

/// The role of a `user`/`assistant` record: a user line that only returns tool results is the
/// tool speaking, not the user.
pub(super) fn role(kind: &str, content: Option<&Content<Block<'_>>>) -> Option<Role> {
    match kind {
        "assistant" => Some(Role::Assistant),
        "user" => match content {
            Some(Content::Blocks(blocks))
                if !blocks.is_empty()
                    && blocks.iter().all(|b| b.kind.get() == Some("tool_result")) =>
            {
                Some(Role::Tool)
            }
            _ => Some(Role::User),
        },
        _ => None,
    }
}

/// A message record keyed by the line's `uuid` (or its place in the file when it has none).
pub(super) fn message_record(
    uuid: Option<&str>,
    role: Role,
    meta: &Meta,
    source: Source,
) -> MessageRecord {
    let key = match uuid {
        Some(u) => MessageKey::new(Agent::Claude, u),
        None => MessageKey::at_line(Agent::Claude, &source),
    };
    keyed_message(key, role, meta, source)
}

/// A message record under `key`.
pub(super) fn keyed_message(
    key: MessageKey,
    role: Role,
    meta: &Meta,
    source: Source,
) -> MessageRecord {
    MessageRecord {
        key,
        session: meta.session.clone(),
        role,
        timestamp_ms: meta.timestamp_ms.into(),
        words: Default::default(),
        preview: None,
        compaction: false,
        source,
    }
}

/// True for a `system/compact_boundary` line: the marker of one context compaction.
pub(super) fn is_compaction<M, D>(env: &Envelope<'_, M, D>) -> bool {
    env.kind.get() == Some("system") && env.subtype.get() == Some("compact_boundary")
}

/// The compaction marker of a [`is_compaction`] line, keyed by its `uuid` (a resumed session
/// that copies the line keys it identically).
pub(super) fn compaction<M, D>(
    env: &Envelope<'_, M, D>,
    meta: &Meta,
    source: Source,
) -> MessageRecord {
    let mut record = message_record(env.uuid.get(), Role::System, meta, source);
    record.compaction = true;
    record
}

/// The file a file tool's input names: `file_path`, else `notebook_path`; only for the tools
/// whose category acts on one file (never a directory or a search pattern).
fn file_target(name: Option<&str>, input: Option<Raw<'_>>) -> Option<String> {
    if !categorize(Agent::Claude, name?).is_file() {
        return None;
    }
    str_field(input?.json, &["file_path", "notebook_path"])
}

/// Emits the tool-call halves found in content blocks: calls (`tool_use`, and the server-side
/// `server_tool_use` / `mcp_tool_use`) start at the line's time; results (`tool_result`,
/// `*_tool_result`) end there. The ledger merges the halves by (session, tool id). A call carries
/// the hash of its `input` as written and, for file tools, the path; a result carries its text's
/// size.
pub(super) fn emit_tools(blocks: &[Block<'_>], meta: &Meta, source: &Source, out: &mut Sink) {
    let session = out.session_part(meta.tool_session());
    for block in blocks {
        let Some(kind) = block.kind.get() else {
            continue;
        };
        let call = if kind.ends_with("tool_use") {
            block.id.non_empty().map(|id| ToolCall {
                key: ToolKey::in_session(Agent::Claude, session, id),
                session: meta.session.clone(),
                name: out.text_opt(block.name.non_empty()),
                start_ms: meta.timestamp_ms.into(),
                end_ms: Default::default(),
                is_error: false,
                input_hash: block
                    .input
                    .map(|raw| content_hash(raw.json.as_bytes()))
                    .into(),
                target: file_target(block.name.non_empty(), block.input).map(Into::into),
                result_bytes: Default::default(),
                source: source.clone(),
            })
        } else if kind.ends_with("tool_result") {
            block.tool_use_id.non_empty().map(|id| ToolCall {
                key: ToolKey::in_session(Agent::Claude, session, id),
                session: meta.session.clone(),
                name: None,
                start_ms: Default::default(),
                end_ms: meta.timestamp_ms.into(),
                is_error: block.is_error == Some(true),
                input_hash: Default::default(),
                target: None,
                result_bytes: block.content.and_then(|raw| raw.text_len()).into(),
                source: source.clone(),
            })
        } else {
            None
        };
        if let Some(call) = call {
            out.tool(call);
        }
    }
}
