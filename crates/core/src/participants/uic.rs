//! The unique identifier code (UIC): a pseudonym built from answers a person
//! can always repeat, so the same person gets the same code at every event
//! without giving a name.
//!
//! Kolo computes the code from the answers; staff never type a code by hand
//! when registering someone, so a typo cannot create a second person. The
//! scheme is the organisation's choice (an admin sets it); the default is
//! [`UicScheme::DEFAULT`]: two letters of the mother's first name, two of the
//! father's, a letter for sex, and the date of birth as `DDMMYY`, for example
//! `OKIVF150390`. Names are transliterated with [`super::translit`].
//!
//! The answers themselves are never stored: only the code.

use std::fmt;

use jiff::civil::Date;

use super::translit::transliterate;

/// The setting that holds the organisation's scheme ([`UicScheme::encode`]).
pub const UIC_SCHEME_SETTING: &str = "participants.uic_scheme";

/// How codes are built. Stored as a setting in the compact form of
/// [`UicScheme::encode`], and on each participant, so a code can be explained
/// after the scheme changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UicScheme {
    /// Letters taken from the start of the mother's first name (0 to 3).
    pub mother_letters: u8,
    /// Letters taken from the start of the father's first name (0 to 3).
    pub father_letters: u8,
    /// Whether a letter for sex (`F`, `M` or `X`) follows the names.
    pub sex: bool,
    pub birth: BirthFormat,
}

/// How the date of birth is written at the end of the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BirthFormat {
    /// `150390` for 15 March 1990.
    DayMonthYear2,
    /// `15031990`.
    DayMonthYear4,
    /// `1990`.
    Year4,
}

impl BirthFormat {
    pub const ALL: [BirthFormat; 3] = [
        BirthFormat::DayMonthYear2,
        BirthFormat::DayMonthYear4,
        BirthFormat::Year4,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            BirthFormat::DayMonthYear2 => "ddmmyy",
            BirthFormat::DayMonthYear4 => "ddmmyyyy",
            BirthFormat::Year4 => "yyyy",
        }
    }

    pub fn parse(text: &str) -> Option<BirthFormat> {
        BirthFormat::ALL.into_iter().find(|f| f.as_str() == text)
    }

    fn digits(self) -> usize {
        match self {
            BirthFormat::DayMonthYear2 => 6,
            BirthFormat::DayMonthYear4 => 8,
            BirthFormat::Year4 => 4,
        }
    }

    fn write(self, date: Date) -> String {
        let (d, m, y) = (date.day(), date.month(), date.year());
        match self {
            BirthFormat::DayMonthYear2 => format!("{d:02}{m:02}{:02}", y.rem_euclid(100)),
            BirthFormat::DayMonthYear4 => format!("{d:02}{m:02}{y:04}"),
            BirthFormat::Year4 => format!("{y:04}"),
        }
    }
}

/// The sex a person gives for their code. Only its letter is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
    Other,
}

impl Sex {
    pub const ALL: [Sex; 3] = [Sex::Female, Sex::Male, Sex::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
        }
    }

    /// Reads the form's value, or a letter or word from an imported file
    /// (`F`, `Ж`, `жін`, `female`, ...).
    pub fn parse(text: &str) -> Option<Sex> {
        let t = text.trim().to_lowercase();
        match t.as_str() {
            "female" | "f" | "ж" | "жін" | "жіноча" | "жінка" => Some(Sex::Female),
            "male" | "m" | "ч" | "чол" | "чоловіча" | "чоловік" => {
                Some(Sex::Male)
            }
            "other" | "x" | "х" | "інша" | "інше" => Some(Sex::Other),
            _ => None,
        }
    }

    pub fn letter(self) -> char {
        match self {
            Sex::Female => 'F',
            Sex::Male => 'M',
            Sex::Other => 'X',
        }
    }

    pub fn message_id(self) -> &'static str {
        match self {
            Sex::Female => "uic-sex-female",
            Sex::Male => "uic-sex-male",
            Sex::Other => "uic-sex-other",
        }
    }
}

