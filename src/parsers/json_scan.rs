//! A validating cursor over one JSON text, for the readers that answer exactly as serde_json
//! would or not at all: Claude's full lines ([`super::claude`]'s `scan`) and the JSON text inside
//! a Codex tool output ([`super::codex`]'s `output_scan`).
//!
//! It checks strict JSON (RFC 8259: escapes, control characters, number grammar, literals,
//! commas) and moves past values without building them; each reader adds, as its own methods or
//! functions, what it reads of the fields it knows. Every method returns `None` where the text is
//! not strict JSON or nests deeper than [`MAX_DEPTH`], and the reader then leaves the text to
//! serde_json. Strings are skipped sixteen bytes per step ([`plain_run_end`]).

use crate::parsers::text::{plain_run_end, unicode_escape};

/// The deepest nesting the readers follow before they leave a text to serde_json (serde_json's
/// own limit is 128).
pub(crate) const MAX_DEPTH: u32 = 64;

/// The byte positions of one value of a JSON text.
pub(crate) struct Cursor<'a> {
    pub(crate) text: &'a str,
    pub(crate) s: &'a [u8],
    pub(crate) at: usize,
    /// Whether a string read so far had a `\u` escape of a UTF-16 surrogate (which serde_json
    /// rejects when it decodes a lone one).
    pub(crate) surrogates: bool,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Cursor {
            text,
            s: text.as_bytes(),
            at: 0,
            surrogates: false,
        }
    }

    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.at) {
            self.at += 1;
        }
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    pub(crate) fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    /// Skips the plain run of a string body: to the next quote, backslash or control byte, or
    /// the end ([`plain_run_end`]).
    fn skip_plain(&mut self) {
        self.at = plain_run_end(self.s, self.at);
    }

    /// Validates the string that starts at the cursor (its opening quote) and moves past it.
    /// Returns where it starts (its quote) and how many bytes its escapes save: its decoded
    /// length is its raw body's minus those, counted as [`json_str_len`] counts them (a
    /// surrogate pair's twelve bytes are four, a lone surrogate's six are three).
    ///
    /// [`json_str_len`]: crate::parsers::text::json_str_len
    pub(crate) fn string(&mut self) -> Option<(usize, u64)> {
        let start = self.at;
        self.eat(b'"')?;
        let mut saved = 0u64;
        loop {
            self.skip_plain();
            match self.peek()? {
                b'"' => {
                    self.at += 1;
                    return Some((start, saved));
                }
                b'\\' => match *self.s.get(self.at + 1)? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {
                        self.at += 2;
                        saved += 1;
                    }
                    b'u' => {
                        let (raw, decoded) = unicode_escape(self.s, self.at)?;
                        // Both units of a pair are checked: `unicode_escape` reads hex loosely.
                        let unit = hex_unit(self.s, self.at + 2)?;
                        if raw == 12 {
                            hex_unit(self.s, self.at + 8)?;
                        }
                        self.surrogates |= (0xD800..0xE000).contains(&unit);
                        self.at += raw;
                        saved += (raw - decoded) as u64;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// A key without escapes, moved past along with its colon.
    pub(crate) fn key(&mut self) -> Option<&'a [u8]> {
        let (start, saved) = self.string()?;
        let key = self.s.get(start + 1..self.at - 1)?;
        if saved > 0 {
            return None;
        }
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(key)
    }

    /// Validates a number (strict JSON grammar) and moves past it.
    pub(crate) fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let digits = |c: &mut Self| {
            let from = c.at;
            while c.peek().is_some_and(|b| b.is_ascii_digit()) {
                c.at += 1;
            }
            (c.at > from).then_some(())
        };
        if self.peek()? == b'0' {
            self.at += 1;
        } else {
            digits(self)?;
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            digits(self)?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            digits(self)?;
        }
        Some(())
    }

    pub(crate) fn literal(&mut self, word: &[u8]) -> Option<()> {
        (self.s.get(self.at..self.at + word.len())? == word).then(|| self.at += word.len())
    }

    /// Validates any value and moves past it (serde_json's `ignore_value`: strings are not
    /// decoded, numbers not converted).
    pub(crate) fn skip_value(&mut self, depth: u32) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(depth, |c, _, depth| c.skip_value(depth)),
            b'[' => self.array(depth, |c, depth| c.skip_value(depth)),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// An object's members, each handed to `member` with its key and the cursor on its value.
    pub(crate) fn object(
        &mut self,
        depth: u32,
        mut member: impl FnMut(&mut Self, &'a [u8], u32) -> Option<()>,
    ) -> Option<()> {
        self.items(depth, b'{', b'}', |c, depth| {
            let key = c.key()?;
            member(c, key, depth)
        })
    }

    /// An array's elements, each handed to `element` with the cursor on it.
    pub(crate) fn array(
        &mut self,
        depth: u32,
        element: impl FnMut(&mut Self, u32) -> Option<()>,
    ) -> Option<()> {
        self.items(depth, b'[', b']', element)
    }

    /// The comma-separated items between `open` and `close`, each read by `item` one level
    /// deeper; refused past [`MAX_DEPTH`].
    fn items(
        &mut self,
        depth: u32,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self, u32) -> Option<()>,
    ) -> Option<()> {
        if depth >= MAX_DEPTH {
            return None;
        }
        self.eat(open)?;
        self.ws();
        if self.eat(close).is_some() {
            return Some(());
        }
        loop {
            item(self, depth + 1)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.ws();
                }
                b if b == close => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }
}

/// The four hex digits at `at` (strictly `[0-9a-fA-F]`), as a UTF-16 code unit.
fn hex_unit(s: &[u8], at: usize) -> Option<u32> {
    s.get(at..at + 4)?
        .iter()
        .try_fold(0u32, |n, d| Some(n * 16 + char::from(*d).to_digit(16)?))
}
