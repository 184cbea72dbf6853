//! Cline and Roo Code task folders: `ui_messages.json` in VS Code's global storage,
//! `.../globalStorage/saoudrizwan.claude-dev/tasks/<task id>/` (Cline) and
//! `.../globalStorage/rooveterinaryinc.roo-cline/tasks/<task id>/` (Roo Code, a fork of Cline).
//!
//! **Format** (cline/cline `apps/vscode/src/shared/ExtensionMessage.ts`, Roo-Code
//! `packages/types/src/message.ts`): one JSON array of `ClineMessage{ts, type: "say"|"ask", say?,
//! ask?, text?, partial?, modelInfo?}`, rewritten whole as the task runs. Usage is the JSON held
//! as a *string* in the `text` of `say: "api_req_started"` messages: `ClineApiReqInfo{request?,
//! tokensIn, tokensOut, cacheWrites, cacheReads, cost, cancelReason?, apiProtocol?}`; the
//! extension's own total (`getApiMetrics` / `consolidateTokenUsage`) sums those. Cline also sums
//! `deleted_api_reqs` (the usage of requests whose messages were deleted, one aggregate) and
//! `subagent_usage` (one aggregate per subagent batch), which are counted the same way, one
//! record each. Versions of 2024 wrote the counts in a following `api_req_finished` message,
//! which `combineApiRequests` merges into the `api_req_started` before it (fields of the
//! finished message win): merged the same way here, the call is counted once, at the started
//! message, and the finished message is its duplicate.
//!
//! **What `tokensIn` means** (the format's own definition, never a peer's):
//! - Cline: uncached input; `cacheWrites` and `cacheReads` are separate, disjoint buckets ("the
//!   legacy contract (tokensIn = uncached input only, disjoint buckets)", cline 6ff6a1ecbb). Its
//!   context meter adds all four (`getLastApiReqTotalTokens`) and the SDK translator subtracts the
//!   cache from a provider's inclusive count before writing (`normalizeUsageEvent`). Some of the
//!   classic provider handlers broke that contract and passed the provider's inclusive prompt
//!   count with the cache reads beside it (`src/core/api/providers/{openai,lmstudio,litellm,qwen,
//!   doubao,fireworks,hicap,oca}.ts` at d70792e539): when the record names one of those
//!   providers (`modelInfo.providerId`, written since November 2025) and was written before the
//!   SDK handlers replaced them (94f5a47a59, 2026-06-24), the cached tokens are taken out of
//!   `tokensIn` once. Older records name no provider and are read by the contract; from those
//!   providers Cline itself counted the cache twice, and so does that record here.
//! - Roo Code writes `apiProtocol` since July 2025 (0ecae9d4f1). With `"openai"`, `tokensIn` is the
//!   provider's prompt count, which **includes** the cached tokens; with `"anthropic"` it was
//!   uncached input until Roo-Code 416fa5727e (2025-10-31, "Fix cost and token tracking between
//!   provider styles"), after which it is the total input (`calculateApiCostAnthropic`'s
//!   `totalInputTokens`) for both protocols. So an `"anthropic"` record written before that
//!   commit's date is uncached, one written after is inclusive; an inclusive `tokensIn` has the
//!   cached tokens taken out once. A record without `apiProtocol` is read like Cline's. A count
//!   said to include the cache but smaller than it cannot include it: it is read as uncached and
//!   the record is noted as repaired.
//! - `cacheWrites` are billed at the 5-minute rate (Anthropic's default; neither extension
//!   records the lifetime). `cost` is the extension's own estimate (or the provider's figure): the
//!   recorded cost, shown beside the computed one.
//!
//! **Model.** Cline stamps every message with `modelInfo{modelId, providerId}` since November 2025
//! (e747d211e6); older Cline files and every Roo Code file name no model in `ui_messages.json`: such a call is
//! costed at the cost the extension recorded (the shared table's rule for a call without a model,
//! `Provenance::Recorded`), and unpriced only when it recorded none.
//!
//! **Which extension.** The path names it (`saoudrizwan.claude-dev`, `rooveterinaryinc.roo-cline`);
//! without it the content does (`apiProtocol` is Roo's, `modelInfo` Cline's); a file that shows
//! neither is read as Cline's (both meant the same then: disjoint buckets).
//!
//! **Units and fates:** the document is buffered and parsed when the file ends; each message is
//! one unit, numbered from 1. A usage message with counts is used; a merged `api_req_finished` is
//! a duplicate; a usage message without counts (a request still running or cancelled before any
//! usage) and every other message are ignored; a message that is not an object, or whose usage
//! text is not JSON or holds counts that are not whole non-negative numbers, is malformed.
//!
//! **Tools:** `tool` asks and says (`text` = `{tool, path?, ...}`), `command` (the shell) and
//! `use_mcp_server` (`{serverName, toolName}`) start a call at their `ts`; results are not tied
//! to calls in this file, so no latency or error is read. Prompts are `task` and `user_feedback`;
//! `condense_context` (Roo) and `condense` (Cline) are compactions. The task id (the folder) is the
//! session. No working directory, git branch or extension version is recorded here.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::line_report::{json_reason, Sink};
use crate::model::{
    content_hash, prompt_fields, Agent, MessageKey, MessageRecord, Role, Tokens, ToolCall, ToolKey,
    UsageKey, UsageRecord,
};
use crate::parsers::lenient::{opt_i64, opt_str};
use crate::parsers::{DocumentParser, FileContext};

