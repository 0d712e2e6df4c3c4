//! Complementary suppression on a table extended with its totals.
//!
//! The table with r rows and c columns becomes an (r + 1) × (c + 1) grid
//! whose last column holds the row totals and whose last row holds the
//! column totals and the grand total. Every entry then lies on exactly two
//! lines (its row and its column), and each line says "the entries before
//! the last add up to the last". Think of each line as a vertex and each
//! hidden entry as an edge between its row and its column: a hidden entry
//! can be worked out from the shown ones exactly when it is not on a cycle
//! of that graph (a bridge). So protection ends by closing every bridge into
//! a cycle, along the cheapest path of further entries.

use super::{Cell, SuppressedTable, checked_sum};
use crate::StatsError;

/// A count table extended with its totals, and which entries are hidden.
pub(super) struct Grid {
    /// Rows including the totals row.
    rows: usize,
    /// Columns including the totals column.
    columns: usize,
    /// Entries row by row.
    values: Vec<usize>,
    hidden: Vec<bool>,
}

impl Grid {
    /// The table with its row, column and grand totals added.
    pub(super) fn with_totals<Row: AsRef<[usize]>>(table: &[Row]) -> Result<Self, StatsError> {
        let data_columns = table.first().map_or(0, |row| row.as_ref().len());
        let rows = table.len() + 1;
        let columns = data_columns + 1;
        let mut values = Vec::with_capacity(rows * columns);
        let mut column_totals = vec![0_usize; data_columns];
        for (index, row) in table.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != data_columns {
                return Err(StatsError::RaggedTable {
                    row: index + 1,
                    expected: data_columns,
                    found: row.len(),
                });
            }
            values.extend_from_slice(row);
            values.push(checked_sum(row.iter().copied())?);
            for (total, &count) in column_totals.iter_mut().zip(row) {
                *total = total
                    .checked_add(count)
                    .ok_or(StatsError::CountOverflow { max: usize::MAX })?;
            }
        }
        let grand_total = checked_sum(column_totals.iter().copied())?;
        values.extend_from_slice(&column_totals);
        values.push(grand_total);
        Ok(Self {
            rows,
            columns,
            hidden: vec![false; values.len()],
            values,
        })
    }

    /// The grid with small counts hidden and enough others hidden with them
    /// that none can be recovered from the lines' sums.
    pub(super) fn suppressed(mut self, threshold: usize) -> Self {
        for (hidden, &value) in self.hidden.iter_mut().zip(&self.values) {
            *hidden = value > 0 && value < threshold;
        }
        let lines: Vec<Vec<usize>> = (0..self.rows)
            .map(|row| self.row_line(row))
            .chain((0..self.columns).map(|column| self.column_line(column)))
            .collect();
        loop {
            let mut changed = false;
            for line in &lines {
                changed |= protect_line(line, &self.values, &mut self.hidden, threshold);
            }
            if changed {
                continue;
            }
            match self.first_bridge() {
                Some(bridge) if self.close_into_cycle(bridge) => {}
                // No bridge left (or, impossibly, no path to close one).
                _ => return self,
            }
        }
    }

    pub(super) fn into_table(self) -> SuppressedTable {
        let cell = |index: usize| {
            if self.hidden[index] {
                Cell::Suppressed
            } else {
                Cell::Shown(self.values[index])
            }
        };
        let (data_rows, data_columns) = (self.rows - 1, self.columns - 1);
        SuppressedTable {
            cells: (0..data_rows)
                .map(|row| {
                    (0..data_columns)
                        .map(|column| cell(self.index(row, column)))
                        .collect()
                })
                .collect(),
            row_totals: (0..data_rows)
                .map(|row| cell(self.index(row, data_columns)))
                .collect(),
            column_totals: (0..data_columns)
                .map(|column| cell(self.index(data_rows, column)))
                .collect(),
            grand_total: cell(self.index(data_rows, data_columns)),
        }
    }

    fn index(&self, row: usize, column: usize) -> usize {
        row * self.columns + column
    }

    /// Entries of a row, its total last.
    fn row_line(&self, row: usize) -> Vec<usize> {
        (0..self.columns)
            .map(|column| self.index(row, column))
            .collect()
    }

    /// Entries of a column, its total last.
    fn column_line(&self, column: usize) -> Vec<usize> {
        (0..self.rows).map(|row| self.index(row, column)).collect()
    }

    /// A hidden entry that lies on no cycle of hidden entries.
    fn first_bridge(&self) -> Option<usize> {
        (0..self.values.len()).find(|&entry| self.hidden[entry] && !self.on_cycle(entry))
    }

    /// Whether the entry's row and column stay connected through other
    /// hidden entries when the entry itself is taken away.
    fn on_cycle(&self, entry: usize) -> bool {
        // Vertices: rows 0..rows, then columns rows..rows + columns.
        let (start, goal) = (entry / self.columns, self.rows + entry % self.columns);
        let mut seen = vec![false; self.rows + self.columns];
        let mut stack = vec![start];
        seen[start] = true;
        while let Some(vertex) = stack.pop() {
            if vertex == goal {
                return true;
            }
            for (neighbour, edge) in self.neighbours(vertex) {
                if self.hidden[edge] && edge != entry && !seen[neighbour] {
                    seen[neighbour] = true;
                    stack.push(neighbour);
                }
            }
        }
        false
    }

    /// Lines crossing `vertex`, each with the entry where they cross.
    fn neighbours(&self, vertex: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (rows, columns) = (self.rows, self.columns);
        let as_row =
            (vertex < rows).then(|| (0..columns).map(move |c| (rows + c, vertex * columns + c)));
        let as_column =
            (vertex >= rows).then(|| (0..rows).map(move |r| (r, r * columns + (vertex - rows))));
        as_row
            .into_iter()
            .flatten()
            .chain(as_column.into_iter().flatten())
    }

    /// Hides the entries of the cheapest path from the bridge's row to its
    /// column that avoids the bridge, so that the bridge and the path form a
    /// cycle. Already hidden entries cost nothing, a non-zero count costs
    /// its size (ties: fewer entries), a zero costs more than any path of
    /// non-zero counts. Returns whether anything was hidden.
    fn close_into_cycle(&mut self, bridge: usize) -> bool {
        let vertices = self.rows + self.columns;
        let grand_total = self.values.last().copied().unwrap_or(0) as u128;
        let per_entry = vertices as u128 + 1;
        let zero_cost = (grand_total + 1) * per_entry * per_entry;
        let cost = |entry: usize| -> u128 {
            match (self.hidden[entry], self.values[entry]) {
                (true, _) => 0,
                (false, 0) => zero_cost,
                (false, value) => value as u128 * per_entry + 1,
            }
        };

        let (start, goal) = (bridge / self.columns, self.rows + bridge % self.columns);
        let mut distance = vec![u128::MAX; vertices];
        let mut via: Vec<Option<(usize, usize)>> = vec![None; vertices];
        let mut done = vec![false; vertices];
        distance[start] = 0;
        // Dense Dijkstra: the graph has a few dozen vertices at most.
        while let Some(vertex) = (0..vertices)
            .filter(|&v| !done[v] && distance[v] != u128::MAX)
            .min_by_key(|&v| distance[v])
        {
            if vertex == goal {
                break;
            }
            done[vertex] = true;
            for (neighbour, edge) in self.neighbours(vertex) {
                if edge == bridge || done[neighbour] {
                    continue;
                }
                let through = distance[vertex] + cost(edge);
                if through < distance[neighbour] {
                    distance[neighbour] = through;
                    via[neighbour] = Some((vertex, edge));
                }
            }
        }

        let mut hid_something = false;
        let mut vertex = goal;
        while let Some((previous, edge)) = via[vertex] {
            if !self.hidden[edge] {
                self.hidden[edge] = true;
                hid_something = true;
            }
            vertex = previous;
        }
        hid_something
    }
}

