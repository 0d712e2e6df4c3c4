//! Runs one case through the compiler and lists the expectations it misses.

use std::panic::{AssertUnwindSafe, catch_unwind};

use xlsform::{Diagnostic, Lang, Options, Output};

use crate::case::{Case, Form, Kind, Place};
use crate::xpath::XForm;

/// What the compiler did with a case's form.
pub enum Outcome {
    Converted(Output),
    Failed(xlsform::Failed),
    Panicked(String),
    Unreadable(String),
}

pub fn input_of(case: &Case) -> Result<Vec<u8>, String> {
    match &case.form {
        Form::Markdown(text) => Ok(text.clone().into_bytes()),
        Form::File(path) => {
            std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
        }
    }
}

/// Every case is converted under pyxform's default form name, so paths start `/data`.
pub fn run(case: &Case) -> Outcome {
    let input = match input_of(case) {
        Ok(input) => input,
        Err(e) => return Outcome::Unreadable(e),
    };
    let options = Options {
        form_name: Some("data".to_string()),
    };
    match catch_unwind(AssertUnwindSafe(|| xlsform::convert(&input, &options))) {
        Ok(Ok(output)) => Outcome::Converted(output),
        Ok(Err(failed)) => Outcome::Failed(failed),
        Err(panic) => Outcome::Panicked(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic without a message".to_string()),
        ),
    }
}

/// The expectations the outcome does not meet, each as a sentence.
pub fn misses(case: &Case, outcome: &Outcome) -> Vec<String> {
    let mut missed = Vec::new();
    let (errors, warnings): (&[Diagnostic], &[Diagnostic]) = match outcome {
        Outcome::Panicked(message) => return vec![format!("the compiler panicked: {message}")],
        Outcome::Unreadable(message) => return vec![message.clone()],
        Outcome::Converted(output) => (&[], &output.warnings),
        Outcome::Failed(failed) => (&failed.errors, &failed.warnings),
    };
    for diagnostic in errors.iter().chain(warnings) {
        if let Some(problem) = untranslated(diagnostic) {
            missed.push(problem);
        }
    }
    let output = match outcome {
        Outcome::Converted(output) => Some(output),
        _ => None,
    };
    if let Outcome::Failed(failed) = outcome
        && !case.expects_error()
    {
        let listed: Vec<String> = failed.errors.iter().map(|e| e.to_string()).collect();
        missed.push(format!("conversion failed: {}", listed.join(" | ")));
        return missed;
    }
    let xform = match output.map(|o| XForm::parse(&o.xform)) {
        Some(Ok(xform)) => Some(xform),
        Some(Err(e)) => {
            missed.push(e);
            None
        }
        None => None,
    };
    for expectation in &case.expectations {
        let line = expectation.line;
        match &expectation.kind {
            Kind::XPath(expression) => match &xform {
                Some(xform) => match xform.holds(expression) {
                    Ok((true, _)) => {}
                    Ok((false, got)) => {
                        missed.push(format!("line {line}: {expression} gave {got}"))
                    }
                    Err(e) => missed.push(format!("line {line}: {e}")),
                },
                None if output.is_none() => {}
                None => {}
            },
            Kind::Error { fragments, at } => {
                if output.is_some() {
                    missed.push(format!(
                        "line {line}: the form converted, an error was expected ({})",
                        fragments.join("; ")
                    ));
                } else if !errors.iter().any(|d| matches(d, fragments, at.as_ref())) {
                    missed.push(format!(
                        "line {line}: no error contains {fragments:?}{}; got: {}",
                        at.as_ref().map(|p| format!(" at {p}")).unwrap_or_default(),
                        describe(errors)
                    ));
                }
            }
            Kind::Warning { fragments, at } => {
                if !warnings.iter().any(|d| matches(d, fragments, at.as_ref())) {
                    missed.push(format!(
                        "line {line}: no warning contains {fragments:?}{}; got: {}",
                        at.as_ref().map(|p| format!(" at {p}")).unwrap_or_default(),
                        describe(warnings)
                    ));
                }
            }
            Kind::WarningCount(expected) => {
                if warnings.len() != *expected {
                    missed.push(format!(
                        "line {line}: {} warning(s), expected {expected}: {}",
                        warnings.len(),
                        describe(warnings)
                    ));
                }
            }
            Kind::FormId(expected) => fact(
                &mut missed,
                line,
                "form_id",
                output.map(|o| o.form_id.as_str()),
                expected,
            ),
            Kind::Title(expected) => fact(
                &mut missed,
                line,
                "title",
                output.map(|o| o.title.as_str()),
                expected,
            ),
            Kind::Version(expected) => fact(
                &mut missed,
                line,
                "version",
                output.and_then(|o| o.version.as_deref()),
                expected,
            ),
            Kind::Attachment(name) => {
                if let Some(output) = output
                    && !output.attachments.iter().any(|a| a == name)
                {
                    missed.push(format!(
                        "line {line}: attachments {:?} lack {name}",
                        output.attachments
                    ));
                }
            }
            Kind::ItemsetsLine(expected) => {
                if let Some(output) = output {
                    let found = output
                        .itemsets_csv
                        .as_deref()
                        .is_some_and(|csv| csv.lines().any(|l| unquoted(l) == unquoted(expected)));
                    if !found {
                        missed.push(format!(
                            "line {line}: itemsets CSV {:?} lacks the line {expected}",
                            output.itemsets_csv
                        ));
                    }
                }
            }
            Kind::NoItemsets => {
                if let Some(csv) = output.and_then(|o| o.itemsets_csv.as_ref()) {
                    missed.push(format!("line {line}: an itemsets CSV was written: {csv:?}"));
                }
            }
        }
    }
    missed
}

fn fact(missed: &mut Vec<String>, line: usize, what: &str, found: Option<&str>, expected: &str) {
    if let Some(found) = found
        && found != expected
    {
        missed.push(format!(
            "line {line}: {what} is {found:?}, expected {expected:?}"
        ));
    } else if found.is_none() {
        missed.push(format!("line {line}: no {what}, expected {expected:?}"));
    }
}

/// A CSV line compared without its quoting, which pyxform and Kolo may choose differently.
fn unquoted(line: &str) -> String {
    line.trim().replace('"', "")
}

/// Whether a diagnostic's English text (without its location) holds every fragment,
/// and whether it sits where the case says.
fn matches(diagnostic: &Diagnostic, fragments: &[String], at: Option<&Place>) -> bool {
    let mut bare = diagnostic.clone();
    bare.location = None;
    let text = bare.message(Lang::En).to_lowercase();
    if !fragments
        .iter()
        .all(|fragment| text.contains(&fragment.to_lowercase()))
    {
        return false;
    }
    let Some(place) = at else { return true };
    let Some(location) = &diagnostic.location else {
        return false;
    };
    place
        .sheet
        .as_ref()
        .is_none_or(|s| s.eq_ignore_ascii_case(&location.sheet))
        && place.row.is_none_or(|r| location.row == Some(r))
        && place.column.as_ref().is_none_or(|c| {
            location
                .column
                .as_ref()
                .is_some_and(|found| found.eq_ignore_ascii_case(c))
        })
}

/// Every diagnostic must read in Ukrainian too.
fn untranslated(diagnostic: &Diagnostic) -> Option<String> {
    let mut bare = diagnostic.clone();
    bare.location = None;
    let uk = bare.message(Lang::Uk);
    let cyrillic = uk.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c));
    (!cyrillic).then(|| format!("diagnostic has no Ukrainian text: {uk}"))
}

fn describe(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "none".to_string();
    }
    diagnostics
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}
