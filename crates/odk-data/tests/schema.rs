//! Reading XForms written by hand rather than by a compiler: plain labels, inline items,
//! itemsets over files, label outputs, languages, encryption, and what is refused.

use odk_data::{ChoiceSource, Control, DataType, FieldKind, FormSchema, SchemaError, XmlError};

const HAND_WRITTEN: &str = r#"<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa" xmlns:odk="http://www.opendatakit.org/xforms">
  <h:head><h:title>Hand written</h:title>
    <model>
      <itext>
        <translation lang="Ukrainian">
          <text id="greet"><value>Привіт, <output value=" /survey/name "/>!</value><value form="image">hi.png</value></text>
        </translation>
        <translation lang="English" default="true()">
          <text id="greet"><value>Hello, <output value=" /survey/name "/>!</value></text>
        </translation>
      </itext>
      <instance>
        <survey id="hand" version="3">
          <name/><greeting/><colour/><site/><rank_me/><untyped/><where/>
        </survey>
      </instance>
      <instance id="sites" src="jr://file-csv/sites.csv"/>
      <bind nodeset="/survey/name" type="xsd:string"/>
      <bind nodeset="/survey/greeting" type="string" readonly="true()"/>
      <bind nodeset="/survey/colour" type="select"/>
      <bind nodeset="/survey/site" type="string"/>
      <bind nodeset="/survey/rank_me" type="odk:rank"/>
      <bind nodeset="/survey/where" type="geotrace"/>
      <submission base64RsaPublicKey="MIIB" method="post"/>
    </model>
  </h:head>
  <h:body>
    <input ref="/survey/name"><label>Your name</label><hint>As you like to be called</hint></input>
    <input ref="/survey/greeting"><label ref="jr:itext('greet')"/></input>
    <select ref="/survey/colour"><label>Colours</label>
      <item><label>Red</label><value>r</value></item>
      <item><label>Blue</label><value>b</value></item>
    </select>
    <select1 ref="/survey/site"><label>Site</label>
      <itemset nodeset="instance('sites')/root/item"><value ref="name"/><label ref="label"/></itemset>
    </select1>
    <odk:rank ref="/survey/rank_me"><label>Rank</label>
      <item><label>One</label><value>1</value></item>
    </odk:rank>
  </h:body>
</h:html>"#;

#[test]
fn plain_labels_inline_items_and_file_itemsets() {
    let schema = FormSchema::from_xform(HAND_WRITTEN).unwrap();
    assert_eq!(schema.title.as_deref(), Some("Hand written"));
    assert_eq!(schema.version.as_deref(), Some("3"));
    assert!(schema.encrypted);
    assert_eq!(schema.languages, ["Ukrainian", "English"]);
    assert_eq!(schema.default_language.as_deref(), Some("English"));
    assert_eq!(schema.language_for("uk"), Some("Ukrainian"));
    assert_eq!(schema.language_for("de"), None);

    let id = |p: &str| schema.by_path(p).unwrap();
    let name = schema.field(id("/survey/name"));
    assert_eq!(name.data_type, DataType::String);
    assert_eq!(name.hint.plain.as_deref(), Some("As you like to be called"));
    assert_eq!(
        schema.label(id("/survey/name"), Some("Ukrainian")),
        "Your name"
    );
    assert_eq!(
        schema.label(id("/survey/greeting"), Some("Ukrainian")),
        "Привіт, ${name}!"
    );
    assert_eq!(
        schema.label(id("/survey/greeting"), None),
        "Hello, ${name}!"
    );

    let colour = schema.field(id("/survey/colour"));
    assert!(colour.is_select_multiple());
    assert_eq!(colour.data_type, DataType::Other("select".into()));
    assert_eq!(colour.choice_label("b", None, None), Some("Blue"));
    let site = schema.field(id("/survey/site"));
    assert_eq!(site.control, Some(Control::SelectOne));
    assert_eq!(
        site.choice_source,
        ChoiceSource::External {
            instance: "sites".into()
        }
    );
    let rank = schema.field(id("/survey/rank_me"));
    assert_eq!(rank.control, Some(Control::Rank));
    assert_eq!(rank.data_type, DataType::Rank);
    assert_eq!(rank.choices.len(), 1);
    assert_eq!(
        schema.field(id("/survey/untyped")).data_type,
        DataType::Unknown
    );
    assert_eq!(
        schema.field(id("/survey/where")).data_type,
        DataType::Geotrace
    );
    assert!(schema.instance_id_field().is_none());
    let depths: Vec<usize> = schema.walk().map(|(_, d)| d).collect();
    assert_eq!(depths, [0, 1, 1, 1, 1, 1, 1, 1]);
    assert_eq!(schema.root().kind, FieldKind::Root);
}

