//! Checking an event as typed (on the form or in the API) field by field, so
//! the person sees every problem at once, next to the field.

use jiff::ToSpan;
use jiff::civil::Date;

use super::event::{
    Currency, EventDetails, EventFormat, EventStatus, EventType, Funder, MAX_EVENT_DAYS, Money,
    Trainer,
};
use crate::auth::{User, UserId};
use crate::org::Oblast;

/// The event's fields as text, as they arrive.
#[derive(Clone, Debug, Default)]
pub struct EventInput {
    pub title: String,
    pub type_id: String,
    /// Comma-separated tags.
    pub topics: String,
    pub format: String,
    /// `YYYY-MM-DD`.
    pub start_date: String,
    pub end_date: String,
    /// Comma- or space-separated `YYYY-MM-DD` days; empty means every day from
    /// start to end.
    pub days: String,
    pub oblast: String,
    pub city: String,
    pub venue: String,
    /// Ids of staff accounts.
    pub staff_trainers: Vec<String>,
    /// Names of external trainers, one per line.
    pub external_trainers: String,
    pub funder_ids: Vec<String>,
    pub budget_amount: String,
    pub budget_currency: String,
    pub agenda: String,
    pub planned_participants: String,
    pub actual_participants: String,
    pub status: String,
    pub notes: String,
}

/// Why a field is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventProblem {
    TitleMissing,
    TitleTooLong,
    TypeUnknown,
    FormatUnknown,
    DateInvalid,
    EndBeforeStart,
    TooLong,
    DayInvalid,
    DayOutside,
    OblastUnknown,
    OblastRequired,
    TrainerUnknown,
    FunderUnknown,
    AmountInvalid,
    CurrencyRequired,
    CurrencyUnknown,
    NumberInvalid,
    StatusUnknown,
    TextTooLong,
}

impl EventProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            EventProblem::TitleMissing => "event-title-missing",
            EventProblem::TitleTooLong => "event-title-too-long",
            EventProblem::TypeUnknown => "event-type-unknown",
            EventProblem::FormatUnknown => "event-format-unknown",
            EventProblem::DateInvalid => "event-date-invalid",
            EventProblem::EndBeforeStart => "event-end-before-start",
            EventProblem::TooLong => "event-too-long",
            EventProblem::DayInvalid => "event-day-invalid",
            EventProblem::DayOutside => "event-day-outside",
            EventProblem::OblastUnknown => "event-oblast-unknown",
            EventProblem::OblastRequired => "event-oblast-required",
            EventProblem::TrainerUnknown => "event-trainer-unknown",
            EventProblem::FunderUnknown => "event-funder-unknown",
            EventProblem::AmountInvalid => "event-amount-invalid",
            EventProblem::CurrencyRequired => "event-currency-required",
            EventProblem::CurrencyUnknown => "event-currency-unknown",
            EventProblem::NumberInvalid => "event-number-invalid",
            EventProblem::StatusUnknown => "event-status-unknown",
            EventProblem::TextTooLong => "event-text-too-long",
        }
    }
}

/// What the check looks names up in.
pub struct EventRefs<'a> {
    pub types: &'a [EventType],
    pub funders: &'a [Funder],
    pub staff: &'a [User],
}

