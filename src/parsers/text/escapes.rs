//! The decoded length of a JSON string, computed from its raw text without decoding it.
//!
//! A tool result is most of a transcript's bytes and its size is all the analytics need; decoding
//! it would copy it, and would fail on a lone surrogate escape (see [`super`]). Every escape is
//! two raw bytes for one decoded byte except `\uXXXX` (one to three bytes, four for a surrogate
//! pair): the length follows from counting backslashes (a SIMD-friendly pass) and finding the
//! rarer `\\` and `\u`.

use std::sync::LazyLock;

use memchr::memmem::Finder;

/// The byte length of a JSON string literal once decoded (as UTF-8; a lone surrogate escape
/// counts the 3 bytes of its WTF-8 form, as serde_json's lossless mode writes it), from its
/// escapes alone. `None` when `raw` is not a string literal.
pub(crate) fn json_str_len(raw: &str) -> Option<u64> {
    let body = raw.strip_prefix('"')?.strip_suffix('"')?.as_bytes();
    let backslashes = count_backslashes(body);
    if backslashes == 0 {
        return Some(body.len() as u64);
    }
    // Few escapes: visit each (a `memchr` call apiece beats two passes over the whole string).
    if backslashes * 64 < body.len() {
        return walk_escapes(body);
    }
    // Every escape starts with a backslash and is two raw bytes for one, except `\uXXXX`. A run
    // of k backslashes holds k/2 escaped backslashes (`\\`), exactly the non-overlapping
    // matches of `\\`, and their second backslash starts nothing.
    let escaped_backslashes = BACKSLASH_PAIR.find_iter(body).count();
    let escapes = backslashes - escaped_backslashes;
    let mut len = (body.len() - escapes) as u64;
    let mut pair_end = 0;
    for at in UNICODE_ESCAPE.find_iter(body) {
        if at < pair_end || !starts_escape(body, at) {
            continue;
        }
        let (raw_len, decoded) = unicode_escape(body, at)?;
        pair_end = at + raw_len;
        // Its escapes (one per 6 raw bytes) are already taken off, one byte each.
        let counted = raw_len / 6;
        len = len.saturating_sub((raw_len - decoded - counted) as u64);
    }
    Some(len)
}

/// [`json_str_len`] of a string body by visiting each escape in turn.
fn walk_escapes(body: &[u8]) -> Option<u64> {
    let mut len = body.len() as u64;
    let mut at = 0;
    while let Some(found) = body.get(at..).and_then(|rest| memchr::memchr(b'\\', rest)) {
        let escape = at + found;
        let (raw_len, decoded) = match body.get(escape + 1)? {
            b'u' => unicode_escape(body, escape)?,
            _ => (2, 1),
        };
        len = len.saturating_sub((raw_len - decoded) as u64);
        at = escape + raw_len;
    }
    Some(len)
}

/// True when the backslash at `at` starts an escape: an even number of backslashes precede it.
fn starts_escape(body: &[u8], at: usize) -> bool {
    let before = body.get(..at).unwrap_or_default();
    before.iter().rev().take_while(|b| **b == b'\\').count() % 2 == 0
}

static BACKSLASH_PAIR: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\\\\"));
static UNICODE_ESCAPE: LazyLock<Finder<'static>> = LazyLock::new(|| Finder::new(b"\\u"));

/// `(raw bytes, decoded bytes)` of the `\uXXXX` escape at `at`: a surrogate pair is 12 raw bytes
/// for 4, a lone surrogate counts 3 (WTF-8), any other unit its UTF-8 length.
pub(crate) fn unicode_escape(body: &[u8], at: usize) -> Option<(usize, usize)> {
    let unit = hex4(body, at + 2)?;
    let low = (body.get(at + 6..at + 8) == Some(&b"\\u"[..]))
        .then(|| hex4(body, at + 8))
        .flatten();
    Some(match low {
        Some(low) if (0xD800..0xDC00).contains(&unit) && (0xDC00..0xE000).contains(&low) => (12, 4),
        _ if unit < 0x80 => (6, 1),
        _ if unit < 0x800 => (6, 2),
        _ => (6, 3),
    })
}

/// How many `\` bytes `bytes` holds. Counted in chunks of 255 into a `u8`, a loop the compiler
/// turns into SIMD: this pass runs over every byte of every tool result.
fn count_backslashes(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|chunk| {
            let count = chunk
                .iter()
                .fold(0u8, |n, b| n.wrapping_add(u8::from(*b == b'\\')));
            usize::from(count)
        })
        .sum()
}

