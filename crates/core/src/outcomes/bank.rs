//! The question bank: questions by topic in Ukrainian and English, with their
//! correct answers and points.

use crate::lang::Lang;
use crate::time::Timestamp;

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QuestionKind {
    /// One option is correct.
    Single,
    /// Every correct option and no other must be chosen.
    Multiple,
    /// Two options, "true" and "false".
    TrueFalse,
    /// A number, compared with the correct one.
    Numeric,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 4] = [
        QuestionKind::Single,
        QuestionKind::Multiple,
        QuestionKind::TrueFalse,
        QuestionKind::Numeric,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple => "multiple",
            QuestionKind::TrueFalse => "true_false",
            QuestionKind::Numeric => "numeric",
        }
    }

    pub fn parse(text: &str) -> Option<QuestionKind> {
        QuestionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == text.trim())
    }

    pub fn message_id(self) -> &'static str {
        match self {
            QuestionKind::Single => "question-kind-single",
            QuestionKind::Multiple => "question-kind-multiple",
            QuestionKind::TrueFalse => "question-kind-true_false",
            QuestionKind::Numeric => "question-kind-numeric",
        }
    }
}

/// An option of a choice question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerOption {
    pub text_uk: String,
    pub text_en: String,
    pub correct: bool,
}

impl AnswerOption {
    pub fn text(&self, lang: Lang) -> &str {
        pick(lang, &self.text_uk, &self.text_en)
    }
}

/// The most options a question has: A to H fit a paper form's column.
pub const MAX_OPTIONS: usize = 8;

/// A question of the bank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub kind: QuestionKind,
    pub text_uk: String,
    pub text_en: String,
    /// For choice questions (true/false has "true" then "false"), in order.
    pub options: Vec<AnswerOption>,
    /// For numeric questions: the correct number, as typed by the author.
    pub numeric_answer: Option<String>,
    pub points: u32,
    /// Retired questions stay on past instruments but are not offered for new ones.
    pub retired: bool,
    pub updated_at: Timestamp,
}

impl Question {
    pub fn text(&self, lang: Lang) -> &str {
        pick(lang, &self.text_uk, &self.text_en)
    }

    /// The positions of the correct options.
    pub fn correct_options(&self) -> Vec<usize> {
        self.options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect()
    }
}

/// Text in the person's language, or in the other when it is missing.
fn pick<'a>(lang: Lang, uk: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Uk if !uk.is_empty() => uk,
        Lang::En if !en.is_empty() => en,
        Lang::Uk => en,
        Lang::En => uk,
    }
}

/// The letter of an option on forms and in paper entry: `A`, `B`, ...
pub fn option_letter(position: usize) -> char {
    char::from(b'A' + u8::try_from(position.min(25)).unwrap_or(25))
}

/// The option a typed letter stands for. Latin letters, and the Cyrillic
/// letters that look like them (a Ukrainian keyboard types `А`, `В`, `С`, `Е`).
pub fn parse_letter(letter: char) -> Option<usize> {
    let upper = letter.to_uppercase().next()?;
    let latin = match upper {
        'А' => 'A',
        'В' => 'B',
        'С' => 'C',
        'Е' => 'E',
        'Н' => 'H',
        c => c,
    };
    latin
        .is_ascii_uppercase()
        .then(|| usize::from(latin as u8 - b'A'))
        .filter(|&i| i < MAX_OPTIONS)
}

/// A question as typed on the bank's form.
#[derive(Clone, Debug, Default)]
pub struct QuestionInput {
    pub topic: String,
    pub kind: String,
    pub text_uk: String,
    pub text_en: String,
    /// Up to [`MAX_OPTIONS`] options; empty lines are dropped.
    pub options: Vec<(String, String, bool)>,
    pub numeric_answer: String,
    pub points: String,
}

