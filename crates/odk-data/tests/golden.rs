//! The CLM fixture form (an XLSForm compiled to XForm, `fixtures/clm_hiv_services.md`)
//! exported in Central's shape and compared byte for byte with the expected CSVs, which
//! Python's csv module wrote from hand-written values (`fixtures/golden/make_golden.py`).

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use common::{read_csv, unzip};
use odk_data::export::{
    CsvExport, CsvZipExport, ExportLayout, ExportOptions, ExportRow, MemorySpools, ReviewState,
    RowStatus, SelectValueCollector, SplitSelect, XlsxExport,
};
use odk_data::{ChoiceSource, Control, DataType, FieldKind, FormSchema, Submission, UnknownReason};

const FORM: &str = include_str!("fixtures/clm_hiv_services.xml");
const SUBMISSION_1: &str = include_str!("fixtures/submission_1.xml");
const SUBMISSION_2: &str = include_str!("fixtures/submission_2.xml");
const MAIN_CSV: &str = include_str!("fixtures/golden/clm_hiv_services.csv");
const INTERVIEW_CSV: &str = include_str!("fixtures/golden/clm_hiv_services-interview.csv");

const K1: &str = "uuid:6f1c2e0a-4b7d-4e21-9a55-0c3f8d2b7e11";
const K2: &str = "uuid:a1b2c3d4-0000-4000-8000-000000000001";
const K3: &str = "uuid:e3c1a7d0-7777-4f00-b000-00000000e3c1";

struct Fixture {
    schema: FormSchema,
    first: Submission,
    second: Submission,
}

fn fixture() -> Fixture {
    let schema = FormSchema::from_xform(FORM).expect("the fixture form reads");
    let first = Submission::parse(&schema, SUBMISSION_1).expect("submission 1 reads");
    let second = Submission::parse(&schema, SUBMISSION_2).expect("submission 2 reads");
    Fixture {
        schema,
        first,
        second,
    }
}

/// The three rows, newest first as Central orders them: a plain submission, an edited one
/// (KEY stays the first instanceID), and an encrypted one that could not be decrypted.
fn rows(f: &Fixture) -> Vec<ExportRow<'_>> {
    vec![
        ExportRow {
            submission: Some(&f.first),
            submission_date_ms: 1_793_604_005_123,
            key: K1,
            submitter_id: Some("5"),
            submitter_name: Some("Monitor Kharkiv 1"),
            attachments_present: 1,
            attachments_expected: 1,
            status: None,
            review_state: ReviewState::Received,
            device_id: Some("collect:Xb7Kq2LmP9"),
            edits: 0,
            form_version: Some("2026113001"),
        },
        ExportRow {
            submission: Some(&f.second),
            submission_date_ms: 1_793_199_720_000,
            key: K2,
            submitter_id: Some("7"),
            submitter_name: Some("Monitor Lviv 2"),
            attachments_present: 0,
            attachments_expected: 0,
            status: None,
            review_state: ReviewState::Approved,
            device_id: Some("collect:Lw3Rt8YuQ1"),
            edits: 1,
            form_version: Some("2026101501"),
        },
        ExportRow {
            submission: None,
            submission_date_ms: 1_792_483_200_000,
            key: K3,
            submitter_id: Some("7"),
            submitter_name: Some("Monitor Lviv 2"),
            attachments_present: 1,
            attachments_expected: 2,
            status: Some(RowStatus::NotDecrypted),
            review_state: ReviewState::HasIssues,
            device_id: None,
            edits: 0,
            form_version: Some("2026101501"),
        },
    ]
}

/// Central's layout: split options observed in the data, in a first pass.
fn central_layout(f: &Fixture) -> ExportLayout {
    let mut seen = SelectValueCollector::new(&f.schema);
    seen.observe(&f.first);
    seen.observe(&f.second);
    let options = ExportOptions {
        group_paths: true,
        split_select_multiples: SplitSelect::Observed(seen.finish()),
        modified_ms: Some(1_793_604_005_123),
    };
    ExportLayout::new(&f.schema, "clm_hiv_services", &options)
}

