//! A participant of the register: a pseudonym (code and nickname), a few
//! fields for figures (oblast, group, gender, age band), and, only with the
//! person's consent, a real name and contacts that reach the store encrypted.

use std::fmt;

use super::uic::Uic;
use crate::org::Oblast;
use crate::time::Timestamp;

/// A participant's random identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParticipantId(pub String);

impl fmt::Display for ParticipantId {
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

            /// The stable name in the database, forms and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text.trim() { $($code => Some($name::$variant),)* _ => None }
            }

            /// The Fluent id of its name.
            pub fn message_id(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, $code),)* }
            }
        }
    };
}

choice!(
    /// How a person relates to the programme.
    Group, "participant-group-", {
        CommunityMember => "community_member",
        PeerLeader => "peer_leader",
        PartnerNgoStaff => "partner_ngo_staff",
        Volunteer => "volunteer",
        Other => "other",
    }
);

choice!(
    /// Gender as the person states it.
    Gender, "participant-gender-", {
        Woman => "woman",
        Man => "man",
        TransWoman => "trans_woman",
        TransMan => "trans_man",
        NonBinary => "non_binary",
        NotStated => "not_stated",
    }
);

choice!(
    /// Age in bands, never a date of birth.
    AgeBand, "participant-age-", {
        Under18 => "under_18",
        From18To24 => "18_24",
        From25To34 => "25_34",
        From35To44 => "35_44",
        From45To54 => "45_54",
        From55 => "55_plus",
    }
);

choice!(
    /// What a person agreed their details may be used for.
    ConsentPurpose, "participant-consent-", {
        Contact => "contact",
        Certificate => "certificate",
    }
);

/// The consents in force, one per purpose.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Consents {
    /// Contact for follow-up (phone, messenger).
    pub contact: bool,
    /// The real name printed on certificates of attendance.
    pub certificate: bool,
}

impl Consents {
    pub fn given(self, purpose: ConsentPurpose) -> bool {
        match purpose {
            ConsentPurpose::Contact => self.contact,
            ConsentPurpose::Certificate => self.certificate,
        }
    }
}

/// An encrypted value, as the store keeps it. Only the binary's vault can open
/// it; it never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed(pub Vec<u8>);

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Sealed({} bytes)", self.0.len())
    }
}

/// The encrypted personal fields of a participant, and the blind index of the
/// phone number for exact-match duplicate checks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SealedPersonal {
    pub real_name: Option<Sealed>,
    pub phone: Option<Sealed>,
    pub messenger: Option<Sealed>,
    pub phone_index: Option<String>,
}

/// A nickname: 1 to 60 characters, trimmed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nickname(String);