/// The largest `ui_messages.json` read (256 MiB): pasted images are kept inline as data URLs.
const MAX_BYTES: usize = 256 << 20;

/// Roo-Code 416fa5727e, 2025-10-31T19:14:29Z: from then on `tokensIn` of an `"anthropic"` record
/// is the total input, cached tokens included.
pub const ROO_TOTAL_INPUT_SINCE_MS: i64 = 1_761_938_069_000;

/// Cline's classic provider handlers whose `tokensIn` included the cached tokens (see the module
/// doc), by `modelInfo.providerId`.
const CLINE_INCLUSIVE_PROVIDERS: &[&str] = &[
    "openai",
    "lmstudio",
    "litellm",
    "qwen",
    "doubao",
    "fireworks",
    "hicap",
    "oca",
];

/// cline 94f5a47a59 ("sdk migration"), 2026-06-24T05:11:26Z: from then on every provider's usage
/// is normalized to disjoint buckets before it is written.
pub const CLINE_SDK_SINCE_MS: i64 = 1_782_277_886_000;

/// VS Code's folder names of the two extensions.
const CLINE_FOLDER: &str = "saoudrizwan.claude-dev";
const ROO_FOLDER: &str = "rooveterinaryinc.roo-cline";

/// Reads one `ui_messages.json`.
pub struct ClineParser {
    ctx: FileContext,
}

impl ClineParser {
    /// A parser for the file at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        ClineParser { ctx }
    }
}

/// One message; only what a figure needs, every field tolerant (the usage is inside `text`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UiMessage<'a> {
    #[serde(default, deserialize_with = "opt_i64")]
    ts: Option<i64>,
    #[serde(borrow, rename = "type", default, deserialize_with = "opt_str")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    say: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    ask: Option<Cow<'a, str>>,
    #[serde(borrow, default, deserialize_with = "opt_str")]
    text: Option<Cow<'a, str>>,
    #[serde(default)]
    partial: Option<Value>,
    #[serde(default)]
    model_info: Option<Value>,
}

impl UiMessage<'_> {
    fn says(&self, what: &str) -> bool {
        self.kind.as_deref() == Some("say") && self.say.as_deref() == Some(what)
    }
    /// The `say` or `ask` kind of the message.
    fn what(&self) -> Option<&str> {
        match self.kind.as_deref() {
            Some("say") => self.say.as_deref(),
            Some("ask") => self.ask.as_deref(),
            _ => None,
        }
    }
    fn is_partial(&self) -> bool {
        self.partial.as_ref().and_then(Value::as_bool) == Some(true)
    }
}

/// The usage JSON of a request message; counts are checked by [`count`].
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiReqInfo {
    #[serde(default)]
    tokens_in: Option<Value>,
    #[serde(default)]
    tokens_out: Option<Value>,
    #[serde(default)]
    cache_writes: Option<Value>,
    #[serde(default)]
    cache_reads: Option<Value>,
    #[serde(default)]
    cost: Option<Value>,
    #[serde(default)]
    api_protocol: Option<Value>,
}

