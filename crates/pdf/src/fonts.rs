//! The two vendored fonts, and text shaping with them.
//!
//! Shaping turns a string into positioned glyphs (kerning, combining marks) with
//! rustybuzz. The same glyphs are measured for line breaking and then drawn, so a
//! line never comes out wider than the layout thought.

use std::ops::Range;
use std::sync::OnceLock;

use krilla::text::{GlyphId, KrillaGlyph};
use rustybuzz::{Direction, UnicodeBuffer};

static REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");

/// The weight of the document's one font family (Noto Sans).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Weight {
    /// Body text.
    #[default]
    Regular,
    /// Headings, table headers, labels.
    Bold,
}

/// A shaped piece of text: its glyphs in the order they are drawn, each
/// glyph's advance in em (multiply by the font size for points) and the byte
/// range of `text` it stands for (what a PDF reader extracts for it).
#[derive(Clone, Debug, Default)]
pub(crate) struct Run {
    pub text: String,
    pub glyphs: Vec<KrillaGlyph>,
    /// Sum of the glyphs' advances, in em.
    pub advance: f32,
}

impl Run {
    /// Width in points at `size`.
    pub fn width(&self, size: f32) -> f32 {
        self.advance * size
    }

    /// Appends `other`, shifting its glyphs' text ranges.
    pub fn push(&mut self, other: &Run) {
        let shift = self.text.len();
        self.text.push_str(&other.text);
        self.glyphs.extend(other.glyphs.iter().map(|glyph| {
            let mut glyph = glyph.clone();
            glyph.text_range = glyph.text_range.start + shift..glyph.text_range.end + shift;
            glyph
        }));
        self.advance += other.advance;
    }

    /// The glyphs `range` as a run of their own. `range` must start and end on
    /// cluster boundaries (see [`Run::cluster_starts`]).
    pub fn slice(&self, range: Range<usize>) -> Run {
        let glyphs = &self.glyphs[range];
        let (Some(first), Some(last)) = (glyphs.first(), glyphs.last()) else {
            return Run::default();
        };
        let shift = first.text_range.start;
        // Left-to-right shaping keeps clusters in text order, so this range
        // is valid; if it ever were not, an empty run beats a panic.
        let Some(text) = self.text.get(shift..last.text_range.end) else {
            return Run::default();
        };
        Run {
            text: text.to_owned(),
            glyphs: glyphs
                .iter()
                .map(|glyph| {
                    let mut glyph = glyph.clone();
                    let range = &glyph.text_range;
                    glyph.text_range =
                        range.start.saturating_sub(shift)..range.end.saturating_sub(shift);
                    glyph
                })
                .collect(),
            advance: glyphs.iter().map(|glyph| glyph.x_advance).sum(),
        }
    }

    /// Indices of glyphs that start a new cluster: the only places where the
    /// run may be cut without tearing a letter from its accent.
    pub fn cluster_starts(&self) -> impl Iterator<Item = usize> + '_ {
        self.glyphs.iter().enumerate().filter_map(|(index, glyph)| {
            let starts = index == 0 || self.glyphs[index - 1].text_range != glyph.text_range;
            starts.then_some(index)
        })
    }
}

/// One weight of the family, ready for shaping and for krilla.
pub(crate) struct Face {
    shaper: rustybuzz::Face<'static>,
    pub pdf: krilla::text::Font,
    units_per_em: f32,
    /// Ascender and descender from `hhea`, in em (descender is negative).
    pub ascender: f32,
    pub descender: f32,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Face {
        // Both fonts are vendored and the test suite draws with each, so a
        // failure here is a broken build, not bad input.
        let shaper = rustybuzz::Face::from_slice(bytes, 0).expect("vendored font parses");
        let pdf = krilla::text::Font::new(bytes.into(), 0).expect("vendored font loads");
        let units_per_em = shaper.units_per_em() as f32;
        Face {
            units_per_em,
            ascender: f32::from(shaper.ascender()) / units_per_em,
            descender: f32::from(shaper.descender()) / units_per_em,
            shaper,
            pdf,
        }
    }

    /// Shapes one line of text, left to right. `text` must hold no line breaks.
    pub fn shape(&self, text: &str) -> Run {
        let mut buffer = UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(Direction::LeftToRight);
        buffer.guess_segment_properties();
        let output = rustybuzz::shape(&self.shaper, &[], buffer);
        let infos = output.glyph_infos();
        let positions = output.glyph_positions();
        let em = self.units_per_em;
        let mut glyphs = Vec::with_capacity(infos.len());
        let mut advance = 0.0;
        for (index, (info, position)) in infos.iter().zip(positions).enumerate() {
            let start = info.cluster as usize;
            // A cluster ends where the next different cluster starts.
            let end = infos[index + 1..]
                .iter()
                .map(|next| next.cluster as usize)
                .find(|&next| next != start)
                .unwrap_or(text.len());
            let x_advance = position.x_advance as f32 / em;
            advance += x_advance;
            glyphs.push(KrillaGlyph::new(
                GlyphId::new(info.glyph_id),
                x_advance,
                position.x_offset as f32 / em,
                position.y_offset as f32 / em,
                position.y_advance as f32 / em,
                start..end.max(start),
                None,
            ));
        }
        Run {
            text: text.to_owned(),
            glyphs,
            advance,
        }
    }
}

/// The regular and bold faces, loaded once per process.
pub(crate) struct Fonts {
    regular: Face,
    bold: Face,
}

impl Fonts {
    pub fn get() -> &'static Fonts {
        static FONTS: OnceLock<Fonts> = OnceLock::new();
        FONTS.get_or_init(|| Fonts {
            regular: Face::load(REGULAR),
            bold: Face::load(BOLD),
        })
    }

    pub fn face(&self, weight: Weight) -> &Face {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}
