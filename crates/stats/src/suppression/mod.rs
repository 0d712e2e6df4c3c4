//! Small-cell suppression: the one place where every figure about people is
//! made safe to leave the system (reports, charts, exports for viewers, the
//! API).
//!
//! A count from 1 to `threshold - 1` (1 to 4 by default) could point at a
//! person, so it is hidden; 0 is shown. Hiding one cell is not enough when a
//! total is printed next to it: total minus the other cells gives it back.
//! So after the small counts are hidden (primary suppression), more cells
//! are hidden (complementary suppression) until:
//! - no row, column or total line has exactly one hidden entry;
//! - in a line whose total is shown, the hidden cells together hold 0 or at
//!   least `threshold` people, so subtraction cannot reveal "2 people are
//!   somewhere in these two cells" (the practice of OpenSAFELY);
//! - in a table, every hidden entry lies on a cycle of hidden entries
//!   (alternating along rows and columns), which is exactly the condition
//!   under which no combination of row and column sums pins it down. The
//!   first two rules alone leave gaps: two blocks of hidden cells joined by
//!   one hidden cell give that cell away when the blocks' rows are added up.
//!
//! Complementary cells are the smallest non-zero counts available, so as
//! little as possible is hidden; a zero is hidden only when nothing else can
//! protect a line.
//!
//! The result holds [`Cell`]s, never bare numbers, so a caller cannot print
//! a hidden count by mistake.

mod grid;

use crate::{Figure, Share, StatsError};
use grid::Grid;

/// Which counts are too small to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SuppressionRule {
    threshold: usize,
}

impl SuppressionRule {
    /// Counts from 1 to 4 hidden: the threshold of many health agencies and
    /// Kolo's default.
    pub const DEFAULT: SuppressionRule = SuppressionRule { threshold: 5 };

    /// Counts from 1 to `threshold - 1` hidden; e.g. 11 for the rule "no cell
    /// of 1 to 10". A threshold below 2 would hide nothing and is refused.
    pub fn new(threshold: usize) -> Result<Self, StatsError> {
        if threshold < 2 {
            return Err(StatsError::SuppressionThresholdTooSmall { threshold });
        }
        Ok(Self { threshold })
    }

    /// The smallest non-zero count that is shown.
    pub fn threshold(self) -> usize {
        self.threshold
    }

    /// Whether a count of people is small enough to point at someone.
    pub fn hides(self, count: usize) -> bool {
        count > 0 && count < self.threshold
    }
}

impl Default for SuppressionRule {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A figure as it may leave the system: shown, or hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum Cell<T = usize> {
    Shown(T),
    Suppressed,
}

impl<T> Cell<T> {
    /// The shown value, if any.
    pub fn shown(self) -> Option<T> {
        match self {
            Cell::Shown(value) => Some(value),
            Cell::Suppressed => None,
        }
    }

    pub fn is_suppressed(&self) -> bool {
        matches!(self, Cell::Suppressed)
    }
}

/// A list of counts and their total, suppressed together.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SuppressedList {
    pub cells: Vec<Cell>,
    pub total: Cell,
}

/// A table of counts with row, column and grand totals, suppressed together.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SuppressedTable {
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    pub row_totals: Vec<Cell>,
    pub column_totals: Vec<Cell>,
    pub grand_total: Cell,
}

/// One count printed on its own, with no total beside it.
pub fn suppress_count(count: usize, rule: SuppressionRule) -> Cell {
    if rule.hides(count) {
        Cell::Suppressed
    } else {
        Cell::Shown(count)
    }
}

/// A list of counts printed with their sum (e.g. answers 1 to 5 of a Likert
/// item, and how many answered). Use [`suppress_count`] on each count
/// instead when the printed total is not their sum (e.g. several answers per
/// person).
pub fn suppress_list(
    counts: &[usize],
    rule: SuppressionRule,
) -> Result<SuppressedList, StatsError> {
    let total = checked_sum(counts.iter().copied())?;
    let mut values = counts.to_vec();
    values.push(total);
    let mut suppressed: Vec<bool> = values.iter().map(|&count| rule.hides(count)).collect();
    let line: Vec<usize> = (0..values.len()).collect();
    grid::protect_line(&line, &values, &mut suppressed, rule.threshold);

    let mut cells: Vec<Cell> = values
        .iter()
        .zip(&suppressed)
        .map(|(&value, &hidden)| {
            if hidden {
                Cell::Suppressed
            } else {
                Cell::Shown(value)
            }
        })
        .collect();
    let total = cells.pop().unwrap_or(Cell::Shown(0));
    Ok(SuppressedList { cells, total })
}

/// A table of counts printed with row, column and grand totals (e.g. events
/// by oblast and format). Every row must have the same number of cells.
pub fn suppress_table<Row: AsRef<[usize]>>(
    rows: &[Row],
    rule: SuppressionRule,
) -> Result<SuppressedTable, StatsError> {
    let grid = Grid::with_totals(rows)?.suppressed(rule.threshold);
    Ok(grid.into_table())
}

/// A share printed as "count of total" or as a percentage: both the count
/// and the rest (total - count) must be safe, or the share is hidden.
pub fn suppress_share(share: Share, rule: SuppressionRule) -> Cell<Share> {
    let rest = share.of.saturating_sub(share.count);
    match suppress_list(&[share.count, rest], rule) {
        Ok(list) if list.cells.iter().all(|cell| !cell.is_suppressed()) => Cell::Shown(share),
        _ => Cell::Suppressed,
    }
}

