//! What people answer: checking a submitted form against its instrument, and
//! scoring a test. A submission is checked whole; anything that is not one of
//! the instrument's own questions or options (a tampered form) is refused,
//! never stored.

use std::collections::HashMap;

use super::bank::{Question, QuestionKind, parse_number};
use super::instrument::InstrumentKind;
use crate::auth::UserId;
use crate::participants::{Sealed, Uic};
use crate::time::Timestamp;

/// The Likert (1-5) items of the feedback form, in order.
pub const FEEDBACK_ITEMS: [&str; 4] = ["content", "trainer", "usefulness", "venue"];
/// How people used what they learned (follow-up), in order.
pub const ACTIONS: [&str; 6] = ["shared", "service", "rights", "safety", "referred", "other"];
/// What stopped them (follow-up), in order.
pub const BARRIERS: [&str; 5] = ["no_chance", "fear", "no_support", "forgot", "other"];
/// The longest free text kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// How a response reached Kolo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseSource {
    /// The participant answered on the public page.
    Online,
    /// A trainer typed a paper form.
    Paper,
    /// Imported from another survey tool's export.
    Import,
}

impl ResponseSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseSource::Online => "online",
            ResponseSource::Paper => "paper",
            ResponseSource::Import => "import",
        }
    }

    pub fn parse(text: &str) -> Option<ResponseSource> {
        [
            ResponseSource::Online,
            ResponseSource::Paper,
            ResponseSource::Import,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// One answer: the item (`q.<question id>`, `likert.content`, `recommend`,
/// `used`, `action.shared`, ...) and its value; for test questions whether
/// it was correct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub item: String,
    pub value: String,
    pub correct: Option<bool>,
}

/// A checked submission, ready to store.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Scored {
    pub answers: Vec<Answer>,
    /// Tests only.
    pub points: Option<u32>,
    pub max_points: Option<u32>,
    /// Free text, before encryption.
    pub comment: Option<String>,
}

/// A response to store.
#[derive(Clone, Debug)]
pub struct NewResponse {
    pub id: String,
    pub instrument_id: String,
    pub uic: Uic,
    pub source: ResponseSource,
    pub answers: Vec<Answer>,
    pub points: Option<u32>,
    pub max_points: Option<u32>,
    /// Free text, encrypted by the binary bound to this response's id.
    pub comment: Option<Sealed>,
    pub recorded_by: Option<UserId>,
    pub submitted_at: Timestamp,
}

/// A stored response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredResponse {
    pub id: String,
    pub instrument_id: String,
    pub uic: Uic,
    pub source: ResponseSource,
    pub answers: Vec<Answer>,
    pub points: Option<u32>,
    pub max_points: Option<u32>,
    pub comment: Option<Sealed>,
    pub submitted_at: Timestamp,
}

/// Why a submission is refused. The first four mean the form was changed
/// outside Kolo's page: they are reported as such.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubmissionProblem {
    /// A field that names no item of this instrument.
    UnknownItem(String),
    /// A value that is not one of the item's options or range.
    UnknownOption {
        item: String,
        value: String,
    },
    /// Several options for a question that takes one.
    SeveralAnswers(String),
    /// The item must be answered.
    Unanswered(String),
    /// A numeric question answered with something that is not a number.
    NotANumber(String),
    CommentTooLong,
}

impl SubmissionProblem {
    /// Whether the problem can only come from a form changed outside Kolo.
    pub fn tampered(&self) -> bool {
        matches!(
            self,
            SubmissionProblem::UnknownItem(_)
                | SubmissionProblem::UnknownOption { .. }
                | SubmissionProblem::SeveralAnswers(_)
        )
    }

    /// The item (form field) the problem belongs to, if any.
    pub fn item(&self) -> Option<&str> {
        match self {
            SubmissionProblem::UnknownItem(item)
            | SubmissionProblem::UnknownOption { item, .. }
            | SubmissionProblem::SeveralAnswers(item)
            | SubmissionProblem::Unanswered(item)
            | SubmissionProblem::NotANumber(item) => Some(item),
            SubmissionProblem::CommentTooLong => Some("comment"),
        }
    }

    pub fn message_id(&self) -> &'static str {
        match self {
            SubmissionProblem::UnknownItem(_)
            | SubmissionProblem::UnknownOption { .. }
            | SubmissionProblem::SeveralAnswers(_) => "answer-tampered",
            SubmissionProblem::Unanswered(_) => "answer-required",
            SubmissionProblem::NotANumber(_) => "answer-not-a-number",
            SubmissionProblem::CommentTooLong => "answer-comment-too-long",
        }
    }
}