/// Why a question is refused, by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuestionProblem {
    TopicMissing,
    KindUnknown,
    TextMissing,
    TooFewOptions,
    TooManyOptions,
    /// An option has no text in either language.
    OptionTextMissing,
    NoCorrectOption,
    /// A single-choice question with more than one correct option.
    SeveralCorrect,
    NumericAnswerInvalid,
    PointsInvalid,
}

impl QuestionProblem {
    /// The form field the problem belongs to.
    pub fn field(self) -> &'static str {
        match self {
            QuestionProblem::TopicMissing => "topic",
            QuestionProblem::KindUnknown => "kind",
            QuestionProblem::TextMissing => "text_uk",
            QuestionProblem::TooFewOptions
            | QuestionProblem::TooManyOptions
            | QuestionProblem::OptionTextMissing
            | QuestionProblem::NoCorrectOption
            | QuestionProblem::SeveralCorrect => "options",
            QuestionProblem::NumericAnswerInvalid => "numeric_answer",
            QuestionProblem::PointsInvalid => "points",
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            QuestionProblem::TopicMissing => "question-topic-missing",
            QuestionProblem::KindUnknown => "question-kind-unknown",
            QuestionProblem::TextMissing => "question-text-missing",
            QuestionProblem::TooFewOptions => "question-too-few-options",
            QuestionProblem::TooManyOptions => "question-too-many-options",
            QuestionProblem::OptionTextMissing => "question-option-text-missing",
            QuestionProblem::NoCorrectOption => "question-no-correct-option",
            QuestionProblem::SeveralCorrect => "question-several-correct",
            QuestionProblem::NumericAnswerInvalid => "question-numeric-invalid",
            QuestionProblem::PointsInvalid => "question-points-invalid",
        }
    }
}

