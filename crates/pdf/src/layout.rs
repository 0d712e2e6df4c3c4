//! Line breaking: text into lines that fit a width.
//!
//! Lines break at spaces, and after a hyphen or slash inside a word
//! ("секс-" / "роботи"). A word wider than the whole line is cut between
//! letters. Widths come from the shaped glyphs, the same ones that are drawn.

use crate::fonts::{Fonts, Run};
use crate::style::TextStyle;

/// Tolerance for float sums of advances, in em: a line that is wider by less
/// than this still fits.
const EPSILON: f32 = 1e-4;

/// A paragraph broken into lines for one style and width.
#[derive(Clone, Debug)]
pub(crate) struct Lines {
    pub runs: Vec<Run>,
    pub style: TextStyle,
}

impl Lines {
    /// Breaks `text` into lines no wider than `max_width` points. An empty or
    /// blank text gives no lines; `\n` starts a new line (a blank one if
    /// repeated).
    pub fn wrap(text: &str, style: TextStyle, max_width: f32) -> Lines {
        let face = Fonts::get().face(style.font_weight());
        let max = (max_width / style.font_size()).max(0.0);
        let mut runs = Vec::new();
        if text.trim().is_empty() {
            return Lines { runs, style };
        }
        let space = face.shape(" ");
        for hard_line in text.split('\n') {
            let mut line = Run::default();
            for word in hard_line
                .split(is_separator)
                .filter(|word| !word.is_empty())
            {
                for (index, piece) in pieces(word).enumerate() {
                    let piece = face.shape(piece);
                    let gap = if index == 0 && !line.text.is_empty() {
                        space.advance
                    } else {
                        0.0
                    };
                    if line.advance + gap + piece.advance <= max + EPSILON {
                        if gap > 0.0 {
                            line.push(&space);
                        }
                        line.push(&piece);
                        continue;
                    }
                    if !line.text.is_empty() {
                        runs.push(std::mem::take(&mut line));
                    }
                    line = cut_to_width(piece, max, &mut runs);
                }
            }
            runs.push(line);
        }
        Lines { runs, style }
    }

    /// Keeps at most `count` lines; if any are dropped, the last kept line
    /// ends with an ellipsis so the reader sees the text goes on.
    pub fn truncate(&mut self, count: usize, max_width: f32) {
        if self.runs.len() <= count {
            return;
        }
        self.runs.truncate(count);
        if let Some(last) = self.runs.pop() {
            let max = max_width / self.style.font_size();
            self.runs
                .push(with_ellipsis(&last, self.style, max, EllipsisWhen::Always));
        }
    }

    /// Height of all lines, in points.
    pub fn height(&self) -> f32 {
        self.runs.len() as f32 * self.style.line_height()
    }

    /// Width of the widest line, in points.
    pub fn width(&self) -> f32 {
        self.runs
            .iter()
            .map(|run| run.width(self.style.font_size()))
            .fold(0.0, f32::max)
    }
}

/// Shapes `text` as one line no wider than `max_width` points, cutting it with
/// an ellipsis if it is wider. For running headers, where a second line has no
/// room.
pub(crate) fn single_line(text: &str, style: TextStyle, max_width: f32) -> Run {
    let face = Fonts::get().face(style.font_weight());
    let clean = text.replace(is_separator, " ");
    let run = face.shape(clean.trim());
    with_ellipsis(
        &run,
        style,
        max_width / style.font_size(),
        EllipsisWhen::TooWide,
    )
}

/// The distance from the top of a line box to its baseline, in points, which
/// centres the font's ascender-descender span in the line.
pub(crate) fn baseline_offset(style: TextStyle) -> f32 {
    let face = Fonts::get().face(style.font_weight());
    (style.line_height() + (face.ascender + face.descender) * style.font_size()) / 2.0
}

/// Whitespace and control characters separate words; they are never drawn.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || c.is_control()
}

/// Splits a word after each hyphen or slash that follows a letter or digit and
/// is followed by more of the word: the places where a line may break.
fn pieces(word: &str) -> impl Iterator<Item = &str> {
    let mut rest = word;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut previous_is_alphanumeric = false;
        let mut cut = rest.len();
        for (index, c) in rest.char_indices() {
            let after = index + c.len_utf8();
            if matches!(c, '-' | '\u{2010}' | '/') && previous_is_alphanumeric && after < rest.len()
            {
                cut = after;
                break;
            }
            previous_is_alphanumeric = c.is_alphanumeric();
        }
        let (piece, tail) = rest.split_at(cut);
        rest = tail;
        Some(piece)
    })
}

/// Cuts a piece wider than `max` em between clusters: every full line goes to
/// `lines`, the remainder is returned to start the next line. Each line gets at
/// least one cluster, so a single glyph wider than the column still advances.
fn cut_to_width(piece: Run, max: f32, lines: &mut Vec<Run>) -> Run {
    if piece.advance <= max + EPSILON {
        return piece;
    }
    let mut starts: Vec<usize> = piece.cluster_starts().collect();
    starts.push(piece.glyphs.len());
    let mut line_start = 0;
    let mut width = 0.0;
    for pair in starts.windows(2) {
        let (start, end) = (pair[0], pair[1]);
        let cluster: f32 = piece.glyphs[start..end]
            .iter()
            .map(|glyph| glyph.x_advance)
            .sum();
        if width + cluster > max + EPSILON && start > line_start {
            lines.push(piece.slice(line_start..start));
            line_start = start;
            width = 0.0;
        }
        width += cluster;
    }
    piece.slice(line_start..piece.glyphs.len())
}

