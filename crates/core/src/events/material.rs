//! Materials of an event (agendas, slides, handouts): which files are
//! accepted, judged by their content as well as their name, and how large.

use crate::auth::UserId;
use crate::time::Timestamp;

/// The largest file accepted: 10 MiB, enough for slides with pictures.
pub const MAX_MATERIAL_BYTES: usize = 10 * 1024 * 1024;

/// A kind of file Kolo keeps as material.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaterialKind {
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Odt,
    Ods,
    Odp,
    Png,
    Jpeg,
    Text,
}

impl MaterialKind {
    const ALL: [MaterialKind; 10] = [
        MaterialKind::Pdf,
        MaterialKind::Docx,
        MaterialKind::Xlsx,
        MaterialKind::Pptx,
        MaterialKind::Odt,
        MaterialKind::Ods,
        MaterialKind::Odp,
        MaterialKind::Png,
        MaterialKind::Jpeg,
        MaterialKind::Text,
    ];

    /// The content type Kolo serves the file with.
    pub fn content_type(self) -> &'static str {
        match self {
            MaterialKind::Pdf => "application/pdf",
            MaterialKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            MaterialKind::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            MaterialKind::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            MaterialKind::Odt => "application/vnd.oasis.opendocument.text",
            MaterialKind::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            MaterialKind::Odp => "application/vnd.oasis.opendocument.presentation",
            MaterialKind::Png => "image/png",
            MaterialKind::Jpeg => "image/jpeg",
            MaterialKind::Text => "text/plain; charset=utf-8",
        }
    }

    fn extensions(self) -> &'static [&'static str] {
        match self {
            MaterialKind::Pdf => &["pdf"],
            MaterialKind::Docx => &["docx"],
            MaterialKind::Xlsx => &["xlsx"],
            MaterialKind::Pptx => &["pptx"],
            MaterialKind::Odt => &["odt"],
            MaterialKind::Ods => &["ods"],
            MaterialKind::Odp => &["odp"],
            MaterialKind::Png => &["png"],
            MaterialKind::Jpeg => &["jpg", "jpeg"],
            MaterialKind::Text => &["txt"],
        }
    }

    /// Whether the bytes are what the kind says.
    fn matches(self, bytes: &[u8]) -> bool {
        let zip = bytes.starts_with(b"PK\x03\x04");
        let ooxml =
            |dir: &[u8]| zip && contains(bytes, b"[Content_Types].xml") && contains(bytes, dir);
        let odf = |mime: &[u8]| {
            zip && bytes.len() > 38
                && bytes[30..38] == *b"mimetype"
                && bytes[38..].starts_with(mime)
        };
        match self {
            MaterialKind::Pdf => bytes.starts_with(b"%PDF-"),
            MaterialKind::Docx => ooxml(b"word/"),
            MaterialKind::Xlsx => ooxml(b"xl/"),
            MaterialKind::Pptx => ooxml(b"ppt/"),
            MaterialKind::Odt => odf(b"application/vnd.oasis.opendocument.text"),
            MaterialKind::Ods => odf(b"application/vnd.oasis.opendocument.spreadsheet"),
            MaterialKind::Odp => odf(b"application/vnd.oasis.opendocument.presentation"),
            MaterialKind::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            MaterialKind::Jpeg => bytes.starts_with(b"\xff\xd8\xff"),
            MaterialKind::Text => std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0),
        }
    }
}

/// Why a file is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MaterialProblem {
    Empty,
    TooLarge,
    /// The file name's extension is not one Kolo keeps.
    TypeNotAllowed,
    /// The content is not what the name (or the browser) says.
    ContentMismatch,
}

impl MaterialProblem {
    pub fn message_id(self) -> &'static str {
        match self {
            MaterialProblem::Empty => "material-empty",
            MaterialProblem::TooLarge => "material-too-large",
            MaterialProblem::TypeNotAllowed => "material-type-not-allowed",
            MaterialProblem::ContentMismatch => "material-content-mismatch",
        }
    }
}

/// Decides whether a file may be kept: size, extension, and content. The type
/// the browser declared must agree too, unless it is the generic one.
pub fn check_material(
    file_name: &str,
    declared_type: &str,
    bytes: &[u8],
) -> Result<MaterialKind, MaterialProblem> {
    if bytes.is_empty() {
        return Err(MaterialProblem::Empty);
    }
    if bytes.len() > MAX_MATERIAL_BYTES {
        return Err(MaterialProblem::TooLarge);
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    let kind = MaterialKind::ALL
        .into_iter()
        .find(|k| k.extensions().contains(&extension.as_str()))
        .ok_or(MaterialProblem::TypeNotAllowed)?;
    let declared = declared_type.split(';').next().unwrap_or("").trim();
    let generic = declared.is_empty() || declared == "application/octet-stream";
    let expected = kind.content_type().split(';').next().unwrap_or("");
    let declared_agrees = generic
        || declared == expected
        || (kind == MaterialKind::Jpeg && declared == "image/pjpeg");
    if !declared_agrees || !kind.matches(bytes) {
        return Err(MaterialProblem::ContentMismatch);
    }
    Ok(kind)
}

/// A file name safe to show and to send back: no path, no control
/// characters, at most 120 characters.
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .collect::<String>()
        .trim()
        .to_owned();
    let mut chars: Vec<char> = cleaned.chars().collect();
    if chars.len() > 120 {
        let tail: Vec<char> = chars.split_off(chars.len() - 10);
        chars.truncate(110);
        chars.extend(tail);
    }
    if chars.is_empty() {
        "material".to_owned()
    } else {
        chars.into_iter().collect()
    }
}

/// A stored file's description (the bytes are fetched separately).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MaterialInfo {
    pub id: String,
    pub event_id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: Timestamp,
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pdf_named_pdf_is_accepted_and_a_renamed_program_is_not() {
        assert_eq!(
            check_material("Програма.pdf", "application/pdf", b"%PDF-1.7 ..."),
            Ok(MaterialKind::Pdf)
        );
        assert_eq!(
            check_material(
                "agenda.pdf",
                "application/pdf",
                b"MZ\x90\x00 windows program"
            ),
            Err(MaterialProblem::ContentMismatch)
        );
        assert_eq!(
            check_material("tool.exe", "application/octet-stream", b"MZ"),
            Err(MaterialProblem::TypeNotAllowed)
        );
    }

    #[test]
    fn the_declared_type_must_agree_with_the_name() {
        assert_eq!(
            check_material("notes.txt", "text/html", b"<script>"),
            Err(MaterialProblem::ContentMismatch)
        );
        assert_eq!(
            check_material("notes.txt", "text/plain", "Нотатки".as_bytes()),
            Ok(MaterialKind::Text)
        );
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert_eq!(
            check_material("a.txt", "", b""),
            Err(MaterialProblem::Empty)
        );
        let big = vec![b'a'; MAX_MATERIAL_BYTES + 1];
        assert_eq!(
            check_material("a.txt", "", &big),
            Err(MaterialProblem::TooLarge)
        );
    }

    #[test]
    fn file_names_lose_paths_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\o\\Слайди.pptx"), "Слайди.pptx");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\"b\n.pdf"), "ab.pdf");
        assert_eq!(clean_file_name(""), "material");
    }
}
