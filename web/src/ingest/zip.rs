//! Zip archives of session folders, read without unpacking them: this module reads the archive's
//! central directory (where each member is, how it is compressed, how large it is), and the
//! worker (`www/worker.js`) then streams each member's bytes through the browser's own
//! `DecompressionStream('deflate-raw')` into the same parsers as a file's. No crate inflates
//! anything here: the browser ships a streaming inflater, and a member is never held whole.
//!
//! What is read: members stored (method 0) or deflated (8), Zip64 sizes and offsets included.
//! An encrypted member, or one compressed otherwise, is listed as skipped with that reason (never
//! silently dropped). CRCs are not checked: a damaged member shows up as malformed lines or as an
//! inflate error, which is reported for that member.
//!
//! Layout (APPNOTE 6.3.x): the End Of Central Directory record (signature `PK\5\6`, 22 bytes plus
//! a comment of up to 65,535 bytes) ends the file and gives the directory's size and offset; in
//! a Zip64 archive those read `0xFFFFFFFF` and a locator (`PK\6\7`, 20 bytes) just before it
//! points at the Zip64 EOCD record (`PK\6\6`). Each directory entry (`PK\1\2`, 46 bytes plus
//! name, extra field and comment) gives a member's method, flags, sizes and the offset of its
//! local header (`PK\3\4`, 30 bytes plus its own name and extra field, then the data).

use serde::Serialize;

/// How many bytes from the end of the archive hold its EOCD record (and the Zip64 locator and
/// record before it): the record, the longest comment, the locator and the Zip64 record.
pub const TAIL_BYTES: usize = 22 + 65_535 + 20 + 56;
/// The fixed part of a member's local header (its name and extra field follow).
pub const LOCAL_HEADER: usize = 30;

const EOCD: u32 = 0x0605_4b50;
const ZIP64_LOCATOR: u32 = 0x0706_4b50;
const ZIP64_EOCD: u32 = 0x0606_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const LOCAL: u32 = 0x0403_4b50;

/// Why an archive cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("not a zip archive (no end of central directory record)")]
    NoDirectory,
    #[error("zip archive cut short: {0}")]
    Truncated(&'static str),
    #[error("zip archive damaged: {0}")]
    Damaged(&'static str),
}

/// Where the central directory is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Directory {
    pub offset: u64,
    pub size: u64,
    pub entries: u64,
}

/// One member of the archive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// Its path inside the archive, `/`-separated.
    pub name: String,
    /// 0 stored, 8 deflated; others are not read.
    pub method: u16,
    pub encrypted: bool,
    pub compressed: u64,
    pub size: u64,
    /// Where its local header starts.
    pub local_offset: u64,
}

impl Member {
    /// A folder entry (no bytes of its own).
    #[must_use]
    pub fn is_dir(&self) -> bool {
        self.name.ends_with('/')
    }

