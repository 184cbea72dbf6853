//! The shapes of OpenCode's stored messages and parts (`MessageV2.Info` and `MessageV2.Part` in
//! OpenCode's `session/message-v2.ts`), and how they become records.
//!
//! A JSON storage file holds the whole object; a database row holds it in its `data` column
//! without the identifiers, which are columns of their own (`id`, `session_id`, `message_id`), so
//! every identifier here is optional and the caller supplies what the container knows.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;

use crate::model::{
    content_hash, prompt_fields, Agent, MessageKey, MessageRecord, Role, Source, Tokens, ToolCall,
    ToolKey, UsageKey, UsageRecord,
};
use crate::parsers::lenient::{opt_bool, opt_i64, opt_str};

/// A message (`role` `user` or `assistant`).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Message<'a> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(rename = "sessionID", borrow, default, deserialize_with = "opt_str")]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub role: Option<Cow<'a, str>>,
    #[serde(default)]
    pub time: Option<Time>,
    #[serde(rename = "modelID", borrow, default, deserialize_with = "opt_str")]
    pub model_id: Option<Cow<'a, str>>,
    #[serde(rename = "providerID", borrow, default, deserialize_with = "opt_str")]
    pub provider_id: Option<Cow<'a, str>>,
    /// USD, as OpenCode computed it from its own price list (0 for subscription providers).
    #[serde(default, deserialize_with = "opt_f64")]
    pub cost: Option<f64>,
    /// Strict: a usage block that cannot be read makes the message malformed.
    #[serde(default)]
    pub tokens: Option<OcTokens>,
    #[serde(default)]
    pub path: Option<PathInfo<'a>>,
    /// `true` on the assistant message that holds a compaction's summary.
    #[serde(default, deserialize_with = "opt_bool")]
    pub summary: Option<bool>,
}

/// `time` of a message.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub(crate) struct Time {
    #[serde(default, deserialize_with = "opt_i64")]
    pub created: Option<i64>,
}

/// `path` of an assistant message.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PathInfo<'a> {
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub cwd: Option<Cow<'a, str>>,
}

/// `tokens` of an assistant message or a step-finish part.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct OcTokens {
    #[serde(default, deserialize_with = "count")]
    pub input: u64,
    #[serde(default, deserialize_with = "count")]
    pub output: u64,
    #[serde(default, deserialize_with = "count")]
    pub reasoning: u64,
    #[serde(default)]
    pub cache: Cache,
    /// Written by later versions; tells whether `output` already holds `reasoning`.
    #[serde(default, deserialize_with = "opt_count")]
    pub total: Option<u64>,
}

/// `tokens.cache`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) struct Cache {
    #[serde(default, deserialize_with = "count")]
    pub read: u64,
    #[serde(default, deserialize_with = "count")]
    pub write: u64,
}

/// A part of a message. Only step-finish parts (usage of one model call) and tool parts (a tool
/// call with its state) carry figures; text parts give a user prompt's preview.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Part<'a> {
    #[serde(rename = "sessionID", borrow, default, deserialize_with = "opt_str")]
    pub session_id: Option<Cow<'a, str>>,
    #[serde(rename = "type", borrow, default, deserialize_with = "opt_str")]
    pub kind: Option<Cow<'a, str>>,
    // step-finish
    #[serde(default)]
    pub tokens: Option<OcTokens>,
    #[serde(default, deserialize_with = "opt_f64")]
    pub cost: Option<f64>,
    // tool
    #[serde(rename = "callID", borrow, default, deserialize_with = "opt_str")]
    pub call_id: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub tool: Option<Cow<'a, str>>,
    #[serde(default)]
    pub state: Option<ToolState>,
    // text
    #[serde(borrow, default, deserialize_with = "opt_str")]
    pub text: Option<Cow<'a, str>>,
    #[serde(default, deserialize_with = "opt_bool")]
    pub synthetic: Option<bool>,
}

/// `state` of a tool part: `pending`, `running`, `completed` or `error`.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ToolState {
    #[serde(default, deserialize_with = "opt_string")]
    pub status: Option<String>,
    #[serde(default)]
    pub input: Option<Value>,
    #[serde(default, deserialize_with = "opt_string")]
    pub output: Option<String>,
    #[serde(default)]
    pub time: Option<ToolTime>,
}

/// `state.time` of a tool part.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
pub(crate) struct ToolTime {
    #[serde(default, deserialize_with = "opt_i64")]
    pub start: Option<i64>,
    #[serde(default, deserialize_with = "opt_i64")]
    pub end: Option<i64>,
}

