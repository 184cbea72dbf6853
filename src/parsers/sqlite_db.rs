//! SQLite databases: which agent wrote one is read from its tables, then that agent's reader
//! reads it.
//!
//! A database is recognised by its content, never by its name: the 16-byte SQLite header makes
//! it a [`crate::parsers::Format::SqliteDb`], and the tables named in its schema say whose it
//! is. A database that is no agent's (a browser's history, another app's cache) is listed as
//! skipped, with the tables it holds, so that it is visible and nothing is guessed.
//!
//! The file is buffered whole ([`crate::parsers::DocumentParser`]) because a database is read by
//! page numbers, not front to back: its memory cost is its size, up to [`MAX_BYTES`].
//! Commits still in a `-wal` file are not read ([`crate::sqlite`]).

use crate::line_report::Sink;
use crate::model::Agent;
use crate::parsers::{crush, goose, opencode, DocumentParser, FileContext};
use crate::sqlite::Database;

/// The largest database read (1 GiB): a browser tab holds the whole file in memory.
pub const MAX_BYTES: usize = 1 << 30;

/// Reads a SQLite database of a known agent.
pub struct SqliteDbParser {
    _ctx: FileContext,
}

impl SqliteDbParser {
    /// A parser for the database at `ctx.path`.
    #[must_use]
    pub fn new(ctx: FileContext) -> Self {
        SqliteDbParser { _ctx: ctx }
    }
}

impl DocumentParser for SqliteDbParser {
    fn max_bytes(&self) -> usize {
        MAX_BYTES
    }

    fn document(&mut self, bytes: &[u8], out: &mut Sink) {
        let db = match Database::open(bytes) {
            Ok(db) => db,
            Err(err) => {
                out.malformed(1, format!("database: {err}"));
                return;
            }
        };
        let schema = match db.schema() {
            Ok(schema) => schema,
            Err(err) => {
                out.malformed(1, format!("database schema: {err}"));
                return;
            }
        };
        if opencode::db::is_opencode(&db) {
            identify(out, Agent::OpenCode, "opencode-db");
            opencode::db::read(&db, out);
            return;
        }
        if goose::is_goose(&db) {
            identify(out, Agent::Goose, "goose-db");
            goose::read(&db, out);
            return;
        }
        if crush::is_crush(&db) {
            identify(out, Agent::Crush, "crush-db");
            crush::read(&db, out);
            return;
        }
        skip(out, &foreign_reason(&schema));
    }
}

/// The reason a database of no agent is listed, naming its tables.
fn foreign_reason(schema: &[crate::sqlite::SchemaEntry]) -> String {
    let mut tables: Vec<&str> = schema
        .iter()
        .filter(|e| e.kind == "table" && !e.name.starts_with("sqlite_"))
        .map(|e| e.name.as_str())
        .collect();
    tables.sort_unstable();
    let listed = if tables.is_empty() {
        "no tables".to_owned()
    } else {
        format!("tables: {}", tables.join(", "))
    };
    format!("SQLite database of no agent agentmeter reads ({listed})")
}

/// Tables at least one agent's database has; a schema with none of them is no agent's.
const AGENT_TABLES: &[&str] = &["message", "part", "sessions", "messages"];

/// When the whole schema is on page 1 and within `head` (the first bytes [`crate::detect`]
/// reads) and names none of the agents' tables, why the database is not read: a large database
/// of another application is then recognised from its first page, without buffering it.
/// `None` when the head cannot tell (a schema spread over several pages): the file is parsed.
#[must_use]
pub fn foreign_from_head(head: &[u8]) -> Option<String> {
    let db = Database::open(head).ok()?;
    // Page 1 must be a leaf: an interior page points to schema pages beyond the head.
    let page1 = head.get(100).copied()?;
    if page1 != 0x0d {
        return None;
    }
    let mut schema = Vec::new();
    for row in db.rows(1) {
        let row = row.ok()?;
        let text = |i: usize| row.get(i).as_text().map(str::to_owned);
        schema.push(crate::sqlite::SchemaEntry {
            kind: text(0)?,
            name: text(1)?,
            table: text(2).unwrap_or_default(),
            root: 0,
            sql: String::new(),
        });
    }
    let ours = schema
        .iter()
        .any(|e| e.kind == "table" && AGENT_TABLES.iter().any(|t| e.name.eq_ignore_ascii_case(t)));
    (!ours).then(|| foreign_reason(&schema))
}

/// Marks the file report with the agent and format found.
fn identify(out: &mut Sink, agent: Agent, format: &str) {
    out.report.agent = Some(agent);
    out.report.format = format.to_owned();
}

/// Lists the database as skipped, like a file no parser recognises.
fn skip(out: &mut Sink, reason: &str) {
    out.report.agent = None;
    out.report.format = format!("skipped: {reason}");
}
