//! Many ledgers merged into one, each record moved a few times rather than once per ledger.
//!
//! The ledger keeps its records in sorted lists ([`super::record_map`]), so merging a small
//! ledger into a large one costs the large one's length. A reader that merged each file into
//! one growing ledger would move the whole ledger once per file: quadratic in the number of
//! files. A `Merger` keeps a stack of ledgers whose sizes shrink geometrically towards the top
//! (like the carries of a binary counter): a new ledger is merged with the top while the top is
//! no more than twice its size, so each record takes part in about log2(ledgers) merges.
//! The merge law makes the result exactly that of merging in any other order.

use super::Ledger;

/// Ledgers waiting to be merged (see the [module docs](self)).
#[derive(Debug, Default)]
pub struct Merger {
    stack: Vec<Ledger>,
}

impl Merger {
    /// Nothing merged yet.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Merges `ledger` in.
    pub fn add(&mut self, mut ledger: Ledger) {
        while let Some(top) = self.stack.last() {
            if top.record_count() > 2 * ledger.record_count().max(1) {
                break;
            }
            if let Some(top) = self.stack.pop() {
                ledger.merge(top);
            }
        }
        self.stack.push(ledger);
    }

    /// The merge of everything added.
    #[must_use]
    pub fn finish(self) -> Ledger {
        let mut stack = self.stack;
        let mut all = stack.pop().unwrap_or_default();
        while let Some(next) = stack.pop() {
            all.merge(next);
        }
        all
    }
}

impl FromIterator<Ledger> for Merger {
    fn from_iter<I: IntoIterator<Item = Ledger>>(iter: I) -> Self {
        let mut m = Merger::new();
        for l in iter {
            m.add(l);
        }
        m
    }
}
