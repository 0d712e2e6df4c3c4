//! The document: page setup, running header and footer, and the blocks that
//! flow down its pages.

use crate::canvas::Canvas;
use crate::error::{PdfError, non_negative, positive};
use crate::layout::Lines;
use crate::page::{Body, Flow};
use crate::qr::QrMatrix;
use crate::render;
use crate::style::{Align, Color, TextStyle};
use crate::table::Table;
use crate::{A4_HEIGHT, A4_WIDTH, mm};

/// Which way up an A4 page is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Orientation {
    /// 210 mm wide, 297 mm tall.
    #[default]
    Portrait,
    /// 297 mm wide, 210 mm tall: wide tables such as sign-in sheets.
    Landscape,
}

/// Space between the page edges and everything on the page (running header
/// and footer included), in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Margins {
    /// Top margin.
    pub top: f32,
    /// Right margin.
    pub right: f32,
    /// Bottom margin.
    pub bottom: f32,
    /// Left margin.
    pub left: f32,
}

impl Margins {
    /// The same margin on all four sides.
    pub const fn all(points: f32) -> Margins {
        Margins {
            top: points,
            right: points,
            bottom: points,
            left: points,
        }
    }
}

impl Default for Margins {
    /// 15 mm on every side: inside what office printers can print.
    fn default() -> Margins {
        Margins::all(mm(15.0))
    }
}

/// The level of a heading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Heading {
    /// The document's title: 18 pt bold.
    Title,
    /// A section: 14 pt bold.
    Section,
    /// A subsection: 11.5 pt bold.
    Subsection,
}

impl Heading {
    fn style(self) -> TextStyle {
        let size = match self {
            Heading::Title => 18.0,
            Heading::Section => 14.0,
            Heading::Subsection => 11.5,
        };
        TextStyle::body().size(size).bold().line_spacing(1.2)
    }
}

/// Settings of a document before its first block; see [`Document::builder`].
#[derive(Clone, Debug)]
pub struct DocumentBuilder {
    title: String,
    language: String,
    orientation: Orientation,
    margins: Margins,
    header: Option<(String, String)>,
    footer_note: Option<String>,
    page_label: Option<String>,
}

impl DocumentBuilder {
    /// Portrait A4 pages (the default).
    pub fn portrait(mut self) -> Self {
        self.orientation = Orientation::Portrait;
        self
    }

    /// Landscape A4 pages.
    pub fn landscape(mut self) -> Self {
        self.orientation = Orientation::Landscape;
        self
    }

    /// A4 pages in `orientation`.
    pub fn orientation(mut self, orientation: Orientation) -> Self {
        self.orientation = orientation;
        self
    }

    /// Page margins (default: 15 mm all round).
    pub fn margins(mut self, margins: Margins) -> Self {
        self.margins = margins;
        self
    }

    /// A running header on every page: `left` (the organisation's name) at
    /// the left, `right` (the document's title) at the right, above a thin
    /// rule. Each is cut with an ellipsis if the two do not fit one line.
    pub fn header(mut self, left: impl Into<String>, right: impl Into<String>) -> Self {
        self.header = Some((left.into(), right.into()));
        self
    }

    /// A note at the left of every page's footer, e.g. "Конфіденційно" or
    /// the date the document was made.
    pub fn footer_note(mut self, note: impl Into<String>) -> Self {
        self.footer_note = Some(note.into());
        self
    }

    /// Page numbers at the right of every page's footer as "`label` n / N"
    /// ("Сторінка 2 / 7", "Page 2 / 7"); an empty label gives "2 / 7".
    pub fn page_numbers(mut self, label: impl Into<String>) -> Self {
        self.page_label = Some(label.into());
        self
    }