/// A field name and its problem.
pub type FieldProblem = (&'static str, EventProblem);

/// Checks every field; the result is either a complete event or the list of
/// every problem found.
pub fn check_event(
    input: &EventInput,
    refs: &EventRefs<'_>,
) -> Result<EventDetails, Vec<FieldProblem>> {
    let mut problems: Vec<FieldProblem> = Vec::new();
    let title = one_line(&input.title);
    if title.is_empty() {
        problems.push(("title", EventProblem::TitleMissing));
    } else if title.chars().count() > 200 {
        problems.push(("title", EventProblem::TitleTooLong));
    }
    let type_id = input.type_id.trim().to_owned();
    if !refs.types.iter().any(|t| t.id == type_id) {
        problems.push(("type_id", EventProblem::TypeUnknown));
    }
    let topics = parse_topics(&input.topics);
    let format = EventFormat::parse(&input.format);
    if format.is_none() {
        problems.push(("format", EventProblem::FormatUnknown));
    }
    let start = parse_day(&input.start_date);
    if start.is_none() {
        problems.push(("start_date", EventProblem::DateInvalid));
    }
    let end = parse_day(&input.end_date);
    if end.is_none() {
        problems.push(("end_date", EventProblem::DateInvalid));
    }
    let mut days = Vec::new();
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            problems.push(("end_date", EventProblem::EndBeforeStart));
        } else if day_count(start, end) > MAX_EVENT_DAYS {
            problems.push(("end_date", EventProblem::TooLong));
        } else {
            match parse_days(&input.days, start, end) {
                Ok(list) => days = list,
                Err(problem) => problems.push(("days", problem)),
            }
        }
    }
    let oblast = if input.oblast.trim().is_empty() {
        None
    } else {
        let found = Oblast::from_code(&input.oblast);
        if found.is_none() {
            problems.push(("oblast", EventProblem::OblastUnknown));
        }
        found
    };
    if oblast.is_none()
        && input.oblast.trim().is_empty()
        && matches!(format, Some(EventFormat::InPerson | EventFormat::Hybrid))
    {
        problems.push(("oblast", EventProblem::OblastRequired));
    }
    let mut trainers = Vec::new();
    for id in input
        .staff_trainers
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if refs.staff.iter().any(|u| u.id.0 == id && !u.disabled) {
            let trainer = Trainer::Staff(UserId(id.to_owned()));
            if !trainers.contains(&trainer) {
                trainers.push(trainer);
            }
        } else {
            problems.push(("staff_trainers", EventProblem::TrainerUnknown));
        }
    }
    for name in input
        .external_trainers
        .lines()
        .map(one_line)
        .filter(|n| !n.is_empty())
    {
        if name.chars().count() > 120 {
            problems.push(("external_trainers", EventProblem::TextTooLong));
        } else {
            trainers.push(Trainer::External(name));
        }
    }
    let mut funder_ids = Vec::new();
    for id in input
        .funder_ids
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        if refs.funders.iter().any(|f| f.id == id) {
            if !funder_ids.iter().any(|f| f == id) {
                funder_ids.push(id.to_owned());
            }
        } else {
            problems.push(("funder_ids", EventProblem::FunderUnknown));
        }
    }
    let budget = parse_budget(&input.budget_amount, &input.budget_currency, &mut problems);
    let planned_participants = parse_count(
        &input.planned_participants,
        "planned_participants",
        &mut problems,
    );
    let actual_participants = parse_count(
        &input.actual_participants,
        "actual_participants",
        &mut problems,
    );
    let status = if input.status.trim().is_empty() {
        Some(EventStatus::Planned)
    } else {
        EventStatus::parse(&input.status)
    };
    if status.is_none() {
        problems.push(("status", EventProblem::StatusUnknown));
    }
    let city = one_line(&input.city);
    let venue = one_line(&input.venue);
    for (field, value, max) in [
        ("city", city.as_str(), 100),
        ("venue", venue.as_str(), 200),
        ("agenda", input.agenda.as_str(), 20_000),
        ("notes", input.notes.as_str(), 20_000),
    ] {
        if value.chars().count() > max {
            problems.push((field, EventProblem::TextTooLong));
        }
    }
    match (format, start, end, status, problems.is_empty()) {
        (Some(format), Some(start), Some(end), Some(status), true) => Ok(EventDetails {
            title,
            type_id,
            topics,
            format,
            start,
            end,
            days,
            oblast,
            city,
            venue,
            trainers,
            funder_ids,
            budget,
            agenda: input.agenda.trim().to_owned(),
            planned_participants,
            actual_participants,
            status,
            notes: input.notes.trim().to_owned(),
        }),
        _ => Err(problems),
    }
}

/// A `YYYY-MM-DD` day.
pub fn parse_day(text: &str) -> Option<Date> {
    let text = text.trim();
    // jiff also reads `2024-03-12T10:00`; a day field takes a day only.
    (text.len() == 10).then(|| text.parse().ok()).flatten()
}

/// Every day from `start` to `end`, both included.
pub fn days_between(start: Date, end: Date) -> Vec<Date> {
    let mut days = Vec::new();
    let mut day = start;
    while day <= end && days.len() <= MAX_EVENT_DAYS {
        days.push(day);
        match day.checked_add(1.day()) {
            Ok(next) => day = next,
            Err(_) => break,
        }
    }
    days
}

fn day_count(start: Date, end: Date) -> usize {
    days_between(start, end).len()
}

