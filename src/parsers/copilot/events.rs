//! The current Copilot CLI event log (`session-state/<id>/events.jsonl`), read line by line.
//!
//! The rules are in the [parent module](super). The state that spans lines: the session's
//! identity and context, the current model, and the `assistant.message` outputs of the open
//! segment, whose fate waits for the segment's end (duplicate when a shutdown closes it,
//! output-only calls when it never does).

use crate::line_report::{json_reason, Sink};
use crate::model::{
    prompt_fields, Agent, MessageKey, MessageRecord, Role, Tokens, ToolCall, ToolKey, UsageKey,
    UsageRecord,
};
use crate::parsers::{is_blank, parse_timestamp_ms, FileContext, LineParser};

use super::records::{input_hash, str_field, Data, Event, ModelMetric};
use super::session_from_path;

/// The output of one `assistant.message`, waiting for its segment to end.
#[derive(Debug)]
struct Pending {
    line: u64,
    ts: Option<i64>,
    output: u64,
    model: Option<String>,
    id: String,
    sub_agent: bool,
}

/// Reads `events.jsonl` logs.
pub struct CopilotEventsParser {
    fallback_session: String,
    session: Option<String>,
    project: Option<String>,
    git_branch: Option<String>,
    cli_version: Option<String>,
    /// The model of the latest `session.model_change` (or the start's selected model).
    model: Option<String>,
    /// The latest timestamp seen, for events without one.
    last_ts: Option<i64>,
    /// Outputs of the open segment.
    pending: Vec<Pending>,
}