    /// The document, once the margins are checked to leave room for content.
    pub fn build(self) -> Result<Document, PdfError> {
        let margins = self.margins;
        for (what, value) in [
            ("top margin", margins.top),
            ("right margin", margins.right),
            ("bottom margin", margins.bottom),
            ("left margin", margins.left),
        ] {
            non_negative(what, value)?;
        }
        let (width, height) = match self.orientation {
            Orientation::Portrait => (A4_WIDTH, A4_HEIGHT),
            Orientation::Landscape => (A4_HEIGHT, A4_WIDTH),
        };
        let chrome = chrome_style().line_height() + CHROME_GAP;
        let top = margins.top + if self.header.is_some() { chrome } else { 0.0 };
        let has_footer = self.footer_note.is_some() || self.page_label.is_some();
        let bottom = height - margins.bottom - if has_footer { chrome } else { 0.0 };
        let body = Body {
            left: margins.left,
            top,
            width: width - margins.left - margins.right,
            bottom,
        };
        if body.width < 72.0 || body.height() < 72.0 {
            return Err(PdfError::BodyTooSmall {
                width: body.width,
                height: body.height(),
            });
        }
        Ok(Document {
            page: render::PageSetup {
                width,
                height,
                margins,
                header: self.header,
                footer_note: self.footer_note,
                page_label: self.page_label,
            },
            title: self.title,
            language: self.language,
            flow: Flow::new(body),
            tables: 0,
        })
    }
}

/// Size of the running header and footer text.
pub(crate) fn chrome_style() -> TextStyle {
    TextStyle::body().size(8.0).color(Color::gray(70))
}

/// Space between the running header or footer and the body, in points.
pub(crate) const CHROME_GAP: f32 = 8.0;

/// A PDF being built: blocks are added top to bottom and flow onto new pages
/// as needed; [`Document::finish`] writes it.
#[derive(Debug)]
pub struct Document {
    page: render::PageSetup,
    title: String,
    language: String,
    flow: Flow,
    /// Tables added so far, to name a table in an error.
    tables: usize,
}

impl Document {
    /// Starts a document titled `title` (its PDF metadata; readers show it in
    /// the window title) whose text is in `language`, a BCP 47 tag such as
    /// "uk" or "en".
    pub fn builder(title: impl Into<String>, language: impl Into<String>) -> DocumentBuilder {
        DocumentBuilder {
            title: title.into(),
            language: language.into(),
            orientation: Orientation::Portrait,
            margins: Margins::default(),
            header: None,
            footer_note: None,
            page_label: None,
        }
    }

    /// The width of the page body (inside margins) in points.
    pub fn body_width(&self) -> f32 {
        self.flow.body.width
    }

    /// The height left on the current page below the last block, in points.
    pub fn remaining_height(&self) -> f32 {
        self.flow.remaining()
    }

    /// The number of pages so far.
    pub fn page_count(&self) -> usize {
        self.flow.pages.len()
    }

    /// A heading. It moves to the next page rather than end a page with
    /// nothing under it.
    pub fn heading(&mut self, level: Heading, text: &str) -> &mut Self {
        let style = Heading::style(level);
        let lines = Lines::wrap(text, style, self.flow.body.width);
        if !self.flow.at_top() {
            self.flow.advance(style.font_size() * 0.6);
        }
        self.flow
            .make_room(lines.height() + 2.0 * TextStyle::body().line_height());
        self.place_lines(&lines);
        self.flow.advance(style.font_size() * 0.4);
        self
    }

    /// A paragraph of body text (10 pt), wrapped to the page width.
    pub fn paragraph(&mut self, text: &str) -> &mut Self {
        self.text(text, TextStyle::body())
    }

    /// A paragraph in `style`, wrapped to the page width and aligned by the
    /// style; it continues on the next page if it has to.
    pub fn text(&mut self, text: &str, style: TextStyle) -> &mut Self {
        let lines = Lines::wrap(text, style, self.flow.body.width);
        self.place_lines(&lines);
        self.flow.advance(style.font_size() * 0.5);
        self
    }

    /// Pairs of a bold label and its value ("Дати: 12-14 березня 2024"),
    /// labels in a column as wide as the widest (at most 40% of the page).
    /// A pair is never split across pages.
    pub fn key_values<K: AsRef<str>, V: AsRef<str>>(&mut self, pairs: &[(K, V)]) -> &mut Self {
        const GAP: f32 = 10.0;
        let value_style = TextStyle::body();
        let key_style = value_style.bold();
        let body = self.flow.body;
        let widest = pairs
            .iter()
            .map(|(key, _)| Lines::wrap(key.as_ref(), key_style, f32::INFINITY).width())
            .fold(0.0, f32::max);
        let key_width = widest.min(body.width * 0.4).max(1.0);
        let value_width = (body.width - key_width - GAP).max(1.0);
        for (key, value) in pairs {
            let mut key_lines = Lines::wrap(key.as_ref(), key_style, key_width);
            let mut value_lines = Lines::wrap(value.as_ref(), value_style, value_width);
            let max_lines = (body.height() / value_style.line_height()).floor() as usize;
            key_lines.truncate(max_lines, key_width);
            value_lines.truncate(max_lines, value_width);
            let height = key_lines.height().max(value_lines.height());
            self.flow.make_room(height);
            let top = self.flow.y;
            self.flow.draw_lines(&key_lines, body.left, top, key_width);
            self.flow
                .draw_lines(&value_lines, body.left + key_width + GAP, top, value_width);
            self.flow.advance(height + 2.0);
        }
        self.flow.advance(value_style.font_size() * 0.5);
        self
    }

