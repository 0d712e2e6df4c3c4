//! The itext block: every translated or media text, per language, in pyxform's order
//! (choices first, then questions in form order, then media), with `-` filling any
//! text a language lacks.

use std::collections::HashMap;

use crate::diagnostics::{Diagnostic, Location};

use super::writer::{Child, El};
use super::{Ctx, hint_needs_itext, label_needs_itext, message_needs_itext};
use crate::model::{BindValue, NodeKind, Text};

/// One form of a text: `long`, `guidance`, `image`, `big-image`, `audio`, `video`.
#[derive(Debug, Clone)]
pub struct Form {
    pub kind: String,
    pub value: String,
    /// The node whose `${}` references resolve relative to it.
    pub context: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    pub forms: Vec<Form>,
}

#[derive(Debug, Clone)]
pub struct Translation {
    pub lang: String,
    pub entries: Vec<Entry>,
}

struct Collector {
    translations: Vec<Translation>,
    /// Per translation, the index of each text id in its entries.
    index: Vec<HashMap<String, usize>>,
}

impl Collector {
    fn add(&mut self, lang: &str, id: &str, kind: &str, value: &str, context: Option<usize>) {
        let ti = match self.translations.iter().position(|t| t.lang == lang) {
            Some(i) => i,
            None => {
                self.translations.push(Translation {
                    lang: lang.to_string(),
                    entries: Vec::new(),
                });
                self.index.push(HashMap::new());
                self.translations.len() - 1
            }
        };
        let t = &mut self.translations[ti];
        let ei = *self.index[ti].entry(id.to_string()).or_insert_with(|| {
            t.entries.push(Entry {
                id: id.to_string(),
                forms: Vec::new(),
            });
            t.entries.len() - 1
        });
        let entry = &mut t.entries[ei];
        let form = Form {
            kind: kind.to_string(),
            value: value.to_string(),
            context,
        };
        match entry.forms.iter_mut().find(|f| f.kind == kind) {
            Some(f) => *f = form,
            None => entry.forms.push(form),
        }
    }

    fn add_text(
        &mut self,
        text: &Text,
        default: &str,
        id: &str,
        kind: &str,
        context: Option<usize>,
    ) {
        for (lang, value) in text.by_language(default) {
            self.add(&lang, id, kind, &value, context);
        }
    }
}

/// Gathers all itext entries of the form.
pub fn collect(ctx: &mut Ctx) -> Vec<Translation> {
    let form = ctx.form;
    let default = ctx.default_language.clone();
    let mut c = Collector {
        translations: Vec::new(),
        index: Vec::new(),
    };
    check_choice_references(ctx);
    for list in &form.choices {
        if !list.requires_itext() {
            continue;
        }
        for (i, choice) in list.choices.iter().enumerate() {
            let id = format!("{}-{i}", list.name);
            c.add_text(&choice.label, &default, &id, "long", None);
            for (kind, text) in &choice.media {
                c.add_text(text, &default, &id, kind, None);
            }
        }
    }
    let elements: Vec<usize> = form
        .descendants(0)
        .into_iter()
        .filter(|&i| form.nodes[i].kind != NodeKind::Meta)
        .collect();
    for &i in &elements {
        let node = &form.nodes[i];
        let path = form.path(i);
        for msg in ["jr:constraintMsg", "jr:requiredMsg", "jr:noAppErrorString"] {
            if let Some((_, BindValue::Message(text))) = node.bind.iter().find(|(k, _)| k == msg) {
                let itext = if msg == "jr:noAppErrorString" {
                    text.is_translated()
                } else {
                    message_needs_itext(text)
                };
                if itext {
                    c.add_text(text, &default, &format!("{path}:{msg}"), "long", Some(i));
                }
            }
        }
        if label_needs_itext(node) {
            c.add_text(
                &node.label,
                &default,
                &format!("{path}:label"),
                "long",
                Some(i),
            );
        }
        if hint_needs_itext(node) {
            c.add_text(
                &node.hint,
                &default,
                &format!("{path}:hint"),
                "long",
                Some(i),
            );
        }
        if !node.guidance_hint.is_empty() {
            c.add_text(
                &node.guidance_hint,
                &default,
                &format!("{path}:hint"),
                "guidance",
                Some(i),
            );
        }
    }
    for &i in &elements {
        let node = &form.nodes[i];
        let id = format!("{}:label", form.path(i));
        for (kind, text) in &node.media {
            c.add_text(text, &default, &id, kind, None);
        }
    }
    fill_missing(&mut c.translations);
    c.translations
}

