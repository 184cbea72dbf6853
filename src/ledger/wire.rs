//! A compact binary form of a [`Ledger`], for moving ledgers between threads and processes.
//!
//! Why not JSON: a browser worker hands its ledger to the page once per import, and for a
//! 500 MB corpus the JSON was ~70 MB that took seconds to write in the worker and to read on the
//! page. Why not a serde binary format (`postcard`, `bincode`): those are not self-describing, so
//! they cannot read back the model's `skip_serializing_if` fields (kept for the JSON forms), and
//! they would repeat every session, path and model name on every record. This form writes each
//! such string once in a table and refers to it by number, which is what makes it small: the
//! same ledger is a fraction of its JSON size and encodes and decodes in a single pass.
//!
//! Layout: `MAGIC`, then the string table (count, then each string as length + UTF-8 bytes),
//! then four sections (usage records, tool calls, messages, file reports), each a count followed
//! by the records. Integers are LEB128 varints (signed ones zigzag-encoded), `f64` is 8 bytes
//! little-endian, an `Option` is a 0/1 tag before its value. Strings that repeat (sessions,
//! paths, models, projects, branches, versions) go through the table; strings unique to a record
//! (previews, reasons) are written inline. A record's key is its agent (one byte), a flags byte
//! (bit 0: stand-in) and its 96-bit digests (12 bytes each, `crate::model::key`).
//!
//! Versions: `AML3` (this one) writes keys as digests. `AML2` wrote the key strings (raw ids in
//! the browser's stored entries; ids hashed to `h:…` in ledger files of version 1) and is still
//! read: each key string is turned into the digest a parser makes of it ([`KeyPart::of`] decodes
//! a hashed id into the same bits), so an old entry or ledger file merged with a fresh reading of
//! the same files still counts each call once (`tests/old_forms.rs`).
//!
//! Every struct is taken apart and rebuilt with all its fields named, so a field added to the
//! model is a compile error here until it is carried, never a silently dropped value. Decoding
//! never panics: bad input is a [`WireError`]. [`Ledger::merge_wire`] is exactly [`Ledger::merge`]
//! of the decoded ledger, so the merge law holds for encoded ledgers merged in any order
//! (`tests/wire.rs`).

use std::collections::HashMap;
use std::sync::Arc;

use crate::line_report::{FileReport, Issue};
use crate::model::{
    Agent, KeyPart, MessageKey, MessageRecord, RareUsage, Role, Source, Text, Tokens, ToolCall,
    ToolKey, UsageKey, UsageRecord,
};

use super::Ledger;

/// The first bytes of every encoded ledger (format name and version).
pub const MAGIC: &[u8; 4] = b"AML3";

/// The magic of the previous version, which carried key strings (still read).
pub const MAGIC_V2: &[u8; 4] = b"AML2";

/// About how many body bytes [`Ledger::to_wire_pieces`] hands over at a time.
pub const WIRE_PIECE: usize = 1 << 20;

/// Flag bit of a key read from a stand-in file.
const FLAG_STANDIN: u8 = 1;

/// Why bytes could not be read as a ledger.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an encoded ledger: {0}")]
pub struct WireError(String);

fn err<T>(what: &str) -> Result<T, WireError> {
    Err(WireError(what.to_owned()))
}

impl Ledger {
    /// The ledger in its binary wire form (see the [module docs](self)).
    #[must_use]
    pub fn to_wire(&self) -> Vec<u8> {
        let mut e = Encoder::default();
        self.encode(&mut e, &mut |_| {});
        e.finish()
    }

