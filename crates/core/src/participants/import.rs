//! Checking a participant list read from a CSV or XLSX file, row by row and
//! column by column, before anything is stored. The binary reads the file
//! into text cells; this module decides what each cell means and what is
//! wrong with it, so the preview can list every problem and the import can
//! refuse to start until each row is valid or excluded.

use jiff::civil::Date;

use super::duplicates::{CodeEntry, DuplicateReason, near_duplicates};
use super::participant::{
    AgeBand, Consents, Gender, Group, Nickname, ParticipantProfile, PersonalDetails, check_personal,
};
use super::uic::{Sex, Uic, UicAnswers, UicScheme};
use crate::org::Oblast;

/// A column Kolo understands, by its canonical name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ImportColumn {
    Uic,
    MotherName,
    FatherName,
    Sex,
    BirthDate,
    Nickname,
    Oblast,
    Group,
    Gender,
    AgeBand,
    RealName,
    Phone,
    Messenger,
    ConsentContact,
    ConsentCertificate,
}

impl ImportColumn {
    pub const ALL: [ImportColumn; 15] = [
        ImportColumn::Uic,
        ImportColumn::MotherName,
        ImportColumn::FatherName,
        ImportColumn::Sex,
        ImportColumn::BirthDate,
        ImportColumn::Nickname,
        ImportColumn::Oblast,
        ImportColumn::Group,
        ImportColumn::Gender,
        ImportColumn::AgeBand,
        ImportColumn::RealName,
        ImportColumn::Phone,
        ImportColumn::Messenger,
        ImportColumn::ConsentContact,
        ImportColumn::ConsentCertificate,
    ];

    /// The canonical header, as in the template file.
    pub fn name(self) -> &'static str {
        match self {
            ImportColumn::Uic => "uic",
            ImportColumn::MotherName => "mother_name",
            ImportColumn::FatherName => "father_name",
            ImportColumn::Sex => "sex",
            ImportColumn::BirthDate => "birth_date",
            ImportColumn::Nickname => "nickname",
            ImportColumn::Oblast => "oblast",
            ImportColumn::Group => "group",
            ImportColumn::Gender => "gender",
            ImportColumn::AgeBand => "age_band",
            ImportColumn::RealName => "real_name",
            ImportColumn::Phone => "phone",
            ImportColumn::Messenger => "messenger",
            ImportColumn::ConsentContact => "consent_contact",
            ImportColumn::ConsentCertificate => "consent_certificate",
        }
    }

    /// Ukrainian headers accepted for the column (compared after
    /// [`normalise_header`]).
    fn ukrainian(self) -> &'static [&'static str] {
        match self {
            ImportColumn::Uic => &["код", "ukk", "унікальний_код"],
            ImportColumn::MotherName => &["ім'я_матері"],
            ImportColumn::FatherName => &["ім'я_батька"],
            ImportColumn::Sex => &["стать"],
            ImportColumn::BirthDate => &["дата_народження"],
            ImportColumn::Nickname => &["нікнейм", "псевдонім"],
            ImportColumn::Oblast => &["область"],
            ImportColumn::Group => &["група"],
            ImportColumn::Gender => &["гендер"],
            ImportColumn::AgeBand => &["вікова_група", "вік"],
            ImportColumn::RealName => &["ім'я", "справжнє_ім'я", "піб"],
            ImportColumn::Phone => &["телефон"],
            ImportColumn::Messenger => &["месенджер"],
            ImportColumn::ConsentContact => &["згода_на_контакт"],
            ImportColumn::ConsentCertificate => &["згода_на_сертифікат"],
        }
    }

    fn from_header(header: &str) -> Option<ImportColumn> {
        let header = normalise_header(header);
        ImportColumn::ALL
            .into_iter()
            .find(|c| c.name() == header || c.ukrainian().contains(&header.as_str()))
    }
}

/// Lower case, spaces and dashes as `_`, one apostrophe.
pub fn normalise_header(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .to_lowercase()
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c if super::translit::is_apostrophe(c) => '\'',
            c => c,
        })
        .collect()
}

/// One problem, where it is and what it says. `column` is the header as
/// written in the file (empty for the whole row).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportProblem {
    pub column: String,
    pub message_id: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl ImportProblem {
    fn new(column: &str, message_id: &'static str) -> ImportProblem {
        ImportProblem {
            column: column.to_owned(),
            message_id,
            args: Vec::new(),
        }
    }

    fn with(mut self, name: &'static str, value: impl ToString) -> ImportProblem {
        self.args.push((name, value.to_string()));
        self
    }
}

