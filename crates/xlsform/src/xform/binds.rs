//! `<bind>` elements and model actions (dynamic defaults, setgeopoint, recordaudio),
//! in form order, then the meta and entity binds.

use super::writer::El;
use super::{Ctx, message_needs_itext};
use crate::model::{BindValue, Control, NodeKind};
use crate::xpath;

pub fn all(ctx: &mut Ctx) -> Vec<El> {
    let form = ctx.form;
    let mut out = Vec::new();
    for i in form.descendants(0) {
        let n = &form.nodes[i];
        if n.row == 0
            && n.kind == NodeKind::Question
            && n.parent
                .is_some_and(|p| form.nodes[p].kind == NodeKind::Meta)
        {
            out.extend(meta_bind(ctx, i));
            continue;
        }
        if n.kind == NodeKind::Meta {
            continue;
        }
        let path = form.path(i);
        // A question without bind attributes (a `trigger`) gets no bind, as
        // in pyxform.
        if n.bind.is_empty() || matches!(n.type_name(), "xml-external" | "csv-external") {
            continue;
        }
        let mut bind = El::new("bind").attr("nodeset", path.clone());
        for (k, v) in &n.bind {
            if k == "calculate" && !n.trigger.is_empty() {
                continue;
            }
            let value = match v {
                BindValue::Expr(e) => {
                    if is_expression(k) {
                        ctx.expr(i, k, e, false)
                    } else {
                        ctx.resolver
                            .expand(e, Some(i), false)
                            .unwrap_or_else(|_| e.clone())
                    }
                }
                BindValue::Message(t) => {
                    let itext = if k == "jr:noAppErrorString" {
                        t.is_translated()
                    } else {
                        message_needs_itext(t)
                    };
                    if itext {
                        format!("jr:itext('{path}:{k}')")
                    } else {
                        t.any().unwrap_or_default().to_string()
                    }
                }
            };
            bind.set(k, value);
        }
        out.push(bind);
        if let Some(d) = &n.default
            && xpath::is_dynamic_default(d, n.type_name())
        {
            let value = ctx.expr(i, "default", d, false);
            out.push(
                El::new("setvalue")
                    .attr("ref", path.clone())
                    .attr("event", "odk-instance-first-load")
                    .attr("value", value),
            );
        }
        if let Some(spec) = &n.spec
            && spec.control == Control::Action
        {
            match spec.name {
                "start-geopoint" => out.push(
                    El::new("odk:setgeopoint")
                        .attr("ref", path.clone())
                        .attr("event", "odk-instance-first-load"),
                ),
                "background-audio" => {
                    let mut a = El::new("odk:recordaudio")
                        .attr("ref", path.clone())
                        .attr("event", "odk-instance-load");
                    if let Some(q) = n.parameter("quality") {
                        a.set("odk:quality", q.to_string());
                    }
                    out.push(a);
                }
                _ => {}
            }
        }
    }
    out
}

/// Bind attributes that hold XPath expressions and so are parsed and checked.
fn is_expression(key: &str) -> bool {
    matches!(
        key,
        "relevant" | "constraint" | "calculate" | "required" | "readonly"
    )
}

fn meta_bind(ctx: &mut Ctx, i: usize) -> Vec<El> {
    let form = ctx.form;
    let n = &form.nodes[i];
    let path = form.path(i);
    match n.name.as_str() {
        "instanceID" => vec![
            El::new("bind")
                .attr("nodeset", path)
                .attr("type", "string")
                .attr("readonly", "true()")
                .attr("jr:preload", "uid"),
        ],
        "instanceName" => {
            let expr = form.settings.instance_name.clone().unwrap_or_default();
            let value = ctx.expr(i, "instance_name", &expr, false);
            vec![
                El::new("bind")
                    .attr("nodeset", path)
                    .attr("type", "string")
                    .attr("calculate", value),
            ]
        }
        "entity" => entity_binds(ctx, i),
        _ => Vec::new(),
    }
}

fn entity_binds(ctx: &mut Ctx, i: usize) -> Vec<El> {
    let form = ctx.form;
    let Some(e) = &form.entity else {
        return Vec::new();
    };
    let base = form.path(i);
    let calc = |nodeset: String, value: String| {
        El::new("bind")
            .attr("nodeset", nodeset)
            .attr("calculate", value)
            .attr("readonly", "true()")
            .attr("type", "string")
    };
    let mut out = Vec::new();
    if let Some(c) = &e.create_if {
        let v = ctx.expr_below(i, "create_if", c);
        out.push(calc(format!("{base}/@create"), v));
    }
    if let Some(u) = &e.update_if {
        let v = ctx.expr_below(i, "update_if", u);
        out.push(calc(format!("{base}/@update"), v));
    }
    match &e.entity_id {
        Some(id) => {
            ctx.check(i, "entity_id", id);
            for (attr, column) in [
                ("baseVersion", "__version"),
                ("trunkVersion", "__trunkVersion"),
                ("branchId", "__branchId"),
            ] {
                let text = format!("instance('{}')/root/item[name={id}]/{column}", e.dataset);
                let value = match ctx.resolver.expand_below(&text, i) {
                    Ok(v) => v,
                    Err(p) => {
                        ctx.fail(i, "entity_id", p);
                        text
                    }
                };
                out.push(calc(format!("{base}/@{attr}"), value));
            }
            let id_path = ctx.expr_below(i, "entity_id", id);
            out.push(
                El::new("bind")
                    .attr("nodeset", format!("{base}/@id"))
                    .attr("readonly", "true()")
                    .attr("type", "string")
                    .attr("calculate", id_path),
            );
        }
        None => {
            out.push(
                El::new("bind")
                    .attr("nodeset", format!("{base}/@id"))
                    .attr("readonly", "true()")
                    .attr("type", "string"),
            );
            out.push(
                El::new("setvalue")
                    .attr("ref", format!("{base}/@id"))
                    .attr("event", "odk-instance-first-load")
                    .attr("value", "uuid()"),
            );
        }
    }
    if let Some(label) = &e.label {
        let v = ctx.expr_below(i, "label", label);
        out.push(calc(format!("{base}/label"), v));
    }
    out
}
