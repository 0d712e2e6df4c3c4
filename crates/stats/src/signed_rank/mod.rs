//! The Wilcoxon signed-rank test on paired scores, two-sided, with exactly
//! the conventions of `scipy.stats.wilcoxon(x, y)` with its default options
//! (SciPy 1.17.1: `zero_method="wilcox"`, `correction=False`,
//! `method="auto"`), and the matched-pairs rank-biserial correlation.
//!
//! Those conventions, read from SciPy's source:
//! - Pairs with no change (difference exactly 0) are dropped before ranking;
//!   the remaining absolute differences get average ranks when tied.
//! - The statistic is the smaller of the two rank sums (positive and
//!   negative differences).
//! - The p-value is chosen by the number of pairs *including* those with no
//!   change, and by whether there are ties or zeros:
//!   - no ties, no zeros, at most 50 pairs: the exact null distribution;
//!   - ties or zeros, at most 13 pairs: every one of the 2ⁿ sign flips of the
//!     observed ranks, i.e. an exact permutation test;
//!   - otherwise (more than 50 pairs, or ties or zeros with more than 13):
//!     the normal approximation, with the variance corrected for ties and
//!     without continuity correction. SciPy reports z = -|z| there.
//! - Two-sided p = 2 · min(P(R ≤ r), P(R ≥ r)) for the exact methods and
//!   2 · P(Z > |z|) for the approximation, never above 1.
//!
//! Differences are `post - pre`, computed in floating point; two
//! differences are tied only when their absolute values are equal to the
//! last bit, as in SciPy (which computes `x - y` the same way).

mod null_distribution;

use crate::distributions::normal_sf;
use crate::{Figure, MinimumN, ScorePair};

/// Largest number of pairs for which the exact distribution is used when
/// there are no ties or zeros.
pub const EXACT_UP_TO: usize = 50;

/// Largest number of pairs for which the exact permutation distribution is
/// used when there are ties or zeros (2¹³ sign flips).
pub const PERMUTATION_UP_TO: usize = 13;

/// The result of a two-sided Wilcoxon signed-rank test on paired scores.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SignedRankTest {
    /// Pairs tested, including those with no change.
    pub pairs: usize,
    /// Pairs whose post-test equals their pre-test; dropped before ranking.
    pub no_change: usize,
    /// Sum of the ranks of participants who improved.
    pub rank_sum_improved: f64,
    /// Sum of the ranks of participants whose score fell.
    pub rank_sum_declined: f64,
    /// The smaller of the two rank sums: SciPy's `statistic`.
    pub statistic: f64,
    /// Two-sided p-value.
    pub p_value: f64,
    /// How the p-value was computed.
    pub method: PValueMethod,
    /// Matched-pairs rank-biserial correlation (Kerby 2014):
    /// (improved rank sum - declined rank sum) / total rank sum, from -1
    /// (everyone who changed declined) to 1 (everyone who changed improved).
    pub rank_biserial: f64,
}

/// How a signed-rank p-value was computed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum PValueMethod {
    /// The exact null distribution of the rank sum (no ties, no zeros).
    Exact,
    /// Exact too, but over the sign flips of the observed tied ranks: the
    /// permutation distribution SciPy enumerates for small samples with
    /// ties or zeros.
    ExactPermutation,
    /// The normal approximation; `z` is SciPy's `zstatistic`, -|z|.
    NormalApproximation { z: f64 },
}

impl SignedRankTest {
    /// Pairs whose difference is not zero: the n the test is built from.
    pub fn ranked(&self) -> usize {
        self.pairs - self.no_change
    }
}

/// The test as a [`Figure`]: `TooFew` when fewer than
/// `minimum.signed_rank` pairs changed; n counts pairs that changed.
pub fn signed_rank_figure(pairs: &[ScorePair], minimum: &MinimumN) -> Figure<SignedRankTest> {
    let changed = pairs.iter().filter(|pair| pair.difference() != 0.0).count();
    let needed = minimum.signed_rank.max(1);
    match signed_rank_test(pairs) {
        Some(test) if changed >= needed => Figure::Value {
            value: test,
            n: changed,
        },
        _ => Figure::TooFew { n: changed, needed },
    }
}

