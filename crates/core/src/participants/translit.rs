//! Cyrillic to Latin, the same way on every device: Ukraine's official
//! transliteration (Cabinet of Ministers resolution No. 55 of 27 January 2010),
//! so a code built on a phone in Odesa matches one built on a laptop in Kyiv.
//!
//! The resolution's rules, as applied here:
//! - each Ukrainian letter has one Latin spelling; `Є`, `Ї`, `Й`, `Ю`, `Я`
//!   are written `Ye`, `Yi`, `Y`, `Yu`, `Ya` at the start of a word and `ie`,
//!   `i`, `i`, `iu`, `ia` elsewhere;
//! - `зг` is written `zgh` (so it is not read as `ж`);
//! - the soft sign and the apostrophe are dropped.
//!
//! The resolution covers Ukrainian only. Names are often typed on Russian
//! keyboards, so Kolo adds (its own choice, written in the user guide): `Ё` as
//! `Yo`/`io`, `Ы` as `y`, `Э` as `e`, and drops `Ъ`. Latin letters stay as
//! they are; any other character is kept out of codes by the caller.

/// Transliterates text. Word boundaries are anything that is not a letter or
/// an apostrophe, so `Мар'яна` keeps `я` inside the word (`Mariana`).
pub fn transliterate(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at_word_start = true;
    for (i, &c) in chars.iter().enumerate() {
        let lower = lower(c);
        let spelled: &str = match lower {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => {
                if i > 0 && lower_at(&chars, i - 1) == Some('з') {
                    "gh"
                } else {
                    "h"
                }
            }
            'ґ' => "g",
            'д' => "d",
            'е' => "e",
            'є' => initial(at_word_start, "ye", "ie"),
            'ж' => "zh",
            'з' => "z",
            'и' => "y",
            'і' => "i",
            'ї' => initial(at_word_start, "yi", "i"),
            'й' => initial(at_word_start, "y", "i"),
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ь' | 'ъ' => "",
            'ю' => initial(at_word_start, "yu", "iu"),
            'я' => initial(at_word_start, "ya", "ia"),
            'ё' => initial(at_word_start, "yo", "io"),
            'ы' => "y",
            'э' => "e",
            _ if is_apostrophe(c) => "",
            _ => {
                out.push(c);
                at_word_start = !c.is_alphabetic();
                continue;
            }
        };
        if c.is_uppercase() {
            let mut letters = spelled.chars();
            if let Some(first) = letters.next() {
                out.push(first.to_ascii_uppercase());
                out.push_str(letters.as_str());
            }
        } else {
            out.push_str(spelled);
        }
        at_word_start = false;
    }
    out
}

/// The characters used as apostrophes in Ukrainian names.
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '`' | '\u{2018}')
}

fn initial(at_word_start: bool, first: &'static str, inside: &'static str) -> &'static str {
    if at_word_start { first } else { inside }
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn lower_at(chars: &[char], i: usize) -> Option<char> {
    chars.get(i).map(|&c| lower(c))
}

#[cfg(test)]
mod tests {
    use super::transliterate;

    #[test]
    fn examples_of_the_resolution_are_spelled_as_it_spells_them() {
        // Examples given in the resolution's table.
        for (cyrillic, latin) in [
            ("Алушта", "Alushta"),
            ("Борщагівка", "Borshchahivka"),
            ("Вінниця", "Vinnytsia"),
            ("Гадяч", "Hadiach"),
            ("Згорани", "Zghorany"),
            ("Ґалаґан", "Galagan"),
            ("Єнакієве", "Yenakiieve"),
            ("Житомир", "Zhytomyr"),
            ("Закарпаття", "Zakarpattia"),
            ("Іршава", "Irshava"),
            ("Їжакевич", "Yizhakevych"),
            ("Кадиївка", "Kadyivka"),
            ("Йосипівка", "Yosypivka"),
            ("Стрий", "Stryi"),
            ("Олексій", "Oleksii"),
            ("Харків", "Kharkiv"),
            ("Біла Церква", "Bila Tserkva"),
            ("Щербухи", "Shcherbukhy"),
            ("Гоща", "Hoshcha"),
            ("Юрій", "Yurii"),
            ("Корюківка", "Koriukivka"),
            ("Яготин", "Yahotyn"),
            ("Ічня", "Ichnia"),
            ("Знам'янка", "Znamianka"),
            ("Розгон", "Rozghon"),
        ] {
            assert_eq!(transliterate(cyrillic), latin, "{cyrillic}");
        }
    }

    #[test]
    fn every_apostrophe_is_dropped_and_keeps_the_word_together() {
        for written in ["Мар'яна", "Мар’яна", "Марʼяна", "Мар`яна"] {
            assert_eq!(transliterate(written), "Mariana", "{written}");
        }
    }

    #[test]
    fn russian_letters_and_latin_text_have_a_fixed_spelling() {
        assert_eq!(transliterate("Ёлка Эмма Ъ ы"), "Yolka Emma  y");
        assert_eq!(transliterate("Olena"), "Olena");
        assert_eq!(transliterate("ОЛЕНА"), "OLENA");
    }
}