    /// [`Ledger::to_wire`] without ever holding it whole: the body is handed to `piece` in pieces
    /// of about `piece_bytes` ([`WIRE_PIECE`] for the page) as it is encoded, and the head (the magic and the string
    /// table, which come first but are only known at the end) is returned last. The head
    /// followed by the pieces in order is exactly `to_wire()`.
    ///
    /// Why: the page saves its merged ledger for the next visit, and encoded whole it took a
    /// buffer of the wire's size plus the doubling of a growing `Vec` plus the final copy (about
    /// three times the wire, 80 MB at 5 GB) in wasm memory, which never shrinks.
    pub fn to_wire_pieces(&self, piece_bytes: usize, piece: &mut dyn FnMut(&[u8])) -> Vec<u8> {
        let mut e = Encoder::default();
        self.encode(&mut e, &mut |body: &mut Vec<u8>| {
            if body.len() >= piece_bytes {
                piece(body);
                body.clear();
            }
        });
        piece(&e.body);
        e.body.clear();
        e.finish()
    }

    /// Encodes every record into `e`, calling `after_record` with the body after each one.
    fn encode<'a>(&'a self, e: &mut Encoder<'a>, after_record: &mut dyn FnMut(&mut Vec<u8>)) {
        e.count(self.usage.len());
        for r in self.usage.values() {
            e.usage(r);
            after_record(&mut e.body);
        }
        e.count(self.tools.len());
        for t in self.tools.values() {
            e.tool(t);
            after_record(&mut e.body);
        }
        e.count(self.messages.len());
        for m in self.messages.values() {
            e.message(m);
            after_record(&mut e.body);
        }
        e.count(self.files.len());
        for f in self.files.values() {
            e.file(f);
            after_record(&mut e.body);
        }
    }

    /// Reads a ledger written by [`Ledger::to_wire`].
    ///
    /// # Errors
    /// When `bytes` are not a complete encoded ledger of this version or the previous one.
    pub fn from_wire(bytes: &[u8]) -> Result<Ledger, WireError> {
        let mut ledger = Ledger::new();
        ledger.merge_wire(bytes)?;
        Ok(ledger)
    }

    /// Merges an encoded ledger into this one: the same result as
    /// `self.merge(Ledger::from_wire(bytes)?)`, without building the intermediate maps.
    ///
    /// # Errors
    /// When `bytes` are not a complete encoded ledger; `self` is then unchanged (the bytes are
    /// read whole before anything is inserted).
    pub fn merge_wire(&mut self, bytes: &[u8]) -> Result<(), WireError> {
        let mut decoder = Decoder::new(bytes)?;
        let parts = decoder.parts()?;
        let mut ledger = parts.into_ledger();
        // The decoded records already share one copy of each table string; the ledger's table
        // learns those copies, so records merged in later point at them too.
        for t in decoder.texts.into_iter().flatten() {
            ledger.strings.adopt(t);
        }
        self.merge(ledger);
        Ok(())
    }
}

impl Parts {
    /// The decoded records as a ledger. [`Ledger::to_wire`] writes each kind in key order, so
    /// the lists are taken as they are; bytes from anywhere else (keys out of order or
    /// repeated) are sorted and combined by the ledger's rules instead, with the same result.
    fn into_ledger(self) -> Ledger {
        let Parts {
            usage,
            tools,
            messages,
            files,
        } = self;
        let mut ledger = Ledger {
            usage: usage.into_iter().collect(),
            tools: tools.into_iter().collect(),
            messages: messages.into_iter().collect(),
            ..Ledger::default()
        };
        for f in files {
            ledger.insert_report(f);
        }
        ledger
    }
}

/// Records read from the wire, before insertion: each already in its own shared allocation, so
/// building the ledger moves pointers, and the lists never hold a second, inline copy of every
/// record.
struct Parts {
    usage: Vec<Arc<UsageRecord>>,
    tools: Vec<Arc<ToolCall>>,
    messages: Vec<Arc<MessageRecord>>,
    files: Vec<FileReport>,
}

#[derive(Default)]
struct Encoder<'a> {
    body: Vec<u8>,
    ids: HashMap<&'a str, u32>,
    table: Vec<&'a str>,
}