/// The test whatever the number of pairs; `None` when no pair changed (no
/// pairs, or every difference zero), where there is nothing to rank.
///
/// SciPy returns p = 1 for that case up to 13 pairs and NaN above; Kolo
/// says there is no test instead.
pub fn signed_rank_test(pairs: &[ScorePair]) -> Option<SignedRankTest> {
    let ranked = Ranked::from_pairs(pairs)?;
    let n_pairs = pairs.len();
    let no_change = n_pairs - ranked.len();
    let rank_sum_improved = ranked.doubled_rank_sum_improved as f64 / 2.0;
    let total = ranked.doubled_total() as f64 / 2.0;
    let rank_sum_declined = total - rank_sum_improved;

    let has_ties_or_zeros = ranked.has_ties || no_change > 0;
    let (p_value, method) = if n_pairs <= EXACT_UP_TO && !has_ties_or_zeros {
        (ranked.exact_p_value(), PValueMethod::Exact)
    } else if n_pairs <= PERMUTATION_UP_TO {
        (ranked.permutation_p_value(), PValueMethod::ExactPermutation)
    } else {
        let z = ranked.z(rank_sum_improved);
        (
            (2.0 * normal_sf(z.abs())).min(1.0),
            PValueMethod::NormalApproximation { z: -z.abs() },
        )
    };

    Some(SignedRankTest {
        pairs: n_pairs,
        no_change,
        rank_sum_improved,
        rank_sum_declined,
        statistic: rank_sum_improved.min(rank_sum_declined),
        p_value,
        method,
        rank_biserial: (rank_sum_improved - rank_sum_declined) / total,
    })
}

/// The non-zero differences ranked by absolute value. Ranks are kept
/// doubled so that average ranks of ties (multiples of ½) stay integers.
struct Ranked {
    /// Doubled rank of each non-zero difference, in ascending order.
    doubled_ranks: Vec<u64>,
    doubled_rank_sum_improved: u64,
    has_ties: bool,
    /// Σ (t³ - t) over groups of t tied absolute differences.
    tie_correction: f64,
}

impl Ranked {
    fn from_pairs(pairs: &[ScorePair]) -> Option<Self> {
        let mut differences: Vec<f64> = pairs
            .iter()
            .map(|pair| pair.difference())
            .filter(|difference| *difference != 0.0)
            .collect();
        if differences.is_empty() {
            return None;
        }
        differences.sort_unstable_by(|a, b| a.abs().total_cmp(&b.abs()));

        let mut doubled_ranks = Vec::with_capacity(differences.len());
        let mut doubled_rank_sum_improved = 0;
        let mut has_ties = false;
        let mut tie_correction = 0.0;
        let mut start = 0;
        while start < differences.len() {
            let magnitude = differences[start].abs();
            let tied = differences[start..]
                .iter()
                .take_while(|difference| difference.abs() == magnitude)
                .count();
            // Positions start+1 ..= start+tied share the rank
            // start + (tied + 1) / 2; doubled: 2·start + tied + 1.
            let doubled_rank = (2 * start + tied + 1) as u64;
            for difference in &differences[start..start + tied] {
                doubled_ranks.push(doubled_rank);
                if *difference > 0.0 {
                    doubled_rank_sum_improved += doubled_rank;
                }
            }
            if tied > 1 {
                has_ties = true;
                let t = tied as f64;
                tie_correction += t * t * t - t;
            }
            start += tied;
        }
        Some(Self {
            doubled_ranks,
            doubled_rank_sum_improved,
            has_ties,
            tie_correction,
        })
    }

    fn len(&self) -> usize {
        self.doubled_ranks.len()
    }

    /// n (n + 1): twice the total rank sum, however ties are averaged.
    fn doubled_total(&self) -> u64 {
        let n = self.len() as u64;
        n * (n + 1)
    }

    fn exact_p_value(&self) -> f64 {
        let observed = self.doubled_rank_sum_improved / 2;
        null_distribution::exact_two_sided_p(self.len(), observed)
    }

    fn permutation_p_value(&self) -> f64 {
        null_distribution::permutation_two_sided_p(
            &self.doubled_ranks,
            self.doubled_rank_sum_improved,
        )
    }

