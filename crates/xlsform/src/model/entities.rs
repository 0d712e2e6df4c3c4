//! The entities sheet: one entity list the form creates or updates, and where in
//! the form its `meta/entity` block goes.
//!
//! An entity whose questions sit in a repeat is declared once per repeat
//! instance (entities-version 2025.1.0): its block goes into the container of
//! the questions that save to it, as pyxform 4.x places it.

use super::{Node, NodeKind};
use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::names::is_xml_name;
use crate::table::Table;
use crate::xpath::refs::occurrences;

#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub dataset: String,
    pub label: Option<String>,
    pub entity_id: Option<String>,
    pub create_if: Option<String>,
    pub update_if: Option<String>,
    /// The `repeat` column: `${name}` of the repeat the entity is declared over.
    pub repeat: Option<String>,
    pub row: u32,
    /// The node whose `meta` block holds the entity: the root, or a container
    /// inside a repeat. Set once the survey tree is built.
    pub container: usize,
}

impl Entity {
    pub fn creates(&self) -> bool {
        self.entity_id.is_none() || self.create_if.is_some()
    }

    pub fn updates(&self) -> bool {
        self.entity_id.is_some()
    }

    /// Whether the entity is declared in a repeat (entities-version 2025.1.0).
    pub fn in_repeat(&self) -> bool {
        self.container != 0
    }
}

