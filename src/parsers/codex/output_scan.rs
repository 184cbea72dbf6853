//! A fast answer to [`text_failed`] for the JSON text inside a Codex tool output, or none.
//!
//! Codex CLI <= 0.4x wrote a shell call's output as a string holding JSON,
//! `{"output":"…","metadata":{"exit_code":0,"duration_seconds":0.5}}`; whether the call failed
//! is its exit code. The string is decoded by the line's own parse, and serde_json then read the
//! text inside it once more, decoding the whole `output` again to look at one number: about 4 %
//! of the CLI's time on a realistic corpus. This reader validates that text in place (the
//! strings sixteen bytes per step, [`plain_run_end`]) and reads the three members the rule looks
//! at, without copying anything.
//!
//! It is exact by refusing, like Claude's full-line reader: it answers only where serde_json's
//! [`Output`] probe must accept the text and read the same facts, and returns `None` otherwise,
//! for the probe to decide as before. It refuses:
//! - anything that is not strict JSON, and nesting deeper than [`MAX_DEPTH`] (serde_json's own
//!   limit is 128);
//! - a key with an escape (the probe matches decoded keys), and a `\u` escape of a UTF-16
//!   surrogate anywhere (serde_json rejects a lone one when it decodes the string, as the probe
//!   does with every string);
//! - a number with an exponent, or with more than [`MAX_DIGITS`] digits (where serde_json could
//!   answer `number out of range`);
//! - a whole output's `content` string with an escape (the rule reads its decoded text).
//!
//! Duplicate members are read as the probe reads them: the last one wins. `tests` compares it
//! with the probe on every shape the probe's own tests use, on generated JSON and on damaged
//! copies.
//!
//! [`text_failed`]: super::output::text_failed
//! [`Output`]: super::output::Output

use crate::parsers::text::plain_run_end;

/// The deepest nesting this reader follows before it leaves the text to serde_json.
const MAX_DEPTH: u32 = 64;

/// The most digits a number may have here: far below where a decimal without exponent could
/// overflow an `f64`.
const MAX_DIGITS: usize = 100;

/// Whether `text` (already trimmed, starting with `{`) reports failure as the probe reads it:
/// `Some` only when the probe would accept `text` as an object (see the module docs).
pub(super) fn object_failed(text: &str) -> Option<bool> {
    let mut scan = Scan {
        text,
        s: text.as_bytes(),
        at: 0,
    };
    let Value::Obj(facts) = scan.value(0, true)? else {
        return None;
    };
    scan.ws();
    if scan.at != scan.s.len() {
        return None;
    }
    Some(
        facts.success == Some(false)
            || facts.metadata_exit_code.is_some_and(|c| c != 0)
            || facts.content_failed == Some(true),
    )
}

/// What the rule reads of an object: the probe's `Obj` fields that decide failure.
#[derive(Default)]
struct Facts {
    success: Option<bool>,
    exit_code: Option<i64>,
    metadata_exit_code: Option<i64>,
    content_failed: Option<bool>,
}

/// One value, as far as the rule looks at it.
enum Value<'a> {
    Bool(bool),
    /// A number: its value when it is an integer that fits an `i64` (the probe's `Num`).
    Num(Option<i64>),
    /// A string without escapes (its body), or `None` when it has some.
    Str(Option<&'a str>),
    Obj(Facts),
    Other,
}

struct Scan<'a> {
    text: &'a str,
    s: &'a [u8],
    at: usize,
}

