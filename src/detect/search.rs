//! The questions the classifier asks of a file's first line (or head): is this text there, is
//! `"key":` there, is `"key": "value"` there. Every file is asked twenty-odd of them, so they
//! are built for many small files: no searcher or string made per question on a short head.

/// Looks for `"key":` (a key, not the same word inside a string) with any whitespace.
pub(super) fn has_key(hay: &[u8], key: &str) -> bool {
    any_quoted(hay, key, |after| trim_start(after).starts_with(b":"))
}

/// Looks for `"key": "<prefix>...` with any whitespace around the colon.
pub(super) fn has_key_value_prefix(hay: &[u8], key: &str, prefix: &str) -> bool {
    any_quoted(hay, key, |after| {
        value_follows(after, prefix.as_bytes(), false)
    })
}

/// Whether `after` (what follows a quoted key) is a colon and then the string `"value` (with
/// its closing quote when `whole`), with any whitespace around the colon.
fn value_follows(after: &[u8], value: &[u8], whole: bool) -> bool {
    let Some(after) = trim_start(after).strip_prefix(b":") else {
        return false;
    };
    let Some(rest) = trim_start(after).strip_prefix(b"\"") else {
        return false;
    };
    rest.starts_with(value) && (!whole || rest.get(value.len()) == Some(&b'"'))
}

/// Up to this length a head is searched from each occurrence of a needle's first byte, with no
/// searcher built: the classifier asks twenty-odd questions of every file, and building a
/// `memmem` searcher for each cost more than the search (half of classifying a small file in the
/// worker's wasm). Longer heads get `memmem`.
const SHORT_HEAD: usize = 4096;

/// Whether `needle` occurs in `hay`.
pub(super) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    match needle.first() {
        Some(&first) if hay.len() <= SHORT_HEAD => memchr::memchr_iter(first, hay)
            .any(|at| hay.get(at..).is_some_and(|rest| rest.starts_with(needle))),
        _ => memchr::memmem::find(hay, needle).is_some(),
    }
}

/// Whether `follows` holds for what comes after some `"name"` in `hay`, taking the occurrences
/// as `memmem::find_iter` finds them: left to right, not overlapping.
fn any_quoted(hay: &[u8], name: &str, follows: impl Fn(&[u8]) -> bool) -> bool {
    let name = name.as_bytes();
    let len = name.len() + 2;
    let after = |at: usize| hay.get(at + len..).unwrap_or_default();
    if hay.len() > SHORT_HEAD {
        let needle = [&b"\""[..], name, b"\""].concat();
        return memchr::memmem::find_iter(hay, &needle).any(|at| follows(after(at)));
    }
    let mut from = 0;
    memchr::memchr_iter(b'"', hay).any(|at| {
        let hit = at >= from
            && hay.get(at + 1..at + len - 1) == Some(name)
            && hay.get(at + len - 1) == Some(&b'"');
        if hit {
            from = at + len;
        }
        hit && follows(after(at))
    })
}

/// Looks for `"key": "value"` with any whitespace around the colon (compact or spaced JSON).
pub(super) fn has_key_value(hay: &[u8], key: &str, value: &str) -> bool {
    any_quoted(hay, key, |after| {
        value_follows(after, value.as_bytes(), true)
    })
}

fn trim_start(b: &[u8]) -> &[u8] {
    let n = b.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &b[n..]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The searches as they were written with `memmem` alone: the reference.
    fn reference(hay: &[u8], key: &str, want: Option<&str>) -> bool {
        let needle = format!("\"{key}\"");
        memchr::memmem::find_iter(hay, needle.as_bytes()).any(|at| {
            let rest = trim_start(&hay[at + needle.len()..]);
            match (rest.strip_prefix(b":"), want) {
                (Some(after), Some(want)) => trim_start(after).starts_with(want.as_bytes()),
                (Some(_), None) => true,
                (None, _) => false,
            }
        })
    }

    /// Heads dense in quotes, colons and the needle's letters, short and past [`SHORT_HEAD`].
    fn heads() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            Just(&b"\""[..]),
            Just(&b":"[..]),
            Just(&b" "[..]),
            Just(&b"ty"[..]),
            Just(&b"pe"[..]),
            Just(&b"type"[..]),
            Just(&b"\"type\""[..]),
            Just(&b"\"s"[..]),
            Just(&b"x"[..]),
        ];
        (prop::collection::vec(piece, 0..60), 0usize..2).prop_map(|(parts, long)| {
            let mut head = if long == 1 {
                vec![b'x'; SHORT_HEAD]
            } else {
                Vec::new()
            };
            head.extend(parts.concat());
            head
        })
    }

    proptest! {
        /// The first-byte search answers as `memmem` does, at any length.
        #[test]
        fn contains_is_memmem(hay in heads(), needle in prop_oneof![Just("\"type\""), Just("\"\""), Just("type"), Just("\"")]) {
            let want = memchr::memmem::find(&hay, needle.as_bytes()).is_some();
            prop_assert_eq!(contains(&hay, needle.as_bytes()), want);
        }

        /// `has_key`, `has_key_value` and `has_key_value_prefix` answer as the reference does.
        #[test]
        fn key_searches_match_the_reference(hay in heads(), key in prop_oneof![Just("type"), Just("ty"), Just("")], value in prop_oneof![Just("s"), Just("type"), Just("")]) {
            prop_assert_eq!(has_key(&hay, key), reference(&hay, key, None));
            prop_assert_eq!(has_key_value(&hay, key, value), reference(&hay, key, Some(&format!("\"{value}\""))));
            prop_assert_eq!(has_key_value_prefix(&hay, key, value), reference(&hay, key, Some(&format!("\"{value}"))));
        }
    }
}