impl CopilotEventsParser {
    /// A parser for the log at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        CopilotEventsParser {
            fallback_session: session_from_path(&ctx.path),
            session: None,
            project: None,
            git_branch: None,
            cli_version: None,
            model: None,
            last_ts: None,
            pending: Vec::new(),
        }
    }

    fn session(&self) -> &str {
        self.session.as_deref().unwrap_or(&self.fallback_session)
    }

    /// `session.start` / `session.resume`: who and where; the first value seen wins.
    fn absorb_start(&mut self, data: &Data<'_>) {
        let own = |s: Option<&str>| s.filter(|s| !s.is_empty()).map(str::to_owned);
        self.session = self
            .session
            .take()
            .or_else(|| own(data.session_id.as_deref()));
        self.cli_version = self
            .cli_version
            .take()
            .or_else(|| own(data.copilot_version.as_deref()));
        if let Some(ctx) = &data.context {
            self.project = self.project.take().or_else(|| own(str_field(ctx, "cwd")));
            self.git_branch = self
                .git_branch
                .take()
                .or_else(|| own(str_field(ctx, "branch")));
        }
        if let Some(model) = own(data.selected_model.as_deref()) {
            self.model = Some(model);
        }
    }

    /// Ends the open segment without a shutdown: its outputs are the only record of its calls.
    fn close_unfinished(&mut self, out: &mut Sink) {
        for p in std::mem::take(&mut self.pending) {
            let record = UsageRecord {
                key: UsageKey::new(Agent::Copilot, self.session(), &p.id),
                timestamp_ms: p.ts.unwrap_or(0),
                model: p.model.map(Into::into),
                tokens: Tokens {
                    output: p.output,
                    ..Tokens::default()
                },
                ..self.record_base(p.line, p.sub_agent, out)
            };
            out.used(record);
        }
    }

    /// The fields every record of this file shares.
    fn record_base(&self, line: u64, sub_agent: bool, out: &Sink) -> UsageRecord {
        UsageRecord {
            key: UsageKey::unkeyed(Agent::Copilot, &out.source(line)),
            timestamp_ms: 0,
            model: None,
            tokens: Tokens::default(),
            session: self.session().into(),
            project: self.project.as_deref().map(Into::into),
            git_branch: self.git_branch.as_deref().map(Into::into),
            cli_version: self.cli_version.as_deref().map(Into::into),
            is_sidechain: sub_agent,
            rare: None,
            source: out.source(line),
        }
    }

    fn shutdown(
        &mut self,
        ev: &Event<'_>,
        data: &Data<'_>,
        ts: Option<i64>,
        n: u64,
        out: &mut Sink,
    ) {
        // The segment's outputs are inside the totals below.
        for _ in std::mem::take(&mut self.pending) {
            out.duplicate();
        }
        let metrics = data.model_metrics.as_ref().filter(|m| !m.is_empty());
        let Some(metrics) = metrics else {
            out.ignored();
            return;
        };
        let event = ev
            .id
            .as_deref()
            .filter(|s| !s.is_empty())
            .map_or_else(|| format!("@{n}"), str::to_owned);
        for (model, metric) in metrics {
            self.model_metric(&event, model, metric, ts, n, out);
        }
    }

    fn model_metric(
        &self,
        event: &str,
        model: &str,
        metric: &ModelMetric,
        ts: Option<i64>,
        n: u64,
        out: &mut Sink,
    ) {
        let usage = metric.usage.unwrap_or_default();
        let premium = metric.requests.and_then(|r| r.cost);
        let cached = usage
            .cache_read_tokens
            .saturating_add(usage.cache_write_tokens);
        if usage == Default::default() && premium.unwrap_or(0.0) == 0.0 {
            out.ignored();
            return;
        }
        if cached > usage.input_tokens {
            out.repaired(
                n,
                format!(
                    "{model}: cache reads and writes ({cached}) exceed inputTokens ({}): \
                     uncached input counted as 0",
                    usage.input_tokens
                ),
            );
        }
        let record = UsageRecord {
            key: UsageKey::new(
                Agent::Copilot,
                self.session(),
                &format!("shutdown:{event}:{model}"),
            ),
            timestamp_ms: ts.unwrap_or(0),
            model: Some(model.to_owned())
                .filter(|m| !m.is_empty())
                .map(Into::into),
            tokens: Tokens {
                input: usage.input_tokens.saturating_sub(cached),
                output: usage.output_tokens,
                cache_write_5m: usage.cache_write_tokens,
                cache_write_1h: 0,
                cache_read: usage.cache_read_tokens,
                reasoning: usage.reasoning_tokens.min(usage.output_tokens),
            },
            rare: crate::model::RareUsage::boxed(None, None, premium),
            ..self.record_base(n, false, out)
        };
        out.used(record);
    }

    fn message(
        &self,
        ev: &Event<'_>,
        role: Role,
        ts: Option<i64>,
        n: u64,
        text: Option<&str>,
        out: &mut Sink,
    ) {
        let id = ev
            .id
            .as_deref()
            .map_or_else(|| format!("@{n}"), str::to_owned);
        let (words, preview) = prompt_fields(text);
        out.message(MessageRecord {
            key: MessageKey::new(Agent::Copilot, &format!("{}/{id}", self.session())),
            session: self.session().into(),
            role,
            timestamp_ms: ts.into(),
            words,
            preview,
            compaction: false,
            source: out.source(n),
        });
    }

    fn tool(&self, data: &Data<'_>, ts: Option<i64>, end: bool, n: u64, out: &mut Sink) {
        let Some(id) = data.tool_call_id.as_deref().filter(|s| !s.is_empty()) else {
            return;
        };
        let result_bytes = data
            .result
            .as_ref()
            .and_then(|r| str_field(r, "content"))
            .map(|s| s.len() as u64);
        out.tool(ToolCall {
            key: ToolKey::new(Agent::Copilot, self.session(), id),
            session: self.session().into(),
            name: data.tool_name.as_deref().map(Into::into),
            start_ms: if end { Default::default() } else { ts.into() },
            end_ms: if end { ts.into() } else { Default::default() },
            is_error: end && data.success == Some(false),
            input_hash: data.arguments.as_ref().map(input_hash).into(),
            target: data
                .arguments
                .as_ref()
                .and_then(|a| str_field(a, "path"))
                .map(Into::into),
            result_bytes: if end {
                result_bytes.into()
            } else {
                Default::default()
            },
            source: out.source(n),
        });
    }
}

