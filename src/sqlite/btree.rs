//! Walking a table b-tree: interior pages point to children, leaf pages hold the rows.
//!
//! Page layout (page 1's starts after the 100-byte database header): a type byte (`0x05` table
//! interior, `0x0d` table leaf), the cell count at offset 3, on interior pages the right-most child
//! at offset 8, then an array of 2-byte cell offsets. An interior cell is a 4-byte left child and
//! a varint key; a leaf cell is a varint payload size, a varint rowid, the payload bytes that fit
//! on the page and, when some do not, the first overflow page.
//!
//! How much of a payload stays on the page (U = usable page size): all of it up to
//! X = U - 35 bytes; beyond that, with M = (U - 12) * 32 / 255 - 23 and K = M + (P - M) % (U - 4),
//! K bytes when K <= X, else M. The rest lives on overflow pages: a 4-byte next page, then
//! U - 4 bytes of payload each.

use super::record::{decode, varint, Value};
use super::{Database, SqliteError};

/// One row: its rowid and its column values.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub rowid: i64,
    pub values: Vec<Value>,
}

impl Row {
    /// The value of column `i`; NULL for a column the record does not hold (a column added by
    /// `ALTER TABLE` after the row was written).
    #[must_use]
    pub fn get(&self, i: usize) -> &Value {
        self.values.get(i).unwrap_or(&Value::Null)
    }
}

#[derive(Debug)]
struct Frame {
    page: u32,
    leaf: bool,
    /// Offset of the b-tree page header within the page (100 on page 1).
    header: usize,
    cells: usize,
    next: usize,
}

/// The rows of one table b-tree, in rowid order. A damaged page yields one `Err` and the walk
/// goes on with the rest of the tree; the iterator always ends.
#[derive(Debug)]
pub struct Rows<'a> {
    db: Database<'a>,
    stack: Vec<Frame>,
    /// Pages entered so far: no page is entered twice (cycles, and pages shared by two parents).
    seen: Vec<bool>,
    pending_root: Option<u32>,
}

impl<'a> Rows<'a> {
    pub(crate) fn new(db: Database<'a>, root: u32) -> Self {
        Rows {
            seen: vec![false; db.pages as usize + 1],
            db,
            stack: Vec::new(),
            pending_root: Some(root),
        }
    }

    /// Enters `page`, pushing its frame.
    fn enter(&mut self, page: u32) -> Result<(), SqliteError> {
        let bytes = self.db.page(page)?;
        let slot = self
            .seen
            .get_mut(page as usize)
            .ok_or(SqliteError::PageOutOfRange {
                page,
                pages: self.db.pages,
            })?;
        if *slot {
            return Err(SqliteError::Cycle(page));
        }
        *slot = true;
        let header = if page == 1 { 100 } else { 0 };
        let kind = *bytes
            .get(header)
            .ok_or_else(|| corrupt(page, "no page header"))?;
        let leaf = match kind {
            0x0d => true,
            0x05 => false,
            kind => return Err(SqliteError::PageType { page, kind }),
        };
        let cells = usize::from(u16::from_be_bytes([
            *bytes
                .get(header + 3)
                .ok_or_else(|| corrupt(page, "cut short"))?,
            *bytes
                .get(header + 4)
                .ok_or_else(|| corrupt(page, "cut short"))?,
        ]));
        let pointers = header + if leaf { 8 } else { 12 };
        if pointers + 2 * cells > self.db.usable {
            return Err(corrupt(page, &format!("{cells} cells do not fit the page")));
        }
        self.stack.push(Frame {
            page,
            leaf,
            header,
            cells,
            next: 0,
        });
        Ok(())
    }

    /// The offset of cell `i` of a frame's page.
    fn cell_offset(&self, bytes: &[u8], frame: &Frame, i: usize) -> Result<usize, SqliteError> {
        let at = frame.header + if frame.leaf { 8 } else { 12 } + 2 * i;
        let off = usize::from(u16::from_be_bytes([bytes[at], bytes[at + 1]]));
        if off < at || off >= self.db.usable {
            return Err(corrupt(
                frame.page,
                &format!("cell {i} at bad offset {off}"),
            ));
        }
        Ok(off)
    }

    fn child(&self, frame: &Frame, i: usize) -> Result<u32, SqliteError> {
        let bytes = self.db.page(frame.page)?;
        let at = if i == frame.cells {
            frame.header + 8
        } else {
            self.cell_offset(bytes, frame, i)?
        };
        let raw = bytes
            .get(at..at + 4)
            .ok_or_else(|| corrupt(frame.page, "child pointer cut short"))?;
        Ok(u32::from_be_bytes([raw[0], raw[1], raw[2], raw[3]]))
    }

