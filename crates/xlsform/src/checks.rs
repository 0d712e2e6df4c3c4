//! Checks over the whole form that no single row shows: dependency cycles between
//! calculations, and settings that contradict each other.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Location, Problem};
use crate::model::{Form, SelectSource};
use crate::xpath::refs::occurrences;

pub fn run(form: &Form) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    if form.settings.public_key.is_some() && form.settings.omit_instance_id {
        errors.push(Diagnostic::error(
            Problem::EncryptionNeedsInstanceId,
            Some(Location::sheet("settings")),
        ));
    }
    triggers(form, &mut errors);
    reference_geometries(form, &mut errors);
    save_to(form, &mut errors);
    search_lists(form, &mut errors);
    if let Some(cycle) = calculation_cycle(form) {
        let first = cycle[0];
        let node = &form.nodes[first];
        let column = node
            .column("calculate")
            .unwrap_or("calculation")
            .to_string();
        let names = cycle.iter().map(|&i| form.nodes[i].name.clone()).collect();
        errors.push(Diagnostic::error(
            Problem::DependencyCycle { names },
            (node.row > 0).then(|| Location::cell("survey", node.row, &column)),
        ));
    }
    errors
}

/// A trigger must name a question that people see: a hidden one never changes.
fn triggers(form: &Form, errors: &mut Vec<Diagnostic>) {
    let resolver = crate::xpath::refs::Resolver::new(form);
    for i in form.descendants(0) {
        let node = &form.nodes[i];
        let column = node.column("trigger").unwrap_or("trigger");
        for name in &node.trigger {
            let location = Some(Location::cell("survey", node.row, column));
            match resolver.lookup(name) {
                Err(problem) => errors.push(Diagnostic::error(problem, location)),
                Ok(t) => {
                    let target = &form.nodes[t];
                    // pyxform's rule: calculations, and questions computed
                    // without a label or hint. Metadata cannot change either, but
                    // pyxform accepts it as a trigger, so Kolo does too.
                    let hidden = target.type_name() == "calculate"
                        || ((target.bind_expr("calculate").is_some()
                            || !target.trigger.is_empty())
                            && target.label.is_empty()
                            && target.hint.is_empty());
                    if hidden {
                        let problem = Problem::TriggerNotVisible {
                            trigger: name.clone(),
                            target: node.name.clone(),
                        };
                        errors.push(Diagnostic::error(problem, location));
                    }
                }
            }
        }
    }
}

/// `save_to` needs an entities sheet and a property
/// name that is a valid XML name, not reserved, and used once.
fn save_to(form: &Form, errors: &mut Vec<Diagnostic>) {
    let mut used: Vec<&str> = Vec::new();
    for i in form.descendants(0) {
        let node = &form.nodes[i];
        let Some(property) = node.bind_expr("entities:saveto") else {
            continue;
        };
        let column = node.column("entities:saveto").unwrap_or("save_to");
        let location = Some(Location::cell("survey", node.row, column));
        let problem = if form.entity.is_none() {
            Some(Problem::SaveToWithoutEntities {
                name: node.name.clone(),
            })
        } else if !crate::names::is_xml_name(property)
            || property.contains(':')
            || matches!(property.to_lowercase().as_str(), "name" | "label")
            || property.starts_with("__")
        {
            Some(Problem::SaveToInvalid {
                property: property.to_string(),
            })
        } else if used.contains(&property) {
            Some(Problem::SaveToDuplicate {
                property: property.to_string(),
            })
        } else {
            used.push(property);
            None
        };
        if let Some(problem) = problem {
            errors.push(Diagnostic::error(problem, location));
        }
    }
}

