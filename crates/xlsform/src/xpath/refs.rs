//! `${name}` references: finding the question a name means, and rewriting the
//! reference to the path pyxform would write, absolute (` /data/age `) or, between
//! questions in the same repeat, relative (` ../age `).

use std::collections::HashMap;

use crate::diagnostics::Problem;
use crate::model::{Form, NodeKind};
use crate::names::closest;

/// A `${...}` occurrence in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    pub start: usize,
    pub end: usize,
    pub name: String,
    pub last_saved: bool,
}

/// Finds the well-formed references in a text, in order.
pub fn occurrences(text: &str) -> Vec<Occurrence> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("${") {
        let start = from + i;
        let Some(close) = text[start..].find('}') else {
            break;
        };
        let end = start + close + 1;
        let inner = &text[start + 2..end - 1];
        let (name, last_saved) = match inner.strip_prefix("last-saved#") {
            Some(n) => (n, true),
            None => (inner, false),
        };
        if crate::names::is_xml_name(name) && !name.contains(':') {
            out.push(Occurrence {
                start,
                end,
                name: name.to_string(),
                last_saved,
            });
        }
        from = end;
    }
    out
}

/// Resolves names to nodes for one form.
pub struct Resolver<'a> {
    form: &'a Form,
    /// `None` when a name is used more than once.
    by_name: HashMap<&'a str, Option<usize>>,
}

impl<'a> Resolver<'a> {
    pub fn new(form: &'a Form) -> Self {
        let mut by_name: HashMap<&str, Option<usize>> = HashMap::new();
        for i in form.descendants(0) {
            let name = form.nodes[i].name.as_str();
            by_name
                .entry(name)
                .and_modify(|e| *e = None)
                .or_insert(Some(i));
        }
        Resolver { form, by_name }
    }

    /// The node a name refers to.
    pub fn lookup(&self, name: &str) -> Result<usize, Problem> {
        match self.by_name.get(name) {
            Some(Some(i)) => Ok(*i),
            Some(None) => Err(Problem::AmbiguousReference {
                name: name.to_string(),
            }),
            None => {
                let names: Vec<&str> = self.by_name.keys().copied().collect();
                Err(Problem::UnknownReference {
                    name: name.to_string(),
                    suggestion: closest(name, &names).map(str::to_string),
                })
            }
        }
    }

    /// Rewrites every reference in `text` to a path, seen from the node `context`.
    /// `use_current` prefixes relative paths with `current()/` (choice filters).
    pub fn expand(
        &self,
        text: &str,
        context: Option<usize>,
        use_current: bool,
    ) -> Result<String, Problem> {
        self.rewrite(text, context, use_current, false, 0)
    }

    /// Like `expand`, for an attribute or child of `context` that is not a node
    /// of the form (the entity's `@id` or `label`): relative paths go up one more.
    pub fn expand_below(&self, text: &str, context: usize) -> Result<String, Problem> {
        self.rewrite(text, Some(context), false, false, 1)
    }

    /// Like `expand`, for `select_one ${question}` itemsets and their filters: a
    /// reference between questions of one repeat goes up to the repeat's parent, so
    /// that the nodeset names the repeat (pyxform's `reference_parent`).
    pub fn expand_itemset(
        &self,
        text: &str,
        context: usize,
        use_current: bool,
    ) -> Result<String, Problem> {
        self.rewrite(text, Some(context), use_current, true, 0)
    }

    fn rewrite(
        &self,
        text: &str,
        context: Option<usize>,
        use_current: bool,
        reference_parent: bool,
        extra_ups: usize,
    ) -> Result<String, Problem> {
        let found = occurrences(text);
        if found.is_empty() {
            return Ok(text.to_string());
        }
        let brackets = bracket_spans(text);
        let has_instance = text.contains("instance(");
        let indexed = indexed_repeat_spans(text);
        let mut out = String::with_capacity(text.len() + 16 * found.len());
        let mut last = 0;
        for occ in &found {
            let target = self.lookup(&occ.name)?;
            out.push_str(&text[last..occ.start]);
            let in_predicate = has_instance
                && brackets
                    .iter()
                    .any(|(s, e)| occ.start >= *s && occ.end <= *e);
            let relative_allowed = !occ.last_saved
                && context.is_some()
                && relative_in_indexed_repeat(text, &indexed, occ);
            let relative = match context {
                Some(ctx) if relative_allowed => self
                    .relative_path(ctx, target, use_current || in_predicate, reference_parent)
                    .map(|p| up_more(&p, extra_ups)),
                _ => None,
            };
            let path = match relative {
                Some(p) => p,
                None if occ.last_saved => {
                    format!(" instance('__last-saved'){} ", self.form.path(target))
                }
                None => format!(" {} ", self.form.path(target)),
            };
            out.push_str(&path);
            last = occ.end;
        }
        out.push_str(&text[last..]);
        Ok(out)
    }