/// The listed days (each within the event), or every day from start to end.
fn parse_days(text: &str, start: Date, end: Date) -> Result<Vec<Date>, EventProblem> {
    let pieces: Vec<&str> = text
        .split([',', ' ', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if pieces.is_empty() {
        return Ok(days_between(start, end));
    }
    let mut days = Vec::new();
    for piece in pieces {
        let day = parse_day(piece).ok_or(EventProblem::DayInvalid)?;
        if day < start || day > end {
            return Err(EventProblem::DayOutside);
        }
        days.push(day);
    }
    days.sort();
    days.dedup();
    Ok(days)
}

fn parse_topics(text: &str) -> Vec<String> {
    let mut topics: Vec<String> = Vec::new();
    for topic in text
        .split([',', ';', '\n'])
        .map(one_line)
        .filter(|t| !t.is_empty())
    {
        let topic: String = topic.chars().take(60).collect();
        if !topics
            .iter()
            .any(|t| t.to_lowercase() == topic.to_lowercase())
        {
            topics.push(topic);
        }
    }
    topics.truncate(20);
    topics
}

fn parse_budget(amount: &str, currency: &str, problems: &mut Vec<FieldProblem>) -> Option<Money> {
    if amount.trim().is_empty() {
        return None;
    }
    let currency = if currency.trim().is_empty() {
        problems.push(("budget_currency", EventProblem::CurrencyRequired));
        return None;
    } else {
        match Currency::parse(&currency.trim().to_ascii_uppercase()) {
            Some(currency) => currency,
            None => {
                problems.push(("budget_currency", EventProblem::CurrencyUnknown));
                return None;
            }
        }
    };
    let money = Money::parse(amount, currency);
    if money.is_none() {
        problems.push(("budget_amount", EventProblem::AmountInvalid));
    }
    money
}

fn parse_count(text: &str, field: &'static str, problems: &mut Vec<FieldProblem>) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.parse::<u32>() {
        Ok(n) if n <= 100_000 => Some(n),
        _ => {
            problems.push((field, EventProblem::NumberInvalid));
            None
        }
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<EventType> {
        vec![EventType {
            id: "training".into(),
            name_uk: "Тренінг".into(),
            name_en: "Training".into(),
            position: 1,
            retired: false,
        }]
    }

    fn input() -> EventInput {
        EventInput {
            title: "Тренінг з моделей регулювання".into(),
            type_id: "training".into(),
            topics: "право, декриміналізація, Право".into(),
            format: "in_person".into(),
            start_date: "2024-03-12".into(),
            end_date: "2024-03-14".into(),
            oblast: "UA-30".into(),
            city: "Київ".into(),
            budget_amount: "12 500,50".into(),
            budget_currency: "uah".into(),
            ..EventInput::default()
        }
    }

    fn check(input: &EventInput) -> Result<EventDetails, Vec<FieldProblem>> {
        let types = types();
        check_event(
            input,
            &EventRefs {
                types: &types,
                funders: &[],
                staff: &[],
            },
        )
    }

    #[test]
    fn a_complete_event_gets_every_day_from_start_to_end() {
        let event = check(&input()).unwrap();
        assert_eq!(event.days.len(), 3);
        assert_eq!(event.topics, vec!["право", "декриміналізація"]);
        assert_eq!(event.budget.unwrap().minor, 1_250_050);
        assert_eq!(event.status, EventStatus::Planned);
    }

    #[test]
    fn an_end_before_the_start_is_refused_on_the_end_date() {
        let mut bad = input();
        bad.end_date = "2024-03-11".into();
        assert_eq!(
            check(&bad).unwrap_err(),
            vec![("end_date", EventProblem::EndBeforeStart)]
        );
    }

    #[test]
    fn listed_days_must_lie_within_the_event() {
        let mut days = input();
        days.days = "2024-03-12, 2024-03-14".into();
        assert_eq!(check(&days).unwrap().days.len(), 2);
        days.days = "2024-03-12 2024-03-20".into();
        assert_eq!(
            check(&days).unwrap_err(),
            vec![("days", EventProblem::DayOutside)]
        );
        days.days = "12.03".into();
        assert_eq!(
            check(&days).unwrap_err(),
            vec![("days", EventProblem::DayInvalid)]
        );
    }

    #[test]
    fn an_unknown_oblast_type_or_currency_is_named() {
        let mut bad = input();
        bad.oblast = "UA-99".into();
        bad.type_id = "party".into();
        bad.budget_currency = "GBP".into();
        bad.planned_participants = "many".into();
        assert_eq!(
            check(&bad).unwrap_err(),
            vec![
                ("type_id", EventProblem::TypeUnknown),
                ("oblast", EventProblem::OblastUnknown),
                ("budget_currency", EventProblem::CurrencyUnknown),
                ("planned_participants", EventProblem::NumberInvalid),
            ]
        );
    }

    #[test]
    fn an_event_in_a_room_needs_an_oblast_and_an_online_one_does_not() {
        let mut event = input();
        event.oblast = String::new();
        assert_eq!(
            check(&event).unwrap_err(),
            vec![("oblast", EventProblem::OblastRequired)]
        );
        event.format = "online".into();
        assert!(check(&event).is_ok());
    }

    #[test]
    fn money_is_read_in_the_ways_people_write_it() {
        let uah = Currency::Uah;
        assert_eq!(Money::parse("12 500", uah).unwrap().minor, 1_250_000);
        assert_eq!(Money::parse("12500,5", uah).unwrap().minor, 1_250_050);
        assert_eq!(Money::parse("12,500.25", uah).unwrap().minor, 1_250_025);
        assert_eq!(Money::parse("1.250.000", uah).unwrap().minor, 125_000_000);
        assert!(Money::parse("-5", uah).is_none());
        assert!(Money::parse("abc", uah).is_none());
        let money = Money::parse("12500.5", Currency::Eur).unwrap();
        assert_eq!(money.display(), "12\u{202f}500.50 EUR");
        assert_eq!(money.plain(), "12500.50");
    }
}
