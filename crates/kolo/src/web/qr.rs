//! QR codes drawn as SVG on the server: no script, no image service.

use qrcode::QrCode;
use qrcode::render::svg;

/// An SVG QR code for `data`, `size` pixels square, with a text alternative.
/// `None` when the data is too long for a QR code.
pub fn svg(data: &str, size: u32, label: &str) -> Option<String> {
    let code = QrCode::new(data.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build();
    // The renderer writes an XML declaration first; inline SVG in HTML must not have one.
    let start = image.find("<svg")?;
    let escaped = askama_escape(label);
    Some(image[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{escaped}\""),
        1,
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
    #[test]
    fn a_qr_code_is_inline_svg_with_a_label() {
        let image = super::svg("otpauth://totp/Kolo:olena?secret=ABC", 200, "QR \"code\"").unwrap();
        assert!(image.starts_with("<svg role=\"img\" aria-label=\"QR &quot;code&quot;\""));
        assert!(!image.contains("<?xml") && !image.contains("<script"));
    }
}
