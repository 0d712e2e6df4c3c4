//! The pseudonymous participant register: codes computed from answers,
//! nicknames, consented personal details (encrypted by the binary before they
//! reach the store), near-duplicates, merges and imports.

mod duplicates;
pub mod import;
mod participant;
mod store;
pub mod translit;
mod uic;

pub use duplicates::{CodeEntry, DuplicateCandidate, DuplicateReason, near_duplicates};
pub use participant::{
    AgeBand, ConsentPurpose, ConsentRecord, Consents, FieldUpdate, Gender, Group, NewParticipant,
    Nickname, Participant, ParticipantChange, ParticipantId, ParticipantProfile,
    ParticipantSummary, PersonalDetails, PersonalProblem, Phone, Sealed, SealedPersonal,
    check_personal, fields_to_erase, personal_field,
};
pub use store::{MergeOutcome, ParticipantQuery, ParticipantStore, StagedImport};
pub use uic::{
    BirthFormat, Sex, UIC_SCHEME_SETTING, Uic, UicAnswers, UicParts, UicProblem, UicScheme,
    UicSchemeProblem, answer,
};
