//! The schema table (`sqlite_schema`, rooted at page 1) and the column names of a table.
//!
//! Each schema row is `(type, name, tbl_name, rootpage, sql)`. A table's columns are not stored
//! anywhere but in its `CREATE TABLE` text (which SQLite rewrites on `ALTER TABLE ... ADD
//! COLUMN`), so the column list is read from that text: the definitions between the outer
//! parentheses, split at top-level commas, each naming its column first (quoted with `"`, `` ` ``,
//! `[` or `'`, or bare) unless it is a table constraint (`CONSTRAINT`, `PRIMARY KEY`, `UNIQUE`,
//! `CHECK`, `FOREIGN KEY`). A column declared `INTEGER PRIMARY KEY` is an alias of the rowid:
//! SQLite stores NULL in the record and the value as the rowid, so [`Table::value`] returns the
//! rowid for it.

use super::btree::Row;
use super::record::Value;
use super::{Database, SqliteError};

/// One row of the schema table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaEntry {
    /// `table`, `index`, `view` or `trigger`.
    pub kind: String,
    pub name: String,
    pub table: String,
    pub root: u32,
    pub sql: String,
}

/// A table ready to be read: its root page and its column names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub root: u32,
    pub columns: Vec<String>,
    /// The `INTEGER PRIMARY KEY` column, whose value is the rowid.
    pub rowid_alias: Option<usize>,
}

impl Table {
    /// The position of column `name` (ASCII case-insensitive, as SQLite compares names).
    #[must_use]
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .position(|c| c.eq_ignore_ascii_case(name))
    }

    /// True when the table has every one of `names`.
    #[must_use]
    pub fn has_columns(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.column(n).is_some())
    }

    /// The value of column `name` in `row` (NULL when the table has no such column).
    #[must_use]
    pub fn value<'r>(&self, row: &'r Row, name: &str) -> std::borrow::Cow<'r, Value> {
        match self.column(name) {
            Some(i) if Some(i) == self.rowid_alias && row.get(i).is_null() => {
                std::borrow::Cow::Owned(Value::Integer(row.rowid))
            }
            Some(i) => std::borrow::Cow::Borrowed(row.get(i)),
            None => std::borrow::Cow::Owned(Value::Null),
        }
    }
}

pub(super) fn read(db: &Database<'_>) -> Result<Vec<SchemaEntry>, SqliteError> {
    let mut out = Vec::new();
    for row in db.rows(1) {
        let Ok(row) = row else {
            // A damaged schema page loses the entries on it; the rest are still usable.
            continue;
        };
        let text = |i: usize| row.get(i).as_text().unwrap_or_default().to_owned();
        out.push(SchemaEntry {
            kind: text(0),
            name: text(1),
            table: text(2),
            root: row
                .get(3)
                .as_i64()
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(0),
            sql: text(4),
        });
    }
    if out.is_empty() {
        // Distinguish "no tables" from "page 1 unreadable".
        if let Some(Err(err)) = db.rows(1).next() {
            return Err(err);
        }
    }
    Ok(out)
}

pub(super) fn table(db: &Database<'_>, name: &str) -> Result<Table, SqliteError> {
    let entry = read(db)?
        .into_iter()
        .find(|e| e.kind == "table" && e.name.eq_ignore_ascii_case(name))
        .ok_or_else(|| SqliteError::NoTable(name.to_owned()))?;
    let unsupported = |why: &str| SqliteError::Unsupported {
        name: entry.name.clone(),
        why: why.to_owned(),
    };
    if entry.root == 0 {
        return Err(unsupported("a virtual table has no b-tree"));
    }
    let (columns, rowid_alias, without_rowid) = parse_create_table(&entry.sql);
    if without_rowid {
        return Err(unsupported("WITHOUT ROWID tables are not supported"));
    }
    if columns.is_empty() {
        return Err(unsupported("its CREATE TABLE names no columns"));
    }
    Ok(Table {
        name: entry.name,
        root: entry.root,
        columns,
        rowid_alias,
    })
}

/// Column names, the rowid alias and whether the table is `WITHOUT ROWID`, from its SQL.
#[must_use]
pub fn parse_create_table(sql: &str) -> (Vec<String>, Option<usize>, bool) {
    let (Some(open), Some(close)) = (sql.find('('), sql.rfind(')')) else {
        return (Vec::new(), None, false);
    };
    if close <= open {
        return (Vec::new(), None, false);
    }
    let tail = sql[close + 1..].to_ascii_uppercase();
    let without_rowid = tail.contains("WITHOUT") && tail.contains("ROWID");
    let mut columns = Vec::new();
    let mut alias = None;
    for def in split_top_level(&sql[open + 1..close]) {
        let def = def.trim();
        let upper = def.to_ascii_uppercase();
        let first_word = upper.split_whitespace().next().unwrap_or_default();
        if matches!(
            first_word,
            "CONSTRAINT" | "PRIMARY" | "UNIQUE" | "CHECK" | "FOREIGN"
        ) {
            continue;
        }
        let Some((name, rest)) = column_name(def) else {
            continue;
        };
        let rest = rest.trim_start().to_ascii_uppercase();
        if rest.starts_with("INTEGER") && rest.contains("PRIMARY KEY") && alias.is_none() {
            alias = Some(columns.len());
        }
        columns.push(name);
    }
    (columns, alias, without_rowid)
}

/// Splits a column list at commas outside parentheses and quotes.
fn split_top_level(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' | '`' => quote = Some(c),
                '[' => quote = Some(']'),
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    out.push(&s[start..i]);
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    out.push(&s[start..]);
    out
}

/// The column name at the start of a definition, unquoted, and the rest of the definition.
fn column_name(def: &str) -> Option<(String, &str)> {
    let mut chars = def.char_indices();
    let (_, first) = chars.next()?;
    let close = match first {
        '"' => '"',
        '`' => '`',
        '\'' => '\'',
        '[' => ']',
        _ => {
            let end = def
                .find(|c: char| c.is_whitespace() || c == '(')
                .unwrap_or(def.len());
            return Some((def[..end].to_owned(), &def[end..]));
        }
    };
    let body = &def[first.len_utf8()..];
    let end = body.find(close)?;
    Some((body[..end].to_owned(), &body[end + close.len_utf8()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_come_from_the_create_table_text() {
        let sql = "CREATE TABLE `message` (\n\t`id` text PRIMARY KEY NOT NULL,\n\t`session_id` text NOT NULL,\n\t`time_created` integer NOT NULL,\n\t`data` text NOT NULL,\n\tFOREIGN KEY (`session_id`) REFERENCES `session`(`id`) ON UPDATE no action ON DELETE cascade\n)";
        let (cols, alias, without) = parse_create_table(sql);
        assert_eq!(cols, ["id", "session_id", "time_created", "data"]);
        assert_eq!((alias, without), (None, false));
        let (cols, alias, _) = parse_create_table(
            "CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, \"role\" TEXT, [x y] REAL, CHECK (a, b))",
        );
        assert_eq!(cols, ["id", "role", "x y"]);
        assert_eq!(alias, Some(0));
        assert!(parse_create_table("CREATE TABLE t(a PRIMARY KEY) WITHOUT ROWID").2);
        assert!(parse_create_table("garbage").0.is_empty());
    }
}
