//! An event of the programme (training, workshop, strategic session, ...):
//! what it is, when and where, who runs and funds it, and how it went.

use std::fmt;

use jiff::civil::Date;

use crate::auth::UserId;
use crate::org::Oblast;
use crate::time::Timestamp;

/// An event's random identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(pub String);

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, { $($variant:ident => $code:literal,)* }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text.trim() { $($code => Some($name::$variant),)* _ => None }
            }

            pub fn message_id(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, $code),)* }
            }
        }
    };
}

choice!(
    /// Where people meet.
    EventFormat, "event-format-", {
        InPerson => "in_person",
        Online => "online",
        Hybrid => "hybrid",
    }
);

choice!(
    EventStatus, "event-status-", {
        Planned => "planned",
        Held => "held",
        Cancelled => "cancelled",
    }
);

choice!(
    /// The currencies budgets are kept in.
    Currency, "currency-", {
        Uah => "UAH",
        Usd => "USD",
        Eur => "EUR",
    }
);

/// An amount of money in minor units (kopiykas, cents), never a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    /// Reads `12 500`, `12500,50` or `12,500.50`: spaces (also no-break) and
    /// thousands separators are ignored, the last `,` or `.` followed by one
    /// or two digits is the decimal mark. Negative amounts are refused.
    pub fn parse(text: &str, currency: Currency) -> Option<Money> {
        let cleaned: String = text
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
            .collect();
        if cleaned.is_empty()
            || !cleaned
                .chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return None;
        }
        let (whole, fraction) = match cleaned.rfind([',', '.']) {
            Some(i) if cleaned.len() - i - 1 <= 2 && cleaned.len() - i > 1 => {
                (&cleaned[..i], &cleaned[i + 1..])
            }
            _ => (cleaned.as_str(), ""),
        };
        let whole_digits: String = whole.chars().filter(char::is_ascii_digit).collect();
        let whole_value: i64 = if whole_digits.is_empty() {
            0
        } else {
            whole_digits.parse().ok()?
        };
        let fraction_value: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().ok()? * 10,
            _ => fraction.parse().ok()?,
        };
        let minor = whole_value.checked_mul(100)?.checked_add(fraction_value)?;
        Some(Money { minor, currency })
    }

    /// `12 500.50 UAH`, with a thin space between thousands.
    pub fn display(&self) -> String {
        let whole = (self.minor / 100).to_string();
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push('\u{202f}');
            }
            grouped.push(c);
        }
        let cents = self.minor % 100;
        if cents == 0 {
            format!("{grouped} {}", self.currency.as_str())
        } else {
            format!("{grouped}.{cents:02} {}", self.currency.as_str())
        }
    }

    /// The amount as typed back into a form: `12500.50`.
    pub fn plain(&self) -> String {
        if self.minor % 100 == 0 {
            (self.minor / 100).to_string()
        } else {
            format!("{}.{:02}", self.minor / 100, self.minor % 100)
        }
    }
}

/// A kind of event. The list is the organisation's, editable in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventType {
    pub id: String,
    pub name_uk: String,
    pub name_en: String,
    pub position: i64,
    /// Retired types stay on past events but are not offered for new ones.
    pub retired: bool,
}

impl EventType {
    pub fn name(&self, lang: crate::lang::Lang) -> &str {
        match lang {
            crate::lang::Lang::Uk => &self.name_uk,
            crate::lang::Lang::En => &self.name_en,
        }
    }
}

/// Who runs an event: a member of staff, or someone from outside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trainer {
    Staff(UserId),
    External(String),
}

/// A funder of the programme and its grant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Funder {
    pub id: String,
    pub name: String,
    pub grant_code: String,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
}

/// Everything about an event that a person types.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDetails {
    pub title: String,
    pub type_id: String,
    pub topics: Vec<String>,
    pub format: EventFormat,
    pub start: Date,
    pub end: Date,
    /// The days the event is held, within `start..=end`, sorted.
    pub days: Vec<Date>,
    pub oblast: Option<Oblast>,
    pub city: String,
    pub venue: String,
    pub trainers: Vec<Trainer>,
    pub funder_ids: Vec<String>,
    pub budget: Option<Money>,
    pub agenda: String,
    pub planned_participants: Option<u32>,
    pub actual_participants: Option<u32>,
    pub status: EventStatus,
    pub notes: String,
}

/// A stored event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: EventId,
    pub details: EventDetails,
    pub created_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Event {
    /// Whether a staff account is one of the event's trainers.
    pub fn is_trainer(&self, user: &UserId) -> bool {
        self.details
            .trainers
            .iter()
            .any(|t| matches!(t, Trainer::Staff(id) if id == user))
    }

    pub fn has_day(&self, day: Date) -> bool {
        self.details.days.binary_search(&day).is_ok()
    }
}

/// A line of the event list, with its counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventListItem {
    pub id: EventId,
    pub title: String,
    pub type_id: String,
    pub format: EventFormat,
    pub start: Date,
    pub end: Date,
    pub oblast: Option<Oblast>,
    pub city: String,
    pub status: EventStatus,
    pub registered: u32,
    /// People present on at least one day.
    pub attended: u32,
}

/// Which events to list. Every set field narrows the list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Events that end on or after this day.
    pub from: Option<Date>,
    /// Events that start on or before this day.
    pub until: Option<Date>,
    pub type_id: Option<String>,
    pub format: Option<EventFormat>,
    pub oblast: Option<Oblast>,
    pub funder_id: Option<String>,
    /// Events this staff account is a trainer of.
    pub trainer: Option<UserId>,
    pub status: Option<EventStatus>,
}

/// The longest event Kolo plans: a month of days fits a sign-in sheet.
pub const MAX_EVENT_DAYS: usize = 31;
