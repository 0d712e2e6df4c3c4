//! The `<h:body>`: groups, repeats and question controls with labels, hints,
//! itemsets and the actions they trigger.

use super::writer::El;
use super::{Ctx, hint_needs_itext, label_needs_itext};
use crate::diagnostics::Problem;
use crate::model::{Control, NodeKind, SelectSource};
use crate::xpath;

pub fn element(ctx: &mut Ctx) -> El {
    let mut body = El::new("h:body");
    if let Some(style) = &ctx.form.settings.style {
        body.set("class", style.clone());
    }
    for &c in &ctx.form.nodes[0].children.clone() {
        if let Some(el) = control(ctx, c) {
            body.push(el);
        }
    }
    body
}

fn control(ctx: &mut Ctx, i: usize) -> Option<El> {
    let form = ctx.form;
    let n = &form.nodes[i];
    let path = form.path(i);
    match n.kind {
        NodeKind::Root | NodeKind::Meta => None,
        NodeKind::Group => {
            let mut g = El::new("group");
            for (k, v) in &n.control {
                let value = ctx.expr_plain(i, k, v);
                g.set(k, value);
            }
            g.set("ref", path);
            if !n.label.is_empty() || !n.media.is_empty() {
                g.push(label(ctx, i));
            }
            // pyxform writes no hint on a group; Collect would not show it.
            let before = g.children.len();
            for &c in &n.children {
                if let Some(el) = control(ctx, c) {
                    g.push(el);
                }
            }
            if g.children.len() == before {
                // ODK Validate refuses a group with no control ("Group has no
                // children").
                let problem = Problem::EmptyGroup {
                    name: n.name.clone(),
                };
                ctx.fail(i, "type", problem);
            }
            Some(g)
        }
        NodeKind::Repeat => {
            let mut repeat = El::new("repeat").attr("nodeset", path.clone());
            for (k, v) in &n.control {
                let value = if k == "jr:count" {
                    ctx.expr(i, "jr:count", v, false)
                } else {
                    ctx.expr_plain(i, k, v)
                };
                repeat.set(k, value);
            }
            for &c in &n.children {
                if let Some(el) = control(ctx, c) {
                    repeat.push(el);
                }
            }
            for d in form.descendants(i) {
                let dn = &form.nodes[d];
                if let Some(def) = &dn.default
                    && xpath::is_dynamic_default(def, dn.type_name())
                    && nearest_repeat(ctx, d) == Some(i)
                {
                    let value = ctx.expr(d, "default", def, false);
                    repeat.push(
                        El::new("setvalue")
                            .attr("ref", form.path(d))
                            .attr("event", "odk-new-repeat")
                            .attr("value", value),
                    );
                }
            }
            if let Some(e) = &form.entity
                && e.in_repeat()
                && e.entity_id.is_none()
                && nearest_repeat_or_self(ctx, e.container) == Some(i)
            {
                // A new entity in each repeat instance needs its own id.
                let id = format!("{}/meta/entity/@id", form.path(e.container));
                repeat.push(
                    El::new("setvalue")
                        .attr("ref", id)
                        .attr("event", "odk-new-repeat")
                        .attr("value", "uuid()"),
                );
            }
            let mut g = El::new("group").attr("ref", path);
            g.push(label(ctx, i));
            g.push(repeat);
            Some(g)
        }
        NodeKind::Question => question(ctx, i),
    }
}

fn nearest_repeat_or_self(ctx: &Ctx, i: usize) -> Option<usize> {
    if ctx.form.nodes[i].kind == NodeKind::Repeat {
        return Some(i);
    }
    nearest_repeat(ctx, i)
}

fn nearest_repeat(ctx: &Ctx, i: usize) -> Option<usize> {
    ctx.form
        .ancestors(i)
        .into_iter()
        .find(|&a| ctx.form.nodes[a].kind == NodeKind::Repeat)
}