    /// Why it cannot be read, if it cannot.
    #[must_use]
    pub fn unreadable(&self) -> Option<String> {
        if self.encrypted {
            Some("encrypted zip member".to_owned())
        } else if self.method != 0 && self.method != 8 {
            Some(format!(
                "zip member compressed with method {} (only stored and deflated members are read)",
                self.method
            ))
        } else {
            None
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Finds the central directory from the archive's last bytes (`tail`, which starts at byte
/// `tail_start` of the archive; give at least [`TAIL_BYTES`] or the whole archive).
///
/// # Errors
/// When there is no EOCD record, or a Zip64 archive's record is not in `tail`.
pub fn find_directory(tail: &[u8], tail_start: u64) -> Result<Directory, ZipError> {
    // The last EOCD signature whose comment length reaches exactly the end.
    let at = (0..=tail.len().saturating_sub(22))
        .rev()
        .find(|&i| {
            u32_at(tail, i) == Some(EOCD)
                && u16_at(tail, i + 20).is_some_and(|c| i + 22 + usize::from(c) == tail.len())
        })
        .ok_or(ZipError::NoDirectory)?;
    let entries = u64::from(u16_at(tail, at + 10).ok_or(ZipError::NoDirectory)?);
    let size = u64::from(u32_at(tail, at + 12).ok_or(ZipError::NoDirectory)?);
    let offset = u64::from(u32_at(tail, at + 16).ok_or(ZipError::NoDirectory)?);
    if size != 0xFFFF_FFFF && offset != 0xFFFF_FFFF && entries != 0xFFFF {
        return Ok(Directory {
            offset,
            size,
            entries,
        });
    }
    // Zip64: the locator sits just before the EOCD record and points at the Zip64 record.
    let loc = at
        .checked_sub(20)
        .filter(|&l| u32_at(tail, l) == Some(ZIP64_LOCATOR))
        .ok_or(ZipError::Damaged("Zip64 locator missing"))?;
    let record = u64_at(tail, loc + 8).ok_or(ZipError::Truncated("Zip64 locator"))?;
    let rel = record
        .checked_sub(tail_start)
        .and_then(|r| usize::try_from(r).ok())
        .ok_or(ZipError::Damaged("Zip64 record outside the archive's tail"))?;
    if u32_at(tail, rel) != Some(ZIP64_EOCD) {
        return Err(ZipError::Damaged("Zip64 record signature"));
    }
    Ok(Directory {
        entries: u64_at(tail, rel + 32).ok_or(ZipError::Truncated("Zip64 record"))?,
        size: u64_at(tail, rel + 40).ok_or(ZipError::Truncated("Zip64 record"))?,
        offset: u64_at(tail, rel + 48).ok_or(ZipError::Truncated("Zip64 record"))?,
    })
}

/// Reads the central directory's entries.
///
/// # Errors
/// When an entry is cut short or its signature is wrong.
pub fn read_directory(cd: &[u8]) -> Result<Vec<Member>, ZipError> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= cd.len() && u32_at(cd, at) == Some(CENTRAL) {
        let field = |off: usize| u16_at(cd, at + off).ok_or(ZipError::Truncated("directory entry"));
        let word = |off: usize| u32_at(cd, at + off).ok_or(ZipError::Truncated("directory entry"));
        let flags = field(8)?;
        let method = field(10)?;
        let mut compressed = u64::from(word(20)?);
        let mut size = u64::from(word(24)?);
        let name_len = usize::from(field(28)?);
        let extra_len = usize::from(field(30)?);
        let comment_len = usize::from(field(32)?);
        let mut local_offset = u64::from(word(42)?);
        let name_at = at + 46;
        let name = cd
            .get(name_at..name_at + name_len)
            .ok_or(ZipError::Truncated("member name"))?;
        let extra = cd
            .get(name_at + name_len..name_at + name_len + extra_len)
            .ok_or(ZipError::Truncated("extra field"))?;
        // Zip64 extended information: the 64-bit values of the fields that read 0xFFFFFFFF, in
        // this order.
        if let Some(z) = extra_block(extra, 0x0001) {
            let mut k = 0;
            for v in [&mut size, &mut compressed, &mut local_offset] {
                if *v == 0xFFFF_FFFF {
                    *v = u64_at(z, k).ok_or(ZipError::Truncated("Zip64 extra field"))?;
                    k += 8;
                }
            }
        }
        out.push(Member {
            name: String::from_utf8_lossy(name).replace('\\', "/"),
            method,
            encrypted: flags & 1 == 1,
            compressed,
            size,
            local_offset,
        });
        at = name_at + name_len + extra_len + comment_len;
    }
    if at < cd.len() && out.is_empty() {
        return Err(ZipError::Damaged("central directory signature"));
    }
    Ok(out)
}

/// The data of extra-field block `id`, if present.
fn extra_block(mut extra: &[u8], id: u16) -> Option<&[u8]> {
    while extra.len() >= 4 {
        let kind = u16_at(extra, 0)?;
        let len = usize::from(u16_at(extra, 2)?);
        let data = extra.get(4..4 + len)?;
        if kind == id {
            return Some(data);
        }
        extra = &extra[4 + len..];
    }
    None
}

/// Where a member's data starts, from its local header's first [`LOCAL_HEADER`] bytes.
///
/// # Errors
/// When the bytes are not a local header.
pub fn data_offset(member: &Member, local: &[u8]) -> Result<u64, ZipError> {
    if u32_at(local, 0) != Some(LOCAL) {
        return Err(ZipError::Damaged("local header signature"));
    }
    let name_len = u64::from(u16_at(local, 26).ok_or(ZipError::Truncated("local header"))?);
    let extra_len = u64::from(u16_at(local, 28).ok_or(ZipError::Truncated("local header"))?);
    Ok(member.local_offset + LOCAL_HEADER as u64 + name_len + extra_len)
}

#[cfg(test)]
mod tests {
    use super::*;
    // Natively and in wasm (`scripts/test` runs the web crate's unit tests in wasm only).
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A stored-only archive written by hand (enough to test the reader's arithmetic).
    fn archive(members: &[(&str, &[u8])], comment: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in members {
            let offset = out.len() as u32;
            out.extend_from_slice(&LOCAL.to_le_bytes());
            out.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&3u16.to_le_bytes());
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"xyz");
            out.extend_from_slice(data);
            central.extend_from_slice(&CENTRAL.to_le_bytes());
            central.extend_from_slice(&[20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(data.len() as u32).to_le_bytes());
            central.extend_from_slice(&(name.len() as u16).to_le_bytes());
            central.extend_from_slice(&[0; 12]);
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(&EOCD.to_le_bytes());
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(members.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        out.extend_from_slice(comment);
        out
    }

    fn members_of(zip: &[u8]) -> Vec<(Member, Vec<u8>)> {
        let start = zip.len().saturating_sub(TAIL_BYTES);
        let dir = find_directory(&zip[start..], start as u64).expect("directory");
        let cd = &zip[dir.offset as usize..(dir.offset + dir.size) as usize];
        let members = read_directory(cd).expect("entries");
        assert_eq!(members.len() as u64, dir.entries);
        members
            .into_iter()
            .map(|m| {
                let at = data_offset(&m, &zip[m.local_offset as usize..]).expect("local") as usize;
                let data = zip[at..at + m.compressed as usize].to_vec();
                (m, data)
            })
            .collect()
    }

    #[test]
    fn members_and_their_bytes_are_found_through_the_directory() {
        let zip = archive(
            &[
                ("demo/a.jsonl", b"{\"x\":1}\n"),
                ("demo/sub/", b""),
                ("demo/sub/b.json", b"[]"),
            ],
            b"PK\x05\x06 a comment that looks like a record",
        );
        let got = members_of(&zip);
        let names: Vec<&str> = got.iter().map(|(m, _)| m.name.as_str()).collect();
        assert_eq!(names, ["demo/a.jsonl", "demo/sub/", "demo/sub/b.json"]);
        assert_eq!(got[0].1, b"{\"x\":1}\n");
        assert_eq!(got[2].1, b"[]");
        assert!(got[1].0.is_dir());
        assert_eq!(got[0].0.unreadable(), None);
    }

    #[test]
    fn not_a_zip_and_cut_archives_are_errors() {
        assert_eq!(find_directory(b"just text", 0), Err(ZipError::NoDirectory));
        let zip = archive(&[("a.jsonl", b"1\n")], b"");
        let cd_start = zip.len() - 22 - (46 + 7);
        assert!(read_directory(&zip[cd_start..cd_start + 30]).is_err());
        assert!(data_offset(&members_of(&zip)[0].0, b"nope").is_err());
    }

    #[test]
    fn encrypted_and_other_methods_say_why_they_are_not_read() {
        let m = Member {
            name: "a.jsonl".into(),
            method: 12,
            encrypted: false,
            compressed: 1,
            size: 1,
            local_offset: 0,
        };
        assert!(m.unreadable().is_some_and(|r| r.contains("method 12")));
        let e = Member {
            encrypted: true,
            method: 8,
            ..m
        };
        assert!(e.unreadable().is_some_and(|r| r.contains("encrypted")));
    }

    #[test]
    fn zip64_extra_fields_replace_saturated_sizes() {
        let mut extra = Vec::new();
        extra.extend_from_slice(&1u16.to_le_bytes());
        extra.extend_from_slice(&16u16.to_le_bytes());
        extra.extend_from_slice(&5_000_000_000u64.to_le_bytes());
        extra.extend_from_slice(&4_000_000_000u64.to_le_bytes());
        let mut cd = Vec::new();
        cd.extend_from_slice(&CENTRAL.to_le_bytes());
        cd.extend_from_slice(&[45, 0, 45, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        cd.extend_from_slice(&u32::MAX.to_le_bytes());
        cd.extend_from_slice(&u32::MAX.to_le_bytes());
        cd.extend_from_slice(&1u16.to_le_bytes());
        cd.extend_from_slice(&(extra.len() as u16).to_le_bytes());
        cd.extend_from_slice(&[0; 10]);
        cd.extend_from_slice(&7u32.to_le_bytes());
        cd.extend_from_slice(b"x");
        cd.extend_from_slice(&extra);
        let m = &read_directory(&cd).expect("entry")[0];
        assert_eq!(
            (m.size, m.compressed, m.local_offset),
            (5_000_000_000, 4_000_000_000, 7)
        );
        assert_eq!(m.method, 8);
    }
}
