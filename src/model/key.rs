//! Record keys as fixed-size digests: what names one model call, tool call or message, without
//! keeping the strings that name it.
//!
//! Why: the page's wasm heap holds every record of an import, and each record used to own its
//! key strings (a Claude usage record its `message.id` and `requestId`, about 30 bytes each and a
//! heap allocation apiece; a message its uuid; a tool call its id). The ledger only ever asks two
//! things of a key: *is it the same key* (the merge law) and *is it the same scope* (Claude's
//! sidechain-replay rule). A digest answers both. Each part of a key ([`KeyPart`]) is 96 bits;
//! a key is its agent, its parts and a stand-in flag, 14-26 bytes with no allocation.
//!
//! **The digest is the ledger pseudonym.** [`KeyPart::of`] is the first 96 bits of
//! SHA-256(`"agentmeter-ledger-v1\0"` || the string): exactly the bits that a ledger file of
//! version 1 wrote as `h:` and 24 hex digits in place of each id (`docs/ledger.md`, "The hashing
//! rule"), and a string that already has that form is decoded rather than hashed again. So the
//! digest of an id and the digest of its pseudonym are the same 96 bits, and every older form
//! (raw ids from the browser's stored wire entries, hashed ids from exported ledgers) turns into
//! the key a parser makes today: a re-scan against an old stored entry, or an old ledger file
//! with the folder it came from, still counts each call once. For the same reason the digest can
//! be written out as it is: exports show `h:` + hex, a one-way name of the id. A faster hash
//! (xxh3) would have made the digest of `h:…` and the digest of the raw id unrelated, and old
//! ledger files could no longer dedupe against a folder. SHA-256 is already a dependency, and
//! its cost is not measurable: natively the CPU's SHA instructions make a digest cheaper than the
//! string allocations it replaces, and the wasm workers' parse and ledger time fell too
//! (BENCHMARKS.md, "Keys as digests").
//!
//! **The digest is stored, so it must never change**: the wire form (kept in IndexedDB, posted by
//! workers) and ledger files carry it. `tests::known_digests_never_change` pins a few.
//!
//! Why a collision cannot change a figure in practice (docs/accounting.md, "Compact keys"): two
//! different ids share a part only if 96 bits of SHA-256 collide; over `n` distinct ids the chance
//! of any collision is about `n^2 / 2^97`, 6e-14 for 10^8 ids (a corpus of tens of GB). A usage
//! key has two parts, so two different calls merge only if both collide. A crafted collision
//! needs a SHA-256 second preimage.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::{Agent, Source};

/// Mixed into every digest (and into every pseudonym of ledger files of version 1).
pub const DOMAIN: &[u8] = b"agentmeter-ledger-v1\0";

/// What the written form of a digest starts with.
pub const HASH_PREFIX: &str = "h:";

/// Hex digits of a written digest (96 bits).
pub const HASH_HEX: usize = 24;

/// Key prefix of the records read from saved `codex exec --json` output (a stand-in file,
/// `ledger::standin`).
pub const CODEX_EXEC: &str = "codex-exec:";

/// Key prefix of the records read from Gemini CLI's `logs.json` (a stand-in file).
pub const GEMINI_LOGS: &str = "gemini-logs:";

/// Every stand-in prefix.
pub const STANDIN_PREFIXES: [&str; 2] = [CODEX_EXEC, GEMINI_LOGS];

/// True when a key string names a stand-in record.
#[must_use]
pub fn is_standin_str(s: &str) -> bool {
    STANDIN_PREFIXES.iter().any(|p| s.starts_with(p))
}

