//! Time to build a sign-in sheet for 300 participants x 3 days (layout,
//! shaping, font subsetting, compression: everything from data to PDF bytes),
//! and a certificate of attendance, as the median of repeated runs.
//!
//! `cargo bench -p kolo-pdf` (set `KOLO_BENCH_RUNS` to change the run count).

#[path = "../tests/support/sample.rs"]
mod sample;

use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let runs: usize = std::env::var("KOLO_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(30)
        .max(1);
    let participants = sample::participants(300);
    let days = ["12.03.2024", "13.03.2024", "14.03.2024"];
    measure("sign-in sheet, 300 participants x 3 days", runs, || {
        sample::sign_in_sheet(black_box(&participants), black_box(&days))
    });
    measure("certificate of attendance", runs, || {
        sample::certificate(black_box("Олена Ґудзь-Їжакевич"))
    });
}

fn measure(name: &str, runs: usize, build: impl Fn() -> Result<Vec<u8>, pdf::PdfError>) {
    // One unmeasured run loads the fonts and warms the caches.
    let bytes = match build() {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("{name}: {error}");
            std::process::exit(1);
        }
    };
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let built = build();
            let elapsed = start.elapsed();
            black_box(built.ok());
            elapsed
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    let (min, max) = (times[0], times[times.len() - 1]);
    println!(
        "{name}: median {:.1} ms (min {:.1}, max {:.1}, {runs} runs), {} bytes ({:.1} KiB)",
        ms(median),
        ms(min),
        ms(max),
        bytes.len(),
        bytes.len() as f64 / 1024.0
    );
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
