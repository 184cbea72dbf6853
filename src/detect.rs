//! Recognising each agent's files by content and layout, whatever the dropped folder is called.
//!
//! Users drop a home folder, an agent's root (`~/.claude/projects`, `~/.codex/sessions`,
//! `~/.gemini/tmp`) or any folder below one, so the folder name proves nothing. A file is
//! classified from its first bytes (the markers each agent's first line always carries), and the
//! path only supplies what content cannot: Claude's session id (file stem, or the folder above
//! `subagents/`). A SQLite database is recognised by its 16-byte header and named by its tables
//! (`crate::parsers::sqlite_db`); the folders of OpenCode, pi and Goose (below `.local`, `.pi`,
//! `Library/Application Support`, `AppData/Roaming`) are agent roots like the others.

mod search;

use search::{contains, has_key, has_key_value, has_key_value_prefix};
use serde::{Deserialize, Serialize};

use crate::parsers::{FileContext, Format};

/// How many leading bytes [`classify`] wants to see.
pub const HEAD_BYTES: usize = 64 * 1024;

/// What to do with a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Classification {
    /// Read it with this format's parser.
    Parse { format: Format, ctx: FileContext },
    /// A file we know and that carries no token usage (prompt history, Gemini `logs.json`, ...).
    Known { what: String },
    /// Not an agent transcript we can read.
    Unrecognized { reason: String },
}

/// True for names worth opening at all; everything else is skipped without being read.
#[must_use]
pub fn is_candidate_name(path: &str) -> bool {
    let name = file_name(path);
    let text = name.ends_with(".jsonl") || name.ends_with(".json");
    // agents-b: SQLite databases (OpenCode, Goose, Crush) and their write-ahead logs.
    let database = name.ends_with(".db") || name.ends_with(".db-wal");
    // Ledger files exported by agentmeter (`*.ledger`, `*.ledger.gz`): imported, not parsed.
    let ledger = crate::ledger::file::is_ledger_name(name);
    (text || database || ledger) && !name.starts_with('.')
}

/// Where each agent keeps transcripts below a home folder. Below a home folder, only these are
/// read: a home holds far more `.json` files than transcripts.
pub const AGENT_ROOTS: &[&str] = &[
    ".claude/projects",
    ".config/claude/projects",
    ".codex/sessions",
    ".codex/archived_sessions",
    ".gemini/tmp",
    // Copilot CLI, Qwen Code, Amp, Kimi CLI.
    ".copilot/session-state",
    ".copilot/history-session-state",
    ".qwen/projects",
    ".qwen/tmp",
    ".local/share/amp/threads",
    ".kimi/sessions",
    // agents-b: OpenCode (XDG data dir on every system).
    ".local/share/opencode",
    // agents-b: pi (all systems).
    ".pi/agent/sessions",
    // agents-b: Goose (Linux, macOS, Windows).
    ".local/share/goose/sessions",
    "Library/Application Support/Block/goose/sessions",
    "AppData/Roaming/Block/goose/data/sessions",
    // Crush's global data folder (Linux and macOS; Windows): `projects.json` and the server
    // workspace's `.crush/crush.db`.
    ".local/share/crush",
    "AppData/Local/crush",
    // agents2: Cline and Roo Code below any VS Code-like editor's user folder (`*` is the editor:
    // Code, Code - Insiders, VSCodium, Cursor, ...), Codebuff, Factory Droid.
    ".config/*/User/globalStorage/saoudrizwan.claude-dev/tasks",
    ".config/*/User/globalStorage/rooveterinaryinc.roo-cline/tasks",
    "Library/Application Support/*/User/globalStorage/saoudrizwan.claude-dev/tasks",
    "Library/Application Support/*/User/globalStorage/rooveterinaryinc.roo-cline/tasks",
    "AppData/Roaming/*/User/globalStorage/saoudrizwan.claude-dev/tasks",
    "AppData/Roaming/*/User/globalStorage/rooveterinaryinc.roo-cline/tasks",
    ".config/manicode/projects",
    ".factory/sessions",
];

/// The dot-folders of Copilot CLI, Qwen Code and Kimi CLI, and Amp's `.local`: a path through one
/// must continue into that agent's root, like a path through `.claude`.
const AGENTS_A_DOT_FOLDERS: [&str; 4] = [".copilot", ".qwen", ".kimi", ".local"];

/// Factory Droid's dot-folder (agents2): a path through it must continue into `.factory/sessions`.
const AGENTS2_DOT_FOLDER: &str = ".factory";

/// Folders never worth entering.
const NEVER_VISIT: &[&str] = &[
    ".git",
    "node_modules",
    ".cache",
    ".npm",
    ".cargo",
    ".rustup",
];

