//! The values the submissions table sorts by.
//!
//! Answers live inside each submission's XML, which neither database can
//! order by. So when a submission is stored, the values the table shows as
//! columns (the fields outside repeats, and each repeat's number of
//! instances) are read from it and kept beside it, one row per non-empty
//! value, keyed by the field's path (`/data/visit/oblast`): the same column
//! in every form version that has the field. Numbers are kept as numbers too,
//! so 10 sorts after 9. The database then sorts and pages by them with an
//! index, like any other column.
//!
//! Submissions stored before these values existed, or whose form could not be
//! read at that moment, are marked as pending; they are read in batches two
//! minutes after the server starts ([`catch_up_all`]), and in any case just
//! before a table is sorted by a field ([`catch_up`]).

use kolo_core::clm::{FormId, FormVersionId, SortValue};
use odk_data::{FieldId, FormSchema, Submission};

use crate::app::AppState;
use crate::clm::schemas::schema_of;
use crate::web::AppError;

/// A column of the submissions table: a value of the main table, or a
/// repeat's count of instances.
pub enum Column {
    Value(FieldId),
    Repeat { slot: usize, field: FieldId },
}

impl Column {
    /// The field the column shows.
    pub fn field(&self) -> FieldId {
        match self {
            Column::Value(id) | Column::Repeat { field: id, .. } => *id,
        }
    }
}

/// The table's columns for a form version: its fields outside repeats
/// (metadata left out), then its top-level repeats.
pub fn columns(schema: &FormSchema) -> Vec<Column> {
    let main = &schema.tables[0];
    let mut out: Vec<Column> = main
        .values
        .iter()
        .filter(|id| !schema.field(**id).is_metadata)
        .map(|id| Column::Value(*id))
        .collect();
    for (slot, table) in main.child_tables.iter().enumerate() {
        out.push(Column::Repeat {
            slot,
            field: schema.tables[*table].field,
        });
    }
    out
}

/// The paths of the fields the table shows, which it can be sorted by.
pub fn column_paths(schema: &FormSchema) -> Vec<String> {
    columns(schema)
        .iter()
        .map(|c| schema.field(c.field()).path.clone())
        .collect()
}

/// The sort values of one submission read against the schema of the form
/// version it was made with. A submission that does not match it has none
/// (its cells are blank in the table too).
pub fn read(schema: &FormSchema, xml: &str) -> Vec<SortValue> {
    let Ok(parsed) = Submission::parse(schema, xml) else {
        return Vec::new();
    };
    let mut values = Vec::new();
    for column in columns(schema) {
        let field = schema.field(column.field());
        match column {
            Column::Value(id) => {
                let Some(text) = parsed.value(schema, id).filter(|t| !t.trim().is_empty()) else {
                    continue;
                };
                let number = field
                    .data_type
                    .is_numeric()
                    .then(|| text.trim().parse::<f64>().ok())
                    .flatten()
                    .filter(|n| n.is_finite());
                values.push(SortValue {
                    field: field.path.clone(),
                    number,
                    text: sort_prefix(text),
                });
            }
            Column::Repeat { slot, .. } => {
                let count = parsed.root.repeats.get(slot).map_or(0, Vec::len);
                values.push(SortValue {
                    field: field.path.clone(),
                    number: Some(count as f64),
                    text: count.to_string(),
                });
            }
        }
    }
    values
}

/// How much of a text answer is kept to sort by. Free-text answers can run to
/// kilobytes; kept whole, every one would also be copied into the sort index,
/// and each submission's write would grow with it. Answers that agree this far
/// are ordered by date, like any other tie.
const SORT_TEXT_CHARS: usize = 64;

fn sort_prefix(text: &str) -> String {
    text.chars().take(SORT_TEXT_CHARS).collect()
}

/// Submissions read per transaction while catching up.
const BATCH: u32 = 200;

