//! The instruments of an event and when each one is open.

use jiff::ToSpan;
use jiff::civil::Date;

use super::code::ShortCode;
use crate::events::{Event, EventId};
use crate::lang::Lang;
use crate::time::Timestamp;

/// What an instrument asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InstrumentKind {
    PreTest,
    PostTest,
    Feedback,
    FollowUp,
}

impl InstrumentKind {
    pub const ALL: [InstrumentKind; 4] = [
        InstrumentKind::PreTest,
        InstrumentKind::PostTest,
        InstrumentKind::Feedback,
        InstrumentKind::FollowUp,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InstrumentKind::PreTest => "pre_test",
            InstrumentKind::PostTest => "post_test",
            InstrumentKind::Feedback => "feedback",
            InstrumentKind::FollowUp => "follow_up",
        }
    }

    pub fn parse(text: &str) -> Option<InstrumentKind> {
        InstrumentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
    }

    pub fn message_id(self) -> &'static str {
        match self {
            InstrumentKind::PreTest => "instrument-pre_test",
            InstrumentKind::PostTest => "instrument-post_test",
            InstrumentKind::Feedback => "instrument-feedback",
            InstrumentKind::FollowUp => "instrument-follow_up",
        }
    }

    /// Whether it is scored from questions of the bank.
    pub fn is_test(self) -> bool {
        matches!(self, InstrumentKind::PreTest | InstrumentKind::PostTest)
    }
}

/// Whether people can answer now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstrumentState {
    NotYetOpen,
    Open,
    /// Past its window, or closed early by a trainer.
    Closed,
}

impl InstrumentState {
    pub fn message_id(self) -> &'static str {
        match self {
            InstrumentState::NotYetOpen => "instrument-state-not-yet",
            InstrumentState::Open => "instrument-state-open",
            InstrumentState::Closed => "instrument-state-closed",
        }
    }
}

/// An instrument of one event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instrument {
    pub id: String,
    pub event_id: EventId,
    pub kind: InstrumentKind,
    pub code: ShortCode,
    /// First and last day (Kyiv calendar) people can answer, inclusive.
    pub opens_on: Date,
    pub closes_on: Date,
    /// Set when a trainer closed it before `closes_on`.
    pub closed_at: Option<Timestamp>,
    /// Tests: the bank's questions in the order shown.
    pub question_ids: Vec<String>,
    /// Follow-up: weeks after the event.
    pub follow_up_weeks: u32,
    /// Second attempts by a code that had already answered, refused.
    pub refused_attempts: u32,
    pub created_at: Timestamp,
}

impl Instrument {
    pub fn state(&self, today: Date) -> InstrumentState {
        if self.closed_at.is_some() || today > self.closes_on {
            InstrumentState::Closed
        } else if today < self.opens_on {
            InstrumentState::NotYetOpen
        } else {
            InstrumentState::Open
        }
    }
}

/// The days an instrument of an event is open, by the rule trainers expect:
/// the pre-test from a week before the event to its first day; the post-test
/// from the first day to a week after the end (online courses finish late);
/// feedback from the first day to two weeks after; the follow-up for four
/// weeks from `weeks` weeks after the end.
pub fn instrument_window(kind: InstrumentKind, event: &Event, weeks: u32) -> (Date, Date) {
    let (start, end) = (event.details.start, event.details.end);
    let add = |day: Date, days: i64| day.checked_add(days.days()).unwrap_or(day);
    match kind {
        InstrumentKind::PreTest => (add(start, -7), start),
        InstrumentKind::PostTest => (start, add(end, 7)),
        InstrumentKind::Feedback => (start, add(end, 14)),
        InstrumentKind::FollowUp => {
            let opens = add(end, 7 * i64::from(weeks));
            (opens, add(opens, 28))
        }
    }
}

/// A ready set of instruments: the questions of the tests and the follow-up
/// delay, so a trainer sets up an event in a minute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub id: String,
    pub name_uk: String,
    pub name_en: String,
    pub question_ids: Vec<String>,
    pub follow_up_weeks: u32,
    pub created_at: Timestamp,
}

impl Template {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Uk if !self.name_uk.is_empty() => &self.name_uk,
            Lang::En if !self.name_en.is_empty() => &self.name_en,
            Lang::Uk => &self.name_en,
            Lang::En => &self.name_uk,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{EventDetails, EventFormat, EventStatus};

    fn event() -> Event {
        let day = |d: &str| d.parse::<Date>().unwrap();
        Event {
            id: EventId("e".into()),
            details: EventDetails {
                title: "t".into(),
                type_id: "training".into(),
                topics: vec![],
                format: EventFormat::InPerson,
                start: day("2024-03-12"),
                end: day("2024-03-14"),
                days: vec![day("2024-03-12"), day("2024-03-13"), day("2024-03-14")],
                oblast: None,
                city: String::new(),
                venue: String::new(),
                trainers: vec![],
                funder_ids: vec![],
                budget: None,
                agenda: String::new(),
                planned_participants: None,
                actual_participants: None,
                status: EventStatus::Held,
                notes: String::new(),
            },
            created_by: None,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn instruments_open_and_close_with_the_event_and_can_be_closed_early() {
        let event = event();
        let (opens, closes) = instrument_window(InstrumentKind::PreTest, &event, 0);
        assert_eq!(
            (opens.to_string(), closes.to_string()),
            ("2024-03-05".into(), "2024-03-12".into())
        );
        let (opens, closes) = instrument_window(InstrumentKind::FollowUp, &event, 6);
        assert_eq!(
            (opens.to_string(), closes.to_string()),
            ("2024-04-25".into(), "2024-05-23".into())
        );
        let mut instrument = Instrument {
            id: "i".into(),
            event_id: event.id.clone(),
            kind: InstrumentKind::PostTest,
            code: ShortCode::generate(),
            opens_on: "2024-03-12".parse().unwrap(),
            closes_on: "2024-03-21".parse().unwrap(),
            closed_at: None,
            question_ids: vec![],
            follow_up_weeks: 0,
            refused_attempts: 0,
            created_at: Timestamp(0),
        };
        let day = |d: &str| d.parse::<Date>().unwrap();
        assert_eq!(
            instrument.state(day("2024-03-11")),
            InstrumentState::NotYetOpen
        );
        assert_eq!(instrument.state(day("2024-03-12")), InstrumentState::Open);
        assert_eq!(instrument.state(day("2024-03-21")), InstrumentState::Open);
        assert_eq!(instrument.state(day("2024-03-22")), InstrumentState::Closed);
        instrument.closed_at = Some(Timestamp(1));
        assert_eq!(instrument.state(day("2024-03-13")), InstrumentState::Closed);
    }
}