/// The four hex digits at `at`, as a UTF-16 code unit.
fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    u32::from_str_radix(digits, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn string_lengths_from_escapes_equal_decoded_lengths() {
        for text in [
            r"",
            r"plain",
            r#"line\nbreak\t\"quoted\" back\\slash \/"#,
            r"caf\u00e9 \u20ac \ud83d\ude00 \u0000 é€😀",
            r"\\u1234 is not an escape",
            r"ends with escape\n",
            r"\\\\\\\u0041 \\\\u0041 \\\\\\\\n \\\\\\n \\\ud83d\ude00x",
            r"C:\\Users\\me\\file.txt\n\u001b[31mred\u001b[0m",
        ] {
            let raw = format!("\"{text}\"");
            let decoded: String = serde_json::from_str(&raw).expect("valid JSON string");
            assert_eq!(json_str_len(&raw), Some(decoded.len() as u64), "{raw}");
        }
        // The same escapes in long strings, where they are few (visited one by one).
        for escape in [
            r"\n",
            r"\\",
            r"\u00e9",
            r"\ud83d\ude00",
            r"\\\u0041",
            r"\ud83d",
        ] {
            let raw = format!("\"{}{escape}{}\"", "x".repeat(300), "y".repeat(300));
            let decoded = serde_json::from_str::<String>(&raw).map(|s| s.len() as u64);
            let lone = escape == r"\ud83d";
            let want = if lone { Some(603) } else { decoded.ok() };
            assert_eq!(json_str_len(&raw), want, "{escape}");
        }
        // Escapes across the 255-byte chunks of the counting pass.
        for pad in [253, 254, 255, 256, 509, 510] {
            for escape in [r"\n", r"\\", r"\u00e9", r"\ud83d\ude00"] {
                let raw = format!("\"{}{escape}{}\"", "a".repeat(pad), "b".repeat(pad));
                let decoded: String = serde_json::from_str(&raw).expect("valid JSON string");
                assert_eq!(
                    json_str_len(&raw),
                    Some(decoded.len() as u64),
                    "{pad} {escape}"
                );
            }
        }
        // Escapes at and around 64-byte offsets, and escapes that span them.
        for pad in [0, 1, 61, 62, 63, 64, 65, 126, 127, 128] {
            for escape in [r"\n", r"\\", r"\u00e9", r"\ud83d\ude00", r"\\\u0041"] {
                let raw = format!("\"{}{escape}{}\"", "a".repeat(pad), "b".repeat(700));
                let decoded: String = serde_json::from_str(&raw).expect("valid JSON string");
                assert_eq!(
                    json_str_len(&raw),
                    Some(decoded.len() as u64),
                    "{pad} {escape}"
                );
            }
        }
        // A lone surrogate (a tool output cut mid-emoji) is counted, not an error.
        assert_eq!(json_str_len(r#""ab\ud83d""#), Some(5));
        assert_eq!(json_str_len(r#""\udc00\ud83d\u0041""#), Some(7));
        assert_eq!(json_str_len("[1]"), None);
        assert_eq!(json_str_len("\""), None);
    }

    /// A JSON string body made of plain runs and escapes, with the escapes as sparse or as
    /// dense as the pieces say.
    fn body() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            "[a-z é€😀]{0,90}",
            Just(r"\n".to_owned()),
            Just(r"\\".to_owned()),
            Just(r#"\""#.to_owned()),
            Just(r"\u00e9".to_owned()),
            Just(r"\u20ac".to_owned()),
            Just(r"\ud83d\ude00".to_owned()),
            Just(r"\ud83d".to_owned()),
            Just(r"\\u0041".to_owned()),
        ];
        prop::collection::vec(piece, 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        /// The length from escapes equals the decoded length (WTF-8 for lone surrogates, which
        /// serde_json rejects: those are checked against the string re-encoded with pairs).
        #[test]
        fn length_equals_decoded_length(body in body()) {
            let raw = format!("\"{body}\"");
            let lone = serde_json::from_str::<String>(&raw).is_err();
            let want = if lone {
                // Each lone surrogate escape is 3 bytes decoded, like U+FFFD.
                let fixed = raw.replace(r"\ud83d\ude00", "😀").replace(r"\ud83d", "\u{fffd}");
                serde_json::from_str::<String>(&fixed).map(|s| s.len() as u64).ok()
            } else {
                serde_json::from_str::<String>(&raw).map(|s| s.len() as u64).ok()
            };
            prop_assert_eq!(json_str_len(&raw), want, "{}", raw);
            prop_assert_eq!(walk_escapes(body.as_bytes()), want, "{}", raw);
        }
    }
}