#[test]
fn what_is_not_an_xform_is_refused_with_the_reason() {
    assert_eq!(
        FormSchema::from_xform("<h:html xmlns:h='x'/>").unwrap_err(),
        SchemaError::Missing("h:head")
    );
    assert_eq!(
        FormSchema::from_xform("<html><head><model/></head></html>").unwrap_err(),
        SchemaError::Missing("instance")
    );
    assert_eq!(
        FormSchema::from_xform("<html><head><model><instance/></model></head></html>").unwrap_err(),
        SchemaError::EmptyInstance
    );
    assert_eq!(
        FormSchema::from_xform("<!DOCTYPE html><html/>").unwrap_err(),
        SchemaError::Xml(XmlError::Dtd)
    );
    assert!(matches!(
        FormSchema::from_xform("<html><head>").unwrap_err(),
        SchemaError::Xml(XmlError::Malformed { line: 1, .. })
    ));
}

/// A small XForm whose instance is `fields` (raw XML) with an int bind on `/d/age` if present.
fn versioned(version: &str, fields: &str) -> String {
    format!(
        r#"<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml">
  <h:head><h:title>V</h:title><model>
    <instance><d id="v" version="{version}">{fields}<meta><instanceID/></meta></d></instance>
    <bind nodeset="/d/age" type="int"/><bind nodeset="/d/g/old_in_group" type="int"/>
  </model></h:head><h:body/></h:html>"#
    )
}

#[test]
fn older_versions_add_their_removed_fields_after_the_current_ones() {
    let v1 = FormSchema::from_xform(&versioned(
        "1",
        "<age/><gone/><g><kept/><old_in_group/></g>",
    ))
    .unwrap();
    let v2 = FormSchema::from_xform(&versioned(
        "2",
        "<age/><g><kept/></g><added/><was_group><x/></was_group>",
    ))
    .unwrap();
    let v3 = FormSchema::from_xform(&versioned("3", "<g><kept/></g><added/><was_group/><age/>"))
        .unwrap();
    let merged = v3.with_fields_of([&v2, &v1]);
    let paths: Vec<&str> = merged
        .walk()
        .skip(1)
        .map(|(id, _)| merged.field(id).path.as_str())
        .collect();
    assert_eq!(
        paths,
        [
            "/d/g",
            "/d/g/kept",
            "/d/g/old_in_group",
            "/d/added",
            "/d/was_group",
            "/d/age",
            "/d/meta",
            "/d/meta/instanceID",
            "/d/gone",
        ]
    );
    // Fields stay in document order, and the tables follow the new tree.
    let ids: Vec<usize> = merged.walk().map(|(id, _)| id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "{ids:?}");
    let main: Vec<&str> = merged.tables[0]
        .values
        .iter()
        .map(|id| merged.field(*id).name.as_str())
        .collect();
    assert_eq!(
        main,
        [
            "kept",
            "old_in_group",
            "added",
            "was_group",
            "age",
            "instanceID",
            "gone"
        ]
    );
    assert_eq!(
        merged
            .field(merged.by_path("/d/g/old_in_group").unwrap())
            .data_type,
        DataType::Int
    );
    // The current version alone is unchanged.
    assert!(v3.by_path("/d/gone").is_none());
}
