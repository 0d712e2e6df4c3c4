//! Writes sample documents to look at the layout: a sign-in sheet (300
//! fictional participants, three days), a certificate of attendance, a paper
//! test with tick boxes and a QR code, and a report page with a chart:
//!
//! ```text
//! cargo run -p kolo-pdf --example samples -- OUTPUT_DIR
//! pdftoppm -png -r 60 OUTPUT_DIR/sign-in-sheet.pdf OUTPUT_DIR/sheet
//! ```

#[path = "../tests/support/sample.rs"]
mod sample;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_owned()));
    let documents = [
        (
            "sign-in-sheet.pdf",
            sample::sign_in_sheet(
                &sample::participants(300),
                &["12.03.2024", "13.03.2024", "14.03.2024"],
            ),
        ),
        (
            "certificate.pdf",
            sample::certificate("Олена Ґудзь-Їжакевич"),
        ),
        ("paper-test.pdf", sample::paper_test()),
        ("report.pdf", sample::report()),
    ];
    for (name, document) in documents {
        let path = dir.join(name);
        let written = document
            .map_err(|error| error.to_string())
            .and_then(|bytes| std::fs::write(&path, &bytes).map_err(|error| error.to_string()));
        match written {
            Ok(()) => println!("wrote {}", path.display()),
            Err(error) => {
                eprintln!("{}: {error}", path.display());
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
