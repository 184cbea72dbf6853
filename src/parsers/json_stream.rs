//! Streaming reader for a JSON document that is one object whose bulk is an array of records
//! (a legacy Gemini `session-*.json`: `{sessionId, ..., messages: [...]}`).
//!
//! Why: such a document is rewritten whole by its agent and can reach hundreds of MB. Parsing it
//! at the end of the file holds every byte plus a `serde_json::Value` tree of it (about twice
//! its size), which a browser tab's wasm heap cannot afford. [`DocStream`] scans the bytes as
//! they arrive, in chunks of any size, and hands over each element of the named arrays as soon
//! as it is complete, and each other top-level field whole. What it holds between chunks is the
//! element being assembled, so its memory is bounded by the largest element (and by
//! `element_cap`: a longer element is reported by its length, never buffered).
//!
//! What is checked where: the scanner checks the document's top-level grammar (`{`, keys,
//! `:`, `,`, the streamed arrays' brackets, nothing after the final `}`) and follows strings and
//! nesting inside values to find where each ends; the caller parses each element and field it is
//! handed with serde_json, which checks everything inside them. The one part no parser reads is
//! a field other than the streamed arrays that is longer than `field_cap`: it is scanned for its
//! structure only.

use std::fmt;

/// The UTF-8 byte-order mark, dropped at the start of the document.
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";

/// The longest key kept (longer keys are read as unknown fields).
const KEY_CAP: usize = 4096;

/// One part of the document, handed over as soon as it is complete.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    /// A streamed array opened (its elements follow).
    Array { key: &'a str },
    /// A top-level field other than a streamed array, with its value's JSON text.
    Field { key: &'a str, value: &'a [u8] },
    /// A top-level field whose value was longer than the field limit (scanned, not kept).
    LongField { key: &'a str, len: u64 },
    /// One element of a streamed array (`index` is 1-based), with its JSON text.
    Element {
        key: &'a str,
        index: u64,
        bytes: &'a [u8],
    },
    /// An element longer than the element limit (scanned, not kept).
    LongElement { key: &'a str, index: u64, len: u64 },
}

/// Why the document as a whole cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StreamError {
    /// The first value is not an object.
    NotObject,
    /// The bytes ended inside the document.
    Truncated,
    /// A byte the grammar does not allow at this point.
    Syntax {
        at: u64,
        expected: &'static str,
        found: u8,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::NotObject => f.write_str("not a JSON object"),
            StreamError::Truncated => f.write_str("truncated JSON (document ends mid-record)"),
            StreamError::Syntax {
                at,
                expected,
                found: 0,
            } => write!(
                f,
                "contains a NUL byte (invalid JSON): expected {expected} at byte {at}"
            ),
            StreamError::Syntax {
                at,
                expected,
                found,
            } => write!(
                f,
                "invalid JSON: expected {expected} at byte {at}, found {}",
                std::ascii::escape_default(*found)
            ),
        }
    }
}

/// Where the top-level grammar is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    /// Before the document's `{` (a byte-order mark and whitespace allowed).
    Start,
    /// After `{`: a key or `}`.
    FirstKey,
    /// After `,`: a key.
    Key,
    /// Inside a key's string.
    InKey,
    /// After a key: `:`.
    Colon,
    /// After `:`: the value.
    Value,
    /// After a field's value: `,` or `}`.
    AfterField,
    /// After a streamed array's `[`: an element or `]`.
    FirstElement,
    /// After `,` in a streamed array: an element.
    Element,
    /// After an element: `,` or `]`.
    AfterElement,
    /// After the final `}`: whitespace only.
    Done,
}

/// Finds where one JSON value ends, byte by byte across chunks. Only strings and nesting are
/// followed; the value's own parser checks the rest.
#[derive(Debug, Default)]
struct ValueEnd {
    started: bool,
    depth: u64,
    in_string: bool,
    escape: bool,
    scalar: bool,
}