/// What a valid row becomes.
#[derive(Clone, Debug)]
pub struct ImportedParticipant {
    pub uic: Uic,
    pub profile: ParticipantProfile,
    pub consents: Consents,
    pub personal: PersonalDetails,
}

/// One data row: its line in the file (the header is line 1), its cells, and
/// either what it becomes or what is wrong.
#[derive(Clone, Debug)]
pub struct ImportRow {
    pub line: usize,
    pub cells: Vec<String>,
    pub participant: Option<ImportedParticipant>,
    pub problems: Vec<ImportProblem>,
    /// Possible duplicates in the register: shown, not blocking.
    pub warnings: Vec<ImportProblem>,
}

/// The whole file, checked.
#[derive(Clone, Debug)]
pub struct ImportPlan {
    pub headers: Vec<String>,
    /// Problems with the header row itself: unknown or missing columns. While
    /// any exists, no row can be imported.
    pub header_problems: Vec<ImportProblem>,
    pub rows: Vec<ImportRow>,
}

impl ImportPlan {
    /// Whether every row not excluded is valid and the header is sound.
    pub fn ready(&self, excluded: &[usize]) -> bool {
        self.header_problems.is_empty()
            && self
                .rows
                .iter()
                .filter(|r| !excluded.contains(&r.line))
                .all(|r| r.participant.is_some())
            && self.rows.iter().any(|r| !excluded.contains(&r.line))
    }
}

/// The largest number of data rows one import takes.
pub const MAX_ROWS: usize = 5000;

/// What the check needs from outside: the code scheme, today's date, how to
/// read an oblast's name, and the register's codes.
pub struct ImportContext<'a> {
    pub scheme: &'a UicScheme,
    pub today: Date,
    pub oblast_by_name: &'a dyn Fn(&str) -> Option<Oblast>,
    pub register: &'a [CodeEntry],
}

/// Checks the header and every row.
pub fn plan_import(
    ctx: &ImportContext<'_>,
    headers: &[String],
    rows: &[Vec<String>],
) -> ImportPlan {
    let mut header_problems = Vec::new();
    let mut columns: Vec<Option<ImportColumn>> = Vec::with_capacity(headers.len());
    for header in headers {
        let column = ImportColumn::from_header(header);
        if header.trim().is_empty() {
            columns.push(None);
            continue;
        }
        match column {
            None => header_problems
                .push(ImportProblem::new(header, "import-column-unknown").with("column", header)),
            Some(c) if columns.contains(&Some(c)) => header_problems
                .push(ImportProblem::new(header, "import-column-repeated").with("column", header)),
            Some(_) => {}
        }
        columns.push(column);
    }
    let has = |c: ImportColumn| columns.contains(&Some(c));
    if !has(ImportColumn::Nickname) {
        header_problems
            .push(ImportProblem::new("", "import-column-missing").with("column", "nickname"));
    }
    if !has(ImportColumn::Uic) {
        let mut needed = Vec::new();
        if ctx.scheme.mother_letters > 0 {
            needed.push(ImportColumn::MotherName);
        }
        if ctx.scheme.father_letters > 0 {
            needed.push(ImportColumn::FatherName);
        }
        if ctx.scheme.sex {
            needed.push(ImportColumn::Sex);
        }
        needed.push(ImportColumn::BirthDate);
        for column in needed.into_iter().filter(|c| !has(*c)) {
            header_problems.push(
                ImportProblem::new("", "import-column-missing").with("column", column.name()),
            );
        }
    }

    let mut seen: Vec<(Uic, usize)> = Vec::new();
    let mut out = Vec::new();
    for (index, cells) in rows.iter().enumerate() {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = index + 2;
        let mut row = check_row(ctx, headers, &columns, cells, line);
        if let Some(participant) = &row.participant {
            let uic = participant.uic.clone();
            if let Some((_, first)) = seen.iter().find(|(u, _)| *u == uic) {
                row.problems.push(
                    ImportProblem::new(code_column(headers, &columns), "import-row-repeats")
                        .with("row", first),
                );
            } else {
                seen.push((uic.clone(), line));
            }
            for candidate in near_duplicates(
                ctx.scheme,
                &uic,
                participant.profile.nickname.as_str(),
                None,
                ctx.register,
            ) {
                if candidate.reasons.first() == Some(&DuplicateReason::SameCode)
                    && candidate.uic == uic
                {
                    row.problems.push(
                        ImportProblem::new(code_column(headers, &columns), "import-in-register")
                            .with("nickname", &candidate.nickname),
                    );
                } else {
                    row.warnings.push(
                        ImportProblem::new(code_column(headers, &columns), "import-near-duplicate")
                            .with("code", candidate.uic.as_str())
                            .with("nickname", &candidate.nickname),
                    );
                }
            }
            if !row.problems.is_empty() {
                row.participant = None;
            }
        }
        out.push(row);
    }
    if out.len() > MAX_ROWS {
        header_problems.push(ImportProblem::new("", "import-too-many-rows").with("max", MAX_ROWS));
    }
    ImportPlan {
        headers: headers.to_vec(),
        header_problems,
        rows: out,
    }
}

