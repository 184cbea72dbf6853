//! A small, read-only reader of the SQLite 3 file format, in plain Rust.
//!
//! Some agents keep their sessions in a SQLite database (OpenCode's `opencode.db`, Goose's
//! `sessions.db`, Crush's `crush.db`). The browser app must read those files too, so no C library
//! can be used: this module decodes the file format itself and compiles to
//! `wasm32-unknown-unknown` like the rest of the core. It implements only what reading a table
//! needs, from the format's public specification (<https://www.sqlite.org/fileformat2.html>):
//!
//! - the 100-byte **database header**: magic string, page size (512 to 65536), bytes reserved at
//!   the end of each page, text encoding (UTF-8, or UTF-16 converted to UTF-8);
//! - **table b-trees** ([`btree`]): interior pages (`0x05`, child pointers) and leaf pages
//!   (`0x0d`, rows), walked depth first so rows come out in rowid order; payloads that do not fit
//!   on their page continue on a chain of **overflow pages**;
//! - the **record format** ([`record`]): a header of serial types, then NULL, integers of 1 to 8
//!   bytes, 64-bit floats, the constants 0 and 1, blobs and text;
//! - the **schema table** on page 1 ([`schema`]), to find a table's root page by name, and the
//!   column names in its `CREATE TABLE` text (an `INTEGER PRIMARY KEY` column reads as the rowid,
//!   as SQLite stores it).
//!
//! Decisions:
//! - **Read only, whole file in memory.** The caller hands over the file's bytes; nothing is ever
//!   written. A database is not a stream of lines, so a parser that reads one buffers the whole
//!   file first (its memory cost is the file's size).
//! - **Never a panic, never a hang, on any bytes.** Every offset is bounds-checked, every page
//!   number is checked against the file, a b-tree walk never enters a page twice (a corrupt file
//!   whose pages point in a circle ends with an error, not a loop) and an overflow chain is never
//!   longer than the file has pages. Errors are typed ([`SqliteError`]) and local: a damaged page
//!   costs the rows on it (the iterator yields the error and goes on with the next subtree).
//! - **Not supported, said so:** index b-trees (not needed to read a table), `WITHOUT ROWID`
//!   tables, virtual tables, and the **write-ahead log**. A database in WAL mode keeps recent
//!   commits in a separate `<name>-wal` file until a checkpoint copies them into the database
//!   (SQLite does so when the last connection closes, and every 1000 pages); those commits are
//!   not read here. Quitting the agent (or `sqlite3 FILE 'PRAGMA wal_checkpoint'`) folds them in.
//!   Deleted rows left in free pages are not rows and are not read either.

pub mod btree;
pub mod record;
pub mod schema;

pub use btree::Rows;
pub use record::Value;
pub use schema::{SchemaEntry, Table};

/// The 16 bytes every SQLite 3 database file starts with.
pub const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Why a database (or a part of it) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SqliteError {
    #[error("not a SQLite 3 database (no `SQLite format 3` header)")]
    NotSqlite,
    #[error("database header is cut short ({0} bytes)")]
    ShortHeader(usize),
    #[error("invalid page size {0}")]
    PageSize(u32),
    #[error("invalid usable page size {0} (page size minus reserved bytes)")]
    UsableSize(usize),
    #[error("unknown text encoding {0}")]
    Encoding(u32),
    #[error("page {page} is beyond the end of the file ({pages} pages)")]
    PageOutOfRange { page: u32, pages: u32 },
    #[error("page {page} is not a table b-tree page (type byte 0x{kind:02x})")]
    PageType { page: u32, kind: u8 },
    #[error("page {0} is reached twice (the b-tree points in a circle)")]
    Cycle(u32),
    #[error("page {page}: {what}")]
    Corrupt { page: u32, what: String },
    #[error("record of row {rowid}: {what}")]
    Record { rowid: i64, what: String },
    #[error("no table named `{0}` in the schema")]
    NoTable(String),
    #[error("table `{name}` cannot be read: {why}")]
    Unsupported { name: String, why: String },
}

