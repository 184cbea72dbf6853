//! A fast reading of the lines the parser reads in full, with serde_json's answer or none.
//!
//! Tool-result lines are about half of a transcript's bytes, and nearly all of those bytes are
//! the strings of a tool's output (`message.content[].content`, and its `toolUseResult` copy).
//! serde_json validates each such string eight bytes per step and returns to its visitor at
//! every escape; this reader validates the line's JSON itself, sixteen bytes per step inside a
//! string, and fills in the very [`FullLine`] serde_json would have built from it.
//!
//! It is exact by refusing, not by imitating: it answers only for lines whose reading leaves no
//! room for interpretation, and returns `None` for anything else, for which the parser asks
//! serde_json as before (so every error message, and every odd shape's fate, stays serde's).
//! It refuses:
//! - anything that is not strict JSON (RFC 8259: escapes, control characters, number grammar,
//!   literals, commas, trailing bytes), and nesting deeper than [`MAX_DEPTH`] (serde_json's own
//!   limit is 128), as the shared [`Cursor`] checks it;
//! - a key with an escape (serde_json decodes keys before matching them), and a field the
//!   reading declares that appears twice (a derived struct's `duplicate field` error);
//! - a number where a declared field is read with `deserialize_any` (serde_json parses it and
//!   may reject it as out of range), a token count that is not a plain integer within `u64`, and
//!   `costUSD` when it is not `null` (Claude Code <= 1.0.8: rare, left to serde's float reading);
//! - a string with an escape in a place serde_json decodes (it rejects a lone surrogate there,
//!   but not in a skipped string) unless decoding it with serde_json succeeds;
//! - a `data` field (a `progress` line's payload: rare, and read by serde).
//!
//! `tests` compares this reading with serde_json's on every Claude fixture line and on many
//! thousands of damaged copies of them (truncated, bytes changed, keys repeated): whenever this
//! one answers, serde_json reads the same line identically.
//!
//! [`MAX_DEPTH`]: crate::parsers::json_scan::MAX_DEPTH

use std::borrow::Cow;

use crate::parsers::json_scan::Cursor;

use super::lax::{Content, LaxObj, LaxStr};
use super::schema::{Block, CacheCreation, Envelope, FullLine, Message, Raw, Usage};

/// The line as serde_json would read it into a [`FullLine`], or `None` when this reader leaves it
/// to serde_json (see the module docs). `text` is the line, after any byte-order mark.
pub(super) fn full_line(text: &str) -> Option<FullLine<'_>> {
    let mut cur = Cursor::new(text);
    cur.ws();
    let line = cur.envelope()?;
    cur.ws();
    (cur.at == cur.s.len()).then_some(line)
}

/// The fields a struct has seen, to refuse a repeated one.
#[derive(Default)]
struct Seen(u32);

impl Seen {
    /// `Some(())` the first time field `i` is seen.
    fn first(&mut self, i: u32) -> Option<()> {
        let bit = 1 << i;
        (self.0 & bit == 0).then(|| self.0 |= bit)
    }
}