/// The header that holds the code, or the birth date it is computed from.
fn code_column<'a>(headers: &'a [String], columns: &[Option<ImportColumn>]) -> &'a str {
    for wanted in [ImportColumn::Uic, ImportColumn::BirthDate] {
        if let Some(i) = columns.iter().position(|c| *c == Some(wanted)) {
            return headers.get(i).map_or("", String::as_str);
        }
    }
    ""
}

fn check_row(
    ctx: &ImportContext<'_>,
    headers: &[String],
    columns: &[Option<ImportColumn>],
    cells: &[String],
    line: usize,
) -> ImportRow {
    let mut problems = Vec::new();
    let header_of = |column: ImportColumn| -> String {
        columns
            .iter()
            .position(|c| *c == Some(column))
            .and_then(|i| headers.get(i))
            .cloned()
            .unwrap_or_else(|| column.name().to_owned())
    };
    let cell = |column: ImportColumn| -> Option<&str> {
        let i = columns.iter().position(|c| *c == Some(column))?;
        Some(cells.get(i).map_or("", |s| s.trim()))
    };
    let text = |column: ImportColumn| cell(column).unwrap_or("");

    // The code: computed from the answers when they are there, else read.
    let uic = if columns.contains(&Some(ImportColumn::BirthDate)) {
        let birth_text = text(ImportColumn::BirthDate);
        let birth_date = parse_date(birth_text);
        if birth_date.is_none() && !birth_text.is_empty() {
            problems.push(
                ImportProblem::new(&header_of(ImportColumn::BirthDate), "import-date-invalid")
                    .with("value", birth_text),
            );
        }
        let sex_text = text(ImportColumn::Sex);
        let sex = Sex::parse(sex_text);
        if sex.is_none() && !sex_text.is_empty() {
            problems.push(
                ImportProblem::new(&header_of(ImportColumn::Sex), "import-sex-invalid")
                    .with("value", sex_text),
            );
        }
        let parent = |column| {
            let name = text(column);
            // "-" or "?" in a parent's column means "does not know".
            (!matches!(name, "-" | "?" | "—")).then(|| name.to_owned())
        };
        let answers = UicAnswers {
            mother_name: parent(ImportColumn::MotherName),
            father_name: parent(ImportColumn::FatherName),
            sex,
            birth_date,
        };
        match ctx.scheme.compute(&answers, ctx.today) {
            Ok(uic) => {
                if let Some(given) = cell(ImportColumn::Uic).filter(|c| !c.is_empty())
                    && Uic::parse(given).is_none_or(|g| g.base() != uic.base())
                {
                    problems.push(
                        ImportProblem::new(&header_of(ImportColumn::Uic), "import-code-differs")
                            .with("given", given)
                            .with("computed", uic.as_str()),
                    );
                }
                Some(uic)
            }
            Err(answer_problems) => {
                for (field, problem) in answer_problems {
                    let column = match field {
                        "mother_name" => ImportColumn::MotherName,
                        "father_name" => ImportColumn::FatherName,
                        "sex" => ImportColumn::Sex,
                        _ => ImportColumn::BirthDate,
                    };
                    let already = problems
                        .iter()
                        .any(|p: &ImportProblem| p.column == header_of(column));
                    if !already {
                        problems.push(ImportProblem::new(&header_of(column), problem.message_id()));
                    }
                }
                None
            }
        }
    } else {
        let given = text(ImportColumn::Uic);
        match ctx.scheme.check_shape(given) {
            Ok(uic) => Some(uic),
            Err(problem) => {
                problems.push(
                    ImportProblem::new(&header_of(ImportColumn::Uic), problem.message_id())
                        .with("value", given),
                );
                None
            }
        }
    };

    let nickname = Nickname::parse(text(ImportColumn::Nickname));
    if nickname.is_none() {
        problems.push(ImportProblem::new(
            &header_of(ImportColumn::Nickname),
            "participant-nickname-invalid",
        ));
    }
    let mut choice = |column: ImportColumn, parse: &dyn Fn(&str) -> bool| {
        let value = text(column);
        if !value.is_empty() && !parse(value) {
            problems.push(
                ImportProblem::new(&header_of(column), "import-choice-unknown")
                    .with("value", value),
            );
        }
    };
    choice(ImportColumn::Oblast, &|v| oblast(ctx, v).is_some());
    choice(ImportColumn::Group, &|v| Group::parse(v).is_some());
    choice(ImportColumn::Gender, &|v| Gender::parse(v).is_some());
    choice(ImportColumn::AgeBand, &|v| AgeBand::parse(v).is_some());
    let mut flag = |column: ImportColumn| match parse_yes_no(text(column)) {
        Some(value) => value,
        None => {
            problems.push(
                ImportProblem::new(&header_of(column), "import-yes-no").with("value", text(column)),
            );
            false
        }
    };
    let consents = Consents {
        contact: flag(ImportColumn::ConsentContact),
        certificate: flag(ImportColumn::ConsentCertificate),
    };
    let personal = match check_personal(
        consents,
        text(ImportColumn::RealName),
        text(ImportColumn::Phone),
        text(ImportColumn::Messenger),
    ) {
        Ok(details) => Some(details),
        Err(personal_problems) => {
            for (field, problem) in personal_problems {
                let column = match field {
                    "real_name" => ImportColumn::RealName,
                    "phone" => ImportColumn::Phone,
                    _ => ImportColumn::Messenger,
                };
                problems.push(ImportProblem::new(&header_of(column), problem.message_id()));
            }
            None
        }
    };

    let participant = match (uic, nickname, personal, problems.is_empty()) {
        (Some(uic), Some(nickname), Some(personal), true) => Some(ImportedParticipant {
            uic,
            profile: ParticipantProfile {
                nickname,
                oblast: oblast(ctx, text(ImportColumn::Oblast)),
                group: Group::parse(text(ImportColumn::Group)),
                gender: Gender::parse(text(ImportColumn::Gender)),
                age_band: AgeBand::parse(text(ImportColumn::AgeBand)),
            },
            consents,
            personal,
        }),
        _ => None,
    };
    ImportRow {
        line,
        cells: cells.to_vec(),
        participant,
        problems,
        warnings: Vec::new(),
    }
}

