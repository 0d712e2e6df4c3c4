//! The `parameters` column: `name=value` pairs separated by spaces, commas or
//! semicolons as pyxform reads them, checked per question type and applied.

use super::build::Builder;
use super::{BindValue, Node, SelectSource};
use crate::diagnostics::Problem;

/// Parses parameters, keys in lower case.
pub fn parse(text: &str) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    // `a = b` is allowed: spaces around `=` are removed before splitting.
    let mut normal = String::new();
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let mut rest = chars.clone();
            while rest.peek() == Some(&' ') {
                rest.next();
            }
            if rest.peek() == Some(&'=') || normal.ends_with('=') {
                chars = rest;
                continue;
            }
        }
        normal.push(c);
    }
    for part in normal.split([' ', ',', ';']).filter(|p| !p.is_empty()) {
        let Some((k, v)) = part.split_once('=') else {
            return Err(Problem::MalformedParameters {
                text: text.to_string(),
            });
        };
        let key = k.trim().to_lowercase();
        if key.is_empty() {
            return Err(Problem::MalformedParameters {
                text: text.to_string(),
            });
        }
        out.push((key, v.trim().to_string()));
    }
    Ok(out)
}

/// Applying parameters to a question: checking them per type and turning them into
/// the control and bind attributes Collect reads.
impl Builder<'_> {
    pub(super) fn apply_parameters(&mut self, node: &mut Node, row: u32) {
        let accepted: &[&str] = match node.type_name() {
            "select_one" | "select_multiple" | "rank" => match &node.select {
                Some(SelectSource::File { .. }) => &["randomize", "seed", "value", "label"],
                _ => &["randomize", "seed"],
            },
            "text" => &["rows"],
            "range" => &[
                "start",
                "end",
                "step",
                "tick_interval",
                "placeholder",
                "tick_labelset",
            ],
            "image" => &["max-pixels", "app"],
            "audio" | "background-audio" => &["quality"],
            "geopoint" => &[
                "capture-accuracy",
                "warning-accuracy",
                "allow-mock-accuracy",
                "reference-geometry",
            ],
            "geotrace" | "geoshape" => {
                &["incremental", "allow-mock-accuracy", "reference-geometry"]
            }
            "audit" => &[
                "location-priority",
                "location-min-interval",
                "location-max-age",
                "track-changes",
                "identify-user",
                "track-changes-reasons",
            ],
            // pyxform ignores parameters on other types; so does Kolo.
            _ => return,
        };
        for (k, _) in &node.parameters {
            if !accepted.contains(&k.as_str()) {
                let accepted = accepted.iter().map(|s| s.to_string()).collect();
                self.error(
                    Problem::UnknownParameter {
                        name: k.clone(),
                        accepted,
                    },
                    row,
                    Some("parameters"),
                );
                return;
            }
        }
        let params = node.parameters.clone();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        match node.type_name() {
            "range" => {
                let mut decimal = false;
                for (k, default) in [("start", "1"), ("end", "10"), ("step", "1")] {
                    let v = get(k).unwrap_or_else(|| default.to_string());
                    if v.parse::<f64>().is_err() {
                        self.error(
                            Problem::InvalidParameterValue {
                                name: k.into(),
                                value: v,
                            },
                            row,
                            Some("parameters"),
                        );
                        return;
                    }
                    decimal |= v.parse::<i64>().is_err();
                    node.control.push((k.to_string(), v));
                }
                // A step of 0 never moves, and one longer than the range has no
                // second value: Collect cannot show either.
                let number =
                    |k: &str, d: f64| get(k).and_then(|v| v.parse::<f64>().ok()).unwrap_or(d);
                let (start, end, step) = (
                    number("start", 1.0),
                    number("end", 10.0),
                    number("step", 1.0),
                );
                if step <= 0.0 || step > (end - start).abs() {
                    let problem = Problem::RangeStepInvalid {
                        step: get("step").unwrap_or_else(|| "1".into()),
                    };
                    self.error(problem, row, Some("parameters"));
                    return;
                }
                for (k, attr) in [
                    ("tick_interval", "odk:tick-interval"),
                    ("placeholder", "odk:placeholder"),
                ] {
                    if let Some(v) = get(k) {
                        if v.parse::<f64>().is_err() {
                            let problem = Problem::InvalidParameterValue {
                                name: k.into(),
                                value: v,
                            };
                            self.error(problem, row, Some("parameters"));
                            return;
                        }
                        decimal |= v.parse::<i64>().is_err();
                        node.control.push((attr.to_string(), v));
                    }
                }
                // Tick labels come from a choice list whose names are the values.
                if let Some(list) = get("tick_labelset") {
                    let Some(choices) = self.choices.iter().find(|l| l.name == list) else {
                        self.error(Problem::UnknownChoiceList { list }, row, Some("parameters"));
                        return;
                    };
                    if let Some(bad) = choices
                        .choices
                        .iter()
                        .find(|c| c.name.parse::<f64>().is_err())
                    {
                        let problem = Problem::InvalidParameterValue {
                            name: "tick_labelset".into(),
                            value: bad.name.clone(),
                        };
                        self.error(problem, row, Some("parameters"));
                        return;
                    }
                    node.select = Some(SelectSource::List(list));
                }
                if decimal {
                    set_bind(node, "type", "decimal");
                }
            }
            "text" => {
                if let Some(rows) = get("rows") {
                    if rows.parse::<i64>().is_err() {
                        let problem = Problem::InvalidParameterValue {
                            name: "rows".into(),
                            value: rows,
                        };
                        self.error(problem, row, Some("parameters"));
                        return;
                    }
                    node.control.push(("rows".into(), rows));
                }
            }
            "image" => {
                if let Some(px) = get("max-pixels") {
                    if px.parse::<u64>().is_err() {
                        self.error(
                            Problem::InvalidParameterValue {
                                name: "max-pixels".into(),
                                value: px,
                            },
                            row,
                            Some("parameters"),
                        );
                        return;
                    }
                    set_bind(node, "orx:max-pixels", &px);
                } else {
                    self.warn(Problem::ImageWithoutMaxPixels, row, Some("parameters"));
                }
                let plain = node
                    .control_attr("appearance")
                    .is_none_or(|a| a == "annotate");
                if let Some(app) = get("app").filter(|_| plain) {
                    node.control.push(("intent".into(), app));
                }
            }
            "audio" | "background-audio" => {
                if let Some(q) = get("quality") {
                    if !matches!(q.as_str(), "voice-only" | "low" | "normal" | "external") {
                        self.error(
                            Problem::InvalidParameterValue {
                                name: "quality".into(),
                                value: q,
                            },
                            row,
                            Some("parameters"),
                        );
                        return;
                    }
                    // Background audio carries it on its action instead.
                    if node.type_name() == "audio" {
                        set_bind(node, "odk:quality", &q);
                    }
                }
            }
            "geopoint" | "geotrace" | "geoshape" => {
                for k in ["capture-accuracy", "warning-accuracy"] {
                    if let Some(v) = get(k) {
                        if v.parse::<f64>().is_err() {
                            self.error(
                                Problem::InvalidParameterValue {
                                    name: k.into(),
                                    value: v,
                                },
                                row,
                                Some("parameters"),
                            );
                            return;
                        }
                        let attr = if k == "capture-accuracy" {
                            "accuracyThreshold"
                        } else {
                            "unacceptableAccuracyThreshold"
                        };
                        node.control.push((attr.to_string(), v));
                    }
                }
                if let Some(v) = get("incremental") {
                    if v != "true" {
                        let problem = Problem::InvalidParameterValue {
                            name: "incremental".into(),
                            value: v,
                        };
                        self.error(problem, row, Some("parameters"));
                        return;
                    }
                    node.control.push(("incremental".into(), v));
                }
                if let Some(v) = get("reference-geometry") {
                    // Checked against the whole form's lists and repeats later.
                    node.select = Some(
                        match v.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                            Some(repeat) => SelectSource::RepeatGeometry(repeat.to_string()),
                            None => SelectSource::List(v),
                        },
                    );
                }
                if let Some(v) = get("allow-mock-accuracy") {
                    if v != "true" && v != "false" {
                        let problem = Problem::InvalidParameterValue {
                            name: "allow-mock-accuracy".into(),
                            value: v,
                        };
                        self.error(problem, row, Some("parameters"));
                        return;
                    }
                    set_bind(node, "odk:allow-mock-accuracy", &v);
                }
            }
            "audit" => {
                if let Some(problem) = audit_problem(&get) {
                    self.error(problem, row, Some("parameters"));
                    return;
                }
                for (k, v) in &params {
                    set_bind(node, &format!("odk:{k}"), v);
                }
            }
            _ => {
                if get("seed").is_some() && get("randomize").is_none() {
                    self.error(Problem::SeedWithoutRandomize, row, Some("parameters"));
                }
                // A seed is a number or a question holding one.
                if let Some(seed) = get("seed") {
                    let reference = seed
                        .strip_prefix("${")
                        .and_then(|s| s.strip_suffix('}'))
                        .is_some_and(crate::names::is_xml_name);
                    if !reference && seed.parse::<f64>().is_err() {
                        let problem = Problem::InvalidParameterValue {
                            name: "seed".into(),
                            value: seed,
                        };
                        self.error(problem, row, Some("parameters"));
                    }
                }
                // A select from a file names the columns of its items.
                for k in ["value", "label"] {
                    if let Some(v) = get(k)
                        && !crate::names::is_xml_name(&v)
                    {
                        let problem = Problem::InvalidParameterValue {
                            name: k.into(),
                            value: v,
                        };
                        self.error(problem, row, Some("parameters"));
                    }
                }
                if let Some(r) = get("randomize")
                    && r != "true"
                    && r != "false"
                {
                    self.error(
                        Problem::InvalidParameterValue {
                            name: "randomize".into(),
                            value: r,
                        },
                        row,
                        Some("parameters"),
                    );
                }
            }
        }
    }
}

