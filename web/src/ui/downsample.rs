//! Charts draw at most [`MAX_POINTS`] points per series, whatever the history holds.
//!
//! A longer series (years of days, a session of thousands of calls) is cut into consecutive
//! buckets of equal width and each bucket becomes one point, labelled `first – last`: counts,
//! tokens and cost are summed (so the chart still adds up to the table), a level such as the
//! context size keeps its peak. The tables next to the charts keep every row (paged), so no
//! figure is lost, only the drawing is coarser.

use std::ops::Range;

/// The most points a chart series holds.
pub const MAX_POINTS: usize = 400;

/// How a bucket's values become one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Agg {
    /// Additive quantities: tokens, cost, counts.
    #[default]
    Sum,
    /// Levels: the bucket's largest value.
    Max,
}

impl Agg {
    /// `values` (one bucket) as one value.
    #[must_use]
    pub fn apply(self, values: &[f64]) -> f64 {
        match self {
            Agg::Sum => values.iter().sum(),
            Agg::Max => values
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max)
                .max(0.0),
        }
    }
}

/// `0..n` cut into at most `max` consecutive ranges of equal width (the last may be shorter);
/// one range per item when `n <= max`.
#[must_use]
pub fn buckets(n: usize, max: usize) -> Vec<Range<usize>> {
    let width = n.div_ceil(max.max(1)).max(1);
    (0..n)
        .step_by(width)
        .map(|start| start..(start + width).min(n))
        .collect()
}

/// A bucket's label: its only label, or `first – last`.
#[must_use]
pub fn label(labels: &[String], r: &Range<usize>) -> String {
    let first = labels.get(r.start).cloned().unwrap_or_default();
    if r.len() <= 1 {
        return first;
    }
    let last = labels
        .get(r.end.saturating_sub(1))
        .cloned()
        .unwrap_or_default();
    format!("{first} – {last}")
}

/// The labels of `labels` bucketed to at most [`MAX_POINTS`].
#[must_use]
pub fn labels(labels: &[String], ranges: &[Range<usize>]) -> Vec<String> {
    ranges.iter().map(|r| label(labels, r)).collect()
}

/// `values` bucketed by `ranges` with `agg`.
#[must_use]
pub fn values(values: &[f64], ranges: &[Range<usize>], agg: Agg) -> Vec<f64> {
    ranges
        .iter()
        .map(|r| agg.apply(values.get(r.clone()).unwrap_or_default()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn short_series_are_kept_and_long_ones_bounded() {
        assert_eq!(buckets(3, 400), vec![0..1, 1..2, 2..3]);
        assert_eq!(buckets(0, 400), Vec::<Range<usize>>::new());
        for n in [401, 731, 1000, 100_000] {
            let b = buckets(n, MAX_POINTS);
            assert!(b.len() <= MAX_POINTS, "{n}: {} buckets", b.len());
            assert_eq!(b.first().map(|r| r.start), Some(0));
            assert_eq!(b.last().map(|r| r.end), Some(n));
            assert!(b.windows(2).all(|w| w[0].end == w[1].start), "contiguous");
        }
    }

    #[test]
    fn sums_add_up_and_levels_keep_their_peak() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let r = buckets(10, 4);
        assert_eq!(r, vec![0..3, 3..6, 6..9, 9..10]);
        assert_eq!(values(&v, &r, Agg::Sum), vec![6.0, 15.0, 24.0, 10.0]);
        assert_eq!(values(&v, &r, Agg::Sum).iter().sum::<f64>(), 55.0);
        assert_eq!(values(&v, &r, Agg::Max), vec![3.0, 6.0, 9.0, 10.0]);
        let l: Vec<String> = (1..=10).map(|i| format!("d{i}")).collect();
        assert_eq!(labels(&l, &r), ["d1 – d3", "d4 – d6", "d7 – d9", "d10"]);
    }
}
