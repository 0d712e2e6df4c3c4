//! The follow-up questionnaire weeks after an event: how many answered, and
//! how many of them used what they learned.

use crate::{Figure, MinimumN, Share, StatsError};

/// Follow-up of one event or group of events.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FollowUp {
    /// Participants the follow-up was meant for.
    pub participants: usize,
    pub answered: usize,
    /// Answered out of participants; n counts participants. A low response
    /// rate means the action rate speaks only for those who answered.
    pub response_rate: Figure<Share>,
    /// Said they used what they learned, out of those who answered; n counts
    /// answers.
    pub action_rate: Figure<Share>,
}

/// The follow-up figures from one yes/no answer per participant who
/// answered ("did you use what you learned?"); both shares are `TooFew`
/// below `minimum.share`.
pub fn follow_up(
    participants: usize,
    used_what_they_learned: &[bool],
    minimum: &MinimumN,
) -> Result<FollowUp, StatsError> {
    let answered = used_what_they_learned.len();
    if answered > participants {
        return Err(StatsError::MoreAnswersThanParticipants {
            answers: answered,
            participants,
        });
    }
    let acted = used_what_they_learned.iter().filter(|&&used| used).count();
    let needed = minimum.share.max(1);
    Ok(FollowUp {
        participants,
        answered,
        response_rate: Figure::when_enough(participants, needed, || Share {
            count: answered,
            of: participants,
        }),
        action_rate: Figure::when_enough(answered, needed, || Share {
            count: acted,
            of: answered,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_action_rate_is_out_of_those_who_answered_not_all_participants() {
        let answers = [true, true, false, true, true, false];
        let follow_up = follow_up(20, &answers, &MinimumN::STANDARD).expect("6 of 20 answered");
        assert_eq!(
            follow_up.response_rate.value(),
            Some(&Share { count: 6, of: 20 })
        );
        assert_eq!(
            follow_up.action_rate.value(),
            Some(&Share { count: 4, of: 6 })
        );
        assert_eq!(follow_up.action_rate.n(), 6);
    }

    #[test]
    fn more_answers_than_participants_is_refused() {
        assert_eq!(
            follow_up(1, &[true, false], &MinimumN::STANDARD),
            Err(StatsError::MoreAnswersThanParticipants {
                answers: 2,
                participants: 1
            })
        );
    }

    #[test]
    fn few_answers_make_the_action_rate_too_few_even_when_many_were_asked() {
        let follow_up = follow_up(30, &[true, true], &MinimumN::STANDARD).expect("valid");
        assert_eq!(follow_up.action_rate, Figure::TooFew { n: 2, needed: 5 });
        assert!(follow_up.response_rate.value().is_some());
    }
}