impl Nickname {
    pub fn parse(text: &str) -> Option<Nickname> {
        let nickname = text.split_whitespace().collect::<Vec<_>>().join(" ");
        (1..=60)
            .contains(&nickname.chars().count())
            .then_some(Nickname(nickname))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The descriptive fields staff may change without touching the code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantProfile {
    pub nickname: Nickname,
    pub oblast: Option<Oblast>,
    pub group: Option<Group>,
    pub gender: Option<Gender>,
    pub age_band: Option<AgeBand>,
}

/// A new participant, its id chosen before its fields were encrypted (the
/// ciphertext is bound to it).
#[derive(Clone, Debug)]
pub struct NewParticipant {
    pub id: ParticipantId,
    pub uic: Uic,
    /// The scheme that computed the code (`UicScheme::encode`).
    pub uic_scheme: String,
    pub profile: ParticipantProfile,
    pub consents: Consents,
    pub personal: SealedPersonal,
}

/// A participant as stored.
#[derive(Clone, Debug)]
pub struct Participant {
    pub id: ParticipantId,
    pub uic: Uic,
    pub uic_scheme: String,
    pub profile: ParticipantProfile,
    pub consents: Consents,
    pub personal: SealedPersonal,
    /// Set when this record was merged into another; it is kept, read-only.
    pub merged_into: Option<ParticipantId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A line of the register: what lists and searches show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParticipantSummary {
    pub id: ParticipantId,
    pub uic: Uic,
    pub nickname: String,
    pub oblast: Option<Oblast>,
    pub group: Option<Group>,
    pub merged_into: Option<ParticipantId>,
    pub events: u32,
}

/// What happens to one encrypted field when a participant is edited.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FieldUpdate {
    #[default]
    Keep,
    Set(Sealed),
    Erase,
}

/// A change of a participant's record, applied in one transaction with the
/// consent history.
#[derive(Clone, Debug)]
pub struct ParticipantChange {
    pub profile: ParticipantProfile,
    pub consents: Consents,
    pub real_name: FieldUpdate,
    pub phone: FieldUpdate,
    pub messenger: FieldUpdate,
    /// Replaces the phone's blind index when the phone is set or erased.
    pub phone_index: Option<String>,
}

/// One change of consent, kept for the record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecord {
    pub purpose: ConsentPurpose,
    pub given: bool,
    pub at: Timestamp,
    /// The staff account that recorded it (`None` for imports by command).
    pub by: Option<String>,
}

/// A phone number, normalised to international form: `+380671234567`.
#[derive(Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    /// Accepts digits with spaces, brackets, dots and dashes, optionally
    /// starting with `+`; a Ukrainian number written with its leading zero
    /// gets `+38`.
    pub fn parse(text: &str) -> Option<Phone> {
        let text = text.trim();
        let allowed = |c: char| c.is_ascii_digit() || " ()-.".contains(c);
        let (plus, rest) = match text.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        if rest.is_empty() || !rest.chars().all(allowed) {
            return None;
        }
        let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
        let international = if !plus && digits.len() == 10 && digits.starts_with('0') {
            format!("38{digits}")
        } else {
            digits
        };
        (9..=15)
            .contains(&international.len())
            .then(|| Phone(format!("+{international}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Phone([redacted])")
    }
}

/// Personal details as typed, before encryption. Never printed.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PersonalDetails {
    pub real_name: Option<String>,
    pub phone: Option<Phone>,
    pub messenger: Option<String>,
}

impl fmt::Debug for PersonalDetails {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PersonalDetails([redacted])")
    }
}

/// Why personal details are refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PersonalProblem {
    /// A real name without any consent that needs it.
    NameWithoutConsent,
    /// A phone or messenger handle without consent to be contacted.
    ContactWithoutConsent,
    PhoneInvalid,
    TooLong,
}

impl PersonalProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            PersonalProblem::NameWithoutConsent => "participant-name-without-consent",
            PersonalProblem::ContactWithoutConsent => "participant-contact-without-consent",
            PersonalProblem::PhoneInvalid => "participant-phone-invalid",
            PersonalProblem::TooLong => "participant-text-too-long",
        }
    }
}

/// The form fields personal problems belong to.
pub mod personal_field {
    pub const REAL_NAME: &str = "real_name";
    pub const PHONE: &str = "phone";
    pub const MESSENGER: &str = "messenger";
}