/// True when `s` is a written digest (`h:` and 24 lowercase hex digits).
#[must_use]
pub fn is_hashed(s: &str) -> bool {
    s.len() == HASH_PREFIX.len() + HASH_HEX
        && s.starts_with(HASH_PREFIX)
        && s[HASH_PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// One part of a key: 96 bits of SHA-256 of the id (see the [module docs](self)).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KeyPart(pub [u8; 12]);

impl KeyPart {
    /// The digest of an id: its written form decoded when it is one, else SHA-256 of it.
    #[must_use]
    pub fn of(s: &str) -> Self {
        if is_hashed(s) {
            let hex = &s.as_bytes()[HASH_PREFIX.len()..];
            let mut out = [0u8; 12];
            for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
                *o = (nibble(pair[0]) << 4) | nibble(pair[1]);
            }
            return KeyPart(out);
        }
        Self::of_bytes(s.as_bytes())
    }

    /// SHA-256 of `bytes` after the domain, cut to 96 bits (never decodes a written digest).
    fn of_bytes(bytes: &[u8]) -> Self {
        let digest = Sha256::new()
            .chain_update(DOMAIN)
            .chain_update(bytes)
            .finalize();
        let mut out = [0u8; 12];
        out.copy_from_slice(&digest[..12]);
        KeyPart(out)
    }

    /// The digest of a number written in decimal (a line, a place in a counter, an occurrence).
    #[must_use]
    pub fn of_number(n: u64) -> Self {
        let mut buf = [0u8; 20];
        let mut i = buf.len();
        let mut n = n;
        loop {
            i -= 1;
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        Self::of_bytes(&buf[i..])
    }

    /// The written form: `h:` and 24 hex digits (what ledger files of version 1 called the
    /// pseudonym of the id).
    #[must_use]
    pub fn to_hex(&self) -> String {
        let mut out = String::with_capacity(HASH_PREFIX.len() + HASH_HEX);
        out.push_str(HASH_PREFIX);
        for b in self.0 {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0x0f)]));
        }
        out
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        _ => c - b'a' + 10,
    }
}

/// `part == "id"`: true when `part` is the digest of the id `"id"` (or of its written form).
impl PartialEq<str> for KeyPart {
    fn eq(&self, other: &str) -> bool {
        *self == KeyPart::of(other)
    }
}

impl PartialEq<&str> for KeyPart {
    fn eq(&self, other: &&str) -> bool {
        *self == KeyPart::of(other)
    }
}

impl PartialEq<String> for KeyPart {
    fn eq(&self, other: &String) -> bool {
        *self == KeyPart::of(other)
    }
}

impl fmt::Debug for KeyPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Display for KeyPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for KeyPart {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

/// Reads a written digest, or any id string (an older JSON form), as its digest.
impl<'de> Deserialize<'de> for KeyPart {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(KeyPart::of(&s))
    }
}

/// The identity of one real model call, wherever it was copied to.
///
/// `scope` and `id` are agent-specific (each kept as its [`KeyPart`] digest):
/// - Claude: `scope` = `message.id`, `id` = `requestId` (the sidechain-replay rule groups by scope);
/// - Codex: `scope` = the thread the call belongs to, `id` = its place in the cumulative counter;
/// - Gemini: `scope` = session id, `id` = message id;
/// - a line that carries no identity is keyed by its content ([`UsageKey::by_content`]), so the
///   same line met in a copy of its file collapses, and repeats within one file do not;
/// - [`UsageKey::unkeyed`] keys a record by file and line (tests, and records built by hand).
///
/// Ordered by agent, then scope, so one scope's records are adjacent in the ledger. The stand-in
/// flag is not part of the identity (see `identity_by`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(from = "KeyForm", into = "KeyForm")]
pub struct UsageKey {
    pub agent: Agent,
    pub scope: KeyPart,
    pub id: KeyPart,
    /// Read from a stand-in file (its scope started with one of [`STANDIN_PREFIXES`]).
    pub standin: bool,
}

impl UsageKey {
    /// The key of the call `id` within `scope`, as the agent wrote them.
    #[must_use]
    pub fn new(agent: Agent, scope: &str, id: &str) -> Self {
        UsageKey {
            agent,
            scope: KeyPart::of(scope),
            id: KeyPart::of(id),
            standin: is_standin_str(scope),
        }
    }

    /// The scope digest of [`UsageKey::unkeyed`] keys of the file `file`.
    #[must_use]
    pub fn line_scope(file: &str) -> KeyPart {
        let mut h = Sha256::new().chain_update(DOMAIN).chain_update(b"line:");
        h.update(file.as_bytes());
        let mut out = [0u8; 12];
        out.copy_from_slice(&h.finalize()[..12]);
        KeyPart(out)
    }

    /// A key for a record that has no identity of its own: unique to its file and line (the
    /// digests of `line:<file>` and of the line number).
    #[must_use]
    pub fn unkeyed(agent: Agent, source: &Source) -> Self {
        UsageKey {
            agent,
            scope: Self::line_scope(&source.file),
            id: KeyPart::of_number(source.line.get()),
            standin: false,
        }
    }

