//! QR codes drawn as vector squares from a matrix the caller computed (with
//! the `qrcode` crate, say), so this crate needs no QR encoder.

use crate::error::PdfError;

/// The modules of a QR code, row by row, `true` for dark. Without the quiet
/// zone: the drawing functions leave that blank.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QrMatrix {
    width: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// The smallest QR code (version 1) is 21 modules wide; micro QR codes 11.
    const MIN_WIDTH: usize = 11;

    /// A matrix `width` modules wide from `dark`, which must hold
    /// `width * width` modules, row by row.
    ///
    /// With the `qrcode` crate: `QrMatrix::new(code.width(),
    /// code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect())`.
    pub fn new(width: usize, dark: Vec<bool>) -> Result<QrMatrix, PdfError> {
        let expected = width.saturating_mul(width);
        if width < QrMatrix::MIN_WIDTH || dark.len() != expected {
            return Err(PdfError::QrShape {
                width,
                expected,
                found: dark.len(),
            });
        }
        Ok(QrMatrix { width, dark })
    }

    /// Modules per row.
    pub fn width(&self) -> usize {
        self.width
    }

    /// The dark modules as rectangles (x, y, width, height) of a symbol drawn
    /// `side` points wide at (`left`, `top`). Neighbouring dark modules in a
    /// row are merged into one rectangle, which makes the PDF smaller and
    /// leaves no hairline gaps between modules when printed.
    pub(crate) fn dark_rects(&self, left: f32, top: f32, side: f32) -> Vec<[f32; 4]> {
        let module = side / self.width as f32;
        let mut rects = Vec::new();
        for (row, modules) in self.dark.chunks(self.width).enumerate() {
            let mut column = 0;
            while column < self.width {
                if !modules[column] {
                    column += 1;
                    continue;
                }
                let start = column;
                while column < self.width && modules[column] {
                    column += 1;
                }
                rects.push([
                    left + start as f32 * module,
                    top + row as f32 * module,
                    (column - start) as f32 * module,
                    module,
                ]);
            }
        }
        rects
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_must_be_square() {
        let error = QrMatrix::new(21, vec![false; 21 * 20]).unwrap_err();
        assert_eq!(
            error,
            PdfError::QrShape {
                width: 21,
                expected: 441,
                found: 420
            }
        );
        assert!(QrMatrix::new(0, vec![]).is_err());
        assert!(QrMatrix::new(21, vec![true; 441]).is_ok());
    }

    #[test]
    fn dark_runs_in_a_row_become_one_rectangle() {
        let mut dark = vec![false; 11 * 11];
        // Row 0: columns 0-2 dark, 3 light, 4 dark.
        dark[..3].fill(true);
        dark[4] = true;
        // Row 10: all dark.
        dark[110..].fill(true);
        let rects = QrMatrix::new(11, dark)
            .unwrap()
            .dark_rects(10.0, 20.0, 110.0);
        assert_eq!(
            rects,
            vec![
                [10.0, 20.0, 30.0, 10.0],
                [50.0, 20.0, 10.0, 10.0],
                [10.0, 120.0, 110.0, 10.0]
            ]
        );
    }
}
