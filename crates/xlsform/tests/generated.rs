//! Property-based testing with generated XLSForms: random mixes of question types,
//! groups, repeats (nested), translations and expressions. Every generated form is
//! valid by construction, so the compiler must convert it, and the XForm must hold
//! together: an instance node, a bind and (for visible questions) a control for every
//! question, templates for repeats, and an itext entry in every language for every
//! translated label.
//!
//! With `KOLO_PYXFORM=/path/to/python` the same forms also go to pyxform through
//! `tests/pyxform/differential.py`, which compares the XForms and runs ODK Validate.
//! `KOLO_GENERATED_CASES` sets how many forms are generated (default 128).

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[test]
fn generated_forms_convert_to_consistent_xforms() {
    let cases = std::env::var("KOLO_GENERATED_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(128);
    let dump = std::env::var_os("KOLO_PYXFORM").map(|_| {
        let dir = std::env::temp_dir().join(format!("kolo-generated-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        dir
    });
    // A fixed seed keeps runs reproducible; failures shrink to a small form.
    let mut runner = TestRunner::new_with_rng(
        Config {
            cases,
            failure_persistence: None,
            ..Config::default()
        },
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let written = RefCell::new(0usize);
    let result = runner.run(&form(), |form| {
        let markdown = form.markdown();
        let xml = convert_and_check(&form, &markdown).map_err(TestCaseError::fail)?;
        if let Some(dir) = &dump {
            let mut count = written.borrow_mut();
            *count += 1;
            write_pair(
                &dir.join(format!("generated_{:04}", *count)),
                &markdown,
                &xml,
            );
        }
        Ok(())
    });
    if let Err(failure) = result {
        panic!("{failure}");
    }
    if let Some(dir) = dump {
        run_differential(&dir);
    }
}

// ---- the form model -------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq)]
enum QuestionType {
    Text,
    Integer,
    Decimal,
    Date,
    SelectOne,
    SelectMultiple,
    Note,
    Calculate,
    Geopoint,
    Acknowledge,
    Image,
    Range,
}

#[derive(Debug, Clone)]
enum Node {
    Question {
        kind: QuestionType,
        label: usize,
        required: bool,
        /// Relevant on an earlier integer question: `${that} > n`.
        relevant: Option<(usize, i32)>,
        constraint: Option<i32>,
        /// Bits choosing optional columns: hint, static default, choice filter, appearance.
        extras: u8,
    },
    Group {
        repeat: bool,
        label: usize,
        field_list: bool,
        children: Vec<Node>,
    },
}

#[derive(Debug, Clone)]
struct Form {
    nodes: Vec<Node>,
    translated: bool,
    lists: usize,
}

const WORDS: [&str; 8] = [
    "Age",
    "Як вас звати?",
    "Visits in 2024",
    "Sites & services",
    "Score < 5?",
    "Послуги",
    "Waiting time",
    "Coverage",
];

fn question() -> impl Strategy<Value = Node> {
    let kind = prop_oneof![
        Just(QuestionType::Text),
        Just(QuestionType::Integer),
        Just(QuestionType::Integer),
        Just(QuestionType::Decimal),
        Just(QuestionType::Date),
        Just(QuestionType::SelectOne),
        Just(QuestionType::SelectMultiple),
        Just(QuestionType::Note),
        Just(QuestionType::Calculate),
        Just(QuestionType::Geopoint),
        Just(QuestionType::Acknowledge),
        Just(QuestionType::Image),
        Just(QuestionType::Range),
    ];
    (
        kind,
        0..WORDS.len(),
        any::<bool>(),
        proptest::option::weighted(0.3, (0usize..8, -2i32..5)),
        proptest::option::weighted(0.3, 0i32..10),
        any::<u8>(),
    )
        .prop_map(
            |(kind, label, required, relevant, constraint, extras)| Node::Question {
                kind,
                label,
                required,
                relevant,
                constraint,
                extras,
            },
        )
}

fn nodes() -> impl Strategy<Value = Vec<Node>> {
    let leaf = question();
    let tree = leaf.prop_recursive(3, 24, 5, |inner| {
        (
            any::<bool>(),
            0..WORDS.len(),
            any::<bool>(),
            prop::collection::vec(inner, 1..5),
        )
            .prop_map(|(repeat, label, field_list, mut children)| {
                // A group whose controls are all hidden is empty in the body, which
                // Collect refuses ("Group has no children"): give it something to show.
                let shows_something = children.iter().any(|child| match child {
                    Node::Group { .. } => true,
                    Node::Question { kind, .. } => *kind != QuestionType::Calculate,
                });
                if !shows_something {
                    children.insert(
                        0,
                        Node::Question {
                            kind: QuestionType::Text,
                            label,
                            required: false,
                            relevant: None,
                            constraint: None,
                            extras: 0,
                        },
                    );
                }
                Node::Group {
                    repeat,
                    label,
                    field_list,
                    children,
                }
            })
    });
    prop::collection::vec(tree, 1..8)
}

fn form() -> impl Strategy<Value = Form> {
    (nodes(), any::<bool>(), 1usize..3).prop_map(|(nodes, translated, lists)| Form {
        nodes,
        translated,
        lists,
    })
}

// ---- rendering to a markdown XLSForm ----------------------------------------------

/// A question as laid out in the form: its generated name and path.
#[derive(Debug, Clone)]
struct Placed {
    name: String,
    path: String,
    kind: QuestionType,
    /// The innermost enclosing repeat's path, if any.
    repeat: Option<String>,
}

struct Layout {
    rows: Vec<Vec<String>>,
    questions: Vec<Placed>,
    groups: Vec<(String, bool)>,
}

const COLUMNS: [&str; 13] = [
    "type",
    "name",
    "label",
    "required",
    "relevant",
    "constraint",
    "calculation",
    "appearance",
    "parameters",
    "hint",
    "default",
    "choice_filter",
    "repeat_count",
];

impl Form {
    fn layout(&self) -> Layout {
        let mut layout = Layout {
            rows: Vec::new(),
            questions: Vec::new(),
            groups: Vec::new(),
        };
        let mut counter = 0;
        self.place(&self.nodes, "/data", None, &mut counter, &mut layout);
        layout
    }

    fn place(
        &self,
        nodes: &[Node],
        parent: &str,
        repeat: Option<&str>,
        counter: &mut usize,
        layout: &mut Layout,
    ) {
        for node in nodes {
            *counter += 1;
            match node {
                Node::Question {
                    kind,
                    label,
                    required,
                    relevant,
                    constraint,
                    extras,
                } => {
                    let name = format!("q{counter}");
                    let path = format!("{parent}/{name}");
                    // References go only to earlier integer questions outside any repeat
                    // or in the same repeat, which every XForm engine resolves alike.
                    let target = relevant.and_then(|(pick, n)| {
                        let candidates: Vec<&Placed> = layout
                            .questions
                            .iter()
                            .filter(|q| {
                                q.kind == QuestionType::Integer
                                    && (q.repeat.is_none() || q.repeat.as_deref() == repeat)
                            })
                            .collect();
                        (!candidates.is_empty())
                            .then(|| (candidates[pick % candidates.len()].name.clone(), n))
                    });
                    let mut row =
                        self.question_row(*kind, &name, *label, *required, target, *constraint);
                    row.extend(extra_cells(*kind, *extras));
                    layout.rows.push(row);
                    layout.questions.push(Placed {
                        name,
                        path,
                        kind: *kind,
                        repeat: repeat.map(str::to_string),
                    });
                }
                Node::Group {
                    repeat: is_repeat,
                    label,
                    field_list,
                    children,
                } => {
                    let name = format!("g{counter}");
                    let path = format!("{parent}/{name}");
                    let begin = if *is_repeat {
                        "begin_repeat"
                    } else {
                        "begin_group"
                    };
                    let mut row = vec![begin.to_string(), name.clone()];
                    row.extend(self.labels(*label));
                    row.resize(2 + self.label_columns() + 3, String::new());
                    row.push(String::new());
                    row.push(if *field_list && !*is_repeat {
                        "field-list".to_string()
                    } else {
                        String::new()
                    });
                    row.push(String::new());
                    row.extend([String::new(), String::new(), String::new()]);
                    // Some repeats get a fixed count, which pyxform turns into a calculate.
                    row.push(if *is_repeat && label.is_multiple_of(2) {
                        "2".to_string()
                    } else {
                        String::new()
                    });
                    layout.rows.push(row);
                    layout.groups.push((path.clone(), *is_repeat));
                    let inner_repeat = if *is_repeat {
                        Some(path.as_str())
                    } else {
                        repeat
                    };
                    self.place(children, &path, inner_repeat, counter, layout);
                    let end = if *is_repeat {
                        "end_repeat"
                    } else {
                        "end_group"
                    };
                    layout.rows.push(vec![end.to_string()]);
                }
            }
        }
    }

    fn question_row(
        &self,
        kind: QuestionType,
        name: &str,
        label: usize,
        required: bool,
        relevant: Option<(String, i32)>,
        constraint: Option<i32>,
    ) -> Vec<String> {
        let list = format!("list{}", label % self.lists + 1);
        let type_cell = match kind {
            QuestionType::Text => "text".to_string(),
            QuestionType::Integer => "integer".to_string(),
            QuestionType::Decimal => "decimal".to_string(),
            QuestionType::Date => "date".to_string(),
            QuestionType::SelectOne => format!("select_one {list}"),
            QuestionType::SelectMultiple => format!("select_multiple {list}"),
            QuestionType::Note => "note".to_string(),
            QuestionType::Calculate => "calculate".to_string(),
            QuestionType::Geopoint => "geopoint".to_string(),
            QuestionType::Acknowledge => "acknowledge".to_string(),
            QuestionType::Image => "image".to_string(),
            QuestionType::Range => "range".to_string(),
        };
        let mut row = vec![type_cell, name.to_string()];
        if kind == QuestionType::Calculate {
            row.extend(std::iter::repeat_n(String::new(), self.label_columns()));
        } else {
            row.extend(self.labels(label));
        }
        let answerable = !matches!(kind, QuestionType::Note | QuestionType::Calculate);
        row.push(if required && answerable { "yes" } else { "" }.to_string());
        row.push(
            relevant
                .as_ref()
                .map(|(target, n)| format!("${{{target}}} > {n}"))
                .unwrap_or_default(),
        );
        row.push(match (kind, constraint) {
            (QuestionType::Integer | QuestionType::Decimal, Some(n)) => format!(". >= {n}"),
            _ => String::new(),
        });
        row.push(match (kind, &relevant) {
            (QuestionType::Calculate, Some((target, n))) => format!("${{{target}}} * {n}"),
            (QuestionType::Calculate, None) => "concat('a', 'b')".to_string(),
            _ => String::new(),
        });
        let select = matches!(kind, QuestionType::SelectOne | QuestionType::SelectMultiple);
        row.push(
            if select && label.is_multiple_of(3) {
                "minimal"
            } else {
                ""
            }
            .to_string(),
        );
        row.push(match kind {
            QuestionType::Image => "max-pixels=1024".to_string(),
            QuestionType::Range => "start=0 end=10 step=1".to_string(),
            _ => String::new(),
        });
        row
    }

    fn label_columns(&self) -> usize {
        if self.translated { 2 } else { 1 }
    }

    fn labels(&self, label: usize) -> Vec<String> {
        let word = WORDS[label % WORDS.len()].to_string();
        if self.translated {
            vec![word.clone(), format!("{word} (uk)")]
        } else {
            vec![word]
        }
    }

    fn markdown(&self) -> String {
        let layout = self.layout();
        let mut header: Vec<String> = vec!["type".into(), "name".into()];
        if self.translated {
            header.push("label::English (en)".into());
            header.push("label::Українська (uk)".into());
        } else {
            header.push("label".into());
        }
        header.extend(COLUMNS[3..].iter().map(|c| c.to_string()));
        let mut out = table("survey", &header, &layout.rows);
        let mut choice_header: Vec<String> = vec!["list_name".into(), "name".into()];
        choice_header.extend(if self.translated {
            vec![
                "label::English (en)".to_string(),
                "label::Українська (uk)".to_string(),
            ]
        } else {
            vec!["label".to_string()]
        });
        let mut choices = Vec::new();
        for list in 1..=self.lists {
            for item in 1..=3 {
                let mut row = vec![format!("list{list}"), format!("c{item}")];
                row.extend(self.labels(list + item));
                choices.push(row);
            }
        }
        out.push_str(&table("choices", &choice_header, &choices));
        out
    }
}

/// The hint, default, choice_filter and repeat_count cells of a question.
fn extra_cells(kind: QuestionType, extras: u8) -> [String; 4] {
    let hint = if extras & 1 == 1 && kind != QuestionType::Calculate {
        "Ask & wait".to_string()
    } else {
        String::new()
    };
    let default = match (kind, extras & 2 == 2) {
        (QuestionType::Text, true) => "none yet".to_string(),
        (QuestionType::Integer | QuestionType::Decimal, true) => "7".to_string(),
        _ => String::new(),
    };
    let filter = match (kind, extras & 4 == 4) {
        (QuestionType::SelectOne | QuestionType::SelectMultiple, true) => {
            "name != 'c1'".to_string()
        }
        _ => String::new(),
    };
    [hint, default, filter, String::new()]
}

fn table(sheet: &str, header: &[String], rows: &[Vec<String>]) -> String {
    let width = header.len();
    let line = |first: &str, cells: &[String]| {
        let mut cells: Vec<String> = cells.to_vec();
        cells.resize(width, String::new());
        format!("| {first} | {} |\n", cells.join(" | "))
    };
    let mut out = line(sheet, &[]);
    out.push_str(&line("", header));
    for row in rows {
        out.push_str(&line("", row));
    }
    out
}

// ---- the properties ---------------------------------------------------------------

const XFORMS: &str = "http://www.w3.org/2002/xforms";
const JAVAROSA: &str = "http://openrosa.org/javarosa";

fn convert_and_check(form: &Form, markdown: &str) -> Result<String, String> {
    let options = xlsform::Options {
        form_name: Some("data".to_string()),
    };
    let output = xlsform::convert(markdown.as_bytes(), &options)
        .map_err(|failed| format!("a valid generated form was rejected: {failed}\n{markdown}"))?;
    let document = roxmltree::Document::parse(&output.xform)
        .map_err(|e| format!("the XForm is not well-formed: {e}\n{markdown}"))?;
    let layout = form.layout();
    let binds: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name((XFORMS, "bind")))
        .filter_map(|n| n.attribute("nodeset"))
        .collect();
    let refs: Vec<&str> = document
        .descendants()
        .filter_map(|n| n.attribute("ref"))
        .collect();
    let primary = document
        .descendants()
        .find(|n| n.has_tag_name((XFORMS, "instance")))
        .and_then(|n| n.first_element_child())
        .ok_or_else(|| format!("no primary instance\n{markdown}"))?;
    for question in &layout.questions {
        if instance_node(primary, &question.path).is_none() {
            return Err(format!(
                "no instance node for {}\n{markdown}",
                question.path
            ));
        }
        if !binds.contains(&question.path.as_str()) {
            return Err(format!("no bind for {}\n{markdown}", question.path));
        }
        let visible = question.kind != QuestionType::Calculate;
        if visible && !refs.contains(&question.path.as_str()) {
            return Err(format!("no body control for {}\n{markdown}", question.path));
        }
    }
    for (path, repeat) in &layout.groups {
        let node = instance_node(primary, path)
            .ok_or_else(|| format!("no instance node for group {path}\n{markdown}"))?;
        let is_template = node.attribute((JAVAROSA, "template")).is_some();
        if *repeat && !is_template {
            return Err(format!(
                "repeat {path} has no jr:template node first\n{markdown}"
            ));
        }
    }
    if form.translated {
        check_itext(&document, markdown)?;
    }
    Ok(output.xform)
}

/// The first node at an absolute path, following first children through repeats
/// (whose first copy is the template).
fn instance_node<'a>(root: roxmltree::Node<'a, 'a>, path: &str) -> Option<roxmltree::Node<'a, 'a>> {
    let mut steps = path.trim_start_matches('/').split('/');
    if steps.next() != Some(root.tag_name().name()) {
        return None;
    }
    steps.try_fold(root, |node, step| {
        node.children()
            .find(|c| c.is_element() && c.tag_name().name() == step)
    })
}

/// Every `jr:itext('id')` the body uses exists in every translation.
fn check_itext(document: &roxmltree::Document, markdown: &str) -> Result<(), String> {
    let translations: Vec<roxmltree::Node> = document
        .descendants()
        .filter(|n| n.has_tag_name((XFORMS, "translation")))
        .collect();
    if translations.len() != 2 {
        return Err(format!(
            "{} translations, expected 2\n{markdown}",
            translations.len()
        ));
    }
    for reference in document.descendants().filter_map(|n| n.attribute("ref")) {
        let Some(id) = reference
            .strip_prefix("jr:itext('")
            .and_then(|r| r.strip_suffix("')"))
        else {
            continue;
        };
        for translation in &translations {
            let found = translation
                .children()
                .any(|t| t.attribute("id") == Some(id));
            if !found {
                return Err(format!(
                    "itext {id} missing from {:?}\n{markdown}",
                    translation.attribute("lang")
                ));
            }
        }
    }
    Ok(())
}

// ---- the differential run ---------------------------------------------------------

fn write_pair(folder: &Path, markdown: &str, xml: &str) {
    std::fs::create_dir_all(folder)
        .and_then(|()| std::fs::write(folder.join("data.md"), markdown))
        .and_then(|()| std::fs::write(folder.join("kolo.xml"), xml))
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()));
}

fn run_differential(dir: &Path) {
    let python = std::env::var_os("KOLO_PYXFORM").unwrap_or_default();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/pyxform/differential.py");
    let report = dir.join("differences.md");
    let status = Command::new(&python)
        .arg(&script)
        .arg("compare")
        .arg(dir)
        .arg("--validate")
        .arg("--report")
        .arg(&report)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {python:?} {}: {e}", script.display()));
    println!("differential report: {}", report.display());
    assert!(
        status.success(),
        "Kolo and pyxform differ on generated forms (see above and {})",
        report.display()
    );
}
