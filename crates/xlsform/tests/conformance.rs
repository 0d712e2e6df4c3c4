//! Kolo's XLSForm conformance suite: every case in `tests/conformance/` is converted
//! and its expectations checked. Cases listed in `tests/pyxform/not-yet-implemented.txt`
//! may fail, and must: a listed case that passes fails the run, so the list shrinks as
//! the compiler grows.
//!
//! With `KOLO_PYXFORM=/path/to/python` (a Python with pyxform and lxml), every case is
//! also converted by pyxform, compared as XForm structure, and every XForm Kolo wrote
//! is checked by ODK Validate; see `tests/pyxform/differential.py`.

#[path = "conformance/case.rs"]
mod case;
#[path = "conformance/check.rs"]
mod check;
#[path = "conformance/lists.rs"]
mod lists;
#[path = "conformance/xpath.rs"]
mod xpath;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use check::Outcome;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    pending: usize,
}

#[test]
fn every_conformance_case_meets_its_expectations() {
    let root = crate_dir().join("tests/conformance");
    let cases = case::load_all(&root).unwrap_or_else(|e| panic!("case files: {e}"));
    let lists_dir = crate_dir().join("tests/pyxform");
    let pending =
        lists::load(&lists_dir.join("not-yet-implemented.txt")).unwrap_or_else(|e| panic!("{e}"));
    let deviations =
        lists::load(&lists_dir.join("known-deviations.txt")).unwrap_or_else(|e| panic!("{e}"));
    for listed in pending.keys().chain(deviations.keys()) {
        assert!(
            cases.iter().any(|c| &c.name == listed),
            "{listed} is listed but no such case exists"
        );
    }

    let dump = std::env::var_os("KOLO_PYXFORM").map(|_| dump_dir());
    let mut by_area: BTreeMap<String, Tally> = BTreeMap::new();
    let mut unexpected = Vec::new();
    let mut stale = Vec::new();
    for case in &cases {
        let outcome = check::run(case);
        let missed = check::misses(case, &outcome);
        if let Some(dir) = &dump {
            write_dump(dir, case, &outcome);
        }
        let tally = by_area.entry(case.area.clone()).or_default();
        match (missed.is_empty(), pending.contains_key(&case.name)) {
            (true, false) => tally.passed += 1,
            (true, true) => {
                tally.passed += 1;
                stale.push(case.name.clone());
            }
            (false, true) => tally.pending += 1,
            (false, false) => {
                tally.failed += 1;
                unexpected.push(format!(
                    "{} ({}:{})\n    {}",
                    case.name,
                    case.path.display(),
                    case.line,
                    missed.join("\n    ")
                ));
            }
        }
    }

    print_summary(&by_area, cases.len());
    for failure in &unexpected {
        println!("FAIL {failure}");
    }
    for name in &stale {
        println!("NOW PASSES {name}: remove it from not-yet-implemented.txt");
    }
    assert!(
        unexpected.is_empty() && stale.is_empty(),
        "{} case(s) failed unexpectedly and {} listed case(s) now pass (details above)",
        unexpected.len(),
        stale.len()
    );

    if let Some(dir) = dump {
        run_differential(&dir);
    }
}

fn print_summary(by_area: &BTreeMap<String, Tally>, total: usize) {
    println!(
        "{:<28} {:>7} {:>7} {:>8}",
        "area", "passed", "failed", "pending"
    );
    let mut sum = Tally::default();
    for (area, tally) in by_area {
        println!(
            "{area:<28} {:>7} {:>7} {:>8}",
            tally.passed, tally.failed, tally.pending
        );
        sum.passed += tally.passed;
        sum.failed += tally.failed;
        sum.pending += tally.pending;
    }
    println!(
        "conformance: {total} cases, {} passed, {} failed, {} not yet implemented",
        sum.passed, sum.failed, sum.pending
    );
}

fn dump_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kolo-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// One folder per case: the form as pyxform reads it and what Kolo made of it.
fn write_dump(dir: &Path, case: &case::Case, outcome: &Outcome) {
    let folder = dir.join(&case.name);
    let write = |name: &str, bytes: &[u8]| {
        std::fs::create_dir_all(&folder)
            .and_then(|()| std::fs::write(folder.join(name), bytes))
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
    };
    let extension = match &case.form {
        case::Form::Markdown(_) => "md".to_string(),
        case::Form::File(path) => path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
    let input = check::input_of(case).unwrap_or_else(|e| panic!("{e}"));
    write(&format!("data.{extension}"), &input);
    match outcome {
        Outcome::Converted(output) => {
            write("kolo.xml", output.xform.as_bytes());
            if let Some(csv) = &output.itemsets_csv {
                write("kolo-itemsets.csv", csv.as_bytes());
            }
        }
        Outcome::Failed(failed) => {
            let text: Vec<String> = failed.errors.iter().map(|e| e.to_string()).collect();
            write("kolo-error.txt", text.join("\n").as_bytes());
        }
        Outcome::Panicked(message) | Outcome::Unreadable(message) => {
            write("kolo-error.txt", format!("no output: {message}").as_bytes())
        }
    }
}

/// Hands the dumped cases to the differential script, which converts them with
/// pyxform, compares the structure, and runs ODK Validate on Kolo's XForms.
fn run_differential(dir: &Path) {
    let python = std::env::var_os("KOLO_PYXFORM").unwrap_or_default();
    let script = crate_dir().join("tests/pyxform/differential.py");
    let report = dir.join("differences.md");
    let status = Command::new(&python)
        .arg(&script)
        .arg("compare")
        .arg(dir)
        .arg("--validate")
        .arg("--report")
        .arg(&report)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {python:?} {}: {e}", script.display()));
    println!("differential report: {}", report.display());
    assert!(
        status.success(),
        "Kolo and pyxform differ on forms not listed as known deviations (see above and {})",
        report.display()
    );
}
