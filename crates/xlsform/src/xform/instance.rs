//! The primary instance (the data tree), the secondary instances (choice lists,
//! files, pulldata, last-saved) and the itemsets CSV of external choices.

use super::Ctx;
use super::writer::El;
use crate::model::{BindValue, Form, NodeKind, SelectSource};
use crate::xpath;

/// The primary instance's root element.
pub fn primary(ctx: &mut Ctx) -> El {
    let form = ctx.form;
    let s = &form.settings;
    let mut root = El::new(&form.nodes[0].name);
    for (k, v) in &s.attributes {
        root.set(k, v.clone());
    }
    root.set("id", s.id_string.clone().unwrap_or_default());
    if let Some(x) = &s.instance_xmlns {
        root.set("xmlns", x.clone());
    }
    if let Some(v) = &s.version {
        root.set("version", v.clone());
    }
    if let Some(p) = &s.prefix {
        root.set("odk:prefix", p.clone());
    }
    if let Some(d) = &s.delimiter {
        root.set("odk:delimiter", d.clone());
    }
    for &c in &form.nodes[0].children {
        for el in node(ctx, c, false) {
            root.push(el);
        }
    }
    root
}

/// A node's instance elements. A repeat gives its template and one first copy;
/// inside a first copy (`in_copy`) nested repeats get no template, as in pyxform.
fn node(ctx: &mut Ctx, index: usize, in_copy: bool) -> Vec<El> {
    let form = ctx.form;
    let n = &form.nodes[index];
    if n.kind == NodeKind::Repeat && !in_copy {
        let mut out = vec![template(ctx, index)];
        out.extend(element(ctx, index, true));
        return out;
    }
    element(ctx, index, in_copy).into_iter().collect()
}

/// A repeat's `jr:template` node: its direct child repeats appear as templates
/// only, repeats deeper inside groups as template and copy.
fn template(ctx: &mut Ctx, index: usize) -> El {
    let form = ctx.form;
    let mut el = El::new(&form.nodes[index].name).attr("jr:template", "");
    for &c in &form.nodes[index].children {
        if form.nodes[c].kind == NodeKind::Repeat {
            el.push(template(ctx, c));
        } else {
            for child in node(ctx, c, false) {
                el.push(child);
            }
        }
    }
    el
}

fn element(ctx: &mut Ctx, index: usize, in_copy: bool) -> Option<El> {
    let form = ctx.form;
    let n = &form.nodes[index];
    if n.name == "entity" && n.kind == NodeKind::Question && n.row == 0 {
        return Some(entity(form));
    }
    if matches!(n.type_name(), "xml-external" | "csv-external") {
        return None;
    }
    let mut el = El::new(&n.name);
    if n.kind == NodeKind::Question
        && let Some(d) = &n.default
        && !xpath::is_dynamic_default(d, n.type_name())
    {
        el = el.text(d.clone());
    }
    for (k, v) in &n.instance_attrs {
        let value = ctx.expr_plain(index, k, v);
        el.set(k, value);
    }
    for &c in &n.children {
        for child in node(ctx, c, in_copy) {
            el.push(child);
        }
    }
    Some(el)
}

fn entity(form: &Form) -> El {
    let Some(e) = &form.entity else {
        return El::new("entity");
    };
    let mut el = El::new("entity").attr("dataset", e.dataset.clone());
    if e.creates() {
        el.set("create", "1");
    }
    if e.updates() {
        el.set("update", "1");
        el.set("baseVersion", "");
        el.set("trunkVersion", "");
        el.set("branchId", "");
    }
    el.set("id", "");
    if e.label.is_some() {
        el.push(El::new("label"));
    }
    el
}

struct Instance {
    id: String,
    src: Option<String>,
    el: El,
    node: usize,
}

