//! The record format: how one row's values are laid out in its payload.
//!
//! A record is a header (its own length as a varint, then one varint "serial type" per column)
//! followed by the values in the same order. Serial types: 0 NULL; 1, 2, 3, 4, 6, 8 big-endian
//! two's-complement integers of 1, 2, 3, 4, 6 and 8 bytes; 7 a big-endian IEEE 754 double; 8 and
//! 9 the integers 0 and 1 (no bytes); N >= 12 even a blob of (N-12)/2 bytes; N >= 13 odd a text of
//! (N-13)/2 bytes in the database's encoding. 10 and 11 are reserved and never valid in a file.
//!
//! SQLite may store a REAL whose value has no fractional part as an integer (it converts it back
//! on read, by the column's affinity); readers of REAL columns use [`Value::as_f64`], which
//! accepts both.

use super::TextEncoding;

/// One column value of one row.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Real(f64),
    /// Text as UTF-8 bytes (converted from UTF-16 for such databases). SQLite does not check
    /// that text is valid UTF-8, so neither does this type; [`Value::as_text`] does.
    Text(Vec<u8>),
    Blob(Vec<u8>),
}

impl Value {
    /// The text, when the value is text and valid UTF-8.
    #[must_use]
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(bytes) => std::str::from_utf8(bytes).ok(),
            _ => None,
        }
    }

    /// The bytes of a text or blob value.
    #[must_use]
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Text(b) | Value::Blob(b) => Some(b),
            _ => None,
        }
    }

    /// The value as an integer: an integer, or a real with no fractional part.
    #[must_use]
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Integer(n) => Some(n),
            Value::Real(x) if x.fract() == 0.0 && x.abs() < 9.0e18 => Some(x as i64),
            _ => None,
        }
    }

    /// The value as a float: a real or an integer.
    #[must_use]
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Real(x) => Some(x),
            Value::Integer(n) => Some(n as f64),
            _ => None,
        }
    }

    /// True for NULL.
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
}

/// Reads a varint (1 to 9 bytes, big-endian groups of 7 bits; the 9th byte gives 8 bits) at the
/// start of `bytes`: `(value, length)`, or `None` when `bytes` ends first.
#[must_use]
pub fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().take(9).enumerate() {
        if i == 8 {
            return Some(((value << 8) | u64::from(b), 9));
        }
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

/// Decodes a whole record payload into its values.
///
/// # Errors
/// A description of what is wrong: a header or value that runs past the payload, a reserved
/// serial type.
pub fn decode(payload: &[u8], encoding: TextEncoding) -> Result<Vec<Value>, String> {
    let (header_len, n) = varint(payload).ok_or("record header length is cut short")?;
    let header_len = usize::try_from(header_len).unwrap_or(usize::MAX);
    if header_len < n || header_len > payload.len() {
        return Err(format!(
            "record header of {header_len} bytes does not fit a payload of {} bytes",
            payload.len()
        ));
    }
    let mut types = Vec::new();
    let mut at = n;
    while at < header_len {
        let (serial, len) = varint(&payload[at..header_len]).ok_or("serial type is cut short")?;
        types.push(serial);
        at += len;
    }
    let mut body = &payload[header_len..];
    let mut values = Vec::with_capacity(types.len());
    for serial in types {
        let size = value_size(serial)?;
        if size > body.len() {
            return Err(format!(
                "a value of {size} bytes runs past the end of the record"
            ));
        }
        let (bytes, rest) = body.split_at(size);
        body = rest;
        values.push(value(serial, bytes, encoding));
    }
    Ok(values)
}

/// How many body bytes a serial type takes.
fn value_size(serial: u64) -> Result<usize, String> {
    Ok(match serial {
        0 | 8 | 9 => 0,
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 4,
        5 => 6,
        6 | 7 => 8,
        10 | 11 => return Err(format!("reserved serial type {serial}")),
        n => usize::try_from((n - 12) / 2).unwrap_or(usize::MAX),
    })
}

fn value(serial: u64, bytes: &[u8], encoding: TextEncoding) -> Value {
    match serial {
        0 => Value::Null,
        8 => Value::Integer(0),
        9 => Value::Integer(1),
        1..=6 => {
            // Sign-extend a big-endian integer of 1 to 8 bytes.
            let mut n: i64 = if bytes.first().is_some_and(|b| b & 0x80 != 0) {
                -1
            } else {
                0
            };
            for &b in bytes {
                n = (n << 8) | i64::from(b);
            }
            Value::Integer(n)
        }
        7 => {
            let mut raw = [0u8; 8];
            raw.copy_from_slice(bytes);
            Value::Real(f64::from_bits(u64::from_be_bytes(raw)))
        }
        n if n % 2 == 0 => Value::Blob(bytes.to_vec()),
        _ => Value::Text(text(bytes, encoding)),
    }
}

/// Text in the database's encoding, as UTF-8 bytes (UTF-16 is decoded lossily: an unpaired
/// surrogate becomes U+FFFD).
fn text(bytes: &[u8], encoding: TextEncoding) -> Vec<u8> {
    let units = |be: bool| {
        bytes.chunks_exact(2).map(move |c| {
            if be {
                u16::from_be_bytes([c[0], c[1]])
            } else {
                u16::from_le_bytes([c[0], c[1]])
            }
        })
    };
    match encoding {
        TextEncoding::Utf8 => bytes.to_vec(),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            char::decode_utf16(units(encoding == TextEncoding::Utf16Be))
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect::<String>()
                .into_bytes()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_of_every_length() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9]), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81]), None);
        assert_eq!(varint(&[]), None);
    }

    #[test]
    fn decodes_each_serial_type() {
        // header: len 8, types NULL, i8, i16, const 1, real, text(2), blob(1)
        let mut rec = vec![8, 0, 1, 2, 9, 7, 17, 14];
        rec.push(0xff); // i8 -1
        rec.extend_from_slice(&300i16.to_be_bytes());
        rec.extend_from_slice(&1.5f64.to_be_bytes());
        rec.extend_from_slice(b"hi");
        rec.push(0xab);
        let v = decode(&rec, TextEncoding::Utf8).expect("record");
        assert_eq!(
            v,
            vec![
                Value::Null,
                Value::Integer(-1),
                Value::Integer(300),
                Value::Integer(1),
                Value::Real(1.5),
                Value::Text(b"hi".to_vec()),
                Value::Blob(vec![0xab]),
            ]
        );
    }

    #[test]
    fn damaged_records_are_errors_not_panics() {
        assert!(decode(&[], TextEncoding::Utf8).is_err());
        assert!(decode(&[9, 1], TextEncoding::Utf8).is_err());
        assert!(decode(&[2, 10], TextEncoding::Utf8).is_err());
        assert!(decode(&[2, 6, 1], TextEncoding::Utf8).is_err());
    }

    #[test]
    fn utf16_text_is_converted() {
        let le: Vec<u8> = "é".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(text(&le, TextEncoding::Utf16Le), "é".as_bytes());
    }
}