#[test]
fn the_schema_has_every_field_with_types_labels_and_choices() {
    let Fixture { schema, .. } = fixture();
    assert_eq!(schema.form_id.as_deref(), Some("clm_hiv_services"));
    assert_eq!(schema.version.as_deref(), Some("2026113001"));
    assert_eq!(schema.languages, ["English (en)", "Українська (uk)"]);
    assert_eq!(schema.default_language.as_deref(), Some("English (en)"));
    assert_eq!(schema.language_for("uk"), Some("Українська (uk)"));
    assert_eq!(schema.language_for("en"), Some("English (en)"));
    assert!(!schema.encrypted);

    let field = |path: &str| schema.field(schema.by_path(path).unwrap_or_else(|| panic!("{path}")));
    assert_eq!(field("/data/visit").kind, FieldKind::Group);
    assert_eq!(field("/data/visit/visit_date").data_type, DataType::Date);
    assert_eq!(field("/data/visit/location").data_type, DataType::Geopoint);
    assert_eq!(field("/data/access/wait_minutes").data_type, DataType::Int);
    assert_eq!(field("/data/access/cost_uah").data_type, DataType::Decimal);
    assert_eq!(field("/data/start").data_type, DataType::DateTime);
    assert_eq!(
        field("/data/start").preload,
        Some(("timestamp".into(), Some("start".into())))
    );
    assert_eq!(field("/data/photo").data_type, DataType::Binary);
    assert_eq!(
        field("/data/photo").control,
        Some(Control::Upload {
            mediatype: "image/*".into()
        })
    );
    assert_eq!(field("/data/interview").kind, FieldKind::Repeat);
    assert!(field("/data/meta/instanceID").is_metadata);
    assert!(field("/data/meta/instanceName").calculated);

    let services = field("/data/access/services");
    assert!(services.is_select_multiple());
    assert_eq!(services.choice_source, ChoiceSource::Form);
    let values: Vec<&str> = services.choices.iter().map(|c| c.value.as_str()).collect();
    assert_eq!(values, ["test", "art", "prep", "ost", "condoms"]);
    let uk = schema.language_for("uk");
    assert_eq!(services.choice_label("ost", uk, None), Some("ЗПТ"));
    assert_eq!(
        services.choice_label("ost", None, schema.default_language.as_deref()),
        Some("OAT")
    );
    let oblast = schema.by_path("/data/visit/oblast").unwrap();
    assert_eq!(schema.label(oblast, uk), "Область");
    assert_eq!(schema.label(oblast, Some("English (en)")), "Oblast");
    assert_eq!(schema.field(oblast).control, Some(Control::SelectOne));
    assert_eq!(schema.label_path(oblast, uk), ["Візит", "Область"]);
    let age = schema.by_path("/data/interview/age").unwrap();
    assert_eq!(schema.label_path(age, None), ["Interview", "Age"]);
    let instance_id = schema.instance_id_field().unwrap();
    assert_eq!(schema.label_path(instance_id, uk), ["instanceID"]);

    // Tables: the root and the interview repeat; the repeat's values are its four fields.
    assert_eq!(schema.tables.len(), 2);
    let interview = &schema.tables[1];
    let names: Vec<&str> = interview
        .values
        .iter()
        .map(|&id| schema.field(id).name.as_str())
        .collect();
    assert_eq!(names, ["age", "satisfaction", "barriers", "quote"]);
}

#[test]
fn submissions_read_with_repeats_and_extra_elements_flagged() {
    let f = fixture();
    assert_eq!(f.first.instance_id(), Some(K1));
    assert_eq!(f.first.form_version.as_deref(), Some("2026113001"));
    assert!(f.first.unknown.is_empty());
    let interview = f.schema.by_path("/data/interview").unwrap();
    assert_eq!(f.first.root.instances(&f.schema, interview).len(), 2);
    assert_eq!(f.first.attachment_names(&f.schema), ["1762070112345.jpg"]);

    assert_eq!(f.second.deprecated_id(), Some(K2));
    assert_eq!(f.second.instance_name(), Some("UA-46-2026-10-28"));
    assert_eq!(f.second.unknown.len(), 1);
    assert_eq!(f.second.unknown[0].path, "/data/legacy_question");
    assert_eq!(f.second.unknown[0].reason, UnknownReason::NotInForm);
    // Absent and empty are told apart for pages; both export as an empty cell.
    assert_eq!(
        f.second.value_at(&f.schema, "/data/access/wait_minutes"),
        None
    );
    let barriers = f.schema.by_path("/data/interview/barriers").unwrap();
    let only = &f.second.root.instances(&f.schema, interview)[0];
    assert_eq!(only.value(&f.schema, barriers), Some(""));
}