/// What the container of a message knows besides its JSON.
#[derive(Clone)]
pub(crate) struct MessageCtx<'c> {
    pub id: &'c str,
    pub session: &'c str,
    /// The row's `time_created` (database) when the JSON has no `time.created`.
    pub fallback_ms: Option<i64>,
    pub cli_version: Option<&'c str>,
    pub source: Source,
}

/// OpenCode's counts in the normalized kinds.
///
/// `input` is already uncached (OpenCode subtracts cache reads and writes), `cache.read` and
/// `cache.write` are the cache kinds; a write is billed at the 5-minute rate (OpenCode asks
/// Anthropic for the default, 5-minute, cache lifetime). Whether `output` holds `reasoning`
/// changed between versions: AI SDK 5 versions stored the provider's output count (which holds
/// reasoning for OpenAI models), AI SDK 6 versions store `output - reasoning`. The `total` they
/// also store (the provider's total) tells which: when `total` equals the sum without
/// `reasoning`, reasoning is inside `output`; otherwise (or without `total`) it is added to
/// `output`, as OpenCode itself bills it.
pub(crate) fn billable(t: &OcTokens) -> Tokens {
    let without = t
        .input
        .saturating_add(t.cache.read)
        .saturating_add(t.cache.write)
        .saturating_add(t.output);
    let inside = t.reasoning > 0 && t.total == Some(without);
    Tokens {
        input: t.input,
        output: if inside {
            t.output
        } else {
            t.output.saturating_add(t.reasoning)
        },
        cache_write_5m: t.cache.write,
        cache_write_1h: 0,
        cache_read: t.cache.read,
        reasoning: t.reasoning,
    }
}

/// The identity of one model call: when it started, which model, and its exact counts.
///
/// Not the message id, because OpenCode **copies** messages: forking a session clones every
/// message under a new id (same `time.created`, same tokens, same cost), so an id key would count
/// a forked history twice. The same call in the database and in the JSON storage it was migrated
/// from has the same key too. Two different calls share a key only if they started in the same
/// millisecond on the same model with identical counts of all five kinds.
pub(crate) fn call_key(
    created_ms: i64,
    provider: &str,
    model: &str,
    t: &OcTokens,
    step: Option<usize>,
) -> UsageKey {
    let step = step.map_or_else(String::new, |k| format!("step{k}:"));
    UsageKey::new(
        Agent::OpenCode,
        &format!("{created_ms}/{provider}/{model}"),
        &format!(
            "{step}{}/{}/{}/{}/{}",
            t.input, t.output, t.reasoning, t.cache.read, t.cache.write
        ),
    )
}

/// The usage record of an assistant message (or of one earlier step of it: `step`), `None` when
/// the message carries no usage (a user message, an assistant message that failed before its
/// first answer).
pub(crate) fn usage(
    m: &Message<'_>,
    ctx: &MessageCtx<'_>,
    tokens: &OcTokens,
    recorded_usd: Option<f64>,
    step: Option<usize>,
) -> Option<UsageRecord> {
    if m.role.as_deref() != Some("assistant") {
        return None;
    }
    let counted = billable(tokens);
    if counted.is_zero() {
        return None;
    }
    let created = m.time.and_then(|t| t.created).or(ctx.fallback_ms);
    let provider = m.provider_id.as_deref().unwrap_or_default();
    let model = m.model_id.as_deref().filter(|s| !s.is_empty());
    let key = match created {
        Some(ms) => call_key(ms, provider, model.unwrap_or_default(), tokens, step),
        // Without a start time only the message id identifies the call.
        None => UsageKey::new(
            Agent::OpenCode,
            &format!("msg:{}/{}", ctx.session, ctx.id),
            &step.map_or_else(|| "message".to_owned(), |k| format!("step{k}")),
        ),
    };
    Some(UsageRecord {
        key,
        timestamp_ms: created.unwrap_or(0),
        model: model.map(Into::into),
        tokens: counted,
        session: ctx.session.into(),
        project: m
            .path
            .as_ref()
            .and_then(|p| p.cwd.as_deref())
            .filter(|s| !s.is_empty())
            .map(Into::into),
        git_branch: None,
        cli_version: ctx.cli_version.map(Into::into),
        is_sidechain: false,
        rare: crate::model::RareUsage::boxed(
            None,
            recorded_usd.and_then(crate::pricing::table::usd_to_pico),
            None,
        ),
        source: ctx.source.clone(),
    })
}