/// `reference-geometry` names a choice list, a select_*_from_file instance, the
/// entity list, or `${repeat}`.
fn reference_geometries(form: &Form, errors: &mut Vec<Diagnostic>) {
    let nodes = form.descendants(0);
    for &i in &nodes {
        let node = &form.nodes[i];
        if !matches!(node.type_name(), "geopoint" | "geotrace" | "geoshape") {
            continue;
        }
        let known = match &node.select {
            Some(SelectSource::List(name)) => {
                form.choice_list(name).is_some()
                    || form.entity.as_ref().is_some_and(|e| &e.dataset == name)
                    || nodes.iter().any(|&j| {
                        matches!(&form.nodes[j].select,
                            Some(SelectSource::File { instance, .. }) if instance == name)
                    })
            }
            Some(SelectSource::RepeatGeometry(name)) => nodes.iter().any(|&j| {
                form.nodes[j].kind == crate::model::NodeKind::Repeat && &form.nodes[j].name == name
            }),
            _ => true,
        };
        if !known {
            errors.push(Diagnostic::error(
                Problem::ReferenceGeometryUnknown {
                    value: node
                        .parameter("reference-geometry")
                        .unwrap_or("")
                        .to_string(),
                },
                Some(Location::cell("survey", node.row, "parameters")),
            ));
        }
    }
}

/// A list shown through search() must not serve selects without it (Collect then
/// has no items for them), and search() cannot read a select_*_from_file.
fn search_lists(form: &Form, errors: &mut Vec<Diagnostic>) {
    let searching = |n: &crate::model::Node| {
        n.control_attr("appearance")
            .is_some_and(|a| a.contains("search("))
    };
    for i in form.descendants(0) {
        let node = &form.nodes[i];
        if !searching(node) {
            continue;
        }
        let column = node.column("appearance").unwrap_or("appearance");
        let location = Some(Location::cell("survey", node.row, column));
        match &node.select {
            Some(SelectSource::File { .. }) => errors.push(Diagnostic::error(
                Problem::SearchWithSelectFromFile {
                    name: node.name.clone(),
                },
                location,
            )),
            Some(SelectSource::List(list)) => {
                let others: Vec<String> = form
                    .descendants(0)
                    .into_iter()
                    .map(|j| &form.nodes[j])
                    .filter(|o| !searching(o))
                    .filter(|o| matches!(&o.select, Some(SelectSource::List(l)) if l == list))
                    .map(|o| o.name.clone())
                    .collect();
                if !others.is_empty() {
                    errors.push(Diagnostic::error(
                        Problem::SearchListShared {
                            list: list.clone(),
                            others,
                        },
                        location,
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The first cycle among calculations referring to each other by `${name}`, as the
/// list of nodes around it (the first repeated at the end).
fn calculation_cycle(form: &Form) -> Option<Vec<usize>> {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for i in form.descendants(0) {
        by_name.entry(form.nodes[i].name.as_str()).or_insert(i);
    }
    let edges: HashMap<usize, Vec<usize>> = form
        .descendants(0)
        .into_iter()
        .filter_map(|i| {
            let node = &form.nodes[i];
            // JavaRosa orders calculations and relevance together, so a circle
            // through either stops the form from loading.
            let mut exprs = vec![node.bind_expr("calculate")];
            if !node.is_container() {
                exprs.push(node.bind_expr("relevant"));
            }
            let targets: Vec<usize> = exprs
                .into_iter()
                .flatten()
                .flat_map(occurrences)
                .filter(|o| !o.last_saved)
                .filter_map(|o| by_name.get(o.name.as_str()).copied())
                .collect();
            (!targets.is_empty()).then_some((i, targets))
        })
        .collect();
    // Iterative depth-first search with colours: 1 on the stack, 2 done.
    let mut colour: HashMap<usize, u8> = HashMap::new();
    let mut starts: Vec<usize> = edges.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        if colour.contains_key(&start) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        colour.insert(start, 1);
        while let Some((node, next)) = stack.pop() {
            let targets = edges.get(&node).map(Vec::as_slice).unwrap_or(&[]);
            if next < targets.len() {
                stack.push((node, next + 1));
                let t = targets[next];
                match colour.get(&t) {
                    Some(1) => {
                        let pos = stack.iter().position(|(n, _)| *n == t).unwrap_or(0);
                        let mut cycle: Vec<usize> = stack[pos..].iter().map(|(n, _)| *n).collect();
                        cycle.push(t);
                        return Some(cycle);
                    }
                    Some(_) => {}
                    None => {
                        colour.insert(t, 1);
                        stack.push((t, 0));
                    }
                }
            } else {
                colour.insert(node, 2);
            }
        }
    }
    None
}
