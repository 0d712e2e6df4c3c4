//! Free drawing inside a figure: lines, rectangles, text at a point, QR codes.
//! Charts are drawn with these, the same primitives that a chart's SVG uses.

use crate::error::{PdfError, finite, non_negative, positive};
use crate::layout::{Lines, single_line};
use crate::page::{Flow, Op};
use crate::qr::QrMatrix;
use crate::style::{Color, Stroke, TextStyle};

/// A rectangle of the page to draw on, with its own coordinates: (0, 0) is its
/// top-left corner, y grows downwards, units are points.
///
/// Drawing outside the rectangle is not clipped. A primitive given a NaN or
/// infinite number is skipped, and the figure that owns the canvas returns the
/// first such error.
pub struct Canvas<'a> {
    flow: &'a mut Flow,
    left: f32,
    top: f32,
    width: f32,
    height: f32,
    error: Option<PdfError>,
}

impl Canvas<'_> {
    /// The width of the canvas in points.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// The height of the canvas in points.
    pub fn height(&self) -> f32 {
        self.height
    }

    /// A straight line from `from` to `to`.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), stroke: Stroke) {
        self.polyline(&[from, to], stroke);
    }

    /// Connected straight lines through `points` (a line chart's series).
    pub fn polyline(&mut self, points: &[(f32, f32)], stroke: Stroke) {
        let checked = self.check_stroke(stroke).and_then(|_| {
            points
                .iter()
                .map(|&(x, y)| Ok((self.x(finite("point x", x)?), self.y(finite("point y", y)?))))
                .collect::<Result<Vec<_>, PdfError>>()
        });
        if let Some(points) = self.keep(checked)
            && points.len() >= 2
        {
            self.flow.push(Op::Polyline { points, stroke });
        }
    }

    /// The outline of a rectangle whose top-left corner is (`x`, `y`).
    pub fn rect(&mut self, x: f32, y: f32, width: f32, height: f32, stroke: Stroke) {
        let checked = self
            .check_stroke(stroke)
            .and_then(|_| self.check_rect(x, y, width, height));
        if let Some([x, y, width, height]) = self.keep(checked) {
            self.flow.push(Op::Rect {
                x,
                y,
                width,
                height,
                stroke,
            });
        }
    }

    /// A filled rectangle (a bar of a bar chart) whose top-left corner is
    /// (`x`, `y`).
    pub fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32, color: Color) {
        let checked = self.check_rect(x, y, width, height);
        if let Some(rect) = self.keep(checked) {
            self.flow.push(Op::FillRects {
                rects: vec![rect],
                color,
            });
        }
    }

    /// One line of text with its baseline at `y`. `x` is where the text
    /// starts, is centred or ends, by the style's alignment (an axis label
    /// right-aligned to a tick, say). Returns the text's width in points.
    pub fn text(&mut self, x: f32, y: f32, text: &str, style: TextStyle) -> f32 {
        let checked = finite("text x", x).and_then(|x| Ok((x, finite("text baseline", y)?)));
        let Some((x, y)) = self.keep(checked) else {
            return 0.0;
        };
        let run = single_line(text, style, f32::INFINITY);
        let width = run.width(style.font_size());
        if !run.glyphs.is_empty() {
            self.flow.push(Op::Text {
                x: self.x(style.alignment().start(x, 0.0, width)),
                baseline: self.y(y),
                size: style.font_size(),
                weight: style.font_weight(),
                color: style.text_color(),
                run,
            });
        }
        width
    }

    /// Text wrapped to `width` with its first line's top at (`x`, `y`),
    /// aligned within the width by the style. Returns the height used.
    pub fn text_box(&mut self, x: f32, y: f32, width: f32, text: &str, style: TextStyle) -> f32 {
        let checked = self
            .check_rect(x, y, width, 0.0)
            .and_then(|rect| Ok((rect, positive("text box width", width)?)));
        let Some(([x, y, width, _], _)) = self.keep(checked) else {
            return 0.0;
        };
        let lines = Lines::wrap(text, style, width);
        self.flow.draw_lines(&lines, x, y, width);
        lines.height()
    }

    /// The width `text` would have as one line in `style`, in points.
    pub fn measure(&self, text: &str, style: TextStyle) -> f32 {
        single_line(text, style, f32::INFINITY).width(style.font_size())
    }

    /// A QR code as black squares, its top-left corner at (`x`, `y`) and
    /// `side` points wide, without the quiet zone: keep 4 modules of blank
    /// space around it so phones can read it.
    pub fn qr_code(&mut self, x: f32, y: f32, side: f32, matrix: &QrMatrix) {
        let checked = self
            .check_rect(x, y, side, side)
            .and_then(|rect| Ok((rect, positive("QR code side", side)?)));
        if let Some(([x, y, side, _], _)) = self.keep(checked) {
            self.flow.push(Op::FillRects {
                rects: matrix.dark_rects(x, y, side),
                color: Color::BLACK,
            });
        }
    }
}

impl<'a> Canvas<'a> {
    /// A canvas over `width` x `height` points of the current page of `flow`,
    /// with its top-left corner at (`left`, `top`) in page coordinates.
    pub(crate) fn new(flow: &'a mut Flow, left: f32, top: f32, width: f32, height: f32) -> Self {
        Canvas {
            flow,
            left,
            top,
            width,
            height,
            error: None,
        }
    }

    /// The first error met while drawing, if any.
    pub(crate) fn into_error(self) -> Option<PdfError> {
        self.error
    }

    fn x(&self, x: f32) -> f32 {
        self.left + x
    }

    fn y(&self, y: f32) -> f32 {
        self.top + y
    }

    /// Keeps the first error; returns the value if there was none.
    fn keep<T>(&mut self, checked: Result<T, PdfError>) -> Option<T> {
        match checked {
            Ok(value) => Some(value),
            Err(error) => {
                self.error.get_or_insert(error);
                None
            }
        }
    }

    fn check_stroke(&self, stroke: Stroke) -> Result<(), PdfError> {
        positive("stroke width", stroke.width).map(|_| ())
    }

    /// The rectangle in page coordinates, once every number is checked.
    fn check_rect(&self, x: f32, y: f32, width: f32, height: f32) -> Result<[f32; 4], PdfError> {
        Ok([
            self.x(finite("x", x)?),
            self.y(finite("y", y)?),
            non_negative("width", width)?,
            non_negative("height", height)?,
        ])
    }
}
