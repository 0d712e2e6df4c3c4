//! QR codes drawn as SVG on the server: no script, no image service.
//!
//! Drawn in module units scaled by the `viewBox`, one path segment per
//! horizontal run of dark modules: a settings code for ODK Collect weighs
//! about a quarter of what one rectangle per module in pixels did.

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
            let _ = write!(
                path,
                "M{} {}h{}v1h-{}z",
                start + QUIET_ZONE,
                y + QUIET_ZONE,
                x - start,
                x - start
            );
        }
    }
    let total = width + 2 * QUIET_ZONE;
    Some(format!(
        "<svg role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{size}\" \
         height=\"{size}\" viewBox=\"0 0 {total} {total}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{total}\" height=\"{total}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>",
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

    /// The dark cells of a path made of `M x y h w v h …` rectangles, in
    /// module units.
    fn cells(path: &str) -> BTreeSet<(usize, usize)> {
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
        let drawn = cells(path_of(&ours));
        assert!(!drawn.is_empty());
        assert_eq!(drawn, cells(path_of(&reference)));
        let total = QrCode::new(data.as_bytes()).unwrap().width() + 8;
        assert!(ours.contains(&format!("viewBox=\"0 0 {total} {total}\"")));
        assert!(reference.contains(&format!("viewBox=\"0 0 {total} {total}\"")));
    }
}
