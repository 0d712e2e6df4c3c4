//! Near-duplicates: a person registered twice because an answer was given or
//! heard a little differently. Proposed when someone is registered, decided by
//! staff (use the existing record, or create a new one anyway).

use super::participant::ParticipantId;
use super::uic::{Uic, UicScheme};

/// One record of the register as the duplicate check sees it.
#[derive(Clone, Debug)]
pub struct CodeEntry {
    pub id: ParticipantId,
    pub uic: Uic,
    pub nickname: String,
    pub phone_index: Option<String>,
}

/// Why a record looks like the same person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DuplicateReason {
    SameCode,
    /// One character differs, is missing or is extra.
    OneCharacterOff,
    /// Two neighbouring characters are swapped.
    NeighboursSwapped,
    /// The mother's and father's letters are swapped.
    ParentsSwapped,
    /// The day and month of birth are swapped.
    DayAndMonthSwapped,
    SamePhone,
    SameNickname,
}

impl DuplicateReason {
    pub fn message_id(self) -> &'static str {
        match self {
            DuplicateReason::SameCode => "duplicate-same-code",
            DuplicateReason::OneCharacterOff => "duplicate-one-character",
            DuplicateReason::NeighboursSwapped => "duplicate-neighbours-swapped",
            DuplicateReason::ParentsSwapped => "duplicate-parents-swapped",
            DuplicateReason::DayAndMonthSwapped => "duplicate-day-month-swapped",
            DuplicateReason::SamePhone => "duplicate-same-phone",
            DuplicateReason::SameNickname => "duplicate-same-nickname",
        }
    }
}

/// A record that may be the same person, with every reason found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateCandidate {
    pub id: ParticipantId,
    pub uic: Uic,
    pub nickname: String,
    pub reasons: Vec<DuplicateReason>,
}

/// Records of `register` that may be the person with this code, nickname and
/// phone index; strongest reasons first. A shared nickname alone is not a
/// reason (nicknames repeat), it only strengthens a code match.
pub fn near_duplicates(
    scheme: &UicScheme,
    uic: &Uic,
    nickname: &str,
    phone_index: Option<&str>,
    register: &[CodeEntry],
) -> Vec<DuplicateCandidate> {
    let nickname = nickname.trim().to_lowercase();
    let mut found: Vec<DuplicateCandidate> = register
        .iter()
        .filter_map(|entry| {
            let mut reasons = code_reasons(scheme, uic, &entry.uic);
            if phone_index.is_some() && entry.phone_index.as_deref() == phone_index {
                reasons.push(DuplicateReason::SamePhone);
            }
            if reasons.is_empty() {
                return None;
            }
            if entry.nickname.trim().to_lowercase() == nickname {
                reasons.push(DuplicateReason::SameNickname);
            }
            reasons.sort();
            Some(DuplicateCandidate {
                id: entry.id.clone(),
                uic: entry.uic.clone(),
                nickname: entry.nickname.clone(),
                reasons,
            })
        })
        .collect();
    found.sort_by(|a, b| a.reasons.cmp(&b.reasons).then(a.uic.cmp(&b.uic)));
    found
}

/// How two codes relate, compared without their distinguishing suffixes.
fn code_reasons(scheme: &UicScheme, new: &Uic, old: &Uic) -> Vec<DuplicateReason> {
    let (a, b) = (new.base().as_bytes(), old.base().as_bytes());
    if a == b {
        return vec![DuplicateReason::SameCode];
    }
    let mut reasons = Vec::new();
    if one_edit_apart(a, b) {
        reasons.push(DuplicateReason::OneCharacterOff);
    }
    if neighbours_swapped(a, b) {
        reasons.push(DuplicateReason::NeighboursSwapped);
    }
    if let (Some(p), Some(q)) = (scheme.parts(new), scheme.parts(old)) {
        let same_rest = p.sex == q.sex && p.birth == q.birth;
        if same_rest
            && p.mother.len() == p.father.len()
            && p.mother != p.father
            && p.mother == q.father
            && p.father == q.mother
        {
            reasons.push(DuplicateReason::ParentsSwapped);
        }
        if scheme.has_day_and_month()
            && p.mother == q.mother
            && p.father == q.father
            && p.sex == q.sex
            && p.birth.len() >= 4
            && p.birth[0..2] != p.birth[2..4]
            && p.birth[0..2] == q.birth[2..4]
            && p.birth[2..4] == q.birth[0..2]
            && p.birth[4..] == q.birth[4..]
        {
            reasons.push(DuplicateReason::DayAndMonthSwapped);
        }
    }
    reasons
}