impl<'a> Encoder<'a> {
    fn finish(self) -> Vec<u8> {
        let table_len: usize = self.table.iter().map(|s| s.len() + 5).sum();
        let mut out = Vec::with_capacity(MAGIC.len() + 10 + table_len + self.body.len());
        out.extend_from_slice(MAGIC);
        put_varint(&mut out, self.table.len() as u64);
        for s in &self.table {
            put_varint(&mut out, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        out.extend_from_slice(&self.body);
        out
    }

    fn count(&mut self, n: usize) {
        put_varint(&mut self.body, n as u64);
    }

    fn u64(&mut self, v: u64) {
        put_varint(&mut self.body, v);
    }

    fn i64(&mut self, v: i64) {
        // zigzag: small magnitudes of either sign stay short
        put_varint(&mut self.body, ((v << 1) ^ (v >> 63)) as u64);
    }

    fn bool(&mut self, v: bool) {
        self.body.push(u8::from(v));
    }

    fn opt<T: Copy>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) {
        match v {
            None => self.body.push(0),
            Some(x) => {
                self.body.push(1);
                f(self, x);
            }
        }
    }

    /// A string that repeats across records: written once in the table, referred to by number.
    fn shared(&mut self, s: &'a str) {
        let next = self.table.len() as u32;
        let id = *self.ids.entry(s).or_insert(next);
        if id == next {
            self.table.push(s);
        }
        put_varint(&mut self.body, u64::from(id));
    }

    fn shared_opt(&mut self, s: Option<&'a str>) {
        self.opt(s, Self::shared);
    }

    /// A string unique to its record: written in place.
    fn inline(&mut self, s: &str) {
        put_varint(&mut self.body, s.len() as u64);
        self.body.extend_from_slice(s.as_bytes());
    }

    fn inline_opt(&mut self, s: Option<&str>) {
        self.opt(s, |e, s| e.inline(s));
    }

    fn agent(&mut self, a: Agent) {
        let i = Agent::ALL.iter().position(|x| *x == a).unwrap_or(0);
        self.body.push(i as u8);
    }

    fn flags(&mut self, standin: bool) {
        self.body.push(if standin { FLAG_STANDIN } else { 0 });
    }

    /// A key's digest: its 12 bytes as they are.
    fn part(&mut self, p: KeyPart) {
        self.body.extend_from_slice(&p.0);
    }

    fn source(&mut self, s: &'a Source) {
        let Source { file, line } = s;
        self.shared(file);
        self.u64(line.get());
    }

    fn usage(&mut self, r: &'a UsageRecord) {
        let UsageRecord {
            key,
            timestamp_ms,
            model,
            tokens:
                Tokens {
                    input,
                    output,
                    cache_write_5m,
                    cache_write_1h,
                    cache_read,
                    reasoning,
                },
            session,
            project,
            git_branch,
            cli_version,
            is_sidechain,
            rare,
            source,
        } = r;
        let (speed, recorded_cost_pico, premium_requests) = match rare.as_deref() {
            Some(RareUsage {
                speed,
                recorded_cost_pico,
                premium_requests,
            }) => (speed.as_deref(), *recorded_cost_pico, *premium_requests),
            None => (None, None, None),
        };
        let UsageKey {
            agent,
            scope,
            id,
            standin,
        } = *key;
        self.agent(agent);
        self.flags(standin);
        self.part(scope);
        self.part(id);
        self.i64(*timestamp_ms);
        self.shared_opt(model.as_deref());
        for n in [
            input,
            output,
            cache_write_5m,
            cache_write_1h,
            cache_read,
            reasoning,
        ] {
            self.u64(*n);
        }
        self.shared(session);
        self.shared_opt(project.as_deref());
        self.shared_opt(git_branch.as_deref());
        self.shared_opt(cli_version.as_deref());
        self.bool(*is_sidechain);
        self.shared_opt(speed);
        self.opt(recorded_cost_pico, Self::u64);
        self.opt(premium_requests, |e, v| {
            e.body.extend_from_slice(&v.to_le_bytes());
        });
        self.source(source);
    }

    fn tool(&mut self, t: &'a ToolCall) {
        let ToolCall {
            key:
                ToolKey {
                    agent,
                    session: key_session,
                    id,
                    standin,
                },
            session,
            name,
            start_ms,
            end_ms,
            is_error,
            input_hash,
            target,
            result_bytes,
            source,
        } = t;
        self.agent(*agent);
        self.flags(*standin);
        self.part(*key_session);
        self.part(*id);
        self.shared(session);
        self.shared_opt(name.as_deref());
        self.opt((*start_ms).get(), Self::i64);
        self.opt((*end_ms).get(), Self::i64);
        self.bool(*is_error);
        self.opt((*input_hash).get(), Self::u64);
        self.shared_opt(target.as_deref());
        self.opt((*result_bytes).get(), Self::u64);
        self.source(source);
    }

    fn message(&mut self, m: &'a MessageRecord) {
        let MessageRecord {
            key: MessageKey { agent, id, standin },
            session,
            role,
            timestamp_ms,
            words,
            preview,
            compaction,
            source,
        } = m;
        self.agent(*agent);
        self.flags(*standin);
        self.part(*id);
        self.shared(session);
        self.body.push(match role {
            Role::User => 0,
            Role::Assistant => 1,
            Role::System => 2,
            Role::Tool => 3,
        });
        self.opt((*timestamp_ms).get(), Self::i64);
        self.opt((*words).get(), |e, w| e.u64(u64::from(w)));
        self.inline_opt(preview.as_deref());
        self.bool(*compaction);
        self.source(source);
    }

    fn issues(&mut self, list: &[Issue]) {
        self.count(list.len());
        for Issue { line, reason } in list {
            self.u64(*line);
            self.inline(reason);
        }
    }

    fn file(&mut self, f: &'a FileReport) {
        let FileReport {
            path,
            agent,
            format,
            bytes,
            read,
            candidates,
            duplicate_in_file,
            ignored,
            malformed,
            examples,
            repaired,
            notes,
            source,
        } = f;
        self.shared(path);
        self.opt(*agent, Self::agent);
        self.shared(format);
        for n in [
            bytes,
            read,
            candidates,
            duplicate_in_file,
            ignored,
            malformed,
            repaired,
        ] {
            self.u64(*n);
        }
        self.issues(examples);
        self.issues(notes);
        self.shared_opt(source.as_deref());
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Decoder<'a> {
    buf: &'a [u8],
    pos: usize,
    /// `AML2`: keys as strings, turned into their digests while reading.
    strings_as_keys: bool,
    table: Vec<&'a str>,
    /// The table's strings as shared [`Text`], made on first use: every record that names a
    /// string points at one copy of it.
    texts: Vec<Option<Text>>,
}

impl<'a> Decoder<'a> {
    fn new(buf: &'a [u8]) -> Result<Self, WireError> {
        let (rest, strings_as_keys) = if let Some(rest) = buf.strip_prefix(MAGIC) {
            (rest, false)
        } else if let Some(rest) = buf.strip_prefix(MAGIC_V2) {
            (rest, true)
        } else {
            return err("wrong magic (another format or version)");
        };
        let mut d = Decoder {
            buf: rest,
            pos: 0,
            strings_as_keys,
            table: Vec::new(),
            texts: Vec::new(),
        };
        let n = d.count()?;
        d.table.reserve(n);
        for _ in 0..n {
            let s = d.str()?;
            d.table.push(s);
        }
        d.texts = vec![None; d.table.len()];
        Ok(d)
    }

    fn parts(&mut self) -> Result<Parts, WireError> {
        let n = self.count()?;
        let mut usage = Vec::with_capacity(n);
        for _ in 0..n {
            let r = self.usage()?;
            usage.push(Arc::new(r));
        }
        let n = self.count()?;
        let mut tools = Vec::with_capacity(n);
        for _ in 0..n {
            let t = self.tool()?;
            tools.push(Arc::new(t));
        }
        let n = self.count()?;
        let mut messages = Vec::with_capacity(n);
        for _ in 0..n {
            let m = self.message()?;
            messages.push(Arc::new(m));
        }
        let n = self.count()?;
        let mut files = Vec::with_capacity(n);
        for _ in 0..n {
            files.push(self.file()?);
        }
        if self.pos != self.buf.len() {
            return err("trailing bytes");
        }
        Ok(Parts {
            usage,
            tools,
            messages,
            files,
        })
    }

    fn byte(&mut self) -> Result<u8, WireError> {
        let Some(&b) = self.buf.get(self.pos) else {
            return err("truncated");
        };
        self.pos += 1;
        Ok(b)
    }

    fn u64(&mut self) -> Result<u64, WireError> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        err("varint too long")
    }

    fn i64(&mut self) -> Result<i64, WireError> {
        let v = self.u64()?;
        Ok(((v >> 1) as i64) ^ -((v & 1) as i64))
    }

    /// A count of items still to read; each takes at least one byte, which bounds allocations
    /// by the input's size.
    fn count(&mut self) -> Result<usize, WireError> {
        let n = self.u64()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.buf.len() - self.pos => Ok(n),
            _ => err("count larger than the input"),
        }
    }

