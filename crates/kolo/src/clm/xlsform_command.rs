//! `kolo xlsform convert FORM [-o FORM.xml] [--json] [--lang uk|en]`: compiles an
//! XLSForm with the built-in compiler. Exit 0 on success, 1 on form errors
//! (printed with their sheet, row and column), 2 on usage errors.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use xlsform::{Diagnostic, Lang, Options, Severity};

/// What `convert` was asked to do.
pub struct ConvertRequest {
    pub input: PathBuf,
    pub output: Option<PathBuf>,
    pub json: bool,
    pub lang: Lang,
}

/// Runs the conversion and prints its outcome; returns the exit code.
pub fn run(request: &ConvertRequest) -> ExitCode {
    let bytes = match std::fs::read(&request.input) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("kolo: cannot read {}: {error}", request.input.display());
            return ExitCode::from(2);
        }
    };
    let output_path = request
        .output
        .clone()
        .unwrap_or_else(|| request.input.with_extension("xml"));
    let options = Options {
        form_name: request
            .input
            .file_stem()
            .map(|stem| stem.to_string_lossy().into_owned()),
    };
    match xlsform::convert(&bytes, &options) {
        Ok(converted) => {
            if let Err(error) = std::fs::write(&output_path, &converted.xform) {
                eprintln!("kolo: cannot write {}: {error}", output_path.display());
                return ExitCode::FAILURE;
            }
            let itemsets_path = converted.itemsets_csv.as_ref().map(|csv| {
                let path = itemsets_path(&output_path);
                std::fs::write(&path, csv).map(|()| path)
            });
            let itemsets_path = match itemsets_path.transpose() {
                Ok(path) => path,
                Err(error) => {
                    eprintln!(
                        "kolo: cannot write itemsets.csv beside {}: {error}",
                        output_path.display()
                    );
                    return ExitCode::FAILURE;
                }
            };
            if request.json {
                let report = json!({
                    "ok": true,
                    "form_id": converted.form_id,
                    "version": converted.version,
                    "title": converted.title,
                    "output": output_path.display().to_string(),
                    "itemsets": itemsets_path.map(|p| p.display().to_string()),
                    "attachments": converted.attachments,
                    "warnings": diagnostics_json(&converted.warnings),
                    "errors": [],
                });
                println!("{report:#}");
            } else {
                print_diagnostics(&converted.warnings, request.lang);
                println!("{} -> {}", request.input.display(), output_path.display());
                if let Some(path) = itemsets_path {
                    println!("external choices -> {}", path.display());
                }
            }
            ExitCode::SUCCESS
        }
        Err(failed) => {
            if request.json {
                let report = json!({
                    "ok": false,
                    "warnings": diagnostics_json(&failed.warnings),
                    "errors": diagnostics_json(&failed.errors),
                });
                println!("{report:#}");
            } else {
                print_diagnostics(&failed.errors, request.lang);
                print_diagnostics(&failed.warnings, request.lang);
                eprintln!(
                    "{}: {} error(s); no XForm was written",
                    request.input.display(),
                    failed.errors.len()
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// `itemsets.csv` goes beside the XForm, as ODK Central expects it.
fn itemsets_path(output: &Path) -> PathBuf {
    output.parent().map_or_else(
        || PathBuf::from("itemsets.csv"),
        |dir| dir.join("itemsets.csv"),
    )
}

fn print_diagnostics(diagnostics: &[Diagnostic], lang: Lang) {
    for diagnostic in diagnostics {
        let label = match (diagnostic.severity, lang) {
            (Severity::Error, Lang::En) => "error",
            (Severity::Warning, Lang::En) => "warning",
            (Severity::Error, Lang::Uk) => "помилка",
            (Severity::Warning, Lang::Uk) => "попередження",
        };
        eprintln!("{label}: {}", diagnostic.message(lang));
    }
}

fn diagnostics_json(diagnostics: &[Diagnostic]) -> serde_json::Value {
    diagnostics
        .iter()
        .map(|d| {
            json!({
                "sheet": d.location.as_ref().map(|l| l.sheet.clone()),
                "row": d.location.as_ref().and_then(|l| l.row),
                "column": d.location.as_ref().and_then(|l| l.column.clone()),
                "message": { "en": d.message(Lang::En), "uk": d.message(Lang::Uk) },
            })
        })
        .collect()
}
