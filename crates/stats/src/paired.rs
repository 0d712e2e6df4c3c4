//! Pre-test and post-test scores of paired participants: averages, and the
//! mean difference with its 95% confidence interval.

use std::sync::OnceLock;

use crate::describe::{mean, median_in_place, sample_standard_deviation};
use crate::distributions::student_t_quantile;
use crate::{Figure, MinimumN, ScorePair};

/// The confidence level of [`MeanDifference`]'s interval.
pub const CONFIDENCE_LEVEL: f64 = 0.95;

/// Averages of paired participants' scores and of their differences.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PairedScores {
    /// Participants with both a pre-test and a post-test.
    pub paired: usize,
    pub pre: ScoreAverages,
    pub post: ScoreAverages,
    /// Post minus pre; n counts paired participants.
    pub mean_difference: Figure<MeanDifference>,
}

/// Mean and median of one test's scores, in percent; n counts paired
/// participants.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ScoreAverages {
    pub mean: Figure<f64>,
    pub median: Figure<f64>,
}

/// The mean of post-test minus pre-test scores, in percentage points, with a
/// 95% confidence interval from Student's t distribution with n - 1 degrees
/// of freedom: mean ± t(0.975, n - 1) · sd / √n.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MeanDifference {
    pub mean: f64,
    /// Sample standard deviation of the differences (divisor n - 1).
    pub standard_deviation: f64,
    pub lower: f64,
    pub upper: f64,
}

/// Averages and mean difference, each as a [`Figure`] that is `TooFew` below
/// its minimum in `minimum`.
pub fn paired_scores(pairs: &[ScorePair], minimum: &MinimumN) -> PairedScores {
    let n = pairs.len();
    let averages = |score_of: fn(&ScorePair) -> f64| {
        // The mean and median need at least one score whatever the policy.
        let needed = minimum.score_average.max(1);
        let mut scores: Vec<f64> = pairs.iter().map(score_of).collect();
        ScoreAverages {
            mean: Figure::when_enough(n, needed, || {
                mean(scores.iter().copied()).unwrap_or(f64::NAN)
            }),
            median: Figure::when_enough(n, needed, || {
                median_in_place(&mut scores).unwrap_or(f64::NAN)
            }),
        }
    };
    let pre = averages(|pair| pair.pre.percent());
    let post = averages(|pair| pair.post.percent());
    let needed = minimum.mean_difference.max(2);
    let mean_difference = match mean_difference(pairs) {
        Some(difference) if n >= needed => Figure::Value {
            value: difference,
            n,
        },
        _ => Figure::TooFew { n, needed },
    };
    PairedScores {
        paired: n,
        pre,
        post,
        mean_difference,
    }
}

/// The mean difference and its 95% confidence interval whatever the number
/// of pairs; `None` for fewer than two pairs, where the interval does not
/// exist.
pub fn mean_difference(pairs: &[ScorePair]) -> Option<MeanDifference> {
    let n = pairs.len();
    let differences = || pairs.iter().map(|pair| pair.difference());
    let mean = mean(differences())?;
    let standard_deviation = sample_standard_deviation(differences(), mean)?;
    let quantile = interval_quantile(n - 1)?;
    let half_width = quantile * standard_deviation / (n as f64).sqrt();
    Some(MeanDifference {
        mean,
        standard_deviation,
        lower: mean - half_width,
        upper: mean + half_width,
    })
}

/// t(0.975, df), the multiplier of the 95% interval. Cached per degrees of
/// freedom up to 1,023: one quantile takes a few microseconds of Newton
/// steps, and an evidence page asks for the same few thousands of times.
fn interval_quantile(degrees_of_freedom: usize) -> Option<f64> {
    const CACHED: usize = 1024;
    static CACHE: [OnceLock<Option<f64>>; CACHED] = [const { OnceLock::new() }; CACHED];
    let compute = || student_t_quantile(0.5 + CONFIDENCE_LEVEL / 2.0, degrees_of_freedom as f64);
    match CACHE.get(degrees_of_freedom) {
        Some(cached) => *cached.get_or_init(compute),
        None => compute(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(values: &[(f64, f64)]) -> Vec<ScorePair> {
        values
            .iter()
            .map(|&(pre, post)| ScorePair::new(pre, post).expect("test scores are percentages"))
            .collect()
    }

    #[test]
    fn averages_and_interval_of_a_small_training() {
        let pairs = pairs(&[(40.0, 70.0), (50.0, 60.0), (60.0, 90.0), (30.0, 50.0)]);
        let scores = paired_scores(&pairs, &MinimumN::STANDARD);
        assert_eq!(scores.paired, 4);
        assert_eq!(scores.pre.mean, Figure::Value { value: 45.0, n: 4 });
        assert_eq!(scores.post.median, Figure::Value { value: 65.0, n: 4 });
        let difference = *scores
            .mean_difference
            .value()
            .expect("four pairs are enough");
        assert_eq!(difference.mean, 22.5);
        // Differences 30, 10, 30, 20: sd = 9.574271077563381,
        // t(0.975, 3) = 3.1824463052837078 (SciPy).
        let half_width = 3.182_446_305_283_708 * 9.574_271_077_563_381 / 2.0;
        assert!((difference.lower - (22.5 - half_width)).abs() < 1e-12);
        assert!((difference.upper - (22.5 + half_width)).abs() < 1e-12);
    }

    #[test]
    fn two_pairs_have_an_interval_but_too_few_people_for_the_standard_policy() {
        let pairs = pairs(&[(40.0, 70.0), (50.0, 60.0)]);
        assert!(mean_difference(&pairs).is_some());
        let scores = paired_scores(&pairs, &MinimumN::STANDARD);
        assert_eq!(scores.mean_difference, Figure::TooFew { n: 2, needed: 3 });
        assert_eq!(scores.pre.mean, Figure::TooFew { n: 2, needed: 3 });
    }

    #[test]
    fn one_pair_has_no_interval_even_when_the_policy_asks_for_none() {
        let pairs = pairs(&[(40.0, 70.0)]);
        let no_minimum = MinimumN {
            mean_difference: 0,
            score_average: 0,
            ..MinimumN::STANDARD
        };
        let scores = paired_scores(&pairs, &no_minimum);
        assert_eq!(scores.mean_difference, Figure::TooFew { n: 1, needed: 2 });
        assert_eq!(scores.pre.mean, Figure::Value { value: 40.0, n: 1 });
    }

    #[test]
    fn no_pairs_give_no_averages_whatever_the_policy() {
        let no_minimum = MinimumN {
            score_average: 0,
            ..MinimumN::STANDARD
        };
        let scores = paired_scores(&[], &no_minimum);
        assert_eq!(scores.pre.mean, Figure::TooFew { n: 0, needed: 1 });
        assert_eq!(scores.post.median, Figure::TooFew { n: 0, needed: 1 });
    }

    #[test]
    fn identical_differences_give_an_interval_of_zero_width() {
        let pairs = pairs(&[(40.0, 50.0), (50.0, 60.0), (60.0, 70.0)]);
        let difference = mean_difference(&pairs).expect("three pairs");
        assert_eq!(difference.standard_deviation, 0.0);
        assert_eq!((difference.lower, difference.upper), (10.0, 10.0));
    }
}
