//! PDF documents made in-process: sign-in sheets, certificates, paper tests and
//! forms, handouts with QR codes, and report tables and charts.
//!
//! The crate lays out text and tables itself and hands glyphs and paths to
//! [krilla](https://docs.rs/krilla), which writes the PDF and embeds a subset of
//! the vendored Noto Sans fonts (regular and bold, Latin and Cyrillic). It does
//! no IO: nothing is read from disk or the network while a document is built,
//! so a PDF can only contain what the caller passed in and the two fonts.
//!
//! All lengths are in PDF points (1/72 inch); [`mm`] converts from millimetres.
//! Coordinates grow to the right and downwards from the top-left corner.
//!
//! ```
//! use pdf::{Cell, Column, Document, Heading, Table, mm};
//!
//! let mut doc = Document::builder("Реєстраційний лист", "uk")
//!     .landscape()
//!     .header("ГО «Коло»", "Тренінг з моделей регулювання секс-роботи")
//!     .page_numbers("Сторінка")
//!     .build()?;
//! doc.heading(Heading::Title, "Реєстраційний лист");
//! let mut table = Table::new(vec![
//!     Column::new("№", 1.0),
//!     Column::new("UIC", 3.0),
//!     Column::new("Підпис", 4.0),
//! ])
//! .min_row_height(mm(9.0));
//! table.push_row(vec![Cell::text("1"), Cell::text("ОЛМА0101851"), Cell::Empty]);
//! doc.table(&table)?;
//! let bytes: Vec<u8> = doc.finish()?;
//! assert!(bytes.starts_with(b"%PDF"));
//! # Ok::<(), pdf::PdfError>(())
//! ```

mod canvas;
mod document;
mod error;
mod fonts;
mod layout;
mod page;
mod qr;
mod render;
mod style;
mod table;

pub use canvas::Canvas;
pub use document::{Document, DocumentBuilder, Heading, Margins, Orientation};
pub use error::PdfError;
pub use fonts::Weight;
pub use qr::QrMatrix;
pub use style::{Align, Color, Stroke, TextStyle};
pub use table::{Cell, Column, Table};

/// Converts millimetres to PDF points.
pub const fn mm(millimetres: f32) -> f32 {
    millimetres * 72.0 / 25.4
}

/// Width of an A4 page in portrait orientation, in points (210 mm).
pub const A4_WIDTH: f32 = mm(210.0);
/// Height of an A4 page in portrait orientation, in points (297 mm).
pub const A4_HEIGHT: f32 = mm(297.0);