impl ApiReqInfo {
    /// `self` with `later`'s fields over it (`{...started, ...finished}`).
    fn overlaid(self, later: ApiReqInfo) -> ApiReqInfo {
        ApiReqInfo {
            tokens_in: later.tokens_in.or(self.tokens_in),
            tokens_out: later.tokens_out.or(self.tokens_out),
            cache_writes: later.cache_writes.or(self.cache_writes),
            cache_reads: later.cache_reads.or(self.cache_reads),
            cost: later.cost.or(self.cost),
            api_protocol: later.api_protocol.or(self.api_protocol),
        }
    }

    fn has_counts(&self) -> bool {
        self.tokens_in.is_some()
            || self.tokens_out.is_some()
            || self.cache_writes.is_some()
            || self.cache_reads.is_some()
    }
}

/// A count as written: absent or `null` is 0; a whole non-negative number is itself.
fn count(v: Option<&Value>, field: &str) -> Result<u64, String> {
    match v {
        None | Some(Value::Null) => Ok(0),
        Some(Value::Number(n)) => n
            .as_u64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1e18)
                    // Exact: a whole number below 2^63 that JSON wrote as a float.
                    .map(|f| f as u64)
            })
            .ok_or_else(|| format!("`{field}` is not a whole non-negative number ({n})")),
        Some(other) => Err(format!("`{field}` is not a number ({other})")),
    }
}

/// The extension and the meaning of its counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Cline,
    Roo,
}

/// Which extension wrote the file: its path, else its content (see the module doc).
fn flavour(path: &str, bytes: &[u8]) -> Flavour {
    if path.contains(ROO_FOLDER) {
        return Flavour::Roo;
    }
    if path.contains(CLINE_FOLDER) {
        return Flavour::Cline;
    }
    // `apiProtocol` appears inside the escaped usage text, or as a message field.
    if memchr::memmem::find(bytes, b"apiProtocol").is_some() {
        Flavour::Roo
    } else {
        Flavour::Cline
    }
}

/// The normalized counts of one request, and a repair note when the record contradicted itself.
fn tokens_of(
    info: &ApiReqInfo,
    flavour: Flavour,
    provider: Option<&str>,
    ts: i64,
) -> Result<(Tokens, Option<String>), String> {
    let tokens_in = count(info.tokens_in.as_ref(), "tokensIn")?;
    let output = count(info.tokens_out.as_ref(), "tokensOut")?;
    let cache_write = count(info.cache_writes.as_ref(), "cacheWrites")?;
    let cache_read = count(info.cache_reads.as_ref(), "cacheReads")?;
    let cached = cache_write.saturating_add(cache_read);
    let protocol = info.api_protocol.as_ref().and_then(Value::as_str);
    let inclusive = match flavour {
        Flavour::Roo => match protocol {
            Some("openai") => true,
            Some("anthropic") => ts >= ROO_TOTAL_INPUT_SINCE_MS,
            _ => false,
        },
        Flavour::Cline => {
            provider.is_some_and(|p| CLINE_INCLUSIVE_PROVIDERS.contains(&p))
                && ts < CLINE_SDK_SINCE_MS
        }
    };
    let (input, note) = if !inclusive {
        (tokens_in, None)
    } else if tokens_in >= cached {
        (tokens_in - cached, None)
    } else {
        (
            tokens_in,
            Some(format!(
                "tokensIn {tokens_in} is smaller than cacheWrites + cacheReads {cached}, so it \
                 cannot include them: read as uncached input"
            )),
        )
    };
    Ok((
        Tokens {
            input,
            output,
            cache_write_5m: cache_write,
            cache_write_1h: 0,
            cache_read,
            reasoning: 0,
        },
        note,
    ))
}

/// What one unit is, decided before any record is written.
enum Unit<'a> {
    /// Not an object, or not a message.
    Bad(String),
    Msg(UiMessage<'a>),
}

/// The usage messages every extension version sums.
const USAGE_SAYS: [&str; 3] = ["api_req_started", "deleted_api_reqs", "subagent_usage"];