#[test]
fn csv_zip_matches_central_column_for_column() {
    let f = fixture();
    let mut export = CsvZipExport::new(Vec::new(), central_layout(&f), &mut MemorySpools).unwrap();
    for row in rows(&f) {
        export.push(&row).unwrap();
    }
    let mut media = export.finish_tables().unwrap();
    let stored = media
        .add(
            "1762070112345.jpg",
            &mut &b"\xff\xd8\xff fictional jpeg"[..],
        )
        .unwrap();
    assert_eq!(stored, "media/1762070112345.jpg");
    // A second file of the same name from another submission keeps both.
    let again = media.add("1762070112345.jpg", &mut &b"other"[..]).unwrap();
    assert_eq!(again, "media/1762070112345~2.jpg");
    let evil = media.add("../../etc/passwd", &mut &b"x"[..]).unwrap();
    assert_eq!(evil, "media/....etcpasswd");
    let zip = media.finish().unwrap();

    let mut archive = zip::ZipArchive::new(Cursor::new(&zip)).unwrap();
    let time = archive.by_index(0).unwrap().last_modified().unwrap();
    assert_eq!(
        (
            time.year(),
            time.month(),
            time.day(),
            time.hour(),
            time.minute()
        ),
        (2026, 11, 2, 7, 20)
    );

    let files = unzip(&zip);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "clm_hiv_services.csv",
            "clm_hiv_services-interview.csv",
            "media/1762070112345.jpg",
            "media/1762070112345~2.jpg",
            "media/....etcpasswd",
        ]
    );
    assert_eq!(std::str::from_utf8(&files[0].1).unwrap(), MAIN_CSV);
    assert_eq!(std::str::from_utf8(&files[1].1).unwrap(), INTERVIEW_CSV);
    assert_eq!(files[2].1, b"\xff\xd8\xff fictional jpeg");
    assert!(
        !files[0].1.starts_with(b"\xef\xbb\xbf"),
        "Central writes no BOM"
    );
}

#[test]
fn the_csv_alone_is_the_main_table() {
    let f = fixture();
    let mut export = CsvExport::new(Vec::new(), central_layout(&f)).unwrap();
    for row in rows(&f) {
        export.push(&row).unwrap();
    }
    assert_eq!(
        String::from_utf8(export.finish().unwrap()).unwrap(),
        MAIN_CSV
    );
}

#[test]
fn an_export_of_nothing_still_has_every_header() {
    let f = fixture();
    let layout = central_layout(&f);
    let export = CsvZipExport::new(Vec::new(), layout, &mut MemorySpools).unwrap();
    let files = unzip(&export.finish().unwrap());
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[1].1,
        INTERVIEW_CSV
            .lines()
            .next()
            .unwrap()
            .to_string()
            .into_bytes()
            .into_iter()
            .chain(*b"\n")
            .collect::<Vec<u8>>()
    );
}

#[test]
fn split_from_the_form_lists_every_choice_in_form_order() {
    let f = fixture();
    let layout = ExportLayout::new(&f.schema, "clm_hiv_services", &ExportOptions::default());
    let header = layout.header(0);
    let start = header.iter().position(|h| *h == "access-services").unwrap();
    assert_eq!(
        header[start..start + 6],
        [
            "access-services",
            "access-services/test",
            "access-services/art",
            "access-services/prep",
            "access-services/ost",
            "access-services/condoms"
        ]
    );
    let no_split = ExportOptions {
        split_select_multiples: SplitSelect::No,
        ..ExportOptions::default()
    };
    let layout = ExportLayout::new(&f.schema, "clm_hiv_services", &no_split);
    assert!(!layout.header(0).iter().any(|h| h.contains('/')));
}

#[test]
fn xlsx_has_one_sheet_per_table_with_the_same_cells() {
    let f = fixture();
    let mut export = XlsxExport::new(
        Cursor::new(Vec::new()),
        central_layout(&f),
        &mut MemorySpools,
    )
    .unwrap();
    for row in rows(&f) {
        export.push(&row).unwrap();
    }
    let bytes = export.finish().unwrap().into_inner();
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).expect("calamine opens it");
    assert_eq!(book.sheet_names(), ["clm_hiv_services", "interview"]);
    for (sheet, expected) in [("clm_hiv_services", MAIN_CSV), ("interview", INTERVIEW_CSV)] {
        let range = book.worksheet_range(sheet).unwrap();
        let expected = read_csv(expected);
        assert_eq!(range.height(), expected.len(), "{sheet}");
        for (r, row) in expected.iter().enumerate() {
            for (c, want) in row.iter().enumerate() {
                let got = match range.get((r, c)) {
                    None | Some(Data::Empty) => String::new(),
                    Some(Data::String(s)) => s.clone(),
                    Some(Data::Float(x)) => format!("{x}"),
                    Some(Data::Int(x)) => format!("{x}"),
                    Some(other) => panic!("unexpected cell {other:?}"),
                };
                let same = &got == want
                    || (want.parse::<f64>().ok().is_some()
                        && want.parse::<f64>().ok() == got.parse::<f64>().ok());
                assert!(same, "{sheet} row {r} column {c}: {got:?} != {want:?}");
            }
        }
        // Numbers are numbers: the waiting time is a float cell, the facility a string.
        if sheet == "clm_hiv_services" {
            let wait = expected[0]
                .iter()
                .position(|h| h == "access-wait_minutes")
                .unwrap();
            assert_eq!(range.get((1, wait)), Some(&Data::Float(45.0)));
            let facility = expected[0]
                .iter()
                .position(|h| h == "visit-facility")
                .unwrap();
            assert!(matches!(range.get((1, facility)), Some(Data::String(_))));
        }
    }
}