/// A figure built from people (a mean, a gain, a test): hidden when it
/// rests on 1 to `threshold - 1` people, since a mean of two scores is
/// nearly their scores. Hidden figures do not reveal their n either.
pub fn suppress_figure<T>(figure: Figure<T>, rule: SuppressionRule) -> Cell<Figure<T>> {
    if rule.hides(figure.n()) {
        Cell::Suppressed
    } else {
        Cell::Shown(figure)
    }
}

fn checked_sum(counts: impl Iterator<Item = usize>) -> Result<usize, StatsError> {
    counts
        .into_iter()
        .try_fold(0_usize, usize::checked_add)
        .ok_or(StatsError::CountOverflow { max: usize::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: SuppressionRule = SuppressionRule::DEFAULT;

    #[test]
    fn counts_of_one_to_four_are_hidden_and_zero_and_five_are_shown() {
        let shown: Vec<bool> = (0..=6)
            .map(|count| !suppress_count(count, RULE).is_suppressed())
            .collect();
        assert_eq!(shown, [true, false, false, false, false, true, true]);
    }

    #[test]
    fn a_threshold_that_hides_nothing_is_refused() {
        assert!(SuppressionRule::new(1).is_err());
        assert!(SuppressionRule::new(0).is_err());
        assert_eq!(
            SuppressionRule::new(11).map(|rule| rule.hides(10)),
            Ok(true)
        );
    }

    #[test]
    fn a_single_small_count_in_a_list_takes_the_next_smallest_with_it() {
        // 3 alone would be 45 - 12 - 30; hiding 12 too keeps both unknown.
        let list = suppress_list(&[12, 3, 30], RULE).expect("small counts");
        assert_eq!(
            list.cells,
            [Cell::Suppressed, Cell::Suppressed, Cell::Shown(30)]
        );
        assert_eq!(list.total, Cell::Shown(45));
    }

    #[test]
    fn two_hidden_counts_that_add_up_to_fewer_than_five_take_a_third_with_them() {
        // 1 and 2 hidden would still say "3 people are in these two cells".
        let list = suppress_list(&[1, 2, 30, 40], RULE).expect("small counts");
        assert_eq!(
            list.cells,
            [
                Cell::Suppressed,
                Cell::Suppressed,
                Cell::Suppressed,
                Cell::Shown(40)
            ]
        );
    }

    #[test]
    fn a_small_total_hides_the_whole_list() {
        let list = suppress_list(&[0, 3, 0], RULE).expect("small counts");
        assert_eq!(
            list.cells,
            [Cell::Shown(0), Cell::Suppressed, Cell::Shown(0)]
        );
        assert_eq!(list.total, Cell::Suppressed);
    }

    #[test]
    fn a_list_with_nothing_small_is_shown_whole() {
        let list = suppress_list(&[0, 5, 17], RULE).expect("no small counts");
        assert_eq!(
            list.cells,
            [Cell::Shown(0), Cell::Shown(5), Cell::Shown(17)]
        );
        assert_eq!(list.total, Cell::Shown(22));
    }

    #[test]
    fn a_table_protects_a_small_cell_along_its_row_and_its_column() {
        let table = suppress_table(&[[20, 3, 15], [12, 9, 30], [8, 25, 11]], RULE)
            .expect("a table of counts");
        assert!(table.cells[0][1].is_suppressed());
        let hidden_in_row_0 = table.cells[0].iter().filter(|c| c.is_suppressed()).count();
        let hidden_in_column_1 = table
            .cells
            .iter()
            .filter(|row| row[1].is_suppressed())
            .count();
        assert!(hidden_in_row_0 >= 2);
        assert!(hidden_in_column_1 >= 2);
        assert_eq!(table.grand_total, Cell::Shown(133));
    }

    #[test]
    fn a_table_with_rows_of_different_lengths_is_refused() {
        let rows: Vec<Vec<usize>> = vec![vec![1, 2], vec![3]];
        assert_eq!(
            suppress_table(&rows, RULE),
            Err(StatsError::RaggedTable {
                row: 2,
                expected: 2,
                found: 1
            })
        );
    }

    #[test]
    fn an_empty_table_has_a_grand_total_of_zero() {
        let table = suppress_table::<Vec<usize>>(&[], RULE).expect("empty");
        assert_eq!(table.grand_total, Cell::Shown(0));
        assert!(table.cells.is_empty() && table.column_totals.is_empty());
    }

    #[test]
    fn a_share_whose_rest_is_small_is_hidden_too() {
        // 38 of 40 retained says 2 people left.
        let retained = Share { count: 38, of: 40 };
        assert_eq!(suppress_share(retained, RULE), Cell::Suppressed);
        let retained = Share { count: 30, of: 40 };
        assert_eq!(suppress_share(retained, RULE), Cell::Shown(retained));
        let nobody = Share { count: 0, of: 0 };
        assert_eq!(suppress_share(nobody, RULE), Cell::Shown(nobody));
    }

    #[test]
    fn a_figure_from_fewer_than_five_people_is_hidden_with_its_n() {
        let mean_of_three = Figure::Value { value: 62.5, n: 3 };
        assert_eq!(suppress_figure(mean_of_three, RULE), Cell::Suppressed);
        let mean_of_twelve = Figure::Value { value: 62.5, n: 12 };
        assert_eq!(
            suppress_figure(mean_of_twelve, RULE),
            Cell::Shown(mean_of_twelve)
        );
    }

    #[test]
    fn counts_that_overflow_are_refused_not_wrapped() {
        assert_eq!(
            suppress_list(&[usize::MAX, 1], RULE),
            Err(StatsError::CountOverflow { max: usize::MAX })
        );
    }
}
