//! Properties of small-cell suppression, checked the way someone trying to
//! recover a hidden count would work: from the shown cells and totals alone.

use proptest::prelude::*;
use stats::Share;
use stats::suppression::{
    Cell, SuppressedTable, SuppressionRule, suppress_list, suppress_share, suppress_table,
};

/// Counts as they come from small programmes: many zeros and small counts
/// next to larger ones.
fn count() -> impl Strategy<Value = usize> {
    prop_oneof![
        2 => Just(0_usize),
        3 => 1_usize..=4,
        1 => 5_usize..=12,
        2 => 13_usize..=80,
    ]
}

fn table() -> impl Strategy<Value = Vec<Vec<usize>>> {
    (1_usize..=6, 1_usize..=6).prop_flat_map(|(rows, columns)| {
        prop::collection::vec(prop::collection::vec(count(), columns), rows)
    })
}

fn rule() -> impl Strategy<Value = SuppressionRule> {
    prop_oneof![
        3 => Just(SuppressionRule::DEFAULT),
        1 => (2_usize..=11).prop_map(|t| SuppressionRule::new(t).expect("2 or more")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn shown_cells_and_totals_are_the_true_counts(rows in table(), rule in rule()) {
        let table = suppress_table(&rows, rule).expect("counts");
        let grid = Extended::new(&rows, &table);
        for (truth, cell) in grid.truth.iter().zip(&grid.cells) {
            if let Cell::Shown(value) = cell {
                prop_assert_eq!(value, truth);
            }
        }
    }

    #[test]
    fn every_small_count_is_hidden_whether_cell_or_total(rows in table(), rule in rule()) {
        let table = suppress_table(&rows, rule).expect("counts");
        let grid = Extended::new(&rows, &table);
        for (truth, cell) in grid.truth.iter().zip(&grid.cells) {
            if rule.hides(*truth) {
                prop_assert!(cell.is_suppressed(), "a count of {} is shown", truth);
            }
        }
    }

    #[test]
    fn no_hidden_count_can_be_recovered_by_subtracting_along_one_row_or_column(
        rows in table(),
        rule in rule(),
    ) {
        let table = suppress_table(&rows, rule).expect("counts");
        let grid = Extended::new(&rows, &table);
        for line in grid.lines() {
            let hidden: Vec<usize> =
                line.iter().copied().filter(|&e| grid.cells[e].is_suppressed()).collect();
            prop_assert!(
                hidden.len() != 1,
                "entry {:?} is the only hidden one in its line: total minus the rest gives {}",
                grid.position(hidden[0]),
                grid.truth[hidden[0]]
            );
        }
    }

    #[test]
    fn hidden_cells_of_a_line_with_a_shown_total_hold_none_or_at_least_the_threshold(
        rows in table(),
        rule in rule(),
    ) {
        let table = suppress_table(&rows, rule).expect("counts");
        let grid = Extended::new(&rows, &table);
        for line in grid.lines() {
            let (&total, cells) = line.split_last().expect("lines are not empty");
            let Cell::Shown(total) = grid.cells[total] else { continue };
            let shown: usize = cells.iter().filter_map(|&e| grid.cells[e].shown()).sum();
            let hidden_sum = total - shown;
            prop_assert!(
                hidden_sum == 0 || hidden_sum >= rule.threshold(),
                "the hidden cells of a line hold {} people", hidden_sum
            );
        }
    }

    #[test]
    fn no_hidden_count_is_determined_by_all_row_and_column_sums_together(
        rows in table(),
        rule in rule(),
    ) {
        let table = suppress_table(&rows, rule).expect("counts");
        let grid = Extended::new(&rows, &table);
        let unknowns: Vec<usize> =
            (0..grid.cells.len()).filter(|&e| grid.cells[e].is_suppressed()).collect();
        let equations = grid.equations_over(&unknowns);
        let base_rank = rank(equations.clone());
        for (k, &entry) in unknowns.iter().enumerate() {
            let mut with_target = equations.clone();
            let mut target = vec![0.0; unknowns.len()];
            target[k] = 1.0;
            with_target.push(target);
            prop_assert!(
                rank(with_target) > base_rank,
                "entry {:?} (count {}) follows from the row and column sums",
                grid.position(entry),
                grid.truth[entry]
            );
        }
    }

    #[test]
    fn a_list_never_leaves_one_hidden_count_or_a_small_hidden_sum(
        counts in prop::collection::vec(count(), 0..12),
        rule in rule(),
    ) {
        let list = suppress_list(&counts, rule).expect("counts");
        let total: usize = counts.iter().sum();
        let mut entries: Vec<(usize, Cell)> =
            counts.iter().copied().zip(list.cells.iter().copied()).collect();
        entries.push((total, list.total));
        for (truth, cell) in &entries {
            if let Cell::Shown(value) = cell {
                prop_assert_eq!(value, truth);
            }
            if rule.hides(*truth) {
                prop_assert!(cell.is_suppressed());
            }
        }
        let hidden = entries.iter().filter(|(_, cell)| cell.is_suppressed()).count();
        prop_assert_ne!(hidden, 1);
        if let Cell::Shown(total) = list.total {
            let shown: usize = list.cells.iter().filter_map(|cell| cell.shown()).sum();
            let hidden_sum = total - shown;
            prop_assert!(hidden_sum == 0 || hidden_sum >= rule.threshold());
        }
    }

    #[test]
    fn a_shown_share_never_reveals_a_small_group_on_either_side(
        count in 0_usize..60,
        rest in 0_usize..60,
        rule in rule(),
    ) {
        let share = Share { count, of: count + rest };
        if let Cell::Shown(shown) = suppress_share(share, rule) {
            prop_assert_eq!(shown, share);
            prop_assert!(!rule.hides(count) && !rule.hides(rest) && !rule.hides(count + rest));
        }
    }
}

/// The table extended with its totals (last column: row totals; last row:
/// column totals and the grand total), true counts beside what was shown.
struct Extended {
    rows: usize,
    columns: usize,
    truth: Vec<usize>,
    cells: Vec<Cell>,
}

impl Extended {
    fn new(input: &[Vec<usize>], table: &SuppressedTable) -> Self {
        let data_columns = input[0].len();
        let (rows, columns) = (input.len() + 1, data_columns + 1);
        let mut truth = Vec::new();
        let mut cells = Vec::new();
        for ((row, shown), shown_total) in input.iter().zip(&table.cells).zip(&table.row_totals) {
            truth.extend_from_slice(row);
            truth.push(row.iter().sum());
            cells.extend_from_slice(shown);
            cells.push(*shown_total);
        }
        for column in 0..data_columns {
            truth.push(input.iter().map(|row| row[column]).sum());
        }
        truth.push(input.iter().flatten().sum());
        cells.extend_from_slice(&table.column_totals);
        cells.push(table.grand_total);
        assert_eq!(truth.len(), rows * columns);
        assert_eq!(cells.len(), rows * columns);
        Self {
            rows,
            columns,
            truth,
            cells,
        }
    }

    /// Every row and column of the extended table, its total last.
    fn lines(&self) -> Vec<Vec<usize>> {
        let (rows, columns) = (self.rows, self.columns);
        let row_lines = (0..rows).map(|r| (0..columns).map(|c| r * columns + c).collect());
        let column_lines = (0..columns).map(|c| (0..rows).map(|r| r * columns + c).collect());
        row_lines.chain(column_lines).collect()
    }

    fn position(&self, entry: usize) -> (usize, usize) {
        (entry / self.columns, entry % self.columns)
    }

    /// Each line's equation restricted to the unknown entries: +1 for a
    /// hidden cell, -1 for a hidden total (the shown entries are constants).
    fn equations_over(&self, unknowns: &[usize]) -> Vec<Vec<f64>> {
        self.lines()
            .iter()
            .map(|line| {
                let total = *line.last().expect("lines are not empty");
                unknowns
                    .iter()
                    .map(|entry| match (line.contains(entry), *entry == total) {
                        (false, _) => 0.0,
                        (true, false) => 1.0,
                        (true, true) => -1.0,
                    })
                    .collect()
            })
            .collect()
    }
}

/// Rank by Gaussian elimination with partial pivoting; the matrices hold
/// small integers, so a fixed tolerance is safe.
fn rank(mut matrix: Vec<Vec<f64>>) -> usize {
    let columns = matrix.first().map_or(0, Vec::len);
    let mut rank = 0;
    for column in 0..columns {
        let Some(pivot) = (rank..matrix.len())
            .filter(|&r| matrix[r][column].abs() > 1e-9)
            .max_by(|&a, &b| matrix[a][column].abs().total_cmp(&matrix[b][column].abs()))
        else {
            continue;
        };
        matrix.swap(rank, pivot);
        let pivot_row = matrix[rank].clone();
        for (r, row) in matrix.iter_mut().enumerate() {
            if r != rank {
                let factor = row[column] / pivot_row[column];
                for (value, pivot_value) in row.iter_mut().zip(&pivot_row) {
                    *value -= factor * pivot_value;
                }
            }
        }
        rank += 1;
    }
    rank
}
