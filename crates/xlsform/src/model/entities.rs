//! The entities sheet: one entity list the form creates or updates.

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::table::Table;

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub dataset: String,
    pub label: Option<String>,
    pub entity_id: Option<String>,
    pub create_if: Option<String>,
    pub update_if: Option<String>,
    pub row: u32,
}

impl Entity {
    pub fn creates(&self) -> bool {
        self.entity_id.is_none() || self.create_if.is_some()
    }

    pub fn updates(&self) -> bool {
        self.entity_id.is_some()
    }
}

pub fn read(table: &Table, errors: &mut Vec<Diagnostic>) -> Option<Entity> {
    let rows: Vec<_> = table.records.iter().filter(|r| !r.is_empty()).collect();
    let record = rows.first()?;
    let loc = |col: Option<&str>| {
        Some(match col {
            Some(c) => Location::cell(&table.sheet, record.row, c),
            None => Location::row(&table.sheet, record.row),
        })
    };
    if rows.len() > 1 {
        errors.push(Diagnostic::error(Problem::EntitiesMultipleRows, loc(None)));
    }
    let get = |k: &str| record.get(table, &[k]).map(str::to_string);
    if get("repeat").is_some() {
        errors.push(Diagnostic::error(
            Problem::EntitiesInRepeatUnsupported,
            loc(Some("repeat")),
        ));
        return None;
    }
    let Some(dataset) = get("dataset") else {
        errors.push(Diagnostic::error(
            Problem::EntitiesListNameMissing,
            loc(Some("list_name")),
        ));
        return None;
    };
    let entity = Entity {
        dataset,
        label: get("label"),
        entity_id: get("entity_id"),
        create_if: get("create_if"),
        update_if: get("update_if"),
        row: record.row,
    };
    if entity.update_if.is_some() && entity.entity_id.is_none() {
        errors.push(Diagnostic::error(
            Problem::EntityCreateUpdateConflict,
            loc(Some("update_if")),
        ));
    }
    if entity.entity_id.is_none() && entity.label.is_none() {
        errors.push(Diagnostic::error(
            Problem::EntityLabelMissing,
            loc(Some("label")),
        ));
    }
    Some(entity)
}