const COLUMNS: &[&str] = &[
    "dataset",
    "entity_id",
    "create_if",
    "update_if",
    "repeat",
    "label",
];

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
    for header in &table.headers {
        if !COLUMNS.contains(&header.key[0].as_str()) || header.key.len() > 1 {
            errors.push(Diagnostic::error(
                Problem::UnknownEntitiesColumn {
                    column: header.original.clone(),
                },
                Some(Location::cell(&table.sheet, 1, &header.original)),
            ));
            return None;
        }
    }
    let get = |k: &str| record.get(table, &[k]).map(str::to_string);
    let Some(dataset) = get("dataset") else {
        errors.push(Diagnostic::error(
            Problem::EntitiesListNameMissing,
            loc(Some("list_name")),
        ));
        return None;
    };
    // Collect keeps entity lists by name: `__` starts its system properties and
    // a `.` would be read as a path.
    if dataset.starts_with("__") || dataset.contains('.') || !is_xml_name(&dataset) {
        errors.push(Diagnostic::error(
            Problem::EntityListNameInvalid { name: dataset },
            loc(Some("list_name")),
        ));
        return None;
    }
    let entity = Entity {
        dataset,
        label: get("label"),
        entity_id: get("entity_id"),
        create_if: get("create_if"),
        update_if: get("update_if"),
        repeat: get("repeat"),
        row: record.row,
        container: 0,
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

/// A question that ties the entity to a place in the form.
struct Reference {
    /// The container the question sits in.
    container: usize,
    save_to: bool,
    node: usize,
}

/// The repeat a container belongs to (itself if it is one), or the root.
fn scope(nodes: &[Node], container: usize) -> usize {
    let mut current = Some(container);
    while let Some(i) = current {
        if nodes[i].kind == NodeKind::Repeat {
            return i;
        }
        current = nodes[i].parent;
    }
    0
}

/// The containers from the root down to `container`.
fn lineage(nodes: &[Node], container: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut current = Some(container);
    while let Some(i) = current {
        out.push(i);
        current = nodes[i].parent;
    }
    out.reverse();
    out
}

fn repeat_depth(nodes: &[Node], container: usize) -> usize {
    lineage(nodes, container)
        .iter()
        .filter(|&&i| nodes[i].kind == NodeKind::Repeat)
        .count()
}

/// Chooses the container of the entity's `meta` block from the questions that
/// save to it and the questions its expressions read: the deepest repeat among
/// them, and within it the container shared by the `save_to` questions.
pub fn place(nodes: &[Node], entity: &Entity, sheet_row: u32) -> Result<usize, Diagnostic> {
    let mut refs: Vec<Reference> = Vec::new();
    for (i, n) in nodes.iter().enumerate() {
        if n.kind == NodeKind::Question
            && n.row > 0
            && n.bind.iter().any(|(k, _)| k == "entities:saveto")
        {
            refs.push(Reference {
                container: n.parent.unwrap_or(0),
                save_to: true,
                node: i,
            });
        }
    }
    let expressions = [
        &entity.label,
        &entity.entity_id,
        &entity.create_if,
        &entity.update_if,
    ];
    for text in expressions.into_iter().flatten() {
        for occ in occurrences(text).into_iter().filter(|o| !o.last_saved) {
            let found = nodes
                .iter()
                .position(|n| n.row > 0 && n.kind == NodeKind::Question && n.name == occ.name);
            if let Some(i) = found {
                refs.push(Reference {
                    container: nodes[i].parent.unwrap_or(0),
                    save_to: false,
                    node: i,
                });
            }
        }
    }
    let entities_loc = |column: &str| Some(Location::cell("entities", sheet_row, column));
    if let Some(repeat) = &entity.repeat {
        let name = repeat
            .trim()
            .strip_prefix("${")
            .and_then(|r| r.strip_suffix('}'))
            .unwrap_or("");
        let Some(r) = nodes
            .iter()
            .position(|n| n.kind == NodeKind::Repeat && n.name == name)
        else {
            return Err(Diagnostic::error(
                Problem::EntityRepeatUnknown {
                    value: repeat.clone(),
                },
                entities_loc("repeat"),
            ));
        };
        // The declared repeat counts as a place the entity is tied to.
        refs.push(Reference {
            container: r,
            save_to: false,
            node: r,
        });
    }
    let Some(deepest) =
        refs.iter()
            .map(|r| scope(nodes, r.container))
            .fold(None, |best: Option<usize>, s| match best {
                Some(b) if repeat_depth(nodes, b) >= repeat_depth(nodes, s) => Some(b),
                _ => Some(s),
            })
    else {
        return Ok(0);
    };
    let deepest_lineage = lineage(nodes, deepest);
    // Every question the entity reads must be in its repeat or around it, and
    // every question saving to it in its repeat exactly.
    for r in &refs {
        let s = scope(nodes, r.container);
        let outside = !deepest_lineage.contains(&s);
        if outside || (r.save_to && s != deepest) {
            let n = &nodes[r.node];
            let problem = Problem::EntityAcrossRepeats {
                name: n.name.clone(),
                repeat: nodes[deepest].name.clone(),
            };
            let loc = if r.save_to {
                Some(Location::cell("survey", n.row, "save_to"))
            } else {
                entities_loc("label")
            };
            return Err(Diagnostic::error(problem, loc));
        }
    }
    if deepest == 0 {
        return Ok(0);
    }
    let save_tos: Vec<usize> = refs
        .iter()
        .filter(|r| r.save_to)
        .map(|r| r.container)
        .collect();
    if let Some((&first, rest)) = save_tos.split_first() {
        // The deepest container the `save_to` questions share.
        let mut common = lineage(nodes, first);
        for &c in rest {
            let other = lineage(nodes, c);
            let shared = common
                .iter()
                .zip(&other)
                .take_while(|(a, b)| a == b)
                .count();
            common.truncate(shared);
        }
        let shared = common.last().copied().unwrap_or(deepest);
        return Ok(if lineage(nodes, shared).contains(&deepest) {
            shared
        } else {
            deepest
        });
    }
    // No `save_to`: the deepest container read inside the entity's repeat.
    let depth_below = |c: usize| {
        let l = lineage(nodes, c);
        l.len() - l.iter().position(|&x| x == deepest).unwrap_or(l.len())
    };
    Ok(refs
        .iter()
        .filter(|r| scope(nodes, r.container) == deepest)
        .map(|r| r.container)
        .fold(deepest, |best, c| {
            if depth_below(c) > depth_below(best) {
                c
            } else {
                best
            }
        }))
}
