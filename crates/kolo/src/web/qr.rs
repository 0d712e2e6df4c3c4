//! QR codes drawn as SVG on the server: no script, no image service.
//!
//! Drawn in module units scaled by the `viewBox`: each horizontal run of dark
//! modules is one stroke a module thick along the middle of its row, and the
//! runs of a row are joined by relative moves (`M4 7.5h3m2 0h1…`). A settings
//! code for ODK Collect weighs about a seventh of what one rectangle per
//! module in pixels did, and half of what a closed rectangle per run did.

use std::fmt::Write;

use qrcode::{Color, QrCode};

/// Light modules around the code, as the standard asks.
const QUIET_ZONE: usize = 4;

/// An SVG QR code for `data`, `size` pixels square, with a text alternative.
/// `None` when the data is too long for a QR code.
pub fn svg(data: &str, size: u32, label: &str) -> Option<String> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for (y, row) in colors.chunks(width).enumerate() {
        // Where the pen stands on this row after the last run drawn.
        let mut pen: Option<usize> = None;
        let mut x = 0;
        while x < width {
            if row[x] == Color::Light {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            // Writing to a String cannot fail.
            let _ = match pen {
                None => write!(
                    path,
                    "M{} {}.5h{}",
                    start + QUIET_ZONE,
                    y + QUIET_ZONE,
                    x - start
                ),
                Some(at) => write!(path, "m{} 0h{}", start - at, x - start),
            };
            pen = Some(x);
        }
    }
    let total = width + 2 * QUIET_ZONE;
    Some(format!(
        "<svg role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" \
         height=\"{size}\" viewBox=\"0 0 {total} {total}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{total}\" height=\"{total}\" fill=\"#fff\"/>\
         <path fill=\"none\" stroke=\"#000\" stroke-width=\"1\" d=\"{path}\"/></svg>",
        askama_escape(label)
    ))
}

fn askama_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use qrcode::QrCode;
    use qrcode::render::svg;

    /// The dark cells of the reference's path of `M x y h w v h …`
    /// rectangles, in module units.
    fn filled_cells(path: &str) -> BTreeSet<(usize, usize)> {
        let mut out = BTreeSet::new();
        for segment in path.split('M').filter(|s| !s.is_empty()) {
            let numbers: Vec<usize> = segment
                .split(|c: char| !c.is_ascii_digit())
                .filter(|n| !n.is_empty())
                .map(|n| n.parse().unwrap())
                .collect();
            let (x, y, w, h) = (numbers[0], numbers[1], numbers[2], numbers[3]);
            for dy in 0..h {
                for dx in 0..w {
                    out.insert((x + dx, y + dy));
                }
            }
        }
        out
    }

    /// The cells our path strokes: `M x y.5` and `m dx dy` move the pen,
    /// `h n` draws n modules of the row whose middle the pen is on.
    fn stroked_cells(path: &str) -> BTreeSet<(usize, usize)> {
        let mut out = BTreeSet::new();
        let (mut x, mut y) = (0.0_f64, 0.0_f64);
        let mut rest = path;
        while let Some(command) = rest.chars().next() {
            let end = rest[1..]
                .find(|c: char| c.is_ascii_alphabetic())
                .map_or(rest.len(), |i| i + 1);
            let args: Vec<f64> = rest[1..end]
                .split(' ')
                .map(|n| n.parse().unwrap())
                .collect();
            match command {
                'M' => (x, y) = (args[0], args[1]),
                'm' => (x, y) = (x + args[0], y + args[1]),
                'h' => {
                    assert_eq!(y.fract(), 0.5, "strokes run along the middle of a row");
                    for dx in 0..args[0] as usize {
                        out.insert((x as usize + dx, y as usize));
                    }
                    x += args[0];
                }
                other => panic!("unexpected path command {other}"),
            }
            rest = &rest[end..];
        }
        out
    }

    fn path_of(image: &str) -> &str {
        let start = image.find(" d=\"").unwrap() + 4;
        &image[start..start + image[start..].find('"').unwrap()]
    }

    #[test]
    fn a_qr_code_is_inline_svg_with_a_label() {
        let image = super::svg("otpauth://totp/Kolo:olena?secret=ABC", 200, "QR \"code\"").unwrap();
        assert!(image.starts_with("<svg role=\"img\" aria-label=\"QR &quot;code&quot;\""));
        assert!(image.contains("width=\"200\" height=\"200\""));
        assert!(!image.contains("<?xml") && !image.contains("<script"));
    }

    #[test]
    fn the_runs_draw_exactly_the_modules_the_qrcode_crate_draws() {
        let data = "eJyrVkrPz89JTcnMS1eyUlAqSS0u0c/MyyvWL8hJLAKUKclJLErJL8os";
        let ours = super::svg(data, 240, "code").unwrap();
        let reference = QrCode::new(data.as_bytes())
            .unwrap()
            .render::<svg::Color<'_>>()
            .module_dimensions(1, 1)
            .quiet_zone(true)
            .build();
        let drawn = stroked_cells(path_of(&ours));
        assert!(!drawn.is_empty());
        assert_eq!(drawn, filled_cells(path_of(&reference)));
        assert!(ours.contains("stroke-width=\"1\""));
        let total = QrCode::new(data.as_bytes()).unwrap().width() + 8;
        assert!(ours.contains(&format!("viewBox=\"0 0 {total} {total}\"")));
        assert!(reference.contains(&format!("viewBox=\"0 0 {total} {total}\"")));
    }
}