/// Whether one substitution, insertion or deletion turns `a` into `b`.
fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    match a.len().abs_diff(b.len()) {
        0 => a.iter().zip(b).filter(|(x, y)| x != y).count() == 1,
        1 => {
            let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
            let prefix = short.iter().zip(long).take_while(|(x, y)| x == y).count();
            short[prefix..] == long[prefix + 1..]
        }
        _ => false,
    }
}

/// Whether `b` is `a` with two neighbouring characters swapped.
fn neighbours_swapped(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let differ: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
    matches!(differ.as_slice(), [i, j] if *j == i + 1 && a[*i] == b[*j] && a[*j] == b[*i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, code: &str, nickname: &str, phone: Option<&str>) -> CodeEntry {
        CodeEntry {
            id: ParticipantId(id.into()),
            uic: Uic::parse(code).unwrap(),
            nickname: nickname.into(),
            phone_index: phone.map(str::to_owned),
        }
    }

    fn reasons_for(code: &str, register: &[CodeEntry]) -> Vec<(String, Vec<DuplicateReason>)> {
        near_duplicates(
            &UicScheme::DEFAULT,
            &Uic::parse(code).unwrap(),
            "Нова",
            None,
            register,
        )
        .into_iter()
        .map(|c| (c.id.0, c.reasons))
        .collect()
    }

    #[test]
    fn one_letter_off_swapped_parents_and_swapped_day_and_month_are_proposed() {
        let register = [
            entry("typo", "OKIVF150391", "Оля", None),
            entry("parents", "IVOKF150390", "Оля", None),
            entry("date", "OKIVF031590", "Оля", None),
            entry("far", "ANPEM010180", "Петро", None),
        ];
        let found = reasons_for("OKIVF150390", &register);
        assert_eq!(
            found,
            vec![
                ("typo".into(), vec![DuplicateReason::OneCharacterOff]),
                ("parents".into(), vec![DuplicateReason::ParentsSwapped]),
                ("date".into(), vec![DuplicateReason::DayAndMonthSwapped]),
            ]
        );
    }

    #[test]
    fn the_same_code_comes_first_and_suffixes_do_not_hide_it() {
        let register = [
            entry("near", "OKIVF150392", "Оля", None),
            entry("same", "OKIVF150390-2", "Оля", None),
        ];
        let found = reasons_for("OKIVF150390", &register);
        assert_eq!(found[0], ("same".into(), vec![DuplicateReason::SameCode]));
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn neighbouring_characters_swapped_and_a_missing_character_are_proposed() {
        let register = [
            entry("swap", "OKIVF510390", "x", None),
            entry("short", "OKIVF15039", "x", None),
        ];
        let found = reasons_for("OKIVF150390", &register);
        assert!(found.contains(&("swap".into(), vec![DuplicateReason::NeighboursSwapped])));
        assert!(found.contains(&("short".into(), vec![DuplicateReason::OneCharacterOff])));
    }

    #[test]
    fn a_shared_phone_is_a_reason_and_a_shared_nickname_only_strengthens_one() {
        let register = [
            entry("phone", "ANPEM010180", "Інша", Some("abc")),
            entry("nick", "YUZHM011201", "Нова", None),
            entry("both", "OKIVF150391", "нова", None),
        ];
        let found = near_duplicates(
            &UicScheme::DEFAULT,
            &Uic::parse("OKIVF150390").unwrap(),
            "Нова",
            Some("abc"),
            &register,
        );
        let ids: Vec<&str> = found.iter().map(|c| c.id.0.as_str()).collect();
        assert_eq!(ids, ["both", "phone"]);
        assert_eq!(
            found[0].reasons,
            vec![
                DuplicateReason::OneCharacterOff,
                DuplicateReason::SameNickname
            ]
        );
    }
}
