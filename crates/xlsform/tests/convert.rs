//! Converting whole forms through the public API: formats, structure, diagnostics.

use xlsform::{Lang, Options, Problem, Severity, convert};

fn ok(md: &str) -> xlsform::Output {
    match convert(md.as_bytes(), &Options::default()) {
        Ok(out) => out,
        Err(failed) => panic!("conversion failed: {failed}"),
    }
}

fn fails(md: &str) -> xlsform::Failed {
    match convert(md.as_bytes(), &Options::default()) {
        Ok(out) => panic!("conversion succeeded:\n{}", out.xform),
        Err(failed) => failed,
    }
}

const FIXTURE_MD: &str = include_str!("fixtures/form.md");

#[test]
fn xlsx_xls_and_markdown_of_the_same_form_give_the_same_xform() {
    let md = ok(FIXTURE_MD).xform;
    for bytes in [
        &include_bytes!("fixtures/form.xlsx")[..],
        &include_bytes!("fixtures/form.xls")[..],
        &include_bytes!("fixtures/xls-named.xlsx")[..],
    ] {
        let out = convert(bytes, &Options::default()).expect("workbook converts");
        assert_eq!(out.xform, md);
    }
}

#[test]
fn a_csv_form_converts_like_its_markdown_twin() {
    let csv = "survey,,,\n,type,name,label\n,integer,age,Age\n,text,\"note, with comma\",\"Say \"\"hi\"\"\"\n";
    let err = convert(csv.as_bytes(), &Options::default()).unwrap_err();
    assert!(matches!(err.errors[0].problem, Problem::InvalidName { .. }));
    let csv =
        "survey,,,\n,type,name,label\n,integer,age,Age\n,text,say,\"Say \"\"hi\"\", friend\"\n";
    let md = "| survey |\n| | type | name | label |\n| | integer | age | Age |\n| | text | say | Say \"hi\", friend |\n";
    let from_csv = convert(csv.as_bytes(), &Options::default()).expect("csv converts");
    assert_eq!(from_csv.xform, ok(md).xform);
}

#[test]
fn the_form_name_option_gives_the_default_form_id_and_title() {
    let out = convert(
        b"| survey |\n| | type | name | label |\n| | text | a | A |\n",
        &Options {
            form_name: Some("clm_visit".into()),
        },
    )
    .unwrap();
    assert_eq!(out.form_id, "clm_visit");
    assert_eq!(out.title, "clm_visit");
    assert!(out.xform.contains("<data id=\"clm_visit\">"));
    assert!(out.xform.contains("<h:title>clm_visit</h:title>"));
}

#[test]
fn settings_give_id_version_title_and_encryption() {
    let out = ok(
        "| survey |\n| | type | name | label |\n| | text | a | A |\n| settings |\n| | form_title | form_id | version | public_key | submission_url |\n| | Visit | visit | 7 | KEY== | https://x/s |\n",
    );
    assert_eq!(
        (
            out.form_id.as_str(),
            out.version.as_deref(),
            out.title.as_str()
        ),
        ("visit", Some("7"), "Visit")
    );
    assert_eq!(out.public_key.as_deref(), Some("KEY=="));
    assert!(out.xform.contains(
        "<submission action=\"https://x/s\" method=\"post\" base64RsaPublicKey=\"KEY==\"/>"
    ));
}

#[test]
fn references_inside_a_repeat_become_relative_and_outside_absolute() {
    let out = ok(
        "| survey |\n| | type | name | label | relevant |\n| | integer | n | N | |\n| | begin_repeat | r | R | |\n| | integer | a | A | ${n} > 0 |\n| | text | b | B | ${a} > 1 |\n| | end_repeat | | | |\n",
    );
    assert!(
        out.xform
            .contains("<bind nodeset=\"/data/r/a\" type=\"int\" relevant=\" /data/n  &gt; 0\"/>"),
        "{}",
        out.xform
    );
    assert!(
        out.xform
            .contains("<bind nodeset=\"/data/r/b\" type=\"string\" relevant=\" ../a  &gt; 1\"/>"),
        "{}",
        out.xform
    );
    assert!(
        out.xform
            .contains("<r jr:template=\"\"><a/><b/></r><r><a/><b/></r>")
    );
}

