//! Null distributions of the signed-rank sum, by dynamic programming over
//! rank sums: under the null hypothesis every difference is equally likely
//! to be positive or negative, so each of the 2ⁿ sign patterns is equally
//! likely and the distribution is a count of patterns per rank sum.
//!
//! Counts are kept as integers, so the p-values are exact fractions k / 2ⁿ
//! (exactly representable in a double for n ≤ 50).

use std::sync::OnceLock;

use super::EXACT_UP_TO;

/// Two-sided exact p-value for the rank sum `observed` of n untied,
/// non-zero differences, n ≤ [`EXACT_UP_TO`].
pub(super) fn exact_two_sided_p(n: usize, observed: u64) -> f64 {
    let tables = RANK_SUM_COUNTS.get_or_init(rank_sum_count_tables);
    match tables.get(n) {
        Some(counts) => two_sided_p(counts, observed, n),
        // Callers only ask for n ≤ EXACT_UP_TO; for a larger n the same
        // answer comes from the general permutation count.
        None => {
            let doubled_ranks: Vec<u64> = (1..=n as u64).map(|rank| 2 * rank).collect();
            permutation_two_sided_p(&doubled_ranks, 2 * observed)
        }
    }
}

/// Two-sided p-value over all 2ᵐ sign flips of the given (doubled, possibly
/// tied) ranks, for the observed doubled rank sum of positive differences:
/// what SciPy's exhaustive permutation test computes. m must be below 64.
pub(super) fn permutation_two_sided_p(doubled_ranks: &[u64], observed_doubled: u64) -> f64 {
    let total: u64 = doubled_ranks.iter().sum();
    let mut counts = vec![0_u64; total as usize + 1];
    counts[0] = 1;
    let mut reachable = 0;
    for &rank in doubled_ranks {
        let rank = rank as usize;
        reachable += rank;
        for sum in (rank..=reachable).rev() {
            counts[sum] += counts[sum - rank];
        }
    }
    two_sided_p(&counts, observed_doubled, doubled_ranks.len())
}

/// Counts of sign patterns for each rank sum of 1..=n, for every n up to
/// [`EXACT_UP_TO`]; about 22,000 integers, built once in well under a
/// millisecond.
static RANK_SUM_COUNTS: OnceLock<Vec<Vec<u64>>> = OnceLock::new();

fn rank_sum_count_tables() -> Vec<Vec<u64>> {
    let mut tables: Vec<Vec<u64>> = Vec::with_capacity(EXACT_UP_TO + 1);
    tables.push(vec![1]);
    for n in 1..=EXACT_UP_TO {
        // Adding rank n: a pattern either leaves it negative (sum unchanged)
        // or makes it positive (sum + n).
        let previous = &tables[n - 1];
        let mut next = vec![0_u64; previous.len() + n];
        for (sum, &count) in previous.iter().enumerate() {
            next[sum] += count;
            next[sum + n] += count;
        }
        tables.push(next);
    }
    tables
}

/// 2 · min(P(S ≤ observed), P(S ≥ observed)), at most 1, for a count table
/// over 2^patterns_exponent equally likely patterns.
fn two_sided_p(counts: &[u64], observed: u64, patterns_exponent: usize) -> f64 {
    let observed = (observed as usize).min(counts.len().saturating_sub(1));
    let at_most: u64 = counts[..=observed].iter().sum();
    let at_least: u64 = counts[observed..].iter().sum();
    let patterns = 2f64.powi(patterns_exponent as i32);
    (2.0 * at_most.min(at_least) as f64 / patterns).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_counts_all_sign_patterns_and_is_symmetric() {
        let tables = RANK_SUM_COUNTS.get_or_init(rank_sum_count_tables);
        for (n, counts) in tables.iter().enumerate() {
            assert_eq!(counts.len(), n * (n + 1) / 2 + 1);
            assert_eq!(counts.iter().sum::<u64>(), 1_u64 << n);
            let reversed: Vec<u64> = counts.iter().rev().copied().collect();
            assert_eq!(&reversed, counts, "n={n}");
        }
    }

    #[test]
    fn the_permutation_count_of_untied_ranks_equals_the_exact_distribution() {
        for n in 1..=12_usize {
            let doubled: Vec<u64> = (1..=n as u64).map(|rank| 2 * rank).collect();
            for observed in 0..=(n * (n + 1) / 2) as u64 {
                assert_eq!(
                    permutation_two_sided_p(&doubled, 2 * observed),
                    exact_two_sided_p(n, observed),
                    "n={n}, observed={observed}"
                );
            }
        }
    }

    #[test]
    fn beyond_the_table_the_exact_p_still_comes_out() {
        let p = exact_two_sided_p(EXACT_UP_TO + 1, 0);
        assert_eq!(p, 2.0 / 2f64.powi(51));
    }
}
