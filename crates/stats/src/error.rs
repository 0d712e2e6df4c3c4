//! The one error type of the crate. Every variant names the value that was
//! refused and what a valid one looks like; the server maps each variant to
//! a translated message, so the texts here are for developers and logs.

/// Why an input to a statistic was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StatsError {
    /// A score outside 0 to 100 percent, or not a number.
    #[error(
        "score {value} is not a percentage from 0 to 100; convert points with Score::from_points"
    )]
    ScoreOutOfRange { value: f64 },

    /// Points that cannot be turned into a percentage.
    #[error(
        "{points} points out of a maximum of {max_points} is not a score; \
         points must be from 0 to the maximum, and the maximum above 0"
    )]
    PointsOutOfRange { points: f64, max_points: f64 },

    /// A Likert answer outside 1 to 5.
    #[error("Likert answer {value} is outside the scale 1 to 5")]
    LikertOutOfRange { value: u8 },

    /// A "would you recommend it" answer outside 0 to 10.
    #[error("recommendation answer {value} is outside the scale 0 to 10")]
    RecommendationOutOfRange { value: u8 },

    /// An event longer than attendance can be recorded for.
    #[error("an event of {event_days} days is longer than the {max} days attendance is kept for")]
    TooManyEventDays { event_days: usize, max: usize },

    /// Attendance marked for a day the event does not have.
    #[error(
        "participant {participant} is marked present on day {day}, \
         but the event has {event_days} days (days count from 1)"
    )]
    AttendanceDayOutOfRange {
        participant: usize,
        day: usize,
        event_days: usize,
    },

    /// More follow-up answers than participants asked.
    #[error(
        "{answers} follow-up answers for {participants} participants: \
         each participant answers the follow-up at most once"
    )]
    MoreAnswersThanParticipants { answers: usize, participants: usize },

    /// A table whose rows are not all the same length.
    #[error("row {row} of the table has {found} cells, but row 1 has {expected}")]
    RaggedTable {
        row: usize,
        expected: usize,
        found: usize,
    },

    /// Counts whose total does not fit in a machine word.
    #[error("the counts add up to more than {max}; they cannot be counts of people")]
    CountOverflow { max: usize },

    /// A suppression threshold that would hide nothing.
    #[error(
        "a suppression threshold of {threshold} hides nothing; use 2 or more (the default is 5)"
    )]
    SuppressionThresholdTooSmall { threshold: usize },
}
