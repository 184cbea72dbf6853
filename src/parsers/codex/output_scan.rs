//! A fast answer to [`text_failed`] for the JSON text inside a Codex tool output, or none.
//!
//! Codex CLI <= 0.4x wrote a shell call's output as a string holding JSON,
//! `{"output":"…","metadata":{"exit_code":0,"duration_seconds":0.5}}`; whether the call failed
//! is its exit code. The string is decoded by the line's own parse, and serde_json then read the
//! text inside it once more, decoding the whole `output` again to look at one number: about 4 %
//! of the CLI's time on a realistic corpus. This reader validates that text in place (the
//! strings sixteen bytes per step, by the validating [`Cursor`] it shares with Claude's
//! reader) and reads the three members the rule looks at, without copying anything.
//!
//! It is exact by refusing, like Claude's full-line reader: it answers only where serde_json's
//! [`Output`] probe must accept the text and read the same facts, and returns `None` otherwise,
//! for the probe to decide as before. It refuses:
//! - anything that is not strict JSON, and nesting deeper than the cursor's
//!   [`MAX_DEPTH`](crate::parsers::json_scan::MAX_DEPTH) (serde_json's own limit is 128);
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

use crate::parsers::json_scan::Cursor;

/// The most digits a number may have here: far below where a decimal without exponent could
/// overflow an `f64`.
const MAX_DIGITS: usize = 100;

/// Whether `text` (already trimmed, starting with `{`) reports failure as the probe reads it:
/// `Some` only when the probe would accept `text` as an object (see the module docs).
pub(super) fn object_failed(text: &str) -> Option<bool> {
    let mut cur = Cursor::new(text);
    if cur.peek()? != b'{' {
        return None;
    }
    let facts = object(&mut cur, 0, true)?;
    cur.ws();
    if cur.at != cur.s.len() || cur.surrogates {
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

/// A value; `whole` when it is the output itself (its `content` is read for failure). Every
/// string goes through the cursor's check, arrays included: the probe decodes them all.
fn value<'a>(cur: &mut Cursor<'a>, depth: u32, whole: bool) -> Option<Value<'a>> {
    Some(match cur.peek()? {
        b'{' => Value::Obj(object(cur, depth, whole)?),
        b'[' => {
            cur.array(depth, |c, depth| value(c, depth, false).map(drop))?;
            Value::Other
        }
        b'"' => Value::Str(string(cur)?),
        b't' => {
            cur.literal(b"true")?;
            Value::Bool(true)
        }
        b'f' => {
            cur.literal(b"false")?;
            Value::Bool(false)
        }
        b'n' => {
            cur.literal(b"null")?;
            Value::Other
        }
        b'-' | b'0'..=b'9' => Value::Num(number(cur)?),
        _ => return None,
    })
}

/// An object's members as the probe reads them (the last of a repeated one wins).
fn object(cur: &mut Cursor<'_>, depth: u32, whole: bool) -> Option<Facts> {
    let mut facts = Facts::default();
    cur.object(depth, |c, key, depth| {
        let value = value(c, depth, false)?;
        match key {
            b"success" => {
                facts.success = match value {
                    Value::Bool(b) => Some(b),
                    _ => None,
                };
            }
            b"exit_code" => {
                facts.exit_code = match value {
                    Value::Num(n) => n,
                    _ => None,
                };
            }
            b"metadata" => {
                facts.metadata_exit_code = match value {
                    Value::Obj(inner) => inner.exit_code,
                    _ => None,
                };
            }
            b"content" if whole => {
                facts.content_failed = match value {
                    // The rule reads the decoded text: refused when it has escapes.
                    Value::Str(text) => Some(super::output::text_failed(text?)),
                    _ => None,
                };
            }
            _ => {}
        }
        Some(())
    })?;
    Some(facts)
}

/// A string: `Some(Some(body))` without escapes, `Some(None)` with some.
fn string<'a>(cur: &mut Cursor<'a>) -> Option<Option<&'a str>> {
    let (start, saved) = cur.string()?;
    // Every escape saves at least a byte: `saved` is zero exactly when there is none.
    if saved > 0 {
        return Some(None);
    }
    // Cut at ASCII quotes of a `str`: always on character boundaries.
    cur.text.get(start + 1..cur.at - 1).map(Some)
}

/// A number without exponent and of at most [`MAX_DIGITS`] digits: `Some(value)` as the probe
/// reads it (an integer that fits an `i64`, read the way serde_json reads it: `-0` and anything
/// past `u64` are floats to it), `None` inside.
fn number(cur: &mut Cursor<'_>) -> Option<Option<i64>> {
    let start = cur.at;
    cur.number()?;
    let raw = cur.s.get(start..cur.at)?;
    let (negative, digits) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    if digits.len() > MAX_DIGITS || digits.iter().any(|b| matches!(b, b'e' | b'E')) {
        return None;
    }
    if digits.contains(&b'.') {
        return Some(None);
    }
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

#[cfg(test)]
mod tests;
