//! Turning Codex's cumulative token counter into per-call deltas and stable keys.
//!
//! Each `token_count` event carries the session's running `total_token_usage`. The counter is
//! the only trustworthy record of what was billed: `last_token_usage` is re-emitted unchanged by
//! 0.104 (Desktop) together with an unchanged total, so summing it double-counts. A call's usage is
//! therefore `total - previous total`, and an event whose total equals the previous one is a
//! re-emission ([`Step::Duplicate`]).
//!
//! The key of a call is its **place in the counter**: the cumulative tuple after it. That is what
//! makes forks collapse. A child thread (subagent `thread_spawn`, fork) replays its parent's
//! token_count history verbatim, with new timestamps but identical totals, and then keeps counting
//! from the parent's total; keyed by `(lineage root, total tuple)`, the replayed part maps onto the
//! parent file's own keys, while the child's own calls land on totals the parent never reached.
//!
//! The known limit: two sibling threads that continue the same history and each make a call
//! with exactly the same four counters (input, cached, output, reasoning) land on the same key and
//! count once. Thread identity cannot break the tie, because a replayed copy does not say which
//! thread originally made a call (a grandchild replays its parent's own calls too).
//!
//! The first event of a file is billed from `last_token_usage` when present (FORMATS.md 2.3),
//! not from its total: in a file that starts mid-lineage the total also holds calls that belong
//! to another file. In an ordinary file both are equal.
//!
//! A counter that goes *down* restarted (a child thread that starts from zero after the replay).
//! The call is then billed from `last_token_usage` and the following keys move to a new segment
//! scope named after the total where the restart happened, which every copy of the same history
//! computes identically.

use super::records::{Info, Usage};

/// What one `token_count` event means.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// The total repeats the previous one: a re-emitted snapshot, not a call.
    Duplicate,
    /// Valid, but bills nothing (`info: null`, no counters, or an all-zero delta).
    Ignored,
    /// One model call: its usage and its key.
    Call {
        delta: Usage,
        /// Suffix of the key scope after a counter restart (empty before any restart).
        segment: String,
        /// The call's place in the counter.
        id: String,
    },
}

/// The per-file cumulative counter.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Counter {
    /// The last cumulative total seen (or reconstructed from `last_token_usage`).
    prev: Option<Usage>,
    /// The segment suffix, `>` + the total at which each restart happened.
    segment: String,
}

impl Counter {
    /// Reads one `token_count` event's `info` (`None` for `info: null`).
    pub fn step(&mut self, info: Option<&Info<'_>>) -> Step {
        let Some(info) = info else {
            return Step::Ignored;
        };
        let (delta, now) = match (info.total_token_usage, info.last_token_usage) {
            (Some(total), last) => {
                let delta = match self.prev {
                    Some(prev) if prev == total => return Step::Duplicate,
                    Some(prev) if total.dominates(&prev) => total.minus(&prev),
                    Some(prev) => {
                        // The counter went down: it restarted. Bill this call on its own.
                        self.segment.push('>');
                        self.segment.push_str(&prev.tuple());
                        last.unwrap_or(total)
                    }
                    // First event of the file: its own call. When the file starts mid-lineage
                    // (a fork seeded with its parent's total), the total also holds calls that
                    // belong to the parent's file; `last_token_usage` is this call alone.
                    None => last.unwrap_or(total),
                };
                (delta, total)
            }
            (None, Some(last)) => {
                // Only per-call figures: rebuild the counter by summing them.
                let now = self.prev.unwrap_or_default().plus(&last);
                (last, now)
            }
            (None, None) => return Step::Ignored,
        };
        self.prev = Some(now);
        if delta == Usage::default() {
            return Step::Ignored;
        }
        Step::Call {
            delta,
            segment: self.segment.clone(),
            id: now.tuple(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(i: u64, c: u64, o: u64, r: u64) -> Usage {
        Usage {
            input_tokens: i,
            cached_input_tokens: c,
            output_tokens: o,
            reasoning_output_tokens: r,
        }
    }

    fn info(total: Option<Usage>, last: Option<Usage>) -> Info<'static> {
        Info {
            total_token_usage: total,
            last_token_usage: last,
            model: None,
        }
    }

    #[test]
    fn deltas_come_from_the_total_and_repeats_are_duplicates() {
        let mut c = Counter::default();
        let a = u(10, 2, 5, 1);
        let b = u(30, 12, 9, 3);
        assert!(
            matches!(c.step(Some(&info(Some(a), Some(a)))), Step::Call { delta, .. } if delta == a)
        );
        assert_eq!(c.step(Some(&info(Some(a), Some(a)))), Step::Duplicate);
        match c.step(Some(&info(Some(b), Some(u(1, 1, 1, 1))))) {
            Step::Call { delta, id, segment } => {
                assert_eq!(delta, u(20, 10, 4, 2));
                assert_eq!(id, "30/12/9/3");
                assert_eq!(segment, "");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(c.step(None), Step::Ignored);
    }

    #[test]
    fn a_restarted_counter_bills_last_and_opens_a_segment() {
        let mut c = Counter::default();
        let _ = c.step(Some(&info(Some(u(100, 0, 10, 0)), None)));
        match c.step(Some(&info(Some(u(5, 0, 1, 0)), Some(u(5, 0, 1, 0))))) {
            Step::Call { delta, segment, .. } => {
                assert_eq!(delta, u(5, 0, 1, 0));
                assert_eq!(segment, ">100/0/10/0");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn last_only_events_are_summed_into_a_counter() {
        let mut c = Counter::default();
        let l = u(3, 0, 1, 0);
        let _ = c.step(Some(&info(None, Some(l))));
        match c.step(Some(&info(None, Some(l)))) {
            Step::Call { delta, id, .. } => {
                assert_eq!(delta, l);
                assert_eq!(id, "6/0/2/0");
            }
            other => panic!("{other:?}"),
        }
    }
}
