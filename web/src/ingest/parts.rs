//! The page's side of the workers' results: every part a worker posts, merged as it arrives.
//!
//! A worker does not hold one ledger for all the files it reads: after a finished file, once its
//! ledger holds more than a threshold of records, it posts that ledger as a *part* (wire bytes)
//! and starts an empty one ([`crate::worker_api::LedgerBuilder::take_part`]), so its memory stays
//! flat whatever the corpus size. The merge law (commutative, associative, idempotent: see
//! `agentmeter::ledger`) makes merging the parts one by one, in any order and from any number of
//! workers, exactly the ledger of one reading of everything.
//!
//! Ledger files are the one thing merged apart. Their records have hashed ids, so the
//! transcripts' ids are hashed too when any is read (or when the page asks, because one is
//! shown), so that a session in both has the same keys. Hashing is applied once, to the merge
//! of every part, and the ledger files' records (and the ledger files that could not be
//! imported, listed by their path as it is) are merged after it ([`Parts::finish`]). Hashing each
//! part before merging would not give the same ledger: when two copies of a record tie, the
//! merge keeps the one from the earliest source path, and hashing reorders paths, so which
//! copy's session a call is attributed to would depend on how the files were split.

use agentmeter::ledger::wire::WireError;
use agentmeter::ledger::{Ledger, Merger};

/// The parts received so far, merged, and what ledger files gave.
#[derive(Debug, Default)]
pub struct Parts {
    /// The transcripts' records, raw ids: parts merged by size ([`Merger`]), since merging
    /// each into one growing ledger would move that ledger once per part.
    ledger: Merger,
    /// The ledger files' records (hashed) and the ledger files not imported.
    side: Ledger,
    /// Whether any ledger file was imported.
    imported: bool,
    /// How many parts were merged.
    pub count: u64,
}

/// The merged result: the ledger, and whether its ids are hashed.
#[derive(Debug, Default)]
pub struct Merged {
    pub ledger: Ledger,
    pub hashed: bool,
}

impl Parts {
    /// Merges one part (a worker's [`Ledger::to_wire`] bytes).
    ///
    /// # Errors
    /// When the bytes are not a wire ledger (nothing is merged then).
    pub fn add(&mut self, wire: &[u8]) -> Result<(), WireError> {
        self.ledger.add(Ledger::from_wire(wire)?);
        self.count += 1;
        Ok(())
    }

    /// Merges what a worker's ledger files gave
    /// ([`crate::worker_api::LedgerBuilder::take_side`]); `imported` when it imported any.
    ///
    /// # Errors
    /// When the bytes are not a wire ledger (nothing is merged then).
    pub fn add_side(&mut self, wire: &[u8], imported: bool) -> Result<(), WireError> {
        self.side.merge_wire(wire)?;
        self.imported |= imported;
        Ok(())
    }

    /// The ledger of everything: the parts' merge, hashed when `hash_ids` or when a ledger file
    /// was imported, then the ledger files' records merged in; then the prompt previews it shows
    /// taken back from `previews`, the bytes the workers set aside with their parts
    /// ([`agentmeter::ledger::previews::set_aside`]; read one at a time, so the page's heap
    /// holds one of them at most), and the others dropped.
    #[must_use]
    pub fn finish(self, hash_ids: bool, previews: impl IntoIterator<Item = Vec<u8>>) -> Merged {
        let Parts {
            ledger,
            side,
            imported,
            ..
        } = self;
        let mut ledger = ledger.finish();
        let hashed = hash_ids || imported;
        if hashed {
            ledger.hash_ids();
        }
        ledger.merge(side);
        let needed = agentmeter::ledger::previews::needed(&ledger.messages);
        if !needed.is_empty() {
            agentmeter::ledger::previews::fill(&mut ledger.messages, &needed, previews);
        }
        // Read whole: the previews nothing shows go.
        ledger.drop_unshown_previews();
        Merged { ledger, hashed }
    }
}