/// `${name}` in a choice label must name a question: report it at the choice's row.
fn check_choice_references(ctx: &mut Ctx) {
    let form = ctx.form;
    for list in &form.choices {
        for choice in &list.choices {
            for (_, label) in &choice.label.entries {
                for occ in crate::xpath::refs::occurrences(label) {
                    if let Err(problem) = ctx.resolver.lookup(&occ.name) {
                        let location = Location::cell("choices", choice.row, "label");
                        ctx.errors.push(Diagnostic::error(problem, Some(location)));
                    }
                }
            }
        }
    }
}

/// Every language gets every text and form; missing ones read `-`.
fn fill_missing(translations: &mut [Translation]) {
    if translations.len() < 2 {
        return;
    }
    let mut all: Vec<(String, Vec<String>)> = Vec::new();
    let mut slots: HashMap<String, usize> = HashMap::new();
    for t in translations.iter() {
        for e in &t.entries {
            let slot = *slots.entry(e.id.clone()).or_insert_with(|| {
                all.push((e.id.clone(), Vec::new()));
                all.len() - 1
            });
            for f in &e.forms {
                if !all[slot].1.contains(&f.kind) {
                    all[slot].1.push(f.kind.clone());
                }
            }
        }
    }
    for t in translations.iter_mut() {
        let mut own: HashMap<String, usize> = t
            .entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        for (id, kinds) in &all {
            let index = *own.entry(id.clone()).or_insert_with(|| {
                t.entries.push(Entry {
                    id: id.clone(),
                    forms: Vec::new(),
                });
                t.entries.len() - 1
            });
            let entry = &mut t.entries[index];
            for kind in kinds {
                if !entry.forms.iter().any(|f| f.kind == *kind) {
                    entry.forms.push(Form {
                        kind: kind.clone(),
                        value: "-".into(),
                        context: None,
                    });
                }
            }
        }
    }
}

/// The `<itext>` element.
pub fn element(ctx: &mut Ctx, translations: &[Translation]) -> El {
    let mut itext = El::new("itext");
    for t in translations {
        let mut tr = El::new("translation").attr("lang", t.lang.clone());
        if t.lang == ctx.default_language {
            tr.set("default", "true()");
        }
        for e in &t.entries {
            let mut text = El::new("text").attr("id", e.id.clone());
            for f in &e.forms {
                if let Some(v) = value(ctx, f) {
                    text.push(v);
                }
            }
            tr.push(text);
        }
        itext.push(tr);
    }
    itext
}

fn value(ctx: &mut Ctx, f: &Form) -> Option<El> {
    let mut el = El::new("value");
    match f.kind.as_str() {
        "long" => {}
        "guidance" => el.set("form", "guidance"),
        media => {
            if f.value == "-" {
                return None;
            }
            ctx.attach(&f.value);
            let scheme = match media {
                "image" | "big-image" => "images",
                other => other,
            };
            el.set("form", media);
            el.children
                .push(Child::Text(format!("jr://{scheme}/{}", f.value)));
            return Some(el);
        }
    }
    if f.value == "-" {
        el.children.push(Child::Text("-".into()));
    } else {
        el.children = ctx.with_outputs(f.context, &f.value);
    }
    Some(el)
}