/// True when a folder holding these entry names is a home-like folder (it contains an agent's
/// dot-folder), so that only [`AGENT_ROOTS`] below it are read.
#[must_use]
pub fn is_home_like<'a>(child_names: impl IntoIterator<Item = &'a str>) -> bool {
    child_names.into_iter().any(|n| {
        matches!(
            n,
            ".claude" | ".codex" | ".gemini" | ".copilot" | ".qwen" | ".kimi"
        ) || is_agents_b_home_entry(n)
            || n == AGENTS2_DOT_FOLDER
    })
}

/// Whether a path (relative to the dropped or given folder, `/`-separated) is worth visiting.
///
/// A path that passes through an agent's dot-folder must continue into that agent's transcript
/// root (`.claude/todos/...` is skipped, `.claude/projects/...` is read); `home_like` says the
/// dropped folder is a home, in which case paths outside every agent root are skipped too.
#[must_use]
pub fn should_visit(rel_path: &str, home_like: bool) -> bool {
    let parts: Vec<&str> = rel_path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.iter().any(|p| NEVER_VISIT.contains(p)) {
        return false;
    }
    let Some(start) = (0..parts.len()).position(|i| {
        matches!(parts[i], ".claude" | ".codex" | ".gemini" | ".config")
            || AGENTS_A_DOT_FOLDERS.contains(&parts[i])
            || is_agents_b_anchor(&parts, i)
            || parts[i] == AGENTS2_DOT_FOLDER
    }) else {
        return !home_like;
    };
    let rest = &parts[start..];
    AGENT_ROOTS.iter().any(|root| {
        let root: Vec<&str> = root.split('/').collect();
        // Either the path is still above the root (a prefix of it) or it is inside the root.
        // `*` in a root stands for any one folder name (an editor's name in VS Code paths).
        rest.iter()
            .zip(root.iter())
            .all(|(a, b)| a == b || *b == "*")
    })
}

/// How paths below one given or dropped folder are judged; the CLI's walk and the browser's
/// folder drop and pickers share it, so both read exactly the same files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitScope {
    /// Prepended to relative paths before [`should_visit`] (the root's own agent folder name).
    prefix: String,
    home_like: bool,
}

impl VisitScope {
    /// The scope of a folder named `root_name` that holds `children`.
    ///
    /// A `.claude`/`.codex`/`.gemini` folder itself is read like a home holding only it, so its
    /// non-transcript parts (todos, history) are skipped just as below a home.
    #[must_use]
    pub fn for_root<'a>(root_name: &str, children: impl IntoIterator<Item = &'a str>) -> Self {
        match root_name {
            ".claude" | ".codex" | ".gemini" | ".copilot" | ".qwen" | ".kimi" => VisitScope {
                prefix: format!("{root_name}/"),
                home_like: true,
            },
            name if is_agents_b_home_entry(name) || name == AGENTS2_DOT_FOLDER => VisitScope {
                prefix: format!("{root_name}/"),
                home_like: true,
            },
            _ => VisitScope {
                prefix: String::new(),
                home_like: is_home_like(children),
            },
        }
    }

    /// Whether `rel` (a folder or file path below the root, `/`-separated) is worth visiting.
    #[must_use]
    pub fn visit(&self, rel: &str) -> bool {
        should_visit(&format!("{}{rel}", self.prefix), self.home_like)
    }
}

