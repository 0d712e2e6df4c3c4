//! Test scores as percentages, and a participant's pre-test and post-test
//! score as one pair.

use crate::StatsError;

/// A test score as a percentage of the maximum points, from 0 to 100.
///
/// Only a valid percentage can be held: parse at the edge with
/// [`Score::new`] or [`Score::from_points`], then every statistic can trust it.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Score(f64);

impl Score {
    /// The highest score: every point.
    pub const PERFECT: Score = Score(100.0);

    /// A score given as a percentage.
    pub fn new(percent: f64) -> Result<Self, StatsError> {
        if (0.0..=100.0).contains(&percent) {
            Ok(Self(percent))
        } else {
            Err(StatsError::ScoreOutOfRange { value: percent })
        }
    }

    /// A score given as points out of a maximum, e.g. 7 of 12 points.
    ///
    /// Computed as `points / max_points * 100`, so that full points give
    /// exactly 100 and a perfect score is never missed by a rounding error.
    pub fn from_points(points: f64, max_points: f64) -> Result<Self, StatsError> {
        let valid =
            max_points > 0.0 && max_points.is_finite() && (0.0..=max_points).contains(&points);
        if !valid {
            return Err(StatsError::PointsOutOfRange { points, max_points });
        }
        Ok(Self(points / max_points * 100.0))
    }

    /// The percentage, 0 to 100.
    pub fn percent(self) -> f64 {
        self.0
    }

    /// Whether every point was scored.
    pub fn is_perfect(self) -> bool {
        self.0 >= 100.0
    }
}

/// One participant's score before and after an event, paired by their UIC.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ScorePair {
    pub pre: Score,
    pub post: Score,
}

impl ScorePair {
    /// A pair from two percentages.
    pub fn new(pre: f64, post: f64) -> Result<Self, StatsError> {
        Ok(Self {
            pre: Score::new(pre)?,
            post: Score::new(post)?,
        })
    }

    /// Post-test minus pre-test, in percentage points: positive when the
    /// participant improved.
    pub fn difference(self) -> f64 {
        self.post.0 - self.pre.0
    }

    /// The same participant with pre and post swapped.
    pub fn swapped(self) -> Self {
        Self {
            pre: self.post,
            post: self.pre,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_outside_zero_to_one_hundred_is_refused() {
        assert!(Score::new(-0.1).is_err());
        assert!(Score::new(100.000_001).is_err());
        assert!(Score::new(f64::NAN).is_err());
        assert!(Score::new(0.0).is_ok());
        assert!(Score::new(100.0).is_ok());
    }

    #[test]
    fn full_points_give_exactly_a_perfect_score_whatever_the_maximum() {
        for max in [1.0, 3.0, 7.0, 12.0, 0.3, 37.5] {
            let score = Score::from_points(max, max).expect("points equal the maximum");
            assert!(score.is_perfect());
            assert_eq!(score, Score::PERFECT);
        }
    }

    #[test]
    fn points_above_the_maximum_or_a_zero_maximum_are_refused() {
        assert!(Score::from_points(13.0, 12.0).is_err());
        assert!(Score::from_points(-1.0, 12.0).is_err());
        assert!(Score::from_points(0.0, 0.0).is_err());
        assert!(Score::from_points(1.0, f64::NAN).is_err());
    }

    #[test]
    fn the_difference_is_post_minus_pre() {
        let pair = ScorePair::new(40.0, 75.0).expect("valid scores");
        assert_eq!(pair.difference(), 35.0);
        assert_eq!(pair.swapped().difference(), -35.0);
    }
}