/// The form's fields by name, every value kept (checkboxes repeat a name).
/// Fields Kolo's forms add (`_csrf`, the UIC answers) are the caller's to drop.
type Fields<'a> = HashMap<&'a str, Vec<&'a str>>;

fn group(fields: &[(String, String)]) -> Fields<'_> {
    let mut map: Fields<'_> = HashMap::new();
    for (name, value) in fields {
        map.entry(name.as_str()).or_default().push(value.as_str());
    }
    map
}

/// The field of a test question.
pub fn question_field(question_id: &str) -> String {
    format!("q.{question_id}")
}

/// Checks and scores a test: every question answered, every value one of
/// the question's options. `fields` are the form's answer fields (names
/// starting `q.`); `questions` are the instrument's, in order.
pub fn check_test(
    questions: &[Question],
    fields: &[(String, String)],
) -> Result<Scored, Vec<SubmissionProblem>> {
    let given = group(fields);
    let mut problems = Vec::new();
    for name in given.keys() {
        let known = name
            .strip_prefix("q.")
            .is_some_and(|id| questions.iter().any(|q| q.id == id));
        if !known {
            problems.push(SubmissionProblem::UnknownItem((*name).to_owned()));
        }
    }
    problems.sort_by(|a, b| a.item().cmp(&b.item()));
    let mut scored = Scored {
        points: Some(0),
        max_points: Some(0),
        ..Scored::default()
    };
    let (mut points, mut max_points) = (0u32, 0u32);
    for question in questions {
        let item = question_field(&question.id);
        max_points += question.points;
        let values: Vec<&str> = given
            .get(item.as_str())
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if values.is_empty() {
            problems.push(SubmissionProblem::Unanswered(item));
            continue;
        }
        let (value, correct) = match question.kind {
            QuestionKind::Numeric => {
                if values.len() > 1 {
                    problems.push(SubmissionProblem::SeveralAnswers(item));
                    continue;
                }
                let Some(number) = parse_number(values[0]) else {
                    problems.push(SubmissionProblem::NotANumber(item));
                    continue;
                };
                (values[0].to_owned(), score_number(question, number))
            }
            kind => {
                let mut chosen = Vec::new();
                for value in &values {
                    match value.parse::<usize>() {
                        Ok(i) if i < question.options.len() => chosen.push(i),
                        _ => problems.push(SubmissionProblem::UnknownOption {
                            item: item.clone(),
                            value: (*value).to_owned(),
                        }),
                    }
                }
                chosen.sort_unstable();
                chosen.dedup();
                if kind != QuestionKind::Multiple && chosen.len() > 1 {
                    problems.push(SubmissionProblem::SeveralAnswers(item));
                    continue;
                }
                let value = chosen
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(",");
                (value, score_test(question, &chosen))
            }
        };
        if correct {
            points += question.points;
        }
        scored.answers.push(Answer {
            item,
            value,
            correct: Some(correct),
        });
    }
    if problems.is_empty() {
        scored.points = Some(points);
        scored.max_points = Some(max_points);
        Ok(scored)
    } else {
        Err(problems)
    }
}

/// Whether the chosen options (positions, sorted) answer a choice question
/// correctly: exactly the correct ones.
pub fn score_test(question: &Question, chosen: &[usize]) -> bool {
    question.correct_options() == chosen
}

fn score_number(question: &Question, number: f64) -> bool {
    question
        .numeric_answer
        .as_deref()
        .and_then(parse_number)
        .is_some_and(|correct| (correct - number).abs() <= 1e-9 * correct.abs().max(1.0))
}