#[test]
fn labels_with_references_show_output_elements() {
    let out = ok(
        "| survey |\n| | type | name | label |\n| | integer | n | N |\n| | note | t | You said ${n} & more |\n",
    );
    assert!(
        out.xform
            .contains("<label> You said <output value=\" /data/n \"/> &amp; more </label>"),
        "{}",
        out.xform
    );
}

#[test]
fn translations_fill_missing_texts_with_a_dash_and_mark_the_default_language() {
    let out = ok(
        "| survey |\n| | type | name | label::English (en) | label::Українська (uk) | hint::English (en) |\n| | text | a | A | А | Help |\n| settings |\n| | default_language |\n| | English (en) |\n",
    );
    assert!(
        out.xform
            .contains("<translation lang=\"English (en)\" default=\"true()\">")
    );
    assert!(out.xform.contains("<translation lang=\"Українська (uk)\"><text id=\"/data/a:label\"><value>А</value></text><text id=\"/data/a:hint\"><value>-</value></text>"), "{}", out.xform);
}

#[test]
fn external_choices_produce_an_itemsets_csv_and_an_attachment() {
    let out = ok(
        "| survey |\n| | type | name | label | choice_filter |\n| | text | region | Region | |\n| | select_one_external city | city | City | region=${region} |\n| external_choices |\n| | list_name | name | label | region |\n| | city | kyiv | Kyiv | north |\n| | city | odesa | Odesa, port | south |\n",
    );
    assert_eq!(
        out.itemsets_csv.as_deref(),
        Some(
            "\"list_name\",\"name\",\"label\",\"region\"\r\n\"city\",\"kyiv\",\"Kyiv\",\"north\"\r\n\"city\",\"odesa\",\"Odesa, port\",\"south\"\r\n"
        )
    );
    assert!(out.attachments.contains(&"itemsets.csv".to_string()));
    assert!(
        out.xform.contains(
            "<input ref=\"/data/city\" query=\"instance('city')/root/item[region= /data/region ]\">"
        ),
        "{}",
        out.xform
    );
}

#[test]
fn media_files_select_from_file_and_pulldata_are_listed_as_attachments() {
    let out = ok(
        "| survey |\n| | type | name | label | image | calculation | appearance | default |\n| | select_one_from_file people.csv | p | P | | | | |\n| | note | n | N | photo.jpg | | | |\n| | calculate | c | | | pulldata('prices', 'price', 'item', ${p}) | | |\n| | select_one l | f | F | | | search('fruits') | |\n| | image | shot | Shot | | | | default.png |\n| choices |\n| | list_name | name | label |\n| | l | a | A |\n",
    );
    for name in [
        "people.csv",
        "photo.jpg",
        "prices.csv",
        "fruits.csv",
        "default.png",
    ] {
        assert!(
            out.attachments.contains(&name.to_string()),
            "{name} in {:?}",
            out.attachments
        );
    }
}

#[test]
fn an_unknown_reference_is_an_error_naming_sheet_row_column_and_a_suggestion() {
    let failed = fails(
        "| survey |\n| | type | name | label | relevant |\n| | integer | age_years | Age | |\n| | text | b | B | ${age_year} > 1 |\n",
    );
    let e = &failed.errors[0];
    assert_eq!(e.severity, Severity::Error);
    let loc = e.location.clone().expect("located");
    assert_eq!(
        (loc.sheet.as_str(), loc.row, loc.column.as_deref()),
        ("survey", Some(3), Some("relevant"))
    );
    assert_eq!(
        e.message(Lang::En),
        "Sheet `survey`, row 3, column `relevant`: `${age_year}` is not a question in this form. Did you mean `${age_years}`?"
    );
    assert_eq!(
        e.message(Lang::Uk),
        "Аркуш `survey`, рядок 3, стовпець `relevant`: `${age_year}` не є питанням цієї форми. Можливо, ви мали на увазі `${age_years}`?"
    );
}

#[test]
fn calculations_that_depend_on_each_other_in_a_circle_are_rejected() {
    let failed = fails(
        "| survey |\n| | type | name | label | calculation |\n| | calculate | a | | ${b} + 1 |\n| | calculate | b | | ${a} + 1 |\n",
    );
    assert!(
        matches!(&failed.errors[0].problem, Problem::DependencyCycle { names } if names == &["a", "b", "a"])
    );
}

