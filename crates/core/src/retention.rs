//! How long each class of data is kept before Kolo erases it by itself.

use std::fmt;

/// A class of data with its own retention rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DataClass {
    /// A participant's real name, phone and messenger handle, counted from the
    /// last time the person was seen (registered or attended).
    ParticipantContacts,
    /// The narrative of a documented case, counted from the case's closing.
    CaseNarratives,
    /// Audit log entries, counted from when they were written.
    Audit,
}

impl DataClass {
    pub const ALL: [DataClass; 3] = [
        DataClass::ParticipantContacts,
        DataClass::CaseNarratives,
        DataClass::Audit,
    ];

    /// The default retention in months: contacts 24, narratives and audit 60.
    pub fn default_months(self) -> u32 {
        match self {
            DataClass::ParticipantContacts => 24,
            DataClass::CaseNarratives | DataClass::Audit => 60,
        }
    }

    /// The setting that holds an admin's choice.
    pub fn setting(self) -> &'static str {
        match self {
            DataClass::ParticipantContacts => "retention.participant_contacts",
            DataClass::CaseNarratives => "retention.case_narratives",
            DataClass::Audit => "retention.audit",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::ParticipantContacts => "participant_contacts",
            DataClass::CaseNarratives => "case_narratives",
            DataClass::Audit => "audit",
        }
    }

    pub fn parse(text: &str) -> Option<DataClass> {
        DataClass::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// The Fluent id of the class's name.
    pub fn message_id(self) -> &'static str {
        match self {
            DataClass::ParticipantContacts => "retention-participant_contacts",
            DataClass::CaseNarratives => "retention-case_narratives",
            DataClass::Audit => "retention-audit",
        }
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Months an admin may choose: at least one month, at most fifty years.
pub const MONTHS: std::ops::RangeInclusive<u32> = 1..=600;

/// Reads a stored choice; anything unreadable falls back to the default.
pub fn months_from_setting(class: DataClass, value: Option<&str>) -> u32 {
    value
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|m| MONTHS.contains(m))
        .unwrap_or_else(|| class.default_months())
}

/// The moment before which data of a class is erased, `months` before `now`
/// (a month counted as 30.44 days, the mean of the Gregorian calendar).
pub fn cutoff(now: crate::time::Timestamp, months: u32) -> crate::time::Timestamp {
    now.minus_seconds(i64::from(months) * 2_629_746)
}

/// Erasures the retention job and "forget this person" need from storage.
#[async_trait::async_trait]
pub trait ErasureStore: Send + Sync {
    /// Erases the contact details (real name, phone, messenger and the phone's
    /// index) of participants not seen since `seen_before` (not created, and not
    /// registered to an event registered or ending since then; `before_date` is
    /// the same moment as a `YYYY-MM-DD` date). Returns how many participants.
    async fn erase_stale_participant_contacts(
        &self,
        seen_before: crate::time::Timestamp,
        before_date: &str,
        now: crate::time::Timestamp,
    ) -> Result<u64, crate::store::StoreError>;
    /// Erases everything personal about a participant (contact details, the
    /// nickname, the consent history) and keeps the pseudonymous facts (the code,
    /// registrations, attendance) so figures stay true. `false` if there is no
    /// such participant. Records merged into it (the same person) are erased
    /// too. One transaction.
    async fn forget_participant(
        &self,
        id: &str,
        now: crate::time::Timestamp,
    ) -> Result<bool, crate::store::StoreError>;
}

/// The nickname a forgotten participant keeps: a mark, not a name.
pub const FORGOTTEN_NICKNAME: &str = "—";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_24_months_for_contacts_and_five_years_for_narratives_and_audit() {
        assert_eq!(
            months_from_setting(DataClass::ParticipantContacts, None),
            24
        );
        assert_eq!(months_from_setting(DataClass::Audit, Some("nonsense")), 60);
        assert_eq!(months_from_setting(DataClass::Audit, Some("0")), 60);
        assert_eq!(
            months_from_setting(DataClass::CaseNarratives, Some("72")),
            72
        );
    }
}