/// Reads a number as people type it: `12`, `12.5`, `12,5`.
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c == ',' { '.' } else { c })
        .collect();
    if cleaned.is_empty() || cleaned.len() > 32 {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Checks a question; `id` and `now` are the caller's.
pub fn check_question(
    id: &str,
    input: &QuestionInput,
    now: Timestamp,
) -> Result<Question, Vec<QuestionProblem>> {
    let mut problems = Vec::new();
    let topic = input.topic.trim().to_owned();
    if topic.is_empty() {
        problems.push(QuestionProblem::TopicMissing);
    }
    let kind = QuestionKind::parse(&input.kind);
    if kind.is_none() {
        problems.push(QuestionProblem::KindUnknown);
    }
    let (text_uk, text_en) = (input.text_uk.trim(), input.text_en.trim());
    if text_uk.is_empty() && text_en.is_empty() {
        problems.push(QuestionProblem::TextMissing);
    }
    let points = match input.points.trim() {
        "" => Some(1),
        text => text.parse::<u32>().ok().filter(|p| (1..=100).contains(p)),
    };
    if points.is_none() {
        problems.push(QuestionProblem::PointsInvalid);
    }
    let mut options = Vec::new();
    let mut numeric_answer = None;
    match kind {
        Some(QuestionKind::TrueFalse) => {
            // The correct answer is given by ticking "true" or "false".
            let true_correct = input.options.first().is_some_and(|o| o.2);
            let false_correct = input.options.get(1).is_some_and(|o| o.2);
            if true_correct == false_correct {
                problems.push(QuestionProblem::NoCorrectOption);
            }
            options = vec![
                AnswerOption {
                    text_uk: "Правда".into(),
                    text_en: "True".into(),
                    correct: true_correct,
                },
                AnswerOption {
                    text_uk: "Неправда".into(),
                    text_en: "False".into(),
                    correct: false_correct,
                },
            ];
        }
        Some(kind @ (QuestionKind::Single | QuestionKind::Multiple)) => {
            for (uk, en, correct) in &input.options {
                let (uk, en) = (uk.trim(), en.trim());
                if uk.is_empty() && en.is_empty() {
                    if *correct {
                        problems.push(QuestionProblem::OptionTextMissing);
                    }
                    continue;
                }
                options.push(AnswerOption {
                    text_uk: uk.to_owned(),
                    text_en: en.to_owned(),
                    correct: *correct,
                });
            }
            let correct = options.iter().filter(|o| o.correct).count();
            if options.len() < 2 {
                problems.push(QuestionProblem::TooFewOptions);
            } else if options.len() > MAX_OPTIONS {
                problems.push(QuestionProblem::TooManyOptions);
            } else if correct == 0 {
                problems.push(QuestionProblem::NoCorrectOption);
            } else if correct > 1 && kind == QuestionKind::Single {
                problems.push(QuestionProblem::SeveralCorrect);
            }
        }
        Some(QuestionKind::Numeric) => match parse_number(&input.numeric_answer) {
            Some(_) => numeric_answer = Some(input.numeric_answer.trim().to_owned()),
            None => problems.push(QuestionProblem::NumericAnswerInvalid),
        },
        None => {}
    }
    match (kind, points) {
        (Some(kind), Some(points)) if problems.is_empty() => Ok(Question {
            id: id.to_owned(),
            topic,
            kind,
            text_uk: text_uk.to_owned(),
            text_en: text_en.to_owned(),
            options,
            numeric_answer,
            points,
            retired: false,
            updated_at: now,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(kind: &str, options: &[(&str, bool)]) -> QuestionInput {
        QuestionInput {
            topic: "Права".into(),
            kind: kind.into(),
            text_uk: "Питання?".into(),
            text_en: String::new(),
            options: options
                .iter()
                .map(|(t, c)| ((*t).to_owned(), String::new(), *c))
                .collect(),
            numeric_answer: String::new(),
            points: "2".into(),
        }
    }

    #[test]
    fn a_single_choice_question_needs_exactly_one_correct_option() {
        let ok = check_question(
            "q",
            &input("single", &[("а", false), ("б", true)]),
            Timestamp(0),
        );
        assert_eq!(ok.unwrap().correct_options(), vec![1]);
        let two = check_question(
            "q",
            &input("single", &[("а", true), ("б", true)]),
            Timestamp(0),
        );
        assert_eq!(two.unwrap_err(), vec![QuestionProblem::SeveralCorrect]);
        let none = check_question(
            "q",
            &input("single", &[("а", false), ("б", false)]),
            Timestamp(0),
        );
        assert_eq!(none.unwrap_err(), vec![QuestionProblem::NoCorrectOption]);
        let many = check_question(
            "q",
            &input("multiple", &[("а", true), ("б", true), ("", false)]),
            Timestamp(0),
        );
        assert_eq!(many.unwrap().options.len(), 2);
    }

    #[test]
    fn true_false_and_numeric_questions_carry_their_answer() {
        let tf = check_question(
            "q",
            &input("true_false", &[("", false), ("", true)]),
            Timestamp(0),
        )
        .unwrap();
        assert_eq!(tf.correct_options(), vec![1]);
        let mut numeric = input("numeric", &[]);
        numeric.numeric_answer = "72,5".into();
        assert_eq!(
            check_question("q", &numeric, Timestamp(0))
                .unwrap()
                .numeric_answer
                .as_deref(),
            Some("72,5")
        );
        numeric.numeric_answer = "seventy".into();
        assert_eq!(
            check_question("q", &numeric, Timestamp(0)).unwrap_err(),
            vec![QuestionProblem::NumericAnswerInvalid]
        );
    }

    #[test]
    fn letters_read_latin_and_cyrillic_look_alikes() {
        assert_eq!(parse_letter('a'), Some(0));
        assert_eq!(parse_letter('В'), Some(1));
        assert_eq!(parse_letter('с'), Some(2));
        assert_eq!(parse_letter('H'), Some(7));
        assert_eq!(parse_letter('I'), None);
        assert_eq!(parse_letter('Ж'), None);
        assert_eq!(option_letter(3), 'D');
    }
}