#[test]
fn a_function_with_the_wrong_number_of_arguments_is_rejected() {
    let failed = fails(
        "| survey |\n| | type | name | label | constraint |\n| | integer | a | A | if(. > 1, 2) |\n",
    );
    assert!(
        matches!(&failed.errors[0].problem, Problem::WrongArity { function, found: 2, .. } if function == "if")
    );
}

#[test]
fn a_syntax_error_in_an_expression_is_rejected_with_its_position() {
    let failed = fails(
        "| survey |\n| | type | name | label | constraint |\n| | integer | a | A | . > (1 |\n",
    );
    let msg = failed.errors[0].message(Lang::En);
    assert!(msg.contains("at character 7"), "{msg}");
}

#[test]
fn structural_mistakes_each_have_their_own_error() {
    type Expect = fn(&Problem) -> bool;
    let cases: &[(&str, Expect)] = &[
        (
            "| survey |\n| | type | name | label |\n| | text | a | A |\n| | text | a | B |\n",
            |p| matches!(p, Problem::DuplicateName { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | begin_group | g | G |\n| | text | a | A |\n",
            |p| matches!(p, Problem::UnclosedBlock { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | end_group | | |\n",
            |p| matches!(p, Problem::UnexpectedEnd { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | begin_group | g | G |\n| | end_repeat | | |\n",
            |p| matches!(p, Problem::MismatchedEnd { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | intger | a | A |\n",
            |p| matches!(p, Problem::UnknownType { suggestion: Some(s), .. } if s == "integer"),
        ),
        (
            "| survey |\n| | type | name | label |\n| | select_one nope | a | A |\n",
            |p| matches!(p, Problem::UnknownChoiceList { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | text | 1a | A |\n",
            |p| matches!(p, Problem::InvalidName { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | text | a | |\n",
            |p| matches!(p, Problem::NoLabelOrHint { .. }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | calculate | a | |\n",
            |p| matches!(p, Problem::MissingCalculation { .. }),
        ),
        ("| survey |\n| | name | label |\n| | a | A |\n", |p| {
            matches!(p, Problem::MissingColumn { .. })
        }),
        (
            "| surveys |\n| | type | name | label |\n| | text | a | A |\n| choices |\n| | list_name | name |\n",
            |p| matches!(p, Problem::MissingSurveySheet { similar: Some(_) }),
        ),
        (
            "| survey |\n| | type | name | label |\n| | select_one yn | a | A |\n| choices |\n| | list_name | name | label |\n| | yn | y | Y |\n| | yn | y | Z |\n",
            |p| matches!(p, Problem::DuplicateChoice { .. }),
        ),
        (
            "| survey |\n| | type | name | label | parameters |\n| | range | a | A | start=x |\n",
            |p| matches!(p, Problem::InvalidParameterValue { .. }),
        ),
    ];
    for (md, expected) in cases {
        let failed = fails(md);
        assert!(
            failed.errors.iter().any(|e| expected(&e.problem)),
            "{md}\n{:?}",
            failed.errors
        );
        for e in &failed.errors {
            assert!(!e.message(Lang::Uk).is_empty() && e.message(Lang::Uk) != e.message(Lang::En));
        }
    }
}

#[test]
fn nothing_but_noise_is_reported_not_panicked_on() {
    for input in [
        &b""[..],
        b"\xff\xfe",
        b"PK\x03\x04",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        b"|||||",
        b",,,,",
        b"| survey |\n| | type |\n| | ${ |",
    ] {
        assert!(convert(input, &Options::default()).is_err());
    }
}

#[test]
fn every_prefix_of_a_real_workbook_is_handled_without_panicking() {
    let bytes = include_bytes!("fixtures/form.xlsx");
    for end in (0..bytes.len()).step_by(97) {
        let _ = convert(&bytes[..end], &Options::default());
    }
    let md = FIXTURE_MD.as_bytes();
    for end in 0..md.len() {
        let _ = convert(&md[..end], &Options::default());
    }
}

#[test]
fn an_entities_sheet_adds_the_entity_to_meta_and_save_to_binds() {
    let out = ok(
        "| survey |\n| | type | name | label | save_to |\n| | text | tree | Tree | species |\n| entities |\n| | list_name | label |\n| | trees | concat('Tree ', ${tree}) |\n",
    );
    assert!(
        out.xform
            .contains("xmlns:entities=\"http://www.opendatakit.org/xforms/entities\"")
    );
    assert!(out.xform.contains("<meta><entity dataset=\"trees\" create=\"1\" id=\"\"><label/></entity><instanceID/></meta>"), "{}", out.xform);
    assert!(
        out.xform
            .contains("<bind nodeset=\"/data/tree\" type=\"string\" entities:saveto=\"species\"/>")
    );
    assert!(out.xform.contains("<bind nodeset=\"/data/meta/entity/label\" calculate=\"concat('Tree ',  /data/tree )\" readonly=\"true()\" type=\"string\"/>"));
}

#[test]
fn save_to_in_two_repeats_or_without_entities_is_rejected() {
    let failed = fails(
        "| survey |\n| | type | name | label | save_to |\n| | text | tree | Tree | species |\n",
    );
    assert!(matches!(
        failed.errors[0].problem,
        Problem::SaveToWithoutEntities { .. }
    ));
    let failed = fails(
        "| survey |\n| | type | name | label | save_to |\n| | begin_repeat | r | R | |\n| | text | tree | Tree | species |\n| | end_repeat | | | |\n| | begin_repeat | s | S | |\n| | text | bush | Bush | kind |\n| | end_repeat | | | |\n| entities |\n| | list_name | label |\n| | trees | x |\n",
    );
    assert!(matches!(
        failed.errors[0].problem,
        Problem::EntityAcrossRepeats { .. }
    ));
    let failed = fails(
        "| survey |\n| | type | name | label | save_to |\n| | text | tree | Tree | label |\n| entities |\n| | list_name | label |\n| | trees | x |\n",
    );
    assert!(matches!(
        failed.errors[0].problem,
        Problem::SaveToInvalid { .. }
    ));
}

#[test]
fn an_unknown_reference_in_the_entities_sheet_points_at_that_sheet() {
    let failed = fails(
        "| survey |\n| | type | name | label |\n| | text | tree | Tree |\n| entities |\n| | list_name | label |\n| | trees | ${nope} |\n",
    );
    let loc = failed.errors[0].location.clone().expect("located");
    assert_eq!(
        (loc.sheet.as_str(), loc.row, loc.column.as_deref()),
        ("entities", Some(2), Some("label"))
    );
}

#[test]
fn a_language_missing_a_column_gets_a_warning_in_both_languages() {
    let out = ok(
        "| survey |\n| | type | name | label::English (en) | label::French (fr) | hint::English (en) |\n| | text | a | A | A | H |\n",
    );
    let w = &out.warnings[0];
    assert!(
        matches!(&w.problem, Problem::MissingTranslations { language, columns } if language == "French (fr)" && columns == &["hint"])
    );
    assert!(w.message(Lang::Uk).contains("бракує"));
}

#[test]
fn nested_repeats_have_templates_only_where_pyxform_puts_them() {
    let out = ok(
        "| survey |\n| | type | name | label |\n| | begin_repeat | r | R |\n| | begin_repeat | k | K |\n| | text | x | X |\n| | end_repeat | | |\n| | end_repeat | | |\n",
    );
    assert!(
        out.xform
            .contains("<r jr:template=\"\"><k jr:template=\"\"><x/></k></r><r><k><x/></k></r>"),
        "{}",
        out.xform
    );
}

#[test]
fn an_unknown_reference_in_a_choice_label_points_at_the_choices_sheet() {
    let failed = fails(
        "| survey |\n| | type | name | label |\n| | select_one l | a | A |\n| choices |\n| | list_name | name | label |\n| | l | x | X ${nope} |\n",
    );
    let loc = failed.errors[0].location.clone().expect("located");
    assert_eq!(
        (loc.sheet.as_str(), loc.row, loc.column.as_deref()),
        ("choices", Some(2), Some("label"))
    );
}

#[test]
fn a_group_that_shows_nothing_is_refused_with_its_row() {
    let failed = fails(
        "| survey |\n| | type | name | label | calculation |\n| | begin_group | g | G | |\n| | calculate | c | | 1 + 1 |\n| | end_group | | | |\n",
    );
    let empty = failed
        .errors
        .iter()
        .find(|e| matches!(&e.problem, Problem::EmptyGroup { name } if name == "g"))
        .expect("an EmptyGroup error");
    assert_eq!(empty.location.as_ref().map(|l| l.row), Some(Some(2)));
}

#[test]
fn parameters_become_the_attributes_collect_reads() {
    let out = ok(
        "| survey |\n| | type | name | label | parameters |\n| | text | t | T | rows=4 |\n| | geopoint | g | G | capture-accuracy=5 allow-mock-accuracy=true |\n| | range | r | R | start=0 end=1 step=0.1 |\n| | image | i | I | max-pixels=1024 |\n| | integer | n | N | ignored=1 |\n",
    );
    for needle in [
        "<input ref=\"/data/t\" rows=\"4\">",
        "<input ref=\"/data/g\" accuracyThreshold=\"5\">",
        "<bind nodeset=\"/data/g\" type=\"geopoint\" odk:allow-mock-accuracy=\"true\"/>",
        "<bind nodeset=\"/data/r\" type=\"decimal\"/>",
        "<range ref=\"/data/r\" start=\"0\" end=\"1\" step=\"0.1\">",
        "<bind nodeset=\"/data/i\" type=\"binary\" orx:max-pixels=\"1024\"/>",
    ] {
        assert!(out.xform.contains(needle), "{needle}\n{}", out.xform);
    }
}

#[test]
fn thousands_of_nested_groups_are_an_error_not_a_stack_overflow() {
    let mut md = String::from("| survey |\n| | type | name | label |\n");
    for i in 0..3000 {
        md.push_str(&format!("| | begin_group | g{i} | G |\n"));
    }
    md.push_str("| | text | a | A |\n");
    let failed = fails(&md);
    assert!(
        failed
            .errors
            .iter()
            .any(|e| matches!(e.problem, Problem::NestingTooDeep { .. }))
    );
}

#[test]
fn a_cell_in_the_far_corner_of_an_xlsx_sheet_costs_no_memory_and_rows_after_a_long_gap_are_ignored()
{
    let out = convert(
        include_bytes!("fixtures/far-cell.xlsx"),
        &Options::default(),
    )
    .expect("converts");
    assert!(
        out.xform
            .contains("<data id=\"data\"><a/><meta><instanceID/></meta></data>"),
        "{}",
        out.xform
    );
}

/// Found by fuzzing: calamine followed a looping sector chain until memory ran out.
#[test]
fn an_xls_whose_sector_chain_loops_is_refused_not_followed_forever() {
    let failed = convert(
        include_bytes!("fixtures/fuzz-xls-looping-chain.xls"),
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(
        failed.errors[0].problem,
        Problem::UnreadableWorkbook { .. }
    ));
}

#[test]
fn an_entity_over_a_repeat_is_declared_in_each_repeat_instance() {
    let out = ok(
        "| survey |\n| | type | name | label | save_to |\n| | begin_repeat | r | R | |\n| | text | tree | Tree | species |\n| | end_repeat | | | |\n| entities |\n| | list_name | label | repeat |\n| | trees | ${tree} | ${r} |\n",
    );
    assert!(
        out.xform.contains("entities:entities-version=\"2025.1.0\""),
        "{}",
        out.xform
    );
    assert!(out.xform.contains("<r><tree/><meta><entity dataset=\"trees\" create=\"1\" id=\"\"><label/></entity></meta></r>"), "{}", out.xform);
    assert!(out.xform.contains("<bind nodeset=\"/data/r/meta/entity/label\" calculate=\" ../../../tree \" readonly=\"true()\" type=\"string\"/>"), "{}", out.xform);
    assert!(out.xform.contains("<setvalue ref=\"/data/r/meta/entity/@id\" event=\"odk-new-repeat\" value=\"uuid()\"/></repeat>"), "{}", out.xform);
}

#[test]
fn a_select_from_a_repeat_inside_that_repeat_names_the_repeat_relatively() {
    let out = ok(
        "| survey |\n| | type | name | label |\n| | begin_repeat | r | R |\n| | text | rn | RN |\n| | select_one ${rn} | pick | Pick |\n| | end_repeat | | |\n| | select_one ${rn} | outside | Outside |\n",
    );
    assert!(out.xform.contains("<itemset nodeset=\"../../r[./rn != '']\"><value ref=\"rn\"/><label ref=\"rn\"/></itemset>"), "{}", out.xform);
    assert!(
        out.xform
            .contains("<itemset nodeset=\"/data/r[./rn != '']\">"),
        "{}",
        out.xform
    );
}

/// Found by fuzzing: calamine reserved memory for the cell count a DIMENSIONS
/// record claimed, and the allocation aborted the process.
#[test]
fn an_xls_sheet_claiming_billions_of_cells_is_refused_before_any_allocation() {
    let failed = convert(
        include_bytes!("fixtures/fuzz-xls-huge-dimensions.xls"),
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(
        failed.errors[0].problem,
        Problem::UnreadableWorkbook { .. }
    ));
}

#[test]
fn an_xls_sheet_whose_cells_span_billions_of_cells_is_refused_before_any_allocation() {
    // Found by fuzzing: calamine builds a dense grid from the first to the last
    // row and column used, here 65 536 × 65 536 cells.
    for bytes in [
        &include_bytes!("fixtures/fuzz-xls-wide-cell-span.xls")[..],
        &include_bytes!("fixtures/fuzz-xls-wide-cell-span-2.xls")[..],
    ] {
        let failed = convert(bytes, &Options::default()).unwrap_err();
        assert!(
            matches!(failed.errors[0].problem, Problem::UnreadableWorkbook { .. }),
            "{:?}",
            failed.errors
        );
    }
}

#[test]
fn a_plain_column_after_a_translated_one_replaces_it_as_in_pyxform() {
    let out = ok(
        "| survey |\n| | type | name | label | hint::English (en) | hint |\n| | text | a | A | Translated | Plain |\n",
    );
    assert!(out.xform.contains("<hint>Plain</hint>"), "{}", out.xform);
    assert!(!out.xform.contains("Translated"));
}

#[test]
fn all_selects_of_a_table_list_must_share_one_list() {
    let failed = fails(
        "| survey |\n| | type | name | label | appearance |\n| | begin_group | t | T | table-list |\n| | select_one a | x | X | |\n| | select_one b | y | Y | |\n| | end_group | | | |\n| choices |\n| | list_name | name | label |\n| | a | 1 | One |\n| | b | 2 | Two |\n",
    );
    assert!(
        matches!(&failed.errors[0].problem, Problem::TableListMismatch { expected, found } if expected == "a" && found == "b")
    );
}

#[test]
fn a_range_with_a_tick_labelset_shows_its_labels_from_the_list() {
    let out = ok(
        "| survey |\n| | type | name | label | parameters |\n| | range | r | R | start=0 end=10 step=5 tick_labelset=t tick_interval=5 |\n| choices |\n| | list_name | name | label |\n| | t | 0 | Low |\n| | t | 10 | High |\n",
    );
    assert!(out.xform.contains("<range ref=\"/data/r\" start=\"0\" end=\"10\" step=\"5\" odk:tick-interval=\"5\"><label>R</label><itemset nodeset=\"instance('t')/root/item\"><value ref=\"name\"/><label ref=\"label\"/></itemset></range>"), "{}", out.xform);
}

/// Found by fuzzing: calamine indexes past a slice while reading a defined name
/// (`parse_lbl`). The panic is contained and reported as an unreadable workbook.
#[test]
fn a_panic_inside_the_spreadsheet_library_becomes_an_unreadable_workbook_error() {
    let failed = convert(
        include_bytes!("fixtures/fuzz-xls-calamine-panic.xls"),
        &Options::default(),
    )
    .unwrap_err();
    assert!(matches!(
        failed.errors[0].problem,
        Problem::UnreadableWorkbook { .. }
    ));
}

/// A zip bomb: a part of 101 MiB of zeros deflates to about 100 KB.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer
        .start_file("[Content_Types].xml", options)
        .and_then(|()| writer.start_file("xl/worksheets/sheet1.xml", options))
        .expect("zip parts");
    let zeros = vec![b' '; 1 << 20];
    for _ in 0..101 {
        writer.write_all(&zeros).expect("zip write");
    }
    writer.finish().expect("zip finish").into_inner()
}

#[test]
fn a_workbook_that_decompresses_to_gigabytes_is_refused_before_reading() {
    let bomb = zip_bomb();
    assert!(bomb.len() < 1 << 20, "the bomb is small: {}", bomb.len());
    let failed = convert(&bomb, &Options::default()).unwrap_err();
    assert!(
        matches!(&failed.errors[0].problem, Problem::WorkbookTooLarge { what } if what.contains("MB")),
        "{:?}",
        failed.errors
    );
    assert!(
        failed.errors[0]
            .message(xlsform::Lang::Uk)
            .contains("Книга")
    );
}