/// Hides more entries of one line (its total last) until it is protected:
/// not exactly one entry hidden, and, when the total is shown, the hidden
/// entries holding 0 or at least `threshold` people. Each step hides the
/// smallest non-zero shown entry (a zero only when there is none). Returns
/// whether anything was hidden.
pub(super) fn protect_line(
    line: &[usize],
    values: &[usize],
    hidden: &mut [bool],
    threshold: usize,
) -> bool {
    let mut changed = false;
    while needs_more_hidden(line, values, hidden, threshold) {
        let next = line
            .iter()
            .copied()
            .filter(|&entry| !hidden[entry])
            .min_by_key(|&entry| (values[entry] == 0, values[entry]));
        match next {
            Some(entry) => {
                hidden[entry] = true;
                changed = true;
            }
            None => break,
        }
    }
    changed
}

fn needs_more_hidden(line: &[usize], values: &[usize], hidden: &[bool], threshold: usize) -> bool {
    let Some((&total, cells)) = line.split_last() else {
        return false;
    };
    let hidden_entries = line.iter().filter(|&&entry| hidden[entry]).count();
    if hidden_entries == 1 {
        return true;
    }
    if hidden[total] {
        return false;
    }
    // With the total shown, total minus the shown cells is the hidden sum.
    let hidden_sum: usize = cells
        .iter()
        .filter(|&&entry| hidden[entry])
        .map(|&entry| values[entry])
        .sum();
    hidden_sum > 0 && hidden_sum < threshold
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_cell_joining_two_protected_blocks_is_closed_into_a_cycle() {
        // Small counts: a block at rows 0-1 × columns 0-1, a block at rows
        // 2-3 × columns 2-3, and the 2 at (1, 2) joining them. Every line
        // already has two or more hidden cells holding 5 or more people, so
        // the line rules hide nothing more; yet rows 0 and 1 added up, minus
        // columns 0 and 1 added up, give the 2 away.
        let table = [
            [4, 3, 50, 60, 70],
            [3, 4, 2, 80, 90],
            [40, 45, 4, 3, 65],
            [75, 85, 3, 4, 95],
        ];
        let small_counts = 9;
        let grid = Grid::with_totals(&table).expect("counts").suppressed(5);
        assert!(grid.hidden[grid.index(1, 2)]);
        assert!(grid.hidden.iter().filter(|&&hidden| hidden).count() > small_counts);
        assert_eq!(grid.first_bridge(), None);
    }

    #[test]
    fn the_cheapest_closing_path_prefers_small_counts() {
        // Hide one entry by hand and close it: the path must go through the
        // smallest counts available.
        let table = [[100, 6, 200], [7, 300, 400], [500, 600, 8]];
        let mut grid = Grid::with_totals(&table).expect("counts");
        let bridge = grid.index(0, 1); // the 6
        grid.hidden[bridge] = true;
        assert!(grid.close_into_cycle(bridge));
        // From row 0 to column 1 without the 6: through 100, 7 and 300
        // (407) beats through 200, 400 and 300 or anything via a total.
        for (row, column) in [(0, 0), (1, 0), (1, 1)] {
            assert!(grid.hidden[grid.index(row, column)], "({row}, {column})");
        }
        assert!(!grid.hidden[grid.index(0, 2)]);
        assert_eq!(grid.first_bridge(), None);
    }
}