    /// The relative path from `source` to `target` when both sit in one repeat.
    /// (`up_more` adds steps for a context below `source`.)
    fn relative_path(
        &self,
        source: usize,
        target: usize,
        use_current: bool,
        reference_parent: bool,
    ) -> Option<String> {
        let repeat = |i: usize| self.form.nodes[i].kind == NodeKind::Repeat;
        let container = |i: usize| {
            matches!(
                self.form.nodes[i].kind,
                NodeKind::Repeat | NodeKind::Group | NodeKind::Meta
            )
        };
        let (repeat_steps, lcar) = self.lowest_common_ancestor(source, target, &repeat)?;
        let nearest_repeat = |i: usize| self.form.ancestors(i).into_iter().find(|&a| repeat(a));
        let lcar_in_repeat = self.form.ancestors(lcar).into_iter().any(repeat);
        let (steps, lca) = match self.form.nodes[lcar].parent {
            Some(parent)
                if reference_parent
                    && nearest_repeat(target) == Some(lcar)
                    && (!lcar_in_repeat || nearest_repeat(source) != Some(lcar)) =>
            {
                (repeat_steps + 1, parent)
            }
            _ => self.lowest_common_ancestor(source, target, &container)?,
        };
        let mut below = Vec::new();
        let mut current = Some(target);
        while let Some(i) = current {
            if i == lca {
                break;
            }
            below.push(self.form.nodes[i].name.as_str());
            current = self.form.nodes[i].parent;
        }
        below.reverse();
        let ups = vec![".."; steps].join("/");
        let prefix = if use_current { " current()/" } else { " " };
        Some(format!("{prefix}{ups}/{} ", below.join("/")))
    }

    /// pyxform's walk up both ancestor chains in turn; returns the steps from
    /// `source` to the first shared ancestor that passes `filter`, and that ancestor.
    fn lowest_common_ancestor(
        &self,
        source: usize,
        target: usize,
        filter: &dyn Fn(usize) -> bool,
    ) -> Option<(usize, usize)> {
        let mut seen_source: HashMap<usize, usize> = HashMap::new();
        let mut seen_target: HashMap<usize, usize> = HashMap::new();
        let mut a = self.form.nodes[source].parent;
        let mut b = self.form.nodes[target].parent;
        let (mut da, mut db) = (1, 1);
        while a.is_some() || b.is_some() {
            if let Some(x) = a {
                seen_source.insert(x, da);
                if filter(x) && seen_target.contains_key(&x) {
                    return Some((da, x));
                }
                da += 1;
                a = self.form.nodes[x].parent;
            }
            if let Some(y) = b {
                seen_target.insert(y, db);
                if filter(y) && seen_source.contains_key(&y) {
                    return seen_source.get(&y).map(|d| (*d, y));
                }
                db += 1;
                b = self.form.nodes[y].parent;
            }
        }
        None
    }
}

/// `[...]` spans without nested `]`, as pyxform's bracket pattern finds them.
fn bracket_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find('[') {
        let s = from + i;
        match text[s + 1..].find(']') {
            Some(j) if j > 0 => {
                out.push((s, s + 1 + j + 1));
                from = s + 1 + j + 1;
            }
            _ => from = s + 1,
        }
    }
    out
}

/// `indexed-repeat(...)` spans up to the first `)`, as pyxform finds them.
fn indexed_repeat_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("indexed-repeat(") {
        let s = from + i;
        match text[s..].find(')') {
            Some(j) => {
                out.push((s, s + j + 1));
                from = s + j + 1;
            }
            None => break,
        }
    }
    out
}

/// Inside indexed-repeat(), the repeat and the path arguments (0, 1, 3, 5) are
/// absolute; other arguments and references outside the call may be relative.
fn relative_in_indexed_repeat(text: &str, spans: &[(usize, usize)], occ: &Occurrence) -> bool {
    let Some((s, e)) = spans.iter().find(|(s, e)| occ.start >= *s && occ.end <= *e) else {
        return true;
    };
    let inner = &text[s + "indexed-repeat(".len()..e - 1];
    let offset = occ.start - (s + "indexed-repeat(".len());
    let index = inner[..offset.min(inner.len())].matches(',').count();
    ![0, 1, 3, 5].contains(&index)
}

/// A relative path with `extra` more `../` steps: ` ../a ` becomes ` ../../a `.
fn up_more(path: &str, extra: usize) -> String {
    if extra == 0 {
        return path.to_string();
    }
    match path.find("..") {
        Some(i) => format!("{}{}{}", &path[..i], "../".repeat(extra), &path[i..]),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_references_are_found_and_broken_ones_skipped() {
        let o = occurrences("${a} ${ bad } ${last-saved#b} ${c");
        let names: Vec<&str> = o.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, vec!["a", "b"]);
        assert!(o[1].last_saved);
    }

    #[test]
    fn indexed_repeat_path_arguments_stay_absolute() {
        let text = "indexed-repeat(${x}, ${rep}, ${i})";
        let spans = indexed_repeat_spans(text);
        let occ = occurrences(text);
        assert!(!relative_in_indexed_repeat(text, &spans, &occ[0]));
        assert!(!relative_in_indexed_repeat(text, &spans, &occ[1]));
        assert!(relative_in_indexed_repeat(text, &spans, &occ[2]));
    }
}
