//! An instrument as a row of cells, for paper entry and imports: a test is
//! one cell per question (see [`check_paper_row`]); the feedback form and the
//! follow-up are one cell per item, typed as fast as the tests are: a digit
//! for a rating, letters for choices (as printed on the paper form), free
//! text for the comment, `-` for an item the person left blank.
//!
//! Rows are stored exactly as the online pages store them (the same items
//! and values), so results never care how a response reached Kolo.

use super::bank::{Question, option_letter, parse_letter};
use super::instrument::InstrumentKind;
use super::paper::{PaperProblem, check_paper_row};
use super::response::{
    ACTIONS, Answer, BARRIERS, FEEDBACK_ITEMS, MAX_COMMENT_CHARS, Scored, likert_field,
};

/// One item of the feedback form or the follow-up, as a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormColumn {
    /// A Likert item of the feedback form (`content`, ...): 1 to 5.
    Likert(&'static str),
    /// "Would you recommend it": 0 to 10.
    Recommend,
    /// "Did you use what you learned": `A` yes, `B` no.
    Used,
    /// How they used it: letters of [`ACTIONS`], several allowed.
    Actions,
    /// What stopped them: letters of [`BARRIERS`], several allowed.
    Barriers,
    /// Free text.
    Comment,
}

/// The options of "did you use what you learned", in the printed order.
pub const USED_OPTIONS: [&str; 2] = ["yes", "no"];

impl FormColumn {
    /// A stable name: the Likert item, or `recommend`, `used`, `actions`,
    /// `barriers`, `comment`. Pages name columns by it.
    pub fn key(self) -> &'static str {
        match self {
            FormColumn::Likert(item) => item,
            FormColumn::Recommend => "recommend",
            FormColumn::Used => "used",
            FormColumn::Actions => "actions",
            FormColumn::Barriers => "barriers",
            FormColumn::Comment => "comment",
        }
    }

    /// The options a letter picks, in the printed order (A, B, ...).
    pub fn options(self) -> &'static [&'static str] {
        match self {
            FormColumn::Used => &USED_OPTIONS,
            FormColumn::Actions => &ACTIONS,
            FormColumn::Barriers => &BARRIERS,
            _ => &[],
        }
    }

    /// The smallest and largest number of a rating.
    fn range(self) -> Option<(u8, u8)> {
        match self {
            FormColumn::Likert(_) => Some((1, 5)),
            FormColumn::Recommend => Some((0, 10)),
            _ => None,
        }
    }
}

/// The columns of a form: the feedback form (without `venue` at online
/// events) or the follow-up; none for a test.
pub fn form_columns(kind: InstrumentKind, with_venue: bool) -> Vec<FormColumn> {
    match kind {
        InstrumentKind::PreTest | InstrumentKind::PostTest => Vec::new(),
        InstrumentKind::Feedback => FEEDBACK_ITEMS
            .iter()
            .filter(|item| with_venue || **item != "venue")
            .map(|item| FormColumn::Likert(item))
            .chain([FormColumn::Recommend, FormColumn::Comment])
            .collect(),
        InstrumentKind::FollowUp => vec![
            FormColumn::Used,
            FormColumn::Actions,
            FormColumn::Barriers,
            FormColumn::Comment,
        ],
    }
}

/// The cells of one instrument's row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sheet {
    /// A test: the questions in the instrument's order.
    Test(Vec<Question>),
    /// The feedback form or the follow-up.
    Form(Vec<FormColumn>),
}

impl Sheet {
    /// The sheet of an instrument: its questions for a test (in its order),
    /// its items otherwise.
    pub fn of(kind: InstrumentKind, questions: Vec<Question>, with_venue: bool) -> Sheet {
        if kind.is_test() {
            Sheet::Test(questions)
        } else {
            Sheet::Form(form_columns(kind, with_venue))
        }
    }

