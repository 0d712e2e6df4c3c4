//! XLSForm to ODK XForm compiler.
//!
//! Bytes in (xlsx, legacy xls, CSV or a markdown table, detected by content), an
//! XForm plus warnings out, or errors that name the sheet, row and column and say
//! what to change, in English and Ukrainian. The output has the structure pyxform
//! 4.x writes for the same form. Nothing here does IO or panics on input.

mod checks;
pub mod diagnostics;
mod model;
mod names;
mod reader;
mod table;
pub mod xform;
pub mod xpath;

pub use diagnostics::{Diagnostic, Lang, Location, Problem, Severity};

/// How to convert.
#[derive(Default, Clone, Debug)]
pub struct Options {
    /// The file stem, used like pyxform uses the file name: the default form_id and title.
    pub form_name: Option<String>,
}

/// A converted form.
#[derive(Debug, Clone)]
pub struct Output {
    /// The XForm XML, as pyxform would write it.
    pub xform: String,
    /// `itemsets.csv` content when the form has external_choices.
    pub itemsets_csv: Option<String>,
    pub warnings: Vec<Diagnostic>,
    pub form_id: String,
    pub version: Option<String>,
    pub title: String,
    /// Files the form references: media, select_*_from_file, pulldata CSVs, itemsets.csv.
    pub attachments: Vec<String>,
    /// The public key of an encrypted form.
    pub public_key: Option<String>,
}

/// Why a form could not be converted.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{}", summary(.errors))]
pub struct Failed {
    pub errors: Vec<Diagnostic>,
    pub warnings: Vec<Diagnostic>,
}

fn summary(errors: &[Diagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Converts an XLSForm to an ODK XForm, written on one line as pyxform writes it.
pub fn convert(input: &[u8], options: &Options) -> Result<Output, Failed> {
    convert_styled(input, options, false)
}

/// Like [`convert`], with the XML indented as pyxform's `--pretty_print` writes it.
pub fn convert_pretty(input: &[u8], options: &Options) -> Result<Output, Failed> {
    convert_styled(input, options, true)
}

fn convert_styled(input: &[u8], options: &Options, pretty: bool) -> Result<Output, Failed> {
    let book = reader::read(input).map_err(|e| Failed {
        errors: vec![e],
        warnings: Vec::new(),
    })?;
    let built = model::build(&book);
    let mut warnings = built.warnings;
    let Some(mut form) = built.form else {
        return Err(Failed {
            errors: built.errors,
            warnings,
        });
    };
    let fallback = options
        .form_name
        .clone()
        .unwrap_or_else(|| "data".to_string());
    if form.settings.id_string.is_none() {
        form.settings.id_string = Some(fallback.clone());
    }
    let mut errors = checks::run(&form);
    if !errors.is_empty() {
        return Err(Failed { errors, warnings });
    }
    match xform::write(&form, pretty) {
        Ok((written, more_warnings)) => {
            warnings.extend(more_warnings);
            let form_id = form.settings.id_string.clone().unwrap_or(fallback);
            let title = form
                .settings
                .title
                .clone()
                .unwrap_or_else(|| form_id.clone());
            Ok(Output {
                xform: written.xml,
                itemsets_csv: written.itemsets_csv,
                warnings,
                form_id,
                version: form.settings.version.clone(),
                title,
                attachments: written.attachments,
                public_key: form.settings.public_key.clone(),
            })
        }
        Err(mut write_errors) => {
            errors.append(&mut write_errors);
            Err(Failed { errors, warnings })
        }
    }
}
