//! Repeats inside groups and repeats: KEY and PARENT_KEY as Central writes them, index
//! counting, and the tolerant reading of submissions.

mod common;

use common::{read_csv, row, unzip};
use odk_data::export::{CsvZipExport, ExportLayout, ExportOptions, MemorySpools};
use odk_data::{FieldKind, FormSchema, Submission, SubmissionError, UnknownReason};

/// Repeats g1 > g2 > g3 as in Central's own test, plus a repeat `child` inside a group
/// `children`, written by hand (relative refs, no templates for g2).
const NESTED: &str = r#"<?xml version="1.0"?>
<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms">
  <h:head><h:title>Nested</h:title>
    <model>
      <instance>
        <data id="nested">
          <name/>
          <g1 jr:template=""><a/><g2><b/><g3 jr:template=""><c/></g3></g2></g1>
          <children><child jr:template=""><cname/><home><street/></home></child></children>
          <orx:meta><orx:instanceID/></orx:meta>
        </data>
      </instance>
      <bind nodeset="/data/name" type="string"/>
      <bind nodeset="/data/g1/a" type="int"/>
      <bind nodeset="/data/g1/g2/b" type="string"/>
      <bind nodeset="/data/g1/g2/g3/c" type="string"/>
      <bind nodeset="/data/children/child/cname" type="string"/>
      <bind nodeset="/data/children/child/home/street" type="string"/>
      <bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/data/name"><label>Name</label></input>
    <group ref="/data/g1"><label>G1</label>
      <repeat nodeset="/data/g1">
        <input ref="a"><label>A</label></input>
        <group ref="/data/g1/g2"><repeat nodeset="/data/g1/g2"><input ref="/data/g1/g2/b"/>
          <group ref="/data/g1/g2/g3"><repeat nodeset="/data/g1/g2/g3"><input ref="c"/></repeat></group>
        </repeat></group>
      </repeat>
    </group>
    <group ref="/data/children"><repeat nodeset="/data/children/child"><input ref="cname"/></repeat></group>
  </h:body>
</h:html>"#;

const SUBMISSION: &str = r#"<data id="nested" xmlns:orx="http://openrosa.org/xforms">
  <name>Alice, "the first"</name>
  <g1><a>1</a><g2><b>x</b><g3><c>c1</c></g3></g2></g1>
  <g1><a>2</a><g2><b>y</b></g2><g2><b>z</b><g3><c>c2</c></g3><g3><c>c3</c></g3></g2></g1>
  <children><child><cname>Kid 1</cname><home><street>Main</street></home></child></children>
  <children><child><cname>Kid 2</cname></child></children>
  <surprise>extra</surprise>
  <orx:meta><orx:instanceID>uuid:X</orx:instanceID></orx:meta>
</data>"#;

#[test]
fn the_schema_knows_nested_repeats_even_without_templates() {
    let schema = FormSchema::from_xform(NESTED).unwrap();
    let kinds: Vec<(&str, FieldKind)> = schema
        .walk()
        .map(|(id, _)| (schema.field(id).path.as_str(), schema.field(id).kind))
        .collect();
    assert!(kinds.contains(&("/data/g1", FieldKind::Repeat)));
    assert!(kinds.contains(&("/data/g1/g2", FieldKind::Repeat)));
    assert!(kinds.contains(&("/data/g1/g2/g3", FieldKind::Repeat)));
    assert!(kinds.contains(&("/data/children", FieldKind::Group)));
    assert!(kinds.contains(&("/data/children/child", FieldKind::Repeat)));
    assert_eq!(schema.tables.len(), 5);
    let meta = schema.instance_id_field().unwrap();
    assert_eq!(schema.field(meta).path, "/data/meta/instanceID");
    assert_eq!(
        schema.label(schema.by_path("/data/g1/a").unwrap(), None),
        "A"
    );
}

