//! OpenRosa responses: the headers every answer carries, and the XML bodies
//! (OpenRosaResponse messages, the form list, the manifest).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use kolo_core::lang::Lang;

/// What Kolo announces on HEAD `/submission`, and enforces: 100 MB per POST.
pub const ACCEPT_CONTENT_LENGTH: u64 = 100_000_000;

pub const TEXT_XML: &str = "text/xml; charset=utf-8";

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a path segment (file names and form ids in URLs).
pub fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Adds the headers of every OpenRosa answer.
pub fn with_openrosa_headers(mut response: Response, lang: Lang) -> Response {
    let headers = response.headers_mut();
    headers.insert("x-openrosa-version", HeaderValue::from_static("1.0"));
    headers.insert(
        "x-openrosa-accept-content-length",
        HeaderValue::from(ACCEPT_CONTENT_LENGTH),
    );
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    response
}

/// An XML document with the OpenRosa headers.
pub fn xml_response(status: StatusCode, body: String, lang: Lang) -> Response {
    let response = (
        status,
        [(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_XML))],
        body,
    )
        .into_response();
    with_openrosa_headers(response, lang)
}

/// `<OpenRosaResponse>` with one message, as Collect shows it to the monitor.
pub fn message(status: StatusCode, nature: &str, text: &str, lang: Lang) -> Response {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <OpenRosaResponse xmlns=\"http://openrosa.org/http/response\" items=\"0\">\
         <message nature=\"{}\">{}</message></OpenRosaResponse>\n",
        escape(nature),
        escape(text)
    );
    xml_response(status, body, lang)
}

/// One entry of the form list.
pub struct ListedForm<'a> {
    pub xml_form_id: &'a str,
    pub title: &'a str,
    pub version: &'a str,
    pub md5: &'a str,
    pub has_media: bool,
    /// Where the form's files hang from (see `Device::form_base_url`):
    /// absolute, under the device's server URL.
    pub base_url: String,
}

/// The OpenRosa form list.
pub fn form_list(forms: &[ListedForm<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xforms xmlns=\"http://openrosa.org/xforms/xformsList\">\n",
    );
    for form in forms {
        let base = &form.base_url;
        out.push_str("  <xform>\n");
        out.push_str(&format!(
            "    <formID>{}</formID>\n    <name>{}</name>\n    <version>{}</version>\n    <hash>md5:{}</hash>\n",
            escape(form.xml_form_id),
            escape(form.title),
            escape(form.version),
            form.md5
        ));
        out.push_str(&format!(
            "    <downloadUrl>{}</downloadUrl>\n",
            escape(&format!("{base}.xml"))
        ));
        if form.has_media {
            out.push_str(&format!(
                "    <manifestUrl>{}</manifestUrl>\n",
                escape(&format!("{base}/manifest"))
            ));
        }
        out.push_str("  </xform>\n");
    }
    out.push_str("</xforms>\n");
    out
}

/// One file of a manifest.
pub struct ManifestFile<'a> {
    pub name: &'a str,
    pub md5: &'a str,
}

/// The manifest of a form whose files hang from `base_url`.
pub fn manifest(base_url: &str, files: &[ManifestFile<'_>]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest xmlns=\"http://openrosa.org/xforms/xformsManifest\">\n",
    );
    for file in files {
        let url = format!("{base_url}/attachments/{}", encode_segment(file.name));
        out.push_str(&format!(
            "  <mediaFile>\n    <filename>{}</filename>\n    <hash>md5:{}</hash>\n    <downloadUrl>{}</downloadUrl>\n  </mediaFile>\n",
            escape(file.name),
            file.md5,
            escape(&url)
        ));
    }
    out.push_str("</manifest>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_list_parses_and_escapes() {
        let list = form_list(&[ListedForm {
            xml_form_id: "a&b",
            title: "<CLM>",
            version: "1",
            md5: "00",
            has_media: true,
            base_url: format!(
                "http://h/v1/key/t/projects/p/forms/{}",
                encode_segment("a&b")
            ),
        }]);
        let doc = roxmltree::Document::parse(&list).unwrap();
        let root = doc.root_element();
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://openrosa.org/xforms/xformsList")
        );
        assert!(list.contains("<name>&lt;CLM&gt;</name>"));
        assert!(list.contains("/forms/a%26b.xml"));
        assert!(list.contains("/forms/a%26b/manifest"));
    }
}