fn question(ctx: &mut Ctx, i: usize) -> Option<El> {
    let form = ctx.form;
    let n = &form.nodes[i];
    let spec = n.spec.as_ref()?;
    let shown = !n.label.is_empty() || !n.hint.is_empty();
    if spec.name == "calculate"
        || ((n.bind_expr("calculate").is_some() || !n.trigger.is_empty()) && !shown)
    {
        return None;
    }
    let tag = spec.control.tag()?;
    let mut el = El::new(tag).attr("ref", form.path(i));
    if let Control::Upload(mediatype) = spec.control {
        el.set("mediatype", mediatype);
    }
    if let Some(SelectSource::External(list)) = &n.select {
        let query = match &n.choice_filter {
            Some(f) => {
                let pred = ctx.expr(i, "choice_filter", f, true);
                format!("instance('{list}')/root/item[{pred}]")
            }
            None => format!("instance('{list}')/root/item"),
        };
        el.set("query", query);
    }
    for (k, v) in &n.control {
        let value = ctx.expr_plain(i, k, v);
        el.set(k, value);
    }
    let has_label = !n.label.is_empty() || !n.media.is_empty();
    let has_hint = !n.hint.is_empty() || !n.guidance_hint.is_empty();
    if !has_label && !has_hint {
        ctx.fail(
            i,
            "label",
            Problem::NoLabelOrHint {
                name: n.name.clone(),
            },
        );
    }
    if n.label.is_empty() && n.media.is_empty() && n.hint.is_empty() && !n.guidance_hint.is_empty()
    {
        ctx.fail(
            i,
            "label",
            Problem::NoLabelOrHint {
                name: n.name.clone(),
            },
        );
    }
    if n.media.iter().any(|(k, _)| k == "big-image") && !n.media.iter().any(|(k, _)| k == "image") {
        ctx.fail(
            i,
            "big-image",
            Problem::BigImageWithoutImage {
                name: n.name.clone(),
            },
        );
    }
    if has_label || has_hint {
        el.push(label(ctx, i));
    }
    if has_hint {
        el.push(hint(ctx, i));
    }
    if let Some(SelectSource::Osm(list)) = &n.select {
        for tag in osm_tags(ctx, list) {
            el.push(tag);
        }
    } else if uses_search(n) {
        for item in search_items(ctx, i) {
            el.push(item);
        }
    } else if let Some(itemset) = itemset(ctx, i) {
        el.push(itemset);
    }
    let triggered = ctx.triggered_by.get(&n.name).cloned().unwrap_or_default();
    for t in triggered {
        let target = &form.nodes[t];
        let value = target
            .bind_expr("calculate")
            .map(str::to_string)
            .unwrap_or_default();
        let value = if value.is_empty() {
            value
        } else {
            ctx.expr(t, "calculate", &value, false)
        };
        if target.type_name() == "background-geopoint" {
            el.push(
                El::new("odk:setgeopoint")
                    .attr("ref", form.path(t))
                    .attr("event", "xforms-value-changed"),
            );
            continue;
        }
        let mut action = El::new("setvalue")
            .attr("ref", form.path(t))
            .attr("event", "xforms-value-changed");
        if !value.is_empty() {
            action.set("value", value);
        }
        el.push(action);
    }
    Some(el)
}

fn label(ctx: &mut Ctx, i: usize) -> El {
    let form = ctx.form;
    let n = &form.nodes[i];
    if label_needs_itext(n) {
        return El::new("label").attr("ref", format!("jr:itext('{}:label')", form.path(i)));
    }
    let mut el = El::new("label");
    if let Some(text) = n.label.plain() {
        el.children = ctx.with_outputs(Some(i), text);
    }
    el
}

fn hint(ctx: &mut Ctx, i: usize) -> El {
    let form = ctx.form;
    let n = &form.nodes[i];
    if hint_needs_itext(n) {
        return El::new("hint").attr("ref", format!("jr:itext('{}:hint')", form.path(i)));
    }
    let mut el = El::new("hint");
    if let Some(text) = n.hint.plain() {
        el.children = ctx.with_outputs(Some(i), text);
    }
    el
}