/// Checks typed personal details against the consents given: a name only with
/// a consent (certificates or contact), contacts only with consent to be
/// contacted. Empty text counts as not given.
pub fn check_personal(
    consents: Consents,
    real_name: &str,
    phone: &str,
    messenger: &str,
) -> Result<PersonalDetails, Vec<(&'static str, PersonalProblem)>> {
    let mut problems = Vec::new();
    let text = |value: &str, field: &'static str, max: usize, problems: &mut Vec<_>| {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.chars().count() > max {
            problems.push((field, PersonalProblem::TooLong));
        }
        (!value.is_empty()).then_some(value)
    };
    let real_name = text(real_name, personal_field::REAL_NAME, 200, &mut problems);
    let messenger = text(messenger, personal_field::MESSENGER, 100, &mut problems);
    let phone_typed = !phone.trim().is_empty();
    let phone = if !phone_typed {
        None
    } else {
        let parsed = Phone::parse(phone);
        if parsed.is_none() {
            problems.push((personal_field::PHONE, PersonalProblem::PhoneInvalid));
        }
        parsed
    };
    if real_name.is_some() && !consents.contact && !consents.certificate {
        problems.push((
            personal_field::REAL_NAME,
            PersonalProblem::NameWithoutConsent,
        ));
    }
    if !consents.contact {
        if phone_typed {
            problems.push((
                personal_field::PHONE,
                PersonalProblem::ContactWithoutConsent,
            ));
        }
        if messenger.is_some() {
            problems.push((
                personal_field::MESSENGER,
                PersonalProblem::ContactWithoutConsent,
            ));
        }
    }
    if problems.is_empty() {
        Ok(PersonalDetails {
            real_name,
            phone,
            messenger,
        })
    } else {
        Err(problems)
    }
}

/// When a consent is withdrawn, the details it covered go: contacts without
/// consent to contact, the name without any consent.
pub fn fields_to_erase(consents: Consents) -> (bool, bool, bool) {
    let erase_contacts = !consents.contact;
    let erase_name = !consents.contact && !consents.certificate;
    (erase_name, erase_contacts, erase_contacts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_international_form() {
        for written in ["+380 (67) 123-45-67", "067 123 45 67", "+380671234567"] {
            assert_eq!(
                Phone::parse(written).unwrap().as_str(),
                "+380671234567",
                "{written}"
            );
        }
        assert!(Phone::parse("12-34").is_none());
        assert!(Phone::parse("call me").is_none());
        assert_eq!(
            format!("{:?}", Phone::parse("0671234567").unwrap()),
            "Phone([redacted])"
        );
    }

    #[test]
    fn a_name_needs_a_consent_and_contacts_need_consent_to_contact() {
        let none = Consents::default();
        let problems = check_personal(none, "Олена Коваль", "0671234567", "@olena").unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("real_name", PersonalProblem::NameWithoutConsent),
                ("phone", PersonalProblem::ContactWithoutConsent),
                ("messenger", PersonalProblem::ContactWithoutConsent),
            ]
        );
        let certificate_only = Consents {
            contact: false,
            certificate: true,
        };
        assert!(check_personal(certificate_only, "Олена", "", "").is_ok());
        assert!(check_personal(certificate_only, "", "0671234567", "").is_err());
        let both = Consents {
            contact: true,
            certificate: true,
        };
        let details = check_personal(both, "  Олена   Коваль ", "067 123 45 67", "").unwrap();
        assert_eq!(details.real_name.as_deref(), Some("Олена Коваль"));
        assert_eq!(details.phone.unwrap().as_str(), "+380671234567");
        assert_eq!(details.messenger, None);
    }

    #[test]
    fn withdrawing_consent_erases_what_it_covered() {
        assert_eq!(
            fields_to_erase(Consents {
                contact: false,
                certificate: true
            }),
            (false, true, true)
        );
        assert_eq!(fields_to_erase(Consents::default()), (true, true, true));
        assert_eq!(
            fields_to_erase(Consents {
                contact: true,
                certificate: false
            }),
            (false, false, false)
        );
    }

    #[test]
    fn choices_round_trip_through_their_names() {
        for group in Group::ALL {
            assert_eq!(Group::parse(group.as_str()), Some(*group));
        }
        for band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.as_str()), Some(*band));
        }
        assert_eq!(Gender::parse("woman"), Some(Gender::Woman));
        assert_eq!(
            ConsentPurpose::Certificate.message_id(),
            "participant-consent-certificate"
        );
        assert!(Nickname::parse("   ").is_none());
        assert_eq!(Nickname::parse(" Оля   К ").unwrap().as_str(), "Оля К");
    }
}