/// What a person answers. `None` for a parent's name means "does not know":
/// the letters become `X`.
#[derive(Clone, Debug, Default)]
pub struct UicAnswers {
    pub mother_name: Option<String>,
    pub father_name: Option<String>,
    pub sex: Option<Sex>,
    pub birth_date: Option<Date>,
}

/// A computed code: upper-case Latin letters and digits, optionally followed by
/// `-2` ... `-9` when two different people have the same answers.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uic(String);

impl Uic {
    /// Reads a code stored by Kolo (or typed to find someone): letters and
    /// digits, case-insensitive, with an optional `-N` suffix. This does not
    /// check it against a scheme.
    pub fn parse(text: &str) -> Option<Uic> {
        let code = text.trim().to_ascii_uppercase();
        let (base, suffix) = match code.split_once('-') {
            Some((base, suffix)) => (base, Some(suffix)),
            None => (code.as_str(), None),
        };
        let base_ok = (4..=24).contains(&base.len())
            && base
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
        let suffix_ok = suffix.is_none_or(|s| matches!(s.as_bytes(), [b'2'..=b'9']));
        (base_ok && suffix_ok).then_some(Uic(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code without its distinguishing suffix.
    pub fn base(&self) -> &str {
        self.0.split('-').next().unwrap_or(&self.0)
    }

    /// The same code with a distinguishing number (2 to 9).
    pub fn with_suffix(&self, number: u8) -> Option<Uic> {
        (2..=9)
            .contains(&number)
            .then(|| Uic(format!("{}-{number}", self.base())))
    }
}

impl fmt::Display for Uic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a code cannot be computed, by answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UicProblem {
    /// A parent's name is empty and "does not know" was not chosen.
    NameMissing,
    /// The name has no letter Kolo can transliterate.
    NameHasNoLetters,
    SexMissing,
    BirthDateMissing,
    /// Before 1900 or not before today.
    BirthDateImplausible,
    /// A code read from a file does not have the scheme's shape.
    CodeShape,
}

impl UicProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            UicProblem::NameMissing => "uic-name-missing",
            UicProblem::NameHasNoLetters => "uic-name-no-letters",
            UicProblem::SexMissing => "uic-sex-missing",
            UicProblem::BirthDateMissing => "uic-birth-missing",
            UicProblem::BirthDateImplausible => "uic-birth-implausible",
            UicProblem::CodeShape => "uic-code-shape",
        }
    }
}

/// Which answer a problem belongs to (the form's field names).
pub mod answer {
    pub const MOTHER: &str = "mother_name";
    pub const FATHER: &str = "father_name";
    pub const SEX: &str = "sex";
    pub const BIRTH: &str = "birth_date";
}

/// Why a scheme setting is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UicSchemeProblem {
    /// Not in the `mother=2;father=2;sex=yes;birth=ddmmyy` form.
    Malformed,
    /// More than 3 letters of a name.
    TooManyLetters,
    /// Fewer than 2 letters of names in all: too many people would share a code.
    TooFewLetters,
}

impl UicSchemeProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            UicSchemeProblem::Malformed => "uic-scheme-malformed",
            UicSchemeProblem::TooManyLetters => "uic-scheme-too-many-letters",
            UicSchemeProblem::TooFewLetters => "uic-scheme-too-few-letters",
        }
    }
}

/// The parts of a code, by the scheme that built it (for duplicate checks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UicParts<'a> {
    pub mother: &'a str,
    pub father: &'a str,
    pub sex: &'a str,
    pub birth: &'a str,
}

impl UicScheme {
    /// Two letters of the mother's and of the father's first name, sex, and the
    /// date of birth as `DDMMYY`: about the PSI scheme used in the region, with
    /// the full date, which makes shared codes rare.
    pub const DEFAULT: UicScheme = UicScheme {
        mother_letters: 2,
        father_letters: 2,
        sex: true,
        birth: BirthFormat::DayMonthYear2,
    };