    /// (R+ - n(n+1)/4) / se, with the tie-corrected standard error, computed
    /// in the same order of operations as SciPy.
    fn z(&self, rank_sum_improved: f64) -> f64 {
        let n = self.len() as f64;
        let mean = n * (n + 1.0) * 0.25;
        let variance_times_24 = n * (n + 1.0) * (2.0 * n + 1.0) - self.tie_correction / 2.0;
        let standard_error = (variance_times_24 / 24.0).sqrt();
        (rank_sum_improved - mean) / standard_error
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pairs with the given differences, from pre-tests that leave room for
    /// them.
    fn pairs_with_differences(differences: &[f64]) -> Vec<ScorePair> {
        differences
            .iter()
            .map(|&d| {
                let pre = if d < 0.0 { 90.0 } else { 5.0 };
                ScorePair::new(pre, pre + d).expect("differences fit in 0..=100")
            })
            .collect()
    }

    #[test]
    fn wilcoxons_corn_example_gives_scipys_documented_exact_p() {
        // scipy.stats.wilcoxon's documentation: statistic 24, p = 0.041259765625.
        let d = [
            6.0, 8.0, 14.0, 16.0, 23.0, 24.0, 28.0, 29.0, 41.0, -48.0, 49.0, 56.0, 60.0, -67.0,
            75.0,
        ];
        let test = signed_rank_test(&pairs_with_differences(&d)).expect("fifteen changes");
        assert_eq!(test.statistic, 24.0);
        assert_eq!(test.p_value, 0.041_259_765_625);
        assert_eq!(test.method, PValueMethod::Exact);
        assert_eq!(test.rank_sum_improved, 96.0);
        assert_eq!(test.rank_biserial, (96.0 - 24.0) / 120.0);
    }

    #[test]
    fn pairs_with_no_change_are_dropped_and_counted() {
        let pairs = pairs_with_differences(&[0.0, 10.0, 0.0, 20.0, 30.0]);
        let test = signed_rank_test(&pairs).expect("three changes");
        assert_eq!(test.pairs, 5);
        assert_eq!(test.no_change, 2);
        assert_eq!(test.ranked(), 3);
        assert_eq!(test.method, PValueMethod::ExactPermutation);
        // All three improved: R+ = 6 is the most extreme of 8 sign patterns.
        assert_eq!(test.p_value, 2.0 / 8.0);
    }

    #[test]
    fn tied_differences_share_their_average_rank() {
        let pairs = pairs_with_differences(&[10.0, -10.0, 10.0, 25.0]);
        let test = signed_rank_test(&pairs).expect("four changes");
        // |d| sorted: 10, 10, 10, 25 -> ranks 2, 2, 2, 4.
        assert_eq!(test.rank_sum_improved, 8.0);
        assert_eq!(test.rank_sum_declined, 2.0);
        assert_eq!(test.method, PValueMethod::ExactPermutation);
    }

    #[test]
    fn more_than_fifty_pairs_use_the_normal_approximation_even_without_ties() {
        let differences: Vec<f64> = (1..=51).map(|k| f64::from(k) * 0.5).collect();
        let test = signed_rank_test(&pairs_with_differences(&differences)).expect("51 changes");
        match test.method {
            PValueMethod::NormalApproximation { z } => assert!(z < 0.0),
            other => panic!("expected the normal approximation, got {other:?}"),
        }
    }

    #[test]
    fn with_no_change_at_all_there_is_no_test() {
        let pairs = pairs_with_differences(&[0.0, 0.0, 0.0]);
        assert!(signed_rank_test(&pairs).is_none());
        assert!(signed_rank_test(&[]).is_none());
        assert_eq!(
            signed_rank_figure(&pairs, &MinimumN::STANDARD),
            Figure::TooFew { n: 0, needed: 6 }
        );
    }

    #[test]
    fn five_changes_are_too_few_and_six_are_enough_under_the_standard_policy() {
        let five = pairs_with_differences(&[1.0, 2.0, 3.0, 4.0, 5.0, 0.0]);
        assert_eq!(
            signed_rank_figure(&five, &MinimumN::STANDARD),
            Figure::TooFew { n: 5, needed: 6 }
        );
        let six = pairs_with_differences(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        assert_eq!(signed_rank_figure(&six, &MinimumN::STANDARD).n(), 6);
    }
}