    /// True when this is the [`UsageKey::unkeyed`] key of `source`.
    #[must_use]
    pub fn is_unkeyed_at(&self, source: &Source) -> bool {
        self.scope == Self::line_scope(&source.file)
            && self.id == KeyPart::of_number(source.line.get())
    }

    /// The key of a usage line that names no call (Claude without `message.id` or `requestId`):
    /// its session, its time, a hash of the line's bytes, and how many identical lines of the
    /// same session came before it in the file (`occurrence`, from 1).
    ///
    /// Why this is sound (docs/accounting.md, "Lines without ids"): a copy of a file (a folder
    /// dropped twice under two names, one file reached through two paths) repeats each line with
    /// its position among identical lines, so it yields the same keys and counts once. Within one
    /// file, a line written twice gets occurrences 1 and 2 and counts twice, as it did when
    /// lines were keyed by position. The hash covers every byte of the line, so two lines that
    /// differ anywhere (a uuid, a timestamp, one digit of usage) never collapse.
    ///
    /// The scope is the digest of `nokey:<session>:<timestamp_ms>:<16 hex of the line hash>`
    /// (the string older builds kept), the id that of the occurrence in decimal.
    #[must_use]
    pub fn by_content(
        agent: Agent,
        session: &str,
        timestamp_ms: i64,
        line: &[u8],
        occurrence: u32,
    ) -> Self {
        // All of it in the scope: the sidechain-replay rule groups Claude records by scope, and
        // only identical lines (identical `isSidechain`) may share one.
        let scope = format!(
            "nokey:{session}:{timestamp_ms}:{:016x}",
            super::content_hash(line)
        );
        UsageKey {
            agent,
            scope: KeyPart::of_bytes(scope.as_bytes()),
            id: KeyPart::of_number(u64::from(occurrence)),
            standin: false,
        }
    }

    /// The same key with the occurrence `n` as its id (see [`UsageKey::by_content`]).
    #[must_use]
    pub fn with_occurrence(self, n: u32) -> Self {
        UsageKey {
            id: KeyPart::of_number(u64::from(n)),
            ..self
        }
    }
}

/// The identity of one tool call: the agent's own call id, **within the session it belongs to**
/// (each kept as its [`KeyPart`] digest).
///
/// A call's result is matched to the call by this key, so the id alone is not enough: call ids
/// are only unique within a session (Gemini's are short counters), and two files that reuse ids
/// (a copied or hand-edited rollout) must not pair one session's call with another's result
/// (measured: a 4-call tool summed to 2,183 hours that way). `session` is the session as the
/// parser keys it: Claude the path-derived session (a subagent file shares its parent's), Codex
/// the lineage root (a fork replays its parent's calls under the parent's ids), Gemini the
/// session id.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(from = "ToolKeyForm", into = "ToolKeyForm")]
pub struct ToolKey {
    pub agent: Agent,
    pub session: KeyPart,
    pub id: KeyPart,
    /// Read from a stand-in file (its session started with one of [`STANDIN_PREFIXES`]).
    pub standin: bool,
}

impl ToolKey {
    /// The key of the call `id` of `session`, as the agent wrote them.
    #[must_use]
    pub fn new(agent: Agent, session: &str, id: &str) -> Self {
        Self::in_session(agent, SessionPart::of(session), id)
    }

    /// [`ToolKey::new`] with the session's digest made already (a parser makes it once for the
    /// many calls of one session: SHA-256 was a sixth of the wasm parse's time).
    #[must_use]
    pub fn in_session(agent: Agent, session: SessionPart, id: &str) -> Self {
        ToolKey {
            agent,
            session: session.part,
            id: KeyPart::of(id),
            standin: session.standin,
        }
    }
}

/// The digest of a session as a [`ToolKey`] holds it, with its stand-in flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPart {
    part: KeyPart,
    standin: bool,
}

impl SessionPart {
    /// The part of `session`.
    #[must_use]
    pub fn of(session: &str) -> Self {
        SessionPart {
            part: KeyPart::of(session),
            standin: is_standin_str(session),
        }
    }
}

/// The last usage and message keys a parser made, kept to make the next one without hashing
/// when its ids are the same: Claude writes one line per content block of a response, each
/// with the response's `message.id` and `requestId`, so about half of its usage lines (and its
/// assistant message records) repeat the key of the line before.
#[derive(Debug, Clone, Default)]
pub struct LastKeys {
    usage: Option<(Agent, String, String, UsageKey)>,
    message: Option<(Agent, String, MessageKey)>,
}

