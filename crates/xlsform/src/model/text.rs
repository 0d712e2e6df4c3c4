//! Texts that may be translated: a label, a hint, a message, a media file name.

/// The values of one translatable column family (`label`, `label::English (en)`, ...)
/// in column order. `None` is the column without a language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Text {
    pub entries: Vec<(Option<String>, String)>,
}

impl Text {
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether any value carries a language, which sends the text to itext.
    pub fn is_translated(&self) -> bool {
        self.entries.iter().any(|(l, _)| l.is_some())
    }

    /// The value of the column without a language.
    pub fn plain(&self) -> Option<&str> {
        self.entries
            .iter()
            .find(|(l, _)| l.is_none())
            .map(|(_, v)| v.as_str())
    }

    /// Any value, preferring the one without a language.
    pub fn any(&self) -> Option<&str> {
        self.plain()
            .or_else(|| self.entries.first().map(|(_, v)| v.as_str()))
    }

    /// Values per language, the unlabelled one counted as the default language. A
    /// value written for the default language by name wins over the unlabelled one.
    pub fn by_language(&self, default_language: &str) -> Vec<(String, String)> {
        let named_default = self
            .entries
            .iter()
            .any(|(l, _)| l.as_deref() == Some(default_language));
        let mut out: Vec<(String, String)> = Vec::new();
        for (lang, value) in &self.entries {
            let lang = match lang {
                Some(l) => l.clone(),
                None if named_default => continue,
                None => default_language.to_string(),
            };
            if !out.iter().any(|(l, _)| *l == lang) {
                out.push((lang, value.clone()));
            }
        }
        out
    }

    pub fn from_plain(value: &str) -> Text {
        Text {
            entries: vec![(None, value.to_string())],
        }
    }
}