/// Classifies the file at `path` (any `/` or `\` separated path) from its first bytes.
#[must_use]
pub fn classify(path: &str, head: &[u8]) -> Classification {
    let path = path.replace('\\', "/");
    let name = file_name(&path);
    // agents-b: databases are binary, and read.
    if let Some(found) = classify_database(&path, head) {
        return found;
    }
    if let Some(what) = binary_kind(head) {
        return Classification::Unrecognized {
            reason: format!("binary file ({what})"),
        };
    }
    let head = crate::lines::strip_bom(head);
    let Some(first) = first_nonblank(head) else {
        return Classification::Unrecognized {
            reason: "empty file".to_owned(),
        };
    };
    // A pretty-printed document (legacy Gemini `session-*.json`) opens with a lone `{` or `[`:
    // its markers are on the following lines, so look at the whole head.
    let first = if matches!(first.trim_ascii(), b"{" | b"[") {
        head
    } else {
        first
    };
    let has = |marker: &str| contains(first, marker.as_bytes());
    let key_is = |key: &str, value: &str| has_key_value(first, key, value);

    // agents2: Cline and Roo Code task files, Codebuff chats, Factory Droid sessions. First:
    // their documents quote other agents' transcripts freely.
    let whole = head.len() < HEAD_BYTES;
    if let Some(found) = classify_agents2(&path, first, whole) {
        return found;
    }

    // Gemini CLI's prompt log: an array of `{sessionId, messageId, timestamp, type, message}`.
    let array = first.trim_ascii_start().starts_with(b"[");
    let gemini_log = name == "logs.json"
        || (array && has_key(first, "sessionId") && has_key(first, "messageId"));
    let format = if gemini_log {
        Some(Format::GeminiLogsJson)
    } else if let Some(format) = agents_a_format(first) {
        Some(format)
    } else if key_is("type", "thread.started") && has_key(first, "thread_id") {
        // Saved `codex exec --json` output: its first event is always `thread.started`.
        Some(Format::CodexExecJsonl)
    } else if key_is("type", "session_meta")
        || (has("\"payload\"") && has("\"timestamp\"") && key_is("type", "turn_context"))
        || (name.starts_with("rollout-") && name.ends_with(".jsonl"))
    {
        Some(Format::CodexJsonl)
    } else if has("\"projectHash\"")
        || (has("\"sessionId\"") && has("\"messages\"") && !has("\"parentUuid\""))
    {
        if name.ends_with(".jsonl") {
            Some(Format::GeminiJsonl)
        } else {
            Some(Format::GeminiJson)
        }
    } else if has("\"parentUuid\"")
        || has("\"leafUuid\"")
        || key_is("type", "file-history-snapshot")
        || key_is("type", "queue-operation")
        || (has("\"sessionId\"") && (has("\"isSidechain\"") || has("\"userType\"")))
    {
        Some(Format::ClaudeJsonl)
    } else {
        None
    };

    // agents-b: OpenCode's JSON storage.
    if format.is_none() {
        if let Some(found) = classify_agents_b_json(&path, first) {
            return found;
        }
    }

    match format {
        Some(format) => Classification::Parse {
            format,
            ctx: FileContext {
                session_hint: session_hint(format, &path),
                path,
            },
        },
        None if name == "history.jsonl" => Classification::Known {
            what: "prompt history (no token usage)".to_owned(),
        },
        None => match agents_a_known(first) {
            Some(what) => Classification::Known {
                what: what.to_owned(),
            },
            None => Classification::Unrecognized {
                reason: "not a transcript of any supported agent".to_owned(),
            },
        },
    }
}

// Copilot CLI, Qwen Code, Amp, Kimi CLI: recognised before the others, whose markers some of
// them share (Qwen Code records carry Claude's `parentUuid`).

/// The format of a Copilot CLI, Qwen Code, Amp or Kimi CLI file, from its first line (or, for a
/// pretty-printed document, its head).
fn agents_a_format(first: &[u8]) -> Option<Format> {
    let has = |marker: &str| contains(first, marker.as_bytes());
    // Copilot CLI events: `{type: "session.start", data, id, timestamp, parentId}`.
    let copilot_event = ["session.", "user.", "assistant.", "tool.", "system."]
        .iter()
        .any(|p| has_key_value_prefix(first, "type", p));
    if copilot_event && has("\"data\"") && has("\"parentId\"") {
        return Some(Format::CopilotJsonl);
    }
    // Copilot CLI 2025 history: `{sessionId, startTime, chatMessages, timeline}`.
    if has("\"sessionId\"") && (has("\"timeline\"") || has("\"chatMessages\"")) {
        return Some(Format::CopilotHistoryJson);
    }
    // Kimi CLI wire log: a `{"type": "metadata", "protocol_version"}` header, or (before 2026) a
    // first record `{"timestamp": <seconds>, "message": {"type": "TurnBegin", "payload"}}`.
    let kimi_first = [
        "TurnBegin",
        "StepBegin",
        "StatusUpdate",
        "SteerInput",
        "CompactionBegin",
    ]
    .iter()
    .any(|t| has_key_value(first, "type", t));
    if (has_key_value(first, "type", "metadata") && has_key(first, "protocol_version"))
        || (kimi_first && has_key(first, "message") && has_key(first, "payload"))
    {
        return Some(Format::KimiWireJsonl);
    }
    // Amp: one thread document, `{v, id: "T-<uuid>", created, messages, usageLedger}`.
    if has_key_value_prefix(first, "id", "T-")
        && (has_key(first, "messages") || has_key(first, "usageLedger"))
    {
        return Some(Format::AmpJson);
    }
    // Qwen Code: Claude-like `uuid`/`parentUuid`/`sessionId` records whose content is Gemini's
    // (`message.parts`), or a record only Qwen writes (`usageMetadata`, `systemPayload`); Claude
    // Code's records carry `userType`, Qwen Code's never do.
    if has("\"parentUuid\"")
        && has("\"sessionId\"")
        && !has("\"userType\"")
        && (has_key(first, "parts")
            || has_key(first, "usageMetadata")
            || has_key(first, "systemPayload"))
    {
        return Some(Format::QwenJsonl);
    }
    None
}

