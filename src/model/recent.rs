//! [`Recent`]: the last few distinct strings a parser made [`Text`]s of, so that the next record
//! naming one of them shares its copy instead of allocating another.
//!
//! Why: a parser builds records one line at a time, and each record names its session, project,
//! branch, agent version, model and tool names, almost always the same few strings as the line
//! before. Built with `.into()`, every record allocated a fresh copy of each (five to eight
//! allocations per usage record), which the ledger's string table then compared with its own
//! copy and freed: allocation, copying and comparing were about a fifth of the native parse's
//! CPU time (perf, `BENCHMARKS.md`). Asking a `Recent` costs a length check and a short
//! comparison per slot, and the ledger's table then sees the same copy again and stops at a
//! pointer comparison.
//!
//! It is a cache, not content: a `Text` compares, orders and serializes by its string, so which
//! copy a record holds never changes a figure.

use super::Text;

/// How many distinct strings are remembered: a file's session, project, branch, version, a few
/// models and its common tool names.
const SLOTS: usize = 16;

/// The last [`SLOTS`] distinct strings handed out (see the [module docs](self)).
#[derive(Debug, Clone, Default)]
pub struct Recent {
    slots: Vec<Text>,
    next: usize,
}

impl Recent {
    /// A `Text` of `s`: a remembered copy when there is one, else a new one (remembered in place
    /// of the oldest).
    pub fn text(&mut self, s: &str) -> Text {
        if let Some(t) = self
            .slots
            .iter()
            .find(|t| t.len() == s.len() && t.as_str() == s)
        {
            return t.clone();
        }
        let t = Text::from(s);
        if self.slots.len() < SLOTS {
            self.slots.push(t.clone());
        } else {
            self.slots[self.next] = t.clone();
            self.next = (self.next + 1) % SLOTS;
        }
        t
    }

    /// [`Recent::text`] of a string that may be absent.
    pub fn opt(&mut self, s: Option<&str>) -> Option<Text> {
        s.map(|s| self.text(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_string_gets_the_same_copy_and_others_their_own() {
        let mut recent = Recent::default();
        let a = recent.text("session-a");
        let b = recent.text("session-b");
        assert!(recent.text("session-a").same_copy(&a));
        assert!(recent.text("session-b").same_copy(&b));
        assert_eq!(b, "session-b");
        assert!(!a.same_copy(&b));
        assert_eq!(recent.opt(None), None);
        assert!(recent
            .opt(Some("session-a"))
            .is_some_and(|t| t.same_copy(&a)));
    }

    #[test]
    fn beyond_its_slots_it_forgets_the_oldest_and_still_gives_equal_strings() {
        let mut recent = Recent::default();
        let first = recent.text("s0");
        for i in 1..=SLOTS {
            let _ = recent.text(&format!("s{i}"));
        }
        let again = recent.text("s0");
        assert_eq!(again, first);
        assert!(!again.same_copy(&first));
        let last = recent.text(&format!("s{SLOTS}"));
        assert!(recent.text(&format!("s{SLOTS}")).same_copy(&last));
    }
}
