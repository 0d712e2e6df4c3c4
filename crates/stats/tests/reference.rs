//! Every figure compared with the values SciPy and NumPy give for the same
//! data, from the committed table written by `reference/make_reference.py`.
//!
//! Tolerance 1e-9: relative for probabilities, z and distribution values
//! (so tiny p-values are checked digit by digit, not just "near 0"), and
//! absolute (scaled up for values above 1) for scores, differences, gains
//! and correlations.

use stats::distributions::{normal_sf, student_t_cdf, student_t_quantile};
use stats::{
    MinimumN, PValueMethod, ScorePair, class_average_gain, mean_difference, normalised_gain,
    paired_scores, signed_rank_test,
};

const TOLERANCE: f64 = 1e-9;

const NO_MINIMUM: MinimumN = MinimumN {
    score_average: 0,
    mean_difference: 0,
    normalised_gain: 0,
    signed_rank: 0,
    share: 0,
    rating_average: 0,
};

#[test]
fn every_paired_figure_matches_scipy_for_every_reference_case() {
    let table = Table::read(include_str!("../reference/paired_cases.csv"));
    let mut mismatches = Mismatches::default();
    let mut paths = Vec::new();
    for row in &table.rows {
        let case = row.text("case");
        let pairs = pairs(row.list("pre"), row.list("post"));
        check_scores(&mut mismatches, case, row, &pairs);
        check_gain(&mut mismatches, case, row, &pairs);
        paths.push(row.text("wilcoxon_path").to_owned());
        check_signed_rank(&mut mismatches, case, row, &pairs);
    }
    assert!(table.rows.len() >= 399, "the reference table lost cases");
    for path in ["none", "exact", "permutation", "normal"] {
        assert!(
            paths.iter().any(|p| p == path),
            "no reference case for the {path} path"
        );
    }
    mismatches.assert_none();
}

#[test]
fn the_distributions_match_scipy_over_the_whole_reference_grid() {
    let table = Table::read(include_str!("../reference/distributions.csv"));
    let mut mismatches = Mismatches::default();
    for row in &table.rows {
        let function = row.text("function");
        let x = row.number("x").expect("every row has an argument");
        let expected = row.number("value").expect("every row has a value");
        let got = match function {
            "student_t_quantile" => student_t_quantile(x, degrees_of_freedom(row)),
            "student_t_cdf" => student_t_cdf(x, degrees_of_freedom(row)),
            "normal_sf" => Some(normal_sf(x)),
            other => panic!("unknown function {other} in the reference table"),
        };
        let case = format!("{function}({x}, df={:?})", row.number("degrees_of_freedom"));
        mismatches.relative(&case, "value", got, Some(expected));
    }
    assert!(table.rows.len() >= 742, "the reference table lost rows");
    mismatches.assert_none();
}

fn degrees_of_freedom(row: &Row) -> f64 {
    row.number("degrees_of_freedom")
        .expect("t rows have degrees of freedom")
}

fn check_scores(mismatches: &mut Mismatches, case: &str, row: &Row, pairs: &[ScorePair]) {
    let scores = paired_scores(pairs, &NO_MINIMUM);
    let averages = [
        ("mean_pre", scores.pre.mean),
        ("mean_post", scores.post.mean),
        ("median_pre", scores.pre.median),
        ("median_post", scores.post.median),
    ];
    for (column, figure) in averages {
        mismatches.absolute(case, column, figure.value().copied(), row.number(column));
    }
    let difference = mean_difference(pairs);
    if pairs.len() >= 2 {
        let mean = difference.map(|d| d.mean);
        mismatches.absolute(case, "mean_difference", mean, row.number("mean_difference"));
    }
    let columns = [
        ("sd_difference", difference.map(|d| d.standard_deviation)),
        ("ci_lower", difference.map(|d| d.lower)),
        ("ci_upper", difference.map(|d| d.upper)),
    ];
    for (column, got) in columns {
        mismatches.absolute(case, column, got, row.number(column));
    }
}

fn check_gain(mismatches: &mut Mismatches, case: &str, row: &Row, pairs: &[ScorePair]) {
    let class = class_average_gain(pairs);
    mismatches.absolute(case, "class_gain", class, row.number("class_gain"));
    let gain = normalised_gain(pairs, &NO_MINIMUM);
    let individual = gain.mean_of_individual.value().copied();
    mismatches.absolute(
        case,
        "mean_individual_gain",
        individual,
        row.number("mean_individual_gain"),
    );
    let excluded = Some(gain.perfect_pre_excluded as f64);
    mismatches.absolute(case, "perfect_pre", excluded, row.number("perfect_pre"));
}