#[derive(Clone, Copy, PartialEq)]
enum EllipsisWhen {
    Always,
    TooWide,
}

/// The longest prefix of `run` (cut between clusters) that, followed by "…",
/// fits `max` em.
fn with_ellipsis(run: &Run, style: TextStyle, max: f32, when: EllipsisWhen) -> Run {
    if when == EllipsisWhen::TooWide && run.advance <= max + EPSILON {
        return run.clone();
    }
    let face = Fonts::get().face(style.font_weight());
    let ellipsis = face.shape("…");
    let mut end = 0;
    let mut width = 0.0;
    let mut starts: Vec<usize> = run.cluster_starts().collect();
    starts.push(run.glyphs.len());
    for pair in starts.windows(2) {
        let cluster: f32 = run.glyphs[pair[0]..pair[1]]
            .iter()
            .map(|glyph| glyph.x_advance)
            .sum();
        if width + cluster + ellipsis.advance > max + EPSILON {
            break;
        }
        width += cluster;
        end = pair[1];
    }
    let mut cut = run.slice(0..end);
    // A space left before the ellipsis would read as a gap: "Київ …".
    while cut.text.ends_with(' ') {
        let keep = cut.glyphs.len().saturating_sub(1);
        cut = cut.slice(0..keep);
    }
    cut.push(&ellipsis);
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &Lines) -> Vec<&str> {
        lines.runs.iter().map(|run| run.text.as_str()).collect()
    }

    #[test]
    fn words_that_fit_stay_on_one_line_with_single_spaces() {
        let lines = Lines::wrap("Тренінг  з\tмоделей", TextStyle::body(), 500.0);
        assert_eq!(texts(&lines), ["Тренінг з моделей"]);
    }

    #[test]
    fn lines_break_at_spaces_and_never_exceed_the_width() {
        let text = "Тренінг з моделей регулювання секс-роботи для партнерських організацій";
        let lines = Lines::wrap(text, TextStyle::body(), 120.0);
        assert!(lines.runs.len() > 2, "{:?}", texts(&lines));
        for run in &lines.runs {
            assert!(run.width(10.0) <= 120.0 + 0.01, "{} is too wide", run.text);
        }
        let joined = texts(&lines).join(" ").replace("- ", "-");
        assert_eq!(joined, text);
    }

    #[test]
    fn a_hyphenated_word_may_break_after_its_hyphen() {
        let style = TextStyle::body();
        let width = Lines::wrap("регулювання секс-", style, 1000.0).width();
        let lines = Lines::wrap("регулювання секс-роботи", style, width + 1.0);
        assert_eq!(texts(&lines), ["регулювання секс-", "роботи"]);
    }

    #[test]
    fn a_leading_minus_is_not_a_break_point() {
        assert_eq!(pieces("-5").collect::<Vec<_>>(), ["-5"]);
        assert_eq!(
            pieces("2021-2023/2024").collect::<Vec<_>>(),
            ["2021-", "2023/", "2024"]
        );
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_between_letters() {
        let word = "Ґїєі".repeat(30);
        let lines = Lines::wrap(&word, TextStyle::body(), 60.0);
        assert!(lines.runs.len() > 3);
        for run in &lines.runs {
            assert!(run.width(10.0) <= 60.0 + 0.01);
        }
        assert_eq!(texts(&lines).concat(), word);
    }

    #[test]
    fn a_column_narrower_than_one_letter_still_holds_each_letter_once() {
        let lines = Lines::wrap("ЖШЩ", TextStyle::body(), 1.0);
        assert_eq!(texts(&lines), ["Ж", "Ш", "Щ"]);
    }

    #[test]
    fn blank_text_has_no_lines_and_newlines_keep_blank_lines() {
        assert!(
            Lines::wrap(" \n ", TextStyle::body(), 100.0)
                .runs
                .is_empty()
        );
        let lines = Lines::wrap("а\n\nб", TextStyle::body(), 100.0);
        assert_eq!(texts(&lines), ["а", "", "б"]);
    }

    #[test]
    fn truncated_lines_end_with_an_ellipsis_that_fits() {
        let mut lines = Lines::wrap(&"слово ".repeat(40), TextStyle::body(), 80.0);
        lines.truncate(2, 80.0);
        assert_eq!(lines.runs.len(), 2);
        assert!(lines.runs[1].text.ends_with('…'));
        assert!(lines.runs[1].width(10.0) <= 80.01);
    }

    #[test]
    fn a_single_line_is_cut_with_an_ellipsis_only_when_too_wide() {
        let style = TextStyle::body();
        assert_eq!(single_line("Коло", style, 200.0).text, "Коло");
        let cut = single_line(&"Коло ".repeat(50), style, 100.0);
        assert!(cut.text.starts_with("Коло Коло"));
        assert!(
            cut.text.ends_with('…') && !cut.text.ends_with(" …"),
            "{}",
            cut.text
        );
        assert!(cut.width(10.0) <= 100.01);
    }
}