impl DocumentParser for ClineParser {
    fn max_bytes(&self) -> usize {
        MAX_BYTES
    }

    fn document(&mut self, bytes: &[u8], out: &mut Sink) {
        let flavour = flavour(&self.ctx.path, bytes);
        out.report.agent = Some(match flavour {
            Flavour::Cline => Agent::Cline,
            Flavour::Roo => Agent::Roo,
        });
        let raw: Vec<&RawValue> = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(err) => {
                out.malformed(1, format!("document: {}", json_reason(bytes, &err)));
                return;
            }
        };
        let units: Vec<Unit<'_>> = raw
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let text = r.get();
                if !text.trim_start().starts_with('{') {
                    return Unit::Bad(format!("message {} is not an object", i + 1));
                }
                match serde_json::from_str::<UiMessage<'_>>(text) {
                    Ok(m) => Unit::Msg(m),
                    Err(err) => Unit::Bad(format!("message {}: {err}", i + 1)),
                }
            })
            .collect();
        let finished_of = pair_finished(&units);
        let task = Task {
            agent: out.report.agent.unwrap_or(Agent::Cline),
            flavour,
            session: task_id(&self.ctx.path),
        };
        let mut merged = vec![false; units.len()];
        for (i, unit) in units.iter().enumerate() {
            let number = i as u64 + 1;
            let m = match unit {
                Unit::Bad(reason) => {
                    out.malformed(number, reason.clone());
                    continue;
                }
                Unit::Msg(m) => m,
            };
            if m.says("api_req_finished") {
                // Counted at its started message when merged; on its own the extension drops it.
                let carries = parse_info(m).is_ok_and(|info| info.has_counts());
                if merged[i] && carries {
                    out.duplicate();
                } else {
                    out.ignored();
                }
                continue;
            }
            if USAGE_SAYS.iter().any(|s| m.says(s)) {
                let finished = finished_of[i].and_then(|j| match &units[j] {
                    Unit::Msg(f) => Some((j, f)),
                    Unit::Bad(_) => None,
                });
                if let Some((j, _)) = finished {
                    merged[j] = true;
                }
                task.usage(m, finished.map(|(_, f)| f), number, out);
                continue;
            }
            task.other(m, number, out);
            out.ignored();
        }
    }
}

