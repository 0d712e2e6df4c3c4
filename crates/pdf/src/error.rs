//! Errors a caller can cause. Text from outside (names, titles, answers) never
//! causes one: it is wrapped, and cut with an ellipsis where it cannot fit. The
//! errors below come from the shape the calling code gave a document.

/// What went wrong while building a PDF, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PdfError {
    /// A length, size or coordinate was NaN, infinite or out of its range.
    #[error("{what} must be a finite number {range}, got {value}")]
    InvalidNumber {
        /// Which value, e.g. "left margin" or "figure height".
        what: &'static str,
        /// The allowed range, e.g. "greater than 0".
        range: &'static str,
        /// The value received.
        value: f32,
    },

    /// Margins, header and footer leave too little room for content.
    #[error(
        "the page body would be {width:.0} x {height:.0} pt; margins, header and footer must \
         leave at least 72 x 72 pt (1 inch) for content: reduce the margins"
    )]
    BodyTooSmall {
        /// Body width left, in points.
        width: f32,
        /// Body height left, in points.
        height: f32,
    },

    /// A table was given no columns.
    #[error("table {table}: a table needs at least one column")]
    NoColumns {
        /// 1-based number of the table in the document.
        table: usize,
    },

    /// A table row has a different number of cells than the table has columns.
    #[error(
        "table {table}, row {row}: has {found} cells but the table has {expected} columns; \
         give every row one cell per column (use Cell::Empty for a blank one)"
    )]
    RowLength {
        /// 1-based number of the table in the document.
        table: usize,
        /// 1-based row number, not counting the header row.
        row: usize,
        /// Number of columns.
        expected: usize,
        /// Number of cells in the row.
        found: usize,
    },

    /// A figure (chart, QR code) is taller than a page body, so it can never fit.
    #[error(
        "{what} is {height:.0} pt tall but a page body holds at most {available:.0} pt: \
         make it smaller"
    )]
    TooTall {
        /// What did not fit, e.g. "figure" or "QR code".
        what: &'static str,
        /// Its height in points.
        height: f32,
        /// The height of a page body in points.
        available: f32,
    },

    /// A QR matrix whose module count does not match its width.
    #[error(
        "QR matrix of width {width} needs {expected} modules (width x width), got {found}; \
         pass the modules row by row"
    )]
    QrShape {
        /// Modules per row.
        width: usize,
        /// width x width.
        expected: usize,
        /// Modules received.
        found: usize,
    },

    /// The PDF writer refused the document. This is a bug in this crate.
    #[error("could not write the PDF: {0}")]
    Write(String),
}

/// Checks that `value` is finite and greater than zero.
pub(crate) fn positive(what: &'static str, value: f32) -> Result<f32, PdfError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(PdfError::InvalidNumber {
            what,
            range: "greater than 0",
            value,
        })
    }
}

/// Checks that `value` is finite and not negative.
pub(crate) fn non_negative(what: &'static str, value: f32) -> Result<f32, PdfError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(PdfError::InvalidNumber {
            what,
            range: "of at least 0",
            value,
        })
    }
}

/// Checks that `value` is finite (a coordinate may be negative).
pub(crate) fn finite(what: &'static str, value: f32) -> Result<f32, PdfError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(PdfError::InvalidNumber {
            what,
            range: "(not NaN or infinite)",
            value,
        })
    }
}
