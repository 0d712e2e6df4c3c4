//! Learning outcomes: the question bank, the instruments of an event (pre-test,
//! post-test, feedback form, follow-up questionnaire) with their short codes,
//! and the answers people give, keyed by their participant code (UIC) so the
//! same person's pre-test and post-test pair up.
//!
//! Everything here is pure: checking a submission, scoring it, deciding
//! whether an instrument is open. Storage is behind [`OutcomeStore`].

mod bank;
mod code;
mod import;
mod instrument;
mod paper;
mod response;
mod sheet;
mod store;

pub use bank::{
    AnswerOption, MAX_OPTIONS, Question, QuestionInput, QuestionKind, QuestionProblem,
    check_question, option_letter, parse_letter,
};
pub use code::{CODE_ALPHABET, CODE_LENGTH, ShortCode};
pub use import::{
    ResultsContext, ResultsMapping, ResultsProblem, ResultsRow, check_mapping, check_results,
};
pub use instrument::{Instrument, InstrumentKind, InstrumentState, Template, instrument_window};
pub use paper::{PaperProblem, check_paper_row};
pub use response::{
    ACTIONS, Answer, BARRIERS, FEEDBACK_ITEMS, MAX_COMMENT_CHARS, NewResponse, ResponseSource,
    Scored, StoredResponse, SubmissionProblem, check_feedback, check_follow_up, check_for,
    check_test, likert_field, question_field, score_test,
};
pub use sheet::{FormColumn, Sheet, USED_OPTIONS, check_form_row, form_columns};
pub use store::{
    AttendanceCount, EvidenceFacts, FollowUpCount, OutcomeStore, RatingCount, SaveOutcome,
    ScorePairCount, StagedResults,
};