/// Files that sit beside Kimi CLI's wire logs in every session folder and carry no usage.
fn agents_a_known(first: &[u8]) -> Option<&'static str> {
    let has = |marker: &str| contains(first, marker.as_bytes());
    if has_key(first, "role")
        && (has("\"_system_prompt\"") || has("\"_checkpoint\"") || has("\"_usage\""))
    {
        Some("Kimi CLI context (no token usage)")
    } else if has_key(first, "approval") && has_key(first, "plan_mode") {
        Some("Kimi CLI session state (no token usage)")
    } else if has_key(first, "launch_spec") && has_key(first, "subagent_type") {
        Some("Kimi CLI subagent record (no token usage)")
    } else {
        None
    }
}

/// File signatures of binary formats that end up under agent folders (pasted images, archives,
/// databases); a file opening with one is never a transcript, whatever its name.
const MAGIC: &[(&[u8], &str)] = &[
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"(\xb5/\xfd", "zstd data"),
    (b"SQLite format 3\0", "SQLite database"),
    (b"\x7fELF", "executable"),
];

/// Why `head` is binary data rather than text, if it is.
///
/// A transcript is JSON text, but one stray byte (a NUL from a crashed write, a control byte
/// pasted into a prompt) must cost at most its own line, which the parser then reports as
/// malformed. So a file is binary only when it opens with a known binary signature, or when more
/// than one byte in ten is a control byte that text never holds (NUL and the other C0 controls
/// but tab, newline, form feed, carriage return and escape): what images, archives and zeroed
/// blocks look like.
#[must_use]
pub fn binary_kind(head: &[u8]) -> Option<&'static str> {
    if let Some((_, what)) = MAGIC.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(what);
    }
    let control = control_bytes(head);
    (control > 0 && control * 10 > head.len()).then_some("mostly NUL and control bytes")
}

/// A control byte that text never holds: the C0 controls but tab, newline, form feed, carriage
/// return and escape.
fn is_binary_control(b: u8) -> bool {
    b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0c | b'\r' | 0x1b)
}

/// How many bytes of `head` are [`is_binary_control`]. Every file's head (up to 64 KiB) is
/// counted, so this is per-file work that many small files multiply: eight bytes at a time, and
/// only a word holding some byte below 0x20 (in a JSONL head, the few with a newline) is counted
/// byte by byte.
fn control_bytes(head: &[u8]) -> usize {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES << 7;
    let count = |bytes: &[u8]| bytes.iter().filter(|&&b| is_binary_control(b)).count();
    let mut words = head.chunks_exact(8);
    let mut n = 0;
    for word in &mut words {
        let w = <[u8; 8]>::try_from(word).map_or(0, u64::from_le_bytes);
        // Non-zero exactly when some byte is below 0x20 (a borrow only marks bytes above one).
        if w.wrapping_sub(ONES * 0x20) & !w & HIGH != 0 {
            n += count(word);
        }
    }
    n + count(words.remainder())
}

/// The session a path implies: Claude subagent files belong to the folder above `subagents/`;
/// other Claude files to their stem. Codex and Gemini name sessions inside the file.
fn session_hint(format: Format, path: &str) -> Option<String> {
    if format != Format::ClaudeJsonl {
        return None;
    }
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if let Some(i) = parts.iter().position(|p| *p == "subagents") {
        if i >= 1 {
            return Some(parts[i - 1].to_owned());
        }
    }
    let stem = file_name(path).trim_end_matches(".jsonl");
    // Old flat subagent files (`agent-<id>.jsonl`) name their parent only inside (sessionId).
    if stem.starts_with("agent-") {
        return None;
    }
    Some(stem.to_owned())
}

fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn first_nonblank(head: &[u8]) -> Option<&[u8]> {
    head.split(|b| *b == b'\n')
        .find(|l| !l.iter().all(u8::is_ascii_whitespace))
        .map(|l| {
            if l.len() > HEAD_BYTES {
                &l[..HEAD_BYTES]
            } else {
                l
            }
        })
        .or(if head.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(head)
        })
}

// ---- agents-b: OpenCode, SQLite databases ----------------------------------------------------

/// Entries of a home folder that belong to agents read by part B: a folder holding one is a home.
fn is_agents_b_home_entry(name: &str) -> bool {
    matches!(name, ".local" | ".config" | "Library" | "AppData" | ".pi")
}

/// True when `parts[i]` starts a path that must lead into an agent root to be visited. `Library`
/// (macOS) and `AppData` (Windows) only when followed by the folder the agents use, so that a
/// project's own `Library` folder is read as usual.
fn is_agents_b_anchor(parts: &[&str], i: usize) -> bool {
    let next = parts.get(i + 1).copied();
    match parts[i] {
        ".local" | ".pi" => true,
        "Library" => next.is_none_or(|n| n == "Application Support"),
        "AppData" => next.is_none_or(|n| n == "Roaming" || n == "Local"),
        _ => false,
    }
}