/// Reads the sort values of a form's pending submissions, so that a sort by
/// a field orders every submission. Usually there are none.
pub async fn catch_up(app: &AppState, form: &FormId) -> Result<(), AppError> {
    loop {
        let mut pending = app.store.sort_values_pending(form, BATCH).await?;
        if pending.is_empty() {
            return Ok(());
        }
        let readable: Vec<_> = pending
            .iter()
            .filter(|p| !p.encrypted)
            .map(|p| p.version_id.clone())
            .collect();
        let mut xmls: std::collections::HashMap<_, _> = app
            .store
            .submission_xmls(&readable)
            .await?
            .into_iter()
            .collect();
        for item in &mut pending {
            item.values = match xmls.remove(&item.version_id) {
                Some(xml) => read(
                    &*schema_of(app, &item.form_version_id).await?,
                    &String::from_utf8_lossy(&xml),
                ),
                // Encrypted: nothing to sort by.
                None => Vec::new(),
            };
        }
        app.store.set_sort_values(&pending).await?;
        if pending.len() < BATCH as usize {
            return Ok(());
        }
    }
}

/// [`catch_up`] for every form of every project: once after start, so that
/// submissions stored before the sort values existed do not make the first
/// sorted page wait for them.
pub async fn catch_up_all(app: &AppState) -> Result<(), AppError> {
    for project in app.store.projects().await? {
        for form in app.store.forms(&project.id).await? {
            catch_up(app, &form.id).await?;
        }
    }
    Ok(())
}

/// The sort values of a new submission, or `None` (read later) when its form
/// version's schema cannot be had now.
pub async fn for_new(
    app: &AppState,
    form_version: &FormVersionId,
    encrypted: bool,
    xml: &str,
) -> Option<Vec<SortValue>> {
    if encrypted {
        return Some(Vec::new());
    }
    let schema = schema_of(app, form_version).await.ok()?;
    Some(read(&schema, xml))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORM: &str = r#"<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml" xmlns:jr="http://openrosa.org/javarosa">
  <h:head><h:title>T</h:title><model>
    <instance><data id="t" version="1"><waiting/><site/><g><note/></g><visit jr:template=""><place/></visit><meta><instanceID/></meta></data></instance>
    <bind nodeset="/data/waiting" type="int"/><bind nodeset="/data/site" type="string"/>
    <bind nodeset="/data/g/note" type="string"/><bind nodeset="/data/visit/place" type="string"/>
  </model></h:head>
  <h:body><group ref="/data/visit"><repeat nodeset="/data/visit"><input ref="/data/visit/place"/></repeat></group></h:body></h:html>"#;

    #[test]
    fn reads_the_columns_values_numbers_as_numbers_and_repeat_counts() {
        let schema = FormSchema::from_xform(FORM).unwrap();
        let xml = r#"<data id="t" version="1"><waiting> 10 </waiting><site></site><g><note>Queue</note></g><visit><place>A</place></visit><visit><place>B</place></visit><meta><instanceID>uuid:1</instanceID></meta></data>"#;
        let values = read(&schema, xml);
        let by_field = |path: &str| values.iter().find(|v| v.field == path).cloned();
        assert_eq!(by_field("/data/waiting").unwrap().number, Some(10.0));
        assert_eq!(by_field("/data/g/note").unwrap().text, "Queue");
        assert_eq!(by_field("/data/g/note").unwrap().number, None);
        // A long free-text answer is kept as its first characters only.
        let long = format!(
            r#"<data id="t" version="1"><g><note>{}</note></g></data>"#,
            "Черга ".repeat(100)
        );
        let kept = &read(&schema, &long)[0].text;
        assert_eq!(kept.chars().count(), SORT_TEXT_CHARS);
        assert!(kept.starts_with("Черга Черга"));
        // Blank answers and metadata are not kept; a repeat keeps its count.
        assert!(by_field("/data/site").is_none());
        assert!(by_field("/data/meta/instanceID").is_none());
        assert_eq!(by_field("/data/visit").unwrap().number, Some(2.0));
        // A value that is not a number sorts as text; a foreign document has none.
        let odd = r#"<data id="t"><waiting>soon</waiting></data>"#;
        assert_eq!(read(&schema, odd)[0].number, None);
        assert!(read(&schema, "<other/>").is_empty());
        assert_eq!(
            column_paths(&schema),
            ["/data/waiting", "/data/site", "/data/g/note", "/data/visit"]
        );
    }
}