fn oblast(ctx: &ImportContext<'_>, value: &str) -> Option<Oblast> {
    if value.is_empty() {
        return None;
    }
    Oblast::from_code(&value.to_ascii_uppercase()).or_else(|| (ctx.oblast_by_name)(value))
}

/// `так`/`yes`/`1`/`+` and `ні`/`no`/`0`/`-`; an empty cell is "no".
pub fn parse_yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "ні" | "н" | "0" | "-" | "false" => Some(false),
        "yes" | "y" | "так" | "т" | "1" | "+" | "true" => Some(true),
        _ => None,
    }
}

/// A date as people write it in Ukraine and as spreadsheets export it:
/// `15.03.1990`, `15/03/1990`, `1990-03-15`.
pub fn parse_date(value: &str) -> Option<Date> {
    let value = value.trim();
    if let Ok(date) = value.parse::<Date>() {
        return Some(date);
    }
    let parts: Vec<&str> = value.split(['.', '/']).collect();
    let [day, month, year] = parts.as_slice() else {
        return None;
    };
    let year: i16 = year.parse().ok().filter(|_| year.len() == 4)?;
    Date::new(year, month.parse().ok()?, day.parse().ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::participants::participant::ParticipantId;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    fn context<'a>(
        register: &'a [CodeEntry],
        lookup: &'a dyn Fn(&str) -> Option<Oblast>,
    ) -> ImportContext<'a> {
        ImportContext {
            scheme: &UicScheme::DEFAULT,
            today: "2024-06-01".parse().unwrap(),
            oblast_by_name: lookup,
            register,
        }
    }

    fn no_names(_: &str) -> Option<Oblast> {
        None
    }

    #[test]
    fn valid_rows_become_participants_with_codes_computed_from_answers() {
        let headers = strings(&[
            "Ім'я матері",
            "ім’я батька",
            "Стать",
            "Дата народження",
            "Нікнейм",
            "Область",
        ]);
        let rows = vec![strings(&[
            "Оксана",
            "Іван",
            "ж",
            "15.03.1990",
            "Оля",
            "UA-46",
        ])];
        let plan = plan_import(&context(&[], &no_names), &headers, &rows);
        assert!(
            plan.header_problems.is_empty(),
            "{:?}",
            plan.header_problems
        );
        let row = &plan.rows[0];
        assert_eq!(row.line, 2);
        let participant = row.participant.as_ref().unwrap();
        assert_eq!(participant.uic.as_str(), "OKIVF150390");
        assert_eq!(participant.profile.oblast, Some(Oblast::Lviv));
        assert!(plan.ready(&[]));
    }

    #[test]
    fn every_problem_is_named_by_row_and_column() {
        let headers = strings(&["uic", "nickname", "oblast", "phone", "consent_contact"]);
        let rows = vec![
            strings(&["OKIVF150390", "Оля", "UA-99", "0671234567", "так"]),
            strings(&["", "", "", "", ""]),
            strings(&["OKIVF310290", "", "", "0671234567", "maybe"]),
        ];
        let plan = plan_import(&context(&[], &no_names), &headers, &rows);
        assert_eq!(plan.rows.len(), 2, "the empty row is skipped");
        let first: Vec<(&str, &str)> = plan.rows[0]
            .problems
            .iter()
            .map(|p| (p.column.as_str(), p.message_id))
            .collect();
        assert_eq!(first, vec![("oblast", "import-choice-unknown")]);
        let third: Vec<(&str, &str)> = plan.rows[1]
            .problems
            .iter()
            .map(|p| (p.column.as_str(), p.message_id))
            .collect();
        assert_eq!(plan.rows[1].line, 4);
        assert_eq!(
            third,
            vec![
                ("uic", "uic-code-shape"),
                ("nickname", "participant-nickname-invalid"),
                ("consent_contact", "import-yes-no"),
                ("phone", "participant-contact-without-consent"),
            ]
        );
        assert!(!plan.ready(&[]));
        assert!(!plan.ready(&[2]));
        assert!(!plan.ready(&[2, 4]), "nothing left to import");
    }

    #[test]
    fn unknown_and_missing_columns_block_the_whole_file() {
        let headers = strings(&["nickname", "telephone"]);
        let plan = plan_import(
            &context(&[], &no_names),
            &headers,
            &[strings(&["Оля", "1"])],
        );
        let ids: Vec<&str> = plan.header_problems.iter().map(|p| p.message_id).collect();
        assert_eq!(
            ids,
            vec![
                "import-column-unknown",
                "import-column-missing",
                "import-column-missing",
                "import-column-missing",
                "import-column-missing"
            ]
        );
        assert!(!plan.ready(&[2]));
    }

    #[test]
    fn a_code_repeated_in_the_file_or_already_registered_is_a_problem() {
        let register = [CodeEntry {
            id: ParticipantId("p1".into()),
            uic: Uic::parse("ANPEM010180").unwrap(),
            nickname: "Петро".into(),
            phone_index: None,
        }];
        let headers = strings(&["uic", "nickname"]);
        let rows = vec![
            strings(&["OKIVF150390", "Оля"]),
            strings(&["okivf150390", "Оля 2"]),
            strings(&["ANPEM010180", "Петро"]),
            strings(&["ANPEM010181", "Петро?"]),
        ];
        let plan = plan_import(&context(&register, &no_names), &headers, &rows);
        assert_eq!(plan.rows[1].problems[0].message_id, "import-row-repeats");
        assert_eq!(plan.rows[1].problems[0].args, vec![("row", "2".to_owned())]);
        assert_eq!(plan.rows[2].problems[0].message_id, "import-in-register");
        assert!(plan.rows[3].participant.is_some());
        assert_eq!(plan.rows[3].warnings[0].message_id, "import-near-duplicate");
        assert!(plan.ready(&[3, 4]));
    }

    #[test]
    fn a_given_code_must_match_the_one_computed_from_answers() {
        let headers = strings(&[
            "uic",
            "mother_name",
            "father_name",
            "sex",
            "birth_date",
            "nickname",
        ]);
        let rows = vec![strings(&[
            "OKIVF150391",
            "Оксана",
            "Іван",
            "F",
            "1990-03-15",
            "Оля",
        ])];
        let plan = plan_import(&context(&[], &no_names), &headers, &rows);
        assert_eq!(plan.rows[0].problems[0].message_id, "import-code-differs");
    }

    #[test]
    fn dates_are_read_as_written_in_ukraine() {
        assert_eq!(parse_date("15.03.1990"), "1990-03-15".parse().ok());
        assert_eq!(parse_date("15/03/1990"), "1990-03-15".parse().ok());
        assert_eq!(parse_date("1990-03-15"), "1990-03-15".parse().ok());
        assert_eq!(parse_date("31.02.1990"), None);
        assert_eq!(parse_date("15.03.90"), None);
    }
}