#[test]
fn keys_name_every_group_and_repeat_with_indexes_that_restart_per_parent() {
    let schema = FormSchema::from_xform(NESTED).unwrap();
    let submission = Submission::parse(&schema, SUBMISSION).unwrap();
    assert_eq!(submission.instance_id(), Some("uuid:X"));
    assert_eq!(submission.unknown.len(), 1);
    assert_eq!(submission.unknown[0].path, "/data/surprise");
    assert_eq!(submission.unknown[0].reason, UnknownReason::NotInForm);

    let layout = ExportLayout::new(&schema, "nested", &ExportOptions::default());
    let mut export = CsvZipExport::new(Vec::new(), layout, &mut MemorySpools).unwrap();
    export.push(&row(&submission, "uuid:X", 0)).unwrap();
    let files = unzip(&export.finish().unwrap());
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "nested.csv",
            "nested-g1.csv",
            "nested-g2.csv",
            "nested-g3.csv",
            "nested-child.csv"
        ]
    );
    let table = |i: usize| read_csv(std::str::from_utf8(&files[i].1).unwrap());

    let main = table(0);
    assert_eq!(main[0][..3], ["SubmissionDate", "name", "meta-instanceID"]);
    assert_eq!(main[1][1], "Alice, \"the first\"");

    assert_eq!(
        table(1),
        [
            vec!["a", "PARENT_KEY", "KEY"],
            vec!["1", "uuid:X", "uuid:X/g1[1]"],
            vec!["2", "uuid:X", "uuid:X/g1[2]"],
        ]
    );
    assert_eq!(
        table(2),
        [
            vec!["b", "PARENT_KEY", "KEY"],
            vec!["x", "uuid:X/g1[1]", "uuid:X/g1[1]/g2[1]"],
            vec!["y", "uuid:X/g1[2]", "uuid:X/g1[2]/g2[1]"],
            vec!["z", "uuid:X/g1[2]", "uuid:X/g1[2]/g2[2]"],
        ]
    );
    assert_eq!(
        table(3),
        [
            vec!["c", "PARENT_KEY", "KEY"],
            vec!["c1", "uuid:X/g1[1]/g2[1]", "uuid:X/g1[1]/g2[1]/g3[1]"],
            vec!["c2", "uuid:X/g1[2]/g2[2]", "uuid:X/g1[2]/g2[2]/g3[1]"],
            vec!["c3", "uuid:X/g1[2]/g2[2]", "uuid:X/g1[2]/g2[2]/g3[2]"],
        ]
    );
    // Two <children> wrappers each holding one <child>: the count goes on (child[2]), the
    // group is named in the key, the inner group in the column.
    assert_eq!(
        table(4),
        [
            vec!["cname", "home-street", "PARENT_KEY", "KEY"],
            vec!["Kid 1", "Main", "uuid:X", "uuid:X/children/child[1]"],
            vec!["Kid 2", "", "uuid:X", "uuid:X/children/child[2]"],
        ]
    );
}

#[test]
fn without_group_paths_columns_are_bare_names() {
    let schema = FormSchema::from_xform(NESTED).unwrap();
    let options = ExportOptions {
        group_paths: false,
        ..ExportOptions::default()
    };
    let layout = ExportLayout::new(&schema, "nested", &options);
    assert_eq!(layout.header(0)[2], "instanceID");
    assert_eq!(layout.header(4)[..2], ["cname", "street"]);
}

#[test]
fn a_submission_of_another_form_or_with_a_dtd_is_refused() {
    let schema = FormSchema::from_xform(NESTED).unwrap();
    assert_eq!(
        Submission::parse(&schema, "<other/>").unwrap_err(),
        SubmissionError::RootMismatch {
            expected: "data".into(),
            found: "other".into()
        }
    );
    let xxe =
        r#"<!DOCTYPE data [<!ENTITY x SYSTEM "file:///etc/passwd">]><data><name>&x;</name></data>"#;
    assert!(matches!(
        Submission::parse(&schema, xxe).unwrap_err(),
        SubmissionError::Xml(odk_data::XmlError::Dtd)
    ));
}

#[test]
fn missing_fields_are_blank_and_repeated_or_nested_ones_are_flagged() {
    let schema = FormSchema::from_xform(NESTED).unwrap();
    let xml = "<data><name>A</name><name>B</name><g1><a>1<i>x</i></a></g1></data>";
    let submission = Submission::parse(&schema, xml).unwrap();
    assert_eq!(submission.value_at(&schema, "/data/name"), Some("A"));
    assert_eq!(submission.instance_id(), None);
    let reasons: Vec<(&str, UnknownReason)> = submission
        .unknown
        .iter()
        .map(|u| (u.path.as_str(), u.reason))
        .collect();
    assert_eq!(
        reasons,
        [
            ("/data/name", UnknownReason::Repeated),
            ("/data/g1[1]/a", UnknownReason::Nested)
        ]
    );
    let values = submission.values(&schema);
    let paths: Vec<&str> = values.iter().map(|(p, _, _)| p.as_str()).collect();
    assert_eq!(paths, ["/data/name", "/data/g1[1]/a"]);
}
