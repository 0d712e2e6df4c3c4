//! Normalised gain (Hake 1998): the share of what a participant could still
//! learn that they did learn.

use crate::{Figure, MinimumN, ScorePair, WhyUndefined};

/// Both forms of normalised gain. Hake calls gains below 0.3 low, 0.3 to 0.7
/// medium and above 0.7 high; neither form counts people who left before the
/// post-test.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NormalisedGain {
    /// (mean post - mean pre) / (100 - mean pre); n counts paired
    /// participants. `Undefined` when every pre-test was perfect.
    pub class_average: Figure<f64>,
    /// Mean of (post - pre) / (100 - pre) over participants whose pre-test
    /// was not perfect; n counts those participants.
    pub mean_of_individual: Figure<f64>,
    /// Participants left out of the individual gains because their pre-test
    /// was perfect (they had nothing left to gain).
    pub perfect_pre_excluded: usize,
}

/// Both normalised gains of the pairs, each `TooFew` below
/// `minimum.normalised_gain`.
pub fn normalised_gain(pairs: &[ScorePair], minimum: &MinimumN) -> NormalisedGain {
    let n = pairs.len();
    let needed = minimum.normalised_gain.max(1);
    let class_average = if n < needed {
        Figure::TooFew { n, needed }
    } else {
        match class_average_gain(pairs) {
            Some(gain) => Figure::Value { value: gain, n },
            None => Figure::Undefined {
                n,
                why: WhyUndefined::EveryPreTestPerfect,
            },
        }
    };

    let mut eligible = 0_usize;
    let mut sum_of_gains = 0.0;
    for pair in pairs.iter().filter(|pair| !pair.pre.is_perfect()) {
        eligible += 1;
        sum_of_gains += pair.difference() / (100.0 - pair.pre.percent());
    }
    NormalisedGain {
        class_average,
        mean_of_individual: Figure::when_enough(eligible, needed, || {
            sum_of_gains / eligible as f64
        }),
        perfect_pre_excluded: n - eligible,
    }
}

/// The class-average gain whatever the number of pairs; `None` when there
/// are no pairs or every pre-test was perfect.
pub fn class_average_gain(pairs: &[ScorePair]) -> Option<f64> {
    if pairs.iter().all(|pair| pair.pre.is_perfect()) {
        return None;
    }
    let n = pairs.len() as f64;
    let mean_post = pairs.iter().map(|pair| pair.post.percent()).sum::<f64>() / n;
    let mean_pre = pairs.iter().map(|pair| pair.pre.percent()).sum::<f64>() / n;
    // 100 - mean pre, summed as the mean of 100 - pre so that a pre-test
    // mean a rounding error away from 100 can never divide by zero.
    let room_to_gain = pairs
        .iter()
        .map(|pair| 100.0 - pair.pre.percent())
        .sum::<f64>()
        / n;
    Some((mean_post - mean_pre) / room_to_gain)
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
    fn class_average_gain_is_the_share_of_the_remaining_room_that_was_gained() {
        // Mean pre 40, mean post 70: 30 of the 60 points left = 0.5.
        let pairs = pairs(&[(20.0, 60.0), (60.0, 80.0), (40.0, 70.0)]);
        let gain = normalised_gain(&pairs, &MinimumN::STANDARD);
        assert_eq!(gain.class_average, Figure::Value { value: 0.5, n: 3 });
    }

    #[test]
    fn participants_with_a_perfect_pre_test_are_excluded_from_individual_gains_and_counted() {
        let pairs = pairs(&[(100.0, 90.0), (50.0, 75.0), (0.0, 50.0), (80.0, 100.0)]);
        let gain = normalised_gain(&pairs, &MinimumN::STANDARD);
        assert_eq!(gain.perfect_pre_excluded, 1);
        // (0.5 + 0.5 + 1.0) / 3.
        assert_eq!(
            gain.mean_of_individual,
            Figure::Value {
                value: 2.0 / 3.0,
                n: 3
            }
        );
        assert_eq!(gain.class_average.n(), 4);
    }

    #[test]
    fn when_every_pre_test_is_perfect_the_class_gain_is_undefined_not_a_division_by_zero() {
        let pairs = pairs(&[(100.0, 90.0), (100.0, 100.0), (100.0, 80.0)]);
        let gain = normalised_gain(&pairs, &MinimumN::STANDARD);
        assert_eq!(
            gain.class_average,
            Figure::Undefined {
                n: 3,
                why: WhyUndefined::EveryPreTestPerfect
            }
        );
        assert_eq!(gain.mean_of_individual, Figure::TooFew { n: 0, needed: 3 });
        assert_eq!(gain.perfect_pre_excluded, 3);
    }

    #[test]
    fn a_decline_gives_a_negative_gain() {
        let pairs = pairs(&[(60.0, 40.0), (50.0, 50.0), (70.0, 55.0)]);
        let gain = normalised_gain(&pairs, &MinimumN::STANDARD);
        assert!(*gain.class_average.value().expect("three pairs") < 0.0);
    }
}