    pub fn new(
        mother_letters: u8,
        father_letters: u8,
        sex: bool,
        birth: BirthFormat,
    ) -> Result<UicScheme, UicSchemeProblem> {
        if mother_letters > 3 || father_letters > 3 {
            return Err(UicSchemeProblem::TooManyLetters);
        }
        if mother_letters + father_letters < 2 {
            return Err(UicSchemeProblem::TooFewLetters);
        }
        Ok(UicScheme {
            mother_letters,
            father_letters,
            sex,
            birth,
        })
    }

    /// `mother=2;father=2;sex=yes;birth=ddmmyy`.
    pub fn encode(&self) -> String {
        format!(
            "mother={};father={};sex={};birth={}",
            self.mother_letters,
            self.father_letters,
            if self.sex { "yes" } else { "no" },
            self.birth.as_str()
        )
    }

    pub fn parse(text: &str) -> Result<UicScheme, UicSchemeProblem> {
        let mut mother = None;
        let mut father = None;
        let mut sex = None;
        let mut birth = None;
        for part in text.trim().split(';') {
            let (key, value) = part.split_once('=').ok_or(UicSchemeProblem::Malformed)?;
            match key.trim() {
                "mother" => mother = value.trim().parse::<u8>().ok(),
                "father" => father = value.trim().parse::<u8>().ok(),
                "sex" => {
                    sex = match value.trim() {
                        "yes" => Some(true),
                        "no" => Some(false),
                        _ => None,
                    }
                }
                "birth" => birth = BirthFormat::parse(value.trim()),
                _ => return Err(UicSchemeProblem::Malformed),
            }
        }
        match (mother, father, sex, birth) {
            (Some(m), Some(f), Some(s), Some(b)) => UicScheme::new(m, f, s, b),
            _ => Err(UicSchemeProblem::Malformed),
        }
    }

    /// The number of characters of a code without suffix.
    pub fn length(&self) -> usize {
        usize::from(self.mother_letters)
            + usize::from(self.father_letters)
            + usize::from(self.sex)
            + self.birth.digits()
    }

    /// Computes the code, or says which answers are missing or wrong.
    /// `today` bounds the date of birth.
    pub fn compute(
        &self,
        answers: &UicAnswers,
        today: Date,
    ) -> Result<Uic, Vec<(&'static str, UicProblem)>> {
        let mut problems = Vec::new();
        let mut code = String::with_capacity(self.length());
        for (field, name, letters) in [
            (answer::MOTHER, &answers.mother_name, self.mother_letters),
            (answer::FATHER, &answers.father_name, self.father_letters),
        ] {
            if letters == 0 {
                continue;
            }
            match name_letters(name.as_deref(), letters) {
                Ok(part) => code.push_str(&part),
                Err(problem) => problems.push((field, problem)),
            }
        }
        if self.sex {
            match answers.sex {
                Some(sex) => code.push(sex.letter()),
                None => problems.push((answer::SEX, UicProblem::SexMissing)),
            }
        }
        match answers.birth_date {
            None => problems.push((answer::BIRTH, UicProblem::BirthDateMissing)),
            Some(date) if date.year() < 1900 || date >= today => {
                problems.push((answer::BIRTH, UicProblem::BirthDateImplausible))
            }
            Some(date) => code.push_str(&self.birth.write(date)),
        }
        if problems.is_empty() {
            Ok(Uic(code))
        } else {
            Err(problems)
        }
    }

