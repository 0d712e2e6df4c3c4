//! The options a select-multiple is split into when they come from the data, as Central
//! does: every distinct value seen, sorted. Collected in a first pass over the submissions;
//! memory grows with the number of distinct values, never with the number of submissions,
//! and each field keeps at most [`MAX_OPTIONS_PER_FIELD`].

use std::collections::{BTreeMap, BTreeSet};

use crate::schema::{FieldId, FieldKind, FormSchema};
use crate::submission::{Record, Submission};

/// Beyond this many distinct values a field is not split further (a device sending free
/// text into a select-multiple must not make the header unbounded); the raw column keeps
/// every value.
pub const MAX_OPTIONS_PER_FIELD: usize = 500;

/// Distinct values per select-multiple field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservedValues {
    by_field: BTreeMap<FieldId, BTreeSet<String>>,
    /// Fields that had more distinct values than the limit.
    pub capped: BTreeSet<FieldId>,
}

impl ObservedValues {
    pub fn values(&self, field: FieldId) -> Option<&BTreeSet<String>> {
        self.by_field.get(&field)
    }
}

/// Feeds on submissions one at a time; see [`ObservedValues`].
pub struct SelectValueCollector {
    /// (table, slot, field) of every select-multiple.
    selects: Vec<(usize, usize, FieldId)>,
    observed: ObservedValues,
}

impl SelectValueCollector {
    pub fn new(schema: &FormSchema) -> Self {
        let selects = schema
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.kind == FieldKind::Value && f.is_select_multiple())
            .map(|(id, f)| (f.table, f.slot, id))
            .collect();
        SelectValueCollector {
            selects,
            observed: ObservedValues::default(),
        }
    }

    pub fn observe(&mut self, submission: &Submission) {
        if !self.selects.is_empty() {
            self.record(&submission.root);
        }
    }

    fn record(&mut self, record: &Record) {
        for &(table, slot, field) in &self.selects {
            if table != record.table {
                continue;
            }
            let Some(Some(value)) = record.values.get(slot) else {
                continue;
            };
            let set = self.observed.by_field.entry(field).or_default();
            for option in value.split_whitespace() {
                if set.contains(option) {
                    continue;
                }
                if set.len() >= MAX_OPTIONS_PER_FIELD {
                    self.observed.capped.insert(field);
                    break;
                }
                set.insert(option.to_string());
            }
        }
        for instances in &record.repeats {
            for instance in instances {
                self.record(instance);
            }
        }
    }

    pub fn finish(self) -> ObservedValues {
        self.observed
    }
}