impl LastKeys {
    /// [`UsageKey::new`], hashed only when it differs from the last one asked for.
    pub fn usage(&mut self, agent: Agent, scope: &str, id: &str) -> UsageKey {
        match &mut self.usage {
            Some((a, s, i, key)) if *a == agent && s == scope && i == id => *key,
            slot => {
                let key = UsageKey::new(agent, scope, id);
                *slot = Some((agent, scope.to_owned(), id.to_owned(), key));
                key
            }
        }
    }

    /// [`MessageKey::new`], hashed only when it differs from the last one asked for.
    pub fn message(&mut self, agent: Agent, id: &str) -> MessageKey {
        match &mut self.message {
            Some((a, i, key)) if *a == agent && i == id => *key,
            slot => {
                let key = MessageKey::new(agent, id);
                *slot = Some((agent, id.to_owned(), key));
                key
            }
        }
    }
}

/// The last session a parser made a [`SessionPart`] of, kept to make the next one without
/// hashing when it is the same (it almost always is: one file is one session).
#[derive(Debug, Clone, Default)]
pub struct LastSession {
    last: Option<(String, SessionPart)>,
}

impl LastSession {
    /// The part of `session`, hashed only when it differs from the last one asked for.
    pub fn part(&mut self, session: &str) -> SessionPart {
        if let Some((s, part)) = &self.last {
            if s == session {
                return *part;
            }
        }
        let part = SessionPart::of(session);
        self.last = Some((session.to_owned(), part));
        part
    }
}

/// The identity of one transcript message (Claude `uuid`, Codex/Gemini message id or position),
/// kept as its [`KeyPart`] digest.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(from = "MessageKeyForm", into = "MessageKeyForm")]
pub struct MessageKey {
    pub agent: Agent,
    pub id: KeyPart,
    /// Read from a stand-in file (its id started with one of [`STANDIN_PREFIXES`]).
    pub standin: bool,
}

impl MessageKey {
    /// The key of the message `id`, as the agent wrote it.
    #[must_use]
    pub fn new(agent: Agent, id: &str) -> Self {
        MessageKey {
            agent,
            id: KeyPart::of(id),
            standin: is_standin_str(id),
        }
    }

    /// The key of a message with no id of its own: its place in its file (the digest of
    /// `line:<file>:<line>`).
    #[must_use]
    pub fn at_line(agent: Agent, source: &Source) -> Self {
        Self::new(agent, &format!("line:{}:{}", source.file, source.line))
    }
}

/// Equality, order and hash of a key leave its stand-in flag out: the flag is read from the
/// key's strings, and a ledger file of version 1 hashed those strings (so its stand-in records
/// read back unflagged); the same call must still be one key.
macro_rules! identity_by {
    ($t:ty, $($f:ident),+) => {
        impl PartialEq for $t {
            fn eq(&self, other: &Self) -> bool {
                ($(&self.$f),+) == ($(&other.$f),+)
            }
        }
        impl Eq for $t {}
        impl PartialOrd for $t {
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }
        impl Ord for $t {
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                ($(&self.$f),+).cmp(&($(&other.$f),+))
            }
        }
        impl std::hash::Hash for $t {
            fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
                $(self.$f.hash(h);)+
            }
        }
    };
}

identity_by!(UsageKey, agent, scope, id);
identity_by!(ToolKey, agent, session, id);
identity_by!(MessageKey, agent, id);

/// The JSON form of a [`UsageKey`]: digests written as `h:` + hex (any id string is read too,
/// as its digest, so the JSON of older builds still reads into the same keys).
#[derive(Serialize, Deserialize)]
struct KeyForm {
    agent: Agent,
    scope: String,
    id: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    standin: bool,
}

impl From<KeyForm> for UsageKey {
    fn from(f: KeyForm) -> Self {
        let mut k = UsageKey::new(f.agent, &f.scope, &f.id);
        k.standin |= f.standin;
        k
    }
}

impl From<UsageKey> for KeyForm {
    fn from(k: UsageKey) -> Self {
        KeyForm {
            agent: k.agent,
            scope: k.scope.to_hex(),
            id: k.id.to_hex(),
            standin: k.standin,
        }
    }
}