fn check_signed_rank(mismatches: &mut Mismatches, case: &str, row: &Row, pairs: &[ScorePair]) {
    let test = signed_rank_test(pairs);
    let Some(test) = test else {
        if row.text("wilcoxon_path") != "none" {
            mismatches.note(case, "wilcoxon_path", "no test", row.text("wilcoxon_path"));
        }
        return;
    };
    let (path, z) = match test.method {
        PValueMethod::Exact => ("exact", None),
        PValueMethod::ExactPermutation => ("permutation", None),
        PValueMethod::NormalApproximation { z } => ("normal", Some(z)),
    };
    if path != row.text("wilcoxon_path") {
        mismatches.note(case, "wilcoxon_path", path, row.text("wilcoxon_path"));
    }
    let statistic = Some(test.statistic);
    mismatches.absolute(
        case,
        "wilcoxon_statistic",
        statistic,
        row.number("wilcoxon_statistic"),
    );
    let p = Some(test.p_value);
    mismatches.relative(case, "wilcoxon_pvalue", p, row.number("wilcoxon_pvalue"));
    mismatches.relative(case, "wilcoxon_z", z, row.number("wilcoxon_z"));
    let rank_biserial = Some(test.rank_biserial);
    mismatches.absolute(
        case,
        "rank_biserial",
        rank_biserial,
        row.number("rank_biserial"),
    );
}

fn pairs(pre: Vec<f64>, post: Vec<f64>) -> Vec<ScorePair> {
    assert_eq!(pre.len(), post.len(), "a reference case has unequal lists");
    pre.into_iter()
        .zip(post)
        .map(|(pre, post)| ScorePair::new(pre, post).expect("reference scores are percentages"))
        .collect()
}

/// Every difference from the reference, collected so that one run shows
/// them all.
#[derive(Default)]
struct Mismatches(Vec<String>);

impl Mismatches {
    fn absolute(&mut self, case: &str, column: &str, got: Option<f64>, expected: Option<f64>) {
        self.compare(case, column, got, expected, |got, expected| {
            (got - expected).abs() <= TOLERANCE * expected.abs().max(1.0)
        });
    }

    fn relative(&mut self, case: &str, column: &str, got: Option<f64>, expected: Option<f64>) {
        self.compare(case, column, got, expected, |got, expected| {
            (got - expected).abs() <= TOLERANCE * expected.abs()
        });
    }

    fn compare(
        &mut self,
        case: &str,
        column: &str,
        got: Option<f64>,
        expected: Option<f64>,
        close: impl Fn(f64, f64) -> bool,
    ) {
        let agrees = match (got, expected) {
            (Some(got), Some(expected)) => close(got, expected),
            (None, None) => true,
            _ => false,
        };
        if !agrees {
            self.note(case, column, &format!("{got:?}"), &format!("{expected:?}"));
        }
    }

    fn note(&mut self, case: &str, column: &str, got: &str, expected: &str) {
        self.0
            .push(format!("{case}: {column} is {got}, SciPy gives {expected}"));
    }

    fn assert_none(self) {
        assert!(
            self.0.is_empty(),
            "{} values differ from the reference:\n{}",
            self.0.len(),
            self.0.join("\n")
        );
    }
}

/// The committed CSV: a comment line, a header, then rows whose cells hold
/// numbers, space-separated lists of numbers, or nothing.
struct Table {
    rows: Vec<Row>,
}

struct Row {
    cells: std::collections::HashMap<String, String>,
}

impl Table {
    fn read(text: &str) -> Self {
        let mut lines = text.lines().filter(|line| !line.starts_with('#'));
        let header: Vec<&str> = lines.next().expect("a header line").split(',').collect();
        let rows = lines
            .map(|line| {
                let cells: Vec<&str> = line.split(',').collect();
                assert_eq!(
                    cells.len(),
                    header.len(),
                    "malformed reference line: {line}"
                );
                Row {
                    cells: header
                        .iter()
                        .zip(cells)
                        .map(|(name, cell)| ((*name).to_owned(), cell.to_owned()))
                        .collect(),
                }
            })
            .collect();
        Self { rows }
    }
}

impl Row {
    fn text(&self, column: &str) -> &str {
        self.cells
            .get(column)
            .unwrap_or_else(|| panic!("the reference table has no column {column}"))
    }

    fn number(&self, column: &str) -> Option<f64> {
        let text = self.text(column);
        (!text.is_empty()).then(|| {
            text.parse()
                .unwrap_or_else(|_| panic!("{column}: {text} is not a number"))
        })
    }

    fn list(&self, column: &str) -> Vec<f64> {
        self.text(column)
            .split(' ')
            .filter(|item| !item.is_empty())
            .map(|item| item.parse().expect("reference lists hold numbers"))
            .collect()
    }
}
