//! Pages as lists of drawing operations, and the flow that fills them top to
//! bottom.
//!
//! A document is laid out completely before anything is written, because the
//! footer of page 1 says how many pages there are.

use crate::fonts::{Run, Weight};
use crate::layout::{Lines, baseline_offset};
use crate::style::{Color, Stroke};

/// One thing to draw, in page coordinates (points, y downwards).
#[derive(Clone, Debug)]
pub(crate) enum Op {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        weight: Weight,
        color: Color,
        run: Run,
    },
    Rect {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        stroke: Stroke,
    },
    /// Filled rectangles sharing one colour: one path in the PDF.
    FillRects { rects: Vec<[f32; 4]>, color: Color },
    Polyline {
        points: Vec<(f32, f32)>,
        stroke: Stroke,
    },
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Page {
    pub ops: Vec<Op>,
}

/// The area of a page that content flows into: inside the margins, below the
/// running header and above the footer.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Body {
    pub left: f32,
    pub top: f32,
    pub width: f32,
    pub bottom: f32,
}

impl Body {
    pub fn height(&self) -> f32 {
        self.bottom - self.top
    }
}

/// Tolerance for comparing positions, in points.
const EPSILON: f32 = 0.01;

/// Pages so far and the position where the next block goes.
#[derive(Debug)]
pub(crate) struct Flow {
    pub body: Body,
    pub pages: Vec<Page>,
    pub y: f32,
}

impl Flow {
    pub fn new(body: Body) -> Flow {
        Flow {
            body,
            pages: vec![Page::default()],
            y: body.top,
        }
    }

    /// True when nothing has been placed on the current page yet.
    pub fn at_top(&self) -> bool {
        self.y <= self.body.top + EPSILON
    }

    pub fn remaining(&self) -> f32 {
        (self.body.bottom - self.y).max(0.0)
    }

    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.body.top;
    }

    /// Starts a new page unless `height` fits below the current position or the
    /// page is still empty (then nothing would be gained).
    pub fn make_room(&mut self, height: f32) {
        if self.y + height > self.body.bottom + EPSILON && !self.at_top() {
            self.new_page();
        }
    }

    /// Moves down by `height`, staying on the page.
    pub fn advance(&mut self, height: f32) {
        self.y = (self.y + height).min(self.body.bottom);
    }

    pub fn push(&mut self, op: Op) {
        // `new` creates the first page and nothing removes pages.
        if let Some(page) = self.pages.last_mut() {
            page.ops.push(op);
        }
    }

    /// Draws `lines` with their top at `top`, each aligned by the style within
    /// `left..left + width`.
    pub fn draw_lines(&mut self, lines: &Lines, left: f32, top: f32, width: f32) {
        let style = lines.style;
        let size = style.font_size();
        let baseline = top + baseline_offset(style);
        for (index, run) in lines.runs.iter().enumerate() {
            if run.glyphs.is_empty() {
                continue;
            }
            self.push(Op::Text {
                x: style.alignment().start(left, width, run.width(size)),
                baseline: baseline + index as f32 * style.line_height(),
                size,
                weight: style.font_weight(),
                color: style.text_color(),
                run: run.clone(),
            });
        }
    }
}