/// The JSON form of a [`ToolKey`] (see [`KeyForm`]).
#[derive(Serialize, Deserialize)]
struct ToolKeyForm {
    agent: Agent,
    session: String,
    id: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    standin: bool,
}

impl From<ToolKeyForm> for ToolKey {
    fn from(f: ToolKeyForm) -> Self {
        let mut k = ToolKey::new(f.agent, &f.session, &f.id);
        k.standin |= f.standin;
        k
    }
}

impl From<ToolKey> for ToolKeyForm {
    fn from(k: ToolKey) -> Self {
        ToolKeyForm {
            agent: k.agent,
            session: k.session.to_hex(),
            id: k.id.to_hex(),
            standin: k.standin,
        }
    }
}

/// The JSON form of a [`MessageKey`] (see [`KeyForm`]).
#[derive(Serialize, Deserialize)]
struct MessageKeyForm {
    agent: Agent,
    id: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    standin: bool,
}

impl From<MessageKeyForm> for MessageKey {
    fn from(f: MessageKeyForm) -> Self {
        let mut k = MessageKey::new(f.agent, &f.id);
        k.standin |= f.standin;
        k
    }
}

impl From<MessageKey> for MessageKeyForm {
    fn from(k: MessageKey) -> Self {
        MessageKeyForm {
            agent: k.agent,
            id: k.id.to_hex(),
            standin: k.standin,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_usage_and_message_keys_are_the_keys_made_from_their_strings() {
        let mut last = LastKeys::default();
        let ids = [
            ("msg_1", "req_1"),
            ("msg_1", "req_1"),
            ("msg_1", "req_2"),
            ("msg_2", "req_2"),
        ];
        for agent in [Agent::Claude, Agent::Qwen, Agent::Claude] {
            for (scope, id) in ids {
                let made = last.usage(agent, scope, id);
                let direct = UsageKey::new(agent, scope, id);
                assert_eq!(made, direct);
                assert_eq!(
                    (made.agent, made.scope, made.id),
                    (direct.agent, direct.scope, direct.id)
                );
                assert_eq!(made.standin, direct.standin);
                let made = last.message(agent, scope);
                let direct = MessageKey::new(agent, scope);
                assert_eq!((made.agent, made.id), (direct.agent, direct.id));
            }
        }
        assert!(last.usage(Agent::Claude, "codex-exec:x", "1").standin);
    }

    #[test]
    fn a_tool_key_from_a_remembered_session_is_the_key_made_from_its_string() {
        let mut last = LastSession::default();
        for session in ["s-1", "s-1", "codex-exec:t", "s-2", "s-1", ""] {
            for id in ["call_1", "call_2"] {
                let made = ToolKey::in_session(Agent::Codex, last.part(session), id);
                let direct = ToolKey::new(Agent::Codex, session, id);
                assert_eq!(made, direct, "{session} {id}");
                assert_eq!(made.session, direct.session);
                assert_eq!(made.standin, direct.standin, "{session}");
            }
        }
        assert!(last.part("codex-exec:t").standin);
        assert_ne!(last.part("s-1"), last.part("s-2"));
    }

    /// The digest is stored (wire form, IndexedDB, ledger files): these values must never
    /// change. They are SHA-256("agentmeter-ledger-v1\0" || id) cut to 96 bits, the pseudonyms
    /// ledger files of version 1 wrote.
    #[test]
    fn known_digests_never_change() {
        // Computed outside Rust too: python3 -c "import hashlib; print(hashlib.sha256(
        // b'agentmeter-ledger-v1\0' + b'msg_01ABCDEF').digest()[:12].hex())"
        let known = [
            ("msg_01ABCDEF", "h:5dbd77e690285f27cb950750"),
            ("req_011CQnpt8CkqY", "h:4504405c726f78f758185297"),
            ("3f2a-session", "h:b94c0142b52da413682dadda"),
            ("42", "h:b3a0d0f8f05fa9395da306e6"),
            ("", "h:0ed86f7cbd1440392793c641"),
        ];
        for (id, hex) in known {
            assert_eq!(KeyPart::of(id).to_hex(), hex, "{id}");
            // ... and the pseudonym `ledger::pseudonym::hash_id` writes is that digest.
            if !id.is_empty() && !id.bytes().all(|b| b.is_ascii_digit()) {
                assert_eq!(crate::ledger::pseudonym::hash_id(id), hex, "{id}");
            }
        }
        let usage = UsageKey::new(Agent::Claude, "msg_01ABCDEF", "req_011CQnpt8CkqY");
        assert_eq!(
            (usage.scope.to_hex(), usage.id.to_hex()),
            (
                "h:5dbd77e690285f27cb950750".to_owned(),
                "h:4504405c726f78f758185297".to_owned()
            )
        );
    }

    #[test]
    fn a_written_digest_reads_as_the_digest_of_its_id() {
        let d = KeyPart::of("msg_01ABCDEF");
        assert_eq!(KeyPart::of(&d.to_hex()), d);
        assert_eq!(KeyPart::of_number(1234), KeyPart::of("1234"));
        assert_eq!(KeyPart::of_number(0), KeyPart::of("0"));
        assert_eq!(
            KeyPart::of_number(u64::MAX),
            KeyPart::of(&u64::MAX.to_string())
        );
        let source = Source {
            file: "a/b.jsonl".into(),
            line: 7.into(),
        };
        let k = UsageKey::unkeyed(Agent::Claude, &source);
        assert_eq!(k, UsageKey::new(Agent::Claude, "line:a/b.jsonl", "7"));
        assert!(k.is_unkeyed_at(&source));
        assert_eq!(
            UsageKey::by_content(Agent::Claude, "s", 5, b"{}", 2),
            UsageKey::new(
                Agent::Claude,
                &format!("nokey:s:5:{:016x}", crate::model::content_hash(b"{}")),
                "2"
            )
        );
    }

    #[test]
    fn parts_do_not_run_into_each_other_and_standins_are_marked() {
        assert_ne!(
            ToolKey::new(Agent::Codex, "ab", "c"),
            ToolKey::new(Agent::Codex, "a", "bc")
        );
        assert_eq!(
            UsageKey::new(Agent::Claude, "m", "r1").scope,
            UsageKey::new(Agent::Claude, "m", "r2").scope
        );
        assert!(UsageKey::new(Agent::Codex, "codex-exec:t", "1").standin);
        assert!(!UsageKey::new(Agent::Codex, "t", "1").standin);
        assert!(ToolKey::new(Agent::Gemini, "gemini-logs:s", "1").standin);
        assert!(MessageKey::new(Agent::Gemini, "gemini-logs:s/1").standin);
    }

    #[test]
    fn json_form_round_trips_and_reads_old_strings() {
        let k = UsageKey::new(Agent::Claude, "msg_1", "req_1");
        let json = serde_json::to_string(&k).expect("json");
        assert!(json.contains("h:"), "{json}");
        assert_eq!(serde_json::from_str::<UsageKey>(&json).expect("back"), k);
        let old = r#"{"agent":"claude","scope":"msg_1","id":"req_1"}"#;
        assert_eq!(serde_json::from_str::<UsageKey>(old).expect("old"), k);
        let s = ToolKey::new(Agent::Codex, "codex-exec:t", "c");
        let json = serde_json::to_string(&s).expect("json");
        assert_eq!(serde_json::from_str::<ToolKey>(&json).expect("back"), s);
    }

    #[test]
    fn a_parser_state_keyed_by_digests_round_trips_and_reads_older_states() {
        // Parsers count id-less lines per scope in a map that is saved in checkpoints.
        let scope = UsageKey::by_content(Agent::Claude, "s", 5, b"{}", 1).scope;
        let seen: std::collections::HashMap<KeyPart, u32> = [(scope, 2)].into_iter().collect();
        let json = serde_json::to_string(&seen).expect("json");
        let back: std::collections::HashMap<KeyPart, u32> =
            serde_json::from_str(&json).expect("back");
        assert_eq!(back, seen);
        // A checkpoint of an older build kept the scope string itself.
        let old = format!(
            "{{\"nokey:s:5:{:016x}\":2}}",
            crate::model::content_hash(b"{}")
        );
        let back: std::collections::HashMap<KeyPart, u32> =
            serde_json::from_str(&old).expect("old");
        assert_eq!(back, seen);
    }

    #[test]
    fn a_key_is_a_few_words_not_strings() {
        assert!(std::mem::size_of::<UsageKey>() <= 26);
        assert!(std::mem::size_of::<ToolKey>() <= 26);
        assert!(std::mem::size_of::<MessageKey>() <= 14);
    }
}
