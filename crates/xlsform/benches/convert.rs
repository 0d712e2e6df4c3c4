//! Conversion time of the benchmark forms, as medians.
//!
//! `cargo bench -p kolo-xlsform` runs every form in `benches/forms/` (markdown and
//! xlsx) many times in-process and prints the median, minimum and maximum per form.
//! `benches/pyxform_bench.py` measures pyxform's `convert()` on the same files.

use std::time::{Duration, Instant};

/// The benchmark forms, then the realistic forms of the conformance suite.
const FORMS: &[(&str, &[u8])] = &[
    ("clm_hiv.md", include_bytes!("forms/clm_hiv.md")),
    ("clm_hiv.xlsx", include_bytes!("forms/clm_hiv.xlsx")),
    ("household.md", include_bytes!("forms/household.md")),
    ("household.xlsx", include_bytes!("forms/household.xlsx")),
    ("generated_680.md", include_bytes!("forms/generated_680.md")),
    (
        "generated_680.xlsx",
        include_bytes!("forms/generated_680.xlsx"),
    ),
    (
        "suite_clm_hiv.xlsx",
        include_bytes!("../tests/conformance/realistic/clm_hiv_services_questionnaire.xlsx"),
    ),
    (
        "suite_clm_hiv.xls",
        include_bytes!("../tests/conformance/realistic/clm_hiv_services_legacy.xls"),
    ),
    (
        "suite_household.xlsx",
        include_bytes!("../tests/conformance/realistic/household_survey_with_nested_repeats.xlsx"),
    ),
    (
        "suite_bilingual.xlsx",
        include_bytes!("../tests/conformance/realistic/bilingual_form_with_cascading_selects.xlsx"),
    ),
    (
        "suite_entities.xlsx",
        include_bytes!("../tests/conformance/realistic/entities_participant_registration.xlsx"),
    ),
];

fn main() {
    // `cargo test --benches` passes `--bench`-less arguments; run briefly then.
    let quick = !std::env::args().any(|a| a == "--bench");
    let runs = if quick { 3 } else { 101 };
    println!(
        "{:<22} {:>10} {:>10} {:>10}  runs={runs}",
        "form", "median", "min", "max"
    );
    for (name, bytes) in FORMS {
        let options = xlsform::Options::default();
        let mut times: Vec<Duration> = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let out = xlsform::convert(std::hint::black_box(bytes), &options);
            times.push(start.elapsed());
            if let Err(e) = out {
                eprintln!("{name}: {e}");
                std::process::exit(1);
            }
        }
        times.sort();
        let ms = |d: Duration| format!("{:.3} ms", d.as_secs_f64() * 1000.0);
        println!(
            "{name:<22} {:>10} {:>10} {:>10}",
            ms(times[times.len() / 2]),
            ms(times[0]),
            ms(times[times.len() - 1])
        );
    }
}
