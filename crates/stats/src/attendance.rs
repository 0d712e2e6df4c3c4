//! Attendance retention over the days of an event: who of those registered
//! came every day, and how attendance fell off day by day.

use crate::{Figure, MinimumN, Share, StatsError};

/// The longest event whose attendance can be recorded, in days.
pub const MAX_EVENT_DAYS: usize = 64;

/// Who was present on which day of one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    event_days: usize,
    /// One bit per day (bit 0 is day 1) for each registered participant.
    participants: Vec<u64>,
}

impl Attendance {
    /// An event of `event_days` days (1 to [`MAX_EVENT_DAYS`]) with nobody
    /// registered yet.
    pub fn new(event_days: usize) -> Result<Self, StatsError> {
        if event_days == 0 || event_days > MAX_EVENT_DAYS {
            return Err(StatsError::TooManyEventDays {
                event_days,
                max: MAX_EVENT_DAYS,
            });
        }
        Ok(Self {
            event_days,
            participants: Vec::new(),
        })
    }

    /// Registers one participant present on `days_present` (numbered from
    /// 1; repeats are harmless). A participant present on no day still
    /// counts as registered.
    pub fn register(&mut self, days_present: &[usize]) -> Result<(), StatsError> {
        let mut days = 0_u64;
        for &day in days_present {
            if day == 0 || day > self.event_days {
                return Err(StatsError::AttendanceDayOutOfRange {
                    participant: self.participants.len() + 1,
                    day,
                    event_days: self.event_days,
                });
            }
            days |= 1 << (day - 1);
        }
        self.participants.push(days);
        Ok(())
    }

    /// Participants registered so far.
    pub fn registered(&self) -> usize {
        self.participants.len()
    }

    /// Days of the event.
    pub fn event_days(&self) -> usize {
        self.event_days
    }
}

/// Retention over an event's days.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Retention {
    pub registered: usize,
    /// Registered participants present on every day; n counts registered.
    pub present_every_day: Figure<Share>,
    /// One entry per day, day 1 first.
    pub days: Vec<DayAttendance>,
}

/// Attendance on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DayAttendance {
    /// Day number, from 1.
    pub day: usize,
    pub present: usize,
    /// Present this day out of registered; n counts registered.
    pub share_of_registered: Figure<Share>,
    /// Present the day before but not this day (0 on day 1): the drop-off.
    pub left_since_previous_day: usize,
}

/// Retention of `attendance`; shares are `TooFew` below `minimum.share`
/// registered participants.
pub fn retention(attendance: &Attendance, minimum: &MinimumN) -> Retention {
    let registered = attendance.registered();
    let needed = minimum.share.max(1);
    let share = |count| {
        Figure::when_enough(registered, needed, || Share {
            count,
            of: registered,
        })
    };

    let every_day_mask = if attendance.event_days == 64 {
        u64::MAX
    } else {
        (1_u64 << attendance.event_days) - 1
    };
    let present_every_day = attendance
        .participants
        .iter()
        .filter(|&&days| days & every_day_mask == every_day_mask)
        .count();

    let days = (0..attendance.event_days)
        .map(|index| {
            let today = 1_u64 << index;
            let present = attendance
                .participants
                .iter()
                .filter(|&&days| days & today != 0)
                .count();
            let left_since_previous_day = if index == 0 {
                0
            } else {
                let yesterday = 1_u64 << (index - 1);
                attendance
                    .participants
                    .iter()
                    .filter(|&&days| days & yesterday != 0 && days & today == 0)
                    .count()
            };
            DayAttendance {
                day: index + 1,
                present,
                share_of_registered: share(present),
                left_since_previous_day,
            }
        })
        .collect();

    Retention {
        registered,
        present_every_day: share(present_every_day),
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_day_training() -> Attendance {
        let mut attendance = Attendance::new(3).expect("three days");
        for days in [
            &[1, 2, 3][..],
            &[1, 2, 3],
            &[1, 2],
            &[1],
            &[2, 3],
            &[],
            &[1, 2, 3],
        ] {
            attendance.register(days).expect("days within the event");
        }
        attendance
    }

    #[test]
    fn retention_counts_those_present_every_day_out_of_all_registered() {
        let retention = retention(&three_day_training(), &MinimumN::STANDARD);
        assert_eq!(retention.registered, 7);
        assert_eq!(
            retention.present_every_day,
            Figure::Value {
                value: Share { count: 3, of: 7 },
                n: 7
            }
        );
    }

    #[test]
    fn drop_off_counts_those_who_came_the_day_before_and_not_today() {
        let retention = retention(&three_day_training(), &MinimumN::STANDARD);
        let present: Vec<usize> = retention.days.iter().map(|day| day.present).collect();
        let left: Vec<usize> = retention
            .days
            .iter()
            .map(|day| day.left_since_previous_day)
            .collect();
        assert_eq!(present, [5, 5, 4]);
        assert_eq!(left, [0, 1, 1]);
    }

    #[test]
    fn a_day_outside_the_event_is_refused_with_the_participant_named() {
        let mut attendance = Attendance::new(2).expect("two days");
        attendance.register(&[1]).expect("day 1 exists");
        assert_eq!(
            attendance.register(&[3]),
            Err(StatsError::AttendanceDayOutOfRange {
                participant: 2,
                day: 3,
                event_days: 2
            })
        );
        assert!(attendance.register(&[0]).is_err());
        assert_eq!(attendance.registered(), 1);
    }

    #[test]
    fn an_event_of_no_days_or_too_many_is_refused() {
        assert!(Attendance::new(0).is_err());
        assert!(Attendance::new(MAX_EVENT_DAYS + 1).is_err());
        let mut longest = Attendance::new(MAX_EVENT_DAYS).expect("the maximum is allowed");
        let every_day: Vec<usize> = (1..=MAX_EVENT_DAYS).collect();
        longest.register(&every_day).expect("all days exist");
        let minimum = MinimumN {
            share: 1,
            ..MinimumN::STANDARD
        };
        let retention = retention(&longest, &minimum);
        assert_eq!(
            retention.present_every_day.value().map(|s| s.count),
            Some(1)
        );
    }

    #[test]
    fn a_small_event_is_too_few_for_shares_but_keeps_its_counts() {
        let mut attendance = Attendance::new(2).expect("two days");
        attendance.register(&[1, 2]).expect("valid");
        attendance.register(&[1]).expect("valid");
        let retention = retention(&attendance, &MinimumN::STANDARD);
        assert_eq!(
            retention.present_every_day,
            Figure::TooFew { n: 2, needed: 5 }
        );
        assert_eq!(retention.days[1].present, 1);
    }
}
