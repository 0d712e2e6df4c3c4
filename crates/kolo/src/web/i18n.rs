//! Every string a person reads comes from the Fluent files in `locales/`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use kolo_core::lang::Lang;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "uk",
        // Unicode isolation marks around arguments are invisible noise in HTML
        // and break copy-and-paste of codes; our pages set `dir` themselves.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static IDENTIFIERS: LazyLock<[LanguageIdentifier; 2]> = LazyLock::new(|| {
    // Both tags are literals that parse; a failure here is a typo in this file.
    [
        "uk".parse().expect("`uk` is a valid language tag"),
        "en".parse().expect("`en` is a valid language tag"),
    ]
});

fn identifier(lang: Lang) -> &'static LanguageIdentifier {
    match lang {
        Lang::Uk => &IDENTIFIERS[0],
        Lang::En => &IDENTIFIERS[1],
    }
}

/// Looks up a message. A missing id is a bug that the locale tests catch; at run
/// time the id itself is shown so the page still works.
pub fn text(lang: Lang, id: &str) -> String {
    LOCALES.try_lookup(identifier(lang), id).unwrap_or_else(|| {
        tracing::error!(message_id = id, "missing translation");
        id.to_owned()
    })
}

/// Looks up a message with named arguments.
pub fn text_with(lang: Lang, id: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.clone())))
        .collect();
    LOCALES
        .try_lookup_with_args(identifier(lang), id, &args)
        .unwrap_or_else(|| {
            tracing::error!(message_id = id, "missing translation");
            id.to_owned()
        })
}

/// Whether a message id exists in a language (without falling back).
pub fn has_text(lang: Lang, id: &str) -> bool {
    LOCALES.try_lookup(identifier(lang), id).is_some()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use kolo_core::auth::{LoginNameProblem, PasswordProblem, Role};
    use kolo_core::org::Oblast;

    use super::*;

    fn message_ids(lang: &str) -> BTreeSet<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(lang);
        let mut ids = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).expect("locale directory exists") {
            let path = entry.expect("readable directory entry").path();
            let source = std::fs::read_to_string(&path).expect("readable .ftl file");
            for line in source.lines() {
                let Some((id, _)) = line.split_once('=') else {
                    continue;
                };
                let id = id.trim_end();
                let is_message_id = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && id
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                if is_message_id && !line.starts_with(' ') {
                    ids.insert(id.to_owned());
                }
            }
        }
        ids
    }

    #[test]
    fn every_message_exists_in_ukrainian_and_english() {
        let uk = message_ids("uk");
        let en = message_ids("en");
        let only_uk: Vec<_> = uk.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&uk).collect();
        assert!(
            only_uk.is_empty() && only_en.is_empty(),
            "messages only in Ukrainian: {only_uk:?}; only in English: {only_en:?}"
        );
        assert!(
            uk.len() > 50,
            "the locale files were not read: {} ids",
            uk.len()
        );
    }

    #[test]
    fn every_message_id_used_in_templates_exists() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let known = message_ids("uk");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(&dir).expect("template directory exists") {
            let path = entry.expect("readable directory entry").path();
            let source = std::fs::read_to_string(&path).expect("readable template");
            for piece in source.split(".t(\"").skip(1) {
                let Some((id, _)) = piece.split_once('"') else {
                    continue;
                };
                if !known.contains(id) {
                    missing.push(format!("{}: {id}", path.display()));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "templates use unknown message ids: {missing:?}"
        );
    }

    #[test]
    fn every_role_oblast_and_problem_has_a_name_in_both_languages() {
        let mut ids: Vec<String> = Role::ALL
            .iter()
            .map(|r| r.message_id().to_owned())
            .collect();
        ids.extend(Oblast::ALL.iter().map(|o| o.message_id()));
        ids.extend(
            kolo_core::retention::DataClass::ALL
                .iter()
                .map(|c| c.message_id().to_owned()),
        );

        ids.extend(
            [
                PasswordProblem::TooShort,
                PasswordProblem::TooLong,
                PasswordProblem::Common,
                PasswordProblem::ContainsLogin,
            ]
            .iter()
            .map(|p| p.message_id().to_owned()),
        );
        ids.extend(
            [LoginNameProblem::Length, LoginNameProblem::Characters]
                .iter()
                .map(|p| p.message_id().to_owned()),
        );
        for id in ids {
            for lang in Lang::ALL {
                assert!(has_text(lang, &id), "{id} is missing in {lang}");
            }
        }
    }
}
