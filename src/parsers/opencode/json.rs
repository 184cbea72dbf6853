//! OpenCode's JSON storage: one pretty-printed JSON object per file.
//!
//! `storage/message/<sessionID>/<messageID>.json` holds a message, `storage/part/<messageID>/
//! <partID>.json` a part. Each file is one unit of the file report: a message with usage is
//! used, any other message or part is not usage (ignored), a file that is not one of them is
//! malformed with the reason. Parts are separate files, so a message read here never knows its
//! parts: a user prompt's text is not previewed, and an assistant message that spanned several
//! model calls counts the calls its own `tokens` hold (the last one; see the module doc of
//! [`super`]).

use crate::line_report::Sink;
use crate::lines::strip_bom;
use crate::parsers::{DocumentParser, FileContext};

use super::records::{self, Message, MessageCtx, Part};

/// The largest storage file read (a message or part is a few KiB; a tool part with a large
/// output may be MiBs).
const MAX_BYTES: usize = 256 << 20;

/// Reads one file of OpenCode's JSON storage.
pub struct OpenCodeJsonParser {
    ctx: FileContext,
}

impl OpenCodeJsonParser {
    /// A parser for the file at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        OpenCodeJsonParser { ctx }
    }

    /// `(parent folder, file stem)` of the path: a message file lives in its session's folder,
    /// a part file in its message's.
    fn path_ids(&self) -> (Option<&str>, Option<&str>) {
        let mut parts = self.ctx.path.rsplit('/');
        let stem = parts.next().map(|n| n.strip_suffix(".json").unwrap_or(n));
        (parts.next(), stem)
    }
}

/// Enough of a storage file to tell a message from a part.
#[derive(serde::Deserialize)]
struct Probe {
    #[serde(default)]
    role: Option<serde_json::Value>,
    #[serde(rename = "type", default)]
    kind: Option<serde_json::Value>,
}

impl DocumentParser for OpenCodeJsonParser {
    fn max_bytes(&self) -> usize {
        MAX_BYTES
    }

    fn document(&mut self, bytes: &[u8], out: &mut Sink) {
        let bytes = strip_bom(bytes);
        let probe: Probe = match serde_json::from_slice(bytes) {
            Ok(p) => p,
            Err(err) => {
                out.malformed(1, crate::line_report::json_reason(bytes, &err));
                return;
            }
        };
        let source = out.source(1);
        let (folder, stem) = self.path_ids();
        if probe.role.is_some() {
            let m: Message<'_> = match serde_json::from_slice(bytes) {
                Ok(m) => m,
                Err(err) => {
                    out.malformed(1, format!("message: {err}"));
                    return;
                }
            };
            let id = m.id.as_deref().or(stem).unwrap_or_default().to_owned();
            let session = m
                .session_id
                .as_deref()
                .or(folder)
                .unwrap_or_default()
                .to_owned();
            let ctx = MessageCtx {
                id: &id,
                session: &session,
                fallback_ms: None,
                cli_version: None,
                source,
            };
            if let Some(msg) = records::message(&m, &ctx, None) {
                out.message(msg);
            }
            let tokens = m.tokens.unwrap_or_default();
            match records::usage(&m, &ctx, &tokens, m.cost, None) {
                Some(record) => out.used(record),
                None => out.ignored(),
            }
        } else if probe.kind.is_some() {
            let p: Part<'_> = match serde_json::from_slice(bytes) {
                Ok(p) => p,
                Err(err) => {
                    out.malformed(1, format!("part: {err}"));
                    return;
                }
            };
            let session = p.session_id.as_deref().unwrap_or_default().to_owned();
            if let Some(call) = records::tool_call(&p, &session, source) {
                out.tool(call);
            }
            // A step-finish part repeats usage its message already holds: not a call of its own.
            out.ignored();
        } else {
            out.malformed(1, "not an OpenCode message (no `role`) or part (no `type`)");
        }
    }
}
