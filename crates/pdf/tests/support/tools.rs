//! Running poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm) and zbarimg
//! on PDFs built by the tests. These tools are the oracle: a PDF is right when
//! an independent reader finds in it what we put there.
//!
//! A missing tool fails the test with what to install; it never passes
//! silently.

#![allow(dead_code)] // Each test file uses some of these.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `bytes` to a fresh file under the target directory and returns its
/// path, so failing tests leave the PDF behind to look at.
pub fn save(name: &str, bytes: &[u8]) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("kolo-pdf-tests");
    std::fs::create_dir_all(&dir).expect("the target directory is writable");
    let number = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{name}-{}-{number}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("the target directory is writable");
    path
}

/// Runs `tool` with `args` and returns its standard output.
pub fn run(tool: &str, package: &str, args: &[&str]) -> String {
    let output = match Command::new(tool).args(args).output() {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => panic!(
            "`{tool}` is not installed, and these tests check PDFs with it: \
             install it (Debian: apt-get install {package}) and run the tests again"
        ),
        Err(error) => panic!("could not run `{tool}`: {error}"),
    };
    assert!(
        output.status.success(),
        "`{tool} {}` failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("poppler prints UTF-8 text")
}

fn poppler(tool: &str, args: &[&str]) -> String {
    run(tool, "poppler-utils", args)
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("the target directory path is UTF-8")
}

/// The text of each page, in reading order, as pdftotext extracts it.
pub fn pages_text(pdf: &Path) -> Vec<String> {
    let text = poppler("pdftotext", &["-enc", "UTF-8", path_str(pdf), "-"]);
    // pdftotext ends every page with a form feed.
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_owned).collect();
    if pages.last().is_some_and(|last| last.trim().is_empty()) {
        pages.pop();
    }
    pages
}

/// The whole text with the page layout kept (columns stay on their line).
pub fn layout_text(pdf: &Path) -> String {
    poppler(
        "pdftotext",
        &["-layout", "-enc", "UTF-8", path_str(pdf), "-"],
    )
}

/// A word with its bounding box in points, from `pdftotext -bbox`.
#[derive(Debug)]
pub struct Word {
    pub page: usize,
    pub text: String,
    pub x_min: f32,
    pub x_max: f32,
    pub y_min: f32,
    pub y_max: f32,
}

/// Every word of the PDF with its position.
pub fn words(pdf: &Path) -> Vec<Word> {
    let html = poppler("pdftotext", &["-bbox", "-enc", "UTF-8", path_str(pdf), "-"]);
    let mut words = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page") {
            page += 1;
        }
        let Some(rest) = line.strip_prefix("<word ") else {
            continue;
        };
        let attribute = |name: &str| -> f32 {
            let start = rest.find(&format!("{name}=\"")).expect("bbox attribute") + name.len() + 2;
            let end = rest[start..].find('"').expect("closing quote") + start;
            rest[start..end].parse().expect("a number")
        };
        let text_start = rest.find('>').expect("end of the word tag") + 1;
        let text_end = rest.rfind("</word>").expect("closing word tag");
        words.push(Word {
            page,
            text: unescape(&rest[text_start..text_end]),
            x_min: attribute("xMin"),
            x_max: attribute("xMax"),
            y_min: attribute("yMin"),
            y_max: attribute("yMax"),
        });
    }
    words
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The value of one `pdfinfo` field, e.g. "Pages" or "Title".
pub fn info(pdf: &Path, field: &str) -> String {
    let info = poppler("pdfinfo", &["-enc", "UTF-8", path_str(pdf)]);
    info.lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("pdfinfo shows no {field}:\n{info}"))
        .trim()
        .to_owned()
}

pub fn page_count(pdf: &Path) -> usize {
    info(pdf, "Pages")
        .parse()
        .expect("pdfinfo prints a page count")
}

/// The font table of `pdffonts`: one line per font, header lines removed.
pub fn fonts(pdf: &Path) -> Vec<String> {
    poppler("pdffonts", &[path_str(pdf)])
        .lines()
        .skip(2)
        .map(str::to_owned)
        .collect()
}

/// Renders page `page` (1-based) to a PNG at `dpi` and returns its path.
pub fn render_png(pdf: &Path, page: usize, dpi: u32) -> PathBuf {
    let stem = pdf.with_extension("");
    let number = page.to_string();
    let dpi = dpi.to_string();
    poppler(
        "pdftoppm",
        &[
            "-png",
            "-singlefile",
            "-r",
            &dpi,
            "-f",
            &number,
            "-l",
            &number,
            path_str(pdf),
            path_str(&stem),
        ],
    );
    stem.with_extension("png")
}

/// The contents of every QR code zbarimg finds in the image.
pub fn scan_qr_codes(png: &Path) -> Vec<String> {
    let output = Command::new("zbarimg")
        .args(["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"])
        .arg(png)
        .output();
    let output = match output {
        Ok(output) => output,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => panic!(
            "`zbarimg` is not installed, and this test reads the QR code back with it: \
             install it (Debian: apt-get install zbar-tools) and run the tests again"
        ),
        Err(error) => panic!("could not run `zbarimg`: {error}"),
    };
    // zbarimg exits with 4 when it finds no code: that is an empty result,
    // which the test's assertion reports.
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}
