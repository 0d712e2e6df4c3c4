//! How text and lines look: colours, alignment, text styles and strokes.

use crate::fonts::Weight;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Color {
    /// Red, 0-255.
    pub r: u8,
    /// Green, 0-255.
    pub g: u8,
    /// Blue, 0-255.
    pub b: u8,
}

impl Color {
    /// Black, the colour of text.
    pub const BLACK: Color = Color::rgb(0, 0, 0);
    /// White.
    pub const WHITE: Color = Color::rgb(255, 255, 255);

    /// A colour from its red, green and blue parts.
    pub const fn rgb(r: u8, g: u8, b: u8) -> Color {
        Color { r, g, b }
    }

    /// A grey, from 0 (black) to 255 (white).
    pub const fn gray(level: u8) -> Color {
        Color::rgb(level, level, level)
    }
}

/// Horizontal alignment of text in its box, or of a text's anchor point.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Align {
    /// Flush left (for text at a point: the point is the start of the text).
    #[default]
    Left,
    /// Centred.
    Center,
    /// Flush right (for text at a point: the point is the end of the text).
    Right,
}

impl Align {
    /// Where a line of `width` starts in a box of `room` starting at `left`.
    pub(crate) fn start(self, left: f32, room: f32, width: f32) -> f32 {
        match self {
            Align::Left => left,
            Align::Center => left + (room - width) / 2.0,
            Align::Right => left + room - width,
        }
    }
}

/// Size, weight, colour, alignment and line spacing of a piece of text.
///
/// Sizes are clamped to 4-96 pt and line spacing to 1.0-3.0 times the size, so
/// a style can never produce an unreadable or invalid page; NaN means the
/// default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TextStyle {
    size: f32,
    weight: Weight,
    color: Color,
    align: Align,
    line_spacing: f32,
}

impl Default for TextStyle {
    fn default() -> TextStyle {
        TextStyle::body()
    }
}

impl TextStyle {
    const BODY_SIZE: f32 = 10.0;
    const LINE_SPACING: f32 = 1.3;

    /// Body text: 10 pt regular black, left-aligned, line spacing 1.3.
    pub const fn body() -> TextStyle {
        TextStyle {
            size: TextStyle::BODY_SIZE,
            weight: Weight::Regular,
            color: Color::BLACK,
            align: Align::Left,
            line_spacing: TextStyle::LINE_SPACING,
        }
    }

    /// This style at `points` (clamped to 4-96 pt).
    pub fn size(mut self, points: f32) -> TextStyle {
        self.size = if points.is_nan() {
            TextStyle::BODY_SIZE
        } else {
            points.clamp(4.0, 96.0)
        };
        self
    }

    /// This style in bold.
    pub fn bold(mut self) -> TextStyle {
        self.weight = Weight::Bold;
        self
    }

    /// This style with `weight`.
    pub fn weight(mut self, weight: Weight) -> TextStyle {
        self.weight = weight;
        self
    }

    /// This style in `color`.
    pub fn color(mut self, color: Color) -> TextStyle {
        self.color = color;
        self
    }

    /// This style aligned `align` (for paragraphs: within the page body).
    pub fn align(mut self, align: Align) -> TextStyle {
        self.align = align;
        self
    }

    /// This style with lines `factor` times the size apart (clamped to 1.0-3.0).
    pub fn line_spacing(mut self, factor: f32) -> TextStyle {
        self.line_spacing = if factor.is_nan() {
            TextStyle::LINE_SPACING
        } else {
            factor.clamp(1.0, 3.0)
        };
        self
    }

    /// The font size in points.
    pub fn font_size(&self) -> f32 {
        self.size
    }

    pub(crate) fn font_weight(&self) -> Weight {
        self.weight
    }

    pub(crate) fn text_color(&self) -> Color {
        self.color
    }

    pub(crate) fn alignment(&self) -> Align {
        self.align
    }

    /// Distance between two baselines, in points.
    pub fn line_height(&self) -> f32 {
        self.size * self.line_spacing
    }
}

/// How a line or an outline is drawn.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    /// The colour of the line.
    pub color: Color,
    /// The width of the line in points.
    pub width: f32,
}

impl Stroke {
    /// A black line `width` points wide.
    pub const fn black(width: f32) -> Stroke {
        Stroke {
            color: Color::BLACK,
            width,
        }
    }

    /// A line of `color`, `width` points wide.
    pub const fn new(color: Color, width: f32) -> Stroke {
        Stroke { color, width }
    }
}
