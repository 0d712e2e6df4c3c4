//! Tables: relative column widths, wrapped cell text, a header row repeated on
//! every page, and rows that are never split across pages. Empty cells with a
//! minimum row height make signature boxes; tick-box cells make check boxes.

use crate::error::{PdfError, positive};
use crate::layout::Lines;
use crate::page::{Flow, Op};
use crate::style::{Align, Color, Stroke, TextStyle};

/// A table column: its header text, its width relative to the other
/// columns, and how its cells' text is aligned.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    header: String,
    width: f32,
    align: Align,
}

impl Column {
    /// A column headed `header`, `width` wide relative to the others
    /// (columns of widths 1, 3, 4 take 1/8, 3/8 and 4/8 of the table).
    pub fn new(header: impl Into<String>, width: f32) -> Column {
        Column {
            header: header.into(),
            width,
            align: Align::Left,
        }
    }

    /// This column with its cells aligned `align` (numbers read best right
    /// aligned, tick boxes are always centred).
    pub fn align(mut self, align: Align) -> Column {
        self.align = align;
        self
    }
}

/// What a table cell holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    /// Text, wrapped to the column width.
    Text(String),
    /// Nothing: with the table's minimum row height, room for a signature or
    /// a handwritten answer.
    Empty,
    /// An empty square to tick, centred in the cell.
    TickBox,
}

impl Cell {
    /// A cell holding `text`.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }
}

impl From<&str> for Cell {
    fn from(text: &str) -> Cell {
        Cell::Text(text.to_owned())
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Cell {
        Cell::Text(text)
    }
}

/// A table to add to a document with [`crate::Document::table`].
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
    font_size: f32,
    min_row_height: f32,
    striped: bool,
    header: bool,
}

impl Table {
    const PADDING_X: f32 = 4.0;
    const PADDING_Y: f32 = 3.0;
    const TICK_BOX: f32 = 10.0;
    const HEADER_FILL: Color = Color::gray(225);
    const STRIPE_FILL: Color = Color::gray(244);
    const GRID: Stroke = Stroke::new(Color::gray(90), 0.5);

    /// A table with `columns` and no rows yet; text 9 pt, rows as tall as
    /// their text.
    pub fn new(columns: Vec<Column>) -> Table {
        Table {
            columns,
            rows: Vec::new(),
            font_size: 9.0,
            min_row_height: 0.0,
            striped: false,
            header: true,
        }
    }

    /// This table with its text at `points` (clamped like [`TextStyle::size`]).
    pub fn font_size(mut self, points: f32) -> Table {
        self.font_size = TextStyle::body().size(points).font_size();
        self
    }

    /// This table with every body row at least `points` tall: the height of a
    /// signature box. NaN or negative means no minimum.
    pub fn min_row_height(mut self, points: f32) -> Table {
        self.min_row_height = if points.is_finite() {
            points.max(0.0)
        } else {
            0.0
        };
        self
    }

    /// This table with every other row lightly shaded, which helps the eye
    /// follow a long row across a landscape page.
    pub fn striped(mut self) -> Table {
        self.striped = true;
        self
    }

    /// This table without its header row: answer options on a paper form,
    /// say. Column headers are then not shown at all.
    pub fn without_header(mut self) -> Table {
        self.header = false;
        self
    }

    /// Adds a row: one cell per column.
    pub fn push_row(&mut self, cells: Vec<Cell>) -> &mut Table {
        self.rows.push(cells);
        self
    }

    /// The number of body rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the table has no body rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Lays the table out from the flow's position, starting new pages as
    /// needed. `number` names the table in errors.
    pub(crate) fn place(&self, number: usize, flow: &mut Flow) -> Result<(), PdfError> {
        let geometry = self.geometry(number, flow.body.left, flow.body.width)?;
        let body_style = TextStyle::body().size(self.font_size).line_spacing(1.25);
        let header_style = body_style.bold();

        let header_cells: Vec<Cell> = self
            .columns
            .iter()
            .map(|column| Cell::text(column.header.clone()))
            .collect();
        // A header taller than a third of the page would crowd out the rows.
        let header = self
            .header
            .then(|| geometry.row(&header_cells, header_style, 0.0, flow.body.height() / 3.0));
        let header_height = header.as_ref().map_or(0.0, |header| header.height);
        let row_room = flow.body.height() - header_height;
        let draw_header = |flow: &mut Flow| {
            if let Some(header) = &header {
                self.draw_row(header, &geometry, flow, Some(Table::HEADER_FILL));
                flow.advance(header.height);
            }
        };

        if self.rows.is_empty() {
            flow.make_room(header_height);
            draw_header(flow);
            return Ok(());
        }
        // True once the current page has this table's header (or the table
        // has none).
        let mut page_started = false;
        for (index, cells) in self.rows.iter().enumerate() {
            let row = geometry.row(cells, body_style, self.min_row_height, row_room);
            let fits = flow.y + row.height <= flow.body.bottom + 0.01;
            if !page_started || !fits {
                if page_started {
                    flow.new_page();
                } else {
                    flow.make_room(header_height + row.height);
                }
                draw_header(flow);
                page_started = true;
            }
            let fill = (self.striped && index % 2 == 1).then_some(Table::STRIPE_FILL);
            self.draw_row(&row, &geometry, flow, fill);
            flow.advance(row.height);
        }
        Ok(())
    }

