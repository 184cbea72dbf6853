//! Two independent computations at once where the platform has threads (the native CLI), one
//! after the other where it has none (the browser's wasm: the page is one thread, and its
//! workers are busy parsing). The analysis after the last file is read runs on one thread
//! otherwise, while the CLI's other CPUs wait; its parts that need only the priced calls are
//! independent of each other, and so are the insight detectors.
//!
//! The results are the same either way: each side computes its own values from shared,
//! read-only inputs, and the caller puts them together in a fixed order.

/// Runs `a` and `b` (on two threads where there are threads) and returns both results. A panic
/// on either side is carried on as it would be had both run here.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    #[cfg(not(target_family = "wasm"))]
    {
        std::thread::scope(|scope| {
            let other = scope.spawn(b);
            let ra = a();
            match other.join() {
                Ok(rb) => (ra, rb),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }
    #[cfg(target_family = "wasm")]
    {
        (a(), b())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_sides_run_and_come_back_in_order() {
        let data: Vec<u64> = (1..=1000).collect();
        let (sum, max) = join(|| data.iter().sum::<u64>(), || data.iter().max().copied());
        assert_eq!((sum, max), (500_500, Some(1000)));
    }

    #[test]
    #[should_panic(expected = "the other side")]
    fn a_panic_on_the_other_side_is_carried_on() {
        let _ = join(|| 1, || -> u32 { panic!("the other side") });
    }
}
