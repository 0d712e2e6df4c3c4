//! All learning-outcome figures of one event or group of events at once.

use crate::gain::{NormalisedGain, normalised_gain};
use crate::paired::{PairedScores, paired_scores};
use crate::signed_rank::{SignedRankTest, signed_rank_figure};
use crate::{Figure, MinimumN, ScorePair};

/// Scores, gain and signed-rank test of the same paired participants.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LearningOutcomes {
    pub scores: PairedScores,
    pub gain: NormalisedGain,
    pub signed_rank: Figure<SignedRankTest>,
}

/// Every learning-outcome figure of `pairs`, each `TooFew` below its
/// minimum in `minimum`.
pub fn learning_outcomes(pairs: &[ScorePair], minimum: &MinimumN) -> LearningOutcomes {
    LearningOutcomes {
        scores: paired_scores(pairs, minimum),
        gain: normalised_gain(pairs, minimum),
        signed_rank: signed_rank_figure(pairs, minimum),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_of_one_training_share_their_participants() {
        let pairs: Vec<ScorePair> = [(25.0, 75.0), (50.0, 50.0), (40.0, 80.0), (60.0, 70.0)]
            .iter()
            .map(|&(pre, post)| ScorePair::new(pre, post).expect("percentages"))
            .collect();
        let outcomes = learning_outcomes(&pairs, &MinimumN::STANDARD);
        assert_eq!(outcomes.scores.paired, 4);
        assert_eq!(outcomes.gain.class_average.n(), 4);
        // One pair did not change, so the test rests on three.
        assert_eq!(outcomes.signed_rank, Figure::TooFew { n: 3, needed: 6 });
    }
}
