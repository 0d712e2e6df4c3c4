//! Attendance retention over the days of an event: who of those registered
//! came every day, and how attendance fell off day by day. The same figures
//! pool several events of different lengths (the evidence across events):
//! each person counts against the days of their own event.

use crate::{Figure, MinimumN, Share, StatsError};

/// The longest event whose attendance can be recorded, in days.
pub const MAX_EVENT_DAYS: usize = 64;

/// Who was present on which day of one event, or of several pooled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendance {
    /// The longest event's days.
    event_days: usize,
    groups: Vec<Group>,
}

/// People registered at an event of `event_days` days, present on the days
/// of `days` (bit 0 is day 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Group {
    event_days: usize,
    days: u64,
    people: usize,
}

impl Group {
    fn every_day(&self) -> bool {
        let all = if self.event_days == 64 {
            u64::MAX
        } else {
            (1_u64 << self.event_days) - 1
        };
        self.days & all == all
    }
}

impl Attendance {
    /// An event of `event_days` days (1 to [`MAX_EVENT_DAYS`]) with nobody
    /// registered yet; for pooled events, the longest event's days.
    pub fn new(event_days: usize) -> Result<Self, StatsError> {
        check_days(event_days)?;
        Ok(Self {
            event_days,
            groups: Vec::new(),
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
                    participant: self.registered() + 1,
                    day,
                    event_days: self.event_days,
                });
            }
            days |= 1 << (day - 1);
        }
        self.groups.push(Group {
            event_days: self.event_days,
            days,
            people: 1,
        });
        Ok(())
    }

    /// Registers `people` participants of a shorter (or equally long) event
    /// of `event_days` days, each present on the days of `days_present`
    /// (bit 0 is day 1): how the evidence pools events of different lengths.
    pub fn register_pattern(
        &mut self,
        event_days: usize,
        days_present: u64,
        people: usize,
    ) -> Result<(), StatsError> {
        check_days(event_days)?;
        if event_days > self.event_days {
            return Err(StatsError::TooManyEventDays {
                event_days,
                max: self.event_days,
            });
        }
        let beyond = if event_days == 64 {
            0
        } else {
            days_present >> event_days
        };
        if beyond != 0 {
            return Err(StatsError::AttendanceDayOutOfRange {
                participant: self.registered() + 1,
                day: event_days + 1 + beyond.trailing_zeros() as usize,
                event_days,
            });
        }
        self.groups.push(Group {
            event_days,
            days: days_present,
            people,
        });
        Ok(())
    }

    /// Participants registered so far.
    pub fn registered(&self) -> usize {
        self.groups.iter().map(|g| g.people).sum()
    }

    /// Days of the event (of the longest, when pooled).
    pub fn event_days(&self) -> usize {
        self.event_days
    }
}

fn check_days(event_days: usize) -> Result<(), StatsError> {
    if event_days == 0 || event_days > MAX_EVENT_DAYS {
        return Err(StatsError::TooManyEventDays {
            event_days,
            max: MAX_EVENT_DAYS,
        });
    }
    Ok(())
}

/// Retention over an event's days.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Retention {
    pub registered: usize,
    /// Registered participants present on every day of their event; n
    /// counts registered.
    pub present_every_day: Figure<Share>,
    /// One entry per day, day 1 first (up to the longest event's last day).
    pub days: Vec<DayAttendance>,
}

/// Attendance on one day.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DayAttendance {
    /// Day number, from 1.
    pub day: usize,
    pub present: usize,
    /// Present this day out of those registered at events that have this
    /// day (everyone registered, for one event); n counts them.
    pub share_of_registered: Figure<Share>,
    /// Present the day before but not this day (0 on day 1): the drop-off.
    pub left_since_previous_day: usize,
}

/// Retention of `attendance`; shares are `TooFew` below `minimum.share`
/// registered participants.
pub fn retention(attendance: &Attendance, minimum: &MinimumN) -> Retention {
    let registered = attendance.registered();
    let needed = minimum.share.max(1);
    let share = |count, of| Figure::when_enough(of, needed, || Share { count, of });
    let people = |keep: &dyn Fn(&Group) -> bool| -> usize {
        attendance
            .groups
            .iter()
            .filter(|g| keep(g))
            .map(|g| g.people)
            .sum()
    };
    let present_every_day = people(&|g| g.every_day());

    let days = (0..attendance.event_days)
        .map(|index| {
            let today = 1_u64 << index;
            let present = people(&|g| g.days & today != 0);
            let left_since_previous_day = if index == 0 {
                0
            } else {
                let yesterday = 1_u64 << (index - 1);
                people(&|g| g.event_days > index && g.days & yesterday != 0 && g.days & today == 0)
            };
            DayAttendance {
                day: index + 1,
                present,
                share_of_registered: share(present, people(&|g| g.event_days > index)),
                left_since_previous_day,
            }
        })
        .collect();

    Retention {
        registered,
        present_every_day: share(present_every_day, registered),
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

    #[test]
    fn pooled_events_count_each_person_against_the_days_of_their_own_event() {
        let mut pooled = Attendance::new(3).expect("three days");
        // A one-day event: 4 came, 1 did not.
        pooled.register_pattern(1, 0b1, 4).expect("valid");
        pooled.register_pattern(1, 0b0, 1).expect("valid");
        // A three-day event, as in `three_day_training`.
        for days in [
            &[1, 2, 3][..],
            &[1, 2, 3],
            &[1, 2],
            &[1],
            &[2, 3],
            &[],
            &[1, 2, 3],
        ] {
            pooled.register(days).expect("valid");
        }
        let retention = retention(&pooled, &MinimumN::STANDARD);
        assert_eq!(retention.registered, 12);
        assert_eq!(
            retention.present_every_day.value(),
            Some(&Share { count: 7, of: 12 })
        );
        let day = |d: usize| retention.days[d - 1];
        assert_eq!(
            day(1).share_of_registered.value(),
            Some(&Share { count: 9, of: 12 })
        );
        // Day 2 exists only at the three-day event: 5 of its 7.
        assert_eq!(
            day(2).share_of_registered.value(),
            Some(&Share { count: 5, of: 7 })
        );
        assert_eq!(day(2).left_since_previous_day, 1);
        assert_eq!(day(3).present, 4);
    }

    #[test]
    fn a_pattern_with_days_beyond_its_event_is_refused() {
        let mut pooled = Attendance::new(3).expect("three days");
        assert!(pooled.register_pattern(2, 0b100, 1).is_err());
        assert!(pooled.register_pattern(4, 0b1, 1).is_err());
        assert!(pooled.register_pattern(0, 0, 1).is_err());
        assert_eq!(pooled.registered(), 0);
    }
}
