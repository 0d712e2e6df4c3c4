//! Converts one XLSForm file and prints the XForm, or the diagnostics.
//!
//! `cargo run -p kolo-xlsform --example convert -- FORM [--pretty] [--uk]`

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: convert FORM [--pretty] [--uk]");
        return ExitCode::from(2);
    };
    let lang = if args.iter().any(|a| a == "--uk") {
        xlsform::Lang::Uk
    } else {
        xlsform::Lang::En
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    let stem = std::path::Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    let options = xlsform::Options { form_name: stem };
    let result = if args.iter().any(|a| a == "--pretty") {
        xlsform::convert_pretty(&bytes, &options)
    } else {
        xlsform::convert(&bytes, &options)
    };
    match result {
        Ok(out) => {
            println!("{}", out.xform);
            for w in &out.warnings {
                eprintln!("warning: {}", w.message(lang));
            }
            ExitCode::SUCCESS
        }
        Err(failed) => {
            for e in &failed.errors {
                eprintln!("error: {}", e.message(lang));
            }
            ExitCode::from(1)
        }
    }
}
