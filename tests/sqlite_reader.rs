//! The pure-Rust SQLite reader (`src/sqlite`) against a real database written by SQLite itself
//! (`fixtures/sqlite/reader.db`, made by `fixtures/sqlite/make_reader_fixture.py`), and against
//! random and damaged bytes, which must never panic or hang.

use agentmeter::sqlite::{Database, SqliteError, Value};
use proptest::prelude::*;

fn fixture() -> Vec<u8> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/sqlite/reader.db");
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn reads_every_row_and_serial_type_of_a_multi_level_table() {
    let bytes = fixture();
    let db = Database::open(&bytes).expect("database");
    assert_eq!(db.page_size(), 4096);
    let t = db.table("numbers").expect("numbers");
    assert_eq!(t.columns.len(), 10);
    let rows: Vec<_> = db.rows(t.root).collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 3000);
    for (i, row) in rows.iter().enumerate() {
        let i = i as i64;
        assert_eq!(row.rowid, i + 1, "rowid order");
        let v = |c: &str| t.value(row, c).into_owned();
        assert_eq!(v("id"), Value::Integer(i));
        assert_eq!(v("small"), Value::Integer(i % 2));
        assert_eq!(v("mid"), Value::Integer(i * 300));
        assert_eq!(v("wide"), Value::Integer(i * 70_000));
        assert_eq!(v("huge"), Value::Integer(i * 5_000_000_000));
        assert_eq!(v("neg"), Value::Integer(-i));
        // SQLite stores a REAL with no fractional part as an integer; as_f64 reads both.
        assert_eq!(v("r").as_f64(), Some(i as f64 / 4.0));
        assert_eq!(v("t"), Value::Text(format!("row {i}").into_bytes()));
        assert_eq!(v("b"), Value::Blob(vec![(i % 256) as u8; 3]));
        assert_eq!(v("n"), Value::Null);
    }
    // sum(id) = 0 + 1 + ... + 2999 = 2999 * 3000 / 2 = 4 498 500.
    let sum: i64 = rows.iter().filter_map(|r| t.value(r, "id").as_i64()).sum();
    assert_eq!(sum, 4_498_500);
}

#[test]
fn payloads_larger_than_a_page_are_read_from_overflow_pages() {
    let bytes = fixture();
    let db = Database::open(&bytes).expect("database");
    let t = db.table("BIG").expect("table names are case-insensitive");
    let rows: Vec<_> = db.rows(t.root).collect::<Result<_, _>>().expect("rows");
    let sizes = [100usize, 4061, 4062, 5000, 8000, 100_000];
    assert_eq!(rows.len(), sizes.len());
    for (row, size) in rows.iter().zip(sizes) {
        let text = t
            .value(row, "v")
            .as_text()
            .map(str::to_owned)
            .expect("text");
        let want: String = (0..size)
            .map(|j| char::from(b'a' + (j % 26) as u8))
            .collect();
        assert_eq!(text, want, "size {size}");
    }
    // 100 + 4061 + 4062 + 5000 + 8000 + 100000 = 121 223 bytes, as sqlite3 reports.
    let total: usize = rows
        .iter()
        .filter_map(|r| t.value(r, "v").as_text().map(str::len))
        .sum();
    assert_eq!(total, 121_223);
}

#[test]
fn rowid_alias_added_columns_and_unicode() {
    let bytes = fixture();
    let db = Database::open(&bytes).expect("database");
    let t = db.table("alias").expect("alias");
    assert_eq!(t.columns, ["id", "name", "note"]);
    let rows: Vec<_> = db.rows(t.root).collect::<Result<_, _>>().expect("rows");
    let got: Vec<(Option<i64>, Option<String>, Option<String>)> = rows
        .iter()
        .map(|r| {
            (
                t.value(r, "id").as_i64(),
                t.value(r, "name").as_text().map(str::to_owned),
                t.value(r, "note").as_text().map(str::to_owned),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (Some(7), Some("seven".to_owned()), None),
            (Some(9), Some("neuf".to_owned()), Some("déjà vu".to_owned())),
        ]
    );
}

#[test]
fn the_schema_lists_tables_indexes_and_views_and_unknown_names_are_errors() {
    let bytes = fixture();
    let db = Database::open(&bytes).expect("database");
    let schema = db.schema().expect("schema");
    let kinds: Vec<(&str, &str)> = schema
        .iter()
        .map(|e| (e.kind.as_str(), e.name.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("table", "numbers"),
            ("index", "numbers_t"),
            ("view", "evens"),
            ("table", "big"),
            ("table", "alias"),
        ]
    );
    assert_eq!(
        db.table("evens").err(),
        Some(SqliteError::NoTable("evens".to_owned()))
    );
    assert_eq!(
        db.table("nope").err(),
        Some(SqliteError::NoTable("nope".to_owned()))
    );
}

/// Reads everything a parser would read; any result is fine, a panic or a hang is not.
fn read_all(bytes: &[u8]) -> usize {
    let Ok(db) = Database::open(bytes) else {
        return 0;
    };
    let mut n = 0;
    for entry in db.schema().unwrap_or_default() {
        if let Ok(t) = db.table(&entry.name) {
            n += db.rows(t.root).take(10_000).count();
        }
        n += db.rows(entry.root).take(10_000).count();
    }
    n
}

#[test]
fn a_truncated_database_reads_what_it_holds() {
    let bytes = fixture();
    for len in [
        0,
        15,
        16,
        99,
        100,
        4095,
        4096,
        8192,
        40_000,
        bytes.len() - 1,
    ] {
        read_all(&bytes[..len]);
    }
    // Cut inside the numbers table: the header is fine, later pages are gone; errors, not panics.
    let half = &bytes[..60_000];
    let db = Database::open(half).expect("header survives");
    let t = db.table("numbers").expect("schema on page 1");
    let results: Vec<_> = db.rows(t.root).collect();
    assert!(results.iter().any(Result::is_err));
    assert!(results.iter().any(Result::is_ok));
}

#[test]
fn a_page_that_points_to_itself_ends_the_walk() {
    let mut bytes = fixture();
    let db = Database::open(&bytes).expect("database");
    let root = db.table("numbers").expect("numbers").root;
    let start = (root as usize - 1) * 4096;
    assert_eq!(bytes[start], 0x05, "the numbers root is an interior page");
    // Point the right-most child back at the root.
    bytes[start + 8..start + 12].copy_from_slice(&root.to_be_bytes());
    let db = Database::open(&bytes).expect("database");
    let results: Vec<_> = db.rows(root).collect();
    assert!(results.contains(&Err(SqliteError::Cycle(root))));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..9000), page_log in 9u32..=16) {
        // A valid magic and page size, then anything: the reader goes past the header.
        let mut bytes = agentmeter::sqlite::MAGIC.to_vec();
        bytes.extend_from_slice(&tail);
        if bytes.len() >= 18 {
            let size = if page_log == 16 { 1u16 } else { 1u16 << page_log };
            bytes[16..18].copy_from_slice(&size.to_be_bytes());
        }
        if bytes.len() > 20 {
            bytes[20] = 0;
        }
        read_all(&bytes);
        read_all(&tail);
    }

    #[test]
    fn a_damaged_real_database_never_panics(flips in proptest::collection::vec((0usize..348_160, any::<u8>()), 1..40)) {
        let mut bytes = fixture();
        for (at, b) in flips {
            if let Some(slot) = bytes.get_mut(at) {
                *slot = b;
            }
        }
        read_all(&bytes);
    }
}