impl<'a> Scan<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.s.get(self.at) {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.at += 1)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        (self.s.get(self.at..self.at + word.len())? == word).then(|| self.at += word.len())
    }

    /// A value; `whole` when it is the output itself (its `content` is read for failure).
    fn value(&mut self, depth: u32, whole: bool) -> Option<Value<'a>> {
        Some(match self.peek()? {
            b'{' => Value::Obj(self.object(depth + 1, whole)?),
            b'[' => {
                self.array(depth + 1)?;
                Value::Other
            }
            b'"' => Value::Str(self.string()?),
            b't' => {
                self.literal(b"true")?;
                Value::Bool(true)
            }
            b'f' => {
                self.literal(b"false")?;
                Value::Bool(false)
            }
            b'n' => {
                self.literal(b"null")?;
                Value::Other
            }
            _ => Value::Num(self.number()?),
        })
    }

    fn object(&mut self, depth: u32, whole: bool) -> Option<Facts> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'{')?;
        self.ws();
        let mut facts = Facts::default();
        if self.eat(b'}').is_some() {
            return Some(facts);
        }
        loop {
            let key = self.string()??;
            self.ws();
            self.eat(b':')?;
            self.ws();
            let value = self.value(depth, false)?;
            match key {
                "success" => {
                    facts.success = match value {
                        Value::Bool(b) => Some(b),
                        _ => None,
                    };
                }
                "exit_code" => {
                    facts.exit_code = match value {
                        Value::Num(n) => n,
                        _ => None,
                    };
                }
                "metadata" => {
                    facts.metadata_exit_code = match value {
                        Value::Obj(inner) => inner.exit_code,
                        _ => None,
                    };
                }
                "content" if whole => {
                    facts.content_failed = match value {
                        // The rule reads the decoded text: refused when it has escapes.
                        Value::Str(text) => Some(super::output::text_failed(text?)),
                        _ => None,
                    };
                }
                _ => {}
            }
            self.ws();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.ws();
                }
                b'}' => {
                    self.at += 1;
                    return Some(facts);
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.eat(b'[')?;
        self.ws();
        if self.eat(b']').is_some() {
            return Some(());
        }
        loop {
            self.value(depth, false)?;
            self.ws();
            match self.peek()? {
                b',' => {
                    self.at += 1;
                    self.ws();
                }
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Validates a string and moves past it: `Some(Some(body))` without escapes, `Some(None)`
    /// with some, `None` when serde_json could reject it (see the module docs).
    fn string(&mut self) -> Option<Option<&'a str>> {
        self.eat(b'"')?;
        let start = self.at;
        let mut escaped = false;
        loop {
            self.at = plain_run_end(self.s, self.at);
            match self.peek()? {
                b'"' => {
                    // Cut at ASCII quotes of a `str`: always on character boundaries.
                    let body = self.text.get(start..self.at)?;
                    self.at += 1;
                    return Some((!escaped).then_some(body));
                }
                b'\\' => {
                    escaped = true;
                    match self.s.get(self.at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 2,
                        b'u' => {
                            let unit = hex4(self.s.get(self.at + 2..self.at + 6)?)?;
                            if (0xD800..0xE000).contains(&unit) {
                                return None;
                            }
                            self.at += 6;
                        }
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
    }

    /// A number in strict JSON grammar, without exponent and at most [`MAX_DIGITS`] digits:
    /// `Some(value)` as the probe reads it (an integer that fits an `i64`, read the way
    /// serde_json reads it: `-0` and anything past `u64` are floats to it), `None` inside.
    fn number(&mut self) -> Option<Option<i64>> {
        let negative = self.eat(b'-').is_some();
        let int_start = self.at;
        match self.peek()? {
            b'0' => self.at += 1,
            b'1'..=b'9' => {
                while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                    self.at += 1;
                }
            }
            _ => return None,
        }
        let int_end = self.at;
        let mut fraction = false;
        if self.eat(b'.').is_some() {
            fraction = true;
            let from = self.at;
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.at += 1;
            }
            if self.at == from {
                return None;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) || self.at - int_start > MAX_DIGITS {
            return None;
        }
        if fraction {
            return Some(None);
        }
        let digits = self.s.get(int_start..int_end)?;
        let Some(significand) = digits.iter().try_fold(0u64, |n, d| {
            n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        }) else {
            // Past u64: a float to serde_json.
            return Some(None);
        };
        Some(if negative {
            // As serde_json: `-0`, and anything below i64::MIN, are floats.
            let neg = 0i64.wrapping_sub_unsigned(significand);
            (neg < 0).then_some(neg)
        } else {
            i64::try_from(significand).ok()
        })
    }
}

/// Four hex digits (strictly `[0-9a-fA-F]`), as a UTF-16 code unit.
fn hex4(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, d| {
        let v = char::from(*d).to_digit(16)?;
        Some(n * 16 + v)
    })
}

#[cfg(test)]
mod tests;