    /// How many cells a row has, after the code's.
    pub fn len(&self) -> usize {
        match self {
            Sheet::Test(questions) => questions.len(),
            Sheet::Form(columns) => columns.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks (and for a test, scores) one row; a problem comes with its cell.
    pub fn check_row(&self, cells: &[String]) -> Result<Scored, Vec<(usize, PaperProblem)>> {
        match self {
            Sheet::Test(questions) => check_paper_row(questions, cells),
            Sheet::Form(columns) => check_form_row(columns, cells),
        }
    }
}

/// Checks one typed row of the feedback form or the follow-up. An empty
/// rating or "used" cell is refused (`-` says the person left it blank);
/// choices and the comment may stay empty.
pub fn check_form_row(
    columns: &[FormColumn],
    cells: &[String],
) -> Result<Scored, Vec<(usize, PaperProblem)>> {
    let mut problems = Vec::new();
    let mut scored = Scored::default();
    for (n, &column) in columns.iter().enumerate() {
        let cell = cells.get(n).map_or("", |c| c.trim());
        match column {
            FormColumn::Likert(_) | FormColumn::Recommend => match rating(column, cell) {
                Ok(Some(value)) => scored.answers.push(Answer {
                    item: match column {
                        FormColumn::Likert(item) => likert_field(item),
                        _ => "recommend".into(),
                    },
                    value: value.to_string(),
                    correct: None,
                }),
                Ok(None) => {}
                Err(problem) => problems.push((n, problem)),
            },
            FormColumn::Used if cell.is_empty() => problems.push((n, PaperProblem::Empty)),
            FormColumn::Used => match letters(column, cell) {
                Ok(chosen) if chosen.len() > 1 => problems.push((n, PaperProblem::SeveralLetters)),
                Ok(chosen) => scored.answers.extend(chosen.first().map(|&i| Answer {
                    item: "used".into(),
                    value: USED_OPTIONS[i].into(),
                    correct: None,
                })),
                Err(problem) => problems.push((n, problem)),
            },
            FormColumn::Actions | FormColumn::Barriers => match letters(column, cell) {
                Ok(chosen) => {
                    let item = if column == FormColumn::Actions {
                        "action"
                    } else {
                        "barrier"
                    };
                    scored.answers.extend(chosen.into_iter().map(|i| Answer {
                        item: format!("{item}.{}", column.options()[i]),
                        value: "1".into(),
                        correct: None,
                    }));
                }
                Err(problem) => problems.push((n, problem)),
            },
            FormColumn::Comment => {
                if cell.chars().count() > MAX_COMMENT_CHARS {
                    problems.push((
                        n,
                        PaperProblem::TooLong {
                            max: MAX_COMMENT_CHARS,
                        },
                    ));
                } else if !cell.is_empty() && cell != "-" {
                    scored.comment = Some(cell.to_owned());
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(scored)
    } else {
        Err(problems)
    }
}

/// A rating cell: a whole number in the column's range, or `-` for none.
fn rating(column: FormColumn, cell: &str) -> Result<Option<u8>, PaperProblem> {
    let (min, max) = column.range().unwrap_or((0, 0));
    match cell {
        "" => Err(PaperProblem::Empty),
        "-" => Ok(None),
        _ => cell
            .parse::<u8>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .map(Some)
            .ok_or(PaperProblem::OutOfRange { min, max }),
    }
}

/// The options a cell's letters pick (`AC`, `a, c`; Cyrillic look-alikes
/// too), sorted; none for an empty cell or `-`.
fn letters(column: FormColumn, cell: &str) -> Result<Vec<usize>, PaperProblem> {
    let options = column.options().len();
    let mut chosen = Vec::new();
    if cell == "-" {
        return Ok(chosen);
    }
    for letter in cell.chars().filter(|c| !c.is_whitespace() && *c != ',') {
        match parse_letter(letter).filter(|&i| i < options) {
            Some(i) => chosen.push(i),
            None => {
                return Err(PaperProblem::UnknownLetter {
                    letter,
                    last: option_letter(options.saturating_sub(1)),
                });
            }
        }
    }
    chosen.sort_unstable();
    chosen.dedup();
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| (*c).to_owned()).collect()
    }

    fn item<'a>(scored: &'a Scored, name: &str) -> Option<&'a str> {
        scored
            .answers
            .iter()
            .find(|a| a.item == name)
            .map(|a| a.value.as_str())
    }

    #[test]
    fn feedback_is_digits_and_a_comment_stored_as_the_online_form_stores_it() {
        let columns = form_columns(InstrumentKind::Feedback, true);
        assert_eq!(columns.len(), 6);
        assert_eq!(form_columns(InstrumentKind::Feedback, false).len(), 5);
        let scored =
            check_form_row(&columns, &row(&["5", "4", "-", "3", "10", " Дякую "])).unwrap();
        assert_eq!(item(&scored, "likert.content"), Some("5"));
        assert_eq!(item(&scored, "likert.usefulness"), None, "left blank");
        assert_eq!(item(&scored, "recommend"), Some("10"));
        assert_eq!(scored.comment.as_deref(), Some("Дякую"));
        assert_eq!(scored.points, None);
        let empty_comment = check_form_row(&columns, &row(&["1", "1", "1", "1", "0", ""]));
        assert_eq!(empty_comment.unwrap().comment, None);
    }

    #[test]
    fn every_bad_feedback_cell_names_its_column() {
        let columns = form_columns(InstrumentKind::Feedback, true);
        let long = "я".repeat(MAX_COMMENT_CHARS + 1);
        let problems =
            check_form_row(&columns, &row(&["6", "", "x", "0", "11", &long])).unwrap_err();
        let range = |min, max| PaperProblem::OutOfRange { min, max };
        assert_eq!(
            problems,
            vec![
                (0, range(1, 5)),
                (1, PaperProblem::Empty),
                (2, range(1, 5)),
                (3, range(1, 5)),
                (4, range(0, 10)),
                (
                    5,
                    PaperProblem::TooLong {
                        max: MAX_COMMENT_CHARS
                    }
                ),
            ]
        );
    }

    #[test]
    fn follow_up_is_letters_as_printed_and_several_actions_are_allowed() {
        let columns = form_columns(InstrumentKind::FollowUp, true);
        let scored = check_form_row(&columns, &row(&["а", "CA", "", "-"])).unwrap();
        assert_eq!(item(&scored, "used"), Some("yes"));
        assert_eq!(item(&scored, "action.shared"), Some("1"));
        assert_eq!(item(&scored, "action.rights"), Some("1"));
        assert_eq!(scored.answers.len(), 3);
        let scored = check_form_row(&columns, &row(&["B", "-", "B, E", "Боялась"])).unwrap();
        assert_eq!(item(&scored, "used"), Some("no"));
        assert_eq!(item(&scored, "barrier.fear"), Some("1"));
        assert_eq!(item(&scored, "barrier.other"), Some("1"));
        assert_eq!(scored.comment.as_deref(), Some("Боялась"));
        let problems = check_form_row(&columns, &row(&["AB", "G", "F", ""])).unwrap_err();
        assert_eq!(
            problems,
            vec![
                (0, PaperProblem::SeveralLetters),
                (
                    1,
                    PaperProblem::UnknownLetter {
                        letter: 'G',
                        last: 'F'
                    }
                ),
                (
                    2,
                    PaperProblem::UnknownLetter {
                        letter: 'F',
                        last: 'E'
                    }
                ),
            ]
        );
        let problems = check_form_row(&columns, &row(&["", "A", "", ""])).unwrap_err();
        assert_eq!(problems, vec![(0, PaperProblem::Empty)]);
        let problems = check_form_row(&columns, &row(&["C", "", "", ""])).unwrap_err();
        assert_eq!(
            problems,
            vec![(
                0,
                PaperProblem::UnknownLetter {
                    letter: 'C',
                    last: 'B'
                }
            )]
        );
    }
}
