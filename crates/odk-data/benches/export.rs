//! Export of 100,000 typical CLM submissions: time and peak memory.
//!
//! Run with `cargo bench -p kolo-odk-data --bench export`. The parent writes the
//! submissions' XML to a temporary file (as the server would read them from the database,
//! one at a time), then starts itself once per export kind and run; each child reads the
//! file submission by submission, parses each against the fixture form, pushes it to the
//! exporter (repeat tables spooled to temporary files) and reports its time, the heap peak
//! counted by its allocator and the process's peak resident set (VmHWM). A child's VmHWM
//! covers only its own work, which is why each run is a process. Nothing is asserted; the
//! figures go to docs/PERFORMANCE.md with the machine and the date.

#[path = "../tests/common/generate.rs"]
mod generate;

use std::alloc::{GlobalAlloc, Layout, System};
use std::env;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use generate::Generated;
use odk_data::export::{
    CsvExport, CsvZipExport, ExportLayout, ExportOptions, ExportRow, ReviewState, XlsxExport,
};
use odk_data::{FormSchema, Submission};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const FORM: &str = include_str!("../tests/fixtures/clm_hiv_services.xml");
const SUBMISSIONS: u64 = 100_000;
const RUNS: usize = 3;
const CHILD: &str = "KOLO_ODK_EXPORT_BENCH_CHILD";

fn main() {
    if let Ok(spec) = env::var(CHILD) {
        let (kind, data) = spec.split_once(':').expect("kind:path");
        child(kind, data);
        return;
    }
    let dir = tempfile::tempdir().expect("a temporary directory");
    let data = dir.path().join("submissions.bin");
    let (bytes, instances) = write_data(&data);
    println!(
        "kolo-odk-data export benchmark: {SUBMISSIONS} submissions, {:.0} bytes of XML each on average, {instances} repeat rows; medians of {RUNS} runs",
        bytes as f64 / SUBMISSIONS as f64
    );
    for kind in ["parse-only", "csv", "csv-zip", "xlsx"] {
        let mut results: Vec<(f64, u64, u64, u64)> = (0..RUNS)
            .map(|_| run_child(kind, data.to_str().expect("a UTF-8 path")))
            .collect();
        results.sort_by(|a, b| a.0.total_cmp(&b.0));
        let (secs, heap, hwm, out) = results[RUNS / 2];
        println!(
            "{kind:>10}: {secs:.2} s ({:.0} submissions/s), heap peak {:.2} MiB, VmHWM {:.1} MiB, output {:.1} MB",
            SUBMISSIONS as f64 / secs,
            heap as f64 / 1_048_576.0,
            hwm as f64 / 1024.0,
            out as f64 / 1_000_000.0
        );
    }
}

/// Length-prefixed XML documents, one per submission.
fn write_data(path: &std::path::Path) -> (u64, usize) {
    let mut out = BufWriter::new(File::create(path).expect("the data file"));
    let mut bytes = 0;
    let mut instances = 0;
    for n in 0..SUBMISSIONS {
        let g = Generated::nth(n);
        instances += g.interviews.len();
        let xml = g.xml();
        bytes += xml.len() as u64;
        writeln!(out, "{}", xml.len()).expect("write");
        out.write_all(xml.as_bytes()).expect("write");
    }
    out.flush().expect("flush");
    (bytes, instances)
}

fn run_child(kind: &str, data: &str) -> (f64, u64, u64, u64) {
    let output = Command::new(env::current_exe().expect("this benchmark's path"))
        .env(CHILD, format!("{kind}:{data}"))
        .output()
        .expect("the child runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout).expect("UTF-8");
    let fields: Vec<&str> = text.split_whitespace().collect();
    (
        fields[0].parse().expect("seconds"),
        fields[1].parse().expect("heap"),
        fields[2].parse().expect("VmHWM"),
        fields[3].parse().expect("bytes"),
    )
}

/// Counts what the export writes; the output itself is not kept.
struct Sink(u64);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

fn child(kind: &str, data: &str) {
    let schema = FormSchema::from_xform(FORM).expect("the fixture form");
    let layout = ExportLayout::new(&schema, "clm_hiv_services", &ExportOptions::default());
    let mut spools = || tempfile::tempfile();
    let mut input = BufReader::new(File::open(data).expect("the data file"));
    let start = Instant::now();
    let mut exporter = match kind {
        "parse-only" => Exporter::None,
        "csv" => Exporter::Csv(CsvExport::new(Sink(0), layout).expect("export")),
        "csv-zip" => {
            Exporter::Zip(CsvZipExport::new(Sink(0), layout, &mut spools).expect("export"))
        }
        "xlsx" => Exporter::Xlsx(XlsxExport::new(Sink(0), layout, &mut spools).expect("export")),
        other => panic!("unknown kind {other}"),
    };
    let mut line = String::new();
    let mut xml = Vec::new();
    for n in 0..SUBMISSIONS {
        line.clear();
        input.read_line(&mut line).expect("a length");
        let len: usize = line.trim().parse().expect("a length");
        xml.resize(len, 0);
        input.read_exact(&mut xml).expect("the XML");
        let text = std::str::from_utf8(&xml).expect("UTF-8");
        let submission = Submission::parse(&schema, text).expect("parses");
        let key = submission.instance_id().expect("an instanceID").to_string();
        exporter.push(&ExportRow {
            submission: Some(&submission),
            submission_date_ms: 1_793_604_005_123 - n as i64 * 1000,
            key: &key,
            submitter_id: Some("5"),
            submitter_name: Some("Monitor Kharkiv 1"),
            attachments_present: 1,
            attachments_expected: 1,
            status: None,
            review_state: ReviewState::Received,
            device_id: Some("collect:Xb7Kq2LmP9"),
            edits: 0,
            form_version: Some("2026113001"),
        });
    }
    let written = exporter.finish();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{secs} {} {} {written}",
        PEAK.load(Ordering::Relaxed),
        vm_hwm_kib()
    );
}

enum Exporter {
    None,
    Csv(CsvExport<Sink>),
    Zip(CsvZipExport<Sink>),
    Xlsx(XlsxExport<Sink>),
}

impl Exporter {
    fn push(&mut self, row: &ExportRow<'_>) {
        match self {
            Exporter::None => {}
            Exporter::Csv(x) => x.push(row).expect("push"),
            Exporter::Zip(x) => x.push(row).expect("push"),
            Exporter::Xlsx(x) => x.push(row).expect("push"),
        }
    }

    /// Bytes written.
    fn finish(self) -> u64 {
        match self {
            Exporter::None => 0,
            Exporter::Csv(x) => x.finish().expect("finish").0,
            Exporter::Zip(x) => x.finish().expect("finish").0,
            Exporter::Xlsx(x) => x.finish().expect("finish").0,
        }
    }
}

/// The process's peak resident set in KiB, from /proc (Linux).
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}