/// The write-ahead log's magic numbers (big-endian; the low bit gives the checksum byte order).
const WAL_MAGIC: [[u8; 4]; 2] = [[0x37, 0x7f, 0x06, 0x82], [0x37, 0x7f, 0x06, 0x83]];

/// A SQLite database is parsed (its schema says whose it is); its write-ahead log is known and
/// named, so that un-checkpointed commits are visible as not read.
fn classify_database(path: &str, head: &[u8]) -> Option<Classification> {
    if head.starts_with(crate::sqlite::MAGIC) {
        // Another application's database is named from its first page, without reading it all.
        if let Some(reason) = crate::parsers::sqlite_db::foreign_from_head(head) {
            return Some(Classification::Unrecognized { reason });
        }
        return Some(Classification::Parse {
            format: Format::SqliteDb,
            ctx: FileContext {
                path: path.to_owned(),
                session_hint: None,
            },
        });
    }
    if WAL_MAGIC.iter().any(|m| head.starts_with(m)) {
        return Some(Classification::Known {
            what: "SQLite write-ahead log: commits not yet checkpointed into its database are \
                   not read (quit the agent, or run `sqlite3 DB 'PRAGMA wal_checkpoint'`)"
                .to_owned(),
        });
    }
    None
}

/// OpenCode storage folders whose files carry no usage.
const OPENCODE_KNOWN: &[(&str, &str)] = &[
    ("session", "OpenCode session metadata (no token usage)"),
    ("project", "OpenCode project metadata (no token usage)"),
    ("todo", "OpenCode todo list (no token usage)"),
    ("session_diff", "OpenCode session diff (no token usage)"),
    ("session_share", "OpenCode share link (no token usage)"),
    ("share", "OpenCode share link (no token usage)"),
];

/// OpenCode's storage files, by their fields: a message names its `sessionID` and `role`, a part
/// its `sessionID`, `messageID` and `type` (the capital `ID` sets both apart from Claude's and
/// Gemini's `sessionId`).
fn classify_agents_b_json(path: &str, first: &[u8]) -> Option<Classification> {
    let has = |marker: &str| contains(first, marker.as_bytes());
    let parse = |format: Format| {
        Some(Classification::Parse {
            format,
            ctx: FileContext {
                path: path.to_owned(),
                session_hint: None,
            },
        })
    };
    // pi: the header line `{"type":"session","version":3,"id":...,"timestamp":...,"cwd":...}`
    // (Codex's first line is `session_meta`), or, for a file cut before its header, an entry
    // with `parentId` and an `AgentMessage` under `message`.
    if (has_key_value(first, "type", "session") && has("\"cwd\""))
        || (has_key_value(first, "type", "message") && has("\"parentId\"") && has("\"message\""))
    {
        return parse(Format::PiJsonl);
    }
    let opencode =
        has("\"sessionID\"") && (has("\"role\"") || (has("\"messageID\"") && has("\"type\"")));
    if opencode {
        return parse(Format::OpenCodeJson);
    }
    let parts: Vec<&str> = path.split('/').collect();
    let folder = parts
        .windows(2)
        .filter(|w| w[0] == "storage")
        .find_map(|w| OPENCODE_KNOWN.iter().find(|(name, _)| *name == w[1]));
    folder.map(|(_, what)| Classification::Known {
        what: (*what).to_owned(),
    })
}

// ---- agents2: Cline, Roo Code, Codebuff, Factory Droid ----------------------------------------

/// Files of Cline's and Roo Code's task folders that sit beside `ui_messages.json` and whose
/// usage, if any, repeats it: `(file name, a key its content has, what it is)`.
const CLINE_KNOWN: &[(&str, &str, &str)] = &[
    (
        "api_conversation_history.json",
        "role",
        "Cline / Roo Code conversation sent to the model (usage is read from ui_messages.json)",
    ),
    (
        "task_metadata.json",
        "files_in_context",
        "Cline / Roo Code task metadata (no token usage)",
    ),
    (
        "history_item.json",
        "tokensIn",
        "Roo Code task summary (the totals of ui_messages.json beside it, not counted twice)",
    ),
    (
        "context_history.json",
        "",
        "Cline context history (no token usage)",
    ),
];

