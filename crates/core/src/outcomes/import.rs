//! Results exported by another survey tool (an online event's test, feedback
//! form or follow-up), read as a table and mapped column by column: the
//! participant's code (or the answers it is built from) and one column per
//! question or item. Every problem is named by row and column; the caller
//! imports nothing until every row is valid or excluded.

use std::cmp::Reverse;
use std::collections::{HashMap, HashSet};

use jiff::civil::Date;

use super::bank::{Question, QuestionKind, option_letter, parse_letter, parse_number};
use super::paper::PaperProblem;
use super::response::Scored;
use super::sheet::{FormColumn, Sheet};
use crate::events::parse_day;
use crate::participants::{Sex, Uic, UicAnswers, UicProblem, UicScheme};

/// Which column (0-based) holds what; `None` when not in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResultsMapping {
    pub code: Option<usize>,
    pub mother: Option<usize>,
    pub father: Option<usize>,
    pub sex: Option<usize>,
    pub birth: Option<usize>,
    /// One entry per cell of the sheet: the test's questions in its order,
    /// or the form's items.
    pub items: Vec<Option<usize>>,
}

impl ResultsMapping {
    /// Whether the code can be found: its column, or all four answer columns.
    pub fn finds_code(&self) -> bool {
        self.code.is_some()
            || (self.mother.is_some()
                && self.father.is_some()
                && self.sex.is_some()
                && self.birth.is_some())
    }

    /// A first guess from the headers: `code`/`uic`/`код`, and each item
    /// whose name (any of `names`, e.g. a question's text in either
    /// language) the header holds.
    pub fn guess(headers: &[String], names: &[Vec<String>]) -> ResultsMapping {
        let clean = |s: &str| s.trim().to_lowercase();
        let find = |names: &[&str]| {
            headers
                .iter()
                .position(|h| names.iter().any(|n| clean(h) == *n))
        };
        ResultsMapping {
            code: find(&["code", "uic", "код", "унк"]),
            mother: find(&["mother", "мати"]),
            father: find(&["father", "батько"]),
            sex: find(&["sex", "стать"]),
            birth: find(&["birth", "born", "дата народження"]),
            items: names
                .iter()
                .map(|names| {
                    headers.iter().position(|h| {
                        let h = clean(h);
                        names.iter().any(|t| !t.is_empty() && h.contains(&clean(t)))
                    })
                })
                .collect(),
        }
    }
}

/// Why a row (or the mapping) cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResultsProblem {
    /// Neither a code column nor all four answer columns are chosen.
    NoCode,
    /// A question of a test has no column.
    QuestionUnmapped(usize),
    /// No item of a form has a column.
    NothingMapped,
    Code(UicProblem),
    /// The text matches no option of the question (by text or letter).
    UnknownAnswer(String),
    Paper(PaperProblem),
    /// The same code twice in the file, or already answered in Kolo.
    Duplicate(String),
}

/// One data row of the file, checked. `line` counts from 1 with the header
/// as line 1, as spreadsheets number rows.
#[derive(Clone, Debug)]
pub struct ResultsRow {
    pub line: usize,
    /// `(column, problem)`; the column is `None` for the row as a whole.
    pub problems: Vec<(Option<usize>, ResultsProblem)>,
    pub checked: Option<(Uic, Scored)>,
}

/// Everything the preview needs to know before anything is stored.
pub struct ResultsContext<'a> {
    pub scheme: &'a UicScheme,
    pub today: Date,
    pub sheet: &'a Sheet,
    /// Names of the forms' options as people read them (lower case, any
    /// language) with the option they stand for (`shared`, `yes`, ...).
    pub option_names: &'a HashMap<String, String>,
    /// Codes that already answered the test in Kolo.
    pub answered: &'a HashSet<String>,
}