impl ValueEnd {
    /// Consumes bytes of the value from `bytes`; returns how many, and whether the value ended.
    /// A scalar (number, literal) ends before the first byte that cannot continue it, which is
    /// not consumed.
    fn advance(&mut self, bytes: &[u8]) -> (usize, bool) {
        let mut i = 0;
        while i < bytes.len() {
            if self.in_string {
                if self.escape {
                    self.escape = false;
                    i += 1;
                    continue;
                }
                match memchr::memchr2(b'"', b'\\', &bytes[i..]) {
                    None => return (bytes.len(), false),
                    Some(at) => {
                        i += at + 1;
                        if bytes[i - 1] == b'\\' {
                            self.escape = true;
                        } else {
                            self.in_string = false;
                            if self.depth == 0 {
                                return (i, true);
                            }
                        }
                    }
                }
                continue;
            }
            let b = bytes[i];
            if !self.started {
                self.started = true;
                match b {
                    b'"' => self.in_string = true,
                    b'{' | b'[' => self.depth = 1,
                    _ => self.scalar = true,
                }
                i += 1;
                continue;
            }
            if self.scalar {
                if is_scalar_end(b) {
                    return (i, true);
                }
                i += 1;
                continue;
            }
            match b {
                b'"' => self.in_string = true,
                b'{' | b'[' => self.depth += 1,
                b'}' | b']' => {
                    self.depth -= 1;
                    if self.depth == 0 {
                        return (i + 1, true);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        (bytes.len(), false)
    }
}

/// A byte that ends a number or literal.
fn is_scalar_end(b: u8) -> bool {
    matches!(
        b,
        b' ' | b'\t' | b'\n' | b'\r' | b',' | b']' | b'}' | b'{' | b'[' | b'"' | b':'
    )
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Scans one document fed in chunks; see the module docs.
#[derive(Debug)]
pub(crate) struct DocStream {
    arrays: &'static [&'static str],
    field_cap: usize,
    element_cap: usize,
    top: Top,
    /// The value being scanned (a field's or an element's), if any.
    value: Option<ValueEnd>,
    /// The current key, decoded, and its raw bytes while it is read.
    key: String,
    key_raw: Vec<u8>,
    key_escape: bool,
    /// The current key names a streamed array.
    streamed: bool,
    /// The current value's bytes from earlier chunks (those of the current chunk are sliced).
    buf: Vec<u8>,
    /// The current value's length so far.
    len: u64,
    /// The current value passed its limit: its bytes are no longer kept.
    long: bool,
    /// 1-based index of the current element in its array.
    index: u64,
    /// Bytes of a leading byte-order mark seen so far.
    bom: usize,
    /// Bytes of the document before the current chunk.
    offset: u64,
    error: Option<StreamError>,
}

impl DocStream {
    /// A scanner that streams the elements of the top-level arrays named `arrays`, keeps other
    /// fields up to `field_cap` bytes and elements up to `element_cap` bytes.
    pub fn new(arrays: &'static [&'static str], field_cap: usize, element_cap: usize) -> Self {
        DocStream {
            arrays,
            field_cap,
            element_cap,
            top: Top::Start,
            value: None,
            key: String::new(),
            key_raw: Vec::new(),
            key_escape: false,
            streamed: false,
            buf: Vec::new(),
            len: 0,
            long: false,
            index: 0,
            bom: 0,
            offset: 0,
            error: None,
        }
    }

    /// Bytes held between chunks: the part of a value not yet complete, and the current key.
    pub fn buffered_bytes(&self) -> usize {
        self.buf.capacity() + self.key_raw.capacity() + self.key.capacity()
    }

    /// Feeds the next chunk, handing every part it completes to `f`. After an error the rest is
    /// not read (see [`DocStream::finish`]).
    pub fn push(&mut self, chunk: &[u8], f: &mut dyn FnMut(Piece<'_>)) {
        let mut i = 0;
        // Start of the current value's bytes in this chunk.
        let mut from = 0;
        while i < chunk.len() && self.error.is_none() {
            if let Some(scan) = self.value.as_mut() {
                let (used, ended) = scan.advance(&chunk[i..]);
                i += used;
                if ended {
                    self.value = None;
                    self.take(&chunk[from..i]);
                    self.emit(f);
                } else {
                    self.take(&chunk[from..i]);
                }
                continue;
            }
            let b = chunk[i];
            let at = self.offset + i as u64;
            if self.top == Top::InKey {
                i += self.key_bytes(&chunk[i..]);
                continue;
            }
            i += 1;
            if is_ws(b) {
                continue;
            }
            match self.top {
                Top::Start => {
                    // A byte-order mark opens the file, not the document.
                    if self.bom < BOM.len() && at == self.bom as u64 && b == BOM[self.bom] {
                        self.bom += 1;
                    } else if b == b'{' && (self.bom == 0 || self.bom == BOM.len()) {
                        self.top = Top::FirstKey;
                    } else {
                        self.error = Some(StreamError::NotObject);
                    }
                }
                Top::FirstKey | Top::Key => match b {
                    b'"' => {
                        self.key_raw.clear();
                        self.key_escape = false;
                        self.top = Top::InKey;
                    }
                    b'}' if self.top == Top::FirstKey => self.top = Top::Done,
                    _ => self.syntax(at, "a key", b),
                },
                Top::InKey => {}
                Top::Colon => match b {
                    b':' => self.top = Top::Value,
                    _ => self.syntax(at, "`:`", b),
                },
                Top::Value => {
                    if self.streamed && b == b'[' {
                        self.index = 0;
                        self.top = Top::FirstElement;
                        f(Piece::Array { key: &self.key });
                    } else {
                        self.start_value(b, at);
                        from = i - 1;
                        i -= 1;
                    }
                }
                Top::AfterField => match b {
                    b',' => self.top = Top::Key,
                    b'}' => self.top = Top::Done,
                    _ => self.syntax(at, "`,` or `}`", b),
                },
                Top::FirstElement | Top::Element => {
                    if b == b']' && self.top == Top::FirstElement {
                        self.top = Top::AfterField;
                    } else {
                        self.index += 1;
                        self.start_value(b, at);
                        from = i - 1;
                        i -= 1;
                    }
                }
                Top::AfterElement => match b {
                    b',' => self.top = Top::Element,
                    b']' => self.top = Top::AfterField,
                    _ => self.syntax(at, "`,` or `]`", b),
                },
                Top::Done => self.syntax(at, "nothing after the document", b),
            }
        }
        self.offset += chunk.len() as u64;
    }

    /// Ends the document: `Ok` when it was complete and well formed at its top level.
    pub fn finish(&mut self) -> Result<(), StreamError> {
        if let Some(err) = self.error.clone() {
            return Err(err);
        }
        match (self.top, &self.value) {
            (Top::Done, None) => Ok(()),
            _ => Err(StreamError::Truncated),
        }
    }

    fn syntax(&mut self, at: u64, expected: &'static str, found: u8) {
        self.error = Some(StreamError::Syntax {
            at,
            expected,
            found,
        });
    }

    /// Starts scanning a value whose first byte is `b`, or reports the byte as out of place.
    fn start_value(&mut self, b: u8, at: u64) {
        if matches!(b, b',' | b']' | b'}' | b':') {
            self.syntax(at, "a value", b);
            return;
        }
        self.value = Some(ValueEnd::default());
        self.buf.clear();
        self.len = 0;
        self.long = false;
    }

    /// Reads bytes of a key; returns how many were consumed.
    fn key_bytes(&mut self, bytes: &[u8]) -> usize {
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            i += 1;
            if self.key_escape {
                self.key_escape = false;
            } else if b == b'\\' {
                self.key_escape = true;
            } else if b == b'"' {
                self.end_key();
                return i;
            }
            if self.key_raw.len() <= KEY_CAP {
                self.key_raw.push(b);
            }
        }
        i
    }

    fn end_key(&mut self) {
        self.key.clear();
        if self.key_raw.len() <= KEY_CAP {
            // A key with invalid UTF-8 is read with U+FFFD, like the rest of the document.
            let raw = String::from_utf8_lossy(&self.key_raw);
            let mut quoted = Vec::with_capacity(raw.len() + 2);
            quoted.push(b'"');
            quoted.extend_from_slice(raw.as_bytes());
            quoted.push(b'"');
            match serde_json::from_slice::<String>(&quoted) {
                Ok(key) => self.key = key,
                Err(_) => {
                    let at = self.offset;
                    self.syntax(at, "a valid key string", b'"');
                    return;
                }
            }
        }
        self.key_raw = Vec::new();
        self.streamed = self.arrays.contains(&self.key.as_str());
        self.top = Top::Colon;
    }

    /// Keeps `part` of the current value, unless it passed its limit.
    fn take(&mut self, part: &[u8]) {
        self.len += part.len() as u64;
        if self.long {
            return;
        }
        let cap = match self.top {
            Top::Value => self.field_cap,
            _ => self.element_cap,
        };
        if self.buf.len() + part.len() > cap {
            self.long = true;
            self.buf = Vec::new();
        } else {
            self.buf.extend_from_slice(part);
        }
    }

    /// Hands the value just ended to `f`.
    fn emit(&mut self, f: &mut dyn FnMut(Piece<'_>)) {
        let key = self.key.as_str();
        let in_field = self.top == Top::Value;
        let piece = match (in_field, self.long) {
            (true, false) => Piece::Field {
                key,
                value: &self.buf,
            },
            (true, true) => Piece::LongField { key, len: self.len },
            (false, false) => Piece::Element {
                key,
                index: self.index,
                bytes: &self.buf,
            },
            (false, true) => Piece::LongElement {
                key,
                index: self.index,
                len: self.len,
            },
        };
        f(piece);
        self.top = if in_field {
            Top::AfterField
        } else {
            Top::AfterElement
        };
        // Keep the buffer for the next element, unless an unusually large one grew it.
        if self.buf.capacity() > 1 << 20 {
            self.buf = Vec::new();
        } else {
            self.buf.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every piece of `doc` fed in chunks of `size` bytes, as text, and how it ended.
    fn pieces(doc: &[u8], size: usize) -> (Vec<String>, Result<(), StreamError>) {
        let mut s = DocStream::new(&["m"], 16, 32);
        let mut out = Vec::new();
        for chunk in doc.chunks(size.max(1)) {
            s.push(chunk, &mut |p| {
                out.push(match p {
                    Piece::Array { key } => format!("[{key}"),
                    Piece::Field { key, value } => {
                        format!("{key}={}", String::from_utf8_lossy(value))
                    }
                    Piece::LongField { key, len } => format!("{key}~{len}"),
                    Piece::Element { index, bytes, .. } => {
                        format!("{index}:{}", String::from_utf8_lossy(bytes))
                    }
                    Piece::LongElement { index, len, .. } => format!("{index}~{len}"),
                });
            });
        }
        (out, s.finish())
    }

    #[test]
    fn elements_and_fields_on_both_sides_of_the_array_in_any_chunking() {
        let doc = "\u{feff} {\"a\": \"x]}\\\"\" ,\"m\":[ {\"k\":[1,{}]} , \"s,]\", 12,null ],\"b\":-1.5e3}\n";
        let want = vec![
            "a=\"x]}\\\"\"",
            "[m",
            "1:{\"k\":[1,{}]}",
            "2:\"s,]\"",
            "3:12",
            "4:null",
            "b=-1.5e3",
        ];
        for size in 1..doc.len() + 1 {
            let (got, end) = pieces(doc.as_bytes(), size);
            assert_eq!(got, want, "chunks of {size}");
            assert_eq!(end, Ok(()), "chunks of {size}");
        }
    }

    #[test]
    fn long_values_are_measured_not_kept() {
        let doc = format!(
            "{{\"a\":\"{}\",\"m\":[\"{}\",1]}}",
            "x".repeat(40),
            "y".repeat(40)
        );
        let (got, end) = pieces(doc.as_bytes(), 7);
        assert_eq!(got, ["a~42", "[m", "1~42", "2:1"]);
        assert_eq!(end, Ok(()));
    }

    #[test]
    fn broken_documents_say_why() {
        let syntax = |doc: &str| match pieces(doc.as_bytes(), 3).1 {
            Err(StreamError::Syntax { .. }) => true,
            other => panic!("{doc}: {other:?}"),
        };
        assert_eq!(pieces(b"[1]", 2).1, Err(StreamError::NotObject));
        assert_eq!(pieces(b"\xEF\xBB{}", 2).1, Err(StreamError::NotObject));
        assert_eq!(pieces(b"", 2).1, Err(StreamError::Truncated));
        assert_eq!(
            pieces(b"{\"m\":[{\"a\":1}", 2).1,
            Err(StreamError::Truncated)
        );
        assert_eq!(pieces(b"{\"a\":1", 2).1, Err(StreamError::Truncated));
        assert!(syntax("{} x"));
        assert!(syntax("{\"a\":1,}"));
        assert!(syntax("{\"m\":[1,]}"));
        assert!(syntax("{\"a\" 1}"));
        assert!(syntax("{\"a\":1 \"b\":2}"));
        assert!(syntax("{\"a\":}"));
        assert!(syntax("{\"a\":1}\0"));
    }
}