impl LineParser for CopilotEventsParser {
    fn line(&mut self, n: u64, bytes: &[u8], out: &mut Sink) {
        if is_blank(bytes) {
            out.ignored();
            return;
        }
        // serde reads a struct from an array too; only an object is an event.
        if bytes.trim_ascii_start().first() != Some(&b'{') {
            out.malformed(n, not_an_object(bytes));
            return;
        }
        let ev: Event<'_> = match serde_json::from_slice(bytes) {
            Ok(ev) => ev,
            Err(err) => {
                out.malformed(n, reason(bytes, &err));
                return;
            }
        };
        let Some(kind) = ev.kind.as_deref() else {
            out.malformed(n, "not a Copilot CLI event (no `type`)");
            return;
        };
        let ts = ev.timestamp.as_deref().and_then(parse_timestamp_ms);
        if ts.is_some() {
            self.last_ts = ts;
        }
        let ts = ts.or(self.last_ts);
        let empty = Data::default();
        let data = ev.data.as_ref().unwrap_or(&empty);
        match kind {
            "session.start" | "session.resume" => {
                self.close_unfinished(out);
                self.absorb_start(data);
                out.ignored();
            }
            "session.model_change" => {
                if let Some(m) = data.new_model.as_deref().filter(|m| !m.is_empty()) {
                    self.model = Some(m.to_owned());
                }
                out.ignored();
            }
            "user.message" => {
                // An empty prompt is the CLI continuing on its own (autopilot), not the user.
                if let Some(text) = data.content.as_deref().filter(|t| !t.trim().is_empty()) {
                    self.message(&ev, Role::User, ts, n, Some(text), out);
                }
                out.ignored();
            }
            "assistant.message" => {
                self.message(&ev, Role::Assistant, ts, n, None, out);
                match data.output_tokens {
                    Some(output) if output > 0 => {
                        let id = data
                            .message_id
                            .as_deref()
                            .or(data.request_id.as_deref())
                            .or(ev.id.as_deref())
                            .filter(|s| !s.is_empty())
                            .map_or_else(|| format!("message@{n}"), |id| format!("message:{id}"));
                        self.pending.push(Pending {
                            line: n,
                            ts,
                            output,
                            model: self.model.clone(),
                            id,
                            sub_agent: ev.agent_id.is_some(),
                        });
                    }
                    _ => out.ignored(),
                }
            }
            "tool.execution_start" => {
                self.tool(data, ts, false, n, out);
                out.ignored();
            }
            "tool.execution_complete" => {
                self.tool(data, ts, true, n, out);
                out.ignored();
            }
            "session.compaction_complete" => {
                if data.success != Some(false) {
                    let id = ev
                        .id
                        .as_deref()
                        .map_or_else(|| format!("@{n}"), str::to_owned);
                    out.message(MessageRecord {
                        key: MessageKey::new(Agent::Copilot, &format!("{}/{id}", self.session())),
                        session: self.session().into(),
                        role: Role::System,
                        timestamp_ms: ts.into(),
                        words: Default::default(),
                        preview: None,
                        compaction: true,
                        source: out.source(n),
                    });
                }
                out.ignored();
            }
            "session.shutdown" => self.shutdown(&ev, data, ts, n, out),
            _ => out.ignored(),
        }
    }

    fn finish(&mut self, out: &mut Sink) {
        self.close_unfinished(out);
    }
}

/// Why an object line could not be read: not JSON at all, or JSON of an unexpected shape.
fn reason(bytes: &[u8], err: &serde_json::Error) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => format!("unexpected event shape: {err}"),
        Err(inner) => json_reason(bytes, &inner),
    }
}

/// Why a line that does not open with `{` is not an event.
fn not_an_object(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        Ok(_) => "not a JSON object".to_owned(),
        Err(err) => json_reason(bytes, &err),
    }
}