/// Cline/Roo Code `ui_messages.json` (an array of `{ts, type: "say"|"ask", ...}`), Codebuff's
/// `{id, messages, updatedAt}` chat, the known files beside them, and Factory Droid's sessions.
///
/// `whole` says `first` is the whole file (so that a key it lacks is absent from the file).
fn classify_agents2(path: &str, first: &[u8], whole: bool) -> Option<Classification> {
    let parse = |format: Format| {
        Some(Classification::Parse {
            format,
            ctx: FileContext {
                path: path.to_owned(),
                session_hint: None,
            },
        })
    };
    let known = |what: &str| {
        Some(Classification::Known {
            what: what.to_owned(),
        })
    };
    let name = file_name(path);
    let array = first.trim_ascii_start().starts_with(b"[");
    let object = first.trim_ascii_start().starts_with(b"{");
    if array
        && has_key(first, "ts")
        && (has_key_value(first, "type", "say") || has_key_value(first, "type", "ask"))
    {
        return parse(Format::ClineUiJson);
    }
    if let Some((_, _, what)) = CLINE_KNOWN
        .iter()
        .find(|(n, key, _)| *n == name && (key.is_empty() || has_key(first, key)))
    {
        return known(what);
    }
    if object
        && has_key(first, "id")
        && has_key(first, "messages")
        && has_key(first, "updatedAt")
        && !has_key(first, "sessionId")
    {
        return parse(Format::CodebuffJson);
    }
    // Factory Droid: `<session>.jsonl` opening with `{"type":"session_start", "title", "cwd"}`
    // (droid-sdk `_high_level/discovery.py`), and `<session>.settings.json` beside it, which
    // holds the session's usage total (`tokenUsage`): read under a `.factory/` folder, or
    // anywhere when its content names `tokenUsage`.
    // Crush's global data folder: the list of its projects and its configuration.
    if name == "projects.json" && has_key(first, "projects") && has_key(first, "data_dir") {
        return known(CRUSH_PROJECTS);
    }
    if name == "crush.json" && object {
        return known("Crush configuration (no usage)");
    }
    // The history is read for its messages and tools; a history cut before its first line still
    // is one below `.factory/`, where its lines are `{"type": "message", ..., "message": {...}}`.
    if (has_key_value(first, "type", "session_start") && has_key(first, "title"))
        || (path.contains(".factory/")
            && name.ends_with(".jsonl")
            && has_key_value(first, "type", "message")
            && has_key(first, "message"))
    {
        return parse(Format::DroidJsonl);
    }
    if name.ends_with(".settings.json")
        && object
        && (path.contains(".factory/")
            || has_key(first, "tokenUsage")
            || has_key(first, "providerLock"))
    {
        // A session that has spent nothing yet has no `tokenUsage`: listed with the reason.
        if whole && !has_key(first, "tokenUsage") {
            return known(DROID_NO_USAGE);
        }
        return parse(Format::DroidSettingsJson);
    }
    None
}

/// Why Crush's `projects.json` is listed and not read.
pub const CRUSH_PROJECTS: &str = "Crush project list (no usage): names each project's `.crush` \
     folder, whose `crush.db` the CLI's default scan reads (drop that folder in the browser)";

