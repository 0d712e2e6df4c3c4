//! 100,000 generated submissions exported with the heap measured: the peak must not grow
//! with the number of submissions. A counting allocator wraps the system one for this test
//! binary only; the repeat tables spool to temporary files as on the server.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{self, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use common::generate::Generated;
use common::row;
use odk_data::export::{
    CsvZipExport, ExportLayout, ExportOptions, ExportRow, MemorySpools, XlsxExport,
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

const FORM: &str = include_str!("fixtures/clm_hiv_services.xml");
const SUBMISSIONS: u64 = 100_000;

/// Counts bytes and keeps none: the export's output is not what is measured.
struct CountingSink(u64);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `push` for every generated submission and returns the heap peak (bytes above the
/// level before the first one) after 10,000 and after all.
fn measure(
    count: u64,
    mut push: impl FnMut(&ExportRow<'_>),
    schema: &FormSchema,
) -> (usize, usize) {
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let mut at_10k = 0;
    for n in 0..count {
        let xml = Generated::nth(n).xml();
        let submission = Submission::parse(schema, &xml).unwrap();
        let key = submission.instance_id().unwrap().to_string();
        push(&row(&submission, &key, 1_793_604_005_123 - n as i64 * 1000));
        if n == 9_999 {
            at_10k = PEAK.load(Ordering::Relaxed) - base;
        }
    }
    (at_10k, PEAK.load(Ordering::Relaxed) - base)
}

/// Both checks in one test, so that the counters see one export at a time.
#[test]
fn exporting_100k_submissions_keeps_the_heap_flat() {
    let schema = FormSchema::from_xform(FORM).unwrap();
    let options = ExportOptions::default();

    let layout = ExportLayout::new(&schema, "clm_hiv_services", &options);
    let mut spools = || tempfile::tempfile();
    let mut zip = CsvZipExport::new(CountingSink(0), layout.clone(), &mut spools).unwrap();
    let (csv_10k, csv_all) = measure(SUBMISSIONS, |r| zip.push(r).unwrap(), &schema);
    let written = zip.finish().unwrap().0;
    assert!(written > 2_000_000, "the export is real: {written} bytes");
    println!(
        "CSV ZIP: heap peak {csv_10k} B after 10,000, {csv_all} B after 100,000; {written} B out"
    );

    let mut xlsx = XlsxExport::new(CountingSink(0), layout, &mut spools).unwrap();
    let (xlsx_10k, xlsx_all) = measure(SUBMISSIONS, |r| xlsx.push(r).unwrap(), &schema);
    let written = xlsx.finish().unwrap().0;
    println!(
        "XLSX: heap peak {xlsx_10k} B after 10,000, {xlsx_all} B after 100,000; {written} B out"
    );

    for (what, at_10k, all) in [("CSV ZIP", csv_10k, csv_all), ("XLSX", xlsx_10k, xlsx_all)] {
        // One submission, a row buffer, the spool buffers and the deflate state: well under
        // 2 MB. Ten times the submissions may not raise the peak by more than 64 KB.
        assert!(all < 2 * 1024 * 1024, "{what}: heap peak {all} B");
        assert!(
            all - at_10k < 64 * 1024,
            "{what}: the peak grew from {at_10k} B to {all} B"
        );
    }

    // The measure can see growth: with the repeat tables spooled in memory, 10,000 more
    // submissions raise the peak by far more than the limit above.
    let layout = ExportLayout::new(&schema, "clm_hiv_services", &options);
    let mut in_memory = CsvZipExport::new(CountingSink(0), layout, &mut MemorySpools).unwrap();
    let (at_10k, at_20k) = measure(20_000, |r| in_memory.push(r).unwrap(), &schema);
    assert!(at_20k - at_10k > 256 * 1024, "{at_10k} B then {at_20k} B");
}