/// For each `api_req_started`, the `api_req_finished` `combineApiRequests` merges into it: the
/// next one after it; the search resumes after that finished message.
fn pair_finished(units: &[Unit<'_>]) -> Vec<Option<usize>> {
    let is = |i: usize, what: &str| matches!(&units[i], Unit::Msg(m) if m.says(what));
    let mut pairs = vec![None; units.len()];
    let mut i = 0;
    while i < units.len() {
        if is(i, "api_req_started") {
            if let Some(j) = (i + 1..units.len()).find(|&j| is(j, "api_req_finished")) {
                pairs[i] = Some(j);
                i = j;
            }
        }
        i += 1;
    }
    pairs
}

/// The usage JSON inside a message's `text` (absent text is no usage).
fn parse_info(m: &UiMessage<'_>) -> Result<ApiReqInfo, String> {
    let Some(text) = m.text.as_deref().filter(|t| !t.trim().is_empty()) else {
        return Ok(ApiReqInfo::default());
    };
    serde_json::from_str::<ApiReqInfo>(text).map_err(|err| {
        format!(
            "usage text of `{}`: {}",
            m.say.as_deref().unwrap_or_default(),
            json_reason(text.as_bytes(), &err)
        )
    })
}

/// The task id: the folder holding the file (`tasks/<id>/ui_messages.json`), else the path.
fn task_id(path: &str) -> String {
    let mut parts = path.rsplit('/');
    let _file = parts.next();
    match parts.next().filter(|p| !p.is_empty()) {
        Some(folder) => folder.to_owned(),
        None => path.to_owned(),
    }
}

/// What is known of the task while its messages are read.
struct Task {
    agent: Agent,
    flavour: Flavour,
    session: String,
}

impl Task {
    fn usage(
        &self,
        m: &UiMessage<'_>,
        finished: Option<&UiMessage<'_>>,
        number: u64,
        out: &mut Sink,
    ) {
        let started = match parse_info(m) {
            Ok(info) => info,
            Err(reason) => {
                out.malformed(number, reason);
                return;
            }
        };
        let info = match finished.map(parse_info) {
            None => started,
            Some(Ok(f)) => started.overlaid(f),
            Some(Err(reason)) => {
                out.malformed(number, format!("merged api_req_finished: {reason}"));
                return;
            }
        };
        let ts = m.ts.unwrap_or(0);
        let provider = m
            .model_info
            .as_ref()
            .and_then(|i| i.get("providerId"))
            .and_then(Value::as_str);
        let (tokens, note) = match tokens_of(&info, self.flavour, provider, ts) {
            Ok(t) => t,
            Err(reason) => {
                out.malformed(number, reason);
                return;
            }
        };
        if tokens.is_zero() {
            out.ignored();
            return;
        }
        if let Some(note) = note {
            out.repaired(number, note);
        }
        if m.ts.is_none() {
            out.repaired(number, "no `ts`: dated at the epoch");
        }
        let model = m
            .model_info
            .as_ref()
            .and_then(|i| i.get("modelId"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        let recorded_cost_pico = info
            .cost
            .as_ref()
            .and_then(Value::as_f64)
            .and_then(crate::pricing::table::usd_to_pico);
        out.used(UsageRecord {
            key: UsageKey::new(
                self.agent,
                &self.session,
                &format!("{}/{ts}", m.say.as_deref().unwrap_or_default()),
            ),
            timestamp_ms: ts,
            model: model.map(Into::into),
            tokens,
            session: self.session.as_str().into(),
            project: None,
            git_branch: None,
            cli_version: None,
            is_sidechain: m.says("subagent_usage"),
            rare: crate::model::RareUsage::boxed(None, recorded_cost_pico, None),
            source: out.source(number),
        });
    }

    /// Prompts, replies, compactions and tool calls of a message without usage.
    fn other(&self, m: &UiMessage<'_>, number: u64, out: &mut Sink) {
        if m.is_partial() {
            return;
        }
        let what = m.what().unwrap_or_default();
        let role = match (m.kind.as_deref(), what) {
            (Some("say"), "task" | "user_feedback") => Some(Role::User),
            (Some("say"), "text" | "completion_result") => Some(Role::Assistant),
            (Some("say"), "condense_context" | "condense") => Some(Role::System),
            _ => None,
        };
        if let Some(role) = role {
            let (words, preview) = prompt_fields(m.text.as_deref().filter(|_| role == Role::User));
            out.message(MessageRecord {
                key: MessageKey::new(
                    self.agent,
                    &format!("{}/{what}/{}", self.session, m.ts.unwrap_or(0)),
                ),
                session: self.session.as_str().into(),
                role,
                timestamp_ms: m.ts.into(),
                words,
                preview,
                compaction: role == Role::System,
                source: out.source(number),
            });
        }
        if let Some((name, target)) = tool_of(m, what) {
            let target = target.filter(|_| is_file_tool(self.agent, &name));
            let text = m.text.as_deref().unwrap_or_default();
            out.tool(ToolCall {
                key: ToolKey::new(
                    self.agent,
                    self.session.as_str(),
                    &format!("{what}/{}", m.ts.unwrap_or(0)),
                ),
                session: self.session.as_str().into(),
                name: Some(name.into()),
                start_ms: m.ts.into(),
                end_ms: Default::default(),
                is_error: false,
                input_hash: Some(content_hash(text.as_bytes())).into(),
                target: target.map(Into::into),
                result_bytes: Default::default(),
                source: out.source(number),
            });
        }
    }
}

/// True for the tools whose `path` is one file read or written (not a folder listed or searched).
pub(crate) fn is_file_tool(agent: Agent, name: &str) -> bool {
    use crate::tool_category::{categorize, ToolCategory};
    matches!(
        categorize(agent, name),
        ToolCategory::FileRead | ToolCategory::FileWrite
    )
}

/// The tool a message starts, with the file it targets.
fn tool_of(m: &UiMessage<'_>, what: &str) -> Option<(String, Option<String>)> {
    let json = || {
        m.text
            .as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    match what {
        "tool" => {
            let v = json()?;
            let name = v.get("tool").and_then(Value::as_str)?.to_owned();
            let target = v.get("path").and_then(Value::as_str).map(str::to_owned);
            Some((name, target))
        }
        // A command's text is the command line; its ask and its later output share no id.
        "command" if m.kind.as_deref() == Some("ask") => Some(("execute_command".to_owned(), None)),
        // Named `mcp__<server>__<tool>`, the convention the tool categories recognise as MCP.
        "use_mcp_server" => {
            let v = json()?;
            let server = v.get("serverName").and_then(Value::as_str).unwrap_or("mcp");
            let tool = v
                .get("toolName")
                .and_then(Value::as_str)
                .or_else(|| v.get("uri").and_then(Value::as_str))
                .unwrap_or("resource");
            Some((format!("mcp__{server}__{tool}"), None))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(json: &str) -> ApiReqInfo {
        serde_json::from_str(json).expect("info")
    }

    #[test]
    fn roo_openai_records_hold_the_cache_inside_tokens_in() {
        let i = info(
            r#"{"tokensIn":1000,"tokensOut":5,"cacheReads":800,"cacheWrites":100,"apiProtocol":"openai"}"#,
        );
        let (t, note) = tokens_of(&i, Flavour::Roo, None, 0).expect("tokens");
        assert_eq!((t.input, t.cache_read, t.cache_write_5m), (100, 800, 100));
        assert!(note.is_none());
        // The same record written by Cline: disjoint buckets.
        let (t, _) = tokens_of(&i, Flavour::Cline, None, 0).expect("tokens");
        assert_eq!(t.input, 1000);
    }

    #[test]
    fn roo_anthropic_records_change_meaning_at_the_fix() {
        let i = info(r#"{"tokensIn":1000,"cacheReads":800,"apiProtocol":"anthropic"}"#);
        let before = tokens_of(&i, Flavour::Roo, None, ROO_TOTAL_INPUT_SINCE_MS - 1).expect("t");
        let after = tokens_of(&i, Flavour::Roo, None, ROO_TOTAL_INPUT_SINCE_MS).expect("t");
        assert_eq!(before.0.input, 1000);
        assert_eq!(after.0.input, 200);
    }

    #[test]
    fn an_inclusive_count_below_the_cache_is_read_as_uncached_and_noted() {
        let i = info(r#"{"tokensIn":3,"cacheReads":800,"apiProtocol":"openai"}"#);
        let (t, note) = tokens_of(&i, Flavour::Roo, None, 0).expect("t");
        assert_eq!(t.input, 3);
        assert!(note.is_some());
    }

    #[test]
    fn cline_classic_openai_compatible_records_hold_the_cache() {
        let i = info(r#"{"tokensIn":1000,"tokensOut":5,"cacheReads":800}"#);
        let at = |provider, ts| {
            tokens_of(&i, Flavour::Cline, provider, ts)
                .expect("t")
                .0
                .input
        };
        assert_eq!(at(Some("openai"), CLINE_SDK_SINCE_MS - 1), 200);
        assert_eq!(
            at(Some("openai"), CLINE_SDK_SINCE_MS),
            1000,
            "SDK: disjoint"
        );
        assert_eq!(at(Some("anthropic"), 0), 1000);
        assert_eq!(at(None, 0), 1000);
    }

    #[test]
    fn counts_must_be_whole_and_non_negative() {
        assert!(tokens_of(&info(r#"{"tokensIn":-1}"#), Flavour::Cline, None, 0).is_err());
        assert!(tokens_of(&info(r#"{"tokensIn":1.5}"#), Flavour::Cline, None, 0).is_err());
        assert!(tokens_of(&info(r#"{"tokensIn":"9"}"#), Flavour::Cline, None, 0).is_err());
        let (t, _) = tokens_of(
            &info(r#"{"tokensIn":2.0,"tokensOut":null}"#),
            Flavour::Cline,
            None,
            0,
        )
        .expect("t");
        assert_eq!((t.input, t.output), (2, 0));
    }

    #[test]
    fn the_task_id_is_the_folder() {
        assert_eq!(
            task_id("a/tasks/1700000000000/ui_messages.json"),
            "1700000000000"
        );
        assert_eq!(task_id("ui_messages.json"), "ui_messages.json");
    }
}
