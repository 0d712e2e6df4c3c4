//! The settings sheet.

use crate::table::{Record, Table};

/// Settings of the form; absent cells stay `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Settings {
    pub title: Option<String>,
    pub id_string: Option<String>,
    pub version: Option<String>,
    pub instance_name: Option<String>,
    pub default_language: Option<String>,
    pub public_key: Option<String>,
    pub submission_url: Option<String>,
    pub auto_send: Option<String>,
    pub auto_delete: Option<String>,
    pub client_editable: bool,
    pub style: Option<String>,
    /// The root element name (`data` by default).
    pub name: Option<String>,
    pub clean_text_values: bool,
    pub allow_choice_duplicates: bool,
    pub namespaces: Option<String>,
    pub omit_instance_id: bool,
    pub prefix: Option<String>,
    pub delimiter: Option<String>,
    pub instance_xmlns: Option<String>,
    /// `attribute::NAME` columns: extra attributes on the instance root.
    pub attributes: Vec<(String, String)>,
    pub entities_version: Option<String>,
}

const SETTINGS: &[&str] = &[
    "title",
    "id_string",
    "version",
    "instance_name",
    "default_language",
    "public_key",
    "submission_url",
    "auto_send",
    "auto_delete",
    "client_editable",
    "style",
    "name",
    "clean_text_values",
    "allow_choice_duplicates",
    "namespaces",
    "omit_instanceID",
    "prefix",
    "delimiter",
    "instance_xmlns",
    "attribute",
    "entities_version",
    "add_none_option",
    "sms_keyword",
    "flat",
];

pub fn is_setting(name: &str) -> bool {
    SETTINGS.contains(&name)
}

/// Reads yes/no the way pyxform does; anything else counts as `default`.
pub fn yes_no(value: Option<&str>, default: bool) -> bool {
    match value {
        Some("yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "true()") => true,
        Some("no" | "No" | "NO" | "false" | "False" | "FALSE" | "false()") => false,
        _ => default,
    }
}

impl Settings {
    pub fn read(table: Option<&Table>) -> Settings {
        let empty = Record {
            row: 2,
            cells: Vec::new(),
        };
        let (record, table) = match table {
            Some(t) => (t.records.first().unwrap_or(&empty), Some(t)),
            None => (&empty, None),
        };
        let get = |key: &str| -> Option<String> {
            table.and_then(|t| record.get(t, &[key]).map(str::to_string))
        };
        let attributes = table
            .map(|t| {
                record
                    .with_prefix(t, &["attribute"])
                    .filter_map(|(rest, v)| rest.first().map(|k| (k.clone(), v.to_string())))
                    .collect()
            })
            .unwrap_or_default();
        Settings {
            title: get("title"),
            id_string: get("id_string"),
            version: get("version"),
            instance_name: get("instance_name"),
            default_language: get("default_language"),
            public_key: get("public_key"),
            submission_url: get("submission_url"),
            auto_send: get("auto_send"),
            auto_delete: get("auto_delete"),
            client_editable: yes_no(get("client_editable").as_deref(), false),
            style: get("style"),
            name: get("name"),
            clean_text_values: yes_no(get("clean_text_values").as_deref(), true),
            allow_choice_duplicates: yes_no(get("allow_choice_duplicates").as_deref(), false),
            namespaces: get("namespaces"),
            omit_instance_id: yes_no(get("omit_instanceID").as_deref(), false),
            prefix: get("prefix"),
            delimiter: get("delimiter"),
            instance_xmlns: get("instance_xmlns"),
            attributes,
            entities_version: get("entities_version"),
        }
    }
}