/// The message record of any message: role counts, a user prompt's preview, compactions.
pub(crate) fn message(
    m: &Message<'_>,
    ctx: &MessageCtx<'_>,
    prompt: Option<&str>,
) -> Option<MessageRecord> {
    let role = match m.role.as_deref() {
        Some("user") => Role::User,
        Some("assistant") => Role::Assistant,
        _ => return None,
    };
    let (words, preview) = prompt_fields(prompt.filter(|_| role == Role::User));
    Some(MessageRecord {
        key: MessageKey::new(Agent::OpenCode, &format!("{}/{}", ctx.session, ctx.id)),
        session: ctx.session.into(),
        role,
        timestamp_ms: m.time.and_then(|t| t.created).or(ctx.fallback_ms).into(),
        words,
        preview,
        compaction: role == Role::Assistant && m.summary == Some(true),
        source: ctx.source.clone(),
    })
}

/// The tool call of a tool part.
pub(crate) fn tool_call(p: &Part<'_>, session: &str, source: Source) -> Option<ToolCall> {
    if p.kind.as_deref() != Some("tool") {
        return None;
    }
    let id = p.call_id.as_deref().filter(|s| !s.is_empty())?;
    let state = p.state.as_ref();
    let time = state.and_then(|s| s.time);
    let input = state.and_then(|s| s.input.as_ref());
    Some(ToolCall {
        key: ToolKey::new(Agent::OpenCode, session, id),
        session: session.into(),
        name: p.tool.as_deref().map(Into::into),
        start_ms: time.and_then(|t| t.start).into(),
        end_ms: time.and_then(|t| t.end).into(),
        is_error: state.and_then(|s| s.status.as_deref()) == Some("error"),
        input_hash: input.map(|v| content_hash(v.to_string().as_bytes())).into(),
        target: input
            .and_then(|v| v.get("filePath"))
            .and_then(Value::as_str)
            .map(Into::into),
        result_bytes: (state
            .and_then(|s| s.output.as_ref())
            .map(|o| o.len() as u64))
        .into(),
        source,
    })
}

/// A token count: a non-negative integer (a float with no fraction is accepted, as JavaScript
/// writes numbers); `null` reads as 0; anything else is an error, so the record is malformed.
fn count<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(opt_count(d)?.unwrap_or(0))
}

fn opt_count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a non-negative token count")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::custom(format!("negative token count {v}")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v < 1.8e19 {
                Ok(Some(v as u64))
            } else {
                Err(E::custom(format!("token count {v} is not a whole number")))
            }
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }
    d.deserialize_any(V)
}

/// A number; any other JSON value reads as `None` (a cost only labels a record).
fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(v.as_f64())
}

/// A string; any other JSON value reads as `None`.
fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let v = Value::deserialize(d)?;
    Ok(v.as_str().map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(
        input: u64,
        output: u64,
        reasoning: u64,
        read: u64,
        write: u64,
        total: Option<u64>,
    ) -> OcTokens {
        OcTokens {
            input,
            output,
            reasoning,
            cache: Cache { read, write },
            total,
        }
    }

    #[test]
    fn reasoning_is_added_to_output_unless_the_total_says_it_is_inside() {
        // AI SDK 6: output excludes reasoning; total = 10 + 5 + 2 + 100 + 40 = 157.
        let b = billable(&t(10, 40, 100, 5, 2, Some(157)));
        assert_eq!((b.output, b.reasoning, b.total()), (140, 100, 157));
        // AI SDK 5 with OpenAI: output holds reasoning; total = 10 + 5 + 2 + 140 = 157.
        let b = billable(&t(10, 140, 100, 5, 2, Some(157)));
        assert_eq!((b.output, b.total()), (140, 157));
        // No total: added, as OpenCode bills it.
        let b = billable(&t(10, 40, 100, 5, 2, None));
        assert_eq!(b.output, 140);
        assert_eq!((b.input, b.cache_read, b.cache_write_5m), (10, 5, 2));
    }

    #[test]
    fn counts_are_strict() {
        let ok: OcTokens =
            serde_json::from_str(r#"{"input":1.0,"output":null,"cache":{"read":2}}"#)
                .expect("tokens");
        assert_eq!((ok.input, ok.output, ok.cache.read), (1, 0, 2));
        assert!(serde_json::from_str::<OcTokens>(r#"{"input":-1}"#).is_err());
        assert!(serde_json::from_str::<OcTokens>(r#"{"input":1.5}"#).is_err());
        assert!(serde_json::from_str::<OcTokens>(r#"{"input":"7"}"#).is_err());
    }
}