    fn bool(&mut self) -> Result<bool, WireError> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => err("bad boolean"),
        }
    }

    fn opt<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, WireError>,
    ) -> Result<Option<T>, WireError> {
        if self.bool()? {
            f(self).map(Some)
        } else {
            Ok(None)
        }
    }

    fn str(&mut self) -> Result<&'a str, WireError> {
        let len = self.count()?;
        let bytes = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        std::str::from_utf8(bytes).or_else(|_| err("invalid UTF-8"))
    }

    fn inline(&mut self) -> Result<String, WireError> {
        self.str().map(str::to_owned)
    }

    fn table_str(&mut self) -> Result<&'a str, WireError> {
        let id = self.u64()?;
        match usize::try_from(id).ok().and_then(|i| self.table.get(i)) {
            Some(s) => Ok(s),
            None => err("string number out of range"),
        }
    }

    fn shared(&mut self) -> Result<String, WireError> {
        self.table_str().map(str::to_owned)
    }

    fn text(&mut self) -> Result<Text, WireError> {
        let id = self.u64()?;
        let Some(i) = usize::try_from(id).ok().filter(|i| *i < self.table.len()) else {
            return err("string number out of range");
        };
        Ok(self.texts[i]
            .get_or_insert_with(|| Text::from(self.table[i]))
            .clone())
    }

    fn agent(&mut self) -> Result<Agent, WireError> {
        match Agent::ALL.get(usize::from(self.byte()?)) {
            Some(a) => Ok(*a),
            None => err("unknown agent"),
        }
    }

    /// A key's stand-in flag (version 3).
    fn flags(&mut self) -> Result<bool, WireError> {
        match self.byte()? {
            0 => Ok(false),
            FLAG_STANDIN => Ok(true),
            _ => err("unknown key flags"),
        }
    }

    /// A key's 12-byte digest (version 3).
    fn part(&mut self) -> Result<KeyPart, WireError> {
        let end = self.pos + 12;
        let Some(b) = self.buf.get(self.pos..end) else {
            return err("truncated");
        };
        self.pos = end;
        let mut p = [0u8; 12];
        p.copy_from_slice(b);
        Ok(KeyPart(p))
    }

    fn usage_key(&mut self) -> Result<UsageKey, WireError> {
        let agent = self.agent()?;
        if self.strings_as_keys {
            // A Codex scope (its thread) went through the table, every other id inline.
            let scope = self.table_str()?;
            let id = self.str()?;
            return Ok(UsageKey::new(agent, scope, id));
        }
        let standin = self.flags()?;
        Ok(UsageKey {
            agent,
            scope: self.part()?,
            id: self.part()?,
            standin,
        })
    }

    fn tool_key(&mut self) -> Result<ToolKey, WireError> {
        let agent = self.agent()?;
        if self.strings_as_keys {
            let session = self.table_str()?;
            let id = self.str()?;
            return Ok(ToolKey::new(agent, session, id));
        }
        let standin = self.flags()?;
        Ok(ToolKey {
            agent,
            session: self.part()?,
            id: self.part()?,
            standin,
        })
    }

    fn message_key(&mut self) -> Result<MessageKey, WireError> {
        let agent = self.agent()?;
        if self.strings_as_keys {
            let id = self.str()?;
            return Ok(MessageKey::new(agent, id));
        }
        let standin = self.flags()?;
        Ok(MessageKey {
            agent,
            id: self.part()?,
            standin,
        })
    }

    fn source(&mut self) -> Result<Source, WireError> {
        Ok(Source {
            file: self.text()?,
            line: self.u64()?.into(),
        })
    }

    fn usage(&mut self) -> Result<UsageRecord, WireError> {
        Ok(UsageRecord {
            key: self.usage_key()?,
            timestamp_ms: self.i64()?,
            model: self.opt(Self::text)?,
            tokens: Tokens {
                input: self.u64()?,
                output: self.u64()?,
                cache_write_5m: self.u64()?,
                cache_write_1h: self.u64()?,
                cache_read: self.u64()?,
                reasoning: self.u64()?,
            },
            session: self.text()?,
            project: self.opt(Self::text)?,
            git_branch: self.opt(Self::text)?,
            cli_version: self.opt(Self::text)?,
            is_sidechain: self.bool()?,
            rare: RareUsage::boxed(
                self.opt(Self::text)?,
                self.opt(Self::u64)?,
                self.opt(|d| {
                    let end = d.pos + 8;
                    let Some(b) = d.buf.get(d.pos..end) else {
                        return err("truncated");
                    };
                    d.pos = end;
                    let mut a = [0u8; 8];
                    a.copy_from_slice(b);
                    Ok(f64::from_le_bytes(a))
                })?,
            ),
            source: self.source()?,
        })
    }

    fn tool(&mut self) -> Result<ToolCall, WireError> {
        Ok(ToolCall {
            key: self.tool_key()?,
            session: self.text()?,
            name: self.opt(Self::text)?,
            start_ms: self.opt(Self::i64)?.into(),
            end_ms: self.opt(Self::i64)?.into(),
            is_error: self.bool()?,
            input_hash: self.opt(Self::u64)?.into(),
            target: self.opt(Self::text)?,
            result_bytes: self.opt(Self::u64)?.into(),
            source: self.source()?,
        })
    }

    fn message(&mut self) -> Result<MessageRecord, WireError> {
        Ok(MessageRecord {
            key: self.message_key()?,
            session: self.text()?,
            role: match self.byte()? {
                0 => Role::User,
                1 => Role::Assistant,
                2 => Role::System,
                3 => Role::Tool,
                _ => return err("unknown role"),
            },
            timestamp_ms: self.opt(Self::i64)?.into(),
            words: (self.opt(|d| {
                let w = d.u64()?;
                u32::try_from(w).or_else(|_| err("word count out of range"))
            })?)
            .into(),
            preview: self.opt(Self::inline)?.map(String::into_boxed_str),
            compaction: self.bool()?,
            source: self.source()?,
        })
    }

    fn issues(&mut self) -> Result<Vec<Issue>, WireError> {
        let n = self.count()?;
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(Issue {
                line: self.u64()?,
                reason: self.inline()?,
            });
        }
        Ok(out)
    }

    fn file(&mut self) -> Result<FileReport, WireError> {
        let path = self.shared()?;
        let agent = self.opt(Self::agent)?;
        let format = self.shared()?;
        let [bytes, read, candidates, duplicate_in_file, ignored, malformed, repaired] = [
            self.u64()?,
            self.u64()?,
            self.u64()?,
            self.u64()?,
            self.u64()?,
            self.u64()?,
            self.u64()?,
        ];
        Ok(FileReport {
            path,
            agent,
            format,
            bytes,
            read,
            candidates,
            duplicate_in_file,
            ignored,
            malformed,
            examples: self.issues()?,
            repaired,
            notes: self.issues()?,
            source: self.opt(Self::shared)?,
        })
    }
}