    fn leaf_row(&self, frame: &Frame, i: usize) -> Result<Row, SqliteError> {
        let page = frame.page;
        let bytes = self.db.page(page)?;
        let usable = &bytes[..self.db.usable];
        let off = self.cell_offset(bytes, frame, i)?;
        let (size, a) =
            varint(&usable[off..]).ok_or_else(|| corrupt(page, "payload size cut short"))?;
        let (rowid, b) =
            varint(&usable[off + a..]).ok_or_else(|| corrupt(page, "rowid cut short"))?;
        let rowid = rowid as i64;
        let start = off + a + b;
        // No payload can be larger than the file that holds it.
        let size = usize::try_from(size)
            .ok()
            .filter(|s| *s <= self.db.data.len())
            .ok_or_else(|| corrupt(page, &format!("row {rowid}: payload of {size} bytes")))?;
        let local = local_size(size, self.db.usable);
        let inline = usable
            .get(start..start + local)
            .ok_or_else(|| corrupt(page, &format!("row {rowid}: payload runs off the page")))?;
        let payload = if local == size {
            std::borrow::Cow::Borrowed(inline)
        } else {
            let first = usable
                .get(start + local..start + local + 4)
                .ok_or_else(|| {
                    corrupt(page, &format!("row {rowid}: overflow pointer cut short"))
                })?;
            let first = u32::from_be_bytes([first[0], first[1], first[2], first[3]]);
            std::borrow::Cow::Owned(self.overflow(inline, size, first, rowid)?)
        };
        let values = decode(&payload, self.db.encoding)
            .map_err(|what| SqliteError::Record { rowid, what })?;
        Ok(Row { rowid, values })
    }

    /// Assembles a payload from its on-page part and its overflow chain.
    fn overflow(
        &self,
        inline: &[u8],
        size: usize,
        mut page: u32,
        rowid: i64,
    ) -> Result<Vec<u8>, SqliteError> {
        let mut out = Vec::with_capacity(size);
        out.extend_from_slice(inline);
        let per_page = self.db.usable - 4;
        let mut hops: u32 = 0;
        while out.len() < size {
            hops += 1;
            if page == 0 || hops > self.db.pages {
                return Err(SqliteError::Record {
                    rowid,
                    what: format!("overflow chain ends after {} of {size} bytes", out.len()),
                });
            }
            let bytes = self.db.page(page)?;
            let take = per_page.min(size - out.len());
            out.extend_from_slice(&bytes[4..4 + take]);
            page = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        }
        Ok(out)
    }
}

impl Iterator for Rows<'_> {
    type Item = Result<Row, SqliteError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(root) = self.pending_root.take() {
            if let Err(err) = self.enter(root) {
                return Some(Err(err));
            }
        }
        loop {
            let frame = self.stack.last_mut()?;
            let i = frame.next;
            frame.next += 1;
            let (leaf, cells) = (frame.leaf, frame.cells);
            if leaf {
                if i >= cells {
                    self.stack.pop();
                    continue;
                }
                let frame = self.stack.last()?;
                return Some(self.leaf_row(frame, i));
            }
            if i > cells {
                self.stack.pop();
                continue;
            }
            let frame = self.stack.last()?;
            let entered = self.child(frame, i).and_then(|child| self.enter(child));
            if let Err(err) = entered {
                return Some(Err(err));
            }
        }
    }
}

/// How many payload bytes of a table leaf cell stay on the page (see the module doc).
#[must_use]
pub fn local_size(payload: usize, usable: usize) -> usize {
    let max_local = usable - 35;
    if payload <= max_local {
        return payload;
    }
    let min_local = (usable - 12) * 32 / 255 - 23;
    let k = min_local + (payload - min_local) % (usable - 4);
    if k <= max_local {
        k
    } else {
        min_local
    }
}

fn corrupt(page: u32, what: &str) -> SqliteError {
    SqliteError::Corrupt {
        page,
        what: what.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_size_follows_the_format() {
        // 4096-byte pages: X = 4061, M = 489.
        assert_eq!(local_size(100, 4096), 100);
        assert_eq!(local_size(4061, 4096), 4061);
        // P = 5000: K = 489 + (5000 - 489) % 4092 = 908.
        assert_eq!(local_size(5000, 4096), 908);
        // P = 8000: K = 489 + 7511 % 4092 = 3908 <= X.
        assert_eq!(local_size(8000, 4096), 3908);
        // P = 4500: K = 489 + 4011 = 4500 > X, so M.
        assert_eq!(local_size(4500, 4096), 489);
    }
}
