//! A figure that may be too small to mean anything, and the minimum numbers
//! of people below which Kolo prints "too few people" instead of a number.

/// A figure with the number of people behind it, or the reason there is no
/// figure. Pages print the value with its n, "too few people (n of needed)",
/// or why the figure does not exist.
///
/// What `n` counts is documented on each field of [`MinimumN`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(tag = "kind", rename_all = "snake_case"))]
pub enum Figure<T> {
    /// Enough people: the figure and how many people it is built from.
    Value { value: T, n: usize },
    /// Fewer people than the figure needs to mean anything.
    TooFew { n: usize, needed: usize },
    /// Enough people, but the figure does not exist for their data.
    Undefined { n: usize, why: WhyUndefined },
}

/// Why a figure with enough people behind it still has no value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum WhyUndefined {
    /// Every participant scored 100% on the pre-test, so there was nothing
    /// left to gain: the class-average normalised gain divides by zero.
    EveryPreTestPerfect,
}

impl<T> Figure<T> {
    /// `Value` when `n >= needed`, computing the value only then;
    /// `TooFew` otherwise.
    pub fn when_enough(n: usize, needed: usize, value: impl FnOnce() -> T) -> Self {
        if n >= needed {
            Figure::Value { value: value(), n }
        } else {
            Figure::TooFew { n, needed }
        }
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Figure::Value { value, .. } => Some(value),
            Figure::TooFew { .. } | Figure::Undefined { .. } => None,
        }
    }

    /// How many people the figure is (or would be) built from.
    pub fn n(&self) -> usize {
        match *self {
            Figure::Value { n, .. } | Figure::TooFew { n, .. } | Figure::Undefined { n, .. } => n,
        }
    }

    /// The same figure with its value transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Figure<U> {
        match self {
            Figure::Value { value, n } => Figure::Value { value: f(value), n },
            Figure::TooFew { n, needed } => Figure::TooFew { n, needed },
            Figure::Undefined { n, why } => Figure::Undefined { n, why },
        }
    }
}

/// The smallest number of people each kind of figure needs before Kolo shows
/// it. Below it, pages say "too few people" instead of a number.
///
/// These thresholds are about meaning, not privacy: hiding small counts from
/// viewers is the job of [`crate::suppression`], which applies on top.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct MinimumN {
    /// Mean and median of pre-test or post-test scores; n counts paired
    /// participants. Standard: 3, since with one or two people an average
    /// is just their own scores.
    pub score_average: usize,
    /// Mean difference with its 95% confidence interval; n counts paired
    /// participants. Standard: 3. Two pairs are the mathematical minimum,
    /// but with one degree of freedom the interval is ±12.7 standard errors
    /// and says nothing.
    pub mean_difference: usize,
    /// Normalised gain. For the class-average gain n counts paired
    /// participants; for the mean of individual gains it counts those whose
    /// pre-test was not perfect. Standard: 3, as for score averages.
    pub normalised_gain: usize,
    /// Signed-rank test and its rank-biserial correlation; n counts pairs
    /// whose scores differ (pairs with no change carry no sign). Standard:
    /// 6, the smallest n at which a two-sided test can reach p < 0.05 at all
    /// (with 5 the smallest possible p is 2/32 = 0.0625).
    pub signed_rank: usize,
    /// Shares of people: retention, follow-up action rate, shares of
    /// promoters and detractors; n is the share's denominator. Standard: 5,
    /// because below it one person moves the share by more than 20 points.
    pub share: usize,
    /// Mean of Likert (1-5) or recommendation (0-10) answers; n counts
    /// answers. Standard: 3, as for score averages.
    pub rating_average: usize,
}

impl MinimumN {
    /// The thresholds Kolo uses unless an organisation chooses others.
    pub const STANDARD: MinimumN = MinimumN {
        score_average: 3,
        mean_difference: 3,
        normalised_gain: 3,
        signed_rank: 6,
        share: 5,
        rating_average: 3,
    };
}

impl Default for MinimumN {
    fn default() -> Self {
        Self::STANDARD
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_below_its_minimum_is_too_few_and_is_never_computed() {
        let figure: Figure<f64> =
            Figure::when_enough(2, 3, || unreachable!("must not compute below the minimum"));
        assert_eq!(figure, Figure::TooFew { n: 2, needed: 3 });
        assert_eq!(figure.value(), None);
        assert_eq!(figure.n(), 2);
    }

    #[test]
    fn a_figure_at_its_minimum_has_a_value_and_its_n() {
        let figure = Figure::when_enough(3, 3, || 42.0);
        assert_eq!(figure, Figure::Value { value: 42.0, n: 3 });
        assert_eq!(figure.map(|v| v / 2.0).value(), Some(&21.0));
    }

    #[test]
    fn a_signed_rank_test_of_five_pairs_cannot_reach_significance_so_six_are_needed() {
        // Two-sided exact p at its most extreme: 2 / 2^n.
        let smallest_p = |n: i32| 2.0 / 2f64.powi(n);
        assert!(smallest_p(5) > 0.05);
        assert!(smallest_p(6) < 0.05);
        assert_eq!(MinimumN::default().signed_rank, 6);
    }
}
