//! Results exported by another survey tool (an online event's test), read as
//! a table and mapped column by column: the participant's code (or the
//! answers it is built from) and one column per question. Every problem is
//! named by row and column; the caller imports nothing until every row is
//! valid or excluded.

use std::collections::HashSet;

use jiff::civil::Date;

use super::bank::{Question, QuestionKind, option_letter, parse_letter};
use super::paper::{PaperProblem, check_paper_row};
use super::response::Scored;
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
    /// One entry per question of the test, in the test's order.
    pub questions: Vec<Option<usize>>,
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

    /// A first guess from the headers: `code`/`uic`/`код`, and each question
    /// whose text (either language) the header holds.
    pub fn guess(headers: &[String], questions: &[Question]) -> ResultsMapping {
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
            questions: questions
                .iter()
                .map(|q| {
                    headers.iter().position(|h| {
                        let h = clean(h);
                        [&q.text_uk, &q.text_en]
                            .iter()
                            .any(|t| !t.is_empty() && h.contains(&clean(t)))
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
    /// A question has no column.
    QuestionUnmapped(usize),
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
    pub questions: &'a [Question],
    /// Codes that already answered the test in Kolo.
    pub answered: &'a HashSet<String>,
}

/// Problems of the mapping itself; rows are checked only when there are none.
pub fn check_mapping(mapping: &ResultsMapping, questions: usize) -> Vec<ResultsProblem> {
    let mut problems = Vec::new();
    if !mapping.finds_code() {
        problems.push(ResultsProblem::NoCode);
    }
    for n in 0..questions {
        if mapping.questions.get(n).copied().flatten().is_none() {
            problems.push(ResultsProblem::QuestionUnmapped(n));
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
            let mut cells = Vec::with_capacity(context.questions.len());
            for (n, question) in context.questions.iter().enumerate() {
                let column = mapping.questions.get(n).copied().flatten();
                match as_paper_cell(question, cell(column)) {
                    Ok(text) => cells.push(text),
                    Err(p) => {
                        problems.push((column, p));
                        cells.push("-".into());
                    }
                }
            }
            let scored = match check_paper_row(context.questions, &cells) {
                Ok(scored) => Some(scored),
                Err(found) => {
                    for (n, p) in found {
                        let column = mapping.questions.get(n).copied().flatten();
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

    fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    #[test]
    fn answers_are_matched_by_option_text_or_letter_and_problems_name_row_and_column() {
        let questions = questions();
        let headers: Vec<String> = ["Code", "Куди звернутися?", "Що захищає?"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let mapping = ResultsMapping::guess(&headers, &questions);
        assert_eq!(mapping.code, Some(0));
        assert_eq!(mapping.questions, vec![Some(1), Some(2)]);
        assert!(check_mapping(&mapping, 2).is_empty());
        let answered = HashSet::from(["HAPEF090785".to_owned()]);
        let scheme = UicScheme::DEFAULT;
        let context = ResultsContext {
            scheme: &scheme,
            today: "2026-01-01".parse().unwrap(),
            questions: &questions,
            answered: &answered,
        };
        let rows = check_results(
            &context,
            &mapping,
            &table(&[
                &["OKIVF150390", "a centre", "Презерватив; ПрЕП"],
                &["YUZHM011201", "B", ""],
                &["OKIVF150390", "До центру", "A"],
                &["HAPEF090785", "Може, до мами", "Душ"],
                &["NOT A CODE", "A", "A"],
            ]),
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
            questions: vec![Some(2)],
            ..ResultsMapping::default()
        };
        assert_eq!(
            check_mapping(&mapping, 2),
            vec![ResultsProblem::NoCode, ResultsProblem::QuestionUnmapped(1)]
        );
    }
}