impl<'a> Cursor<'a> {
    /// A string in a place serde_json decodes: borrowed when it has no escape, else decoded by
    /// serde_json itself (`None` when that fails, e.g. on a lone surrogate).
    fn decoded_string(&mut self) -> Option<Cow<'a, str>> {
        let (start, saved) = self.string()?;
        let raw = self.text.get(start..self.at)?;
        // Every escape saves at least a byte: `saved` is zero exactly when there is none.
        if saved > 0 {
            serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
        } else {
            raw.get(1..raw.len() - 1).map(Cow::Borrowed)
        }
    }

    /// A value read with `deserialize_any` by a visitor that wants none of its scalar shapes (a
    /// [`LaxObj`]'s non-object, a [`Content`]'s non-list): validated and skipped; a string is
    /// decoded (serde_json would), a number refused.
    fn any_skipped(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.decoded_string().map(drop),
            b'-' | b'0'..=b'9' => None,
            _ => self.skip_value(depth),
        }
    }

    /// A [`LaxStr`] field.
    fn lax_str(&mut self, depth: u32) -> Option<LaxStr<'a>> {
        match self.peek()? {
            b'"' => self.decoded_string().map(|s| LaxStr(Some(s))),
            _ => self.any_skipped(depth).map(|()| LaxStr(None)),
        }
    }

    /// An `Option<bool>` field: `null`, `true` or `false`; anything else is serde's error.
    fn opt_bool(&mut self) -> Option<Option<bool>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b't' => self.literal(b"true").map(|()| Some(true)),
            b'f' => self.literal(b"false").map(|()| Some(false)),
            _ => None,
        }
    }

    /// A lenient boolean (`lenient::opt_bool`): a boolean, else `None`.
    fn lenient_bool(&mut self, depth: u32) -> Option<Option<bool>> {
        match self.peek()? {
            b't' | b'f' => self.opt_bool(),
            _ => self.any_skipped(depth).map(|()| None),
        }
    }

    /// An `Option<u64>` token count: `null`, or a plain integer within `u64`.
    fn count(&mut self) -> Option<Option<u64>> {
        if self.peek()? == b'n' {
            return self.literal(b"null").map(|()| None);
        }
        let start = self.at;
        self.number()?;
        let digits = self.text.get(start..self.at)?;
        // `parse` would accept a leading `+`; the grammar above never lets one through.
        digits.parse::<u64>().ok().map(Some)
    }

    /// An `Option<LaxObj<T>>` field: `null` is `None`, an object is read by `read`.
    fn opt_lax_obj<T>(
        &mut self,
        depth: u32,
        read: impl FnOnce(&mut Self, u32) -> Option<T>,
    ) -> Option<Option<LaxObj<T>>> {
        match self.peek()? {
            b'n' => self.literal(b"null").map(|()| None),
            b'{' => read(self, depth).map(|t| Some(LaxObj(Some(t)))),
            _ => self.any_skipped(depth).map(|()| Some(LaxObj(None))),
        }
    }

    /// An `Option<Raw>` field: `null` is `None`, any other value its span as written (a
    /// string measured on the way).
    fn opt_raw(&mut self, depth: u32) -> Option<Option<Raw<'a>>> {
        let start = self.at;
        let str_len = match self.peek()? {
            b'n' => return self.literal(b"null").map(|()| None),
            b'"' => {
                let (_, saved) = self.string()?;
                Some((self.at - start - 2) as u64 - saved)
            }
            _ => {
                self.skip_value(depth)?;
                None
            }
        };
        let json = self.text.get(start..self.at)?;
        Some(Some(Raw { json, str_len }))
    }

    fn envelope(&mut self) -> Option<FullLine<'a>> {
        let mut line = Envelope {
            kind: LaxStr(None),
            uuid: LaxStr(None),
            timestamp: LaxStr(None),
            session_id: LaxStr(None),
            cwd: LaxStr(None),
            version: LaxStr(None),
            git_branch: LaxStr(None),
            request_id: LaxStr(None),
            is_sidechain: None,
            is_api_error_message: None,
            subtype: LaxStr(None),
            is_meta: None,
            is_compact_summary: None,
            cost_usd: None,
            message: None,
            data: None,
        };
        let mut seen = Seen::default();
        self.object(0, |c, key, depth| {
            match key {
                b"type" => {
                    seen.first(0)?;
                    line.kind = c.lax_str(depth)?;
                }
                b"uuid" => {
                    seen.first(1)?;
                    line.uuid = c.lax_str(depth)?;
                }
                b"timestamp" => {
                    seen.first(2)?;
                    line.timestamp = c.lax_str(depth)?;
                }
                b"sessionId" => {
                    seen.first(3)?;
                    line.session_id = c.lax_str(depth)?;
                }
                b"cwd" => {
                    seen.first(4)?;
                    line.cwd = c.lax_str(depth)?;
                }
                b"version" => {
                    seen.first(5)?;
                    line.version = c.lax_str(depth)?;
                }
                b"gitBranch" => {
                    seen.first(6)?;
                    line.git_branch = c.lax_str(depth)?;
                }
                b"requestId" => {
                    seen.first(7)?;
                    line.request_id = c.lax_str(depth)?;
                }
                b"isSidechain" => {
                    seen.first(8)?;
                    line.is_sidechain = c.opt_bool()?;
                }
                b"isApiErrorMessage" => {
                    seen.first(9)?;
                    line.is_api_error_message = c.opt_bool()?;
                }
                b"subtype" => {
                    seen.first(10)?;
                    line.subtype = c.lax_str(depth)?;
                }
                b"isMeta" => {
                    seen.first(11)?;
                    line.is_meta = c.lenient_bool(depth)?;
                }
                b"isCompactSummary" => {
                    seen.first(12)?;
                    line.is_compact_summary = c.lenient_bool(depth)?;
                }
                b"costUSD" => {
                    seen.first(13)?;
                    c.literal(b"null")?; // a cost is left to serde_json
                }
                b"message" => {
                    seen.first(14)?;
                    line.message = c.opt_lax_obj(depth, Self::message)?;
                }
                b"data" => return None,
                _ => c.skip_value(depth)?,
            };
            Some(())
        })?;
        Some(line)
    }

    fn message(&mut self, depth: u32) -> Option<Message<'a>> {
        let mut message = Message {
            id: LaxStr(None),
            model: LaxStr(None),
            usage: None,
            content: Content::Opaque,
        };
        let mut seen = Seen::default();
        self.object(depth, |c, key, depth| {
            match key {
                b"id" => {
                    seen.first(0)?;
                    message.id = c.lax_str(depth)?;
                }
                b"model" => {
                    seen.first(1)?;
                    message.model = c.lax_str(depth)?;
                }
                b"usage" => {
                    seen.first(2)?;
                    message.usage = c.opt_lax_obj(depth, Self::usage)?;
                }
                b"content" => {
                    seen.first(3)?;
                    message.content = c.content(depth)?;
                }
                _ => c.skip_value(depth)?,
            };
            Some(())
        })?;
        Some(message)
    }

    fn usage(&mut self, depth: u32) -> Option<Usage<'a>> {
        let mut usage = Usage::default();
        let mut seen = Seen::default();
        self.object(depth, |c, key, depth| {
            match key {
                b"input_tokens" => {
                    seen.first(0)?;
                    usage.input_tokens = c.count()?;
                }
                b"output_tokens" => {
                    seen.first(1)?;
                    usage.output_tokens = c.count()?;
                }
                b"cache_creation_input_tokens" => {
                    seen.first(2)?;
                    usage.cache_creation_input_tokens = c.count()?;
                }
                b"cache_read_input_tokens" => {
                    seen.first(3)?;
                    usage.cache_read_input_tokens = c.count()?;
                }
                b"cache_creation" => {
                    seen.first(4)?;
                    usage.cache_creation = c.opt_lax_obj(depth, Self::cache_creation)?;
                }
                b"speed" => {
                    seen.first(5)?;
                    usage.speed = c.lax_str(depth)?;
                }
                _ => c.skip_value(depth)?,
            };
            Some(())
        })?;
        Some(usage)
    }

    fn cache_creation(&mut self, depth: u32) -> Option<CacheCreation> {
        let mut split = CacheCreation::default();
        let mut seen = Seen::default();
        self.object(depth, |c, key, depth| {
            match key {
                b"ephemeral_5m_input_tokens" => {
                    seen.first(0)?;
                    split.ephemeral_5m_input_tokens = c.count()?;
                }
                b"ephemeral_1h_input_tokens" => {
                    seen.first(1)?;
                    split.ephemeral_1h_input_tokens = c.count()?;
                }
                _ => c.skip_value(depth)?,
            };
            Some(())
        })?;
        Some(split)
    }

    /// `message.content`: a list of blocks (its non-object items skipped), else opaque.
    fn content(&mut self, depth: u32) -> Option<Content<Block<'a>>> {
        if self.peek()? != b'[' {
            return self.any_skipped(depth).map(|()| Content::Opaque);
        }
        let mut blocks = Vec::new();
        self.array(depth, |c, depth| {
            if c.peek()? == b'{' {
                blocks.push(c.block(depth)?);
                Some(())
            } else {
                c.any_skipped(depth)
            }
        })?;
        Some(Content::Blocks(blocks))
    }

    fn block(&mut self, depth: u32) -> Option<Block<'a>> {
        let mut block = Block {
            kind: LaxStr(None),
            id: LaxStr(None),
            name: LaxStr(None),
            tool_use_id: LaxStr(None),
            is_error: None,
            input: None,
            content: None,
        };
        let mut seen = Seen::default();
        self.object(depth, |c, key, depth| {
            match key {
                b"type" => {
                    seen.first(0)?;
                    block.kind = c.lax_str(depth)?;
                }
                b"id" => {
                    seen.first(1)?;
                    block.id = c.lax_str(depth)?;
                }
                b"name" => {
                    seen.first(2)?;
                    block.name = c.lax_str(depth)?;
                }
                b"tool_use_id" => {
                    seen.first(3)?;
                    block.tool_use_id = c.lax_str(depth)?;
                }
                b"is_error" => {
                    seen.first(4)?;
                    block.is_error = c.opt_bool()?;
                }
                b"input" => {
                    seen.first(5)?;
                    block.input = c.opt_raw(depth)?;
                }
                b"content" => {
                    seen.first(6)?;
                    block.content = c.opt_raw(depth)?;
                }
                _ => c.skip_value(depth)?,
            };
            Some(())
        })?;
        Some(block)
    }
}

#[cfg(test)]
mod tests;