    /// Checks that a code from an earlier list has this scheme's shape: the
    /// letters, the sex letter and a real date where the scheme puts them.
    pub fn check_shape(&self, text: &str) -> Result<Uic, UicProblem> {
        let uic = Uic::parse(text).ok_or(UicProblem::CodeShape)?;
        let parts = self.parts(&uic).ok_or(UicProblem::CodeShape)?;
        let letters_ok = |s: &str| s.chars().all(|c| c.is_ascii_uppercase());
        let sex_ok = parts.sex.is_empty() || matches!(parts.sex, "F" | "M" | "X");
        let birth_ok = parts.birth.chars().all(|c| c.is_ascii_digit())
            && match self.birth {
                BirthFormat::Year4 => true,
                BirthFormat::DayMonthYear2 | BirthFormat::DayMonthYear4 => {
                    let day: i8 = parts.birth[0..2].parse().unwrap_or(0);
                    let month: i8 = parts.birth[2..4].parse().unwrap_or(0);
                    // Any leap year accepts 29 February; the year is checked by digits only.
                    Date::new(2000, month, day).is_ok()
                }
            };
        if letters_ok(parts.mother) && letters_ok(parts.father) && sex_ok && birth_ok {
            Ok(uic)
        } else {
            Err(UicProblem::CodeShape)
        }
    }

    /// Splits a code into its parts, if it has this scheme's length.
    pub fn parts<'a>(&self, uic: &'a Uic) -> Option<UicParts<'a>> {
        let base = uic.base();
        if base.len() != self.length() || !base.is_ascii() {
            return None;
        }
        let m = usize::from(self.mother_letters);
        let f = m + usize::from(self.father_letters);
        let s = f + usize::from(self.sex);
        Some(UicParts {
            mother: &base[..m],
            father: &base[m..f],
            sex: &base[f..s],
            birth: &base[s..],
        })
    }

    /// Where the day and month sit in the code's date, if the scheme has them.
    pub fn has_day_and_month(&self) -> bool {
        !matches!(self.birth, BirthFormat::Year4)
    }
}

impl Default for UicScheme {
    fn default() -> Self {
        UicScheme::DEFAULT
    }
}