/// Problems of the mapping itself; rows are checked only when there are none.
/// Every question of a test needs its column; a form needs one item at
/// least (an item without a column counts as left blank).
pub fn check_mapping(mapping: &ResultsMapping, sheet: &Sheet) -> Vec<ResultsProblem> {
    let mut problems = Vec::new();
    if !mapping.finds_code() {
        problems.push(ResultsProblem::NoCode);
    }
    let mapped = |n: usize| mapping.items.get(n).copied().flatten().is_some();
    match sheet {
        Sheet::Test(questions) => problems.extend(
            (0..questions.len())
                .filter(|&n| !mapped(n))
                .map(ResultsProblem::QuestionUnmapped),
        ),
        Sheet::Form(columns) => {
            if !(0..columns.len()).any(mapped) {
                problems.push(ResultsProblem::NothingMapped);
            }
        }
    }
    problems
}

/// A cell as the paper row reads it: option letters, a number, or `-`.
fn as_paper_cell(question: &Question, text: &str) -> Result<String, ResultsProblem> {
    let text = text.trim();
    if text.is_empty() {
        return Ok("-".into());
    }
    if question.kind == QuestionKind::Numeric {
        return Ok(text.to_owned());
    }
    let lower = text.to_lowercase();
    let one = |part: &str| -> Option<usize> {
        let part = part.trim().to_lowercase();
        if let Some(i) = question
            .options
            .iter()
            .position(|o| o.text_uk.to_lowercase() == part || o.text_en.to_lowercase() == part)
        {
            return Some(i);
        }
        if question.kind == QuestionKind::TrueFalse {
            match part.as_str() {
                "true" | "так" | "правда" | "yes" | "1" => return Some(0),
                "false" | "ні" | "неправда" | "no" | "0" => return Some(1),
                _ => {}
            }
        }
        let mut chars = part.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) => parse_letter(c).filter(|&i| i < question.options.len()),
            _ => None,
        }
    };
    // The whole text first (an option may contain a comma), then parts.
    let chosen: Option<Vec<usize>> = one(&lower).map(|i| vec![i]).or_else(|| {
        let separator = if lower.contains(';') { ';' } else { ',' };
        lower.split(separator).map(one).collect()
    });
    match chosen {
        Some(list) => Ok(list.into_iter().map(option_letter).collect()),
        None => Err(ResultsProblem::UnknownAnswer(text.to_owned())),
    }
}

/// How survey tools write "did you use what you learned" besides its
/// options' names: the position of yes (0) or no (1).
const USED_WORDS: [(&str, usize); 6] = [
    ("так", 0),
    ("true", 0),
    ("1", 0),
    ("ні", 1),
    ("false", 1),
    ("0", 1),
];

/// A form's cell as the paper row reads it: a whole number for a rating,
/// option letters for choices (matched by the option's name, key or letter;
/// names may contain commas, so the longest names are found first), the
/// text of a comment, `-` for an empty cell (or one that says `-`).
fn as_form_cell(
    column: FormColumn,
    text: &str,
    names: &HashMap<String, String>,
) -> Result<String, ResultsProblem> {
    let text = text.trim();
    if text.is_empty() || text == "-" {
        return Ok("-".into());
    }
    let unknown = || ResultsProblem::UnknownAnswer(text.to_owned());
    match column {
        FormColumn::Comment => Ok(text.to_owned()),
        FormColumn::Likert(_) | FormColumn::Recommend => match parse_number(text) {
            // A spreadsheet's 4.0 is 4; 4.5 is left for the range check.
            Some(n) if n.fract() == 0.0 && n.abs() < 1000.0 => Ok(format!("{n:.0}")),
            Some(_) => Ok(text.to_owned()),
            None => Err(unknown()),
        },
        FormColumn::Used | FormColumn::Actions | FormColumn::Barriers => {
            let options = column.options();
            let mut known: Vec<(&str, usize)> = names
                .iter()
                .filter_map(|(name, key)| {
                    let i = options.iter().position(|o| o == key)?;
                    Some((name.as_str(), i))
                })
                .chain(options.iter().enumerate().map(|(i, o)| (*o, i)))
                .chain(
                    USED_WORDS
                        .iter()
                        .filter(|_| column == FormColumn::Used)
                        .map(|&(word, i)| (word, i)),
                )
                .filter(|(name, _)| !name.is_empty())
                .collect();
            known.sort_by_key(|(name, _)| Reverse(name.chars().count()));
            let mut rest = text.to_lowercase();
            let mut chosen = Vec::new();
            for (name, i) in known {
                if rest.contains(name) {
                    chosen.push(i);
                    rest = rest.replace(name, ";");
                }
            }
            for part in rest
                .split([';', ','])
                .map(str::trim)
                .filter(|p| !p.is_empty())
            {
                let mut chars = part.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => match parse_letter(c).filter(|&i| i < options.len()) {
                        Some(i) => chosen.push(i),
                        None => return Err(unknown()),
                    },
                    _ => return Err(unknown()),
                }
            }
            chosen.sort_unstable();
            chosen.dedup();
            if chosen.is_empty() {
                return Ok("-".into());
            }
            Ok(chosen.into_iter().map(option_letter).collect())
        }
    }
}