    /// Checks the table's shape and works out where its columns are.
    fn geometry(&self, number: usize, left: f32, width: f32) -> Result<Geometry, PdfError> {
        if self.columns.is_empty() {
            return Err(PdfError::NoColumns { table: number });
        }
        for column in &self.columns {
            positive("column width", column.width)?;
        }
        if let Some((index, cells)) = self
            .rows
            .iter()
            .enumerate()
            .find(|(_, cells)| cells.len() != self.columns.len())
        {
            return Err(PdfError::RowLength {
                table: number,
                row: index + 1,
                expected: self.columns.len(),
                found: cells.len(),
            });
        }
        let total: f32 = self.columns.iter().map(|column| column.width).sum();
        let mut x = left;
        let columns = self
            .columns
            .iter()
            .map(|column| {
                let column_width = width * column.width / total;
                let placed = PlacedColumn {
                    x,
                    width: column_width,
                    align: column.align,
                };
                x += column_width;
                placed
            })
            .collect();
        Ok(Geometry { columns })
    }

    fn draw_row(&self, row: &RowLayout, geometry: &Geometry, flow: &mut Flow, fill: Option<Color>) {
        let top = flow.y;
        let (left, width) = geometry.span();
        if let Some(color) = fill {
            flow.push(Op::FillRects {
                rects: vec![[left, top, width, row.height]],
                color,
            });
        }
        for (content, column) in row.cells.iter().zip(&geometry.columns) {
            let inner = column.width - 2.0 * Table::PADDING_X;
            match content {
                CellLayout::Lines(lines) => {
                    let text_top = top + (row.height - lines.height()) / 2.0;
                    flow.draw_lines(lines, column.x + Table::PADDING_X, text_top, inner);
                }
                CellLayout::TickBox => {
                    let side = Table::TICK_BOX
                        .min(row.height - 2.0 * Table::PADDING_Y)
                        .min(inner)
                        .max(1.0);
                    flow.push(Op::Rect {
                        x: column.x + (column.width - side) / 2.0,
                        y: top + (row.height - side) / 2.0,
                        width: side,
                        height: side,
                        stroke: Stroke::black(0.8),
                    });
                }
                CellLayout::Empty => {}
            }
        }
        flow.push(Op::Rect {
            x: left,
            y: top,
            width,
            height: row.height,
            stroke: Table::GRID,
        });
        for column in &geometry.columns[1..] {
            flow.push(Op::Polyline {
                points: vec![(column.x, top), (column.x, top + row.height)],
                stroke: Table::GRID,
            });
        }
    }
}

/// Where the columns of a table are on the page.
struct Geometry {
    columns: Vec<PlacedColumn>,
}

struct PlacedColumn {
    x: f32,
    width: f32,
    align: Align,
}

struct RowLayout {
    height: f32,
    cells: Vec<CellLayout>,
}

enum CellLayout {
    Lines(Lines),
    TickBox,
    Empty,
}

impl Geometry {
    /// The left edge and width of the whole table.
    fn span(&self) -> (f32, f32) {
        let left = self.columns.first().map_or(0.0, |column| column.x);
        let right = self
            .columns
            .last()
            .map_or(left, |column| column.x + column.width);
        (left, right - left)
    }

    /// Wraps each cell's text and sizes the row: as tall as its tallest cell
    /// and at least `min_height`, but never taller than `max_height` (cells
    /// that would make it taller lose their last lines to an ellipsis).
    fn row(&self, cells: &[Cell], style: TextStyle, min_height: f32, max_height: f32) -> RowLayout {
        let line_room = ((max_height - 2.0 * Table::PADDING_Y) / style.line_height()).floor();
        let max_lines = (line_room.max(1.0)) as usize;
        let mut height = min_height.max(style.line_height() + 2.0 * Table::PADDING_Y);
        let cells = cells
            .iter()
            .zip(&self.columns)
            .map(|(cell, column)| match cell {
                Cell::Text(text) => {
                    let inner = (column.width - 2.0 * Table::PADDING_X).max(1.0);
                    let mut lines = Lines::wrap(text, style.align(column.align), inner);
                    lines.truncate(max_lines, inner);
                    height = height.max(lines.height() + 2.0 * Table::PADDING_Y);
                    CellLayout::Lines(lines)
                }
                Cell::TickBox => {
                    height = height.max(Table::TICK_BOX + 2.0 * Table::PADDING_Y);
                    CellLayout::TickBox
                }
                Cell::Empty => CellLayout::Empty,
            })
            .collect();
        RowLayout {
            height: height.min(max_height.max(style.line_height())),
            cells,
        }
    }
}
