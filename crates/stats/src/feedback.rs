//! Satisfaction from the feedback form: Likert items (1 to 5) and "would you
//! recommend it" (0 to 10).

use crate::{Figure, MinimumN, Share, StatsError};

/// An answer on a five-point Likert scale, 1 (worst) to 5 (best).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Likert(u8);

impl Likert {
    pub fn new(value: u8) -> Result<Self, StatsError> {
        if (1..=5).contains(&value) {
            Ok(Self(value))
        } else {
            Err(StatsError::LikertOutOfRange { value })
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// An answer to "would you recommend it?", 0 (not at all) to 10 (certainly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(transparent))]
pub struct Recommendation(u8);

impl Recommendation {
    pub fn new(value: u8) -> Result<Self, StatsError> {
        if value <= 10 {
            Ok(Self(value))
        } else {
            Err(StatsError::RecommendationOutOfRange { value })
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

/// One Likert item across the participants who answered it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LikertSummary {
    pub answers: usize,
    /// Mean answer, 1 to 5; n counts answers.
    pub mean: Figure<f64>,
    /// How many answered 1, 2, 3, 4 and 5 (index 0 is 1). Counts of people:
    /// pass them through [`crate::suppression`] before they leave the system.
    pub distribution: [usize; 5],
}

/// The recommendation question across the participants who answered it.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RecommendationSummary {
    pub answers: usize,
    /// Mean answer, 0 to 10; n counts answers.
    pub mean: Figure<f64>,
    /// Answered 9 or 10; n counts answers.
    pub promoters: Figure<Share>,
    /// Answered 0 to 6; n counts answers.
    pub detractors: Figure<Share>,
    /// Percent promoters minus percent detractors, -100 to 100, as in the
    /// Net Promoter Score; n counts answers.
    pub net_score: Figure<f64>,
    /// How many answered 0, 1, …, 10 (index = answer). Counts of people:
    /// pass them through [`crate::suppression`] before they leave the system.
    pub distribution: [usize; 11],
}

/// Mean and distribution of one Likert item; the mean is `TooFew` below
/// `minimum.rating_average` answers.
pub fn likert_summary(answers: &[Likert], minimum: &MinimumN) -> LikertSummary {
    let mut distribution = [0_usize; 5];
    for answer in answers {
        distribution[usize::from(answer.0 - 1)] += 1;
    }
    LikertSummary {
        answers: answers.len(),
        mean: rating_mean(answers.iter().map(|answer| answer.0), minimum),
        distribution,
    }
}

/// Mean, promoters, detractors and net score of the recommendation answers;
/// the mean is `TooFew` below `minimum.rating_average` answers, the shares
/// and net score below `minimum.share`.
pub fn recommendation_summary(
    answers: &[Recommendation],
    minimum: &MinimumN,
) -> RecommendationSummary {
    let mut distribution = [0_usize; 11];
    for answer in answers {
        distribution[usize::from(answer.0)] += 1;
    }
    let n = answers.len();
    let promoters = distribution[9] + distribution[10];
    let detractors: usize = distribution[..=6].iter().sum();
    let needed = minimum.share.max(1);
    let share = |count| Figure::when_enough(n, needed, || Share { count, of: n });
    RecommendationSummary {
        answers: n,
        mean: rating_mean(answers.iter().map(|answer| answer.0), minimum),
        promoters: share(promoters),
        detractors: share(detractors),
        net_score: Figure::when_enough(n, needed, || {
            100.0 * (promoters as f64 - detractors as f64) / n as f64
        }),
        distribution,
    }
}

fn rating_mean(values: impl ExactSizeIterator<Item = u8>, minimum: &MinimumN) -> Figure<f64> {
    let n = values.len();
    let sum: u64 = values.map(u64::from).sum();
    Figure::when_enough(n, minimum.rating_average.max(1), || sum as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn likert(values: &[u8]) -> Vec<Likert> {
        values
            .iter()
            .map(|&v| Likert::new(v).expect("test answers are 1 to 5"))
            .collect()
    }

    fn recommendations(values: &[u8]) -> Vec<Recommendation> {
        values
            .iter()
            .map(|&v| Recommendation::new(v).expect("test answers are 0 to 10"))
            .collect()
    }

    #[test]
    fn answers_outside_their_scales_are_refused() {
        assert_eq!(
            Likert::new(0),
            Err(StatsError::LikertOutOfRange { value: 0 })
        );
        assert!(Likert::new(6).is_err());
        assert_eq!(
            Recommendation::new(11),
            Err(StatsError::RecommendationOutOfRange { value: 11 })
        );
        assert!(Recommendation::new(0).is_ok());
    }

    #[test]
    fn a_likert_item_has_its_mean_and_the_count_of_each_answer() {
        let summary = likert_summary(&likert(&[5, 4, 4, 3, 5, 1]), &MinimumN::STANDARD);
        assert_eq!(summary.answers, 6);
        assert_eq!(
            summary.mean,
            Figure::Value {
                value: 22.0 / 6.0,
                n: 6
            }
        );
        assert_eq!(summary.distribution, [1, 0, 1, 2, 2]);
    }

    #[test]
    fn promoters_answer_nine_or_ten_and_detractors_zero_to_six() {
        let answers = recommendations(&[10, 9, 9, 8, 7, 6, 0, 10, 5, 9]);
        let summary = recommendation_summary(&answers, &MinimumN::STANDARD);
        assert_eq!(summary.promoters.value(), Some(&Share { count: 5, of: 10 }));
        assert_eq!(
            summary.detractors.value(),
            Some(&Share { count: 3, of: 10 })
        );
        assert_eq!(summary.net_score, Figure::Value { value: 20.0, n: 10 });
        assert_eq!(summary.mean, Figure::Value { value: 7.3, n: 10 });
        assert_eq!(summary.distribution[9], 3);
    }

    #[test]
    fn with_no_answers_every_figure_is_too_few() {
        let summary = recommendation_summary(&[], &MinimumN::STANDARD);
        assert_eq!(summary.mean, Figure::TooFew { n: 0, needed: 3 });
        assert_eq!(summary.net_score, Figure::TooFew { n: 0, needed: 5 });
        let likert = likert_summary(&[], &MinimumN::STANDARD);
        assert_eq!(likert.distribution, [0; 5]);
    }
}