/// How text values are encoded in the file (header offset 56).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// An open database: the file's bytes and what the header says about them.
#[derive(Debug, Clone, Copy)]
pub struct Database<'a> {
    data: &'a [u8],
    page_size: usize,
    usable: usize,
    pages: u32,
    encoding: TextEncoding,
}

impl<'a> Database<'a> {
    /// Reads the header of the database held in `data`.
    ///
    /// # Errors
    /// When `data` is not a SQLite 3 database or its header is invalid.
    pub fn open(data: &'a [u8]) -> Result<Self, SqliteError> {
        if data.len() < MAGIC.len() || &data[..MAGIC.len()] != MAGIC {
            return Err(SqliteError::NotSqlite);
        }
        if data.len() < 100 {
            return Err(SqliteError::ShortHeader(data.len()));
        }
        let raw = u32::from(u16::from_be_bytes([data[16], data[17]]));
        let page_size = if raw == 1 { 65_536 } else { raw };
        if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() {
            return Err(SqliteError::PageSize(raw));
        }
        let page_size = page_size as usize;
        let usable = page_size - usize::from(data[20]);
        // The format requires at least 480 usable bytes; the overflow formulas assume it.
        if usable < 480 {
            return Err(SqliteError::UsableSize(usable));
        }
        let encoding = match u32::from_be_bytes([data[56], data[57], data[58], data[59]]) {
            // 0 is what a database that never had a table says; text would be UTF-8.
            0 | 1 => TextEncoding::Utf8,
            2 => TextEncoding::Utf16Le,
            3 => TextEncoding::Utf16Be,
            other => return Err(SqliteError::Encoding(other)),
        };
        // Pages the file actually holds (a header's page count can be stale; the bytes are not).
        let pages = u32::try_from(data.len() / page_size).unwrap_or(u32::MAX);
        Ok(Database {
            data,
            page_size,
            usable,
            pages,
            encoding,
        })
    }

    /// The page size in bytes.
    #[must_use]
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// How many whole pages the file holds.
    #[must_use]
    pub fn page_count(&self) -> u32 {
        self.pages
    }

    /// The bytes of page `page` (1-based), bounds-checked.
    pub(crate) fn page(&self, page: u32) -> Result<&'a [u8], SqliteError> {
        if page == 0 || page > self.pages {
            return Err(SqliteError::PageOutOfRange {
                page,
                pages: self.pages,
            });
        }
        let start = (page as usize - 1) * self.page_size;
        self.data
            .get(start..start + self.page_size)
            .ok_or(SqliteError::PageOutOfRange {
                page,
                pages: self.pages,
            })
    }

    /// Every row of the table b-tree rooted at `root`, in rowid order.
    #[must_use]
    pub fn rows(&self, root: u32) -> Rows<'a> {
        Rows::new(*self, root)
    }

    /// The entries of the schema table (`sqlite_schema`, page 1).
    ///
    /// # Errors
    /// When page 1 cannot be read; a damaged schema row is skipped.
    pub fn schema(&self) -> Result<Vec<SchemaEntry>, SqliteError> {
        schema::read(self)
    }

    /// The table called `name` (compared without regard to ASCII case, as SQLite does).
    ///
    /// # Errors
    /// When there is no such table, or it cannot be read by this module.
    pub fn table(&self, name: &str) -> Result<Table, SqliteError> {
        schema::table(self, name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_a_database() {
        assert_eq!(Database::open(b"hello").err(), Some(SqliteError::NotSqlite));
        assert_eq!(
            Database::open(MAGIC).err(),
            Some(SqliteError::ShortHeader(16))
        );
        let mut header = vec![0u8; 100];
        header[..16].copy_from_slice(MAGIC);
        header[16..18].copy_from_slice(&1000u16.to_be_bytes());
        assert_eq!(
            Database::open(&header).err(),
            Some(SqliteError::PageSize(1000))
        );
    }
}
