//! Paper forms typed by a trainer: one row per participant, one cell per
//! question with the letters circled (`A`, `AC` for several), a number for a
//! numeric question, or `-` for no answer (scored as wrong). Each problem
//! names its question's column so the page can point at the cell. The
//! feedback form and the follow-up are typed the same way: see `sheet`.

use super::bank::{Question, QuestionKind, option_letter, parse_letter, parse_number};
use super::response::{Answer, Scored, question_field, score_test};

/// Why a cell of a paper row is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaperProblem {
    /// Nothing typed: type `-` when the person gave no answer.
    Empty,
    /// A letter that is not one of the question's options; with the last valid letter.
    UnknownLetter {
        letter: char,
        last: char,
    },
    /// Several letters for a question with one answer.
    SeveralLetters,
    NotANumber,
    /// A rating that is not a whole number from `min` to `max`.
    OutOfRange {
        min: u8,
        max: u8,
    },
    /// Free text longer than `max` characters.
    TooLong {
        max: usize,
    },
}

impl PaperProblem {
    pub fn message_id(&self) -> &'static str {
        match self {
            PaperProblem::Empty => "paper-empty",
            PaperProblem::UnknownLetter { .. } => "paper-unknown-letter",
            PaperProblem::SeveralLetters => "paper-several-letters",
            PaperProblem::NotANumber => "paper-not-a-number",
            PaperProblem::OutOfRange { .. } => "paper-out-of-range",
            PaperProblem::TooLong { .. } => "paper-too-long",
        }
    }

    /// The arguments of its message.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            PaperProblem::UnknownLetter { letter, last } => {
                vec![("letter", letter.to_string()), ("last", last.to_string())]
            }
            PaperProblem::OutOfRange { min, max } => {
                vec![("min", min.to_string()), ("max", max.to_string())]
            }
            PaperProblem::TooLong { max } => vec![("max", max.to_string())],
            _ => Vec::new(),
        }
    }
}

/// Scores one typed row. `cells` are in the order of `questions`; a problem
/// comes with the index of its cell.
pub fn check_paper_row(
    questions: &[Question],
    cells: &[String],
) -> Result<Scored, Vec<(usize, PaperProblem)>> {
    let mut problems = Vec::new();
    let mut scored = Scored::default();
    let (mut points, mut max_points) = (0u32, 0u32);
    for (column, question) in questions.iter().enumerate() {
        max_points += question.points;
        let cell = cells.get(column).map_or("", |c| c.trim());
        if cell.is_empty() {
            problems.push((column, PaperProblem::Empty));
            continue;
        }
        if cell == "-" {
            // No answer: stored as such, scored as wrong.
            scored.answers.push(Answer {
                item: question_field(&question.id),
                value: String::new(),
                correct: Some(false),
            });
            continue;
        }
        let (value, correct) = if question.kind == QuestionKind::Numeric {
            match parse_number(cell) {
                Some(number) => {
                    let right = question
                        .numeric_answer
                        .as_deref()
                        .and_then(parse_number)
                        .is_some_and(|c| (c - number).abs() <= 1e-9 * c.abs().max(1.0));
                    (cell.to_owned(), right)
                }
                None => {
                    problems.push((column, PaperProblem::NotANumber));
                    continue;
                }
            }
        } else {
            let mut chosen = Vec::new();
            let mut bad = None;
            for letter in cell.chars().filter(|c| !c.is_whitespace() && *c != ',') {
                match parse_letter(letter).filter(|&i| i < question.options.len()) {
                    Some(i) => chosen.push(i),
                    None => {
                        bad = Some(letter);
                        break;
                    }
                }
            }
            if let Some(letter) = bad {
                let last = option_letter(question.options.len().saturating_sub(1));
                problems.push((column, PaperProblem::UnknownLetter { letter, last }));
                continue;
            }
            chosen.sort_unstable();
            chosen.dedup();
            if question.kind != QuestionKind::Multiple && chosen.len() > 1 {
                problems.push((column, PaperProblem::SeveralLetters));
                continue;
            }
            let value = chosen
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(",");
            let right = score_test(question, &chosen);
            (value, right)
        };
        if correct {
            points += question.points;
        }
        scored.answers.push(Answer {
            item: question_field(&question.id),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::bank::AnswerOption;
    use crate::time::Timestamp;

    fn question(id: &str, kind: QuestionKind, correct: &[bool]) -> Question {
        Question {
            id: id.into(),
            topic: "t".into(),
            kind,
            text_uk: "?".into(),
            text_en: "?".into(),
            options: correct
                .iter()
                .map(|&c| AnswerOption {
                    text_uk: "в".into(),
                    text_en: "o".into(),
                    correct: c,
                })
                .collect(),
            numeric_answer: (kind == QuestionKind::Numeric).then(|| "3".into()),
            points: 1,
            retired: false,
            updated_at: Timestamp(0),
        }
    }

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn letters_are_scored_at_once_and_a_dash_is_no_answer() {
        let questions = [
            question("a", QuestionKind::Single, &[false, true, false]),
            question("b", QuestionKind::Multiple, &[true, false, true]),
            question("c", QuestionKind::Numeric, &[]),
            question("d", QuestionKind::TrueFalse, &[true, false]),
        ];
        let scored = check_paper_row(&questions, &row(&["b", "CA", "3", "-"])).unwrap();
        assert_eq!((scored.points, scored.max_points), (Some(3), Some(4)));
        // Cyrillic В typed on a Ukrainian keyboard is B.
        let scored = check_paper_row(&questions, &row(&["В", "а с", "4", "A"])).unwrap();
        assert_eq!(scored.points, Some(3));
    }

    #[test]
    fn an_unknown_letter_names_its_column_and_the_last_valid_letter() {
        let questions = [
            question("a", QuestionKind::Single, &[false, true, false]),
            question("b", QuestionKind::Single, &[true, false]),
        ];
        let problems = check_paper_row(&questions, &row(&["D", ""])).unwrap_err();
        assert_eq!(
            problems,
            vec![
                (
                    0,
                    PaperProblem::UnknownLetter {
                        letter: 'D',
                        last: 'C'
                    }
                ),
                (1, PaperProblem::Empty)
            ]
        );
        let several = check_paper_row(&questions, &row(&["AB", "A"])).unwrap_err();
        assert_eq!(several, vec![(0, PaperProblem::SeveralLetters)]);
    }
}