/// Audit parameters Collect would refuse: location tracking needs all three of
/// its settings with a valid priority and a maximum age no shorter than the
/// interval; the switches are `true` or `false`.
fn audit_problem(get: &dyn Fn(&str) -> Option<String>) -> Option<Problem> {
    let invalid = |name: &str, value: String| {
        Some(Problem::InvalidParameterValue {
            name: name.to_string(),
            value,
        })
    };
    let location = [
        get("location-priority"),
        get("location-min-interval"),
        get("location-max-age"),
    ];
    if location.iter().any(Option::is_some) {
        let [Some(priority), Some(interval), Some(age)] = location else {
            return Some(Problem::AuditLocationIncomplete);
        };
        if !matches!(
            priority.as_str(),
            "no-power" | "low-power" | "balanced" | "high-accuracy"
        ) {
            return invalid("location-priority", priority);
        }
        let Ok(interval_n) = interval.parse::<u64>() else {
            return invalid("location-min-interval", interval);
        };
        let Ok(age_n) = age.parse::<u64>() else {
            return invalid("location-max-age", age);
        };
        if age_n < interval_n {
            return Some(Problem::AuditMaxAgeBelowInterval);
        }
    }
    for k in ["track-changes", "identify-user"] {
        if let Some(v) = get(k)
            && v != "true"
            && v != "false"
        {
            return invalid(k, v);
        }
    }
    None
}

/// Sets a bind attribute, replacing an earlier value in place.
pub(super) fn set_bind(node: &mut Node, key: &str, value: &str) {
    match node.bind.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => *v = BindValue::Expr(value.to_string()),
        None => node
            .bind
            .push((key.to_string(), BindValue::Expr(value.to_string()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_split_on_spaces_commas_and_semicolons() {
        let p = parse("start=0 end = 5;step=1").unwrap();
        assert_eq!(
            p,
            vec![
                ("start".to_string(), "0".to_string()),
                ("end".to_string(), "5".to_string()),
                ("step".to_string(), "1".to_string())
            ]
        );
    }

    #[test]
    fn a_parameter_without_equals_is_an_error() {
        assert!(parse("randomize").is_err());
    }
}
