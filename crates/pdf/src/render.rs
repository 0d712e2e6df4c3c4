//! Writing laid-out pages with krilla, adding each page's running header and
//! footer on the way.

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size};
use krilla::metadata::Metadata as PdfMetadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke as PdfStroke};
use krilla::surface::Surface;
use krilla::{Document as PdfDocument, SerializeSettings};

use crate::document::{CHROME_GAP, Margins, chrome_style};
use crate::error::PdfError;
use crate::fonts::Fonts;
use crate::layout::{baseline_offset, single_line};
use crate::page::{Op, Page};
use crate::style::{Align, Color, Stroke};

/// Page size and what repeats on every page.
#[derive(Clone, Debug)]
pub(crate) struct PageSetup {
    pub width: f32,
    pub height: f32,
    pub margins: Margins,
    pub header: Option<(String, String)>,
    pub footer_note: Option<String>,
    pub page_label: Option<String>,
}

pub(crate) struct Metadata<'a> {
    pub title: &'a str,
    pub language: &'a str,
}

pub(crate) fn write(
    setup: &PageSetup,
    pages: &[Page],
    metadata: Metadata<'_>,
) -> Result<Vec<u8>, PdfError> {
    let settings = SerializeSettings {
        // Nothing is tagged yet, so an empty structure tree would only
        // promise accessibility that is not there.
        enable_tagging: false,
        ..SerializeSettings::default()
    };
    let mut document = PdfDocument::new_with(settings);
    document.set_metadata(
        PdfMetadata::new()
            .title(metadata.title.to_owned())
            .language(metadata.language.to_owned())
            .creator("Kolo".to_owned()),
    );
    let size = Size::from_wh(setup.width, setup.height)
        .ok_or_else(|| PdfError::Write("page size is not positive".to_owned()))?;
    let count = pages.len();
    for (index, page) in pages.iter().enumerate() {
        let mut pdf_page = document.start_page_with(PageSettings::new(size));
        let mut surface = pdf_page.surface();
        let chrome = chrome_ops(setup, index + 1, count);
        for op in chrome.iter().chain(&page.ops) {
            draw(&mut surface, op);
        }
        surface.finish();
        pdf_page.finish();
    }
    document
        .finish()
        .map_err(|error| PdfError::Write(error.to_string()))
}

/// The running header and footer of page `number` of `count`.
fn chrome_ops(setup: &PageSetup, number: usize, count: usize) -> Vec<Op> {
    let style = chrome_style();
    let margins = setup.margins;
    let width = setup.width - margins.left - margins.right;
    let mut ops = Vec::new();
    let mut line = |text: &str, align: Align, max_width: f32, top: f32| {
        let run = single_line(text, style, max_width);
        if !run.glyphs.is_empty() {
            ops.push(Op::Text {
                x: align.start(margins.left, width, run.width(style.font_size())),
                baseline: top + baseline_offset(style),
                size: style.font_size(),
                weight: style.font_weight(),
                color: style.text_color(),
                run,
            });
        }
    };
    const SEPARATION: f32 = 12.0;

    if let Some((left, right)) = &setup.header {
        // The organisation's name keeps up to half the line; the title gets
        // the rest.
        let left_width = single_line(left, style, width / 2.0).width(style.font_size());
        line(left, Align::Left, width / 2.0, margins.top);
        line(
            right,
            Align::Right,
            width - left_width - SEPARATION,
            margins.top,
        );
    }
    let footer_top = setup.height - margins.bottom - style.line_height();
    let numbers = setup.page_label.as_ref().map(|label| {
        let label = label.trim();
        if label.is_empty() {
            format!("{number} / {count}")
        } else {
            format!("{label} {number} / {count}")
        }
    });
    let numbers_width = numbers.as_ref().map_or(0.0, |numbers| {
        single_line(numbers, style, width).width(style.font_size()) + SEPARATION
    });
    if let Some(numbers) = &numbers {
        line(numbers, Align::Right, width, footer_top);
    }
    if let Some(note) = &setup.footer_note {
        line(note, Align::Left, width - numbers_width, footer_top);
    }
    if setup.header.is_some() {
        let rule = margins.top + style.line_height() + CHROME_GAP / 2.0;
        ops.push(Op::Polyline {
            points: vec![(margins.left, rule), (margins.left + width, rule)],
            stroke: Stroke::new(Color::gray(150), 0.5),
        });
    }
    ops
}

fn draw(surface: &mut Surface<'_>, op: &Op) {
    match op {
        Op::Text {
            x,
            baseline,
            size,
            weight,
            color,
            run,
        } => {
            surface.set_stroke(None);
            surface.set_fill(Some(fill(*color)));
            surface.draw_glyphs(
                Point::from_xy(*x, *baseline),
                &run.glyphs,
                Fonts::get().face(*weight).pdf.clone(),
                &run.text,
                *size,
                false,
            );
        }
        Op::Rect {
            x,
            y,
            width,
            height,
            stroke,
        } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                path.push_rect(rect);
            }
            stroke_path(surface, path, *stroke);
        }
        Op::FillRects { rects, color } => {
            let mut path = PathBuilder::new();
            for &[x, y, width, height] in rects {
                if let Some(rect) = Rect::from_xywh(x, y, width, height) {
                    path.push_rect(rect);
                }
            }
            if let Some(path) = path.finish() {
                surface.set_stroke(None);
                surface.set_fill(Some(fill(*color)));
                surface.draw_path(&path);
            }
        }
        Op::Polyline { points, stroke } => {
            let mut path = PathBuilder::new();
            if let Some(&(x, y)) = points.first() {
                path.move_to(x, y);
            }
            for &(x, y) in points.iter().skip(1) {
                path.line_to(x, y);
            }
            stroke_path(surface, path, *stroke);
        }
    }
}

fn stroke_path(surface: &mut Surface<'_>, path: PathBuilder, stroke: Stroke) {
    // An empty or degenerate path (a zero-size rectangle) draws nothing.
    if let Some(path) = path.finish() {
        surface.set_fill(None);
        surface.set_stroke(Some(PdfStroke {
            paint: paint(stroke.color).into(),
            width: stroke.width,
            ..PdfStroke::default()
        }));
        surface.draw_path(&path);
    }
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: paint(color).into(),
        ..Fill::default()
    }
}

fn paint(color: Color) -> rgb::Color {
    rgb::Color::new(color.r, color.g, color.b)
}
