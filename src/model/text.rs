//! [`Text`]: an immutable string that records share instead of each owning a copy.
//!
//! Why: a browser worker's wasm heap holds every record of its share of a corpus, and most of a
//! record's strings repeat on every record of its file (the file's path, the session, the model,
//! the project, the branch, the agent's version, tool names). Owned `String`s made each record
//! carry its own copy of each (the path alone is often 100+ bytes), which was most of the ~700
//! bytes a record cost. A `Text` is a reference-counted `str`: cloning it copies a pointer, and
//! the ledger ([`crate::ledger::Ledger`], through its [`crate::ledger::strings::Strings`] table)
//! replaces every record's `Text`s by one shared copy per distinct string when the record is
//! inserted, so a file's thousands of records point at one path, one session, one model.
//!
//! The pointer is thin: an `Arc<Box<str>>` (one word) rather than an `Arc<str>` (a pointer and a
//! length), since a record holds up to six `Text`s and there are millions of records while the
//! distinct strings they point at number in the thousands. The extra indirection costs a read per
//! use; the word saved is 4 bytes per field on wasm32 and 8 natively (BENCHMARKS.md, "Thin shared
//! strings").
//!
//! It reads like a `&str` (`Deref`, comparisons with `str`, `&str` and `String`), serializes as a
//! plain JSON string, and orders, hashes and compares by content, so replacing a `String` field
//! by a `Text` changes no figure, no JSON and no ordering. Parsers build one with `.into()` from a
//! `String` or `&str`.

use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A shared, immutable string (see the [module docs](self)).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Text(Arc<Box<str>>);

impl Text {
    /// The string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The address of this copy: equal for clones, different for any other live copy (a key for
    /// caches that map copies to copies while every copy they name is kept alive).
    #[must_use]
    pub fn addr(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// True when both are the same shared copy (not merely equal strings).
    #[must_use]
    pub fn same_copy(&self, other: &Text) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::from("")
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Self {
        Text(Arc::new(Box::from(s)))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Self {
        Text(Arc::new(Box::from(s.as_str())))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Arc::new(s.into_boxed_str()))
    }
}

impl From<&Text> for Text {
    fn from(s: &Text) -> Self {
        s.clone()
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_owned()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, other: &Text) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, other: &Text) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_orders_and_serializes_like_the_string_it_holds() {
        let a = Text::from("alpha");
        assert_eq!(a, "alpha");
        assert_eq!(a.len(), 5);
        let (a2, b2) = (Text::from("a"), Text::from("b"));
        assert!(a2 < b2);
        assert_eq!(format!("{a}/{a:?}"), "alpha/\"alpha\"");
        let json = serde_json::to_string(&a).unwrap_or_default();
        assert_eq!(json, "\"alpha\"");
        let back: Text = serde_json::from_str(&json).unwrap_or_default();
        assert_eq!(back, a);
        assert!(!back.same_copy(&a));
        assert!(a.clone().same_copy(&a));
    }
}