/// Why a Factory Droid settings file without `tokenUsage` is listed and not counted.
pub const DROID_NO_USAGE: &str =
    "Factory Droid session settings without `tokenUsage`: the session recorded no tokens (its \
     messages and tools are read from the `<session>.jsonl` beside it)";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The word-at-a-time count equals a byte-by-byte one, on bytes dense in controls and
        /// at every length and alignment.
        #[test]
        fn control_bytes_counts_every_binary_control(
            head in prop::collection::vec(prop_oneof![0u8..0x20, Just(b'\n'), 0x20u8..=0xff], 0..100),
            skip in 0usize..8,
        ) {
            let head = head.get(skip..).unwrap_or_default();
            let want = head.iter().filter(|&&b| is_binary_control(b)).count();
            prop_assert_eq!(control_bytes(head), want);
        }
    }

    fn format_of(path: &str, head: &str) -> Option<Format> {
        match classify(path, head.as_bytes()) {
            Classification::Parse { format, .. } => Some(format),
            _ => None,
        }
    }

    #[test]
    fn agents2_files_are_recognised_by_content_and_nothing_else_is() {
        // A Cline task whose prompt quotes a Claude line: still Cline (checked first).
        let cline = r#"[{"ts":1,"type":"say","say":"task","text":"{\"parentUuid\":null,\"sessionId\":\"s\"}"}]"#;
        assert_eq!(format_of("x/y.json", cline), Some(Format::ClineUiJson));
        let ask = r#"[ {"ts": 1, "type": "ask", "ask": "followup", "text": "?"} ]"#;
        assert_eq!(format_of("x/y.json", ask), Some(Format::ClineUiJson));
        // Another app's array of messages is no agent's.
        assert_eq!(
            format_of("x/y.json", r#"[{"role":"user","content":"hi"}]"#),
            None
        );
        let codebuff = "{\n  \"id\": \"2025-09-06T08-09-39.123Z\",\n  \"messages\": [],\n  \"updatedAt\": \"t\"\n}";
        assert_eq!(format_of("c.json", codebuff), Some(Format::CodebuffJson));
        // Gemini's legacy document also has `id`-like fields and `messages`: never Codebuff.
        let gemini =
            r#"{"sessionId":"s","projectHash":"h","messages":[],"updatedAt":"t","id":"x"}"#;
        assert_eq!(format_of("a.json", gemini), Some(Format::GeminiJson));
        let droid = r#"{"type":"session_start","id":"s","title":"t","cwd":"/p"}"#;
        assert_eq!(format_of("any/s.jsonl", droid), Some(Format::DroidJsonl));
        // Settings without `tokenUsage` (the whole file seen) are listed with the reason.
        assert!(matches!(
            classify(".factory/sessions/-p/s.settings.json", br#"{"model":"m"}"#),
            Classification::Known { .. }
        ));
        assert!(matches!(
            classify(
                "t/1/api_conversation_history.json",
                br#"[{"role":"user","content":[]}]"#
            ),
            Classification::Known { .. }
        ));
    }

    #[test]
    fn recognises_each_agent_by_content_whatever_the_name() {
        assert_eq!(
            format_of(
                "x/y.jsonl",
                r#"{"timestamp":"t","type":"session_meta","payload":{}}"#
            ),
            Some(Format::CodexJsonl)
        );
        assert_eq!(
            format_of(
                "a.json",
                r#"{"sessionId":"s","projectHash":"h","messages":[]}"#
            ),
            Some(Format::GeminiJson)
        );
        assert_eq!(
            format_of(
                "a.jsonl",
                r#"{"sessionId":"s","projectHash":"h","startTime":"t"}"#
            ),
            Some(Format::GeminiJsonl)
        );
        assert_eq!(
            format_of("p/s.jsonl", r#"{"parentUuid": null, "isSidechain": false}"#),
            Some(Format::ClaudeJsonl)
        );
        assert_eq!(format_of("notes.json", r#"{"a":1}"#), None);
    }

    #[test]
    fn a_stray_nul_or_control_byte_does_not_make_a_transcript_binary() {
        let mut head = br#"{"parentUuid":null,"isSidechain":false,"sessionId":"s","x":"a"#.to_vec();
        head.extend_from_slice(b"\0\x07\"}\n");
        head.extend_from_slice(br#"{"parentUuid":"p","isSidechain":false}"#);
        assert_eq!(
            format_of_bytes("p/s.jsonl", &head),
            Some(Format::ClaudeJsonl)
        );
        assert_eq!(format_of_bytes("p/s.jsonl", b"\0"), None);
    }

    #[test]
    fn a_bom_does_not_hide_any_format() {
        let bom = |s: &str| [b"\xEF\xBB\xBF", s.as_bytes()].concat();
        let cases = [
            (
                "a.json",
                "{\n  \"sessionId\": \"s\",\n  \"projectHash\": \"h\",\n  \"messages\": []\n}",
                Format::GeminiJson,
            ),
            (
                "a.jsonl",
                r#"{"sessionId":"s","projectHash":"h"}"#,
                Format::GeminiJsonl,
            ),
            (
                "x.jsonl",
                r#"{"timestamp":"t","type":"session_meta","payload":{}}"#,
                Format::CodexJsonl,
            ),
            (
                "p/s.jsonl",
                r#"{"parentUuid":null,"isSidechain":false}"#,
                Format::ClaudeJsonl,
            ),
        ];
        for (path, text, format) in cases {
            assert_eq!(format_of_bytes(path, &bom(text)), Some(format), "{path}");
        }
    }

    fn format_of_bytes(path: &str, head: &[u8]) -> Option<Format> {
        match classify(path, head) {
            Classification::Parse { format, .. } => Some(format),
            _ => None,
        }
    }

    #[test]
    fn a_pretty_printed_gemini_document_is_recognised() {
        let head = "{\n  \"sessionId\": \"s\",\n  \"projectHash\": \"h\",\n  \"messages\": [\n";
        assert_eq!(
            format_of("tmp/h/chats/session-1.json", head),
            Some(Format::GeminiJson)
        );
        assert_eq!(format_of("x.json", "{\n  \"a\": 1\n}"), None);
    }

    #[test]
    fn claude_session_comes_from_the_path() {
        let hint = |p: &str| match classify(p, br#"{"parentUuid":null}"#) {
            Classification::Parse { ctx, .. } => ctx.session_hint,
            _ => None,
        };
        assert_eq!(hint("proj/abc.jsonl").as_deref(), Some("abc"));
        assert_eq!(
            hint("proj/abc/subagents/agent-x.jsonl").as_deref(),
            Some("abc")
        );
        assert_eq!(hint("proj/agent-x.jsonl"), None);
    }

    #[test]
    fn only_agent_roots_are_visited_below_a_home() {
        assert!(is_home_like([".bashrc", ".claude", "Documents"]));
        assert!(should_visit(".claude", true));
        assert!(should_visit(".claude/projects/-home-u/s.jsonl", true));
        assert!(!should_visit(".claude/todos/x.json", true));
        assert!(should_visit(".config/claude/projects/p/s.jsonl", true));
        assert!(!should_visit(".config/gh/hosts.json", true));
        assert!(should_visit(".codex/archived_sessions/r.jsonl", true));
        assert!(!should_visit(".codex/history.jsonl", true));
        assert!(should_visit(".gemini/tmp/h/chats/s.json", true));
        assert!(!should_visit("Documents/notes.json", true));
        assert!(should_visit("Documents/notes.json", false));
        assert!(should_visit("-home-u-proj/s.jsonl", false));
        assert!(!should_visit("proj/node_modules/x.json", false));
    }

    #[test]
    fn copilot_qwen_amp_and_kimi_roots_are_visited_below_a_home() {
        assert!(is_home_like([".bashrc", ".copilot"]));
        assert!(is_home_like([".qwen"]) && is_home_like([".kimi"]));
        assert!(should_visit(".copilot/session-state/s/events.jsonl", true));
        assert!(should_visit(
            ".copilot/history-session-state/session_1.json",
            true
        ));
        assert!(!should_visit(".copilot/config.json", true));
        assert!(should_visit(".qwen/projects/-home-u/chats/s.jsonl", true));
        assert!(should_visit(".qwen/tmp/h/chats/s.jsonl", true));
        assert!(!should_visit(".qwen/settings.json", true));
        assert!(should_visit(".local/share/amp/threads/T-1.json", true));
        assert!(!should_visit(".local/share/other/x.json", true));
        assert!(should_visit(".kimi/sessions/h/s/wire.jsonl", true));
        assert!(!should_visit(".kimi/kimi.json", true));
        let known = |head: &str| {
            matches!(
                classify("s/x.json", head.as_bytes()),
                Classification::Known { .. }
            )
        };
        assert!(known(
            r#"{"role": "_system_prompt", "content": "You are Kimi"}"#
        ));
        assert!(known(
            "{\n  \"version\": 1,\n  \"approval\": {},\n  \"plan_mode\": false\n}"
        ));
        let scope = VisitScope::for_root(".copilot", ["session-state", "config.json"]);
        assert!(scope.visit("session-state/s/events.jsonl"));
        assert!(!scope.visit("config.json"));
    }

    #[test]
    fn binary_and_empty_files_are_named_not_parsed() {
        let reason = |head: &[u8]| match classify("a.jsonl", head) {
            Classification::Unrecognized { reason } => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            reason(b"\x00\x01\x02"),
            "binary file (mostly NUL and control bytes)"
        );
        assert_eq!(
            reason(&[0u8; 4096]),
            "binary file (mostly NUL and control bytes)"
        );
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend_from_slice(br#"{"parentUuid":null,"sessionId":"s","isSidechain":false}"#);
        assert_eq!(reason(&png), "binary file (PNG image)");
        assert!(matches!(
            classify("a.jsonl", b"  \n"),
            Classification::Unrecognized { .. }
        ));
    }
}

#[cfg(test)]
mod agents_b_tests {
    use super::*;

    #[test]
    fn opencode_folders_are_visited_below_a_home() {
        assert!(is_home_like([".local", "Documents"]));
        assert!(should_visit(".local", true));
        assert!(should_visit(".local/share", true));
        assert!(should_visit(".local/share/opencode/opencode.db", true));
        assert!(should_visit(
            ".local/share/opencode/storage/message/ses_1/msg_1.json",
            true
        ));
        assert!(!should_visit(".local/share/Trash/files/x.json", true));
        assert!(!should_visit(".local/state/x.json", true));
        // A dropped `.local` is read like a home holding only it.
        let scope = VisitScope::for_root(".local", ["share"]);
        assert!(scope.visit("share/opencode/opencode.db"));
        assert!(!scope.visit("share/recently-used.json"));
    }

    #[test]
    fn goose_folders_on_every_system() {
        assert!(should_visit(
            ".local/share/goose/sessions/sessions.db",
            true
        ));
        assert!(should_visit(
            "Library/Application Support/Block/goose/sessions/sessions.db",
            true
        ));
        assert!(should_visit(
            "AppData/Roaming/Block/goose/data/sessions/sessions.db",
            true
        ));
        assert!(!should_visit("Library/Caches/x.json", true));
        assert!(!should_visit("AppData/Roaming/Other/x.db", true));
        // A project's own Library folder is not an anchor.
        assert!(should_visit("src/Library/data.json", false));
    }

    #[test]
    fn databases_are_candidates_and_recognised_by_their_header() {
        assert!(is_candidate_name("x/opencode.db"));
        assert!(is_candidate_name("x/opencode.db-wal"));
        assert!(!is_candidate_name("x/opencode.db-shm"));
        let mut head = crate::sqlite::MAGIC.to_vec();
        head.extend_from_slice(&[0u8; 84]);
        assert!(matches!(
            classify("any/name.bin", &head),
            Classification::Parse {
                format: Format::SqliteDb,
                ..
            }
        ));
    }
}