/// Secondary instances in pyxform's order, without duplicates.
pub fn secondary(ctx: &mut Ctx) -> Vec<El> {
    let form = ctx.form;
    let mut found: Vec<Instance> = Vec::new();
    let mut last_saved = false;
    for i in form.descendants(0) {
        let n = &form.nodes[i];
        let exprs = n
            .bind
            .iter()
            .filter_map(|(_, v)| match v {
                BindValue::Expr(e) => Some(e.as_str()),
                BindValue::Message(_) => None,
            })
            .chain(n.default.as_deref());
        for e in exprs {
            {
                for file in pulldata_files(e) {
                    let src = format!("jr://file-csv/{file}.csv");
                    ctx.attach(&format!("{file}.csv"));
                    found.push(external(&file, &src, i));
                }
            }
        }
        if let Some(SelectSource::File { file, instance }) = &n.select {
            let src = if file.ends_with(".csv") {
                format!("jr://file-csv/{file}")
            } else {
                format!("jr://file/{file}")
            };
            ctx.attach(file);
            found.push(external(instance, &src, i));
        }
        match n.type_name() {
            "xml-external" => {
                ctx.attach(&format!("{}.xml", n.name));
                found.push(external(&n.name, &format!("jr://file/{}.xml", n.name), i));
            }
            "csv-external" => {
                ctx.attach(&format!("{}.csv", n.name));
                found.push(external(
                    &n.name,
                    &format!("jr://file-csv/{}.csv", n.name),
                    i,
                ));
            }
            _ => {}
        }
        last_saved |= n
            .bind
            .iter()
            .any(|(_, v)| matches!(v, BindValue::Expr(e) if e.contains("${last-saved#")))
            || n.default
                .as_deref()
                .is_some_and(|d| d.contains("${last-saved#"));
    }
    if last_saved {
        found.push(external("__last-saved", "jr://instance/last-saved", 0));
    }
    let searched: Vec<&str> = form
        .descendants(0)
        .into_iter()
        .filter(|&i| super::body::uses_search(&form.nodes[i]))
        .filter_map(|i| match &form.nodes[i].select {
            Some(SelectSource::List(l)) => Some(l.as_str()),
            _ => None,
        })
        .collect();
    for list in &form.choices {
        if searched.contains(&list.name.as_str()) {
            continue;
        }
        let mut root = El::new("root");
        let itext = list.requires_itext();
        for (i, c) in list.choices.iter().enumerate() {
            let mut item = El::new("item");
            if itext {
                item.push(El::new("itextId").text(format!("{}-{i}", list.name)));
            }
            item.push(El::new("name").text(c.name.clone()));
            if !itext && let Some(label) = c.label.plain() {
                item.push(El::new("label").text(label.to_string()));
            }
            for (k, v) in &c.extra {
                item.push(El::new(k).text(v.clone()));
            }
            root.push(item);
        }
        found.push(Instance {
            id: list.name.clone(),
            src: None,
            el: El::new("instance")
                .attr("id", list.name.clone())
                .child(root),
            node: 0,
        });
    }
    let mut out: Vec<El> = Vec::new();
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    for inst in found {
        match seen.iter().find(|(id, _)| *id == inst.id) {
            Some((_, src)) if *src != inst.src => {
                ctx.fail(
                    inst.node,
                    "type",
                    crate::diagnostics::Problem::ConflictingInstance {
                        name: inst.id.clone(),
                    },
                );
            }
            Some(_) => {}
            None => {
                seen.push((inst.id.clone(), inst.src.clone()));
                out.push(inst.el);
            }
        }
    }
    out
}

fn external(id: &str, src: &str, node: usize) -> Instance {
    Instance {
        id: id.to_string(),
        src: Some(src.to_string()),
        el: El::new("instance").attr("id", id).attr("src", src),
        node,
    }
}

/// The first arguments of `pulldata('file', ...)` calls.
fn pulldata_files(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = expr[from..].find("pulldata") {
        let start = from + i + "pulldata".len();
        let rest = expr[start..].trim_start();
        from = start;
        let Some(rest) = rest.strip_prefix('(') else {
            continue;
        };
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
            continue;
        };
        if let Some(end) = rest[1..].find(quote) {
            let name = rest[1..1 + end].trim().to_string();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pulldata_files_are_the_quoted_first_arguments() {
        assert_eq!(
            pulldata_files("pulldata('fruits', 'a', 'b', ${c}) + pulldata( \"veg\",1,2,3)"),
            vec!["fruits", "veg"]
        );
    }
}
