//! Small SVG charts drawn on the server: no script, no inline style (the
//! content security policy forbids it), colours as presentation attributes.

use std::fmt::Write;

/// Colours of the two series, readable in greyscale print too.
const PRE: &str = "#9aa5b1";
const POST: &str = "#1f5f8b";

/// Counts of scores in ten bands (0-9, 10-19, ..., 90-100 percent).
pub fn bands(scores: impl Iterator<Item = f64>) -> [usize; 10] {
    let mut counts = [0usize; 10];
    for score in scores {
        let band = ((score / 10.0).floor() as usize).min(9);
        counts[band] += 1;
    }
    counts
}

/// Two histograms side by side per band: pre-test and post-test.
/// `labels` are the series names and the axis caption.
pub fn score_histogram(pre: &[usize; 10], post: &[usize; 10], labels: [&str; 3]) -> String {
    let (width, height, left, bottom, top) = (400.0_f64, 200.0_f64, 28.0, 30.0, 24.0);
    let max = pre
        .iter()
        .chain(post.iter())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let plot_h = height - bottom - top;
    let band_w = (width - left) / 10.0;
    let bar_w = band_w * 0.38;
    let mut svg = String::with_capacity(4096);
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">",
        escape(labels[2])
    );
    let baseline = height - bottom;
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{baseline}\" x2=\"{width}\" y2=\"{baseline}\" stroke=\"#333\"/>"
    );
    for band in 0..10 {
        let x0 = left + band as f64 * band_w;
        for (series, counts, colour) in [(0.0, pre, PRE), (1.0, post, POST)] {
            let count = counts[band];
            let h = count as f64 / max * plot_h;
            let x = x0 + band_w * 0.1 + series * bar_w;
            let y = baseline - h;
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar_w:.1}\" height=\"{h:.1}\" fill=\"{colour}\"><title>{count}</title></rect>"
            );
            if count > 0 {
                let _ = write!(
                    svg,
                    "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{count}</text>",
                    x + bar_w / 2.0,
                    y - 2.0
                );
            }
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\">{}</text>",
            x0 + band_w / 2.0,
            baseline + 12.0,
            band * 10
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
        left + (width - left) / 2.0,
        height - 4.0,
        escape(labels[2])
    );
    for (i, (name, colour)) in [(labels[0], PRE), (labels[1], POST)].iter().enumerate() {
        let x = left + i as f64 * 120.0;
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"4\" width=\"10\" height=\"10\" fill=\"{colour}\"/><text x=\"{}\" y=\"13\" font-size=\"10\">{}</text>",
            x + 14.0,
            escape(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_into_ten_bands_with_a_perfect_score_in_the_last() {
        let counts = bands([0.0, 9.9, 10.0, 55.0, 99.0, 100.0].into_iter());
        assert_eq!(counts, [2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
    }

    #[test]
    fn the_chart_has_no_style_attribute_or_script_and_escapes_labels() {
        let svg = score_histogram(&[1; 10], &[2; 10], ["До", "Після", "<бал>"]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(!svg.contains("style=") && !svg.contains("<script"));
        assert!(svg.contains("&lt;бал&gt;"));
        assert_eq!(svg.matches("<rect").count(), 22);
    }
}