fn itemset(ctx: &mut Ctx, i: usize) -> Option<El> {
    let form = ctx.form;
    let n = &form.nodes[i];
    let (mut nodeset, mut value_ref, mut label_ref, mut filter) = match n.select.as_ref()? {
        SelectSource::List(list) => {
            let itext = form.choice_list(list).is_some_and(|l| l.requires_itext());
            let label = if itext { "jr:itext(itextId)" } else { "label" };
            (
                format!("instance('{list}')/root/item"),
                "name".to_string(),
                label.to_string(),
                None,
            )
        }
        SelectSource::File { file, instance } => {
            let (v, l) = if file.ends_with(".geojson") {
                ("id", "title")
            } else {
                ("name", "label")
            };
            (
                format!("instance('{instance}')/root/item"),
                v.to_string(),
                l.to_string(),
                None,
            )
        }
        SelectSource::External(_) | SelectSource::Osm(_) => return None,
        SelectSource::RepeatGeometry(name) => {
            let path = match ctx.resolver.lookup(name) {
                Ok(r) => form.path(r),
                Err(p) => {
                    ctx.fail(i, "parameters", p);
                    return None;
                }
            };
            // pyxform's form: the repeat's `geometry` child as value and label.
            (
                path,
                "geometry".to_string(),
                "geometry".to_string(),
                Some("./geometry != ''".to_string()),
            )
        }
        SelectSource::Reference(name) => {
            let reference = format!("${{{name}}}");
            let path = match ctx.resolver.expand_itemset(&reference, i, false) {
                Ok(p) => p.trim().to_string(),
                Err(p) => {
                    ctx.fail(i, "type", p);
                    return None;
                }
            };
            let (parent, last) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
            (
                parent.to_string(),
                last.to_string(),
                last.to_string(),
                Some(format!("./{last} != ''")),
            )
        }
    };
    if let Some(v) = n.parameter("value") {
        value_ref = v.to_string();
    }
    if let Some(l) = n.parameter("label") {
        label_ref = l.to_string();
    }
    if let Some(f) = &n.choice_filter {
        filter = Some(match &n.select {
            Some(SelectSource::Reference(_)) => {
                ctx.check(i, "choice_filter", f);
                let expanded = ctx
                    .resolver
                    .expand_itemset(f, i, true)
                    .unwrap_or_else(|_| f.clone());
                expanded
                    .replace(&format!("current()/{nodeset}"), ".")
                    .replace(&nodeset, ".")
            }
            _ => ctx.expr(i, "choice_filter", f, true),
        });
    }
    if let Some(f) = filter {
        nodeset = format!("{nodeset}[{f}]");
    }
    if n.parameter("randomize") == Some("true") {
        nodeset = match n.parameter("seed") {
            Some(seed) => {
                let seed = ctx.expr(i, "parameters", seed, false);
                format!("randomize({nodeset}, {})", seed.trim())
            }
            None => format!("randomize({nodeset})"),
        };
    }
    Some(
        El::new("itemset")
            .attr("nodeset", nodeset)
            .child(El::new("value").attr("ref", value_ref))
            .child(El::new("label").attr("ref", label_ref)),
    )
}

/// `<tag key="NAME"><label>..</label></tag>` for each tag of an osm list.
fn osm_tags(ctx: &mut Ctx, list: &str) -> Vec<El> {
    let Some(tags) = ctx.form.osm.iter().find(|l| l.name == list) else {
        return Vec::new();
    };
    tags.choices
        .iter()
        .map(|t| {
            let mut label = El::new("label");
            if let Some(text) = t.label.plain().or_else(|| t.label.any()) {
                label.children = ctx.with_outputs(None, text);
            }
            El::new("tag").attr("key", t.name.clone()).child(label)
        })
        .collect()
}

/// Whether a select uses the `search()` appearance, which needs in-line items.
pub(crate) fn uses_search(n: &crate::model::Node) -> bool {
    matches!(n.select, Some(SelectSource::List(_)))
        && n.control_attr("appearance")
            .is_some_and(|a| a.contains("search("))
}

/// In-line `<item>`s for a select with `search()`, which Collect requires.
fn search_items(ctx: &mut Ctx, i: usize) -> Vec<El> {
    let form = ctx.form;
    let Some(SelectSource::List(name)) = &form.nodes[i].select else {
        return Vec::new();
    };
    let Some(list) = form.choice_list(name) else {
        return Vec::new();
    };
    let itext = list.requires_itext();
    let mut out = Vec::new();
    for (index, c) in list.choices.iter().enumerate() {
        let label = if itext {
            El::new("label").attr("ref", format!("jr:itext('{name}-{index}')"))
        } else {
            let mut l = El::new("label");
            if let Some(text) = c.label.plain() {
                l.children = ctx.with_outputs(None, text);
            }
            l
        };
        out.push(
            El::new("item")
                .child(label)
                .child(El::new("value").text(c.name.clone())),
        );
    }
    out
}