fn check_comment(given: &Fields<'_>, problems: &mut Vec<SubmissionProblem>) -> Option<String> {
    let text = given
        .get("comment")
        .map(|v| v.join("\n"))
        .unwrap_or_default();
    let text = text.trim();
    if text.chars().count() > MAX_COMMENT_CHARS {
        problems.push(SubmissionProblem::CommentTooLong);
        None
    } else {
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// A number in `range` for a required item that takes one value.
fn one_number(
    given: &Fields<'_>,
    item: &str,
    range: std::ops::RangeInclusive<u8>,
    problems: &mut Vec<SubmissionProblem>,
) -> Option<u8> {
    let values: Vec<&str> = given
        .get(item)
        .map(|v| {
            v.iter()
                .map(|s| s.trim())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    match values.as_slice() {
        [] => {
            problems.push(SubmissionProblem::Unanswered(item.to_owned()));
            None
        }
        [value] => match value.parse::<u8>() {
            Ok(n) if range.contains(&n) => Some(n),
            _ => {
                problems.push(SubmissionProblem::UnknownOption {
                    item: item.to_owned(),
                    value: (*value).to_owned(),
                });
                None
            }
        },
        _ => {
            problems.push(SubmissionProblem::SeveralAnswers(item.to_owned()));
            None
        }
    }
}

fn unknown_items(given: &Fields<'_>, known: &[&str], problems: &mut Vec<SubmissionProblem>) {
    let mut unknown: Vec<&str> = given
        .keys()
        .copied()
        .filter(|name| !known.contains(name))
        .collect();
    unknown.sort_unstable();
    problems.extend(
        unknown
            .into_iter()
            .map(|name| SubmissionProblem::UnknownItem(name.to_owned())),
    );
}

/// The feedback form's field of a Likert item.
pub fn likert_field(item: &str) -> String {
    format!("likert.{item}")
}

/// Checks the feedback form: every Likert item 1 to 5, the recommendation
/// 0 to 10, an optional comment. `venue` is not asked at online events.
pub fn check_feedback(
    fields: &[(String, String)],
    with_venue: bool,
) -> Result<Scored, Vec<SubmissionProblem>> {
    let given = group(fields);
    let mut problems = Vec::new();
    let items: Vec<&str> = FEEDBACK_ITEMS
        .iter()
        .copied()
        .filter(|item| with_venue || *item != "venue")
        .collect();
    let fields_of_items: Vec<String> = items.iter().map(|i| likert_field(i)).collect();
    let mut known: Vec<&str> = fields_of_items.iter().map(String::as_str).collect();
    known.extend(["recommend", "comment"]);
    unknown_items(&given, &known, &mut problems);
    let mut scored = Scored::default();
    for field in &fields_of_items {
        if let Some(n) = one_number(&given, field, 1..=5, &mut problems) {
            scored.answers.push(Answer {
                item: field.clone(),
                value: n.to_string(),
                correct: None,
            });
        }
    }
    if let Some(n) = one_number(&given, "recommend", 0..=10, &mut problems) {
        scored.answers.push(Answer {
            item: "recommend".into(),
            value: n.to_string(),
            correct: None,
        });
    }
    scored.comment = check_comment(&given, &mut problems);
    if problems.is_empty() {
        Ok(scored)
    } else {
        Err(problems)
    }
}

/// Checks the follow-up questionnaire: "did you use what you learned"
/// (`used`, yes or no) is required; actions and barriers are any of the
/// listed categories; an optional comment.
pub fn check_follow_up(fields: &[(String, String)]) -> Result<Scored, Vec<SubmissionProblem>> {
    let given = group(fields);
    let mut problems = Vec::new();
    unknown_items(
        &given,
        &["used", "action", "barrier", "comment"],
        &mut problems,
    );
    let mut scored = Scored::default();
    match given.get("used").map(Vec::as_slice).unwrap_or_default() {
        [] | [""] => problems.push(SubmissionProblem::Unanswered("used".into())),
        [value] if matches!(*value, "yes" | "no") => scored.answers.push(Answer {
            item: "used".into(),
            value: (*value).to_owned(),
            correct: None,
        }),
        [value] => problems.push(SubmissionProblem::UnknownOption {
            item: "used".into(),
            value: (*value).to_owned(),
        }),
        _ => problems.push(SubmissionProblem::SeveralAnswers("used".into())),
    }
    for (item, list) in [("action", &ACTIONS[..]), ("barrier", &BARRIERS[..])] {
        let mut chosen: Vec<&str> = given.get(item).cloned().unwrap_or_default();
        chosen.sort_unstable();
        chosen.dedup();
        for value in chosen {
            if list.contains(&value) {
                scored.answers.push(Answer {
                    item: format!("{item}.{value}"),
                    value: "1".into(),
                    correct: None,
                });
            } else {
                problems.push(SubmissionProblem::UnknownOption {
                    item: item.to_owned(),
                    value: value.to_owned(),
                });
            }
        }
    }
    scored.comment = check_comment(&given, &mut problems);
    if problems.is_empty() {
        Ok(scored)
    } else {
        Err(problems)
    }
}

/// Which check an instrument's answers go through.
pub fn check_for(
    kind: InstrumentKind,
    questions: &[Question],
    fields: &[(String, String)],
    with_venue: bool,
) -> Result<Scored, Vec<SubmissionProblem>> {
    match kind {
        InstrumentKind::PreTest | InstrumentKind::PostTest => check_test(questions, fields),
        InstrumentKind::Feedback => check_feedback(fields, with_venue),
        InstrumentKind::FollowUp => check_follow_up(fields),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::bank::AnswerOption;

    fn option(correct: bool) -> AnswerOption {
        AnswerOption {
            text_uk: "в".into(),
            text_en: "o".into(),
            correct,
        }
    }

    fn questions() -> Vec<Question> {
        let q = |id: &str, kind, options, numeric: Option<&str>, points| Question {
            id: id.into(),
            topic: "t".into(),
            kind,
            text_uk: "?".into(),
            text_en: "?".into(),
            options,
            numeric_answer: numeric.map(str::to_owned),
            points,
            retired: false,
            updated_at: Timestamp(0),
        };
        vec![
            q(
                "a",
                QuestionKind::Single,
                vec![option(false), option(true)],
                None,
                1,
            ),
            q(
                "b",
                QuestionKind::Multiple,
                vec![option(true), option(false), option(true)],
                None,
                2,
            ),
            q("c", QuestionKind::Numeric, vec![], Some("72,5"), 1),
        ]
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| ((*a).into(), (*b).into()))
            .collect()
    }

    #[test]
    fn a_test_is_scored_by_points_of_exactly_right_answers() {
        let scored = check_test(
            &questions(),
            &fields(&[("q.a", "1"), ("q.b", "0"), ("q.b", "2"), ("q.c", "72.5")]),
        )
        .unwrap();
        assert_eq!((scored.points, scored.max_points), (Some(4), Some(4)));
        let scored = check_test(
            &questions(),
            &fields(&[("q.a", "0"), ("q.b", "0"), ("q.c", "72")]),
        )
        .unwrap();
        assert_eq!(scored.points, Some(0));
        assert_eq!(scored.answers[1].value, "0");
    }

    #[test]
    fn unanswered_and_tampered_answers_are_refused_with_their_item() {
        let problems = check_test(
            &questions(),
            &fields(&[("q.a", "7"), ("q.zz", "0"), ("q.c", "lots")]),
        )
        .unwrap_err();
        assert!(problems.contains(&SubmissionProblem::UnknownItem("q.zz".into())));
        assert!(problems.contains(&SubmissionProblem::UnknownOption {
            item: "q.a".into(),
            value: "7".into()
        }));
        assert!(problems.contains(&SubmissionProblem::Unanswered("q.b".into())));
        assert!(problems.contains(&SubmissionProblem::NotANumber("q.c".into())));
        let two = check_test(&questions(), &fields(&[("q.a", "0"), ("q.a", "1")])).unwrap_err();
        assert!(two.contains(&SubmissionProblem::SeveralAnswers("q.a".into())));
        assert!(two[0].tampered() || two.iter().any(SubmissionProblem::tampered));
    }

    #[test]
    fn feedback_needs_every_rating_in_range() {
        let ok = check_feedback(
            &fields(&[
                ("likert.content", "5"),
                ("likert.trainer", "4"),
                ("likert.usefulness", "4"),
                ("recommend", "10"),
                ("comment", "  Дякую!  "),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(ok.answers.len(), 4);
        assert_eq!(ok.comment.as_deref(), Some("Дякую!"));
        let bad = check_feedback(
            &fields(&[("likert.content", "6"), ("recommend", "11")]),
            true,
        )
        .unwrap_err();
        assert!(bad.contains(&SubmissionProblem::Unanswered("likert.venue".into())));
        assert!(bad.contains(&SubmissionProblem::UnknownOption {
            item: "recommend".into(),
            value: "11".into()
        }));
    }

    #[test]
    fn follow_up_categories_come_from_the_list() {
        let ok = check_follow_up(&fields(&[
            ("used", "yes"),
            ("action", "shared"),
            ("action", "rights"),
        ]))
        .unwrap();
        assert_eq!(ok.answers.len(), 3);
        let bad = check_follow_up(&fields(&[("action", "hacked")])).unwrap_err();
        assert_eq!(bad.len(), 2);
    }
}