/// A cell of the file as the sheet's row reads it.
fn as_cell(context: &ResultsContext<'_>, n: usize, text: &str) -> Result<String, ResultsProblem> {
    match context.sheet {
        Sheet::Test(questions) => as_paper_cell(&questions[n], text),
        Sheet::Form(columns) => as_form_cell(columns[n], text, context.option_names),
    }
}

/// Checks every data row.
pub fn check_results(
    context: &ResultsContext<'_>,
    mapping: &ResultsMapping,
    rows: &[Vec<String>],
) -> Vec<ResultsRow> {
    let mut seen: HashSet<String> = HashSet::new();
    rows.iter()
        .enumerate()
        .map(|(i, row)| {
            let cell = |c: Option<usize>| c.and_then(|c| row.get(c)).map_or("", |s| s.trim());
            let mut problems = Vec::new();
            let uic = if mapping.code.is_some() && !cell(mapping.code).is_empty() {
                context
                    .scheme
                    .check_shape(cell(mapping.code))
                    .map_err(|p| problems.push((mapping.code, ResultsProblem::Code(p))))
                    .ok()
            } else {
                let answers = UicAnswers {
                    mother_name: (cell(mapping.mother) != "-")
                        .then(|| cell(mapping.mother).to_owned()),
                    father_name: (cell(mapping.father) != "-")
                        .then(|| cell(mapping.father).to_owned()),
                    sex: Sex::parse(cell(mapping.sex)),
                    birth_date: parse_day(cell(mapping.birth)),
                };
                match context.scheme.compute(&answers, context.today) {
                    Ok(uic) => Some(uic),
                    Err(found) => {
                        for (field, p) in found {
                            let column = match field {
                                "mother_name" => mapping.mother,
                                "father_name" => mapping.father,
                                "sex" => mapping.sex,
                                _ => mapping.birth,
                            }
                            .or(mapping.code);
                            problems.push((column, ResultsProblem::Code(p)));
                        }
                        None
                    }
                }
            };
            let mut cells = Vec::with_capacity(context.sheet.len());
            for n in 0..context.sheet.len() {
                let column = mapping.items.get(n).copied().flatten();
                match as_cell(context, n, cell(column)) {
                    Ok(text) => cells.push(text),
                    Err(p) => {
                        problems.push((column, p));
                        cells.push("-".into());
                    }
                }
            }
            let scored = match context.sheet.check_row(&cells) {
                Ok(scored) => Some(scored),
                Err(found) => {
                    for (n, p) in found {
                        let column = mapping.items.get(n).copied().flatten();
                        problems.push((column, ResultsProblem::Paper(p)));
                    }
                    None
                }
            };
            if let Some(uic) = &uic
                && (context.answered.contains(uic.as_str()) || !seen.insert(uic.to_string()))
            {
                problems.push((mapping.code, ResultsProblem::Duplicate(uic.to_string())));
            }
            ResultsRow {
                line: i + 2,
                checked: match (uic, scored) {
                    (Some(uic), Some(scored)) if problems.is_empty() => Some((uic, scored)),
                    _ => None,
                },
                problems,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::bank::AnswerOption;
    use crate::time::Timestamp;

    fn questions() -> Vec<Question> {
        let option = |uk: &str, en: &str, correct| AnswerOption {
            text_uk: uk.into(),
            text_en: en.into(),
            correct,
        };
        vec![
            Question {
                id: "a".into(),
                topic: "t".into(),
                kind: QuestionKind::Single,
                text_uk: "Куди звернутися?".into(),
                text_en: "Where to go?".into(),
                options: vec![
                    option("До центру", "A centre", true),
                    option("Нікуди", "Nowhere", false),
                ],
                numeric_answer: None,
                points: 1,
                retired: false,
                updated_at: Timestamp(0),
            },
            Question {
                id: "b".into(),
                topic: "t".into(),
                kind: QuestionKind::Multiple,
                text_uk: "Що захищає?".into(),
                text_en: String::new(),
                options: vec![
                    option("Презерватив", "", true),
                    option("ПрЕП", "", true),
                    option("Душ", "", false),
                ],
                numeric_answer: None,
                points: 2,
                retired: false,
                updated_at: Timestamp(0),
            },
        ]
    }

    /// Checks the rows of a spreadsheet as imported on 1 January 2026 with
    /// the default code scheme.
    fn check(
        sheet: &Sheet,
        mapping: &ResultsMapping,
        option_names: &HashMap<String, String>,
        answered: &HashSet<String>,
        rows: &[&[&str]],
    ) -> Vec<ResultsRow> {
        let context = ResultsContext {
            scheme: &UicScheme::DEFAULT,
            today: "2026-01-01".parse().unwrap(),
            sheet,
            option_names,
            answered,
        };
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect();
        check_results(&context, mapping, &rows)
    }

    #[test]
    fn answers_are_matched_by_option_text_or_letter_and_problems_name_row_and_column() {
        let questions = questions();
        let headers: Vec<String> = ["Code", "Куди звернутися?", "Що захищає?"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let names: Vec<Vec<String>> = questions
            .iter()
            .map(|q| vec![q.text_uk.clone(), q.text_en.clone()])
            .collect();
        let mapping = ResultsMapping::guess(&headers, &names);
        assert_eq!(mapping.code, Some(0));
        assert_eq!(mapping.items, vec![Some(1), Some(2)]);
        let sheet = Sheet::Test(questions);
        assert!(check_mapping(&mapping, &sheet).is_empty());
        let answered = HashSet::from(["HAPEF090785".to_owned()]);
        let rows = check(
            &sheet,
            &mapping,
            &HashMap::new(),
            &answered,
            &[
                &["OKIVF150390", "a centre", "Презерватив; ПрЕП"],
                &["YUZHM011201", "B", ""],
                &["OKIVF150390", "До центру", "A"],
                &["HAPEF090785", "Може, до мами", "Душ"],
                &["NOT A CODE", "A", "A"],
            ],
        );
        assert_eq!(rows[0].checked.as_ref().unwrap().1.points, Some(3));
        assert_eq!(rows[1].checked.as_ref().unwrap().1.points, Some(0));
        assert_eq!(
            rows[2].problems,
            vec![(Some(0), ResultsProblem::Duplicate("OKIVF150390".into()))]
        );
        assert_eq!(rows[3].line, 5);
        assert!(rows[3].problems.contains(&(
            Some(1),
            ResultsProblem::UnknownAnswer("Може, до мами".into())
        )));
        assert!(
            rows[3]
                .problems
                .contains(&(Some(0), ResultsProblem::Duplicate("HAPEF090785".into())))
        );
        assert_eq!(
            rows[4].problems,
            vec![(Some(0), ResultsProblem::Code(UicProblem::CodeShape))]
        );
    }

    #[test]
    fn a_mapping_without_a_code_or_a_question_is_refused() {
        let mapping = ResultsMapping {
            mother: Some(1),
            items: vec![Some(2)],
            ..ResultsMapping::default()
        };
        let sheet = Sheet::Test(questions());
        assert_eq!(
            check_mapping(&mapping, &sheet),
            vec![ResultsProblem::NoCode, ResultsProblem::QuestionUnmapped(1)]
        );
    }

    #[test]
    fn follow_up_answers_are_matched_by_name_even_with_commas_and_problems_name_their_column() {
        use crate::outcomes::{InstrumentKind, form_columns};
        let sheet = Sheet::Form(form_columns(InstrumentKind::FollowUp, true));
        let names = HashMap::from([
            (
                "i went to a health, social or legal service".to_owned(),
                "service".to_owned(),
            ),
            ("i shared it with peers".to_owned(), "shared".to_owned()),
            ("fear or stigma".to_owned(), "fear".to_owned()),
        ]);
        let mapping = ResultsMapping {
            code: Some(0),
            items: vec![Some(1), Some(2), Some(3), None],
            ..ResultsMapping::default()
        };
        assert!(check_mapping(&mapping, &sheet).is_empty());
        assert_eq!(
            check_mapping(
                &ResultsMapping {
                    code: Some(0),
                    ..ResultsMapping::default()
                },
                &sheet
            ),
            vec![ResultsProblem::NothingMapped]
        );
        let rows = check(
            &sheet,
            &mapping,
            &names,
            &HashSet::new(),
            &[
                &[
                    "OKIVF150390",
                    "Так",
                    "I went to a health, social or legal service, I shared it with peers",
                    "",
                ],
                &["YUZHM011201", "ні", "", "Fear or stigma; E"],
                &["HAPEF090785", "maybe", "flew to the moon", "Z"],
            ],
        );
        let answers = |row: &ResultsRow| -> Vec<String> {
            let (_, scored) = row.checked.as_ref().expect("a valid row");
            scored
                .answers
                .iter()
                .map(|a| format!("{}={}", a.item, a.value))
                .collect()
        };
        assert_eq!(
            answers(&rows[0]),
            vec!["used=yes", "action.shared=1", "action.service=1"]
        );
        assert_eq!(
            answers(&rows[1]),
            vec!["used=no", "barrier.fear=1", "barrier.other=1"]
        );
        assert_eq!(
            rows[2].problems,
            vec![
                (Some(1), ResultsProblem::UnknownAnswer("maybe".into())),
                (
                    Some(2),
                    ResultsProblem::UnknownAnswer("flew to the moon".into())
                ),
                (Some(3), ResultsProblem::UnknownAnswer("Z".into())),
            ]
        );
    }

    #[test]
    fn feedback_ratings_from_a_spreadsheet_are_whole_numbers_in_range() {
        use crate::outcomes::{InstrumentKind, form_columns};
        let sheet = Sheet::Form(form_columns(InstrumentKind::Feedback, false));
        let mapping = ResultsMapping {
            code: Some(0),
            items: vec![Some(1), Some(2), Some(3), Some(4), Some(5)],
            ..ResultsMapping::default()
        };
        let rows = check(
            &sheet,
            &mapping,
            &HashMap::new(),
            &HashSet::new(),
            &[
                &["OKIVF150390", "5.0", "4", "", "9", "Дякую"],
                &["YUZHM011201", "4.5", "добре", "3", "12", ""],
            ],
        );
        let (_, scored) = rows[0].checked.as_ref().expect("a valid row");
        assert_eq!(scored.answers.len(), 3, "the blank rating is left out");
        let names = HashMap::new();
        for blank in ["", " - "] {
            assert_eq!(
                as_form_cell(FormColumn::Likert("content"), blank, &names),
                Ok("-".to_owned())
            );
        }
        assert_eq!(scored.answers[0].value, "5");
        assert_eq!(scored.comment.as_deref(), Some("Дякую"));
        let range = |min, max| ResultsProblem::Paper(PaperProblem::OutOfRange { min, max });
        assert_eq!(
            rows[1].problems,
            vec![
                (Some(2), ResultsProblem::UnknownAnswer("добре".into())),
                (Some(1), range(1, 5)),
                (Some(4), range(0, 10)),
            ]
        );
    }
}
