//! Kolo's statistics: pure functions from numbers to figures, with no IO.
//!
//! - Learning outcomes of paired pre-/post-test scores ([`learning_outcomes`]):
//!   averages, mean difference with a 95% confidence interval, normalised
//!   gain, and the Wilcoxon signed-rank test with its rank-biserial
//!   correlation, computed as SciPy computes them (checked against a
//!   committed table of SciPy's values to 1e-9).
//! - Attendance retention, satisfaction and follow-up action rate.
//! - [`Figure`]: every figure carries the number of people behind it, or says
//!   that there are too few for it to mean anything ([`MinimumN`]).
//! - [`suppression`]: the one function every figure about people passes
//!   through before it leaves the system.

mod attendance;
mod describe;
pub mod distributions;
mod error;
mod feedback;
mod figure;
mod follow_up;
mod gain;
mod outcomes;
mod paired;
mod score;
mod share;
pub mod signed_rank;
pub mod suppression;

pub use attendance::{Attendance, DayAttendance, MAX_EVENT_DAYS, Retention, retention};
pub use error::StatsError;
pub use feedback::{
    Likert, LikertSummary, Recommendation, RecommendationSummary, likert_summary,
    recommendation_summary,
};
pub use figure::{Figure, MinimumN, WhyUndefined};
pub use follow_up::{FollowUp, follow_up};
pub use gain::{NormalisedGain, class_average_gain, normalised_gain};
pub use outcomes::{LearningOutcomes, learning_outcomes};
pub use paired::{
    CONFIDENCE_LEVEL, MeanDifference, PairedScores, ScoreAverages, mean_difference, paired_scores,
};
pub use score::{Score, ScorePair};
pub use share::Share;
pub use signed_rank::{PValueMethod, SignedRankTest, signed_rank_figure, signed_rank_test};