    /// Vertical space of `points` (ignored if negative or NaN). Space never
    /// carries over to the next page.
    pub fn space(&mut self, points: f32) -> &mut Self {
        if points.is_finite() && points > 0.0 {
            self.flow.advance(points);
        }
        self
    }

    /// Continues on a new page, unless the current page is still empty (so
    /// one certificate per page never leaves a blank page).
    pub fn page_break(&mut self) -> &mut Self {
        if !self.flow.at_top() {
            self.flow.new_page();
        }
        self
    }

    /// A table, continued over as many pages as it needs with its header row
    /// on each. Fails if the table has no columns, a column width is not
    /// positive, or a row's cell count differs from the column count.
    pub fn table(&mut self, table: &Table) -> Result<&mut Self, PdfError> {
        self.tables += 1;
        table.place(self.tables, &mut self.flow)?;
        self.flow.advance(TextStyle::body().font_size());
        Ok(self)
    }

    /// A figure `height` points tall across the page body, drawn by `draw`
    /// on a [`Canvas`] (charts, signature lines, a QR code with its caption).
    /// It is moved to the next page whole if it does not fit. Fails if it is
    /// taller than a page body, or if `draw` gave a primitive a NaN or
    /// infinite number.
    pub fn figure(
        &mut self,
        height: f32,
        draw: impl FnOnce(&mut Canvas<'_>),
    ) -> Result<&mut Self, PdfError> {
        self.fit("figure", height)?;
        let body = self.flow.body;
        let top = self.flow.y;
        let mut canvas = Canvas::new(&mut self.flow, body.left, top, body.width, height);
        draw(&mut canvas);
        if let Some(error) = canvas.into_error() {
            return Err(error);
        }
        self.flow.advance(height);
        Ok(self)
    }

    /// A QR code `side` points wide (without its quiet zone), aligned across
    /// the page body, with the quiet zone kept blank around it.
    pub fn qr_code(
        &mut self,
        matrix: &QrMatrix,
        side: f32,
        align: Align,
    ) -> Result<&mut Self, PdfError> {
        positive("QR code side", side)?;
        // Four modules of blank space on each side, as the standard asks.
        let quiet = side * 4.0 / matrix.width() as f32;
        let outer = side + 2.0 * quiet;
        self.fit("QR code", outer)?;
        let body = self.flow.body;
        let x = align.start(0.0, body.width, outer) + quiet;
        self.figure(outer, |canvas| canvas.qr_code(x, quiet, side, matrix))
    }

    /// Draws every page's running header and footer, now that the page count
    /// is known, and writes the PDF.
    pub fn finish(self) -> Result<Vec<u8>, PdfError> {
        render::write(
            &self.page,
            &self.flow.pages,
            render::Metadata {
                title: &self.title,
                language: &self.language,
            },
        )
    }

    /// Starts a new page if a block `height` tall does not fit on this one;
    /// fails if it fits on no page.
    fn fit(&mut self, what: &'static str, height: f32) -> Result<(), PdfError> {
        positive("height", height)?;
        let available = self.flow.body.height();
        if height > available {
            return Err(PdfError::TooTall {
                what,
                height,
                available,
            });
        }
        self.flow.make_room(height);
        Ok(())
    }

    /// Places lines one by one, so a long paragraph continues on the next page.
    fn place_lines(&mut self, lines: &Lines) {
        let line_height = lines.style.line_height();
        let (left, width) = (self.flow.body.left, self.flow.body.width);
        for run in &lines.runs {
            self.flow.make_room(line_height);
            let single = Lines {
                runs: vec![run.clone()],
                style: lines.style,
            };
            let top = self.flow.y;
            self.flow.draw_lines(&single, left, top, width);
            self.flow.advance(line_height);
        }
    }
}