/// The first `count` Latin letters of a transliterated name, upper case,
/// padded with `X`; all `X` when the person does not know the name.
fn name_letters(name: Option<&str>, count: u8) -> Result<String, UicProblem> {
    let count = usize::from(count);
    let Some(name) = name else {
        return Ok("X".repeat(count));
    };
    if name.trim().is_empty() {
        return Err(UicProblem::NameMissing);
    }
    let letters: String = transliterate(name.trim())
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .take(count)
        .collect();
    if letters.is_empty() {
        return Err(UicProblem::NameHasNoLetters);
    }
    Ok(format!("{letters:X<count$}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(mother: &str, father: &str, sex: Sex, birth: &str) -> UicAnswers {
        UicAnswers {
            mother_name: Some(mother.to_owned()),
            father_name: Some(father.to_owned()),
            sex: Some(sex),
            birth_date: Some(birth.parse().unwrap()),
        }
    }

    fn today() -> Date {
        "2024-06-01".parse().unwrap()
    }

    #[test]
    fn the_default_code_is_parents_letters_sex_and_birth_date() {
        let code = UicScheme::DEFAULT
            .compute(
                &answers("Оксана", "Іван", Sex::Female, "1990-03-15"),
                today(),
            )
            .unwrap();
        assert_eq!(code.as_str(), "OKIVF150390");
    }

    #[test]
    fn letters_come_from_the_transliterated_name_so_digraphs_count_as_two() {
        let code = UicScheme::DEFAULT
            .compute(&answers("Юлія", "Жорж", Sex::Male, "2001-12-01"), today())
            .unwrap();
        assert_eq!(code.as_str(), "YUZHM011201");
    }

    #[test]
    fn the_same_answers_typed_differently_give_the_same_code() {
        let a = answers(" мар'яна ", "ЯРОСЛАВ", Sex::Female, "1985-07-09");
        let b = answers("Мар’яна", "Ярослав", Sex::Female, "1985-07-09");
        let scheme = UicScheme::DEFAULT;
        assert_eq!(
            scheme.compute(&a, today()).unwrap(),
            scheme.compute(&b, today()).unwrap()
        );
    }

    #[test]
    fn an_unknown_parent_gives_x_and_a_short_name_is_padded() {
        let mut a = answers("Я", "", Sex::Other, "1999-01-31");
        a.father_name = None;
        assert_eq!(
            UicScheme::DEFAULT.compute(&a, today()).unwrap().as_str(),
            "YAXXX310199"
        );
        let scheme = UicScheme::new(3, 1, false, BirthFormat::Year4).unwrap();
        let b = answers("Ія", "Ян", Sex::Male, "1970-05-05");
        assert_eq!(scheme.compute(&b, today()).unwrap().as_str(), "IIAY1970");
    }

    #[test]
    fn every_missing_answer_is_named() {
        let problems = UicScheme::DEFAULT
            .compute(
                &UicAnswers {
                    mother_name: Some(String::new()),
                    father_name: Some("123".into()),
                    sex: None,
                    birth_date: None,
                },
                today(),
            )
            .unwrap_err();
        assert_eq!(
            problems,
            vec![
                (answer::MOTHER, UicProblem::NameMissing),
                (answer::FATHER, UicProblem::NameHasNoLetters),
                (answer::SEX, UicProblem::SexMissing),
                (answer::BIRTH, UicProblem::BirthDateMissing),
            ]
        );
        let future = answers("Анна", "Петро", Sex::Female, "2030-01-01");
        assert_eq!(
            UicScheme::DEFAULT.compute(&future, today()).unwrap_err(),
            vec![(answer::BIRTH, UicProblem::BirthDateImplausible)]
        );
    }

    #[test]
    fn schemes_round_trip_and_refuse_too_few_or_too_many_letters() {
        let scheme = UicScheme::new(1, 3, false, BirthFormat::DayMonthYear4).unwrap();
        assert_eq!(UicScheme::parse(&scheme.encode()), Ok(scheme));
        assert_eq!(
            UicScheme::parse("mother=2;father=2;sex=yes;birth=ddmmyy"),
            Ok(UicScheme::DEFAULT)
        );
        assert_eq!(
            UicScheme::new(4, 0, true, BirthFormat::Year4),
            Err(UicSchemeProblem::TooManyLetters)
        );
        assert_eq!(
            UicScheme::new(1, 0, true, BirthFormat::Year4),
            Err(UicSchemeProblem::TooFewLetters)
        );
        assert_eq!(
            UicScheme::parse("mother=2"),
            Err(UicSchemeProblem::Malformed)
        );
    }

    #[test]
    fn codes_from_earlier_lists_are_checked_for_the_schemes_shape() {
        let scheme = UicScheme::DEFAULT;
        assert_eq!(
            scheme.check_shape("okivf150390").unwrap().as_str(),
            "OKIVF150390"
        );
        assert_eq!(
            scheme.check_shape("OKIVF310290"),
            Err(UicProblem::CodeShape)
        );
        assert_eq!(
            scheme.check_shape("OKIVQ150390"),
            Err(UicProblem::CodeShape)
        );
        assert_eq!(scheme.check_shape("OKIV150390"), Err(UicProblem::CodeShape));
        assert!(scheme.check_shape("OKIVF150390-2").is_ok());
    }

    #[test]
    fn a_suffix_tells_two_people_with_the_same_answers_apart() {
        let code = Uic::parse("okivf150390").unwrap();
        let second = code.with_suffix(2).unwrap();
        assert_eq!(second.as_str(), "OKIVF150390-2");
        assert_eq!(second.base(), "OKIVF150390");
        assert_eq!(Uic::parse("OKIVF150390-2"), Some(second));
        assert!(code.with_suffix(1).is_none());
        assert!(Uic::parse("OKIVF150390-1").is_none());
        assert!(Uic::parse("ОКІВ").is_none());
    }
}
